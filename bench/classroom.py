"""The lecture hall: simulated students on Streamlit's own websocket protocol, against the app and a bare page.

Each student opens a page from a shared link (a websocket to ``/_stcore/stream`` and a ``rerun_script``
BackMsg, as the browser sends), waits for ``script_finished``, then moves a slider at ``--rate`` Hz: a rerun
carrying the slider's widget id and a new value. A move counts only if a chart in the answer changed, so
the timings are of real work. The same scenario runs against a bare page (one slider, one 10-bar chart) in
the same run, and the app's numbers are quoted as a ratio to that floor.

    python bench/classroom.py --students 60 --rate 0.5 --duration 30 --page softmax
    python bench/classroom.py --students 60 --replicas 2            # through HAProxy (deploy/local-cluster.sh)
    python bench/classroom.py --students 30 --kill-replica-at 15 --replicas 2 --no-baseline
    python bench/classroom.py --url http://127.0.0.1:8501 --students 10   # a server you started

Safety: every loop is bounded in count and time, and only loopback addresses are accepted as targets.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import ipaddress
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = ROOT / "deploy" / "local-cluster.sh"
MAX_STUDENTS = 500  # a bound, not a goal: more than one machine's client can simulate faithfully
RUN_TIMEOUT = 30.0  # seconds a single script run may take before it counts as a timeout

# The bare page: Streamlit's own floor for "one slider, one 10-bar chart". Its figure is built the app's way
# (plain specs, no validation: ui.charts.common.figure), so the ratio is the app's work, not Plotly's.
BARE_PAGE = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy as np
import streamlit as st
from ui.charts.common import figure

v = st.slider("logit", -10.0, 10.0, 2.0, step=0.1)
x = np.arange(10.0)
p = np.exp(-(x - v) ** 2 / 8)
st.plotly_chart(figure([{{"type": "bar", "x": [f"c{{i}}" for i in range(10)], "y": (p / p.sum()).tolist()}}],
                       {{"height": 300}}))
"""

# The default link of each page: what students open from the teacher's QR code.
QUERIES = {"softmax": {"logits": "2,1,0.5"}, "calibration": {}, "temperature": {"logits": "2,1,0.5"}, "": {}}


def require_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    if not ok:
        raise SystemExit(f"refusing {url}: the load client targets loopback addresses only")
    return url.rstrip("/")


@dataclasses.dataclass
class Stats:
    joins: list = dataclasses.field(default_factory=list)  # seconds from connect to the first script_finished
    moves: list = dataclasses.field(default_factory=list)  # seconds from a slider move to script_finished
    unchanged: int = 0  # moves after which no chart changed
    failed_connections: int = 0
    timeouts: int = 0
    disconnects: int = 0  # connections lost after joining (e.g. a replica killed)
    reconnects: int = 0
    errors: list = dataclasses.field(default_factory=list)


class Student:
    """One simulated browser tab: a websocket session on Streamlit's protocol."""

    def __init__(self, base: str, page: str, query: dict, stats: Stats, rng: random.Random):
        self.base, self.page, self.query, self.stats, self.rng = base, page, query, stats, rng
        self.cookie = ""
        self.session_id = ""
        self.had_session = False
        self.ws = None
        self.page_hash = ""
        self.sliders: dict[str, dict] = {}  # widget id -> {"value", "min", "max", "step"}
        self.charts: dict[tuple, str] = {}  # delta path -> digest of the chart's spec

    async def connect(self, existing_session: str = ""):
        """Open the websocket; ``existing_session`` asks the server to resume that session (a reconnect)."""
        ws_url = "ws" + self.base[4:] + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        protocols = ["streamlit", "bench"] + ([existing_session] if existing_session else [])
        self.ws = await websockets.connect(ws_url, subprotocols=protocols, origin=self.base,
                                           additional_headers=headers, max_size=None, open_timeout=RUN_TIMEOUT,
                                           ping_interval=None)
        # HAProxy's stickiness cookie arrives with the upgrade; a browser would send it back on reconnect.
        set_cookie = self.ws.response.headers.get("set-cookie", "")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]

    async def run(self, widgets=None) -> bool:
        """Send one rerun and read until script_finished; True if some chart changed."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = urlencode(self.query)
        if self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.page
        state.context_info.url = f"{self.base}/{self.page}?{state.query_string}"
        state.context_info.locale = "en-US"
        for wid, slider in self.sliders.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.double_array_value.data.extend(widgets.get(wid, slider["value"]) if widgets else slider["value"])
        await self.ws.send(msg.SerializeToString())
        changed = False
        deadline = time.monotonic() + RUN_TIMEOUT
        for _ in range(100_000):  # bounded: a run is at most this many messages
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "navigation":
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                if which == "plotly_chart":
                    path = tuple(fwd.metadata.delta_path)
                    digest = hashlib.blake2b(el.plotly_chart.spec.encode(), digest_size=8).hexdigest()
                    changed |= self.charts.get(path) != digest
                    self.charts[path] = digest
                elif which == "slider" and not el.slider.options and el.slider.data_type in (0, 1):  # INT, FLOAT
                    s = el.slider
                    self.sliders[s.id] = {"value": list(s.value) if s.set_value else list(s.default),
                                          "min": s.min, "max": s.max, "step": s.step or 0.1}
            elif kind == "page_not_found":
                raise RuntimeError(f"page not found: {self.page}")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    return changed
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script called st.rerun: the server starts the next run by itself
                raise RuntimeError(f"script finished with status {status}")
            elif kind == "session_event" and fwd.session_event.WhichOneof("type") == "script_compilation_exception":
                raise RuntimeError("script compilation exception")
        raise RuntimeError("too many messages in one run")

    def next_move(self) -> dict:
        """A new value for the first single-value slider: one to three steps, away from the ends."""
        wid, s = next(((k, v) for k, v in self.sliders.items() if len(v["value"]) == 1), (None, None))
        if wid is None:
            raise RuntimeError("no slider on the page")
        step = s["step"] * self.rng.randint(1, 3)
        v = s["value"][0] + (step if s["value"][0] + step <= s["max"] else -step)
        return {wid: [round(v, 10)]}

    async def join(self):
        start = time.perf_counter()
        await self.connect()
        await self.run()
        return time.perf_counter() - start

    async def close(self):
        if self.ws is not None:
            await self.ws.close()


async def rejoin(student, stats, attempts=5):
    """Join (again) like the browser: retry with a growing pause; seconds taken, or None after the last try.

    A failure after the websocket had opened is a disconnect (its replica went away); a join that needed retries
    counts as a reconnect; one that never succeeds is a failed connection.
    """
    for attempt in range(attempts):
        try:
            took = await student.join()
            stats.reconnects += attempt > 0 or student.had_session
            student.had_session = True
            return took
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException, RuntimeError) as exc:
            stats.errors.append(f"join: {type(exc).__name__}: {exc}"[:200])
            stats.disconnects += student.ws is not None and attempt == 0 and not student.had_session
            await student.close()
            student.ws, student.page_hash, student.charts = None, "", {}
            await asyncio.sleep(0.5 * (attempt + 1))
    stats.failed_connections += 1
    return None


async def student_life(base, page, query, stats, *, delay, rate, stop_at, seed):
    rng = random.Random(seed)
    await asyncio.sleep(delay)
    student = Student(base, page, query, stats, rng)
    joined = await rejoin(student, stats)
    if joined is None:
        return
    stats.joins.append(joined)
    next_at = time.monotonic() + rng.uniform(0, 1 / rate)
    for _ in range(int((stop_at - time.monotonic()) * rate) + 2):  # bounded by the duration
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if time.monotonic() >= stop_at:
            break
        move = student.next_move()
        start = time.perf_counter()
        try:
            changed = await student.run(move)
            student.sliders[next(iter(move))]["value"] = move[next(iter(move))]
            stats.moves.append(time.perf_counter() - start)
            stats.unchanged += not changed
        except asyncio.TimeoutError:
            stats.timeouts += 1
            break
        except (OSError, websockets.WebSocketException, RuntimeError) as exc:
            # The replica went away: reconnect through the same address, as the browser does.
            stats.disconnects += 1
            stats.errors.append(f"move: {type(exc).__name__}: {exc}"[:200])
            if await rejoin(student, stats) is None:
                break
        next_at += 1 / rate
    await student.close()


async def classroom(base, page, *, students, join_window, rate, duration, seed=0, on_tick=None, stats=None):
    stats = stats if stats is not None else Stats()
    query = QUERIES.get(page, {})
    rng = random.Random(seed)
    delays = sorted(rng.uniform(0, join_window) for _ in range(students))
    stop_at = time.monotonic() + join_window + duration
    tasks = [asyncio.create_task(student_life(base, page, query, stats, delay=d, rate=rate, stop_at=stop_at,
                                              seed=seed * 1000 + i)) for i, d in enumerate(delays)]
    if on_tick:
        tasks.append(asyncio.create_task(on_tick()))
    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=join_window + duration + 3 * RUN_TIMEOUT)
    stats.elapsed = time.perf_counter() - start
    stats.duration = duration
    return stats


def percentiles(values) -> str:
    if not values:
        return "n/a"
    p = np.percentile(np.asarray(values) * 1000, [50, 95, 99])
    return "/".join(f"{x:.0f}" for x in p)


def p95(values) -> float:
    return float(np.percentile(values, 95) * 1000) if values else float("nan")


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pids) -> float:
    """User + system CPU time of the server processes: cost per rerun that a busy machine cannot inflate much."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def report(name, stats, rss_before, rss_after, students) -> str:
    return (f"{name:<24} students={students:<4} joined={len(stats.joins)}/{students} "
            f"join p50/95/99={percentiles(stats.joins)} ms  slider p50/95/99={percentiles(stats.moves)} ms  "
            f"reruns/s={len(stats.moves) / stats.duration:.1f}  failed={stats.failed_connections} "
            f"timeouts={stats.timeouts} disconnects={stats.disconnects} reconnects={stats.reconnects} "
            f"unchanged={stats.unchanged}  RSS {rss_before:.0f}->{rss_after:.0f} MB"
            + (f"  server CPU/rerun={stats.cpu_per_run * 1000:.0f} ms" if getattr(stats, "cpu_per_run", 0) else ""))


class Cluster:
    """``deploy/local-cluster.sh`` as a context manager: N replicas behind HAProxy on a free port."""

    def __init__(self, replicas, *, warmup=True):
        from tests.e2e.e2e_harness import free_port

        self.replicas, self.port, self.warmup = replicas, free_port(), warmup
        self.url = f"http://127.0.0.1:{self.port}"
        self.state = Path(tempfile.gettempdir()) / f"softmax-cluster-{self.port}"

    def __enter__(self):
        args = ["bash", str(CLUSTER), "start", "--replicas", str(self.replicas), "--port", str(self.port)]
        subprocess.run(args + ([] if self.warmup else ["--no-warmup"]), check=True, timeout=900,
                       stdin=subprocess.DEVNULL, env={**os.environ, "LOCAL_CLUSTER_DIR": str(self.state)})
        return self

    def pids(self, kind="replica"):
        rows = [line.split() for line in (self.state / "pids").read_text().splitlines()]
        return [int(pid) for name, pid in rows if name.startswith(kind)]

    def __exit__(self, *exc):
        subprocess.run(["bash", str(CLUSTER), "stop", "--port", str(self.port)], timeout=120,
                       env={**os.environ, "LOCAL_CLUSTER_DIR": str(self.state)}, stdin=subprocess.DEVNULL)


class BareServer:
    """The bare page on one plain Streamlit process, with the same production settings as a replica."""

    def __enter__(self):
        from tests.e2e.e2e_harness import StreamlitServer

        self.dir = tempfile.TemporaryDirectory(prefix="bare-page-")
        script = Path(self.dir.name) / "bare.py"
        script.write_text(BARE_PAGE)
        # The app's own Streamlit settings (e.g. no full garbage collection after each run), for a fair floor.
        (Path(self.dir.name) / ".streamlit").mkdir()
        shutil.copy(ROOT / ".streamlit" / "config.toml", Path(self.dir.name) / ".streamlit" / "config.toml")
        self.server = StreamlitServer(script, cwd=self.dir.name, log_path=Path(self.dir.name) / "server.log")
        self.server.__enter__()
        self.url = self.server.url
        return self

    def pids(self):
        return [self.server.proc.pid]

    def __exit__(self, *exc):
        self.server.__exit__(*exc)
        self.dir.cleanup()


def measure(name, url, page, pids, args, *, kill=None) -> Stats:
    rss_before, cpu_before = rss_mb(pids), cpu_seconds(pids)

    async def killer():
        await asyncio.sleep(args.join_window + kill[0])
        os.kill(kill[1], signal.SIGKILL)
        print(f"  killed replica pid {kill[1]} at t={args.join_window + kill[0]:.0f} s", flush=True)

    stats = asyncio.run(classroom(url, page, students=args.students, join_window=args.join_window,
                                  rate=args.rate, duration=args.duration, seed=args.seed,
                                  on_tick=killer if kill else None))
    runs = len(stats.moves) + len(stats.joins)
    stats.cpu_per_run = (cpu_seconds(pids) - cpu_before) / runs if runs and pids and not kill else 0
    print(report(name, stats, rss_before, rss_mb(pids), args.students), flush=True)
    for err in sorted(set(stats.errors))[:5]:
        print(f"    e.g. {err}")
    return stats


def idle_memory(url, page, pids, n=20) -> float:
    """MB of server memory per idle session: open n sessions, measure, close them, measure again."""

    async def go():
        stats = Stats()
        people = [Student(url, page, QUERIES.get(page, {}), stats, random.Random(i)) for i in range(n)]
        before = rss_mb(pids)
        for s in people:
            await s.join()
        await asyncio.sleep(2)
        opened = rss_mb(pids)
        for s in people:
            await s.close()
        await asyncio.sleep(5)  # Streamlit drops a closed session's state after its disconnect grace
        return before, opened, rss_mb(pids)

    before, opened, closed = asyncio.run(go())
    per = (opened - before) / n
    print(f"{'idle sessions':<24} {n} opened: RSS {before:.0f}->{opened:.0f} MB ({per:.2f} MB per session), "
          f"after closing: {closed:.0f} MB", flush=True)
    return per


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--join-window", type=float, default=5.0, help="seconds over which students arrive")
    ap.add_argument("--rate", type=float, default=0.5, help="slider moves per second per student")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of slider moves after the join window")
    ap.add_argument("--page", default="softmax", choices=sorted(p for p in QUERIES if p))
    ap.add_argument("--replicas", type=int, default=1, help="app replicas behind HAProxy (local-cluster.sh)")
    ap.add_argument("--url", help="an already running server or balancer on loopback (no baseline, no RSS)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the bare page")
    ap.add_argument("--no-warmup", action="store_true", help="start replicas cold")
    ap.add_argument("--idle-memory", action="store_true", help="also report MB per idle session")
    ap.add_argument("--kill-replica-at", type=float, help="kill one replica this many seconds into the moves")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not (1 <= args.students <= MAX_STUDENTS and 0 < args.rate <= 10 and 0 < args.duration <= 600
            and 0 <= args.join_window <= 120 and 1 <= args.replicas <= 8):
        ap.error(f"students 1..{MAX_STUDENTS}, rate 0..10 Hz, duration up to 600 s, join window up to 120 s, "
                 "replicas 1..8")
    sys.path.insert(0, str(ROOT))
    print(f"# classroom: {args.students} students joining over {args.join_window:.0f} s, then {args.rate} Hz "
          f"for {args.duration:.0f} s, page {args.page}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if args.url:
        measure(args.page, require_loopback(args.url), args.page, [], args)
        return
    results = {}
    if not args.no_baseline:
        with BareServer() as bare:
            results["bare"] = measure("bare page", bare.url, "", bare.pids(), args)
    with Cluster(args.replicas, warmup=not args.no_warmup) as cluster:
        name = f"{args.page} x{args.replicas} replica" + ("s" if args.replicas > 1 else "")
        kill = (args.kill_replica_at, cluster.pids()[0]) if args.kill_replica_at is not None else None
        results["app"] = measure(name, cluster.url, args.page, cluster.pids(), args, kill=kill)
        if args.idle_memory:
            idle_memory(cluster.url, args.page, cluster.pids())
    if "bare" in results:
        ratio = p95(results["app"].moves) / p95(results["bare"].moves)
        print(f"ratio: {args.page} slider p95 / bare page slider p95 = {ratio:.1f}x")


if __name__ == "__main__":
    main()
