"""Temperature: divide the logits by T, watch the distribution sharpen or flatten, then sample from it.

The storyboard: T with its readouts and first chart, where T leads at its two ends, one part at a time (a part is
in the URL), the bridge to calibration, then the quiz. The parts live in ``ui/views/temperature.py``.
"""

from ui.components import page_setup, style
from ui.views import temperature as view

state = page_setup("temperature")
now = view.top(state, style())
view.limits(now)
view.SECTIONS[view.part_picker(state)](now)
view.calibration_bridge()
view.quiz_block()
