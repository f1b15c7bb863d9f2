"""Calibration: is the model as sure as it says? Reliability diagrams, ECE and calibrators on three sources.

The storyboard: where the predictions come from, which part to look closer at, that part with its controls beside
what they change, the before/after comparison every part shares, then the quiz. The parts live in
``ui/views/calibration.py``.
"""

from ui.components import page_setup, style
from ui.views import calibration as view

state = page_setup("calibration")
sty = style()
source = view.choose_data(state, sty)
if source.data is not None:
    part = view.part_picker(state)
    study = view.study(state, sty, source)
    view.SECTIONS[part](study)
    view.comparison(study, metrics=part != "wrong")  # the "what goes wrong" part shows the metrics by its toggle
    view.quiz_block(study)
