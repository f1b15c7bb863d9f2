"""Every catalogue holds every key, with the same placeholders as English."""

import pytest

from ui.i18n import LANGS, catalogue, fill, lang_from_locale, placeholders, translate

ENGLISH = catalogue("en")


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_exists_in_every_catalogue(lang):
    missing = sorted(set(ENGLISH) - set(catalogue(lang)))
    assert not missing, f"{lang} lacks {len(missing)} keys, e.g. {missing[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_catalogue_has_keys_english_lacks(lang):
    extra = sorted(set(catalogue(lang)) - set(ENGLISH))
    assert not extra, f"{lang} has keys English lacks: {extra[:10]}"


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_translations_keep_the_placeholders(lang):
    wrong = [key for key, text in catalogue(lang).items()
             if key in ENGLISH and placeholders(text) != placeholders(ENGLISH[key])]
    assert not wrong, f"{lang}: placeholders differ from English in {wrong[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_is_a_string(lang):
    assert all(isinstance(text, str) for text in catalogue(lang).values())


def test_placeholders_fill_only_named_values_so_latex_survives():
    assert fill(r"$e^{z}$ is {p}", p="0.5") == r"$e^{z}$ is 0.5"


def test_unknown_key_falls_back_to_the_key_itself():
    assert translate("pt", "no.such.key") == "no.such.key"


@pytest.mark.parametrize(("locale", "lang"), [("pt-BR", "pt"), ("es-419", "es"), ("zh-Hant-TW", "zh"),
                                              ("zh_TW", "zh"), ("de-DE", "en"), (None, "en"), ("", "en")])
def test_browser_locale_picks_a_language(locale, lang):
    assert lang_from_locale(locale) == lang
