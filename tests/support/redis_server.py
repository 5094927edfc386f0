"""A throwaway redis-server on loopback (Debian's `redis-server`), for tests and the cluster.

``start_redis(workdir)`` starts one (no persistence, a free port) and returns it running;
``RedisServer.stop()`` ends it. The ``redis_url`` fixture wraps that for one test, and skips,
saying so, where redis-server is not installed (`make test` installs it).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REDIS = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_redis(workdir: Path) -> RedisServer:
    """Start redis-server on 127.0.0.1 and a free port, nothing saved to disk."""
    assert REDIS is not None, "redis-server is not installed (apt-get install -y redis-server)"
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(process, port)
    try:
        wait_for_port(port)
    except OSError:
        server.stop()
        raise
    return server


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """URL of a throwaway redis-server for this test; stopped afterwards."""
    if REDIS is None:
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    server = start_redis(tmp_path)
    try:
        yield server.url
    finally:
        server.stop()
