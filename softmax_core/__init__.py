"""softmax_core: the exact, fast NumPy engine behind every page of the explainer.

Pure NumPy. It imports neither Streamlit nor Plotly, and reads nothing but its own bundled data.
Each submodule declares ``__all__``; this package re-exports them all.
"""
