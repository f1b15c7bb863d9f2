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
