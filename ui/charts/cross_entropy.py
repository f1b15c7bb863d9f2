"""Charts of the cross-entropy page: loss curves, prediction-minus-target bars, training runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui import theme
from ui.charts.common import category_axis, escape_label, fmt_value, layout

LOSS_CAP = 7.0  # the loss axis of the BCE curves stops here; -log(0.001) = 6.9


def _finite(values) -> list:
    """Plotly cannot draw inf: such points become gaps (None)."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _legend(fig: go.Figure, style: theme.Style) -> None:
    """A horizontal legend between the title and the plot, with room made for it so the two never overlap."""
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.01, "yanchor": "bottom", "x": 0,
                                               "font": {"size": style.font_size}},
                      margin={"t": style.title_size + 3 * style.font_size + 30},
                      title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10}})


def _label_side(s: int, n: int) -> str:
    """Print a point's value on the side facing the middle, so labels near the ends stay inside the chart."""
    return "top right" if s < n / 2 else "top left"


def bce_curves(grid: np.ndarray, loss_pos: np.ndarray, loss_neg: np.ndarray, *, yhat: float, target: int,
               loss: float, style: theme.Style, names: tuple[str, str], marker_text: str, title: str = "",
               x_title: str = "", y_title: str = "") -> go.Figure:
    """Both binary cross-entropy curves, −log ŷ (y = 1) and −log(1 − ŷ) (y = 0), and a marker at ŷ.

    The marker sits on the curve of ``target``; an infinite loss is drawn at the top edge with an arrow up.
    """
    fig = go.Figure()
    for curve, name, colour, dash in ((loss_pos, names[0], theme.SERIES[0], "solid"),
                                      (loss_neg, names[1], theme.SERIES[1], "dash")):
        fig.add_trace(go.Scatter(x=np.asarray(grid, float).tolist(), y=_finite(curve), mode="lines", name=name,
                                 line={"color": colour, "width": style.line_width, "dash": dash},
                                 hovertemplate="ŷ=%{x:.3f}: %{y:.4f}<extra></extra>"))
    finite = bool(np.isfinite(loss))
    shown = min(loss, LOSS_CAP) if finite else LOSS_CAP
    colour = theme.SERIES[int(target == 0)]
    fig.add_trace(go.Scatter(
        x=[float(yhat)], y=[float(shown)], mode="markers", text=[escape_label(marker_text)],
        name=escape_label(marker_text),
        marker={"size": style.marker_size * 1.6, "color": colour,
                "symbol": "circle" if finite and loss <= LOSS_CAP else "triangle-up",
                "line": {"width": 2, "color": "white"}},
        cliponaxis=False, showlegend=False))
    # The value sits in a fixed box at the top centre: next to the marker it would cross the other curve.
    fig.add_annotation(x=0.5, y=0.97, xref="paper", yref="paper", showarrow=False, text=escape_label(marker_text),
                       font={"size": style.bar_text_size + 2, "color": colour}, bordercolor=colour, borderwidth=2,
                       borderpad=4, bgcolor="rgba(255,255,255,0.85)")
    fig.update_xaxes(range=[0, 1], tickformat=".1f")
    fig.update_yaxes(range=[0, LOSS_CAP * 1.08])
    layout(fig, style, title=title, x_title=x_title, y_title=y_title)
    _legend(fig, style)
    return fig


def clipping_chart(logits: np.ndarray, series: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], *,
                   style: theme.Style, title: str = "", x_title: str = "", loss_title: str = "",
                   grad_title: str = "", infinite_text: str = "∞") -> go.Figure:
    """Loss (top) and its gradient (bottom) against the logit, one line per way of computing it.

    Where a series is infinite the line stops and ``infinite_text`` marks the first infinite point.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38])
    z = np.asarray(logits, dtype=float)
    dashes = ("dot", "dash", "solid")
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        colour = theme.SERIES[i]
        fig.add_trace(go.Scatter(x=z.tolist(), y=_finite(values), mode="lines", name=name, legendgroup=name,
                                 line={"color": colour, "width": style.line_width, "dash": dashes[i % 3]}),
                      row=1, col=1)
        inf = np.flatnonzero(~np.isfinite(values))
        if inf.size:
            top = float(np.nanmax(np.where(np.isfinite(values), values, np.nan)))
            fig.add_trace(go.Scatter(x=[float(z[inf[0]])], y=[top], mode="markers+text", showlegend=False,
                                     text=[escape_label(infinite_text)], textposition="top center",
                                     marker={"symbol": "triangle-up", "size": style.marker_size * 1.5,
                                             "color": colour},
                                     textfont={"size": style.bar_text_size, "color": colour}), row=1, col=1)
    for i, (name, values) in enumerate(grads.items()):
        fig.add_trace(go.Scatter(x=z.tolist(), y=_finite(values), mode="lines", name=name, legendgroup=name,
                                 showlegend=False,
                                 line={"color": theme.SERIES[i + len(series) - len(grads)], "width": style.line_width,
                                       "dash": dashes[(i + len(series) - len(grads)) % 3]}),
                      row=2, col=1)
    layout(fig, style, title=title, height=int(style.height * 1.4))
    _legend(fig, style)
    fig.update_xaxes(title_text=escape_label(x_title), row=2, col=1)
    fig.update_yaxes(title_text=escape_label(loss_title), row=1, col=1)
    fig.update_yaxes(title_text=escape_label(grad_title), row=2, col=1, range=[-1.15, 1.15])
    return fig


def loss_along_logit(values: np.ndarray, losses: np.ndarray, *, current: float, current_loss: float,
                     style: theme.Style, marker_text: str, title: str = "", x_title: str = "",
                     y_title: str = "") -> go.Figure:
    """The loss as the true class's logit moves, the others fixed; a marker at the current logit."""
    fig = go.Figure(go.Scatter(x=np.asarray(values, float).tolist(), y=_finite(losses), mode="lines",
                               line={"color": theme.BAR, "width": style.line_width},
                               hovertemplate="z=%{x:.2f}: %{y:.4f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[float(current)], y=[float(current_loss)], mode="markers+text",
                             text=[escape_label(marker_text)], textposition="top right",
                             marker={"size": style.marker_size * 1.6, "color": theme.HIGHLIGHT},
                             textfont={"size": style.bar_text_size}, cliponaxis=False))
    fig.update_yaxes(rangemode="tozero")
    return layout(fig, style, title=title, x_title=x_title, y_title=y_title)


def prediction_target_gradient(probs: np.ndarray, targets: np.ndarray, grad: np.ndarray, labels: Sequence[str],
                               *, true_class: int, style: theme.Style, names: tuple[str, str, str],
                               title: str = "", y_title: str = "") -> go.Figure:
    """Three bars per class: the prediction p, the target t, and the gradient p − t, values printed.

    The true class's tick is marked with a star so the eye finds the one negative gradient.
    """
    fig = go.Figure()
    colours = (theme.BAR, theme.REFERENCE, theme.HIGHLIGHT)
    patterns = ("", "/", "")
    x = list(range(len(labels)))
    digits = 3 if len(labels) <= 6 else 2
    for values, name, colour, pattern in zip((probs, targets, grad), names, colours, patterns):
        values = np.asarray(values, dtype=float)
        fig.add_trace(go.Bar(x=x, y=values.tolist(), name=name, text=[fmt_value(v, digits=digits) for v in values],
                             textposition="outside", cliponaxis=False,
                             textfont={"size": max(style.bar_text_size - 2 * (len(labels) > 5), 9)},
                             marker={"color": colour, "pattern": {"shape": pattern}, "line": {"width": 0}},
                             hovertemplate="%{y:.6g}<extra></extra>"))
    ticks = [f"★ {s}" if i == true_class else s for i, s in enumerate(labels)]
    category_axis(fig, ticks)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(range=[-1.25, 1.25])
    layout(fig, style, title=title, y_title=y_title)
    _legend(fig, style)
    return fig


def loss_curves(losses: Mapping[str, np.ndarray], *, step: int, style: theme.Style, title: str = "",
                x_title: str = "", y_title: str = "", y_range: tuple[float, float] | None = None) -> go.Figure:
    """One line per training run over the steps (a loss, or any per-step value), the value at ``step`` printed.

    The y axis starts at 0, or spans ``y_range`` when given.
    """
    fig = go.Figure()
    for i, (name, values) in enumerate(losses.items()):
        values = np.asarray(values, dtype=float)
        colour = theme.SERIES[i]
        fig.add_trace(go.Scatter(x=list(range(len(values))), y=_finite(values), mode="lines", name=name,
                                 line={"color": colour, "width": style.line_width}))
        s = min(int(step), len(values) - 1)
        fig.add_trace(go.Scatter(x=[s], y=_finite(values[s:s + 1]), mode="markers+text", showlegend=False,
                                 text=[fmt_value(values[s])], textposition=_label_side(s, len(values)),
                                 marker={"size": style.marker_size * 1.4, "color": colour},
                                 textfont={"size": style.bar_text_size, "color": colour}, cliponaxis=False))
    if y_range is None:
        fig.update_yaxes(rangemode="tozero")
    else:
        fig.update_yaxes(range=list(y_range))
    layout(fig, style, title=title, x_title=x_title, y_title=y_title)
    _legend(fig, style)
    return fig


def probability_paths(probs: np.ndarray, labels: Sequence[str], *, true_class: int, step: int,
                      style: theme.Style, title: str = "", x_title: str = "", y_title: str = "") -> go.Figure:
    """Each class's probability over the steps (the true class thick), with a vertical line at ``step``."""
    probs = np.asarray(probs, dtype=float)
    steps = list(range(probs.shape[0]))
    fig = go.Figure()
    s = min(int(step), probs.shape[0] - 1)
    others = [c for c in theme.SERIES[:7] if c != theme.HIGHLIGHT]
    for k, name in enumerate(labels):
        true = k == true_class
        colour = theme.HIGHLIGHT if true else others[k % len(others)] if len(labels) <= 6 else theme.MUTED
        fig.add_trace(go.Scatter(x=steps, y=probs[:, k].tolist(), mode="lines", name=escape_label(name),
                                 line={"color": colour, "width": style.line_width * (1.6 if true else 0.8)}))
        if true or len(labels) <= 4:
            fig.add_trace(go.Scatter(x=[s], y=[float(probs[s, k])], mode="markers+text", showlegend=False,
                                     text=[fmt_value(probs[s, k], digits=3)],
                                     textposition=_label_side(s, probs.shape[0]),
                                     marker={"size": style.marker_size, "color": colour},
                                     textfont={"size": style.bar_text_size, "color": colour}, cliponaxis=False))
    fig.add_vline(x=s, line={"dash": "dot", "width": max(style.line_width / 2, 1), "color": theme.MUTED})
    fig.update_yaxes(range=[0, 1.08], tickformat=".1f")
    layout(fig, style, title=title, x_title=x_title, y_title=y_title)
    _legend(fig, style)
    return fig


def animated_bars(probs: np.ndarray, labels: Sequence[str], *, true_class: int, style: theme.Style,
                  play_text: str, pause_text: str, step_text: str, title: str = "", y_title: str = "",
                  frame_ms: int = 120) -> go.Figure:
    """The probabilities at every step as Plotly animation frames: it plays in the browser, not the server.

    Frame ``s`` holds ``probs[s]``; the first frame is what is drawn before Play.
    """
    probs = np.asarray(probs, dtype=float)
    x = list(range(probs.shape[1]))
    colours = [theme.HIGHLIGHT if k == true_class else theme.BAR for k in x]

    def bar(row: np.ndarray) -> go.Bar:
        return go.Bar(x=x, y=row.tolist(), text=[fmt_value(v, digits=3) for v in row], textposition="outside",
                      cliponaxis=False, marker={"color": colours, "line": {"width": 0}},
                      textfont={"size": style.bar_text_size}, hovertemplate="%{y:.6g}<extra></extra>")

    fig = go.Figure(bar(probs[0]), frames=[go.Frame(data=[bar(row)], name=str(s)) for s, row in enumerate(probs)])
    category_axis(fig, labels)
    fig.update_yaxes(range=[0, 1.15], tickformat=".1f")
    layout(fig, style, title=title, y_title=y_title)
    animation = {"frame": {"duration": frame_ms, "redraw": True}, "transition": {"duration": 0},
                 "fromcurrent": True, "mode": "immediate"}
    fig.update_layout(
        updatemenus=[{"type": "buttons", "direction": "left", "x": 1, "y": 1.02, "xanchor": "right",
                      "yanchor": "bottom", "showactive": False, "font": {"size": style.font_size},
                      "buttons": [{"label": escape_label(play_text), "method": "animate", "args": [None, animation]},
                                  {"label": escape_label(pause_text), "method": "animate",
                                   "args": [[None], {"frame": {"duration": 0, "redraw": False},
                                                     "mode": "immediate"}]}]}],
        sliders=[{"active": 0, "x": 0, "len": 1, "y": -0.06, "yanchor": "top",
                  "currentvalue": {"prefix": escape_label(step_text), "font": {"size": style.font_size}},
                  "font": {"size": max(style.font_size - 4, 10)},
                  "steps": [{"label": str(s), "method": "animate",
                             "args": [[str(s)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}]}
                            for s in range(probs.shape[0])]}],
        margin={"b": 40 + 5 * style.font_size, "t": style.title_size + 3 * style.font_size + 30},
        height=int(style.height * 1.15),
    )
    return fig


def gradient_magnitudes(p_true: np.ndarray, series: Mapping[str, np.ndarray], *,
                        current: tuple[float, Mapping[str, float]] | None, style: theme.Style, title: str = "",
                        x_title: str = "", y_title: str = "") -> go.Figure:
    """|∂loss/∂z_true| against the true class's probability, one line per loss, on a log x axis.

    ``current`` is (p, {name: value}): where the page's own example sits, marked and printed on each line.
    """
    p = np.asarray(p_true, dtype=float)
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        colour = theme.SERIES[i]
        fig.add_trace(go.Scatter(x=p.tolist(), y=_finite(values), mode="lines", name=name,
                                 line={"color": colour, "width": style.line_width}))
        if current is not None:
            value = float(current[1][name])
            fig.add_trace(go.Scatter(x=[float(current[0])], y=[value], mode="markers+text", showlegend=False,
                                     text=[fmt_value(value, digits=3)], textposition="top right",
                                     marker={"size": style.marker_size * 1.4, "color": colour},
                                     textfont={"size": style.bar_text_size, "color": colour}, cliponaxis=False))
    fig.update_xaxes(type="log", exponentformat="power")
    fig.update_yaxes(rangemode="tozero")
    layout(fig, style, title=title, x_title=x_title, y_title=y_title)
    _legend(fig, style)
    return fig
