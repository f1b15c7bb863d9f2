"""Softmax and its relatives: sigmoid, multi-label outputs, argmax, logsumexp, attention, policies.

The storyboard: the shared example (at most five labels), one part at a time (a part is in the URL), then the quiz.
The parts live in ``ui/views/relatives.py``.
"""

from ui.components import page_setup, style
from ui.views import relatives as view

state = page_setup("relatives")
example = view.example(state, style())
view.SECTIONS[view.part_picker(state)](example)
view.quiz_block()
