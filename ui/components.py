"""Pieces every page shares: the page header, URL warnings, charts with their tables, the quiz, the share box."""

from __future__ import annotations

import functools
import importlib
import io
import re
from collections.abc import Sequence

import segno
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import softmax_core as sc

from ui import theme
from ui.charts.common import freeze
from ui.i18n import t
from ui.params import PAGES
from ui.state import PageState, page_state

_PROJECTOR = "_projector"


_PLAIN = re.compile(r"[^\W_]+( [^\W_]+)*")


def code_span(text: str, *, limit: int = 60) -> str:
    """User text made safe for a markdown context: plain words as they are, anything else as inline code."""
    if _PLAIN.fullmatch(str(text)) and len(str(text)) <= limit:
        return str(text)
    text = str(text).replace("`", "'").replace("\n", " ").replace("\r", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"`{text}`" if text.strip() else "` `"


def is_projector() -> bool:
    return bool(st.session_state.get(_PROJECTOR, False))


def set_projector(on: bool) -> None:
    st.session_state[_PROJECTOR] = on


def style() -> theme.Style:
    return theme.style_for(is_projector())


def show_param_warnings(warnings) -> None:
    """One warning per unusable URL value, naming the parameter, the value and why it was not used."""
    for name, raw, err in warnings:
        reason = t(f"common.param_errors.{err.reason}", **_reason_details(err))
        st.warning(t("common.param_warning", name=code_span(name), value=code_span(raw), reason=reason),
                   icon=":material/link_off:")


def _reason_details(err) -> dict:
    details = dict(err.details)
    if "detail" in details:  # a LogitParseError: translate its code
        details["detail"] = logit_error_text(details["detail"])
    return details


def logit_error_text(err) -> str:
    """A translated sentence for a ``softmax_core.LogitParseError``."""
    return t(f"common.logit_errors.{err.code}", token=code_span(err.token or ""), position=err.position or 0,
             limit=f"{err.limit or 0:,}")


def class_names(labels: Sequence[str], k: int) -> list[str]:
    """``k`` class names: the user's first, then the core's defaults (A, B, C, ...) for the rest."""
    return list(_class_names(tuple(labels), k))


@functools.lru_cache(maxsize=64)
def _class_names(labels: tuple[str, ...], k: int) -> tuple[str, ...]:
    return tuple(sc.parse_labels(",".join(labels), k))


SHELL_ACTIVE = "_shell_active"


def _ensure_shell() -> None:
    """Rerun through app.py when Streamlit ran this page file on its own.

    A server's very first run (and every AppTest run) sees the ``pages/`` folder beside app.py and runs the
    requested page directly, skipping the shell, until some run has called ``st.navigation``. Marking the
    folder as not auto-discovered and rerunning sends the same URL through app.py instead.
    """
    if not st.session_state.get(SHELL_ACTIVE):
        PagesManager.uses_pages_directory = False
        st.rerun()


def columns(spec, **kwargs) -> list:
    """Side-by-side columns, stacked in projector mode where every chart needs the full width."""
    n = spec if isinstance(spec, int) else len(spec)
    return [st.container() for _ in range(n)] if is_projector() else st.columns(spec, **kwargs)


_LOGITS_TEXT, _LOGITS_ERROR = "logits_text", "logits_error"


def set_logits(state: PageState, values) -> None:
    """New logits from a slider or a preset: the text box follows, and any earlier typing error is cleared."""
    state["logits"] = tuple(float(v) for v in values)
    st.session_state[state.key(_LOGITS_TEXT)] = sc.format_logits(state["logits"])
    st.session_state.pop(state.key(_LOGITS_ERROR), None)


def _on_logits_text(state: PageState, on_valid) -> None:
    error_key = state.key(_LOGITS_ERROR)
    try:
        values = sc.parse_logits(st.session_state[state.key(_LOGITS_TEXT)])
    except sc.LogitParseError as err:
        st.session_state[error_key] = err  # the last good logits stay in use
        return
    if len(values) < 2:
        st.session_state[error_key] = "too_few"
        return
    state["logits"] = tuple(float(v) for v in values)
    st.session_state.pop(error_key, None)
    if on_valid is not None:
        on_valid(state)


def logits_error(state: PageState) -> str | None:
    """What was wrong with the last typed logits, in the current language, or None."""
    error = st.session_state.get(state.key(_LOGITS_ERROR))
    if error is None:
        return None
    return t("common.logit_errors.too_few") if error == "too_few" else logit_error_text(error)


def logits_input(state: PageState, label: str, *, help: str | None = None, area: bool = False,
                 on_valid=None) -> None:
    """The logits box every page shares: parsed by the core on change, errors named in place.

    ``on_valid(state)`` runs after good logits are stored (e.g. to keep a class index in range).
    """
    if state.key(_LOGITS_TEXT) not in st.session_state:
        st.session_state[state.key(_LOGITS_TEXT)] = sc.format_logits(state["logits"])
    widget = st.text_area if area else st.text_input
    options = {"height": 90} if area else {"max_chars": 200_000}
    widget(label, key=state.key(_LOGITS_TEXT), on_change=_on_logits_text, args=(state, on_valid), help=help,
           **options)
    error = logits_error(state)
    if error is not None:
        st.error(error, icon=":material/error:")


def page_setup(key: str) -> PageState:
    """Title, intro and URL warnings of a page; returns its state."""
    _ensure_shell()
    st.title(t(f"{key}.title"))
    intro = t(f"{key}.intro")
    if intro:
        st.markdown(intro)
    state = page_state(key, PAGES[key])
    show_param_warnings(state.warnings)
    return state


def chart(fig, *, summary: str, table=None, key: str | None = None) -> None:
    """A chart, its one-sentence text summary (also the chart's alt text), and its numbers as a table.

    ``table`` is a DataFrame, or a function returning one, called only while the table is open.
    """
    # The mode bar only on hover: always shown, it covers titles and Play/Pause on a phone.
    st.plotly_chart(fig, key=key, alt=summary, config={"displaylogo": False, "responsive": True,
                                                       "displayModeBar": "hover"})
    st.caption(summary)
    if table is not None:
        # Lazy: the table is sent only while its expander is open, so a slider move does not pay for it.
        number = st.session_state[_CHARTS_DRAWN] = st.session_state.get(_CHARTS_DRAWN, 0) + 1
        with st.expander(t("common.table_of_numbers"), icon=":material/table:", on_change="rerun",
                         key=f"table.{key or number}") as box:
            if box.open:
                data_table(table() if callable(table) else table)


def data_table(frame, *, formats: dict[str, str] | None = None) -> None:
    """A table of numbers at the page's type size.

    ``formats`` maps column names to printf formats ("%.4f"). st.dataframe draws on a canvas at a fixed 13 px,
    whatever the page's type; in projector mode the table is plain HTML instead, which grows with the body text.
    """
    formats = formats or {}
    if not is_projector():
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format=f) for c, f in formats.items()})
        return
    frame = frame.to_pandas() if hasattr(frame, "to_pandas") else frame
    shown = frame.copy()
    for column in shown.columns:
        fmt = formats.get(column)
        if fmt is not None:
            shown[column] = [("" if v is None or v != v else fmt % v) for v in frame[column]]
    st.table(shown, hide_index=True)


def cached_figure(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, built once per distinct input and frozen.

    Pages draw the same charts again on most reruns; st.plotly_chart only reads a figure, so one shared,
    never-edited object is safe. The cache is made once, at import: decorating inside a page file would run
    on every rerun and re-read the function's source.
    """
    return _cached_call(builder.__module__, builder.__name__, True, *args, **kwargs)


def cached_result(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` computed once per distinct input and shared, for values a page only reads."""
    return _cached_call(fn.__module__, fn.__name__, False, *args, **kwargs)


@st.cache_resource(max_entries=512, show_spinner=False)
def _cached_call(module: str, name: str, figure: bool, *args, **kwargs):
    value = getattr(importlib.import_module(module), name)(*args, **kwargs)
    return freeze(value) if figure else value


_CHARTS_DRAWN = "_charts_drawn"


def begin_page_run() -> None:
    """Called by app.py before each page run: numbers the charts of this run from 1."""
    st.session_state[_CHARTS_DRAWN] = 0


def quiz(key: str, *, question: str, options: Sequence[str], answer: int, explanation: str) -> None:
    """Predict, then reveal: the reveal stays locked until the student has committed to an answer."""
    with st.container(border=True):
        st.markdown(f"**{t('common.quiz.heading')}** {question}")
        choice = st.radio(question, options, index=None, key=f"quiz.{key}.choice", label_visibility="collapsed")
        revealed = st.session_state.get(f"quiz.{key}.revealed", False)
        st.button(t("common.quiz.reveal"), key=f"quiz.{key}.button", disabled=choice is None or revealed,
                  on_click=st.session_state.__setitem__, args=(f"quiz.{key}.revealed", True))
        if revealed and choice is not None:
            if options.index(choice) == answer:
                st.success(t("common.quiz.right"), icon=":material/check_circle:")
            else:
                st.error(t("common.quiz.wrong", answer=options[answer]), icon=":material/cancel:")
            st.markdown(explanation)
        elif choice is None:
            st.caption(t("common.quiz.commit_first"))


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(url: str, scale: int) -> bytes | None:
    """PNG bytes of a QR code for ``url``; None when the link is too long for any QR code."""
    try:
        code = segno.make(url, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=4, dark="#000000", light="#FFFFFF")
    return buf.getvalue()


def share_box(url: str) -> None:
    """The current view's full link and its QR code, with a full-screen QR for the back of the room."""
    st.markdown(f"**{t('common.share.heading')}**")
    st.code(url, language=None, wrap_lines=True)
    png = qr_png(url, 6)
    if png is None:
        st.info(t("common.share.too_long"), icon=":material/qr_code:")
        return
    st.image(png, caption=t("common.share.scan"), width="stretch")
    if st.button(t("common.share.fullscreen"), icon=":material/fullscreen:", width="stretch"):
        _big_qr(url)


@st.dialog(" ", width="large")
def _big_qr(url: str) -> None:
    st.image(qr_png(url, 16), width="stretch")
    st.caption(t("common.share.scan"))
