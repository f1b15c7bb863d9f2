"""Every chart builder's figure is a valid Plotly figure.

The builders skip Plotly's validation at runtime (``ui.charts.common.figure``), so a misspelt property or a
bad value would only show in the browser. Here each figure goes back through a validating ``go.Figure``.

``CASES`` (each builder called with representative inputs, its branches covered) is also what
``bench/charts.py`` times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
import pytest

import softmax_core as sc
from ui import theme

STYLE = theme.NORMAL
LOGITS = np.array([2.0, 1.0, 0.5])
EVIL = ["<b>x</b>", "B", "C"]


class Case(NamedTuple):
    """One call of a builder: ``ui.charts.<module>.<builder>(*args, **kwargs)``."""

    id: str
    module: str
    builder: str
    inputs: Callable[[], tuple[tuple, dict]]  # computed once, so timing a case times the builder alone


def _softmax():
    many = sc.softmax(np.random.default_rng(0).normal(size=10_000))
    return [
        Case("probability_bars", "softmax", "probability_bars",
             lambda: ((sc.softmax(LOGITS), EVIL), {"style": STYLE, "title": "p", "y_title": "prob"})),
        Case("probability_bars-10000", "softmax", "probability_bars",
             lambda: ((many, [str(i) for i in range(10_000)]), {"style": theme.PROJECTOR})),
        Case("logit_bars", "softmax", "logit_bars",
             lambda: ((np.array([-2.0, 3.0, -1.0]), list("ABC")), {"style": STYLE, "title": "z"})),
        Case("logit_bars-100", "softmax", "logit_bars",
             lambda: ((np.linspace(-5, 5, 100), [str(i) for i in range(100)]), {"style": STYLE})),
    ]


def _temperature():
    sweep = sc.temperature_sweep(LOGITS, sc.temperature_grid(41))
    sweep12 = sc.temperature_sweep(np.arange(12.0), sc.temperature_grid(21))
    many = np.random.default_rng(0).normal(size=100)
    steps = sc.decode_steps([3.0, 2.0, 2.0, 0.0], temperature=1.0, k=2, p=1.0)
    run = sc.boltzmann_run([1.0, 0.5, 0.0], temperature=1.0, steps=30, seed=0)
    return [
        Case("temperature_bars", "temperature", "temperature_bars",
             lambda: ((sc.softmax(LOGITS, temperature=0.5), sc.softmax(LOGITS), EVIL),
                      {"style": STYLE, "title": "T", "y_title": "p"})),
        Case("temperature_bars-100", "temperature", "temperature_bars",
             lambda: ((sc.softmax(many, temperature=0.3), sc.softmax(many), [str(i) for i in range(100)]),
                      {"style": STYLE})),
        Case("class_curves", "temperature", "class_curves",
             lambda: ((sweep.temperatures, sweep.probs, EVIL),
                      {"current": 2.0, "current_probs": sc.softmax(LOGITS, temperature=2.0),
                       "ghost": sc.softmax(LOGITS), "style": STYLE, "title": "curves", "y_title": "p"})),
        Case("class_curves-12", "temperature", "class_curves",
             lambda: ((sweep12.temperatures, sweep12.probs, [str(i) for i in range(12)]),
                      {"current": 1.0, "current_probs": sc.softmax(np.arange(12.0)),
                       "ghost": sc.softmax(np.arange(12.0)), "style": theme.PROJECTOR})),
        Case("entropy_curve", "temperature", "entropy_curve",
             lambda: ((sweep.temperatures, sweep.entropy),
                      {"current": 1.0, "current_entropy": float(sc.entropy(sc.softmax(LOGITS))), "k": 3,
                       "style": STYLE, "title": "H"})),
        Case("sweep_animation", "temperature", "sweep_animation",
             lambda: ((sweep.temperatures, sweep.probs, EVIL), {"style": STYLE, "title": "sweep"})),
        Case("sample_bars", "temperature", "sample_bars",
             lambda: ((sc.softmax(LOGITS), sc.sample_counts(sc.softmax(LOGITS), 1000, seed=1), list("ABC")),
                      {"style": STYLE, "freq_name": "f", "prob_name": "p"})),
        Case("stage_bars", "temperature", "stage_bars",
             lambda: ((steps.top_k, EVIL + ["d"]), {"style": STYLE, "kept": steps.top_k > 0, "title": "k"})),
        Case("stage_bars-range", "temperature", "stage_bars",
             lambda: ((np.array([-1.0, 2.0]), list("ab")), {"style": STYLE, "x_range": [-3, 3], "height": 200})),
        Case("choice_strip", "temperature", "choice_strip",
             lambda: ((run.choices, list("xyz")), {"style": STYLE, "best": [True, False, False], "x_title": "t"})),
    ]


def _calibration():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.55, 0.45]])
    labels = np.array([0, 1, 1, 1, 0])
    bins = sc.reliability_bins(probs, labels, n_bins=5)
    return [
        Case("reliability_diagram", "calibration", "reliability_diagram",
             lambda: ((bins,), {"style": STYLE, "title": "r", "x_title": "conf", "y_title": "acc"})),
        Case("confidence_histogram", "calibration", "confidence_histogram",
             lambda: ((bins,), {"style": STYLE, "accuracy": 0.6, "mean_confidence": 0.75})),
        Case("lines-log", "calibration", "lines",
             lambda: (([1, 2, 3], [("a", [0.1, 0.2, 0.3]), ("b", [0.3, 0.2, 0.1])]),
                      {"style": STYLE, "markers": [(2.0, "T*"), (1.5, "T=1")], "log_x": True})),
        Case("lines-points", "calibration", "lines",
             lambda: (([1, 2, 3], [("a", [0.1, 0.2, 0.3])]), {"style": STYLE, "label_points": True, "title": "l"})),
        Case("metric_bars", "calibration", "metric_bars",
             lambda: ((["x", "<b>y</b>", "z"], [0.5, np.inf, 0.2]), {"style": STYLE, "highlight": 2})),
    ]


def _cross_entropy():
    grid = np.linspace(0, 1, 101)
    pos = sc.binary_cross_entropy(grid, np.ones(101), reduction="none")
    neg = sc.binary_cross_entropy(grid, np.zeros(101), reduction="none")
    clip = sc.clipping_comparison(np.linspace(-40, 40, 81), 0, eps=1e-7)
    values = np.linspace(-4, 8, 61)
    run = sc.descend_logits(LOGITS, 2, learning_rate=1.0, steps=30)
    sweep = sc.gradient_sweep(LOGITS, 0, np.linspace(-8, 8, 81))
    targets = sc.smoothed_targets(1, 3, label_smoothing=0.1)
    grad = sc.cross_entropy_grad(LOGITS, 1, label_smoothing=0.1)
    return [
        Case("bce_curves", "cross_entropy", "bce_curves",
             lambda: ((grid, pos, neg), {"yhat": 0.3, "target": 0, "loss": float(-np.log(0.7)), "style": STYLE,
                                         "names": ("y=1", "y=0"), "marker_text": "<i>loss</i>", "title": "bce"})),
        Case("bce_curves-inf", "cross_entropy", "bce_curves",
             lambda: ((grid, pos, neg), {"yhat": 0.0, "target": 1, "loss": np.inf, "style": STYLE,
                                         "names": ("y=1", "y=0"), "marker_text": "loss ∞"})),
        Case("clipping_chart", "cross_entropy", "clipping_chart",
             lambda: ((clip.logits, {"naive": clip.naive, "clipped": clip.clipped, "logits": clip.from_logits},
                       {"clipped": clip.grad_clipped, "logits": clip.grad_from_logits}),
                      {"style": STYLE, "title": "clip", "x_title": "z", "loss_title": "L", "grad_title": "g"})),
        Case("loss_along_logit", "cross_entropy", "loss_along_logit",
             lambda: ((values, sc.loss_along_logit(LOGITS, 0, values)),
                      {"current": 2.0, "current_loss": float(sc.cross_entropy(LOGITS, 0)), "style": STYLE,
                       "marker_text": "now", "title": "L"})),
        Case("prediction_target_gradient", "cross_entropy", "prediction_target_gradient",
             lambda: ((sc.softmax(LOGITS), targets, grad, EVIL),
                      {"true_class": 1, "style": STYLE, "names": ("p", "t", "g"), "title": "ptg"})),
        Case("loss_curves", "cross_entropy", "loss_curves",
             lambda: (({"CE": run.losses, "SE": run.losses / 2},), {"step": 4, "style": STYLE, "title": "L"})),
        Case("loss_curves-range", "cross_entropy", "loss_curves",
             lambda: (({"CE": run.losses},), {"step": 99, "style": STYLE, "y_range": (0.0, 2.0)})),
        Case("probability_paths", "cross_entropy", "probability_paths",
             lambda: ((run.probs, EVIL), {"true_class": 2, "step": 3, "style": STYLE, "title": "paths"})),
        Case("animated_bars", "cross_entropy", "animated_bars",
             lambda: ((run.probs, EVIL), {"true_class": 1, "style": STYLE, "play_text": "Play",
                                          "pause_text": "Pause", "step_text": "step ", "title": "anim"})),
        Case("gradient_magnitudes", "cross_entropy", "gradient_magnitudes",
             lambda: ((sweep.p_true, {"CE": sweep.cross_entropy, "SE": sweep.squared_error}),
                      {"current": (0.5, {"CE": 0.5, "SE": 0.1}), "style": STYLE, "title": "g"})),
        Case("gradient_magnitudes-nocurrent", "cross_entropy", "gradient_magnitudes",
             lambda: ((sweep.p_true, {"CE": sweep.cross_entropy}), {"current": None, "style": STYLE})),
    ]


def _numerics():
    r = sc.naive_vs_stable([2.0, 1.0, 0.5], scale=50.0, dtype=np.float32)
    dtypes = {"float16": np.float16, "float32": np.float32, "float64": np.float64}
    x = np.geomspace(0.1, 5e4, 300)
    exp = {n: sc.exp_in(x, dtype=d) for n, d in dtypes.items()}
    walls = {n: sc.overflow_threshold(d) for n, d in dtypes.items()}
    logs = sc.log_space([0.0, -800.0, -1.0])
    return [
        Case("naive_vs_stable_bars", "numerics", "naive_vs_stable_bars",
             lambda: ((r.naive, r.stable, EVIL), {"style": STYLE, "naive_name": "<n>", "stable_name": "s",
                                                  "title": "nv"})),
        Case("overflow_chart", "numerics", "overflow_chart",
             lambda: ((x, exp, walls), {"style": STYLE, "current": 400.0, "current_text": "400", "title": "o"})),
        Case("overflow_chart-nocurrent", "numerics", "overflow_chart",
             lambda: ((x, exp, walls), {"style": STYLE, "current": None})),
        Case("log_space_bars", "numerics", "log_space_bars",
             lambda: ((logs.log_probs, logs.log_of_probs, EVIL), {"style": STYLE, "underflow_text": "0"})),
        Case("sum_deviation_bars", "numerics", "sum_deviation_bars",
             lambda: ((["a", "b"], {"float16": [0.0, 3e-4], "float64": [1e-16, 0.0]}),
                      {"style": STYLE, "tolerance": 1e-4, "tolerance_text": "1e-4", "title": "s"})),
    ]


def _relatives():
    r = sc.argmax_slice([0.0, 1.0], 0, np.linspace(-3, 3, 61))
    jac = sc.softmax_jacobian(sc.softmax(LOGITS))
    return [
        Case("curves", "relatives", "curves",
             lambda: ((r.grid, {"soft": r.soft, "<hard>": r.hard}),
                      {"step": ("<hard>",), "style": STYLE, "point": (0.5, {"soft": 0.4, "<hard>": 1.0}),
                       "title": "c"})),
        Case("label_bars", "relatives", "label_bars",
             lambda: ((sc.sigmoid(np.array([3.0, 2.5, -1.5])), EVIL),
                      {"style": STYLE, "colour": theme.BAR, "line": 0.5, "line_text": "0.5", "pattern": "/"})),
        Case("label_bars-noline", "relatives", "label_bars",
             lambda: ((np.array([0.2, 0.8]), list("ab")), {"style": STYLE, "colour": theme.HIGHLIGHT})),
        Case("grouped_bars", "relatives", "grouped_bars",
             lambda: (({"a": [0.2, 0.8], "<b>": [0.5, 0.5], "c": [0.1, 0.9]}, ["x", "y"]), {"style": STYLE})),
        Case("jacobian_heatmap", "relatives", "jacobian_heatmap",
             lambda: ((jac, EVIL), {"style": STYLE, "title": "J"})),
    ]


def all_cases() -> list[Case]:
    return _softmax() + _temperature() + _calibration() + _cross_entropy() + _numerics() + _relatives()


CASES = all_cases()


def build(case: Case, module=None) -> go.Figure:
    """The case's figure, from ``module`` (default: ``ui.charts.<case.module>``)."""
    if module is None:
        module = __import__(f"ui.charts.{case.module}", fromlist=[case.builder])
    args, kwargs = case.inputs()
    return getattr(module, case.builder)(*args, **kwargs)


def test_every_builder_has_a_case():
    import inspect

    import ui.charts as pkg

    builders = set()
    for name in ("softmax", "temperature", "calibration", "cross_entropy", "numerics", "relatives"):
        module = __import__(f"{pkg.__name__}.{name}", fromlist=["x"])
        builders |= {(name, f) for f, obj in vars(module).items()
                     if inspect.isfunction(obj) and not f.startswith("_") and obj.__module__ == module.__name__
                     and inspect.signature(obj).return_annotation in ("go.Figure", go.Figure)}
    assert builders - {(c.module, c.builder) for c in CASES} == set()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_figure_passes_plotlys_validation(case):
    fig = build(case)
    assert isinstance(fig, go.Figure)
    spec = fig.to_dict()
    checked = go.Figure(spec)  # raises ValueError on an unknown property or an invalid value
    assert len(checked.data) == len(spec["data"]) > 0
    assert len(checked.frames) == len(spec.get("frames", []))  # frames are validated too
