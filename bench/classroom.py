"""The lecture hall: simulated students on Streamlit's own websocket protocol, against the app and a bare page.

Each student opens a page from a shared link (a websocket to ``/_stcore/stream`` and a ``rerun_script``
BackMsg, as the browser sends), waits for ``script_finished``, then moves a slider at ``--rate`` Hz: a rerun
carrying the slider's widget id and a new value. A move counts only if a chart in the answer changed, so
the timings are of real work. The same scenario runs against a bare page (one slider, one 10-bar chart) in
the same run, and the app's numbers are quoted as a ratio to that floor. The slider times are also given for
the moves begun after the join window alone: the steady state of a class that has arrived.

    python bench/classroom.py --students 60 --rate 0.5 --duration 30 --page softmax
    python bench/classroom.py --students 60 --replicas 2            # through HAProxy (deploy/local-cluster.sh)
    python bench/classroom.py --students 30 --kill-replica-at 15 --replicas 2 --no-baseline
    python bench/classroom.py --url http://127.0.0.1:8501 --students 10   # a server you started
    python bench/classroom.py --scenario vote --students 300 --replicas 2  # class mode, rooms in Redis

``--scenario vote`` is class mode: the teacher opens the page in projector mode and presses "Start class mode",
students join the room's link, each votes once and changes the vote once, and the projector's chart refreshes on
its own timer. It reports the time from a vote to the projector showing it, and checks that the final counts on
the projector equal the votes cast (exit status 1 if not).

Safety: every loop is bounded in count and time, and only loopback addresses are accepted as targets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import html
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

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
    settled: list = dataclasses.field(default_factory=list)  # the same, for moves begun after the join window
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
        # Live handles (ui/live, components v2): id -> {"value", "lo", "hi", "step", "moved"}. The browser draws
        # their chart; a move's end is one rerun carrying the component's state {"value": ...} as JSON.
        self.handles: dict[str, dict] = {}

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

    async def run(self, widgets=None, *, fragment: str = "", auto: bool = False, states=None) -> bool:
        """Send one rerun and read until script_finished; True if some chart changed.

        ``widgets`` holds new slider values; ``states`` other widgets' values as {id: (field, value)}, e.g.
        ("trigger_value", True) for a button click. ``fragment`` reruns only that fragment, as the browser does
        for a widget inside one (``auto``: the fragment's own timer, ``run_every``).
        """
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = urlencode(self.query)
        if self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.page
        state.fragment_id, state.is_auto_rerun = fragment, auto
        state.context_info.url = f"{self.base}/{self.page}?{state.query_string}"
        state.context_info.locale = "en-US"
        for wid, slider in self.sliders.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.double_array_value.data.extend(widgets.get(wid, slider["value"]) if widgets else slider["value"])
        for wid, handle in self.handles.items():
            if handle["moved"] or wid in (widgets or {}):  # the browser holds a state once a move has ended
                w = state.widget_states.widgets.add()
                w.id = wid
                w.json_value = json.dumps({"value": (widgets or {}).get(wid, handle["value"])})
        for wid, (field, value) in (states or {}).items():
            w = state.widget_states.widgets.add()
            w.id = wid
            setattr(w, field, value)
        await self.ws.send(msg.SerializeToString())
        changed = False
        deadline = time.monotonic() + RUN_TIMEOUT
        for _ in range(100_000):  # bounded: a run is at most this many messages
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            self.seen(fwd, kind)
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
                elif which == "bidi_component" and el.bidi_component.json:
                    path = tuple(fwd.metadata.delta_path)
                    digest = hashlib.blake2b(el.bidi_component.json.encode(), digest_size=8).hexdigest()
                    changed |= self.charts.get(path) != digest  # a live chart, drawn from this data
                    self.charts[path] = digest
                    data = json.loads(el.bidi_component.json)
                    data = data[0] if isinstance(data, list) and data else data  # ui/live sends [data]
                    if isinstance(data, dict) and {"value", "lo", "hi"} <= data.keys():
                        moved = self.handles.get(el.bidi_component.id, {}).get("moved", False)
                        self.handles[el.bidi_component.id] = {"value": data["value"], "lo": data["lo"],
                                                              "hi": data["hi"], "step": data.get("step", 0.1),
                                                              "moved": moved, "fragment": fwd.delta.fragment_id}
                elif which == "slider" and not el.slider.options and el.slider.data_type in (0, 1):  # INT, FLOAT
                    s = el.slider
                    # Without set_value the server leaves the value to the browser, which keeps the one it holds
                    # (``default`` is only the widget's first value: with a key and no value, its minimum).
                    held = self.sliders.get(s.id, {}).get("value")
                    value = list(s.value) if s.set_value else held if held is not None else list(s.default)
                    self.sliders[s.id] = {"value": value, "min": s.min, "max": s.max, "step": s.step or 0.1,
                                          "fragment": fwd.delta.fragment_id}
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

    def seen(self, fwd: ForwardMsg, kind: str) -> None:
        """Every message of a run, for what a scenario wants to read beyond sliders and charts."""

    def next_move(self) -> dict:
        """A new value for the first single-value slider, else the first live handle (its first value): one to
        three steps, away from the ends."""
        wid, s = next(((k, v) for k, v in self.sliders.items() if len(v["value"]) == 1), (None, None))
        if wid is not None:
            step = s["step"] * self.rng.randint(1, 3)
            v = s["value"][0] + (step if s["value"][0] + step <= s["max"] else -step)
            return {wid: [round(v, 10)]}
        wid, h = next(iter(self.handles.items()), (None, None))
        if wid is None:
            raise RuntimeError("no slider or live handle on the page")
        values = list(h["value"]) if isinstance(h["value"], list) else [h["value"]]
        step = h["step"] * self.rng.randint(1, 3)
        values[0] = round(values[0] + (step if values[0] + step <= h["hi"] else -step), 10)
        return {wid: values if isinstance(h["value"], list) else values[0]}

    def fragment_of(self, move: dict) -> str:
        """The fragment the browser reruns for this move: the one its widget was drawn in ("" for the app)."""
        wid = next(iter(move))
        return (self.sliders.get(wid) or self.handles.get(wid) or {}).get("fragment", "")

    def moved(self, move: dict) -> None:
        """The browser's widgets now hold the values of a finished move."""
        for wid, value in move.items():
            if wid in self.sliders:
                self.sliders[wid]["value"] = value
            else:
                self.handles[wid].update(value=value, moved=True)

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
        if student.had_session:  # a new session starts from the link: its live handles are not moved yet
            student.handles = {}
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


async def arrive(kind, base, page, query, stats, rng, *, delay):
    """A student of class ``kind`` opens the link after ``delay`` seconds; None if they never got in."""
    await asyncio.sleep(delay)
    student = kind(base, page, query, stats, rng)
    joined = await rejoin(student, stats)
    if joined is None:
        return None
    stats.joins.append(joined)
    return student


async def student_life(base, page, query, stats, *, delay, rate, stop_at, seed, settled_at=0.0):
    rng = random.Random(seed)
    student = await arrive(Student, base, page, query, stats, rng, delay=delay)
    if student is None:
        return
    next_at = time.monotonic() + rng.uniform(0, 1 / rate)
    for _ in range(int((stop_at - time.monotonic()) * rate) + 2):  # bounded by the duration
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if time.monotonic() >= stop_at:
            break
        move = student.next_move()
        start = time.perf_counter()
        try:
            changed = await student.run(move, fragment=student.fragment_of(move))
            student.moved(move)
            stats.moves.append(time.perf_counter() - start)
            if next_at >= settled_at:
                stats.settled.append(stats.moves[-1])
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
                                              seed=seed * 1000 + i, settled_at=stop_at - duration))
             for i, d in enumerate(delays)]
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
            f"(after the joins: {percentiles(stats.settled)} ms)  "
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


# ---- class mode: the whole room votes, the projector shows it ----------------------------------------------------

START_LABEL = tomllib.loads((ROOT / "locales" / "en" / "classroom.toml").read_text(encoding="utf-8"))["start"]
COUNTS = re.compile(r'data-counts="([^"]*)"')


class Participant(Student):
    """A tab in class mode: besides sliders and charts it reads the class quiz's radio, the buttons, the
    projector's poll (``data-counts`` of ``data-testid="class-poll"``), the fragments' timers and the URL the app
    writes (which carries ``room`` and, for the teacher, ``teacher``)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.radio = None  # (widget id, options, fragment id) of the quiz as class mode draws it
        self.buttons: dict[str, str] = {}  # label -> widget id
        self.poll = None  # the projector's counts, as last drawn
        self.poll_fragment = ""
        self.timers: dict[str, float] = {}  # fragment id -> seconds between its automatic reruns
        self.held: dict[str, tuple] = {}  # widget values the browser keeps sending (the radio once picked)

    def seen(self, fwd, kind):
        if kind == "page_info_changed":
            self.query = dict(parse_qsl(fwd.page_info_changed.query_string))
        elif kind == "auto_rerun":
            self.timers[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            el = fwd.delta.new_element
            which = el.WhichOneof("type")
            if which == "radio" and fwd.delta.fragment_id in self.timers:  # the class quiz polls on a timer
                self.radio = (el.radio.id, list(el.radio.options), fwd.delta.fragment_id)
            elif which == "button":
                self.buttons[el.button.label] = el.button.id
            elif which == "html" and 'data-testid="class-poll"' in el.html.body:
                self.poll = json.loads(html.unescape(COUNTS.search(el.html.body).group(1)))
                self.poll_fragment = fwd.delta.fragment_id

    async def run(self, widgets=None, *, fragment="", auto=False, states=None):
        return await super().run(widgets, fragment=fragment, auto=auto, states={**self.held, **(states or {})})


@dataclasses.dataclass
class Votes:
    cast: list = dataclasses.field(default_factory=list)  # (sent, acknowledged) monotonic times of every vote
    final: dict = dataclasses.field(default_factory=dict)  # student -> the option of their last counted vote
    lost: int = 0  # votes whose answer never came (not known whether they counted)
    updates: list = dataclasses.field(default_factory=list)  # projector: (sent, received, counts)
    idle: list = dataclasses.field(default_factory=list)  # projector update times before anyone joined
    polls: list = dataclasses.field(default_factory=list)  # students' own quiz refreshes (run_every), seconds
    link: dict = dataclasses.field(default_factory=dict)  # the teacher's URL parameters (room, teacher key)


async def open_room(base, page, stats) -> Participant:
    """The teacher opens the page in projector mode and presses "Start class mode", as in the browser."""
    teacher = Participant(base, page, {**QUERIES.get(page, {}), "projector": "1"}, stats, random.Random(-1))
    await teacher.connect()
    await teacher.run()
    await teacher.run(states={teacher.buttons[START_LABEL]: ("trigger_value", True)})
    if not {"room", "teacher"} <= teacher.query.keys() or teacher.poll is None:
        raise RuntimeError(f"class mode did not start: URL {teacher.query}, poll {teacher.poll}")
    return teacher


async def projector(teacher, votes, done, *, idle_polls, limit):
    """The projector's chart refreshes on its fragment's own timer until the students are done, then once more."""
    interval = teacher.timers.get(teacher.poll_fragment, 1.0)
    for i in range(limit):  # bounded: the scenario's duration over the interval, plus slack
        sent = time.monotonic()
        await teacher.run(fragment=teacher.poll_fragment, auto=True)
        got = time.monotonic()
        (votes.idle if i < idle_polls else votes.updates).append((sent, got, tuple(teacher.poll)))
        if i == idle_polls - 1:
            done["idle"].set()
        if done["students"].is_set() and i >= idle_polls and sent > done["at"]:
            return
        await asyncio.sleep(max(0.0, sent + interval - time.monotonic()))
    raise RuntimeError("the projector ran out of refreshes before the students finished")


async def voter_life(base, page, query, stats, votes, who, *, delay, vote_at, change_at, stop_at, polls, seed):
    """Join the room's link, vote at ``vote_at``, change the vote at ``change_at``; between them refresh the quiz
    on its own timer (``polls``) as a phone does; leave at ``stop_at``."""
    rng = random.Random(seed)
    student = await arrive(Participant, base, page, query, stats, rng, delay=delay)
    if student is None:
        return
    if student.radio is None:
        stats.errors.append("join: no class quiz on the student's page")
        await student.close()
        return
    wid, options, fragment = student.radio
    first = rng.randrange(len(options))
    plan = [(vote_at, first), (change_at, rng.choice([o for o in range(len(options)) if o != first]))]
    timer = student.timers.get(fragment) if polls else None
    next_poll = time.monotonic() + rng.uniform(0, timer) if timer else float("inf")
    for _ in range(100_000):  # bounded: two votes and the polls of the scenario's duration
        now = time.monotonic()
        if not plan and now >= stop_at:
            break
        await asyncio.sleep(max(0.0, min(plan[0][0] if plan else stop_at, next_poll) - now))
        voting = bool(plan) and time.monotonic() >= plan[0][0]
        try:
            if voting:
                option = plan.pop(0)[1]
                sent = time.monotonic()
                student.held[wid] = ("string_value", options[option])
                await student.run(fragment=fragment)
                votes.cast.append((sent, time.monotonic()))
                votes.final[who] = option
            elif time.monotonic() >= next_poll:
                start = time.monotonic()
                await student.run(fragment=fragment, auto=True)
                votes.polls.append(time.monotonic() - start)
                next_poll += timer
        except (asyncio.TimeoutError, OSError, websockets.WebSocketException, RuntimeError) as exc:
            stats.timeouts += isinstance(exc, asyncio.TimeoutError)
            stats.errors.append(f"{'vote' if voting else 'poll'}: {type(exc).__name__}: {exc}"[:200])
            if voting:  # whether it counted is unknown, so this student's final vote is too
                votes.lost += 1
                votes.final.pop(who, None)
            break  # votes still planned are never cast
    await student.close()


async def class_vote(base, page, *, students, join_window, duration, seed=0, polls=True, idle_polls=5):
    """The voting scenario: the teacher opens a room, students join and each vote once and change it once, in
    ``duration`` seconds after the join window; the projector refreshes throughout. Returns (stats, votes, n)."""
    stats, votes = Stats(), Votes()
    teacher = await open_room(base, page, stats)
    n_options, votes.link = len(teacher.poll), dict(teacher.query)
    query = {k: v for k, v in teacher.query.items() if k not in ("teacher", "projector")}  # the students' link
    done = {"idle": asyncio.Event(), "students": asyncio.Event(), "at": float("inf")}
    interval = teacher.timers.get(teacher.poll_fragment, 1.0)
    limit = int((idle_polls * interval + join_window + duration + 3 * RUN_TIMEOUT) / interval) + 10
    watch = asyncio.create_task(projector(teacher, votes, done, idle_polls=idle_polls, limit=limit))
    await asyncio.wait_for(done["idle"].wait(), timeout=idle_polls * (interval + RUN_TIMEOUT))
    rng = random.Random(seed)
    start = time.monotonic()
    stop_at = start + join_window + duration
    tasks = []
    for i in range(students):
        delay = rng.uniform(0, join_window)
        vote_at = start + join_window + rng.uniform(0, duration / 2)
        change_at = vote_at + rng.uniform(0.5, duration / 2)
        tasks.append(voter_life(base, page, query, stats, votes, i, delay=delay, vote_at=vote_at,
                                change_at=change_at, stop_at=stop_at, polls=polls, seed=seed * 1000 + i))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=join_window + duration + 4 * RUN_TIMEOUT)
    done["at"] = time.monotonic()
    done["students"].set()
    await asyncio.wait_for(watch, timeout=interval + 2 * RUN_TIMEOUT)
    await teacher.close()
    stats.elapsed, stats.duration = time.monotonic() - start, duration
    return stats, votes, n_options


def vote_to_projector(votes) -> tuple[list, int]:
    """Seconds from each vote to the first projector update that surely includes it (asked for after the vote
    was acknowledged: an upper bound by at most one refresh), and how many votes no update showed."""
    updates = sorted(votes.updates)
    shown, missing = [], 0
    for sent, acked in votes.cast:
        got = next((u_got for u_sent, u_got, _ in updates if u_sent >= acked), None)
        if got is None:
            missing += 1
        else:
            shown.append(got - sent)
    return shown, missing


def vote_report(name, stats, votes, n_options, students) -> bool:
    """Print the scenario's lines; True when the projector's final counts equal the votes cast."""
    shown, missing = vote_to_projector(votes)
    acks = [acked - sent for sent, acked in votes.cast]
    runs = [got - sent for sent, got, _ in votes.updates]
    idle = [got - sent for sent, got, _ in votes.idle]
    cast = [0] * n_options
    for option in votes.final.values():
        cast[option] += 1
    final = list(votes.updates[-1][2]) if votes.updates else []
    exact = final == cast and votes.lost == 0
    print(f"{name:<24} students={students:<4} joined={len(stats.joins)}/{students} "
          f"join p50/95/99={percentiles(stats.joins)} ms  votes={len(votes.cast)} lost={votes.lost}  "
          f"vote->counted p50/95/99={percentiles(acks)} ms  vote->projector p50/95/99={percentiles(shown)} ms "
          f"(not shown: {missing})  failed={stats.failed_connections} timeouts={stats.timeouts} "
          f"disconnects={stats.disconnects}", flush=True)
    print(f"{'':<24} projector refresh p50/95/99={percentiles(runs)} ms over {len(runs)} refreshes "
          f"(idle room before the class: {percentiles(idle)} ms; ratio p95 {p95(runs) / p95(idle):.1f}x)  "
          f"student quiz refreshes={len(votes.polls)} p50/95/99={percentiles(votes.polls)} ms", flush=True)
    print(f"{'':<24} final counts on the projector {final} {'==' if exact else '!='} votes cast {cast} "
          f"(each student's last vote): {'EXACT' if exact else 'MISMATCH'}", flush=True)
    for err in sorted(set(stats.errors))[:5]:
        print(f"    e.g. {err}")
    return exact


class RedisServer:
    """A throwaway redis-server on a free loopback port (nothing on disk), for replicas that share rooms."""

    def __enter__(self):
        from tests.classroom.conftest import _wait_for
        from tests.e2e.e2e_harness import free_port

        exe = shutil.which("redis-server")
        if exe is None:
            raise SystemExit("several replicas share class mode's rooms through Redis: install redis-server")
        port = free_port()
        self.proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(port, self.proc)
        self.url = f"redis://127.0.0.1:{port}/0"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def measure_vote(name, url, page, pids, args) -> bool:
    cpu_before = cpu_seconds(pids)
    stats, votes, n = asyncio.run(class_vote(url, page, students=args.students, join_window=args.join_window,
                                             duration=args.duration, seed=args.seed,
                                             polls=not args.no_student_polls))
    exact = vote_report(name, stats, votes, n, args.students)
    if pids:
        print(f"{'':<24} server CPU {cpu_seconds(pids) - cpu_before:.1f} s over {stats.elapsed:.0f} s", flush=True)
    return exact


def vote_main(args):
    print(f"# class vote: {args.students} students joining over {args.join_window:.0f} s, each voting once and "
          f"changing once within {args.duration:.0f} s, page {args.page}; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    if args.url:
        return measure_vote(f"vote {args.page}", require_loopback(args.url), args.page, [], args)
    name = f"vote {args.page} x{args.replicas}"
    if args.replicas == 1 and not os.environ.get("REDIS_URL"):
        with Cluster(1, warmup=not args.no_warmup) as cluster:
            return measure_vote(name + " (in-process store)", cluster.url, args.page, cluster.pids(), args)
    with contextlib.ExitStack() as stack:
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = stack.enter_context(RedisServer()).url  # the replicas inherit it
        cluster = stack.enter_context(Cluster(args.replicas, warmup=not args.no_warmup))
        return measure_vote(name + " (Redis)", cluster.url, args.page, cluster.pids(), args)


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
    ap.add_argument("--scenario", choices=["sliders", "vote"], default="sliders",
                    help="vote: class mode, every student votes once and changes it once; the projector watches")
    ap.add_argument("--no-student-polls", action="store_true",
                    help="vote: students do not refresh their quiz on its timer (a phone does)")
    args = ap.parse_args(argv)
    if not (1 <= args.students <= MAX_STUDENTS and 0 < args.rate <= 10 and 0 < args.duration <= 600
            and 0 <= args.join_window <= 120 and 1 <= args.replicas <= 8):
        ap.error(f"students 1..{MAX_STUDENTS}, rate 0..10 Hz, duration up to 600 s, join window up to 120 s, "
                 "replicas 1..8")
    sys.path.insert(0, str(ROOT))
    if args.scenario == "vote":
        sys.exit(0 if vote_main(args) else 1)
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
