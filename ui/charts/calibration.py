"""Charts of the calibration page: reliability diagram, confidence histogram, curves over T, epochs and bins."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import (TITLE_WIDTH, base_layout, category_axis, figure, fitted_bar_text, fmt_value, log_ticks,
                               merge, vline, wrap_lines)


def reliability_diagram(bins, *, style: theme.Style, title: str = "", x_title: str = "", y_title: str = "",
                        gap_label: str = "gap", empty_label: str = "empty", ideal_label: str = "ideal") -> go.Figure:
    """Accuracy (or fraction of positives) per bin as bars, the gap to the diagonal hatched, counts printed.

    ``bins`` is a :class:`softmax_core.ReliabilityBins`. Trace 0 holds the filled bins' accuracy (x = bin
    centre); trace 1 the gap bars from accuracy up (or down) to the mean confidence; trace 2 marks empty bins.
    """
    edges = np.asarray(bins.edges, dtype=float)
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    filled = bins.counts > 0
    acc = np.where(filled, bins.accuracy, 0.0)
    conf = np.where(filled, bins.confidence, 0.0)
    gap = conf - acc
    data = [
        {"type": "bar", "x": centres[filled].tolist(), "y": acc[filled].tolist(),
         "width": (widths[filled] * 0.95).tolist(), "marker": {"color": theme.BAR, "line": {"width": 0}},
         "name": "accuracy", "hovertemplate": "%{y:.4f}<extra></extra>"},
        {"type": "bar", "x": centres[filled].tolist(), "y": gap[filled].tolist(), "base": acc[filled].tolist(),
         "width": (widths[filled] * 0.95).tolist(), "name": gap_label,
         "marker": {"color": "rgba(213,94,0,0.35)", "pattern": {"shape": "/", "fgcolor": theme.HIGHLIGHT},
                    "line": {"color": theme.HIGHLIGHT, "width": 1.5}},
         "hovertemplate": "%{y:+.4f}<extra></extra>"},
        {"type": "bar", "x": centres[~filled].tolist(), "y": [1.0] * int((~filled).sum()),
         "width": (widths[~filled] * 0.95).tolist(), "name": empty_label,
         "marker": {"color": "rgba(140,140,140,0.12)", "pattern": {"shape": "x"},
                    "line": {"color": theme.MUTED, "width": 1}},
         "text": [empty_label] * int((~filled).sum()), "textposition": "inside", "textangle": -90,
         "insidetextanchor": "middle",
         "textfont": {"size": max(style.bar_text_size - 6, 8), "color": theme.MUTED}, "hoverinfo": "skip"},
        {"type": "scatter", "x": [0, 1], "y": [0, 1], "mode": "lines", "name": ideal_label, "hoverinfo": "skip",
         "line": {"dash": "dash", "color": theme.REFERENCE, "width": style.line_width}},
        # The counts, on an invisible bar as tall as the bin's accuracy or confidence, whichever is higher: above
        # the hatched gap, not under it, and hidden where the bin is too narrow for them.
        {"type": "bar", "x": centres[filled].tolist(), "y": np.maximum(acc, conf)[filled].tolist(),
         "width": (widths[filled] * 0.95).tolist(), "marker": {"color": "rgba(0,0,0,0)"}, "showlegend": False,
         "text": [f"n={c:,}" for c in bins.counts[filled]], "textposition": "outside", "constraintext": "outside",
         "cliponaxis": False, "textfont": {"size": style.bar_text_size - 2}, "hoverinfo": "skip"},
    ]
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title), {
        "barmode": "overlay", "xaxis": {"range": [0, 1], "tickformat": ".1f"},
        "yaxis": {"range": [0, 1.12], "tickformat": ".1f"},
        "showlegend": True, "legend": {"orientation": "h", "y": LEGEND_Y, "x": 0},
        **_fitted_bar_text(style),
    }))


# A horizontal legend this far below the plot (in plot heights) clears the x ticks and title at either type size.
LEGEND_Y = -0.34


def _fitted_bar_text(style: theme.Style) -> dict:
    return fitted_bar_text(style.bar_text_size - 2)


def confidence_histogram(bins, *, style: theme.Style, accuracy: float, mean_confidence: float, title: str = "",
                         x_title: str = "", y_title: str = "", accuracy_label: str = "accuracy",
                         confidence_label: str = "mean confidence") -> go.Figure:
    """Share of samples per bin, printed, with the overall accuracy and mean confidence as vertical lines."""
    edges = np.asarray(bins.edges, dtype=float)
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    share = bins.counts / bins.counts.sum()
    trace = {"type": "bar", "x": centres.tolist(), "y": share.tolist(), "width": (widths * 0.95).tolist(),
             "text": [fmt_value(s, digits=3) for s in share], "textposition": "outside", "constraintext": "outside",
             "cliponaxis": False, "textfont": {"size": style.bar_text_size - 2},
             "marker": {"color": theme.BAR, "line": {"width": 0}}, "hovertemplate": "%{y:.4f}<extra></extra>"}
    # The two lines are named in the legend, with their values: labels inside the plot landed on the bars' labels
    # and on each other, since accuracy and mean confidence are often close.
    shapes = [{**vline(x, {"dash": dash, "color": colour, "width": style.line_width}), "name": f"{label} {x:.3f}",
               "showlegend": True}
              for x, colour, dash, label in ((accuracy, theme.REFERENCE, "dash", accuracy_label),
                                             (mean_confidence, theme.HIGHLIGHT, "dot", confidence_label))]
    return figure([{**trace, "showlegend": False}], merge(base_layout(style, title=title, x_title=x_title,
                                                                      y_title=y_title), {
        "shapes": shapes, "xaxis": {"range": [0, 1], "tickformat": ".1f"},
        "yaxis": {"range": [0, min(1.0, float(share.max()) * 1.25 + 0.02)], "tickformat": ".2f"},
        "showlegend": True, "legend": {"orientation": "h", "y": LEGEND_Y, "x": 0}, **_fitted_bar_text(style),
    }))


def lines(x: Sequence[float], series: Sequence[tuple[str, Sequence[float]]], *, style: theme.Style,
          title: str = "", x_title: str = "", y_title: str = "", markers: Sequence[tuple[float, str]] = (),
          log_x: bool = False, label_points: bool = False) -> go.Figure:
    """Named lines over a common x, with vertical markers ``(x, label)``.

    Each line's last value is printed in the legend beside its name (labels at the lines' ends collided where
    lines end close together); with ``label_points`` every point's value is printed too, alternately above and
    below the lines. The markers' labels sit above the plot, at the top of their lines, on the side away from
    the other marker.
    """
    x = [float(v) for v in x]
    data = []
    for i, (name, y) in enumerate(series):
        y = [float(v) for v in y]
        colour = theme.SERIES[i % len(theme.SERIES)]
        data.append({
            "type": "scatter", "x": x, "y": y,
            "mode": "lines+markers+text" if label_points else "lines+markers" if len(x) <= 12 else "lines",
            "name": f"{name} {y[-1]:.3f}", "text": [fmt_value(v, digits=3) for v in y] if label_points else None,
            "cliponaxis": False, "textposition": ("top center", "bottom center")[i % 2],
            "textfont": {"size": max(style.font_size - 3, 9), "color": colour},
            # Drawn in order, so a later line would hide an earlier one it meets: each is a little narrower.
            "line": {"color": colour, "width": style.line_width * (1 - 0.15 * i),
                     "dash": ("solid", "dash", "dot", "dashdot")[i % 4]},
            "marker": {"size": style.marker_size - 3}, "hovertemplate": "%{y:.4f}<extra></extra>",
        })
    shapes, notes = [], []
    order = sorted(range(len(markers)), key=lambda j: markers[j][0])
    for j, (mx, label) in enumerate(markers):
        # A shape takes data values on a log axis, an annotation takes log10 of them.
        colour = theme.OKABE_ITO["reddish_purple"] if j == 0 else theme.MUTED
        shapes.append({"type": "line", "x0": float(mx), "x1": float(mx), "y0": 0, "y1": 1, "yref": "paper",
                       "line": {"dash": "dash" if j == 0 else "dot", "color": colour,
                                "width": style.line_width * 0.8}})
        left = len(markers) > 1 and order.index(j) == 0  # the leftmost of two markers labels to its left
        notes.append({"x": float(np.log10(mx)) if log_x else float(mx), "y": 1.0, "yref": "paper",
                      "yanchor": "bottom", "text": label, "showarrow": False,
                      "xanchor": "right" if left else ("left" if len(markers) > 1 else "center"),
                      "xshift": -4 if left else (4 if len(markers) > 1 else 0),
                      "font": {"size": style.font_size - 2, "color": colour}})
    extra = {"shapes": shapes, "annotations": notes} if markers else {}
    title_lines = len(wrap_lines(title, TITLE_WIDTH * style.title_size, style.title_size)) if title else 0
    top = (60 + round(1.25 * style.title_size * (title_lines - 1)) if title else 20) + (
        round(1.6 * style.font_size) if markers else 0)
    # Room for a legend that wraps to one name a row in a narrow column, so the plot keeps its height.
    height = style.height + round((len(series) - 1) * (1.9 * style.font_size + 6))
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title, height=height),
                              extra, {
        "xaxis": {"type": "log", **log_ticks(min(x), max(x))} if log_x else {}, "showlegend": True,
        "legend": {"orientation": "h", "y": LEGEND_Y, "x": 0}, "margin": {"r": 30, "t": top},
    }))


def metric_bars(names: Sequence[str], values: Sequence[float], *, style: theme.Style, title: str = "",
                y_title: str = "", highlight: int | None = None) -> go.Figure:
    """One bar per method, its value printed; an infinite value is drawn as a hatched stub labelled 'inf'."""
    vals = np.asarray(values, dtype=float)
    finite = np.isfinite(vals)
    top = float(vals[finite].max()) if finite.any() else 1.0
    heights = np.where(finite, vals, top * 1.05)
    colours = [theme.HIGHLIGHT if i == highlight else theme.BAR for i in range(len(vals))]
    patterns = ["" if f else "x" for f in finite]
    trace = {"type": "bar", "x": list(range(len(vals))), "y": heights.tolist(), "text": [fmt_value(v) for v in vals],
             "textposition": "outside", "constraintext": "none", "cliponaxis": False, "textfont": {"size": style.bar_text_size},
             "marker": {"color": colours, "pattern": {"shape": patterns}, "line": {"width": 0}},
             "hovertemplate": "%{y:.6g}<extra></extra>"}
    return figure([trace], merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(list(names), wrap=12), "yaxis": {"range": [0, max(top, 1e-9) * 1.3]},
    }))
