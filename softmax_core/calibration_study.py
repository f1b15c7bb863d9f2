"""The calibration page's study: metrics in one call, calibrators side by side, training-time remedies.

Thin compositions of :mod:`softmax_core.calibration`, so that the page itself does no arithmetic.
Pure NumPy.
"""

from typing import NamedTuple

import numpy as np

from .calibration import (
    CALIBRATORS,
    brier_score,
    negative_log_likelihood,
    reliability_bins,
)
from .datasets import split_indices
from .softmax import softmax

__all__ = [
    "Metrics",
    "calibration_metrics",
    "logits_from_probs",
    "calibrate_all",
    "checkpoint_summary",
    "ensemble_probs",
    "ece_by_binning",
    "split_rows",
    "row_subsample",
]


class Metrics(NamedTuple):
    """Accuracy and the four calibration scores of one table of predictions."""

    accuracy: float
    ece: float
    mce: float
    brier: float
    nll: float


def calibration_metrics(probs, labels, *, n_bins=15, strategy="uniform") -> Metrics:
    """Top-label accuracy, ECE, MCE, multiclass Brier score and exact NLL in one call.

    Parameters
    ----------
    probs : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    n_bins, strategy
        As in :func:`softmax_core.calibration.reliability_bins`; they change ECE and MCE only.

    Returns
    -------
    Metrics

    Examples
    --------
    >>> m = calibration_metrics([[0.5, 0.5], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]], [0, 0, 0, 0], n_bins=2)
    >>> round(m.accuracy, 2), round(m.ece, 6), m.mce
    (0.75, 0.2, 0.5)
    """
    bins = reliability_bins(probs, labels, n_bins=n_bins, strategy=strategy)
    p = np.asarray(probs, dtype=np.float64)
    accuracy = float(np.mean(p.argmax(axis=1) == np.asarray(labels)))
    return Metrics(accuracy, bins.ece, bins.mce, brier_score(p, labels), negative_log_likelihood(p, labels))


def logits_from_probs(probs) -> np.ndarray:
    """Logits whose softmax gives back ``probs``: ``log(p)``, with an exact 0 floored at the tiniest float.

    Parameters
    ----------
    probs : array_like, shape (N, K)

    Returns
    -------
    numpy.ndarray, shape (N, K)
        Finite logits (at least about -708), so the calibrators, which take logits, can use uploaded
        probabilities. A probability of 0 comes back as about 1e-308, never as 0.

    Examples
    --------
    >>> z = logits_from_probs([[0.25, 0.75], [1.0, 0.0]])
    >>> softmax(z, axis=-1).round(6).tolist()
    [[0.25, 0.75], [1.0, 0.0]]
    >>> bool(np.isfinite(z).all())
    True
    """
    p = np.asarray(probs, dtype=np.float64)
    return np.log(np.maximum(p, np.finfo(np.float64).tiny))


def calibrate_all(cal_logits, cal_labels, test_logits, *, names=tuple(CALIBRATORS), n_bins=15):
    """Fit each calibrator on one split and apply it to another.

    Parameters
    ----------
    cal_logits : array_like, shape (M, K)
        Logits of the split the calibrators learn from.
    cal_labels : array_like of int, shape (M,)
    test_logits : array_like, shape (N, K)
        Logits of the split they are judged on.
    names : sequence of str, optional
        Keys of :data:`softmax_core.calibration.CALIBRATORS`; all five by default.
    n_bins : int, optional
        Bins of histogram binning.

    Returns
    -------
    dict of str to (calibrator, numpy.ndarray)
        The fitted calibrator and its (N, K) test probabilities, by name.

    Examples
    --------
    >>> out = calibrate_all([[4.0, 0.0]] * 4, [0, 0, 0, 1], [[4.0, 0.0]], names=["temperature scaling"])
    >>> out["temperature scaling"][1].round(4).tolist()
    [[0.75, 0.25]]
    """
    out = {}
    for name in names:
        cls = CALIBRATORS[name]
        calibrator = cls(n_bins=n_bins) if name == "histogram binning" else cls()
        calibrator.fit(cal_logits, cal_labels)
        out[name] = (calibrator, calibrator.predict_proba(test_logits))
    return out


class CheckpointSummary(NamedTuple):
    """Per checkpoint: accuracy, mean top-label confidence, and ECE."""

    accuracy: np.ndarray
    confidence: np.ndarray
    ece: np.ndarray


def checkpoint_summary(logits_stack, labels, *, n_bins=15, strategy="uniform") -> CheckpointSummary:
    """Accuracy, mean confidence and ECE of a model at each of its checkpoints.

    Parameters
    ----------
    logits_stack : array_like, shape (C, N, K)
        Logits at C checkpoints (``TrainResult.eval_logits[name]``).
    labels : array_like of int, shape (N,)

    Returns
    -------
    CheckpointSummary
        Three arrays of shape (C,). Overconfidence shows as confidence above accuracy.

    Examples
    --------
    >>> s = checkpoint_summary([[[2.0, 0.0], [0.0, 2.0]], [[9.0, 0.0], [0.0, 9.0]]], [0, 0], n_bins=10)
    >>> s.accuracy.tolist(), s.confidence.round(4).tolist()
    ([0.5, 0.5], [0.8808, 0.9999])
    """
    stack = np.asarray(logits_stack, dtype=np.float64)
    y = np.asarray(labels)
    probs = softmax(stack, axis=-1)
    accuracy = (probs.argmax(axis=-1) == y).mean(axis=1)
    confidence = probs.max(axis=-1).mean(axis=1)
    ece = np.array([reliability_bins(p, y, n_bins=n_bins, strategy=strategy).ece for p in probs])
    return CheckpointSummary(accuracy, confidence, ece)


def ensemble_probs(logits_list) -> np.ndarray:
    """The ensemble's prediction: the mean of the members' softmax probabilities (not of their logits).

    Examples
    --------
    >>> ensemble_probs([[[0.0, 10.0]], [[10.0, 0.0]]]).round(4).tolist()
    [[0.5, 0.5]]
    """
    return softmax(np.asarray(logits_list, dtype=np.float64), axis=-1).mean(axis=0)


def ece_by_binning(probs, labels, bin_counts, *, strategies=("uniform", "quantile")) -> np.ndarray:
    """ECE of the same predictions under several binnings: how much the number depends on the choice.

    Returns
    -------
    numpy.ndarray, shape (len(strategies), len(bin_counts))

    Examples
    --------
    >>> probs = [[0.5, 0.5], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]]
    >>> ece_by_binning(probs, [0, 0, 0, 0], [1, 2], strategies=("uniform",)).round(6).tolist()
    [[0.05, 0.2]]
    """
    return np.array([[reliability_bins(probs, labels, n_bins=int(b), strategy=s).ece for b in bin_counts]
                     for s in strategies])


def split_rows(labels, *, fraction=0.5, seed=0):
    """Cut rows into a calibration part (``fraction`` of each class) and a test part (the rest).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Sorted, disjoint row indices of the calibration and test parts.

    Examples
    --------
    >>> cal, test = split_rows([0, 0, 1, 1], fraction=0.5, seed=0)
    >>> len(cal), len(test), sorted(cal.tolist() + test.tolist())
    (2, 2, [0, 1, 2, 3])
    """
    split = split_indices(np.asarray(labels), fractions=(0.0, fraction, 1.0 - fraction), seed=seed)
    return split.calibration, split.test


def row_subsample(n_rows, n_classes, *, max_cells=200_000, seed=0) -> np.ndarray:
    """Row indices, at most ``max_cells // n_classes`` of them, drawn without replacement and sorted.

    For work that grows with rows x classes (one-vs-rest fits, curves over many T) on a huge upload: all
    rows when the table is small enough, else a seeded random subset.

    Examples
    --------
    >>> row_subsample(5, 10).tolist()
    [0, 1, 2, 3, 4]
    >>> len(row_subsample(100_000, 100, max_cells=200_000))
    2000
    """
    keep = max(1, max_cells // max(1, n_classes))
    if n_rows <= keep:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=keep, replace=False))
