"""The shell: every page in every language, the sidebar, and hostile global parameters."""

import pytest

from tests.live.apptest import live_data
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS, translate
from ui.nav import PAGES


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", [p.key for p in PAGES])
def test_every_page_renders_in_every_language(page, lang):
    at = open_page(page, lang=lang)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == translate(lang, f"{page}.title")
    assert at.query_params["lang"] == lang


def test_an_unknown_language_warns_and_falls_back_to_english():
    at = open_page("home", lang="xx")
    assert not at.exception
    assert any("lang" in w.value for w in at.warning)
    assert at.title[0].value == translate("en", "home.title")


def test_a_bad_projector_switch_warns_instead_of_failing():
    at = open_page("home", projector="banana")
    assert not at.exception
    assert any("projector" in w.value for w in at.warning)


def test_projector_mode_is_in_the_link_and_enlarges_charts():
    normal = figures(open_page("numerics"))[0]["layout"]["font"]["size"]
    at = open_page("numerics", projector="1")
    assert at.query_params["projector"] == "1"
    assert figures(at)[0]["layout"]["font"]["size"] > normal


def test_the_share_box_shows_this_views_link_and_a_qr_code():
    at = open_page("softmax", lang="pt", logits="3,1,2", projector="1")  # the QR box starts open for the teacher
    link = at.sidebar.code[0].value
    assert "/softmax?" in link and "lang=pt" in link and "logits=3,1,2" in link
    assert len(at.get("image")) == 1


def test_the_home_page_shows_the_worked_example_live():
    at = open_page("home")
    assert "0.629, 0.231, 0.140" in texts(at)


def test_a_setting_hidden_behind_another_part_survives_in_the_page_and_the_link():
    at = open_page("relatives", part="sigmoid", z="2.5")
    at.radio(key="relatives.part").set_value("table").run()  # the z slider is not drawn here
    assert at.query_params["z"] == "2.5"
    at.radio(key="relatives.part").set_value("sigmoid").run()
    assert live_data(at, "relatives.live_z")["value"] == 2.5  # the z handle is the live editor's
