"""The load client of bench/classroom.py is a tested part: a short lecture against a real server."""

import asyncio
import random
from urllib.parse import parse_qsl

import numpy as np
import pyarrow as pa
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

import softmax_core as sc
from bench.classroom import Stats, Student, class_vote, classroom, require_loopback, vote_to_projector
from tests.e2e.e2e_harness import StreamlitServer


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
    assert stats.settled and len(stats.settled) <= len(stats.moves)  # the moves after the join window are a part
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


class Recorder(Student):
    """A student that keeps what one run sent: each element's kind and text, the URL, and how the run ended."""

    def __init__(self, *args):
        super().__init__(*args)
        self.elements, self.url_query, self.finished = [], None, None
        self.radios = {}  # label -> (widget id, fragment id, options)

    def seen(self, fwd, kind):
        if kind == "page_info_changed":
            self.url_query = dict(parse_qsl(fwd.page_info_changed.query_string))
        elif kind == "script_finished":
            self.finished = fwd.script_finished
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            el = fwd.delta.new_element
            self.elements.append((el.WhichOneof("type"), el))
            if el.WhichOneof("type") == "radio":
                self.radios[el.radio.label] = (el.radio.id, fwd.delta.fragment_id, list(el.radio.options))


def test_a_handle_move_reruns_only_what_the_logits_decide_and_the_link_and_numbers_follow():
    """The softmax page's fragment: a move skips the shell and the page's fixed text (a third of a rerun in a
    lecture hall), yet the URL, the share box's link, the step table and the sentences all show the new logits."""
    async def scenario(url):
        student = Recorder(url, "softmax", {"logits": "2,1,0.5"}, Stats(), random.Random(0))
        await student.join()
        full = [kind for kind, _ in student.elements]
        move = {next(iter(student.handles)): [3.0, 1.0, 0.5]}
        student.elements = []
        await student.run(move, fragment=student.fragment_of(move))
        await student.close()
        return student, full

    with StreamlitServer("app.py") as server:
        student, full = asyncio.run(scenario(server.url))
    moved = dict(student.elements)
    kinds = [kind for kind, _ in student.elements]
    assert student.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert "heading" in full and "heading" not in kinds  # no title, no section headings
    assert "selectbox" in full and "selectbox" not in kinds  # neither the language nor the preset box
    assert len(kinds) < len(full) - 10
    assert student.url_query["logits"] == "3,1,0.5"
    links = [el.code.code_text for kind, el in student.elements if kind == "code"]
    assert len(links) == 1 and "logits=3,1,0.5" in links[0]
    steps = pa.ipc.open_stream(moved["dataframe"].dataframe.arrow_data.data).read_all()
    np.testing.assert_allclose(steps.column(4).to_numpy(), sc.softmax(np.array([3.0, 1.0, 0.5])), rtol=1e-15)
    texts = [el.alert.body for kind, el in student.elements if kind == "alert"]
    assert any("A leads B by 2, so it is 7.389 times" in text for text in texts), texts  # e^2, the myth box


def test_moves_between_part_switches_redraw_in_place_without_an_error():
    """A part switch reruns the page (app.py's fragment), a move only the page's own fragment; each kind of
    rerun must leave the other able to redraw the link in the sidebar. (Once it could not: the page's fragment
    wrote to a sidebar container that Streamlit would not let it reach again after a part switch.)"""
    async def scenario(url):
        student = Recorder(url, "softmax", {"logits": "2,1,0.5"}, Stats(), random.Random(0))
        await student.join()
        handle = next(iter(student.handles))
        seen = []
        for step, action in enumerate(["move", 1, "move", 0, "move", 1]):
            student.elements = []
            if action == "move":
                move = {handle: [round(2.0 + 0.5 * (step + 1), 6), 1.0, 0.5]}
                await student.run(move, fragment=student.fragment_of(move))
                student.moved(move)
            else:
                radio, fragment, options = student.radios["Show"]
                await student.run(states={radio: ("string_value", options[action])}, fragment=fragment)
            errors = [el.exception.message for kind, el in student.elements if kind == "exception"]
            links = [el.code.code_text for kind, el in student.elements if kind == "code"]
            seen.append((action, errors, links, student.url_query["logits"]))
        await student.close()
        return seen

    with StreamlitServer("app.py") as server:
        seen = asyncio.run(scenario(server.url))
    for action, errors, links, logits in seen:
        assert errors == [], (action, errors)
        assert len(links) == 1 and f"logits={logits}" in links[0], (action, links, logits)
    assert [logits for *_, logits in seen] == ["2.5,1,0.5", "2.5,1,0.5", "3.5,1,0.5", "3.5,1,0.5", "4.5,1,0.5", "4.5,1,0.5"]


def test_the_load_client_keeps_a_sliders_value_when_a_rerun_leaves_it_to_the_browser():
    """A keyed slider redrawn without ``set_value`` keeps the browser's value; its ``default`` is its minimum.
    (The client once took ``default``: every later move sent c = -10 and s = 0.1 behind the student's back.)"""
    async def scenario(url):
        student = Recorder(url, "softmax", {"logits": "2,1,0.5", "part": "invariances"}, Stats(), random.Random(0))
        await student.join()
        c = next(wid for wid in student.sliders if wid.endswith("softmax.c"))
        await student.run({c: [2.0]}, fragment=student.fragment_of({c: [2.0]}))
        student.moved({c: [2.0]})
        move = {next(iter(student.handles)): [3.0, 1.0, 0.5]}
        await student.run(move, fragment=student.fragment_of(move))
        await student.close()
        return {wid.rsplit(".", 1)[1]: s["value"] for wid, s in student.sliders.items()}, student.url_query

    with StreamlitServer("app.py") as server:
        sliders, query = asyncio.run(scenario(server.url))
    assert sliders == {"c": [2.0], "s": [1.0]}
    assert (query["c"], query["logits"], "s" in query) == ("2", "3,1,0.5", False)
