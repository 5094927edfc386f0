"""search_users on PostgreSQL, on a schema built by `alembic upgrade head` (pg_trgm, GIN).

The same world and oracle as tests/unit/test_user_search.py; here the database is the
throwaway PostgreSQL server (C locale: lower() folds ASCII only, which is why the search
document is lower-cased with ICU), and the paths a big database takes are forced with tiny
thresholds as well as exercised with the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from admin_portal.models import search_ddl
from admin_portal.services import user_search
from admin_portal.services.user_search import UserQuery, search_users
from tests.unit.test_user_search import World, assert_search, build_world, names, search, walk

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_migrated(pg_database_url: str) -> Iterator[Engine]:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=["real", "tiny"])
def db(request: pytest.FixtureRequest, pg_migrated: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    if request.param == "tiny":
        monkeypatch.setattr(user_search, "SMALL_SCOPE", 4)
        monkeypatch.setattr(user_search, "WALK_MAX", 3)
        monkeypatch.setattr(user_search, "PROBE_ROWS", 2)
        monkeypatch.setattr(user_search, "COUNT_WALK_MAX", 6)
        monkeypatch.setattr(user_search, "COUNT_CAP", 4)
    with Session(pg_migrated, expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def world(db: Session) -> World:
    return build_world(db)


def test_the_migration_builds_the_trigram_and_keyset_indexes(pg_migrated: Engine) -> None:
    with pg_migrated.connect() as conn:
        assert conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
        definition = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": search_ddl.PG_TRGM_INDEX}
        ).scalar_one()
    assert "gin" in definition and "gin_trgm_ops" in definition
    names_found = {ix["name"] for ix in inspect(pg_migrated).get_indexes("users")}
    assert names_found >= search_ddl.BTREE_INDEX_NAMES


def test_the_trigram_index_serves_the_search_expression(db: Session, world: World) -> None:
    """The query must spell the document exactly as the index does, or GIN is never used.

    On a table this small the planner would rather read any other index, so the others
    are dropped inside the test's transaction (rolled back afterwards).
    """
    others = db.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = 'users' AND indexname <> :n"),
        {"n": search_ddl.PG_TRGM_INDEX},
    ).scalars().all()
    for name in others:
        if not name.startswith(("pk_", "uq_")):
            db.execute(text(f'DROP INDEX "{name}"'))
    db.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.execute(
            text(f"EXPLAIN SELECT id FROM users WHERE {search_ddl.pg_search_doc('users.')} LIKE :p"),
            {"p": "%berg%"},
        ).scalars()
    )
    assert search_ddl.PG_TRGM_INDEX in plan, plan


def test_scope_per_kind_of_administrator(db: Session, world: World) -> None:
    for actor in (world.head, world.company_admin, world.unit_admin, world.other_head):
        assert_search(db, world, actor, UserQuery())


@pytest.mark.parametrize(
    ("text_", "who"),
    [("ÅSA", "Åsa Öberg"), ("öberg", "Åsa Öberg"), ("ÄNGLA EK", "Ängla Ek"), ("anna ber", "Anna Berg"),
     ("hanna_f", "Per Svensson"), ("annabel", "Eva Lund"), ("1002", "Åsa Öberg"), ("ö", "Åsa Öberg")],
)
def test_text_matches_case_insensitively_with_swedish_letters(db: Session, world: World, text_: str, who: str) -> None:
    assert who in names(search(db, world.head, text=text_))


def test_every_text_filter_and_sort_against_the_oracle(db: Session, world: World) -> None:
    texts = ["", "a", "ö", "an", "ber", "ÅKESSON", "anna ber", "@gmail", "1001", "12", "a%a", "na_"]
    for text_ in texts:
        for sort in ("name", "username", "created"):
            for descending in (False, True):
                q = UserQuery(text=text_, sort=sort, descending=descending)  # type: ignore[arg-type]
                assert_search(db, world, world.head, q, page_size=2)
                assert_search(db, world, world.unit_admin, q, page_size=2)
    for q in (
        UserQuery(email_state="missing"),
        UserQuery(email_state="verified", company_id=world.a1.id),
        UserQuery(user_type="assistant"),
        UserQuery(unit_id=world.u3.id, email_state="unverified"),
        UserQuery(status="removed"),
        UserQuery(status="removed", text="nilsson"),
    ):
        for actor in (world.head, world.company_admin, world.unit_admin):
            assert_search(db, world, actor, q)


def test_filters_outside_the_scope_give_an_empty_page(db: Session, world: World) -> None:
    for actor, q in [
        (world.head, UserQuery(company_id=world.b1.id)),
        (world.unit_admin, UserQuery(unit_id=world.u2.id)),
        (world.company_admin, UserQuery(company_id=world.a2.id)),
    ]:
        assert search_users(db, actor=actor, query=q).rows == []


def test_removed_users_only_in_the_removed_list(db: Session, world: World) -> None:
    assert names(search(db, world.head, text="nilsson")) == []
    assert names(search(db, world.head, text="nilsson", status="removed")) == ["Märta Nilsson", "Nils Nilsson"]


def test_the_count_is_bounded(db: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_search, "COUNT_CAP", 5)
    page = search(db, world.head, text="anna", page_size=2)
    assert (page.total, page.total_is_lower_bound) == (5, True)
    page = search(db, world.head, text="berg", page_size=2)
    assert (page.total, page.total_is_lower_bound) == (5, False)


def test_a_tampered_cursor_starts_over(db: Session, world: World) -> None:
    q = UserQuery(page_size=3)
    first = search_users(db, actor=world.head, query=q)
    assert first.next_cursor is not None
    for cursor in (first.next_cursor[:-2] + "AA", "x.y", "."):
        page = search_users(db, actor=world.head, query=replace(q, cursor=cursor))
        assert [r.id for r in page.rows] == [r.id for r in first.rows]
    ids = walk(db, world.head, q)[0]
    assert len(ids) == len(set(ids)) == 14
