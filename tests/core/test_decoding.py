"""Temperature sweeps, entropy readouts, the limits of T, the decoding pipeline and the Boltzmann policy."""

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from strategies import probability_vectors

import softmax_core as sc
from softmax_core import (boltzmann_run, decode_steps, effective_choices, entropy_bits, greedy_choice,
                          slider_temperatures, temperature_grid, temperature_limits, temperature_sweep)


def test_the_grid_is_log_spaced_with_exact_ends_and_one_in_the_middle():
    grid = temperature_grid(121)
    assert grid[0] == 0.05 and grid[-1] == 20.0 and grid[60] == 1.0
    np.testing.assert_allclose(np.diff(np.log(grid)), np.log(400) / 120, rtol=1e-9)


def test_slider_temperatures_are_round_symmetric_and_centred_on_one():
    values = slider_temperatures()
    assert values[len(values) // 2] == 1.0
    for nice in (0.05, 0.1, 0.2, 0.5, 2.0, 5.0, 10.0, 20.0):
        assert nice in values
    ratios = np.diff(np.log(values))
    np.testing.assert_allclose(ratios, np.log(10) / 10, atol=0.03)
    np.testing.assert_allclose(np.array(values) * np.array(values[::-1]), 1.0, rtol=0.03)


def test_each_row_of_a_sweep_is_exactly_the_core_softmax_and_matches_scipy():
    logits = np.array([2.0, 1.0, 0.5, -3.0])
    temps = temperature_grid(31)
    sweep = temperature_sweep(logits, temps)
    for t, row in zip(temps, sweep.probs):
        np.testing.assert_array_equal(row, sc.softmax(logits, temperature=t))
        np.testing.assert_allclose(row, scipy.special.softmax(logits / t), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(sweep.entropy, scipy.stats.entropy(sweep.probs, axis=1), rtol=1e-12, atol=1e-15)


def test_entropy_rises_with_temperature_towards_log_k():
    sweep = temperature_sweep([3.0, 1.0, 0.0, -1.0], temperature_grid(61))
    assert np.all(np.diff(sweep.entropy) > 0)
    assert sweep.entropy[-1] < np.log(4) and sweep.entropy[-1] > np.log(4) - 0.01


def test_dividing_by_half_is_doubling_the_logits():
    np.testing.assert_array_equal(temperature_sweep([1.0, 2.0, 3.0], [0.5]).probs[0],
                                  sc.softmax(np.array([2.0, 4.0, 6.0])))


@given(probability_vectors())
def test_bits_are_nats_over_log_two_and_match_scipy(p):
    np.testing.assert_allclose(entropy_bits(p), scipy.stats.entropy(p, base=2), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("m", [1, 2, 3, 7])
def test_m_equally_likely_classes_make_m_effective_choices(m):
    p = np.zeros(10)
    p[:m] = 1 / m
    assert effective_choices(p) == pytest.approx(m, rel=1e-12)


@given(probability_vectors())
def test_effective_choices_lie_between_one_and_k(p):
    assert 1 - 1e-12 <= effective_choices(p) <= p.size * (1 + 1e-12)


def test_the_cold_limit_is_argmax_with_ties_split_and_the_hot_limit_is_uniform():
    limits = temperature_limits([1.0, 3.0, 3.0, 0.0])
    np.testing.assert_array_equal(limits.cold, [0, 0.5, 0.5, 0])
    np.testing.assert_array_equal(limits.hot, [0.25] * 4)


def test_the_sweep_approaches_its_limits():
    logits = [1.0, 3.0, 3.0, 0.0]
    sweep = temperature_sweep(logits, [0.01, 1e6])
    np.testing.assert_allclose(sweep.probs[0], temperature_limits(logits).cold, atol=1e-80)
    np.testing.assert_allclose(sweep.probs[1], temperature_limits(logits).hot, atol=1e-5)


def test_greedy_takes_the_first_of_tied_maxima():
    assert greedy_choice([0.2, 0.4, 0.4]) == 1


def test_the_pipeline_divides_by_t_before_truncating():
    steps = decode_steps([4.0, 2.0, 0.0, -2.0], temperature=2.0, k=2, p=1.0)
    np.testing.assert_array_equal(steps.scaled, [2.0, 1.0, 0.0, -1.0])
    np.testing.assert_array_equal(steps.probs, sc.softmax(np.array([4.0, 2.0, 0.0, -2.0]), temperature=2.0))
    e = np.exp([0.0, -1.0])
    np.testing.assert_allclose(steps.top_k, [e[0] / e.sum(), e[1] / e.sum(), 0, 0], rtol=1e-15)
    np.testing.assert_array_equal(steps.top_p, steps.top_k)


@given(probability_vectors().map(lambda p: np.log(np.maximum(p, 1e-12))), st.sampled_from([0.1, 1.0, 7.0]))
def test_k_at_least_k_and_p_one_leave_the_distribution_unchanged(logits, t):
    steps = decode_steps(logits, temperature=t, k=logits.size + 3, p=1.0)
    np.testing.assert_array_equal(steps.top_k, steps.probs)
    np.testing.assert_array_equal(steps.top_p, steps.probs)


def test_top_p_works_on_the_renormalised_top_k_distribution():
    # softmax -> [0.5, 0.25, 0.25] at T=1 for logits log of that. top_k(2) keeps all three (tie rule).
    steps = decode_steps(np.log([0.5, 0.25, 0.25]), temperature=1.0, k=2, p=0.5)
    np.testing.assert_allclose(steps.top_k, [0.5, 0.25, 0.25])
    np.testing.assert_allclose(steps.top_p, [1.0, 0.0, 0.0])
    # ties at the top-p edge are all kept
    steps = decode_steps(np.log([0.4, 0.3, 0.3]), temperature=1.0, k=3, p=0.5)
    np.testing.assert_allclose(steps.top_p, [0.4, 0.3, 0.3])


def test_top_k_of_one_is_greedy():
    steps = decode_steps([0.5, 2.0, 1.0], temperature=5.0, k=1, p=1.0)
    np.testing.assert_array_equal(steps.top_p, [0.0, 1.0, 0.0])


def test_a_boltzmann_run_is_reproducible_and_follows_the_policy():
    a = boltzmann_run([2.0, 1.0, 0.0], temperature=1.0, steps=50, seed=7)
    b = boltzmann_run([2.0, 1.0, 0.0], temperature=1.0, steps=50, seed=7)
    np.testing.assert_array_equal(a.choices, b.choices)
    np.testing.assert_array_equal(a.choices, sc.sample(sc.softmax(np.array([2.0, 1.0, 0.0])), 50, seed=7))
    assert a.counts.sum() == 50
    assert a.exploit_share == np.mean(a.choices == 0)


def test_low_temperature_exploits_and_high_temperature_explores():
    cold = boltzmann_run([1.0, 0.8, 0.0], temperature=0.05, steps=2000, seed=1)
    hot = boltzmann_run([1.0, 0.8, 0.0], temperature=20.0, steps=2000, seed=1)
    assert cold.exploit_share > 0.95
    assert abs(hot.exploit_share - 1 / 3) < 0.05


@pytest.mark.parametrize(("call", "code"), [
    (lambda: temperature_sweep([1.0, 2.0], [0.0]), "bad_temperature"),
    (lambda: temperature_sweep([1.0, np.inf], [1.0]), "not_finite"),
    (lambda: decode_steps([1.0, 2.0], temperature=1.0, k=0, p=1.0), "bad_k"),
    (lambda: decode_steps([1.0, 2.0], temperature=1.0, k=1, p=0.0), "bad_p"),
    (lambda: boltzmann_run([1.0, 2.0], temperature=1.0, steps=0, seed=0), "bad_steps"),
    (lambda: temperature_grid(1), "bad_n"),
])
def test_bad_input_raises_a_coded_error(call, code):
    with pytest.raises(sc.CoreValueError) as err:
        call()
    assert err.value.code == code
