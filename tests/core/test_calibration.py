"""Calibration metrics and calibrators against scikit-learn, SciPy and hand-derived values."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp
from scipy.special import softmax as sp_softmax
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from strategies import probs_and_labels

from softmax_core.calibration import (
    CALIBRATORS,
    T_MAX,
    T_MIN,
    CalibrationError,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    TemperatureScaling,
    brier_score,
    ece_curve,
    expected_calibration_error,
    fit_temperature,
    maximum_calibration_error,
    negative_log_likelihood,
    nll_curve,
    reliability_bins,
    reliability_bins_from_confidences,
    reliability_bins_one_vs_rest,
)


def planted(n, k, temperature, seed):
    """Logits whose labels are drawn from softmax(z / temperature): calibrated at that temperature."""
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(n, k))
    p = sp_softmax(z / temperature, axis=1)
    labels = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    return z, np.minimum(labels, k - 1)


def scipy_temperature(z, y):
    z = np.asarray(z, np.float64)
    true = z[np.arange(len(y)), y]

    def nll(log_t):
        t = np.exp(log_t)
        return np.mean(logsumexp(z / t, axis=1) - true / t)

    res = minimize_scalar(nll, bounds=(np.log(T_MIN), np.log(T_MAX)), method="bounded",
                          options={"xatol": 1e-10})
    return float(np.exp(res.x))


# ---- binning and metrics ---------------------------------------------------------------------------


def test_ece_of_four_samples_matches_the_hand_computation():
    # Confidences 0.5, 0.6, 0.8, 0.9; the label is 0 each time, so rows 0, 1, 3 are right, row 2 wrong.
    # Bin (0, 0.5]: {0.5}, acc 1, gap 0.5. Bin (0.5, 1]: {0.6, 0.8, 0.9}, acc 2/3, conf 23/30.
    probs = [[0.5, 0.5], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]]
    expected = 0.25 * 0.5 + 0.75 * abs(2 / 3 - 23 / 30)
    assert expected_calibration_error(probs, [0, 0, 0, 0], n_bins=2) == pytest.approx(expected, abs=1e-15)
    assert maximum_calibration_error(probs, [0, 0, 0, 0], n_bins=2) == pytest.approx(0.5)


def test_a_confidence_on_an_edge_goes_to_the_lower_bin():
    bins = reliability_bins_from_confidences([0.5, 0.0, 1.0, 0.5000001], [1, 1, 1, 1], n_bins=2)
    assert bins.counts.tolist() == [2, 2]


@given(st.integers(1, 40), st.integers(0, 10**6))
def test_every_confidence_lies_within_its_bin_edges(n_bins, seed):
    rng = np.random.default_rng(seed)
    conf = np.r_[rng.random(50), np.arange(n_bins + 1) / n_bins, np.nextafter(np.arange(n_bins) / n_bins, 1)]
    conf = np.clip(conf, 0, 1)
    bins = reliability_bins_from_confidences(conf, np.ones(conf.size, bool), n_bins=n_bins)
    from softmax_core.calibration import _bin_index

    idx = _bin_index(conf, bins.edges, "uniform")
    inside = (conf > bins.edges[idx]) | (idx == 0)
    assert inside.all() and (conf <= bins.edges[idx + 1]).all()
    assert bins.counts.sum() == conf.size


def test_empty_bins_are_kept_with_nan_means():
    bins = reliability_bins_from_confidences([0.95, 0.97], [1, 0], n_bins=10)
    assert bins.counts.tolist() == [0] * 9 + [2]
    assert np.isnan(bins.confidence[:9]).all() and np.isnan(bins.accuracy[:9]).all()
    assert bins.accuracy[9] == 0.5


def test_reliability_bins_match_sklearn_calibration_curve_away_from_edges():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=2.0, size=(5000, 6))
    probs = sp_softmax(z, axis=1)
    labels = rng.integers(0, 6, 5000)
    conf = probs.max(axis=1)
    assert np.abs(conf * 15 - np.round(conf * 15)).min() > 1e-9  # no sample on an edge
    bins = reliability_bins(probs, labels, n_bins=15)
    correct = probs.argmax(axis=1) == labels
    acc, mean_conf = calibration_curve(correct, conf, n_bins=15, strategy="uniform")
    filled = bins.counts > 0
    np.testing.assert_allclose(bins.accuracy[filled], acc, rtol=1e-12)
    np.testing.assert_allclose(bins.confidence[filled], mean_conf, rtol=1e-12)


def test_quantile_bins_hold_about_equal_counts():
    conf = np.random.default_rng(1).random(1000)
    bins = reliability_bins_from_confidences(conf, conf > 0.5, n_bins=10, strategy="quantile")
    assert bins.counts.sum() == 1000
    assert bins.counts.min() >= 99 and bins.counts.max() <= 101


def test_quantile_bins_merge_tied_edges_instead_of_making_empty_bins():
    conf = np.r_[np.full(80, 1.0), np.linspace(0.1, 0.9, 20)]
    bins = reliability_bins_from_confidences(conf, np.ones(100, bool), n_bins=10, strategy="quantile")
    assert len(bins.counts) < 10 and (bins.counts > 0).all() and bins.counts.sum() == 100


def test_one_vs_rest_bins_count_the_positives_of_the_class():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1]])
    bins = reliability_bins_one_vs_rest(probs, [1, 1, 2, 0], class_index=1, n_bins=2)
    assert bins.counts.tolist() == [3, 1]
    assert bins.accuracy.tolist() == [1 / 3, 1.0]


def test_top_label_ties_count_the_first_class_as_the_prediction():
    probs = [[0.5, 0.5], [0.5, 0.5]]
    bins = reliability_bins(probs, [0, 1], n_bins=2)
    assert bins.accuracy[0] == 0.5  # argmax is class 0 for both rows


def test_top_label_with_float32_inputs_agrees_with_float64():
    rng = np.random.default_rng(3)
    probs = sp_softmax(rng.normal(size=(3000, 10)), axis=1).astype(np.float32)
    labels = rng.integers(0, 10, 3000)
    a = expected_calibration_error(probs, labels)
    b = expected_calibration_error(probs.astype(np.float64), labels)
    assert a == pytest.approx(b, abs=1e-12)


@settings(max_examples=60)
@given(probs_and_labels(), st.integers(1, 20), st.sampled_from(["uniform", "quantile"]))
def test_ece_lies_in_unit_interval_and_mce_is_at_least_ece(data, n_bins, strategy):
    probs, labels = data
    bins = reliability_bins(probs, labels, n_bins=n_bins, strategy=strategy)
    assert 0.0 <= bins.ece <= 1.0
    assert bins.mce >= bins.ece - 1e-12
    assert bins.counts.sum() == len(labels)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_data_calibrated_by_construction_has_small_ece(seed):
    rng = np.random.default_rng(seed)
    conf = rng.uniform(0.1, 1.0, 20000)
    correct = rng.random(20000) < conf
    assert reliability_bins_from_confidences(conf, correct).ece < 0.03


def test_brier_score_is_twice_sklearns_binary_loss():
    rng = np.random.default_rng(4)
    p1 = rng.random(200)
    y = rng.integers(0, 2, 200)
    probs = np.column_stack([1 - p1, p1])
    assert brier_score(probs, y) == pytest.approx(2 * brier_score_loss(y, p1), rel=1e-12)


def test_brier_score_spans_zero_to_two():
    assert brier_score([[1.0, 0.0, 0.0]], [0]) == 0.0
    assert brier_score([[1.0, 0.0, 0.0]], [1]) == 2.0


def test_nll_matches_sklearn_log_loss_without_tiny_probabilities():
    rng = np.random.default_rng(5)
    probs = sp_softmax(rng.normal(size=(300, 7)), axis=1)
    y = rng.integers(0, 7, 300)
    assert negative_log_likelihood(probs, y) == pytest.approx(log_loss(y, probs, labels=range(7)), rel=1e-12)


def test_nll_is_exact_below_the_usual_clipping_and_infinite_at_zero():
    probs = [[1 - 1e-30, 1e-30], [0.5, 0.5]]
    assert negative_log_likelihood(probs, [1, 0]) == pytest.approx((30 * np.log(10) + np.log(2)) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert negative_log_likelihood([[1.0, 0.0]], [1]) == np.inf


# ---- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("probs", "labels", "code", "words"),
    [
        ([[0.5, 0.5]] * 2, [0, 12], "label_out_of_range", "label 12 is out of range for 2 classes (0..1)"),
        ([[0.5, 0.5]] * 2, [0, -1], "label_out_of_range", "label -1"),
        ([[0.5, 0.5]] * 2, [0.5, 1], "label_not_integer", "not a whole number"),
        ([[0.5, 0.5]] * 2, [0], "length_mismatch", "2 predictions but 1 labels"),
        ([0.5, 0.5], [0], "bad_shape", "shape (samples, classes)"),
        ([[1.0]], [0], "too_few_classes", "at least 2 classes"),
        ([[0.5, 0.6]], [0], "probs_not_normalised", "row 0 sums to 1.1"),
        ([[1.5, -0.5]], [0], "probs_out_of_range", "between 0 and 1"),
        ([[np.nan, 0.5]], [0], "not_finite", "NaN"),
        ([["a", "b"]], [0], "not_numeric", "numbers"),
    ],
)
def test_bad_inputs_raise_a_coded_value_error_a_student_can_read(probs, labels, code, words):
    with pytest.raises(CalibrationError) as info:
        expected_calibration_error(probs, labels)
    assert isinstance(info.value, ValueError)
    assert info.value.code == code
    assert words in str(info.value)


def test_bad_options_are_refused():
    with pytest.raises(CalibrationError, match="strategy"):
        expected_calibration_error([[0.5, 0.5]], [0], strategy="kmeans")
    with pytest.raises(CalibrationError, match="bins"):
        expected_calibration_error([[0.5, 0.5]], [0], n_bins=0)


def test_non_finite_logits_are_refused():
    with pytest.raises(CalibrationError) as info:
        fit_temperature([[0.0, np.inf]], [0])
    assert info.value.code == "not_finite"


# ---- temperature -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_fit_temperature_agrees_with_scipy_minimize_scalar(seed):
    z, y = planted(2000, 10, 1.0 + seed, seed)
    assert abs(fit_temperature(z, y) - scipy_temperature(z, y)) < 1e-4


@settings(max_examples=15, deadline=None)
@given(st.floats(0.3, 5.0), st.integers(0, 2**32 - 1))
def test_fit_temperature_recovers_a_planted_temperature(t_true, seed):
    z, y = planted(20000, 5, t_true, seed)
    assert fit_temperature(z, y) == pytest.approx(t_true, rel=0.1)


def test_fit_temperature_stays_within_bounds_on_degenerate_data():
    separable = np.array([[5.0, 0.0], [0.0, 5.0]] * 10)
    assert fit_temperature(separable, [0, 1] * 10) == T_MIN
    uninformative = np.array([[1.0, 0.0]] * 10)
    assert fit_temperature(uninformative, [0, 1] * 5) == T_MAX
    opposite = np.array([[5.0, 0.0]] * 10)
    assert fit_temperature(opposite, [1] * 10) == T_MAX


def test_nll_curve_is_lowest_at_the_fitted_temperature():
    z, y = planted(3000, 10, 2.5, 7)
    t = fit_temperature(z, y)
    curve = nll_curve(z, y, [t / 1.01, t, t * 1.01])
    assert curve[1] < curve[0] and curve[1] < curve[2]
    assert curve[1] == pytest.approx(negative_log_likelihood(sp_softmax(z / t, axis=1), y), rel=1e-12)


def test_ece_curve_equals_ece_of_the_scaled_softmax():
    z, y = planted(2000, 6, 2.0, 8)
    ts = [0.5, 1.0, 3.0]
    expected = [expected_calibration_error(sp_softmax(z / t, axis=1), y) for t in ts]
    np.testing.assert_allclose(ece_curve(z, y, ts), expected, rtol=1e-9, atol=1e-12)


# ---- calibrators -------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 4])
def test_isotonic_calibration_matches_sklearn_isotonic_regression(k):
    z, y = planted(1500, k, 2.0, k)
    zt, _ = planted(500, k, 2.0, k + 100)
    iso = IsotonicCalibration().fit(z, y)
    p, pt = sp_softmax(z, axis=1), sp_softmax(zt, axis=1)
    cols = [1] if k == 2 else range(k)
    oracle = np.column_stack([
        IsotonicRegression(out_of_bounds="clip").fit(p[:, j], y == j).predict(pt[:, j]) for j in cols
    ])
    if k == 2:
        expected = np.column_stack([1 - oracle[:, 0], oracle[:, 0]])
    else:
        total = oracle.sum(axis=1, keepdims=True)
        expected = np.where(total > 0, oracle / np.where(total > 0, total, 1), 1 / k)
    np.testing.assert_allclose(iso.predict_proba(zt), expected, atol=1e-12)


@pytest.mark.parametrize("k", [2, 4])
def test_platt_scaling_matches_unpenalised_sklearn_logistic_regression(k):
    z, y = planted(2000, k, 2.0, 10 + k)
    platt = PlattScaling().fit(z, y)
    x = z[:, 1:] - z[:, :1] if k == 2 else z - z.mean(axis=1, keepdims=True)
    for j in range(x.shape[1]):
        target = y == (1 if k == 2 else j)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            lr = LogisticRegression(penalty=None, tol=1e-12, max_iter=10000).fit(x[:, j:j + 1], target)
        assert platt.slope_[j] == pytest.approx(lr.coef_[0, 0], rel=1e-5)
        assert platt.intercept_[j] == pytest.approx(lr.intercept_[0], rel=1e-5, abs=1e-6)


def test_histogram_binning_predicts_the_fraction_of_positives_of_the_bin():
    # K = 2: class 1 is binned on p1. p1 = sigmoid(z1 - z0).
    z = np.array([[0.0, 3.0]] * 4 + [[0.0, -3.0]] * 4)
    y = np.array([1, 1, 1, 0, 0, 0, 0, 1])
    hb = HistogramBinning(n_bins=2).fit(z, y)
    np.testing.assert_allclose(hb.predict_proba([[0.0, 3.0], [0.0, -3.0]]), [[0.25, 0.75], [0.75, 0.25]])


def test_rows_with_nothing_left_after_binning_become_uniform():
    # Every fit sample is class 0 with p0 near 1/3: the bins that test rows reach hold no positives.
    z_fit = np.zeros((9, 3))
    hb = HistogramBinning(n_bins=3).fit(z_fit, [0, 0, 0, 0, 0, 0, 0, 0, 0])
    q = hb.predict_proba([[0.0, 0.0, 0.0]])
    np.testing.assert_allclose(q, [[1.0, 0.0, 0.0]])
    iso = IsotonicCalibration().fit(z_fit, [1] * 9)
    np.testing.assert_allclose(iso.predict_proba([[0.0, 0.0, 0.0]]), [[0.0, 1.0, 0.0]])
    hb_empty = HistogramBinning(n_bins=3).fit(np.zeros((3, 3)), [0, 0, 0])
    hb_empty.bin_values_[:] = 0.0
    np.testing.assert_allclose(hb_empty.predict_proba([[0.0, 0.0, 0.0]]), [[1 / 3] * 3])


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(5, 80), st.integers(0, 2**32 - 1), st.sampled_from(sorted(CALIBRATORS)))
def test_every_calibrator_returns_rows_of_probabilities(k, n, seed, name):
    rng = np.random.default_rng(seed)
    z, y = rng.normal(scale=4, size=(n, k)), rng.integers(0, k, n)
    q = CALIBRATORS[name]().fit(z, y).predict_proba(rng.normal(scale=4, size=(30, k)))
    assert q.shape == (30, k)
    assert np.isfinite(q).all() and (q >= 0).all() and (q <= 1).all()
    np.testing.assert_allclose(q.sum(axis=1), 1.0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 8), st.integers(0, 2**32 - 1))
def test_temperature_scaling_keeps_every_prediction(k, seed):
    z, y = planted(300, k, 3.0, seed)
    q = TemperatureScaling().fit(z, y).predict_proba(z)
    np.testing.assert_array_equal(q.argmax(axis=1), z.argmax(axis=1))


def test_a_calibrator_must_be_fitted_and_see_the_same_classes():
    with pytest.raises(CalibrationError) as info:
        TemperatureScaling().predict_proba([[0.0, 1.0]])
    assert info.value.code == "not_fitted"
    with pytest.raises(CalibrationError) as info:
        TemperatureScaling().fit([[0.0, 1.0]], [0]).predict_proba([[0.0, 1.0, 2.0]])
    assert info.value.code == "class_count_mismatch"
