"""Logits -> probabilities: drag a logit, watch every probability move."""

import numpy as np
import streamlit as st

import softmax_core as sc
from ui.charts import softmax as charts
from ui.components import (class_names, code_span, is_projector, logits_error, logits_input, page_fragment,
                           page_setup, quiz, set_logits, style)
from ui.i18n import t
from ui.views import softmax as view
from ui.views.softmax import MAX_SLIDERS

PARTS = ("steps", "invariances")

PRESETS = {  # catalogue key -> (logits, class names): the usual worked examples, and cases that teach
    "all_equal": ((1.0, 1.0, 1.0), ()),
    "c_moves": ((1.0, 1.0, 1.5), ()),
    "one_strong": ((-5.0, -5.0, 5.0), ()),
    "all_negative": ((-2.0, -1.0, -1.0), ()),
    "course": ((2.0, 1.0, 0.5), ()),
    "notebook": ((1.6, 1.1, 1.1), ()),
    "digits": (None, tuple("0123456789")),  # real logits, computed on first use
}


state = page_setup("softmax")


def _on_preset() -> None:
    name = st.session_state[state.key("preset")]
    if name is not None:
        logits, names = PRESETS[name]
        set_logits(state, sc.example_digit_logits()[0] if logits is None else logits)
        state["labels"] = names
    st.session_state[state.key("preset")] = None  # a preset is an action, not a state


def _on_labels() -> None:
    state["labels"] = tuple(sc.parse_labels(st.session_state[state.key("labels_text")]))


def _resize(delta: int) -> None:
    values = list(state["logits"])
    set_logits(state, values + [0.0] if delta > 0 else values[:-1])


# ---- what a logit move cannot change: drawn on a full run only -------------------------------------------------
# A width, not a narrow column: columns are three more elements on every rerun.
st.selectbox(t("softmax.preset"), list(PRESETS), index=None, key=state.key("preset"),
             format_func=lambda name: t(f"softmax.presets.{name}"), placeholder=t("softmax.preset_placeholder"),
             on_change=_on_preset, width="stretch" if is_projector() else 360)
editor_slot = st.container()  # the live editor, Add/Remove and the text box (follow_logits below)
# ---- one part at a time: each element drawn adds to every rerun ------------------------------------------------
part = st.radio(t("softmax.part"), PARTS, key=state.key("part"), horizontal=True,
                format_func=lambda name: t(f"softmax.parts.{name}"))
if part == "steps":
    view.steps_intro()
part_slot = st.container()
st.header(t("softmax.myth_heading"))


@page_fragment
def follow_logits() -> None:
    """Everything the logits decide; a handle move reruns only this (and the link after it)."""
    logits = np.asarray(state["logits"], dtype=float)
    k = len(logits)
    labels = class_names(state["labels"], k)
    st.session_state.setdefault(state.key("labels_text"), ",".join(state["labels"]))
    probs = sc.softmax(logits)
    # Most probable first, ranked by logit (probabilities that underflow to 0 would tie); ties in class order.
    order = np.argsort(-logits, kind="stable")
    shown = charts.top_classes(logits)  # the same classes in both charts and the step table

    # ---- the live editor: handles and charts that follow the hand (or, with many classes, the Plotly charts) ----
    with editor_slot:
        table = view.probability_table(logits, labels, probs)
        if view.has_handles(logits):
            view.live_charts(state, logits, labels, probs, table)
        else:
            view.plotly_charts(logits, labels, probs, table, style(), shown=shown)
        # More or fewer classes, and the logits as text: under the charts, so that on a phone (one column) the
        # probability chart comes right after the handles that move it. One row that wraps (labels are never
        # truncated, in projector mode too): one element, not three columns.
        with st.container(horizontal=True):
            st.button(t("softmax.add_class"), on_click=_resize, args=(1,), disabled=k >= MAX_SLIDERS,
                      icon=":material/add:")
            st.button(t("softmax.remove_class"), on_click=_resize, args=(-1,), disabled=k <= 2,
                      icon=":material/remove:")
        # Lazy: closed, it sends nothing, which matters when it would hold 10,000 values on every rerun.
        with st.expander(t("softmax.edit_as_text"), expanded=MAX_SLIDERS < k <= 200, icon=":material/edit:",
                         key=state.key("edit_open"), on_change="rerun") as editor:
            if editor.open or logits_error(state) is not None:
                logits_input(state, t("softmax.paste"), help=t("softmax.paste_help"), area=True)
                st.text_input(t("softmax.labels"), key=state.key("labels_text"), on_change=_on_labels,
                              help=t("softmax.labels_help"), max_chars=2000)

    with part_slot:
        if part == "steps":
            view.steps_part(logits, labels, probs, order, shown)
        elif part == "invariances":
            view.invariances_part(state, logits, labels, probs, shown, style())

    # ---- the misconception, computed live ---------------------------------------------------------------------
    lead = sc.softmax(np.array([0.1, 0.0]))
    with np.errstate(over="ignore", divide="ignore"):  # logits near ±1e308: the gap and odds are honestly inf
        gap = float(logits[order[0]] - logits[order[1]])
        odds = float(np.exp(gap))
    st.info(t("softmax.myth_body", p=f"{lead[0]:.4f}", q=f"{lead[1]:.4f}", odds=f"{lead[0] / lead[1]:.4f}",
              gap=f"{gap:.4g}", first=code_span(labels[order[0]]), second=code_span(labels[order[1]]),
              ratio=f"{odds:.4g}"), icon=":material/lightbulb:")

    # ---- predict, then reveal ------------------------------------------------------------------------------------
    plus5 = sc.softmax(logits + 5.0)
    quiz("softmax.plus5", question=t("softmax.quiz.question"),
         options=[t("softmax.quiz.a"), t("softmax.quiz.b"), t("softmax.quiz.c"), t("softmax.quiz.d")], answer=1,
         explanation=t("softmax.quiz.explanation",
                       change=view.change_in_words(float(np.max(np.abs(plus5 - probs))))))


follow_logits()
