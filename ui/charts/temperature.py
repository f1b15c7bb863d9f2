"""Charts of the temperature page: bars at T beside ghost bars at T = 1, curves over a log T axis, a
precomputed sweep animation, sampling histograms, the decoding pipeline and a Boltzmann policy run."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.charts.common import (base_layout, category_axis, escape_label, figure, fmt_value, hline, hline_label,
                              merge, row_above, select_bars)

GHOST_OPACITY = 0.35
_LEGEND_BELOW = {"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"}
# Log-axis ticks at round temperatures (Plotly's default log ticks print bare digits such as "5" for 0.05).
T_TICKS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)
MAX_CURVES = len(theme.SERIES)  # one colour each; more classes than this: the most probable at T = 1


def _folded(values: np.ndarray, index: np.ndarray, folded: int) -> np.ndarray:
    """``values`` at ``index``, plus one last entry holding the total of the rest when classes are folded."""
    kept = values[..., index]
    if not folded:
        return kept
    rest = values.sum(axis=-1) - kept.sum(axis=-1)
    return np.concatenate([kept, np.asarray(rest)[..., None]], axis=-1)


def _names(labels: Sequence[str], index: np.ndarray, folded: int, others_label: str) -> list[str]:
    names = [labels[i] for i in index]
    if folded:
        names.append(others_label.format(n=folded))
    return names


def _bar(y: np.ndarray, *, style: theme.Style, colour, name: str = "", opacity: float = 1.0,
         text: bool = True, pattern=None, digits: int = 4, orientation: str = "v") -> dict:
    positions = list(range(len(y)))
    values = [float(v) for v in y]
    spec = {"x": positions, "y": values} if orientation == "v" else {"x": values, "y": positions}
    if text:
        spec["text"] = [fmt_value(v, digits=digits) for v in values]
    return {
        "type": "bar", **spec, "orientation": orientation, "name": escape_label(name), "opacity": opacity,
        "textposition": "outside", "constraintext": "none", "cliponaxis": False, "textfont": {"size": style.bar_text_size},
        "marker": {"color": colour, "line": {"width": 0}, **({"pattern": {"shape": pattern}} if pattern else {})},
        "hovertemplate": "%{y:.6g}<extra></extra>" if orientation == "v" else "%{x:.6g}<extra></extra>",
    }


def _winner_colours(values: np.ndarray) -> tuple[list[str], list[str]]:
    top = values == values.max()
    return [theme.HIGHLIGHT if w else theme.BAR for w in top], ["/" if w else "" for w in top]


def temperature_bars(probs, ghost, labels: Sequence[str], *, style: theme.Style, title: str = "",
                     y_title: str = "", now_name: str = "T", ghost_name: str = "T = 1", uniform_text: str = "1/K",
                     others_label: str = "{n} others") -> go.Figure:
    """softmax(z / T) as bars (trace 0, exactly ``probs``), each beside a faint ghost bar at T = 1 (trace 1).

    ``ghost=None`` (at T = 1 itself, where the ghost would repeat the bars) draws no ghost trace.
    Above 30 classes the 20 most probable at T keep a bar and one more bar holds the rest of each total.
    """
    probs = np.asarray(probs, dtype=float)
    sel = select_bars(probs)
    colours, patterns = _winner_colours(probs[sel.index])
    if sel.folded:
        colours.append(theme.MUTED)
        patterns.append(".")
    data = [_bar(_folded(probs, sel.index, sel.folded), style=style, colour=colours, pattern=patterns, name=now_name)]
    if ghost is not None:
        before = _folded(np.asarray(ghost, dtype=float), sel.index, sel.folded)
        data.append(_bar(before, style=style, colour=theme.MUTED, name=ghost_name, opacity=GHOST_OPACITY, text=False))
    uniform = 1.0 / len(probs)
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        "shapes": [hline(uniform, {"dash": "dash", "width": style.line_width, "color": theme.REFERENCE})],
        "annotations": [hline_label(uniform, escape_label(uniform_text), {"size": style.font_size})],
        "xaxis": category_axis(_names(labels, sel.index, sel.folded, others_label)),
        "yaxis": {"range": [0, 1.15], "tickformat": ".1f"},
        "barmode": "group", "bargap": 0.25, "bargroupgap": 0.05, "showlegend": True, "legend": _LEGEND_BELOW,
    }))


def _log_t_axis(temperatures: np.ndarray) -> dict:
    lo, hi = float(temperatures[0]), float(temperatures[-1])
    ticks = [v for v in T_TICKS if lo <= v <= hi]
    return {"type": "log", "range": [np.log10(lo), np.log10(hi)], "tickmode": "array", "tickvals": ticks,
            "ticktext": [f"{v:g}" for v in ticks]}


def _curve_classes(ghost: np.ndarray) -> np.ndarray:
    """The classes that get a curve: all, or the MAX_CURVES most probable at T = 1, in class order."""
    if len(ghost) <= MAX_CURVES:
        return np.arange(len(ghost))
    return np.sort(np.argsort(-ghost, kind="stable")[:MAX_CURVES])


def _marker_line(x: float, y_range: tuple[float, float], style: theme.Style, name: str) -> dict:
    """The current temperature as a vertical line: a trace in data units, so it sits right on a log axis."""
    return {"type": "scatter", "x": [x, x], "y": list(y_range), "mode": "lines", "name": escape_label(name),
            "showlegend": False, "line": {"color": theme.MUTED, "width": style.line_width, "dash": "dot"},
            "hoverinfo": "skip"}


def _limit_notes(style: theme.Style, cold_text: str, hot_text: str) -> list[dict]:
    return [{"x": x, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": anchor, "yanchor": "bottom",
             "text": escape_label(text), "showarrow": False, "font": {"size": style.font_size - 2}}
            for x, anchor, text in ((0.0, "left", cold_text), (1.0, "right", hot_text))]


def class_curves(temperatures, probs, labels: Sequence[str], *, current: float, current_probs, ghost,
                 style: theme.Style, title: str = "", x_title: str = "T", y_title: str = "",
                 cold_text: str = "T → 0", hot_text: str = "T → ∞", now_name: str = "T") -> go.Figure:
    """Each class's probability against T on a log axis, the current T marked with its values printed.

    ``probs`` is (n, K) over ``temperatures``; with more than 8 classes the 8 most probable at T = 1 are drawn.
    """
    temperatures, probs = np.asarray(temperatures, float), np.asarray(probs, float)
    current_probs = np.asarray(current_probs, float)
    shown = _curve_classes(np.asarray(ghost, float))
    data = [_marker_line(current, (0.0, 1.0), style, now_name)]
    # Each value is printed on the side its curve leaves free: below a curve that rises to the right, above one
    # that falls ("middle right" put "B 0.231" under its own curve).
    j = min(int(np.searchsorted(temperatures, current)), len(temperatures) - 2)
    for n, i in enumerate(shown):
        colour = theme.SERIES[n % len(theme.SERIES)]
        data.append({"type": "scatter", "x": temperatures.tolist(), "y": probs[:, i].tolist(), "mode": "lines",
                     "name": escape_label(labels[i]), "line": {"color": colour, "width": style.line_width},
                     "hovertemplate": "T=%{x:.3g}: %{y:.4f}<extra></extra>"})
        data.append({"type": "scatter", "x": [current], "y": [float(current_probs[i])], "mode": "markers+text",
                     "showlegend": False, "marker": {"color": colour, "size": style.marker_size},
                     "text": [f"{escape_label(labels[i])} {fmt_value(float(current_probs[i]), digits=3)}"],
                     "textposition": "bottom right" if probs[j + 1, i] > probs[j, i] else "top right",
                     "textfont": {"size": style.bar_text_size - 2, "color": colour}, "hoverinfo": "skip"})
    k = probs.shape[1]
    data.append({"type": "scatter", "x": [float(temperatures[0]), float(temperatures[-1])], "y": [1 / k, 1 / k],
                 "mode": "lines", "showlegend": False, "hoverinfo": "skip",
                 "line": {"color": theme.REFERENCE, "dash": "dash", "width": style.line_width / 2}})
    return figure(data, merge(row_above(base_layout(style, title=title, x_title=x_title, y_title=y_title), style), {
        "annotations": _limit_notes(style, cold_text, hot_text), "xaxis": _log_t_axis(temperatures),
        "yaxis": {"range": [0, 1.05]}, "showlegend": True,
        "legend": {"orientation": "h", "y": -0.28, "x": 0, "yanchor": "top"},
    }))


def entropy_curve(temperatures, entropy, *, current: float, current_entropy: float, style: theme.Style,
                  title: str = "", x_title: str = "T", y_title: str = "", max_text: str = "log K",
                  cold_text: str = "T → 0", hot_text: str = "T → ∞", now_name: str = "T", k: int) -> go.Figure:
    """Entropy (nats) against T on a log axis, its maximum log K drawn, the current T marked and printed."""
    temperatures, entropy = np.asarray(temperatures, float), np.asarray(entropy, float)
    top = float(np.log(k))
    data = [
        _marker_line(current, (0.0, top * 1.1), style, now_name),
        {"type": "scatter", "x": temperatures.tolist(), "y": entropy.tolist(), "mode": "lines", "name": "H",
         "line": {"color": theme.BAR, "width": style.line_width},
         "hovertemplate": "T=%{x:.3g}: %{y:.4f}<extra></extra>"},
        {"type": "scatter", "x": [current], "y": [float(current_entropy)], "mode": "markers+text",
         "hoverinfo": "skip", "marker": {"color": theme.HIGHLIGHT, "size": style.marker_size},
         "text": [fmt_value(float(current_entropy), digits=3)], "textposition": "middle right",
         "textfont": {"size": style.bar_text_size}},
        {"type": "scatter", "x": [float(temperatures[0]), float(temperatures[-1])], "y": [top, top],
         "mode": "lines", "hoverinfo": "skip",
         "line": {"color": theme.REFERENCE, "dash": "dash", "width": style.line_width / 2}},
    ]
    # At the end away from the current T's vertical line, which ran through it in the middle.
    left = np.log(current / temperatures[0]) > np.log(temperatures[-1] / current)
    max_note = {"x": 0.0 if left else 1.0, "xanchor": "left" if left else "right", "y": top, "xref": "paper",
                "yref": "y", "yanchor": "bottom", "showarrow": False,
                "text": escape_label(max_text), "font": {"size": style.font_size - 2, "color": theme.REFERENCE}}
    return figure(data, merge(row_above(base_layout(style, title=title, x_title=x_title, y_title=y_title), style), {
        "annotations": [max_note, *_limit_notes(style, cold_text, hot_text)], "xaxis": _log_t_axis(temperatures),
        "yaxis": {"range": [0, top * 1.12 if top > 0 else 1.0]},
    }))


def sweep_animation(temperatures, probs, labels: Sequence[str], *, style: theme.Style, title: str = "",
                    y_title: str = "", frame_text: str = "T = {T}", play: str = "▶", pause: str = "❚❚",
                    others_label: str = "{n} others") -> go.Figure:
    """softmax(z / T) for T from the first to the last temperature, as Plotly frames with a play button.

    The browser plays the frames itself (no server round trip). Frame ``i`` holds ``probs[i]`` exactly;
    above 30 classes the 20 most probable at the middle temperature keep a bar.
    """
    temperatures, probs = np.asarray(temperatures, float), np.asarray(probs, float)
    sel = select_bars(probs[len(probs) // 2])
    rows = _folded(probs, sel.index, sel.folded)
    names = _names(labels, sel.index, sel.folded, others_label)

    def bar(row):
        colours, _ = _winner_colours(row)
        return {"type": "bar", "x": list(range(len(row))), "y": row.tolist(),
                "text": [fmt_value(v, digits=3) for v in row], "marker": {"color": colours}}

    def label(t):
        return escape_label(frame_text.format(T=f"{t:.3g}"))

    start = int(np.argmin(np.abs(np.log(temperatures))))  # open on T = 1
    first = {**bar(rows[start]), "textposition": "outside", "constraintext": "none", "cliponaxis": False,
             "textfont": {"size": style.bar_text_size}, "hovertemplate": "%{y:.6g}<extra></extra>"}
    frames = [{"name": label(t), "data": [bar(r)]} for t, r in zip(temperatures, rows)]
    step = {"frame": {"duration": 90, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
    menus = {
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 1, "y": 1.02, "xanchor": "right",
                         "yanchor": "bottom", "showactive": False, "font": {"size": style.font_size},
                         "buttons": [{"label": escape_label(play), "method": "animate",
                                      "args": [None, {**step, "fromcurrent": True}]},
                                     {"label": escape_label(pause), "method": "animate",
                                      "args": [[None], {**step, "frame": {"duration": 0, "redraw": False}}]}]}],
        "sliders": [{"active": start, "x": 0, "len": 1.0, "y": -0.08, "yanchor": "top",
                     "currentvalue": {"prefix": "T = ", "font": {"size": style.font_size}},
                     "font": {"size": max(style.font_size - 6, 8)},
                     "steps": [{"label": f"{t:.2g}", "method": "animate",
                                "args": [[label(t)], {**step, "frame": {"duration": 0, "redraw": True}}]}
                               for t in temperatures]}],
    }
    axes = {"xaxis": category_axis(names), "yaxis": {"range": [0, 1.15], "tickformat": ".1f"},
            # Room for the slider below the ticks, so automargin never has to draw the figure twice.
            "margin": {"b": int(3.6 * style.font_size + 70)}}
    return figure([first], merge(base_layout(style, title=title, y_title=y_title, height=int(style.height * 1.25)),
                                 menus, axes), frames=frames)


def sample_bars(probs, counts, labels: Sequence[str], *, style: theme.Style, title: str = "", y_title: str = "",
                freq_name: str = "", prob_name: str = "", others_label: str = "{n} others") -> go.Figure:
    """Share of the draws per class (trace 0: counts / N) beside the probabilities they were drawn from."""
    probs, counts = np.asarray(probs, float), np.asarray(counts, float)
    freq = counts / counts.sum()
    sel = select_bars(probs)
    data = [
        _bar(_folded(freq, sel.index, sel.folded), style=style, colour=theme.BAR, name=freq_name),
        _bar(_folded(probs, sel.index, sel.folded), style=style, colour=theme.MUTED, name=prob_name,
             opacity=GHOST_OPACITY + 0.15, text=False),
    ]
    return figure(data, merge(base_layout(style, title=title, y_title=y_title), {
        "xaxis": category_axis(_names(labels, sel.index, sel.folded, others_label)),
        "yaxis": {"range": [0, 1.15], "tickformat": ".1f"},
        "barmode": "group", "bargap": 0.25, "showlegend": True, "legend": _LEGEND_BELOW,
    }))


def stage_bars(values, labels: Sequence[str], *, style: theme.Style, title: str = "", kept=None,
               digits: int = 3, x_range=None, height: int | None = None) -> go.Figure:
    """One stage of a pipeline as small horizontal bars (first label on top), values printed.

    ``kept`` (booleans) greys out the classes a stage dropped; the largest kept value is highlighted.
    """
    values = np.asarray(values, float)
    kept = np.ones(len(values), bool) if kept is None else np.asarray(kept, bool)
    best = values == values[kept].max() if kept.any() else np.zeros(len(values), bool)
    colours = [theme.MUTED if not k else theme.HIGHLIGHT if b else theme.BAR for k, b in zip(kept, best)]
    span = float(np.abs(values).max()) or 1.0
    # Each bar is labelled "word value" at its end: word labels on the axis took half of a narrow column and met
    # the values of negative bars ("moon" on "-2.50"). The range leaves room for a label beyond either end.
    lo = min(0.0, float(values.min()) - 1.0 * span)
    bar = _bar(values, style=style, colour=colours, digits=digits, orientation="h")
    bar["text"] = [f"{escape_label(w)} {v}" for w, v in zip(labels, bar["text"])]
    return figure([bar], merge(
        base_layout(style, title=title, height=height or int(style.height * 1.15)), {
            "yaxis": {**category_axis(labels), "autorange": "reversed", "showticklabels": False},
            "xaxis": {"range": x_range or [lo, max(0.0, float(values.max())) + 1.0 * span], "showticklabels": False},
            # The top margin is base_layout's when titled: it fits the title's type and lines (50 px cut a
            # projector's title).
            "margin": {"l": 10, "r": 10, "b": 10, **({} if title else {"t": 10})},
        }))


def choice_strip(choices, labels: Sequence[str], *, style: theme.Style, title: str = "", x_title: str = "",
                 best=None) -> go.Figure:
    """A run of choices: step on x, the chosen action on y, best actions highlighted."""
    choices = np.asarray(choices, int)
    best = np.zeros(len(labels), bool) if best is None else np.asarray(best, bool)
    colours = [theme.HIGHLIGHT if best[c] else theme.BAR for c in choices]
    symbols = ["diamond" if best[c] else "circle" for c in choices]
    trace = {"type": "scatter", "x": list(range(1, len(choices) + 1)), "y": choices.tolist(), "mode": "markers",
             "marker": {"color": colours, "symbol": symbols, "size": style.marker_size + 4},
             "hovertemplate": "%{x}<extra></extra>"}
    return figure([trace], merge(base_layout(style, title=title, x_title=x_title, height=int(style.height * 0.8)), {
        "yaxis": {**category_axis(labels), "range": [len(labels) - 0.5, -0.5]},
        "xaxis": {"range": [0.3, len(choices) + 0.7], "dtick": 5},
    }))
