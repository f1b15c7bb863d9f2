"""Decoding: truncating a distribution (top-k, top-p) and drawing classes from it.

Truncation keeps the most likely classes and renormalises. Ties are settled by value, never by
class order: every class exactly as likely as the last one kept is kept too, so reordering the
classes reorders the result and changes nothing else.
"""
from __future__ import annotations

import numbers

import numpy as np

from .softmax import CoreValueError, _as_float_array, _check_real

__all__ = ["top_k", "top_p", "sample", "sample_counts"]

# Slack for "the kept mass reaches p": cumulative sums of float probabilities are off by a few ulps.
_MASS_TOLERANCE = 1e-9


def _check_distribution(probs) -> np.ndarray:
    """``probs`` as a float array of distributions along the last axis, or a clear error."""
    p = _as_float_array(probs)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise CoreValueError(f"probs must hold at least one class along the last axis; got shape "
                             f"{p.shape}", code="bad_shape", shape=p.shape)
    with np.errstate(invalid="ignore"):
        in_range = bool(np.all((p >= 0) & (p <= 1)))
    if not in_range or not np.allclose(np.sum(p, axis=-1, dtype=np.float64), 1.0, rtol=0, atol=1e-3):
        raise CoreValueError("probs must be probabilities: numbers in [0, 1] that sum to 1 along the "
                             "last axis", code="bad_probs")
    return p


def _keep(p: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Zero the classes not kept and renormalise; rows that keep everything come back unchanged."""
    kept = np.where(keep, p, 0)
    kept /= np.sum(kept, axis=-1, keepdims=True)
    return np.where(np.all(keep, axis=-1, keepdims=True), p, kept)


def top_k(probs, k):
    r"""Keep the ``k`` most likely classes (and any tied with the last one) and renormalise.

    Parameters
    ----------
    probs : array_like, shape (..., K)
        Distributions along the last axis.
    k : int
        How many classes to keep, at least 1. ``k >= K`` keeps everything.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype: the kept probabilities rescaled to sum to 1, zeros elsewhere.

    Raises
    ------
    CoreValueError
        If ``k`` is not a whole number >= 1 (code ``"bad_k"``), or ``probs`` is not a distribution
        (code ``"bad_probs"`` or ``"bad_shape"``).

    Notes
    -----
    With :math:`v` the k-th largest probability, the kept set is :math:`\{i : p_i \ge v\}`, and

    .. math:: \tilde p_i = \frac{p_i}{\sum_{j \text{ kept}} p_j} \text{ if kept, else } 0.

    **Ties.** Every class tied with the k-th is kept, so more than ``k`` classes may survive
    (``top_k([0.4, 0.3, 0.3], 2)`` keeps all three). Dropping one of the tied classes would have
    to pick it by position, and the result would depend on the order the classes are listed in.
    Hugging Face's top-k filter makes the same choice (it removes only values *below* the k-th).

    Examples
    --------
    >>> top_k([0.5, 0.3, 0.2], 2)
    array([0.625, 0.375, 0.   ])
    >>> top_k([0.4, 0.3, 0.3], 2)
    array([0.4, 0.3, 0.3])
    """
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral) or k < 1:
        raise CoreValueError(f"k must be a whole number of classes, at least 1; got {k!r}",
                             code="bad_k", value=k)
    p = _check_distribution(probs)
    n_classes = p.shape[-1]
    if k >= n_classes:
        return p.copy()
    kth = np.partition(p, n_classes - k, axis=-1)[..., n_classes - k, None]
    return _keep(p, p >= kth)


def top_p(probs, p):
    r"""Nucleus truncation: keep the most likely classes until their mass reaches ``p``, renormalise.

    Parameters
    ----------
    probs : array_like, shape (..., K)
        Distributions along the last axis.
    p : float
        The mass to reach, :math:`0 < p \le 1`. ``p = 1`` keeps everything.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype: the kept probabilities rescaled to sum to 1, zeros elsewhere.

    Raises
    ------
    CoreValueError
        If ``p`` is not a number in (0, 1] (code ``"bad_p"``), or ``probs`` is not a distribution.

    Notes
    -----
    Sort the probabilities in decreasing order, :math:`q_1 \ge q_2 \ge \dots`, and let :math:`n`
    be the smallest count with :math:`q_1 + \dots + q_n \ge p` (up to a rounding slack of
    :math:`10^{-9}`). The kept set is :math:`\{i : p_i \ge q_n\}`: the smallest top set whose mass
    reaches ``p``, plus every class tied with the last one (the same tie rule as :func:`top_k`,
    for the same reason). At least one class is always kept.

    Examples
    --------
    >>> top_p([0.5, 0.3, 0.2], 0.7)
    array([0.625, 0.375, 0.   ])
    >>> top_p([0.5, 0.3, 0.2], 0.5)
    array([1., 0., 0.])
    """
    mass = _check_real(p, name="p", code="bad_p", allowed="a number with 0 < p <= 1",
                       ok=lambda v: 0.0 < v <= 1.0)
    probs = _check_distribution(probs)
    if mass == 1.0:
        return probs.copy()
    ordered = -np.sort(-probs, axis=-1)
    reached = np.cumsum(ordered, axis=-1, dtype=np.float64) >= mass - _MASS_TOLERANCE
    # The first count that reaches p; if rounding keeps every sum below p, keep everything.
    last = np.where(reached.any(axis=-1), reached.argmax(axis=-1), probs.shape[-1] - 1)
    threshold = np.take_along_axis(ordered, last[..., None], axis=-1)
    return _keep(probs, probs >= threshold)


def sample(probs, size, *, seed):
    r"""Draw class indices from one distribution, reproducibly.

    Parameters
    ----------
    probs : array_like, shape (K,)
        One distribution.
    size : int or tuple of ints
        How many draws (the shape of the result).
    seed : int, None, or numpy.random.Generator
        Passed to :func:`numpy.random.default_rng`: the same seed gives the same draws.

    Returns
    -------
    numpy.ndarray of int64
        Class indices in ``0..K-1``; a class of probability 0 is never drawn.

    Notes
    -----
    Inverse-CDF sampling: with :math:`F_j = \sum_{i \le j} p_i / \sum_i p_i` and
    :math:`u \sim U[0, 1)`, the draw is the first :math:`j` with :math:`u < F_j`. Normalising by the
    total makes float32 softmax output (which sums to 1 only within rounding) safe to pass.

    Examples
    --------
    >>> draws = sample([0.7, 0.2, 0.1], 1000, seed=0)
    >>> draws[:8]
    array([0, 0, 0, 0, 1, 2, 0, 1])
    >>> import numpy as np
    >>> bool(np.all(sample([0.7, 0.2, 0.1], 8, seed=0) == draws[:8]))
    True
    """
    p = _check_distribution(probs)
    if p.ndim != 1:
        raise CoreValueError(f"sample draws from one distribution, shape (K,); got shape {p.shape}",
                             code="bad_shape", shape=p.shape)
    cdf = np.cumsum(p, dtype=np.float64)
    cdf /= cdf[-1]
    u = np.random.default_rng(seed).random(size)
    return np.searchsorted(cdf, u, side="right").astype(np.int64)


def sample_counts(probs, size, *, seed):
    """How many of ``size`` draws fell on each class: a histogram of :func:`sample`.

    Parameters
    ----------
    probs : array_like, shape (K,)
        One distribution.
    size : int
        The number of draws.
    seed : int, None, or numpy.random.Generator
        As for :func:`sample`; the counts are exactly those of ``sample(probs, size, seed=seed)``.

    Returns
    -------
    numpy.ndarray of int64, shape (K,)
        Counts summing to ``size``. Divided by ``size`` they approach ``probs`` as ``size`` grows.

    Examples
    --------
    >>> sample_counts([0.7, 0.2, 0.1], 1000, seed=0)
    array([678, 226,  96])
    """
    draws = sample(probs, size, seed=seed)
    return np.bincount(draws.ravel(), minlength=np.shape(probs)[-1]).astype(np.int64)
