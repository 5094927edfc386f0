"""A redis-server from Debian's packages on loopback, its snapshots under var/."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from admin_portal.cluster.postgres import ClusterError


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, *, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClusterError(f"redis-server exited ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ClusterError(f"redis-server not listening on 127.0.0.1:{port} after {timeout}s")


@dataclass
class LocalRedis:
    """redis-server on 127.0.0.1:`port`; `base` holds its dump and log."""

    base: Path
    port: int
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise ClusterError("redis-server is not installed: apt-get install -y redis-server")
        if not port_is_free(self.port):
            raise ClusterError(f"port {self.port} is in use: pass another --redis-port")
        self.base.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.base.resolve()),
                "--logfile",
                str((self.base / "redis.log").resolve()),
                # Snapshots keep sessions across a restart of the cluster; no AOF needed.
                "--save",
                "60 1",
                "--appendonly",
                "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # stopped by us, after the app, not by the Ctrl-C
        )
        wait_for_port(self.port, timeout=15, process=self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis saves its snapshot and exits
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
