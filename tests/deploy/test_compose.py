"""compose.yaml under podman + podman-compose: two replicas, HAProxy and Redis start, answer through the balancer,
share class mode's rooms through Redis, stop.

It reuses the app image that tests/container builds (``../shared/tools/container-smoke.sh``, podman storage in
``/tmp/container-smoke``) and builds the small balancer and Redis images on the same base. Needs root, podman and
podman-compose; without them it skips outside CI and fails in CI.
"""

import os
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import in_ci
from tests.e2e.e2e_harness import free_port

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("CTR_WORK", "/tmp/container-smoke"))
PODMAN_ARGS = (f"--root {WORK}/storage-overlay --runroot {WORK}/runroot-overlay --storage-driver overlay "
               "--runtime /usr/sbin/runc --cgroup-manager cgroupfs")
APP_IMAGE = "localhost/softmax-explainer:ci"
BALANCER_IMAGE = "localhost/softmax-balancer:ci"
REDIS_IMAGE = "localhost/softmax-redis:ci"
PROJECT = "softmax-compose-test"


def podman(*args, timeout=600, check=True):
    return subprocess.run(["podman", *PODMAN_ARGS.split(), *args], capture_output=True, text=True,
                          timeout=timeout, check=check, stdin=subprocess.DEVNULL)


def requirements_missing():
    if os.geteuid() != 0 or not shutil.which("podman") or not shutil.which("podman-compose"):
        return "needs root, podman and podman-compose (tests/container installs podman)"
    if podman("image", "exists", APP_IMAGE, check=False).returncode != 0:
        return f"needs the image {APP_IMAGE} that tests/container builds"
    return None


@pytest.fixture
def compose_env():
    missing = requirements_missing()
    if missing:
        if in_ci():
            pytest.fail(missing)
        pytest.skip(missing)
    for image, context in ((BALANCER_IMAGE, "haproxy"), (REDIS_IMAGE, "redis")):
        podman("build", "--pull=never", "--format", "docker", "--ulimit", "nofile=1024:1024", "--ulimit",
               "nproc=1024:1024", "-t", image, str(ROOT / "deploy" / context), timeout=900)
    port = free_port()
    env = {**os.environ, "APP_IMAGE": APP_IMAGE, "BALANCER_IMAGE": BALANCER_IMAGE, "REDIS_IMAGE": REDIS_IMAGE,
           "PORT": str(port), "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    env.pop("REDIS_URL", None)  # the replicas must get compose.yaml's own address of its redis service
    return env


def compose(env, *args, timeout=600):
    cmd = ["podman-compose", "--podman-args", PODMAN_ARGS, "--podman-run-args",
           "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024", "-p", PROJECT,
           "-f", str(ROOT / "compose.yaml"), *args]
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def health(url):
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as r:
            return r.read(), r.headers.get_all("Set-Cookie") or []
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, []


def in_replica(service, code):
    """Run Python in a running replica (the image's /app), as the app would: its environment, its store."""
    out = podman("exec", f"{PROJECT}_{service}_1", "python", "-c",
                 "import os\nfrom ui.classroom.store import store_from_env\nstore = store_from_env(os.environ)\n"
                 + code, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_the_compose_stack_serves_both_replicas_through_the_balancer_and_they_share_one_redis(compose_env):
    url = f"http://127.0.0.1:{compose_env['PORT']}"
    up = compose(compose_env, "up", "-d", "--no-build")
    try:
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        deadline = time.monotonic() + 300  # both replicas warm up before they open their port
        seen = set()
        while time.monotonic() < deadline and len(seen) < 2:
            body, cookies = health(url)
            if body == b"ok":
                seen |= {c.split(";")[0] for c in cookies if c.startswith("SOFTMAX_REPLICA=")}
            time.sleep(1)
        logs = compose(compose_env, "logs", timeout=60)
        assert seen == {"SOFTMAX_REPLICA=replica1", "SOFTMAX_REPLICA=replica2"}, logs.stdout[-3000:]
        # Class mode: a room opened and voted in on app1 is the same room, with the same vote, on app2.
        code = in_replica("app1", "code, key = store.create_room()\n"
                          "store.publish(code, key, page='softmax', page_query='', question='softmax.q', n_options=3)\n"
                          "store.vote(code, 'student-1', 'softmax.q', 2)\nprint(type(store).__name__, code)")
        assert code.startswith("RedisStore "), code
        counts = in_replica("app2", f"print(store.room({code.split()[1]!r}).counts)")
        assert counts == "(0, 0, 1)", counts
    finally:
        down = compose(compose_env, "down", "-t", "10")
    assert down.returncode == 0, down.stderr[-2000:]
    assert health(url)[0] is None, "the stack still answers after `down`"
