"""Chart builders: pure functions from arrays (and already-translated strings) to Plotly figures.

They never import Streamlit, so they are tested directly against the numbers softmax_core computes.
"""
