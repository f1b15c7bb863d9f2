"""The softmax page in a real browser: the live probability bars, one live handle per logit (ui/live)."""

import json
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest


def reference_softmax(logits):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


HANDLES = '.ssl-root [role="slider"]'


def live_probs(app):
    return np.array(json.loads(app.page.locator('[data-testid="live-probs"]').get_attribute("data-values")))


def handle_values(app):
    return [float(h.get_attribute("aria-valuenow")) for h in app.page.locator(HANDLES).all()]


def press_on_handle(app, index, key):
    """A key on a live handle, then the pause that sends it: wait until the link holds the handles' values."""
    app.page.locator(HANDLES).nth(index).focus()
    app.page.keyboard.press(key)
    app.next_frame()
    want = ",".join(f"{v:g}" for v in handle_values(app))
    app.page.wait_for_function("v => new URLSearchParams(location.search).get('logits') === v", arg=want,
                               timeout=30_000)
    app.wait_idle()


def test_shared_logits_draw_the_hand_computed_probabilities(app):
    app.open("softmax", logits="2,1,0.5")
    np.testing.assert_allclose(live_probs(app), [0.6285, 0.2312, 0.1402], atol=5e-5)
    assert handle_values(app) == [2, 1, 0.5]  # one handle per logit, in class order
    app.screenshot("softmax-2-1-0.5")
    assert not app.problems()


def test_arrow_key_on_a_handle_redraws_the_bars_with_the_new_softmax(app):
    app.open("softmax", logits="2,1,0.5")
    press_on_handle(app, 0, "ArrowRight")  # first logit 2.0 -> 2.1 (step 0.1)
    np.testing.assert_allclose(live_probs(app), reference_softmax([2.1, 1, 0.5]), atol=1e-12)
    press_on_handle(app, 2, "ArrowLeft")  # third logit 0.5 -> 0.4
    np.testing.assert_allclose(live_probs(app), reference_softmax([2.1, 1, 0.4]), atol=1e-12)
    assert not app.problems()


def test_language_switch_and_shared_link_reproduce_the_view(app, new_app):
    app.open("softmax", logits="2,1,0.5")
    english_title = app.page.locator("h1").first.inner_text()
    press_on_handle(app, 1, "ArrowRight")  # logits 2, 1.1, 0.5
    app.choose(app.language_box(), "Português (Brasil)")
    portuguese_title = app.page.locator("h1").first.inner_text()
    assert portuguese_title != english_title
    bars = live_probs(app)
    np.testing.assert_allclose(bars, reference_softmax([2, 1.1, 0.5]), atol=1e-6)

    # The address bar now describes the view; opened by someone else, it shows the same thing.
    shared = app.page.url
    query = parse_qs(urlsplit(shared).query)
    assert query["lang"] == ["pt"], shared
    friend = new_app()
    friend.page.goto(shared)
    friend.wait_idle()
    assert friend.page.locator("h1").first.inner_text() == portuguese_title
    np.testing.assert_allclose(live_probs(friend), bars, atol=1e-15)
    friend.screenshot("softmax-shared-link-pt")
    assert not app.problems() and not friend.problems()


@pytest.mark.parametrize("label", ["<b>bold</b>", "<img src=x onerror=alert(1)>", "<svg onload=window.__xss=1>"])
def test_html_in_a_class_label_shows_as_literal_text(app, label):
    app.open("softmax", logits="1,2,3", labels=f"{label},plain,other")
    app.page.wait_for_timeout(500)  # give an onerror handler the chance to fire
    chart = app.page.locator('[data-testid="live-probs"]').evaluate("e => e.textContent")
    assert label[:4] in chart, "the label is not shown literally on the bar chart"  # long names are shortened
    assert app.page.locator(".ssl-name").first.inner_text() == label  # in full beside its handle
    assert app.page.locator(HANDLES).first.get_attribute("aria-label") == label
    assert app.page.evaluate("() => window.__xss === undefined")
    assert app.page.locator('img[src="x"]').count() == 0
    assert app.page.locator("b:not(.ssl-v)", has_text="bold").count() == 0
    app.screenshot("softmax-html-label")
    assert not app.problems()
