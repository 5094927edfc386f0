"""Engine and sessions for services, the worker, scripts and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from admin_portal.config import get_settings
from admin_portal.search.hints import install_sqlite_hints


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # WAL lets the worker and the web app write without blocking readers;
            # foreign keys are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        # The users search names its narrow key index (INDEXED BY) on SQLite.
        install_sqlite_hints(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


# Called with the engine and the error after a transaction was rolled back and closed, so a
# hook may write in a transaction of its own (services/auth/denials.py records refusals this way).
AFTER_ROLLBACK: list[Callable[[Engine, Exception], None]] = []


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    bind = engine or get_engine()
    try:
        with Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    except Exception as error:
        for hook in AFTER_ROLLBACK:
            hook(bind, error)
        raise
