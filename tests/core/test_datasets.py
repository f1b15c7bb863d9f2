"""The bundled digits against scikit-learn's copy, the split, the noise, and the synthetic classifier."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softmax_core.calibration import expected_calibration_error
from softmax_core.datasets import (
    DataError,
    add_noise,
    digits_splits,
    load_digits,
    split_indices,
    synthetic_logits,
)
from softmax_core.softmax import softmax

DATA_FILE = Path(__file__).resolve().parents[2] / "softmax_core" / "data" / "digits.npz"


def test_bundled_digits_equal_scikit_learns_copy():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    reference = sklearn_datasets.load_digits()
    digits = load_digits()
    np.testing.assert_array_equal(digits.images * 16, reference.data)
    np.testing.assert_array_equal(digits.labels, reference.target)


def test_bundled_file_is_compact_uint8_without_pickles():
    with np.load(DATA_FILE, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["images", "labels"]
        assert archive["images"].shape == (1797, 8, 8) and archive["images"].dtype == np.uint8
        assert archive["labels"].shape == (1797,) and archive["labels"].dtype == np.uint8
        assert archive["images"].max() == 16
    assert DATA_FILE.stat().st_size < 100_000


def test_loaded_images_are_flat_floats_in_the_unit_interval_with_ten_balanced_classes():
    digits = load_digits()
    assert digits.images.shape == (1797, 64) and digits.images.dtype == np.float64
    assert digits.images.min() == 0.0 and digits.images.max() == 1.0
    assert digits.labels.dtype == np.int64
    counts = np.bincount(digits.labels)
    assert len(counts) == 10 and counts.min() >= 174 and counts.max() <= 183


def test_changing_a_loaded_copy_does_not_change_the_next_load():
    load_digits().images[:] = -1.0
    assert load_digits().images.min() == 0.0


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.integers(0, 4), min_size=1, max_size=200),
    first=st.floats(0.0, 1.0),
    second=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_is_disjoint_and_covers_every_index(labels, first, second, seed):
    fractions = (first * second, first * (1 - second), 1 - first)
    split = split_indices(labels, fractions=fractions, seed=seed)
    together = np.concatenate(split)
    assert len(together) == len(labels)
    np.testing.assert_array_equal(np.sort(together), np.arange(len(labels)))
    for part in split:
        np.testing.assert_array_equal(part, np.sort(part))


def test_split_keeps_each_class_in_the_requested_proportions():
    digits = load_digits()
    split = split_indices(digits.labels, fractions=(0.6, 0.2, 0.2), seed=3)
    for part, share in zip(split, (0.6, 0.2, 0.2)):
        counts = np.bincount(digits.labels[part], minlength=10)
        np.testing.assert_allclose(counts, share * np.bincount(digits.labels), atol=1)


def test_split_seed_changes_the_members_but_not_the_sizes():
    labels = load_digits().labels
    a, b = split_indices(labels, seed=0), split_indices(labels, seed=1)
    assert [len(p) for p in a] == [len(p) for p in b]
    assert not np.array_equal(a.test, b.test)
    for part_a, part_again in zip(a, split_indices(labels, seed=0)):
        np.testing.assert_array_equal(part_a, part_again)


@pytest.mark.parametrize("fractions", [(0.5, 0.5, 0.5), (1.2, -0.1, -0.1), (0.5, 0.5)])
def test_split_rejects_fractions_that_are_not_three_shares_of_one(fractions):
    with pytest.raises(DataError) as error:
        split_indices([0, 1, 2], fractions=fractions)
    assert error.value.code == "bad_fractions"


def test_digits_splits_hold_the_documented_sizes_and_the_indexed_digits():
    splits = digits_splits(seed=0)
    assert [len(part.labels) for part in splits] == [450, 448, 899]
    digits = load_digits()
    split = split_indices(digits.labels, fractions=(0.25, 0.25, 0.5), seed=0)
    np.testing.assert_array_equal(splits.test.images, digits.images[split.test])
    np.testing.assert_array_equal(splits.train.labels, digits.labels[split.train])


def test_zero_noise_changes_nothing_and_noise_stays_in_the_unit_interval():
    images = load_digits().images[:50]
    np.testing.assert_array_equal(add_noise(images, sigma=0.0, seed=4), images)
    noisy = add_noise(images, sigma=0.5, seed=4)
    assert noisy.shape == images.shape and noisy.min() >= 0.0 and noisy.max() <= 1.0
    np.testing.assert_array_equal(noisy, add_noise(images, sigma=0.5, seed=4))


def test_noise_on_mid_grey_has_the_requested_spread():
    # At 0.5 a sigma of 0.1 almost never reaches the clip, so the spread is sigma itself.
    noisy = add_noise(np.full((200, 64), 0.5), sigma=0.1, seed=0)
    assert abs(noisy.std() - 0.1) < 0.005 and abs(noisy.mean() - 0.5) < 0.005


def test_negative_noise_is_rejected():
    with pytest.raises(DataError) as error:
        add_noise(np.zeros(3), sigma=-0.1)
    assert error.value.code == "bad_sigma"


@settings(max_examples=25, deadline=None)
@given(
    share=st.floats(0.05, 0.97),
    num_classes=st.integers(2, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_synthetic_accuracy_is_close_to_the_request(share, num_classes, seed):
    # Any accuracy between guessing (1/K) and perfect (1) can be asked for.
    accuracy = 1 / num_classes + share * (1 - 1 / num_classes)
    n = 20_000
    logits, labels = synthetic_logits(n, num_classes, accuracy=accuracy, confidence=1.0, seed=seed)
    assert logits.shape == (n, num_classes) and labels.shape == (n,)
    assert labels.min() >= 0 and labels.max() < num_classes
    realised = np.mean(logits.argmax(axis=1) == labels)
    # Five standard errors of a binomial proportion: fails by chance about once in three million.
    assert abs(realised - accuracy) < 5 * np.sqrt(accuracy * (1 - accuracy) / n)


@pytest.mark.parametrize("accuracy", [0.6, 0.85, 0.95])
def test_synthetic_model_is_calibrated_at_confidence_one_and_not_away_from_it(accuracy):
    def ece_at(confidence):
        logits, labels = synthetic_logits(50_000, 10, accuracy=accuracy, confidence=confidence, seed=1)
        return expected_calibration_error(softmax(logits, axis=-1), labels)

    calibrated = ece_at(1.0)
    assert calibrated < 0.01
    assert ece_at(0.5) > calibrated + 0.03 and ece_at(2.0) > calibrated + 0.02
    assert ece_at(0.5) > ece_at(0.8) > calibrated < ece_at(1.3) < ece_at(2.0)


@pytest.mark.parametrize("confidence, overconfident", [(0.5, False), (2.0, True)])
def test_confidence_factor_moves_confidence_past_accuracy_without_changing_predictions(confidence, overconfident):
    base_logits, labels = synthetic_logits(20_000, 10, accuracy=0.8, confidence=1.0, seed=2)
    logits, same_labels = synthetic_logits(20_000, 10, accuracy=0.8, confidence=confidence, seed=2)
    np.testing.assert_array_equal(labels, same_labels)
    np.testing.assert_array_equal(logits.argmax(axis=1), base_logits.argmax(axis=1))
    mean_confidence = softmax(logits, axis=-1).max(axis=1).mean()
    accuracy = np.mean(logits.argmax(axis=1) == labels)
    assert (mean_confidence > accuracy + 0.02) if overconfident else (mean_confidence < accuracy - 0.02)


@pytest.mark.parametrize(
    "options, code",
    [
        ({"accuracy": 0.1}, "bad_accuracy"),
        ({"accuracy": 1.0}, "bad_accuracy"),
        ({"confidence": 0.0}, "bad_confidence"),
        ({"confidence": float("nan")}, "bad_confidence"),
    ],
)
def test_synthetic_logits_reject_impossible_requests(options, code):
    with pytest.raises(DataError) as error:
        synthetic_logits(100, 10, **options)
    assert error.value.code == code
