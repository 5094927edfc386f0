"""Integration fixtures: a fake Resend server on loopback with settings pointing at it, and
an engine on a throwaway PostgreSQL database migrated to head."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from admin_portal.config import get_settings
from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from tests.support.fake_resend import TEST_API_KEY, FakeResend


@pytest.fixture
def fake_resend() -> Iterator[FakeResend]:
    """A running fake Resend; ADMIN_PORTAL_RESEND_* point at it for the test's duration."""
    with FakeResend(api_key=TEST_API_KEY) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADMIN_PORTAL_RESEND_API_KEY", TEST_API_KEY)
        mp.setenv("ADMIN_PORTAL_RESEND_API_URL", server.url)
        # A proxy configured on the machine must never see loopback test traffic.
        mp.setenv("NO_PROXY", "127.0.0.1,localhost")
        mp.setenv("no_proxy", "127.0.0.1,localhost")
        get_settings.cache_clear()
        try:
            yield server
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()  # the environment is restored now: forget the fake's settings


@pytest.fixture
def pg(pg_database_url: str) -> Iterator[Engine]:
    """An engine on the test's throwaway PostgreSQL database, migrated to head by Alembic."""
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    try:
        yield engine
    finally:
        engine.dispose()
