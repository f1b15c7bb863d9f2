"""The relatives page's chart builders hold exactly the core's numbers."""

import numpy as np
import pytest

import softmax_core as sc
from ui import theme
from ui.charts.relatives import curves, grouped_bars, jacobian_heatmap, label_bars

from chart_geometry import title_band, top_row_top

STYLE = theme.NORMAL


def test_curves_hold_each_series_and_draw_the_step_as_a_step():
    r = sc.argmax_slice([0.0, 1.0], 0, np.linspace(-3, 3, 7))
    fig = curves(r.grid, {"soft": r.soft, "hard": r.hard}, step=("hard",), style=STYLE, point=(0.5, {"soft": 0.4}))
    assert fig.data[0].line.shape == "linear" and fig.data[1].line.shape == "hv"
    np.testing.assert_array_equal(fig.data[1].y, r.hard)
    assert list(fig.data[2].x) == [0.5] and list(fig.data[2].text) == ["0.4000"]


def test_label_bars_print_the_values_and_draw_the_reference_line():
    p = sc.sigmoid(np.array([3.0, 2.5, -1.5]))
    fig = label_bars(p, ["cat", "<b>", "dog"], style=STYLE, colour=theme.BAR, line=0.5, line_text="0.5")
    np.testing.assert_array_equal(fig.data[0].y, p)
    assert list(fig.layout.xaxis.ticktext) == ["cat", "&lt;b&gt;", "dog"]
    assert fig.layout.shapes[0].y0 == 0.5


def test_jacobian_heatmap_is_the_core_jacobian_with_every_value_printed():
    jac = sc.softmax_jacobian(sc.softmax(np.array([2.0, 1.0, 0.5])))
    fig = jacobian_heatmap(jac, list("ABC"), style=STYLE)
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), jac)
    assert fig.data[0].text[1][2] == f"{jac[1, 2]:+.3f}"
    assert fig.data[0].zmin == -fig.data[0].zmax  # diverging scale centred on 0


def test_grouped_bars_keep_series_order():
    fig = grouped_bars({"a": [0.2, 0.8], "b": [0.5, 0.5]}, ["x", "y"], style=STYLE)
    assert [tr.name for tr in fig.data] == ["a", "b"]
    assert list(fig.data[1].y) == [0.5, 0.5]


def test_bar_labels_fit_their_bar_or_hide_rather_than_overlap():
    """Six attention weights on a phone: "4.7e-09" ran into "0.030"."""

    figs = [label_bars(np.array([4.7e-9, 0.03, 0.97]), list("abc"), style=theme.NORMAL, colour=theme.BAR),
            grouped_bars({"x": np.array([0.5, 0.5]), "y": np.array([0.2, 0.8])}, list("ab"), style=theme.NORMAL)]
    for fig in figs:
        assert {tr.constraintext for tr in fig.data} == {"outside"} and fig.layout.uniformtext.mode == "hide"


@pytest.mark.parametrize("style", [theme.NORMAL, theme.PROJECTOR], ids=["normal", "projector"])
def test_the_jacobian_column_names_have_a_row_of_their_own_under_the_title(style):
    """The column names on top of the Jacobian sat on its title (both in the top margin)."""
    p = sc.softmax(np.array([2.0, 1.0, 0.5]))
    layout = jacobian_heatmap(np.diag(p) - np.outer(p, p), list("ABC"), style=style,
                              title="Jacobian ∂p_i/∂z_j of these logits").layout
    top, bottom = title_band(layout, style)
    # The tick labels rest on the plot's top edge, Plotly's pad below them.
    assert top >= 0 and bottom <= top_row_top(layout, style.font_size) - layout.margin.pad + 10
