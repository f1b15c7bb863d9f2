"""URL parameters: parsing, ranges and fallbacks, without Streamlit."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.params import GLOBAL, PAGES, markdown_table
from ui.state import BoolParam, ChoiceParam, FloatParam, IntParam, LogitsParam, ParamError, read_query

T = FloatParam("T", default=1.0, lo=0.05, hi=20.0)


@pytest.mark.parametrize("raw", ["abc", "", "nan", "inf", "-inf", "1e309", "0", "21", "-1", "0x10", "1,5"])
def test_a_bad_temperature_is_refused(raw):
    with pytest.raises(ParamError):
        T.parse(raw)


def test_a_good_temperature_is_read_with_a_unicode_minus_allowed():
    assert T.parse(" 0.5 ") == 0.5
    assert FloatParam("c", 0.0, lo=-10, hi=10).parse("\u22123") == -3.0


@given(st.floats(min_value=0.05, max_value=20.0))
def test_a_float_survives_the_round_trip_through_the_url(value):
    assert T.parse(T.format(value)) == value


def test_ints_bools_and_choices_reject_what_they_cannot_hold():
    with pytest.raises(ParamError):
        IntParam("n", 1, lo=1, hi=10).parse("2.5")
    with pytest.raises(ParamError):
        IntParam("n", 1, lo=1, hi=10).parse("9" * 400)
    with pytest.raises(ParamError):
        BoolParam("projector", False).parse("maybe")
    with pytest.raises(ParamError):
        ChoiceParam("lang", "", choices=("en", "pt")).parse("xx")
    assert BoolParam("projector", False).parse("1") is True


def test_logits_need_two_values_and_parse_like_the_text_box():
    p = LogitsParam("logits", default=(2.0, 1.0, 0.5))
    assert p.parse("2,1,0.5") == (2.0, 1.0, 0.5)
    for raw in ["5", "1,abc", "1,,2", ",".join(["1"] * 20_000), "1,nan"]:
        with pytest.raises(ParamError):
            p.parse(raw)


def test_read_query_falls_back_and_names_each_bad_parameter():
    params = (T, LogitsParam("logits", default=(2.0, 1.0, 0.5), shared=True))
    values, warnings = read_query(params, {"T": "hot", "logits": "1,2"}, {"T": 3.0})
    assert values == {"T": 3.0, "logits": (1.0, 2.0)}
    assert [name for name, _, _ in warnings] == ["T"]


def test_defaults_are_valid_for_their_own_parameters():
    for params in [GLOBAL, *PAGES.values()]:
        for p in params:
            if p.default not in ("", ()):
                assert p.parse(p.format(p.default)) == p.default, p.name
            if isinstance(p, FloatParam):
                assert math.isfinite(p.lo) and math.isfinite(p.hi)


def test_every_parameter_appears_in_the_documented_table():
    table = markdown_table()
    for params in [GLOBAL, *PAGES.values()]:
        for p in params:
            assert f"`{p.name}`" in table


def test_the_readme_documents_exactly_the_declared_parameters():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    documented = readme.split("<!-- params:begin -->\n")[1].split("\n<!-- params:end -->")[0]
    assert documented == markdown_table(), "README is stale: paste the output of `python -m ui.params`"
