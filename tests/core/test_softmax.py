"""The softmax family against hand-derived values, SciPy, mpmath at 80 digits, and properties."""

import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from strategies import logit_vectors, logits, probability_vectors, temperatures

from softmax_core import (
    CoreValueError,
    entropy,
    log_softmax,
    logsumexp,
    naive_softmax,
    overflow_threshold,
    sigmoid,
    softmax,
    softmax_jacobian,
)

mpmath.mp.dps = 80  # tails down to e^-120 ~ 1e-52 must still be far above the working precision


def mp_logsumexp(x):
    m = mpmath.mpf(float(max(x)))  # shifting keeps a lone logit's log-sum-exp exactly itself
    return m + mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v)) - m) for v in x))


def mp_log_softmax(x):
    lse = mp_logsumexp(x)
    return np.array([float(mpmath.mpf(float(v)) - lse) for v in x])


def scipy_quietly(fn, x, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(x, **kw)


# --- reference values -------------------------------------------------------------------------

def test_course_worked_example():
    np.testing.assert_allclose(softmax([2.0, 1.0, 0.5]), [0.628, 0.231, 0.140], atol=1.5e-3)


def test_course_figure_is_wrong():
    # The figure in the course source claims [0.7, 0.2, 0.1] for [2, 1, 0.5].
    assert not np.allclose(softmax([2.0, 1.0, 0.5]), [0.7, 0.2, 0.1], atol=0.01)


def test_seed_notebook_example():
    np.testing.assert_allclose(softmax([1.6, 1.1, 1.1]), [0.452, 0.274, 0.274], atol=5e-4)


def test_a_lead_of_0_1_gives_odds_of_e_to_the_0_1():
    p = softmax([0.1, 0.0])
    assert p[0] / p[1] == pytest.approx(1.105, abs=5e-4)
    assert p[0] / p[1] == pytest.approx(np.exp(0.1), rel=1e-15)


def test_hand_derived_two_classes():
    # softmax([x, 0]) = sigmoid(x); for x = log 3 that is 3/4.
    np.testing.assert_allclose(softmax([np.log(3.0), 0.0]), [0.75, 0.25], rtol=1e-15)


def test_logsumexp_keeps_a_tail_below_epsilon():
    assert logsumexp([0.0, -40.0]) == pytest.approx(4.248354255291589e-18, rel=1e-15)
    assert logsumexp([0.0, -40.0]) == pytest.approx(float(mp_logsumexp([0.0, -40.0])), rel=1e-15)


def test_log_softmax_is_more_accurate_than_scipy_on_a_dominant_class():
    exact = mp_log_softmax([0.0, -40.0])
    assert sp.log_softmax([0.0, -40.0])[0] == 0.0  # SciPy loses the tail
    np.testing.assert_allclose(log_softmax([0.0, -40.0]), exact, rtol=1e-14)


@pytest.mark.parametrize("x", [[0.0, -40.0], [1e-20, 0.0, -1e-20], [700.0, 699.0, -700.0],
                               [-745.0, -746.0], [1.0] * 5 + [-30.0], [3.0, 3.0, 3.0 - 1e-15]])
def test_against_mpmath_at_80_digits(x):
    assert logsumexp(x) == pytest.approx(float(mp_logsumexp(x)), rel=1e-14, abs=1e-300)
    np.testing.assert_allclose(log_softmax(x), mp_log_softmax(x), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(softmax(x), np.exp(mp_log_softmax(x)), rtol=1e-14)


# --- agreement with SciPy ---------------------------------------------------------------------

NON_FINITE = {
    "plus_inf": [np.inf, 0.0],
    "minus_inf": [-np.inf, 0.0],
    "all_minus_inf": [-np.inf, -np.inf],
    "two_plus_inf": [np.inf, np.inf],
    "both_infs": [np.inf, -np.inf, 1.0],
    "nan": [np.nan, 0.0],
    "nan_and_inf": [np.inf, np.nan],
    "extremes": [1e308, -1e308],
    "largest_twice": [1.7e308, 1.7e308],
}
PAIRS = [(softmax, sp.softmax), (log_softmax, sp.log_softmax), (logsumexp, sp.logsumexp)]


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=lambda f: getattr(f, "__name__", ""))
@pytest.mark.parametrize("x", NON_FINITE.values(), ids=NON_FINITE.keys())
def test_non_finite_input_gives_what_scipy_gives(ours, theirs, x):
    expected = scipy_quietly(theirs, np.array(x), axis=-1)
    np.testing.assert_array_equal(ours(x), expected)  # NaN == NaN here


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_non_finite_rows_of_a_batch_match_scipy_row_by_row(ours, theirs):
    x = np.array([[np.inf, 0.0], [1.0, 2.0], [-np.inf, -np.inf], [np.nan, 1.0], [-np.inf, 3.0]])
    np.testing.assert_allclose(ours(x), scipy_quietly(theirs, x, axis=-1), rtol=1e-15)  # NaN == NaN


@pytest.mark.parametrize("fn", [softmax, log_softmax])
@pytest.mark.parametrize("shape", [(0,), (3, 0)])
def test_empty_slice_raises_value_error_like_scipy(fn, shape):
    with pytest.raises(ValueError):
        scipy_quietly(getattr(sp, fn.__name__), np.zeros(shape), axis=-1)
    with pytest.raises(ValueError, match="at least one logit") as info:
        fn(np.zeros(shape))
    assert info.value.code == "empty"


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 3)])
def test_logsumexp_of_empty_is_minus_inf_like_scipy(shape):
    np.testing.assert_array_equal(logsumexp(np.zeros(shape)), sp.logsumexp(np.zeros(shape), axis=-1))


def test_empty_batch_softmax_is_empty_like_scipy():
    assert softmax(np.zeros((0, 3))).shape == sp.softmax(np.zeros((0, 3)), axis=-1).shape == (0, 3)


@given(logits(min_value=-1e308, max_value=1e308))
def test_agrees_with_scipy_on_any_finite_float64(x):
    np.testing.assert_allclose(softmax(x), scipy_quietly(sp.softmax, x, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(logsumexp(x), scipy_quietly(sp.logsumexp, x, axis=-1), rtol=1e-12)
    # SciPy's log_softmax computes log(1 + tail) and so has an absolute error of a few 1e-16;
    # where that matters we are right and it is not (see the mpmath test below).
    np.testing.assert_allclose(log_softmax(x), scipy_quietly(sp.log_softmax, x, axis=-1),
                               rtol=1e-12, atol=1e-15)


@given(logit_vectors(max_size=6, min_value=-60, max_value=60))
def test_log_softmax_and_logsumexp_match_mpmath_where_scipy_is_imprecise(x):
    np.testing.assert_allclose(log_softmax(x), mp_log_softmax(x), rtol=1e-13, atol=1e-300)
    assert logsumexp(x) == pytest.approx(float(mp_logsumexp(x)), rel=1e-13, abs=1e-300)


def test_regression_log_softmax_of_a_dominant_class_lost_digits_through_log_of_one_plus_tail():
    # Found by hypothesis: [0, 11] gave -1.670156131830428e-05 (SciPy's value), 11 digits right.
    assert log_softmax([0.0, 11.0])[1] == pytest.approx(-1.670156131839396e-05, rel=1e-15)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, (0, 2), None])
def test_any_axis_of_a_batch_matches_scipy(axis):
    x = np.random.default_rng(0).normal(scale=50, size=(3, 4, 5))
    np.testing.assert_allclose(logsumexp(x, axis=axis), sp.logsumexp(x, axis=axis), rtol=1e-12)
    if axis is not None and not isinstance(axis, tuple):
        np.testing.assert_allclose(softmax(x, axis=axis), sp.softmax(x, axis=axis), rtol=1e-12)
        np.testing.assert_allclose(log_softmax(x, axis=axis), sp.log_softmax(x, axis=axis),
                                   rtol=1e-12, atol=1e-15)


def test_logsumexp_keepdims_and_scalars_match_scipy():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(logsumexp(x, keepdims=True), sp.logsumexp(x, axis=-1, keepdims=True))
    assert np.ndim(logsumexp(3.0)) == 0 and logsumexp(3.0) == sp.logsumexp(3.0) == 3.0


# --- dtypes and warnings ---------------------------------------------------------------------

@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp, sigmoid])
def test_float32_stays_float32(fn):
    assert fn(np.array([1.0, 2.0], dtype=np.float32)).dtype == np.float32
    assert fn(np.array([1.0, 2.0], dtype=np.float32), **({} if fn in (logsumexp, sigmoid) else
                                                          {"temperature": np.float64(2)})).dtype == np.float32


@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp, sigmoid])
@pytest.mark.parametrize("x", [[1, 2, 3], [True, False], (1, 2.5)])
def test_ints_bools_and_lists_become_float64(fn, x):
    assert np.asarray(fn(x)).dtype == np.float64


def test_no_runtime_warning_escapes_on_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in [[1e308, -1e308], [np.inf, -np.inf], [np.nan, 1.0], [-np.inf, -np.inf]]:
            softmax(x), log_softmax(x), logsumexp(x)
        sigmoid([-1000.0, 1000.0, np.inf, -np.inf, np.nan])
        naive_softmax([1000.0, 0.0]), naive_softmax([-1000.0, -1000.0])


def test_extreme_logits_are_stable():
    np.testing.assert_array_equal(softmax([1e308, -1e308]), [1.0, 0.0])
    np.testing.assert_array_equal(softmax([1e308, 1e308]), [0.5, 0.5])
    np.testing.assert_array_equal(softmax(np.float32([3e38, -3e38])), [1.0, 0.0])
    assert logsumexp([1e308, 1e308]) == 1e308  # + log 2 is below the spacing there
    np.testing.assert_array_equal(softmax([1e308, 0.0], temperature=0.5), [1.0, 0.0])


# --- temperature ------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [0, -1, 0.0, np.inf, -np.inf, np.nan, True, False, np.True_, "1", None,
                                 1j, [1.0]])
@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_invalid_temperature_is_rejected_with_what_was_given(fn, bad):
    with pytest.raises(ValueError, match="finite number greater than 0") as info:
        fn([1.0, 2.0], temperature=bad)
    assert info.value.code == "bad_temperature"
    assert repr(bad) in str(info.value)


def test_temperature_divides_the_logits():
    x = np.array([2.0, 1.0, 0.5])
    np.testing.assert_allclose(softmax(x, temperature=2.0), sp.softmax(x / 2.0), rtol=1e-14)
    np.testing.assert_allclose(log_softmax(x, temperature=0.25), sp.log_softmax(x / 0.25), rtol=1e-14)


def test_integer_and_numpy_temperatures_are_accepted():
    np.testing.assert_array_equal(softmax([1.0, 2.0], temperature=2), softmax([1.0, 2.0], temperature=2.0))
    np.testing.assert_array_equal(softmax([1.0, 2.0], temperature=np.float32(2)),
                                  softmax([1.0, 2.0], temperature=2.0))


# --- properties -------------------------------------------------------------------------------

@given(logits(), temperatures())
def test_outputs_sum_to_one(x, t):
    np.testing.assert_allclose(softmax(x, temperature=t).sum(axis=-1), 1.0, rtol=1e-12)


@given(logits(dtype=np.float32))
def test_float32_outputs_sum_to_one(x):
    np.testing.assert_allclose(softmax(x).sum(axis=-1), 1.0, rtol=1e-5)


@given(logit_vectors(min_value=-100, max_value=100), st.floats(-1e3, 1e3))
def test_adding_a_constant_changes_nothing(x, c):
    np.testing.assert_allclose(softmax(x + c), softmax(x), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(log_softmax(x + c), log_softmax(x), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("c", [100.0, -100.0, 1e5])
def test_adding_100_to_every_logit_changes_nothing(c):
    x = np.array([2.0, 1.0, 0.5])
    np.testing.assert_allclose(softmax(x + c), softmax(x), rtol=1e-10)


@given(logit_vectors(min_value=-10, max_value=10))
def test_high_temperature_tends_to_uniform(x):
    np.testing.assert_allclose(softmax(x, temperature=1e9), 1.0 / x.size, rtol=1e-7)


@given(logit_vectors(), temperatures())
def test_argmax_is_preserved_for_any_positive_temperature(x, t):
    p = softmax(x, temperature=t)
    assert p[np.argmax(x)] == p.max()


@given(logits(min_value=-50, max_value=50), temperatures(min_value=0.5, max_value=2))
def test_log_softmax_is_log_of_softmax_where_finite(x, t):
    np.testing.assert_allclose(log_softmax(x, temperature=t), np.log(softmax(x, temperature=t)),
                               rtol=1e-10, atol=1e-12)


@given(logits(min_value=-1e300, max_value=1e300))
def test_softmax_is_exp_of_log_softmax(x):
    np.testing.assert_allclose(softmax(x), np.exp(log_softmax(x)), rtol=1e-12, atol=1e-300)


# --- naive softmax and thresholds -------------------------------------------------------------

def test_naive_softmax_matches_when_nothing_overflows():
    np.testing.assert_allclose(naive_softmax([2.0, 1.0, 0.5]), softmax([2.0, 1.0, 0.5]), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_naive_softmax_fails_past_the_overflow_threshold(dtype):
    above = np.float64(overflow_threshold(dtype)) * 1.01
    p = naive_softmax([above, 0.0], dtype=dtype)
    assert p.dtype == dtype and np.isnan(p[0])
    assert np.all(np.isnan(naive_softmax([-1e5, -1e5], dtype=dtype)))  # 0 / 0
    np.testing.assert_allclose(softmax(np.array([above, 0.0], dtype=dtype)), [1.0, 0.0], atol=1e-3)


@pytest.mark.parametrize("dtype, value", [(np.float64, 709.78), (np.float32, 88.72), (np.float16, 11.09)])
def test_overflow_threshold_values(dtype, value):
    assert overflow_threshold(dtype) == pytest.approx(value, abs=5e-3)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_overflow_threshold_is_where_exp_really_overflows(dtype):
    t = dtype(overflow_threshold(dtype))
    below = np.nextafter(t, dtype(0)) if np.float64(t) > overflow_threshold(dtype) else t
    above = np.nextafter(below, dtype(np.inf))
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(below)) and np.exp(below).dtype == dtype
        assert np.isinf(np.exp(above))


def test_naive_softmax_rejects_non_float_dtypes():
    with pytest.raises(ValueError, match="float16, float32 or float64"):
        naive_softmax([1.0], dtype=np.int32)


# --- entropy, sigmoid, jacobian ---------------------------------------------------------------

@given(probability_vectors())
def test_entropy_matches_scipy(p):
    assert entropy(p) == pytest.approx(scipy.stats.entropy(p), rel=1e-12, abs=1e-15)


def test_entropy_hand_values():
    assert entropy([1.0, 0.0]) == 0.0 and not np.signbit(entropy([1.0, 0.0]))
    assert entropy([0.5, 0.5]) == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_allclose(entropy([[0.25] * 4, [1, 0, 0, 0]]), [np.log(4), 0.0])


def test_entropy_rejects_non_probabilities():
    with pytest.raises(ValueError, match="between 0 and 1"):
        entropy([0.5, 1.5])


@given(st.floats(-800, 800))
def test_sigmoid_matches_scipy_expit(x):
    assert sigmoid(x) == pytest.approx(sp.expit(x), rel=1e-14, abs=1e-300)


def test_sigmoid_is_stable_and_keeps_tiny_values():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid([-1000.0, 1000.0]), [0.0, 1.0])
    assert sigmoid(-740.0) == pytest.approx(float(mpmath.exp(-740) / (1 + mpmath.exp(-740))), rel=1e-10)


def test_sigmoid_is_two_class_softmax():
    x = np.linspace(-30, 30, 13)
    np.testing.assert_allclose(sigmoid(x), softmax(np.stack([x, np.zeros_like(x)], axis=-1))[:, 0],
                               rtol=1e-13)


def numeric_jacobian(x, h=1e-6):
    cols = [(softmax(x + h * e) - softmax(x - h * e)) / (2 * h) for e in np.eye(x.size)]
    return np.stack(cols, axis=-1)


@given(logit_vectors(max_size=6, min_value=-5, max_value=5))
def test_jacobian_matches_finite_differences(x):
    np.testing.assert_allclose(softmax_jacobian(softmax(x)), numeric_jacobian(x), atol=1e-8)


def test_jacobian_of_a_batch_is_one_matrix_per_row():
    x = np.random.default_rng(1).normal(size=(4, 3))
    jac = softmax_jacobian(softmax(x))
    assert jac.shape == (4, 3, 3)
    for row, j in zip(x, jac):
        np.testing.assert_allclose(j, numeric_jacobian(row), atol=1e-8)
    np.testing.assert_allclose(jac.sum(axis=-1), 0.0, atol=1e-15)
    np.testing.assert_allclose(jac, np.swapaxes(jac, -1, -2))


def test_jacobian_rejects_a_scalar():
    with pytest.raises(CoreValueError):
        softmax_jacobian(0.5)
