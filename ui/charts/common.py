"""Styling and small helpers shared by every chart builder."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from ui import theme

# Above this many classes a bar chart keeps the largest TOP_BARS bars and folds the rest into one.
MANY_CLASSES = 30
TOP_BARS = 20


def escape_label(text: str) -> str:
    """Plotly renders a subset of HTML in tick labels; user text must show literally."""
    return html.escape(str(text), quote=False)


def fmt_value(x: float, *, digits: int = 4) -> str:
    """A number for a bar label: fixed point when readable, scientific when tiny or huge, exact 0 as 0."""
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.{digits}f}"
    return f"{x:.{max(digits - 2, 1)}e}"


class BarSelection(NamedTuple):
    """Which classes get a bar of their own; the rest are folded into one 'others' bar."""

    index: np.ndarray  # class indices in class order
    folded: int  # how many classes the 'others' bar holds (0: no such bar)


def select_bars(values: np.ndarray, *, many: int = MANY_CLASSES, keep: int = TOP_BARS) -> BarSelection:
    """All classes when there are at most ``many``; else the ``keep`` largest, kept in class order."""
    k = len(values)
    if k <= many:
        return BarSelection(np.arange(k), 0)
    top = np.argpartition(-values, keep - 1)[:keep]
    return BarSelection(np.sort(top), k - keep)


def layout(fig: go.Figure, style: theme.Style, *, title: str = "", x_title: str = "", y_title: str = "",
           height: int | None = None) -> go.Figure:
    """Large type, no hover needed, transparent background so light and dark themes both read well."""
    fig.update_layout(
        title={"text": escape_label(title), "font": {"size": style.title_size}} if title else None,
        font={"size": style.font_size},
        height=height or style.height,
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        hovermode="closest",
        uniformtext={"minsize": max(style.bar_text_size - 6, 8), "mode": "show"},
    )
    fig.update_xaxes(title_text=escape_label(x_title), automargin=True)
    fig.update_yaxes(title_text=escape_label(y_title), automargin=True, zeroline=True)
    return fig


def category_axis(fig: go.Figure, labels: Sequence[str]) -> None:
    """Bars sit at positions 0..n-1 with the labels as tick text, so duplicate names never merge bars."""
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(labels))),
                     ticktext=[escape_label(s) for s in labels], type="linear")
