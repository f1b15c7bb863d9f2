"""The cross-entropy page's UI, one function per part; ``pages/cross_entropy.py`` is the storyboard.

Kept out of the page file because Streamlit compiles a page's source on every AppTest run (and on the first run
of each server process), while an imported module is compiled once: the page's rerun stays cheap.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

import softmax_core as sc
from ui import live, theme
from ui.charts import cross_entropy as charts
from ui.charts.common import freeze
from ui.charts.common import fmt_value
from ui.components import (cached_figure, chart, class_names, code_span, columns, is_projector, logits_input, quiz,
                           show_param_warnings)
from ui.i18n import current_language, t
from ui.state import PageState, ParamError

PARTS = ("bce", "categorical", "smoothing", "training", "mse")
CLIP_RANGE = 110.0  # ±110 reaches float32's underflow of sigmoid (about −104), so y = 1 also shows the ∞
DEFAULT_PAIRS = pd.DataFrame({"y": [1, 0, 1, 0], "yhat": [0.9, 0.2, 0.4, 0.95]})


class Example(NamedTuple):
    """The page's shared example, as every part sees it."""

    state: PageState
    sty: theme.Style
    logits: np.ndarray
    labels: list[str]
    y: int  # the true class
    probs: np.ndarray
    loss: float


@st.cache_data(max_entries=64, show_spinner=False)
def _run(logits: tuple, label: int, lr: float, steps: int, loss: str) -> sc.Trajectory:
    return sc.descend_logits(np.array(logits), label, learning_rate=lr, steps=steps, loss=loss)


# Keyed by scalars and the language, not by arrays: hashing a chart's arrays on every rerun costs more than
# the lookup saves. Each returns the figure, its table and its summary, so a rerun rebuilds none of them.
# functools.lru_cache, not st.cache_*: their arguments are plain hashable values, and st.cache_* would hash
# them again on every rerun (a third of a millisecond a call). Results are shared and never edited.
@functools.lru_cache(maxsize=64)
def _bce_chart(yhat: float, target: int, sty: theme.Style, lang: str) -> tuple:
    steps = sc.bce_steps([yhat], [target])
    value = float(steps.losses[0])
    grid = np.linspace(0.0, 1.0, 201)
    curves = {y_: sc.binary_cross_entropy(grid, np.full_like(grid, y_), reduction="none") for y_ in (1, 0)}
    marker = t("cross_entropy.bce.marker", loss=_f(value)) if np.isfinite(value) else t("cross_entropy.bce.marker_inf")
    fig = charts.bce_curves(grid, curves[1], curves[0], yhat=yhat, target=target, loss=value, style=sty,
                            names=(t("cross_entropy.bce.curve_pos"), t("cross_entropy.bce.curve_neg")),
                            marker_text=marker, title=t("cross_entropy.bce.curves_title"),
                            x_title=t("cross_entropy.bce.x_axis"), y_title=t("cross_entropy.bce.loss_axis"))
    table = pd.DataFrame({t("cross_entropy.bce.x_axis"): grid[::10],
                          t("cross_entropy.bce.curve_pos"): curves[1][::10],
                          t("cross_entropy.bce.curve_neg"): curves[0][::10]})
    summary = t("cross_entropy.bce.summary", target=target, yhat=f"{yhat:.2f}",
                likelihood=_f(steps.likelihood[0]), loss=_f(value) if np.isfinite(value) else "∞")
    return freeze(fig), table, summary


@functools.lru_cache(maxsize=32)
def _clip_chart(target: int, eps_text: str, sty: theme.Style, lang: str) -> tuple:
    comp = sc.clipping_comparison(np.linspace(-CLIP_RANGE, CLIP_RANGE, 441), target, eps=float(eps_text))
    series = {t("cross_entropy.bce.naive"): comp.naive, t("cross_entropy.bce.clipped"): comp.clipped,
              t("cross_entropy.bce.from_logits"): comp.from_logits}
    grads = {t("cross_entropy.bce.clipped"): comp.grad_clipped,
             t("cross_entropy.bce.from_logits"): comp.grad_from_logits}
    fig = charts.clipping_chart(comp.logits, series, grads, style=sty, title=t("cross_entropy.bce.clip_title"),
                                x_title=t("cross_entropy.bce.clip_x"), loss_title=t("cross_entropy.bce.clip_loss"),
                                grad_title=t("cross_entropy.bce.clip_grad"),
                                infinite_text=t("cross_entropy.bce.infinite"))
    infinite = np.flatnonzero(~np.isfinite(comp.naive))
    flat = np.flatnonzero(comp.grad_clipped == 0)
    edge = 0 if target == 1 else -1  # the wrong end of the chart
    table = pd.DataFrame({t("cross_entropy.bce.table_clip_z"): comp.logits[::20],
                          t("cross_entropy.bce.table_clip_p"): comp.probs[::20],
                          **{name: values[::20] for name, values in series.items()}})
    wrong_side = flat[flat < len(comp.logits) // 2] if target == 1 else flat[flat > len(comp.logits) // 2]
    summary = t(
        "cross_entropy.bce.clip_summary", target=target,
        inf_at=f"{comp.logits[infinite[0 if target == 0 else -1]]:.3g}" if infinite.size
        else t("cross_entropy.bce.clip_never_inf"),
        eps=eps_text, cap=_f(comp.clipped[edge]), exact=_f(comp.from_logits[edge]),
        edge=f"{comp.logits[edge]:g}", grad=_f(comp.grad_from_logits[edge]),
        flat_at=f"{comp.logits[wrong_side[-1 if target == 1 else 0]]:.3g}" if wrong_side.size else "–")
    return freeze(fig), table, summary, t("cross_entropy.bce.clip_hides", cap=_f(comp.clipped[edge]))


def _keep_true_class_in_range(state: PageState) -> None:
    if state["y"] >= len(state["logits"]):
        state["y"] = 0


def _move_step(state: PageState, delta: int) -> None:
    state["step"] = int(min(max(state["step"] + delta, 0), state["steps"]))


def _f(x: float, digits: int = 4) -> str:
    return fmt_value(float(x), digits=digits)


def example(state: PageState, sty: theme.Style) -> Example:
    """The logits box, the true class and the loss they give; checks the true class against the logits."""
    logits = np.asarray(state["logits"], dtype=float)
    k = len(logits)
    labels = class_names(state["labels"], k)
    # The true class is checked against the number of classes, which only the logits tell.
    if not 0 <= state["y"] < k:
        warning = ("y", str(state["y"]), ParamError("out_of_range", lo=0, hi=k - 1))
        state.warnings.append(warning)
        show_param_warnings([warning])
        state["y"] = 0
    if state["step"] > state["steps"]:
        state["step"] = state["steps"]
    with st.container(border=True):
        st.markdown(f"**{t('cross_entropy.example_heading')}**")
        text_col, class_col = st.columns([2, 1])
        with text_col:
            logits_input(state, t("cross_entropy.logits"), help=t("cross_entropy.logits_help"),
                         on_valid=_keep_true_class_in_range)
        y = class_col.selectbox(t("cross_entropy.true_class"), list(range(k)), key=state.key("y"),
                                format_func=lambda i: f"{i}: {labels[i]}")
        probs = sc.softmax(logits)
        loss = float(sc.cross_entropy(logits, y))
        st.markdown(t("cross_entropy.example_loss", label=code_span(labels[y]), prob=_f(probs[y]),
                      loss=_f(loss)))
    return Example(state, sty, logits, labels, y, probs, loss)


def part_picker(state: PageState) -> str:
    return st.radio(t("cross_entropy.part"), PARTS, key=state.key("part"), horizontal=True,
                    format_func=lambda name: t(f"cross_entropy.parts.{name}"), label_visibility="collapsed")


def _bce_handle(state: PageState, target: int) -> None:
    def on_change(yhat: float) -> None:
        state["yhat"] = yhat

    names = {1: t("cross_entropy.bce.curve_pos"), 0: t("cross_entropy.bce.curve_neg")}
    text = {name: t(f"live.bce.{name}") for name in ("handle_label", "handle_name", "symbol", "y_symbol", "x_title",
                                                      "readout")}
    live.curve_handle(float(state["yhat"]), [{"fn": "bce", "target": target, "name": names[target]},
                                       {"fn": "bce", "target": 1 - target, "name": names[1 - target]}],
                      key=state.key("live_yhat"), on_change=on_change, projector=is_projector(), lo=0.0, hi=1.0,
                      step=0.01, ylo=0.0, yhi=5.0, yticks=(0, 1, 2, 3, 4, 5), xticks=(0, 0.25, 0.5, 0.75, 1),
                      text={**text, "title": t("live.bce.title", target=target)})


def binary_part(ex: Example) -> None:
    state, sty, logits, labels, y, probs, loss = ex
    st.header(t("cross_entropy.bce.heading"))
    st.markdown(t("cross_entropy.bce.derivation"))
    target = st.radio(t("cross_entropy.bce.target"), (1, 0), key=state.key("by"), horizontal=True,
                      format_func=lambda v: t(f"cross_entropy.bce.target_{v}"))
    # ŷ on a handle, the loss drawn live along the target's curve; the summary and table follow the release.
    yhat, lang = float(state["yhat"]), current_language()
    _bce_handle(state, int(target))
    _, table, summary = _bce_chart(yhat, int(target), sty, lang)
    live.summary_and_table(summary, lambda: table, key="bce_chart")

    st.subheader(t("cross_entropy.bce.table_heading"))
    st.caption(t("cross_entropy.bce.table_intro"))
    edited = st.data_editor(
        DEFAULT_PAIRS, key=state.key("pairs"), num_rows="dynamic", hide_index=True,
        column_config={"y": st.column_config.NumberColumn(t("cross_entropy.bce.col_y"), min_value=0, max_value=1,
                                                          step=1, format="%d"),
                       "yhat": st.column_config.NumberColumn(t("cross_entropy.bce.col_yhat"), min_value=0.0,
                                                             max_value=1.0, step=0.001, format="%.3f")})
    _pairs_result(edited)

    st.subheader(t("cross_entropy.bce.extremes_heading"))
    st.markdown(t("cross_entropy.bce.extremes_intro"))
    eps_text = st.select_slider(t("cross_entropy.bce.clip"), state.param("clip").choices, key=state.key("clip"))
    fig, table, summary, hides = _clip_chart(int(target), str(eps_text), sty, lang)
    chart(fig, key="clip_chart", table=table, summary=summary)
    st.info(hides, icon=":material/visibility_off:")


def _pairs_result(edited: pd.DataFrame) -> None:
    """Per-example losses of the edited table; bad rows are named in place and left out."""
    ys = tuple(edited["y"].tolist()) if "y" in edited else None
    ps = tuple(edited["yhat"].tolist()) if "yhat" in edited else None
    bad, result, n, mean = _pairs_losses(ys, ps, current_language())
    for row, problem in bad:
        st.error(t("cross_entropy.bce.bad_row", row=row, problem=problem), icon=":material/error:")
    if result is None:
        st.info(t("cross_entropy.bce.no_rows"), icon=":material/table_rows:")
        return
    st.dataframe(result, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.4f") for c in result.column_names[1:]})
    if np.isfinite(mean):
        st.success(t("cross_entropy.bce.mean", n=n, mean=_f(mean)), icon=":material/functions:")
    else:
        st.warning(t("cross_entropy.bce.mean_inf", n=n), icon=":material/all_inclusive:")


@functools.lru_cache(maxsize=32)
def _pairs_losses(ys: tuple | None, ps: tuple | None, lang: str) -> tuple:
    """(bad rows as (row number, problem), the table of the good rows as Arrow or None, their count, mean loss).

    Keyed by the cells, so an unchanged table is neither re-checked nor converted to Arrow on a rerun.
    """
    y_col = pd.to_numeric(pd.Series(ys), errors="coerce") if ys is not None else pd.Series(dtype=float)
    p_col = pd.to_numeric(pd.Series(ps), errors="coerce") if ps is not None else pd.Series(dtype=float)
    good_y = y_col.isin([0, 1])
    good_p = p_col.between(0.0, 1.0)
    bad = [(int(row) + 1, t("cross_entropy.bce.bad_y") if not good_y.iloc[row] else t("cross_entropy.bce.bad_yhat"))
           for row in np.flatnonzero(~(good_y & good_p))]
    ok = (good_y & good_p).to_numpy()
    if not ok.any():
        return bad, None, 0, float("nan")
    steps = sc.bce_steps(p_col[ok].to_numpy(float), y_col[ok].to_numpy(float))
    result = pd.DataFrame({t("cross_entropy.bce.col_y"): y_col[ok].astype(int).to_numpy(),
                           t("cross_entropy.bce.col_yhat"): p_col[ok].to_numpy(float),
                           t("cross_entropy.bce.col_likelihood"): steps.likelihood,
                           t("cross_entropy.bce.col_log"): steps.log_likelihood,
                           t("cross_entropy.bce.col_loss"): steps.losses})
    return bad, pa.Table.from_pandas(result, preserve_index=False), int(ok.sum()), float(steps.mean)


def _gradient_chart(ex: Example, targets: np.ndarray, grad: np.ndarray, *, target_name: str, title: str, key: str,
                    summary: str) -> None:
    state, sty, logits, labels, y, probs, loss = ex
    fig = cached_figure(charts.prediction_target_gradient, probs, targets, grad, labels, true_class=y, style=sty,
                                                names=(t("cross_entropy.cat.pred"), target_name,
                                                       t("cross_entropy.cat.grad")),
                                                title=title, y_title=t("cross_entropy.cat.bars_axis"))
    table = pd.DataFrame({t("cross_entropy.cat.col_class"): labels, t("cross_entropy.cat.col_logit"): logits,
                          t("cross_entropy.cat.col_prob"): probs, t("cross_entropy.cat.col_target"): targets,
                          t("cross_entropy.cat.col_grad"): grad})
    chart(fig, key=key, table=table, summary=summary)


def categorical_part(ex: Example) -> None:
    state, sty, logits, labels, y, probs, loss = ex
    k = len(logits)
    st.header(t("cross_entropy.cat.heading"))
    st.markdown(t("cross_entropy.cat.intro"))
    left, right = columns(2, gap="medium")
    with left:
        values = np.linspace(min(logits.min(), logits[y]) - 6.0, max(logits.max(), logits[y]) + 6.0, 161)
        curve = sc.loss_along_logit(logits, y, values)
        fig = cached_figure(charts.loss_along_logit, values, curve, current=logits[y], current_loss=loss, style=sty,
                                          marker_text=t("cross_entropy.cat.along_marker", loss=_f(loss)),
                                          title=t("cross_entropy.cat.along_title"),
                                          x_title=t("cross_entropy.cat.along_x"),
                                          y_title=t("cross_entropy.bce.loss_axis"))
        chart(fig, key="along_chart", summary=t("cross_entropy.cat.along_summary", value=_f(logits[y], 3),
                                                  loss=_f(loss)),
              table=pd.DataFrame({t("cross_entropy.cat.along_x"): values[::8],
                                  t("cross_entropy.bce.loss_axis"): curve[::8]}))
    with right:
        grad = sc.cross_entropy_grad(logits, y)
        onehot = sc.smoothed_targets(y, k)
        _gradient_chart(ex, onehot, grad, target_name=t("cross_entropy.cat.target"),
                        title=t("cross_entropy.cat.bars_title"), key="grad_chart",
                        summary=t("cross_entropy.cat.bars_summary", label=code_span(labels[y]),
                                  values=", ".join(_f(g) for g in grad[:20])))
    st.markdown(t("cross_entropy.cat.grad_words", grad_true=_f(grad[y]), total=f"{float(grad.sum()):.1e}"))
    st.info(t("cross_entropy.cat.frameworks"), icon=":material/code:")


def smoothing_part(ex: Example) -> None:
    state, sty, logits, labels, y, probs, loss = ex
    k = len(logits)
    st.header(t("cross_entropy.smooth.heading"))
    st.markdown(t("cross_entropy.smooth.intro"))
    eps = st.slider(t("cross_entropy.smooth.eps"), 0.0, 1.0, step=0.01, key=state.key("eps"))
    targets = sc.smoothed_targets(y, k, label_smoothing=eps)
    grad = sc.cross_entropy_grad(logits, y, label_smoothing=eps)
    smooth_loss = float(sc.cross_entropy(logits, y, label_smoothing=eps))
    other = targets[1 if y == 0 else 0]
    _gradient_chart(ex, targets, grad, target_name=t("cross_entropy.smooth.target"),
                    title=t("cross_entropy.smooth.bars_title"), key="smooth_chart",
                    summary=t("cross_entropy.smooth.bars_summary", eps=f"{eps:g}", k=k, true=_f(targets[y]),
                              other=_f(other), loss=_f(smooth_loss), grad_true=_f(grad[y])))
    st.success(t("cross_entropy.smooth.sum_check", true=_f(targets[y]), n_other=k - 1, other=_f(other),
                 total=f"{float(targets.sum()):.6g}"), icon=":material/functions:")
    four = sc.smoothed_targets(0, 4, label_smoothing=0.1)
    st.info(t("cross_entropy.smooth.claim", wrong=f"{0.9 + 3 * 0.025:.3f}", true4=f"{four[0]:.3f}",
                 other4=f"{four[1]:.3f}", total4=f"{float(four.sum()):.3f}"), icon=":material/rule:")
    st.subheader(t("cross_entropy.smooth.kl_heading"))
    h = float(sc.entropy(targets))
    kl = float(sc.kl_divergence(targets, logits))
    st.markdown(t("cross_entropy.smooth.kl_body", ce=_f(smooth_loss), h=_f(h), kl=_f(kl)))


def _start_logits(ex: Example) -> np.ndarray:
    state, logits, y = ex.state, ex.logits, ex.y
    k = len(logits)
    return sc.confidently_wrong_logits(k, y) if state["start"] == "wrong" else logits


def training_part(ex: Example) -> None:
    state, sty, logits, labels, y, probs, loss = ex
    st.header(t("cross_entropy.train.heading"))
    st.markdown(t("cross_entropy.train.intro"))
    controls = st.columns([1.2, 1, 1.2])
    controls[0].slider(t("cross_entropy.train.lr"), 0.01, 10.0, step=0.01, key=state.key("lr"))
    controls[1].slider(t("cross_entropy.train.steps"), 1, 200, step=1, key=state.key("steps"))
    controls[2].radio(t("cross_entropy.train.start"), ("wrong", "yours"), key=state.key("start"), horizontal=True,
                      format_func=lambda v: t(f"cross_entropy.train.start_{v}"))
    steps = state["steps"]
    if state["step"] > steps:
        state["step"] = steps
    run = _run(tuple(_start_logits(ex)), y, state["lr"], steps, "cross_entropy")
    prev, nxt, _ = st.columns([1, 1, 2])
    prev.button(t("cross_entropy.train.prev"), icon=":material/skip_previous:", on_click=_move_step,
                args=(state, -1), disabled=state["step"] <= 0, width="stretch")
    nxt.button(t("cross_entropy.train.next"), icon=":material/skip_next:", on_click=_move_step, args=(state, 1),
               disabled=state["step"] >= steps, width="stretch")
    step = st.slider(t("cross_entropy.train.step"), 0, steps, key=state.key("step"))
    if run.probs[0, y] > 0.99:
        st.info(t("cross_entropy.train.already"), icon=":material/check:")
    left, right = columns(2, gap="medium")
    table = pd.DataFrame({t("cross_entropy.train.col_step"): np.arange(steps + 1),
                          t("cross_entropy.train.col_loss"): run.losses,
                          t("cross_entropy.train.col_p_true"): run.probs[:, y]})
    paths_table = pd.DataFrame({t("cross_entropy.train.col_step"): np.arange(steps + 1),
                                **{f"{i}: {name}": run.probs[:, i] for i, name in enumerate(labels[:20])}})
    with left:
        fig = cached_figure(charts.loss_curves, {t("cross_entropy.train.ce"): run.losses}, step=step, style=sty,
                                     title=t("cross_entropy.train.loss_title"),
                                     x_title=t("cross_entropy.train.steps_axis"),
                                     y_title=t("cross_entropy.train.loss_axis"))
        chart(fig, key="loss_chart", table=table, summary=t(
            "cross_entropy.train.loss_summary", first=_f(run.losses[0]), last=_f(run.losses[-1]), steps=steps,
            step=step, now=_f(run.losses[step])))
    with right:
        fig = cached_figure(charts.probability_paths, run.probs, labels, true_class=y, step=step, style=sty,
                                           title=t("cross_entropy.train.paths_title"),
                                           x_title=t("cross_entropy.train.steps_axis"),
                                           y_title=t("cross_entropy.train.prob_axis"))
        chart(fig, key="paths_chart", table=paths_table, summary=t(
            "cross_entropy.train.paths_summary", label=code_span(labels[y]), first=_f(run.probs[0, y]),
            last=_f(run.probs[-1, y]), step=step, now=_f(run.probs[step, y])))
    fig = cached_figure(charts.animated_bars, run.probs, labels, true_class=y, style=sty,
                  play_text=t("cross_entropy.train.play"), pause_text=t("cross_entropy.train.pause"),
                  step_text=t("cross_entropy.train.step_prefix"), title=t("cross_entropy.train.anim_title"),
                  y_title=t("cross_entropy.train.prob_axis"))
    chart(fig, key="anim_chart", table=paths_table, summary=t("cross_entropy.train.anim_summary", steps=steps))


def mse_part(ex: Example) -> None:
    state, sty, logits, labels, y, probs, loss = ex
    st.header(t("cross_entropy.mse.heading"))
    lr, steps = state["lr"], state["steps"]
    st.markdown(t("cross_entropy.mse.intro", lr=f"{lr:g}", steps=steps))
    start = _start_logits(ex)
    ce_run = _run(tuple(start), y, lr, steps, "cross_entropy")
    se_run = _run(tuple(start), y, lr, steps, "squared_error")
    ce_name, se_name = t("cross_entropy.train.ce"), t("cross_entropy.mse.se")
    race_title = "cross_entropy.mse.race_title" + ("" if state["start"] == "wrong" else "_yours")
    left, right = columns(2, gap="medium")
    with left:
        fig = cached_figure(charts.loss_curves, {ce_name: ce_run.probs[:, y], se_name: se_run.probs[:, y]}, step=steps,
                                     style=sty, title=t(race_title),
                                     x_title=t("cross_entropy.train.steps_axis"), y_title=t("cross_entropy.mse.col_p"),
                                     y_range=(0.0, 1.08))
        chart(fig, key="race_chart", summary=t("cross_entropy.mse.race_summary", steps=steps,
                                               ce=_f(ce_run.probs[-1, y]), se=_f(se_run.probs[-1, y])),
              table=pd.DataFrame({t("cross_entropy.train.col_step"): np.arange(steps + 1),
                                  ce_name: ce_run.probs[:, y], se_name: se_run.probs[:, y]}))
    with right:
        sweep = sc.gradient_sweep(start, y, np.linspace(start[y] - 8.0, start[y] + 14.0, 221))
        now_ce, now_se = abs(float(ce_run.grads[0, y])), abs(float(se_run.grads[0, y]))
        fig = cached_figure(charts.gradient_magnitudes, sweep.p_true, {ce_name: sweep.cross_entropy, se_name: sweep.squared_error},
                                             current=(float(ce_run.probs[0, y]), {ce_name: now_ce, se_name: now_se}),
                                             style=sty, title=t("cross_entropy.mse.grad_title"),
                                             x_title=t("cross_entropy.mse.grad_x"),
                                             y_title=t("cross_entropy.mse.grad_axis"))
        chart(fig, key="grad_mag_chart", summary=t(
            "cross_entropy.mse.grad_summary", prob=_f(ce_run.probs[0, y]), ce=_f(now_ce), se=_f(now_se),
            ratio=f"{now_ce / now_se:.3g}" if now_se > 0 else "∞"),
            table=pd.DataFrame({t("cross_entropy.mse.col_p"): sweep.p_true[::10],
                                t("cross_entropy.mse.col_ce"): sweep.cross_entropy[::10],
                                t("cross_entropy.mse.col_se"): sweep.squared_error[::10]}))
    st.markdown(t("cross_entropy.mse.explain"))



SECTIONS = {"bce": binary_part, "categorical": categorical_part, "smoothing": smoothing_part,
            "training": training_part, "mse": mse_part}


_QUIZ_SWEEP = sc.gradient_sweep([0.0, 0.0], 0, [np.log(0.001 / 0.999)])  # the quiz's fixed case, computed once


def quiz_block() -> None:
    quiz_sweep = _QUIZ_SWEEP
    quiz("cross_entropy.mse_gradient", question=t("cross_entropy.quiz.question"),
         options=[t("cross_entropy.quiz.a"), t("cross_entropy.quiz.b"), t("cross_entropy.quiz.c"),
                  t("cross_entropy.quiz.d")], answer=1,
         explanation=t("cross_entropy.quiz.explanation", ce=_f(quiz_sweep.cross_entropy[0]),
                       se=_f(quiz_sweep.squared_error[0]),
                       ratio=f"{quiz_sweep.cross_entropy[0] / quiz_sweep.squared_error[0]:.0f}"))
