"""Real and synthetic data for the calibration page: the UCI digits, their split, noise, and fake models.

Everything here is deterministic given a ``seed`` and reads nothing but the bundled ``data/digits.npz``.
"""

from functools import cache
from importlib import resources
from typing import NamedTuple

import numpy as np

from .softmax import CoreValueError, softmax

__all__ = [
    "DataError",
    "Digits",
    "DigitsSplits",
    "Split",
    "add_noise",
    "digits_splits",
    "load_digits",
    "split_indices",
    "synthetic_logits",
]

# The digits are counts of "on" pixels in 4x4 blocks, so 16 is the largest value a pixel can take.
_MAX_PIXEL = 16


class DataError(CoreValueError):
    """A request for data that cannot be met; ``code`` names the problem for the translated message."""


class Digits(NamedTuple):
    """Images and their labels.

    Attributes
    ----------
    images : ndarray of float64, shape (n, 64)
        Each row is an 8x8 image, flattened row by row, with pixels scaled to ``[0, 1]``.
    labels : ndarray of int64, shape (n,)
        The digit each image shows, ``0..9``.
    """

    images: np.ndarray
    labels: np.ndarray


class Split(NamedTuple):
    """Disjoint index arrays that together cover ``0..n-1``, each sorted ascending."""

    train: np.ndarray
    calibration: np.ndarray
    test: np.ndarray


class DigitsSplits(NamedTuple):
    """The digits cut three ways: fit the model, fit the calibration map, measure."""

    train: Digits
    calibration: Digits
    test: Digits


@cache
def _digits_file() -> tuple[np.ndarray, np.ndarray]:
    with resources.files(__package__).joinpath("data", "digits.npz").open("rb") as handle:
        with np.load(handle, allow_pickle=False) as archive:
            return archive["images"], archive["labels"]


def load_digits() -> Digits:
    """Load the 1,797 UCI handwritten digits bundled with the package.

    Returns
    -------
    Digits
        ``images`` of shape (1797, 64) in ``[0, 1]`` and ``labels`` of shape (1797,), fresh arrays the caller
        may change.

    Notes
    -----
    The source is Alpaydin and Kaynak's *Optical Recognition of Handwritten Digits* (UCI Machine Learning
    Repository, CC BY 4.0), as bundled with scikit-learn; ``softmax_core/data/README.md`` says how the file
    was made. Pixel counts ``0..16`` are divided by 16.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, digits.labels.shape
    ((1797, 64), (1797,))
    >>> float(digits.images.max()), sorted(set(digits.labels.tolist())) == list(range(10))
    (1.0, True)
    """
    images, labels = _digits_file()
    return Digits(
        images=images.reshape(len(images), -1).astype(np.float64) / _MAX_PIXEL,
        labels=labels.astype(np.int64),
    )


def split_indices(labels, *, fractions=(0.6, 0.2, 0.2), seed=0) -> Split:
    """Shuffle the indices of ``labels`` and cut them into train, calibration and test, class by class.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        The class of each example. Each class is cut in the same proportions (a stratified split), so every
        part sees every class about as often as the whole does.
    fractions : tuple of three floats, optional
        The shares of train, calibration and test; non-negative, summing to 1. Default ``(0.6, 0.2, 0.2)``.
    seed : int, optional
        Seeds the shuffle. The sizes of the parts do not depend on it.

    Returns
    -------
    Split
        Three sorted, disjoint index arrays whose union is ``0..n-1``.

    Notes
    -----
    A class with :math:`n_c` members gives :math:`\\operatorname{round}(n_c f_{train})` to train,
    :math:`\\operatorname{round}(n_c (f_{train} + f_{cal}))` minus that to calibration, and the rest to test.

    Examples
    --------
    >>> split = split_indices([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], fractions=(0.6, 0.2, 0.2), seed=0)
    >>> [len(part) for part in split]
    [6, 2, 2]
    >>> sorted(np.concatenate(split).tolist()) == list(range(10))
    True
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise DataError(f"labels must be one-dimensional, not of shape {labels.shape}.", code="labels_not_1d")
    fractions = np.asarray(fractions, dtype=np.float64)
    if fractions.shape != (3,) or np.any(fractions < 0) or not np.isclose(fractions.sum(), 1.0):
        raise DataError(
            f"fractions must be three non-negative shares (train, calibration, test) that sum to 1; got "
            f"{fractions.tolist()}.",
            code="bad_fractions",
        )
    rng = np.random.default_rng(seed)
    # Shuffle, then a stable sort by label: each class stays together, in random order inside it.
    shuffled = rng.permutation(len(labels))
    grouped = shuffled[np.argsort(labels[shuffled], kind="stable")]
    _, starts, counts = np.unique(labels[grouped], return_index=True, return_counts=True)
    # Rank of each example inside its class, and the two cut points of its class.
    rank = np.arange(len(labels)) - np.repeat(starts, counts)
    cuts = np.round(np.outer(counts, np.cumsum(fractions)[:2])).astype(np.int64)
    part = (rank >= np.repeat(cuts[:, 0], counts)).astype(np.int64) + (rank >= np.repeat(cuts[:, 1], counts))
    return Split(*(np.sort(grouped[part == k]) for k in range(3)))


def digits_splits(*, seed=0, fractions=(0.25, 0.25, 0.5)) -> DigitsSplits:
    """The bundled digits, split by :func:`split_indices` into train, calibration and test.

    Parameters
    ----------
    seed : int, optional
        Seeds the shuffle.
    fractions : tuple of three floats, optional
        Shares of train, calibration and test. The default, 25 / 25 / 50, cuts the 1,797 images into
        450 / 448 / 899 (rounding is per class).

    Notes
    -----
    Why so much test data: a binned calibration error measured on a few hundred examples of a 96%-accurate
    model is mostly sampling noise, so the test half is large enough for the ECE to mean something. Why so
    little training data: with a quarter of the digits a small network can still reach about 96% accuracy,
    yet trained on and on it memorises its training set and grows visibly overconfident, which is the
    effect the page shows.

    Returns
    -------
    DigitsSplits

    Examples
    --------
    >>> splits = digits_splits(seed=0)
    >>> [len(part.labels) for part in splits]
    [450, 448, 899]
    """
    digits = load_digits()
    split = split_indices(digits.labels, fractions=fractions, seed=seed)
    return DigitsSplits(*(Digits(digits.images[index], digits.labels[index]) for index in split))


def add_noise(images, *, sigma, seed=0) -> np.ndarray:
    """Add Gaussian pixel noise to images in ``[0, 1]`` and clip back into ``[0, 1]``: a distribution shift.

    Parameters
    ----------
    images : array_like of float
        Pixels in ``[0, 1]``, any shape.
    sigma : float
        Standard deviation of the noise, in units of the full pixel range; ``0`` returns a copy.
    seed : int, optional
        Seeds the noise.

    Returns
    -------
    ndarray of float64
        Same shape as ``images``.

    Examples
    --------
    >>> noisy = add_noise(np.full((2, 64), 0.5), sigma=0.1, seed=0)
    >>> noisy.shape, bool(0.0 <= noisy.min() and noisy.max() <= 1.0)
    ((2, 64), True)
    >>> bool(np.array_equal(add_noise(np.full(3, 0.5), sigma=0.0), np.full(3, 0.5)))
    True
    """
    images = np.asarray(images, dtype=np.float64)
    if not np.isfinite(sigma) or sigma < 0:
        raise DataError(f"The noise level sigma must be a number >= 0, not {sigma}.", code="bad_sigma")
    noise = np.random.default_rng(seed).normal(0.0, sigma, size=images.shape)
    return np.clip(images + noise, 0.0, 1.0)


def _mean_top_probability(scores, sharpness) -> float:
    return float(softmax(sharpness * scores, axis=-1).max(axis=-1).mean())


def synthetic_logits(n, num_classes=10, *, accuracy=0.8, confidence=1.0, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Logits and labels of a made-up classifier with a chosen accuracy and a chosen miscalibration.

    Parameters
    ----------
    n : int
        Number of examples, at least 1.
    num_classes : int, optional
        Number of classes, at least 2.
    accuracy : float, optional
        The top-1 accuracy to aim for, strictly between ``1 / num_classes`` and 1. The realised accuracy of
        ``n`` examples scatters around it by about :math:`\\sqrt{a (1 - a) / n}`.
    confidence : float, optional
        Multiplies the calibrated logits: 1 gives a calibrated model, above 1 an overconfident one, below 1
        an underconfident one. It changes no prediction, so it leaves the accuracy alone. Must be > 0.
    seed : int, optional
        Seeds every draw.

    Returns
    -------
    logits : ndarray of float64, shape (n, num_classes)
    labels : ndarray of int64, shape (n,)

    Notes
    -----
    Each example gets scores :math:`z \\sim \\mathcal{N}(0, I)` and true class probabilities
    :math:`p = \\operatorname{softmax}(s z)`; its label is then *drawn* from :math:`p`. So :math:`p` is
    calibrated by construction: among examples whose top probability is 0.7, the top class is right 70% of
    the time, up to sampling noise. The sharpness :math:`s` is found by bisection so that the mean top
    probability, which is the expected accuracy, equals ``accuracy``; the mean top probability grows with
    :math:`s`, from :math:`1/K` at 0 towards 1. The returned logits are ``confidence * s * z``.

    Examples
    --------
    >>> logits, labels = synthetic_logits(20_000, 10, accuracy=0.8, confidence=1.0, seed=0)
    >>> logits.shape, labels.shape
    ((20000, 10), (20000,))
    >>> round(float(np.mean(logits.argmax(axis=1) == labels)), 2)
    0.8
    """
    n, num_classes = int(n), int(num_classes)
    if n < 1 or num_classes < 2:
        raise DataError(
            f"Need at least one example and two classes, not n={n} and num_classes={num_classes}.",
            code="bad_synthetic_size",
        )
    if not 1.0 / num_classes < accuracy < 1.0:
        raise DataError(
            f"With {num_classes} classes the accuracy must lie strictly between {1 / num_classes:.3g} (guessing) "
            f"and 1; got {accuracy}.",
            code="bad_accuracy",
        )
    if not (np.isfinite(confidence) and confidence > 0):
        raise DataError(f"The confidence factor must be a number > 0, not {confidence}.", code="bad_confidence")
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((n, num_classes))
    # Bisect the sharpness on a log scale; 60 halvings of [1e-3, 1e3] pin it far below sampling noise.
    low, high = -3.0, 3.0
    while _mean_top_probability(scores, 10.0**high) < accuracy and high < 12:
        high += 3.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if _mean_top_probability(scores, 10.0**middle) < accuracy else (low, middle)
    calibrated = 10.0 ** ((low + high) / 2) * scores
    probs = softmax(calibrated, axis=-1)
    # Draw each label from its own row of probabilities (inverse-CDF on one uniform per row).
    uniform = rng.random((n, 1))
    labels = np.minimum((np.cumsum(probs, axis=1) < uniform).sum(axis=1), num_classes - 1)
    return confidence * calibrated, labels.astype(np.int64)
