"""The calibration engine on real network outputs from ../shared/refdata (skipped when absent)."""

import io
from pathlib import Path

import numpy as np
import pytest

from softmax_core.calibration import (
    TemperatureScaling,
    expected_calibration_error,
    negative_log_likelihood,
    reliability_bins_from_confidences,
)
from softmax_core.softmax import softmax
from softmax_core.uploads import load_predictions

REFDATA = Path(__file__).resolve().parents[2].parent / "shared" / "refdata"
LOGITS = REFDATA / "densenet40_cifar10_logits.npz"

pytestmark = pytest.mark.skipif(not LOGITS.exists(), reason=f"reference data not found at {REFDATA}")


@pytest.fixture(scope="module")
def densenet():
    with np.load(LOGITS, allow_pickle=False) as d:
        return {key: d[key] for key in d.files}


def test_temperature_scaling_on_validation_reduces_test_ece_and_nll(densenet):
    before = softmax(densenet["test_logits"].astype(np.float64), axis=-1)
    ts = TemperatureScaling().fit(densenet["val_logits"], densenet["val_labels"])
    after = ts.predict_proba(densenet["test_logits"])
    y = densenet["test_labels"]
    assert ts.temperature_ > 1  # the network is overconfident
    assert expected_calibration_error(after, y, n_bins=15) < 0.5 * expected_calibration_error(before, y, n_bins=15)
    assert negative_log_likelihood(after, y) < negative_log_likelihood(before, y)
    assert (after.argmax(axis=1) == y).mean() == pytest.approx(1 - 0.0758, abs=1e-4)


def test_real_logits_load_through_the_upload_path_as_csv_and_npz(densenet):
    z, y = densenet["test_logits"], densenet["test_labels"]
    buf = io.StringIO()
    np.savetxt(buf, np.column_stack([y, z]), delimiter=",", comments="",
               header="label," + ",".join(f"class_{k}" for k in range(10)), fmt=["%d"] + ["%.9g"] * 10)
    from_csv = load_predictions(buf.getvalue().encode(), filename="densenet.csv")
    npz = io.BytesIO()
    np.savez(npz, logits=z, labels=y)
    from_npz = load_predictions(npz.getvalue(), filename="densenet.npz")
    for preds in (from_csv, from_npz):
        assert preds.kind == "logits" and preds.logits.shape == (10000, 10)
        np.testing.assert_array_equal(preds.labels, y)
        np.testing.assert_allclose(preds.logits, z, rtol=1e-7)


@pytest.mark.parametrize("name", sorted(p.name for p in (REFDATA / "top_label_csv").glob("*.csv")))
def test_top_label_ece_with_fifteen_bins_matches_a_direct_count(name):
    table = np.loadtxt(REFDATA / "top_label_csv" / name, delimiter=",", skiprows=1)
    true, pred, conf = table[:, 0], table[:, 1], table[:, 2]
    bins = reliability_bins_from_confidences(conf, true == pred, n_bins=15)
    # Direct, loop-per-bin definition: bin m holds lo < c <= hi (c = 0 in the first).
    edges, ece = np.arange(16) / 15, 0.0
    for m in range(15):
        inside = (conf > edges[m]) & (conf <= edges[m + 1]) | ((m == 0) & (conf == 0))
        if inside.any():
            ece += inside.mean() * abs(conf[inside].mean() - (true == pred)[inside].mean())
    assert bins.ece == pytest.approx(ece, abs=1e-12)
    assert bins.counts.sum() == len(conf)
    assert 0 < bins.ece < 0.3


@pytest.mark.parametrize("decimals", [4, 5, 6])
def test_real_probabilities_written_with_a_few_decimals_read_back_as_probabilities(densenet, decimals):
    z, y = densenet["test_logits"].astype(np.float64), densenet["test_labels"]
    probs = softmax(z, axis=-1)
    buf = io.StringIO()
    np.savetxt(buf, np.column_stack([y, probs]), delimiter=",", comments="",
               header="label," + ",".join(f"class_{k}" for k in range(10)), fmt=["%d"] + [f"%.{decimals}f"] * 10)
    preds = load_predictions(buf.getvalue().encode(), filename="densenet_probs.csv")
    assert preds.kind == "probs"
    np.testing.assert_allclose(preds.probs, probs, atol=10 * 0.5 * 10.0**-decimals)
    confidence, accuracy = preds.probs.max(axis=1).mean(), (preds.probs.argmax(axis=1) == y).mean()
    assert confidence == pytest.approx(probs.max(axis=1).mean(), abs=1e-4) and accuracy > 0.9
