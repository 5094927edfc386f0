"""Real worker processes (`python -m admin_portal.worker`) on a test's PostgreSQL database,
and the database-side view the kill tests steer by: who is waiting on which lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    """One worker (jobs and mail) on `database_url`, in its own process group."""
    env = dict(os.environ)
    env.update(
        ADMIN_PORTAL_DATABASE_URL=database_url,
        ADMIN_PORTAL_ENVIRONMENT="test",
        PYTHONUNBUFFERED="1",
    )
    env.pop("ADMIN_PORTAL_RESEND_API_KEY", None)  # mail stays in the local mailbox
    return subprocess.Popen(
        [sys.executable, "-m", "admin_portal.worker", "--poll-seconds", "0.2"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(process: subprocess.Popen[bytes], signum: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signum)
        process.wait(timeout=20)


@contextmanager
def workers(database_url: str, log: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """A list to start workers into; every one still running is SIGKILLed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for process in started:
            kill(process)


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"not within {timeout}s: {what}\n--- worker log ---\n{tail}")


def blocked_on_lock(engine: Engine, statement_like: str) -> bool:
    """True when another session waits on a lock in a statement matching `statement_like`."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() "
                "AND query ILIKE :prefix"
            ),
            {"prefix": statement_like},
        ).scalar_one()
    return bool(found)


@contextmanager
def table_locked(engine: Engine, table: str) -> Iterator[None]:
    """Hold an EXCLUSIVE lock on `table`: others read it, nobody writes it until released."""
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(text(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE'))
        try:
            yield
        finally:
            transaction.rollback()
