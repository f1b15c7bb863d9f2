"""Reading what people type: lists of logits and class names, and writing logits back for URLs.

The rules are forgiving about form (any separator, a Unicode minus, full-width digits, a decimal
comma where it cannot be mistaken) and strict about content (no words, no gaps, no NaN or inf).
Every rejection names the entry at fault and carries a stable ``code`` the UI translates.
"""
from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from .softmax import CoreValueError

__all__ = [
    "MAX_LOGITS",
    "MAX_LABEL_LENGTH",
    "LogitParseError",
    "parse_logits",
    "format_logits",
    "parse_labels",
    "default_labels",
]

MAX_LOGITS = 10_000
MAX_LABEL_LENGTH = 40

# Characters people type for a minus sign. NFKC already maps the full-width and small hyphen-minus.
_MINUS_SIGNS = str.maketrans(dict.fromkeys("\u2212\u2010\u2011\u2012\u2013\u2014\u2015\u207b\u208b", "-"))
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity|∞)", re.IGNORECASE)
# Within one line: commas and whitespace separate. With decimal commas on, a comma between two
# digits belongs to the number instead.
_SEPARATORS = re.compile(r"\s*,\s*|\s+")
_SEPARATORS_DECIMAL_COMMA = re.compile(r"\s*(?:(?<!\d),|,(?!\d))\s*|\s+")


class LogitParseError(CoreValueError):
    """Text that cannot be read as a list of logits.

    Attributes
    ----------
    code : str
        One of ``"empty"``, ``"empty_entry"``, ``"not_a_number"``, ``"not_finite"``,
        ``"too_many"``.
    token : str or None
        The offending entry as typed (after Unicode normalisation).
    position : int or None
        The 1-based index of that entry.
    limit : int or None
        The maximum number of values, for ``"too_many"``.

    Examples
    --------
    >>> try:
    ...     parse_logits("1, two, 3")
    ... except LogitParseError as err:
    ...     print(err.code, err.token, err.position)
    not_a_number two 2
    """

    def __init__(self, message: str, *, code: str, token: str | None = None,
                 position: int | None = None, limit: int | None = None):
        super().__init__(message, code=code, token=token, position=position, limit=limit)
        self.token = token
        self.position = position
        self.limit = limit


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS)
    return text.replace("\u3001", ",")  # the ideographic comma of Chinese lists


def _entries(text: str) -> list[str]:
    """Split normalised text into entries ("" for an empty one), following the rules of parse_logits."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    decimal_comma = len(lines) > 1 or ";" in text
    separators = _SEPARATORS_DECIMAL_COMMA if decimal_comma else _SEPARATORS
    entries = []
    for line in lines:
        if line[-1] in ",;":  # one trailing separator per line is forgiven
            line = line[:-1].rstrip()
        for piece in line.split(";"):
            entries.extend(separators.split(piece.strip()))
    return entries


def _to_float(token: str, position: int) -> float:
    if token == "":
        raise LogitParseError(f"entry {position} is empty: two separators follow each other",
                              code="empty_entry", token="", position=position)
    if _NOT_FINITE.fullmatch(token):
        raise LogitParseError(f"entry {position} ({token!r}) is not a finite number",
                              code="not_finite", token=token, position=position)
    plain = token.replace(",", ".", 1) if "," in token and "." not in token else token
    if not _NUMBER.fullmatch(plain):
        raise LogitParseError(f"entry {position} ({token!r}) is not a number",
                              code="not_a_number", token=token, position=position)
    value = float(plain)
    if not math.isfinite(value):
        raise LogitParseError(f"entry {position} ({token!r}) is too large for a float64",
                              code="not_finite", token=token, position=position)
    return value


def parse_logits(text: str) -> np.ndarray:
    r"""Read a list of logits typed by a person or taken from a URL.

    Parameters
    ----------
    text : str
        Numbers such as ``"2, 1, 0.5"``.

    Returns
    -------
    numpy.ndarray
        float64, 1-D, at least one value, at most :data:`MAX_LOGITS`.

    Raises
    ------
    LogitParseError
        A ``ValueError`` whose ``code`` is one of

        - ``"empty"``: nothing but whitespace and separators;
        - ``"empty_entry"``: two separators with nothing between (``"1,,2"``);
        - ``"not_a_number"``: a word or malformed number (``"two"``, ``"1.2.3"``);
        - ``"not_finite"``: NaN, inf, or a value beyond float64 (``"1e309"``);
        - ``"too_many"``: more than ``MAX_LOGITS`` values (``.limit``).

        ``.token`` and ``.position`` (1-based) name the first offending entry.

    Notes
    -----
    The exact rules, in order:

    1. The text is normalised with Unicode NFKC (full-width digits and punctuation become ASCII);
       the minus sign U+2212, hyphens and dashes become ``-``, and the ideographic comma ``、``
       becomes ``,``.
    2. Blank lines are skipped, surrounding whitespace is ignored, and one trailing ``,`` or ``;``
       per line is forgiven.
    3. Newlines, ``;``, ``,`` and runs of whitespace separate values. A comma with spaces around
       it is one separator.
    4. **Decimal comma.** If the text has a ``;`` or holds values on more than one line, a comma
       *between two digits* is a decimal comma: ``"2,5; 1"`` is ``[2.5, 1]``. Otherwise every
       comma separates, because the comma is the separator of the URL format: ``"2,5"`` is
       ``[2, 5]``.
    5. Each value is a decimal number with optional sign, fraction and exponent (``-1.5e3``,
       ``.5``, ``+2``). Values too small for float64 become 0.

    Examples
    --------
    >>> parse_logits("2, 1, 0.5")
    array([2. , 1. , 0.5])
    >>> parse_logits("\u22121.5  3e2; 2,5")
    array([ -1.5, 300. ,   2.5])
    >>> parse_logits("\uff12\uff0c\uff11")  # full-width "2,1"
    array([2., 1.])
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_logits expects a str; got {type(text).__name__}")
    entries = _entries(_normalise(text))
    if entries in ([], [""]):
        raise LogitParseError("no numbers were given", code="empty")
    if len(entries) > MAX_LOGITS:
        raise LogitParseError(f"{len(entries):,} values were given; at most {MAX_LOGITS:,} are "
                              f"accepted", code="too_many", limit=MAX_LOGITS)
    return np.array([_to_float(token, i) for i, token in enumerate(entries, start=1)],
                    dtype=np.float64)


def format_logits(values) -> str:
    r"""Write logits as the canonical comma-separated text of the URL format.

    Parameters
    ----------
    values : array_like of float
        Finite numbers (any shape is flattened).

    Returns
    -------
    str
        Each value as the shortest text that reads back as the same float64 (Python's ``repr``),
        with ``.0`` dropped from whole numbers, joined by ``,`` without spaces.

    Raises
    ------
    CoreValueError
        If a value is NaN or infinite (code ``"not_finite"``): it could not be read back.

    Notes
    -----
    ``parse_logits(format_logits(x))`` equals ``x`` exactly, bit for bit, for every finite float64
    vector: ``repr`` gives the shortest decimal string that rounds back to the same double.

    Examples
    --------
    >>> format_logits([2.0, 1.0, 0.5, -0.1, 1e20])
    '2,1,0.5,-0.1,1e+20'
    """
    floats = np.asarray(values, dtype=np.float64).ravel()
    if not np.isfinite(floats).all():
        raise CoreValueError("only finite logits can be written; got NaN or inf", code="not_finite")
    return ",".join(_shortest(float(v)) for v in floats)


def _shortest(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def default_labels(n: int) -> list[str]:
    """Default class names: ``"A"``, ``"B"``, ... for up to 26 classes, else ``"class 1"``, ...

    Parameters
    ----------
    n : int
        The number of classes.

    Returns
    -------
    list of str

    Examples
    --------
    >>> default_labels(3)
    ['A', 'B', 'C']
    >>> default_labels(30)[:2]
    ['class 1', 'class 2']
    """
    if n <= 26:
        return [chr(ord("A") + i) for i in range(n)]
    return [f"class {i}" for i in range(1, n + 1)]


_LABEL_SEPARATORS = re.compile("[,;\n\uff0c\uff1b\u3001]")


def parse_labels(text: str, n: int | None = None) -> list[str]:
    r"""Read class names separated by commas (or semicolons, newlines, ``，``, ``、``).

    Parameters
    ----------
    text : str
        User text such as ``"cat, dog, bird"``. Names are never interpreted: they are shown as text.
    n : int, optional
        The number of classes. If given, extra names are dropped and missing ones are filled with
        :func:`default_labels`; if not, there are as many names as entries.

    Returns
    -------
    list of str
        One name per class.

    Notes
    -----
    Each name is stripped of surrounding whitespace and cut to :data:`MAX_LABEL_LENGTH` characters.
    An empty name takes the default name of its position. A repeated name gets `` (2)``,
    `` (3)``, ... appended, because charts key bars by name and would merge duplicates.

    Examples
    --------
    >>> parse_labels(" cat, dog ,, cat", 5)
    ['cat', 'dog', 'C', 'cat (2)', 'E']
    >>> parse_labels("")
    []
    """
    names = [name.strip()[:MAX_LABEL_LENGTH] for name in _LABEL_SEPARATORS.split(text)]
    if names == [""]:
        names = []
    count = len(names) if n is None else n
    names = (names + [""] * count)[:count]
    defaults = default_labels(count)
    names = [name or defaults[i] for i, name in enumerate(names)]
    return _deduplicate(names)


def _deduplicate(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        unique, k = name, 1
        while unique in seen:
            k += 1
            unique = f"{name} ({k})"
        seen.add(unique)
        out.append(unique)
    return out
