"""The agent list's shapes on PostgreSQL (schema by `alembic upgrade head`, then the search
rows): each pages the oracle's rows, with the bounded count, as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from admin_portal.search.structures import ensure_search_structures
from tests.support.contact_centre_listing_oracle import build_listing_world, check_every_shape

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_database_url: str) -> Iterator[Engine]:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.mark.parametrize("small", [True, False], ids=["small-side", "big-side"])
def test_every_shape_pages_the_oracle_on_postgresql(
    pg: Engine, monkeypatch: pytest.MonkeyPatch, small: bool
) -> None:
    with Session(pg, expire_on_commit=False) as session:
        world = build_listing_world(session)
        ensure_search_structures(pg)
        check_every_shape(session, world, monkeypatch, small=small)
