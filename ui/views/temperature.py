"""The parts of the temperature page (pages/temperature.py is the storyboard)."""

from __future__ import annotations

import streamlit as st

import softmax_core as sc
from ui import live
from ui.components import is_projector
from ui.i18n import t

LIVE_BARS = 20  # up to this many classes the browser draws the bars at T live; more fold into Plotly's chart
GRID = sc.slider_temperatures()


def t_handle(state, *, logits=None, labels=(), key: str = "live") -> None:
    """The live T handle (log scale, keys walk the round values of GRID), bound to the page's T.

    With ``logits``, the bars at T beside the ghost bars at T = 1 and the readouts are drawn live too.
    """
    def on_change(T: float) -> None:
        state["T"] = T

    live.temperature_handle(float(state["T"]), logits, [str(s) for s in labels], key=state.key(key),
                            on_change=on_change, projector=is_projector(), grid=GRID, lo=sc.TEMPERATURE_LO,
                            hi=sc.TEMPERATURE_HI)
