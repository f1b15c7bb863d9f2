"""Top-k, top-p and sampling: truncation, the order-independent tie rule, reproducibility."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import probability_vectors

from softmax_core import sample, sample_counts, top_k, top_p


def test_top_k_keeps_the_largest_and_renormalises():
    np.testing.assert_allclose(top_k([0.1, 0.5, 0.15, 0.25], 2), [0.0, 0.5 / 0.75, 0.0, 0.25 / 0.75])


def test_top_k_keeps_every_class_tied_with_the_last_kept():
    np.testing.assert_array_equal(top_k([0.4, 0.3, 0.3], 2), [0.4, 0.3, 0.3])
    np.testing.assert_allclose(top_k([0.3, 0.2, 0.2, 0.2, 0.1], 2), [1 / 3, 2 / 9, 2 / 9, 2 / 9, 0.0])


def test_top_p_keeps_the_smallest_set_reaching_p():
    np.testing.assert_allclose(top_p([0.5, 0.3, 0.2], 0.7), [0.625, 0.375, 0.0])
    np.testing.assert_allclose(top_p([0.5, 0.3, 0.2], 0.8), [0.625, 0.375, 0.0])  # 0.5 + 0.3 reaches 0.8
    np.testing.assert_allclose(top_p([0.5, 0.3, 0.2], 0.81), [0.5, 0.3, 0.2])
    np.testing.assert_array_equal(top_p([0.5, 0.3, 0.2], 0.01), [1.0, 0.0, 0.0])


def test_top_p_keeps_ties_with_the_last_kept():
    np.testing.assert_allclose(top_p([0.4, 0.3, 0.3], 0.5), [0.4, 0.3, 0.3])


@given(probability_vectors(), st.integers(1, 20))
def test_top_k_does_not_depend_on_class_order(p, k):
    perm = np.random.default_rng(0).permutation(p.size)
    np.testing.assert_allclose(top_k(p[perm], k), top_k(p, k)[perm])


@given(probability_vectors(), st.floats(1e-6, 1.0))
def test_top_p_does_not_depend_on_class_order(p, mass):
    perm = np.random.default_rng(0).permutation(p.size)
    np.testing.assert_allclose(top_p(p[perm], mass), top_p(p, mass)[perm])


@given(probability_vectors(), st.integers(1, 20))
def test_top_k_result_is_a_distribution_with_at_least_k_classes(p, k):
    q = top_k(p, k)
    np.testing.assert_allclose(q.sum(), 1.0)
    assert np.count_nonzero(q) >= min(k, np.count_nonzero(p))
    assert np.all(q[p == 0] == 0)


@given(probability_vectors(), st.floats(1e-6, 1.0))
def test_top_p_keeps_at_least_p_of_the_mass(p, mass):
    q = top_p(p, mass)
    np.testing.assert_allclose(q.sum(), 1.0)
    assert p[q > 0].sum() >= mass - 1e-9


@given(probability_vectors())
def test_k_at_least_k_and_p_equal_to_one_change_nothing(p):
    np.testing.assert_array_equal(top_k(p, p.size), p)
    np.testing.assert_array_equal(top_k(p, p.size + 5), p)
    np.testing.assert_array_equal(top_p(p, 1.0), p)


def test_truncation_works_row_by_row_on_a_batch():
    p = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(top_k(p, 1), [[1, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "2", None])
def test_bad_k_is_rejected(k):
    with pytest.raises(ValueError) as info:
        top_k([0.5, 0.5], k)
    assert info.value.code == "bad_k"


@pytest.mark.parametrize("p", [0, -0.1, 1.01, np.nan, True, "0.5"])
def test_bad_p_is_rejected(p):
    with pytest.raises(ValueError) as info:
        top_p([0.5, 0.5], p)
    assert info.value.code == "bad_p"


@pytest.mark.parametrize("probs", [[0.5, 0.6], [-0.1, 1.1], [], [np.nan, 1.0]])
def test_non_distributions_are_rejected(probs):
    with pytest.raises(ValueError):
        top_k(probs, 1)


def test_sampling_is_reproducible_by_seed():
    p = [0.7, 0.2, 0.1]
    np.testing.assert_array_equal(sample(p, 100, seed=3), sample(p, 100, seed=3))
    assert not np.array_equal(sample(p, 100, seed=3), sample(p, 100, seed=4))
    assert sample(p, (2, 5), seed=0).shape == (2, 5) and sample(p, 5, seed=0).dtype == np.int64


def test_zero_probability_classes_are_never_drawn():
    draws = sample([0.0, 0.5, 0.0, 0.5, 0.0], 10_000, seed=0)
    assert set(np.unique(draws)) == {1, 3}


def test_sample_frequencies_approach_the_probabilities():
    p = np.array([0.7, 0.2, 0.1])
    counts = sample_counts(p, 100_000, seed=0)
    assert counts.sum() == 100_000
    np.testing.assert_allclose(counts / 100_000, p, atol=0.005)
    np.testing.assert_array_equal(counts, np.bincount(sample(p, 100_000, seed=0), minlength=3))


def test_float32_softmax_output_can_be_sampled():
    p = np.array([0.3, 0.3, 0.4], dtype=np.float32)  # sums to 1 only within float32 rounding
    assert sample(p, 10, seed=0).max() <= 2


def test_sample_wants_one_distribution():
    with pytest.raises(ValueError):
        sample([[0.5, 0.5]], 3, seed=0)
