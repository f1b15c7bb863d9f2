"""The live editor: handles and charts that follow the hand while it drags.

``st.slider`` sends its value only on release, so a chart that must move *with* the hand is drawn in the browser:
a Streamlit components-v2 element (mounted inline, no iframe) whose JavaScript redraws on every animation frame and
calls ``setStateValue`` once, when a move ends. One rerun then updates the rest of the page.

Files, kept together: this wrapper; ``livemath.js`` (pure math, tested against softmax_core in ``tests/live``);
``live.js`` (the view); ``live.css``. Inline component JavaScript is loaded from a blob URL, which cannot import a
sibling file, so the wrapper inlines ``livemath.js`` where ``live.js`` imports it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from ui import theme
from ui.i18n import t

HERE = Path(__file__).resolve().parent
_IMPORT = re.compile(r'^import \{[^}]*\} from "\./livemath\.js";$', re.M)


def _script() -> str:
    view = (HERE / "live.js").read_text(encoding="utf-8")
    math = (HERE / "livemath.js").read_text(encoding="utf-8")
    script, n = _IMPORT.subn(lambda _: math, view)
    if n != 1:
        raise RuntimeError("ui/live/live.js must import livemath.js exactly once")
    return script


_component = st.components.v2.component(
    "softmax_seen.live", html='<div class="ssl-root"></div>', css=(HERE / "live.css").read_text(encoding="utf-8"),
    js=_script(), isolate_styles=False)


def _look(projector: bool) -> dict[str, Any]:
    sty = theme.style_for(projector)
    return {"projector": projector, "sizes": sty._asdict(),
            "colours": {"bar": theme.BAR, "highlight": theme.HIGHLIGHT, "muted": theme.MUTED,
                        "reference": theme.REFERENCE}}


def _mount(kind: str, value: Any, *, key: str, on_change: Callable[[Any], None], check: Callable[[Any], Any],
           projector: bool, **data) -> None:
    """Mount one live editor; ``on_change(new_value)`` runs (as a widget callback) when a move ends.

    ``check`` turns what the browser sent into the value, or None for anything malformed, which is ignored: only
    a tampered client sends it, and it must not reach the page as a traceback.
    """
    def changed() -> None:
        state = st.session_state.get(key)
        new = check(state.get("value")) if hasattr(state, "get") else None
        if new is not None:
            on_change(new)

    # A one-item list, not the dict itself: Streamlit looks for dataframes in every value of a dict it is given
    # (about 1 ms of each rerun); a list is sent as JSON as it is.
    _component(key=key, data=[{"kind": kind, "value": value, **_look(projector), **data}],
               on_value_change=changed)


def _texts(*names: str) -> dict[str, str]:
    return {name: t(f"live.{name}") for name in names}


def logit_handles(logits: Sequence[float], labels: Sequence[str], *, key: str, on_change: Callable,
                  projector: bool, lo: float, hi: float, step: float = 0.1, fine: float = 0.01) -> None:
    """One handle per class beside the live probability and logit bars; ``on_change(list_of_logits)``."""
    _mount("logits", [float(z) for z in logits], key=key, projector=projector,
           on_change=on_change, check=lambda v: _floats(v, len(logits), lo, hi), labels=[str(s) for s in labels],
           lo=lo, hi=hi, step=step, fine=fine,
           text=_texts("heading", "prob_title", "logit_title", "uniform", "readout"))


def temperature_handle(T: float, logits: Sequence[float] | None, labels: Sequence[str], *, key: str,
                       on_change: Callable, projector: bool, grid: Sequence[float], lo: float, hi: float) -> None:
    """The T handle on its log scale; with ``logits``, the live bars at T beside the ghost bars at T = 1."""
    _mount("temperature", float(T), key=key, projector=projector,
           on_change=on_change, check=lambda v: _float(v, lo, hi), bars=logits is not None,
           logits=[float(z) for z in logits] if logits is not None else [], labels=[str(s) for s in labels],
           lo=lo, hi=hi, grid=[float(g) for g in grid], ticks=[g for g in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)
                                                             if lo <= g <= hi],
           text=_texts("handle_label", "handle_name", "bars_title", "now_name", "ghost_name", "top_prob",
                       "top_prob_note", "entropy", "nats", "bits", "share", "effective", "effective_note"))


def curve_handle(x: float, curves: Sequence[dict], *, key: str, on_change: Callable, projector: bool, lo: float,
                 hi: float, step: float, text: dict[str, str], yticks: Sequence[float], xticks: Sequence[float],
                 ylo: float, yhi: float, fine: float = 0.01) -> None:
    """One handle moving a point along a one-line curve; ``on_change(x)``.

    ``curves``: ``{"fn": "sigmoid"}`` or ``{"fn": "bce", "target": y, "name": ...}``; the point is on the first.
    """
    _mount("curve", float(x), key=key, projector=projector, on_change=on_change,
           check=lambda v: _float(v, lo, hi), curves=list(curves), lo=lo, hi=hi, step=step, fine=fine, ylo=ylo,
           yhi=yhi, yticks=list(yticks), xticks=list(xticks), text=text)


def _float(value, lo: float, hi: float) -> float | None:
    """A finite number from the browser, clamped to the handle's range; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return min(max(float(value), lo), hi)


def _floats(values, n: int, lo: float, hi: float) -> list[float] | None:
    """``n`` finite numbers from the browser, clamped; None if the list is malformed (or the class count changed)."""
    if not isinstance(values, (list, tuple)) or len(values) != n:
        return None
    out = [_float(v, lo, hi) for v in values]
    return None if None in out else out


def summary_and_table(summary: str, table: Callable, key: str) -> None:
    """What ``ui.components.chart`` puts under a Plotly chart, for a chart the live editor draws: the one-sentence
    summary, and the numbers as a table built only while its expander is open."""
    st.caption(summary)
    with st.expander(t("common.table_of_numbers"), icon=":material/table:", on_change="rerun",
                     key=f"table.{key}") as box:
        if box.open:
            st.dataframe(table(), hide_index=True, width="stretch")
