"""Softmax in floating point, and the functions it is related to.

Two pages build on this module. The numerical-stability page compares the textbook formula with the
shift-by-max algorithm in float16, float32 and float64 (:func:`naive_vs_stable`, :func:`naive_breakpoint`,
:func:`log_space`, :func:`sum_deviation`). The relatives page shows the sigmoid as a two-class softmax,
multi-label against multi-class outputs, argmax against its smooth versions, and attention weights
(:func:`sigmoid_as_softmax`, :func:`multilabel_outputs`, :func:`argmax_slice`, :func:`attention`).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .losses import binary_cross_entropy_with_logits
from .softmax import (CoreValueError, _check_float_dtype, log_softmax, logsumexp, naive_softmax, sigmoid,
                      softmax)

__all__ = [
    "NaiveVsStable",
    "naive_vs_stable",
    "naive_is_broken",
    "Breakpoint",
    "naive_breakpoint",
    "exp_in",
    "LogSpace",
    "log_space",
    "SumCheck",
    "sum_deviation",
    "sigmoid_as_softmax",
    "MultiLabel",
    "multilabel_outputs",
    "ArgmaxSlice",
    "argmax_slice",
    "Attention",
    "attention",
    "random_query_keys",
]

_QUIET = {"over": "ignore", "under": "ignore", "invalid": "ignore", "divide": "ignore"}
# A sum of probabilities this far from 1 is no rounding error: the formula has broken down.
_BROKEN_SUM_GAP = 1e-2
_PREFIX_DIMS = 1024


def _logit_vector(logits) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise CoreValueError(f"logits must be a non-empty list of numbers; got shape {x.shape}", code="bad_shape")
    return x


def _scaled(logits: np.ndarray, scale: float, dt: np.dtype) -> np.ndarray:
    """``scale * logits`` computed in float64, then rounded to ``dt`` (inf where it does not fit)."""
    with np.errstate(**_QUIET):
        return (logits * float(scale)).astype(dt)


class NaiveVsStable(NamedTuple):
    """The textbook formula and the shift-by-max algorithm on the same scaled logits, in one dtype."""

    logits: np.ndarray  # scale * logits, rounded to dtype
    naive: np.ndarray  # e^x / sum e^x
    stable: np.ndarray  # softmax: e^(x - m) / sum e^(x - m)
    shifted_naive: np.ndarray  # the textbook formula applied to x - m: the trick, written out
    fits: bool  # every scaled logit is finite in dtype (else even the stable result is NaN)
    cause: str | None  # why the textbook formula broke: "overflow", "underflow" or None (it did not)


def naive_vs_stable(logits, *, scale=1.0, dtype=np.float64) -> NaiveVsStable:
    r"""Apply :func:`naive_softmax` and :func:`softmax` to ``scale * logits``, both in ``dtype``.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Real scores.
    scale : float, optional
        Multiplies every logit before anything else (default 1).
    dtype : {numpy.float16, numpy.float32, numpy.float64}, optional
        The precision of the scaled logits and of both computations.

    Returns
    -------
    NaiveVsStable
        The scaled logits and the three results, all in ``dtype``.

    Raises
    ------
    CoreValueError
        If ``dtype`` is not a float type (code ``"bad_dtype"``) or ``logits`` is not a non-empty vector
        (code ``"bad_shape"``).

    Notes
    -----
    With :math:`m = \max_j x_j`, multiplying the top and bottom of :math:`e^{x_i} / \sum_j e^{x_j}` by
    :math:`e^{-m}` gives :math:`e^{x_i - m} / \sum_j e^{x_j - m}`; ``shifted_naive`` computes exactly that
    with the textbook formula, and agrees with ``stable`` to rounding.

    Examples
    --------
    >>> import numpy as np
    >>> r = naive_vs_stable([2.0, 1.0, 0.5], scale=50.0, dtype=np.float32)
    >>> r.logits
    array([100.,  50.,  25.], dtype=float32)
    >>> r.naive, r.stable.round(6), r.cause
    (array([nan,  0.,  0.], dtype=float32), array([1., 0., 0.], dtype=float32), 'overflow')
    """
    dt = _check_float_dtype(dtype)
    x = _scaled(_logit_vector(logits), scale, dt)
    with np.errstate(**_QUIET):
        shifted = x - x.max()
    naive = naive_softmax(x, dtype=dt)
    return NaiveVsStable(x, naive, softmax(x), naive_softmax(shifted, dtype=dt), bool(np.all(np.isfinite(x))),
                         _cause(x) if naive_is_broken(naive) else None)


def _cause(x: np.ndarray) -> str:
    """Why e^x / sum e^x broke for these logits: every exponential underflowed to 0, or one overflowed."""
    with np.errstate(**_QUIET):
        return "underflow" if bool(np.all(np.exp(x) == 0)) else "overflow"


def naive_is_broken(probs) -> bool:
    """True when a computed distribution has a NaN or an infinity, or sums to something far from 1.

    Rounding moves a sum away from 1 by a few units of the last place; a gap above 0.01 means the
    exponentials overflowed (inf/inf = NaN, or a finite value over an infinite sum = 0) or all
    underflowed (0/0 = NaN).

    Examples
    --------
    >>> naive_is_broken([0.5, 0.5]), naive_is_broken([float("nan"), 0.0]), naive_is_broken([0.0, 0.0])
    (False, True, True)
    """
    p = np.asarray(probs, dtype=np.float64)
    if not np.all(np.isfinite(p)):
        return True
    return bool(abs(p.sum() - 1.0) > _BROKEN_SUM_GAP)


class Breakpoint(NamedTuple):
    """Where the textbook formula first fails as the logits are scaled up."""

    scale: float  # the smallest scale (to about 1e-9 relative) at which it fails
    largest_logit: float  # the largest scaled logit there, s * max(z)
    cause: str  # "overflow" (some e^x is inf, or their sum is) or "underflow" (every e^x is 0)


def naive_breakpoint(logits, *, dtype=np.float64, lo=1.0, hi=1e4, n_grid=400) -> Breakpoint | None:
    r"""The smallest scale :math:`s \in [lo, hi]` at which ``naive_softmax(s * logits)`` is broken.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Real scores.
    dtype : {numpy.float16, numpy.float32, numpy.float64}, optional
        The precision the formula runs in.
    lo, hi : float, optional
        The range of scales searched, ``0 < lo < hi``.
    n_grid : int, optional
        Log-spaced scales tried before the first failure is refined by bisection.

    Returns
    -------
    Breakpoint or None
        None when the formula works for every scale tried (for example when the largest logit is 0).

    Notes
    -----
    Broken means :func:`naive_is_broken`. For a positive largest logit :math:`m` the formula fails once
    :math:`s m` passes :func:`overflow_threshold` (slightly earlier if the *sum* of the exponentials
    overflows first); for a negative one, once every :math:`e^{s z_i}` underflows to 0 and the result is
    0/0. The grid finds the first failing scale, bisection pins it down between two scales.

    Examples
    --------
    >>> import numpy as np
    >>> b = naive_breakpoint([2.0, 1.0, 0.5], dtype=np.float32)
    >>> round(b.scale, 3), round(b.largest_logit, 2), b.cause
    (44.361, 88.72, 'overflow')
    >>> naive_breakpoint([0.0, -1.0]) is None
    True
    """
    dt = _check_float_dtype(dtype)
    z = _logit_vector(logits)
    if not 0 < lo < hi:
        raise CoreValueError(f"need 0 < lo < hi; got lo={lo!r}, hi={hi!r}", code="bad_range")

    def broken(s: float) -> bool:
        return naive_is_broken(naive_softmax(_scaled(z, s, dt), dtype=dt))

    grid = np.geomspace(lo, hi, n_grid)
    bad = next((i for i, s in enumerate(grid) if broken(s)), None)
    if bad is None:
        return None
    if bad == 0:
        good_s, bad_s = None, float(grid[0])
    else:
        good_s, bad_s = float(grid[bad - 1]), float(grid[bad])
        for _ in range(60):  # bisection in log(s): 60 halvings of at most a factor 1.03
            mid = float(np.sqrt(good_s * bad_s))
            if mid in (good_s, bad_s):
                break
            if broken(mid):
                bad_s = mid
            else:
                good_s = mid
    x = _scaled(z, bad_s, dt)
    return Breakpoint(bad_s, float(x.max()), _cause(x))


def exp_in(x, *, dtype=np.float64) -> np.ndarray:
    """``exp(x)`` computed in ``dtype`` and returned as float64: inf exactly where ``dtype`` overflows.

    Examples
    --------
    >>> import numpy as np
    >>> exp_in([11.0, 11.1], dtype=np.float16)
    array([59872.,    inf])
    """
    dt = _check_float_dtype(dtype)
    with np.errstate(**_QUIET):
        return np.exp(np.asarray(x, dtype=np.float64).astype(dt)).astype(np.float64)


class LogSpace(NamedTuple):
    """One distribution in probability space and in log space."""

    probs: np.ndarray  # softmax
    log_of_probs: np.ndarray  # log(softmax): -inf where a probability rounded to 0
    log_probs: np.ndarray  # log_softmax: z - logsumexp(z), finite for every finite logit
    lse: float  # logsumexp(z)


def log_space(logits, *, dtype=np.float64) -> LogSpace:
    r"""Probabilities, the log of those probabilities, and the log-softmax computed directly.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Real scores, computed in ``dtype``.
    dtype : {numpy.float16, numpy.float32, numpy.float64}, optional

    Returns
    -------
    LogSpace

    Notes
    -----
    :math:`\log p_i = z_i - \log \sum_j e^{z_j}`. A probability below the smallest positive float rounds
    to 0 and its log is :math:`-\infty`, while :math:`z_i - \operatorname{logsumexp}(z)` stays finite.

    Examples
    --------
    >>> r = log_space([0.0, -800.0])
    >>> r.probs, r.log_of_probs, r.log_probs
    (array([1., 0.]), array([  0., -inf]), array([   0., -800.]))
    """
    with np.errstate(**_QUIET):
        x = _logit_vector(logits).astype(_check_float_dtype(dtype))
    p = softmax(x)
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    return LogSpace(p, log_p, log_softmax(x), float(logsumexp(x)))


class SumCheck(NamedTuple):
    """How far a softmax computed in one dtype is from summing to 1, three ways of adding it up."""

    numpy_sum: float  # |np.sum(p) - 1|, NumPy's pairwise sum, in the dtype
    running_sum: float  # |p_1 + p_2 + ... - 1| added left to right in the dtype, as a plain loop does
    exact: float  # |sum - 1| of the stored values added exactly: the rounding of the probabilities alone


def sum_deviation(logits, *, dtype=np.float64) -> SumCheck:
    r"""How far the softmax of ``logits``, computed in ``dtype``, is from summing to 1.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Real scores, rounded to ``dtype`` first.
    dtype : {numpy.float16, numpy.float32, numpy.float64}, optional

    Returns
    -------
    SumCheck
        Three deviations :math:`|\sum_i p_i - 1|`, as Python floats.

    Notes
    -----
    Each probability is rounded to the nearest ``dtype`` number, so even added exactly they miss 1 by
    up to about :math:`K \epsilon / 2`; adding them in ``dtype`` rounds again at every step. NumPy's
    pairwise summation keeps that error small, a left-to-right loop lets it grow with :math:`K`.

    Examples
    --------
    >>> import numpy as np
    >>> sum_deviation([0.0, 0.0, 0.0, 0.0])
    SumCheck(numpy_sum=0.0, running_sum=0.0, exact=0.0)
    >>> z = np.random.default_rng(0).normal(0, 3, 1000)
    >>> sum_deviation(z, dtype=np.float16).exact > 1e-4 > sum_deviation(z, dtype=np.float32).exact
    True
    """
    dt = _check_float_dtype(dtype)
    with np.errstate(**_QUIET):
        p = softmax(_logit_vector(logits).astype(dt))
    numpy_sum = abs(np.float64(np.sum(p, dtype=dt)) - 1.0)
    running_sum = abs(np.float64(np.cumsum(p, dtype=dt)[-1]) - 1.0)
    exact = abs(math.fsum(p.astype(np.float64).tolist()) - 1.0)
    return SumCheck(float(numpy_sum), float(running_sum), float(exact))


def sigmoid_as_softmax(z) -> np.ndarray:
    r"""The first entry of the two-class softmax of ``[z, 0]``, for each ``z``: equal to :math:`\sigma(z)`.

    Parameters
    ----------
    z : array_like
        Real numbers.

    Returns
    -------
    numpy.ndarray
        :math:`\mathrm{softmax}([z, 0])_0`, same shape as ``z``.

    Notes
    -----
    .. math:: \mathrm{softmax}([z, 0])_0 = \frac{e^{z}}{e^{z} + e^{0}} = \frac{1}{1 + e^{-z}} = \sigma(z).

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([-3.0, 0.0, 2.0])
    >>> sigmoid_as_softmax(z).round(4), sigmoid(z).round(4)
    (array([0.0474, 0.5   , 0.8808]), array([0.0474, 0.5   , 0.8808]))
    """
    z = np.asarray(z, dtype=np.float64)
    pairs = np.stack([z, np.zeros_like(z)], axis=-1)
    return softmax(pairs)[..., 0]


class MultiLabel(NamedTuple):
    """One set of logits read as one multi-class distribution and as independent labels."""

    softmax_probs: np.ndarray  # compete: sum to 1
    sigmoid_probs: np.ndarray  # independent: each in (0, 1)
    targets: np.ndarray  # 1 for each label present in the image
    cross_entropy: float | None  # -sum t_i log p_i with t = targets / their count; None when none present
    cross_entropy_floor: float | None  # its smallest possible value, log(count): > 0 with two labels
    bce_sum: float  # sum over labels of the binary cross-entropy with logits


def multilabel_outputs(logits, present) -> MultiLabel:
    r"""Softmax against independent sigmoids on the same logits, and the loss each is trained with.

    Parameters
    ----------
    logits : array_like, shape (K,)
        One score per label.
    present : array_like of bool, shape (K,)
        Which labels the image really holds (any number of them).

    Returns
    -------
    MultiLabel

    Notes
    -----
    Forced into a multi-class model, an image with :math:`n` labels gets the target :math:`t_i = 1/n` on
    each of them; the cross-entropy :math:`-\sum_i t_i \log p_i` is then at least the entropy of
    :math:`t`, :math:`\log n`, because softmax cannot give two classes probability near 1. The
    multi-label loss is :math:`\sum_i \mathrm{BCE}(z_i, y_i)`, which reaches 0 when every present label's
    logit goes to :math:`+\infty` and every absent one's to :math:`-\infty`.

    Examples
    --------
    >>> r = multilabel_outputs([4.0, 4.0, -4.0], [True, True, False])
    >>> r.softmax_probs.round(3), r.sigmoid_probs.round(3)
    (array([0.5, 0.5, 0. ]), array([0.982, 0.982, 0.018]))
    >>> round(r.cross_entropy, 4), round(r.cross_entropy_floor, 4), round(r.bce_sum, 4)
    (0.6933, 0.6931, 0.0544)
    """
    z = _logit_vector(logits)
    y = np.asarray(present, dtype=bool)
    if y.shape != z.shape:
        raise CoreValueError(f"present must have one entry per logit; got {y.shape} for {z.shape}",
                             code="bad_shape")
    targets = y.astype(np.float64)
    bce = float(binary_cross_entropy_with_logits(z, targets, reduction="sum"))
    n = int(y.sum())
    ce = floor = None
    if n:
        ce = float(-np.sum(targets / n * log_softmax(z)))
        floor = float(np.log(n))
    return MultiLabel(softmax(z), sigmoid(z), targets, ce, floor, bce)


class ArgmaxSlice(NamedTuple):
    """argmax, softmax, max and logsumexp along a line in logit space where one logit moves."""

    grid: np.ndarray  # values taken by the moving logit
    hard: np.ndarray  # 1 where the moving class is the argmax (first index on ties), else 0
    soft: np.ndarray  # its softmax probability
    max: np.ndarray  # max of the logits
    lse: np.ndarray  # logsumexp of the logits


def argmax_slice(logits, index, grid) -> ArgmaxSlice:
    r"""Move logit ``index`` along ``grid`` (the others fixed) and record argmax and its smooth versions.

    Parameters
    ----------
    logits : array_like, shape (K,)
        The logits; entry ``index`` is replaced by each grid value in turn.
    index : int
        The class whose logit moves.
    grid : array_like, shape (N,)
        Values for that logit.

    Returns
    -------
    ArgmaxSlice

    Notes
    -----
    The one-hot argmax is piecewise constant: its derivative is 0 wherever it is defined and it jumps
    where two logits tie. Softmax is its smooth version, and
    :math:`\max_i z_i \le \operatorname{logsumexp}(z) \le \max_i z_i + \log K`.

    Examples
    --------
    >>> r = argmax_slice([0.0, 1.0], 0, [-1.0, 2.0])
    >>> r.hard, r.soft.round(3), r.max, r.lse.round(3)
    (array([0., 1.]), array([0.119, 0.731]), array([1., 2.]), array([1.127, 2.313]))
    """
    z = _logit_vector(logits)
    if not (isinstance(index, (int, np.integer)) and 0 <= index < z.size):
        raise CoreValueError(f"index must be a class index in 0..{z.size - 1}; got {index!r}",
                             code="bad_index")
    g = np.asarray(grid, dtype=np.float64)
    rows = np.repeat(z[None, :], g.size, axis=0)
    rows[:, index] = g
    hard = (np.argmax(rows, axis=1) == index).astype(np.float64)
    return ArgmaxSlice(g, hard, softmax(rows)[:, index], rows.max(axis=1), logsumexp(rows, axis=1))


class Attention(NamedTuple):
    """Scaled dot-product attention of one query over a few keys."""

    scores: np.ndarray  # q . k_j / divisor
    weights: np.ndarray  # softmax of the scores


def attention(query, keys, *, divisor=None) -> Attention:
    r"""Attention weights of ``query`` over the rows of ``keys``: :math:`\mathrm{softmax}(K q / c)`.

    Parameters
    ----------
    query : array_like, shape (d,)
    keys : array_like, shape (n, d)
    divisor : float, optional
        :math:`c`; default :math:`\sqrt{d}`, as in Vaswani et al. (2017). Must be > 0.

    Returns
    -------
    Attention

    Notes
    -----
    With query and key entries independent with mean 0 and variance 1, :math:`q \cdot k` has variance
    :math:`d`; dividing by :math:`\sqrt{d}` brings the scores back to variance 1, so softmax does not
    saturate (one weight near 1, gradients near 0) as :math:`d` grows.

    Examples
    --------
    >>> attention([1.0, 1.0, 1.0, 1.0], [[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]).scores
    array([1., 0.])
    """
    q = np.asarray(query, dtype=np.float64)
    k = np.asarray(keys, dtype=np.float64)
    if q.ndim != 1 or k.ndim != 2 or k.shape[1] != q.size or k.shape[0] == 0:
        raise CoreValueError(f"need query (d,) and keys (n, d); got {q.shape} and {k.shape}", code="bad_shape")
    c = np.sqrt(q.size) if divisor is None else float(divisor)
    if not (np.isfinite(c) and c > 0):
        raise CoreValueError(f"divisor must be a finite number > 0; got {divisor!r}", code="bad_divisor")
    scores = k @ q / c
    return Attention(scores, softmax(scores))


def random_query_keys(d: int, n_tokens: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A query (d,) and keys (n_tokens, d) with independent standard normal entries, seeded.

    Up to ``d = 1024`` the entries for a smaller ``d`` are the first ``d`` columns of those for a larger
    one, so growing ``d`` adds dimensions to the same example rather than drawing a new one.

    Examples
    --------
    >>> q, k = random_query_keys(8, 5)
    >>> q.shape, k.shape
    ((8,), (5, 8))
    """
    if d < 1 or n_tokens < 1:
        raise CoreValueError(f"need d >= 1 and n_tokens >= 1; got {d}, {n_tokens}", code="bad_shape")
    rng = np.random.default_rng(seed)
    full = rng.standard_normal((n_tokens + 1, max(d, _PREFIX_DIMS)))[:, :d]
    return full[0], full[1:]
