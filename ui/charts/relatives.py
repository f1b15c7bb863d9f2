"""Charts of the 'Softmax and its relatives' page: sigmoid overlay, multi-label bars, argmax slices, Jacobian."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import (base_layout, category_axis, escape_label, figure, fitted_bar_text, fmt_value, hline,
                               hline_label, merge, row_above)


def _legend(style: theme.Style) -> dict:
    return {"showlegend": True, "legend": {"orientation": "h", "y": -0.2, "font": {"size": style.font_size}}}


def curves(x: np.ndarray, series: Mapping[str, np.ndarray], *, style: theme.Style, step: Sequence[str] = (),
           point: tuple[float, Mapping[str, float]] | None = None, title: str = "", x_title: str = "",
           y_title: str = "") -> go.Figure:
    """One line per series over ``x`` (a series named in ``step`` is drawn as a step); dashes tell them apart.

    ``point = (x0, {name: y0})`` marks the current position on each named curve and prints its value.
    """
    x = np.asarray(x, dtype=np.float64).tolist()
    dashes = ("solid", "dash", "dot", "dashdot")
    data = [{
        "type": "scatter", "x": x, "y": np.asarray(y, dtype=np.float64).tolist(), "mode": "lines",
        "name": escape_label(name),
        "line": {"color": theme.SERIES[i], "width": style.line_width * (1.6 if i == 0 else 1.0),
                 "dash": dashes[i % 4], "shape": "hv" if name in step else "linear"},
        "hovertemplate": "%{x:.3g}, %{y:.4g}<extra></extra>"} for i, (name, y) in enumerate(series.items())]
    if point is not None:
        x0, values = point
        data += [{
            "type": "scatter", "x": [x0], "y": [y0], "mode": "markers+text", "name": f"{escape_label(name)} @ {x0:g}",
            "text": [fmt_value(y0)], "textposition": "top left" if i == 0 else "bottom right", "showlegend": False,
            "textfont": {"size": style.bar_text_size, "color": theme.SERIES[i]},
            "marker": {"size": style.marker_size, "color": theme.SERIES[i]}, "hoverinfo": "skip"}
            for i, (name, y0) in enumerate(values.items())]
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title), _legend(style)))


def label_bars(probs: np.ndarray, labels: Sequence[str], *, style: theme.Style, colour: str, title: str = "",
               y_title: str = "", line: float | None = None, line_text: str = "", pattern: str = "") -> go.Figure:
    """Probabilities per label, values printed, with an optional reference line (0.5 for sigmoids)."""
    probs = np.asarray(probs, dtype=np.float64)
    trace = {"type": "bar", "x": list(range(len(probs))), "y": probs.tolist(), "text": [fmt_value(p) for p in probs],
             "textposition": "outside", "constraintext": "outside", "cliponaxis": False,
             "textfont": {"size": style.bar_text_size}, "marker": {"color": colour, "pattern": {"shape": pattern}, "line": {"width": 0}},
             "hovertemplate": "%{y:.6g}<extra></extra>"}
    reference = {} if line is None else {
        "shapes": [hline(line, {"dash": "dash", "width": style.line_width, "color": theme.REFERENCE})],
        "annotations": [hline_label(line, escape_label(line_text), {"size": style.font_size})]}
    return figure([trace], merge(base_layout(style, title=title, y_title=y_title), reference, {
        "xaxis": category_axis(labels), "yaxis": {"range": [0, 1.18], "tickformat": ".1f"},
        **fitted_bar_text(max(style.bar_text_size - 4, 10)),  # labels fit their bar or hide: "4.7e-09" met "0.030"
    }))


def grouped_bars(series: Mapping[str, np.ndarray], labels: Sequence[str], *, style: theme.Style, title: str = "",
                 y_title: str = "") -> go.Figure:
    """Two or three series side by side per category, values printed, patterns as well as colours."""
    n = len(series)
    width = 0.8 / n
    data = []
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=np.float64)
        data.append({
            "type": "bar", "x": [j + (i - (n - 1) / 2) * width for j in range(len(values))], "y": values.tolist(),
            "width": width * 0.95, "name": escape_label(name), "text": [fmt_value(v, digits=3) for v in values],
            "textposition": "outside", "constraintext": "outside", "cliponaxis": False,
            "textfont": {"size": style.bar_text_size - 2},
            "marker": {"color": theme.SERIES[i], "pattern": {"shape": ["", "/", "."][i % 3]}, "line": {"width": 0}},
            "hovertemplate": "%{y:.6g}<extra></extra>"})
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(labels), "yaxis": {"range": [0, 1.18], "tickformat": ".1f"}, "barmode": "overlay",
        **fitted_bar_text(max(style.bar_text_size - 4, 10)),
    }, _legend(style)))


def jacobian_heatmap(jac: np.ndarray, labels: Sequence[str], *, style: theme.Style, title: str = "") -> go.Figure:
    """The K x K Jacobian as a diverging heatmap centred on 0, every value printed in its cell.

    Row i, column j holds dp_i / dz_j; rows are drawn top to bottom in class order.
    """
    jac = np.asarray(jac, dtype=np.float64)
    names = [escape_label(s) for s in labels]
    span = max(float(np.abs(jac).max()), 1e-12)
    trace = {
        "type": "heatmap", "z": jac.tolist(), "x": list(range(len(names))), "y": list(range(len(names))),
        "zmin": -span, "zmax": span,
        "colorscale": [[0.0, theme.OKABE_ITO["vermillion"]], [0.5, "#FFFFFF"], [1.0, theme.OKABE_ITO["blue"]]],
        "text": [[f"{v:+.3f}" for v in row] for row in jac], "texttemplate": "%{text}",
        "textfont": {"size": style.bar_text_size, "color": "#000000"}, "xgap": 2, "ygap": 2,
        "hovertemplate": "∂p_%{y}/∂z_%{x} = %{z:.4f}<extra></extra>", "colorbar": {"thickness": 12}}
    ticks = {"tickmode": "array", "tickvals": list(range(len(names))), "ticktext": names}
    # The column names sit on top, as in a matrix: a row of their own under the title, not on it.
    layout = row_above(base_layout(style, title=title, height=max(style.height, 70 * len(names) + 120)), style)
    return figure([trace], merge(layout, {
        "xaxis": {**ticks, "side": "top"}, "yaxis": {**ticks, "autorange": "reversed"},
    }))
