"""The layout check: every page and part, as a laptop, a classroom projector and a phone draw it.

For each view, from the rendered page (``e2e_harness.layout_problems``): no two chart labels overlap, no chart
text is clipped or crossed by a line or covered by a bar, no plot area is narrower than 160 px, the page never
scrolls sideways, and no label is cut with an ellipsis. One test per page part; it opens the part once for the
laptop, resizes the same page to the phone, and opens it again with ``projector=1`` (a session setting).
"""

import pytest

from ui.params import PAGES

from .conftest import ROUTES
from .e2e_harness import LAYOUT_VIEWPORTS, layout_problems, resize_and_settle


def _cases():
    for route in ROUTES:
        part = next((p for p in PAGES[route.key] if p.name == "part"), None)
        for choice in part.choices if part else (None,):
            yield pytest.param(route, choice, id=f"{route.key}-{choice}" if choice else route.key)


def _open(app, path, **query):
    # A part's first visit may train the calibration page's network (minutes on a busy machine).
    app.page.goto(app.url_for(path, **query))
    app.wait_idle(timeout=240_000)


@pytest.mark.parametrize(("where", "part"), list(_cases()))
def test_nothing_overlaps_is_clipped_or_scrolls_sideways(app, where, part):
    found = []
    query = {"part": part} if part else {}
    app.page.set_viewport_size(LAYOUT_VIEWPORTS["desktop"][0])
    _open(app, where.path, **query)
    found += [f"desktop: {p}" for p in layout_problems(app)]
    resize_and_settle(app, LAYOUT_VIEWPORTS["phone"][0])
    found += [f"phone: {p}" for p in layout_problems(app)]
    app.page.set_viewport_size(LAYOUT_VIEWPORTS["projector"][0])
    _open(app, where.path, projector="1", **query)
    found += [f"projector: {p}" for p in layout_problems(app)]
    assert not found, "\n".join(found)
    assert not app.problems()
