"""Losses computed from logits: cross-entropy (with label smoothing) and binary cross-entropy.

All of them validate their inputs once, here at the boundary, with messages a student can act on
("label 5 is out of range for 3 classes (0..2)"), and work from logits through the log-sum-exp, so
that confident mistakes cost a large finite number rather than inf.
"""
from __future__ import annotations

import numbers

import numpy as np

from .softmax import _QUIET, CoreValueError, _as_float_array, _check_real, _log_partition, softmax

__all__ = [
    "cross_entropy",
    "cross_entropy_grad",
    "smoothed_targets",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction) -> str:
    if reduction not in _REDUCTIONS:
        raise CoreValueError(f'reduction must be "mean", "sum" or "none"; got {reduction!r}',
                             code="bad_reduction", value=reduction)
    return reduction


def _reduce(loss: np.ndarray, reduction: str):
    """Average or add the per-example losses (the mean of none is NaN, as in PyTorch)."""
    if reduction == "none":
        return loss[()] if loss.ndim == 0 else loss
    total = np.sum(loss)
    if reduction == "sum":
        return total
    with np.errstate(**_QUIET):
        return total / loss.dtype.type(loss.size)


def _check_smoothing(label_smoothing) -> float:
    return _check_real(label_smoothing, name="label_smoothing", code="bad_label_smoothing",
                       allowed="a number between 0 and 1 (0 means no smoothing)",
                       ok=lambda eps: 0.0 <= eps <= 1.0)


def _check_labels(labels, num_classes: int) -> np.ndarray:
    """``labels`` as an int64 array of class indices in ``0..num_classes - 1``, or a clear error."""
    y = np.asarray(labels)
    if y.dtype.kind == "b" or y.dtype.kind not in "iuf":
        raise CoreValueError(f"labels must be class indices, whole numbers 0..{num_classes - 1}; "
                             f"got values of type {y.dtype}", code="bad_labels")
    if y.dtype.kind == "f":
        whole = np.isfinite(y) & (y == np.round(y))
        if not whole.all():
            bad = y[~whole].flat[0]
            raise CoreValueError(f"labels must be whole numbers (class indices); got {bad}",
                                 code="bad_labels", value=float(bad))
    out_of_range = (y < 0) | (y >= num_classes)
    if out_of_range.any():
        bad = y[out_of_range].flat[0]
        bad = int(bad)
        raise CoreValueError(f"label {bad} is out of range for {num_classes} classes "
                             f"(0..{num_classes - 1})", code="label_out_of_range",
                             label=bad, num_classes=num_classes)
    return y.astype(np.int64, copy=False)


def _check_logits_and_labels(logits, labels) -> tuple[np.ndarray, np.ndarray]:
    """Validate a ``(K,)`` + scalar or ``(N, K)`` + ``(N,)`` pair; return them as arrays."""
    x = _as_float_array(logits)
    if x.ndim not in (1, 2):
        raise CoreValueError(f"logits must have shape (K,) or (N, K); got shape {x.shape}",
                             code="bad_shape", shape=x.shape)
    if x.shape[-1] == 0:
        raise CoreValueError("logits need at least one class; got 0 columns", code="empty")
    y_shape = x.shape[:-1]
    if np.shape(labels) != y_shape:
        what = "a single class index" if x.ndim == 1 else f"shape {y_shape}, one class index per row"
        raise CoreValueError(f"for logits of shape {x.shape} labels must be {what}; "
                             f"got shape {np.shape(labels)}", code="bad_label_shape",
                             expected=y_shape, shape=np.shape(labels))
    return x, _check_labels(labels, x.shape[-1])


def _per_example_loss(x: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    """Cross-entropy of each row of ``x`` (2-D) against labels ``y``, in the dtype of ``x``.

    Works on a transposed copy ``d`` of shape (K, N), so that every reduction runs over the outer
    axis, where NumPy vectorises across rows; with few classes that is several times faster than
    reducing along a short last axis. The copy is the only large buffer.
    """
    n, k = x.shape
    d = x.T.copy(order="C")
    m = np.max(d, axis=0, keepdims=True)
    finite = np.isfinite(m)
    np.subtract(d, m if finite.all() else np.where(finite, m, 0), out=d)
    d_y = d.ravel()[y * n + np.arange(n)]
    loss = np.multiply(d_y, x.dtype.type(1.0 - eps))
    if eps:
        loss += np.sum(d, axis=0) * x.dtype.type(eps / k)
    lse = _log_partition(d, m, axis=0)[0]
    return np.subtract(lse, loss, out=lse)


def cross_entropy(logits, labels, *, label_smoothing=0.0, reduction="mean"):
    r"""Cross-entropy between softmax(logits) and class labels, as PyTorch's ``cross_entropy``.

    Parameters
    ----------
    logits : array_like, shape (N, K) or (K,)
        Raw scores of N examples over K classes (or of one example). float32 stays float32.
    labels : array_like of int, shape (N,) or scalar
        The true class of each example, in ``0..K-1``.
    label_smoothing : float, optional
        :math:`\varepsilon \in [0, 1]`: the target becomes :math:`(1 - \varepsilon)` on the true
        class plus :math:`\varepsilon / K` on every class (see :func:`smoothed_targets`).
    reduction : {"mean", "sum", "none"}, optional
        Average over examples (default), add them up, or return one loss per example.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The loss in nats: a scalar, or shape (N,) with ``reduction="none"``.

    Raises
    ------
    CoreValueError
        With code ``"label_out_of_range"`` ("label 5 is out of range for 3 classes (0..2)"),
        ``"bad_labels"``, ``"bad_label_shape"``, ``"bad_shape"``, ``"empty"``,
        ``"bad_label_smoothing"`` or ``"bad_reduction"``.

    Notes
    -----
    With target :math:`q = (1 - \varepsilon)\,\mathrm{onehot}(y) + \varepsilon / K`, the loss of one
    example is :math:`-\sum_j q_j \log p_j` with :math:`\log p_j = z_j - \mathrm{LSE}(z)`, so

    .. math:: \ell = \mathrm{LSE}(z) - (1 - \varepsilon)\, z_y - \frac{\varepsilon}{K} \sum_j z_j,

    computed without building the log-softmax matrix. Everything is shifted by the row max first
    (which cancels), so logits ``[1000, 0]`` with label 1 cost exactly 1000, not inf. The loss is
    :math:`\ge 0`, and 0 only for a certain, correct prediction without smoothing. The mean of no
    examples is NaN, as in PyTorch. PyTorch's ``ignore_index`` and class ``weight`` are not
    supported.

    Examples
    --------
    >>> float(cross_entropy([[1000.0, 0.0]], [1]))
    1000.0
    >>> float(cross_entropy([2.0, 1.0, 0.5], 0)).__round__(4)  # -log 0.629
    0.4644
    >>> cross_entropy([[0.0, 0.0], [3.0, 0.0]], [0, 0], reduction="none").round(4)
    array([0.6931, 0.0486])
    """
    eps = _check_smoothing(label_smoothing)
    _check_reduction(reduction)
    x, y = _check_logits_and_labels(logits, labels)
    with np.errstate(**_QUIET):
        loss = _per_example_loss(x.reshape(-1, x.shape[-1]), y.reshape(-1), eps)
    return _reduce(loss.reshape(y.shape), reduction)


def smoothed_targets(labels, num_classes, *, label_smoothing=0.0):
    r"""The target distributions of label smoothing: :math:`(1 - \varepsilon)` one-hot :math:`+ \varepsilon / K`.

    Parameters
    ----------
    labels : array_like of int, shape (N,) or scalar
        Class indices in ``0..num_classes - 1``.
    num_classes : int
        :math:`K`, the number of classes (at least 1).
    label_smoothing : float, optional
        :math:`\varepsilon \in [0, 1]` (default 0: plain one-hot targets).

    Returns
    -------
    numpy.ndarray, shape (N, K) or (K,)
        float64 rows that sum to 1.

    Notes
    -----
    The true class gets :math:`1 - \varepsilon + \varepsilon / K` and every other class
    :math:`\varepsilon / K`: the smoothing mass is spread over *all* K classes, the true one
    included (PyTorch's convention). With :math:`\varepsilon = 0.1, K = 4` that is 0.925 and 0.025,
    not 0.9 and 0.025 (those would sum to 0.975).

    Examples
    --------
    >>> smoothed_targets(0, 4, label_smoothing=0.1)
    array([0.925, 0.025, 0.025, 0.025])
    """
    eps = _check_smoothing(label_smoothing)
    if isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, numbers.Integral) \
            or num_classes < 1:
        raise CoreValueError(f"num_classes must be a whole number >= 1; got {num_classes!r}",
                             code="bad_num_classes", value=num_classes)
    y = _check_labels(labels, int(num_classes))
    targets = np.full((*y.shape, int(num_classes)), eps / num_classes)
    np.put_along_axis(targets, y[..., None], 1.0 - eps + eps / num_classes, axis=-1)
    return targets


def cross_entropy_grad(logits, labels, *, label_smoothing=0.0):
    r"""The gradient of each example's cross-entropy with respect to its logits: :math:`p - q`.

    Parameters
    ----------
    logits : array_like, shape (N, K) or (K,)
        Raw scores, as for :func:`cross_entropy`.
    labels : array_like of int, shape (N,) or scalar
        True classes in ``0..K-1``.
    label_smoothing : float, optional
        :math:`\varepsilon \in [0, 1]`, as for :func:`cross_entropy`.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``logits``: row :math:`i` is
        :math:`\partial \ell_i / \partial z_i = \mathrm{softmax}(z_i) - q_i`.

    Notes
    -----
    This is the gradient of the per-example losses (``reduction="none"``). For
    ``reduction="mean"`` divide by N; for ``"sum"`` use it as is. From
    :math:`\ell = \mathrm{LSE}(z) - \sum_j q_j z_j` and :math:`\partial\,\mathrm{LSE} / \partial z_j
    = p_j`, the gradient is :math:`p - q`: it pulls up the true class by :math:`1 - p_y` (less the
    smoothing) and pushes every other class down by its probability. Each row sums to 0.

    Examples
    --------
    >>> cross_entropy_grad([0.0, 0.0], 0)
    array([-0.5,  0.5])
    """
    eps = _check_smoothing(label_smoothing)
    x, y = _check_logits_and_labels(logits, labels)
    grad = softmax(x)
    if eps:
        grad -= grad.dtype.type(eps / x.shape[-1])
    on_label = np.take_along_axis(grad, y[..., None], axis=-1) - grad.dtype.type(1.0 - eps)
    np.put_along_axis(grad, y[..., None], on_label, axis=-1)
    return grad


def _check_same_shape(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if a.shape != b.shape:
        raise CoreValueError(f"{names} must have the same shape; got {a.shape} and {b.shape}",
                             code="shape_mismatch", shapes=(a.shape, b.shape))


def _check_unit_interval(a: np.ndarray, name: str, code: str) -> None:
    with np.errstate(invalid="ignore"):
        ok = bool(np.all((a >= 0) & (a <= 1)))
    if not ok:
        raise CoreValueError(f"{name} must be between 0 and 1; got values outside [0, 1] (or NaN)",
                             code=code)


def binary_cross_entropy(probs, targets, *, reduction="mean"):
    r"""Binary cross-entropy between predicted probabilities and targets in [0, 1].

    Parameters
    ----------
    probs : array_like
        Predicted probabilities :math:`p \in [0, 1]` of the positive class.
    targets : array_like
        Targets :math:`y \in [0, 1]` (0 or 1, or soft targets), same shape as ``probs``.
    reduction : {"mean", "sum", "none"}, optional
        Average (default), add up, or return one loss per entry.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The loss in nats.

    Raises
    ------
    CoreValueError
        With code ``"bad_probs"``, ``"bad_targets"``, ``"shape_mismatch"`` or ``"bad_reduction"``.

    Notes
    -----
    .. math:: \ell = -\left[y \log p + (1 - y) \log(1 - p)\right],

    with :math:`0 \log 0 = 0`, so :math:`p = 1, y = 1` costs exactly 0. A certain wrong answer
    (:math:`p = 0, y = 1`) costs :math:`+\infty`: the infinite loss is reported, not clipped, and
    no warning is raised. PyTorch's ``BCELoss`` instead clamps each log at -100, so it reports 100
    there. For a finite loss at the extremes, work from logits with
    :func:`binary_cross_entropy_with_logits`.

    Examples
    --------
    >>> binary_cross_entropy([0.9, 1.0, 0.0], [1, 1, 1], reduction="none")
    array([0.10536052, 0.        ,        inf])
    """
    _check_reduction(reduction)
    p = _as_float_array(probs)
    y = np.asarray(targets, dtype=p.dtype)
    _check_same_shape(p, y, "probs and targets")
    _check_unit_interval(p, "probs", "bad_probs")
    _check_unit_interval(y, "targets", "bad_targets")
    with np.errstate(**_QUIET):
        pos = np.where(y > 0, y * np.log(p), 0)
        neg = np.where(y < 1, (1 - y) * np.log1p(-p), 0)
        loss = (0.0 - (pos + neg)).astype(p.dtype, copy=False)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(logits, targets, *, reduction="mean"):
    r"""Binary cross-entropy of :math:`\sigma(z)` against targets, computed stably from logits.

    Parameters
    ----------
    logits : array_like
        Raw scores :math:`z` of the positive class.
    targets : array_like
        Targets :math:`y \in [0, 1]`, same shape as ``logits``.
    reduction : {"mean", "sum", "none"}, optional
        Average (default), add up, or return one loss per entry.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The loss in nats; finite for every finite logit.

    Raises
    ------
    CoreValueError
        With code ``"bad_targets"``, ``"shape_mismatch"`` or ``"bad_reduction"``.

    Notes
    -----
    Substituting :math:`p = \sigma(z)` into the binary cross-entropy and simplifying gives

    .. math:: \ell = \max(z, 0) - z y + \log(1 + e^{-|z|}),

    where :math:`e^{-|z|} \le 1` never overflows, and ``log1p`` keeps small values accurate. This is
    the two-class case of :func:`cross_entropy` with logits :math:`[z, 0]`.

    Examples
    --------
    >>> binary_cross_entropy_with_logits([-1000.0, 0.0, 1000.0], [1, 1, 1], reduction="none").tolist()
    [1000.0, 0.6931471805599453, 0.0]
    """
    _check_reduction(reduction)
    z = _as_float_array(logits)
    y = np.asarray(targets, dtype=z.dtype)
    _check_same_shape(z, y, "logits and targets")
    _check_unit_interval(y, "targets", "bad_targets")
    with np.errstate(**_QUIET):
        loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return _reduce(loss, reduction)
