"""Shareable state: every visible setting of a page lives in the URL's query string.

Each page declares its parameters once, in ``ui/params.py``, as a tuple of the ``Param`` kinds below. The
lifecycle of one run is:

1. ``app.py`` reads the global parameters (``lang``, ``projector``).
2. The page calls ``page_state(key)``. On the first run of a visit it reads the URL into ``st.session_state``:
   a value that does not parse, or is out of range, falls back to the default (or the value carried from
   another page, for shared parameters such as ``logits``) and is reported as a warning naming the parameter.
3. Widgets are keyed by ``PageState.key(name)``, so the widget *is* the state.
4. After the page has run, ``app.py`` calls ``sync()``, which writes every non-default value back to the URL.

Parsing and formatting are pure (no Streamlit), so they are tested directly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from softmax_core import LogitParseError, format_logits, parse_labels, parse_logits


class ParamError(ValueError):
    """A URL value that cannot be used. ``reason`` is a catalogue key under ``common.param_errors``."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def _number_text(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    shared: bool = False  # carried to other pages of the session (logits, labels, T)

    def parse(self, raw: str) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True)
class FloatParam(Param):
    lo: float = -math.inf
    hi: float = math.inf

    def parse(self, raw: str) -> float:
        try:
            value = float(raw.strip().replace("\u2212", "-"))
        except ValueError:
            raise ParamError("not_a_number") from None
        if not math.isfinite(value) or not self.lo <= value <= self.hi:
            raise ParamError("out_of_range", lo=_number_text(self.lo), hi=_number_text(self.hi))
        return value

    def format(self, value: float) -> str:
        return _number_text(value)


@dataclass(frozen=True)
class IntParam(Param):
    lo: int = -(2**62)
    hi: int = 2**62

    def parse(self, raw: str) -> int:
        text = raw.strip()
        if not text.lstrip("-").isdigit() or len(text) > 20:
            raise ParamError("not_an_integer")
        value = int(text)
        if not self.lo <= value <= self.hi:
            raise ParamError("out_of_range", lo=self.lo, hi=self.hi)
        return value


@dataclass(frozen=True)
class BoolParam(Param):
    def parse(self, raw: str) -> bool:
        text = raw.strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ParamError("not_a_switch")

    def format(self, value: bool) -> str:
        return "1" if value else "0"


@dataclass(frozen=True)
class ChoiceParam(Param):
    choices: tuple[str, ...] = ()

    def parse(self, raw: str) -> str:
        if raw.strip() not in self.choices:
            raise ParamError("not_a_choice", choices=", ".join(self.choices))
        return raw.strip()


@dataclass(frozen=True)
class LogitsParam(Param):
    """Comma-separated numbers, parsed by ``softmax_core.parse_logits``; held as a tuple of floats."""

    min_len: int = 2

    def parse(self, raw: str) -> tuple[float, ...]:
        try:
            values = parse_logits(raw)
        except LogitParseError as err:
            raise ParamError("bad_logits", detail=err) from None
        if len(values) < self.min_len:
            raise ParamError("too_few_logits", n=self.min_len)
        return tuple(float(v) for v in values)

    def format(self, value: tuple[float, ...]) -> str:
        return format_logits(value)


@dataclass(frozen=True)
class LabelsParam(Param):
    """Comma-separated class names: user text, stored as given and always displayed as text."""

    def parse(self, raw: str) -> tuple[str, ...]:
        return tuple(parse_labels(raw))

    def format(self, value: tuple[str, ...]) -> str:
        return ",".join(value)


@dataclass(frozen=True)
class TokenParam(Param):
    """A short code or key (class mode's room and teacher key), matched whole against ``pattern``.

    ``upper``: the value is read as typed or read aloud, so case, spaces and dashes do not matter.
    """

    pattern: str = ""
    upper: bool = False
    allowed: str = ""  # for the README's table

    def parse(self, raw: str) -> str:
        text = re.sub(r"[\s-]", "", raw).upper() if self.upper else raw.strip()
        if not re.fullmatch(self.pattern, text):
            raise ParamError("bad_token")
        return text


@dataclass
class PageState:
    """The parameters of the page being shown, bound to ``st.session_state``."""

    page: str
    params: tuple[Param, ...]
    warnings: list[tuple[str, str, ParamError]] = field(default_factory=list)

    def key(self, name: str) -> str:
        return f"{self.page}.{name}"

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def _last(self) -> dict[str, Any]:
        return st.session_state.setdefault(f"_last.{self.page}", {})

    def restore(self) -> None:
        """Put back values whose widget the previous run did not draw (Streamlit dropped their keys), so a
        setting hidden behind a tab or a part selector survives, in the page and in the link."""
        for name, value in self._last().items():
            st.session_state.setdefault(self.key(name), value)

    def __getitem__(self, name: str) -> Any:
        # One read of st.session_state when the value is there (the usual case): each read takes its lock,
        # and evaluating the fallback eagerly tripled the cost of the pages' many reads.
        try:
            return st.session_state[self.key(name)]
        except KeyError:
            return self._last().get(name, self.param(name).default)

    def __setitem__(self, name: str, value: Any) -> None:
        st.session_state[self.key(name)] = value
        if self.param(name).shared:
            st.session_state[f"shared.{name}"] = value

    def query(self) -> dict[str, str]:
        """This page's non-default values, formatted for the URL."""
        out, last = {}, self._last()
        texts = st.session_state.setdefault(f"_texts.{self.page}", {})
        for p in self.params:
            value = self[p.name]
            last[p.name] = value
            if p.shared:
                st.session_state[f"shared.{p.name}"] = value
            if value != p.default:
                # Formatting 10,000 logits on every rerun would cost more than drawing them: reuse the text.
                known = texts.get(p.name)
                if known is None or known[0] != value:
                    known = texts[p.name] = (value, p.format(value))
                out[p.name] = known[1]
        return out


def read_query(params: tuple[Param, ...], query: dict[str, str], fallback: dict[str, Any]):
    """Parse ``query`` against ``params``: (values, warnings). Pure, for tests and for ``page_state``."""
    values, warnings = {}, []
    for p in params:
        start = fallback.get(p.name, p.default)
        raw = query.get(p.name)
        if raw is None:
            values[p.name] = start
            continue
        try:
            values[p.name] = p.parse(raw)
        except ParamError as err:
            values[p.name] = start
            warnings.append((p.name, raw, err))
    return values, warnings


_PAGE, _FRESH = "_page", "_fresh_visit"


def begin_run(page: str) -> None:
    """Called by app.py before the page runs: notes which page this is and whether the visit is new."""
    st.session_state[_FRESH] = st.session_state.get(_PAGE) != page
    st.session_state[_PAGE] = page


def page_state(page: str, params: tuple[Param, ...]) -> PageState:
    """The page's state, read from the URL on the first run of each visit to the page."""
    state = st.session_state.get(f"_state.{page}")
    if state is None or st.session_state.get(_FRESH, True):
        shared = {p.name: st.session_state[f"shared.{p.name}"] for p in params
                  if p.shared and f"shared.{p.name}" in st.session_state}
        query = {p.name: st.query_params[p.name] for p in params if p.name in st.query_params}
        values, warnings = read_query(params, query, shared)
        state = PageState(page, params, warnings)
        for name, value in values.items():
            st.session_state[state.key(name)] = value
        st.session_state[f"_state.{page}"] = state
        st.session_state[f"_last.{page}"] = dict(values)
        st.session_state[_FRESH] = False
    else:
        state.restore()
    return state


def sync(global_query: dict[str, str], *, private: dict[str, str] | None = None) -> str:
    """Write the visible state to the URL; returns the query string to share.

    ``private`` values (the teacher's key) go into this browser's URL but not into the returned string.
    """
    query = dict(global_query)
    state = st.session_state.get(f"_state.{st.session_state.get(_PAGE)}")
    if state is not None:
        query.update(state.query())
    shown = {**query, **(private or {})}
    if shown != st.query_params.to_dict():
        st.query_params.from_dict(shown)
    return urlencode(query, safe=",")  # commas stay readable: logits=2,1,0.5
