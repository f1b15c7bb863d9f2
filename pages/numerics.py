"""Numerical stability: where the textbook softmax overflows, the max-subtraction trick, log space, sums."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_core as sc
from ui.charts import numerics as charts
from ui.components import chart, class_names, columns, logits_input, page_setup, quiz, style
from ui.i18n import t

DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}
SIZES = (10, 100, 1_000, 10_000)  # the random test distributions of the sums section
TOLERANCE = 1e-4  # the course notebook's check
MAX_SCALE = 1e4

state = page_setup("numerics")
sty = style()


@st.cache_resource(max_entries=256, show_spinner=False)
def _figure(builder: str, *args, **kwargs):
    """A chart builder's figure, built once per distinct input: Plotly's validation costs far more than
    drawing, and st.plotly_chart only reads the figure, so sharing the object is safe."""
    return getattr(charts, builder)(*args, **kwargs)


@st.cache_data(max_entries=32, show_spinner=False)
def _breakpoints(logits: tuple[float, ...]) -> dict:
    return {name: sc.naive_breakpoint(logits, dtype=dt, hi=MAX_SCALE) for name, dt in DTYPES.items()}


@st.cache_data(max_entries=4, show_spinner=False)
def _exp_curves() -> tuple[np.ndarray, dict, dict]:
    x = np.geomspace(0.1, 5e4, 600)
    return (x, {name: sc.exp_in(x, dtype=dt) for name, dt in DTYPES.items()},
            {name: sc.overflow_threshold(dt) for name, dt in DTYPES.items()})


@st.cache_data(max_entries=32, show_spinner=False)
def _sum_checks(logits: tuple[float, ...]) -> dict:
    rng = np.random.default_rng(0)
    cases = [np.asarray(logits)] + [rng.normal(0.0, 3.0, k) for k in SIZES]
    return {name: [sc.sum_deviation(z, dtype=dt) for z in cases] for name, dt in DTYPES.items()}


logits = np.asarray(state["logits"], dtype=float)
k = len(logits)
labels = class_names((), k)

# ---- 1. naive against stable ----------------------------------------------------------------------------------
st.header(t("numerics.naive_heading"))
controls, bars_col = columns([1, 2], gap="medium")
with controls:
    logits_input(state, t("numerics.logits"), help=t("numerics.logits_help"))
    mag = st.slider(t("numerics.mag"), 0.0, 4.0, step=0.05, key=state.key("mag"), help=t("numerics.mag_help"))
    scale = float(10.0 ** mag)
    st.markdown(t("numerics.scale_now", scale=f"{scale:,.4g}"))
    dtype_name = st.radio(t("numerics.dtype"), list(DTYPES), key=state.key("dtype"), horizontal=True)
dtype = DTYPES[dtype_name]
result = sc.naive_vs_stable(logits, scale=scale, dtype=dtype)
shown = min(k, 12)
with bars_col:
    fig = _figure("naive_vs_stable_bars", result.naive[:shown], result.stable[:shown], labels[:shown], style=sty,
                  naive_name=t("numerics.naive_name"), stable_name=t("numerics.stable_name"),
                  title=t("numerics.bars_title", dtype=dtype_name, scale=f"{scale:,.4g}"),
                  y_title=t("numerics.prob_axis"))
    n_nan = int(np.isnan(result.naive).sum())
    table = pd.DataFrame({t("numerics.col.class"): labels, t("numerics.col.scaled"): result.logits.astype(float),
                          t("numerics.col.naive"): result.naive.astype(float),
                          t("numerics.col.stable"): result.stable.astype(float)})
    chart(fig, summary=t("numerics.bars_summary", n=n_nan, k=k, dtype=dtype_name), table=table, key="bars")
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


PARTS = ("overflow", "trick", "log", "sums", "frameworks")
# One part at a time under the always-visible comparison: each chart costs about a whole bare page to send.
part = st.radio(t("numerics.part"), PARTS, key=state.key("part"), horizontal=True,
                format_func=lambda p: t(f"numerics.parts.{p}"))

if part == "overflow":
    x, curves, thresholds = _exp_curves()
    fig = _figure("overflow_chart", x, curves, thresholds, style=sty, current=largest if largest > 0 else None,
                  current_text=t("numerics.current", x=f"{largest:,.4g}"),
                  title=t("numerics.overflow_title"), x_title=t("numerics.overflow_x"),
                  y_title=t("numerics.overflow_y"))
    breaks = _breakpoints(tuple(state["logits"]))
    rows = []
    for name, dt in DTYPES.items():
        b = breaks[name]
        rows.append({t("numerics.col.dtype"): name, t("numerics.col.max"): float(np.finfo(dt).max),
                     t("numerics.col.threshold"): thresholds[name],
                     t("numerics.col.break_scale"): None if b is None else b.scale,
                     t("numerics.col.break_logit"): None if b is None else b.largest_logit,
                     t("numerics.col.cause"): t(f"numerics.cause.{'none' if b is None else b.cause}")})
    chart(fig, summary=t("numerics.overflow_summary", t16=f"{thresholds['float16']:.2f}",
                         t32=f"{thresholds['float32']:.2f}", t64=f"{thresholds['float64']:.2f}"), key="overflow")
    st.markdown(t("numerics.breaks_intro"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={t("numerics.col.max"): st.column_config.NumberColumn(format="%.5g"),
                                t("numerics.col.threshold"): st.column_config.NumberColumn(format="%.4f"),
                                t("numerics.col.break_scale"): st.column_config.NumberColumn(format="%.6g"),
                                t("numerics.col.break_logit"): st.column_config.NumberColumn(format="%.6g")})

if part == "trick":
    # ---- 2. the max-subtraction trick -------------------------------------------------------------------------------
    st.header(t("numerics.trick_heading"))
    st.markdown(t("numerics.trick_derivation"))
    with np.errstate(all="ignore"):
        diff = float(np.nanmax(np.abs(result.shifted_naive.astype(float) - result.stable.astype(float)), initial=0.0))
    st.markdown(t("numerics.trick_result", dtype=dtype_name, scale=f"{scale:,.4g}", diff=f"{diff:.1e}",
                  eps=f"{float(np.finfo(dtype).eps):.1e}"))
    st.dataframe(pd.DataFrame({t("numerics.col.class"): labels[:20],
                               t("numerics.col.naive"): result.naive[:20].astype(float),
                               t("numerics.col.shifted_naive"): result.shifted_naive[:20].astype(float),
                               t("numerics.col.stable"): result.stable[:20].astype(float)}),
                 hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.10g")
                                for c in (t("numerics.col.naive"), t("numerics.col.shifted_naive"),
                                          t("numerics.col.stable"))})

if part == "log":
    # ---- 3. log space ------------------------------------------------------------------------------------------------
    st.header(t("numerics.log_heading"))
    st.markdown(t("numerics.log_intro"))
    logs = sc.log_space(result.logits, dtype=dtype) if result.fits else sc.log_space(logits, dtype=np.float64)
    lost = int((logs.probs == 0).sum())
    fig = _figure("log_space_bars", logs.log_probs[:shown], logs.log_of_probs[:shown], labels[:shown], style=sty,
                  underflow_text=t("numerics.underflow_mark"), title=t("numerics.log_title"),
                  y_title=t("numerics.log_axis"))
    table = pd.DataFrame({t("numerics.col.class"): labels, t("numerics.col.prob"): logs.probs.astype(float),
                          t("numerics.col.log_of_prob"): logs.log_of_probs.astype(float),
                          t("numerics.col.log_prob"): logs.log_probs.astype(float)})
    chart(fig, summary=t("numerics.log_summary", n=lost, k=k, lse=f"{logs.lse:.6g}"), table=table, key="logspace")
    if lost == 0:
        st.info(t("numerics.log_none"), icon=":material/tune:")

if part == "sums":
    # ---- 4. summing to 1 -------------------------------------------------------------------------------------------
    st.header(t("numerics.sum_heading"))
    st.markdown(t("numerics.sum_intro", tol=f"{TOLERANCE:g}"))
    checks = _sum_checks(tuple(state["logits"]))
    cases = [t("numerics.yours", k=k)] + [f"K = {n:,}" for n in SIZES]
    fig = _figure("sum_deviation_bars", cases, {name: [c.exact for c in checks[name]] for name in DTYPES}, style=sty,
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
    chart(fig, summary=t("numerics.sum_summary", d16=f"{worst['float16']:.1e}", d32=f"{worst['float32']:.1e}",
                         d64=f"{worst['float64']:.1e}", tol=f"{TOLERANCE:g}",
                         passing=", ".join(passing) if passing else "—"), table=pd.DataFrame(rows), key="sums")
    st.markdown(t("numerics.sum_after", tol=f"{TOLERANCE:g}"))

if part == "frameworks":
    # ---- 5. frameworks -----------------------------------------------------------------------------------------------
    st.header(t("numerics.frameworks_heading"))
    st.markdown(t("numerics.frameworks_table"))
    st.markdown(t("numerics.frameworks_why"))

# ---- predict, then reveal -----------------------------------------------------------------------------------------
quiz_result = sc.naive_vs_stable([100.0, 0.0], dtype=np.float32)
quiz("numerics.float32", question=t("numerics.quiz.question"),
     options=[t("numerics.quiz.a"), t("numerics.quiz.b"), t("numerics.quiz.c"), t("numerics.quiz.d")], answer=1,
     explanation=t("numerics.quiz.explanation", naive=str(quiz_result.naive.tolist()),
                   stable=str(quiz_result.stable.tolist())))
