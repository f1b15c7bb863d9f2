"""Start here: what softmax is in one screen, the formula, a worked example and the learning path."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_core as sc
from ui.components import columns, data_table, page_setup
from ui.i18n import t
from ui.nav import PAGES

page_setup("home")

formula, example = columns(2, gap="large")
with formula:
    st.header(t("home.formula_heading"))
    st.markdown(t("home.formula_text"))
    st.latex(r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}")
    st.markdown(t("home.formula_notes"))
with example:
    st.header(t("home.example_heading"))
    st.markdown(t("home.example_intro"))
    logits = np.array([2.0, 1.0, 0.5])
    probs = sc.softmax(logits)
    data_table(pd.DataFrame({t("home.col.logit"): logits, t("home.col.exp"): np.exp(logits),
                             t("home.col.prob"): probs}),
               formats={c: "%.4f" for c in (t("home.col.exp"), t("home.col.prob"))})
    st.warning(t("home.example_claim", p=", ".join(f"{p:.3f}" for p in probs)), icon=":material/fact_check:")
    st.caption(t("home.number_format"))  # one rule in every language, said once: numbers are written as in code

st.header(t("home.path_heading"))
st.markdown(t("home.path_intro"))
for step, entry in enumerate(PAGES[1:], start=1):
    # A page link is one line cut with an ellipsis, so the sentence goes under it, where it can wrap.
    st.page_link(entry.file, label=f"{step}. {t(f'{entry.key}.nav_title')}", icon=entry.icon)
    st.caption(t(f"home.path.{entry.key}"))
