"""A throwaway PostgreSQL server for the test run, and a fresh database per test.

Fixtures
--------
``pg_url`` (session)
    Starts one private PostgreSQL server (initdb into a temp dir, listening on
    127.0.0.1 on a free port, unix socket in the same temp dir, fsync off) and yields a
    ``postgresql+psycopg://`` URL to an empty database on it. The server is stopped and
    its data directory removed when the session ends, even if tests failed.
``pg_database_url`` (function)
    ``CREATE DATABASE test_<random>`` on that server; yields its URL; dropped afterwards.
``pg_engine`` (function)
    An engine (``admin_portal.db.make_engine``) on ``pg_database_url``; disposed afterwards.

``ADMIN_PORTAL_TEST_PG=0`` skips every test that needs PostgreSQL, with the reason shown.
Otherwise missing server binaries are an error that names the Debian package, never a
silent skip. Tests that use these fixtures get the ``postgres`` marker automatically.

PostgreSQL refuses to run as root: when the tests run as root, initdb and pg_ctl run as
the ``postgres`` OS user through ``runuser``.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from admin_portal.db import make_engine

ENV_SWITCH = "ADMIN_PORTAL_TEST_PG"
ENV_BINDIR = "ADMIN_PORTAL_PG_BINDIR"  # optional override: a dir holding initdb, pg_ctl, postgres
APT_PACKAGE = "postgresql-15"
PREFERRED_MAJOR = "15"
PG_FIXTURES = {"pg_url", "pg_database_url", "pg_engine"}
_NEEDED = ("initdb", "pg_ctl", "postgres")
_SERVER_DB = "admin_portal_test"
_OS_USER = "postgres"


def pg_disabled() -> bool:
    return os.environ.get(ENV_SWITCH, "").strip() == "0"


def _disabled_reason() -> str:
    return f"PostgreSQL tests disabled by {ENV_SWITCH}=0"


# --------------------------------------------------------------------------- binaries


def _complete(bindir: str | os.PathLike[str]) -> bool:
    return all(os.access(Path(bindir) / name, os.X_OK) for name in _NEEDED)


def find_bindir() -> Path | None:
    """The directory with initdb, pg_ctl and postgres; PostgreSQL 15 preferred."""
    override = os.environ.get(ENV_BINDIR)
    if override:
        return Path(override) if _complete(override) else None
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        # Debian's pg_config comes with libpq-dev and may point at a dir without a server.
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            if out:
                candidates.append(Path(out))

    def _major(path: str) -> tuple[int, ...]:
        m = re.search(r"/postgresql/(\d+)(?:\.(\d+))?/bin$", path)
        return tuple(int(g) for g in m.groups() if g) if m else (0,)

    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_major, reverse=True)
    debian.sort(key=lambda p: _major(p)[:1] != (int(PREFERRED_MAJOR),))  # 15 first, then newest
    candidates.extend(Path(p) for p in debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for candidate in candidates:
        if _complete(candidate):
            return candidate
    return None


def _missing_binaries_message() -> str:
    return (
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found "
        "(looked at `pg_config --bindir`, /usr/lib/postgresql/*/bin and PATH). "
        f"Install them with `apt-get install -y {APT_PACKAGE}` (Debian 12; the `postgresql` "
        f"metapackage also works), or point {ENV_BINDIR} at the bin dir, "
        f"or set {ENV_SWITCH}=0 to skip the PostgreSQL tests."
    )


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    base: Path
    port: int = 0
    running: bool = False
    _as_root: bool = field(default_factory=lambda: os.geteuid() == 0)

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def sockdir(self) -> Path:
        return self.base / "sock"

    @property
    def logfile(self) -> Path:
        return self.base / "server.log"

    def url(self, database: str) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=_OS_USER if self._as_root else pwd.getpwuid(os.geteuid()).pw_name,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", _OS_USER, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", TZ="UTC")
        return subprocess.run(
            cmd, cwd=self.base, env=env, capture_output=True, text=True, timeout=timeout
        )

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-25:])
        except OSError:
            return "(no server log)"

    def init(self) -> None:
        self.sockdir.mkdir()
        if self._as_root:
            pw = pwd.getpwnam(_OS_USER)  # present: _check_root_prerequisites() ran first
            for path in (self.base, self.sockdir):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        res = self._run(
            "initdb",
            "--auth=trust",
            f"--username={_OS_USER if self._as_root else pwd.getpwuid(os.geteuid()).pw_name}",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
            "-D",
            str(self.datadir),
        )
        if res.returncode != 0:
            pytest.fail(
                f"initdb failed ({res.returncode}):\n{res.stdout}\n{res.stderr}", pytrace=False
            )

    def start(self, attempts: int = 3) -> None:
        conf = self.datadir / "postgresql.conf"
        base_conf = conf.read_text()
        for attempt in range(1, attempts + 1):
            self.port = _free_port()
            conf.write_text(
                base_conf
                + "\n# --- throwaway test server (tests/support/postgres.py) ---\n"
                + f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                + f"unix_socket_directories = '{self.sockdir}'\n"
                + "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                + "shared_buffers = 16MB\nmax_connections = 50\n"
                + "max_parallel_workers_per_gather = 0\njit = off\n"
                + "timezone = 'UTC'\nlog_min_messages = warning\n"
            )
            res = self._run(
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "30",
                "-D",
                str(self.datadir),
                "-l",
                str(self.logfile),
            )
            if res.returncode == 0:
                self.running = True
                return
            self.stop()  # in case it half-started
            if attempt == attempts or "could not bind" not in self._log_tail():
                pytest.fail(
                    f"pg_ctl start failed ({res.returncode}):\n{res.stdout}\n{res.stderr}\n"
                    f"--- server log ---\n{self._log_tail()}",
                    pytrace=False,
                )

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Idempotent: fast shutdown; if that fails, SIGQUIT/SIGKILL the postmaster."""
        pid = self._postmaster_pid()
        if pid is None:
            self.running = False
            return
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            res = self._run(
                "pg_ctl",
                "stop",
                "-w",
                "-t",
                "20",
                "-m",
                "fast",
                "-D",
                str(self.datadir),
                timeout=30,
            )
            if res.returncode == 0:
                self.running = False
                return
        for sig in (signal.SIGQUIT, signal.SIGKILL):
            if not _alive(pid):
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
            deadline = time.monotonic() + 5
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        self.running = False

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def start_watchdog(self) -> subprocess.Popen[bytes]:
        """A tiny process that stops the server if pytest dies without tearing down.

        try/finally and atexit cover failures and Ctrl-C; a SIGTERM (CI timeout) or
        SIGKILL of pytest runs neither, and the server would outlive the run.
        """
        pg_ctl = [str(self.bindir / "pg_ctl")]
        if self._as_root:
            pg_ctl = ["runuser", "-u", _OS_USER, "--", *pg_ctl]
        return subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(self.base), *pg_ctl],
            cwd=self.base,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to pytest's process group must not kill it
        )


# Runs in its own interpreter: waits until its parent (pytest) is gone, then stops the
# server and removes its directory. Killed by the fixture after a normal teardown.
_WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, base, pg_ctl = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
while os.getppid() == parent:
    time.sleep(0.5)
if os.path.exists(os.path.join(base, "data", "postmaster.pid")):
    subprocess.run([*pg_ctl, "stop", "-m", "immediate", "-w", "-t", "20",
                    "-D", os.path.join(base, "data")], cwd="/", capture_output=True)
shutil.rmtree(base, ignore_errors=True)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an exited postmaster stays a zombie until init reaps it: that is not alive
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _check_root_prerequisites() -> None:
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(_OS_USER)
    except KeyError:
        pytest.fail(
            f"Running as root but there is no `{_OS_USER}` OS user to run PostgreSQL as "
            f"(the Debian package {APT_PACKAGE} creates it).",
            pytrace=False,
        )
    if shutil.which("runuser") is None:
        pytest.fail("Running as root needs `runuser` (Debian package util-linux).", pytrace=False)


def _make_base_dir() -> Path:
    """A temp dir the postgres OS user can reach (TMPDIR may be inside a private home)."""
    parents = [tempfile.gettempdir()]
    if "/tmp" not in parents:  # noqa: S108
        parents.append("/tmp")  # noqa: S108
    for parent in parents:
        base = Path(tempfile.mkdtemp(prefix="admin-portal-pg-", dir=parent))
        if os.geteuid() != 0:
            return base
        reachable = subprocess.run(
            ["runuser", "-u", _OS_USER, "--", "test", "-x", parent], capture_output=True
        )
        if reachable.returncode == 0:
            return base
        shutil.rmtree(base, ignore_errors=True)
    pytest.fail(
        f"No temp dir reachable by the `{_OS_USER}` OS user (tried {parents}).", pytrace=False
    )


# --------------------------------------------------------------------------- fixtures


def _admin_engine(server_url: URL) -> Engine:
    # NullPool: no idle connection to the maintenance db outlives a CREATE/DROP DATABASE.
    return create_engine(
        server_url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL (postgresql+psycopg) of an empty database on a private server for this run."""
    if pg_disabled():
        reason = _disabled_reason()
        print(f"\n[postgres] {reason}", file=sys.stderr)
        pytest.skip(reason)
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(_missing_binaries_message(), pytrace=False)
    _check_root_prerequisites()
    server = PgServer(bindir=bindir, base=_make_base_dir())
    atexit.register(server.destroy)  # belt and braces if the session is torn down abnormally
    watchdog: subprocess.Popen[bytes] | None = None
    try:
        server.init()
        watchdog = server.start_watchdog()
        server.start()
        url = server.url(_SERVER_DB)
        admin = _admin_engine(url)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{_SERVER_DB}"'))
        finally:
            admin.dispose()
        yield url.render_as_string(hide_password=False)
    finally:
        server.destroy()
        atexit.unregister(server.destroy)
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait(timeout=10)


@pytest.fixture
def pg_database_url(pg_url: str) -> Iterator[str]:
    """A new empty database for one test (CREATE DATABASE test_<random>), dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = make_url(pg_url)
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    """An engine on this test's own PostgreSQL database."""
    engine = make_engine(pg_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- hooks


def pytest_report_header(config: pytest.Config) -> str:
    if pg_disabled():
        return f"postgres: {_disabled_reason()}"
    bindir = find_bindir()
    if bindir is None:
        return f"postgres: server binaries NOT FOUND (apt-get install -y {APT_PACKAGE})"
    return f"postgres: throwaway server from {bindir} (set {ENV_SWITCH}=0 to skip)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
