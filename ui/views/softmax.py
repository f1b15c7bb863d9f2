"""The parts of the 'Logits -> probabilities' page (pages/softmax.py is the storyboard)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

import softmax_core as sc

from ui import live
from ui.charts import softmax as charts
from ui.components import chart, code_span, columns, data_table, is_projector, set_logits
from ui.i18n import t

MAX_SLIDERS = 12  # more classes than this are edited in the text box
SLIDER_RANGE = 10.0


def has_handles(logits: np.ndarray) -> bool:
    """One live handle per class while the classes are few and the logits fit the handles' range."""
    return len(logits) <= MAX_SLIDERS and bool(np.all(np.abs(logits) <= SLIDER_RANGE))


def live_charts(state, logits: np.ndarray, labels: list[str], probs: np.ndarray, table) -> None:
    """The handles beside the probability and logit bars, all redrawn in the browser while a handle moves."""
    live.logit_handles(logits, labels, key=state.key("live"), projector=is_projector(), lo=-SLIDER_RANGE,
                       hi=SLIDER_RANGE, on_change=lambda values: set_logits(state, [round(v, 6) for v in values]))
    winner = int(np.argmax(probs))
    live.summary_and_table(t("softmax.prob_summary", winner=code_span(labels[winner]), p=f"{probs[winner]:.4f}",
                        k=len(probs)), table, key="prob_chart")


def plotly_charts(logits: np.ndarray, labels: list[str], probs: np.ndarray, table, sty, *, shown) -> None:
    """Many classes (or logits beyond the handles): the Plotly charts, edited through the text box."""
    k = len(logits)
    winner = int(np.argmax(probs))
    st.info(t("softmax.no_sliders", n=MAX_SLIDERS, r=int(SLIDER_RANGE)), icon=":material/edit_note:")
    # On a projector the big type needs the width: the logit chart goes under the probabilities.
    left, right = columns(2)
    with left:
        fig = charts.probability_bars(probs, labels, style=sty, title=t("softmax.prob_title"),
                                      y_title=t("softmax.prob_axis"), uniform_text=t("softmax.uniform", k=k,
                                      u=f"{1 / k:.3g}"), others_label=t("softmax.others"), shown=shown)
        chart(fig, summary=t("softmax.prob_summary", winner=code_span(labels[winner]), p=f"{probs[winner]:.4f}",
                             k=k), table=table, key="prob_chart")
    with right:
        fig = charts.logit_bars(logits, labels, style=sty, title=t("softmax.logit_title"),
                                y_title=t("softmax.logit_axis"), others_label=t("softmax.others_logit"))
        chart(fig, summary=t("softmax.logit_summary", winner=code_span(labels[winner]),
                             z=f"{logits[winner]:.4g}"), key="logit_chart")
    if k > 30:
        st.info(t("softmax.folded", k=f"{k:,}"), icon=":material/unfold_less:")


def probability_table(logits: np.ndarray, labels: list[str], probs: np.ndarray):
    """The table behind the probability chart, built only when the student opens it."""
    return lambda: pd.DataFrame({t("softmax.col.class"): labels, t("softmax.col.logit"): logits,
                                 t("softmax.col.prob"): probs})


def steps_intro() -> None:
    """The steps part's heading and formula, which no logit changes."""
    st.header(t("softmax.steps_heading"))
    st.markdown(t("softmax.steps_intro"))
    st.latex(r"p_i = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j")


def steps_part(logits: np.ndarray, labels: list[str], probs: np.ndarray, order: np.ndarray, shown) -> None:
    """Softmax in four steps, as a table, and the check that the probabilities sum to 1 within rounding."""
    k = len(logits)
    rows = order[:len(shown.index)] if shown.folded else np.arange(k)
    parts = sc.softmax_steps(logits)
    # Arrow, not a pandas DataFrame: st.dataframe sends Arrow as it is, and converting a frame on every rerun
    # cost 3-4 ms of server time (bench/classroom.py).
    steps = pa.table({t(f"softmax.col.{name}"): values for name, values in (
        ("class", [labels[i] for i in rows]), ("logit", logits[rows]), ("shifted", parts.shifted[rows]),
        ("exp", parts.exps[rows]), ("prob", parts.probs[rows]))})
    data_table(steps, formats={c: "%.6g" for c in steps.column_names[1:]})
    if k > 30:
        st.caption(t("softmax.steps_folded", n=len(rows), k=f"{k:,}"))
    total = float(probs.sum())
    deviation = abs(total - 1.0)
    tolerance = 10.0 ** np.ceil(np.log10(max(deviation, k * np.finfo(float).eps)))
    with np.errstate(over="ignore"):  # e^max overflows for logits past about 709: then Σ e^z is not shown
        raw = float(np.exp(logits.max()) * parts.total)
    sums = (t("softmax.sums_both", shifted=f"{parts.total:.6g}", raw=f"{raw:.6g}") if np.isfinite(raw)
            else t("softmax.sums_shifted", shifted=f"{parts.total:.6g}"))
    st.success(t("softmax.sum_check", sums=sums, total=f"{total:.17g}", dev=f"{deviation:.1e}",
                 tol=f"{tolerance:.0e}", k=k), icon=":material/functions:")


def invariances_part(state, logits: np.ndarray, labels: list[str], probs: np.ndarray, shown, sty) -> None:
    """Two knobs: adding c to every logit changes nothing; multiplying by s is a temperature of 1/s."""
    k, winner = len(logits), int(np.argmax(probs))
    st.header(t("softmax.invariance_heading"))
    shift_col, scale_col = st.columns(2, gap="large")
    with shift_col:
        st.subheader(t("softmax.shift_heading"))
        c = st.slider(t("softmax.shift_slider"), -10.0, 10.0, step=0.5, key=state.key("c"))
        moved = sc.softmax(logits + c)
        diff = float(np.max(np.abs(moved - probs)))
        st.markdown(t("softmax.shift_result", c=f"{c:+g}", change=change_in_words(diff)))
        shift_table = pa.table({t("softmax.col.class"): list(labels[:20]), t("softmax.col.prob"): probs[:20],
                                t("softmax.col.prob_shifted"): moved[:20]})
        st.dataframe(shift_table, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.17g")
                                    for c in shift_table.column_names[1:]})
    with scale_col:
        st.subheader(t("softmax.scale_heading"))
        s = st.slider(t("softmax.scale_slider"), 0.1, 5.0, step=0.1, key=state.key("s"))
        scaled = sc.softmax(logits * s)
        fig = charts.probability_bars(scaled, labels, style=sty._replace(height=int(sty.height * 0.8)),
                                      title=t("softmax.scaled_title", s=f"{s:g}"), y_title=t("softmax.prob_axis"),
                                      uniform_text=t("softmax.uniform", k=k, u=f"{1 / k:.3g}"),
                                      others_label=t("softmax.others"), shown=shown)
        chart(fig, summary=t("softmax.scaled_summary", s=f"{s:g}", temp=f"{1 / s:.3g}",
                             p=f"{scaled[winner]:.4f}"), key="scaled_chart")
        st.page_link("pages/temperature.py", label=t("softmax.to_temperature", temp=f"{1 / s:.3g}"),
                     icon=":material/thermostat:",
                     query_params={"logits": sc.format_logits(logits[:200]), "T": f"{min(max(1 / s, 0.05), 20):.4g}"})


def change_in_words(diff: float) -> str:
    """The largest change in a probability, in words: exactly none is said as such, not as "0.0e+00, rounding"."""
    return t("softmax.identical") if diff == 0 else t("softmax.rounding", diff=f"{diff:.1e}")
