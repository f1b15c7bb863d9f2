"""Values a script run sets once and reads many times, kept beside st.session_state for fast reads.

st.session_state is a locked, proxied mapping: the softmax page read it a few hundred times per run through
``t()`` alone, about a sixth of the run's server time (py-spy). A value is stored here with the id of the
session that set it, so a thread that later runs another session's script never sees it; a miss (another
session, or no script context at all) reads st.session_state as before. The writers (``set_language``,
``set_projector``) write both, so the two never disagree.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from streamlit.runtime.scriptrunner import get_script_run_ctx

_local = threading.local()


def _session() -> str | None:
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def put(name: str, value: Any) -> None:
    setattr(_local, name, (_session(), value))


def get(name: str, slow: Callable[[], Any]) -> Any:
    session = _session()
    hit = getattr(_local, name, None)
    if session is not None and hit is not None and hit[0] == session:
        return hit[1]
    return slow()
