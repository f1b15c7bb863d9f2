"""The home page in a real browser: the formula, and a path of links through every other page in order."""

from urllib.parse import urlsplit

from ui.nav import PAGES


def path_links(app):
    return app.page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a')


def test_the_path_links_every_other_page_in_registry_order(app):
    app.open("")
    links = path_links(app)
    hrefs = [urlsplit(links.nth(i).get_attribute("href")).path.strip("/") for i in range(links.count())]
    assert hrefs == [entry.url_path for entry in PAGES[1:]]
    assert app.page.locator('[data-testid="stMain"] .katex').count() >= 1, "the softmax formula is not typeset"
    assert not app.problems()


def test_following_a_path_link_opens_the_page_with_its_charts(app):
    app.open("", lang="es")
    path_links(app).first.click()
    app.page.wait_for_url("**/softmax**")
    app.wait_idle()
    # the softmax page's bars are the live editor's (ui/live), not a Plotly chart
    app.page.wait_for_selector('[data-testid="live-probs"]', timeout=15_000)
    assert app.selected(app.language_box()) == "Español", "the language was lost on the way"
    app.screenshot("home-to-softmax-es")
    assert not app.problems()
