"""The margin reservation shared by every chart builder (ui/charts/common.py)."""

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given

from ui import theme
from ui.charts.common import base_layout, category_axis, figure, merge, reserved_margins, text_width, wrap_lines

LABELS = st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=12)


def _layout(style=theme.NORMAL, **parts):
    return merge(base_layout(style, title="t", y_title="probability"), parts)


def test_text_width_counts_wide_characters_double():
    assert text_width("機率", 10) > text_width("ab", 10)
    assert text_width("", 10) == 0


@given(LABELS, st.sampled_from([theme.NORMAL, theme.PROJECTOR]))
def test_reserved_margins_never_shrink_what_a_builder_asked_for(labels, style):
    asked = {"l": 300, "r": 200, "t": 90, "b": 250}
    layout = _layout(style, xaxis=category_axis(labels), margin=asked)
    margin = reserved_margins([], layout)
    assert all(margin[side] >= value for side, value in asked.items())


@given(LABELS)
def test_longer_category_labels_on_the_left_get_a_wider_margin(labels):
    short = _layout(yaxis=category_axis(["a"] * len(labels)))
    long = _layout(yaxis=category_axis([label + "WWWWWWWWWW" for label in labels]))
    assert reserved_margins([], long)["l"] > reserved_margins([], short)["l"]


def test_projector_type_gets_wider_margins():
    normal = reserved_margins([], _layout(theme.NORMAL, xaxis={"type": "log", "title": {"text": "T"}}))
    big = reserved_margins([], _layout(theme.PROJECTOR, xaxis={"type": "log", "title": {"text": "T"}}))
    assert all(big[side] > normal[side] for side in "lbr")


def test_a_legend_below_the_plot_gets_room_and_more_rows_get_more():
    below = {"showlegend": True, "legend": {"orientation": "h", "y": -0.2, "yanchor": "top"}}
    no_legend = reserved_margins([], _layout())["b"]
    one = reserved_margins([{"name": "a"}], _layout(**below))["b"]
    many = reserved_margins([{"name": f"series number {i}"} for i in range(12)], _layout(**below))["b"]
    assert no_legend < one < many


def test_category_labels_do_not_widen_the_right_margin_but_an_edge_tick_does():
    bars = reserved_margins([], _layout(xaxis=category_axis(["a very long class name"] * 3)))
    log = reserved_margins([], _layout(xaxis={"type": "log", "tickvals": [0.05, 20], "ticktext": ["0.05", "20"]}))
    assert bars["r"] == 10 < log["r"]


def test_figure_applies_the_reservation():
    layout = _layout(xaxis=category_axis(["A", "B"]))
    fig = figure([{"type": "bar", "x": [0, 1], "y": [0.5, 0.5]}], layout)
    assert fig.layout.margin.l == reserved_margins([], layout)["l"] > layout["margin"]["l"]
    assert fig.layout.margin.pad == layout["margin"]["pad"]


@given(st.text(min_size=1, max_size=40))
def test_wrapped_labels_break_once_at_a_space_and_stay_escaped(label):
    text = category_axis([label], wrap=12)["ticktext"][0]
    assert text.count("<br>") <= 1
    assert text.replace("<br>", " ") == category_axis([label])["ticktext"][0] or " " not in label
    assert "<" not in text.replace("<br>", "")


def test_two_line_tick_labels_get_another_line_below_the_axis():
    one = reserved_margins([], _layout(xaxis=category_axis(["isotonic regression"])))
    two = reserved_margins([], _layout(xaxis=category_axis(["isotonic regression"], wrap=12)))
    assert two["b"] > one["b"]


def test_every_chart_prints_numbers_with_a_decimal_point_whatever_the_language():
    from ui.charts.common import base_layout
    from ui.theme import NORMAL, PROJECTOR
    assert base_layout(NORMAL)["separators"] == base_layout(PROJECTOR)["separators"] == ".,"


def test_log_axes_label_each_tick_with_its_full_value():
    """Plotly's own labels on a short log axis read "0.1 2 5 1 2 5 10": every tick must carry its full value."""
    from ui.charts import calibration, cross_entropy, numerics
    from ui.charts.common import log_ticks
    assert log_ticks(0.125, 8)["ticktext"] == ["0.2", "0.5", "1", "2", "5"]
    assert log_ticks(0.1, 5e4)["tickvals"] == [0.1, 1, 10, 100, 1000, 10000]
    figs = [calibration.lines([0.125, 1, 8], [("a", [1, 2, 3])], style=theme.NORMAL, log_x=True),
            numerics.overflow_chart(np.array([0.1, 10.0]), {}, {}, style=theme.NORMAL, current=None),
            cross_entropy.gradient_magnitudes(np.array([0.01, 0.5, 0.99]), {"CE": np.array([1.0, 0.5, 0.01])},
                                              current=None, style=theme.NORMAL)]
    for fig in figs:
        axis = fig.layout.xaxis
        assert axis.type == "log" and axis.tickmode == "array"
        assert all(float(text.replace(",", "")) == pytest.approx(v) for text, v in zip(axis.ticktext, axis.tickvals))


def test_long_titles_wrap_and_the_top_margin_grows_with_them():
    long = base_layout(theme.NORMAL, title="Test accuracy, mean confidence and ECE over training")
    short = base_layout(theme.NORMAL, title="NLL(T)")
    assert long["title"]["text"].count("<br>") == 1 and "<br>" not in short["title"]["text"]
    assert long["margin"]["t"] > short["margin"]["t"] and long["height"] > short["height"]
    assert wrap_lines("Probabilities of s × logits, s = 2", 19 * 18, 18)[-1] == "s = 2"  # never "s" / "= 2"
    chinese = wrap_lines("測試集上的準確率、平均信心與 ECE 隨訓練的變化以及更多的說明文字", 19 * 18, 18)
    assert len(chinese) > 1 and all(text_width(line, 18) <= 19 * 18 for line in chinese)
