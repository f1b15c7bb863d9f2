"""Charts of the numerical-stability page: naive against stable, where e^x overflows, log space, sums."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import (base_layout, category_axis, figure, fitted_bar_text, fmt_value,
                               log_ticks, merge)

DTYPE_COLOURS = {"float16": theme.OKABE_ITO["vermillion"], "float32": theme.OKABE_ITO["orange"],
                 "float64": theme.OKABE_ITO["blue"]}
ZERO_FLOOR = 1e-18  # where an exact 0 is drawn on a log axis (its label says 0)


def _finite_or_none(values) -> list:
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float64)]


def _label(v: float) -> str:
    return "NaN" if np.isnan(v) else fmt_value(float(v))


def naive_vs_stable_bars(naive: np.ndarray, stable: np.ndarray, labels: Sequence[str], *, style: theme.Style,
                         naive_name: str, stable_name: str, title: str = "", y_title: str = "") -> go.Figure:
    """Two bars per class: the textbook formula (hatched) and softmax. NaN and inf are printed at 0."""
    data = []
    for values, name, colour, pattern, offset in ((naive, naive_name, theme.HIGHLIGHT, "/", -0.2),
                                                 (stable, stable_name, theme.BAR, "", 0.2)):
        values = np.asarray(values, dtype=np.float64)
        shown = [v if v is not None else 0.0 for v in _finite_or_none(values)]
        data.append({
            "type": "bar", "x": [i + offset for i in range(len(values))], "y": shown, "width": 0.38, "name": name,
            "text": [_label(v) for v in values], "textposition": "outside", "constraintext": "outside",
            "cliponaxis": False,
            "textfont": {"size": style.bar_text_size}, "customdata": [str(v) for v in values],
            "marker": {"color": colour, "pattern": {"shape": pattern}, "line": {"width": 0}},
            "hovertemplate": "%{customdata}<extra>" + name.replace("<", "&lt;") + "</extra>"})
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(labels), "yaxis": {"range": [0, 1.2], "tickformat": ".1f"}, "showlegend": True,
        "legend": {"orientation": "h", "y": -0.15, "font": {"size": style.font_size}}, "barmode": "overlay",
        **fitted_bar_text(max(style.bar_text_size - 4, 10)),
    }))


def overflow_chart(x: np.ndarray, exp_by_dtype: Mapping[str, np.ndarray], thresholds: Mapping[str, float], *,
                   style: theme.Style, current: float | None, current_text: str = "", title: str = "",
                   x_title: str = "", y_title: str = "") -> go.Figure:
    """e^x in each dtype on log-log axes: each curve stops at its dtype's wall, drawn and labelled.

    ``exp_by_dtype`` holds e^x computed in each dtype (inf past the wall); ``thresholds`` the wall,
    log(finfo.max). One trace per dtype named after it (the curve), one named ``"<dtype> threshold"``
    (a vertical line at the wall, its value printed), and, when ``current`` is positive, a line at the
    largest scaled logit named ``"current"``.
    """
    x = np.asarray(x, dtype=np.float64)
    data = []
    names = list(exp_by_dtype)
    # The curves coincide until the narrower type's wall: draw the widest type first and thinnest, so every
    # narrower curve shows on top of it; stagger the wall labels so they never overlap.
    for i, name in reversed(list(enumerate(names))):
        colour = DTYPE_COLOURS.get(name, theme.SERIES[i % len(theme.SERIES)])
        y = np.asarray(exp_by_dtype[name], dtype=np.float64)
        finite = np.isfinite(y)
        width = style.line_width * (1.0 + 0.8 * (len(names) - 1 - i))
        data.append({"type": "scatter", "x": x[finite].tolist(), "y": y[finite].tolist(), "mode": "lines",
                     "name": name, "line": {"color": colour, "width": width}, "hoverinfo": "skip"})
    for i, name in enumerate(names):
        colour = DTYPE_COLOURS.get(name, theme.SERIES[i % len(theme.SERIES)])
        thr = float(thresholds[name])
        data.append({
            "type": "scatter", "x": [thr, thr], "y": [1.0, 10.0 ** (300 - 45 * i)], "mode": "lines+text",
            "name": f"{name} threshold", "text": ["", f"{name}: {thr:.2f}"], "textposition": "top center",
            "textfont": {"size": style.bar_text_size, "color": colour},
            "line": {"color": colour, "width": style.line_width, "dash": "dash"}, "hoverinfo": "skip"})
    if current is not None and current > 0:
        data.append({
            "type": "scatter", "x": [current, current], "y": [1.0, 1e150], "mode": "lines+text", "name": "current",
            "text": ["", current_text], "textposition": "middle left" if current > 300 else "middle right",
            "textfont": {"size": style.bar_text_size, "color": theme.REFERENCE},
            "line": {"color": theme.REFERENCE, "width": style.line_width * 1.4}, "hoverinfo": "skip"})
    return figure(data, merge(base_layout(style, title=title, x_title=x_title, y_title=y_title), {
        "xaxis": {"type": "log", "range": [-1, 4.7], **log_ticks(0.1, 10 ** 4.7)},
        "yaxis": {"type": "log", "range": [0, 330], "exponentformat": "power", "dtick": 50},
    }))


def log_space_bars(log_probs: np.ndarray, log_of_probs: np.ndarray, labels: Sequence[str], *, style: theme.Style,
                   underflow_text: str, title: str = "", y_title: str = "") -> go.Figure:
    """log-softmax as bars (values printed); where log(softmax) is -inf, a marker at 0 says so."""
    log_probs = np.asarray(log_probs, dtype=np.float64)
    lost = ~np.isfinite(np.asarray(log_of_probs, dtype=np.float64))
    idx = np.flatnonzero(lost)
    data = [
        {"type": "bar", "x": list(range(len(log_probs))), "y": _finite_or_none(log_probs),
         "text": [_label(v) for v in log_probs], "textposition": "outside", "constraintext": "none", "cliponaxis": False,
         "textfont": {"size": style.bar_text_size},
         "marker": {"color": [theme.HIGHLIGHT if w else theme.BAR for w in lost], "line": {"width": 0},
                    "pattern": {"shape": ["/" if w else "" for w in lost]}},
         "hovertemplate": "%{y:.6g}<extra></extra>"},
        {"type": "scatter", "x": idx.tolist(), "y": [0.0] * len(idx), "mode": "markers+text",
         "text": [underflow_text] * len(idx), "textposition": "top center",
         "textfont": {"size": style.bar_text_size - 2, "color": theme.HIGHLIGHT},
         "marker": {"symbol": "x", "size": style.marker_size * 1.5, "color": theme.HIGHLIGHT}, "hoverinfo": "skip"},
    ]
    finite = log_probs[np.isfinite(log_probs)]
    low = float(finite.min()) if finite.size else -1.0
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(labels), "yaxis": {"range": [1.3 * min(low, -1.0), 0.35 * max(-low, 1.0)]},
    }))


CASE_WRAP = 5  # characters: longer case names break onto two lines


def sum_deviation_bars(cases: Sequence[str], deviations: Mapping[str, Sequence[float]], *, style: theme.Style,
                       tolerance: float, tolerance_text: str, title: str = "", y_title: str = "") -> go.Figure:
    """|sum - 1| per case and dtype on a log axis; an exact 0 is drawn at 1e-18 and labelled 0."""
    data = []
    n = len(deviations)
    for i, (name, devs) in enumerate(deviations.items()):
        devs = np.asarray(devs, dtype=np.float64)
        data.append({
            "type": "bar", "x": [j + (i - (n - 1) / 2) * 0.27 for j in range(len(cases))],
            "y": np.maximum(devs, ZERO_FLOOR).tolist(), "width": 0.26, "name": name,
            "text": ["0" if d == 0 else f"{d:.1e}" for d in devs], "customdata": devs.tolist(),
            "textposition": "outside", "constraintext": "none", "cliponaxis": False, "textfont": {"size": style.bar_text_size - 2},
            "marker": {"color": DTYPE_COLOURS.get(name, theme.SERIES[i]), "line": {"width": 0},
                       "pattern": {"shape": ["", "/", "."][i % 3]}},
            "hovertemplate": "%{customdata:.3g}<extra></extra>"})
    # The tolerance is named in the legend: a label on its line sat on the float16 values printed near it.
    data.append({"type": "scatter", "x": [-0.5, len(cases) - 0.5], "y": [tolerance, tolerance], "mode": "lines",
                 "name": tolerance_text, "hoverinfo": "skip",
                 "line": {"dash": "dash", "width": style.line_width, "color": theme.REFERENCE}})
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        # Two-line labels ("K =" over "10,000"): five of them side by side fit a phone, where one-line ones overlap.
        "xaxis": category_axis(cases, wrap=CASE_WRAP),
        "yaxis": {"type": "log", "range": [-18.5, 0.5], "exponentformat": "power", "dtick": 3},
        "showlegend": True, "legend": {"orientation": "h", "y": -0.3, "font": {"size": style.font_size}},
        "barmode": "overlay",
    }))
