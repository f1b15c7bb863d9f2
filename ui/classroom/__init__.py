"""Class mode: a room's live poll on the predict-then-reveal question. ``store`` holds rooms and votes (no
Streamlit); ``poll`` draws the projector's bar chart as HTML; ``view`` is the Streamlit glue."""
