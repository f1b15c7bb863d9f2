"""The live charts' JavaScript math (ui/live/livemath.js) against softmax_core, in Node's test runner.

The cases are computed here by the core and written to a temporary JSON file; the Node test compares every
number to 1e-12 (absolute). Outside CI a missing Node skips with a note; with CI=true it fails.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import softmax_core as sc
from tests.conftest import in_ci

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _num(x: float):
    """A float for JSON at full precision; infinities as strings, which JSON cannot hold."""
    x = float(x)
    return x if math.isfinite(x) else str(x).replace("inf", "Infinity")


def _softmax_case(logits, T: float) -> dict:
    probs = sc.softmax(np.asarray(logits, dtype=float), temperature=T)
    return {"logits": [float(z) for z in logits], "T": T, "probs": [_num(p) for p in probs],
            "entropy": _num(sc.entropy(probs)), "entropy_bits": _num(sc.entropy_bits(probs)),
            "effective": _num(sc.effective_choices(probs)), "argmax": int(np.argmax(probs))}


def cases(seed: int = 12) -> dict:
    """Random logits for K = 2..12, ties, logits near ±1e308 and both ends of T; sigmoid and BCE values."""
    rng = np.random.default_rng(seed)
    soft = []
    for k in range(2, 13):
        for T in (0.05, 0.37, 1.0, 4.2, 20.0):
            soft.append(_softmax_case(rng.normal(0, 4, k), T))
            soft.append(_softmax_case(rng.uniform(-10, 10, k).round(1), T))  # what the handles produce
    for T in (0.05, 1.0, 20.0):
        soft += [_softmax_case(z, T) for z in (
            [1.0, 1.0, 1.0], [2.0, 2.0, 1.0, 0.0], [5.0, 5.0], [0.0] * 12,  # ties
            [1e308, -1e308, 0.0], [1.7e308, 1.7e308, -1.7e308], [-1e308, -1e308 * 0.999], [1e308, 1e308 - 1e292],
            [-1e-308, 5e-324, 0.0], [700.0, -700.0, 0.0], [10.0, -10.0, 9.9, -9.9, 0.1],
        )]
    zs = [0.0, -0.0, 1.5, -1.5, 8.0, -8.0, 36.0, -36.0, 40.0, -40.0, 700.0, -745.0, -800.0, 1e308, -1e308,
          *rng.uniform(-8, 8, 40).round(2)]
    sig = [{"z": _num(z), "value": _num(sc.sigmoid(float(z)))} for z in zs]
    ps = [0.0, 1e-12, 0.01, 0.5, 0.7, 0.99, 1 - 1e-12, 1.0, *rng.uniform(0, 1, 30).round(2)]
    bce = [{"p": float(p), "y": y, "value": _num(sc.binary_cross_entropy([p], [float(y)], reduction="none")[0])}
           for p in ps for y in (0, 1, 0.25)]
    return {"softmax": soft, "sigmoid": sig, "bce": bce}


def test_the_cases_cover_what_the_issue_asks_for():
    c = cases()
    ks = {len(s["logits"]) for s in c["softmax"]}
    assert ks >= set(range(2, 13))
    assert {0.05, 20.0} <= {s["T"] for s in c["softmax"]}
    assert any(max(abs(z) for z in s["logits"]) >= 1e308 for s in c["softmax"])
    assert any(math.isinf(float(b["value"])) for b in c["bce"])  # a certain wrong answer costs +inf


def test_livemath_matches_the_core_in_node(tmp_path):
    node = shutil.which("node")
    if node is None:
        message = "Node.js is needed for the live charts' math tests (apt-get install nodejs)"
        if in_ci():
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases()), encoding="utf-8")
    run = subprocess.run([node, "--test", str(HERE / "livemath.test.mjs")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={"LIVE_CASES": str(path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 4" in run.stdout, run.stdout
