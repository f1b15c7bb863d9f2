"""UI benchmark: what a rerun and a slider move cost, as ratios to a bare Streamlit page in the same run.

Run from the repository root:  python bench/ui.py [--reruns 30] [--moves 15] [--no-browser]

1. AppTest reruns of every page, through app.py and st.navigation, against a bare page (one slider and
   one 10-bar Plotly chart, also behind st.navigation): median per warm rerun and its ratio to the bare
   page. Goals: each page <= 4x, calibration <= 8x.
2. The softmax page with 10,000 pasted logits (?logits=...): rerun ratio (goal <= 6x) and the size of the
   figure JSON sent to the browser (goal < 100 KB).
3. In a real Chromium (skipped when none is found): the bare page's key press on its slider -> chart data
   changed (a server round trip), median over --moves presses; then a 60-move pointer drag of a live handle
   (ui/live) on the softmax page (a logit) and the temperature page (T): pointer move -> the live chart's
   data-values changed, timed inside the browser, median and p95. Goal: median <= 16 ms (one frame at 60 Hz).

Absolute times depend on the machine; the ratios to the bare page measured beside them are what hold.
"""

import argparse
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]  # the app's packages, and the browser harness
# Visitors get no error details (config.toml); a benchmark of a broken page should say what broke.
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "type")

import numpy as np  # noqa: E402
import streamlit.version  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.nav import PAGES  # noqa: E402

GOALS = {"calibration": 8.0, "softmax, 10,000 logits": 6.0}
DEFAULT_GOAL = 4.0
BARE = "bare (slider + 10 bars)"
DRAG_GOAL_MS = 16.0  # one frame at 60 Hz
DRAG_MOVES = 60
FIGURE_GOAL_KB = 100

BARE_PAGE = """\
import numpy as np
import plotly.graph_objects as go
import streamlit as st

shift = st.slider("shift", -10.0, 10.0, 0.0, 0.1)
y = np.exp(np.linspace(-2, 2, 10) + shift / 10)
st.plotly_chart(go.Figure(go.Bar(x=[f"class {i}" for i in range(10)], y=(y / y.sum()).tolist())))
"""
BARE_APP = """\
import streamlit as st

st.navigation([st.Page("bare_page.py", url_path="bare", default=True)]).run()
"""


def run_as_a_server():
    """Make AppTest run scripts the way a running server does, for the pages and the bare page alike.

    AppTest, on every run:
    - builds new script caches (streamlit/testing/v1/app_test.py and local_script_runner.py), so it
      recompiles app.py and the page file each time, a cost that grows with the file's length and that a
      server pays once;
    - resets ``PagesManager.uses_pages_directory``, so an app with a ``pages/`` folder is started the legacy
      way every time: the page file runs on its own, stops, and runs again through app.py. A server does
      that on its first run only, after which st.navigation has settled the question for the process.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test, local_script_runner

    # These are Streamlit internals (1.67): if a later version moves them, say so instead of measuring AppTest
    # as it comes under this function's name.
    for module, name in ((app_test, "ScriptCache"), (local_script_runner, "ScriptCache"), (app_test, "PagesManager")):
        if not hasattr(module, name):
            raise SystemExit(f"bench/ui.py: {module.__name__}.{name} is gone; update run_as_a_server() or use --as-is")
    if not hasattr(PagesManager, "uses_pages_directory"):
        raise SystemExit("bench/ui.py: PagesManager.uses_pages_directory is gone; update run_as_a_server()")
    shared = app_test.ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared

    class ServedPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.PagesManager = ServedPagesManager


def write_bare_app(folder):
    """The baseline app (served and AppTested exactly like the real one), with the project's config."""
    folder = Path(folder)
    (folder / "bare_page.py").write_text(BARE_PAGE)
    (folder / "bare_app.py").write_text(BARE_APP)
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit", dirs_exist_ok=True)
    return folder / "bare_app.py"


def figure_json_kb(at):
    """Size of the first Plotly figure's JSON as sent to the browser (see PLATFORM.md)."""
    charts = at.get("plotly_chart")
    return len(charts[0].proto.spec.encode()) / 1024 if charts else float("nan")


def median_reruns(first, second, reruns):
    """Median seconds of a warm rerun of each of two AppTests, their reruns taken in turn.

    Taken in turn, a change of load on a shared machine hits both medians alike.
    """
    times = ([], [])
    for _ in range(reruns):
        for at, out in zip((first, second), times):
            start = time.perf_counter()
            at.run()
            out.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def first_run(script, *, page=None, query=None):
    """(seconds of the first run, the AppTest) of one page through app.py and st.navigation."""
    at = AppTest.from_file(str(script), default_timeout=120)
    at.query_params.update(query or {})
    if page:
        at.switch_page(page)  # url_path == file stem, so the page is found before the first run
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page or script}: {'; '.join(e.message for e in at.exception)}")
    at.run()  # one more warm-up rerun: caches, imports and the URL sync have settled
    return seconds, at


def apptest_table(bare_script, reruns, as_is=False, only=None):
    _, bare_at = first_run(bare_script)
    print(f"\nAppTest reruns through st.navigation, median of {reruns} warm reruns; "
          "bare = the bare page, its reruns taken in turn with the page's; "
          + ("AppTest as it comes (--as-is)" if as_is else "scripts run as a server runs them"))
    print(f"{'page':26} {'first run':>10} {'rerun':>9} {'bare':>8} {'x bare':>7} {'goal':>6}  charts")
    cases = [(p.key, p.file, {}) for p in PAGES]
    many = ",".join(f"{v:.3f}" for v in np.random.default_rng(0).normal(0, 3, 10_000))
    cases.append(("softmax, 10,000 logits", "pages/softmax.py", {"logits": many}))
    for name, file, query in cases:
        if only and name.split(",")[0] not in only:
            continue
        try:
            first, at = first_run(ROOT / "app.py", page=file, query=query)
        except RuntimeError as exc:  # one broken page should not hide the others' figures
            print(f"{name:26} failed: {exc}")
            continue
        bare, median = median_reruns(bare_at, at, reruns)
        ratio, goal = median / bare, GOALS.get(name, DEFAULT_GOAL)
        charts = len(at.get("plotly_chart"))
        verdict = "ok" if ratio <= goal else "OVER"
        print(f"{name:26} {first * 1e3:8.0f}ms {median * 1e3:7.1f}ms {bare * 1e3:6.1f}ms {ratio:6.1f}x "
              f"{goal:5.0f}x  {charts:3d}  {verdict}")
        if query:
            kb = figure_json_kb(at)
            verdict = "ok" if kb < FIGURE_GOAL_KB else "OVER"
            print(f"{'  figure JSON sent':26} {kb:8.1f}KB {'':>9} {'':>8} {'':>7} <{FIGURE_GOAL_KB}KB {verdict}")


def slider_press_times(browser, script, route, moves):
    """Seconds from a key press on the first slider to changed chart data, ``moves`` times."""
    from e2e_harness import AppPage, StreamlitServer

    with StreamlitServer(script.name, cwd=script.parent) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            app = AppPage(context.new_page(), server)
            app.open(route)
            app.press_on_slider(0, "ArrowRight")  # warm-up: the first redraw also lays the chart out
            return [app.press_on_slider(0, "ArrowLeft" if i % 2 == 0 else "ArrowRight") for i in range(moves)]
        finally:
            context.close()


# Timed in the page: each pointermove's timestamp, and each redraw of the live chart (its data-values changing).
JS_DRAG_PROBE = """() => {
    const probe = window.__drag = {moves: [], draws: []};
    window.addEventListener('pointermove', e => probe.moves.push(e.timeStamp), true);
    new MutationObserver(() => probe.draws.push(performance.now())).observe(
        document.querySelector('[data-testid="live-probs"]'), {attributes: true, attributeFilter: ['data-values']});
}"""
# For each move, the first redraw at or after it: a move the next frame coalesced with it shares that redraw.
JS_DRAG_LATENCIES = """() => {
    const {moves, draws} = window.__drag;
    return moves.map(t => { const d = draws.find(x => x >= t); return d === undefined ? null : d - t; });
}"""


def drag_times(browser, route, moves=DRAG_MOVES):
    """Milliseconds from each pointer move of a live handle to its chart's redraw, over one ``moves``-move drag."""
    from e2e_harness import AppPage, StreamlitServer

    with StreamlitServer("app.py", cwd=ROOT) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            app = AppPage(context.new_page(), server)
            app.page.goto(app.url_for(route))
            app.wait_idle(timeout=120_000)  # a first visit on a loaded machine can take longer than the default
            handle = app.page.locator('.ssl-root [role="slider"]').first
            track = handle.locator("xpath=..").bounding_box()
            box = handle.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            step = 0.4 * track["width"] / moves * (1 if x < track["x"] + track["width"] / 2 else -1)
            app.page.evaluate(JS_DRAG_PROBE)
            app.page.mouse.move(x, y)
            app.page.mouse.down()
            for i in range(1, moves + 1):
                count = app.page.evaluate("() => window.__drag.draws.length")
                app.page.mouse.move(x + step * i, y)
                app.page.wait_for_function("n => window.__drag.draws.length > n", arg=count, timeout=5_000)
            latencies = app.page.evaluate(JS_DRAG_LATENCIES)
            app.page.mouse.up()
            return [v for v in latencies if v is not None]
        finally:
            context.close()


def browser_table(bare_script, moves):
    try:
        from e2e_harness import find_chromium, launch_chromium
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        print(f"\nbrowser: skipped ({exc})")
        return
    chromium = find_chromium()
    if chromium is None:
        print("\nbrowser: skipped (no Chromium; `apt-get install chromium` or set CHROMIUM_PATH)")
        return
    print(f"\nReal browser: the bare page's key press -> chart data changed ({moves} presses), against a live "
          f"handle's pointer move -> live chart redrawn ({DRAG_MOVES}-move drag, timed in the page)")
    print(f"{'page':34} {'median':>9} {'p95':>9} {'x bare':>7} {'goal':>8}")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        bare = float("nan")
        try:
            times = [t * 1e3 for t in slider_press_times(browser, bare_script, "", moves)]
            bare = statistics.median(times)
            print(f"{BARE + ', key press':34} {bare:7.1f}ms {float(np.percentile(times, 95)):7.1f}ms")
        except Exception as exc:  # playwright's errors have no common base; report and go on
            print(f"{BARE:34} failed: {str(exc).splitlines()[0]}")
        for name, route in (("softmax, logit drag (live)", "softmax"), ("temperature, T drag (live)", "temperature")):
            try:
                times = drag_times(browser, route)
            except Exception as exc:
                print(f"{name:34} failed: {str(exc).splitlines()[0]}")
                continue
            median, p95 = statistics.median(times), float(np.percentile(times, 95))
            verdict = "ok" if median <= DRAG_GOAL_MS else "OVER"
            print(f"{name:34} {median:7.1f}ms {p95:7.1f}ms {median / bare:6.2f}x {DRAG_GOAL_MS:5.0f}ms  {verdict}")
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=30, help="warm AppTest reruns per page")
    parser.add_argument("--moves", type=int, default=15, help="slider key presses per page in the browser")
    parser.add_argument("--no-browser", action="store_true", help="skip the real-browser measurement")
    parser.add_argument("--pages", default="", help="comma-separated page keys to rerun (default: all)")
    parser.add_argument("--as-is", action="store_true",
                        help="AppTest as it comes: recompile every script and start the legacy pages/ way on "
                             "every rerun, which a server does once")
    args = parser.parse_args()
    if not args.as_is:
        run_as_a_server()
    os.chdir(ROOT)
    # AppTest runs pages outside a server, so Streamlit warns "missing ScriptRunContext" on every run: noise here.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{platform.system()} {platform.release()}, load {os.getloadavg()[0]:.1f}; Python {platform.python_version()}, "
          f"streamlit {streamlit.version.STREAMLIT_VERSION_STRING}, numpy {np.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        bare_script = write_bare_app(folder)
        apptest_table(bare_script, args.reruns, args.as_is, only=set(filter(None, args.pages.split(","))))
        if not args.no_browser:
            browser_table(bare_script, args.moves)


if __name__ == "__main__":
    main()
