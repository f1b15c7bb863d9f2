"""Benchmarks of softmax_core against SciPy, PyTorch (if installed) and naive NumPy.

Run from the repository root: ``python bench/core.py``. Goals: softmax never slower than
``scipy.special.softmax`` and at least 1.3x faster on float32 1e7; cross-entropy within 1.5x of
PyTorch on CPU for (1e6, 10) float32. Other benchmark modules of the core (e.g.
``bench/core_calibration.py``, exposing ``run(h)``) are picked up and run with the same harness.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.special

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from _harness import Harness  # noqa: E402

import softmax_core  # noqa: E402

EXTRA_MODULES = ("core_calibration",)  # sibling files exposing run(h), run after ours if present


def optional_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def naive_cross_entropy(x, y):
    """The direct NumPy formula: the whole log-softmax matrix, then pick the label column."""
    shifted = x - x.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()


def bench_softmax(h: Harness, rng) -> None:
    for n in (10**6, 10**7):
        for dtype in (np.float32, np.float64):
            x = rng.standard_normal(n).astype(dtype)
            h.compare(f"softmax {n:.0e} {np.dtype(dtype).name}",
                      ours=lambda: softmax_core.softmax(x),
                      baselines={"scipy": lambda: scipy.special.softmax(x)})


def bench_cross_entropy(h: Harness, rng, torch) -> None:
    x = rng.standard_normal((10**6, 10)).astype(np.float32)
    y = rng.integers(0, 10, 10**6)
    baselines = {"numpy naive": lambda: naive_cross_entropy(x, y)}
    if torch is not None:
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        baselines["torch cpu"] = lambda: torch.nn.functional.cross_entropy(tx, ty)
    h.compare("cross_entropy (1e6,10) float32", ours=lambda: softmax_core.cross_entropy(x, y),
              baselines=baselines)


def run_extra_modules(h: Harness) -> None:
    for name in EXTRA_MODULES:
        path = BENCH / f"{name}.py"
        if path.exists():
            spec = importlib.util.spec_from_file_location(f"bench.{name}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            module.run(h)


def main() -> None:
    torch = optional_torch()
    extra = {"scipy": scipy.__version__}
    if torch is not None:
        extra["torch"] = f"{torch.__version__} ({torch.get_num_threads()} threads; NumPy uses 1)"
    else:
        extra["torch"] = "not installed (pip install torch==2.13.0 for that baseline)"
    h = Harness()
    h.header(extra)
    rng = np.random.default_rng(0)
    bench_softmax(h, rng)
    bench_cross_entropy(h, rng, torch)
    run_extra_modules(h)


if __name__ == "__main__":
    main()
