"""Calibration of a classifier's probabilities: reliability diagrams, ECE, and calibrators.

Top-label calibration as in Guo et al. (2017): a prediction with confidence ``c`` (the largest probability
of a row) should be right a fraction ``c`` of the time. The one-vs-rest view asks the same of one class:
among the rows where class ``j`` gets probability ``p``, a fraction ``p`` should belong to class ``j``.

Every calibrator has the same shape: ``fit(logits, labels) -> self`` on one split, then
``predict_proba(logits) -> probs`` on another, with rows that sum to 1.

Pure NumPy. SciPy and scikit-learn are used only as test oracles.

References
----------
.. [1] C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of Modern Neural Networks", ICML 2017.
.. [2] M. P. Naeini, G. F. Cooper, M. Hauskrecht, "Obtaining Well Calibrated Probabilities Using Bayesian
       Binning", AAAI 2015.
.. [3] B. Zadrozny, C. Elkan, "Transforming Classifier Scores into Accurate Multiclass Probability
       Estimates", KDD 2002.
.. [4] J. Platt, "Probabilistic Outputs for Support Vector Machines", 1999.
"""

from typing import NamedTuple

import numpy as np

from .softmax import CoreValueError, softmax

__all__ = [
    "CalibrationError",
    "ReliabilityBins",
    "reliability_bins",
    "reliability_bins_from_confidences",
    "reliability_bins_one_vs_rest",
    "expected_calibration_error",
    "maximum_calibration_error",
    "brier_score",
    "negative_log_likelihood",
    "fit_temperature",
    "nll_curve",
    "ece_curve",
    "NoCalibration",
    "TemperatureScaling",
    "HistogramBinning",
    "IsotonicCalibration",
    "PlattScaling",
    "CALIBRATORS",
    "T_MIN",
    "T_MAX",
]

#: Bounds of the temperature search: T is never returned outside [T_MIN, T_MAX].
T_MIN = 0.01
T_MAX = 100.0

_STRATEGIES = ("uniform", "quantile")
# Rows of a (N, K) array processed at a time so that a block stays in cache (about 512 kB of float64).
_BLOCK_VALUES = 65_536


class CalibrationError(CoreValueError):
    """Invalid input to a calibration function (a ``ValueError``).

    ``code`` names the problem for the UI's translated message; ``details`` holds its numbers
    (for example ``label``, ``n_classes``, ``row``).

    Examples
    --------
    >>> try:
    ...     expected_calibration_error([[0.5, 0.5]], [3])
    ... except CalibrationError as err:
    ...     print(err.code, "|", err)
    label_out_of_range | label 3 is out of range for 2 classes (0..1)
    """


# --------------------------------------------------------------------------------------------------
# Validation, once, at the boundary


def _as_2d_float(values, what):
    arr = np.asarray(values)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise CalibrationError(f"{what} must be numbers", code="not_numeric", what=what)
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise CalibrationError(f"{what} must be real numbers", code="not_numeric", what=what)
    if arr.ndim != 2:
        raise CalibrationError(
            f"{what} must be a table of shape (samples, classes); got {arr.ndim} dimension(s)",
            code="bad_shape", what=what, shape=arr.shape,
        )
    n, k = arr.shape
    if n == 0:
        raise CalibrationError(f"{what} has no rows", code="empty", what=what)
    if k < 2:
        raise CalibrationError(
            f"{what} has {k} column(s); a classifier needs at least 2 classes",
            code="too_few_classes", what=what, n_classes=k,
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def _check_labels(labels, n_rows, n_classes):
    y = np.asarray(labels)
    if y.ndim != 1:
        raise CalibrationError(
            f"labels must be a list of {n_rows} class numbers; got shape {y.shape}",
            code="bad_shape", what="labels", shape=y.shape,
        )
    if y.shape[0] != n_rows:
        raise CalibrationError(
            f"there are {n_rows} predictions but {y.shape[0]} labels",
            code="length_mismatch", n_rows=n_rows, n_labels=y.shape[0],
        )
    if np.issubdtype(y.dtype, np.integer):
        pass
    elif np.issubdtype(y.dtype, np.floating):
        bad = ~np.isfinite(y) | (y != np.round(y))
        if bad.any():
            row = int(np.argmax(bad))
            raise CalibrationError(
                f"label {float(y[row])!r} in row {row} is not a whole number",
                code="label_not_integer", row=row, label=float(y[row]),
            )
        y = y.astype(np.intp)
    else:
        raise CalibrationError("labels must be whole numbers", code="label_not_integer")
    lo, hi = int(y.min()), int(y.max())
    if lo < 0 or hi >= n_classes:
        bad_label = lo if lo < 0 else hi
        raise CalibrationError(
            f"label {bad_label} is out of range for {n_classes} classes (0..{n_classes - 1})",
            code="label_out_of_range", label=bad_label, n_classes=n_classes,
        )
    return y.astype(np.intp, copy=False)


def _check_logits(logits, labels=None):
    z = _as_2d_float(logits, "logits")
    if not np.isfinite(z).all():
        row = int(np.argmax(~np.isfinite(z).all(axis=1)))
        raise CalibrationError(
            f"logits must be finite numbers; row {row} has NaN or infinity",
            code="not_finite", what="logits", row=row,
        )
    if labels is None:
        return z.astype(np.float64, copy=False)
    return z.astype(np.float64, copy=False), _check_labels(labels, *z.shape)


def _sum_tolerance(dtype, n_classes):
    # float32 softmax rows sum to 1 only within a few ulps per class.
    return max(1e-6, 16 * n_classes * float(np.finfo(dtype).eps))


def _probs_problem(p):
    """Explain, on the slow path, why ``p`` is not a table of probabilities."""
    finite = np.isfinite(p).all(axis=1)
    if not finite.all():
        row = int(np.argmin(finite))
        return CalibrationError(
            f"probabilities must be finite numbers; row {row} has NaN or infinity",
            code="not_finite", what="probs", row=row,
        )
    inside = ((p >= 0) & (p <= 1)).all(axis=1)
    if not inside.all():
        row = int(np.argmin(inside))
        return CalibrationError(
            f"probabilities must lie between 0 and 1; row {row} does not",
            code="probs_out_of_range", row=row,
        )
    sums = p.sum(axis=1)
    row = int(np.argmax(np.abs(sums - 1)))
    return CalibrationError(
        f"each row of probabilities must sum to 1; row {row} sums to {sums[row]:.6g}",
        code="probs_not_normalised", row=row, total=float(sums[row]),
    )


def _top_label(probs, labels):
    """Confidence and correctness of each row, with what validation needs, in one cache-friendly pass.

    Returns ``(conf, correct, lowest, worst)``: the row max, whether the label is the argmax, the
    smallest entry and the largest ``|row sum - 1|``. ``np.max(axis=1)`` on a tall, narrow array pays a
    per-row overhead; reducing over the first axis of a transposed block is a plain element-wise loop,
    several times faster, and the block's temporaries stay in cache.
    """
    n, k = probs.shape
    conf = np.empty(n, probs.dtype)
    correct = np.empty(n, bool)
    lowest, worst = np.inf, 0.0
    step = max(1, _BLOCK_VALUES // k)
    columns = np.arange(min(step, n))
    for start in range(0, n, step):
        block = np.ascontiguousarray(probs[start:start + step].T)
        width = block.shape[1]
        top = conf[start:start + width]
        np.max(block, axis=0, out=top)
        worst = max(worst, np.abs(block.sum(axis=0) - 1).max())
        lowest = min(lowest, block.min())
        is_top = block == top
        truth = labels[start:start + width]
        # The label is the prediction when it holds the row's max ...
        correct[start:start + width] = is_top.ravel().take(truth * width + columns[:width])
        # ... unless an earlier class holds it too (argmax takes the first of ties): rare, so exact here.
        if np.count_nonzero(is_top) > width:
            tied = np.flatnonzero(is_top.sum(axis=0) > 1)
            correct[start + tied] = block[:, tied].argmax(axis=0) == truth[tied]
    return conf, correct, lowest, worst


def _check_probs_top_label(probs, labels):
    """Validate ``probs`` and ``labels``; return (confidences, correct)."""
    p = _as_2d_float(probs, "probabilities")
    n, k = p.shape
    y = _check_labels(labels, n, k)
    conf, correct, lowest, worst = _top_label(p, y)
    # NaN fails every comparison, so it is caught here too.
    if not (lowest >= 0 and worst <= _sum_tolerance(p.dtype, k) and conf.max() <= 1):
        raise _probs_problem(p)
    return conf, correct


def _check_probs(probs, labels):
    p = _as_2d_float(probs, "probabilities")
    y = _check_labels(labels, *p.shape)
    tol = _sum_tolerance(p.dtype, p.shape[1])
    if not (p.min() >= 0 and p.max() <= 1 and np.abs(p.sum(axis=1) - 1).max() <= tol):
        raise _probs_problem(p)
    return p, y


def _check_options(n_bins, strategy):
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise CalibrationError(
            f"the number of bins must be a whole number of at least 1; got {n_bins!r}",
            code="bad_n_bins", n_bins=n_bins,
        )
    if strategy not in _STRATEGIES:
        raise CalibrationError(
            f"strategy must be 'uniform' or 'quantile'; got {strategy!r}",
            code="bad_strategy", strategy=strategy,
        )


# --------------------------------------------------------------------------------------------------
# Reliability bins and the metrics built on them


class ReliabilityBins(NamedTuple):
    """The numbers behind a reliability diagram.

    Bin ``i`` holds the samples whose confidence ``c`` satisfies ``edges[i] < c <= edges[i + 1]``
    (``c = 0`` goes to the first bin). Empty bins are kept, with ``counts == 0`` and NaN means.
    """

    edges: np.ndarray
    """(B + 1,) bin edges, from 0 to 1."""
    counts: np.ndarray
    """(B,) number of samples in each bin."""
    confidence: np.ndarray
    """(B,) mean confidence (predicted probability) in each bin; NaN if empty."""
    accuracy: np.ndarray
    """(B,) fraction correct (top-label) or fraction of positives (one-vs-rest) in each bin; NaN if empty."""

    @property
    def gap(self):
        """(B,) ``confidence - accuracy``: positive where the model is overconfident; NaN if empty."""
        return self.confidence - self.accuracy

    @property
    def ece(self):
        """Expected calibration error: the count-weighted mean of ``|gap|`` over the bins."""
        filled = self.counts > 0
        weights = self.counts[filled] / self.counts.sum()
        return float(np.abs(self.gap[filled]) @ weights)

    @property
    def mce(self):
        """Maximum calibration error: the largest ``|gap|`` over the non-empty bins."""
        return float(np.abs(self.gap[self.counts > 0]).max())


def _bin_edges(conf, n_bins, strategy):
    if strategy == "uniform":
        return np.arange(n_bins + 1) / n_bins
    edges = np.quantile(conf, np.linspace(0.0, 1.0, n_bins + 1))
    edges[0], edges[-1] = 0.0, 1.0
    # Tied confidences give tied quantiles: merge them (a zero-width bin could hold nothing).
    return np.unique(edges)


def _bin_index(conf, edges, strategy):
    """Index ``i`` with ``edges[i] < c <= edges[i + 1]``; ``c = 0`` gets 0."""
    n_bins = edges.size - 1
    if strategy == "quantile":
        return np.maximum(np.searchsorted(edges, conf, side="left") - 1, 0)
    # Equal widths: ceil(c * B) - 1 is right except within an ulp of an edge, where rounding of c * B
    # may move it by one; two comparisons against the stored edges settle it exactly. Done in chunks,
    # so that the temporaries stay in cache.
    idx = np.empty(conf.size, np.intp)
    chunk = _BLOCK_VALUES
    scaled = np.empty(min(chunk, conf.size))
    for start in range(0, conf.size, chunk):
        c = conf[start:start + chunk]
        i = idx[start:start + chunk]
        r = scaled[:c.size]
        np.multiply(c, n_bins, out=r)
        np.ceil(r, out=r)
        r -= 1
        np.clip(r, 0, n_bins - 1, out=r)
        i[...] = r
        i -= (c <= edges.take(i)) & (i > 0)
        i += c > edges.take(i + 1)
    return idx


def _bins(conf, hits, n_bins, strategy):
    edges = _bin_edges(conf, n_bins, strategy)
    n = edges.size - 1
    idx = _bin_index(conf, edges, strategy)
    counts = np.bincount(idx, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.bincount(idx, weights=conf, minlength=n) / counts
        accuracy = np.bincount(idx, weights=hits, minlength=n) / counts
    return ReliabilityBins(edges, counts, confidence, accuracy)


def reliability_bins_from_confidences(confidences, correct, *, n_bins=15, strategy="uniform"):
    """Reliability bins from top-label confidences and whether each prediction was right.

    For data sets that give only the confidence of the predicted class.

    Parameters
    ----------
    confidences : array_like, shape (N,)
        Probability the model gave to its prediction, in [0, 1].
    correct : array_like of bool or 0/1, shape (N,)
        Whether the prediction was right.
    n_bins : int, optional
        Number of bins (default 15, as in Guo et al.).
    strategy : {"uniform", "quantile"}, optional
        ``"uniform"``: equal-width bins ``(i/B, (i+1)/B]``. ``"quantile"``: edges at the quantiles of the
        confidences, so bins hold about equally many samples; the outer edges are 0 and 1, and tied
        quantiles are merged, so fewer than ``n_bins`` bins may come back.

    Returns
    -------
    ReliabilityBins
        ``edges``, ``counts``, ``confidence``, ``accuracy``; and ``gap``, ``ece``, ``mce`` as properties.

    Notes
    -----
    With :math:`B_m` the samples in bin :math:`m`,
    :math:`\\mathrm{conf}(B_m) = \\frac{1}{|B_m|}\\sum_{i \\in B_m} c_i` and
    :math:`\\mathrm{acc}(B_m) = \\frac{1}{|B_m|}\\sum_{i \\in B_m} 1[\\hat y_i = y_i]`. The binning is one
    pass of ``bincount`` per sum.

    Examples
    --------
    >>> bins = reliability_bins_from_confidences([0.5, 0.9, 1.0, 0.2], [0, 1, 1, 1], n_bins=2)
    >>> bins.counts.tolist(), bins.confidence.tolist(), bins.accuracy.tolist()
    ([2, 2], [0.35, 0.95], [0.5, 1.0])
    >>> round(bins.ece, 6)
    0.1
    """
    _check_options(n_bins, strategy)
    conf = np.asarray(confidences)
    if conf.ndim != 1 or conf.size == 0 or not np.issubdtype(conf.dtype, np.number):
        raise CalibrationError(
            "confidences must be a non-empty list of numbers", code="bad_shape", what="confidences"
        )
    conf = conf.astype(np.float64, copy=False)
    if not (conf.min() >= 0 and conf.max() <= 1):  # also false for NaN
        row = int(np.argmax(~((conf >= 0) & (conf <= 1))))
        raise CalibrationError(
            f"confidences must lie between 0 and 1; row {row} is {conf[row]!r}",
            code="probs_out_of_range", row=row,
        )
    hits = np.asarray(correct)
    if hits.shape != conf.shape:
        raise CalibrationError(
            f"there are {conf.size} confidences but {hits.size} correct/incorrect flags",
            code="length_mismatch", n_rows=conf.size, n_labels=hits.size,
        )
    if hits.dtype != bool:
        if not np.isin(hits, (0, 1)).all():
            raise CalibrationError(
                "correct must hold only True/False or 1/0", code="bad_correct"
            )
    return _bins(conf, hits.astype(np.float64), n_bins, strategy)


def reliability_bins(probs, labels, *, n_bins=15, strategy="uniform"):
    """Top-label reliability bins of predicted probabilities (Guo et al., 2017).

    Parameters
    ----------
    probs : array_like, shape (N, K)
        Predicted probabilities; each row in [0, 1] and summing to 1.
    labels : array_like of int, shape (N,)
        True classes, 0..K-1.
    n_bins : int, optional
        Number of bins (default 15).
    strategy : {"uniform", "quantile"}, optional
        See :func:`reliability_bins_from_confidences`.

    Returns
    -------
    ReliabilityBins

    Notes
    -----
    The confidence of a row is :math:`\\max_k p_k`, its prediction :math:`\\arg\\max_k p_k` (the first
    class among ties, as ``np.argmax``).

    Examples
    --------
    >>> probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]]
    >>> bins = reliability_bins(probs, [0, 1, 1, 1], n_bins=5)
    >>> bins.counts.tolist()
    [0, 0, 1, 2, 1]
    >>> bins.accuracy.tolist()[2:]
    [1.0, 0.5, 1.0]
    """
    _check_options(n_bins, strategy)
    conf, correct = _check_probs_top_label(probs, labels)
    return _bins(conf, correct, n_bins, strategy)


def reliability_bins_one_vs_rest(probs, labels, *, class_index, n_bins=15, strategy="uniform"):
    """Reliability bins of one class against the rest.

    Parameters
    ----------
    probs : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    class_index : int
        The class ``j`` whose probability is binned.
    n_bins, strategy
        As in :func:`reliability_bins`.

    Returns
    -------
    ReliabilityBins
        ``confidence`` is the mean of :math:`p_j` in each bin; ``accuracy`` is the fraction of the bin's
        samples whose label is ``j``.

    Examples
    --------
    >>> probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]]
    >>> bins = reliability_bins_one_vs_rest(probs, [0, 1, 1, 1], class_index=1, n_bins=2)
    >>> bins.counts.tolist(), bins.accuracy.tolist()
    ([2, 2], [0.5, 1.0])
    """
    _check_options(n_bins, strategy)
    p, y = _check_probs(probs, labels)
    k = p.shape[1]
    if isinstance(class_index, bool) or not isinstance(class_index, (int, np.integer)) \
            or not 0 <= class_index < k:
        raise CalibrationError(
            f"class {class_index!r} is out of range for {k} classes (0..{k - 1})",
            code="class_out_of_range", class_index=class_index, n_classes=k,
        )
    conf = p[:, class_index].astype(np.float64)
    return _bins(conf, (y == class_index).astype(np.float64), n_bins, strategy)


def expected_calibration_error(probs, labels, *, n_bins=15, strategy="uniform"):
    """Expected calibration error (ECE) of the top label.

    Parameters
    ----------
    probs : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    n_bins, strategy
        As in :func:`reliability_bins`.

    Returns
    -------
    float
        In [0, 1]; 0 means every bin's accuracy equals its mean confidence.

    Notes
    -----
    .. math:: \\mathrm{ECE} = \\sum_m \\frac{|B_m|}{N} \\left|\\mathrm{acc}(B_m) - \\mathrm{conf}(B_m)\\right|

    Examples
    --------
    Four predictions, two bins (0, 0.5] and (0.5, 1]: the second holds confidences 0.6, 0.8, 0.9 with
    two right, so its gap is |2/3 - 0.7667| = 0.1; the first holds 0.5, right, gap 0.5.
    ECE = 3/4 * 0.1 + 1/4 * 0.5 = 0.2.

    >>> probs = [[0.5, 0.5], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]]
    >>> round(expected_calibration_error(probs, [0, 0, 0, 0], n_bins=2), 12)
    0.2
    """
    return reliability_bins(probs, labels, n_bins=n_bins, strategy=strategy).ece


def maximum_calibration_error(probs, labels, *, n_bins=15, strategy="uniform"):
    """Maximum calibration error (MCE): the largest top-label gap over non-empty bins.

    Parameters
    ----------
    probs : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    n_bins, strategy
        As in :func:`reliability_bins`.

    Returns
    -------
    float

    Notes
    -----
    .. math:: \\mathrm{MCE} = \\max_{m:\\,|B_m| > 0} \\left|\\mathrm{acc}(B_m) - \\mathrm{conf}(B_m)\\right|

    Examples
    --------
    >>> probs = [[0.5, 0.5], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]]
    >>> maximum_calibration_error(probs, [0, 0, 0, 0], n_bins=2)
    0.5
    """
    return reliability_bins(probs, labels, n_bins=n_bins, strategy=strategy).mce


def brier_score(probs, labels):
    """Multiclass Brier score: squared error against the one-hot label, summed over classes.

    Parameters
    ----------
    probs : array_like, shape (N, K)
    labels : array_like of int, shape (N,)

    Returns
    -------
    float
        In [0, 2]: 0 for certain and right, 2 for certain and wrong.

    Notes
    -----
    .. math:: \\mathrm{BS} = \\frac{1}{N}\\sum_i \\sum_k (p_{ik} - 1[y_i = k])^2
              = \\frac{1}{N}\\sum_i \\Big(1 - 2 p_{i y_i} + \\sum_k p_{ik}^2\\Big)

    With two classes it is twice scikit-learn's ``brier_score_loss``, which scores only the positive class.

    Examples
    --------
    >>> brier_score([[1.0, 0.0], [0.5, 0.5]], [0, 1])
    0.25
    """
    p, y = _check_probs(probs, labels)
    p = p.astype(np.float64, copy=False)
    n = p.shape[0]
    squares = np.einsum("ij,ij->i", p, p)
    true = p[np.arange(n), y]
    return float(np.mean(squares - 2 * true + 1))


def negative_log_likelihood(probs, labels):
    """Mean negative log-likelihood of the true classes, exact: no clipping.

    Parameters
    ----------
    probs : array_like, shape (N, K)
    labels : array_like of int, shape (N,)

    Returns
    -------
    float
        ``inf`` when some true class has probability exactly 0.

    Notes
    -----
    .. math:: \\mathrm{NLL} = -\\frac{1}{N}\\sum_i \\log p_{i y_i}

    Libraries that clip probabilities at, say, 1e-15 report a smaller value when a true class has a tinier
    probability; this function does not.

    Examples
    --------
    >>> round(negative_log_likelihood([[0.5, 0.5], [0.25, 0.75]], [0, 1]), 6)
    0.490415
    >>> negative_log_likelihood([[1.0, 0.0]], [1])
    inf
    """
    p, y = _check_probs(probs, labels)
    true = p[np.arange(p.shape[0]), y].astype(np.float64)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(true)))


# --------------------------------------------------------------------------------------------------
# Temperature


class _Shifted(NamedTuple):
    """Logits minus their row max (so every exponent is <= 0 for beta > 0) and the true-class entry."""

    d: np.ndarray
    d_true: np.ndarray


def _shift(z, y):
    d = z - z.max(axis=1, keepdims=True)
    return _Shifted(d, d[np.arange(d.shape[0]), y])


def _nll_and_derivatives(s, beta):
    """NLL(beta) and its first two derivatives, where logits are scaled by beta = 1/T."""
    e = np.exp(beta * s.d)
    total = e.sum(axis=1)
    mean_d = np.einsum("ij,ij->i", e, s.d) / total
    mean_d2 = np.einsum("ij,ij->i", e, s.d * s.d) / total
    nll = np.mean(np.log(total) - beta * s.d_true)
    grad = np.mean(mean_d - s.d_true)
    curv = np.mean(np.maximum(mean_d2 - mean_d * mean_d, 0.0))
    return nll, grad, curv


def _nll_beta(s, beta):
    # The row max of beta * d is 0, so the sum is >= 1 and the log is safe.
    return float(np.mean(np.log(np.exp(beta * s.d).sum(axis=1)) - beta * s.d_true))


def fit_temperature(logits, labels):
    """The temperature T that minimises the NLL of ``softmax(logits / T)`` on ``labels``.

    Parameters
    ----------
    logits : array_like, shape (N, K)
        Finite logits of the validation split.
    labels : array_like of int, shape (N,)

    Returns
    -------
    float
        T in [T_MIN, T_MAX] = [0.01, 100]. T sits on a bound only when the NLL keeps falling toward it:
        ``T_MIN`` when the logits already separate the classes perfectly, ``T_MAX`` when they carry no
        information about the labels (a flat, uniform prediction is then best).

    Notes
    -----
    With :math:`\\beta = 1/T`, :math:`\\mathrm{NLL}(\\beta) = \\frac{1}{N}\\sum_i
    \\big(\\log\\sum_k e^{\\beta z_{ik}} - \\beta z_{i y_i}\\big)` is convex, with

    .. math:: \\mathrm{NLL}'(\\beta) = \\frac{1}{N}\\sum_i \\big(\\mathrm{E}_{p_i}[z] - z_{i y_i}\\big),
              \\qquad \\mathrm{NLL}''(\\beta) = \\frac{1}{N}\\sum_i \\mathrm{Var}_{p_i}[z] \\ge 0,

    the mean and variance taken under :math:`p_i = \\mathrm{softmax}(\\beta z_i)`. Newton's method on
    :math:`\\beta`, safeguarded by bisection on the sign of the derivative, converges in a handful of
    steps; it stops when a step moves T by less than 1e-8.

    Examples
    --------
    An overconfident model, right 3 times out of 4, wants a temperature above 1:

    >>> t = fit_temperature([[4.0, 0.0]] * 4, [0, 0, 0, 1])
    >>> round(t, 4)  # softmax(4 / T) = 3/4  ->  T = 4 / log 3
    3.641
    """
    z, y = _check_logits(logits, labels)
    s = _shift(z, y)
    lo, hi = 1.0 / T_MAX, 1.0 / T_MIN
    if _nll_and_derivatives(s, lo)[1] >= 0:
        return T_MAX
    if _nll_and_derivatives(s, hi)[1] <= 0:
        return T_MIN
    beta = 1.0
    for _ in range(200):
        _, grad, curv = _nll_and_derivatives(s, beta)
        if grad > 0:
            hi = beta
        elif grad < 0:
            lo = beta
        else:
            break
        step = grad / curv if curv > 0 else np.inf
        new = beta - step
        if not lo < new < hi:
            new = np.sqrt(lo * hi)  # bisection in log(beta): the bracket spans decades
        if abs(1.0 / new - 1.0 / beta) < 1e-8 or hi - lo < 1e-15 * hi:
            beta = new
            break
        beta = new
    return float(1.0 / beta)


def _check_temperatures(temperatures):
    t = np.asarray(temperatures, dtype=np.float64)
    if t.ndim > 1 or t.size == 0 or not (np.isfinite(t).all() and (t > 0).all()):
        raise CalibrationError(
            "temperatures must be a list of positive numbers", code="bad_temperature"
        )
    return np.atleast_1d(t)


def nll_curve(logits, labels, temperatures):
    """NLL of ``softmax(logits / T)`` for each temperature T: the page's NLL(T) curve.

    Parameters
    ----------
    logits : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    temperatures : array_like, shape (M,)
        Positive temperatures.

    Returns
    -------
    numpy.ndarray, shape (M,)

    Examples
    --------
    >>> nll_curve([[0.0, 0.0]], [0], [0.5, 1.0, 2.0]).round(6).tolist()
    [0.693147, 0.693147, 0.693147]
    """
    z, y = _check_logits(logits, labels)
    s = _shift(z, y)
    return np.array([_nll_beta(s, 1.0 / t) for t in _check_temperatures(temperatures)])


def ece_curve(logits, labels, temperatures, *, n_bins=15, strategy="uniform"):
    """Top-label ECE of ``softmax(logits / T)`` for each temperature T: the page's ECE(T) curve.

    Parameters
    ----------
    logits : array_like, shape (N, K)
    labels : array_like of int, shape (N,)
    temperatures : array_like, shape (M,)
    n_bins, strategy
        As in :func:`reliability_bins`.

    Returns
    -------
    numpy.ndarray, shape (M,)

    Notes
    -----
    A positive temperature does not change the argmax, so which predictions are right is computed once;
    only the confidence :math:`1 / \\sum_k e^{(z_k - \\max z) / T}` changes with T.

    Examples
    --------
    >>> ece_curve([[2.0, 0.0], [0.0, 2.0]], [0, 0], [1.0, 1e6], n_bins=10).round(4).tolist()
    [0.3808, 0.0]
    """
    _check_options(n_bins, strategy)
    z, y = _check_logits(logits, labels)
    s = _shift(z, y)
    correct = (z.argmax(axis=1) == y).astype(np.float64)
    out = []
    for t in _check_temperatures(temperatures):
        conf = 1.0 / np.exp(s.d / t).sum(axis=1)
        out.append(_bins(conf, correct, n_bins, strategy).ece)
    return np.array(out)


# --------------------------------------------------------------------------------------------------
# Calibrators: fit(logits, labels) -> self, predict_proba(logits) -> probs


def _renormalise(q):
    """Rows of non-negative scores divided by their sums; a row that sums to 0 becomes uniform."""
    total = q.sum(axis=1, keepdims=True)
    empty = total[:, 0] == 0
    q[empty] = 1.0
    total[empty] = q.shape[1]
    return q / total


class _Calibrator:
    """Shared checks: fitted before use, and the same number of classes at fit and predict."""

    name = ""

    def __repr__(self):
        return f"{type(self).__name__}()"

    def fit(self, logits, labels):
        z, y = _check_logits(logits, labels)
        self.n_classes_ = z.shape[1]
        self._fit(z, y)
        return self

    def predict_proba(self, logits):
        if not hasattr(self, "n_classes_"):
            raise CalibrationError(
                f"{self.name} must be fitted before it can predict", code="not_fitted"
            )
        z = _check_logits(logits)
        if z.shape[1] != self.n_classes_:
            raise CalibrationError(
                f"{self.name} was fitted on {self.n_classes_} classes but got {z.shape[1]}",
                code="class_count_mismatch", expected=self.n_classes_, got=z.shape[1],
            )
        return self._predict(z)


class NoCalibration(_Calibrator):
    """The uncalibrated softmax, so that "none" has the same shape as the calibrators.

    Examples
    --------
    >>> NoCalibration().fit([[0.0, 0.0]], [0]).predict_proba([[0.0, 0.0]]).tolist()
    [[0.5, 0.5]]
    """

    name = "none"

    def _fit(self, z, y):
        pass

    def _predict(self, z):
        return softmax(z, axis=-1)


class TemperatureScaling(_Calibrator):
    """Temperature scaling: ``softmax(logits / T)`` with T from :func:`fit_temperature`.

    One parameter for all classes, and T > 0, so the argmax (and the accuracy) never changes.

    Attributes
    ----------
    temperature_ : float
        The fitted temperature.

    Examples
    --------
    >>> ts = TemperatureScaling().fit([[4.0, 0.0]] * 4, [0, 0, 0, 1])
    >>> ts.predict_proba([[4.0, 0.0]]).round(4).tolist()
    [[0.75, 0.25]]
    """

    name = "temperature scaling"

    def _fit(self, z, y):
        self.temperature_ = fit_temperature(z, y)

    def _predict(self, z):
        return softmax(z, temperature=self.temperature_, axis=-1)


def _one_vs_rest_scores(z):
    """Scores to calibrate: the softmax probability of each class; of class 1 alone when K = 2."""
    p = softmax(z, axis=-1)
    return p[:, 1:] if p.shape[1] == 2 else p


def _one_vs_rest_targets(y, k):
    return (y[:, None] == (np.arange(1, 2) if k == 2 else np.arange(k))).astype(np.float64)


def _from_one_vs_rest(q):
    """Calibrated one-vs-rest scores to rows of probabilities (K = 2: p0 = 1 - p1)."""
    if q.shape[1] == 1:
        return np.hstack([1.0 - q, q])
    return _renormalise(q)


class HistogramBinning(_Calibrator):
    """Histogram binning, one class against the rest, then rows renormalised.

    Parameters
    ----------
    n_bins : int, optional
        Equal-width bins of each class's softmax probability, ``(i/B, (i+1)/B]`` (default 15).

    Notes
    -----
    For class :math:`j`, the calibrated probability of a sample whose :math:`p_j` falls in bin :math:`m`
    is the fraction of the fit samples in that bin that belong to :math:`j` (Zadrozny & Elkan). A bin that
    no fit sample reached keeps its centre as the value, the best guess with no evidence. The K values of
    a row are then divided by their sum; a row that sums to 0 (every class in a bin with no positives)
    becomes uniform. With two classes only class 1 is binned and :math:`p_0 = 1 - p_1`.

    Examples
    --------
    >>> hb = HistogramBinning(n_bins=2).fit([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], [1, 0, 0])
    >>> hb.predict_proba([[0.0, 1.0]]).tolist()
    [[0.5, 0.5]]
    """

    name = "histogram binning"

    def __init__(self, *, n_bins=15):
        _check_options(n_bins, "uniform")
        self.n_bins = n_bins

    def __repr__(self):
        return f"HistogramBinning(n_bins={self.n_bins})"

    def _index(self, scores):
        edges = np.arange(self.n_bins + 1) / self.n_bins
        cols = scores.shape[1]
        # One bincount for all classes: bin m of class j is cell m * cols + j.
        return _bin_index(scores.ravel(), edges, "uniform").reshape(scores.shape) * cols + np.arange(cols)

    def _fit(self, z, y):
        scores = _one_vs_rest_scores(z)
        cells = self._index(scores).ravel()
        size = self.n_bins * scores.shape[1]
        counts = np.bincount(cells, minlength=size)
        positives = np.bincount(cells, weights=_one_vs_rest_targets(y, z.shape[1]).ravel(), minlength=size)
        centres = np.repeat((np.arange(self.n_bins) + 0.5) / self.n_bins, scores.shape[1])
        with np.errstate(invalid="ignore", divide="ignore"):
            self.bin_values_ = np.where(counts > 0, positives / counts, centres).reshape(self.n_bins, -1)

    def _predict(self, z):
        scores = _one_vs_rest_scores(z)
        return _from_one_vs_rest(self.bin_values_.ravel()[self._index(scores)])


def _pool_adjacent_violators(x, y):
    """Isotonic (non-decreasing) least-squares fit of ``y`` on ``x``, for many problems at once.

    ``x`` and ``y`` have shape (N, C): column c is one problem. Returns the sorted distinct ``x`` of every
    column one after the other, the fitted value at each (ties in ``x`` share the mean of their ``y``),
    and the column each belongs to.
    """
    n, cols = x.shape
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0).T.ravel()
    ys = np.take_along_axis(y, order, axis=0).T.ravel()
    column = np.repeat(np.arange(cols), n)
    # The starting blocks: runs of equal x within a column ("points" below).
    starts = np.flatnonzero(np.r_[True, (xs[1:] != xs[:-1]) | (column[1:] != column[:-1])])
    weight = np.diff(np.r_[starts, xs.size]).astype(np.float64)
    total = np.add.reduceat(ys, starts)
    owner = column[starts]
    first = np.arange(starts.size)  # the first point of each block
    # Adjacent blocks that violate the order share a level in the optimum, so all such pairs can be
    # pooled at once. While that pools many blocks per pass, it is the fast way ...
    while True:
        level = total / weight
        merge = (level[:-1] > level[1:]) & (owner[1:] == owner[:-1])
        pooled = np.count_nonzero(merge)
        if pooled < max(1, level.size // 50):
            break
        keep = np.r_[True, ~merge]
        new_id = np.cumsum(keep) - 1
        weight = np.bincount(new_id, weights=weight)
        total = np.bincount(new_id, weights=total)
        owner, first = owner[keep], first[keep]
    # ... then the classic stack-based pass finishes the few long chains in one sweep.
    if pooled:
        w_, t_, o_, f_ = [], [], [], []
        for w, t, o, f in zip(weight.tolist(), total.tolist(), owner.tolist(), first.tolist()):
            while o_ and o_[-1] == o and t_[-1] / w_[-1] > t / w:
                w += w_.pop()
                t += t_.pop()
                f = f_.pop()
                o_.pop()
            w_.append(w)
            t_.append(t)
            o_.append(o)
            f_.append(f)
        weight, total, first = np.array(w_), np.array(t_), np.array(f_, dtype=np.intp)
    fitted = np.repeat(total / weight, np.diff(np.r_[first, starts.size]))
    return xs[starts], fitted, column[starts]


class IsotonicCalibration(_Calibrator):
    """Isotonic regression, one class against the rest, then rows renormalised.

    Notes
    -----
    For class :math:`j`, a non-decreasing step function :math:`g_j` of the softmax probability
    :math:`p_j` is fitted to the 0/1 targets :math:`1[y = j]` by least squares, with the
    pool-adjacent-violators algorithm (Zadrozny & Elkan, 2002). Between the fitted points it is
    interpolated linearly, and held constant beyond them. The K values of a row are then divided by
    their sum; a row that sums to 0 becomes uniform. With two classes only class 1 is fitted and
    :math:`p_0 = 1 - p_1`.

    Examples
    --------
    >>> iso = IsotonicCalibration().fit([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]], [1, 0, 1])
    >>> iso.predict_proba([[0.0, 3.0]]).tolist()
    [[0.0, 1.0]]
    """

    name = "isotonic regression"

    def _fit(self, z, y):
        scores = _one_vs_rest_scores(z)
        xs, fitted, owner = _pool_adjacent_violators(scores, _one_vs_rest_targets(y, z.shape[1]))
        bounds = np.searchsorted(owner, np.arange(scores.shape[1] + 1))
        self.thresholds_ = [xs[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        self.values_ = [fitted[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def _predict(self, z):
        scores = _one_vs_rest_scores(z)
        q = np.empty_like(scores)
        for j, (xs, vs) in enumerate(zip(self.thresholds_, self.values_)):
            q[:, j] = np.interp(scores[:, j], xs, vs)
        return _from_one_vs_rest(q)


def _platt_features(z):
    """One feature per class: the row-centred logit (K = 2: the margin z1 - z0, for class 1)."""
    if z.shape[1] == 2:
        return z[:, 1:] - z[:, :1]
    return z - z.mean(axis=1, keepdims=True)


def _logistic_loss(a, b, x, t):
    s = a * x + b
    return np.mean(np.logaddexp(0.0, s) - t * s, axis=0)


class PlattScaling(_Calibrator):
    """Platt scaling: a logistic regression ``sigmoid(a * z + b)`` per class, one against the rest.

    Parameters
    ----------
    max_iter : int, optional
        Newton iterations at most (default 100).

    Notes
    -----
    For class :math:`j` the feature is its logit centred on the row mean,
    :math:`x_j = z_j - \\bar z` (adding a constant to a row, which leaves the softmax unchanged, leaves
    this unchanged too), and :math:`q_j = \\sigma(a_j x_j + b_j)` with :math:`(a_j, b_j)` the maximum
    likelihood estimate, without a penalty, found by Newton's method (iteratively reweighted least
    squares) with step halving. The K values are then renormalised in log space, so a row never sums to
    0. With two classes a single regression is fitted on the margin :math:`z_1 - z_0`, and
    :math:`p_0 = 1 - p_1`.

    When the fit split is perfectly separable the likelihood has no maximum: the slope keeps growing
    until ``max_iter`` and the sigmoid becomes a step.

    Examples
    --------
    >>> platt = PlattScaling().fit([[0.0, -1.0], [0.0, 1.0], [0.0, 2.0], [0.0, -2.0]], [0, 0, 1, 1])
    >>> platt.predict_proba([[0.0, 0.0]]).round(4).tolist()
    [[0.5, 0.5]]
    """

    name = "Platt scaling"

    def __init__(self, *, max_iter=100):
        self.max_iter = max_iter

    def __repr__(self):
        return f"PlattScaling(max_iter={self.max_iter})"

    def _fit(self, z, y):
        x = _platt_features(z)
        t = _one_vs_rest_targets(y, z.shape[1])
        cols = x.shape[1]
        a, b = np.zeros(cols), np.zeros(cols)
        loss = _logistic_loss(a, b, x, t)
        for _ in range(self.max_iter):
            q = 0.5 * (1.0 + np.tanh(0.5 * (a * x + b)))  # the sigmoid, without overflow
            r = q - t
            w = q * (1.0 - q)
            ga, gb = np.mean(r * x, axis=0), np.mean(r, axis=0)
            haa, hab, hbb = np.mean(w * x * x, axis=0), np.mean(w * x, axis=0), np.mean(w, axis=0)
            det = haa * hbb - hab * hab
            ok = det > 1e-300
            safe = np.where(ok, det, 1.0)
            # Newton step; where the Hessian is singular, a plain gradient step.
            da = np.where(ok, (hbb * ga - hab * gb) / safe, ga)
            db = np.where(ok, (haa * gb - hab * ga) / safe, gb)
            step = np.ones(cols)
            new = _logistic_loss(a - da, b - db, x, t)
            for _ in range(50):
                worse = new > loss
                if not worse.any():
                    break
                step = np.where(worse, step * 0.5, step)
                new = np.where(worse, _logistic_loss(a - step * da, b - step * db, x, t), new)
            keep = new <= loss
            a = np.where(keep, a - step * da, a)
            b = np.where(keep, b - step * db, b)
            gain = loss - np.where(keep, new, loss)
            loss = np.where(keep, new, loss)
            if (np.abs(ga) + np.abs(gb) < 1e-12).all() or (gain <= 1e-15 * (1.0 + loss)).all():
                break
        self.slope_, self.intercept_ = a, b

    def _predict(self, z):
        s = self.slope_ * _platt_features(z) + self.intercept_
        if s.shape[1] == 1:
            q = 0.5 * (1.0 + np.tanh(0.5 * s))
            return np.hstack([1.0 - q, q])
        log_q = -np.logaddexp(0.0, -s)
        return softmax(log_q, axis=-1)


#: Every calibrator class, by the name the page shows.
CALIBRATORS = {
    cls.name: cls
    for cls in (NoCalibration, TemperatureScaling, HistogramBinning, IsotonicCalibration, PlattScaling)
}
