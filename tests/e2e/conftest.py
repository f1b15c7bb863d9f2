"""Fixtures for the browser tests: one real ``streamlit run app.py`` per session, one Chromium per session,
and a fresh page per test.

To test a page, add ``tests/e2e/test_<page>.py`` and use the ``app`` fixture::

    def test_moving_a_slider_redraws_the_chart(app):
        app.open("temperature", T="0.5")
        assert app.press_on_slider(0) > 0
        assert not app.problems()

Every test in this folder is marked ``e2e``. Without a Chromium the tests skip with a note saying how to
install one; with ``CI=true`` they fail instead (see ``tests/conftest.py``).
"""

from dataclasses import dataclass

import pytest
from .e2e_harness import INSTALL_HINT, AppPage, StreamlitServer, find_chromium, launch_chromium

from ui.nav import PAGES


@dataclass(frozen=True)
class Route:
    """A page of the registry as the browser reaches it: ``path`` is "" for the home page."""

    key: str
    url_path: str
    path: str

    def __str__(self):
        return self.url_path


def _routes():
    # The home page is st.navigation's default and is served at "/", not at "/home".
    return [Route(p.key, p.url_path, "" if p.url_path == "home" else p.url_path) for p in PAGES]


ROUTES = _routes()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.path.as_posix():
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        pytest.skip(INSTALL_HINT)
    return path


@pytest.fixture(scope="session")
def app_server(chromium_path):
    """The real app, served by ``streamlit run app.py`` on a free port for the whole session."""
    with StreamlitServer("app.py") as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session: its HTTP cache keeps Streamlit's and Plotly's scripts between tests.

    Each page load is still a new Streamlit session (sessions live on the websocket, not in cookies).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def new_app(browser_context, app_server):
    """Factory of fresh pages on the app, each a new Streamlit session."""
    pages = []

    def make():
        pages.append(browser_context.new_page())
        return AppPage(pages[-1], app_server)

    yield make
    for page in pages:
        page.close()


@pytest.fixture
def app(new_app):
    """A fresh browser page on the app; ``app.problems()`` lists what a clean page must not have."""
    return new_app()


def pytest_generate_tests(metafunc):
    # `route` parametrises a test over every page of the registry (ui/nav.py).
    if "route" in metafunc.fixturenames:
        metafunc.parametrize("route", ROUTES, ids=str)
