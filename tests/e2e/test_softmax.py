"""The softmax page in a real browser: the first chart is the probability bars, one slider per logit."""

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest


def reference_softmax(logits):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


def test_shared_logits_draw_the_hand_computed_probabilities(app):
    app.open("softmax", logits="2,1,0.5")
    np.testing.assert_allclose(app.bar_heights(), [0.6285, 0.2312, 0.1402], atol=5e-5)
    # One slider per logit, in class order, come first (the page has other sliders further down).
    assert [float(app.sliders.nth(i).input_value()) for i in range(3)] == [2, 1, 0.5]
    app.screenshot("softmax-2-1-0.5")
    assert not app.problems()


def test_arrow_key_on_a_slider_redraws_the_bars_with_the_new_softmax(app):
    app.open("softmax", logits="2,1,0.5")
    app.press_on_slider(0, "ArrowRight")  # first logit 2.0 -> 2.1 (step 0.1)
    np.testing.assert_allclose(app.bar_heights(), reference_softmax([2.1, 1, 0.5]), atol=1e-6)
    app.press_on_slider(2, "ArrowLeft")  # third logit 0.5 -> 0.4
    np.testing.assert_allclose(app.bar_heights(), reference_softmax([2.1, 1, 0.4]), atol=1e-6)
    assert not app.problems()


def test_language_switch_and_shared_link_reproduce_the_view(app, new_app):
    app.open("softmax", logits="2,1,0.5")
    english_title = app.page.locator("h1").first.inner_text()
    app.press_on_slider(1, "ArrowRight")  # logits 2, 1.1, 0.5
    app.choose(app.language_box(), "Português (Brasil)")
    portuguese_title = app.page.locator("h1").first.inner_text()
    assert portuguese_title != english_title
    bars = app.bar_heights()
    np.testing.assert_allclose(bars, reference_softmax([2, 1.1, 0.5]), atol=1e-6)

    # The address bar now describes the view; opened by someone else, it shows the same thing.
    shared = app.page.url
    query = parse_qs(urlsplit(shared).query)
    assert query["lang"] == ["pt"], shared
    friend = new_app()
    friend.page.goto(shared)
    friend.wait_idle()
    assert friend.page.locator("h1").first.inner_text() == portuguese_title
    np.testing.assert_allclose(friend.bar_heights(), bars, atol=1e-9)
    friend.screenshot("softmax-shared-link-pt")
    assert not app.problems() and not friend.problems()


@pytest.mark.parametrize("label", ["<b>bold</b>", "<img src=x onerror=alert(1)>", "<svg onload=window.__xss=1>"])
def test_html_in_a_class_label_shows_as_literal_text(app, label):
    app.open("softmax", logits="1,2,3", labels=f"{label},plain,other")
    app.page.wait_for_timeout(500)  # give an onerror handler the chance to fire
    assert label in app.chart_text(0), "the label is not shown literally on the bar chart"
    assert app.page.evaluate("() => window.__xss === undefined")
    assert app.page.locator('img[src="x"]').count() == 0
    assert app.page.locator("b", has_text="bold").count() == 0
    app.screenshot("softmax-html-label")
    assert not app.problems()
