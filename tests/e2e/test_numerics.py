"""The numerical-stability page in a real browser: its charts, and the magnitude slider redraws them."""

import numpy as np


def test_the_page_draws_its_charts_and_the_magnitude_slider_breaks_the_naive_formula(app):
    app.open("numerics", logits="2,1,0.5", dtype="float32", mag="1.5")
    assert app.chart_count() == 2  # the bars and the default part's overflow chart
    np.testing.assert_allclose(app.bar_heights(0, 1), [1.0, 0.0, 0.0], atol=1e-6)  # stable, logits x 31.6
    texts_before = app.chart_text(0)
    assert "NaN" not in texts_before
    for _ in range(10):  # 10 steps of 0.05: x 31.6 -> x 100, past float32's wall at 88.72
        app.press_on_slider(0, "ArrowRight")
    assert "NaN" in app.chart_text(0)
    app.screenshot("numerics-float32-x100")
    assert not app.problems()


def test_projector_mode_renders_cleanly(app):
    app.open("numerics", projector="1", mag="2", dtype="float16", part="sums")
    assert app.chart_count() == 2
    app.screenshot("numerics-projector")
    assert not app.problems()
