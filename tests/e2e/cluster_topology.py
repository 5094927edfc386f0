"""The e2e suite against the cluster topology: ADMIN_PORTAL_E2E_TOPOLOGY=cluster.

`make test-cluster` sets it. The portal is then started with `python -m admin_portal.cluster`
(its own PostgreSQL and redis-server on free loopback ports, data in a temp dir; 3 app
workers sharing their state through Redis, 2 mail/job workers) instead of `cli serve` on
SQLite. The tests do not change: they get the same `Portal`, its database URL pointing at
the cluster's PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ENV_SWITCH = "ADMIN_PORTAL_E2E_TOPOLOGY"
APP_WORKERS = 3
MAIL_WORKERS = 2


def cluster_requested() -> bool:
    return os.environ.get(ENV_SWITCH, "embedded").strip() == "cluster"


def var_dir() -> Path:
    """A temp dir the postgres OS user can reach (pytest's own are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="admin-portal-cluster-", dir="/tmp"))  # noqa: S108
    base.chmod(0o755)
    return base


def cluster_command(app_port: int, var: Path) -> list[str]:
    from tests.support.redis_server import free_port

    return [
        sys.executable,
        "-m",
        "admin_portal.cluster",
        "--port",
        str(app_port),
        "--app-workers",
        str(APP_WORKERS),
        "--mail-workers",
        str(MAIL_WORKERS),
        "--pg-port",
        str(free_port()),
        "--redis-port",
        str(free_port()),
        "--var-dir",
        str(var),
    ]


def cluster_database_url(var: Path) -> str:
    return str(json.loads((var / "cluster.json").read_text())["database_url"])


def cluster_redis_url(var: Path) -> str:
    """The Redis the app workers keep their Reflex state in."""
    return str(json.loads((var / "cluster.json").read_text())["redis_url"])


# -- the app workers, from /proc (no psutil here) --------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def app_workers(cluster_pid: int) -> list[int]:
    """The Granian worker processes under the cluster's web process."""
    web = [p for p in _children(cluster_pid) if "admin_portal.cluster.web" in _cmdline(p)]
    return [w for p in web for w in _children(p)]


def _established_ports(pid: int) -> set[int]:
    """Local ports of the ESTABLISHED TCP connections `pid` holds."""
    inodes = set()
    fd_dir = Path("/proc") / str(pid) / "fd"
    try:
        for fd in fd_dir.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            match = re.fullmatch(r"socket:\[(\d+)\]", target)
            if match:
                inodes.add(match.group(1))
    except OSError:
        return set()
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (Path("/proc") / str(pid) / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def workers_serving(cluster_pid: int, app_port: int) -> list[int]:
    """App workers holding a client connection on the portal's port (a tab's websocket)."""
    return [w for w in app_workers(cluster_pid) if app_port in _established_ports(w)]


def _age_seconds(pid: int) -> float:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError):
        return 0.0
    return uptime - int(stat[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime


# Granian takes a worker that dies again within 5.5 s of its respawn for a crash loop and
# stops the whole server: a test never kills a worker younger than this.
_RESPAWN_GRACE_SECONDS = 7.0


def kill_the_tabs_worker(
    cluster_pid: int,
    app_port: int,
    *,
    socket_closed: Callable[[], bool],
    pause: Callable[[float], None],
    timeout: float = 60,
) -> list[int]:
    """SIGKILL app workers, one at a time, until the tab's websocket is cut; their pids.

    The browser also keeps idle HTTP connections to other workers, and /proc cannot tell
    which connection is the websocket: so one worker holding a connection is killed, and
    if the tab's socket survived, the next one (`socket_closed` says; `pause` must let the
    browser's events through, e.g. Playwright's page.wait_for_timeout in ms / 1000).
    """
    killed: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        candidates = [
            w
            for w in workers_serving(cluster_pid, app_port)
            if w not in killed and _age_seconds(w) > _RESPAWN_GRACE_SECONDS
        ]
        if not candidates:
            pause(0.5)
            continue
        os.kill(candidates[0], signal.SIGKILL)
        killed.append(candidates[0])
        for _ in range(20):
            pause(0.1)
            if socket_closed():
                return killed
    raise AssertionError(f"the tab's websocket survived killing {killed}")


def wait_for_workers(cluster_pid: int, count: int, timeout: float = 60) -> None:
    """Until Granian has `count` live workers again (it respawns a killed one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in app_workers(cluster_pid) if _alive(p)]
        if len(alive) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} app workers after {timeout}s")


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
