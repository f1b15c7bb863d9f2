"""Logits -> probabilities: drag a logit, watch every probability move."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_core as sc
from ui.charts import softmax as charts
from ui.components import (chart, class_names, code_span, columns, is_projector, logits_error, logits_input, page_setup,
                           quiz, set_logits, style)
from ui.i18n import t

PARTS = ("steps", "invariances")
MAX_SLIDERS = 12  # more classes than this are edited in the text box
SLIDER_RANGE = 10.0

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
sty = style()
def _on_slider(i: int) -> None:
    values = list(state["logits"])
    values[i] = round(float(st.session_state[state.key(f"z{i}")]), 6)
    set_logits(state, values)


def _on_preset() -> None:
    name = st.session_state[state.key("preset")]
    if name is not None:
        logits, names = PRESETS[name]
        set_logits(state, sc.example_digit_logits()[0] if logits is None else logits)
        state["labels"] = names
    st.session_state[state.key("preset")] = None  # a preset is an action, not a state


def _on_labels() -> None:
    state["labels"] = tuple(sc.parse_labels(st.session_state[state.key("labels_text")]))


def _change(diff: float) -> str:
    """The largest change in a probability, in words: exactly none is said as such, not as "0.0e+00, rounding"."""
    return t("softmax.identical") if diff == 0 else t("softmax.rounding", diff=f"{diff:.1e}")


def _resize(delta: int) -> None:
    values = list(state["logits"])
    set_logits(state, values + [0.0] if delta > 0 else values[:-1])


logits = np.asarray(state["logits"], dtype=float)
k = len(logits)
labels = class_names(state["labels"], k)
st.session_state.setdefault(state.key("labels_text"), ",".join(state["labels"]))

# ---- inputs -------------------------------------------------------------------------------------------------
slider_col, chart_col = st.columns([1, 2] if is_projector() else [1, 2.4], gap="medium")
with slider_col:
    st.subheader(t("softmax.logits_heading"))
    st.selectbox(t("softmax.preset"), list(PRESETS), index=None, key=state.key("preset"),
                 format_func=lambda name: t(f"softmax.presets.{name}"), placeholder=t("softmax.preset_placeholder"),
                 on_change=_on_preset)
    if k <= MAX_SLIDERS and np.all(np.abs(logits) <= SLIDER_RANGE):
        for i in range(k):
            key = state.key(f"z{i}")
            if st.session_state.get(key) != logits[i]:
                st.session_state[key] = float(logits[i])
            st.slider(code_span(labels[i], limit=24), -SLIDER_RANGE, SLIDER_RANGE, step=0.1, key=key,
                      on_change=_on_slider, args=(i,))
    else:
        st.info(t("softmax.no_sliders", n=MAX_SLIDERS, r=int(SLIDER_RANGE)), icon=":material/edit_note:")

# ---- the charts -----------------------------------------------------------------------------------------------
probs = sc.softmax(logits)
winner = int(np.argmax(probs))
# Most probable first, ranked by logit (probabilities that underflow to 0 would tie); ties in class order.
order = np.argsort(-logits, kind="stable")
shown = charts.top_classes(logits)  # the same classes in both charts and the step table


def table() -> pd.DataFrame:  # built only when the student opens it
    return pd.DataFrame({t("softmax.col.class"): labels, t("softmax.col.logit"): logits,
                         t("softmax.col.prob"): probs})


with chart_col:
    # On a projector the big type needs the width: the logit chart goes under the probabilities.
    left, right = columns(2)
    with left:
        fig = charts.probability_bars(probs, labels, style=sty, title=t("softmax.prob_title"),
                                      y_title=t("softmax.prob_axis"), uniform_text=t("softmax.uniform", k=k,
                                      u=f"{1 / k:.3g}"), others_label=t("softmax.others"),
                                      shown=shown)
        chart(fig, summary=t("softmax.prob_summary", winner=code_span(labels[winner]), p=f"{probs[winner]:.4f}",
                             k=k), table=table, key="prob_chart")
    with right:
        fig = charts.logit_bars(logits, labels, style=sty, title=t("softmax.logit_title"),
                                y_title=t("softmax.logit_axis"), others_label=t("softmax.others_logit"))
        chart(fig, summary=t("softmax.logit_summary", winner=code_span(labels[winner]),
                             z=f"{logits[winner]:.4g}"), key="logit_chart")
    if k > 30:
        st.info(t("softmax.folded", k=f"{k:,}"), icon=":material/unfold_less:")

# ---- more or fewer classes, and the logits as text: under the charts, so that on a phone (one column) the
# probability chart comes right after the sliders that move it ---------------------------------------------------
# Side by side the buttons truncate their labels in projector mode.
add, remove, _ = columns([1, 1, 2.4])
add.button(t("softmax.add_class"), on_click=_resize, args=(1,), disabled=k >= MAX_SLIDERS,
           icon=":material/add:", width="stretch")
remove.button(t("softmax.remove_class"), on_click=_resize, args=(-1,), disabled=k <= 2,
              icon=":material/remove:", width="stretch")
# Lazy: closed, it sends nothing, which matters when it would hold 10,000 values on every rerun.
with st.expander(t("softmax.edit_as_text"), expanded=MAX_SLIDERS < k <= 200, icon=":material/edit:",
                 key=state.key("edit_open"), on_change="rerun") as editor:
    if editor.open or logits_error(state) is not None:
        logits_input(state, t("softmax.paste"), help=t("softmax.paste_help"), area=True)
        st.text_input(t("softmax.labels"), key=state.key("labels_text"), on_change=_on_labels,
                      help=t("softmax.labels_help"), max_chars=2000)

# ---- one part at a time: each element drawn adds to every rerun ------------------------------------------------
part = st.radio(t("softmax.part"), PARTS, key=state.key("part"), horizontal=True,
                format_func=lambda name: t(f"softmax.parts.{name}"))
if part == "steps":
    st.header(t("softmax.steps_heading"))
    st.markdown(t("softmax.steps_intro"))
    st.latex(r"p_i = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j")
    rows = order[:len(shown.index)] if shown.folded else np.arange(k)
    parts = sc.softmax_steps(logits)
    steps = pd.DataFrame({
        t("softmax.col.class"): [labels[i] for i in rows],
        t("softmax.col.logit"): logits[rows],
        t("softmax.col.shifted"): parts.shifted[rows],
        t("softmax.col.exp"): parts.exps[rows],
        t("softmax.col.prob"): parts.probs[rows],
    })
    st.dataframe(steps, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.6g") for c in steps.columns[1:]})
    if k > 30:
        st.caption(t("softmax.steps_folded", n=len(rows), k=f"{k:,}"))
    total = float(probs.sum())
    deviation = abs(total - 1.0)
    tolerance = 10.0 ** np.ceil(np.log10(max(deviation, k * np.finfo(float).eps)))
    with np.errstate(over="ignore"):  # e^max overflows for logits past about 709: then Σ e^z is not shown
        raw = float(np.exp(logits.max()) * parts.total)
    sums = (t("softmax.sums_both", shifted=f"{parts.total:.6g}", raw=f"{raw:.6g}") if np.isfinite(raw)
            else t("softmax.sums_shifted", shifted=f"{parts.total:.6g}"))
    st.success(t("softmax.sum_check", sums=sums, total=f"{total:.17g}", dev=f"{deviation:.1e}",
                 tol=f"{tolerance:.0e}", k=k), icon=":material/functions:")

if part == "invariances":
    st.header(t("softmax.invariance_heading"))
    shift_col, scale_col = st.columns(2, gap="large")
    with shift_col:
        st.subheader(t("softmax.shift_heading"))
        c = st.slider(t("softmax.shift_slider"), -10.0, 10.0, step=0.5, key=state.key("c"))
        moved = sc.softmax(logits + c)
        diff = float(np.max(np.abs(moved - probs)))
        st.markdown(t("softmax.shift_result", c=f"{c:+g}", change=_change(diff)))
        st.dataframe(pd.DataFrame({t("softmax.col.class"): labels[:20], t("softmax.col.prob"): probs[:20],
                                   t("softmax.col.prob_shifted"): moved[:20]}), hide_index=True, width="stretch",
                     column_config={t("softmax.col.prob"): st.column_config.NumberColumn(format="%.17g"),
                                    t("softmax.col.prob_shifted"): st.column_config.NumberColumn(format="%.17g")})
    with scale_col:
        st.subheader(t("softmax.scale_heading"))
        s = st.slider(t("softmax.scale_slider"), 0.1, 5.0, step=0.1, key=state.key("s"))
        scaled = sc.softmax(logits * s)
        fig = charts.probability_bars(scaled, labels, style=sty._replace(height=int(sty.height * 0.8)),
                                      title=t("softmax.scaled_title", s=f"{s:g}"), y_title=t("softmax.prob_axis"),
                                      uniform_text=t("softmax.uniform", k=k, u=f"{1 / k:.3g}"),
                                      others_label=t("softmax.others"), shown=shown)
        chart(fig, summary=t("softmax.scaled_summary", s=f"{s:g}", temp=f"{1 / s:.3g}",
                             p=f"{scaled[winner]:.4f}"), key="scaled_chart")
        st.page_link("pages/temperature.py", label=t("softmax.to_temperature", temp=f"{1 / s:.3g}"),
                     icon=":material/thermostat:",
                     query_params={"logits": sc.format_logits(logits[:200]), "T": f"{min(max(1 / s, 0.05), 20):.4g}"})

# ---- the misconception, computed live ---------------------------------------------------------------------------
st.header(t("softmax.myth_heading"))
lead = sc.softmax(np.array([0.1, 0.0]))
with np.errstate(over="ignore", divide="ignore"):  # logits near ±1e308: the gap and odds are honestly inf
    gap = float(logits[order[0]] - logits[order[1]])
    odds = float(np.exp(gap))
st.info(t("softmax.myth_body", p=f"{lead[0]:.4f}", q=f"{lead[1]:.4f}", odds=f"{lead[0] / lead[1]:.4f}",
          gap=f"{gap:.4g}", first=code_span(labels[order[0]]), second=code_span(labels[order[1]]),
          ratio=f"{odds:.4g}"), icon=":material/lightbulb:")

# ---- predict, then reveal ----------------------------------------------------------------------------------------
plus5 = sc.softmax(logits + 5.0)
quiz("softmax.plus5", question=t("softmax.quiz.question"),
     options=[t("softmax.quiz.a"), t("softmax.quiz.b"), t("softmax.quiz.c"), t("softmax.quiz.d")], answer=1,
     explanation=t("softmax.quiz.explanation", change=_change(float(np.max(np.abs(plus5 - probs))))))
