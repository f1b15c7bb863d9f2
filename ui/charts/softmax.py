"""Charts of the 'Logits -> probabilities' page."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import (MANY_CLASSES, TOP_BARS, BarSelection, base_layout, category_axis, figure, fmt_value,
                              legend_above, merge, select_bars)

# Above this size the logit axis counts in powers of ten: Plotly's own axis breaks down near 1e305.
SCALED_AXIS = 1e15
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def top_classes(logits: np.ndarray) -> BarSelection:
    """The classes that get a bar: all, or the TOP_BARS largest logits (the most probable classes), in class order.

    Ranked by logit, not probability: probabilities that underflow to 0 tie, logits keep their order. Ties go to
    the earlier class, so both charts and the step table show the same classes.
    """
    logits = np.asarray(logits, dtype=float)
    k = len(logits)
    if k <= MANY_CLASSES:
        return BarSelection(np.arange(k), 0)
    return BarSelection(np.sort(np.argsort(-logits, kind="stable")[:TOP_BARS]), k - TOP_BARS)


def _rest(values: np.ndarray, sel: BarSelection) -> np.ndarray:
    rest = np.ones(len(values), bool)
    rest[sel.index] = False
    return values[rest]


def _bars(values: np.ndarray, labels: Sequence[str], others_label: str, sel: BarSelection, gather):
    """Bar heights, names and colours for the classes in ``sel``; the rest gathered into one bar by ``gather``."""
    heights = values[sel.index]
    names = [labels[i] for i in sel.index]
    winners = values[sel.index] == values.max()
    colours = [theme.HIGHLIGHT if w else theme.BAR for w in winners]
    patterns = ["/" if w else "" for w in winners]
    if sel.folded:
        heights = np.append(heights, gather(_rest(values, sel)))
        names.append(others_label.format(n=sel.folded))
        colours.append(theme.MUTED)
        patterns.append(".")
    return heights, names, colours, patterns


def _logsumexp(z: np.ndarray) -> float:
    """log Σ e^z without overflow: the one logit that carries the whole group's probability."""
    m = float(z.max())
    return m + float(np.log(np.sum(np.exp(z - m))))


def _bar_trace(heights: np.ndarray, colours: list[str], patterns: list[str], style: theme.Style,
               digits: int, shown: np.ndarray | None = None) -> dict:
    shown = heights if shown is None else shown
    return {"type": "bar", "x": list(range(len(heights))), "y": shown.tolist(),
            "text": [fmt_value(v, digits=digits) for v in heights], "textposition": "outside", "constraintext": "none",
            "cliponaxis": False, "textfont": {"size": style.bar_text_size},
            "marker": {"color": colours, "pattern": {"shape": patterns}, "line": {"width": 0}},
            "hovertemplate": "%{text}<extra></extra>"}


LABEL_HEIGHT = 0.12  # a printed bar value's height, in probability units of the 0 .. 1.15 axis (a generous guess)


def probability_bars(probs: np.ndarray, labels: Sequence[str], *, style: theme.Style, title: str = "",
                     y_title: str = "", uniform_text: str = "1/K", others_label: str = "{n} others",
                     shown: BarSelection | None = None) -> go.Figure:
    """Probabilities as bars in class order: winner highlighted, values printed, the uniform 1/K line drawn.

    With more than 30 classes only the 20 most probable get a bar (``shown``, by default picked from ``probs``;
    pass ``top_classes(logits)`` to match the logit chart); one more bar holds the rest's total.
    """
    probs = np.asarray(probs, dtype=float)
    sel = select_bars(probs) if shown is None else shown
    heights, names, colours, patterns = _bars(probs, labels, others_label, sel, np.sum)
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
    return figure(data, legend_above(merge(
        base_layout(style, title=title, y_title=y_title),
        {"xaxis": category_axis(names), "yaxis": {"range": [0, 1.15], "tickformat": ".1f"}}), style))


def logit_bars(logits: np.ndarray, labels: Sequence[str], *, style: theme.Style, title: str = "",
               y_title: str = "", others_label: str = "{n} others") -> go.Figure:
    """Logits as bars (they can be negative), the largest highlighted, values printed.

    With more than 30 classes the same 20 classes as ``probability_bars(..., shown=top_classes(logits))`` get a
    bar, and the rest are gathered into one bar at their log-sum-exp: the single logit that would carry all of
    their probability, so the softmax of the bars drawn is exactly the probability chart.

    Huge logits are drawn in units of a power of ten, named in the axis title; the labels keep the true values.
    """
    logits = np.asarray(logits, dtype=float)
    heights, names, colours, patterns = _bars(logits, labels, others_label, top_classes(logits), _logsumexp)
    biggest = float(np.abs(heights).max())
    power = int(np.floor(np.log10(biggest))) if biggest >= SCALED_AXIS else 0
    drawn = heights / 10.0 ** power if power else heights
    if power:
        y_title = f"{y_title} (× 10{str(power).translate(_SUPERSCRIPT)})"
    # Room above and below for the printed values; computed on the drawn (never overflowing) numbers.
    lo, hi = min(float(drawn.min()), 0.0), max(float(drawn.max()), 0.0)
    pad = 0.15 * max(hi - lo, 1.0)
    y_range = [lo - pad, hi + pad]
    return figure([_bar_trace(heights, colours, patterns, style, 2, drawn)], merge(
        base_layout(style, title=title, y_title=y_title),
        {"xaxis": category_axis(names), "yaxis": {"range": y_range}}))
