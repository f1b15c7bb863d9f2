"""Softmax, seen: the entry point. Page config, the shared sidebar, navigation, and the URL sync."""

from urllib.parse import urlsplit

import streamlit as st

from ui import state
from ui.classroom import view as classroom
from ui.components import (SHELL_ACTIVE, begin_page_run, carry_run_values, finish_page, is_projector, lan_addresses,
                           set_projector, share_frame, share_link, share_origin, show_param_warnings, start_page)
from ui.i18n import LANGS, lang_from_locale, language_name, set_language, t
from ui.nav import PAGES
from ui.params import GLOBAL

# The shell's own settings come from the URL once per session; afterwards the sidebar widgets hold them.
if "lang_select" not in st.session_state:
    values, warnings = state.read_query(GLOBAL, st.query_params.to_dict(), {})
    st.session_state["lang_select"] = values["lang"] or lang_from_locale(st.context.locale)
    st.session_state["projector_toggle"] = values["projector"]
    st.session_state["_global_warnings"] = warnings

set_language(st.session_state["lang_select"])
set_projector(st.session_state["projector_toggle"])
# An emoji favicon is drawn by the browser; a :material: one would be fetched from a font CDN.
# "auto": the sidebar starts open on a wide screen and closed on a phone, where it would cover the page.
# In projector mode it closes (also right after the teacher turns the mode on: the browser acts on a change of
# this value), so its 380 px do not push the charts below a 720 px screen; its arrow opens it again.
st.set_page_config(page_title=t("common.app_title"), page_icon="📊", layout="wide",
                   initial_sidebar_state="collapsed" if is_projector() else "auto")

pages, sections = {}, {}
for entry in PAGES:
    page = st.Page(entry.file, title=t(f"{entry.key}.nav_title"), url_path=entry.url_path, icon=entry.icon,
                   default=entry.key == "home")
    pages[page.url_path] = entry
    sections.setdefault(t(entry.section), []).append(page)
current = st.navigation(sections)
entry = pages.get(current.url_path, PAGES[0])

# The link a phone can open: this server's address, this page's path, and (after the page) this view's state. A
# loopback origin (a teacher on localhost) is swapped for this machine's LAN address, which the phones can reach.
parts = urlsplit(st.context.url or "")
origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://localhost:8501"
shared = share_origin(origin, lan=lan_addresses(), server_address=st.get_option("server.address") or "")
base_path = st.get_option("server.baseUrlPath").strip("/")
path = "/".join(p for p in (base_path, "" if entry.key == "home" else entry.url_path) if p)

with st.sidebar:
    st.selectbox(t("common.language"), LANGS, format_func=language_name, key="lang_select")
    st.toggle(t("common.projector"), key="projector_toggle", help=t("common.projector_help"))
    # Class mode: start a room, or the room this session is in. Above the share box, whose link then carries it.
    classroom.sidebar()
    link_host = share_frame(shared, browser_origin=origin, page_title=t(f"{entry.key}.nav_title"))

if is_projector():
    # rem-based sizes scale with the root font size: one rule enlarges all text.
    # The sidebar's width only while open: on a closed one it would leave a strip over the page.
    # The page's top padding (6rem, 144 px at this size) halved, so a 720 px screen shows the chart, not air.
    st.html("<style>html { font-size: 24px; } "
            "[data-testid='stSidebar'][data-collapsed='false'] { min-width: 380px; } "
            "[data-testid='stMainBlockContainer'] { padding-top: 3rem; }</style>")

show_param_warnings(st.session_state.pop("_global_warnings", []))
classroom.room_bar(entry.key)


def link_and_share(link_slot) -> None:
    """After the page: its state into the URL, the teacher's page to the room, the link and QR into the share box."""
    global_query = {"lang": st.session_state["lang_select"]}
    if is_projector():
        global_query["projector"] = "1"
    room_query, teacher_query = classroom.after_page(entry.key)  # publishes the teacher's page to the room
    global_query.update(room_query)
    query = state.sync(global_query, private=teacher_query)

    with link_slot:
        share_link(f"{shared.origin}/{path}?{query}")


@st.fragment
def page_and_link() -> None:
    """The page, and after it the link: a fragment, so that a widget on the page reruns only this, not the
    shell around it (sidebar, navigation), which was a third of a slider move's rerun in a lecture hall.
    A page may hold a smaller fragment of its own (ui.components.page_fragment), which then does the link."""
    carry_run_values()
    classroom.begin_page()
    state.begin_run(entry.key)
    begin_page_run()
    # The link's place is made by this fragment, not by the main script: Streamlit lets a page's own fragment,
    # rerun inside this one, write only to containers that a running fragment made.
    with link_host:
        link_slot = st.container()
    start_page(lambda: link_and_share(link_slot))
    st.session_state[SHELL_ACTIVE] = True
    try:
        # st.navigation lets its page run once per full run; this fragment runs it again on each of its own
        # reruns (same page, same script hash, so every widget keeps its id and state).
        current._can_be_called = True
        current.run()
    finally:
        st.session_state[SHELL_ACTIVE] = False
    finish_page()


page_and_link()
