"""The numerical-stability page through app.py: the walls it draws are NumPy's own, hostile links only warn."""

import numpy as np
import pytest

import softmax_core as sc
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS

DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


PART_CHARTS = {"overflow": 2, "trick": 1, "log": 2, "sums": 2, "frameworks": 1}  # the bars are always drawn


def chart(at, key):
    """The figure drawn under one chart key: the bars come first, then the chart of the part shown."""
    if key == "bars":
        return figures(at)[0]
    assert at.radio(key="numerics.part").value == {"overflow": "overflow", "logspace": "log", "sums": "sums"}[key]
    return figures(at)[1]


def trace(fig, name):
    return next(tr for tr in fig["data"] if tr.get("name") == name)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("part", PART_CHARTS)
def test_every_part_renders_in_every_language(lang, part):
    at = open_page("numerics", lang=lang, mag="2", part=part)
    assert not at.exception
    assert len(figures(at)) == PART_CHARTS[part]
    assert not [k for k in texts(at).split() if k.startswith("numerics.")], "an untranslated key is shown"


@pytest.mark.parametrize("name", DTYPES)
def test_the_overflow_walls_shown_are_where_numpy_really_overflows(name):
    at = open_page("numerics")
    wall = trace(chart(at, "overflow"), f"{name} threshold")["x"][0]
    dt = DTYPES[name]
    below = np.nextafter(dt(wall), dt(0))  # the last number of the type below the wall
    above = np.nextafter(dt(wall), dt(np.inf))
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(below)) and np.exp(above) == np.inf
        # NumPy's own search: the largest x whose exp is finite, bisected in float64 then rounded to the type
        lo, hi = 0.0, 1000.0
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.isfinite(np.exp(dt(mid))) else (lo, mid)
    assert dt(lo) in (below, dt(wall))


@pytest.mark.parametrize(("name", "mag"), [("float16", "1.2"), ("float32", "2"), ("float64", "2.6")])
def test_past_the_wall_the_naive_bars_are_nan_and_the_stable_ones_are_softmax(name, mag):
    at = open_page("numerics", logits="2,1,0.5", mag=mag, dtype=name)
    assert not at.exception
    naive, stable = chart(at, "bars")["data"][:2]
    assert naive["text"][0] == "NaN"
    scaled = (np.array([2.0, 1.0, 0.5]) * 10 ** float(mag)).astype(DTYPES[name])
    np.testing.assert_array_equal(stable["y"], sc.softmax(scaled).astype(float))
    assert at.error  # the page says the textbook formula broke


def test_below_the_wall_both_formulas_agree():
    at = open_page("numerics", logits="2,1,0.5", dtype="float64")
    naive, stable = chart(at, "bars")["data"][:2]
    np.testing.assert_allclose(naive["y"], stable["y"], rtol=1e-15)
    assert at.success


def test_the_magnitude_slider_redraws_the_bars():
    at = open_page("numerics", dtype="float32")
    at.slider(key="numerics.mag").set_value(2.0).run()
    assert at.query_params["mag"] == "2"
    assert chart(at, "bars")["data"][0]["text"][0] == "NaN"


def test_log_softmax_keeps_what_softmax_rounds_to_zero():
    at = open_page("numerics", logits="2,1,0.5", mag="3", dtype="float64", part="log")  # 2000, 1000, 500
    fig = chart(at, "logspace")
    np.testing.assert_array_equal(fig["data"][0]["y"], [0.0, -1000.0, -1500.0])
    assert list(fig["data"][1]["x"]) == [1, 2]  # the two classes whose probability is exactly 0


def test_the_sums_per_dtype_are_the_cores():
    at = open_page("numerics", logits="2,1,0.5", part="sums")
    fig = chart(at, "sums")
    for name, dt in DTYPES.items():
        devs = trace(fig, name)["customdata"]
        assert devs[0] == sc.sum_deviation([2.0, 1.0, 0.5], dtype=dt).exact
    assert max(trace(fig, "float16")["customdata"]) > 1e-4 > max(trace(fig, "float32")["customdata"])


def test_negative_logits_break_by_underflow_and_say_so():
    at = open_page("numerics", logits="-5,-6", mag="4", dtype="float64")
    assert not at.exception
    assert "0 / 0" in texts(at)


@pytest.mark.parametrize("part", PART_CHARTS)
@pytest.mark.parametrize("query", [{"mag": "99"}, {"mag": "nan"}, {"dtype": "float128"}, {"logits": "1,zz"},
                                   {"logits": "1e308,-1e308", "mag": "4"}, {"logits": "0,0", "mag": "-1"},
                                   {"part": "all"}])
def test_hostile_parameters_warn_without_a_traceback(query, part):
    at = open_page("numerics", **{"part": part, **query})
    assert not at.exception
    assert at.warning
    assert len(figures(at)) == PART_CHARTS[at.radio(key="numerics.part").value]


def test_bad_typed_logits_show_the_error_in_place():
    at = open_page("numerics")
    at.text_input(key="numerics.logits_text").input("3, banana").run()
    assert not at.exception
    assert any("banana" in e.value for e in at.error)


def test_the_quiz_can_be_revealed_only_after_an_answer():
    at = open_page("numerics")
    key = "quiz.numerics.float32"
    assert at.button(key=f"{key}.button").disabled
    at.radio(key=f"{key}.choice").set_value("[NaN, 0]").run()
    assert not at.button(key=f"{key}.button").disabled
