"""The calibration charts draw exactly the core's numbers."""

import numpy as np

import softmax_core as sc
from ui import theme
from ui.charts import calibration as charts

STYLE = theme.NORMAL
PROBS = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.55, 0.45]])
LABELS = np.array([0, 1, 1, 1, 0])


def test_reliability_diagram_draws_accuracy_gaps_counts_and_marks_empty_bins():
    bins = sc.reliability_bins(PROBS, LABELS, n_bins=5)
    fig = charts.reliability_diagram(bins, style=STYLE, empty_label="empty")
    filled = bins.counts > 0
    acc, gap, empty, diagonal, counts = fig.data
    np.testing.assert_array_equal(acc.y, bins.accuracy[filled])
    np.testing.assert_allclose(np.asarray(acc.base if gap.base is None else gap.base), bins.accuracy[filled])
    np.testing.assert_allclose(gap.y, bins.gap[filled])
    assert list(counts.text) == [f"n={c}" for c in bins.counts[filled]]
    # Printed on top of the bar or of its gap, whichever is higher, not inside the hatched gap.
    np.testing.assert_allclose(counts.y, np.maximum(bins.accuracy, bins.confidence)[filled])
    assert len(empty.x) == int((~filled).sum()) == 2 and set(empty.text) == {"empty"}
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]


def test_equal_mass_bins_get_their_own_widths():
    bins = sc.reliability_bins(PROBS, LABELS, n_bins=2, strategy="quantile")
    fig = charts.reliability_diagram(bins, style=STYLE)
    np.testing.assert_allclose(np.array(fig.data[0].width) / 0.95, np.diff(bins.edges)[bins.counts > 0])


def test_confidence_histogram_prints_each_bins_share():
    bins = sc.reliability_bins(PROBS, LABELS, n_bins=5)
    fig = charts.confidence_histogram(bins, style=STYLE, accuracy=0.6, mean_confidence=0.75)
    np.testing.assert_allclose(fig.data[0].y, bins.counts / bins.counts.sum())
    assert [s.x0 for s in fig.layout.shapes] == [0.6, 0.75]
    # The lines are named in the legend with their values, not by labels inside the plot that met the bars'.
    assert [s.name for s in fig.layout.shapes] == ["accuracy 0.600", "mean confidence 0.750"]
    assert all(s.showlegend for s in fig.layout.shapes) and not fig.layout.annotations


def test_bar_labels_shrink_to_their_bars_and_hide_rather_than_overlap():
    bins = sc.reliability_bins(PROBS, LABELS, n_bins=5)
    for fig, labelled in ((charts.confidence_histogram(bins, style=STYLE, accuracy=0.6, mean_confidence=0.75), 0),
                          (charts.reliability_diagram(bins, style=STYLE), 4)):
        assert fig.data[labelled].constraintext == "outside"
        assert fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize >= 10
        assert fig.data[labelled].textfont.size >= 12  # the n= labels were 10 px, about 7 px high


def test_marker_labels_sit_above_the_plot_on_either_side_of_two_markers():
    fig = charts.lines([0.5, 1, 2], [("a", [1, 2, 3])], style=STYLE, markers=[(1.5, "T*"), (1.0, "yours")])
    star, yours = fig.layout.annotations
    assert star.y == yours.y == 1 and star.yanchor == yours.yanchor == "bottom"
    assert (star.xanchor, yours.xanchor) == ("left", "right")  # T* is right of yours: its label goes right


def test_lines_and_metric_bars_show_the_values_given():
    fig = charts.lines([1, 2, 3], [("a", [0.1, 0.2, 0.3])], style=STYLE, markers=[(2.0, "T*")], log_x=True)
    assert list(fig.data[0].y) == [0.1, 0.2, 0.3] and fig.data[0].name == "a 0.300"  # the last value, in the legend
    assert fig.layout.xaxis.type == "log" and fig.layout.shapes[0].x0 == 2.0
    assert fig.layout.annotations[0].x == np.log10(2.0)  # annotations on a log axis are placed in log10 units
    fig = charts.metric_bars(["x", "<b>y</b>"], [0.5, np.inf], style=STYLE)
    assert list(fig.data[0].text) == ["0.5000", "inf"]
    assert fig.layout.xaxis.ticktext == ("x", "&lt;b&gt;y&lt;/b&gt;")


def test_a_wrapped_title_keeps_its_room_above_the_marker_labels():
    """The binning chart's two-line title ran into "your 15 bins" above the plot."""
    one = charts.lines([5, 10], [("a", [0.1, 0.2])], style=STYLE, title="ECE", markers=[(5, "m")])
    two = charts.lines([5, 10], [("a", [0.1, 0.2])], style=STYLE, markers=[(5, "m")],
                       title="ECE of the same predictions under different binnings")
    assert two.layout.margin.t - one.layout.margin.t >= 1.25 * STYLE.title_size - 1
