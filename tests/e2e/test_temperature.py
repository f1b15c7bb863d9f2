"""The temperature page in a real browser: the live T handle redraws the first chart with softmax(z / T)."""

import json

import numpy as np

import softmax_core as sc

GRID = sc.slider_temperatures()
HANDLE = '.ssl-root [role="slider"]'


def live_probs(app):
    return np.array(json.loads(app.page.locator('[data-testid="live-probs"]').first.get_attribute("data-values")))


def press_on_t(app, key):
    app.page.locator(HANDLE).first.focus()
    app.page.keyboard.press(key)
    app.next_frame()
    t_now = float(app.page.locator(HANDLE).first.get_attribute("aria-valuenow"))
    # T = 1 is the default, which the link leaves out
    app.page.wait_for_function("v => (new URLSearchParams(location.search).get('T') || '1') === v",
                               arg=f"{t_now:g}", timeout=30_000)
    app.wait_idle()


def test_a_link_draws_softmax_of_the_logits_over_t(app):
    app.open("temperature", logits="1,2,3", T="0.5")
    np.testing.assert_allclose(live_probs(app), sc.softmax(np.array([2.0, 4.0, 6.0])), atol=1e-12)
    app.screenshot("temperature-1-2-3-T0.5")
    assert not app.problems()


def test_moving_the_t_handle_redraws_the_first_chart(app):
    app.open("temperature", logits="1,2,3")
    before = live_probs(app)
    press_on_t(app, "ArrowRight")  # T = 1 -> the next round temperature, 1.25
    after = live_probs(app)
    assert not np.allclose(before, after)
    t_next = GRID[GRID.index(1.0) + 1]
    np.testing.assert_allclose(after, sc.softmax(np.array([1.0, 2.0, 3.0]), temperature=t_next), atol=1e-12)
    press_on_t(app, "ArrowLeft")
    press_on_t(app, "ArrowLeft")  # 1.25 -> 1 -> 0.8
    np.testing.assert_allclose(live_probs(app), sc.softmax(np.array([1.0, 2.0, 3.0]),
                                                           temperature=GRID[GRID.index(1.0) - 1]), atol=1e-12)
    assert f"T={GRID[GRID.index(1.0) - 1]:g}" in app.page.url
    assert not app.problems()


def test_the_animation_plays_in_the_browser(app):
    app.open("temperature", part="animation")
    assert app.chart_count() == 1  # the bars are live (ui/live); the animation is the part's only Plotly chart
    anim = app.page.locator(".js-plotly-plot").nth(0)
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
    np.testing.assert_allclose(live_probs(app), sc.softmax(np.array([2.0, 4.0, 6.0])), atol=1e-12)
    assert not app.problems()
