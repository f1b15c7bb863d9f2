"""The parts of the 'Sigmoid, argmax and friends' page (pages/relatives.py is the storyboard)."""

from __future__ import annotations

from ui import live
from ui.components import is_projector
from ui.i18n import t

Z_RANGE = 8.0
_TEXT = ("handle_label", "handle_name", "symbol", "y_symbol", "title", "x_title", "readout")


def sigmoid_handle(state) -> None:
    """z on a handle, with σ(z) drawn live along its curve."""
    def on_change(z: float) -> None:
        state["z"] = z

    live.curve_handle(float(state["z"]), [{"fn": "sigmoid"}], key=state.key("live_z"), on_change=on_change,
                      projector=is_projector(), lo=-Z_RANGE, hi=Z_RANGE, step=0.1, ylo=0.0, yhi=1.0,
                      yticks=(0, 0.25, 0.5, 0.75, 1), xticks=(-8, -4, 0, 4, 8),
                      text={name: t(f"live.sigmoid.{name}") for name in _TEXT})
