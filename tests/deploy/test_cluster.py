"""deploy/local-cluster.sh: replicas behind HAProxy, sticky by cookie, and what a student sees when one dies.

Needs ``haproxy`` (Debian package; CI installs it). Without it the tests skip outside CI and fail in CI.
"""

import asyncio
import os
import random
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bench.classroom import Cluster, Stats, Student, classroom
from tests.conftest import in_ci

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "local-cluster.sh"

pytestmark = pytest.mark.skipif(shutil.which("haproxy") is None and not in_ci(),
                                reason="needs haproxy (`sudo apt-get install haproxy`)")


@pytest.fixture(scope="module")
def cluster():
    with Cluster(2, warmup=False) as running:
        yield running


def alive(pid):
    return Path(f"/proc/{pid}").exists()


def http(url, *, cookies=(), method="GET", data=None, headers=None):
    """(status, headers, body) of one request; the cookies are sent as given."""
    req = urllib.request.Request(url, method=method, data=data, headers=dict(headers or {}))
    if cookies:
        req.add_header("Cookie", "; ".join(cookies))
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def cookie_of(headers, name):
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith(f"{name}="):
            return value.split(";", 1)[0]
    return None


def test_start_serves_health_through_the_balancer_on_every_replica_and_stop_ends_exactly_those(cluster):
    status, _, body = http(f"{cluster.url}/_stcore/health")
    assert (status, body) == (200, b"ok")
    replicas = {cookie_of(http(f"{cluster.url}/_stcore/health")[1], "SOFTMAX_REPLICA") for _ in range(6)}
    assert replicas == {"SOFTMAX_REPLICA=replica1", "SOFTMAX_REPLICA=replica2"}
    assert all(alive(pid) for pid in cluster.pids("replica") + cluster.pids("haproxy"))


def test_stop_stops_what_start_started_and_nothing_else():
    bystander = subprocess.Popen(["sleep", "60"])  # a process the script did not start
    try:
        with Cluster(1, warmup=False) as small:
            pids = small.pids("replica") + small.pids("haproxy")
            assert all(alive(pid) for pid in pids)
        assert not any(alive(pid) for pid in pids)
        assert bystander.poll() is None
        assert not small.state.exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_a_second_start_on_the_same_port_is_refused(cluster):
    env = {**os.environ, "LOCAL_CLUSTER_DIR": str(cluster.state)}
    result = subprocess.run(["bash", str(SCRIPT), "start", "--port", str(cluster.port)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "exists" in result.stderr


async def _joined_student(url):
    student = Student(url, "softmax", {"logits": "2,1,0.5"}, Stats(), random.Random(0))
    await student.join()
    return student


def test_an_upload_and_a_reconnect_reach_the_students_own_replica(cluster):
    async def scenario():
        student = await _joined_student(cluster.url)
        sticky = student.cookie
        assert sticky.startswith("SOFTMAX_REPLICA=")
        status, headers, _ = http(f"{cluster.url}/_stcore/health", cookies=[sticky])
        xsrf = cookie_of(headers, "_streamlit_xsrf")
        token = xsrf.split("=", 1)[1]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logits.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n2,1,0.5\n0,1,3\n\r\n--{boundary}--\r\n").encode()

        def upload(cookies):
            return http(f"{cluster.url}/_stcore/upload_file/{student.session_id}/{uuid.uuid4().hex}",
                        method="PUT", data=body, cookies=cookies,
                        headers={"X-Xsrftoken": token, "Content-Type": f"multipart/form-data; boundary={boundary}"})[0]

        with_cookie = [upload([sticky, xsrf]) for _ in range(6)]
        # Without the replica cookie the balancer spreads requests, and the other replica has no such session.
        without = [upload([xsrf]) for _ in range(6)]
        first_id = student.session_id
        reconnects = []
        for _ in range(4):
            await student.close()
            await student.connect(existing_session=first_id)
            await student.run()
            reconnects.append(student.session_id)
        await student.close()
        return with_cookie, without, first_id, reconnects

    with_cookie, without, first_id, reconnects = asyncio.run(scenario())
    assert all(status in (200, 204) for status in with_cookie), with_cookie
    assert 400 in without, f"the balancer sent every cookie-less upload to one replica: {without}"
    assert reconnects == [first_id] * 4, "a reconnect landed on another replica and lost its session"


def test_killing_a_replica_affects_only_its_students_who_reconnect(cluster):
    # This runs last in the module: it kills replica 1 (its port then stays closed).
    victim = cluster.pids("replica")[0]

    stats = Stats()

    async def killer():
        for _ in range(600):  # everyone joined (bounded: 60 s), then a few moves
            if len(stats.joins) == 10:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(4)
        os.kill(victim, 9)

    asyncio.run(classroom(cluster.url, "softmax", students=10, join_window=3, rate=0.5, duration=20,
                          on_tick=killer, stats=stats))
    print(f"killed a replica: {stats.disconnects} disconnects, {stats.reconnects} reconnects, "
          f"{stats.failed_connections} failed, {stats.timeouts} timeouts; errors: {sorted(set(stats.errors))[:3]}")
    assert len(stats.joins) == 10
    assert 1 <= stats.disconnects <= 7, "leastconn spreads 10 students about evenly; only one replica's were hit"
    assert stats.reconnects == stats.disconnects and stats.failed_connections == 0
    assert stats.unchanged == 0
