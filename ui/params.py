"""Every URL parameter of the app, declared once: name, kind, default and allowed range.

``GLOBAL`` parameters belong to the shell (sidebar); ``PAGES[key]`` to one page. Names shared between pages
(``logits``, ``labels``, ``T``) mean the same thing everywhere and are carried from page to page in a session.
The README's table of URL parameters is generated from here (``python -m ui.params``).
"""

from __future__ import annotations

from ui.i18n import LANGS
from ui.classroom.store import CODE_LENGTH, CODE_PATTERN, KEY_PATTERN
from ui.state import BoolParam, ChoiceParam, FloatParam, IntParam, LabelsParam, LogitsParam, Param, TokenParam

GLOBAL: tuple[Param, ...] = (
    ChoiceParam("lang", default="", choices=LANGS),  # "" = the browser's locale decides
    BoolParam("projector", default=False),
)

# Class mode, read once per session by ui/classroom/view.py. The teacher key is only ever in the teacher's own URL.
CLASSROOM: tuple[Param, ...] = (
    TokenParam("room", default="", pattern=CODE_PATTERN.pattern, upper=True,
               allowed=f"{CODE_LENGTH} letters and digits, no 0, O, 1 or I"),
    TokenParam("teacher", default="", pattern=KEY_PATTERN.pattern, allowed="the teacher's key (teacher's URL only)"),
)

LOGITS = LogitsParam("logits", default=(2.0, 1.0, 0.5), shared=True)
LABELS = LabelsParam("labels", default=(), shared=True)  # () = A, B, C, ...
TEMPERATURE = FloatParam("T", default=1.0, lo=0.05, hi=20.0, shared=True)

PAGES: dict[str, tuple[Param, ...]] = {
    "home": (),
    "softmax": (
        LOGITS,
        LABELS,
        FloatParam("c", default=0.0, lo=-10.0, hi=10.0),
        FloatParam("s", default=1.0, lo=0.1, hi=5.0),
        ChoiceParam("part", default="steps", choices=("steps", "invariances")),
    ),
    "temperature": (
        LOGITS,
        LABELS,
        TEMPERATURE,
        IntParam("seed", default=0, lo=0, hi=2**32 - 1),  # every random draw on the page
        IntParam("N", default=1000, lo=1, hi=100_000),  # samples in the histogram
        IntParam("k", default=5, lo=1, hi=12),  # top-k of the next-token demo (12 candidates)
        FloatParam("p", default=0.9, lo=0.01, hi=1.0),  # top-p of the next-token demo
        FloatParam("tau", default=1.0, lo=0.05, hi=20.0),  # the Boltzmann policy's temperature
        ChoiceParam("part", default="curves", choices=("curves", "animation", "sampling", "next_word", "decisions")),
    ),
    "cross_entropy": (
        LOGITS,
        LABELS,
        ChoiceParam("part", default="bce", choices=("bce", "categorical", "smoothing", "training", "mse")),
        IntParam("by", default=1, lo=0, hi=1),  # the binary target of the BCE curves
        FloatParam("yhat", default=0.7, lo=0.0, hi=1.0),
        ChoiceParam("clip", default="1e-07", choices=("1e-12", "1e-07", "0.001", "0.01", "0.1")),
        IntParam("y", default=0, lo=0, hi=9_999),  # the true class; must also be < K, checked on the page
        FloatParam("eps", default=0.1, lo=0.0, hi=1.0),
        FloatParam("lr", default=1.0, lo=0.01, hi=10.0),
        IntParam("steps", default=30, lo=1, hi=200),
        IntParam("step", default=0, lo=0, hi=200),
        ChoiceParam("start", default="wrong", choices=("wrong", "yours")),
    ),
    "calibration": (
        ChoiceParam("source", default="digits", choices=("digits", "synthetic", "upload")),
        IntParam("epochs", default=300, lo=5, hi=300),  # digits: the checkpoint shown (every 5 epochs)
        IntParam("seed", default=1, lo=0, hi=99),  # digits and synthetic: split, weights and draws
        IntParam("K", default=10, lo=2, hi=100),  # synthetic: classes
        FloatParam("accuracy", default=0.8, lo=0.05, hi=0.99),  # synthetic; must also be > 1/K
        FloatParam("confidence", default=2.0, lo=0.2, hi=5.0),  # synthetic: logit multiplier
        ChoiceParam("kind", default="auto", choices=("auto", "logits", "probs")),  # upload
        FloatParam("cal_frac", default=0.5, lo=0.1, hi=0.9),  # upload: share used to fit calibrators
        ChoiceParam("fit_data", default="split", choices=("split", "file")),  # upload: split or second file
        IntParam("n_bins", default=15, lo=2, hi=50),
        ChoiceParam("strategy", default="uniform", choices=("uniform", "quantile")),
        ChoiceParam("view", default="top", choices=("top", "class")),
        IntParam("cls", default=0, lo=0, hi=999),  # one-vs-rest class; must also be < K
        ChoiceParam("calibrator", default="temperature", choices=("temperature", "histogram", "isotonic", "platt")),
        FloatParam("T", default=1.0, lo=0.1, hi=10.0),  # the manual temperature
        BoolParam("fit_on_test", default=False),
        BoolParam("shift", default=False),
        FloatParam("noise", default=0.3, lo=0.05, hi=1.0),
        BoolParam("remedies", default=False),
        FloatParam("smoothing", default=0.1, lo=0.01, hi=0.5),
        IntParam("members", default=4, lo=2, hi=5),
        ChoiceParam("part", default="temperature", choices=("temperature", "binning", "wrong", "remedies")),
    ),
    "numerics": (
        LOGITS,
        FloatParam("mag", default=0.0, lo=0.0, hi=4.0),  # log10 of the factor the logits are scaled by
        ChoiceParam("dtype", default="float32", choices=("float16", "float32", "float64")),
        ChoiceParam("part", default="overflow", choices=("overflow", "trick", "log", "sums", "frameworks")),
    ),
    "relatives": (
        LOGITS,
        LABELS,
        FloatParam("z", default=1.5, lo=-8.0, hi=8.0),  # the point marked on the sigmoid curve
        IntParam("present", default=3, lo=0, hi=31),  # bit i set: label i is in the image
        IntParam("cls", default=0, lo=0, hi=4),  # the class whose logit moves in the argmax slice
        IntParam("d", default=64, lo=1, hi=1024),  # attention: query/key dimension
        FloatParam("a", default=0.5, lo=0.0, hi=1.0),  # attention: scores divided by d^a (0.5 is sqrt(d))
        ChoiceParam("part", default="sigmoid",
                    choices=("sigmoid", "multilabel", "argmax", "jacobian", "lives", "table")),
    ),
}


def markdown_table() -> str:
    """The README's table of URL parameters."""
    rows = ["| page | parameter | kind | default | allowed |", "|---|---|---|---|---|"]
    for page, params in [("(all)", GLOBAL + CLASSROOM), *PAGES.items()]:
        for p in params:
            allowed = ""
            if isinstance(p, (FloatParam, IntParam)):
                allowed = f"{p.format(p.lo)} .. {p.format(p.hi)}"
            elif isinstance(p, ChoiceParam):
                allowed = " \\| ".join(p.choices)
            elif isinstance(p, BoolParam):
                allowed = "0 \\| 1"
            elif isinstance(p, LogitsParam):
                allowed = "comma-separated numbers, 2 to 10,000"
            elif isinstance(p, LabelsParam):
                allowed = "comma-separated names, shown as plain text"
            elif isinstance(p, TokenParam):
                allowed = p.allowed
            default = (p.format(p.default) if p.default not in ("", ()) else
                       "(none)" if isinstance(p, TokenParam) else "(automatic)")
            rows.append(f"| {page} | `{p.name}` | {type(p).__name__[:-5].lower()} | {default} | {allowed} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
