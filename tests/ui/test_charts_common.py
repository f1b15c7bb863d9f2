"""The margin reservation shared by every chart builder (ui/charts/common.py)."""

import hypothesis.strategies as st
from hypothesis import given

from ui import theme
from ui.charts.common import base_layout, category_axis, figure, merge, reserved_margins, text_width

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
