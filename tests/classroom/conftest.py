"""A real ``redis-server`` on a free loopback port for the store tests, and both store backends as a fixture.

Without redis-server the Redis tests skip with a note; with ``CI=true`` they fail instead.
"""

import shutil
import socket
import subprocess
import time
import uuid

import pytest

from tests.conftest import in_ci
from ui.classroom.store import MemoryStore, RedisStore

REDIS_HINT = "no redis-server found: install it (`sudo apt-get install redis-server` on Debian/Ubuntu)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not answer PING")


@pytest.fixture(scope="session")
def redis_url():
    """``redis://`` URL of a throwaway redis-server: loopback only, nothing written to disk."""
    exe = shutil.which("redis-server")
    if exe is None:
        if in_ci():
            pytest.fail(f"CI=true, so the class-mode Redis tests may not skip: {REDIS_HINT}")
        pytest.skip(REDIS_HINT)
    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Clock:
    """A clock the in-process store reads, moved on by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """Factory of empty stores of either backend: ``make_store(ttl=..., max_voters=...)``."""

    def make(**options):
        if request.param == "memory":
            return MemoryStore(**options)
        # A fresh key prefix per store: tests share the server, not their rooms.
        return RedisStore(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex[:8]}", **options)

    make.backend = request.param
    return make
