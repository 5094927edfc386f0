"""SCIM deep startIndex: pages sought from remembered positions are the OFFSET pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scim2_models import EnterpriseUser, ScimFilter, User
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from admin_portal.models import Role
from admin_portal.services.api_clients import scim_positions, scim_search
from admin_portal.services.api_clients.scim_search import find_users
from tests.support.factories import grant, make_company, make_org, make_user

QUERIES = [None, 'userName co "erik"', 'userName sw "anna"', 'name.familyName co "rikss"']


def _populate(session: Session) -> Actor:
    company = make_company(session, make_org(session))
    head = make_user(session, company, username="head")
    grant(session, head, Role.HEAD_ADMIN)
    for n in range(40):
        make_user(
            session,
            company,
            username=f"{'erik' if n % 3 else 'anna'}.{n}",
            email=f"p{n}@example.se",
            first_name="Erik" if n % 3 else "Anna",
            last_name=("Eriksson" if n % 5 else "Berg") + str(n % 7),
        )
    session.flush()
    actor = load_actor(session, head.id)
    assert actor is not None
    return actor


def _pages(session: Session, actor: Actor) -> dict[tuple, tuple]:
    found = {}
    for query in QUERIES:
        node = ScimFilter[User[EnterpriseUser]](query).ast if query else None  # type: ignore[misc]
        for sort in ("id", "name", "userName"):
            for descending in (False, True):
                for start, count in ((1, 3), (5, 3), (8, 2), (12, 5), (30, 4), (40, 3), (50, 2)):
                    page = find_users(
                        session,
                        actor=actor,
                        node=node,
                        start_index=start,
                        count=count,
                        sort=sort,
                        descending=descending,
                    )
                    key = (query, sort, descending, start, count)
                    found[key] = (page.total, page.total_exact, [u.id for u in page.users])
    return found


def _check(session: Session, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scim_search, "WINDOW_MAX", 0)  # every page by position
    monkeypatch.setattr(scim_search, "RANGES_WINDOW_MAX", 0)
    monkeypatch.setattr(scim_positions, "MARK_EVERY", 10**9)  # never marked: OFFSET
    reference = _pages(session, actor)
    assert reference[(None, "id", False, 40, 3)][2], "the deep pages are not empty"
    for every in (3, 4, 7):
        scim_positions.forget()
        monkeypatch.setattr(scim_positions, "MARK_EVERY", every)
        assert _pages(session, actor) == reference, every  # placing the marks
        assert _pages(session, actor) == reference, every  # from the marks
    scim_positions.forget()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    from admin_portal.search.structures import ensure_search_structures

    engine = make_engine(f"sqlite:///{tmp_path / 'positions.db'}")
    SQLModel.metadata.create_all(engine)
    ensure_search_structures(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def test_sqlite_pages_from_marks_are_the_offset_pages(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(sqlite_engine, expire_on_commit=False) as session:
        actor = _populate(session)
        session.commit()
    with Session(sqlite_engine) as session:
        _check(session, actor, monkeypatch)


@pytest.mark.postgres
def test_postgresql_pages_from_marks_are_the_offset_pages(
    pg_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = _populate(session)
            _check(session, actor, monkeypatch)
            session.rollback()
    finally:
        engine.dispose()


def test_marks_expire_and_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple | None] = []

    def nth_after(after: tuple | None, n: int) -> tuple | None:
        calls.append(after)
        return ((after[0] if after else 0) + n,)

    monkeypatch.setattr(scim_positions, "MARK_EVERY", 10)
    scim_positions.forget()
    bind = object.__new__(type("Bind", (), {}))
    assert scim_positions.seek(bind, "list", 35, nth_after) == ((30,), 5)
    assert len(calls) == 3
    assert scim_positions.seek(bind, "list", 25, nth_after) == ((20,), 5)
    assert len(calls) == 3  # remembered
    monkeypatch.setenv("ADMIN_PORTAL_SCIM_POSITION_MARKS_SECONDS", "0")
    from admin_portal.config import get_settings

    get_settings.cache_clear()
    try:
        assert scim_positions.seek(bind, "list", 35, nth_after) == (None, 35)
    finally:
        monkeypatch.delenv("ADMIN_PORTAL_SCIM_POSITION_MARKS_SECONDS")
        get_settings.cache_clear()
    scim_positions.forget()
