"""Translation catalogues: one folder per language, one TOML file per namespace.

``locales/<lang>/<namespace>.toml`` holds the text of one page (or of the shell, ``common``). Nested tables
flatten to dotted keys, so ``t("softmax.quiz.question")`` reads ``[quiz] question = ...`` in ``softmax.toml``.
English is the fallback for a key missing elsewhere; a test keeps every catalogue complete.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

import streamlit as st

from ui import runlocal

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGS = ("en", "pt", "es", "zh")
DEFAULT_LANG = "en"


def _flatten(table: dict, prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key))
        else:
            flat[key] = value
    return flat


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """All keys of one language, flattened to ``namespace.key`` (read once per process)."""
    flat: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            flat.update(_flatten(tomllib.load(fh), path.stem))
    return flat


# {name} is a placeholder only when a value called name is given, so LaTeX groups such as e^{z} stay as written.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, **fmt) -> str:
    return _PLACEHOLDER.sub(lambda m: str(fmt[m[1]]) if m[1] in fmt else m[0], text) if fmt else text


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def translate(lang: str, key: str, **fmt) -> str:
    """The text for ``key`` in ``lang``, English where missing, the key itself where unknown."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANG).get(key, key)
    return fill(text, **fmt)


def lang_from_locale(locale: str | None) -> str:
    """Map a browser locale such as ``pt-BR`` or ``zh-Hant-TW`` to one of LANGS."""
    if not locale:
        return DEFAULT_LANG
    primary = locale.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGS else DEFAULT_LANG


def language_name(lang: str) -> str:
    return catalogue(lang)["common.language_name"]


# Per session, not per process: two classrooms may use two languages at once.
_SESSION_KEY = "_lang"


def set_language(lang: str) -> None:
    """Called once per run by app.py, before any page text is drawn."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    st.session_state[_SESSION_KEY] = lang
    runlocal.put(_SESSION_KEY, lang)


def current_language() -> str:
    return runlocal.get(_SESSION_KEY, lambda: st.session_state.get(_SESSION_KEY, DEFAULT_LANG))


def t(key: str, **fmt) -> str:
    """The text for ``key`` in the language of this session."""
    return translate(current_language(), key, **fmt)
