"""The temperature page's chart builders hold exactly the numbers the core computed."""

import numpy as np
import pytest

import softmax_core as sc
from ui import theme
from ui.charts import temperature as charts

from chart_geometry import title_band, top_row_top

STYLE = theme.NORMAL
LOGITS = np.array([1.0, 2.0, 3.0])


def test_the_bars_hold_softmax_at_t_with_the_t_equal_one_ghost_beside_them():
    probs, ghost = sc.softmax(LOGITS, temperature=0.5), sc.softmax(LOGITS)
    fig = charts.temperature_bars(probs, ghost, list("ABC"), style=STYLE)
    np.testing.assert_array_equal(fig.data[0].y, sc.softmax(np.array([2.0, 4.0, 6.0])))
    np.testing.assert_array_equal(fig.data[1].y, ghost)
    assert fig.layout.barmode == "group" and fig.data[1].opacity < 1
    assert list(fig.data[0].text) == [f"{p:.4f}" for p in probs]
    assert list(fig.layout.xaxis.ticktext) == ["A", "B", "C"]
    assert fig.layout.shapes[0].y0 == 1 / 3


def test_many_classes_fold_and_keep_both_totals():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=100)
    probs, ghost = sc.softmax(logits, temperature=0.3), sc.softmax(logits)
    fig = charts.temperature_bars(probs, ghost, [str(i) for i in range(100)], style=STYLE)
    assert len(fig.data[0].y) == len(fig.data[1].y) == 21
    np.testing.assert_allclose(sum(fig.data[0].y), 1.0)
    np.testing.assert_allclose(sum(fig.data[1].y), 1.0)


def test_class_curves_draw_the_sweep_on_a_log_axis_with_the_current_t_marked():
    sweep = sc.temperature_sweep(LOGITS, sc.temperature_grid(21))
    probs = sc.softmax(LOGITS, temperature=2.0)
    fig = charts.class_curves(sweep.temperatures, sweep.probs, list("ABC"), current=2.0, current_probs=probs,
                              ghost=sc.softmax(LOGITS), style=STYLE, cold_text="cold", hot_text="hot")
    assert fig.layout.xaxis.type == "log"
    assert list(fig.data[0].x) == [2.0, 2.0]  # the marker line
    lines = [d for d in fig.data if d.mode == "lines" and d.name in ("A", "B", "C")]
    for i, line in enumerate(lines):
        np.testing.assert_array_equal(line.y, sweep.probs[:, i])
    dots = [d for d in fig.data if d.mode == "markers+text"]
    np.testing.assert_array_equal([d.y[0] for d in dots], probs)
    assert {a.text for a in fig.layout.annotations} >= {"cold", "hot"}


def test_only_the_eight_most_likely_classes_get_a_curve():
    logits = np.arange(12.0)
    sweep = sc.temperature_sweep(logits, sc.temperature_grid(5))
    fig = charts.class_curves(sweep.temperatures, sweep.probs, [str(i) for i in range(12)], current=1.0,
                              current_probs=sc.softmax(logits), ghost=sc.softmax(logits), style=STYLE)
    assert sorted(d.name for d in fig.data if d.mode == "lines" and d.name and d.name.isdigit()) == \
        sorted(str(i) for i in range(4, 12))


def test_the_entropy_curve_reaches_towards_log_k():
    sweep = sc.temperature_sweep(LOGITS, sc.temperature_grid(21))
    fig = charts.entropy_curve(sweep.temperatures, sweep.entropy, current=1.0,
                               current_entropy=float(sc.entropy(sc.softmax(LOGITS))), k=3, style=STYLE)
    np.testing.assert_array_equal(fig.data[1].y, sweep.entropy)
    assert fig.data[3].y[0] == np.log(3)
    assert fig.layout.xaxis.type == "log"


def test_the_animation_has_one_frame_per_temperature_holding_its_softmax():
    sweep = sc.temperature_sweep(LOGITS, sc.temperature_grid(9))
    fig = charts.sweep_animation(sweep.temperatures, sweep.probs, list("ABC"), style=STYLE)
    assert len(fig.frames) == 9
    for frame, row in zip(fig.frames, sweep.probs):
        np.testing.assert_array_equal(frame.data[0].y, row)
    np.testing.assert_array_equal(fig.data[0].y, sc.softmax(LOGITS))  # opens on T = 1
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert len(fig.layout.sliders[0].steps) == 9


def test_the_sample_chart_shows_shares_beside_probabilities():
    probs = sc.softmax(LOGITS)
    counts = sc.sample_counts(probs, 1000, seed=1)
    fig = charts.sample_bars(probs, counts, list("ABC"), style=STYLE)
    np.testing.assert_array_equal(fig.data[0].y, counts / 1000)
    np.testing.assert_array_equal(fig.data[1].y, probs)


def test_stage_bars_grey_out_dropped_classes_and_highlight_the_best_kept():
    steps = sc.decode_steps([3.0, 2.0, 2.0, 0.0], temperature=1.0, k=1, p=1.0)
    fig = charts.stage_bars(steps.top_k, list("abcd"), style=STYLE, kept=steps.top_k > 0)
    np.testing.assert_array_equal(fig.data[0].x, [1.0, 0.0, 0.0, 0.0])
    assert list(fig.data[0].marker.color) == [theme.HIGHLIGHT, theme.MUTED, theme.MUTED, theme.MUTED]
    assert fig.layout.yaxis.autorange == "reversed"


def test_stage_bars_print_each_word_with_its_value_and_leave_room_for_negative_ones():
    """The words were tick labels: they took half a narrow column and met negative bars' values."""
    fig = charts.stage_bars(np.array([5.0, -2.5]), ["sun", "moon"], style=STYLE, digits=2)
    assert list(fig.data[0].text) == ["sun 5.00", "moon -2.50"] and fig.layout.yaxis.showticklabels is False
    lo, hi = fig.layout.xaxis.range
    assert lo <= -2.5 - 5.0 and hi >= 5.0 + 5.0  # a full span beyond each end: room for "moon -2.50"


def test_stage_bars_keep_ties_that_top_k_keeps():
    steps = sc.decode_steps([3.0, 2.0, 2.0, 0.0], temperature=1.0, k=2, p=1.0)
    fig = charts.stage_bars(steps.top_k, list("abcd"), style=STYLE, kept=steps.top_k > 0)
    assert list(fig.data[0].marker.color)[:3] == [theme.HIGHLIGHT, theme.BAR, theme.BAR]
    assert fig.data[0].x[1] == fig.data[0].x[2] > 0


def test_the_choice_strip_plots_each_choice_in_order():
    run = sc.boltzmann_run([1.0, 0.5, 0.0], temperature=1.0, steps=12, seed=0)
    fig = charts.choice_strip(run.choices, list("xyz"), style=STYLE, best=[True, False, False])
    np.testing.assert_array_equal(fig.data[0].y, run.choices)
    assert list(fig.data[0].x) == list(range(1, 13))


def test_html_in_labels_is_escaped_everywhere():
    evil = ["<b>x</b>", "B", "C"]
    probs = sc.softmax(LOGITS)
    fig = charts.temperature_bars(probs, probs, evil, style=STYLE)
    assert fig.layout.xaxis.ticktext[0] == "&lt;b&gt;x&lt;/b&gt;"
    sweep = sc.temperature_sweep(LOGITS, sc.temperature_grid(5))
    curves = charts.class_curves(sweep.temperatures, sweep.probs, evil, current=1.0, current_probs=probs,
                                 ghost=probs, style=STYLE)
    assert all("<b>" not in (d.name or "") and "<b>" not in str(d.text or "") for d in curves.data)


def test_curve_values_are_printed_on_the_side_their_curve_leaves_free():
    """'B 0.231' sat under its own curve: a label goes below a rising curve and above a falling one."""
    temps = np.geomspace(0.05, 20, 50)
    probs = np.array([sc.softmax(LOGITS / t) for t in temps])
    fig = charts.class_curves(temps, probs, list("ABC"), current=1.0, current_probs=sc.softmax(LOGITS),
                              ghost=sc.softmax(LOGITS), style=STYLE)
    marks = {d.text[0].split()[0]: d.textposition for d in fig.data if d.mode == "markers+text"}
    assert marks["A"] == "bottom right" and marks["C"] == "top right"  # A (smallest logit) rises with T, C falls


def test_stage_bars_leave_a_projector_title_its_room():
    """A fixed 50 px top margin cut the pipeline's titles in projector type."""
    fig = charts.stage_bars(np.array([0.5, 0.5]), ["a", "b"], style=theme.PROJECTOR, title="1. logits ÷ T (T = 1)")
    assert fig.layout.margin.t >= 2 * theme.PROJECTOR.title_size


@pytest.mark.parametrize("style", [theme.NORMAL, theme.PROJECTOR], ids=["normal", "projector"])
@pytest.mark.parametrize("chart", ["class_curves", "entropy_curve"])
def test_the_limit_notes_have_a_row_of_their_own_under_a_two_line_title(style, chart):
    """On the projector the two-line title of the curves sat on "← T → 0" (both in the top margin)."""
    sweep = sc.temperature_sweep(LOGITS, sc.temperature_grid(21))
    title = "Each class's probability as the temperature T goes from cold to hot"
    if chart == "class_curves":
        fig = charts.class_curves(sweep.temperatures, sweep.probs, list("ABC"), current=1.0, title=title,
                                  current_probs=sc.softmax(LOGITS), ghost=sc.softmax(LOGITS), style=style)
    else:
        fig = charts.entropy_curve(sweep.temperatures, sweep.entropy, current=1.0, current_entropy=1.0,
                                   title=title, style=style, k=3)
    assert "<br>" in fig.layout.title.text
    top, bottom = title_band(fig.layout, style)
    assert top >= 0 and bottom <= top_row_top(fig.layout, style.font_size - 2)
