"""The temperature page in a real browser: the T slider redraws the first chart with softmax(z / T)."""

import numpy as np

import softmax_core as sc

GRID = sc.slider_temperatures()


def test_a_link_draws_softmax_of_the_logits_over_t(app):
    app.open("temperature", logits="1,2,3", T="0.5")
    np.testing.assert_allclose(app.bar_heights(), sc.softmax(np.array([2.0, 4.0, 6.0])), atol=1e-12)
    app.screenshot("temperature-1-2-3-T0.5")
    assert not app.problems()


def test_moving_the_t_slider_redraws_the_first_chart(app):
    app.open("temperature", logits="1,2,3")
    before = app.bar_heights()
    app.press_on_slider(0, "ArrowRight")  # T = 1 -> the next round temperature, 1.25
    after = app.bar_heights()
    assert not np.allclose(before, after)
    t_next = GRID[GRID.index(1.0) + 1]
    np.testing.assert_allclose(after, sc.softmax(np.array([1.0, 2.0, 3.0]), temperature=t_next), atol=1e-12)
    app.press_on_slider(0, "ArrowLeft")
    app.press_on_slider(0, "ArrowLeft")  # 1.25 -> 1 -> 0.8
    np.testing.assert_allclose(app.bar_heights(), sc.softmax(np.array([1.0, 2.0, 3.0]),
                                                             temperature=GRID[GRID.index(1.0) - 1]), atol=1e-12)
    assert f"T={GRID[GRID.index(1.0) - 1]:g}" in app.page.url
    assert not app.problems()


def test_the_animation_plays_in_the_browser(app):
    app.open("temperature", part="animation")
    assert app.chart_count() == 2  # the bars, then the animation: the part shown is the only other chart
    anim = app.page.locator(".js-plotly-plot").nth(1)
    assert app.page.evaluate("e => e._transitionData !== undefined && e._transitionData._frames.length",
                             anim.element_handle()) == 41
    anim.scroll_into_view_if_needed()
    anim.locator(".updatemenu-button").first.click()
    app.page.wait_for_timeout(1500)
    assert not app.problems()


def test_choosing_a_part_keeps_the_settings_of_the_others_in_the_link(app):
    app.open("temperature", logits="1,2,3", T="0.5", seed="42")
    app.page.get_by_text("Sampling", exact=True).click()
    app.wait_idle()
    assert "part=sampling" in app.page.url and "seed=42" in app.page.url
    app.page.get_by_text("Curves over T", exact=True).click()
    app.wait_idle()
    assert "part=" not in app.page.url and "seed=42" in app.page.url  # the default part leaves the link
    np.testing.assert_allclose(app.bar_heights(), sc.softmax(np.array([2.0, 4.0, 6.0])), atol=1e-12)
    assert not app.problems()
