"""A real ``streamlit run`` server and a real Chromium page, for the browser tests and ``bench/ui.py``.

Kept apart from ``conftest.py`` so the benchmark can use the same server start and the same
"key press -> chart data changed" measurement as the tests.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

# Debian's Chromium, as measured in PLATFORM.md: no sandbox as root, and no background networking,
# which would otherwise flood a closed network with connection attempts.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CHROMIUM_CANDIDATES = [
    "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
]
INSTALL_HINT = (
    "no Chromium found: install one (`sudo apt-get install chromium` on Debian/Ubuntu) or point "
    "CHROMIUM_PATH=/path/to/chrome at any Chrome or Chromium"
)

# The framework's own probes: opened at a sub-path, the frontend asks `<page>/_stcore/health` and
# `_stcore/host-config`, and those 404s reach the console. They are Streamlit's, not the app's.
IGNORED_CONSOLE = ("/_stcore/health", "_stcore/host-config")

# All charts' trace data as the browser holds it, for "did anything redraw" comparisons.
JS_CHARTS_DATA = "() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(e => e.data || null))"
JS_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning' || app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) return false;
    // Widgets and charts are loaded lazily: skeletons first, then a chart's frame, then its plot.
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(frame => {
        const plot = frame.querySelector('.js-plotly-plot');
        return plot && Array.isArray(plot.data) && plot._fullLayout;
    });
}"""


def find_chromium():
    """Path of a Chrome or Chromium executable: ``$CHROMIUM_PATH`` first, else a usual place, else None."""
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


def launch_chromium(playwright, executable):
    """Launch the system Chromium headless through Playwright (never Playwright's own download)."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def free_port():
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run <script>`` on a free port, headless and without usage stats.

    Use as a context manager; ``url`` is the base URL once ``/_stcore/health`` answers ``ok``.
    """

    def __init__(self, script="app.py", *, cwd=ROOT, log_path=None, timeout=90):
        self.script, self.cwd, self.timeout = str(script), Path(cwd), timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path or ARTIFACTS / "e2e" / f"streamlit-{self.port}.log")
        self.proc = None

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        cmd = [sys.executable, "-m", "streamlit", "run", self.script,
               f"--server.port={self.port}", "--server.address=127.0.0.1", "--server.headless=true",
               "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"no 'ok' from {self.url}/_stcore/health in {self.timeout}s:\n{self.log_tail()}")

    def log_text(self):
        """The server's output so far."""
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_tail(self, n=40):
        return "\n".join(self.log_text().splitlines()[-n:])

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def decode_array(value):
    """A trace array as the browser holds it -> NumPy: plain lists, typed arrays, or Plotly's bdata."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
    if isinstance(value, dict):  # a JS typed array serialises as {"0": ..., "1": ...}
        return np.array([value[str(i)] for i in range(len(value))])
    return np.asarray(value)


class AppPage:
    """One browser page on the app, recording what a clean page must not have.

    Records console errors (minus the framework's own probes), uncaught page errors and dialogs
    (which are dismissed). ``problems()`` lists them together with Streamlit exception boxes on
    the page and tracebacks the server logged since the page was opened.
    """

    def __init__(self, page, server):
        self.page, self.server = page, server
        self.console_errors, self.page_errors, self.dialogs = [], [], []
        self._log_start = len(server.log_text()) if server else 0
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("dialog", self._on_dialog)

    def _on_console(self, msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if any(probe in msg.text or probe in where for probe in IGNORED_CONSOLE):
            return
        self.console_errors.append(f"{msg.text} ({where})")

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # navigation -------------------------------------------------------------------------------
    def url_for(self, route="", **params):
        """Absolute URL of a page route ("" is the home page) with query parameters."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.server.url}/{route}{query}"

    def open(self, route="", **params):
        """Open a page and wait until its script has finished and its charts are drawn."""
        self.page.goto(self.url_for(route, **params))
        self.wait_idle()
        return self

    def wait_idle(self, timeout=30_000):
        """Wait until a script run has finished, the page shows something and every chart is drawn.

        Checked twice, 150 ms apart: a page may rerun itself at once (st.rerun), and "not running"
        can be seen for a moment between the two runs.
        """
        for _ in range(2):
            self.page.wait_for_function(JS_SETTLED, timeout=timeout)
            self.page.wait_for_timeout(150)
        self.page.wait_for_function(JS_SETTLED, timeout=timeout)

    # reading ----------------------------------------------------------------------------------
    @property
    def sliders(self):
        return self.page.locator('[data-testid="stSlider"] input[type="range"]')

    def chart_count(self):
        return self.page.locator(".js-plotly-plot").count()

    def charts_snapshot(self):
        """All charts' trace data as one JSON string (compare two to see a redraw)."""
        return self.page.evaluate(JS_CHARTS_DATA)

    def chart_traces(self, index=0):
        """The traces of the index-th chart on the page, as the browser drew them (list of dicts)."""
        return json.loads(self.charts_snapshot())[index]

    def bar_heights(self, index=0, trace=0):
        """The y values of one trace of one chart, as a NumPy array."""
        return decode_array(self.chart_traces(index)[trace]["y"]).astype(float)

    def text(self):
        """Visible text of the main area and the sidebar."""
        return self.page.locator('[data-testid="stApp"]').inner_text()

    def chart_text(self, index=0):
        """All text inside one chart's SVG (tick labels, annotations, hover templates excluded)."""
        return self.page.locator(".js-plotly-plot").nth(index).evaluate("e => e.textContent")

    # acting -----------------------------------------------------------------------------------
    def press_on_slider(self, index=0, key="ArrowRight", timeout=15_000):
        """Focus a slider, press a key, wait until some chart's data changed; return seconds taken."""
        before = self.charts_snapshot()
        self.sliders.nth(index).focus()
        start = time.perf_counter()
        self.page.keyboard.press(key)
        self.page.wait_for_function(f"prev => ({JS_CHARTS_DATA})() !== prev", arg=before,
                                    timeout=timeout, polling="raf")
        elapsed = time.perf_counter() - start
        self.wait_idle()
        return elapsed

    def language_box(self):
        """The sidebar's language selectbox (the first selectbox of the sidebar)."""
        return self.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first

    @staticmethod
    def selected(selectbox):
        """The visible value of a Streamlit selectbox (a combobox input in streamlit 1.67)."""
        return selectbox.get_by_role("combobox").input_value()

    def nudge_slider(self, index=0, timeout=15_000):
        """One step of a slider, towards whichever end it is not at; see ``press_on_slider``."""
        slider = self.sliders.nth(index)
        at_max = float(slider.input_value()) >= float(slider.get_attribute("max"))
        return self.press_on_slider(index, "ArrowLeft" if at_max else "ArrowRight", timeout=timeout)

    def choose(self, selectbox, option):
        """Pick ``option`` (its visible text) in a Streamlit selectbox locator, then wait for the rerun."""
        selectbox.get_by_role("combobox").click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.page.wait_for_timeout(300)  # let the rerun start before waiting for it to end
        self.wait_idle()

    def screenshot(self, name):
        """Save a full-page screenshot under artifacts/screenshots/ (git-ignored); return its path."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    # checking ---------------------------------------------------------------------------------
    def problems(self):
        """Everything a clean page must not show: console/page errors, dialogs, exceptions, tracebacks."""
        found = [f"console error: {e}" for e in self.console_errors]
        found += [f"page error: {e}" for e in self.page_errors]
        found += [f"dialog: {d}" for d in self.dialogs]
        boxes = self.page.locator('[data-testid="stException"]')
        found += [f"exception box: {boxes.nth(i).inner_text()[:300]}" for i in range(boxes.count())]
        if self.server:
            log = self.server.log_text()[self._log_start:]
            if "Traceback" in log:
                found.append(f"server traceback:\n{log[log.index('Traceback'):][:2000]}")
        return found
