"""The cross-entropy page in a real browser: sliders redraw the charts with the core's numbers."""

import json

import numpy as np

import softmax_core as sc


def test_moving_the_yhat_handle_moves_the_marker_along_the_curve(app):
    app.open("cross_entropy", by="1", yhat="0.7")
    curve = app.page.locator('[data-testid="live-curve"]')
    x, y = json.loads(curve.get_attribute("data-values"))
    assert x == 0.7
    np.testing.assert_allclose(y, float(sc.binary_cross_entropy([0.7], [1.0])), rtol=0, atol=1e-12)
    app.page.locator('.ssl-root [role="slider"]').focus()
    app.page.keyboard.press("ArrowRight")  # ŷ 0.70 -> 0.71, drawn at once in the browser
    app.page.wait_for_function("() => JSON.parse(document.querySelector('[data-testid=\"live-curve\"]')"
                               ".getAttribute('data-values'))[0] === 0.71", timeout=2000)
    x, y = json.loads(curve.get_attribute("data-values"))
    np.testing.assert_allclose(y, float(sc.binary_cross_entropy([0.71], [1.0])), rtol=0, atol=1e-12)
    app.next_frame()
    app.page.wait_for_function("() => new URLSearchParams(location.search).get('yhat') === '0.71'", timeout=15_000)
    app.screenshot("cross-entropy-bce")
    assert not app.problems()


def test_the_smoothing_slider_redraws_the_target_bars(app):
    app.open("cross_entropy", part="smoothing", logits="2,1,0.5,0", eps="0.1")
    np.testing.assert_allclose(app.bar_heights(0, trace=1), [0.925, 0.025, 0.025, 0.025], rtol=1e-12)
    app.press_on_slider(0, "ArrowRight")  # ε 0.10 -> 0.11
    np.testing.assert_allclose(app.bar_heights(0, trace=1), sc.smoothed_targets(0, 4, label_smoothing=0.11),
                               rtol=1e-12)
    assert "0.9175 + 3 × 0.0275 = 1" in app.text()
    assert not app.problems()


def test_training_in_projector_mode_animates_in_the_browser(app):
    app.open("cross_entropy", part="training", projector="1", steps="20")
    assert app.chart_count() == 3
    app.screenshot("cross-entropy-training-projector")
    before = app.chart_traces(2)[0]["y"]
    app.page.get_by_text("▶ Play").first.click()
    app.page.wait_for_timeout(1500)
    after = app.chart_traces(2)[0]["y"]
    assert before != after  # the frames played client-side, without a rerun
    assert not app.problems()
