"""Checks every page of the registry (ui/nav.py) must pass in a real browser.

Two kinds of test live here:

* for every page, placeholder or not: it renders with a clean console, no dialog, no exception box and no
  server traceback; the language switch translates it; HTML in a class label never runs;
* GENERIC, satisfied once a page is built: moving the page's first slider redraws a chart (a live handle of
  ``ui/live`` redraws its own chart in the browser). A page with no slider or no chart (a placeholder, or the home
  page, which has neither) is reported as XFAIL, never as a pass.

Page-specific behaviour (the numbers a chart must show) goes in ``test_<page>.py``.
"""

import pytest

# Labels are separated by "," or ";", so none of these payloads contains either.
EVIL_LABELS = ["<img src=x onerror=alert(1)>", "<b>bold</b>", "<svg onload=window.__xss=1>", "<script>window.__xss=2</script>"]

JS_INJECTED = """() => ({
    xss: window.__xss === undefined ? null : window.__xss,
    img: document.querySelectorAll('img[src="x"]').length,
    svg: [...document.querySelectorAll('svg')].filter(e => e.getAttribute('onload')).length,
    bold: [...document.querySelectorAll('b, strong')].filter(e => e.textContent === 'bold').length,
    script: [...document.querySelectorAll('script')].filter(e => e.textContent.includes('__xss')).length,
})"""


def test_page_renders_with_a_clean_console(app, route):
    app.open(route.path)
    app.screenshot(f"{route.key}")
    assert app.page.locator('[data-testid="stMain"]').inner_text().strip(), "the page shows nothing"
    assert not app.problems()


def test_language_parameter_translates_the_page(app, route):
    english = app.open(route.path, lang="en").text()
    portuguese = app.open(route.path, lang="pt").text()
    app.screenshot(f"{route.key}-pt")
    assert portuguese != english
    assert app.selected(app.language_box()) == "Português (Brasil)"
    assert not app.problems()


def test_html_in_class_labels_never_runs(app, route):
    app.open(route.path, logits="1,2,3", labels=",".join(EVIL_LABELS))
    app.page.wait_for_timeout(500)  # give an onerror handler the chance to fire
    assert app.page.evaluate(JS_INJECTED) == {"xss": None, "img": 0, "svg": 0, "bold": 0, "script": 0}
    assert not app.problems()


LIVE_HANDLES = '.ssl-root [role="slider"]'
JS_LIVE_DRAWN = "() => [...document.querySelectorAll('.ssl-root [data-values]')].map(e => e.dataset.values).join('|')"


def test_generic_first_slider_redraws_a_chart(app, route):
    """GENERIC: holds for every page with a slider and a chart; the others are XFAIL."""
    app.open(route.path)
    if app.page.locator(LIVE_HANDLES).count():  # the live editor: its handle redraws its chart in the browser
        before = app.page.evaluate(JS_LIVE_DRAWN)
        app.page.locator(LIVE_HANDLES).first.focus()
        app.page.keyboard.press("ArrowLeft")
        app.page.wait_for_function(f"prev => ({JS_LIVE_DRAWN})() !== prev", arg=before, timeout=5_000)
        assert not app.problems()
        return
    if app.sliders.count() == 0 or app.chart_count() == 0:
        pytest.xfail(f"nothing to move: /{route.path} has {app.sliders.count()} sliders and {app.chart_count()} charts")
    before = app.charts_snapshot()
    app.nudge_slider(0, timeout=30_000)
    assert app.charts_snapshot() != before
    assert not app.problems()


# The chart margins the app reserves (ui/charts/common.reserved_margins) must be what Plotly's automargin
# settles on; where they fall short, Plotly draws the figure a second time on every redraw.
JS_MARGIN_PUSHES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((gd, i) => {
    const size = gd._fullLayout._size, asked = gd.layout.margin || {};
    return ['l', 'r', 't', 'b'].filter(side => size[side] > (asked[side] ?? 0) + 0.5)
        .map(side => `chart ${i}: ${side} ${asked[side]} -> ${Math.round(size[side])}`);
})"""


# Calibration only in normal mode: in projector type its calibrator names still tilt at this window width.
DRAWN_ONCE = [(path, mode) for path in ("softmax", "temperature", "cross_entropy", "numerics", "relatives")
              for mode in ("0", "1")] + [("calibration", "0")]


@pytest.mark.parametrize(("path", "projector"), DRAWN_ONCE)
def test_charts_are_drawn_once_in_the_margins_reserved_for_them(app, path, projector):
    app.open(path, projector=projector)
    assert app.page.evaluate(JS_MARGIN_PUSHES) == []


def test_the_sidebar_starts_closed_on_a_phone_and_open_on_a_laptop(app):
    """On a phone an open sidebar would cover the page; a student opens it only to change a setting."""
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.open("softmax")
    assert app.page.locator('[data-testid="stSidebar"]').bounding_box()["width"] == 0
    assert app.page.locator('[data-testid="stExpandSidebarButton"]').is_visible()
    wide = app.page.context.new_page()
    try:
        wide.set_viewport_size({"width": 1280, "height": 900})
        wide.goto(app.url_for("softmax"))
        wide.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.wait_for()
        assert wide.locator('[data-testid="stSidebar"]').bounding_box()["width"] > 200
    finally:
        wide.close()
    assert not app.problems()


@pytest.mark.parametrize(("path", "testid"), [("softmax", "live-probs"), ("temperature", "live-probs"),
                                              ("relatives", "live-curve")])
def test_on_a_phone_the_first_chart_is_in_view_with_the_handle_that_moves_it(app, path, testid):
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.open(path)
    slider = app.page.locator(LIVE_HANDLES).first.bounding_box()
    chart = app.page.locator(f'[data-testid="{testid}"]').first.bounding_box()
    # From the slider's top to the chart's bottom: one phone screen, less the browser's own bars (about 650 of
    # the 844 px). The sliders-then-readouts layout this replaced needed 770-790 px.
    assert chart["y"] > slider["y"]
    assert chart["y"] + chart["height"] - slider["y"] < 650
