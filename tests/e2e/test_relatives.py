"""The relatives page in a real browser: seven charts, and a slider redraws the sigmoid curve's point."""


def test_the_page_draws_its_charts_and_the_z_slider_moves_the_point(app):
    app.open("relatives", logits="3,2.5,-1.5", labels="cat,chicken,dog", z="0")
    assert app.chart_count() == 1
    point = app.chart_traces(0)[2]
    assert point["x"] == [0] or point["x"] == [0.0]
    app.press_on_slider(0, "ArrowRight")  # z: 0 -> 0.1
    assert app.chart_traces(0)[2]["x"] == [0.1]
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
