"""The agent list's shapes on PostgreSQL (schema by `alembic upgrade head`, then the search
rows): each pages the oracle's rows, with the bounded count, as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.search.structures import ensure_search_structures
from tests.support.contact_centre_listing_oracle import build_listing_world, check_every_shape

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("small", [True, False], ids=["small-side", "big-side"])
def test_every_shape_pages_the_oracle_on_postgresql(
    pg: Engine, monkeypatch: pytest.MonkeyPatch, small: bool
) -> None:
    with Session(pg, expire_on_commit=False) as session:
        world = build_listing_world(session)
        ensure_search_structures(pg)
        check_every_shape(session, world, monkeypatch, small=small)
