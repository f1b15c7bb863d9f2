"""Read a user's uploaded predictions (the bytes the page received) into logits or probabilities and labels.

Two formats:

* CSV, UTF-8, comma-separated, a header row: a ``label`` column with the true class (0..K-1) and K more
  columns, one per class, holding either logits or probabilities;
* ``.npz`` (NumPy's zipped arrays) with ``labels`` and ``logits`` or ``probs``.

Nothing here touches the file system, and a ``.npz`` is read with ``allow_pickle=False``: an upload can
never run code. Every problem is an :class:`UploadError` that says what was wrong and where.
"""

import csv
import io
import zipfile
from typing import NamedTuple

import numpy as np

from .softmax import CoreValueError, softmax

__all__ = ["UploadError", "Predictions", "Detection", "load_predictions", "row_tolerances", "PROBS_TOLERANCE"]

#: How far from 1 a row of full-precision probabilities (an .npz) may sum. A CSV row may be off by more: by
#: the rounding of the digits it was written with (see :func:`row_tolerances`).
PROBS_TOLERANCE = 1e-6
_CLOSE = 1e-12  # rows summing to 1 this closely are probabilities however they were written
_KINDS = ("auto", "logits", "probs")


class UploadError(CoreValueError):
    """An upload that cannot be read (a ``ValueError``), with ``code`` and ``details`` for the UI.

    ``details`` may hold ``row`` (1-based, counting data rows after the header), ``column`` (its name)
    and the limits that were exceeded.

    Examples
    --------
    >>> try:
    ...     load_predictions(b"", filename="preds.csv")
    ... except UploadError as err:
    ...     print(err.code, "|", err)
    empty_file | the file is empty
    """


class Predictions(NamedTuple):
    """What an upload holds. ``logits`` is None when the file gave probabilities."""

    logits: np.ndarray | None
    """(N, K) float64 logits, or None."""
    probs: np.ndarray
    """(N, K) float64 probabilities; rows sum to 1 (the softmax of the logits when logits were given)."""
    labels: np.ndarray
    """(N,) true classes, 0..K-1."""
    kind: str
    """``"logits"`` or ``"probs"``: what the file held."""
    detection: "Detection | None" = None
    """Why a CSV read with ``kind="auto"`` was taken for ``kind``; None when the caller or the .npz decided."""


class Detection(NamedTuple):
    """The evidence behind reading a CSV as probabilities or as logits."""

    in_unit_interval: bool
    """Every class value lies in [0, 1]."""
    row: int
    """The row (0-based) whose sum is furthest from 1 measured against its tolerance."""
    row_sum: float
    """That row's sum."""
    tolerance: float
    """How far from 1 that row may sum given the digits it was written with."""

    @property
    def sums_to_one(self) -> bool:
        return self.in_unit_interval and abs(self.row_sum - 1) <= self.tolerance


# --------------------------------------------------------------------------------------------------
# CSV


def _cells(line):
    return next(csv.reader([line]))


def _diagnose_csv(lines, n_columns, names):
    """The first ragged row or unreadable cell, found slowly, once the fast parser has failed."""
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = _cells(line)
        if len(cells) != n_columns:
            return UploadError(
                f"row {row} has {len(cells)} cells but the header has {n_columns} columns",
                code="ragged_row", row=row, found=len(cells), expected=n_columns,
            )
        for name, cell in zip(names, cells):
            try:
                float(cell)
            except ValueError:
                text = cell.strip()
                if not text:
                    return UploadError(
                        f"row {row}, column '{name}' is empty", code="empty_cell", row=row, column=name
                    )
                return UploadError(
                    f"row {row}, column '{name}': {text[:40]!r} is not a number",
                    code="not_numeric", row=row, column=name, value=text[:40],
                )
    return UploadError("the file could not be read as CSV", code="unreadable_csv")


def _read_csv(data, max_rows, max_classes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UploadError(
            f"the file is not UTF-8 text (bad byte at position {err.start}); save it as UTF-8 CSV",
            code="not_utf8", position=err.start,
        ) from None
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise UploadError("the file is empty", code="empty_file")
    names = [name.strip() for name in _cells(lines[0])]
    body = lines[1:]
    lowered = [name.lower() for name in names]
    if "label" not in lowered:
        raise UploadError(
            "the header has no 'label' column (the true class of each row)", code="missing_label_column"
        )
    if lowered.count("label") > 1:
        raise UploadError("the header has more than one 'label' column", code="duplicate_label_column")
    label_at = lowered.index("label")
    n_classes = len(names) - 1
    _check_classes(n_classes, max_classes)
    n_rows = sum(1 for line in body if line.strip())
    if n_rows == 0:
        raise UploadError("the file has a header but no rows", code="no_rows")
    if n_rows > max_rows:
        raise UploadError(
            f"the file has {n_rows} rows; at most {max_rows} are allowed",
            code="too_many_rows", rows=n_rows, max_rows=max_rows,
        )
    try:
        table = np.loadtxt(
            body, delimiter=",", dtype=np.float64, ndmin=2, comments=None, quotechar='"'
        )
    except ValueError:
        raise _diagnose_csv(body, len(names), names) from None
    if table.shape[1] != len(names):  # every row had the same, wrong, count
        raise _diagnose_csv(body, len(names), names)
    bad = ~np.isfinite(table)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise UploadError(
            f"row {row + 1}, column '{names[col]}' is {table[row, col]}; every value must be a finite number",
            code="not_finite", row=int(row) + 1, column=names[col],
        )
    values = np.delete(table, label_at, axis=1)
    return values, table[:, label_at]


# --------------------------------------------------------------------------------------------------
# npz


def _npz_header(archive, key):
    """Shape and dtype of ``key`` in the archive, read from its header before any data is loaded."""
    with archive.open(key + ".npy") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
    return shape, dtype


def _read_npz(data, kind, max_rows, max_classes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {name[:-4] for name in archive.namelist() if name.endswith(".npy")}
    except (zipfile.BadZipFile, OSError):
        raise UploadError("the .npz file is damaged or not an .npz file", code="bad_npz") from None
    if "labels" not in members:
        raise UploadError("the .npz file has no 'labels' array", code="missing_labels")
    wanted = ["probs"] if kind == "probs" else ["logits"] if kind == "logits" else ["logits", "probs"]
    key = next((k for k in wanted if k in members), None)
    if key is None:
        raise UploadError(
            f"the .npz file needs an array named {' or '.join(repr(k) for k in wanted)}",
            code="missing_values", expected=wanted,
        )
    for name in (key, "labels"):
        try:
            shape, dtype = _npz_header(archive, name)
        except ValueError:
            raise UploadError(f"the array '{name}' in the .npz file is damaged", code="bad_npz") from None
        if dtype.hasobject:
            raise UploadError(
                f"the array '{name}' holds Python objects, which are never loaded (they could run code); "
                "save plain numbers",
                code="object_array", array=name,
            )
        if dtype.kind not in "iuf":
            raise UploadError(
                f"the array '{name}' holds {dtype} values; it must hold numbers",
                code="not_numeric", array=name,
            )
        if name == key:
            if len(shape) != 2:
                raise UploadError(
                    f"'{key}' must be a table (samples x classes); it has shape {shape}",
                    code="bad_shape", array=key, shape=shape,
                )
            if shape[0] > max_rows:
                raise UploadError(
                    f"the file has {shape[0]} rows; at most {max_rows} are allowed",
                    code="too_many_rows", rows=shape[0], max_rows=max_rows,
                )
            _check_classes(shape[1], max_classes)
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        values, labels = npz[key], npz["labels"]
    if values.shape[0] == 0:
        raise UploadError("the file has no rows", code="no_rows")
    if labels.ndim != 1 or labels.shape[0] != values.shape[0]:
        raise UploadError(
            f"'labels' must be a list of {values.shape[0]} classes, one per row; it has shape {labels.shape}",
            code="length_mismatch", rows=values.shape[0], shape=labels.shape,
        )
    values = values.astype(np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise UploadError(
            f"row {row + 1}, column {col} of '{key}' is {values[row, col]}; every value must be a finite number",
            code="not_finite", row=int(row) + 1, column=int(col),
        )
    return values, labels, (key if kind == "auto" else kind)


# --------------------------------------------------------------------------------------------------
# Shared checks


def _check_classes(n_classes, max_classes):
    if n_classes < 2:
        raise UploadError(
            f"the file has {n_classes} class column(s); a classifier needs at least 2",
            code="too_few_classes", n_classes=n_classes,
        )
    if n_classes > max_classes:
        raise UploadError(
            f"the file has {n_classes} classes; at most {max_classes} are allowed",
            code="too_many_classes", n_classes=n_classes, max_classes=max_classes,
        )


def _check_labels(labels, n_classes):
    if not np.issubdtype(labels.dtype, np.integer):
        bad = ~np.isfinite(labels) | (labels != np.round(labels))
        if bad.any():
            row = int(np.argmax(bad))
            raise UploadError(
                f"row {row + 1}: label {float(labels[row])!r} is not a whole number",
                code="label_not_integer", row=row + 1, label=float(labels[row]),
            )
    outside = (labels < 0) | (labels >= n_classes)
    if outside.any():
        row = int(np.argmax(outside))
        label = int(labels[row])
        raise UploadError(
            f"row {row + 1}: label {label} is out of range for {n_classes} classes (0..{n_classes - 1})",
            code="label_out_of_range", row=row + 1, label=label, n_classes=n_classes,
        )
    return labels.astype(np.intp)


def _written_places(values):
    """How many decimals each value shows: the fewest d that give back the same float (0.123457 -> 6,
    1.5e-05 -> 6, 0.25 -> 2), 17 beyond 15 decimals.

    Rounding a d-decimal integer count back (``round(v * 10**d) / 10**d``) is exact for d <= 15, so the
    comparison is exact too. Trailing zeros cannot be seen: "0.5000" shows 1 decimal.
    """
    places = np.full(values.shape, 17)
    todo = np.arange(values.size)
    for d in range(16):
        v = values[todo]
        hit = np.round(v * 10.0**d) / 10.0**d == v
        places[todo[hit]] = d
        todo = todo[~hit]
        if not todo.size:
            break
    return places


_SAMPLE = 100_000  # values enough to learn how a file was written


def _writing_steps(values):
    """The step each value was written with (10**-decimals), trailing zeros seen through.

    A writer rounds values of one size alike: to fixed decimals ("%.6f", ``round(p, 6)``), or to significant
    digits ("%.6g"), where the step shrinks with the value's decade. So the most common number of decimals
    among the values of a decade, learnt from a sample spread over the file, is that decade's step; a value
    showing fewer ("0.5" in a 6-decimal file) had zeros dropped, and the rare value showing more gets the
    decade's coarser step, which only widens its row's tolerance. Exact 0 and 1 get the coarsest step seen.
    """
    flat = values.ravel()
    inner = (flat > 0) & (flat < 1)
    if not inner.any():
        return np.zeros(values.shape)  # only 0 and 1: exact, however written
    v = flat[inner]
    decade = np.minimum(-np.floor(np.log10(v)).astype(np.int64), 330)  # 1 for 0.1..1, 2 for 0.01..0.1, ...
    learn = np.linspace(0, v.size - 1, min(v.size, _SAMPLE)).astype(np.int64)
    counts = np.bincount(decade[learn] * 18 + _written_places(v[learn]), minlength=331 * 18).reshape(331, 18)
    seen = counts.any(axis=1)
    # A decade missing from the sample gets the coarsest step seen: its values are too few to matter.
    usual = np.where(seen, counts.argmax(axis=1), counts.argmax(axis=1)[seen].min())
    step = 10.0 ** -usual.astype(float)
    steps = np.full(flat.shape, step[seen].max())
    steps[inner] = step[decade]
    return steps.reshape(values.shape)


def row_tolerances(values):
    """How far from 1 each row of written-out probabilities may sum, from the digits it was written with.

    A probability written with its last digit at place 10**-d is off from the true value by at most half of
    that; a row's sum by at most the total of those halves, plus the float64 rounding of reading and adding K
    numbers. A row written with 6 decimals and K classes may thus be off by (just under) K * 0.5e-6.

    Examples
    --------
    >>> row_tolerances(np.array([[0.333333, 0.333333, 0.333333], [0.166667, 0.5, 0.333333]]))
    array([1.5e-06, 1.5e-06])
    """
    values = np.asarray(values, dtype=np.float64)
    slack = 4 * values.shape[1] * np.finfo(np.float64).eps
    if np.all(np.abs(values.sum(axis=1) - 1) <= _CLOSE):  # every row this close passes; no digits to count
        return np.full(len(values), max(_CLOSE, slack))
    # Just under the bound: a row on it exactly would need every digit rounded by a full half the same way.
    return 0.5 * _writing_steps(values).sum(axis=1) * (1 - 1e-9) + slack


def _detect(values, tolerances):
    """The :class:`Detection` for ``values`` against per-row ``tolerances``."""
    in_unit = bool(values.min() >= 0 and values.max() <= 1)
    sums = values.sum(axis=1)
    row = int(np.argmax(np.abs(sums - 1) / tolerances))
    return Detection(in_unit, row, float(sums[row]), float(tolerances[row]))


def load_predictions(data, *, filename, kind="auto", max_rows=200_000, max_classes=1000):
    """Read uploaded predictions: a CSV or ``.npz`` file's bytes.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name; the extension (``.csv``, ``.txt`` or ``.npz``) picks the format.
    kind : {"auto", "logits", "probs"}, optional
        What the class columns hold. ``"auto"``: in a CSV, probabilities if every value lies in [0, 1] and
        every row sums to 1 within the rounding of the digits it was written with (:func:`row_tolerances`),
        otherwise logits; the result's ``detection`` says why. In a ``.npz`` the array's name decides
        (``logits`` first if both are there).
    max_rows, max_classes : int, optional
        Limits, so that a huge upload is refused before it is parsed.

    Returns
    -------
    Predictions
        ``logits`` (None for probabilities), ``probs``, ``labels``, ``kind``.

    Raises
    ------
    UploadError
        With a ``code`` among: ``empty_file``, ``no_rows``, ``not_utf8``, ``unsupported_file_type``,
        ``missing_label_column``, ``duplicate_label_column``, ``ragged_row``, ``empty_cell``,
        ``not_numeric``, ``not_finite``, ``label_not_integer``, ``label_out_of_range``,
        ``too_few_classes``, ``too_many_classes``, ``too_many_rows``, ``probs_out_of_range``,
        ``probs_not_normalised``, ``bad_npz``, ``object_array``, ``missing_labels``, ``missing_values``,
        ``bad_shape``, ``length_mismatch``, ``bad_kind``.

    Notes
    -----
    Probabilities are renormalised so that each row sums to 1 exactly (a change of at most the row's
    tolerance: ``PROBS_TOLERANCE`` in an .npz, the rounding of its digits in a CSV). Logits give
    probabilities by the softmax.

    Examples
    --------
    >>> csv_bytes = b"label,cat,dog\\n0,2.0,0.5\\n1,0.1,0.3\\n"
    >>> preds = load_predictions(csv_bytes, filename="preds.csv")
    >>> preds.kind, preds.labels.tolist(), preds.logits.shape
    ('logits', [0, 1], (2, 2))
    >>> load_predictions(b"label,a,b\\n1,0.25,0.75\\n", filename="p.csv").kind
    'probs'
    >>> try:
    ...     load_predictions(b"label,a,b\\n0,1,x\\n", filename="p.csv")
    ... except UploadError as err:
    ...     print(err.code, err.details["row"], err.details["column"])
    not_numeric 1 b
    """
    if kind not in _KINDS:
        raise UploadError(f"kind must be 'auto', 'logits' or 'probs'; got {kind!r}", code="bad_kind")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UploadError("the upload must be bytes", code="bad_upload")
    data = bytes(data)
    if not data.strip():
        raise UploadError("the file is empty", code="empty_file")
    suffix = str(filename).lower().rsplit(".", 1)[-1] if "." in str(filename) else ""
    if suffix == "npz":
        values, labels, kind = _read_npz(data, kind, max_rows, max_classes)
    elif suffix in ("csv", "txt"):
        values, labels = _read_csv(data, max_rows, max_classes)
    else:
        raise UploadError(
            f"'{filename}' is neither a .csv nor an .npz file", code="unsupported_file_type",
            filename=str(filename),
        )
    labels = _check_labels(labels, values.shape[1])
    detection = None
    if kind != "logits":
        in_unit = bool(values.min() >= 0 and values.max() <= 1)
        # Digits are counted only where they can matter: values that could be probabilities, from a CSV.
        tolerances = (row_tolerances(values) if in_unit and suffix != "npz"
                      else np.full(len(values), PROBS_TOLERANCE))
        found = _detect(values, tolerances)
        if kind == "auto":
            detection = found
            kind = "probs" if found.sums_to_one else "logits"
    if kind == "logits":
        return Predictions(values, softmax(values, axis=-1), labels, "logits", detection)
    if not found.in_unit_interval:
        row = int(np.argmax(((values < 0) | (values > 1)).any(axis=1)))
        raise UploadError(
            f"row {row + 1} has a probability outside [0, 1]", code="probs_out_of_range", row=row + 1
        )
    if not found.sums_to_one:
        raise UploadError(
            f"the probabilities in row {found.row + 1} sum to {found.row_sum:.6g}, not 1",
            code="probs_not_normalised", row=found.row + 1, total=found.row_sum,
        )
    return Predictions(None, values / values.sum(axis=1, keepdims=True), labels, "probs", detection)
