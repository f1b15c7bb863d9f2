"""Cross-entropy: binary loss derived, its curves and extremes, from logits, label smoothing, learning, vs MSE.

The storyboard: the shared example, then one part at a time (a part is in the URL), then the quiz. The parts
live in ``ui/views/cross_entropy.py``.
"""

from ui.views import cross_entropy as view
from ui.components import page_setup, style

state = page_setup("cross_entropy")
example = view.example(state, style())
view.SECTIONS[view.part_picker(state)](example)
view.quiz_block()
