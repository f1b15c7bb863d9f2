"""The softmax page's chart builders hold exactly the numbers the core computed."""

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

import softmax_core as sc
from ui import theme
from ui.charts.common import escape_label, fmt_value, select_bars
from ui.charts.softmax import logit_bars, probability_bars, top_classes

from chart_geometry import title_band, top_row_top

STYLE = theme.NORMAL


def test_probability_bars_hold_the_core_probabilities_in_class_order():
    logits = np.array([2.0, 1.0, 0.5])
    probs = sc.softmax(logits)
    fig = probability_bars(probs, ["A", "B", "C"], style=STYLE)
    bar = fig.data[0]
    np.testing.assert_array_equal(np.asarray(bar.y), probs)
    assert list(bar.x) == [0, 1, 2]
    assert list(fig.layout.xaxis.ticktext) == ["A", "B", "C"]
    assert list(bar.text) == ["0.6285", "0.2312", "0.1402"]


def test_the_winner_is_highlighted_and_the_uniform_line_sits_at_one_over_k():
    fig = probability_bars(sc.softmax(np.array([0.0, 3.0, 1.0, 0.0])), list("ABCD"), style=STYLE)
    colours = list(fig.data[0].marker.color)
    assert colours[1] == theme.HIGHLIGHT and colours.count(theme.HIGHLIGHT) == 1
    line = fig.data[1]
    assert {y for y in line.y if y is not None} == {0.25} and line.showlegend is not False
    assert (min(x for x in line.x if x is not None), max(x for x in line.x if x is not None)) == (-0.5, 3.5)


def test_the_uniform_line_breaks_over_a_value_it_would_cross():
    """At logits 2, 1, 0.5 the line at 1/3 ran through B's printed 0.2312."""
    line = probability_bars(sc.softmax(np.array([2.0, 1.0, 0.5])), list("ABC"), style=STYLE).data[1]
    drawn = [(a, b) for a, b in zip(line.x, line.x[1:]) if a is not None and b is not None]
    assert drawn == [(-0.5, 0.5), (1.5, 2.5)]  # over A and C, not over B


def test_ties_for_first_place_are_all_highlighted():
    fig = probability_bars(sc.softmax(np.array([2.0, 2.0, 0.0])), list("ABC"), style=STYLE)
    assert list(fig.data[0].marker.color).count(theme.HIGHLIGHT) == 2


def test_many_classes_fold_into_the_top_twenty_and_one_others_bar_that_keeps_the_total():
    rng = np.random.default_rng(0)
    probs = sc.softmax(rng.normal(size=10_000))
    fig = probability_bars(probs, [str(i) for i in range(10_000)], style=STYLE, others_label="{n} others")
    heights = np.asarray(fig.data[0].y)
    assert len(heights) == 21
    np.testing.assert_allclose(heights.sum(), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(np.sort(heights[:-1]), np.sort(probs)[-20:])
    assert fig.layout.xaxis.ticktext[-1] == "9980 others"
    assert len(fig.to_json()) < 100_000


def test_html_in_a_class_name_is_escaped_so_plotly_shows_it_as_text():
    fig = probability_bars(np.array([0.5, 0.5]), ["<b>x</b>", "<img src=x onerror=alert(1)>"], style=STYLE)
    assert "<" not in "".join(fig.layout.xaxis.ticktext)
    assert escape_label("<b>") == "&lt;b&gt;"


def test_duplicate_class_names_keep_separate_bars():
    fig = probability_bars(np.array([0.2, 0.8]), ["same", "same"], style=STYLE)
    assert len(fig.data[0].y) == 2


def test_logit_bars_show_negative_logits_unchanged():
    logits = np.array([-2.0, -1.0, -1.0])
    fig = logit_bars(logits, list("ABC"), style=STYLE)
    np.testing.assert_array_equal(np.asarray(fig.data[0].y), logits)
    assert isinstance(fig, go.Figure)


def test_projector_style_enlarges_text():
    small = probability_bars(np.array([0.5, 0.5]), list("AB"), style=theme.NORMAL)
    large = probability_bars(np.array([0.5, 0.5]), list("AB"), style=theme.PROJECTOR)
    assert large.layout.font.size > small.layout.font.size


@given(st.lists(st.floats(-50, 50), min_size=31, max_size=200))
def test_selection_keeps_the_largest_values(values):
    values = np.array(values)
    sel = select_bars(values)
    assert len(sel.index) == 20 and sel.folded == len(values) - 20
    assert values[sel.index].min() >= np.sort(values)[-20]


def test_tiny_and_zero_values_print_readably():
    assert fmt_value(0.0) == "0"
    assert fmt_value(0.62853) == "0.6285"
    assert fmt_value(1.2e-9) == "1.20e-09"


def _ten_thousand_logits_with_far_negative_outliers():
    logits = np.random.default_rng(3).normal(size=10_000)
    logits[::500] = -60.0  # the largest |logit| but the least probable classes
    return logits


def test_ten_thousand_logits_chart_the_same_twenty_most_probable_classes_as_their_probabilities():
    logits = _ten_thousand_logits_with_far_negative_outliers()
    labels = [str(i) for i in range(len(logits))]
    probs_fig = probability_bars(sc.softmax(logits), labels, style=STYLE)
    logit_fig = logit_bars(logits, labels, style=STYLE)
    most_probable = sorted(str(i) for i in np.argsort(-logits)[:20])
    assert sorted(logit_fig.layout.xaxis.ticktext[:20]) == most_probable
    assert list(logit_fig.layout.xaxis.ticktext[:20]) == list(probs_fig.layout.xaxis.ticktext[:20])


def test_the_gathered_logit_bar_carries_exactly_the_probability_of_the_others():
    logits = _ten_thousand_logits_with_far_negative_outliers()
    labels = [str(i) for i in range(len(logits))]
    shown = top_classes(logits)
    probs_fig = probability_bars(sc.softmax(logits), labels, style=STYLE, shown=shown)
    logit_fig = logit_bars(logits, labels, style=STYLE, others_label="{n} others, combined")
    assert logit_fig.layout.xaxis.ticktext[-1] == "9980 others, combined"
    # The softmax of the 21 logit bars is the probability chart, the gathered bar included.
    np.testing.assert_allclose(sc.softmax(np.asarray(logit_fig.data[0].y)), np.asarray(probs_fig.data[0].y),
                               rtol=1e-12)


def test_top_classes_break_ties_by_class_order_so_both_charts_agree():
    logits = np.zeros(40)
    assert list(top_classes(logits).index) == list(range(20))
    assert top_classes(np.zeros(30)).folded == 0


@pytest.mark.parametrize("logits", [[1e308, 0.0, 1.0], [-1e308, 0.0, 1.0], [1.7e308, -1.7e308, 0.0],
                                    [3e20, 1.0, 2.0]])
def test_huge_logits_get_an_axis_plotly_can_draw_that_holds_every_bar_and_its_label(logits):
    # Plotly's axis breaks down near 1e305: a range of 1.25e308 was drawn as ±1.5e304, the bar cut off.
    logits = np.array(logits)
    fig = logit_bars(logits, list("ABC"), style=STYLE, y_title="logit")
    drawn = np.asarray(fig.data[0].y)
    lo, hi = fig.layout.yaxis.range
    assert np.all(np.isfinite([lo, hi])) and max(abs(lo), abs(hi)) < 1e15
    assert lo < drawn.min() and drawn.max() < hi
    power = int(np.floor(np.log10(np.abs(logits).max())))
    np.testing.assert_allclose(drawn * 10.0 ** power, logits, rtol=1e-12)  # the same bars, in units of 10^power
    assert fig.layout.yaxis.title.text.startswith("logit (× 10")
    assert list(fig.data[0].text) == [fmt_value(v, digits=2) for v in logits]  # true values, printed


def test_ordinary_logits_are_drawn_unscaled():
    fig = logit_bars(np.array([2.0, 1.0, -0.5]), list("ABC"), style=STYLE, y_title="logit")
    assert list(fig.data[0].y) == [2.0, 1.0, -0.5] and fig.layout.yaxis.title.text == "logit"



@pytest.mark.parametrize("style", [theme.NORMAL, theme.PROJECTOR], ids=["normal", "projector"])
@pytest.mark.parametrize("title", ["Probabilities", "Probabilities of s × logits, s = 1 and a longer caption"])
def test_the_uniform_legend_has_a_band_of_its_own_under_the_title(style, title):
    """On the projector the "uniform 1/K" legend sat on the title (both in the top margin)."""
    layout = probability_bars(sc.softmax(np.array([2.0, 1.0, 0.5])), list("ABC"), style=style, title=title).layout
    top, bottom = title_band(layout, style)
    assert top >= 0 and bottom <= top_row_top(layout, style.font_size)
