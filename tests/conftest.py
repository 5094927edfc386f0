"""Settings for every test are fixed here, before admin_portal is imported anywhere."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_TEST_VAR = Path(tempfile.mkdtemp(prefix="admin-portal-tests-"))
# Left behind, one per run (and per xdist worker), they filled /tmp over a day of runs.
atexit.register(shutil.rmtree, _TEST_VAR, ignore_errors=True)
os.environ.setdefault("ADMIN_PORTAL_ENVIRONMENT", "test")
os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{_TEST_VAR / 'unused.db'}")
os.environ.setdefault("ADMIN_PORTAL_PUBLIC_BASE_URL", "http://portal.test")
os.environ.pop("ADMIN_PORTAL_RESEND_API_KEY", None)

import pytest  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import admin_portal.models  # noqa: E402,F401  (registers every table)
from admin_portal import db, wiring  # noqa: E402
from admin_portal.config import get_settings  # noqa: E402
from admin_portal.db import make_engine  # noqa: E402
from admin_portal.services.auth.denials import clear_entrance  # noqa: E402

# The worker's composition root: job steps and mail-delivery hooks, as in production.
wiring.install()

# Session-wide fixtures that start real services (PostgreSQL) live in their own module.
pytest_plugins = ["tests.support.postgres"]


@pytest.fixture(autouse=True)
def _no_entrance_left_over() -> Iterator[None]:
    """Handlers called straight from a test share its context: no refusal is recorded under a
    handler that an earlier test entered (Reflex gives each event a context of its own)."""
    clear_entrance()
    yield
    clear_entrance()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database with every table: each test owns its data."""
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
        s.rollback()


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's own engine (db.get_engine, used by routes and the CLI) on a fresh SQLite
    file with every table. A module adds its own data by overriding it (`def app_db(app_db)`)."""
    monkeypatch.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    SQLModel.metadata.create_all(db.get_engine())
    yield
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()
