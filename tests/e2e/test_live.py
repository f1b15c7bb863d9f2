"""The live editor in a real Chromium: the charts follow the hand while it drags, before any rerun.

Contract (issue 12): each handle is ``role="slider"`` with ``aria-label`` and ``aria-value*``; the live probability
chart is ``data-testid="live-probs"`` and its ``data-values`` holds the drawn probabilities at full precision.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import softmax_core as sc

HANDLES = '.ssl-root [role="slider"]'
# One atomic read of what is on screen: the handles' values and the probabilities drawn from them.
JS_STATE = """() => ({
    values: [...document.querySelectorAll('.ssl-root [role="slider"]')].map(h => Number(h.getAttribute('aria-valuenow'))),
    drawn: document.querySelector('[data-testid="live-probs"]').getAttribute('data-values'),
    script: document.querySelector('[data-testid="stApp"]').dataset.testScriptState,
})"""
JS_LINK_HOLDS_HANDLES = """() => {
    const values = [...document.querySelectorAll('.ssl-root [role="slider"]')].map(h => Number(h.getAttribute('aria-valuenow')));
    const link = (new URLSearchParams(location.search).get('logits') || '').split(',').map(Number);
    return link.length === values.length && link.every((v, i) => v === values[i]);
}"""
JS_CHANGED = """prev => document.querySelector('[data-testid="live-probs"]').getAttribute('data-values') !== prev"""


def state(app) -> dict:
    return app.page.evaluate(JS_STATE)


def link(app) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(app.page.url).query).items()}


def wait_changed(app, before: str, timeout: int = 1000) -> bool:
    """True once the drawn probabilities differ from ``before``; False if they did not within ``timeout`` ms."""
    try:
        app.page.wait_for_function(JS_CHANGED, arg=before, timeout=timeout, polling="raf")
        return True
    except Exception:  # Playwright's TimeoutError: the chart did not change
        return False


def drag(app, handle, moves: int, share: float) -> list[dict]:
    """Press a handle, move it ``moves`` small steps over ``share`` of its track (negative: leftwards), recording
    what is drawn after each move, without releasing. Each state seen has ``changed``: did the chart redraw."""
    track = handle.locator("xpath=..").bounding_box()
    dx = share * track["width"] / moves
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    seen = []
    for i in range(moves):
        before = state(app)["drawn"]
        app.page.mouse.move(x + dx * (i + 1), y)
        changed = wait_changed(app, before)
        seen.append({**state(app), "changed": changed})
    return seen


def assert_drawn_is_the_core_softmax(seen, *, logits_of, temperature_of=lambda s: 1.0):
    for s in seen:
        drawn = np.array(json.loads(s["drawn"]))
        want = sc.softmax(np.asarray(logits_of(s), dtype=float), temperature=temperature_of(s))
        np.testing.assert_allclose(drawn, want, rtol=0, atol=1e-12)


def test_dragging_a_logit_redraws_the_probabilities_before_release(app):
    app.open("softmax", logits="2,1,0.5")
    handle = app.page.locator(HANDLES).first
    assert handle.get_attribute("aria-label") == "A"
    assert (handle.get_attribute("aria-valuemin"), handle.get_attribute("aria-valuemax")) == ("-10", "10")
    seen = drag(app, handle, 32, -0.4)  # about 2 px a move
    # Before release: the chart followed nearly every move, and no rerun ran (nothing went to the server).
    assert sum(s["changed"] for s in seen) >= 0.8 * len(seen), [(s["changed"], s["values"][0]) for s in seen]
    assert {s["script"] for s in seen} == {"notRunning"}
    assert seen[-1]["values"][0] < 0  # moved from 2 to below 0
    assert_drawn_is_the_core_softmax(seen, logits_of=lambda s: s["values"])
    last = seen[-1]
    app.page.mouse.up()
    app.page.wait_for_function("v => new URLSearchParams(location.search).get('logits') === v",
                               arg=",".join(f"{v:g}" for v in last["values"]), timeout=15_000)
    app.wait_idle()
    after = state(app)  # the rerun's data arrived: no jump back
    assert after["values"] == last["values"] and after["drawn"] == last["drawn"]
    assert not app.problems()


def test_the_keyboard_moves_a_handle_live(app):
    app.open("softmax", logits="2,1,0.5")
    handle = app.page.locator(HANDLES).nth(2)
    handle.focus()
    seen = []
    for key in ("ArrowRight", "ArrowRight", "PageUp", "ArrowLeft", "ArrowUp"):
        before = state(app)["drawn"]
        app.page.keyboard.press(key)
        assert wait_changed(app, before, timeout=200)  # live: well before any rerun could answer
        seen.append(state(app))
    assert [s["values"][2] for s in seen] == pytest.approx([0.6, 0.7, 1.7, 1.6, 1.7])
    assert_drawn_is_the_core_softmax(seen, logits_of=lambda s: s["values"])
    assert not app.problems()


def test_keys_faster_than_frames_all_count_and_a_pause_sends_the_move_to_python(app):
    # Five keys within one frame: each must step from the previous key's value, not from the thumb's last drawn
    # aria-valuenow (the bug: 2,1,0.6 or 2,1,1.8 reached the link instead of 2,1,1.7).
    app.open("softmax", logits="2,1,0.5")
    app.page.locator(HANDLES).nth(2).evaluate("""thumb => {
        for (const key of ["ArrowRight", "ArrowRight", "PageUp", "ArrowLeft", "ArrowUp"])
            thumb.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
    }""")
    app.next_frame()
    assert float(app.page.locator(HANDLES).nth(2).get_attribute("aria-valuenow")) == pytest.approx(1.7)
    app.page.wait_for_function("() => new URLSearchParams(location.search).get('logits') === '2,1,1.7'",
                               timeout=15_000)
    app.page.locator(HANDLES).nth(2).focus()
    app.page.keyboard.press("End")
    app.page.wait_for_function("() => new URLSearchParams(location.search).get('logits') === '2,1,10'",
                               timeout=15_000)
    assert not app.problems()


def test_a_touch_drag_moves_the_handle_without_scrolling_the_page(browser, app_server):
    from tests.e2e.e2e_harness import AppPage

    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        app = AppPage(context.new_page(), app_server).open("softmax", logits="2,1,0.5")
        handle = app.page.locator(HANDLES).first
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(app.page)
        scroll = app.page.evaluate("() => window.scrollY")
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        seen = []
        for i in range(1, 31):
            before = state(app)["drawn"]
            # a slightly diagonal finger: the page must still not scroll while it holds the handle
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                  "touchPoints": [{"x": x - 4 * i, "y": y + 0.5 * i}]})
            seen.append({**state(app), "changed": wait_changed(app, before)})
        assert sum(s["changed"] for s in seen) >= 0.8 * len(seen)
        assert {s["script"] for s in seen} == {"notRunning"}
        assert app.page.evaluate("() => window.scrollY") == scroll
        assert_drawn_is_the_core_softmax(seen, logits_of=lambda s: s["values"])
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        # CDP may deliver the last touch moves after it returns: the link must hold where the handle ended up.
        app.page.wait_for_function(JS_LINK_HOLDS_HANDLES, timeout=15_000)
        assert state(app)["values"][0] <= seen[-1]["values"][0] < 2
        assert not app.problems()
    finally:
        context.close()


def test_a_preset_from_python_moves_the_handles(app):
    app.open("softmax", logits="2,1,0.5")
    app.choose(app.page.locator('[data-testid="stSelectbox"]').filter(has_text="Load an example"),
               "Two tied behind the leader: [1.6, 1.1, 1.1]")
    app.page.wait_for_function("() => [...document.querySelectorAll('.ssl-root [role=\"slider\"]')]"
                               ".map(h => h.getAttribute('aria-valuenow')).join() === '1.6,1.1,1.1'", timeout=10_000)
    assert_drawn_is_the_core_softmax([state(app)], logits_of=lambda s: s["values"])


def test_an_html_class_name_stays_text(app):
    evil = "<img src=x onerror=alert(1)>"
    app.open("softmax", logits="1,2", labels=f"{evil},<b>bold</b>")
    root = app.page.locator(".ssl-root")
    assert root.locator("img, b:not(.ssl-v)").count() == 0
    assert app.page.locator(HANDLES).first.get_attribute("aria-label") == evil
    assert evil in root.inner_text()
    assert not app.dialogs and not app.problems()


def test_dragging_t_redraws_the_bars_before_release(app):
    app.open("temperature", logits="2,1,0.5,-1")
    handle = app.page.locator(HANDLES).first
    assert "T" in handle.get_attribute("aria-label").split()
    assert float(handle.get_attribute("aria-valuenow")) == 1.0  # T itself, not a position on the scale
    assert (handle.get_attribute("aria-valuemin"), handle.get_attribute("aria-valuemax")) == ("0.05", "20")
    seen = drag(app, handle, 32, 0.3)
    assert sum(s["changed"] for s in seen) >= 0.8 * len(seen), [s["changed"] for s in seen]
    assert {s["script"] for s in seen} == {"notRunning"}
    assert seen[-1]["values"][0] > 2
    assert_drawn_is_the_core_softmax(seen, logits_of=lambda s: [2, 1, 0.5, -1], temperature_of=lambda s: s["values"][0])
    last = seen[-1]
    app.page.mouse.up()
    app.page.wait_for_function("v => new URLSearchParams(location.search).get('T') === v",
                               arg=f"{last['values'][0]:g}", timeout=15_000)
    app.wait_idle()
    assert state(app)["drawn"] == last["drawn"]
    assert not app.problems()


def test_the_keyboard_walks_t_over_round_values(app):
    app.open("temperature", logits="2,1,0.5")
    handle = app.page.locator(HANDLES).first
    handle.focus()
    seen = []
    for key in ("ArrowRight", "ArrowRight", "PageDown", "Home"):
        before = state(app)["drawn"]
        app.page.keyboard.press(key)
        assert wait_changed(app, before, timeout=200)
        seen.append(state(app))
    assert [s["values"][0] for s in seen] == [1.25, 1.6, 0.5, 0.05]
    assert_drawn_is_the_core_softmax(seen, logits_of=lambda s: [2, 1, 0.5], temperature_of=lambda s: s["values"][0])
    app.page.wait_for_function("() => new URLSearchParams(location.search).get('T') === '0.05'", timeout=15_000)


def test_dragging_z_moves_the_sigmoid_point_before_release(app):
    app.open("relatives", z="-2", part="sigmoid")
    handle = app.page.locator(HANDLES).first
    assert handle.get_attribute("aria-label") == "Logit z"
    curve = app.page.locator('[data-testid="live-curve"]')
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    changed, points = 0, []
    for i in range(1, 31):
        before = curve.get_attribute("data-values")
        app.page.mouse.move(x + 3 * i, y)
        changed += wait_changed_curve(app, before)
        points.append(json.loads(curve.get_attribute("data-values")))
    assert changed >= 24
    for z, p in points:
        assert abs(p - float(sc.sigmoid(z))) <= 1e-12
    app.page.mouse.up()
    app.page.wait_for_function("v => new URLSearchParams(location.search).get('z') === v",
                               arg=f"{points[-1][0]:g}", timeout=15_000)
    assert not app.problems()


def wait_changed_curve(app, before) -> bool:
    try:
        app.page.wait_for_function("prev => document.querySelector('[data-testid=\"live-curve\"]')"
                                   ".getAttribute('data-values') !== prev", arg=before, timeout=1000, polling="raf")
        return True
    except Exception:  # Playwright's TimeoutError: no redraw
        return False
