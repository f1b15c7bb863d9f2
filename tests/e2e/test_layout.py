"""The layout check: every page and part, as a laptop, a classroom projector and a phone draw it.

For each view, from the rendered page (``e2e_harness.layout_problems``): no two chart labels overlap (Plotly's and
the live component's SVG text), no chart text is clipped or crossed by a line or covered by a bar, no plot area is
narrower than 160 px, the page never scrolls sideways, and no label is cut with an ellipsis.

One test per page, and one browser page for it: the page is loaded once, each part is reached with the part
picker (a rerun, as a reader does it), the phone is the same page resized, and the projector is the sidebar's
toggle (the same session setting ``projector=1`` sets). Each part is checked once per viewport.
"""

import pytest

from ui.i18n import set_language, t
from ui.params import PAGES

from .conftest import ROUTES
from .e2e_harness import LAYOUT_VIEWPORTS, layout_problems, resize_and_settle

# Drawn by the live component on a requestAnimationFrame after the script run: wait for its text.
JS_LIVE_DRAWN = """() => [...document.querySelectorAll('.ssl-root svg.ssl-svg')]
    .every(svg => svg.getBoundingClientRect().width === 0 || svg.querySelector('text.ssl-title')?.textContent)"""


# Known failures, each one view's one kind of problem (strict: once fixed, the test fails until it is taken out).
KNOWN: dict = {}


def _parts(route):
    part = next((p for p in PAGES[route.key] if p.name == "part"), None)
    return part.choices if part else (None,)


def _label(route, part):
    set_language("en")
    return t(f"{route.key}.parts.{part}")


def _settle(app):
    # A part's first visit may train the calibration page's network (minutes on a busy machine).
    app.wait_idle(timeout=240_000)
    app.page.wait_for_function(JS_LIVE_DRAWN, timeout=15_000)


def _show(app, route, part):
    """Switch to ``part`` with the page's own part picker: a rerun, not a new page load."""
    app.page.locator('[data-testid="stMain"] [data-testid="stRadio"]').get_by_text(
        _label(route, part), exact=True).first.click()
    # The link follows the part once the run has ended (the default part leaves it).
    shown = None if part == _parts(route)[0] else part
    app.page.wait_for_function("p => new URL(location.href).searchParams.get('part') === p", arg=shown)
    app.page.wait_for_timeout(200)  # let the rerun start before waiting for it to end
    _settle(app)


def _projector_on(app):
    """The sidebar's projector toggle, then the same check a ``projector=1`` link would get."""
    sidebar = app.page.locator('[data-testid="stSidebar"]')
    if not sidebar.locator('[data-testid="stCheckbox"]').first.is_visible():
        app.page.locator('[data-testid="stExpandSidebarButton"]').click()
    sidebar.get_by_text(t("common.projector"), exact=True).click()
    app.page.wait_for_function("() => new URL(location.href).searchParams.get('projector') === '1'")
    app.page.wait_for_timeout(200)
    _settle(app)
    # A projector link opens with the sidebar closed; the toggle closes it too (app.py): wait for that.
    app.page.wait_for_function("""() => {
        const s = document.querySelector('[data-testid="stSidebar"]');
        return !s || s.getAttribute('aria-expanded') === 'false' || s.getBoundingClientRect().right <= 1; }""")
    resize_and_settle(app, LAYOUT_VIEWPORTS["projector"][0])


@pytest.mark.parametrize("where", ROUTES, ids=lambda r: r.key)
def test_nothing_overlaps_is_clipped_or_scrolls_sideways(app, where):
    parts = _parts(where)
    found = []

    def check(view, part):
        found.extend(f"{where.key}{'-' + part if part else ''} {view}: {p}" for p in layout_problems(app))

    app.page.set_viewport_size(LAYOUT_VIEWPORTS["desktop"][0])
    app.page.goto(app.url_for(where.path, **({"part": parts[0]} if parts[0] else {})))
    _settle(app)
    for i, part in enumerate(parts):  # laptop: first part to last
        if i:
            _show(app, where, part)
        check("desktop", part)
    resize_and_settle(app, LAYOUT_VIEWPORTS["phone"][0])
    for i, part in enumerate(reversed(parts)):  # phone: back from the last part, no state seen twice
        if i:
            _show(app, where, part)
        check("phone", part)
    app.page.set_viewport_size(LAYOUT_VIEWPORTS["projector"][0])
    _projector_on(app)
    for i, part in enumerate(parts):  # projector: from the first part again
        if i:
            _show(app, where, part)
        check("projector", part)
    assert not app.problems()
    known = [(view, kind) for view, kind in KNOWN if view.split("-")[0] == where.key]
    seen = [k for k in known if any(p.startswith(f"{k[0]}: {k[1]}") for p in found)]
    found = [p for p in found if not any(p.startswith(f"{view}: {kind}") for view, kind in known)]
    assert not found, "\n".join(found)
    assert seen == known, f"fixed, take it out of KNOWN: {sorted(set(known) - set(seen))}"
    if known:
        pytest.xfail("; ".join(sorted({KNOWN[k] for k in known})))


# The live curve's value label finds its place each frame (ui/live/live.js, pointLabel): it once sat above-right of
# the point whatever the curve did there, and a line ran through "σ(z) = 0.8176". Walked end to end with Page Up
# on the phone (narrowest, so steepest) and the projector (largest text).
@pytest.mark.parametrize("view", ["phone", "projector"])
@pytest.mark.parametrize("where", [("relatives", {"part": "sigmoid"}), ("cross_entropy", {"part": "bce"}),
                                   ("cross_entropy", {"part": "bce", "by": "0"})], ids=["sigmoid", "bce1", "bce0"])
def test_the_live_curve_label_is_clear_of_every_line_along_the_curve(app, where, view):
    route, params = where
    size, projector = LAYOUT_VIEWPORTS[view]
    app.page.set_viewport_size(size)
    app.open(route, **params, projector=projector)
    app.page.wait_for_function(JS_LIVE_DRAWN, timeout=15_000)
    handle = app.page.locator('[data-testid="stMain"] .ssl-root [role="slider"]').first
    handle.focus()
    app.page.keyboard.press("Home")
    found, values = [], []
    for _ in range(40):  # Page Up is ten steps: 17 places on z in [-8, 8], 11 on ŷ in [0, 1]
        app.next_frame()
        value = float(handle.get_attribute("aria-valuenow"))
        values.append(value)
        found += [f"at {value:g}: {p}" for p in layout_problems(app) if p.startswith("live chart")]
        if value >= float(handle.get_attribute("aria-valuemax")):
            break
        app.page.keyboard.press("PageUp")
    assert len(values) > 10 and values[-1] == float(handle.get_attribute("aria-valuemax")), values
    assert not found, "\n".join(found)
    assert not app.problems()
