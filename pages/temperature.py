"""Temperature: divide the logits by T, watch the distribution sharpen or flatten, then sample from it."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_core as sc
from ui.charts import temperature as charts
from ui import live
from ui.components import (cached_figure, cached_result, chart, class_names, code_span, columns, is_projector,
                           logits_error, logits_input, page_setup, quiz, set_logits, style)
from ui.i18n import current_language, t
from ui.views import temperature as view

PARTS = ("curves", "animation", "sampling", "next_word", "decisions")
PRESETS = {  # catalogue key -> logits; the usual worked examples plus two that show ties and near-ties
    "course": (2.0, 1.0, 0.5),
    "tie": (2.0, 2.0, 1.0, 0.0),
    "close": (1.0, 0.9, 0.8, 0.7, 0.6),
    "one_strong": (5.0, 1.0, 0.0, -1.0),
    "digits": (-1.2, 0.4, 2.1, 7.9, -2.3, 3.6, -0.8, 1.0, 4.4, 0.2),
}
# Illustrative next-word logits (no language model runs here); the words are in the catalogues.
NEXT_LOGITS = (3.1, 2.8, 2.2, 1.9, 1.5, 1.2, 0.9, 0.6, 0.1, -0.6, -1.4, -2.5)
# The agent's action preferences h for the decision demo; action names are in the catalogues.
PREFERENCES = (1.0, 0.7, 0.2, -0.5)
RUN_STEPS = 30
SHOWN_DRAWS = 20
TABLE_ROWS = 200

state = page_setup("temperature")
sty = style()
GRID = sc.slider_temperatures()


_MEMO = "_temperature.memo"


def _sweep(logits: tuple[float, ...], n: int) -> sc.TemperatureSweep:
    return cached_result(sc.temperature_sweep, logits, sc.temperature_grid(n))


def _memo(slot: str, make):
    """``make()``, kept in the session until T, the logits, the labels, the language or the display mode change.
    A rerun that changed none of them (a quiz click, another part's widget) then reuses the figures and tables as
    they are: st.cache_resource would hash every array argument again and pandas would rebuild every table."""
    key = (state["T"], state["logits"], state["labels"], current_language(), sty)
    memo = st.session_state.setdefault(_MEMO, {})
    hit = memo.get(slot)
    if hit is None or hit[0] != key:
        hit = memo[slot] = (key, make())
    return hit[1]


def _on_preset() -> None:
    name = st.session_state[state.key("preset")]
    if name is not None:
        set_logits(state, PRESETS[name])
        state["labels"] = tuple("0123456789") if name == "digits" else ()
    st.session_state[state.key("preset")] = None  # a preset is an action, not a state


def _new_seed() -> None:
    state["seed"] = int(np.random.default_rng().integers(0, 2**32))


def _t_slider(name: str, label: str, help_text: str) -> float:
    """A slider over round, log-spaced temperatures; a value from a link is kept exactly, even off the grid."""
    current = float(state[name])
    options = sorted(set(GRID) | {current})
    return float(st.select_slider(label, options=options, key=state.key(name), help=help_text,
                                  format_func=lambda v: f"{v:g}"))


def _view():
    """The numbers the page shows, from the current state (T, logits, labels)."""
    def make():
        z = np.asarray(state["logits"], dtype=float)
        temp = float(state["T"])
        return z, len(z), class_names(state["labels"], len(z)), temp, sc.softmax(z, temperature=temp), sc.softmax(z)
    return _memo("view", make)


def _bars():
    logits, k, labels, T, probs, ghost = _view()
    return cached_figure(charts.temperature_bars, probs, None if T == 1.0 else ghost, tuple(labels), style=sty,
                        title=t("temperature.bars_title", T=f"{T:g}"), y_title=t("temperature.prob_axis"),
                        now_name=t("temperature.now_name", T=f"{T:g}"), ghost_name=t("temperature.ghost_name"),
                        uniform_text=t("temperature.uniform", k=k, u=f"{1 / k:.3g}"),
                        others_label=t("temperature.others"))


def _bars_table():
    """The numbers behind the bars at T, built only when the student opens the table."""
    logits, k, labels, T, probs, ghost = _view()

    def table():
        order = np.argsort(-probs, kind="stable")[:TABLE_ROWS]
        return pd.DataFrame({t("temperature.col.class"): [labels[i] for i in order],
                             t("temperature.col.logit"): logits[order],
                             t("temperature.col.scaled"): logits[order] / T,
                             t("temperature.col.prob_T"): probs[order],
                             **({} if T == 1.0 else {t("temperature.col.prob_1"): ghost[order]})})
    return table


def _logits_box() -> None:
    with st.expander(t("temperature.logits_heading"), expanded=logits_error(state) is not None,
                     icon=":material/edit:"):
        st.selectbox(t("temperature.preset"), list(PRESETS), index=None, key=state.key("preset"),
                     format_func=lambda name: t(f"temperature.presets.{name}"),
                     placeholder=t("temperature.preset_placeholder"), on_change=_on_preset)
        logits_input(state, t("temperature.logits_text"), help=t("temperature.logits_help"))


def _top() -> None:
    """T, the readouts and the first chart. Not a fragment: a fragment rerun followed by the whole-page rerun
    that the link and the curves need took twice as long in a real browser as one plain rerun."""
    logits, k, labels, T, probs, ghost = _view()
    top = int(np.argmax(probs))
    at_one = T == 1.0  # the plain softmax: a comparison with T = 1 would only repeat it
    summary = t("temperature.bars_summary_at_1" if at_one else "temperature.bars_summary", T=f"{T:g}",
                winner=code_span(labels[top]), p=f"{probs[top]:.4f}", p1=f"{ghost[top]:.4f}")
    if k <= view.LIVE_BARS:
        # The handle, the bars at T and the readouts are drawn in the browser and follow the hand.
        view.t_handle(state, logits=logits, labels=labels)
        live.summary_and_table(summary, _bars_table(), key="temperature_bars")
        _logits_box()
        return
    H, H_bits, log_k = float(sc.entropy(probs)), float(sc.entropy_bits(probs)), float(np.log(k))
    # The slider right above the chart, and the readouts after it: on a phone the columns stack, and the chart
    # must stay in view while the thumb moves.
    _t_slider("T", t("temperature.T"), t("temperature.T_help"))
    chart_col, ctrl_col = st.columns([2.2, 1], gap="medium")
    with chart_col:
        chart(_memo("bars", _bars), summary=summary, table=_bars_table(), key="temperature_bars")
    with ctrl_col:
        st.metric(t("temperature.top_prob"), f"{probs[top]:.4f}",
                  delta=None if at_one else f"{probs[top] - ghost[top]:+.4f}",
                 help=t("temperature.top_prob_help"))
        st.metric(t("temperature.effective"), f"{float(sc.effective_choices(probs)):.3g}",
                 help=t("temperature.effective_help", k=k))
        st.markdown(t("temperature.entropy_readout", h=f"{H:.4f}", bits=f"{H_bits:.4f}", max=f"{log_k:.4f}",
                      max_bits=f"{log_k / np.log(2):.4f}", k=k, share=f"{H / log_k:.0%}"))
        _logits_box()


_top()
logits, k, labels, T, probs, ghost = _view()
H, log_k = float(sc.entropy(probs)), float(np.log(k))

tied = np.flatnonzero(sc.temperature_limits(logits).cold)  # the classes that share the argmax limit
names = ", ".join(code_span(labels[i], limit=20) for i in tied[:6]) + (", …" if len(tied) > 6 else "")
cold = (t("temperature.limits_one", winner=names) if len(tied) == 1 else
        t("temperature.limits_tie", m=len(tied), share=f"{1 / len(tied):.3g}", tied=names))
st.info(t("temperature.limits_body", cold=cold, u=f"{1 / k:.3g}"), icon=":material/thermostat:")
if T <= sc.TEMPERATURE_LO:
    st.warning(t("temperature.at_floor", T=f"{T:g}"), icon=":material/ac_unit:")

# ---- one part at a time: every element drawn adds to every rerun, so only the part chosen is drawn -------------
# The settings of the hidden parts (N, seed, k, p, tau) stay in the session and the link (ui/state restores them).
seed = int(state["seed"])  # every random draw on the page, whichever part holds its box
part = st.radio(t("temperature.part"), PARTS, key=state.key("part"), horizontal=True,
                format_func=lambda name: t(f"temperature.parts.{name}"))

# ---- curves over T ------------------------------------------------------------------------------------------------
def _curves():
    """The two charts over T with their tables (T first, then one column per class)."""
    sweep = _sweep(tuple(logits), 121)
    curves = cached_figure(charts.class_curves, sweep.temperatures, sweep.probs, tuple(labels), current=T,
                     current_probs=probs, ghost=ghost, style=sty, title=t("temperature.curves_title"),
                     x_title=t("temperature.T_axis"), y_title=t("temperature.prob_axis"),
                     cold_text=t("temperature.cold_note"), hot_text=t("temperature.hot_note"),
                     now_name=t("temperature.now_name", T=f"{T:g}"))
    every = sweep.temperatures[::10]

    def curves_table():
        column = "T"
        while column in labels:  # the 20th default class is called T too, and a table's columns must differ
            column += "′"
        return pd.concat([pd.DataFrame({column: every}), pd.DataFrame(sweep.probs[::10], columns=labels)], axis=1)
    entropy = cached_figure(charts.entropy_curve, sweep.temperatures, sweep.entropy, current=T, current_entropy=H,
                      k=k, style=sty, title=t("temperature.entropy_title"), x_title=t("temperature.T_axis"),
                      y_title=t("temperature.entropy_axis"), max_text=t("temperature.max_entropy", max=f"{log_k:.3f}"),
                      cold_text=t("temperature.cold_note"), hot_text=t("temperature.hot_note"),
                      now_name=t("temperature.now_name", T=f"{T:g}"))
    return curves, curves_table, entropy, lambda: pd.DataFrame({"T": every,
                                                                t("temperature.col.entropy"): sweep.entropy[::10]})


if part == "curves":
    st.header(t("temperature.curves_heading"))
    curves_fig, curves_table, entropy_fig, entropy_table = _memo("curves", _curves)
    curve_col, entropy_col = columns(2, gap="medium")
    with curve_col:
        shown = min(k, charts.MAX_CURVES)
        chart(curves_fig, summary=t("temperature.curves_summary", T=f"{T:g}", n=shown, k=k), key="temperature_curves",
              table=curves_table)
    with entropy_col:
        chart(entropy_fig, summary=t("temperature.entropy_summary", T=f"{T:g}", h=f"{H:.3f}", max=f"{log_k:.3f}"),
              key="temperature_entropy", table=entropy_table)

# ---- the animation ------------------------------------------------------------------------------------------------
if part == "animation":
    st.header(t("temperature.animation_heading"))
    st.markdown(t("temperature.animation_intro"))
    frames = _sweep(tuple(logits), 41)
    fig = cached_figure(charts.sweep_animation, frames.temperatures, frames.probs, tuple(labels), style=sty,
                  title=t("temperature.animation_title"), y_title=t("temperature.prob_axis"),
                  frame_text=t("temperature.frame_text"), play=t("temperature.play"), pause=t("temperature.pause"),
                  others_label=t("temperature.others"))
    chart(fig, summary=t("temperature.animation_summary", n=len(frames.temperatures)), key="temperature_animation")

# ---- sampling -----------------------------------------------------------------------------------------------------
if part == "sampling":
    st.header(t("temperature.sampling_heading"))
    st.markdown(t("temperature.sampling_intro"))
    n_col, seed_col, button_col = st.columns([1, 1, 0.6], vertical_alignment="bottom")
    with n_col:
        n = int(st.number_input(t("temperature.N"), min_value=1, max_value=100_000, step=100, key=state.key("N"),
                                help=t("temperature.N_help")))
    with seed_col:
        seed = int(st.number_input(t("temperature.seed"), min_value=0, max_value=2**32 - 1, step=1,
                                   key=state.key("seed"), help=t("temperature.seed_help")))
    button_col.button(t("temperature.new_seed"), icon=":material/casino:", on_click=_new_seed, width="stretch")
    counts = sc.sample_counts(probs, n, seed=seed)
    first_draws = sc.sample(probs, min(n, SHOWN_DRAWS), seed=seed)  # the first draws of the same stream
    greedy = sc.greedy_choice(probs)
    hist_col, greedy_col = columns([1.6, 1], gap="medium")
    with hist_col:
        fig = cached_figure(charts.sample_bars, probs, counts, tuple(labels), style=sty,
                      title=t("temperature.sample_title", n=f"{n:,}", seed=seed), y_title=t("temperature.share_axis"),
                      freq_name=t("temperature.freq_name"), prob_name=t("temperature.prob_name", T=f"{T:g}"),
                      others_label=t("temperature.others"))
        order = np.argsort(-probs, kind="stable")[:TABLE_ROWS]
        chart(fig, summary=t("temperature.sample_summary", n=f"{n:,}", seed=seed,
                             gap=f"{float(np.max(np.abs(counts / n - probs))):.4f}"), key="temperature_samples",
              table=lambda: pd.DataFrame({t("temperature.col.class"): [labels[i] for i in order],
                                          t("temperature.col.prob_T"): probs[order],
                                          t("temperature.col.count"): counts[order],
                                          t("temperature.col.share"): counts[order] / n}))
    with greedy_col:
        st.subheader(t("temperature.greedy_heading"))
        st.markdown(t("temperature.greedy_body", winner=code_span(labels[greedy]), n=f"{n:,}",
                      hits=f"{int(counts[greedy]):,}", share=f"{counts[greedy] / n:.1%}", p=f"{probs[greedy]:.4f}",
                      miss=f"{1 - probs[greedy]:.1%}"))
        st.markdown(t("temperature.first_draws", n=len(first_draws)))
        st.markdown(" ".join(code_span(labels[i], limit=12) for i in first_draws))
        st.markdown(t("temperature.greedy_draws", n=len(first_draws)))
        st.markdown(" ".join([code_span(labels[greedy], limit=12)] * len(first_draws)))

# ---- the next-token demo ------------------------------------------------------------------------------------------
if part == "next_word":
    st.header(t("temperature.next_heading"))
    words = [w.strip() for w in t("temperature.next.words").split(",")]
    st.markdown(t("temperature.next.intro"))
    st.markdown(f"> {t('temperature.next.prompt')} **…**")
    view.t_handle(state, key="live_next")  # T, right beside the charts it moves (the same T as at the top)
    kc, pc = st.columns(2)
    top_k = int(kc.slider(t("temperature.k"), 1, len(NEXT_LOGITS), step=1, key=state.key("k"),
                          help=t("temperature.k_help")))
    top_p = float(pc.slider(t("temperature.p"), 0.01, 1.0, step=0.01, key=state.key("p"),
                            help=t("temperature.p_help")))
    st.markdown(t("temperature.order", T=f"{T:g}", k=top_k, p=f"{top_p:g}"))
    steps = sc.decode_steps(NEXT_LOGITS, temperature=T, k=top_k, p=top_p)
    kept_k, kept_p = steps.top_k > 0, steps.top_p > 0
    stage_cols = [c for row in ((st.columns(2), st.columns(2)) if is_projector() else (st.columns(4, gap="small"),))
                  for c in row]
    stages = [
        ("stage_scaled", steps.scaled, None, 2),
        ("stage_softmax", steps.probs, None, 3),
        ("stage_top_k", steps.top_k, kept_k, 3),
        ("stage_top_p", steps.top_p, kept_p, 3),
    ]
    small = sty._replace(font_size=sty.font_size - 3, bar_text_size=sty.bar_text_size - 3)
    for col, (key, values, kept, digits) in zip(stage_cols, stages):
        with col:
            fig = cached_figure(charts.stage_bars, values, tuple(words), style=small, kept=kept, digits=digits,
                          title=t(f"temperature.{key}", T=f"{T:g}", k=top_k, p=f"{top_p:g}"))
            alive = len(words) if kept is None else int(np.count_nonzero(kept))
            chart(fig, summary=t(f"temperature.{key}_summary", n=alive, k=len(words)), key=f"temperature_{key}")
    next_draws = sc.sample(steps.top_p, 10, seed=seed)
    st.success(t("temperature.next.sampled", prompt=t("temperature.next.prompt"), word=code_span(words[next_draws[0]]),
                 seed=seed, kept=int(np.count_nonzero(kept_p)), k=len(words),
                 draws=", ".join(code_span(words[i]) for i in next_draws)), icon=":material/casino:")
    with st.expander(t("common.table_of_numbers"), icon=":material/table:"):
        st.dataframe(pd.DataFrame({t("temperature.col.word"): words, t("temperature.col.logit"): NEXT_LOGITS,
                                   t("temperature.col.scaled"): steps.scaled, t("temperature.col.prob_T"): steps.probs,
                                   t("temperature.col.top_k"): steps.top_k, t("temperature.col.top_p"): steps.top_p}),
                     hide_index=True, width="stretch")
    st.caption(t("temperature.next.disclaimer"))

# ---- temperature in decisions -------------------------------------------------------------------------------------
if part == "decisions":
    st.header(t("temperature.policy_heading"))
    st.markdown(t("temperature.policy_intro"))
    actions = [a.strip() for a in t("temperature.policy.actions").split(",")]
    tau = _t_slider("tau", t("temperature.tau"), t("temperature.tau_help"))
    run = sc.boltzmann_run(PREFERENCES, temperature=tau, steps=RUN_STEPS, seed=seed)
    best = np.asarray(PREFERENCES) == max(PREFERENCES)
    pol_col, run_col = columns([1, 1.6], gap="medium")
    with pol_col:
        fig = cached_figure(charts.stage_bars, run.probs, tuple(actions), style=sty, digits=3,
                      title=t("temperature.policy_title", tau=f"{tau:g}"), height=int(sty.height * 0.8))
        chart(fig, summary=t("temperature.policy_summary", tau=f"{tau:g}", best=code_span(actions[0]),
                             p=f"{run.probs[0]:.3f}"), key="temperature_policy",
              table=pd.DataFrame({t("temperature.col.action"): actions, "h": PREFERENCES,
                                  t("temperature.col.prob"): run.probs, t("temperature.col.count"): run.counts}))
    with run_col:
        fig = cached_figure(charts.choice_strip, run.choices, tuple(actions), style=sty, best=best,
                      title=t("temperature.run_title", n=RUN_STEPS, seed=seed), x_title=t("temperature.step_axis"))
        chart(fig, summary=t("temperature.run_summary", n=RUN_STEPS, share=f"{run.exploit_share:.0%}",
                             best=code_span(actions[0])), key="temperature_run")
    st.markdown(t("temperature.policy_takeaway"))

# ---- the bridge to calibration ------------------------------------------------------------------------------------
st.header(t("temperature.calibration_heading"))
st.markdown(t("temperature.calibration_body"))
st.page_link("pages/calibration.py", label=t("temperature.to_calibration"), icon=":material/balance:")

# ---- predict, then reveal -----------------------------------------------------------------------------------------
cold_course = sc.softmax(np.array(PRESETS["course"]), temperature=0.1)
quiz("temperature.cold", question=t("temperature.quiz.question"),
     options=[t("temperature.quiz.a"), t("temperature.quiz.b"), t("temperature.quiz.c"), t("temperature.quiz.d")],
     answer=1, explanation=t("temperature.quiz.explanation", p=f"{cold_course[0]:.6f}",
                             rest=f"{1 - cold_course[0]:.1e}"))
