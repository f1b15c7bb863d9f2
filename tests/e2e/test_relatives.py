"""The relatives page in a real browser: its charts, and the z handle moves the sigmoid curve's point live."""

import json

import softmax_core as sc


def test_the_page_draws_its_charts_and_the_z_handle_moves_the_point(app):
    app.open("relatives", logits="3,2.5,-1.5", labels="cat,chicken,dog", z="0")
    curve = app.page.locator('[data-testid="live-curve"]')
    assert json.loads(curve.get_attribute("data-values")) == [0, 0.5]
    app.page.locator('.ssl-root [role="slider"]').focus()
    app.page.keyboard.press("ArrowRight")  # z: 0 -> 0.1, drawn at once in the browser
    app.page.wait_for_function("() => JSON.parse(document.querySelector('[data-testid=\"live-curve\"]')"
                               ".getAttribute('data-values'))[0] === 0.1", timeout=2000)
    x, y = json.loads(curve.get_attribute("data-values"))
    assert abs(y - float(sc.sigmoid(0.1))) <= 1e-12
    app.open("relatives", logits="3,2.5,-1.5", labels="cat,chicken,dog", part="multilabel")
    assert "chicken" in app.chart_text(0) and app.chart_count() == 2
    app.screenshot("relatives-cat-chicken")
    assert not app.problems()


def test_the_attention_slider_redraws_the_attention_weights(app):
    app.open("relatives", d="64", part="lives")
    before = app.chart_traces(0)
    d_slider = app.sliders.count() - 2  # d and a are the page's last two sliders
    app.press_on_slider(d_slider, "ArrowRight")
    assert app.chart_traces(0) != before
    assert not app.problems()


def test_projector_mode_renders_cleanly(app):
    app.open("relatives", projector="1", part="argmax")
    assert app.chart_count() == 2
    app.screenshot("relatives-projector")
    assert not app.problems()
