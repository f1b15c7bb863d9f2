"""Softmax and its relatives: sigmoid, multi-label outputs, argmax, logsumexp, attention, policies."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_core as sc
from ui import live, theme
from ui.charts import relatives as charts
from ui.components import cached_figure, chart, class_names, code_span, columns, page_setup, quiz, style
from ui.i18n import t
from ui.views import relatives as view

MAX_LABELS = 5
SLIDER_RANGE = 10.0
CAT_AND_CHICKEN = ((3.0, 2.5, -1.5), ("cat", "chicken", "dog"), 0b011)
N_TOKENS = 6
PREFERENCES = np.array([2.0, 1.0, 0.5, -1.0])  # an RL agent's action preferences h(a)

state = page_setup("relatives")
sty = style()


def _on_slider(i: int) -> None:
    values = list(state["logits"])
    values[i] = round(float(st.session_state[state.key(f"z{i}")]), 6)
    state["logits"] = tuple(values)


def _on_present(i: int) -> None:
    mask = state["present"]
    on = st.session_state[state.key(f"has{i}")]
    state["present"] = mask | (1 << i) if on else mask & ~(1 << i)


def _on_example() -> None:
    logits, labels, present = CAT_AND_CHICKEN
    state["logits"], state["labels"], state["present"] = logits, labels, present


@st.cache_data(max_entries=64, show_spinner=False)
def _sigmoid_curves():
    grid = np.linspace(-8.0, 8.0, 161)
    return grid, sc.sigmoid(grid), sc.sigmoid_as_softmax(grid)


@st.cache_data(max_entries=64, show_spinner=False)
def _slice(logits: tuple[float, ...], index: int):
    z = np.asarray(logits)
    others = np.delete(z, index)
    centre = float(others.max())
    return sc.argmax_slice(z, index, np.linspace(centre - 6.0, centre + 6.0, 241))


@st.cache_data(max_entries=64, show_spinner=False)
def _attention(d: int, a: float):
    q, keys = sc.random_query_keys(d, N_TOKENS, seed=7)
    return sc.attention(q, keys, divisor=1.0), sc.attention(q, keys, divisor=float(d) ** a)


all_logits = np.asarray(state["logits"], dtype=float)
if len(all_logits) > MAX_LABELS:
    st.info(t("relatives.first_five", n=MAX_LABELS, k=len(all_logits)), icon=":material/filter_5:")
logits = all_logits[:MAX_LABELS]
k = len(logits)
labels = class_names(state["labels"], len(all_logits))[:k]
present = np.array([(state["present"] >> i) & 1 for i in range(k)], dtype=bool)

PARTS = ("sigmoid", "multilabel", "argmax", "jacobian", "lives", "table")
# One part at a time: every chart costs about as much as a whole bare page to send, so the page shows one part.
part = st.radio(t("relatives.part"), PARTS, key=state.key("part"), horizontal=True,
                format_func=lambda p: t(f"relatives.parts.{p}"))

if part == "sigmoid":
    # ---- 1. sigmoid is a two-class softmax ---------------------------------------------------------------------------
    st.header(t("relatives.sigmoid_heading"))
    left, right = columns([1, 1.4], gap="large")
    left.markdown(t("relatives.sigmoid_proof"))
    grid, sig, soft2 = _sigmoid_curves()
    with right:  # the handle and the curve follow the hand; the summary and table follow the release
        view.sigmoid_handle(state)
        z0 = float(state["z"])
        gap = float(np.max(np.abs(sig - soft2)))
        live.summary_and_table(t("relatives.sigmoid_summary", z=f"{z0:g}", p=f"{float(sc.sigmoid(z0)):.4f}",
                                 gap=f"{gap:.1e}"),
                               lambda: pd.DataFrame({"z": grid, t("relatives.sigmoid_name"): sig,
                                                     t("relatives.softmax2_name"): soft2}), key="sigmoid")
    st.markdown(t("relatives.logistic"))  # after the chart: on a phone the chart follows its slider at once

if part == "multilabel":
    # ---- 2. multi-class against multi-label --------------------------------------------------------------------------
    st.header(t("relatives.multi_heading"))
    st.markdown(t("relatives.multi_intro"))
    inputs, views = columns([1, 2.2], gap="medium")
    with inputs:
        st.button(t("relatives.example"), on_click=_on_example, icon=":material/pets:", width="stretch")
        sliders = bool(np.all(np.abs(logits) <= SLIDER_RANGE))
        if not sliders:
            st.info(t("relatives.no_sliders", r=int(SLIDER_RANGE)), icon=":material/edit_note:")
        for i in range(k):
            key = state.key(f"z{i}")
            if sliders:
                if st.session_state.get(key) != logits[i]:
                    st.session_state[key] = float(logits[i])
                st.slider(code_span(labels[i], limit=24), -SLIDER_RANGE, SLIDER_RANGE, step=0.1, key=key,
                          on_change=_on_slider, args=(i,))
            has = state.key(f"has{i}")
            st.session_state[has] = bool(present[i])
            st.checkbox(t("relatives.in_image", label=code_span(labels[i], limit=24)), key=has, on_change=_on_present,
                        args=(i,))
    outputs = sc.multilabel_outputs(logits, present)
    with views:
        soft_col, sig_col = columns(2)
        with soft_col:
            fig = cached_figure(charts.label_bars, outputs.softmax_probs, labels, style=sty, colour=theme.BAR,
                          title=t("relatives.softmax_view"), y_title=t("relatives.prob_axis"))
            chart(fig, summary=t("relatives.softmax_view_summary", total=f"{outputs.softmax_probs.sum():.4f}"),
                  key="softmax_view")
        with sig_col:
            fig = cached_figure(charts.label_bars, outputs.sigmoid_probs, labels, style=sty, colour=theme.HIGHLIGHT, pattern="/",
                          title=t("relatives.sigmoid_view"), y_title=t("relatives.prob_axis"), line=0.5,
                          line_text=t("relatives.threshold"))
            chart(fig, summary=t("relatives.sigmoid_view_summary", total=f"{outputs.sigmoid_probs.sum():.4f}",
                                 n=int((outputs.sigmoid_probs > 0.5).sum())), key="sigmoid_view")
        st.dataframe(pd.DataFrame({t("relatives.col.label"): labels, t("relatives.col.logit"): logits,
                                   t("relatives.col.present"): present,
                                   t("relatives.col.softmax"): outputs.softmax_probs,
                                   t("relatives.col.sigmoid"): outputs.sigmoid_probs}),
                     hide_index=True, width="stretch")
    if outputs.cross_entropy is None:
        st.markdown(t("relatives.loss_none", bce=f"{outputs.bce_sum:.4f}"))
    else:
        st.markdown(t("relatives.losses", ce=f"{outputs.cross_entropy:.4f}", floor=f"{outputs.cross_entropy_floor:.4f}",
                      n=int(present.sum()), bce=f"{outputs.bce_sum:.4f}"))

if part == "argmax":
    # ---- 3. argmax, softmax, max, logsumexp --------------------------------------------------------------------------
    st.header(t("relatives.argmax_heading"))
    st.markdown(t("relatives.argmax_intro"))
    cls = state["cls"]
    if cls >= k:
        st.warning(t("relatives.cls_too_big", cls=cls, k=k), icon=":material/link_off:")
        cls = 0
        state["cls"] = 0
    cls = st.selectbox(t("relatives.cls"), list(range(k)), format_func=lambda i: labels[i], key=state.key("cls"))
    sl = _slice(tuple(float(v) for v in logits), int(cls))
    name = labels[cls]
    hard_col, lse_col = columns(2)
    with hard_col:
        fig = cached_figure(charts.curves, sl.grid, {t("relatives.soft_name", label=name): sl.soft,
                      t("relatives.hard_name", label=name): sl.hard},
            step=(t("relatives.hard_name", label=name),), style=sty, title=t("relatives.argmax_title"),
            x_title=t("relatives.moving", label=name), y_title=t("relatives.prob_axis"))
        chart(fig, summary=t("relatives.argmax_summary", label=code_span(name)),
              table=lambda: pd.DataFrame({t("relatives.moving", label=name): sl.grid, "argmax": sl.hard,
                                          "softmax": sl.soft}),
              key="argmax")
    with lse_col:
        fig = cached_figure(charts.curves, sl.grid, {"logsumexp": sl.lse, "max": sl.max}, style=sty,
                      title=t("relatives.lse_title"),
                      x_title=t("relatives.moving", label=name), y_title=t("relatives.value_axis"))
        chart(fig, summary=t("relatives.lse_summary", gap=f"{float(np.max(sl.lse - sl.max)):.4f}",
                             log_k=f"{np.log(k):.4f}", k=k),
              table=lambda: pd.DataFrame({t("relatives.moving", label=name): sl.grid, "max": sl.max,
                                          "logsumexp": sl.lse}),
              key="lse")

if part == "jacobian":
    st.subheader(t("relatives.jacobian_heading"))
    probs = sc.softmax(logits)
    jac = sc.softmax_jacobian(probs)
    st.markdown(t("relatives.jacobian_intro"))
    fig = cached_figure(charts.jacobian_heatmap, jac, labels, style=sty, title=t("relatives.jacobian_title"))
    chart(fig, summary=t("relatives.jacobian_summary", diag=f"{float(np.max(np.diag(jac))):.4f}",
                         row=f"{float(np.max(np.abs(jac.sum(axis=1)))):.1e}"),
          table=lambda: pd.DataFrame(jac, columns=[f"∂/∂z[{j}] {labels[j]}" for j in range(k)],
                                     index=[f"p[{i}] {labels[i]}" for i in range(k)]).reset_index(names=""),
          key="jacobian")

if part == "lives":
    # ---- 4. where softmax lives --------------------------------------------------------------------------------------
    st.header(t("relatives.lives_heading"))
    st.subheader(t("relatives.attention_heading"))
    st.markdown(t("relatives.attention_intro"))
    d_col, a_col = columns(2)
    d = d_col.slider(t("relatives.d_slider"), 1, 1024, step=1, key=state.key("d"))
    a = a_col.slider(t("relatives.a_slider"), 0.0, 1.0, step=0.05, key=state.key("a"), help=t("relatives.a_help"))
    plain, scaled = _attention(int(d), float(a))
    tokens = t("relatives.tokens").split(",")[:N_TOKENS]
    weights = {t("relatives.unscaled"): plain.weights, t("relatives.scaled", a=f"{a:g}"): scaled.weights}
    fig = cached_figure(charts.grouped_bars, weights,
                  tokens, style=sty, title=t("relatives.attention_title", d=d),
                  y_title=t("relatives.weight_axis"))
    chart(fig, summary=t("relatives.attention_summary", d=d, top_plain=f"{plain.weights.max():.3f}",
                         top_scaled=f"{scaled.weights.max():.3f}", a=f"{a:g}",
                         h_plain=f"{sc.entropy(plain.weights):.3f}", h_scaled=f"{sc.entropy(scaled.weights):.3f}",
                         h_max=f"{np.log(N_TOKENS):.3f}"),
          table=lambda: pd.DataFrame({t("relatives.col.token"): tokens, t("relatives.col.score_plain"): plain.scores,
                              t("relatives.col.weight_plain"): plain.weights,
                              t("relatives.col.score_scaled"): scaled.scores,
                              t("relatives.col.weight_scaled"): scaled.weights}), key="attention")

    st.subheader(t("relatives.policy_heading"))
    actions = t("relatives.actions").split(",")
    policy = sc.softmax(PREFERENCES)
    step = -sc.cross_entropy_grad(PREFERENCES, 0)  # d log pi(a0) / dh = onehot(a0) - pi
    st.markdown(t("relatives.policy_intro", action=actions[0]))
    st.dataframe(pd.DataFrame({t("relatives.col.action"): actions, "h(a)": PREFERENCES, "π(a)": policy,
                               t("relatives.col.grad", action=actions[0]): step}), hide_index=True, width="stretch")

    st.subheader(t("relatives.lm_heading"))
    st.markdown(t("relatives.lm_body"))
    st.page_link("pages/temperature.py", label=t("relatives.to_temperature"), icon=":material/thermostat:")
    st.markdown(t("relatives.bottleneck"))

if part == "table":
    # ---- 5. the comparison table -------------------------------------------------------------------------------------
    st.header(t("relatives.table_heading"))
    st.markdown(t("relatives.comparison"))

# ---- predict, then reveal -----------------------------------------------------------------------------------------
demo = sc.multilabel_outputs([4.0, 4.0, -3.0], [True, True, False])
quiz("relatives.cat_chicken", question=t("relatives.quiz.question"),
     options=[t("relatives.quiz.a"), t("relatives.quiz.b"), t("relatives.quiz.c")], answer=1,
     explanation=t("relatives.quiz.explanation", soft=f"{demo.softmax_probs[0]:.3f}",
                   sig=f"{demo.sigmoid_probs[0]:.3f}"))
