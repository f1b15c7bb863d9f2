"""Chart benchmark: what building each figure costs, against the same figure built the validated way.

Run from the repository root:  python bench/charts.py [--old REV] [--json] [--only TEXT] [--repeats N]

For every case in ``tests/ui/test_charts_specs.py`` (each builder with representative inputs):

- ours: the builder, inputs computed beforehand;
- validated: ``go.Figure(spec)`` of the same figure's spec, the way Plotly builds a figure by default
  (the template left out of the spec: Plotly applies its default one without validating it);
- ``--old REV``: the builders as they were at git revision REV, e.g. before a rewrite, on the same inputs.

``--json`` adds ``plotly.io.to_json(fig, validate=False)`` to every contender, which is what
``st.plotly_chart`` does with a figure on each rerun.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "ui")]

import plotly  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402
from _harness import Harness  # noqa: E402
from test_charts_specs import CASES  # noqa: E402

MODULES = ("common", "softmax", "temperature", "calibration", "cross_entropy", "numerics", "relatives")


def charts_at(rev: str) -> str:
    """Import ``ui/charts`` as it was at ``rev`` under a package of its own; return the package name."""
    package = "charts_at_" + "".join(c if c.isalnum() else "_" for c in rev)
    sys.modules[package] = pkg = types.ModuleType(package)
    pkg.__path__ = []
    for name in MODULES:
        path = f"ui/charts/{name}.py"
        source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True,
                                text=True).stdout
        module = types.ModuleType(f"{package}.{name}")
        sys.modules[module.__name__] = module
        exec(compile(source.replace("ui.charts.common", f"{package}.common"), f"{rev}:{path}", "exec"),
             module.__dict__)
    return package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", metavar="REV", help="also time the builders at this git revision")
    parser.add_argument("--json", action="store_true", help="include the JSON serialisation Streamlit does")
    parser.add_argument("--only", default="", help="only the cases whose id contains this text")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    old = charts_at(args.old) if args.old else None
    serialise = (lambda fig: pio.to_json(fig, validate=False)) if args.json else (lambda fig: fig)
    h = Harness(repeats=args.repeats, warmup=2)
    h.header({"plotly": plotly.__version__, "contenders": "ours = builder" + (" + to_json" if args.json else "")
              + "; validated = go.Figure(spec)" + (f"; {args.old} = builder at {args.old}" if old else "")})
    for case in CASES:
        if args.only not in case.id:
            continue
        inputs, kwargs = case.inputs()
        builder = getattr(sys.modules.get(f"ui.charts.{case.module}")
                          or __import__(f"ui.charts.{case.module}", fromlist=["_"]), case.builder)
        spec = builder(*inputs, **kwargs).to_dict()
        spec["layout"].pop("template", None)
        baselines = {"validated": lambda: serialise(go.Figure(spec))}
        if old:
            old_builder = getattr(sys.modules[f"{old}.{case.module}"], case.builder)
            baselines[args.old[:14]] = lambda: serialise(old_builder(*inputs, **kwargs))
        h.compare(case.id, ours=lambda: serialise(builder(*inputs, **kwargs)), baselines=baselines)


if __name__ == "__main__":
    main()
