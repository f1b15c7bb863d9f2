"""The cross-entropy page's core: BCE steps, clipping vs logits, KL, squared error, gradient descent.

References: direct formulas, SciPy (rel_entr, log_softmax, expit), finite differences, hand-derived values.
"""

import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given
from hypothesis import strategies as st
from strategies import logit_vectors, logits_and_labels

import softmax_core as sc
from softmax_core import CoreValueError


def finite_difference(f, z, h=1e-6):
    """Central differences of a scalar function of a vector."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i in range(z.size):
        e = np.zeros_like(z)
        e[i] = h
        out[i] = (f(z + e) - f(z - e)) / (2 * h)
    return out


# --- binary cross-entropy, step by step -------------------------------------------------------

def test_bce_steps_follow_the_lesson():
    steps = sc.bce_steps([0.9, 0.2, 0.4], [1, 0, 1])
    np.testing.assert_allclose(steps.likelihood, [0.9, 0.8, 0.4], rtol=1e-15)
    np.testing.assert_allclose(steps.log_likelihood, np.log([0.9, 0.8, 0.4]), rtol=1e-15)
    np.testing.assert_allclose(steps.losses, -np.log([0.9, 0.8, 0.4]), rtol=1e-15)
    assert steps.mean == pytest.approx(-np.log([0.9, 0.8, 0.4]).mean(), rel=1e-15)


@given(st.lists(st.tuples(st.sampled_from([0, 1]), st.floats(0.0, 1.0)), min_size=1, max_size=30))
def test_bce_steps_agree_with_binary_cross_entropy(pairs):
    y, p = np.array(pairs, dtype=float).T
    steps = sc.bce_steps(p, y)
    np.testing.assert_allclose(steps.losses, sc.binary_cross_entropy(p, y, reduction="none"), rtol=1e-12)
    assert steps.mean == pytest.approx(float(sc.binary_cross_entropy(p, y)), rel=1e-12)


def test_a_certain_mistake_costs_infinity_and_a_certain_success_zero():
    steps = sc.bce_steps([0.0, 1.0, 1.0, 0.0], [1, 0, 1, 0])
    assert steps.losses.tolist() == [np.inf, np.inf, 0.0, 0.0]
    assert steps.mean == np.inf


def test_no_examples_have_a_nan_mean():
    assert np.isnan(sc.bce_steps([], []).mean)


@pytest.mark.parametrize(("probs", "targets", "code"), [
    ([0.5], [0.5], "bad_targets"), ([0.5], [2], "bad_targets"), ([1.5], [1], "bad_probs"),
    ([np.nan], [1], "bad_probs"), ([0.5, 0.5], [1], "shape_mismatch"),
])
def test_bce_steps_reject_bad_input_with_a_code(probs, targets, code):
    with pytest.raises(CoreValueError) as err:
        sc.bce_steps(probs, targets)
    assert err.value.code == code


# --- clipping against logits ------------------------------------------------------------------

def test_from_logits_matches_the_float64_reference():
    z = np.linspace(-40, 40, 81)
    for target in (0, 1):
        c = sc.clipping_comparison(z, target, eps=1e-7)
        reference = -sp.log_expit(z if target == 1 else -z)  # log-sigmoid: exact at both ends
        np.testing.assert_allclose(c.from_logits, reference, rtol=2e-6, atol=1e-6)
        np.testing.assert_allclose(c.grad_from_logits, (sp.expit(z) - target).astype(np.float32), atol=1e-7)


def test_clipping_caps_the_loss_and_kills_the_gradient_where_logits_do_not():
    c = sc.clipping_comparison([-40.0, -30.0, -20.0], 1, eps=1e-3)
    cap = -np.log(np.float32(1e-3))
    np.testing.assert_allclose(c.clipped, cap, rtol=1e-6)
    assert c.grad_clipped.tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(c.from_logits, [40.0, 30.0, 20.0], rtol=1e-6)
    np.testing.assert_allclose(c.grad_from_logits, -1.0, atol=1e-6)


def test_the_naive_loss_becomes_infinite_once_the_probability_rounds_to_one():
    c = sc.clipping_comparison([10.0, 20.0], 0, eps=1e-7)
    assert np.isfinite(c.naive[0]) and c.naive[1] == np.inf  # float32: 1 - sigmoid(20) rounds to 0
    assert np.all(np.isfinite(c.from_logits))


def test_a_clip_below_float32_resolution_does_not_prevent_the_infinity():
    c = sc.clipping_comparison([30.0], 0, eps=1e-12)
    assert c.clipped[0] == np.inf  # 1 - 1e-12 rounds to 1 in float32
    assert np.isfinite(sc.clipping_comparison([30.0], 0, eps=1e-7).clipped[0])


@pytest.mark.parametrize(("target", "eps", "code"), [(2, 1e-7, "bad_targets"), (True, 1e-7, "bad_targets"),
                                                      (1, 0.0, "bad_eps"), (1, 0.5, "bad_eps"),
                                                      (1, float("nan"), "bad_eps")])
def test_clipping_comparison_rejects_bad_options(target, eps, code):
    with pytest.raises(CoreValueError) as err:
        sc.clipping_comparison([0.0], target, eps=eps)
    assert err.value.code == code


# --- categorical: the loss along one logit ----------------------------------------------------

@given(logit_vectors(min_size=2, max_size=8, min_value=-30, max_value=30), st.data())
def test_loss_along_a_logit_is_the_cross_entropy_of_the_moved_logits(z, data):
    label = data.draw(st.integers(0, len(z) - 1))
    eps = data.draw(st.sampled_from([0.0, 0.1]))
    values = np.linspace(-10, 10, 7)
    curve = sc.loss_along_logit(z, label, values, label_smoothing=eps)
    for v, loss in zip(values, curve):
        moved = z.copy()
        moved[label] = v
        assert loss == pytest.approx(float(sc.cross_entropy(moved, label, label_smoothing=eps)), rel=1e-12,
                                     abs=1e-12)


def test_loss_along_the_true_logit_decreases_and_is_asymptotically_linear():
    curve = sc.loss_along_logit([2.0, 1.0, 0.5], 0, [-50.0, -49.0, 0.0, 50.0])
    assert curve[0] - curve[1] == pytest.approx(1.0, rel=1e-12)
    assert np.all(np.diff(curve) < 0)
    assert curve[-1] < 1e-20


# --- squared error and its gradient -----------------------------------------------------------

@given(logits_and_labels(max_classes=6, min_value=-20, max_value=20))
def test_squared_error_gradient_matches_finite_differences(case):
    x, y = case
    for row, label in zip(x, y):
        numeric = finite_difference(lambda z: float(sc.squared_error(z, label)), row)
        np.testing.assert_allclose(sc.squared_error_grad(row, label), numeric, atol=1e-6)


def test_squared_error_is_the_direct_sum_of_squares():
    z = np.array([2.0, 1.0, 0.5])
    assert float(sc.squared_error(z, 1)) == pytest.approx(np.sum((sp.softmax(z) - [0, 1, 0]) ** 2), rel=1e-15)


# --- KL divergence ----------------------------------------------------------------------------

@given(logit_vectors(min_size=2, max_size=8, min_value=-30, max_value=30), st.data())
def test_cross_entropy_is_entropy_plus_kl(z, data):
    label = data.draw(st.integers(0, len(z) - 1))
    eps = data.draw(st.floats(0.0, 1.0))
    targets = sc.smoothed_targets(label, len(z), label_smoothing=eps)
    ce = float(sc.cross_entropy(z, label, label_smoothing=eps))
    assert float(sc.entropy(targets)) + float(sc.kl_divergence(targets, z)) == pytest.approx(ce, rel=1e-9, abs=1e-9)


def test_kl_matches_scipy_rel_entr():
    t = np.array([0.7, 0.2, 0.1, 0.0])
    z = np.array([1.0, -1.0, 0.5, 2.0])
    assert float(sc.kl_divergence(t, z)) == pytest.approx(sp.rel_entr(t, sp.softmax(z)).sum(), rel=1e-13)
    assert float(sc.kl_divergence(sp.softmax(z), z)) == pytest.approx(0.0, abs=1e-15)


def test_kl_rejects_mismatched_shapes():
    with pytest.raises(CoreValueError) as err:
        sc.kl_divergence([0.5, 0.5], [0.0, 0.0, 0.0])
    assert err.value.code == "shape_mismatch"


# --- gradient descent on logits ---------------------------------------------------------------

def test_descent_steps_are_minus_lr_times_p_minus_target():
    run = sc.descend_logits([2.0, 1.0, 0.5], 2, learning_rate=0.5, steps=3)
    for s in range(3):
        np.testing.assert_allclose(run.grads[s], sc.cross_entropy_grad(run.logits[s], 2), rtol=1e-15)
        np.testing.assert_allclose(run.logits[s + 1], run.logits[s] - 0.5 * run.grads[s], rtol=1e-15)
    np.testing.assert_allclose(run.losses, sc.cross_entropy(run.logits, np.full(4, 2), reduction="none"))


@given(logit_vectors(min_size=2, max_size=6, min_value=-10, max_value=10), st.data())
def test_cross_entropy_descent_never_raises_the_loss_with_a_small_step(z, data):
    label = data.draw(st.integers(0, len(z) - 1))
    run = sc.descend_logits(z, label, learning_rate=0.5, steps=20)
    assert np.all(np.diff(run.losses) <= 1e-12)


def test_squared_error_descent_uses_its_own_gradient():
    run = sc.descend_logits([0.0, 0.0, 0.0], 0, learning_rate=1.0, steps=2, loss="squared_error")
    np.testing.assert_allclose(run.logits[1], -sc.squared_error_grad([0.0, 0.0, 0.0], 0), rtol=1e-15)
    np.testing.assert_allclose(run.losses, sc.squared_error(run.logits, np.zeros(3, int)), rtol=1e-15)


def test_from_a_confident_mistake_cross_entropy_learns_and_squared_error_barely_moves():
    start = sc.confidently_wrong_logits(3, 0, margin=8.0)
    ce = sc.descend_logits(start, 0, learning_rate=1.0, steps=30)
    se = sc.descend_logits(start, 0, learning_rate=1.0, steps=30, loss="squared_error")
    assert ce.probs[-1, 0] > 0.9
    assert se.probs[-1, 0] < 0.01


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"learning_rate": -0.1, "steps": 5}, "bad_learning_rate"),
    ({"learning_rate": 0.0, "steps": 5}, "bad_learning_rate"),
    ({"learning_rate": float("inf"), "steps": 5}, "bad_learning_rate"),
    ({"learning_rate": 0.1, "steps": -1}, "bad_steps"),
    ({"learning_rate": 0.1, "steps": 2.5}, "bad_steps"),
    ({"learning_rate": 0.1, "steps": sc.MAX_STEPS + 1}, "bad_steps"),
    ({"learning_rate": 0.1, "steps": 5, "loss": "hinge"}, "bad_loss"),
])
def test_descent_rejects_bad_options(kwargs, code):
    with pytest.raises(CoreValueError) as err:
        sc.descend_logits([1.0, 0.0], 0, **kwargs)
    assert err.value.code == code


def test_descent_rejects_a_label_out_of_range():
    with pytest.raises(CoreValueError) as err:
        sc.descend_logits([1.0, 0.0], 2, learning_rate=0.1, steps=1)
    assert err.value.code == "label_out_of_range"


# --- the gradient sweep -----------------------------------------------------------------------

def test_gradient_sweep_components_are_those_of_the_full_gradients():
    z = np.array([2.0, 1.0, 0.5])
    values = np.array([-6.0, 0.0, 3.0])
    sweep = sc.gradient_sweep(z, 1, values)
    for v, p, ce, se in zip(values, sweep.p_true, sweep.cross_entropy, sweep.squared_error):
        moved = z.copy()
        moved[1] = v
        assert p == pytest.approx(sp.softmax(moved)[1], rel=1e-14)
        assert ce == pytest.approx(abs(sc.cross_entropy_grad(moved, 1)[1]), rel=1e-14)
        assert se == pytest.approx(abs(sc.squared_error_grad(moved, 1)[1]), rel=1e-14)


def test_when_confidently_wrong_cross_entropy_pulls_a_thousand_times_harder():
    sweep = sc.gradient_sweep([0.0, 0.0], 0, [np.log(0.001 / 0.999)])
    assert sweep.p_true[0] == pytest.approx(0.001)
    assert sweep.cross_entropy[0] == pytest.approx(0.999)
    assert sweep.squared_error[0] == pytest.approx(4 * 0.001 * 0.999 ** 2)  # 2 classes: 4 p (1-p)^2


def test_confidently_wrong_logits_put_the_true_class_below_the_rest():
    z = sc.confidently_wrong_logits(4, 2, margin=3.0)
    assert z.tolist() == [0.0, 0.0, -3.0, 0.0]
