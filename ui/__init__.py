"""Glue between softmax_core and the Streamlit pages: state, text, charts and shared widgets."""
