"""Pieces every page shares: the page header, URL warnings, charts with their tables, the quiz, the share box."""

from __future__ import annotations

import base64
import functools
import html
import importlib
import io
import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

import segno
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

import softmax_core as sc

from ui import runlocal, theme
from ui.charts.common import freeze
from ui.i18n import current_language, set_language, t
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
    return runlocal.get(_PROJECTOR, lambda: bool(st.session_state.get(_PROJECTOR, False)))


def set_projector(on: bool) -> None:
    st.session_state[_PROJECTOR] = on
    runlocal.put(_PROJECTOR, bool(on))


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


# The shell's work after a page (the URL, the room, the share box), given by app.py for each run of the page.
_FINISH, _FINISHED = "_finish_page", "_page_finished"


def start_page(finish: Callable[[], None]) -> None:
    """Called by app.py before the page runs: ``finish`` is what follows the page, once per run."""
    st.session_state[_FINISH] = finish
    st.session_state[_FINISHED] = False


def finish_page() -> None:
    """The shell's work after the page, unless this run has done it already (in the page's own fragment)."""
    finish = st.session_state.get(_FINISH)
    if finish is not None and not st.session_state.get(_FINISHED):
        st.session_state[_FINISHED] = True
        finish()


def carry_run_values() -> None:
    """At the start of a fragment: its rerun is a new script thread that the shell did not run, so the per-run
    values the shell set (language, projector) are put back from the session."""
    set_language(current_language())
    set_projector(bool(st.session_state.get(_PROJECTOR, False)))


def page_fragment(func: Callable[[], None]) -> Callable[[], None]:
    """The part of a page that its own widgets change, as a fragment that reruns alone when they do.

    In a lecture hall every handle move is a rerun, and the parts of a page that a move cannot change (title,
    text, headings, the part selector) were a third of one. The fragment draws into containers the page made
    for it (``with slot:``) and, at its end, does the shell's work after the page, so the link and the share
    box follow every move. Everything a move can change must be drawn inside it, and every chart in it needs a
    ``key`` (unkeyed charts are numbered per page run, and a fragment's rerun does not start the count again).
    """
    @functools.wraps(func)
    def run() -> None:
        carry_run_values()
        st.session_state[_FINISHED] = False
        func()
        finish_page()

    return st.fragment(run)


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
    """Predict, then reveal: the reveal stays locked until the student has committed to an answer.

    The answer given at the reveal is stored as an index and is the one judged: the radio is disabled from then
    on, and a later change (or a forged widget message) cannot turn a wrong prediction into a right one.
    In class mode the room's question becomes the teacher's live poll and the students' vote.
    """
    from ui.classroom.view import class_quiz  # imported late: the class-mode view uses this module too

    if class_quiz(key, question=question, options=options, answer=answer, explanation=explanation):
        return
    choice_key, locked_key = f"quiz.{key}.choice", f"quiz.{key}.locked"
    locked = st.session_state.get(locked_key)
    if locked is not None:
        # The committed answer, in the current language (the radio's value is the option's text).
        st.session_state[choice_key] = options[locked]
    with st.container(border=True):
        st.markdown(f"**{t('common.quiz.heading')}** {question}")
        choice = st.radio(question, options, index=None, key=choice_key, label_visibility="collapsed",
                          disabled=locked is not None)
        st.button(t("common.quiz.reveal"), key=f"quiz.{key}.button", disabled=choice is None or locked is not None,
                  on_click=_lock_answer, args=(choice_key, locked_key, tuple(options)))
        if locked is not None:
            if locked == answer:
                st.success(t("common.quiz.right"), icon=":material/check_circle:")
            else:
                st.error(t("common.quiz.wrong", answer=options[answer]), icon=":material/cancel:")
            st.markdown(explanation)
        elif choice is None:
            st.caption(t("common.quiz.commit_first"))


def _lock_answer(choice_key: str, locked_key: str, options: tuple[str, ...]) -> None:
    """The reveal button's callback: the answer chosen now is the one that counts."""
    choice = st.session_state.get(choice_key)
    if choice in options:
        st.session_state[locked_key] = options.index(choice)


# The most a QR code can hold at error level M (version 40, byte mode): longer links get no code at all.
QR_MAX_BYTES = 2331
# A link longer than this is shown shortened, with its length; the full text is one click away.
SHORT_LINK_CHARS = 80
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def qr_fits(url: str) -> bool:
    """Whether ``url`` fits in a QR code, known without encoding it (encoding a long link takes ~0.2 s)."""
    return len(url.encode("utf-8")) <= QR_MAX_BYTES


@st.cache_resource(max_entries=64, show_spinner=False)
def qr_svg(url: str) -> str | None:
    """A QR code for ``url`` as SVG markup that scales to any size; None when the link is too long.

    SVG rather than PNG: one drawing serves the sidebar and the full-screen view, it costs a third of a
    small PNG to write, and it stays sharp on a projector. Cached by link and shared by all sessions,
    since a class opening the same link needs one code.
    """
    if not qr_fits(url):
        return None
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="svg", border=4, dark="#000000", light="#FFFFFF",
                                                  omitsize=True, xmldecl=False)
    return buf.getvalue().decode("ascii")


def short_link(url: str, *, keep: int = SHORT_LINK_CHARS) -> str | None:
    """The first ``keep`` characters of a long link and an ellipsis; None when the link is short enough.

    >>> short_link("http://h/?logits=" + "1," * 100, keep=20)
    'http://h/?logits=1,1…'
    >>> short_link("http://h/softmax") is None
    True
    """
    return None if len(url) <= keep else url[:keep] + "…"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.x.x.x, ::1), so no phone can reach it.

    >>> [is_loopback_host(h) for h in ("localhost", "127.0.1.1", "::1", "192.168.1.20", "example.org")]
    [True, True, True, False, False]
    """
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@st.cache_resource(ttl=60, show_spinner=False)
def lan_addresses() -> tuple[str, ...]:
    """This machine's IPv4 addresses that other devices on its network can reach (no loopback, no link-local).

    The kernel's routing table answers without sending a packet: "connecting" a UDP socket only picks the
    interface a datagram would leave by. Nothing is fetched, so this works on a network without internet.
    """
    found = []
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                found.append(s.getsockname()[0])
        except OSError:
            pass
    try:
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    usable = [a for a in found if not (ipaddress.ip_address(a).is_loopback or ipaddress.ip_address(a).is_link_local
                                        or ipaddress.ip_address(a).is_unspecified)]
    return tuple(dict.fromkeys(usable))


class ShareOrigin(NamedTuple):
    """The origin a shared link should carry, and why it differs from the browser's, if it does."""

    origin: str
    note: str | None  # None, "lan" (a LAN address replaced a loopback one) or "unreachable"


def share_origin(origin: str, *, lan: Sequence[str], server_address: str = "") -> ShareOrigin:
    """The origin phones can open: the browser's own, unless it is loopback, which means "this phone" to a phone.

    >>> share_origin("http://localhost:8501", lan=["192.168.1.20"])
    ShareOrigin(origin='http://192.168.1.20:8501', note='lan')
    >>> share_origin("http://localhost:8501", lan=[])
    ShareOrigin(origin='http://localhost:8501', note='unreachable')
    >>> share_origin("https://softmax.school.example", lan=["192.168.1.20"])
    ShareOrigin(origin='https://softmax.school.example', note=None)
    """
    parts = urlsplit(origin)
    if not is_loopback_host(parts.hostname or ""):
        return ShareOrigin(origin, None)
    # A server listening on loopback only cannot be reached at any other address either.
    if not lan or is_loopback_host(server_address or "0.0.0.0"):
        return ShareOrigin(origin, "unreachable")
    port = f":{parts.port}" if parts.port else ""
    return ShareOrigin(f"{parts.scheme}://{lan[0]}{port}", "lan")


_BIG_QR = "_share.big_qr"  # set by the full-screen button, read once after the page has run


def _want_big_qr() -> None:
    st.session_state[_BIG_QR] = True


def share_frame(shared: ShareOrigin, *, browser_origin: str, page_title: str):
    """The share box's parts that no page setting changes, drawn on full runs only: its heading, what the
    address is, the full-screen button and what the link holds. Returns the place for ``share_link``."""
    st.markdown(f"**{t('common.share.heading')}**")
    if shared.note == "lan":
        st.info(t("common.share.lan", origin=code_span(browser_origin), lan=code_span(shared.origin)),
                icon=":material/wifi:")
    elif shared.note == "unreachable":
        st.warning(t("common.share.unreachable", origin=code_span(browser_origin)), icon=":material/wifi_off:")
    link = st.container()
    # The link is known only after the page has run, so the click is noted here and the dialog opened there.
    st.button(t("common.share.fullscreen"), icon=":material/fullscreen:", width="stretch", on_click=_want_big_qr)
    st.caption(t("common.share.what", page=code_span(page_title)))
    return link


def share_link(url: str) -> None:
    """The current view's link and its QR code, redrawn after every run of the page (a move changes them).

    The QR code is drawn only while its expander is open (open by default in projector mode): a student
    moving a slider changes the link, and encoding a new code on every move was a quarter of the rerun.
    """
    short = short_link(url)
    if short is None:
        st.code(url, language=None, wrap_lines=True)
    else:
        st.markdown(t("common.share.long_link", start=code_span(short, limit=SHORT_LINK_CHARS + 1),
                      length=len(url)))
        with st.expander(t("common.share.full_link"), icon=":material/link:", on_change="rerun",
                         key="share.full_link") as box:
            if box.open:
                st.code(url, language=None, wrap_lines=True)
    fits = qr_fits(url)
    if not fits:
        st.info(t("common.share.too_long"), icon=":material/qr_code:")
    else:
        with st.expander(t("common.share.qr"), expanded=is_projector(), icon=":material/qr_code:",
                         on_change="rerun", key="share.qr") as box:
            if box.open:
                st.image(qr_svg(url), caption=t("common.share.scan"), width="stretch")
    if st.session_state.pop(_BIG_QR, False):
        _big_qr(url if fits else None)


# Fits the dialog's body to the window: the code is square, so its side is the smaller of the dialog's
# width and the window's height less the dialog's margins, title bar and caption.
_BIG_QR_HTML = ('<div style="display:flex;justify-content:center"><img data-testid="big-qr" alt="{alt}" '
                'src="data:image/svg+xml;base64,{svg}" style="display:block;width:min(100%, calc(100dvh - 11rem));'
                'aspect-ratio:1;image-rendering:pixelated"></div>')


@st.dialog(" ", width="large")
def _big_qr(url: str | None) -> None:
    if url is None:  # the link is longer than any QR code holds
        st.info(t("common.share.too_long"), icon=":material/qr_code:")
        return
    svg = base64.b64encode(qr_svg(url).encode("ascii")).decode("ascii")
    st.html(_BIG_QR_HTML.format(svg=svg, alt=html.escape(t("common.share.qr"))))
    st.caption(t("common.share.scan"))
