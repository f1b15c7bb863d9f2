"""The step-by-step decomposition the softmax page shows agrees with softmax itself."""

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from strategies import logits

import softmax_core as sc


def test_the_course_example_step_by_step():
    steps = sc.softmax_steps([2.0, 1.0, 0.5])
    np.testing.assert_array_equal(steps.shifted, [0.0, -1.0, -1.5])
    np.testing.assert_allclose(steps.exps, np.exp([0.0, -1.0, -1.5]), rtol=1e-15)
    np.testing.assert_allclose(steps.total, 1 + np.exp(-1) + np.exp(-1.5), rtol=1e-15)
    np.testing.assert_allclose(steps.probs, [0.6285, 0.2312, 0.1402], atol=5e-5)


@given(logits((7,)))
def test_the_steps_end_in_scipys_softmax_and_the_total_lies_between_1_and_k(z):
    steps = sc.softmax_steps(z)
    np.testing.assert_allclose(steps.probs, scipy.special.softmax(z), rtol=1e-13, atol=1e-300)
    assert 1.0 <= steps.total <= len(z)
    assert steps.exps.max() == 1.0


def test_logits_at_the_ends_of_float64_give_exact_probabilities_without_warnings():
    with np.errstate(all="raise"):
        steps = sc.softmax_steps([1e308, -1e308, 0.0])
    np.testing.assert_array_equal(steps.probs, [1.0, 0.0, 0.0])


@pytest.mark.parametrize("bad", [[], [[1.0, 2.0]], [1.0, np.inf], [np.nan, 0.0]])
def test_what_cannot_be_shown_step_by_step_is_refused(bad):
    with pytest.raises(ValueError):
        sc.softmax_steps(bad)
