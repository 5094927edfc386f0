"""The name-ordered search rows on PostgreSQL: the trigger keeps them, CLUSTER reorders
them, and name-sorted searches through their trigram index match the oracle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from admin_portal.search import plan as user_search
from admin_portal.search import rows_ddl as search_rows_ddl
from admin_portal.search.query import UserQuery
from admin_portal.search.structures import ensure_search_structures
from tests.support.factories import make_user
from tests.support.statements import recorded_statements
from tests.unit.test_user_search import World, assert_search, build_world

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine_with_rows(pg_database_url: str) -> Iterator[Engine]:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    ensure_search_structures(engine)  # on the empty schema: every user arrives by trigger
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def db(engine_with_rows: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setattr(user_search, "SMALL_SCOPE", 1)  # a big scope, as at a million users
    monkeypatch.setattr(user_search, "PROBE_ROWS", 1)
    with Session(engine_with_rows, expire_on_commit=False) as session:
        yield session
        session.rollback()


def rows(db: Session) -> dict[int, Any]:
    found = db.execute(
        text("SELECT pos, user_id, last_name, status, search_doc FROM user_search_rows")
    ).all()
    return {r.user_id: r for r in found}


def assert_every_search(db: Session, world: World) -> None:
    for typed in ("berg", "BERG", "son", "anna ber", "öberg", "@gmail", "ÅKESSON", "xyz"):
        for descending in (False, True):
            for q in (
                UserQuery(text=typed, descending=descending),
                UserQuery(text=typed, descending=descending, status="removed"),
                UserQuery(text=typed, descending=descending, user_type="employee"),
                UserQuery(text=typed, descending=descending, company_id=world.a1.id),
            ):
                for actor in (world.head, world.company_admin):
                    assert_search(db, world, actor, q, page_size=2)


def test_the_trigger_keeps_one_row_per_user(db: Session) -> None:
    world = build_world(db)
    db.flush()
    found = rows(db)
    assert set(found) == {u.id for u in world.users}
    anna = next(u for u in world.users if u.username == "anna.berg")
    per = next(u for u in world.users if u.username == "hanna_fan")
    pos_per = found[per.id].pos
    anna.last_name = "Zetterqvist"
    per.status, per.email, per.email_key = "removed", "PER@Zetter.se", "per@zetter.se"
    db.flush()
    found = rows(db)
    assert found[anna.id].last_name == "Zetterqvist"
    assert "zetterqvist" in found[anna.id].search_doc  # lower-cased, like users.search_doc
    assert found[per.id].pos == pos_per and found[per.id].status == "removed"
    assert "per@zetter.se" in found[per.id].search_doc
    angla = next(u for u in world.users if u.username == "angla.ek")  # holds no roles
    db.delete(angla)
    db.flush()
    assert angla.id not in rows(db)


def test_name_sorted_searches_use_the_search_rows_and_match_the_oracle(
    db: Session, engine_with_rows: Engine
) -> None:
    world = build_world(db)
    db.flush()
    with recorded_statements(engine_with_rows) as statements:
        assert_search(db, world, world.head, UserQuery(text="berg"), page_size=2)
    assert any("user_search_rows.search_doc LIKE" in s for s in statements)
    assert_every_search(db, world)


def test_after_renames_and_a_reordering_searches_still_match_the_oracle(db: Session) -> None:
    world = build_world(db)
    for user in world.users[::3]:
        user.last_name = user.last_name[::-1].title()
    world.users.append(
        make_user(db, world.a1, username="svans", first_name="Anna", last_name="Aberg")
    )
    db.flush()
    assert_every_search(db, world)
    search_rows_ddl.reorder_search_rows(db.connection())  # CLUSTER, in this transaction
    upto = search_rows_ddl.ordered_upto(db.connection())
    assert upto == max(r.pos for r in rows(db).values())
    assert search_rows_ddl.tail_size(db.connection()) == (0, len(world.users))
    assert_every_search(db, world)
