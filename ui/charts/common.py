"""Styling and small helpers shared by every chart builder."""

from __future__ import annotations

import html
import math
import unicodedata
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
    spec = {"data": data, "layout": {**layout, "margin": reserved_margins(data, layout)}}
    if frames:
        spec["frames"] = frames  # Plotly validates frames in any case; animations are built once and cached
    return go.Figure(spec, _validate=False)


def text_width(text: str, size: float) -> float:
    """Roughly how many pixels ``text`` takes at font ``size``: an upper estimate for a sans-serif font."""
    width = 0.0
    for ch in str(text):
        if unicodedata.east_asian_width(ch) in "WF":
            width += 1.0
        elif ch.isdigit() or ch in ".,-−+ ":
            width += 0.56
        else:
            width += 0.62
    return width * size


def _title_text(axis: dict) -> str:
    title = axis.get("title")
    return (title.get("text") if isinstance(title, dict) else title) or ""


def _tick_texts(axis: dict) -> list[str]:
    if axis.get("ticktext"):
        return [line for t in axis["ticktext"] for line in str(t).split("<br>")]
    if axis.get("type") == "log":
        return ["10⁻³⁰⁰⁰" if axis.get("exponentformat") == "power" else "0.05"]
    if axis.get("range") and axis.get("tickformat"):
        return [format(v, axis["tickformat"]) for v in axis["range"]]
    return ["−0.25"]


def _is_category(axis: dict) -> bool:
    """An axis made by category_axis(): labels at 0..n-1, centred on bars well inside the plot."""
    return bool(axis.get("ticktext")) and list(axis.get("tickvals", ())) == list(range(len(axis["ticktext"])))


def _legend_rows(widths: list[float], *, width: float) -> int:
    """Rows a horizontal legend needs: items laid left to right, wrapping as Plotly wraps them."""
    rows, used = 1, 0.0
    for item in widths:
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def reserved_margins(data: list[dict], layout: dict) -> dict:
    """The figure's margins, widened to what Plotly's automargin is about to ask for.

    With automargin on, Plotly draws a figure, measures its tick labels, titles and legend, and when they do
    not fit the margins it draws the whole figure again: twice the work in the browser on every redraw. Margins
    that already fit leave one pass. These estimates (fitted to what Plotly 3 measures at the app's font
    sizes, rounded up) cover numeric and category ticks, axis titles and a legend below the plot; where they
    fall short, automargin still widens the margin, so nothing is ever clipped.
    """
    margin = dict(layout.get("margin") or {})
    font = (layout.get("font") or {}).get("size", 12)
    left, bottom, right = 0.0, 0.0, 0.0
    for name, axis in layout.items():
        if not isinstance(axis, dict):
            continue
        size = (axis.get("tickfont") or {}).get("size", font)
        titled = bool(_title_text(axis))
        shown = axis.get("showticklabels", True) is not False
        if name.startswith("yaxis") and axis.get("side", "left") == "left":
            ticks = max(text_width(t, size) for t in _tick_texts(axis)) if shown else 0.0
            left = max(left, ticks + (1.66 * size + 14 if titled else 0.9 * size + 14))
        elif name.startswith("xaxis") and axis.get("side", "bottom") == "bottom":
            # An empty axis title keeps its room below the ticks, so titled or not makes no difference here.
            lines = max((str(t).count("<br>") for t in axis.get("ticktext") or ()), default=0)
            bottom = max(bottom, 3.11 * size + 14 + 1.3 * size * lines if shown
                         else 1.56 * size + 12 + (1.5 * size if titled else 0))
            if shown and not _is_category(axis):  # the last tick label sits on the plot's edge, half outside it
                right = max(right, 0.5 * text_width(_tick_texts(axis)[-1], size) + 0.6 * size)
    legend = layout.get("legend") or {}
    if layout.get("showlegend") and legend.get("orientation") == "h" and legend.get("y", 1) < 0:
        # A legend placed at -y plot heights below the plot: solve b = y (height - t - b) + legend height.
        size = (legend.get("font") or {}).get("size", font)
        names = [tr["name"] for tr in data if tr.get("name") and tr.get("showlegend", True) is not False]
        names += [sh["name"] for sh in layout.get("shapes", ()) if sh.get("showlegend") and sh.get("name")]
        # Widths as in a narrow column of the page; projector mode stacks charts, so its columns grow with its type.
        rows = _legend_rows([text_width(n, size) + 60 for n in names], width=21 * size)
        below, rest = -legend["y"], layout.get("height", 450) - margin.get("t", 100)
        bottom = max(bottom, (below * rest + rows * (1.9 * size + 6) + 10) / (1 + below))
    for side, need in (("l", left), ("b", bottom), ("r", right)):
        if need:  # 2 px to spare: Plotly redraws for a margin even one pixel short
            margin[side] = max(margin.get(side, 0), math.ceil(need) + 2)
    return margin


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


# A chart title's line, in font sizes of text_width's (generous) estimate: what fits a phone's full-width chart,
# Chinese included.
TITLE_WIDTH = 19


def wrap_lines(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines of at most ``width`` px at font ``size`` (by ``text_width``), at spaces, or
    between characters in a word too long for a line (Chinese has no spaces).

    >>> wrap_lines("Test accuracy, mean confidence and ECE over training", 19 * 18, 18)
    ['Test accuracy, mean confidence', 'and ECE over training']
    """
    lines: list[str] = []
    # "T = 1" stays on one line.
    text = str(text).replace(" = ", "\u00a0=\u00a0")
    for word in text.split(" "):
        pieces = [word] if text_width(word, size) <= width else list(word)
        for piece in pieces:
            sep = " " if piece is word else ""
            if lines and text_width(lines[-1] + sep + piece, size) <= width:
                lines[-1] += sep + piece
            else:
                lines.append(piece)
    return [line.replace("\u00a0", " ") for line in lines] or [""]


def base_layout(style: theme.Style, *, title: str = "", x_title: str = "", y_title: str = "",
                height: int | None = None) -> dict:
    """Large type, no hover needed, transparent background so light and dark themes both read well.

    A long title wraps onto more lines (Plotly would cut it at the chart's edge), and the top margin grows with it.
    """
    gap = round(0.8 * style.font_size)  # between tick labels and an axis title
    lines = wrap_lines(title, TITLE_WIDTH * style.title_size, style.title_size) if title else []
    return {
        "title": {"text": "<br>".join(escape_label(line) for line in lines), "font": {"size": style.title_size}}
        if title else {},
        "font": {"size": style.font_size},
        "height": (height or style.height) + round(1.25 * style.title_size * max(len(lines) - 1, 0)),
        # Set here, not left to Streamlit's chart theme (whose gaps are in rem, so they grow with projector type),
        # so that reserved_margins() knows every gap it has to leave room for.
        "margin": {"l": 10, "r": 10, "t": (60 + round(1.25 * style.title_size * (len(lines) - 1))) if title else 20,
                   "b": 10, "pad": round(0.4 * style.font_size)},
        # Streamlit's chart theme supplies the styling, so Plotly's default template (about 7 KB a chart,
        # deep-copied on every rerun and sent to the browser) would only be overwritten there.
        "template": {},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "hovermode": "closest",
        # Decimal point and comma for thousands in every language, as the text and tables print numbers (the
        # rule is stated once, on the home page); set here so no Plotly locale can change it.
        "separators": ".,",
        # Explicit axis fonts: Streamlit's chart theme would otherwise keep tick labels small on a projector.
        "xaxis": {"title": {"text": escape_label(x_title), "font": {"size": style.font_size}, "standoff": gap},
                  "automargin": True, "tickfont": {"size": style.font_size}},
        "yaxis": {"title": {"text": escape_label(y_title), "font": {"size": style.font_size}, "standoff": gap},
                  "automargin": True, "zeroline": True, "tickfont": {"size": style.font_size}},
        "legend": {"font": {"size": style.font_size}},
    }


def row_above(layout: dict, style: theme.Style) -> dict:
    """A row of its own between the title and the plot, for a legend or notes on the plot's top edge.

    Plotly centres the title in the top margin, where anything resting on the plot's top edge would cover it
    (on the projector, "uniform 1/K" and "← T → 0" sat on the title): the title is pinned to the top and the
    margin grows by a row.
    """
    row, height = legend_row(style), layout["height"] + legend_row(style)
    # Plotly hangs a title's further lines below its first, whatever its yanchor says (measured in Chromium: a
    # "top"-anchored two-line title went 18 px above the figure): place the first line, let the rest hang.
    first = TITLE_PAD + style.title_size
    return merge(layout, {
        "height": height, "margin": {"t": layout["margin"]["t"] + row},
        "title": {"yref": "container", "y": 1 - first / height} if layout.get("title") else {},
    })


def legend_above(layout: dict, style: theme.Style) -> dict:
    """A one-row horizontal legend at the plot's top right, in a row of its own under the title."""
    return merge(row_above(layout, style), {
        "showlegend": True,
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom",
                   "font": {"size": style.font_size}},
    })


TITLE_PAD = 8  # px above a pinned title


def legend_row(style: theme.Style) -> int:
    """Height of a one-row horizontal legend: a line of text and Plotly's padding around it."""
    return math.ceil(1.3 * style.font_size + 12)


def log_ticks(lo: float, hi: float) -> dict:
    """Ticks of a log axis from ``lo`` to ``hi``, each labelled with its full value.

    Plotly's own labels a short log axis "0.1 2 5 1 2 5 10", which reads as wrong numbers. Here: 1-2-5 over
    up to two and a half decades, decades alone over more.

    >>> log_ticks(0.125, 8)["ticktext"]
    ['0.2', '0.5', '1', '2', '5']
    >>> log_ticks(0.1, 5e4)["ticktext"]
    ['0.1', '1', '10', '100', '1,000', '10,000']
    """
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    steps = (1,) if math.log10(hi / lo) > 2.5 else (1, 2, 5)
    vals = [m * 10.0 ** e for e in range(a, b + 1) for m in steps if lo * (1 - 1e-9) <= m * 10.0 ** e <= hi * (1 + 1e-9)]
    return {"tickmode": "array", "tickvals": vals, "ticktext": [_tick_value(v) for v in vals]}


def _tick_value(v: float) -> str:
    if 1e-3 <= v < 1e6:
        return f"{v:,.{max(0, -math.floor(math.log10(v)))}f}"
    exponent = round(math.log10(v))
    return "10" + str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def fitted_bar_text(minsize: float) -> dict:
    """Layout for bar labels (with ``constraintext: "outside"``) that shrink to their bar's width and are hidden
    below ``minsize`` rather than pile up: narrow bars on a phone have no room for a label each (the numbers are in
    the chart's table)."""
    return {"uniformtext": {"minsize": minsize, "mode": "hide"}}


def category_axis(labels: Sequence[str], *, wrap: int | None = None) -> dict:
    """An axis with bars at positions 0..n-1 and the labels as tick text, so duplicate names never merge bars.

    ``wrap``: labels longer than this many characters break onto two lines at the space nearest their middle,
    so Plotly does not tilt them (tilted text is hard to read on a projector).

    >>> category_axis(["histogram binning", "none"], wrap=12)["ticktext"]
    ['histogram<br>binning', 'none']
    """
    return {"tickmode": "array", "tickvals": list(range(len(labels))),
            "ticktext": [_wrapped(str(s), wrap) if wrap else escape_label(s) for s in labels], "type": "linear"}


def _wrapped(label: str, limit: int) -> str:
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    if len(label) <= limit or not spaces:
        return escape_label(label)
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return f"{escape_label(label[:cut])}<br>{escape_label(label[cut + 1:])}"


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
