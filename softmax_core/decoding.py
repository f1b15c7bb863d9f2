"""Temperature and decoding: sweeps over T, entropy readouts, the T -> 0 and T -> oo limits, the
logits -> /T -> top-k -> top-p pipeline, greedy choice and a Boltzmann (softmax) policy run.

Everything here is built on :func:`softmax_core.softmax` and the truncations of
:mod:`softmax_core.sampling`, so a page that draws these numbers draws exactly the core's numbers.
"""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from .sampling import sample, top_k, top_p
from .softmax import CoreValueError, _as_float_array, _check_temperature, entropy, softmax

__all__ = [
    "TEMPERATURE_LO", "TEMPERATURE_HI", "temperature_grid", "slider_temperatures", "TemperatureSweep",
    "temperature_sweep",
    "entropy_bits", "effective_choices", "TemperatureLimits", "temperature_limits", "greedy_choice",
    "DecodeSteps", "decode_steps", "BoltzmannRun", "boltzmann_run",
]

TEMPERATURE_LO = 0.05
TEMPERATURE_HI = 20.0


def _check_logits(logits) -> np.ndarray:
    z = _as_float_array(logits)
    if z.ndim != 1 or z.size == 0:
        raise CoreValueError(f"logits must be one non-empty vector; got shape {z.shape}", code="bad_shape",
                             shape=z.shape)
    if not np.all(np.isfinite(z)):
        raise CoreValueError("logits must be finite numbers", code="not_finite")
    return z


def temperature_grid(n=121, *, lo=TEMPERATURE_LO, hi=TEMPERATURE_HI):
    r"""``n`` temperatures evenly spaced on a log scale from ``lo`` to ``hi`` (both exact), for curves over T.

    Examples
    --------
    >>> temperature_grid(5).tolist()
    [0.05, 0.22360679774997896, 1.0, 4.47213595499958, 20.0]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise CoreValueError(f"n must be a whole number >= 2; got {n!r}", code="bad_n", value=n)
    lo, hi = _check_temperature(lo), _check_temperature(hi)
    if not lo < hi:
        raise CoreValueError(f"need lo < hi; got {lo} and {hi}", code="bad_range", lo=lo, hi=hi)
    grid = np.geomspace(lo, hi, n)
    grid[0], grid[-1] = lo, hi
    if n % 2 and math.isclose(lo * hi, 1.0):
        grid[n // 2] = 1.0  # geomspace lands within an ulp of 1; make the middle exact
    return grid


# The R'10 preferred numbers (ISO 3, rounded): ten steps per decade, each about x1.26.
_R10 = (1.0, 1.25, 1.6, 2.0, 2.5, 3.2, 4.0, 5.0, 6.3, 8.0)


def slider_temperatures(*, lo=TEMPERATURE_LO, hi=TEMPERATURE_HI):
    r"""Round temperatures for a slider: the R'10 preferred numbers between ``lo`` and ``hi``.

    Ten per decade, evenly spaced on a log scale to within 2 %, so a linear slider over them moves T
    by a constant factor per step. Between 0.05 and 20 there are 13 values below 1 and 13 above, so
    1 sits in the middle, and 0.1, 0.5, 2 and 10 are all there.

    Examples
    --------
    >>> g = slider_temperatures()
    >>> len(g), g[0], g[13], g[-1]
    (27, 0.05, 1.0, 20.0)
    >>> g[:8]
    (0.05, 0.063, 0.08, 0.1, 0.125, 0.16, 0.2, 0.25)
    """
    lo, hi = _check_temperature(lo), _check_temperature(hi)
    values = {float(f"{m * 10.0 ** e:.3g}") for e in range(-4, 5) for m in _R10}
    return tuple(sorted(v for v in values if lo <= v <= hi))


class TemperatureSweep(NamedTuple):
    """Softmax at many temperatures: row ``i`` of ``probs`` is ``softmax(logits, temperature=T[i])``."""

    temperatures: np.ndarray  # (n,)
    probs: np.ndarray  # (n, K)
    entropy: np.ndarray  # (n,), nats


def temperature_sweep(logits, temperatures):
    r"""Probabilities and entropy of ``softmax(logits / T)`` for every ``T`` in ``temperatures``.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Finite logits.
    temperatures : array_like, shape (n,)
        Temperatures, each a finite number > 0.

    Returns
    -------
    TemperatureSweep
        ``probs[i]`` is exactly ``softmax(logits, temperature=temperatures[i])``; ``entropy`` in nats.

    Notes
    -----
    As :math:`T` grows the entropy rises towards :math:`\log K` (uniform); as :math:`T \to 0` it falls
    towards :math:`\log m`, with :math:`m` the number of classes tied for the largest logit.

    Examples
    --------
    >>> s = temperature_sweep([2.0, 1.0, 0.5], [0.5, 1.0, 100.0])
    >>> s.probs.round(3)
    array([[0.844, 0.114, 0.042],
           [0.629, 0.231, 0.14 ],
           [0.336, 0.333, 0.331]])
    >>> bool(s.entropy[0] < s.entropy[1] < s.entropy[2] < np.log(3))
    True
    """
    z = _check_logits(logits)
    temps = np.array([_check_temperature(t) for t in np.atleast_1d(np.asarray(temperatures, dtype=float))])
    probs = np.empty((temps.size, z.size))
    for i, t in enumerate(temps):  # row by row, so each row is bit-for-bit the core's softmax at that T
        probs[i] = softmax(z, temperature=t)
    return TemperatureSweep(temps, probs, entropy(probs, axis=-1))


def entropy_bits(probs):
    r"""Shannon entropy in bits, :math:`H_2(p) = -\sum_i p_i \log_2 p_i = H(p) / \log 2`.

    Examples
    --------
    >>> float(entropy_bits([0.5, 0.5]))
    1.0
    >>> float(entropy_bits([0.25] * 4))
    2.0
    """
    return entropy(probs) / math.log(2.0)


def effective_choices(probs):
    r"""The effective number of choices (perplexity), :math:`e^{H(p)}` with :math:`H` in nats.

    It is 1 for a certain outcome and :math:`K` for a uniform one over :math:`K` classes; a distribution
    with :math:`m` equally likely classes (the rest impossible) scores exactly :math:`m`.

    Examples
    --------
    >>> float(effective_choices([1.0, 0.0, 0.0]))
    1.0
    >>> round(float(effective_choices([0.5, 0.5, 0.0])), 12)
    2.0
    """
    return np.exp(entropy(probs))


class TemperatureLimits(NamedTuple):
    """Where softmax(logits / T) goes at the two ends of the temperature scale."""

    cold: np.ndarray  # T -> 0+: argmax, ties split evenly
    hot: np.ndarray  # T -> oo: uniform 1/K


def temperature_limits(logits):
    r"""The limits of ``softmax(logits / T)`` as :math:`T \to 0^+` and as :math:`T \to \infty`.

    Notes
    -----
    With :math:`m` classes tied for the largest logit, :math:`p_i \to 1/m` for those and 0 for the
    others as :math:`T \to 0^+` (every other class falls behind by :math:`e^{-\text{gap}/T}`).
    As :math:`T \to \infty` every :math:`z_i / T \to 0`, so :math:`p_i \to 1/K`. :math:`T = 0` itself is
    not a temperature: it would divide by zero.

    Examples
    --------
    >>> temperature_limits([2.0, 1.0, 2.0]).cold
    array([0.5, 0. , 0.5])
    >>> temperature_limits([2.0, 1.0, 0.5]).hot
    array([0.33333333, 0.33333333, 0.33333333])
    """
    z = _check_logits(logits)
    top = z == z.max()
    return TemperatureLimits(top / np.count_nonzero(top), np.full(z.size, 1.0 / z.size))


def greedy_choice(probs):
    """Greedy decoding's pick: the index of the largest probability; on a tie, the first such class.

    This is ``numpy.argmax`` (and ``torch.argmax``): greedy decoding never looks at anything else, so it
    always picks the same class.

    Examples
    --------
    >>> greedy_choice([0.2, 0.5, 0.3])
    1
    >>> greedy_choice([0.4, 0.2, 0.4])
    0
    """
    p = _as_float_array(probs)
    if p.ndim != 1 or p.size == 0:
        raise CoreValueError(f"probs must be one non-empty vector; got shape {p.shape}", code="bad_shape",
                             shape=p.shape)
    return int(np.argmax(p))


class DecodeSteps(NamedTuple):
    """Every stage of logits -> /T -> softmax -> top-k -> top-p (each truncation renormalises)."""

    scaled: np.ndarray  # logits / T
    probs: np.ndarray  # softmax(logits, temperature=T)
    top_k: np.ndarray  # top_k(probs, k), renormalised
    top_p: np.ndarray  # top_p(top_k, p), renormalised: the distribution that is sampled


def decode_steps(logits, *, temperature, k, p):
    r"""The sampling pipeline of a language model's decoder, stage by stage.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Finite logits of the candidate tokens.
    temperature : float
        Finite, > 0.
    k : int
        Top-k: keep the ``k`` most likely tokens (and any tied with the last one); ``k >= K`` keeps all.
    p : float
        Top-p (nucleus): then keep the smallest top set whose mass reaches ``p``; ``p = 1`` keeps all.

    Returns
    -------
    DecodeSteps

    Notes
    -----
    The order is the usual one (Hugging Face's ``generate`` applies temperature, then top-k, then top-p):
    :math:`z / T \to \mathrm{softmax} \to` top-k (renormalise) :math:`\to` top-p on the renormalised
    top-k distribution (renormalise). Truncation never reorders tokens, so the most likely token always
    survives. The tie rules are those of :func:`softmax_core.top_k` and :func:`softmax_core.top_p`.

    Examples
    --------
    >>> s = decode_steps([2.0, 1.0, 0.5, -1.0], temperature=1.0, k=3, p=0.8)
    >>> s.top_k.round(3)
    array([0.629, 0.231, 0.14 , 0.   ])
    >>> s.top_p.round(3)
    array([0.731, 0.269, 0.   , 0.   ])
    """
    z = _check_logits(logits)
    t = _check_temperature(temperature)
    probs = softmax(z, temperature=t)
    after_k = top_k(probs, k)
    return DecodeSteps(z / t, probs, after_k, top_p(after_k, p))


class BoltzmannRun(NamedTuple):
    """A softmax (Boltzmann) policy and a short run of choices drawn from it."""

    probs: np.ndarray  # (A,) softmax(preferences / T)
    choices: np.ndarray  # (steps,) action indices
    counts: np.ndarray  # (A,) how often each action was chosen
    exploit_share: float  # fraction of choices that took a best action (largest preference)


def boltzmann_run(preferences, *, temperature, steps, seed):
    r"""Choose actions ``steps`` times from the policy :math:`\pi(a) = e^{h_a / T} / \sum_b e^{h_b / T}`.

    Parameters
    ----------
    preferences : array_like, shape (A,)
        The agent's action preferences :math:`h` (for instance its value estimates).
    temperature : float
        Low T exploits (nearly always a best action), high T explores (nearly uniform).
    steps : int
        Length of the run, >= 1.
    seed : int, None or numpy.random.Generator
        The same seed gives the same run (as for :func:`softmax_core.sample`).

    Returns
    -------
    BoltzmannRun

    Examples
    --------
    >>> run = boltzmann_run([1.0, 0.5, 0.0], temperature=0.05, steps=20, seed=0)
    >>> run.exploit_share
    1.0
    >>> bool(boltzmann_run([1.0, 0.5, 0.0], temperature=20.0, steps=2000, seed=0).exploit_share < 0.4)
    True
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise CoreValueError(f"steps must be a whole number >= 1; got {steps!r}", code="bad_steps", value=steps)
    h = _check_logits(preferences)
    probs = softmax(h, temperature=_check_temperature(temperature))
    choices = sample(probs, int(steps), seed=seed)
    counts = np.bincount(choices, minlength=h.size).astype(np.int64)
    best = h == h.max()
    return BoltzmannRun(probs, choices, counts, float(counts[best].sum() / steps))
