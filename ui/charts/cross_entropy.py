"""Charts of the cross-entropy page: loss curves, prediction-minus-target bars, training runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import (TITLE_WIDTH, base_layout, category_axis, escape_label, figure, fitted_bar_text,
                               fmt_value, log_ticks, merge, vline, wrap_lines)

LOSS_CAP = 7.0  # the loss axis of the BCE curves stops here; -log(0.001) = 6.9


def _finite(values) -> list:
    """Plotly cannot draw inf: such points become gaps (None)."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _legend(style: theme.Style, title: str = "") -> dict:
    """A horizontal legend between the title and the plot, with room made for it (and for every line of a title
    that wraps) so the two never overlap."""
    lines = len(wrap_lines(title, TITLE_WIDTH * style.title_size, style.title_size)) if title else 1
    return {"showlegend": True, "legend": {"orientation": "h", "y": 1.01, "yanchor": "bottom", "x": 0,
                                           "font": {"size": style.font_size}},
            "margin": {"t": round(1.25 * style.title_size * lines) + 3 * style.font_size + 30},
            # Plotly centres a title's lines on its anchor: a wrapped title is pushed down by its extra lines.
            "title": {"y": 1, "yref": "container", "yanchor": "top",
                      "pad": {"t": 10 + round(0.7 * style.title_size * (lines - 1))}}}


def _label_side(s: int, n: int) -> str:
    """Print a point's value on the side facing the middle, so labels near the ends stay inside the chart."""
    return "top right" if s < n / 2 else "top left"


def bce_curves(grid: np.ndarray, loss_pos: np.ndarray, loss_neg: np.ndarray, *, yhat: float, target: int,
               loss: float, style: theme.Style, names: tuple[str, str], marker_text: str, title: str = "",
               x_title: str = "", y_title: str = "") -> go.Figure:
    """Both binary cross-entropy curves, −log ŷ (y = 1) and −log(1 − ŷ) (y = 0), and a marker at ŷ.

    The marker sits on the curve of ``target``; an infinite loss is drawn at the top edge with an arrow up.
    """
    x = np.asarray(grid, float).tolist()
    data = [{"type": "scatter", "x": x, "y": _finite(curve), "mode": "lines", "name": name,
             "line": {"color": colour, "width": style.line_width, "dash": dash},
             "hovertemplate": "ŷ=%{x:.3f}: %{y:.4f}<extra></extra>"}
            for curve, name, colour, dash in ((loss_pos, names[0], theme.SERIES[0], "solid"),
                                              (loss_neg, names[1], theme.SERIES[1], "dash"))]
    finite = bool(np.isfinite(loss))
    shown = min(loss, LOSS_CAP) if finite else LOSS_CAP
    colour = theme.SERIES[int(target == 0)]
    data.append({
        "type": "scatter", "x": [float(yhat)], "y": [float(shown)], "mode": "markers",
        "text": [escape_label(marker_text)], "name": escape_label(marker_text),
        "marker": {"size": style.marker_size * 1.6, "color": colour,
                   "symbol": "circle" if finite and loss <= LOSS_CAP else "triangle-up",
                   "line": {"width": 2, "color": "white"}},
        "cliponaxis": False, "showlegend": False})
    # The value sits in a fixed box at the top centre: next to the marker it would cross the other curve.
    note = {"x": 0.5, "y": 0.97, "xref": "paper", "yref": "paper", "showarrow": False,
            "text": escape_label(marker_text), "font": {"size": style.bar_text_size + 2, "color": colour},
            "bordercolor": colour, "borderwidth": 2, "borderpad": 4, "bgcolor": "rgba(255,255,255,0.85)"}
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title), {
        "annotations": [note], "xaxis": {"range": [0, 1], "tickformat": ".1f"},
        "yaxis": {"range": [0, LOSS_CAP * 1.08]},
    }, _legend(style, title)))


# Loss above gradient, sharing the logit axis: rows of 62% and 38% of the height left by an 8% gap.
_GAP, _TOP_SHARE = 0.08, 0.62
_BOTTOM = (1 - _TOP_SHARE) * (1 - _GAP)


def clipping_chart(logits: np.ndarray, series: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], *,
                   style: theme.Style, title: str = "", x_title: str = "", loss_title: str = "",
                   grad_title: str = "", infinite_text: str = "∞") -> go.Figure:
    """Loss (top) and its gradient (bottom) against the logit, one line per way of computing it.

    Where a series is infinite the line stops and ``infinite_text`` marks the first infinite point.
    """
    z = np.asarray(logits, dtype=float)
    x = z.tolist()
    dashes = ("dot", "dash", "solid")
    top, bottom = {"xaxis": "x", "yaxis": "y"}, {"xaxis": "x2", "yaxis": "y2"}
    data = []
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        colour = theme.SERIES[i]
        data.append({"type": "scatter", "x": x, "y": _finite(values), "mode": "lines", "name": name,
                     "legendgroup": name, **top,
                     "line": {"color": colour, "width": style.line_width, "dash": dashes[i % 3]}})
        inf = np.flatnonzero(~np.isfinite(values))
        if inf.size:
            highest = float(np.nanmax(np.where(np.isfinite(values), values, np.nan)))
            data.append({"type": "scatter", "x": [float(z[inf[0]])], "y": [highest], "mode": "markers+text",
                         "showlegend": False, "text": [escape_label(infinite_text)], "textposition": "top center",
                         "marker": {"symbol": "triangle-up", "size": style.marker_size * 1.5, "color": colour},
                         "textfont": {"size": style.bar_text_size, "color": colour}, **top})
    for i, (name, values) in enumerate(grads.items()):
        n = i + len(series) - len(grads)
        data.append({"type": "scatter", "x": x, "y": _finite(values), "mode": "lines", "name": name,
                     "legendgroup": name, "showlegend": False, **bottom,
                     "line": {"color": theme.SERIES[n], "width": style.line_width, "dash": dashes[n % 3]}})
    return figure(data, merge(base_layout(style, title=title, height=int(style.height * 1.4)), _legend(style, title), {
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False},
        "yaxis": {"anchor": "x", "domain": [_BOTTOM + _GAP, 1.0], "title": {"text": escape_label(loss_title)}},
        "xaxis2": {"anchor": "y2", "domain": [0.0, 1.0], "automargin": True,
                   "title": {"text": escape_label(x_title), "standoff": round(0.8 * style.font_size)}},
        "yaxis2": {"anchor": "x2", "domain": [0.0, _BOTTOM], "automargin": True, "zeroline": True, "range": [-1.15, 1.15],
                   "title": {"text": escape_label(grad_title), "standoff": round(0.8 * style.font_size)}},
    }))


def loss_along_logit(values: np.ndarray, losses: np.ndarray, *, current: float, current_loss: float,
                     style: theme.Style, marker_text: str, title: str = "", x_title: str = "",
                     y_title: str = "") -> go.Figure:
    """The loss as the true class's logit moves, the others fixed; a marker at the current logit."""
    data = [
        {"type": "scatter", "x": np.asarray(values, float).tolist(), "y": _finite(losses), "mode": "lines",
         "line": {"color": theme.BAR, "width": style.line_width},
         "hovertemplate": "z=%{x:.2f}: %{y:.4f}<extra></extra>"},
        {"type": "scatter", "x": [float(current)], "y": [float(current_loss)], "mode": "markers+text",
         "text": [escape_label(marker_text)], "textposition": "top right",
         "marker": {"size": style.marker_size * 1.6, "color": theme.HIGHLIGHT},
         "textfont": {"size": style.bar_text_size}, "cliponaxis": False},
    ]
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title),
                              {"yaxis": {"rangemode": "tozero"}}))


def prediction_target_gradient(probs: np.ndarray, targets: np.ndarray, grad: np.ndarray, labels: Sequence[str],
                               *, true_class: int, style: theme.Style, names: tuple[str, str, str],
                               title: str = "", y_title: str = "") -> go.Figure:
    """Three bars per class: the prediction p, the target t, and the gradient p − t, values printed.

    The true class's tick is marked with a star so the eye finds the one negative gradient.
    """
    colours = (theme.BAR, theme.REFERENCE, theme.HIGHLIGHT)
    patterns = ("", "/", "")
    x = list(range(len(labels)))
    digits = 3 if len(labels) <= 6 else 2
    data = []
    for values, name, colour, pattern in zip((probs, targets, grad), names, colours, patterns):
        values = np.asarray(values, dtype=float)
        data.append({"type": "bar", "x": x, "y": values.tolist(), "name": name,
                     # Each label shrinks to its bar, or hides: wider, it ran under the next bar ("0.629" under
                     # the target bar).
                     "text": [fmt_value(v, digits=digits) for v in values], "textposition": "outside",
                     "constraintext": "outside", "cliponaxis": False,
                     "textfont": {"size": max(style.bar_text_size - 2 * (len(labels) > 5), 9)},
                     "marker": {"color": colour, "pattern": {"shape": pattern}, "line": {"width": 0}},
                     "hovertemplate": "%{y:.6g}<extra></extra>"})
    ticks = [f"★ {s}" if i == true_class else s for i, s in enumerate(labels)]
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(ticks), "yaxis": {"range": [-1.25, 1.25]}, "barmode": "group", "bargap": 0.25,
        **fitted_bar_text(max(style.bar_text_size - 4, 10)),
    }, _legend(style, title)))


def _value_marker(x: int, y: float, text: str, position: str, size: float, colour: str, style: theme.Style) -> dict:
    """A dot at (x, y) with its value printed beside it, for the point of a line at the chosen step."""
    return {"type": "scatter", "x": [x], "y": [y], "mode": "markers+text", "showlegend": False, "text": [text],
            "textposition": position, "marker": {"size": size, "color": colour},
            "textfont": {"size": style.bar_text_size, "color": colour}, "cliponaxis": False}


def loss_curves(losses: Mapping[str, np.ndarray], *, step: int, style: theme.Style, title: str = "",
                x_title: str = "", y_title: str = "", y_range: tuple[float, float] | None = None) -> go.Figure:
    """One line per training run over the steps (a loss, or any per-step value), the value at ``step`` printed.

    The y axis starts at 0, or spans ``y_range`` when given.
    """
    data = []
    for i, (name, values) in enumerate(losses.items()):
        values = np.asarray(values, dtype=float)
        colour = theme.SERIES[i]
        data.append({"type": "scatter", "x": list(range(len(values))), "y": _finite(values), "mode": "lines",
                     "name": name, "line": {"color": colour, "width": style.line_width}})
        s = min(int(step), len(values) - 1)
        data.append(_value_marker(s, _finite(values[s:s + 1])[0], fmt_value(values[s]), _label_side(s, len(values)),
                                  style.marker_size * 1.4, colour, style))
    y_axis = {"rangemode": "tozero"} if y_range is None else {"range": list(y_range)}
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title),
                              {"yaxis": y_axis}, _legend(style, title)))


def probability_paths(probs: np.ndarray, labels: Sequence[str], *, true_class: int, step: int,
                      style: theme.Style, title: str = "", x_title: str = "", y_title: str = "") -> go.Figure:
    """Each class's probability over the steps (the true class thick), with a vertical line at ``step``."""
    probs = np.asarray(probs, dtype=float)
    steps = list(range(probs.shape[0]))
    s = min(int(step), probs.shape[0] - 1)
    others = [c for c in theme.SERIES[:7] if c != theme.HIGHLIGHT]
    # Classes that start level stay level (B and C under the same push): each other class gets its own dash and a
    # narrower line than the one before, so a later line never hides an earlier one under it.
    rank = {k: r for r, k in enumerate(np.argsort(-probs[s], kind="stable"))}
    data = []
    for k, name in enumerate(labels):
        true = k == true_class
        colour = theme.HIGHLIGHT if true else others[k % len(others)] if len(labels) <= 6 else theme.MUTED
        width = style.line_width * (1.6 if true else max(1.1 - 0.25 * k, 0.35))
        data.append({"type": "scatter", "x": steps, "y": probs[:, k].tolist(), "mode": "lines",
                     "name": escape_label(name),
                     "line": {"color": colour, "width": width, "dash": "solid" if true else ("dash", "dot", "dashdot")[k % 3]}})
        if true or len(labels) <= 4:
            # Values printed above and below in turn, by size: two equal values never land on each other.
            side = _label_side(s, probs.shape[0]).replace("top", ("top", "bottom")[rank[k] % 2])
            data.append(_value_marker(s, float(probs[s, k]), fmt_value(probs[s, k], digits=3), side,
                                      style.marker_size, colour, style))
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title), {
        "shapes": [vline(s, {"dash": "dot", "width": max(style.line_width / 2, 1), "color": theme.MUTED})],
        "yaxis": {"range": [0, 1.08], "tickformat": ".1f"},
    }, _legend(style, title)))


def animated_bars(probs: np.ndarray, labels: Sequence[str], *, true_class: int, style: theme.Style,
                  play_text: str, pause_text: str, step_text: str, title: str = "", y_title: str = "",
                  frame_ms: int = 120) -> go.Figure:
    """The probabilities at every step as Plotly animation frames: it plays in the browser, not the server.

    Frame ``s`` holds ``probs[s]``; the first frame is what is drawn before Play.
    """
    probs = np.asarray(probs, dtype=float)
    x = list(range(probs.shape[1]))
    colours = [theme.HIGHLIGHT if k == true_class else theme.BAR for k in x]

    def bar(row: np.ndarray) -> dict:
        return {"type": "bar", "x": x, "y": row.tolist(), "text": [fmt_value(v, digits=3) for v in row],
                "textposition": "outside", "constraintext": "none", "cliponaxis": False, "marker": {"color": colours, "line": {"width": 0}},
                "textfont": {"size": style.bar_text_size}, "hovertemplate": "%{y:.6g}<extra></extra>"}

    animation = {"frame": {"duration": frame_ms, "redraw": True}, "transition": {"duration": 0},
                 "fromcurrent": True, "mode": "immediate"}
    controls = {
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 1, "y": 1.02, "xanchor": "right",
                         "yanchor": "bottom", "showactive": False, "font": {"size": style.font_size},
                         "buttons": [{"label": escape_label(play_text), "method": "animate",
                                      "args": [None, animation]},
                                     {"label": escape_label(pause_text), "method": "animate",
                                      "args": [[None], {"frame": {"duration": 0, "redraw": False},
                                                        "mode": "immediate"}]}]}],
        "sliders": [{"active": 0, "x": 0, "len": 1, "y": -0.06, "yanchor": "top",
                     "currentvalue": {"prefix": escape_label(step_text), "font": {"size": style.font_size}},
                     "font": {"size": max(style.font_size - 4, 10)},
                     "steps": [{"label": str(s), "method": "animate",
                                "args": [[str(s)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}]}
                               for s in range(probs.shape[0])]}],
        "margin": {"b": 40 + 5 * style.font_size, "t": style.title_size + 3 * style.font_size + 30},
        "height": int(style.height * 1.15),
    }
    return figure([bar(probs[0])], merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(labels), "yaxis": {"range": [0, 1.15], "tickformat": ".1f"},
    }, controls), frames=[{"data": [bar(row)], "name": str(s)} for s, row in enumerate(probs)])


def gradient_magnitudes(p_true: np.ndarray, series: Mapping[str, np.ndarray], *,
                        current: tuple[float, Mapping[str, float]] | None, style: theme.Style, title: str = "",
                        x_title: str = "", y_title: str = "") -> go.Figure:
    """|∂loss/∂z_true| against the true class's probability, one line per loss, on a log x axis.

    ``current`` is (p, {name: value}): where the page's own example sits, marked and printed on each line.
    """
    p = np.asarray(p_true, dtype=float).tolist()
    data = []
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        colour = theme.SERIES[i]
        data.append({"type": "scatter", "x": p, "y": _finite(values), "mode": "lines", "name": name,
                     "line": {"color": colour, "width": style.line_width}})
        if current is not None:
            value = float(current[1][name])
            data.append(_value_marker(float(current[0]), value, fmt_value(value, digits=3), "top right",
                                      style.marker_size * 1.4, colour, style))
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title), {
        "xaxis": {"type": "log", **log_ticks(min(p), max(p))}, "yaxis": {"rangemode": "tozero"},
    }, _legend(style, title)))
