"""Every label-smoothing formula the app shows, in every catalogue and language, gives targets that sum to 1.

The calibration page once taught "(1 − ε) on the true class and ε/K elsewhere", which sums to 1 − ε/K: the very
mistake the cross-entropy page corrects. Formulas are found in the text, evaluated for several K and ε, and
checked against the core's ``smoothed_targets`` (PyTorch's convention).
"""

import itertools
import re

import numpy as np
import pytest

from softmax_core.losses import smoothed_targets
from ui.i18n import LANGS, catalogue

EPS = r"(?:ε|\\varepsilon)"
# The true class: 1 − ε, optionally with the share of ε it gets back (+ ε/K); the other classes: ε/K or ε/(K − 1).
TRUE = re.compile(rf"\(?1-{EPS}\)?(?:\+{EPS}/\(?K(?:-1)?\)?)?")
OTHER = re.compile(rf"{EPS}/\(?K(?:-1)?\)?")


def _normalised(text: str) -> str:
    """Spaces, dollar signs and typographic minus signs removed, so one regex reads LaTeX and plain text alike."""
    return re.sub(r"[\s$]", "", text).replace("−", "-").replace("\\,", "")


def _value(expression: str, k: int, eps: float) -> float:
    python = expression.replace("\\varepsilon", "eps").replace("ε", "eps")
    assert re.fullmatch(r"[-+/()1Keps]+", python), python  # only the symbols the regexes admit
    return eval(python, {"__builtins__": {}}, {"K": k, "eps": eps})  # noqa: S307 (built from the regexes above)


def smoothing_formulas():
    """(language, key, true-class expression, other-class expression) for every formula shown."""
    found = []
    for lang in LANGS:
        for key, text in catalogue(lang).items():
            flat = _normalised(text)
            trues = TRUE.findall(flat)
            if not trues:
                continue
            others = OTHER.findall(TRUE.sub("", flat))
            assert others, f"{lang}:{key} gives the true class's target but not the others': {text}"
            found += [(lang, key, t, o) for t, o in itertools.product(trues, others)]
    return found


FORMULAS = smoothing_formulas()


def test_the_formulas_are_found_in_every_language():
    keys = {(lang, key) for lang, key, _, _ in FORMULAS}
    for lang in LANGS:  # the cross-entropy page's definition and the calibration page's remedies, at least
        assert (lang, "cross_entropy.smooth.intro") in keys and (lang, "calibration.remedies_intro") in keys


@pytest.mark.parametrize(("lang", "key", "true", "other"), FORMULAS)
@pytest.mark.parametrize(("k", "eps"), [(2, 0.1), (4, 0.1), (10, 0.3), (100, 0.05)])
def test_every_smoothing_formula_shown_sums_to_one(lang, key, true, other, k, eps):
    total = _value(true, k, eps) + (k - 1) * _value(other, k, eps)
    assert total == pytest.approx(1.0, abs=1e-12), f"{lang}:{key}: {true} + (K−1)·{other} = {total}"


@pytest.mark.parametrize(("lang", "key", "true", "other"),
                         [f for f in FORMULAS if f[3] in ("ε/K", "\\varepsilon/K")])
def test_formulas_spreading_eps_over_all_k_classes_match_the_core(lang, key, true, other):
    for k, eps in [(4, 0.1), (10, 0.3)]:
        target = smoothed_targets(0, k, label_smoothing=eps)
        np.testing.assert_allclose([_value(true, k, eps), _value(other, k, eps)], target[:2], rtol=1e-12)
