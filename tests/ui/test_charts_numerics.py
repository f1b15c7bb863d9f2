"""The numerical-stability charts hold exactly the core's numbers."""

import numpy as np
import pytest

import softmax_core as sc
from ui import theme
from ui.charts.common import text_width
from ui.charts.numerics import (ZERO_FLOOR, log_space_bars, naive_vs_stable_bars, overflow_chart,
                                sum_deviation_bars)

STYLE = theme.NORMAL
DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


def test_naive_bars_print_nan_where_the_formula_broke_and_stable_bars_hold_softmax():
    r = sc.naive_vs_stable([2.0, 1.0, 0.5], scale=50.0, dtype=np.float32)  # 100, 50, 25
    fig = naive_vs_stable_bars(r.naive, r.stable, list("ABC"), style=STYLE, naive_name="n", stable_name="s")
    naive, stable = fig.data
    assert list(naive.text) == ["NaN", "0", "0"] and list(naive.y) == [0.0, 0.0, 0.0]
    np.testing.assert_array_equal(stable.y, r.stable.astype(float))
    assert list(fig.layout.xaxis.ticktext) == ["A", "B", "C"]


def test_the_overflow_chart_draws_each_wall_at_the_cores_threshold_and_stops_each_curve_there():
    x = np.geomspace(0.1, 5e4, 300)
    curves = {n: sc.exp_in(x, dtype=d) for n, d in DTYPES.items()}
    walls = {n: sc.overflow_threshold(d) for n, d in DTYPES.items()}
    fig = overflow_chart(x, curves, walls, style=STYLE, current=200.0, current_text="200")
    by_name = {tr.name: tr for tr in fig.data}
    for name, wall in walls.items():
        assert list(by_name[f"{name} threshold"].x) == [wall, wall]
        assert max(by_name[name].x) <= wall  # no point past the wall: there e^x is inf
        assert f"{wall:.2f}" in by_name[f"{name} threshold"].text[1]
    assert list(by_name["current"].x) == [200.0, 200.0]


def test_no_current_line_for_a_non_positive_largest_logit():
    x = np.array([1.0, 2.0])
    fig = overflow_chart(x, {"float64": np.exp(x)}, {"float64": 709.78}, style=STYLE, current=None)
    assert "current" not in [tr.name for tr in fig.data]


def test_log_space_bars_mark_the_classes_whose_probability_rounded_to_zero():
    r = sc.log_space([0.0, -800.0, -1.0])
    fig = log_space_bars(r.log_probs, r.log_of_probs, list("ABC"), style=STYLE, underflow_text="0")
    np.testing.assert_array_equal(fig.data[0].y, r.log_probs)
    assert list(fig.data[1].x) == [1]


def test_sum_bars_draw_an_exact_zero_at_the_floor_and_label_it_zero():
    fig = sum_deviation_bars(["a", "b"], {"float16": [0.0, 3e-4], "float64": [1e-16, 0.0]}, style=STYLE,
                             tolerance=1e-4, tolerance_text="1e-4")
    f16 = fig.data[0]
    assert list(f16.y) == [ZERO_FLOOR, 3e-4] and list(f16.text) == ["0", "3.0e-04"]
    assert list(f16.customdata) == [0.0, 3e-4]
    assert list(fig.data[-1].y) == [1e-4, 1e-4] and fig.data[-1].name == "1e-4"


def test_naive_and_stable_labels_hide_rather_than_overlap_on_narrow_bars():
    """On a phone the two bars of a class are about 38 px wide: "0.6285" over "0.6285" piled up."""
    fig = naive_vs_stable_bars(np.array([0.6, 0.4]), np.array([0.6, 0.4]), ["A", "B"], style=theme.NORMAL,
                                      naive_name="naive", stable_name="stable")
    assert {tr.constraintext for tr in fig.data} == {"outside"}
    assert fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize >= 10


def test_the_case_names_fit_side_by_side_on_a_phone():
    """On a 390 px phone the one-line case names ("your logits (K = 3)", "K = 10,000") overlapped."""
    cases = ["your logits (K = 3)", "K = 10", "K = 100", "K = 1,000", "K = 10,000"]
    fig = sum_deviation_bars(cases, {"float32": [1e-8] * 5, "float64": [0.0] * 5}, style=STYLE,
                             tolerance=1e-6, tolerance_text="tolerance")
    widths = [max(text_width(line, STYLE.font_size) for line in tick.split("<br>"))
              for tick in fig.layout.xaxis.ticktext]
    # Neighbours share a slot's width; text_width overestimates by about a quarter, and a phone's plot area is
    # about 280 px wide (390 px less the page's padding and the log axis' labels).
    needed = len(cases) * max((a + b) / 2 for a, b in zip(widths, widths[1:]))
    assert needed <= 1.25 * 280


def test_the_tolerance_is_named_in_the_legend_not_on_the_plot():
    """Its label, an annotation on the line (first at 10^0.0001: a log axis reads an annotation's y as the exponent),
    sat on the float16 values printed near 1e-4, on the phone and the projector."""
    fig = sum_deviation_bars(["a", "b"], {"float16": [1.2e-4, 3e-4]}, style=STYLE, tolerance=1e-4,
                             tolerance_text="tolerance")
    line = fig.data[-1]
    assert list(line.y) == [1e-4, 1e-4] and list(line.x) == [-0.5, 1.5] and line.name == "tolerance"
    assert fig.layout.showlegend and line.showlegend is not False
    assert not fig.layout.annotations
