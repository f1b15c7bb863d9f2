"""The words of the catalogues: no cited course or source, no English left in pt/es, one rule for numbers."""

import re

import pytest

from ui.i18n import LANGS, catalogue

# Pointing at a source a student has not seen ("the course material says") reads, on a teacher's projector, as
# the app contradicting the teacher's own course. Misconceptions are stated as common, not as someone's.
CITED = {
    "en": r"course (material|text|notebook)|source article|notebook example",
    "pt": r"do curso|usado como fonte|do notebook",
    "es": r"del curso|usado como fuente|del cuaderno",
    "zh": r"課程|參考文章|筆記本",
}


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_cites_a_course_or_a_source(lang):
    cited = {key: text for key, text in catalogue(lang).items() if re.search(CITED[lang], text, re.IGNORECASE)}
    assert not cited


# English method names may stand in parentheses after the translation, never instead of it.
ENGLISH = ("temperature scaling", "histogram binning", "label smoothing", "platt scaling", "frameworks", "ensemble")


@pytest.mark.parametrize("lang", ["pt", "es"])
def test_no_english_method_names_are_left_untranslated(lang):
    left = {}
    for key, text in catalogue(lang).items():
        outside = re.sub(r"\([^)]*\)", "", text).lower()
        found = [word for word in ENGLISH if word in outside]
        if found:
            left[key] = found
    assert not left


def test_portuguese_says_reproduzir_on_every_play_button():
    plays = {key: text for key, text in catalogue("pt").items() if key.endswith(".play")}
    assert plays and all(text == "▶ Reproduzir" for text in plays.values())
    assert not any(re.search(r"\b(Tocar|Play)\b", text) for text in catalogue("pt").values())


# The rule for numbers: a decimal point in every language (as in code, and as every chart, table and metric of the
# app prints them), said once on the home page. Only help about *typing* numbers may mention the decimal comma.
INPUT_HELP = ("softmax.paste_help", "calibration.upload_waiting")


@pytest.mark.parametrize("lang", LANGS)
def test_prose_writes_decimals_with_a_point_as_the_charts_do(lang):
    commas = {key: [n for n in re.findall(r"(?<![\d`,])\d+,\d+(?![\d`])", text)
                    if not re.fullmatch(r"[1-9]\d{0,2},\d{3}", n)]  # 10,000 groups thousands, as code prints it
              for key, text in catalogue(lang).items() if key not in INPUT_HELP}
    commas.update({key: re.findall(r"\d\{,\}\d", text) for key, text in catalogue(lang).items()  # LaTeX's 2{,}7
                   if re.search(r"\d\{,\}\d", text)})
    assert not {key: found for key, found in commas.items() if found}


@pytest.mark.parametrize("lang", LANGS)
def test_the_number_rule_is_stated_with_its_own_examples(lang):
    note = catalogue(lang)["home.number_format"]
    assert "0.5" in note and "10,000" in note
