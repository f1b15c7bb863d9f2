"""Cross-entropy and binary cross-entropy: PyTorch semantics, direct formulas, stability, errors."""

import warnings

import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given
from hypothesis import strategies as st
from strategies import logits_and_labels

from softmax_core import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_grad,
    smoothed_targets,
    softmax,
)

smoothing = st.sampled_from([0.0, 0.1, 0.5, 1.0]) | st.floats(0.0, 1.0)


def direct_cross_entropy(x, y, eps):
    """The textbook definition: -sum(q * log softmax(x)) with q the smoothed one-hot target."""
    k = x.shape[-1]
    q = (1 - eps) * np.eye(k)[y] + eps / k
    return -(q * sp.log_softmax(x, axis=-1)).sum(axis=-1)


# --- reference values -------------------------------------------------------------------------

def test_a_confident_mistake_costs_exactly_the_margin():
    assert cross_entropy([[1000.0, 0.0]], [1]) == 1000.0
    assert cross_entropy([[1000.0, 0.0]], [0]) == 0.0


def test_course_example_costs_minus_log_of_its_probability():
    assert cross_entropy([2.0, 1.0, 0.5], 0) == pytest.approx(-np.log(softmax([2.0, 1.0, 0.5])[0]))


def test_uniform_logits_cost_log_k():
    assert cross_entropy(np.zeros((3, 7)), [0, 3, 6]) == pytest.approx(np.log(7), rel=1e-15)


def test_smoothed_targets_spread_epsilon_over_all_classes():
    np.testing.assert_allclose(smoothed_targets(0, 4, label_smoothing=0.1), [0.925, 0.025, 0.025, 0.025])


def test_course_claim_of_0_9_for_smoothed_target_is_wrong():
    assert smoothed_targets(0, 4, label_smoothing=0.1)[0] != pytest.approx(0.9)


@given(logits_and_labels(), smoothing)
def test_smoothed_targets_sum_to_one(xy, eps):
    x, y = xy
    np.testing.assert_allclose(smoothed_targets(y, x.shape[1], label_smoothing=eps).sum(axis=-1), 1.0)


# --- properties -------------------------------------------------------------------------------

@given(logits_and_labels(), smoothing)
def test_cross_entropy_equals_the_direct_formula(xy, eps):
    x, y = xy
    expected = direct_cross_entropy(x, y, eps)
    np.testing.assert_allclose(cross_entropy(x, y, label_smoothing=eps, reduction="none"), expected,
                               rtol=1e-10, atol=1e-10)


@given(logits_and_labels(min_value=-1e300, max_value=1e300), smoothing)
def test_cross_entropy_is_never_negative(xy, eps):
    x, y = xy
    assert np.all(cross_entropy(x, y, label_smoothing=eps, reduction="none") >= 0)


@given(logits_and_labels())
def test_reductions_are_mean_and_sum_of_none(xy):
    x, y = xy
    none = cross_entropy(x, y, reduction="none")
    assert cross_entropy(x, y, reduction="sum") == pytest.approx(none.sum(), rel=1e-12)
    assert cross_entropy(x, y) == pytest.approx(none.mean(), rel=1e-12)


@given(logits_and_labels(dtype=np.float32, min_value=-30, max_value=30), smoothing)
def test_float32_logits_give_float32_losses_close_to_float64(xy, eps):
    x, y = xy
    got = cross_entropy(x, y, label_smoothing=eps, reduction="none")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, direct_cross_entropy(x.astype(np.float64), y, eps), rtol=1e-5, atol=1e-5)


@given(logits_and_labels(min_value=-20, max_value=20), smoothing)
def test_gradient_matches_finite_differences(xy, eps):
    x, y = xy
    h = 1e-6
    numeric = np.zeros_like(x)
    for j in range(x.shape[1]):
        step = np.zeros_like(x)
        step[:, j] = h
        numeric[:, j] = (cross_entropy(x + step, y, label_smoothing=eps, reduction="none")
                         - cross_entropy(x - step, y, label_smoothing=eps, reduction="none")) / (2 * h)
    np.testing.assert_allclose(cross_entropy_grad(x, y, label_smoothing=eps), numeric, atol=1e-6)


@given(logits_and_labels(), smoothing)
def test_gradient_is_softmax_minus_target_and_rows_sum_to_zero(xy, eps):
    x, y = xy
    grad = cross_entropy_grad(x, y, label_smoothing=eps)
    np.testing.assert_allclose(grad, softmax(x) - smoothed_targets(y, x.shape[1], label_smoothing=eps),
                               atol=1e-15)
    np.testing.assert_allclose(grad.sum(axis=-1), 0.0, atol=1e-12)


def test_a_single_example_takes_a_scalar_label():
    assert cross_entropy([0.0, 0.0], 1) == pytest.approx(np.log(2))
    assert cross_entropy_grad([0.0, 0.0], 1).shape == (2,)


def test_empty_batch_mean_is_nan_like_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int)))
        assert cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int), reduction="sum") == 0.0


def test_minus_inf_logit_masks_a_class():
    assert cross_entropy([[0.0, -np.inf]], [0]) == 0.0
    assert cross_entropy([[0.0, -np.inf]], [1]) == np.inf


# --- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("labels, code, message", [
    ([5], "label_out_of_range", r"label 5 is out of range for 3 classes \(0\.\.2\)"),
    ([-1], "label_out_of_range", r"label -1 is out of range for 3 classes"),
    ([1.5], "bad_labels", "whole numbers"),
    ([True], "bad_labels", "class indices"),
    (["a"], "bad_labels", "class indices"),
    ([0, 1], "bad_label_shape", r"must be shape \(1,\), one class index per row; got shape \(2,\)"),
])
def test_bad_labels_get_a_student_readable_message(labels, code, message):
    with pytest.raises(ValueError, match=message) as info:
        cross_entropy([[1.0, 2.0, 3.0]], labels)
    assert info.value.code == code


def test_integral_float_labels_are_accepted():
    assert cross_entropy([[1.0, 2.0]], [1.0]) == cross_entropy([[1.0, 2.0]], [1])


@pytest.mark.parametrize("kwargs, code", [
    ({"label_smoothing": -0.1}, "bad_label_smoothing"),
    ({"label_smoothing": 1.5}, "bad_label_smoothing"),
    ({"label_smoothing": True}, "bad_label_smoothing"),
    ({"reduction": "avg"}, "bad_reduction"),
])
def test_bad_options_are_rejected(kwargs, code):
    with pytest.raises(ValueError) as info:
        cross_entropy([[1.0, 2.0]], [0], **kwargs)
    assert info.value.code == code


@pytest.mark.parametrize("x", [np.zeros((2, 2, 2)), 1.0, np.zeros((2, 0))])
def test_bad_logit_shapes_are_rejected(x):
    with pytest.raises(ValueError):
        cross_entropy(x, 0)


# --- PyTorch, when installed ------------------------------------------------------------------

@pytest.mark.parametrize("eps", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_torch_cross_entropy(eps, reduction, dtype):
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch==2.13.0)")
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(64, 9)) * 8).astype(dtype)
    y = rng.integers(0, 9, 64)
    expected = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(y),
                                                 label_smoothing=eps, reduction=reduction).numpy()
    # In float32 PyTorch computes lse - z_y with cancellation when the loss is small, so allow an
    # absolute 1e-5 there; our float32 result is compared with float64 in the property tests.
    rtol, atol = (1e-5, 1e-5) if dtype == np.float32 else (1e-12, 0)
    np.testing.assert_allclose(cross_entropy(x, y, label_smoothing=eps, reduction=reduction), expected,
                               rtol=rtol, atol=atol)
    xt = torch.from_numpy(x).requires_grad_()
    torch.nn.functional.cross_entropy(xt, torch.from_numpy(y), label_smoothing=eps, reduction="sum").backward()
    np.testing.assert_allclose(cross_entropy_grad(x, y, label_smoothing=eps), xt.grad.numpy(),
                               rtol=rtol, atol=1e-7)
    assert cross_entropy(x, y, reduction=reduction).dtype == dtype


# --- binary cross-entropy ---------------------------------------------------------------------

def test_bce_hand_values_and_the_policy_at_0_and_1():
    got = binary_cross_entropy([0.9, 1.0, 0.0, 0.0, 1.0], [1, 1, 0, 1, 0], reduction="none")
    np.testing.assert_array_equal(got, [-np.log(0.9), 0.0, 0.0, np.inf, np.inf])
    assert not np.any(np.signbit(got))


def test_bce_at_the_extremes_emits_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        binary_cross_entropy([0.0, 1.0], [1.0, 0.0])


@given(st.floats(1e-6, 1 - 1e-6), st.floats(0, 1))
def test_bce_with_logits_equals_bce_of_the_sigmoid(p, y):
    z = np.log(p) - np.log1p(-p)
    assert binary_cross_entropy_with_logits([z], [y]) == pytest.approx(
        binary_cross_entropy([p], [y]), rel=1e-8, abs=1e-12)


@given(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1.0]))
def test_bce_with_logits_is_two_class_cross_entropy(z, y):
    assert binary_cross_entropy_with_logits([z], [y]) == pytest.approx(
        cross_entropy([[z, 0.0]], [int(1 - y)]), rel=1e-12, abs=1e-300)


def test_bce_with_logits_is_finite_for_huge_logits():
    np.testing.assert_array_equal(
        binary_cross_entropy_with_logits([-1000.0, 1000.0, 1000.0], [1, 1, 0], reduction="none"),
        [1000.0, 0.0, 1000.0])


@pytest.mark.parametrize("probs, targets, code", [
    ([1.2], [1], "bad_probs"), ([np.nan], [1], "bad_probs"), ([0.5], [2], "bad_targets"),
    ([0.5, 0.5], [1], "shape_mismatch"),
])
def test_bce_rejects_bad_inputs(probs, targets, code):
    with pytest.raises(ValueError) as info:
        binary_cross_entropy(probs, targets)
    assert info.value.code == code


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_matches_torch(reduction):
    torch = pytest.importorskip("torch", reason="PyTorch is optional (pip install torch==2.13.0)")
    rng = np.random.default_rng(1)
    p, y, z = rng.uniform(0.01, 0.99, 50), rng.uniform(0, 1, 50), rng.normal(scale=10, size=50)
    F = torch.nn.functional
    np.testing.assert_allclose(binary_cross_entropy(p, y, reduction=reduction),
                               F.binary_cross_entropy(torch.tensor(p), torch.tensor(y), reduction=reduction),
                               rtol=1e-12)
    np.testing.assert_allclose(binary_cross_entropy_with_logits(z, y, reduction=reduction),
                               F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y),
                                                                  reduction=reduction), rtol=1e-12)
