"""The load client of bench/classroom.py is a tested part: a short lecture against a real server."""

import asyncio

from bench.classroom import class_vote, classroom, require_loopback, vote_to_projector
from tests.e2e.e2e_harness import StreamlitServer

import pytest


def test_twenty_students_for_fifteen_seconds_all_join_and_every_move_redraws_a_chart():
    with StreamlitServer("app.py") as server:
        # One visit first, as deploy/serve.py's warm-up does: this test is about the protocol, not a cold start.
        asyncio.run(classroom(server.url, "softmax", students=1, join_window=0, rate=0.5, duration=1))
        stats = asyncio.run(classroom(server.url, "softmax", students=20, join_window=3, rate=0.5, duration=15))
    assert len(stats.joins) == 20, stats.errors
    assert (stats.failed_connections, stats.timeouts, stats.disconnects) == (0, 0, 0), stats.errors
    # Each student moves about every 2 s; a busy shared machine slows the moves down (a closed loop waits for
    # each answer), so only "everyone got to move" is asserted, not a rate.
    assert len(stats.moves) >= 20
    assert stats.unchanged == 0, "a slider move came back without a changed chart"


def test_a_class_votes_and_changes_its_votes_and_the_projector_counts_each_student_once():
    with StreamlitServer("app.py") as server:
        stats, votes, n_options = asyncio.run(class_vote(server.url, "softmax", students=8, join_window=2,
                                                         duration=6, idle_polls=2))
    assert len(stats.joins) == 8 and votes.lost == 0, stats.errors
    assert len(votes.cast) == 16  # each student voted, then changed to another option
    cast = [list(votes.final.values()).count(option) for option in range(n_options)]
    assert list(votes.updates[-1][2]) == cast and sum(cast) == 8
    shown, missing = vote_to_projector(votes)
    assert missing == 0 and len(shown) == 16


@pytest.mark.parametrize("url", ["http://10.0.0.8:8501", "http://example.org", "http://0.0.0.0:8501"])
def test_the_load_client_refuses_anything_but_loopback(url):
    with pytest.raises(SystemExit):
        require_loopback(url)
