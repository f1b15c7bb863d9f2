"""AppTest helpers: open a page of app.py with a query string, and read back the Plotly figures it drew."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.nav import BY_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page: str, **query: str) -> AppTest:
    """Run app.py on ``page`` as if a browser opened ``/<page>?<query>``."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    if page != "home":
        # AppTest can only switch to a page that st.navigation registered in an earlier run. That run
        # (on the home page) reads the shell's settings from the same link, as a browser landing would.
        at.run()
        at.switch_page(BY_KEY[page].file)
        at.query_params.clear()
        at.query_params.update(query)
    return at.run()


def _decode(value):
    """Plotly 7 ships NumPy arrays as base64 ``bdata``; turn those back into arrays."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
            return arr.reshape(value["shape"]) if "shape" in value and isinstance(value["shape"], list) else arr
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def figures(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page, in page order, as plain dicts with arrays decoded."""
    return [_decode(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    """All markdown-ish text of the page (main and sidebar), for loose assertions."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("warning", "error", "info", "success"):
        parts += [e.value for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def page():
    return open_page
