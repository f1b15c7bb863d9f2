"""The numerics page's parts; ``pages/numerics.py`` is the storyboard.

The naive-against-stable comparison is always drawn; under it one part at a time (the part is in the URL).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

import softmax_core as sc
from ui import theme
from ui.charts import numerics as charts
from ui.charts.common import freeze
from ui.components import chart, class_names, columns, data_table, logits_input, quiz
from ui.i18n import current_language, t
from ui.state import PageState

DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}
SIZES = (10, 100, 1_000, 10_000)  # the random test distributions of the sums section
TOLERANCE = 1e-4  # the course notebook's check
MAX_SCALE = 1e4
PARTS = ("overflow", "trick", "log", "sums", "frameworks")


# What each part shows (figure, table, summary), built by _shown below once per input: keyed by the logits' array
# and scalars, not by chart arrays (hashing those on every rerun costs more than the lookup saves). Figures are
# shared, never edited: st.plotly_chart only reads them. ``lang`` keys the translated texts.
def _bars(logits: np.ndarray, scale: float, dtype_name: str, sty, lang: str) -> tuple:
    """The naive and stable results, their bar chart, its table and its summary."""
    result = sc.naive_vs_stable(logits, scale=scale, dtype=DTYPES[dtype_name])
    k, labels = len(logits), class_names((), len(logits))
    shown = min(k, 12)
    fig = charts.naive_vs_stable_bars(result.naive[:shown], result.stable[:shown], labels[:shown], style=sty,
                                      naive_name=t("numerics.naive_name"), stable_name=t("numerics.stable_name"),
                                      title=t("numerics.bars_title", dtype=dtype_name, scale=f"{scale:,.4g}"),
                                      y_title=t("numerics.prob_axis"))
    table = pd.DataFrame({t("numerics.col.class"): labels, t("numerics.col.scaled"): result.logits.astype(float),
                          t("numerics.col.naive"): result.naive.astype(float),
                          t("numerics.col.stable"): result.stable.astype(float)})
    summary = t("numerics.bars_summary", n=int(np.isnan(result.naive).sum()), k=k, dtype=dtype_name)
    return result, freeze(fig), table, summary


def _overflow(largest: float, sty, lang: str) -> tuple:
    """Where e^x overflows in each dtype: the chart, with the largest scaled logit marked, and its summary."""
    x = np.geomspace(0.1, 5e4, 600)
    curves = {name: sc.exp_in(x, dtype=dt) for name, dt in DTYPES.items()}
    thresholds = {name: sc.overflow_threshold(dt) for name, dt in DTYPES.items()}
    fig = charts.overflow_chart(x, curves, thresholds, style=sty, current=largest if largest > 0 else None,
                                current_text=t("numerics.current", x=f"{largest:,.4g}"),
                                title=t("numerics.overflow_title"), x_title=t("numerics.overflow_x"),
                                y_title=t("numerics.overflow_y"))
    summary = t("numerics.overflow_summary", t16=f"{thresholds['float16']:.2f}",
                t32=f"{thresholds['float32']:.2f}", t64=f"{thresholds['float64']:.2f}")
    return freeze(fig), summary


def _breaks(logits: np.ndarray, lang: str) -> pa.Table:
    """Per dtype, the smallest scale at which the naive formula breaks on these logits, and why (as Arrow, which
    st.dataframe sends as it is, instead of converting a DataFrame on every rerun)."""
    rows = []
    for name, dt in DTYPES.items():
        b = sc.naive_breakpoint(logits, dtype=dt, hi=MAX_SCALE)
        rows.append({t("numerics.col.dtype"): name, t("numerics.col.max"): float(np.finfo(dt).max),
                     t("numerics.col.threshold"): sc.overflow_threshold(dt),
                     t("numerics.col.break_scale"): None if b is None else b.scale,
                     t("numerics.col.break_logit"): None if b is None else b.largest_logit,
                     t("numerics.col.cause"): t(f"numerics.cause.{'none' if b is None else b.cause}")})
    return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)


def _log_space(logits: np.ndarray, scale: float, dtype_name: str, sty, lang: str) -> tuple:
    """Log-probabilities against the log of probabilities: figure, table, summary and how many underflowed."""
    result = _shown("bars", logits, scale, dtype_name, sty, lang)[0]
    logs = (sc.log_space(result.logits, dtype=DTYPES[dtype_name]) if result.fits
            else sc.log_space(logits, dtype=np.float64))
    lost = int((logs.probs == 0).sum())
    k, labels = len(logits), class_names((), len(logits))
    shown = min(k, 12)
    fig = charts.log_space_bars(logs.log_probs[:shown], logs.log_of_probs[:shown], labels[:shown], style=sty,
                                underflow_text=t("numerics.underflow_mark"), title=t("numerics.log_title"),
                                y_title=t("numerics.log_axis"))
    table = pd.DataFrame({t("numerics.col.class"): labels, t("numerics.col.prob"): logs.probs.astype(float),
                          t("numerics.col.log_of_prob"): logs.log_of_probs.astype(float),
                          t("numerics.col.log_prob"): logs.log_probs.astype(float)})
    return freeze(fig), table, t("numerics.log_summary", n=lost, k=k, lse=f"{logs.lse:.6g}"), lost


def _sums(logits: np.ndarray, sty, lang: str) -> tuple:
    """How far from 1 the probabilities sum, for these logits and random ones: figure, table and summary."""
    rng = np.random.default_rng(0)
    zs = [logits] + [rng.normal(0.0, 3.0, k) for k in SIZES]
    checks = {name: [sc.sum_deviation(z, dtype=dt) for z in zs] for name, dt in DTYPES.items()}
    cases = [t("numerics.yours", k=len(logits))] + [f"K = {n:,}" for n in SIZES]
    fig = charts.sum_deviation_bars(cases, {name: [c.exact for c in checks[name]] for name in DTYPES}, style=sty,
                                    tolerance=TOLERANCE, tolerance_text=t("numerics.tolerance", tol=f"{TOLERANCE:g}"),
                                    title=t("numerics.sum_title"), y_title=t("numerics.sum_axis"))
    rows = [{t("numerics.col.case"): case, t("numerics.col.dtype"): name,
             t("numerics.col.eps"): float(np.finfo(dt).eps), t("numerics.col.exact"): checks[name][i].exact,
             t("numerics.col.numpy_sum"): checks[name][i].numpy_sum,
             t("numerics.col.running_sum"): checks[name][i].running_sum,
             t("numerics.col.passes", tol=f"{TOLERANCE:g}"): checks[name][i].exact < TOLERANCE}
            for i, case in enumerate(cases) for name, dt in DTYPES.items()]
    worst = {name: max(c.exact for c in checks[name]) for name in DTYPES}
    passing = [name for name in DTYPES if worst[name] < TOLERANCE]
    summary = t("numerics.sum_summary", d16=f"{worst['float16']:.1e}", d32=f"{worst['float32']:.1e}",
                d64=f"{worst['float64']:.1e}", tol=f"{TOLERANCE:g}", passing=", ".join(passing) if passing else "—")
    return freeze(fig), pd.DataFrame(rows), summary


_BUILDERS = {"bars": _bars, "overflow": _overflow, "breaks": _breaks, "log_space": _log_space, "sums": _sums}


@st.cache_resource(max_entries=256, show_spinner=False)
def _shown(part: str, *args):
    """``_BUILDERS[part](*args)``, once per input. One decorator for all: a page file's decorators run on every
    rerun, and each re-reads its function's source to key its cache."""
    return _BUILDERS[part](*args)




class Example(NamedTuple):
    """The page's logits at the chosen scale and type, as every part sees them."""

    sty: theme.Style
    lang: str
    logits: np.ndarray
    labels: list[str]
    scale: float
    dtype_name: str
    result: object  # softmax_core's naive-against-stable result


# ---- 1. naive against stable ----------------------------------------------------------------------------------
def naive_vs_stable(state: PageState, sty: theme.Style) -> Example:
    logits = np.asarray(state["logits"], dtype=float)
    k = len(logits)
    st.header(t("numerics.naive_heading"))
    controls, bars_col = columns([1, 2], gap="medium")
    with controls:
        logits_input(state, t("numerics.logits"), help=t("numerics.logits_help"))
        mag = st.slider(t("numerics.mag"), 0.0, 4.0, step=0.05, key=state.key("mag"), help=t("numerics.mag_help"))
        scale = float(10.0 ** mag)
        st.markdown(t("numerics.scale_now", scale=f"{scale:,.4g}"))
        dtype_name = st.radio(t("numerics.dtype"), list(DTYPES), key=state.key("dtype"), horizontal=True)
    dtype = DTYPES[dtype_name]
    lang = current_language()
    result, fig, table, summary = _shown("bars", logits, scale, dtype_name, sty, lang)
    shown = min(k, 12)
    with bars_col:
        chart(fig, summary=summary, table=table, key="bars")
        if k > shown:
            st.caption(t("numerics.bars_folded", n=shown, k=k))
    largest = float(result.logits.max())
    if not result.fits:
        st.warning(t("numerics.does_not_fit", dtype=dtype_name), icon=":material/warning:")
    elif result.cause == "underflow":
        st.error(t("numerics.broken_under", dtype=dtype_name, x=f"{largest:,.6g}"), icon=":material/dangerous:")
    elif result.cause == "overflow":
        st.error(t("numerics.broken", dtype=dtype_name, x=f"{largest:,.6g}",
                   thr=f"{sc.overflow_threshold(dtype):.2f}"), icon=":material/dangerous:")
    else:
        st.success(t("numerics.fine", dtype=dtype_name, x=f"{largest:,.6g}",
                     thr=f"{sc.overflow_threshold(dtype):.2f}"), icon=":material/check_circle:")
    return Example(sty, lang, logits, class_names((), k), scale, dtype_name, result)


def part_picker(state: PageState) -> str:
    # One part at a time under the always-visible comparison: each chart costs about a whole bare page to send.
    return st.radio(t("numerics.part"), PARTS, key=state.key("part"), horizontal=True,
                    format_func=lambda p: t(f"numerics.parts.{p}"))


# ---- the parts ------------------------------------------------------------------------------------------------
def overflow_part(ex: Example) -> None:
    fig, summary = _shown("overflow", float(ex.result.logits.max()), ex.sty, ex.lang)
    chart(fig, summary=summary, key="overflow")
    st.markdown(t("numerics.breaks_intro"))
    data_table(_shown("breaks", ex.logits, ex.lang),
               formats={t("numerics.col.max"): "%.5g", t("numerics.col.threshold"): "%.4f",
                        t("numerics.col.break_scale"): "%.6g", t("numerics.col.break_logit"): "%.6g"})


def trick_part(ex: Example) -> None:
    st.header(t("numerics.trick_heading"))
    result, dtype = ex.result, DTYPES[ex.dtype_name]
    with np.errstate(all="ignore"):
        diff = float(np.nanmax(np.abs(result.shifted_naive.astype(float) - result.stable.astype(float)), initial=0.0))
    # One markdown element for the two paragraphs: each element costs a rerun about as much as its text.
    st.markdown(t("numerics.trick_derivation") + "\n\n" + t(
        "numerics.trick_result", dtype=ex.dtype_name, scale=f"{ex.scale:,.4g}", diff=f"{diff:.1e}",
        eps=f"{float(np.finfo(dtype).eps):.1e}"))
    columns_ = (t("numerics.col.naive"), t("numerics.col.shifted_naive"), t("numerics.col.stable"))
    data_table(pd.DataFrame({t("numerics.col.class"): ex.labels[:20],
                             columns_[0]: result.naive[:20].astype(float),
                             columns_[1]: result.shifted_naive[:20].astype(float),
                             columns_[2]: result.stable[:20].astype(float)}),
               formats={c: "%.10g" for c in columns_})


def log_part(ex: Example) -> None:
    st.header(t("numerics.log_heading"))
    st.markdown(t("numerics.log_intro"))
    fig, table, summary, lost = _shown("log_space", ex.logits, ex.scale, ex.dtype_name, ex.sty, ex.lang)
    chart(fig, summary=summary, table=table, key="logspace")
    if lost == 0:
        st.info(t("numerics.log_none"), icon=":material/tune:")


def sums_part(ex: Example) -> None:
    st.header(t("numerics.sum_heading"))
    st.markdown(t("numerics.sum_intro", tol=f"{TOLERANCE:g}"))
    fig, table, summary = _shown("sums", ex.logits, ex.sty, ex.lang)
    chart(fig, summary=summary, table=table, key="sums")
    st.markdown(t("numerics.sum_after", tol=f"{TOLERANCE:g}"))


def frameworks_part(ex: Example) -> None:
    st.header(t("numerics.frameworks_heading"))
    # A list per task, not a table: four columns of code names scroll a phone sideways.
    st.markdown(t("numerics.frameworks_table") + "\n\n" + t("numerics.frameworks_why"))


SECTIONS = {"overflow": overflow_part, "trick": trick_part, "log": log_part, "sums": sums_part,
            "frameworks": frameworks_part}


def quiz_block() -> None:
    """Predict, then reveal: what the textbook formula gives for [100, 0] in float32."""
    quiz_result = sc.naive_vs_stable([100.0, 0.0], dtype=np.float32)
    quiz("numerics.float32", question=t("numerics.quiz.question"),
         options=[t("numerics.quiz.a"), t("numerics.quiz.b"), t("numerics.quiz.c"), t("numerics.quiz.d")], answer=1,
         explanation=t("numerics.quiz.explanation", naive=str(quiz_result.naive.tolist()),
                       stable=str(quiz_result.stable.tolist())))
