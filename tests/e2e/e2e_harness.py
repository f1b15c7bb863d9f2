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

    def next_frame(self):
        """Wait for the browser's next drawn frame: a live handle shows a key's value (aria-valuenow) there."""
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

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


# ---- the layout check -----------------------------------------------------------------------------------------
# What a reader sees, measured from the rendered page: every chart's SVG text boxes against each other, against
# the chart's edges, against lines drawn through them and bars drawn over them; plus the page's own width and its
# truncated labels. Returns plain strings, one per problem, so a failure reads as a list of what looks wrong.
JS_LAYOUT = """(opts) => {
    const found = [], slack = opts.slack;
    const name = el => (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const inter = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;
    // A glyph box includes the line's leading: its ink is the middle of it.
    const ink = r => { const dy = r.height * 0.2; return {left: r.left + 1, right: r.right - 1, top: r.top + dy,
                                                         bottom: r.bottom - dy}; };
    const visible = el => { const s = getComputedStyle(el);
        return s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.opacity || '1') > 0
            && !el.closest('[style*="display: none"], [opacity="0"]'); };
    const charts = [...document.querySelectorAll('.js-plotly-plot')];
    charts.forEach((gd, i) => {
        const title = ((gd._fullLayout.title || {}).text || '').replace(/<[^>]+>/g, '').slice(0, 50);
        const tag = `chart ${i} "${title}"`;
        const box = gd.getBoundingClientRect();
        if (box.width === 0) return;  // in a closed expander or a hidden tab
        const size = gd._fullLayout._size;
        if (size.w < opts.min_plot) found.push(`${tag}: plot area ${Math.round(size.w)} px wide (< ${opts.min_plot})`);
        const texts = [...gd.querySelectorAll('svg text')].filter(el => name(el) && visible(el))
            .map(el => ({el, r: el.getBoundingClientRect()})).filter(x => x.r.width > 0 && x.r.height > 0);
        for (const {el, r} of texts) {
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                found.push(`${tag}: "${name(el)}" clipped by the chart's edge`);
            const sub = el.closest('.subplot');
            if (sub && el.closest('[clip-path]') && el.closest('.plot')) {  // data labels clipped to their plot area
                const id = [...sub.classList].find(c => c !== 'subplot'), p = gd._fullLayout._plots[id];
                if (p) {
                    const area = {left: box.left + p.xaxis._offset, right: box.left + p.xaxis._offset + p.xaxis._length,
                                  top: box.top + p.yaxis._offset, bottom: box.top + p.yaxis._offset + p.yaxis._length};
                    const c = ink(r);
                    if (c.left < area.left - 1 || c.right > area.right + 1 || c.top < area.top - 1 || c.bottom > area.bottom + 1)
                        found.push(`${tag}: "${name(el)}" cut by the plot area`);
                }
            }
        }
        for (let a = 0; a < texts.length; a++)
            for (let b = a + 1; b < texts.length; b++)
                if (!texts[a].el.contains(texts[b].el) && !texts[b].el.contains(texts[a].el)
                        && inter(ink(texts[a].r), ink(texts[b].r)))
                    found.push(`${tag}: "${name(texts[a].el)}" overlaps "${name(texts[b].el)}"`);
        // Lines through text: straight shapes and the traces' lines, sampled along their length.
        const lines = [...gd.querySelectorAll('.shapelayer path, .layer-above path, .layer-below path, .scatterlayer path.js-line')]
            .filter(p => visible(p) && p.getAttribute('d') && parseFloat(getComputedStyle(p).strokeOpacity || '1') > 0
                         && getComputedStyle(p).stroke !== 'none');
        const points = lines.map(p => {
            const n = p.getTotalLength(), m = p.getScreenCTM(), pts = [];
            const steps = Math.min(400, Math.max(2, Math.ceil(n / 3)));
            for (let s = 0; s <= steps; s++) {
                const q = p.getPointAtLength(n * s / steps);
                pts.push({x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f});
            }
            return pts;
        });
        for (const {el, r} of texts) {
            if (!el.closest('.plot, .infolayer .annotation, .layer-above, .shapelayer')) continue;  // ticks, titles, legend
            const c = ink(r);
            if (lines.some((p, k) => points[k].some(q => q.x > c.left && q.x < c.right && q.y > c.top && q.y < c.bottom)))
                found.push(`${tag}: a line runs through "${name(el)}"`);
            // A bar drawn after a label covers it.
            const later = [...gd.querySelectorAll('.barlayer .point path')].filter(p =>
                (el.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING) && visible(p)
                && getComputedStyle(p).fill !== 'none' && inter(ink(r), p.getBoundingClientRect()));
            if (later.length) found.push(`${tag}: a bar covers "${name(el)}"`);
        }
    });
    // The live component's SVG charts (ui/live): the same text checks, against their own lines and bars.
    document.querySelectorAll('.ssl-root svg.ssl-svg').forEach((svg, i) => {
        const title = name(svg.querySelector('.ssl-title') || svg);
        const tag = `live chart ${i} "${title}"`;
        const box = svg.getBoundingClientRect();
        if (box.width === 0) return;
        const texts = [...svg.querySelectorAll('text')].filter(el => name(el) && visible(el) && el.getAttribute('visibility') !== 'hidden')
            .map(el => ({el, r: el.getBoundingClientRect()})).filter(x => x.r.width > 0 && x.r.height > 0);
        for (const {el, r} of texts)
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                found.push(`${tag}: "${name(el)}" clipped by the chart's edge`);
        for (let a = 0; a < texts.length; a++)
            for (let b = a + 1; b < texts.length; b++)
                if (inter(ink(texts[a].r), ink(texts[b].r)))
                    found.push(`${tag}: "${name(texts[a].el)}" overlaps "${name(texts[b].el)}"`);
        // Drawn data lines (reference, curves, drop line) through value and legend labels; bars drawn over them.
        const lines = [...svg.querySelectorAll('.ssl-ref, line.ssl-drop, polyline')].filter(p =>
            visible(p) && p.getAttribute('visibility') !== 'hidden' && !p.closest('.ssl-legend'));
        const points = lines.map(p => {
            const m = p.getScreenCTM(), pts = [];
            if (p.tagName === 'path') {
                const n = p.getTotalLength(), steps = Math.min(400, Math.max(2, Math.ceil(n / 3)));
                for (let s = 0; s <= steps; s++) {
                    const q = p.getPointAtLength(n * s / steps);
                    pts.push({x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f});
                }
                return pts;
            }
            const ends = p.tagName === 'line'
                ? [[+p.getAttribute('x1'), +p.getAttribute('y1')], [+p.getAttribute('x2'), +p.getAttribute('y2')]]
                : [...p.points].map(q => [q.x, q.y]);
            for (let k = 0; k + 1 < ends.length || (k === 0 && ends.length === 1); k++) {
                const [x1, y1] = ends[k], [x2, y2] = ends[Math.min(k + 1, ends.length - 1)];
                const steps = Math.max(1, Math.ceil(Math.hypot(x2 - x1, y2 - y1) / 3));
                for (let s = 0; s <= steps; s++) {
                    const x = x1 + (x2 - x1) * s / steps, y = y1 + (y2 - y1) * s / steps;
                    pts.push({x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f});
                }
            }
            return pts;
        });
        for (const {el, r} of texts) {
            if (!el.matches('.ssl-bar-text, .ssl-legend-text')) continue;  // ticks and titles sit outside the plot
            const c = ink(r);
            if (points.some(pts => pts.some(q => q.x > c.left && q.x < c.right && q.y > c.top && q.y < c.bottom)))
                found.push(`${tag}: a line runs through "${name(el)}"`);
            const later = [...svg.querySelectorAll('rect.ssl-bar, rect.ssl-ghost')].filter(p =>
                (el.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING) && visible(p)
                && p.getAttribute('visibility') !== 'hidden' && inter(c, p.getBoundingClientRect()));
            if (later.length) found.push(`${tag}: a bar covers "${name(el)}"`);
        }
    });
    // Sideways scrolling: the document and Streamlit's own scroll container.
    const vw = window.innerWidth;
    for (const el of [document.documentElement, document.body, document.querySelector('[data-testid="stMain"]'),
                      document.querySelector('[data-testid="stAppViewContainer"]')].filter(Boolean))
        if (el.scrollWidth > Math.max(vw, el.clientWidth) + 1)
            found.push(`page scrolls sideways: ${el.tagName.toLowerCase()}${el.dataset.testid ? '#' + el.dataset.testid : ''} is ${el.scrollWidth} px wide in ${vw}`);
    // Truncated labels: anything with an ellipsis whose text does not fit.
    const scope = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')];
    for (const root of scope)
        for (const el of root.querySelectorAll('*')) {
            if (!el.textContent.trim() || el.clientWidth === 0) continue;
            if (getComputedStyle(el).textOverflow !== 'ellipsis') continue;
            if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2 && getComputedStyle(el).webkitLineClamp !== 'none')
                found.push(`label truncated: "${name(el)}" (${el.scrollWidth} px in ${el.clientWidth})`);
        }
    return [...new Set(found)];
}"""

LAYOUT_VIEWPORTS = {
    "desktop": ({"width": 1400, "height": 900}, "0"),
    "projector": ({"width": 1280, "height": 720}, "1"),
    "phone": ({"width": 390, "height": 844}, "0"),
}


def layout_problems(app, *, min_plot=160, slack=1.0):
    """What looks wrong on the page as drawn now: overlapping, clipped or crossed chart text, plot areas narrower
    than ``min_plot`` px, sideways scrolling and labels cut with an ellipsis (see ``JS_LAYOUT``)."""
    return app.page.evaluate(JS_LAYOUT, {"min_plot": min_plot, "slack": slack})


def resize_and_settle(app, viewport):
    """Resize the window and wait until every chart has been laid out again for the new width."""
    app.page.set_viewport_size(viewport)
    app.page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].every(gd => {
        const w = gd.getBoundingClientRect().width;
        return w === 0 || Math.abs(gd._fullLayout.width - w) < 2; })""", timeout=15_000)
    app.page.wait_for_timeout(300)  # Plotly's responsive redraw is debounced
    app.wait_idle()
