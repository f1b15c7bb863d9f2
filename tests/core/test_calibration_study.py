"""The calibration page's study helpers, against the calibration engine and direct formulas."""

import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax

import softmax_core as sc
from softmax_core.calibration_study import (
    calibrate_all,
    calibration_metrics,
    checkpoint_summary,
    ece_by_binning,
    ensemble_probs,
    logits_from_probs,
    row_subsample,
    split_rows,
)


@pytest.fixture(scope="module")
def data():
    z, y = sc.synthetic_logits(3000, 6, accuracy=0.7, confidence=2.5, seed=3)
    return z[:1500], y[:1500], z[1500:], y[1500:]


def test_metrics_are_the_engines_metrics(data):
    _, _, z, y = data
    p = scipy_softmax(z, axis=1)
    m = calibration_metrics(p, y, n_bins=10, strategy="quantile")
    assert m.accuracy == np.mean(p.argmax(1) == y)
    assert m.ece == sc.expected_calibration_error(p, y, n_bins=10, strategy="quantile")
    assert m.mce == sc.maximum_calibration_error(p, y, n_bins=10, strategy="quantile")
    assert m.brier == pytest.approx(np.mean(np.sum((p - np.eye(6)[y]) ** 2, axis=1)), rel=1e-12)
    assert m.nll == pytest.approx(-np.mean(np.log(p[np.arange(len(y)), y])), rel=1e-12)


def test_calibrate_all_fits_on_one_split_and_predicts_another(data):
    zc, yc, zt, yt = data
    out = calibrate_all(zc, yc, zt)
    assert set(out) == set(sc.CALIBRATORS)
    ts, probs = out["temperature scaling"]
    assert ts.temperature_ == pytest.approx(sc.fit_temperature(zc, yc))
    np.testing.assert_allclose(probs, scipy_softmax(zt / ts.temperature_, axis=1), rtol=1e-12)
    assert ts.temperature_ == pytest.approx(2.5, rel=0.15)  # the dialled overconfidence is found again
    assert calibration_metrics(probs, yt).ece < calibration_metrics(out["none"][1], yt).ece


def test_same_seed_same_logits_and_same_page_numbers():
    s = sc.digits_splits(seed=1)
    runs = [sc.train_mlp(s.train.images, s.train.labels, epochs=10, seed=1, checkpoints=(5, 10),
                         eval_sets={"test": s.test.images}) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].eval_logits["test"], runs[1].eval_logits["test"])
    a, b = (checkpoint_summary(r.eval_logits["test"], s.test.labels) for r in runs)
    np.testing.assert_array_equal(a.ece, b.ece)


def test_checkpoint_summary_matches_per_checkpoint_metrics(data):
    _, _, z, y = data
    stack = np.stack([z, 3 * z])
    s = checkpoint_summary(stack, y, n_bins=12)
    for i in range(2):
        p = scipy_softmax(stack[i], axis=1)
        assert s.ece[i] == pytest.approx(sc.expected_calibration_error(p, y, n_bins=12), rel=1e-12)
        assert s.confidence[i] == pytest.approx(p.max(1).mean(), rel=1e-12)
    assert s.accuracy[0] == s.accuracy[1]  # scaling logits keeps every argmax


def test_ensemble_averages_probabilities_not_logits():
    members = np.array([[[0.0, 4.0]], [[4.0, 0.0]], [[0.0, 0.0]]])
    np.testing.assert_allclose(ensemble_probs(members), scipy_softmax(members, axis=-1).mean(0))


def test_logits_from_probs_round_trips_and_stays_finite():
    p = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    z = logits_from_probs(p)
    assert np.isfinite(z).all()
    np.testing.assert_allclose(scipy_softmax(z, axis=1), p, atol=1e-300)


def test_ece_by_binning_is_a_grid_of_eces(data):
    _, _, z, y = data
    p = scipy_softmax(z, axis=1)
    grid = ece_by_binning(p, y, [5, 20])
    assert grid.shape == (2, 2)
    assert grid[1, 1] == sc.expected_calibration_error(p, y, n_bins=20, strategy="quantile")


def test_split_rows_is_stratified_and_disjoint():
    labels = np.repeat([0, 1, 2], 20)
    cal, test = split_rows(labels, fraction=0.25, seed=4)
    assert len(np.intersect1d(cal, test)) == 0 and len(cal) + len(test) == 60
    assert np.bincount(labels[cal]).tolist() == [5, 5, 5]


def test_row_subsample_caps_the_cells_and_is_seeded():
    a, b = row_subsample(10_000, 50, max_cells=5_000), row_subsample(10_000, 50, max_cells=5_000)
    assert len(a) == 100 and np.array_equal(a, b) and len(np.unique(a)) == 100
