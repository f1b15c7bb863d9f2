"""The softmax family: softmax, log-softmax, log-sum-exp and their relatives.

Every function here is exact to the last few bits for any finite input (±1e308 included), keeps
float32 as float32, never leaks a ``RuntimeWarning`` and, on ±inf, NaN and empty input, returns what
:mod:`scipy.special` returns. The one deliberate exception is :func:`naive_softmax`, which exists to
show how the textbook formula fails.
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

__all__ = [
    "CoreValueError",
    "softmax",
    "log_softmax",
    "logsumexp",
    "naive_softmax",
    "overflow_threshold",
    "entropy",
    "sigmoid",
    "softmax_jacobian",
    "SoftmaxSteps",
    "softmax_steps",
]

# Floating-point traps that the shift-by-max algorithm hits on purpose (inf - inf, exp(-inf), log 0).
_QUIET = {"over": "ignore", "under": "ignore", "invalid": "ignore", "divide": "ignore"}


class CoreValueError(ValueError):
    """A bad argument to a ``softmax_core`` function.

    Parameters
    ----------
    message : str
        The English explanation, written for a student.
    code : str
        A short stable identifier the UI uses to show a translated message, such as
        ``"bad_temperature"`` or ``"label_out_of_range"``.
    **details
        Values the translated message may quote (for example ``value=0``); stored in ``.details``.

    Examples
    --------
    >>> err = CoreValueError("temperature must be > 0; got 0", code="bad_temperature", value=0)
    >>> isinstance(err, ValueError), err.code, err.details["value"]
    (True, 'bad_temperature', 0)
    """

    def __init__(self, message: str, *, code: str, **details):
        super().__init__(message)
        self.code = code
        self.details = details


def _as_float_array(x) -> np.ndarray:
    """``x`` as an array of a floating dtype: floats keep their width, everything else becomes float64."""
    a = np.asarray(x)
    if a.dtype.kind == "f":
        return a
    if a.dtype.kind == "c":
        raise CoreValueError("complex numbers are not supported; give real numbers",
                             code="complex_input")
    return a.astype(np.float64)


def _check_real(value, *, name: str, allowed: str, code: str, ok) -> float:
    """``value`` as a Python float if it is a real number (a bool is not) and ``ok(value)``; else raise."""
    if not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real):
        number = float(value)
        if ok(number):
            return number
    raise CoreValueError(f"{name} must be {allowed}; got {value!r}", code=code, value=value)


def _check_temperature(temperature) -> float:
    """Return ``temperature`` as a Python float, or raise if it is not a finite number > 0."""
    return _check_real(temperature, name="temperature", code="bad_temperature",
                       allowed="a finite number greater than 0 (for example 0.5, 1 or 2)",
                       ok=lambda t: np.isfinite(t) and t > 0)


def _shift(x: np.ndarray, axis, temperature: float, *, zero_if_not_finite: bool = True
           ) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(m, d)`` with ``m`` the max along ``axis`` (kept dims) and ``d = (x - m) / T``.

    ``d`` is a fresh buffer the caller may overwrite. With ``zero_if_not_finite`` a max that is not
    finite is replaced by 0 in the subtraction (as SciPy's ``log_softmax`` does); ``m`` keeps it.
    SciPy's ``softmax`` subtracts it as it is, so that inf - inf makes the whole slice NaN.
    """
    m = np.max(x, axis=axis, keepdims=True)
    m_safe = m
    if zero_if_not_finite:
        finite = np.isfinite(m)
        m_safe = m if finite.all() else np.where(finite, m, 0)
    d = np.subtract(x, m_safe)
    if temperature != 1.0:
        np.divide(d, temperature, out=d)
    return m, d


def _log_partition(d: np.ndarray, m: np.ndarray, axis) -> np.ndarray:
    """``log(sum(exp(d)))`` along ``axis`` for a shifted ``d`` (max 0), accurate for tiny tails.

    With ``c`` the number of entries equal to the max and ``tail`` the sum of the others,
    ``sum(exp(d)) = c + tail`` and its log is ``log1p((c - 1) + tail)``: no precision is lost when
    ``tail`` is far below the float epsilon. ``d`` is overwritten. Rows whose max ``m`` is not finite
    get ``m`` itself (inf, -inf or NaN), exactly what SciPy returns for them.
    """
    at_max = d == 0
    np.exp(d, out=d)  # an unmasked exp, then zeroing the max entries, is the faster order
    np.copyto(d, 0, where=at_max)
    tail = np.sum(d, axis=axis, keepdims=True)
    count = np.sum(at_max, axis=axis, keepdims=True, dtype=d.dtype)
    out = np.log1p(np.add(tail, count - 1, out=tail), out=tail)
    return np.where(np.isfinite(m), out, m)


def logsumexp(x, *, axis=-1, keepdims=False):
    r"""Compute ``log(sum(exp(x)))`` along an axis without overflow or loss of the small terms.

    Parameters
    ----------
    x : array_like
        Real numbers. Integers and lists become float64; float32 stays float32.
    axis : int or tuple of ints or None, optional
        Axis or axes to reduce (default: the last one); ``None`` reduces everything.
    keepdims : bool, optional
        Keep the reduced axes with length 1, so the result broadcasts against ``x``.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The log-sum-exp, with the dtype of ``x`` (float64 for integers).

    Notes
    -----
    With :math:`m = \max_i x_i`, :math:`c` the number of entries equal to :math:`m` and
    :math:`t = \sum_{x_i < m} e^{x_i - m}`,

    .. math:: \log \sum_i e^{x_i} = m + \log(c + t) = m + \operatorname{log1p}((c - 1) + t).

    Every exponent is :math:`\le 0`, so nothing overflows, and ``log1p`` keeps tails far below the
    float epsilon: ``logsumexp([0, -40])`` is :math:`e^{-40} \approx 4.25 \times 10^{-18}`, not 0.
    On ±inf, NaN and empty input the result is SciPy's: +inf if any input is +inf, -inf for an
    all -inf or empty slice, NaN if any input is NaN.

    References
    ----------
    P. Blanchard, D. J. Higham, N. J. Higham, "Accurately computing the log-sum-exp and softmax
    functions", IMA Journal of Numerical Analysis 41(4), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> float(logsumexp([1000.0, 1000.0]))  # 1000 + log 2, no overflow
    1000.6931471805599
    >>> float(logsumexp([0.0, -40.0]))
    4.248354255291589e-18
    >>> logsumexp(np.array([[0.0, 0.0], [1.0, -np.inf]], dtype=np.float32))
    array([0.6931472, 1.       ], dtype=float32)
    """
    x = np.atleast_1d(_as_float_array(x))
    if x.size == 0:
        # SciPy: the sum of no exponentials is 0, whose log is -inf.
        out = np.full(np.sum(x, axis=axis, keepdims=True).shape, -np.inf, dtype=x.dtype)
    else:
        with np.errstate(**_QUIET):
            m, d = _shift(x, axis, 1.0)
            out = _log_partition(d, m, axis)
            out = np.where(np.isfinite(m), out + m, out)
    if not keepdims:
        out = np.squeeze(out, axis=axis)
    return out[()] if out.ndim == 0 else out


def log_softmax(logits, *, temperature=1.0, axis=-1):
    r"""Compute the logarithm of :func:`softmax`, accurately, without computing softmax first.

    Parameters
    ----------
    logits : array_like
        Real scores, one per class along ``axis``. Integers and lists become float64; float32 stays
        float32.
    temperature : float, optional
        A finite number > 0 that divides the logits (default 1).
    axis : int, optional
        The class axis (default: the last one).

    Returns
    -------
    numpy.ndarray
        :math:`\log p_i`, same shape as ``logits``; each slice along ``axis`` log-sums-exps to 0.

    Raises
    ------
    CoreValueError
        If ``temperature`` is not a finite number > 0 (code ``"bad_temperature"``).
    ValueError
        If a slice along ``axis`` is empty, as in SciPy.

    Notes
    -----
    With :math:`z = x / T`,

    .. math:: \log \mathrm{softmax}(z)_i = (z_i - m) - \log \sum_j e^{z_j - m}, \qquad m = \max_j z_j,

    and the log of the sum is computed with ``log1p`` as in :func:`logsumexp`, so the log-probability
    of a dominant class is :math:`-e^{-40}` rather than exactly 0 for logits ``[0, -40]``: more
    accurate than ``scipy.special.log_softmax``, which returns 0 there. On ±inf and NaN the result
    is SciPy's.

    Examples
    --------
    >>> log_softmax([1000.0, 0.0])  # log(softmax) would give log(0) = -inf
    array([    0., -1000.])
    >>> float(log_softmax([0.0, -40.0])[0])
    -4.248354255291589e-18
    """
    t = _check_temperature(temperature)
    x = _as_float_array(logits)
    _check_not_empty(x, axis)
    with np.errstate(**_QUIET):
        m, d = _shift(x, axis, t)
        out = d.copy()
        lse = _log_partition(d, m, axis)
        # For a row whose max is not finite SciPy subtracts log(sum(exp(x / T))), which is that max.
        return np.subtract(out, np.where(np.isfinite(m), lse, m / t), out=out)


def _check_not_empty(x: np.ndarray, axis) -> None:
    """Raise, as SciPy does, when a slice along ``axis`` has no entries (nothing to normalise)."""
    if x.size == 0:
        try:
            np.max(x, axis=axis)
        except ValueError:
            raise CoreValueError(
                f"softmax needs at least one logit along the class axis; got shape {x.shape}",
                code="empty") from None


def softmax(logits, *, temperature=1.0, axis=-1):
    r"""Turn real scores into probabilities: :math:`p_i = e^{x_i/T} / \sum_j e^{x_j/T}`.

    Parameters
    ----------
    logits : array_like
        Real scores, one per class along ``axis``. Integers and lists become float64; float32 stays
        float32 (and is computed in float32, which is twice as fast).
    temperature : float, optional
        A finite number > 0 that divides the logits (default 1). Below 1 it sharpens the
        distribution towards the argmax, above 1 it flattens it towards uniform.
    axis : int, optional
        The class axis (default: the last one), so a batch ``(N, K)`` gives one distribution per row.

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape as ``logits``, summing to 1 along ``axis``.

    Raises
    ------
    CoreValueError
        If ``temperature`` is not a finite number > 0 (code ``"bad_temperature"``), or if a slice
        along ``axis`` is empty (code ``"empty"``; SciPy raises a ``ValueError`` there too).

    Notes
    -----
    Softmax does not change when the same constant is added to every logit, so it is computed as

    .. math:: p_i = \frac{e^{(x_i - m)/T}}{\sum_j e^{(x_j - m)/T}}, \qquad m = \max_j x_j,

    where every exponent is :math:`\le 0`: nothing overflows, and the largest term is exactly 1, so
    the denominator is at least 1. Only one output buffer is allocated; the shift, the division by
    :math:`T`, the exponential and the normalisation all happen in place. If any logit of a slice is
    +inf, or all are -inf, or one is NaN, the slice is NaN, as in ``scipy.special.softmax``.

    Examples
    --------
    The worked example of the course, and its odds: a lead of 1 makes a class :math:`e \approx 2.72`
    times as likely.

    >>> import numpy as np
    >>> p = softmax([2.0, 1.0, 0.5])
    >>> np.round(p, 3)
    array([0.629, 0.231, 0.14 ])
    >>> float(p[0] / p[1])
    2.718281828459045

    Huge logits are no problem, and temperature flattens:

    >>> softmax([1000.0, 999.0]).round(4)
    array([0.7311, 0.2689])
    >>> softmax([2.0, 1.0, 0.5], temperature=100.0).round(2)
    array([0.34, 0.33, 0.33])
    """
    t = _check_temperature(temperature)
    x = _as_float_array(logits)
    _check_not_empty(x, axis)
    with np.errstate(**_QUIET):
        _, out = _shift(x, axis, t, zero_if_not_finite=False)
        np.exp(out, out=out)
        # One reciprocal per slice, then a multiply: cheaper than dividing every entry, within 1 ulp.
        return np.multiply(out, np.reciprocal(np.sum(out, axis=axis, keepdims=True)), out=out)


_FLOAT_DTYPES = (np.float16, np.float32, np.float64)


def _check_float_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in [np.dtype(d) for d in _FLOAT_DTYPES]:
        raise CoreValueError(f"dtype must be float16, float32 or float64; got {dt}",
                             code="bad_dtype", value=str(dt))
    return dt


def naive_softmax(logits, *, dtype=np.float64):
    r"""The textbook formula :math:`e^{x_i} / \sum_j e^{x_j}`, with no protection at all.

    It exists to show why :func:`softmax` shifts by the max: here, once a logit passes
    :func:`overflow_threshold` the exponential is inf and the result is NaN, and once all logits
    are very negative every exponential is 0 and the result is 0/0 = NaN.

    Parameters
    ----------
    logits : array_like
        Real scores, along the last axis.
    dtype : {numpy.float16, numpy.float32, numpy.float64}, optional
        The precision the whole computation is carried out in (default float64).

    Returns
    -------
    numpy.ndarray
        Whatever the hardware gives, in ``dtype``: probabilities, or inf, NaN and 0 where the
        formula breaks. No warning is emitted.

    Raises
    ------
    CoreValueError
        If ``dtype`` is not one of the three float types (code ``"bad_dtype"``).

    Notes
    -----
    .. math:: p_i = \frac{e^{x_i}}{\sum_j e^{x_j}}

    Mathematically identical to :func:`softmax`; numerically it fails when :math:`e^{x_i}` leaves
    the range of the float type.

    Examples
    --------
    >>> import numpy as np
    >>> naive_softmax([2.0, 1.0, 0.5]).round(3)
    array([0.629, 0.231, 0.14 ])
    >>> naive_softmax([1000.0, 0.0])
    array([nan,  0.])
    >>> naive_softmax([12.0, 0.0], dtype=np.float16)  # e^12 > 65504, the float16 maximum
    array([nan,  0.], dtype=float16)
    """
    dtype = _check_float_dtype(dtype)
    with np.errstate(**_QUIET):  # a logit beyond the dtype's range becomes inf, as the hardware gives
        x = np.asarray(logits, dtype=dtype)
        e = np.exp(x)
        return e / np.sum(e, axis=-1, keepdims=True)


def overflow_threshold(dtype=np.float64) -> float:
    r"""The largest logit whose exponential still fits in ``dtype``: :math:`\log(\text{finfo.max})`.

    Parameters
    ----------
    dtype : {numpy.float16, numpy.float32, numpy.float64}, optional
        The float type (default float64).

    Returns
    -------
    float
        About 709.78 for float64, 88.72 for float32 and 11.09 for float16.

    Notes
    -----
    :math:`e^x` overflows to inf when :math:`x > \log(\max)`; :func:`naive_softmax` then returns NaN.
    The value is computed in float64; in ``dtype`` itself, the last representable number below it
    still exponentiates to a finite value and the first one above it to inf.

    Examples
    --------
    >>> import numpy as np
    >>> [round(overflow_threshold(d), 2) for d in (np.float64, np.float32, np.float16)]
    [709.78, 88.72, 11.09]
    """
    return float(np.log(np.float64(np.finfo(_check_float_dtype(dtype)).max)))


def _check_probs(probs, name: str = "probs") -> np.ndarray:
    """``probs`` as a float array, or raise unless every entry is a number in [0, 1]."""
    p = _as_float_array(probs)
    with np.errstate(invalid="ignore"):
        ok = bool(np.all((p >= 0) & (p <= 1)))
    if not ok:
        raise CoreValueError(f"{name} must be probabilities, numbers between 0 and 1; "
                             f"got values outside [0, 1] (or NaN)", code="bad_probs")
    return p


def entropy(probs, *, axis=-1):
    r"""The Shannon entropy of a distribution, in nats: :math:`H(p) = -\sum_i p_i \log p_i`.

    Parameters
    ----------
    probs : array_like
        Probabilities in [0, 1], one distribution along ``axis`` (not renormalised).
    axis : int, optional
        The class axis (default: the last one).

    Returns
    -------
    numpy.ndarray or numpy.float64
        The entropy of each distribution; a scalar for a single vector.

    Raises
    ------
    CoreValueError
        If a value lies outside [0, 1] or is NaN (code ``"bad_probs"``).

    Notes
    -----
    The convention :math:`0 \log 0 = 0` (the limit of :math:`p \log p` as :math:`p \to 0`) makes
    impossible classes contribute nothing. The entropy runs from 0 (one certain class) to
    :math:`\log K` (uniform over :math:`K` classes). Divide by :math:`\log 2` for bits.

    Examples
    --------
    >>> import numpy as np
    >>> float(entropy([1.0, 0.0, 0.0]))
    0.0
    >>> bool(np.isclose(entropy([0.25] * 4), np.log(4)))
    True
    """
    p = _check_probs(probs)
    log_p = np.zeros_like(p)
    np.log(p, out=log_p, where=p > 0)
    return 0.0 - np.sum(p * log_p, axis=axis)  # 0 - x, not -x: a certain class gives 0.0, not -0.0


def sigmoid(x):
    r"""The logistic function :math:`\sigma(x) = 1 / (1 + e^{-x})`, stable for any real ``x``.

    Parameters
    ----------
    x : array_like
        Real numbers. Integers and lists become float64; float32 stays float32.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Values in [0, 1], same shape as ``x``.

    Notes
    -----
    With :math:`e = e^{-|x|} \le 1`, which never overflows,

    .. math:: \sigma(x) = \frac{1}{1 + e} \ (x \ge 0), \qquad \sigma(x) = \frac{e}{1 + e} \ (x < 0).

    The second form keeps tiny probabilities such as :math:`\sigma(-740) \approx 4 \times 10^{-322}`
    that :math:`1 / (1 + e^{740}) = 1/\infty = 0` would lose. The sigmoid is the two-class softmax:
    :math:`\sigma(x) = \mathrm{softmax}([x, 0])_0`.

    Examples
    --------
    >>> sigmoid([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    >>> float(sigmoid(-740.0)) > 0
    True
    """
    x = _as_float_array(x)
    with np.errstate(**_QUIET):
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1.0, e) / (1.0 + e)
    out = out.astype(x.dtype, copy=False)
    return out[()] if out.ndim == 0 else out


def softmax_jacobian(probs):
    r"""The Jacobian of softmax, written with its output: :math:`J = \mathrm{diag}(p) - p p^\top`.

    Parameters
    ----------
    probs : array_like, shape (K,) or (N, K)
        Softmax outputs :math:`p` (one distribution per row for a batch).

    Returns
    -------
    numpy.ndarray, shape (K, K) or (N, K, K)
        :math:`J_{ij} = \partial p_i / \partial x_j = p_i (\delta_{ij} - p_j)`.

    Raises
    ------
    CoreValueError
        If ``probs`` is a scalar, or a value lies outside [0, 1] (code ``"bad_probs"``).

    Notes
    -----
    Differentiating :math:`p_i = e^{x_i} / \sum_k e^{x_k}` gives :math:`p_i(1 - p_i)` on the
    diagonal and :math:`-p_i p_j` off it. :math:`J` is symmetric, its rows sum to 0 (adding a
    constant to every logit changes nothing) and it is singular for the same reason. It does not
    depend on the temperature except through :math:`p`: with a temperature, divide it by :math:`T`.

    Examples
    --------
    >>> softmax_jacobian([0.5, 0.5])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    p = _check_probs(probs)
    if p.ndim == 0:
        raise CoreValueError("probs must have a class axis; got a single number", code="bad_shape")
    jac = -p[..., :, None] * p[..., None, :]
    k = np.arange(p.shape[-1])
    jac[..., k, k] += p
    return jac


class SoftmaxSteps(NamedTuple):
    """The intermediate results of a 1-D softmax, in the order a student computes them."""

    logits: np.ndarray
    shifted: np.ndarray  # logits - max
    exps: np.ndarray  # exp(shifted), each in (0, 1]
    total: float  # sum of exps, in [1, K]
    probs: np.ndarray  # exps / total


def softmax_steps(logits) -> SoftmaxSteps:
    r"""Softmax of a 1-D vector, keeping every intermediate step for display.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Finite logits, K >= 1.

    Returns
    -------
    SoftmaxSteps
        ``shifted = z - max(z)``, ``exps = exp(shifted)``, ``total = sum(exps)`` and
        ``probs = exps / total``.

    Notes
    -----
    Subtracting the maximum :math:`m` multiplies numerator and denominator by :math:`e^{-m}`:

    .. math:: \frac{e^{z_i}}{\sum_j e^{z_j}} = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}

    so every exponent is at most 0, no exponential overflows, and the largest term is exactly 1,
    which puts ``total`` in :math:`[1, K]`. A difference below about :math:`-1.8 \times 10^{308}`
    rounds to :math:`-\infty`, whose exponential is exactly 0, as the true value also rounds to.

    Examples
    --------
    >>> steps = softmax_steps([2.0, 1.0, 0.5])
    >>> steps.shifted
    array([ 0. , -1. , -1.5])
    >>> round(steps.total, 5)
    1.59101
    >>> steps.probs.round(4)
    array([0.6285, 0.2312, 0.1402])
    """
    z = _as_float_array(logits)
    if z.ndim != 1 or z.size == 0:
        raise CoreValueError(f"softmax_steps takes one non-empty vector of logits; got shape {z.shape}",
                             code="shape")
    if not np.all(np.isfinite(z)):
        raise CoreValueError("softmax_steps takes finite logits only", code="not_finite")
    with np.errstate(**_QUIET):
        shifted = z - z.max()
        exps = np.exp(shifted)
    total = float(exps.sum())
    return SoftmaxSteps(z, shifted, exps, total, exps / total)
