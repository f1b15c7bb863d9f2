"""Learning with cross-entropy: the binary loss step by step, clipping against logits, KL divergence,
squared error for comparison, and gradient descent on the logits of one example.

Everything here serves the cross-entropy page, which only draws what these functions return. Inputs are
validated once, at the boundary, with the same student-readable, coded errors as :mod:`softmax_core.losses`.
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from .losses import (_check_labels, _check_logits_and_labels, _check_smoothing, binary_cross_entropy,
                     binary_cross_entropy_with_logits, cross_entropy, smoothed_targets)
from .softmax import _QUIET, CoreValueError, _as_float_array, _check_probs, _check_real, log_softmax, sigmoid, \
    softmax

__all__ = [
    "BceSteps",
    "bce_steps",
    "ClippingComparison",
    "clipping_comparison",
    "loss_along_logit",
    "squared_error",
    "squared_error_grad",
    "kl_divergence",
    "Trajectory",
    "descend_logits",
    "confidently_wrong_logits",
    "GradientSweep",
    "gradient_sweep",
    "LOSSES",
    "MAX_STEPS",
]

LOSSES = ("cross_entropy", "squared_error")
MAX_STEPS = 10_000


class BceSteps(NamedTuple):
    """The binary cross-entropy of N examples, one step of the derivation per field."""

    likelihood: np.ndarray  # yhat**y * (1 - yhat)**(1 - y): the probability the model gave the truth
    log_likelihood: np.ndarray  # its log, <= 0
    losses: np.ndarray  # the negative log-likelihood, >= 0
    mean: float  # the mean over the N examples: the binary cross-entropy


def _check_binary_targets(targets, shape) -> np.ndarray:
    y = _as_float_array(targets)
    if y.shape != shape:
        raise CoreValueError(f"probs and targets must have the same shape; got {shape} and {y.shape}",
                             code="shape_mismatch", shapes=(shape, y.shape))
    if not np.all((y == 0) | (y == 1)):
        raise CoreValueError("targets must be 0 or 1 (the true answer of each example)", code="bad_targets")
    return y


def bce_steps(probs, targets) -> BceSteps:
    r"""Binary cross-entropy derived as a lesson does it: likelihood, log, negative, mean.

    Parameters
    ----------
    probs : array_like, shape (N,)
        The model's probability :math:`\hat y \in [0, 1]` that each example is positive.
    targets : array_like, shape (N,)
        The true answers :math:`y \in \{0, 1\}`.

    Returns
    -------
    BceSteps
        ``likelihood`` :math:`\hat y^{y} (1 - \hat y)^{1 - y}`, ``log_likelihood``, ``losses`` (its
        negative) and ``mean`` (the loss; NaN for no examples).

    Raises
    ------
    CoreValueError
        Code ``"bad_probs"``, ``"bad_targets"`` or ``"shape_mismatch"``.

    Notes
    -----
    The likelihood is the probability the model gave to what actually happened: :math:`\hat y` when
    :math:`y = 1` and :math:`1 - \hat y` when :math:`y = 0`, written as one product because one of the two
    exponents is always 0 (and :math:`0^0 = 1`). Its log is :math:`y \log \hat y + (1 - y) \log(1 - \hat y)`;
    the negative turns "maximise" into "minimise"; the mean over N examples is the loss. A certain wrong
    answer has likelihood 0 and loss :math:`+\infty`.

    Examples
    --------
    >>> steps = bce_steps([0.9, 0.2], [1, 0])
    >>> steps.likelihood
    array([0.9, 0.8])
    >>> round(steps.mean, 4)  # (-log 0.9 - log 0.8) / 2
    0.1643
    """
    p = _check_probs(probs)
    y = _check_binary_targets(targets, p.shape)
    with np.errstate(**_QUIET):
        likelihood = np.where(y == 1, p, 1.0 - p)
        # log1p keeps log(1 - p) exact for tiny p, where 1 - p would round to 1
        log_likelihood = np.where(y == 1, np.log(p), np.log1p(-p))
        losses = 0.0 - log_likelihood
        mean = float(np.mean(losses)) if losses.size else float("nan")
    return BceSteps(likelihood, log_likelihood, losses, mean)


class ClippingComparison(NamedTuple):
    """Binary cross-entropy over a range of logits, computed three ways (all in one float dtype)."""

    logits: np.ndarray
    probs: np.ndarray  # sigmoid(logits), rounded to the dtype
    naive: np.ndarray  # -log of the rounded probability: inf once it rounds to 0 or 1
    clipped: np.ndarray  # the probability clipped to [eps, 1 - eps] first
    from_logits: np.ndarray  # log-sigmoid form, finite for every finite logit
    grad_clipped: np.ndarray  # d loss / d logit through the clip: 0 where the clip is active
    grad_from_logits: np.ndarray  # sigmoid(z) - y, never 0 while the answer is wrong


def clipping_comparison(logits, target, *, eps, dtype=np.float32) -> ClippingComparison:
    r"""How clipping probabilities at :math:`\varepsilon` compares with computing the loss from logits.

    Parameters
    ----------
    logits : array_like, shape (N,)
        Logits :math:`z` of the positive class.
    target : {0, 1}
        The true answer, the same for every logit.
    eps : float
        The clip, :math:`0 < \varepsilon < 0.5`: probabilities are moved into :math:`[\varepsilon, 1 - \varepsilon]`.
    dtype : numpy float dtype, optional
        Where the probabilities are held (float32 by default, as in most training).

    Returns
    -------
    ClippingComparison

    Raises
    ------
    CoreValueError
        Code ``"bad_targets"`` or ``"bad_eps"``.

    Notes
    -----
    Clipping caps the loss at :math:`-\log \varepsilon` and *flattens* it: beyond the clip every confident
    mistake costs the same, and the gradient through the clip is exactly 0, so the worst mistakes stop
    teaching. In float32 :math:`1 - 10^{-12}` rounds to 1, so a clip that small does not even prevent the
    infinity. From logits, :math:`\ell = \max(z, 0) - zy + \log(1 + e^{-|z|})` is finite and keeps the
    gradient :math:`\sigma(z) - y`.

    Examples
    --------
    >>> c = clipping_comparison([-30.0, 30.0], 1, eps=1e-7)
    >>> c.from_logits.round(6).tolist()  # the loss grows with the mistake
    [30.0, 0.0]
    >>> float(clipping_comparison([30.0], 0, eps=1e-7).naive[0])  # 1 - p rounded to 0
    inf
    >>> round(float(c.clipped[0]), 2), float(c.grad_clipped[0])  # capped, and no gradient
    (16.12, 0.0)
    """
    if target not in (0, 1) or isinstance(target, (bool, np.bool_)):
        raise CoreValueError("target must be 0 or 1", code="bad_targets", value=target)
    eps = _check_real(eps, name="eps", code="bad_eps", allowed="a number between 0 and 0.5",
                      ok=lambda e: 0.0 < e < 0.5)
    z = np.asarray(logits, dtype=dtype)
    y = np.full_like(z, target)
    p = sigmoid(z).astype(dtype)
    lo, hi = dtype(eps), dtype(1) - dtype(eps)
    clipped_p = np.clip(p, lo, hi)
    active = (p > lo) & (p < hi)
    return ClippingComparison(
        logits=z, probs=p,
        naive=binary_cross_entropy(p, y, reduction="none"),
        clipped=binary_cross_entropy(clipped_p, y, reduction="none"),
        from_logits=binary_cross_entropy_with_logits(z, y, reduction="none"),
        grad_clipped=np.where(active, p - y, dtype(0)),
        grad_from_logits=p - y,
    )


def loss_along_logit(logits, label, values, *, index=None, label_smoothing=0.0) -> np.ndarray:
    r"""Cross-entropy as one logit moves and the others stay put.

    Parameters
    ----------
    logits : array_like, shape (K,)
        The logits of one example.
    label : int
        Its true class.
    values : array_like, shape (M,)
        The values the moving logit takes.
    index : int, optional
        Which logit moves (default: the true class's).
    label_smoothing : float, optional
        As for :func:`softmax_core.cross_entropy`.

    Returns
    -------
    numpy.ndarray, shape (M,)
        The loss at each value.

    Notes
    -----
    Along the true class's logit :math:`z_y` the loss is :math:`\log(e^{z_y} + C) - z_y` with
    :math:`C = \sum_{j \ne y} e^{z_j}`: about :math:`\log C - z_y` (a straight line) far left, decaying to 0
    far right. It never turns back up, which is why unregularised logits can grow without bound.

    Examples
    --------
    >>> loss_along_logit([0.0, 0.0], 0, [0.0, 100.0]).round(4)
    array([0.6931, 0.    ])
    """
    x, y = _check_logits_and_labels(logits, label)
    if x.ndim != 1:
        raise CoreValueError("logits must be one example, shape (K,)", code="bad_shape", shape=x.shape)
    i = int(y) if index is None else int(_check_labels(index, x.shape[0]))
    v = _as_float_array(values).reshape(-1)
    batch = np.repeat(x[None, :], v.size, axis=0)
    batch[:, i] = v
    eps = _check_smoothing(label_smoothing)
    log_p = log_softmax(batch)
    targets = smoothed_targets(int(y), x.shape[0], label_smoothing=eps)
    with np.errstate(**_QUIET):
        return 0.0 - np.sum(np.where(targets > 0, targets * log_p, 0.0), axis=-1)


def _targets(logits, labels, label_smoothing) -> tuple[np.ndarray, np.ndarray]:
    x, y = _check_logits_and_labels(logits, labels)
    return x, smoothed_targets(y, x.shape[-1], label_smoothing=label_smoothing)


def squared_error(logits, labels, *, label_smoothing=0.0):
    r"""The squared error between softmax(logits) and the target: :math:`\sum_j (p_j - t_j)^2`.

    Parameters
    ----------
    logits : array_like, shape (N, K) or (K,)
    labels : array_like of int, shape (N,) or scalar
    label_smoothing : float, optional

    Returns
    -------
    numpy.ndarray or numpy.float64
        One value per example, between 0 and 2.

    Notes
    -----
    The "MSE" loss of one example, summed over classes (Keras's ``mean_squared_error`` divides it by K).
    It is bounded by 2, so a confident mistake costs at most 2, where cross-entropy costs without bound.

    Examples
    --------
    >>> float(squared_error([0.0, 0.0], 0))
    0.5
    """
    x, t = _targets(logits, labels, label_smoothing)
    return np.sum((softmax(x) - t) ** 2, axis=-1)


def squared_error_grad(logits, labels, *, label_smoothing=0.0) -> np.ndarray:
    r"""The gradient of :func:`squared_error` with respect to the logits.

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits``: :math:`J^\top g` with :math:`g = 2(p - t)` and the softmax Jacobian
        :math:`J = \mathrm{diag}(p) - pp^\top`, that is :math:`p_i g_i - p_i \sum_j p_j g_j`.

    Notes
    -----
    Every component carries a factor :math:`p_i`: when the true class's probability is near 0, its
    component is near 0 too. A confidently wrong model barely moves: the vanishing gradient that makes
    squared error a poor loss for classification.

    Examples
    --------
    >>> squared_error_grad([0.0, 0.0], 0)
    array([-0.5,  0.5])
    """
    x, t = _targets(logits, labels, label_smoothing)
    return _squared_error_grad(softmax(x), t)


def _squared_error_grad(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    g = 2.0 * (p - t)
    return p * (g - np.sum(p * g, axis=-1, keepdims=True))


def kl_divergence(targets, logits):
    r"""The Kullback–Leibler divergence :math:`\mathrm{KL}(t \,\|\, \mathrm{softmax}(z))`, from logits.

    Parameters
    ----------
    targets : array_like, shape (K,) or (N, K)
        Target distributions :math:`t` (rows sum to 1).
    logits : array_like, same shape
        Logits :math:`z` of the model's distribution :math:`q = \mathrm{softmax}(z)`.

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`\sum_j t_j (\log t_j - \log q_j) \ge 0`, with :math:`0 \log 0 = 0`.

    Notes
    -----
    Cross-entropy splits as :math:`H(t, q) = H(t) + \mathrm{KL}(t \| q)`: the entropy of the target (fixed
    by the data, 0 for a one-hot target) plus the divergence (what training can reduce). So minimising
    cross-entropy is minimising the KL divergence, and with label smoothing the loss cannot reach 0.

    Examples
    --------
    >>> float(kl_divergence([1.0, 0.0], [0.0, 0.0])).__round__(4)  # log 2
    0.6931
    """
    t = _check_probs(targets, "targets")
    z = _as_float_array(logits)
    if t.shape != z.shape or t.ndim not in (1, 2):
        raise CoreValueError(f"targets and logits must have the same shape (K,) or (N, K); got {t.shape} "
                             f"and {z.shape}", code="shape_mismatch", shapes=(t.shape, z.shape))
    log_q = log_softmax(z)
    log_t = np.zeros_like(t)
    np.log(t, out=log_t, where=t > 0)
    with np.errstate(**_QUIET):
        return np.sum(np.where(t > 0, t * (log_t - log_q), 0.0), axis=-1)


class Trajectory(NamedTuple):
    """Gradient descent on the logits of one example: row s is the state before step s + 1."""

    logits: np.ndarray  # (S + 1, K)
    probs: np.ndarray  # (S + 1, K)
    losses: np.ndarray  # (S + 1,)
    grads: np.ndarray  # (S + 1, K): the gradient at each state


def descend_logits(logits, label, *, learning_rate, steps, loss="cross_entropy", label_smoothing=0.0
                   ) -> Trajectory:
    r"""Plain gradient descent :math:`z \leftarrow z - \eta \nabla_z \ell` on the logits of one example.

    Parameters
    ----------
    logits : array_like, shape (K,)
        The starting logits.
    label : int
        The true class.
    learning_rate : float
        :math:`\eta > 0`.
    steps : int
        How many updates, 0 to ``MAX_STEPS``.
    loss : {"cross_entropy", "squared_error"}, optional
    label_smoothing : float, optional

    Returns
    -------
    Trajectory
        ``steps + 1`` states, the start included.

    Raises
    ------
    CoreValueError
        Code ``"bad_learning_rate"``, ``"bad_steps"``, ``"bad_loss"`` or those of
        :func:`softmax_core.cross_entropy`.

    Notes
    -----
    This is what training does to one example's logits when the logits themselves are the parameters;
    a real network moves its weights, and the logits follow. With cross-entropy the gradient is
    :math:`p - t`; each step pulls the true logit up by :math:`\eta (1 - p_y)` and pushes the others down.

    Examples
    --------
    >>> run = descend_logits([0.0, 0.0], 0, learning_rate=1.0, steps=2)
    >>> run.losses.round(4)
    array([0.6931, 0.3133, 0.1946])
    """
    lr = _check_real(learning_rate, name="learning_rate", code="bad_learning_rate",
                     allowed="a finite number greater than 0", ok=lambda v: np.isfinite(v) and v > 0)
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral) \
            or not 0 <= steps <= MAX_STEPS:
        raise CoreValueError(f"steps must be a whole number from 0 to {MAX_STEPS}; got {steps!r}",
                             code="bad_steps", value=steps)
    if loss not in LOSSES:
        raise CoreValueError(f'loss must be "cross_entropy" or "squared_error"; got {loss!r}',
                             code="bad_loss", value=loss)
    x, y = _check_logits_and_labels(logits, label)
    if x.ndim != 1:
        raise CoreValueError("logits must be one example, shape (K,)", code="bad_shape", shape=x.shape)
    eps = _check_smoothing(label_smoothing)
    t = smoothed_targets(int(y), x.shape[0], label_smoothing=eps)
    # The loop does only the update, without re-validating; losses and gradients of the whole run are then
    # evaluated on the stacked logits, by the same formulas as the public functions.
    zs = np.empty((steps + 1, x.shape[0]))
    zs[0] = x
    with np.errstate(**_QUIET):
        for s in range(steps):
            e = np.exp(zs[s] - zs[s].max())
            p = e / e.sum()
            g = p - t if loss == "cross_entropy" else _squared_error_grad(p, t)
            zs[s + 1] = zs[s] - lr * g
        probs = softmax(zs)
        labels = np.full(steps + 1, y)
        if loss == "cross_entropy":
            losses = cross_entropy(zs, labels, label_smoothing=eps, reduction="none")
            grads = probs - t
        else:
            losses = np.sum((probs - t) ** 2, axis=-1)
            grads = _squared_error_grad(probs, t)
    return Trajectory(zs, probs, losses, grads)


def confidently_wrong_logits(num_classes: int, label: int, *, margin: float = 5.0) -> np.ndarray:
    r"""Logits of a model that is sure of the wrong answer: the true class ``margin`` below the others.

    Examples
    --------
    >>> confidently_wrong_logits(3, 0)
    array([-5.,  0.,  0.])
    """
    z = np.zeros(int(num_classes))
    z[int(_check_labels(label, int(num_classes)))] = -float(margin)
    return z


class GradientSweep(NamedTuple):
    """The pull on the true class's logit under both losses, as that logit sweeps a range."""

    values: np.ndarray  # the true class's logit
    p_true: np.ndarray  # its probability
    cross_entropy: np.ndarray  # |d CE / d z_y| = 1 - p_y
    squared_error: np.ndarray  # |d SE / d z_y|


def gradient_sweep(logits, label, values) -> GradientSweep:
    r"""How hard each loss pulls on the true logit, from confidently wrong to confidently right.

    Parameters
    ----------
    logits : array_like, shape (K,)
        One example's logits; all but the true class's stay fixed.
    label : int
        The true class.
    values : array_like, shape (M,)
        The values the true class's logit takes.

    Returns
    -------
    GradientSweep
        Absolute values of the true-logit component of each gradient.

    Notes
    -----
    For cross-entropy the component is :math:`p_y - 1`: its size tends to 1 as :math:`p_y \to 0`, the
    harder the mistake the harder the pull. For squared error it is
    :math:`2 p_y \left[(p_y - 1) - \sum_j p_j (p_j - t_j)\right]`, which carries a factor :math:`p_y` and
    tends to 0: the confidently wrong model gets almost no signal.

    Examples
    --------
    >>> sweep = gradient_sweep([0.0, 0.0], 0, [-10.0, 0.0])
    >>> sweep.cross_entropy.round(4).tolist(), sweep.squared_error.round(4).tolist()
    ([1.0, 0.5], [0.0002, 0.5])
    """
    x, y = _check_logits_and_labels(logits, label)
    if x.ndim != 1:
        raise CoreValueError("logits must be one example, shape (K,)", code="bad_shape", shape=x.shape)
    v = _as_float_array(values).reshape(-1)
    batch = np.repeat(x[None, :], v.size, axis=0)
    batch[:, int(y)] = v
    p = softmax(batch)
    t = smoothed_targets(np.full(v.size, int(y)), x.shape[0])
    return GradientSweep(v, p[:, int(y)], np.abs((p - t)[:, int(y)]),
                         np.abs(_squared_error_grad(p, t)[:, int(y)]))
