"""The benchmarks' throwaway PostgreSQL server (one helper for every bench).

`start_postgres()` gives a fresh server and database, destroyed by the caller
(`server.destroy()`). `start_kept_postgres(base)` keeps the data directory under `base`
(e.g. the worktree's `var/`) between runs, so a 1M-row dataset is loaded once: it says
whether the database is new, and the caller stops the server (`server.stop()`) instead.

The server is started like the test suite's (tests/support/postgres.py, importable
without running pytest). Differences, and why: initdb with a UTF-8 ctype (C.UTF-8) as
production servers have, so pg_trgm treats å/ä/ö as letters (under the plain C locale it
splits words at them, which still gives correct results through the recheck, only
slower); and memory settings of a small server instead of the test suite's 16 MB.
"""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bench_users"

_TUNING = (
    "shared_buffers = '1GB'\nwork_mem = '16MB'\nmaintenance_work_mem = '1GB'\n"
    "effective_cache_size = '8GB'\nrandom_page_cost = 1.1\n"
)


def _server_class() -> Any:
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import PgServer

    class BenchPgServer(PgServer):  # type: ignore[misc]
        def init(self) -> None:
            self.sockdir.mkdir(exist_ok=True)
            owner = "postgres" if self._as_root else pwd.getpwuid(os.geteuid()).pw_name
            if self._as_root:
                pw = pwd.getpwnam("postgres")
                for path in (self.base, self.sockdir):
                    os.chown(path, pw.pw_uid, pw.pw_gid)
            res = self._run(
                "initdb",
                "--auth=trust",
                f"--username={owner}",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
                "-D",
                str(self.datadir),
            )
            if res.returncode != 0:
                raise RuntimeError(f"initdb failed:\n{res.stdout}\n{res.stderr}")
            # postgresql.auto.conf is read after postgresql.conf, which start() rewrites.
            auto = self.datadir / "postgresql.auto.conf"
            auto.write_text(auto.read_text() + _TUNING)
            if self._as_root:
                pw = pwd.getpwnam("postgres")
                os.chown(auto, pw.pw_uid, pw.pw_gid)

    return BenchPgServer


def _prerequisites() -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import _check_root_prerequisites, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install -y postgresql-15)")
    _check_root_prerequisites()
    return bindir


def _create_database(url: Any) -> None:
    from tests.support.postgres import _admin_engine

    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{DATABASE}"')
    finally:
        admin.dispose()


def start_postgres() -> tuple[Any, str]:
    """A fresh throwaway server with an empty database: (server, SQLAlchemy URL)."""
    from tests.support.postgres import _make_base_dir

    bindir = _prerequisites()
    server = _server_class()(bindir=bindir, base=_make_base_dir())
    server.init()
    server.start()
    url = server.url(DATABASE)
    _create_database(url)
    return server, url.render_as_string(hide_password=False)


def start_kept_postgres(base: Path) -> tuple[Any, str, bool]:
    """A server whose data directory stays under `base`: (server, URL, whether it is new).

    A new one gets an empty database (load it, then mark it complete yourself); an
    existing one is started as it was left. Stop it with `server.stop()`; delete `base`
    to start over.
    """
    bindir = _prerequisites()
    base.mkdir(parents=True, exist_ok=True)
    server = _server_class()(bindir=bindir, base=base.resolve())
    fresh = not (server.datadir / "PG_VERSION").exists()
    if fresh:
        server.init()
    server.start()
    url = server.url(DATABASE)
    if fresh:
        _create_database(url)
    return server, url.render_as_string(hide_password=False), fresh
