"""Reading uploaded predictions: formats, auto-detection, and every refusal naming what was wrong."""

import io

import numpy as np
import pytest

from softmax_core.uploads import UploadError, load_predictions


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_csv_of_logits_gives_logits_and_their_softmax():
    preds = load_predictions(b"label,a,b,c\n2,1.0,2.0,3.0\n0,0,0,0\n", filename="x.csv")
    assert preds.kind == "logits" and preds.labels.tolist() == [2, 0]
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(preds.probs[0], e / e.sum())


def test_csv_of_probabilities_is_detected_and_label_may_be_any_column():
    preds = load_predictions(b"a,label,b\n0.25,1,0.75\n1.0,0,0.0\n", filename="x.csv")
    assert preds.kind == "probs" and preds.logits is None
    np.testing.assert_allclose(preds.probs, [[0.25, 0.75], [1.0, 0.0]])


def test_kind_forces_logits_even_when_values_look_like_probabilities():
    assert load_predictions(b"label,a,b\n1,0.25,0.75\n", filename="x.csv", kind="logits").kind == "logits"


def test_npz_with_logits_or_probs_loads():
    preds = load_predictions(npz_bytes(logits=np.eye(3), labels=np.arange(3)), filename="p.npz")
    assert preds.kind == "logits" and preds.logits.shape == (3, 3)
    preds = load_predictions(npz_bytes(probs=np.eye(3), labels=np.arange(3)), filename="p.npz")
    assert preds.kind == "probs"


@pytest.mark.parametrize(
    ("data", "kind", "code", "details"),
    [
        (b"", "auto", "empty_file", {}),
        (b"label,a,b\n", "auto", "no_rows", {}),
        (b"\xff\xfelabel", "auto", "not_utf8", {}),
        (b"y,a,b\n0,1,2\n", "auto", "missing_label_column", {}),
        (b"label,a,b\n0,1,2\n1,2\n", "auto", "ragged_row", {"row": 2}),
        (b"label,a,b\n0,1,2\n1,2,cat\n", "auto", "not_numeric", {"row": 2, "column": "b"}),
        (b"label,a,b\n0,,2\n", "auto", "empty_cell", {"row": 1, "column": "a"}),
        (b"label,a,b\n0,inf,2\n", "auto", "not_finite", {"row": 1, "column": "a"}),
        (b"label,a,b\n0.5,1,2\n", "auto", "label_not_integer", {"row": 1}),
        (b"label,a,b\n0,1,2\n2,1,2\n", "auto", "label_out_of_range", {"row": 2, "label": 2}),
        (b"label,a\n0,1\n", "auto", "too_few_classes", {}),
        (b"label,a,b\n0,0.5,0.5\n0,0.5,0.6\n", "probs", "probs_not_normalised", {"row": 2}),
        (b"label,a,b\n0,1.5,-0.5\n", "probs", "probs_out_of_range", {"row": 1}),
    ],
)
def test_bad_csv_is_refused_with_a_code_and_where(data, kind, code, details):
    with pytest.raises(UploadError) as info:
        load_predictions(data, filename="x.csv", kind=kind)
    assert isinstance(info.value, ValueError) and info.value.code == code
    for key, value in details.items():
        assert info.value.details[key] == value


def test_limits_on_rows_and_classes_are_enforced():
    with pytest.raises(UploadError) as info:
        load_predictions(b"label,a,b\n0,1,2\n1,1,2\n", filename="x.csv", max_rows=1)
    assert info.value.code == "too_many_rows"
    with pytest.raises(UploadError) as info:
        load_predictions(b"label,a,b,c\n0,1,2,3\n", filename="x.csv", max_classes=2)
    assert info.value.code == "too_many_classes"


def test_npz_with_an_object_array_is_refused_without_unpickling():
    data = npz_bytes(logits=np.array([[1, 2], [3, 4]], dtype=object), labels=np.array([0, 1]))
    with pytest.raises(UploadError) as info:
        load_predictions(data, filename="p.npz")
    assert info.value.code == "object_array"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not a zip", "bad_npz"),
        (npz_bytes(logits=np.eye(2)), "missing_labels"),
        (npz_bytes(scores=np.eye(2), labels=np.arange(2)), "missing_values"),
        (npz_bytes(logits=np.ones(3), labels=np.arange(3)), "bad_shape"),
        (npz_bytes(logits=np.eye(3), labels=np.arange(2)), "length_mismatch"),
        (npz_bytes(logits=np.array([[0.0, np.nan]]), labels=np.array([0])), "not_finite"),
    ],
)
def test_bad_npz_is_refused_with_a_code(data, code):
    with pytest.raises(UploadError) as info:
        load_predictions(data, filename="p.npz")
    assert info.value.code == code


def test_other_file_types_are_refused():
    with pytest.raises(UploadError) as info:
        load_predictions(b"label,a\n", filename="model.pkl")
    assert info.value.code == "unsupported_file_type"


# ---- probabilities written with a few decimals (issue 13, item 1) ------------------------------------------------


def calibrated_predictions(n=400, k=10, *, seed=0):
    """Probabilities of a sharp model and labels drawn from them: calibrated by construction."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, k)) * 8.0
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(k, p=p) for p in probs])
    return probs, labels


def csv_of(probs, labels, fmt):
    lines = ["label," + ",".join(f"c{j}" for j in range(probs.shape[1]))]
    lines += [f"{y}," + ",".join(fmt(v) for v in row) for y, row in zip(labels, probs)]
    return ("\n".join(lines) + "\n").encode()


WRITERS = {  # how people write probabilities: fixed decimals, rounded with trailing zeros dropped, significant digits
    "%.4f": lambda v: f"{v:.4f}", "%.5f": lambda v: f"{v:.5f}", "%.6f": lambda v: f"{v:.6f}",
    "round(6)": lambda v: repr(round(float(v), 6)), "%.6g": lambda v: f"{v:.6g}", "%.3f": lambda v: f"{v:.3f}",
    "repr": lambda v: repr(float(v)),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("k", [2, 10, 100])
def test_probabilities_rounded_as_people_write_them_are_read_as_probabilities(writer, k):
    probs, labels = calibrated_predictions(300, k, seed=k)
    preds = load_predictions(csv_of(probs, labels, WRITERS[writer]), filename="p.csv")
    assert preds.kind == "probs" and preds.detection.sums_to_one
    np.testing.assert_allclose(preds.probs.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(preds.probs, probs, atol=k * 1e-3 if writer == "%.3f" else k * 1e-4)


def test_the_reported_case_400_rows_at_6_decimals_reads_as_probabilities_with_honest_confidence():
    probs, labels = calibrated_predictions(400, 10, seed=13)
    data = csv_of(probs, labels, WRITERS["%.6f"])
    written = np.loadtxt(io.StringIO(data.decode()), delimiter=",", skiprows=1)[:, 1:]
    assert np.abs(written.sum(axis=1) - 1).max() > 1e-6  # the case the old fixed 1e-6 tolerance misread
    preds = load_predictions(data, filename="predictions.csv")
    assert preds.kind == "probs"
    confidence, accuracy = preds.probs.max(axis=1).mean(), (preds.probs.argmax(axis=1) == labels).mean()
    assert accuracy > 0.85 and abs(confidence - accuracy) < 0.05  # read as logits, confidence fell to about 0.5


def test_forced_probabilities_at_6_decimals_are_accepted_too():
    probs, labels = calibrated_predictions(400, 10, seed=13)
    preds = load_predictions(csv_of(probs, labels, WRITERS["%.6f"]), filename="p.csv", kind="probs")
    assert preds.kind == "probs" and preds.detection is None


def test_a_row_further_from_one_than_its_digits_explain_means_logits_and_says_which_row():
    probs, labels = calibrated_predictions(50, 4, seed=1)
    probs[17] = [0.4, 0.3, 0.2, 0.0999]  # written with 4 decimals, so off by at most 2e-4; it is off by 1e-4...
    probs[31] = [0.4, 0.3, 0.2, 0.0990]  # ...but this row is off by 1e-3: not probabilities
    preds = load_predictions(csv_of(probs, labels, WRITERS["%.4f"]), filename="p.csv")
    assert preds.kind == "logits"
    assert preds.detection.in_unit_interval and preds.detection.row == 31
    assert preds.detection.row_sum == pytest.approx(0.999) and preds.detection.tolerance < 2e-4


def test_logits_that_happen_to_lie_in_0_1_stay_logits():
    preds = load_predictions(b"label,a,b,c\n0,0.2,0.3,0.1\n1,0.9,0.8,0.7\n", filename="z.csv")
    assert preds.kind == "logits" and preds.detection.in_unit_interval and not preds.detection.sums_to_one


def test_values_outside_0_1_are_logits_whatever_they_sum_to():
    preds = load_predictions(b"label,a,b\n0,1.5,-0.5\n1,2,-1\n", filename="z.csv")
    assert preds.kind == "logits" and not preds.detection.in_unit_interval


def test_tolerances_follow_the_digits_written():
    from softmax_core.uploads import row_tolerances
    assert row_tolerances(np.array([[0.333333, 0.333333, 0.333333]]))[0] == pytest.approx(1.5e-6, rel=1e-6)
    assert row_tolerances(np.array([[0.3333, 0.3333, 0.3333]]))[0] == pytest.approx(1.5e-4, rel=1e-6)
    # "0.5" in a file written with 6 decimals is 0.500000 with its zeros dropped, not a 1-decimal value.
    six = row_tolerances(np.array([[0.166667, 0.5, 0.333334], [0.123457, 0.376544, 0.5]]))
    np.testing.assert_allclose(six, 1.5e-6, rtol=1e-6)
    # Significant digits: each value's step follows its size.
    sig = row_tolerances(np.array([[0.999988, 1.23457e-05, 0.0], [0.5, 0.25, 0.250001]]))
    assert sig[0] == pytest.approx(0.5 * (1e-6 + 1e-10 + 1e-6), rel=1e-6)
    assert row_tolerances(np.array([[1 / 3, 1 / 3, 1 / 3]]))[0] <= 1e-12  # full precision: float rounding only
