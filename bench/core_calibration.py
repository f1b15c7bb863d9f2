"""Benchmarks of softmax_core.calibration and softmax_core.uploads, each beside a baseline run in the same process.

``run(h)`` is called by ``bench/core.py`` with its harness; without one (``python bench/core_calibration.py``)
it prints its own table. Only ``h.report(name, seconds, baseline_seconds=None, goal="")`` is used, when present.
"""

import io
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from softmax_core import calibration as cal  # noqa: E402
from softmax_core.uploads import load_predictions  # noqa: E402

REFDATA = Path(__file__).resolve().parents[1].parent / "shared" / "refdata" / "densenet40_cifar10_logits.npz"


def best_of(fn, repeat=7):
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _logits(n, k, seed):
    if REFDATA.exists() and (n, k) == (5000, 10):
        with np.load(REFDATA, allow_pickle=False) as d:
            return d["val_logits"].astype(np.float64), d["val_labels"], "DenseNet-40 validation logits"
    rng = np.random.default_rng(seed)
    return rng.normal(scale=3, size=(n, k)), rng.integers(0, k, n), "synthetic"


def _report(h, name, seconds, baseline=None, goal=""):
    if h is not None and hasattr(h, "report"):
        h.report(name, seconds, baseline_seconds=baseline, goal=goal)
        return
    ratio = f"  {baseline / seconds:5.1f}x faster than baseline ({baseline * 1e3:8.1f} ms)" if baseline else ""
    print(f"{name:<52} {seconds * 1e3:8.1f} ms{ratio}  [{goal}]")


def run(h=None):
    from scipy.optimize import minimize_scalar
    from scipy.special import logsumexp
    from sklearn.calibration import calibration_curve

    # ECE on 1e6 x 10 probabilities against argmax/max + calibration_curve + weighting.
    z, y, _ = _logits(1_000_000, 10, 0)
    probs = _softmax(z)

    def sklearn_ece():
        pred, conf = probs.argmax(axis=1), probs.max(axis=1)
        correct = pred == y
        acc, mean_conf = calibration_curve(correct, conf, n_bins=15)
        counts = np.histogram(conf, bins=np.linspace(0, 1, 16))[0]
        return np.sum(counts[counts > 0] / len(y) * np.abs(acc - mean_conf))

    ours = best_of(lambda: cal.expected_calibration_error(probs, y))
    base = best_of(sklearn_ece)
    _report(h, "ECE, 1e6 x 10 (vs sklearn calibration_curve pipeline)", ours, base, "≥ 4x")

    # fit_temperature on 5000 x 10 against SciPy's bounded minimize_scalar on the same NLL.
    z, y, source = _logits(5000, 10, 1)

    def scipy_fit():
        true = z[np.arange(len(y)), y]
        nll = lambda log_t: np.mean(logsumexp(z / np.exp(log_t), axis=1) - true / np.exp(log_t))  # noqa: E731
        return np.exp(minimize_scalar(nll, bounds=(np.log(cal.T_MIN), np.log(cal.T_MAX)), method="bounded").x)

    ours = best_of(lambda: cal.fit_temperature(z, y))
    base = best_of(scipy_fit)
    _report(h, f"fit_temperature, 5000 x 10 ({source})", ours, base, "≥ 1x")

    # Every calibrator, fit + predict, on 10,000 x 10; and the page's curves.
    rng = np.random.default_rng(2)
    z, y = rng.normal(scale=3, size=(10_000, 10)), rng.integers(0, 10, 10_000)
    for name, cls in cal.CALIBRATORS.items():
        _report(h, f"{name}: fit + predict, 10,000 x 10", best_of(lambda: cls().fit(z, y).predict_proba(z)),
                goal="< 200 ms")
    temps = np.geomspace(0.25, 8, 60)
    _report(h, "nll_curve, 10,000 x 10, 60 temperatures", best_of(lambda: cal.nll_curve(z, y, temps)),
            goal="< 200 ms")
    _report(h, "ece_curve, 10,000 x 10, 60 temperatures", best_of(lambda: cal.ece_curve(z, y, temps)),
            goal="< 200 ms")

    # CSV upload of 100,000 x 100 logits.
    z, y = rng.normal(size=(100_000, 100)), rng.integers(0, 100, 100_000)
    buf = io.StringIO()
    header = "label," + ",".join(f"c{i}" for i in range(100))
    np.savetxt(buf, np.column_stack([y, z]), delimiter=",", header=header, comments="",
               fmt=["%d"] + ["%.7g"] * 100)
    data = buf.getvalue().encode()
    logits_time = best_of(lambda: load_predictions(data, filename="u.csv"), repeat=2)
    _report(h, f"CSV upload parse, 100,000 x 100 ({len(data) / 1e6:.0f} MB)", logits_time, goal="a few seconds")

    # The same size of probabilities at 6 decimals: values in [0, 1] whose rows miss 1 by rounding, so the
    # reader counts the digits written. Baseline: the logits upload above (no digits counted).
    buf = io.StringIO()
    np.savetxt(buf, np.column_stack([y, _softmax(z)]), delimiter=",", header=header, comments="",
               fmt=["%d"] + ["%.6f"] * 100)
    data = buf.getvalue().encode()
    _report(h, f"CSV upload parse, probabilities at 6 decimals ({len(data) / 1e6:.0f} MB)",
            best_of(lambda: load_predictions(data, filename="p.csv"), repeat=2), baseline=logits_time,
            goal="within 2x of logits")


if __name__ == "__main__":
    run()
