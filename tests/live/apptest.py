"""AppTest helpers for pages with a live editor (ui/live): read what Python sent it, and end a move as the
browser would (``setStateValue("value", ...)``). AppTest has no accessor for components v2, so a move is sent as
the component's JSON widget state, the way the frontend sends it."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def live_elements(at: AppTest) -> list:
    return list(at.get("bidi_component"))


def live_element(at: AppTest, key: str):
    found = [e for e in live_elements(at) if e.key == key]
    assert found, f"no live editor with key {key!r} on the page"
    return found[0]


def live_data(at: AppTest, key: str) -> dict:
    """The ``data`` the page passed to the live editor ``key`` on the last run."""
    sent = json.loads(live_element(at, key).proto.json)
    assert isinstance(sent, list) and len(sent) == 1, "the live editor's data is sent as a one-item list"
    return sent[0]


def end_move(at: AppTest, key: str, value) -> AppTest:
    """The rerun that follows a move of the live editor ``key`` ending at ``value``."""
    element = live_element(at, key)
    states = at._tree.get_widget_states()  # what AppTest.run() would send, plus the component's new state
    widget = states.widgets.add()
    widget.id = element.proto.id
    widget.json_value = json.dumps({"value": value})
    return at._run(states)
