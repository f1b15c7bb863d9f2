"""The load client of bench/classroom.py is a tested part: a short lecture against a real server."""

import asyncio

from bench.classroom import classroom, require_loopback
from tests.e2e.e2e_harness import StreamlitServer

import pytest


def test_twenty_students_for_fifteen_seconds_all_join_and_every_move_redraws_a_chart():
    with StreamlitServer("app.py") as server:
        stats = asyncio.run(classroom(server.url, "softmax", students=20, join_window=3, rate=0.5, duration=15))
    assert len(stats.joins) == 20, stats.errors
    assert (stats.failed_connections, stats.timeouts, stats.disconnects) == (0, 0, 0), stats.errors
    # Each student moves about every 2 s; a busy machine may delay some moves, never drop them all.
    assert len(stats.moves) >= 20 * 15 * 0.5 * 0.5
    assert stats.unchanged == 0, "a slider move came back without a changed chart"


@pytest.mark.parametrize("url", ["http://10.0.0.8:8501", "http://example.org", "http://0.0.0.0:8501"])
def test_the_load_client_refuses_anything_but_loopback(url):
    with pytest.raises(SystemExit):
        require_loopback(url)
