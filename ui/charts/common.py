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


def figure(data: list[dict], layout: dict, *, frames: list[dict] | None = None) -> go.Figure:
    """A figure from plain dict specs in one step, without Plotly's validation.

    Building a figure with ``go.Bar(...)``, ``update_layout`` and friends validates every property on every
    call: about 10 ms for a small chart, most of a rerun. The specs here are checked instead by
    ``tests/ui/test_charts_specs.py``, which rebuilds every builder's figure with validation on.

    >>> fig = figure([{"type": "bar", "x": [0, 1], "y": [0.25, 0.75]}], {"height": 300})
    >>> fig.data[0].y, fig.layout.height
    ((0.25, 0.75), 300)
    """
    spec = {"data": data, "layout": layout}
    if frames:
        spec["frames"] = frames  # Plotly validates frames in any case; animations are built once and cached
    return go.Figure(spec, _validate=False)


def freeze(fig: go.Figure) -> go.Figure:
    """``fig``, promising nobody edits it again: its dict is made now, once.

    ``st.plotly_chart`` calls ``to_dict()``, a deep copy, on every rerun. For a figure kept in a cache and
    drawn again and again, that copy is the largest cost of the rerun; a frozen figure hands out one dict.
    """
    sent = fig.to_dict()
    fig.to_dict = lambda: sent
    return fig


def merge(*parts: dict) -> dict:
    """One dict from several, later parts winning; nested dicts merge key by key, as ``update_layout`` does.

    >>> merge({"margin": {"l": 10, "t": 60}, "showlegend": False}, {"margin": {"t": 20}, "showlegend": True})
    {'margin': {'l': 10, 't': 20}, 'showlegend': True}
    """
    out: dict = {}
    for part in parts:
        for key, value in part.items():
            old = out.get(key)
            out[key] = merge(old, value) if isinstance(value, dict) and isinstance(old, dict) else value
    return out


def base_layout(style: theme.Style, *, title: str = "", x_title: str = "", y_title: str = "",
                height: int | None = None) -> dict:
    """Large type, no hover needed, transparent background so light and dark themes both read well."""
    return {
        "title": {"text": escape_label(title), "font": {"size": style.title_size}} if title else {},
        "font": {"size": style.font_size},
        "height": height or style.height,
        "margin": {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        # Streamlit's chart theme supplies the styling, so Plotly's default template (about 7 KB a chart,
        # deep-copied on every rerun and sent to the browser) would only be overwritten there.
        "template": {},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "hovermode": "closest",
        # Explicit axis fonts: Streamlit's chart theme would otherwise keep tick labels small on a projector.
        "xaxis": {"title": {"text": escape_label(x_title), "font": {"size": style.font_size}}, "automargin": True,
                  "tickfont": {"size": style.font_size}},
        "yaxis": {"title": {"text": escape_label(y_title), "font": {"size": style.font_size}}, "automargin": True,
                  "zeroline": True, "tickfont": {"size": style.font_size}},
        "legend": {"font": {"size": style.font_size}},
    }


def category_axis(labels: Sequence[str]) -> dict:
    """An axis with bars at positions 0..n-1 and the labels as tick text, so duplicate names never merge bars."""
    return {"tickmode": "array", "tickvals": list(range(len(labels))), "ticktext": [escape_label(s) for s in labels],
            "type": "linear"}


def hline(y: float, line: dict) -> dict:
    """A horizontal line across the plot at data height ``y`` (a layout shape)."""
    return {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y, "line": line}


def hline_label(y: float, text: str, font: dict, *, side: str = "right") -> dict:
    """A label (an annotation) just above the ``side`` end of a horizontal line at data height ``y``."""
    return {"text": text, "font": font, "showarrow": False, "x": 1 if side == "right" else 0, "xanchor": side,
            "xref": "x domain", "y": y, "yanchor": "bottom", "yref": "y"}


def vline(x: float, line: dict) -> dict:
    """A vertical line up the plot at data position ``x`` (a layout shape)."""
    return {"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0, "y1": 1, "line": line}
