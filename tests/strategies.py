"""Hypothesis strategies shared by every property test of the project.

Import them as ``from strategies import logits, probability_vectors, ...`` (pytest puts ``tests/`` on
the path, because ``tests/conftest.py`` lives there). Each strategy
draws NumPy data in the shapes and ranges the core promises to handle; keep new ones here, so that
the same generators serve the core, the chart builders and the pages.
"""
from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# The machines are shared and noisy: a per-example deadline turns a busy neighbour into a flaky
# failure. Every module that imports these strategies runs without one.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

_WIDTHS = {np.dtype(np.float16): 16, np.dtype(np.float32): 32, np.dtype(np.float64): 64}


def finite_floats(*, dtype=np.float64, min_value=-1e3, max_value=1e3) -> st.SearchStrategy:
    """Finite floats of ``dtype`` in ``[min_value, max_value]`` (no NaN, no inf, subnormals allowed).

    The bounds are rounded to ``dtype`` first (hypothesis wants bounds it can represent).
    """
    kind = np.dtype(dtype).type
    return st.floats(float(kind(min_value)), float(kind(max_value)), allow_nan=False,
                     allow_infinity=False, width=_WIDTHS[np.dtype(dtype)])


def shapes(*, min_dims=1, max_dims=2, min_side=1, max_side=6) -> st.SearchStrategy:
    """Array shapes with every side >= ``min_side`` (1 by default: softmax needs a class)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def logits(shape=None, *, dtype=np.float64, min_value=-1e3, max_value=1e3) -> st.SearchStrategy:
    """Arrays of finite logits of ``shape`` (a strategy or a tuple; default: 1-D or 2-D, small)."""
    return hnp.arrays(np.dtype(dtype), shapes() if shape is None else shape,
                      elements=finite_floats(dtype=dtype, min_value=min_value, max_value=max_value))


def logit_vectors(*, min_size=1, max_size=12, dtype=np.float64, min_value=-1e3, max_value=1e3
                  ) -> st.SearchStrategy:
    """1-D logits of length ``min_size..max_size``."""
    return logits(st.integers(min_size, max_size).map(lambda n: (n,)), dtype=dtype,
                  min_value=min_value, max_value=max_value)


@st.composite
def probability_vectors(draw, *, min_size=1, max_size=12, allow_zeros=True) -> np.ndarray:
    """float64 distributions: non-negative, summing to 1 (within rounding), some entries maybe 0."""
    n = draw(st.integers(min_size, max_size))
    low = 0.0 if allow_zeros else 1e-3
    weights = draw(hnp.arrays(np.float64, (n,), elements=st.floats(low, 1.0)))
    if weights.sum() == 0:
        weights[draw(st.integers(0, n - 1))] = 1.0
    return weights / weights.sum()


def labels(n, num_classes) -> st.SearchStrategy:
    """``n`` class indices in ``0..num_classes - 1`` (int64)."""
    return hnp.arrays(np.int64, (n,), elements=st.integers(0, num_classes - 1))


@st.composite
def logits_and_labels(draw, *, max_rows=8, max_classes=8, dtype=np.float64, min_value=-1e3,
                      max_value=1e3) -> tuple[np.ndarray, np.ndarray]:
    """A batch ``(N, K)`` of logits with matching labels ``(N,)``."""
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(1, max_classes))
    x = draw(logits((n, k), dtype=dtype, min_value=min_value, max_value=max_value))
    return x, draw(labels(n, k))


def temperatures(*, min_value=1e-2, max_value=1e2) -> st.SearchStrategy:
    """Valid temperatures: finite floats in ``[min_value, max_value]``, all > 0."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


@st.composite
def probs_and_labels(draw, *, max_rows=40, min_classes=2, max_classes=8) -> tuple[np.ndarray, np.ndarray]:
    """A batch ``(N, K)`` of probability rows (each summing to 1, K >= 2) with labels ``(N,)``."""
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(min_classes, max_classes))
    weights = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.0, 1.0)))
    weights[weights.sum(axis=1) == 0, 0] = 1.0
    return weights / weights.sum(axis=1, keepdims=True), draw(labels(n, k))
