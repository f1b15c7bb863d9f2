"""The cross-entropy page's chart builders hold exactly the numbers the core computed."""

import numpy as np
import pytest

import softmax_core as sc
from ui import theme
from ui.charts import cross_entropy as charts

STYLE = theme.NORMAL
LOGITS = np.array([2.0, 1.0, 0.5])


def test_bce_curves_hold_both_curves_and_the_marker_on_the_chosen_one():
    grid = np.linspace(0, 1, 11)
    pos = sc.binary_cross_entropy(grid, np.ones(11), reduction="none")
    neg = sc.binary_cross_entropy(grid, np.zeros(11), reduction="none")
    loss = float(sc.bce_steps([0.3], [0]).losses[0])
    fig = charts.bce_curves(grid, pos, neg, yhat=0.3, target=0, loss=loss, style=STYLE, names=("y=1", "y=0"),
                            marker_text="loss 0.36")
    np.testing.assert_allclose([v for v in fig.data[0].y if v is not None], pos[1:], rtol=1e-15)
    assert fig.data[0].y[0] is None  # -log 0 = inf is a gap, not a number
    np.testing.assert_allclose(fig.data[1].y[:-1], neg[:-1], rtol=1e-15)
    assert fig.data[2].x == (0.3,) and fig.data[2].y[0] == pytest.approx(-np.log(0.7))
    assert fig.data[2].marker.color == theme.SERIES[1]
    assert fig.data[2].text == ("loss 0.36",)


def test_an_infinite_loss_marker_sits_at_the_top_as_an_arrow():
    fig = charts.bce_curves(np.array([0.0, 1.0]), np.array([np.inf, 0.0]), np.array([0.0, np.inf]), yhat=0.0,
                            target=1, loss=np.inf, style=STYLE, names=("a", "b"), marker_text="loss ∞")
    assert fig.data[2].y == (charts.LOSS_CAP,)
    assert fig.data[2].marker.symbol == "triangle-up"


def test_clipping_chart_marks_where_the_naive_loss_becomes_infinite():
    c = sc.clipping_comparison(np.linspace(-40, 40, 81), 0, eps=1e-7)
    fig = charts.clipping_chart(c.logits, {"naive": c.naive, "clipped": c.clipped, "logits": c.from_logits},
                                {"clipped": c.grad_clipped, "logits": c.grad_from_logits}, style=STYLE,
                                infinite_text="∞")
    naive, arrow = fig.data[0], fig.data[1]
    first_inf = int(np.flatnonzero(np.isinf(c.naive))[0])
    assert naive.y[first_inf] is None and naive.y[first_inf - 1] is not None
    assert arrow.x == (float(c.logits[first_inf]),) and arrow.text == ("∞",)
    exact = [tr for tr in fig.data if tr.name == "logits" and tr.showlegend is not False][0]
    np.testing.assert_allclose(exact.y, c.from_logits, rtol=1e-6)
    grads = [tr for tr in fig.data if tr.xaxis == "x2"]
    np.testing.assert_allclose(grads[0].y, c.grad_clipped)
    np.testing.assert_allclose(grads[1].y, c.grad_from_logits)


def test_prediction_target_gradient_bars_are_p_t_and_p_minus_t():
    probs = sc.softmax(LOGITS)
    targets = sc.smoothed_targets(1, 3, label_smoothing=0.1)
    grad = sc.cross_entropy_grad(LOGITS, 1, label_smoothing=0.1)
    fig = charts.prediction_target_gradient(probs, targets, grad, ["A", "B", "C"], true_class=1, style=STYLE,
                                            names=("p", "t", "g"))
    np.testing.assert_array_equal(fig.data[0].y, probs)
    np.testing.assert_array_equal(fig.data[1].y, targets)
    np.testing.assert_allclose(fig.data[2].y, probs - targets, atol=1e-15)
    assert list(fig.layout.xaxis.ticktext) == ["A", "★ B", "C"]
    assert fig.data[2].text[1] == f"{grad[1]:.3f}"


def test_class_names_are_escaped_in_the_gradient_bars():
    fig = charts.prediction_target_gradient(np.ones(2) / 2, np.eye(2)[0], np.array([-0.5, 0.5]),
                                            ["<b>x</b>", "y"], true_class=0, style=STYLE, names=("p", "t", "g"))
    assert fig.layout.xaxis.ticktext[0] == "★ &lt;b&gt;x&lt;/b&gt;"


def test_loss_along_logit_marker_is_the_current_loss():
    values = np.linspace(-4, 8, 13)
    curve = sc.loss_along_logit(LOGITS, 0, values)
    loss = float(sc.cross_entropy(LOGITS, 0))
    fig = charts.loss_along_logit(values, curve, current=2.0, current_loss=loss, style=STYLE, marker_text="now")
    np.testing.assert_array_equal(fig.data[0].y, curve)
    assert fig.data[1].x == (2.0,) and fig.data[1].y == (loss,)


def test_loss_curves_print_the_value_at_the_chosen_step():
    run = sc.descend_logits(LOGITS, 2, learning_rate=1.0, steps=10)
    fig = charts.loss_curves({"CE": run.losses}, step=4, style=STYLE)
    np.testing.assert_array_equal(fig.data[0].y, run.losses)
    assert fig.data[1].x == (4,) and fig.data[1].y == (run.losses[4],)


def test_probability_paths_draw_every_class_and_highlight_the_true_one():
    run = sc.descend_logits(LOGITS, 2, learning_rate=1.0, steps=10)
    fig = charts.probability_paths(run.probs, ["A", "B", "C"], true_class=2, step=3, style=STYLE)
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    assert [tr.name for tr in lines] == ["A", "B", "C"]
    for k, tr in enumerate(lines):
        np.testing.assert_array_equal(tr.y, run.probs[:, k])
    assert lines[2].line.color == theme.HIGHLIGHT
    assert fig.layout.shapes[0].x0 == 3


def test_the_animation_has_one_frame_per_state_and_starts_at_step_zero():
    run = sc.descend_logits(LOGITS, 1, learning_rate=2.0, steps=6)
    fig = charts.animated_bars(run.probs, ["A", "B", "C"], true_class=1, style=STYLE, play_text="Play",
                               pause_text="Pause", step_text="step ")
    assert len(fig.frames) == 7
    np.testing.assert_array_equal(fig.data[0].y, run.probs[0])
    for s, frame in enumerate(fig.frames):
        np.testing.assert_array_equal(frame.data[0].y, run.probs[s])
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]
    assert len(fig.layout.sliders[0].steps) == 7


def test_gradient_magnitudes_hold_the_sweep_and_mark_the_current_point():
    sweep = sc.gradient_sweep(LOGITS, 0, np.linspace(-8, 8, 17))
    fig = charts.gradient_magnitudes(sweep.p_true, {"CE": sweep.cross_entropy, "SE": sweep.squared_error},
                                     current=(0.5, {"CE": 0.5, "SE": 0.1}), style=STYLE)
    np.testing.assert_array_equal(fig.data[0].y, sweep.cross_entropy)
    np.testing.assert_array_equal(fig.data[2].y, sweep.squared_error)
    assert fig.data[1].y == (0.5,) and fig.data[3].y == (0.1,)
    assert fig.layout.xaxis.type == "log"


@pytest.mark.parametrize("projector", [False, True])
def test_projector_mode_enlarges_the_charts(projector):
    style = theme.style_for(projector)
    fig = charts.loss_curves({"CE": np.array([1.0, 0.5])}, step=0, style=style)
    assert fig.layout.font.size == style.font_size
    assert fig.data[0].line.width == style.line_width


def test_training_paths_that_coincide_stay_visible_and_their_values_do_not_collide():
    """Line B was hidden under C, and their equal values were printed on each other."""
    probs = np.array([[0.4, 0.3, 0.3], [0.5, 0.25, 0.25]])
    fig = charts.probability_paths(probs, ["A", "B", "C"], true_class=0, step=1, style=STYLE)
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    b, c = lines[1], lines[2]
    assert b.line.dash != c.line.dash and b.line.width > c.line.width  # C, drawn last, is the narrower
    labels = [tr for tr in fig.data if tr.mode == "markers+text"]
    b_label, c_label = labels[1], labels[2]
    assert b_label.text == c_label.text and b_label.textposition != c_label.textposition


def test_grouped_bar_labels_fit_their_bar_or_hide_instead_of_running_under_the_next():
    fig = charts.prediction_target_gradient(np.array([0.629, 0.2, 0.171]), np.array([1.0, 0, 0]),
                                            np.array([-0.371, 0.2, 0.171]), list("ABC"), true_class=0, style=STYLE,
                                            names=("p", "t", "p − t"))
    assert {tr.constraintext for tr in fig.data} == {"outside"} and fig.layout.uniformtext.mode == "hide"
