"""The parts of the 'Logits -> probabilities' page (pages/softmax.py is the storyboard)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui import live
from ui.charts import softmax as charts
from ui.components import chart, code_span, columns, is_projector, set_logits
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
