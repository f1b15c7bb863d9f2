"""The calibration page through app.py: three sources, four languages, the core's numbers, honest errors."""

import io
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import softmax_core as sc
from tests.pages.conftest import figures, open_page, texts
from ui.i18n import LANGS, translate

REFDATA = Path(__file__).resolve().parents[2].parent / "shared" / "refdata" / "densenet40_cifar10_logits.npz"
GOOD_CSV = b"label,cat,dog,bird\n" + b"".join(
    f"{i % 3},{(i * 7) % 5 - 2.0},{(i * 3) % 4 - 1.0},{(i * 5) % 7 - 3.0}\n".encode() for i in range(60))


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def upload(at, data, name="preds.csv", key="calibration.upload"):
    at.file_uploader(key=key).set_value((name, data, "application/octet-stream"))
    return at.run()


def metrics_table(at, lang="en"):
    """The before/after table: the first dataframe whose first column is the method."""
    method = translate(lang, "calibration.col.method")
    return next(d.value for d in at.dataframe if d.value.columns[0] == method)


def row(frame: pd.DataFrame, method: str, lang="en"):
    return frame.set_index(frame.columns[0]).loc[translate(lang, f"calibration.methods.{method}")]


@pytest.fixture(scope="module")
def default_model():
    """The default digits model, rebuilt from the core alone (seed 1, 300 epochs)."""
    splits = sc.digits_splits(seed=1)
    result = sc.train_mlp(splits.train.images, splits.train.labels, epochs=300, seed=1, num_classes=10,
                          checkpoints=tuple(range(0, 301, 5)),
                          eval_sets={"calibration": splits.calibration.images, "test": splits.test.images})
    return splits, result


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("source", ["digits", "synthetic", "upload"])
def test_renders_in_every_language_with_each_source(lang, source):
    at = open_page("calibration", lang=lang, source=source)
    if source == "upload":
        assert not figures(at)  # nothing to show before a file
        # AppTest replays a radio by its label, so the file goes in first, in English, then the language changes.
        at = upload(open_page("calibration", source=source), GOOD_CSV)
        at.selectbox(key="lang_select").set_value(lang).run()
    assert not at.exception
    assert len(figures(at)) >= 7
    assert translate(lang, "calibration.title") in [t.value for t in at.title]
    assert metrics_table(at, lang).shape == (5, 6)


def test_the_metrics_shown_equal_the_cores(default_model):
    splits, result = default_model
    at = open_page("calibration")
    assert not at.exception
    frame = metrics_table(at)
    i = result.checkpoints.index(300)
    fitted = sc.calibrate_all(result.eval_logits["calibration"][i], splits.calibration.labels,
                              result.eval_logits["test"][i])
    for key, core in [("none", "none"), ("temperature", "temperature scaling"), ("histogram", "histogram binning"),
                      ("isotonic", "isotonic regression"), ("platt", "Platt scaling")]:
        expected = sc.calibration_metrics(fitted[core][1], splits.test.labels, n_bins=15)
        shown = row(frame, key)
        np.testing.assert_allclose(shown.iloc[:5].to_numpy(dtype=float), np.array(expected, dtype=float),
                                   rtol=1e-12, err_msg=key)


def test_temperature_scaling_reduces_ece_on_the_default_model(default_model):
    at = open_page("calibration")
    frame = metrics_table(at)
    before, after = row(frame, "none"), row(frame, "temperature")
    assert after["ECE"] < before["ECE"] - 0.005
    assert after["NLL"] < before["NLL"]
    assert after[frame.columns[1]] == before[frame.columns[1]]  # accuracy: argmax kept


def test_the_epochs_slider_picks_a_checkpoint_without_retraining(default_model):
    splits, result = default_model
    at = open_page("calibration", epochs="30")
    story = next(f for f in figures(at) if len(f["data"]) == 3 and f["data"][0]["type"] == "scatter")
    np.testing.assert_allclose(story["data"][2]["y"],
                               sc.checkpoint_summary(result.eval_logits["test"], splits.test.labels).ece)
    before = row(metrics_table(at), "none")
    probs = sc.softmax(result.eval_logits["test"][6], axis=-1)
    assert before["ECE"] == pytest.approx(sc.expected_calibration_error(probs, splits.test.labels), rel=1e-12)


def test_binning_controls_change_the_ece_shown():
    at = open_page("calibration", n_bins="15")
    first = row(metrics_table(at), "none")["ECE"]
    at.slider(key="calibration.n_bins").set_value(5).run()
    at.radio(key="calibration.strategy").set_value("quantile").run()
    assert at.query_params["strategy"] == "quantile" and at.query_params["n_bins"] == "5"
    assert row(metrics_table(at), "none")["ECE"] != first


def test_one_vs_rest_view_says_its_y_axis_is_the_fraction_of_positives():
    at = open_page("calibration", view="class", cls="3")
    assert not at.exception
    before = translate("en", "calibration.before_title")
    rel = next(f for f in figures(at) if f["layout"].get("title", {}).get("text") == before)
    assert "3" in rel["layout"]["yaxis"]["title"]["text"]
    assert "fraction of positives" in texts(at)


def test_synthetic_overconfidence_is_repaired_by_temperature():
    at = open_page("calibration", source="synthetic", K="5", accuracy="0.7", confidence="3")
    frame = metrics_table(at)
    assert row(frame, "temperature")["ECE"] < row(frame, "none")["ECE"] / 2
    zc, yc = sc.synthetic_logits(4000, 5, accuracy=0.7, confidence=3.0, seed=1)
    fitted = sc.fit_temperature(zc[:2000], yc[:2000])
    assert fitted == pytest.approx(3.0, rel=0.15)
    assert f"{fitted:.3f}" in texts(at)


def test_an_impossible_accuracy_warns_and_uses_the_floor():
    at = open_page("calibration", source="synthetic", K="10", accuracy="0.05")
    assert not at.exception
    assert any("0.110" in w.value for w in at.warning)


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("wrong.csv", b"truth,a,b\n0,1,2\n", "label"),
    ("nan.csv", b"label,a,b\n0,1,2\n1,nan,2\n", "NaN"),
    ("range.csv", b"label,a,b\n0,1,2\n5,1,2\n", "out of range"),
    ("ragged.csv", b"label,a,b\n0,1\n", "cells"),
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n", "empty"),
    ("pickle.npz", npz_bytes(logits=np.array([[1, 2], [3, 4]], dtype=object), labels=np.array([0, 1])), "pickle"),
    ("sums.csv", b"label,a,b\n0,0.5,0.6\n", "sum"),
    ("bad.npz", b"not a zip at all", "damaged"),
])
def test_bad_uploads_say_what_was_wrong_without_a_traceback(name, data, needle):
    at = open_page("calibration", source="upload", kind="probs" if name == "sums.csv" else "auto")
    at = upload(at, data, name)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert needle in errors, errors
    assert "Traceback" not in errors and not figures(at)


def test_a_pickle_file_is_refused_by_the_uploader_and_by_the_core():
    # The uploader accepts only .csv/.txt/.npz (the browser refuses a .pkl); the core refuses it too.
    at = open_page("calibration", source="upload")
    assert at.file_uploader(key="calibration.upload").allowed_type == [".csv", ".txt", ".npz"]
    with pytest.raises(sc.UploadError) as err:
        sc.load_predictions(pickle.dumps({"x": 1}), filename="model.pkl")
    assert err.value.code == "unsupported_file_type"


def test_a_split_of_the_upload_fits_the_calibrators():
    at = upload(open_page("calibration", source="upload", cal_frac="0.5"), GOOD_CSV)
    assert not at.exception
    assert any("30" in s.value for s in at.success)
    preds = sc.load_predictions(GOOD_CSV, filename="p.csv")
    cal, test = sc.split_rows(preds.labels, fraction=0.5, seed=0)
    expected = sc.calibration_metrics(preds.probs[test], preds.labels[test])
    np.testing.assert_allclose(row(metrics_table(at), "none").iloc[:5].to_numpy(float), np.array(expected),
                               rtol=1e-12)


def test_the_upload_is_not_in_the_link_but_the_settings_are():
    at = upload(open_page("calibration", source="upload"), GOOD_CSV)
    at.slider(key="calibration.n_bins").set_value(10).run()
    assert dict(at.query_params) == {"lang": "en", "source": "upload", "n_bins": "10"} or \
        at.query_params["n_bins"] == "10"
    assert "cannot be put in a link" in texts(at)


@pytest.mark.skipif(not REFDATA.exists(), reason="reference logits not found")
def test_real_densenet_logits_uploaded_as_two_files():
    with np.load(REFDATA, allow_pickle=False) as d:
        ref = {k: d[k] for k in d.files}
    at = open_page("calibration", source="upload", fit_data="file")
    at = upload(at, npz_bytes(logits=ref["test_logits"], labels=ref["test_labels"]), "test.npz")
    at = upload(at, npz_bytes(logits=ref["val_logits"], labels=ref["val_labels"]), "val.npz",
                key="calibration.upload_second")
    assert not at.exception
    frame = metrics_table(at)
    t_star = sc.fit_temperature(ref["val_logits"], ref["val_labels"])
    expected = sc.calibration_metrics(sc.softmax(ref["test_logits"].astype(float), temperature=t_star, axis=-1),
                                      ref["test_labels"])
    np.testing.assert_allclose(row(frame, "temperature").iloc[:5].to_numpy(float), np.array(expected), rtol=1e-9)
    assert row(frame, "none")[frame.columns[1]] == pytest.approx(1 - 0.0758, abs=1e-4)
    assert row(frame, "temperature")["ECE"] < row(frame, "none")["ECE"] / 3  # the overconfident textbook case


def test_the_shift_toggle_shows_t_star_failing_on_noisy_images():
    at = open_page("calibration", part="wrong", shift="1", noise="0.5")
    assert not at.exception
    assert "fitted on clean images" in texts(at)


def test_fitting_on_the_test_split_is_flagged():
    at = open_page("calibration", part="wrong", fit_on_test="1")
    assert any("test split" in e.value for e in at.error)


@pytest.mark.parametrize(("name", "value"), [("epochs", "9999"), ("source", "pickle"), ("n_bins", "x"),
                                             ("T", "-1"), ("cls", "50")])
def test_hostile_url_values_warn(name, value):
    at = open_page("calibration", **{name: value})
    assert not at.exception
    assert at.warning


def test_the_quiz_waits_for_an_answer():
    at = open_page("calibration")
    button = [b for b in at.button if b.key == "quiz.calibration.ts_accuracy.button"][0]
    assert button.disabled
    choice = at.radio(key="quiz.calibration.ts_accuracy.choice")
    assert choice.options[2] == translate("en", "calibration.quiz.c")
    choice.set_value(choice.options[2]).run()
    assert not [b for b in at.button if b.key == "quiz.calibration.ts_accuracy.button"][0].disabled


def test_the_remedies_train_on_demand_and_draw_their_diagrams():
    at = open_page("calibration", part="remedies", remedies="1", members="2", epochs="50")
    assert not at.exception
    frame = next(d.value for d in at.dataframe if "ensemble of 2 networks" in list(d.value.iloc[:, 0]))
    assert len(frame) == 3
    assert len(figures(at)) >= 9


def test_the_binning_part_shows_how_ece_moves_with_the_bins():
    at = open_page("calibration", part="binning")
    assert not at.exception
    assert "just by changing the bins" in texts(at)


def probs_csv(n=400, k=10, *, seed=13, decimals=6):
    """Probabilities of a sharp model, with labels drawn from them (calibrated), written with a few decimals."""
    rng = np.random.default_rng(seed)
    probs = sc.softmax(rng.normal(size=(n, k)) * 8.0, axis=-1)
    labels = np.array([rng.choice(k, p=p) for p in probs])
    lines = ["label," + ",".join(f"c{j}" for j in range(k))]
    lines += [f"{y}," + ",".join(f"{v:.{decimals}f}" for v in row) for y, row in zip(labels, probs)]
    return ("\n".join(lines) + "\n").encode(), probs, labels


def test_the_reported_upload_of_400_rows_at_6_decimals_reads_as_probabilities_and_says_so():
    data, probs, labels = probs_csv()
    at = upload(open_page("calibration", source="upload"), data)
    assert not at.exception
    text = texts(at)
    assert "Read 400 rows of probabilities" in text and "Read as **probabilities**" in text
    assert "choose “logits” under “The class columns hold”" in text  # how to override
    before = metrics_table(at).iloc[0]  # uncalibrated, on the test half
    assert before["accuracy"] > 0.85 and before["ECE"] < 0.08  # read as logits, ECE was about 0.4


def test_logits_in_0_1_that_do_not_sum_to_1_are_read_as_logits_and_the_page_names_the_row():
    data = b"label,a,b,c\n" + b"".join(f"{i % 3},0.{i % 7 + 1},0.{i % 5 + 2},0.{i % 3 + 1}\n".encode()
                                       for i in range(60))
    at = upload(open_page("calibration", source="upload"), data)
    assert not at.exception
    assert "Read as **logits**" in texts(at) and "row 1 sums to" in texts(at)


@pytest.mark.parametrize("part", ["temperature", "remedies"])
def test_a_rerun_with_everything_kept_draws_no_progress_bar(default_model, part):
    # A bar drawn and cleared on every rerun was three elements sent for nothing (bench/classroom.py: every
    # element costs server time). While something is computed, the bar is there (the first run trains).
    at = open_page("calibration", part=part, **({"remedies": "1"} if part == "remedies" else {}))
    at.run()
    assert not at.get("empty") and not at.get("progress"), [e.type for e in at.main]
