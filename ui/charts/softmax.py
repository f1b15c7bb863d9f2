"""Charts of the 'Logits -> probabilities' page."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import base_layout, category_axis, figure, fmt_value, merge, select_bars


def _bars(values: np.ndarray, labels: Sequence[str], others_label: str, fold: str):
    """Bar positions, heights, names and colours, with classes beyond the top ones folded into one bar."""
    sel = select_bars(values if fold == "sum" else np.abs(values))
    heights = values[sel.index]
    names = [labels[i] for i in sel.index]
    winners = values[sel.index] == values.max()
    colours = [theme.HIGHLIGHT if w else theme.BAR for w in winners]
    patterns = ["/" if w else "" for w in winners]
    if sel.folded and fold == "sum":
        rest = np.ones(len(values), bool)
        rest[sel.index] = False
        heights = np.append(heights, values[rest].sum())
        names.append(others_label.format(n=sel.folded))
        colours.append(theme.MUTED)
        patterns.append(".")
    return heights, names, colours, patterns


def _bar_trace(heights: np.ndarray, colours: list[str], patterns: list[str], style: theme.Style,
               digits: int) -> dict:
    return {"type": "bar", "x": list(range(len(heights))), "y": heights.tolist(),
            "text": [fmt_value(v, digits=digits) for v in heights], "textposition": "outside", "constraintext": "none",
            "cliponaxis": False, "textfont": {"size": style.bar_text_size},
            "marker": {"color": colours, "pattern": {"shape": patterns}, "line": {"width": 0}},
            "hovertemplate": "%{y:.6g}<extra></extra>"}


LABEL_HEIGHT = 0.12  # a printed bar value's height, in probability units of the 0 .. 1.15 axis (a generous guess)


def probability_bars(probs: np.ndarray, labels: Sequence[str], *, style: theme.Style, title: str = "",
                     y_title: str = "", uniform_text: str = "1/K", others_label: str = "{n} others") -> go.Figure:
    """Probabilities as bars in class order: winner highlighted, values printed, the uniform 1/K line drawn.

    With more than 30 classes only the 20 most probable get a bar; one more bar holds the rest's total.
    """
    probs = np.asarray(probs, dtype=float)
    heights, names, colours, patterns = _bars(probs, labels, others_label, "sum")
    # The uniform level is a legend entry, not a label on the plot, so it never covers a bar's value.
    uniform = 1.0 / len(probs)
    # The line breaks over a bar whose printed value it would cross (a value just under 1/K, e.g. 0.2312 at 1/3).
    x_line: list = []
    for i, h in enumerate(heights):
        if not h <= uniform <= h + LABEL_HEIGHT:
            x_line += [i - 0.5, i + 0.5, None]
    data = [
        {**_bar_trace(heights, colours, patterns, style, 4), "showlegend": False},
        {"type": "scatter", "x": x_line, "y": [None if x is None else uniform for x in x_line], "mode": "lines",
         "name": uniform_text, "line": {"dash": "dash", "width": style.line_width, "color": theme.REFERENCE},
         "hoverinfo": "skip"},
    ]
    return figure(data, merge(
        base_layout(style, title=title, y_title=y_title),
        {"xaxis": category_axis(names), "yaxis": {"range": [0, 1.15], "tickformat": ".1f"}, "showlegend": True,
         "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom",
                    "font": {"size": style.font_size}}}))


def logit_bars(logits: np.ndarray, labels: Sequence[str], *, style: theme.Style, title: str = "",
               y_title: str = "") -> go.Figure:
    """Logits as bars (they can be negative), the largest highlighted, values printed."""
    logits = np.asarray(logits, dtype=float)
    heights, names, colours, patterns = _bars(logits, labels, "", "none")
    span = max(float(np.abs(heights).max()), 1.0)
    y_range = [min(-0.15 * span, 1.25 * heights.min()), max(0.15 * span, 1.25 * heights.max())]
    return figure([_bar_trace(heights, colours, patterns, style, 2)], merge(
        base_layout(style, title=title, y_title=y_title),
        {"xaxis": category_axis(names), "yaxis": {"range": y_range}}))
