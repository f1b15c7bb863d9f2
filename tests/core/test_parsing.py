"""Parsing logits and class names: the separator rules, every error code, and the URL round trip."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import finite_floats

from softmax_core import (
    MAX_LABEL_LENGTH,
    MAX_LOGITS,
    LogitParseError,
    default_labels,
    format_logits,
    parse_labels,
    parse_logits,
)


@pytest.mark.parametrize("text, expected", [
    ("2, 1, 0.5", [2.0, 1.0, 0.5]),
    ("2 1 0.5", [2.0, 1.0, 0.5]),
    ("2;1;0.5", [2.0, 1.0, 0.5]),
    ("2\n1\n0.5\n", [2.0, 1.0, 0.5]),
    ("1 , 2   3", [1.0, 2.0, 3.0]),
    ("\u22121.5, \u20132", [-1.5, -2.0]),          # Unicode minus and en dash
    ("\uff12\uff0c\uff11\uff0e\uff15", [2.0, 1.5]),  # full-width "2,1.5"
    ("1\u30012", [1.0, 2.0]),                       # ideographic comma
    ("1e3, -2.5E-2, .5, +4", [1000.0, -0.025, 0.5, 4.0]),
    ("1, 2,", [1.0, 2.0]),                          # one trailing separator is forgiven
    ("1;\n\n2;", [1.0, 2.0]),                       # blank lines are skipped
    ("1e-400", [0.0]),                              # underflow is zero, not an error
])
def test_accepted_forms(text, expected):
    got = parse_logits(text)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("text, expected", [
    ("2,5; 1", [2.5, 1.0]),      # a ';' turns commas between digits into decimal commas
    ("2,5\n1", [2.5, 1.0]),      # so do several lines
    ("1, 2; 3", [1.0, 2.0, 3.0]),  # a comma followed by a space still separates
    ("2,5", [2.0, 5.0]),         # without them, the comma is the URL separator
])
def test_decimal_comma_rule(text, expected):
    np.testing.assert_array_equal(parse_logits(text), expected)


@pytest.mark.parametrize("text, code, token, position", [
    ("", "empty", None, None),
    ("  ;\n ", "empty", None, None),
    ("1,,2", "empty_entry", "", 2),
    ("1;;2", "empty_entry", "", 2),
    ("1, two, 3", "not_a_number", "two", 2),
    ("1.2.3", "not_a_number", "1.2.3", 1),
    ("1_000", "not_a_number", "1_000", 1),
    ("1,000.5; 2", "not_a_number", "1,000.5", 1),
    ("1, nan", "not_finite", "nan", 2),
    ("-inf", "not_finite", "-inf", 1),
    ("Infinity", "not_finite", "Infinity", 1),
    ("1, 1e309", "not_finite", "1e309", 2),
])
def test_rejections_name_the_offending_entry(text, code, token, position):
    with pytest.raises(LogitParseError) as info:
        parse_logits(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.code, err.token, err.position) == (code, token, position)
    if token:
        assert token in str(err)


def test_too_many_values_are_rejected_with_the_limit():
    parse_logits(",".join(["1"] * MAX_LOGITS))
    with pytest.raises(LogitParseError) as info:
        parse_logits(",".join(["1"] * (MAX_LOGITS + 1)))
    assert (info.value.code, info.value.limit) == ("too_many", 10_000)


def test_non_text_is_a_type_error():
    with pytest.raises(TypeError):
        parse_logits([1.0, 2.0])


def test_format_is_canonical():
    assert format_logits([2.0, 1.0, 0.5]) == "2,1,0.5"
    assert format_logits(np.array([-0.0, 1e20, 1e-7, 0.1 + 0.2])) == "-0,1e+20,1e-07,0.30000000000000004"


def test_format_rejects_non_finite():
    with pytest.raises(ValueError):
        format_logits([1.0, np.nan])


@given(st.lists(finite_floats(min_value=-1.7e308, max_value=1.7e308), min_size=1, max_size=50))
def test_parse_format_round_trip_is_exact(values):
    x = np.array(values)
    back = parse_logits(format_logits(x))
    np.testing.assert_array_equal(back, x)
    np.testing.assert_array_equal(np.signbit(back), np.signbit(x))


@given(st.lists(finite_floats(dtype=np.float32, min_value=-3e38, max_value=3e38), min_size=1, max_size=20))
def test_float32_values_round_trip_as_float64(values):
    x = np.array(values, dtype=np.float32)
    np.testing.assert_array_equal(parse_logits(format_logits(x)), x.astype(np.float64))


def test_labels_are_stripped_padded_and_cut():
    assert parse_labels(" cat , dog", 4) == ["cat", "dog", "C", "D"]
    assert parse_labels("a,b,c,d", 2) == ["a", "b"]
    assert parse_labels("x" * 100, 1) == ["x" * MAX_LABEL_LENGTH]
    assert parse_labels("cat, dog") == ["cat", "dog"]
    assert parse_labels("") == [] and parse_labels("", 2) == ["A", "B"]


def test_labels_are_never_interpreted():
    names = parse_labels("<b>bold</b>, **md**, $x$", 3)
    assert names == ["<b>bold</b>", "**md**", "$x$"]


def test_repeated_labels_are_made_unique():
    assert parse_labels("a, a, a") == ["a", "a (2)", "a (3)"]


def test_label_separators_include_full_width_ones():
    assert parse_labels("猫，狗、鸟") == ["猫", "狗", "鸟"]


def test_default_labels():
    assert default_labels(26)[-1] == "Z"
    assert default_labels(27)[0] == "class 1" and len(default_labels(27)) == 27
