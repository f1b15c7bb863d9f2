"""Reference tests for softmax_core.relatives: NumPy's own overflow, SciPy's softmax, hand-derived values."""

import math

import numpy as np
import pytest
from scipy.special import expit, log_softmax as scipy_log_softmax, softmax as scipy_softmax

import softmax_core as sc

DTYPES = (np.float16, np.float32, np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
def test_naive_breaks_at_the_first_float_whose_exponential_numpy_overflows(dtype):
    b = sc.naive_breakpoint([1.0, 0.0], dtype=dtype)
    x = dtype(b.largest_logit)
    with np.errstate(over="ignore"):
        assert np.exp(x) == np.inf or np.exp(x) + dtype(1) == np.inf  # e^x, or the sum e^x + e^0
        assert np.isfinite(np.exp(np.nextafter(x, dtype(0))) + dtype(1))
    assert b.cause == "overflow"
    assert b.largest_logit == pytest.approx(sc.overflow_threshold(dtype), rel=1e-3)


def test_all_negative_logits_break_by_underflow_near_log_of_the_smallest_subnormal():
    b = sc.naive_breakpoint([-1.0, -2.0], dtype=np.float64)
    assert b.cause == "underflow"
    assert b.largest_logit == pytest.approx(math.log(np.finfo(np.float64).smallest_subnormal) - math.log(2), abs=1e-6)


def test_a_zero_max_logit_never_breaks():
    assert sc.naive_breakpoint([0.0, -1e-3]) is None or sc.naive_breakpoint([0.0, -1e-3]).cause == "underflow"
    assert sc.naive_breakpoint([0.0, 0.0]) is None


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e3, 1e4])
def test_the_stable_result_is_scipys_and_the_shifted_naive_agrees(dtype, scale):
    r = sc.naive_vs_stable([2.0, 1.0, 0.5, -3.0], scale=scale, dtype=dtype)
    ref = scipy_softmax(np.array([2.0, 1.0, 0.5, -3.0]) * scale)
    tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-15}[dtype]
    if r.fits:
        np.testing.assert_allclose(r.stable.astype(float), ref, atol=tol)
        np.testing.assert_allclose(r.shifted_naive.astype(float), ref, atol=tol)
    assert (r.cause is None) == (not sc.naive_is_broken(r.naive))


def test_log_space_matches_scipy_and_keeps_what_softmax_loses():
    r = sc.log_space([0.0, -800.0, -1200.0])
    np.testing.assert_array_equal(r.probs, [1.0, 0.0, 0.0])
    assert np.all(np.isneginf(r.log_of_probs[1:]))
    np.testing.assert_allclose(r.log_probs, scipy_log_softmax([0.0, -800.0, -1200.0]), rtol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_deviation_is_bounded_by_k_epsilons(dtype):
    z = np.random.default_rng(3).normal(0, 3, 500)
    check = sc.sum_deviation(z, dtype=dtype)
    eps = float(np.finfo(dtype).eps)
    assert check.exact <= 500 * eps and check.numpy_sum <= 500 * eps


def test_exp_in_overflows_exactly_past_the_threshold():
    for dtype in DTYPES:
        thr = dtype(sc.overflow_threshold(dtype))
        below, above = np.nextafter(thr, dtype(0)), np.nextafter(thr, dtype(np.inf))
        assert np.isfinite(sc.exp_in([below], dtype=dtype))[0] and sc.exp_in([above], dtype=dtype)[0] == np.inf


@pytest.mark.parametrize("z", [-800.0, -30.0, -1.0, 0.0, 0.5, 7.0, 40.0, 800.0])
def test_sigmoid_is_the_two_class_softmax(z):
    assert sc.sigmoid_as_softmax(z) == pytest.approx(expit(z), rel=1e-14, abs=1e-300)
    assert sc.sigmoid_as_softmax(z) == pytest.approx(sc.sigmoid(z), rel=1e-14, abs=1e-300)


def test_multilabel_cross_entropy_cannot_beat_log_of_the_label_count():
    r = sc.multilabel_outputs([30.0, 30.0, -30.0], [True, True, False])
    assert r.cross_entropy == pytest.approx(math.log(2), rel=1e-12) and r.cross_entropy >= r.cross_entropy_floor
    assert r.bce_sum == pytest.approx(3 * math.log1p(math.exp(-30.0)), rel=1e-9)
    assert r.softmax_probs.sum() == pytest.approx(1.0) and np.all(r.sigmoid_probs[:2] > 0.99)
    assert sc.multilabel_outputs([1.0, 2.0], [False, False]).cross_entropy is None


def test_argmax_slice_is_a_step_and_logsumexp_a_smooth_upper_bound_on_max():
    r = sc.argmax_slice([0.0, 1.0, -1.0], 0, np.linspace(-5, 5, 101))
    np.testing.assert_array_equal(r.hard, (r.grid >= 1.0).astype(float))  # a tie goes to the first index
    assert np.all(r.max <= r.lse) and np.all(r.lse <= r.max + math.log(3) + 1e-12)
    np.testing.assert_allclose(r.soft, scipy_softmax(np.c_[r.grid, np.ones(101), -np.ones(101)], axis=1)[:, 0])


def test_attention_divides_by_root_d_by_default_and_keeps_unit_variance():
    q, keys = sc.random_query_keys(1024, 2000, seed=1)
    scores = sc.attention(q, keys).scores
    assert np.var(scores) == pytest.approx(1.0, rel=0.15)
    assert np.var(sc.attention(q, keys, divisor=1.0).scores) == pytest.approx(1024, rel=0.15)
    q8, k8 = sc.random_query_keys(8, 2000, seed=1)
    np.testing.assert_array_equal(q8, q[:8])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_a_bad_divisor_is_a_coded_error(bad):
    with pytest.raises(sc.CoreValueError) as err:
        sc.attention([1.0], [[1.0]], divisor=bad)
    assert err.value.code == "bad_divisor"
