"""The calibration page's parts; ``pages/calibration.py`` is the storyboard.

The page reads top to bottom as: where the predictions come from (with the training story beside the epochs it
moves), which part to look closer at, the binning controls, that part with its own controls next to what they
change, then the before/after diagrams and metrics every part shares, and the quiz.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

import softmax_core as sc
from ui import theme
from ui.charts import calibration as charts
from ui.charts.common import freeze
from ui.components import chart, code_span, columns, data_table, quiz
from ui.i18n import current_language, t
from ui.state import PageState

MAX_EPOCHS, EVERY = 300, 5
CHECKPOINTS = tuple(range(0, MAX_EPOCHS + 1, EVERY))
SYNTH_N = 4000  # half fits the calibrators, half measures them
METHODS = ("none", "temperature", "histogram", "isotonic", "platt")  # URL/catalogue keys
CORE_NAME = {"none": "none", "temperature": "temperature scaling", "histogram": "histogram binning",
             "isotonic": "isotonic regression", "platt": "Platt scaling"}
TEMPS = np.geomspace(1 / 8, 8, 49)  # T grid of the NLL(T) and ECE(T) curves; its middle point is T = 1
BIN_GRID = (5, 10, 15, 20, 30, 50)
PARTS = ("temperature", "binning", "wrong", "remedies")  # one deeper section drawn at a time
MAX_CELLS = 200_000  # rows x classes above which one-vs-rest fits and curves use a subset of rows


class Data(NamedTuple):
    key: tuple
    cal_logits: np.ndarray
    cal_labels: np.ndarray
    test_logits: np.ndarray
    test_labels: np.ndarray
    kind: str  # "logits" or "probs"


# ---- cached work (shared, never copied; nobody mutates the arrays) ------------------------------------------------
@st.cache_resource(show_spinner=False)
def _store() -> tuple[dict, threading.Lock]:
    """Process-wide results of slow work that reports progress (st.cache_* cannot replay a progress bar)."""
    return {}, threading.Lock()


class _Flight:
    """One computation in progress: sessions asking for the same key wait for it instead of repeating it."""

    def __init__(self):
        self.done = threading.Event()
        self.ok = False
        self.value = None


def _memo(key: tuple, compute, *, limit: int):
    """``compute()`` once per key, even when several sessions ask at once (a class opening the same link); the
    oldest entries of the same kind are dropped beyond ``limit``."""
    store, lock = _store()
    with lock:
        flight = store.get(key)
        owner = flight is None
        if owner:
            flight = store[key] = _Flight()
    if not owner:
        flight.done.wait()
        if flight.ok:
            return flight.value
        return _memo(key, compute, limit=limit)  # the first caller failed or was interrupted: try again
    try:
        flight.value, flight.ok = compute(), True
    finally:
        with lock:
            if not flight.ok:
                store.pop(key, None)
            same = [k for k in store if k[0] == key[0] and (k == key or store[k].done.is_set())]
            for old in same[:-limit]:
                store.pop(old, None)
        flight.done.set()
    return flight.value


def _ready(key: tuple) -> bool:
    """Whether ``key``'s result is computed and kept, so asking for it returns at once."""
    store, lock = _store()
    with lock:
        flight = store.get(key)
    return flight is not None and flight.done.is_set() and flight.ok


@contextlib.contextmanager
def _progress_bar(text: str, *keys: tuple):
    """A progress callback for the work behind ``keys``: a bar while some of it is still to be computed, and no
    element at all on the usual rerun where everything is kept (a bar drawn and cleared is three elements)."""
    if all(_ready(key) for key in keys):
        yield lambda fraction: None
        return
    bar = st.empty()
    progress = bar.progress(0.0, text=text)
    yield lambda fraction: progress.progress(fraction, text=text)
    bar.empty()


# The memo keys of the slow work, shared by the work and by the progress bar that asks whether it is done.
def _digits_key(seed: int, smoothing: float = 0.0) -> tuple:
    return ("digits", seed, smoothing)


def _ensemble_key(seed: int, members: int) -> tuple:
    return ("ensemble", seed, members)


def _calibrate_key(data_key: tuple, on_test: bool) -> tuple:
    return ("calibrate", data_key, on_test)


def _digits_run(seed: int, *, smoothing: float = 0.0, _progress=None):
    return _memo(_digits_key(seed, smoothing), lambda: _train_digits(seed, smoothing, _progress), limit=4)


def _train_digits(seed, smoothing, _progress):
    splits = sc.digits_splits(seed=seed)
    result = sc.train_mlp(splits.train.images, splits.train.labels, epochs=MAX_EPOCHS, seed=seed,
                          label_smoothing=smoothing, checkpoints=CHECKPOINTS, num_classes=10,
                          eval_sets={"calibration": splits.calibration.images, "test": splits.test.images},
                          progress=_progress)
    return splits, result


def _ensemble_run(seed: int, members: int, _progress=None):
    return _memo(_ensemble_key(seed, members), lambda: _train_ensemble(seed, members, _progress), limit=2)


def _train_ensemble(seed, members, _progress):
    splits = sc.digits_splits(seed=seed)
    return sc.train_ensemble(splits.train.images, splits.train.labels, seeds=tuple(range(seed, seed + members)),
                             epochs=MAX_EPOCHS, checkpoints=CHECKPOINTS, num_classes=10,
                             eval_sets={"test": splits.test.images}, progress=_progress)


# Through _memo rather than st.cache_*: a decorator in a page file runs on every rerun and re-reads the
# function's source to key its cache.
def _training_story(seed: int, n_bins: int, strategy: str):
    def compute():
        splits, result = _digits_run(seed)
        return sc.checkpoint_summary(result.eval_logits["test"], splits.test.labels, n_bins=n_bins, strategy=strategy)
    return _memo(("story", seed, n_bins, strategy), compute, limit=8)


def _synthetic(k: int, accuracy: float, confidence: float, seed: int):
    def compute():
        logits, labels = sc.synthetic_logits(SYNTH_N, k, accuracy=accuracy, confidence=confidence, seed=seed)
        half = SYNTH_N // 2
        return logits[:half], labels[:half], logits[half:], labels[half:]
    return _memo(("synthetic", k, accuracy, confidence, seed), compute, limit=8)


def _read_upload(digest: str, name: str, kind: str, _data: bytes) -> sc.Predictions:
    # An UploadError propagates and is not stored, as st.cache_* would not have stored it either.
    return _memo(("upload", digest, name, kind), lambda: sc.load_predictions(_data, filename=name, kind=kind),
                 limit=4)


def _calibrate(key: tuple, on_test: bool, _data: Data, _progress=None):
    """Every calibrator fitted on the calibration split (or, to show the mistake, on the test split)."""
    return _memo(_calibrate_key(key, on_test), lambda: _fit_calibrators(on_test, _data, _progress), limit=8)


def _fit_calibrators(on_test, _data, _progress):
    fit_z, fit_y = (_data.test_logits, _data.test_labels) if on_test else (_data.cal_logits, _data.cal_labels)
    k = fit_z.shape[1]
    sub = sc.row_subsample(len(fit_y), k, max_cells=MAX_CELLS)
    out = {}
    for i, m in enumerate(METHODS):
        if _progress:
            _progress(i / len(METHODS))
        z, y = (fit_z, fit_y) if m in ("none", "temperature") else (fit_z[sub], fit_y[sub])
        out[m] = sc.calibrate_all(z, y, _data.test_logits, names=[CORE_NAME[m]])[CORE_NAME[m]]
    if _progress:
        _progress(1.0)
    return out, len(sub) < len(fit_y)


def _temperature_curves(n_bins: int, strategy: str, _data: Data):
    rows = {}
    for split, z, y in (("cal", _data.cal_logits, _data.cal_labels), ("test", _data.test_logits, _data.test_labels)):
        sub = sc.row_subsample(len(y), z.shape[1], max_cells=MAX_CELLS)
        rows[split] = (sc.nll_curve(z[sub], y[sub], TEMPS),
                       sc.ece_curve(z[sub], y[sub], TEMPS, n_bins=n_bins, strategy=strategy))
    return rows


def _shown(sty, key: tuple, build, *, limit: int = 32):
    """What a part of the page shows (figures, tables, summaries), built once per input.

    ``key`` names the input in plain values (the data's key, the settings); the language and the display size
    are added here. Cheaper than st.cache_*: hashing a tuple costs nothing beside hashing the arrays.
    """
    return _memo((f"shown.{key[0]}", *key[1:], current_language(), sty), build, limit=limit)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def upload_error_text(err: sc.UploadError) -> str:
    """A translated sentence for an upload the core refused, with its row, column and limits."""
    details = {k: (code_span(v) if isinstance(v, str) else v) for k, v in err.details.items()}
    for name in ("rows", "max_rows", "n_classes", "max_classes"):
        if isinstance(details.get(name), int):
            details[name] = f"{details[name]:,}"
    return t(f"calibration.upload_errors.{err.code}", **details)


def fmt(x: float) -> str:
    return "∞" if np.isinf(x) else f"{x:.4f}"




# ---- the data -------------------------------------------------------------------------------------------------
class Source(NamedTuple):
    """The predictions chosen at the top of the page: ``data`` is None until there is something to analyse."""

    data: Data | None
    digits: tuple | None  # (splits, training result) for the digits, else None
    idx: int  # the checkpoint shown (digits)


def choose_data(state: PageState, sty: theme.Style) -> Source:
    st.radio(t("calibration.source"), ("digits", "synthetic", "upload"), key=state.key("source"), horizontal=True,
             format_func=lambda s: t(f"calibration.sources.{s}"))
    source = state["source"]
    if source == "digits":
        return _digits_source(state, sty)
    if source == "synthetic":
        return Source(_synthetic_source(state), None, 0)
    return Source(_upload_source(state), None, 0)


def _digits_source(state: PageState, sty: theme.Style) -> Source:
    c1, c2 = columns([3, 1])
    c1.slider(t("calibration.epochs"), EVERY, MAX_EPOCHS, step=EVERY, key=state.key("epochs"),
              help=t("calibration.epochs_help"))
    c2.number_input(t("calibration.seed"), 0, 99, step=1, key=state.key("seed"))
    seed, epochs = int(state["seed"]), int(state["epochs"])
    with _progress_bar(t("calibration.training", epochs=MAX_EPOCHS), _digits_key(seed)) as report:
        splits, result = _digits_run(seed, _progress=report)
    idx = CHECKPOINTS.index(epochs - epochs % EVERY)
    st.caption(t("calibration.split", train=len(splits.train.labels), cal=len(splits.calibration.labels),
                 test=len(splits.test.labels)))
    # The training story right under the epochs slider that moves its marker.
    st.subheader(t("calibration.story_heading"))
    n_bins, strategy = int(state["n_bins"]), state["strategy"]
    fig, summary, table = _shown(sty, ("story", seed, n_bins, strategy, idx),
                                 lambda: _story_chart(sty, seed, n_bins, strategy, idx))
    chart(fig, summary=summary, table=table, key="story")
    data = Data(("digits", seed, epochs), result.eval_logits["calibration"][idx], splits.calibration.labels,
                result.eval_logits["test"][idx], splits.test.labels, "logits")
    return Source(data, (splits, result), idx)


def _synthetic_source(state: PageState) -> Data:
    c1, c2, c3, c4 = columns([1, 1, 1, 0.7])
    c1.slider(t("calibration.K"), 2, 100, key=state.key("K"))
    c2.slider(t("calibration.accuracy"), 0.05, 0.99, step=0.01, key=state.key("accuracy"))
    c3.slider(t("calibration.confidence"), 0.2, 5.0, step=0.1, key=state.key("confidence"),
              help=t("calibration.confidence_help"))
    c4.number_input(t("calibration.seed"), 0, 99, step=1, key=state.key("seed"))
    k, acc, conf, seed = int(state["K"]), float(state["accuracy"]), float(state["confidence"]), int(state["seed"])
    floor = 1.0 / k
    if acc <= floor + 0.005:
        st.warning(t("calibration.accuracy_too_low", k=k, floor=f"{floor:.3f}", used=f"{floor + 0.01:.3f}"),
                   icon=":material/warning:")
        acc = round(floor + 0.01, 4)
    zc, yc, zt, yt = _synthetic(k, acc, conf, seed)
    st.caption(t("calibration.synthetic_split", n=SYNTH_N, half=SYNTH_N // 2))
    return Data(("synthetic", k, acc, conf, seed), zc, yc, zt, yt, "logits")


def _upload_source(state: PageState) -> Data | None:
    st.info(t("calibration.upload_not_in_url"), icon=":material/link_off:")
    limit = st.get_option("server.maxUploadSize")
    st.markdown(t("calibration.upload_format", limit=limit))
    c1, c2 = columns(2)
    c1.radio(t("calibration.kind"), ("auto", "logits", "probs"), key=state.key("kind"), horizontal=True,
             format_func=lambda s: t(f"calibration.kinds.{s}"))
    c2.radio(t("calibration.fit_data"), ("split", "file"), key=state.key("fit_data"), horizontal=True,
             format_func=lambda s: t(f"calibration.fit_datas.{s}"))
    main = st.file_uploader(t("calibration.upload"), type=["csv", "txt", "npz"], key="calibration.upload",
                            help=t("calibration.upload_help", limit=limit))
    second = None
    if state["fit_data"] == "file":
        second = st.file_uploader(t("calibration.upload_second"), type=["csv", "txt", "npz"],
                                  key="calibration.upload_second", help=t("calibration.upload_help", limit=limit))
    else:
        st.slider(t("calibration.cal_frac"), 0.1, 0.9, step=0.05, key=state.key("cal_frac"))
    preds, errors = {}, []
    for role, file in (("test", main), ("cal", second)):
        if file is None:
            continue
        raw = file.getvalue()
        try:
            with st.spinner(t("calibration.reading", name=code_span(file.name)), show_time=True):
                preds[role] = _read_upload(_digest(raw), file.name, state["kind"], raw)
        except sc.UploadError as err:
            errors.append(t("calibration.upload_failed", name=code_span(file.name), reason=upload_error_text(err)))
    for message in errors:
        st.error(message, icon=":material/error:")
    data = None
    if "test" in preds and not errors:
        p = preds["test"]
        logits = p.logits if p.logits is not None else sc.logits_from_probs(p.probs)
        if state["fit_data"] == "split":
            cal, test = sc.split_rows(p.labels, fraction=float(state["cal_frac"]), seed=0)
            if len(cal) == 0 or len(test) == 0:
                st.error(t("calibration.too_few_rows"), icon=":material/error:")
            else:
                data = Data(("upload", _digest(main.getvalue()), state["kind"], float(state["cal_frac"])),
                            logits[cal], p.labels[cal], logits[test], p.labels[test], p.kind)
        elif "cal" in preds:
            q = preds["cal"]
            qz = q.logits if q.logits is not None else sc.logits_from_probs(q.probs)
            if qz.shape[1] != logits.shape[1]:
                st.error(t("calibration.class_mismatch", a=logits.shape[1], b=qz.shape[1]), icon=":material/error:")
            else:
                data = Data(("upload2", _digest(main.getvalue()), _digest(second.getvalue()), state["kind"]),
                            qz, q.labels, logits, p.labels, p.kind)
        else:
            st.info(t("calibration.need_second"), icon=":material/upload_file:")
        if data is not None:
            st.success(t("calibration.upload_ok", n=f"{len(p.labels):,}", k=logits.shape[1],
                         kind=t(f"calibration.kinds.{p.kind}"), cal=f"{len(data.cal_labels):,}",
                         test=f"{len(data.test_labels):,}"), icon=":material/check_circle:")
            if p.detection is not None:  # auto-detected: say which reading was chosen, why, and how to change it
                d = p.detection
                why = ("detected_probs" if d.sums_to_one else "detected_logits_sum" if d.in_unit_interval
                       else "detected_logits_range")
                st.info(t(f"calibration.{why}", row=d.row + 1, total=f"{d.row_sum:.8g}", tol=f"{d.tolerance:.1e}",
                          kind=t("calibration.kind"), logits=t("calibration.kinds.logits"),
                          probs=t("calibration.kinds.probs")), icon=":material/rule:")
            if p.kind == "probs":
                st.caption(t("calibration.probs_as_logits"))
    elif not preds and not errors:
        st.caption(t("calibration.upload_waiting"))
    return data


def _story_chart(sty, seed: int, n_bins: int, strategy: str, idx: int) -> tuple:
    """Accuracy, confidence and ECE over training, the chosen epochs marked: (figure, summary, table)."""
    story = _training_story(seed, n_bins, strategy)
    series = [(t("calibration.story_acc"), story.accuracy), (t("calibration.story_conf"), story.confidence),
              (t("calibration.story_ece"), story.ece)]
    fig = charts.lines(CHECKPOINTS, series, style=sty, title=t("calibration.story_title"),
                       x_title=t("calibration.epochs"),
                       markers=[(CHECKPOINTS[idx], t("calibration.story_now", epochs=CHECKPOINTS[idx]))])
    summary = t("calibration.story_summary", epochs=CHECKPOINTS[idx], acc=f"{story.accuracy[idx]:.3f}",
                conf=f"{story.confidence[idx]:.3f}", ece=f"{story.ece[idx]:.4f}")
    return freeze(fig), summary, pd.DataFrame({t("calibration.epochs"): CHECKPOINTS, **dict(series)})


# ---- the analysis ---------------------------------------------------------------------------------------------
def part_picker(state: PageState) -> str:
    """Which deeper look is drawn: near the top, so a teacher switches parts without scrolling."""
    return st.radio(t("calibration.part"), PARTS, key=state.key("part"), horizontal=True,
                    format_func=lambda p: t(f"calibration.parts.{p}"))


class Study(NamedTuple):
    """Everything the parts share: the settings, the fitted calibrators' test probabilities, their metrics."""

    state: PageState
    sty: theme.Style
    src: Source
    view: str
    cls: int
    n_bins: int
    strategy: str
    probs: dict  # method key -> test probabilities
    t_star: float
    rows: dict  # translated method name -> metrics
    fit_key: tuple

    @property
    def labels(self):
        return self.src.data.test_labels

    @property
    def chosen(self) -> str:
        return self.state["calibrator"]


def study(state: PageState, sty: theme.Style, src: Source) -> Study:
    """The binning controls, then every calibrator fitted (once per input) and measured."""
    data = src.data
    k = data.cal_logits.shape[1]
    c1, c2, c3, c4 = columns(4)
    c1.slider(t("calibration.n_bins"), 2, 50, key=state.key("n_bins"))
    c2.radio(t("calibration.strategy"), ("uniform", "quantile"), key=state.key("strategy"),
             format_func=lambda s: t(f"calibration.strategies.{s}"))
    c3.radio(t("calibration.view"), ("top", "class"), key=state.key("view"),
             format_func=lambda s: t(f"calibration.views.{s}"))
    view = state["view"]
    if int(state["cls"]) >= k:
        st.warning(t("calibration.cls_too_big", cls=int(state["cls"]), k=k), icon=":material/warning:")
        state["cls"] = 0
    if view == "class":
        c4.number_input(t("calibration.cls"), 0, k - 1, step=1, key=state.key("cls"))
    cls = int(state["cls"])
    n_bins, strategy = int(state["n_bins"]), state["strategy"]

    on_test = bool(state["fit_on_test"])
    with _progress_bar(t("calibration.fitting"), _calibrate_key(data.key, on_test)) as report:
        fitted, subsampled = _calibrate(data.key, on_test, data, _progress=report)
    if subsampled:
        st.caption(t("calibration.subsampled", cells=f"{MAX_CELLS:,}"))
    labels = data.test_labels
    probs = {m: fitted[m][1] for m in METHODS}
    t_star = fitted["temperature"][0].temperature_
    core_rows = _memo(("metrics", data.key, bool(state["fit_on_test"]), n_bins, strategy),
                      lambda: metrics_rows(probs, labels, n_bins, strategy), limit=16)
    rows = {t(f"calibration.methods.{m}"): core_rows[m] for m in METHODS}
    return Study(state, sty, src, view, cls, n_bins, strategy, probs, t_star, rows,
                 (data.key, bool(state["fit_on_test"])))


def reliability_pair(s: Study, probs, *, title: str, key: str, probs_key: tuple) -> None:
    """A reliability diagram and, beside it, the confidence histogram of the same bins.

    ``probs_key`` names ``probs`` in plain values (e.g. the data's key and the calibrator), so that an unchanged
    pair is drawn from what was built before.
    """
    rel, hist, table, rel_summary, hist_summary = _shown(
        s.sty, ("pair", probs_key, title, s.view, s.cls, s.n_bins, s.strategy),
        lambda: _reliability_charts(s.sty, probs, s.labels, title=title, view=s.view, cls=s.cls, n_bins=s.n_bins,
                                    strategy=s.strategy))
    # In projector mode the pair is stacked: side by side, the bin counts would collide.
    left, right = columns([1.4, 1])
    with left:
        chart(rel, summary=rel_summary, table=table, key=f"{key}_rel")
    with right:
        chart(hist, summary=hist_summary, key=f"{key}_hist")


def _reliability_charts(sty, probs, labels, *, title: str, view: str, cls: int, n_bins: int, strategy: str) -> tuple:
    if view == "class":
        bins = sc.reliability_bins_one_vs_rest(probs, labels, class_index=cls, n_bins=n_bins, strategy=strategy)
        y_title, x_title = t("calibration.axis_positives", cls=cls), t("calibration.axis_prob_class", cls=cls)
    else:
        bins = sc.reliability_bins(probs, labels, n_bins=n_bins, strategy=strategy)
        y_title, x_title = t("calibration.axis_accuracy"), t("calibration.axis_confidence")
    filled = bins.counts > 0
    table = pd.DataFrame({t("calibration.col.lo"): bins.edges[:-1], t("calibration.col.hi"): bins.edges[1:],
                          t("calibration.col.count"): bins.counts, t("calibration.col.conf"): bins.confidence,
                          t("calibration.col.acc"): bins.accuracy, t("calibration.col.gap"): bins.gap})
    rel = charts.reliability_diagram(bins, style=sty, title=title, x_title=x_title, y_title=y_title,
                                     gap_label=t("calibration.gap"), empty_label=t("calibration.empty"),
                                     ideal_label=t("calibration.ideal"))
    rel_summary = t("calibration.reliability_summary", ece=f"{bins.ece:.4f}", mce=f"{bins.mce:.4f}",
                    filled=int(filled.sum()), bins=len(bins.counts), axis=y_title)
    conf_mean = float(np.sum(bins.confidence[filled] * bins.counts[filled]) / bins.counts.sum())
    acc_mean = float(np.sum(bins.accuracy[filled] * bins.counts[filled]) / bins.counts.sum())
    hist = charts.confidence_histogram(bins, style=sty, accuracy=acc_mean, mean_confidence=conf_mean,
                                       title=t("calibration.hist_title"), x_title=x_title,
                                       y_title=t("calibration.axis_share"),
                                       accuracy_label=t("calibration.hist_acc") if view == "top"
                                       else t("calibration.hist_pos"),
                                       confidence_label=t("calibration.hist_conf"))
    hist_summary = t("calibration.hist_summary", conf=f"{conf_mean:.3f}", acc=f"{acc_mean:.3f}")
    return freeze(rel), freeze(hist), table, rel_summary, hist_summary


def metrics_rows(named_probs, labels, n_bins, strategy):
    return {name: sc.calibration_metrics(p, labels, n_bins=n_bins, strategy=strategy)
            for name, p in named_probs.items()}


def metrics_frame(rows: dict) -> pa.Table:
    """The metrics of each named prediction, one row each, as Arrow: st.dataframe sends it as it is."""
    return pa.table({
        t("calibration.col.method"): list(rows),
        t("calibration.col.accuracy"): [m.accuracy for m in rows.values()],
        "ECE": [m.ece for m in rows.values()], "MCE": [m.mce for m in rows.values()],
        "Brier": [m.brier for m in rows.values()], "NLL": [m.nll for m in rows.values()],
    })


def metrics_table(frame: pa.Table) -> None:
    data_table(frame, formats={c: "%.4f" for c in frame.column_names[1:]})


def _temperature_charts(sty, data: Data, t_star: float, manual: float, n_bins: int, strategy: str) -> tuple:
    """The metrics at the student's T, and NLL(T) and ECE(T) on both splits as (figure, summary, table) each."""
    manual_probs = sc.softmax(data.test_logits, temperature=manual, axis=-1)
    m_manual = sc.calibration_metrics(manual_probs, data.test_labels, n_bins=n_bins, strategy=strategy)
    curves = _memo(("curves", data.key, n_bins, strategy), lambda: _temperature_curves(n_bins, strategy, data),
                   limit=8)
    marks = [(t_star, t("calibration.t_star", T=f"{t_star:.3f}")), (manual, t("calibration.t_yours", T=f"{manual:g}"))]
    shown = []
    for i, (title, y_title, summary) in enumerate((
            ("calibration.nll_title", "NLL", t("calibration.nll_summary", T=f"{t_star:.3f}")),
            ("calibration.ece_title", "ECE", t("calibration.ece_curve_summary",
                                               T=f"{TEMPS[int(np.argmin(curves['cal'][1]))]:.3f}")))):
        series = [(t("calibration.split_cal"), curves["cal"][i]), (t("calibration.split_test"), curves["test"][i])]
        fig = charts.lines(TEMPS, series, style=sty, title=t(title), x_title="T", y_title=y_title, markers=marks,
                           log_x=True)
        shown.append((freeze(fig), summary, pd.DataFrame({"T": TEMPS, **dict(series)})))
    return m_manual, *shown


def comparison(s: Study, *, metrics: bool = True) -> None:
    """Before and after the chosen calibrator, then (unless a part already showed them) every method's metrics."""
    st.divider()
    st.header(t("calibration.diagram_heading"))
    st.markdown(t("calibration.diagram_intro"))
    if s.view == "class":
        st.info(t("calibration.class_view_note", cls=s.cls), icon=":material/info:")
    reliability_pair(s, s.probs["none"], title=t("calibration.before_title"), key="before",
                     probs_key=(*s.fit_key, "none"))
    st.radio(t("calibration.calibrator"), METHODS[1:], key=s.state.key("calibrator"), horizontal=True,
             format_func=lambda m: t(f"calibration.methods.{m}"))
    chosen = s.chosen
    reliability_pair(s, s.probs[chosen], title=t("calibration.after_title", method=t(f"calibration.methods.{chosen}")),
                     key="after", probs_key=(*s.fit_key, chosen))
    if metrics:
        st.header(t("calibration.metrics_heading"))
        st.markdown(t("calibration.metrics_intro"))
        metrics_block(s)


def metrics_block(s: Study) -> None:
    """Every method's metrics on the test split, their ECEs as bars, and what is unusual about them."""
    names = list(s.rows)
    eces = [m.ece for m in s.rows.values()]
    metrics_table(_shown(s.sty, ("metrics", *s.fit_key, s.n_bins, s.strategy), lambda: metrics_frame(s.rows)))
    fig = _shown(s.sty, ("ece_bars", *s.fit_key, s.n_bins, s.strategy, s.chosen), lambda: freeze(charts.metric_bars(
        names, eces, style=s.sty, title=t("calibration.ece_bars_title"), y_title="ECE",
        highlight=METHODS.index(s.chosen))))
    best = names[int(np.argmin(eces))]
    chart(fig, summary=t("calibration.ece_bars_summary", best=best, ece=fmt(min(eces)), before=fmt(eces[0])),
          key="ece_bars")
    if any(np.isinf(m.nll) for m in s.rows.values()):
        inf = ", ".join(n for n, m in s.rows.items() if np.isinf(m.nll))
        st.warning(t("calibration.infinite_nll", methods=inf), icon=":material/all_inclusive:")
    if s.rows[names[-1]].ece > s.rows[names[0]].ece:
        st.info(t("calibration.platt_worse"), icon=":material/info:")
    if s.state["fit_on_test"]:
        st.error(t("calibration.fit_on_test_on"), icon=":material/report:")


# ---- the parts ------------------------------------------------------------------------------------------------
def binning_part(s: Study) -> None:
    st.header(t("calibration.binning_heading"))
    chosen = s.chosen
    grid = _memo(("grid", s.fit_key, "none"), lambda: sc.ece_by_binning(s.probs["none"], s.labels, BIN_GRID),
                 limit=16)
    grid_after = _memo(("grid", s.fit_key, chosen), lambda: sc.ece_by_binning(s.probs[chosen], s.labels, BIN_GRID),
                       limit=16)
    series = [(t("calibration.series_before", s=t("calibration.strategies.uniform")), grid[0]),
              (t("calibration.series_before", s=t("calibration.strategies.quantile")), grid[1]),
              (t("calibration.series_after", s=t("calibration.strategies.uniform")), grid_after[0]),
              (t("calibration.series_after", s=t("calibration.strategies.quantile")), grid_after[1])]
    fig, table = _shown(s.sty, ("binning", *s.fit_key, chosen, s.n_bins), lambda: (freeze(charts.lines(
        BIN_GRID, series, style=s.sty, title=t("calibration.binning_title"), x_title=t("calibration.n_bins"),
        y_title="ECE", markers=[(s.n_bins, t("calibration.your_bins", n=s.n_bins))])),
        pd.DataFrame({t("calibration.n_bins"): BIN_GRID, **dict(series)})))
    chart(fig, summary=t("calibration.binning_summary", lo=f"{grid.min():.4f}", hi=f"{grid.max():.4f}"),
          table=table, key="binning")


def temperature_part(s: Study) -> None:
    st.header(t("calibration.ts_heading"))
    st.slider(t("calibration.T"), 0.1, 10.0, step=0.05, key=s.state.key("T"), help=t("calibration.T_help"))
    manual = float(s.state["T"])
    m_manual, nll, ece = _shown(s.sty, ("ts", *s.fit_key, s.n_bins, s.strategy, manual),
                                lambda: _temperature_charts(s.sty, s.src.data, s.t_star, manual, s.n_bins, s.strategy))
    left, right = columns(2)
    with left:
        chart(nll[0], summary=nll[1], table=nll[2], key="nll_curve")
    with right:
        chart(ece[0], summary=ece[1], table=ece[2], key="ece_curve")
    m_star = s.rows[t("calibration.methods.temperature")]
    beat = m_manual.ece < m_star.ece
    st.markdown(t("calibration.manual_result", T=f"{manual:g}", ece=fmt(m_manual.ece), nll=fmt(m_manual.nll),
                  ece_star=fmt(m_star.ece), nll_star=fmt(m_star.nll), acc=f"{m_manual.accuracy:.4f}",
                  acc0=f"{next(iter(s.rows.values())).accuracy:.4f}",
                  verdict=t("calibration.beat" if beat else "calibration.not_beat")))
    st.info(t("calibration.argmax_kept"), icon=":material/lock:")
    st.info(t("calibration.why_nll"), icon=":material/lightbulb:")


def wrong_part(s: Study) -> None:
    """Each mistake's toggle with its effect right under it: the metrics for fitting on the test split, the
    shifted data's metrics and diagrams for the noise."""
    st.header(t("calibration.wrong_heading"))
    st.toggle(t("calibration.fit_on_test"), key=s.state.key("fit_on_test"), help=t("calibration.fit_on_test_help"))
    metrics_block(s)
    st.toggle(t("calibration.shift"), key=s.state.key("shift"))
    if not s.state["shift"]:
        return
    digits = s.src.digits
    if digits is None:
        st.info(t("calibration.shift_digits_only"), icon=":material/image_not_supported:")
        return
    st.slider(t("calibration.noise"), 0.05, 1.0, step=0.05, key=s.state.key("noise"))
    splits, result = digits
    labels, t_star = s.labels, s.t_star
    noisy = sc.add_noise(splits.test.images, sigma=float(s.state["noise"]), seed=int(s.state["seed"]))
    z_shift = sc.mlp_logits(result.snapshots[s.src.idx], noisy)
    t_shift = sc.fit_temperature(z_shift, labels)
    shifted = {t("calibration.shift_rows.clean_none"): s.probs["none"],
               t("calibration.shift_rows.clean_ts"): s.probs["temperature"],
               t("calibration.shift_rows.shift_none"): sc.softmax(z_shift, axis=-1),
               t("calibration.shift_rows.shift_ts", T=f"{t_star:.2f}"): sc.softmax(z_shift, temperature=t_star, axis=-1),
               t("calibration.shift_rows.shift_oracle", T=f"{t_shift:.2f}"):
                   sc.softmax(z_shift, temperature=t_shift, axis=-1)}
    srows = metrics_rows(shifted, labels, s.n_bins, s.strategy)
    metrics_table(metrics_frame(srows))
    vals = list(srows.values())
    st.markdown(t("calibration.shift_explain", T=f"{t_star:.2f}", T2=f"{t_shift:.2f}", ece_clean=fmt(vals[1].ece),
                  ece_shift=fmt(vals[3].ece), acc=f"{vals[2].accuracy:.3f}"))
    reliability_pair(s, shifted[list(shifted)[3]], title=t("calibration.shift_title", T=f"{t_star:.2f}"),
                     key="shift", probs_key=(*s.fit_key, "shift", float(s.state["noise"])))


def remedies_part(s: Study) -> None:
    state = s.state
    st.header(t("calibration.remedies_heading"))
    st.markdown(t("calibration.remedies_intro"))
    if s.src.digits is None:
        st.info(t("calibration.remedies_digits_only"), icon=":material/model_training:")
        return
    st.toggle(t("calibration.remedies_toggle", members=int(state["members"])), key=state.key("remedies"))
    if not state["remedies"]:
        return
    c1, c2 = columns(2)
    c1.slider(t("calibration.smoothing"), 0.01, 0.5, step=0.01, key=state.key("smoothing"))
    c2.slider(t("calibration.members"), 2, 5, key=state.key("members"))
    seed, idx = int(state["seed"]), s.src.idx
    smoothing, n_members = float(state["smoothing"]), int(state["members"])
    with _progress_bar(t("calibration.training_remedies"), _digits_key(seed, smoothing),
                       _ensemble_key(seed, n_members)) as report:
        _, smooth = _digits_run(seed, smoothing=smoothing, _progress=lambda f: report(f / 3))
        members = _ensemble_run(seed, n_members, _progress=lambda f: report(1 / 3 + 2 * f / 3))
    remedy = {t("calibration.methods.none"): s.probs["none"] if not state["fit_on_test"] else
              sc.softmax(s.src.data.test_logits, axis=-1),
              t("calibration.remedy_smoothing", eps=f"{float(state['smoothing']):g}"):
                  sc.softmax(smooth.eval_logits["test"][idx], axis=-1),
              t("calibration.remedy_ensemble", n=len(members)):
                  sc.ensemble_probs([m.eval_logits["test"][idx] for m in members])}
    metrics_table(metrics_frame(metrics_rows(remedy, s.labels, s.n_bins, s.strategy)))
    for i, (name, p) in enumerate(list(remedy.items())[1:]):
        reliability_pair(s, p, title=name, key=f"remedy{i}",
                         probs_key=(*s.fit_key, "remedy", i, float(state["smoothing"]), int(state["members"])))
    st.caption(t("calibration.remedies_note"))


SECTIONS = {"temperature": temperature_part, "binning": binning_part, "wrong": wrong_part,
            "remedies": remedies_part}


def quiz_block(s: Study) -> None:
    """Predict, then reveal: does temperature scaling change the accuracy?"""
    rows = list(s.rows.values())
    quiz("calibration.ts_accuracy", question=t("calibration.quiz.question"),
         options=[t("calibration.quiz.a"), t("calibration.quiz.b"), t("calibration.quiz.c")], answer=2,
         explanation=t("calibration.quiz.explanation", T=f"{s.t_star:.3f}", acc=f"{rows[0].accuracy:.4f}",
                       acc_ts=f"{rows[1].accuracy:.4f}"))
