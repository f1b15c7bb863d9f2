"""Numerical stability: where the textbook softmax overflows, the max-subtraction trick, log space, sums.

The storyboard: the naive formula against the stable one, then one part at a time (a part is in the URL), then
the quiz. The parts live in ``ui/views/numerics.py``.
"""

from ui.components import page_setup, style
from ui.views import numerics as view

state = page_setup("numerics")
example = view.naive_vs_stable(state, style())
view.SECTIONS[view.part_picker(state)](example)
view.quiz_block()
