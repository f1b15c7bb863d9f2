"""Placeholder until this page's own issue lands: it renders its title and says it is coming."""

import streamlit as st

from ui.components import page_setup
from ui.i18n import t

page_setup("calibration")
st.info(t("common.coming_soon"), icon=":material/construction:")
