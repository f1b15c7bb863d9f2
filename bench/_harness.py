"""A small, reusable benchmark harness: interleaved repeats, medians, ratios against a baseline.

The machine is shared and noisy, so every workload is timed against its baselines *in the same
run*: after a warm-up, each repeat calls every contender once, in a rotating order, and the report
gives the median per contender and the ratio ``baseline / ours`` (above 1: ours is faster).

Usage from a benchmark script::

    h = Harness()
    h.header()
    h.compare("softmax 1e6 float32", ours=lambda: f(x), baselines={"scipy": lambda: g(x)})
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class Result(NamedTuple):
    """The timings of one workload: medians in seconds, by contender name (``"ours"`` first)."""

    workload: str
    medians: dict[str, float]

    def ratio(self, baseline: str) -> float:
        """How many times faster ours is than ``baseline`` (median over median)."""
        return self.medians[baseline] / self.medians["ours"]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


class Harness:
    """Times workloads; ``repeats`` timed calls per contender after ``warmup`` untimed ones."""

    def __init__(self, *, repeats: int = 9, warmup: int = 2, out=sys.stdout):
        self.repeats = repeats
        self.warmup = warmup
        self.out = out
        self.results: list[Result] = []

    def print(self, *args) -> None:
        print(*args, file=self.out, flush=True)

    def header(self, extra: dict[str, str] | None = None) -> None:
        """Describe the machine and the versions, so that numbers can be compared across runs."""
        info = {
            "cpu": cpu_model(),
            "cores": str(os.cpu_count()),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
            "method": f"median of {self.repeats} interleaved repeats after {self.warmup} warm-up; "
                      "ratio = baseline / ours (>1: ours faster)",
            **(extra or {}),
        }
        width = max(map(len, info))
        for key, value in info.items():
            self.print(f"{key:<{width}}  {value}")
        self.print()
        self.print(f"{'workload':<34} {'ours ms':>9}  {'baseline':<14} {'base ms':>9} {'ratio':>7}")

    def compare(self, workload: str, *, ours: Callable[[], object],
                baselines: dict[str, Callable[[], object]]) -> Result:
        """Time ``ours`` against each baseline, print one row per baseline, return the medians."""
        contenders = {"ours": ours, **baselines}
        names = list(contenders)
        for _ in range(self.warmup):
            for fn in contenders.values():
                fn()
        times: dict[str, list[float]] = {name: [] for name in names}
        for r in range(self.repeats):
            for name in names[r % len(names):] + names[:r % len(names)]:  # rotate the order
                start = time.perf_counter()
                contenders[name]()
                times[name].append(time.perf_counter() - start)
        result = Result(workload, {name: statistics.median(t) for name, t in times.items()})
        self.results.append(result)
        for i, name in enumerate(baselines):
            label = workload if i == 0 else ""
            ours_ms = f"{result.medians['ours'] * 1e3:9.2f}" if i == 0 else " " * 9
            self.print(f"{label:<34} {ours_ms}  {name:<14} {result.medians[name] * 1e3:9.2f} "
                       f"{result.ratio(name):6.2f}x")
        return result
