"""A small multilayer perceptron in NumPy, trained with softmax cross-entropy, for the calibration page.

One hidden ReLU layer (64 -> hidden -> 10), minibatch Adam, a fixed seed. Small and fast enough to train
while the page loads, and real enough to show the classic story: trained longer, a network grows more
confident faster than it grows more accurate, so its calibration error rises.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

import numpy as np

from .losses import cross_entropy, cross_entropy_grad
from .softmax import CoreValueError, softmax

__all__ = [
    "MLPParams",
    "TrainingError",
    "TrainResult",
    "example_digit_logits",
    "init_mlp",
    "loss_and_gradients",
    "mc_dropout_logits",
    "mlp_logits",
    "train_ensemble",
    "train_mlp",
]

# Adam's usual constants (Kingma & Ba, 2015).
_BETA1, _BETA2, _EPSILON = 0.9, 0.999, 1e-8


def _relu(x):
    return np.maximum(x, 0.0)


class TrainingError(CoreValueError):
    """Training options that cannot work; ``code`` names the problem for the translated message."""


class MLPParams(NamedTuple):
    """Weights of ``logits = relu(x @ w1 + b1) @ w2 + b2``, with ``relu(a) = max(a, 0)``.

    Attributes
    ----------
    w1 : ndarray, shape (inputs, hidden)
    b1 : ndarray, shape (hidden,)
    w2 : ndarray, shape (hidden, classes)
    b2 : ndarray, shape (classes,)
    """

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


class TrainResult(NamedTuple):
    """What :func:`train_mlp` returns.

    Attributes
    ----------
    params : MLPParams
        The weights after the last epoch.
    loss : ndarray, shape (epochs,)
        Mean training loss of each epoch: the objective Adam minimises (cross-entropy with the label smoothing
        used, plus any weight-decay penalty), averaged over the epoch's minibatches as they were seen.
    checkpoints : tuple of int
        The epochs at which snapshots were taken, ascending; 0 means before training.
    snapshots : tuple of MLPParams
        The weights at each checkpoint, so any input (a noisy test set, say) can be scored at any of them.
    eval_logits : dict of str to ndarray, shape (len(checkpoints), n, classes)
        For each named evaluation set, its logits at each checkpoint.
    """

    params: MLPParams
    loss: np.ndarray
    checkpoints: tuple[int, ...]
    snapshots: tuple[MLPParams, ...]
    eval_logits: dict[str, np.ndarray]


def init_mlp(*, inputs=64, hidden=64, classes=10, seed=0) -> MLPParams:
    """Random starting weights: Glorot-uniform matrices and zero biases.

    Parameters
    ----------
    inputs, hidden, classes : int, optional
        Layer widths.
    seed : int, optional
        Seeds the draw.

    Returns
    -------
    MLPParams

    Notes
    -----
    Each matrix of shape :math:`(a, b)` is drawn from :math:`U(-r, r)` with :math:`r = \\sqrt{6 / (a + b)}`,
    which keeps the variance of activations and gradients about level from layer to layer.

    Examples
    --------
    >>> params = init_mlp(inputs=4, hidden=3, classes=2, seed=0)
    >>> [p.shape for p in params]
    [(4, 3), (3,), (3, 2), (2,)]
    """
    rng = np.random.default_rng(seed)

    def glorot(rows, columns):
        limit = np.sqrt(6.0 / (rows + columns))
        return rng.uniform(-limit, limit, size=(rows, columns))

    return MLPParams(glorot(inputs, hidden), np.zeros(hidden), glorot(hidden, classes), np.zeros(classes))


def mlp_logits(params: MLPParams, images) -> np.ndarray:
    """The network's logits for a batch of images.

    Parameters
    ----------
    params : MLPParams
    images : array_like, shape (n, inputs)

    Returns
    -------
    ndarray, shape (n, classes)

    Examples
    --------
    >>> params = init_mlp(inputs=4, hidden=3, classes=2, seed=0)
    >>> mlp_logits(params, np.zeros((5, 4)))
    array([[0., 0.],
           [0., 0.],
           [0., 0.],
           [0., 0.],
           [0., 0.]])
    """
    images = np.asarray(images, dtype=np.float64)
    return _relu(images @ params.w1 + params.b1) @ params.w2 + params.b2


def loss_and_gradients(
    params: MLPParams, images, labels, *, label_smoothing=0.0, weight_decay=0.0, dropout_mask=None
) -> tuple[float, MLPParams]:
    """Mean cross-entropy of a batch and its gradient with respect to every weight (backpropagation).

    Parameters
    ----------
    params : MLPParams
    images : array_like, shape (n, inputs)
    labels : array_like of int, shape (n,)
    label_smoothing : float, optional
        Passed to :func:`softmax_core.losses.cross_entropy`.
    weight_decay : float, optional
        Adds :math:`\\tfrac{\\lambda}{2}(\\lVert W_1 \\rVert^2 + \\lVert W_2 \\rVert^2)` to the loss (biases are
        not decayed).
    dropout_mask : ndarray, shape (n, hidden), optional
        Multiplies the hidden activations: 0 drops a unit, :math:`1 / (1 - \\text{rate})` keeps it (inverted
        dropout). ``None`` keeps every unit.

    Returns
    -------
    loss : float
        The loss, penalty included.
    gradients : MLPParams
        :math:`\\partial\\,\\text{loss} / \\partial` each weight, same shapes as ``params``.

    Notes
    -----
    With :math:`h = \\max(x W_1 + b_1, 0) \\odot m` and :math:`z = h W_2 + b_2`, the loss gradient at the
    logits is :math:`G = (\\operatorname{softmax}(z) - \\tilde y) / n` with :math:`\\tilde y` the smoothed
    one-hot targets. Then :math:`\\partial W_2 = h^\\top G`, :math:`\\partial b_2 = \\sum_i G_i`, and through
    the mask and the ReLU, which passes gradient only where it was positive,
    :math:`\\delta = (G W_2^\\top) \\odot m \\odot [x W_1 + b_1 > 0]`, :math:`\\partial W_1 = x^\\top \\delta`,
    :math:`\\partial b_1 = \\sum_i \\delta_i`.

    Examples
    --------
    >>> params = init_mlp(inputs=4, hidden=3, classes=2, seed=0)
    >>> loss, grads = loss_and_gradients(params, np.zeros((2, 4)), [0, 1])
    >>> round(loss, 4) == round(float(np.log(2)), 4), grads.w1.shape
    (True, (4, 3))
    """
    images = np.asarray(images, dtype=np.float64)
    labels = np.asarray(labels)
    activation = _relu(images @ params.w1 + params.b1)
    hidden = activation if dropout_mask is None else activation * dropout_mask
    logits = hidden @ params.w2 + params.b2
    loss = float(cross_entropy(logits, labels, label_smoothing=label_smoothing))
    # cross_entropy_grad is per example; the loss is their mean.
    grad_logits = cross_entropy_grad(logits, labels, label_smoothing=label_smoothing) / len(labels)
    grad_hidden = grad_logits @ params.w2.T
    if dropout_mask is not None:
        grad_hidden = grad_hidden * dropout_mask
    grad_pre = grad_hidden * (activation > 0)
    grads = MLPParams(
        w1=images.T @ grad_pre + weight_decay * params.w1,
        b1=grad_pre.sum(axis=0),
        w2=hidden.T @ grad_logits + weight_decay * params.w2,
        b2=grad_logits.sum(axis=0),
    )
    if weight_decay:
        loss += 0.5 * weight_decay * float(np.sum(params.w1**2) + np.sum(params.w2**2))
    return loss, grads


def _validate(images, labels, *, hidden, epochs, learning_rate, batch_size, dropout, checkpoints):
    if images.ndim != 2 or labels.shape != (len(images),):
        raise TrainingError(
            f"images must be (n, features) and labels (n,); got {images.shape} and {labels.shape}.",
            code="bad_shapes",
        )
    if len(images) == 0 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise TrainingError("Training needs at least one image and integer labels >= 0.", code="bad_labels")
    if hidden < 1 or epochs < 1 or batch_size < 1 or not learning_rate > 0:
        raise TrainingError(
            f"hidden, epochs and batch_size must be >= 1 and learning_rate > 0; got hidden={hidden}, "
            f"epochs={epochs}, batch_size={batch_size}, learning_rate={learning_rate}.",
            code="bad_hyperparameters",
        )
    if not 0.0 <= dropout < 1.0:
        raise TrainingError(f"The dropout rate must be in [0, 1), not {dropout}.", code="bad_dropout")
    if any(not 0 <= c <= epochs for c in checkpoints):
        raise TrainingError(
            f"Checkpoints must be epochs between 0 and {epochs}; got {list(checkpoints)}.", code="bad_checkpoints"
        )


def train_mlp(
    images,
    labels,
    *,
    hidden=64,
    epochs=30,
    learning_rate=0.01,
    batch_size=32,
    seed=0,
    label_smoothing=0.0,
    weight_decay=0.0,
    dropout=0.0,
    num_classes=None,
    checkpoints: Sequence[int] | None = None,
    eval_sets: Mapping[str, np.ndarray] | None = None,
    progress: Callable[[float], object] | None = None,
) -> TrainResult:
    """Train a one-hidden-layer ReLU network on images with minibatch Adam.

    Parameters
    ----------
    images : array_like, shape (n, features)
        Training inputs, e.g. :func:`softmax_core.datasets.load_digits` images in ``[0, 1]``.
    labels : array_like of int, shape (n,)
        Training classes, ``0 .. num_classes - 1``.
    hidden : int, optional
        Width of the hidden layer.
    epochs : int, optional
        Passes over the training data. The default reaches about 97% test accuracy on the digits.
    learning_rate : float, optional
        Adam's step size.
    batch_size : int, optional
        Examples per Adam step; the data are reshuffled every epoch.
    seed : int, optional
        Seeds the initial weights, the shuffles and the dropout masks. Same seed, same inputs: the same
        weights, bit for bit.
    label_smoothing : float, optional
        Trains towards targets :math:`(1 - \\varepsilon)` one-hot plus :math:`\\varepsilon / K` everywhere.
    weight_decay : float, optional
        L2 penalty on the weight matrices (see :func:`loss_and_gradients`).
    dropout : float, optional
        Probability of dropping each hidden unit during training; 0 turns dropout off.
    num_classes : int, optional
        Number of classes; by default ``labels.max() + 1``.
    checkpoints : sequence of int, optional
        Epochs (0 to ``epochs``) after which to keep a snapshot of the weights and score ``eval_sets``;
        0 is the untrained network. By default only the last epoch.
    eval_sets : mapping of str to array_like, optional
        Named image sets (e.g. ``{"calibration": ..., "test": ...}``) to score at every checkpoint.
    progress : callable, optional
        Called as ``progress(fraction)`` after every epoch, with ``fraction`` rising to 1.0, e.g. to move a
        progress bar.

    Returns
    -------
    TrainResult

    Notes
    -----
    Adam (Kingma & Ba, 2015) keeps running means of each gradient, :math:`m`, and of its square, :math:`v`,
    and steps by :math:`-\\eta\\,\\hat m / (\\sqrt{\\hat v} + \\epsilon)` with the bias-corrected
    :math:`\\hat m, \\hat v`. Checkpointing lets a page show a model at many training lengths from one run.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> images = rng.random((40, 4))
    >>> labels = (images[:, 0] > 0.5).astype(int)
    >>> result = train_mlp(images, labels, hidden=8, epochs=20, batch_size=8, learning_rate=0.05,
    ...                    checkpoints=(0, 20), eval_sets={"train": images})
    >>> bool(result.loss[-1] < result.loss[0]), result.eval_logits["train"].shape
    (True, (2, 40, 2))
    >>> float(np.mean(result.eval_logits["train"][-1].argmax(axis=1) == labels)) > 0.9
    True
    """
    images = np.asarray(images, dtype=np.float64)
    labels = np.asarray(labels)
    checkpoints = (epochs,) if checkpoints is None else tuple(sorted({int(c) for c in checkpoints}))
    eval_sets = {name: np.asarray(x, dtype=np.float64) for name, x in (eval_sets or {}).items()}
    _validate(
        images, labels, hidden=hidden, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size,
        dropout=dropout, checkpoints=checkpoints,
    )
    classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    if labels.max() >= classes:
        raise TrainingError(f"Labels go up to {labels.max()} but num_classes is {classes}.", code="bad_labels")

    rng = np.random.default_rng(seed)
    params = init_mlp(inputs=images.shape[1], hidden=hidden, classes=classes, seed=rng.integers(2**63))
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    step = 0
    losses = np.empty(epochs)
    snapshots = [params] if 0 in checkpoints else []

    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(images))
        epoch_loss = 0.0
        for start in range(0, len(images), batch_size):
            batch = order[start : start + batch_size]
            mask = None
            if dropout:
                mask = (rng.random((len(batch), hidden)) >= dropout) / (1.0 - dropout)
            loss, grads = loss_and_gradients(
                params, images[batch], labels[batch], label_smoothing=label_smoothing,
                weight_decay=weight_decay, dropout_mask=mask,
            )
            epoch_loss += loss * len(batch)
            step += 1
            updated = []
            for p, g, m, v in zip(params, grads, first, second):
                m *= _BETA1
                m += (1 - _BETA1) * g
                v *= _BETA2
                v += (1 - _BETA2) * g * g
                m_hat = m / (1 - _BETA1**step)
                v_hat = v / (1 - _BETA2**step)
                updated.append(p - learning_rate * m_hat / (np.sqrt(v_hat) + _EPSILON))
            params = MLPParams(*updated)
        losses[epoch - 1] = epoch_loss / len(images)
        if epoch in checkpoints:
            snapshots.append(params)
        if progress is not None:
            progress(epoch / epochs)

    eval_logits = {name: np.stack([mlp_logits(s, x) for s in snapshots]) for name, x in eval_sets.items()}
    return TrainResult(params, losses, checkpoints, tuple(snapshots), eval_logits)


def train_ensemble(images, labels, *, seeds=(0, 1, 2, 3, 4), progress=None, **options) -> tuple[TrainResult, ...]:
    """Train one network per seed, otherwise alike, for a deep ensemble.

    Parameters
    ----------
    images, labels : array_like
        As for :func:`train_mlp`.
    seeds : sequence of int, optional
        One network per seed; they differ in initial weights, shuffles and dropout masks.
    progress : callable, optional
        Called as ``progress(fraction)`` with the fraction of the whole ensemble done.
    **options
        Any other keyword option of :func:`train_mlp`.

    Returns
    -------
    tuple of TrainResult
        One per seed, in order. Average their softmax probabilities to get the ensemble's.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> images = rng.random((20, 4))
    >>> labels = (images[:, 0] > 0.5).astype(int)
    >>> members = train_ensemble(images, labels, seeds=(0, 1), hidden=4, epochs=2)
    >>> len(members), bool(np.array_equal(members[0].params.w1, members[1].params.w1))
    (2, False)
    """
    seeds = tuple(seeds)
    results = []
    for index, seed in enumerate(seeds):

        def member_progress(fraction, index=index):
            if progress is not None:
                progress((index + fraction) / len(seeds))

        results.append(train_mlp(images, labels, seed=seed, progress=member_progress, **options))
    return tuple(results)


def mc_dropout_logits(params: MLPParams, images, *, dropout, samples=30, seed=0) -> np.ndarray:
    """Logits with dropout left on at prediction time, many times over (Monte Carlo dropout).

    Parameters
    ----------
    params : MLPParams
        Weights, ideally of a network trained with the same ``dropout`` rate.
    images : array_like, shape (n, inputs)
    dropout : float
        Probability of dropping each hidden unit, in ``[0, 1)``.
    samples : int, optional
        How many random masks to draw.
    seed : int, optional
        Seeds the masks.

    Returns
    -------
    ndarray, shape (samples, n, classes)
        Averaging the softmax of these over axis 0 gives the MC-dropout prediction (Gal & Ghahramani, 2016).

    Examples
    --------
    >>> params = init_mlp(inputs=4, hidden=8, classes=3, seed=0)
    >>> mc_dropout_logits(params, np.ones((5, 4)), dropout=0.5, samples=7).shape
    (7, 5, 3)
    """
    if not 0.0 <= dropout < 1.0:
        raise TrainingError(f"The dropout rate must be in [0, 1), not {dropout}.", code="bad_dropout")
    images = np.asarray(images, dtype=np.float64)
    rng = np.random.default_rng(seed)
    activation = _relu(images @ params.w1 + params.b1)
    masks = (rng.random((samples, *activation.shape)) >= dropout) / (1.0 - dropout)
    return (activation * masks) @ params.w2 + params.b2


@cache
def example_digit_logits(*, seed: int = 0, max_abs: float = 10.0) -> tuple[tuple[float, ...], int]:
    """Real logits for a softmax demo: the default digits model on a test image it gets right but unsure.

    The model is the default :func:`train_mlp` on the training split of ``digits_splits(seed=seed)``. The
    image is the first test image whose prediction is right with a top probability between 0.5 and 0.9
    and whose logits all lie within ``±max_abs`` (a slider's range).

    Returns
    -------
    (logits, label) : tuple of floats rounded to 2 decimals, and the image's true digit

    Examples
    --------
    >>> logits, label = example_digit_logits()
    >>> len(logits), 0 <= label <= 9
    (10, True)
    """
    from .datasets import digits_splits  # here, not at the top: datasets is the heavier import

    splits = digits_splits(seed=seed)
    model = train_mlp(splits.train.images, splits.train.labels, seed=seed)
    logits = mlp_logits(model.params, splits.test.images)
    probs = softmax(logits)
    top = probs.max(axis=1)
    fits = ((np.abs(logits).max(axis=1) <= max_abs) & (top > 0.5) & (top < 0.9)
            & (probs.argmax(axis=1) == splits.test.labels))
    index = int(np.flatnonzero(fits)[0])
    return tuple(round(float(v), 2) for v in logits[index]), int(splits.test.labels[index])
