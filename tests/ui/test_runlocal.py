"""The per-run values (ui/runlocal.py) never cross from one session to another sharing a thread."""

from types import SimpleNamespace

import pytest

from ui import runlocal


@pytest.fixture
def session(monkeypatch):
    """Switch the script-run context this thread sees, as Streamlit does when a thread runs another session."""
    current = {"ctx": None}
    monkeypatch.setattr(runlocal, "get_script_run_ctx", lambda suppress_warning=False: current["ctx"])

    def use(session_id):
        current["ctx"] = None if session_id is None else SimpleNamespace(session_id=session_id)

    return use


def test_a_value_is_read_back_in_the_session_that_put_it(session):
    session("a")
    runlocal.put("_lang", "pt")
    assert runlocal.get("_lang", lambda: "slow") == "pt"


def test_another_session_on_the_same_thread_reads_its_own_state(session):
    session("a")
    runlocal.put("_lang", "pt")
    session("b")
    assert runlocal.get("_lang", lambda: "from b's session state") == "from b's session state"


def test_without_a_script_context_the_slow_path_is_used(session):
    session("a")
    runlocal.put("_projector", True)
    session(None)
    assert runlocal.get("_projector", lambda: False) is False
