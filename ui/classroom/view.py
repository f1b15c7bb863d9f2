"""Class mode on screen: the sidebar's room controls, the room's status above the page, the teacher's live poll
and the students' voting quiz. The rooms themselves live in ``ui.classroom.store``.

Who is who is held per browser session: ``_class.room`` for everyone in a room, ``_class.key`` for the teacher
only. Both come from the URL once per session (``room=``, ``teacher=``) or from "Start class mode". Every store
call goes through ``_guard``: when the store cannot be reached, class mode says so and the page goes on.
"""

from __future__ import annotations

import html
import os
import secrets
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, urlencode

import streamlit as st

from ui.classroom import store as rooms
from ui.classroom.poll import option_letter, poll_html
from ui.components import code_span, is_projector
from ui.i18n import t
from ui.nav import BY_KEY
from ui.params import CLASSROOM
from ui.state import read_query

ROOM, KEY, READ, ASKED, PUBLISHED, NOTICES, DRAWN, CAUGHT_UP, VOTER = (
    "_class.room", "_class.key", "_class.read", "_class.asked", "_class.published", "_class.notices",
    "_class.drawn", "_class.caught_up", "_class.voter")
TEACHER_EVERY, STUDENT_EVERY = 1.0, 2.0  # seconds between polls: the projector's chart, a student's page


@st.cache_resource(show_spinner=False)
def store() -> rooms.MemoryStore | rooms.RedisStore:
    """One store per server process: in-process, or Redis when ``REDIS_URL`` is set."""
    return rooms.store_from_env(os.environ)


def _notice(kind: str, value) -> None:
    notices = st.session_state.setdefault(NOTICES, [])
    if (kind, value) not in notices:
        notices.append((kind, value))


def _guard(call: Callable, default=None):
    """``call()``, or ``default`` with a notice when the store is down: class mode never breaks a page."""
    try:
        return call()
    except rooms.StoreUnavailable:
        _notice("warning", t("classroom.unavailable"))
        return default


def _voter() -> str:
    """This browser session's anonymous voter id: one vote per session and question, nothing personal."""
    if VOTER not in st.session_state:
        st.session_state[VOTER] = secrets.token_urlsafe(12)
    return st.session_state[VOTER]


def room_code() -> str | None:
    return st.session_state.get(ROOM)


def is_teacher() -> bool:
    return bool(st.session_state.get(KEY)) and room_code() is not None


def spaced(code: str) -> str:
    """A code as it is read aloud: two groups of three."""
    return f"{code[:3]} {code[3:]}"


# ---- joining: the URL, once per session -----------------------------------------------------------------------

def _read_url() -> None:
    """Take ``room`` and ``teacher`` from the landing URL: warn about malformed values like every parameter,
    and say so when the room does not exist or the key does not open it."""
    st.session_state[READ] = True
    values, warnings = read_query(CLASSROOM, {p.name: st.query_params[p.name] for p in CLASSROOM
                                              if p.name in st.query_params}, {})
    for name, raw, _ in warnings:
        _notice("param", (name, raw))
    code, key = values["room"], values["teacher"]
    if code:
        room = _guard(lambda: store().room(code), default=False)
        if room is None:
            _notice("warning", t("classroom.no_such_room", code=spaced(code)))
        elif room is not False:
            st.session_state[ROOM] = code
            if key and _guard(lambda: store().is_teacher(code, key), default=False):
                st.session_state[KEY] = key
            elif key:
                _notice("warning", t("classroom.wrong_key"))


def _show_notices() -> None:
    for kind, value in st.session_state.pop(NOTICES, []):
        if kind == "param":  # the same words as every other unusable link value
            name, raw = value
            st.warning(t("common.param_warning", name=code_span(name), value=code_span(raw),
                         reason=t(f"classroom.bad_{name}")), icon=":material/link_off:")
        else:
            st.warning(value, icon=":material/groups:")


# ---- the sidebar -------------------------------------------------------------------------------------------------

def _start() -> None:
    try:
        code, key = store().create_room()
    except rooms.StoreUnavailable:
        _notice("warning", t("classroom.unavailable"))
        return
    except rooms.RoomsFull:
        _notice("warning", t("classroom.too_many_rooms"))
        return
    st.session_state.update({ROOM: code, KEY: key})
    st.session_state.pop(PUBLISHED, None)


def _close() -> None:
    code, key = room_code(), st.session_state.get(KEY)
    if code and key:
        _guard(lambda: store().close(code, key))
    _leave()


def _leave() -> None:
    for name in (ROOM, KEY, PUBLISHED):
        st.session_state.pop(name, None)


def sidebar() -> None:
    """Start class mode; or, in a room, its code and the way out."""
    if READ not in st.session_state:
        _read_url()
    st.markdown(f"**{t('classroom.heading')}**")
    code = room_code()
    if code is None:
        st.button(t("classroom.start"), icon=":material/groups:", on_click=_start, width="stretch",
                  help=t("classroom.start_help"))
    elif is_teacher():
        st.markdown(t("classroom.teacher_in", code=spaced(code)))
        st.button(t("classroom.close"), icon=":material/logout:", on_click=_close, width="stretch",
                  help=t("classroom.close_help"))
    else:
        st.markdown(t("classroom.student_in", code=spaced(code)))
        st.button(t("classroom.leave"), icon=":material/logout:", on_click=_leave, width="stretch")


# ---- above the page ---------------------------------------------------------------------------------------------

def begin_page() -> None:
    """Before each run of the page (a full run, or the page's own): quiz() records what this run asks and draws;
    DRAWN is "" once a whole page run has drawn no class quiz."""
    st.session_state[ASKED] = st.session_state[DRAWN] = None


def room_bar(page: str) -> None:
    """Class-mode notices, and the room's status above the page: the code for the teacher, and for students the
    link to follow when the teacher has moved to another page."""
    _show_notices()
    code = room_code()
    if code is None:
        return
    if is_teacher():
        size = "2.2rem" if is_projector() else "1.6rem"
        st.html(f'<div style="font-size:1rem;line-height:1.4">{html.escape(t("classroom.join"))} '
                f'<span style="font-size:{size};font-weight:700;letter-spacing:0.08em;white-space:nowrap">'
                f'{spaced(code)}</span></div>')
    else:
        room = _guard(lambda: store().room(code), default=False)
        if room and room.page == page and room.question.partition(".")[0] == page:
            # This page's quiz polls the room and shows where the teacher goes next: one poller per student.
            st.caption(t("classroom.following", code=spaced(code)))
        else:
            _student_bar(page)


@st.fragment(run_every=STUDENT_EVERY)
def _student_bar(page: str) -> None:
    code = room_code()
    if code is None:
        return
    room = _guard(lambda: store().room(code), default=False)
    if room is False:
        st.warning(t("classroom.unavailable"), icon=":material/cloud_off:")
    elif room is None:
        st.info(t("classroom.closed"), icon=":material/groups:")
        _leave()
    elif not _follow_link(room, page):
        st.caption(t("classroom.following", code=spaced(code)))
        if (room.question and room.page == page and st.session_state.get(DRAWN) == ""
                and st.session_state.get(CAUGHT_UP) != (room.question, room.round)):
            # The teacher has just asked this page's question: redraw the page once so its quiz takes votes.
            st.session_state[CAUGHT_UP] = (room.question, room.round)
            st.rerun()


def _follow_link(room: rooms.Room, page: str) -> bool:
    """When the teacher shows another page: a link to it, with the teacher's settings of that page."""
    if not room.page or room.page == page or room.page not in BY_KEY:
        return False
    with st.container(border=True):
        st.page_link(BY_KEY[room.page].file, icon=":material/arrow_forward:",
                     label=t("classroom.moved", page=t(f"{room.page}.nav_title")),
                     query_params=dict(parse_qsl(room.page_query)))
    return True


def after_page(page: str) -> tuple[dict[str, str], dict[str, str]]:
    """After the page ran: the teacher's page and question go to the room, and the URL gets ``room`` for
    everyone in it (shared) and ``teacher`` for the teacher (this browser's URL only)."""
    code = room_code()
    if code is None:
        return {}, {}
    if not is_teacher():
        if st.session_state.get(DRAWN) is None:
            st.session_state[DRAWN] = ""
        return {"room": code}, {}
    if _publish(page) is False:  # the room has expired or was closed elsewhere
        _leave()
        return {}, {}
    return {"room": code}, {"teacher": st.session_state[KEY]}


def _publish(page: str) -> bool | None:
    """Tell the room what the teacher shows (page, its settings, the question), when that has changed.
    True when the room has it, False when the room is gone, None when the store is down."""
    code, key = room_code(), st.session_state[KEY]
    state = st.session_state.get(f"_state.{page}")
    question, n_options = st.session_state.get(ASKED) or ("", 0)
    shown = (page, urlencode(state.query(), safe=",") if state is not None else "", question, n_options)
    if st.session_state.get(PUBLISHED) == shown:
        return True
    ok = _guard(lambda: store().publish(code, key, page=page, page_query=shown[1], question=question,
                                        n_options=n_options))
    if ok:
        st.session_state[PUBLISHED] = shown
    return ok


# ---- the quiz in a room ----------------------------------------------------------------------------------------

def class_quiz(key: str, *, question: str, options: Sequence[str], answer: int, explanation: str) -> bool:
    """The quiz as class mode draws it, or False when this quiz is not the room's question (then the ordinary
    quiz is drawn): the teacher gets the live poll, students vote."""
    code = room_code()
    if code is None:
        return False
    if is_teacher():
        st.session_state[ASKED] = (key, len(options))
        _publish(st.session_state.get("_page", ""))  # now, so the poll below is live from its first drawing
        with st.container(border=True):
            st.markdown(f"**{t('common.quiz.heading')}** {question}")
            _teacher_poll(code, key, tuple(options), answer, explanation)
        return True
    room = _guard(lambda: store().room(code))
    if room is None or room.question != key:
        return False
    st.session_state[DRAWN] = key
    with st.container(border=True):
        st.markdown(f"**{t('common.quiz.heading')}** {question}")
        _student_quiz(code, key, question, tuple(options), answer, explanation)
    return True


def _control(action: str) -> None:
    # The store checks the key again: a forged click without the right key changes nothing.
    code, key = room_code(), st.session_state.get(KEY)
    if code and key:
        _guard(lambda: getattr(store(), action)(code, key))


@st.fragment(run_every=TEACHER_EVERY)
def _teacher_poll(code: str, key: str, options: tuple[str, ...], answer: int, explanation: str) -> None:
    room = _guard(lambda: store().room(code), default=False)
    if room is False:
        st.warning(t("classroom.unavailable"), icon=":material/cloud_off:")
        return
    if room is None:
        st.info(t("classroom.closed"), icon=":material/groups:")
        return
    live = room.question == key and len(room.counts) == len(options)
    counts = room.counts if live else (0,) * len(options)
    revealed = live and room.revealed
    summary = t("classroom.summary", n=sum(counts), counts=", ".join(
        f"{option_letter(i)} {c}" for i, c in enumerate(counts)))
    st.html(poll_html(options, counts, answer=answer if revealed else None, summary=summary,
                      right_label=t("classroom.right_option")))
    st.markdown(t("classroom.answers", n=sum(counts)))
    left, right = st.columns(2)
    left.button(t("classroom.reveal"), key=f"class.{key}.reveal", icon=":material/visibility:", type="primary",
                disabled=revealed or not live, on_click=_control, args=("reveal",), width="stretch")
    right.button(t("classroom.reset"), key=f"class.{key}.reset", icon=":material/restart_alt:",
                 disabled=not live, on_click=_control, args=("reset",), width="stretch")
    if revealed:
        st.markdown(explanation)


def _vote(code: str, key: str, options: tuple[str, ...]) -> None:
    choice = st.session_state.get(f"class.{key}.choice")
    if choice in options:
        status = _guard(lambda: store().vote(code, _voter(), key, options.index(choice)))
        if status in (rooms.FULL, rooms.CLOSED, rooms.NOT_CURRENT):
            st.session_state[f"class.{key}.status"] = status


@st.fragment(run_every=STUDENT_EVERY)
def _student_quiz(code: str, key: str, question: str, options: tuple[str, ...], answer: int,
                  explanation: str) -> None:
    choice_key, round_key = f"class.{key}.choice", f"class.{key}.round"
    room = _guard(lambda: store().room(code, session=_voter()), default=False)
    if room is False:
        st.warning(t("classroom.unavailable"), icon=":material/cloud_off:")
        return
    if room is None or room.question != key:
        if room is None or not _follow_link(room, st.session_state.get("_page", "")):
            st.info(t("classroom.closed" if room is None else "classroom.moved_on"), icon=":material/groups:")
        return
    if st.session_state.get(round_key, room.round) != room.round:
        st.session_state.pop(choice_key, None)  # the teacher reset the question: answer afresh
    st.session_state[round_key] = room.round
    if room.my_vote is not None:
        st.session_state[choice_key] = options[room.my_vote]  # what the room counted, in this language
    st.radio(question, options, index=None, key=choice_key, label_visibility="collapsed",
             disabled=room.revealed, on_change=_vote, args=(code, key, options))
    status = st.session_state.pop(f"class.{key}.status", None)
    if status == rooms.FULL:
        st.warning(t("classroom.full"), icon=":material/groups:")
    if not room.revealed:
        st.caption(t("classroom.counts_until_reveal" if room.my_vote is not None else "classroom.pick"))
        return
    if room.my_vote is None:
        st.info(t("classroom.no_answer", answer=options[answer]), icon=":material/info:")
    elif room.my_vote == answer:
        st.success(t("common.quiz.right"), icon=":material/check_circle:")
    else:
        st.error(t("common.quiz.wrong", answer=options[answer]), icon=":material/cancel:")
    st.markdown(explanation)
