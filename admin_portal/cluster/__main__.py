"""python -m admin_portal.cluster: PostgreSQL + Redis + N app workers + M mail/job workers.

What is given from outside is used, nothing local is started for it:
ADMIN_PORTAL_DATABASE_URL (a postgresql+psycopg:// URL; a sqlite URL is ignored here) and
REFLEX_REDIS_URL. Otherwise a PostgreSQL server and a redis-server are started on loopback
with their data under `--var-dir` (default var/cluster/). The URLs in use are written to
`<var-dir>/cluster.json` (mode 0600: it holds the database password).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from admin_portal.cluster.postgres import ClusterError, LocalPostgres
from admin_portal.cluster.redis_server import LocalRedis, port_is_free
from admin_portal.config import VAR_DIR

_STOP_TIMEOUT_SECONDS = 20.0
_BAD_CONFIGURATION = 2  # the mail worker's exit code for a configuration error


def _say(message: str) -> None:
    print(f"[cluster] {message}", flush=True)


class Cluster:
    """Starts the pieces in order, watches them, and stops them in reverse order."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.var = Path(args.var_dir).resolve()
        self.cleanups: list[Callable[[], None]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.web: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self.env = dict(os.environ)

    # -- services ---------------------------------------------------------------------------

    def database_url(self) -> str:
        given = self.args.database_url or os.environ.get("ADMIN_PORTAL_DATABASE_URL", "")
        if given.startswith("postgresql"):
            _say("PostgreSQL: the one given in ADMIN_PORTAL_DATABASE_URL")
            return given
        server = LocalPostgres(self.var / "postgres", self.args.pg_port)
        if not server.running() and not port_is_free(self.args.pg_port):
            raise ClusterError(f"port {self.args.pg_port} is in use: pass another --pg-port")
        if server.ensure_initialised():
            _say(f"PostgreSQL: new cluster in {server.datadir}")
        server.start()
        self.cleanups.append(server.stop)
        server.ensure_database()
        _say(f"PostgreSQL: 127.0.0.1:{server.port} (log {server.log_file})")
        return server.url()

    def redis_url(self) -> str:
        given = self.args.redis_url or os.environ.get("REFLEX_REDIS_URL", "")
        if given:
            _say("Redis: the one given in REFLEX_REDIS_URL")
            return str(given)
        server = LocalRedis(self.var / "redis", self.args.redis_port)
        server.start()
        self.cleanups.append(server.stop)
        _say(f"Redis: 127.0.0.1:{server.port}")
        return server.url(0)

    # -- the portal -------------------------------------------------------------------------

    def prepare(self) -> None:
        self.var.mkdir(parents=True, exist_ok=True)
        database_url, redis_url = self.database_url(), self.redis_url()
        port = self.args.port
        bin_dir = str(Path(sys.executable).parent)
        self.env.update(
            ADMIN_PORTAL_DATABASE_URL=database_url,
            REFLEX_REDIS_URL=redis_url,
            GRANIAN_WORKERS=str(self.args.app_workers),
            PORT=str(port),
            PATH=bin_dir + os.pathsep + self.env.get("PATH", ""),
        )
        # The sign-in limits and the Resend ceiling count in the same Redis unless told
        # otherwise: per-process counts would multiply every limit by the worker count.
        if self.env.get("ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL", "memory://").startswith("memory"):
            self.env["ADMIN_PORTAL_RATE_LIMIT_STORAGE_URL"] = redis_url
        self.env.setdefault("ADMIN_PORTAL_PUBLIC_BASE_URL", f"http://localhost:{port}")
        state = self.var / "cluster.json"
        state.touch(mode=0o600, exist_ok=True)
        state.chmod(0o600)
        state.write_text(
            json.dumps({"database_url": database_url, "redis_url": redis_url, "port": port})
        )
        for step in ("prepare-database", "seed-demo"):
            _say(f"{step} …")
            subprocess.run(  # noqa: S603 (our own arguments)
                [sys.executable, "-m", "admin_portal.cli", step], env=self.env, check=True
            )

    def _start_worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603 (our own arguments)
            [sys.executable, "-m", "admin_portal.worker"], env=self.env, start_new_session=True
        )

    def serve(self) -> int:
        port = str(self.args.port)
        if not port_is_free(self.args.port):
            raise ClusterError(f"port {port} is in use: set PORT to another one")
        self.workers = [self._start_worker() for _ in range(self.args.mail_workers)]
        self.web = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                sys.executable,
                "-m",
                "admin_portal.cluster.web",
                "run",
                "--env",
                "prod",
                "--single-port",
                "--frontend-port",
                port,
                "--backend-port",
                port,
            ],
            env=self.env,
            start_new_session=True,
        )
        _say(
            f"portal on http://localhost:{port}: {self.args.app_workers} app workers, "
            f"{self.args.mail_workers} mail/job workers; Ctrl-C stops everything"
        )
        return self._watch()

    def _watch(self) -> int:
        assert self.web is not None
        while not self.stopping:
            if self.web.poll() is not None:
                _say(f"the portal exited ({self.web.returncode}); stopping")
                return self.web.returncode or 1
            for index, worker in enumerate(self.workers):
                if worker.poll() is None:
                    continue
                if worker.returncode == _BAD_CONFIGURATION:
                    _say("a mail worker refused the configuration; stopping")
                    return _BAD_CONFIGURATION
                # Whatever it was doing rolled back with its transaction; a fresh one resumes.
                _say(f"mail worker {worker.pid} exited ({worker.returncode}); starting another")
                self.workers[index] = self._start_worker()
            time.sleep(0.5)
        return 0

    # -- stopping ---------------------------------------------------------------------------

    def request_stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def stop(self) -> None:
        """The app and the workers first (they finish the current mail), then the services."""
        children = [p for p in [self.web, *self.workers] if p is not None and p.poll() is None]
        for child in children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_TIMEOUT_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait(timeout=10)
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:  # one stuck service must not keep the others running
                _say(f"stopping failed: {exc}")
        self.cleanups.clear()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)  # the process and what it forked (Granian's workers)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m admin_portal.cluster", description=__doc__)
    parser.add_argument("--port", type=int, default=int(env("PORT", "3000")))
    parser.add_argument("--app-workers", type=int, default=int(env("APP_WORKERS", "3")))
    parser.add_argument("--mail-workers", type=int, default=int(env("MAIL_WORKERS", "2")))
    parser.add_argument("--pg-port", type=int, default=int(env("CLUSTER_PG_PORT", "5433")))
    parser.add_argument("--redis-port", type=int, default=int(env("CLUSTER_REDIS_PORT", "6380")))
    parser.add_argument("--var-dir", default=str(VAR_DIR / "cluster"))
    parser.add_argument("--database-url", default="", help="use this PostgreSQL instead")
    parser.add_argument("--redis-url", default="", help="use this Redis instead")
    args = parser.parse_args(argv)
    if args.app_workers < 1 or args.mail_workers < 1:
        parser.error("at least one app worker and one mail worker")
    return args


def main(argv: list[str] | None = None) -> int:
    cluster = Cluster(_parse_args(argv))
    try:
        cluster.prepare()
        signal.signal(signal.SIGINT, cluster.request_stop)
        signal.signal(signal.SIGTERM, cluster.request_stop)
        from admin_portal.cli import print_demo_credentials

        print_demo_credentials()
        return cluster.serve()
    except ClusterError as exc:
        _say(str(exc))
        return 1
    except (KeyboardInterrupt, subprocess.CalledProcessError) as exc:
        _say(f"stopped during setup ({type(exc).__name__})")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        cluster.stop()
        _say("stopped")


if __name__ == "__main__":
    sys.exit(main())
