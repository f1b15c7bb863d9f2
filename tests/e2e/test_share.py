"""The full-screen QR code fits the window of a classroom projector and of a 1080p screen, as large as it can."""

import pytest


@pytest.mark.parametrize(("width", "height", "query"), [(1280, 720, {"projector": "1"}), (1920, 1080, {})],
                         ids=["720p-projector", "1080p"])
def test_the_full_screen_qr_code_fits_the_window(browser, app_server, width, height, query):
    from .e2e_harness import AppPage

    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    try:
        app = AppPage(context.new_page(), app_server)
        app.page.goto(app.url_for("softmax", **query))
        app.wait_idle(timeout=90_000)  # generous: this runs beside the other browser tests on a shared machine
        opener = app.page.locator('[data-testid="stExpandSidebarButton"]')
        if opener.count() and opener.first.is_visible():  # projector mode starts with the sidebar folded away
            opener.first.click()
        app.page.get_by_role("button", name="Show the QR code full screen").click()
        qr = app.page.locator('[data-testid="big-qr"]')
        qr.wait_for()
        app.page.wait_for_function("() => document.querySelector('[data-testid=big-qr]').complete")
        box = qr.bounding_box()
        dialog = app.page.locator('[role="dialog"]').bounding_box()
        for frame in (box, dialog):
            assert frame["y"] >= 0 and frame["y"] + frame["height"] <= height, (frame, height)
            assert frame["x"] >= 0 and frame["x"] + frame["width"] <= width, (frame, width)
        assert box["width"] == pytest.approx(box["height"], abs=1)
        # As large as the window allows: the code takes most of the height (the rest is the dialog's frame).
        assert box["height"] >= 0.6 * height, box
        assert app.page.evaluate("() => document.querySelector('[data-testid=big-qr]').naturalWidth") > 0
        assert not app.problems()
    finally:
        context.close()
