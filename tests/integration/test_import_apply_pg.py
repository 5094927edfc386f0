"""Import apply on PostgreSQL, with the search structures the app has: the apply tests of
tests/unit/test_user_import.py run again here (PostgreSQL sets a chunk's addresses and
verdicts in set-based statements, SQLite row by row), and the search finds every user by
the address the import gave them on both databases."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from admin_portal.models import Company, User
from admin_portal.search import plan as user_search
from admin_portal.search.query import UserQuery
from admin_portal.search.structures import ensure_search_structures
from admin_portal.search.users import search_users
from admin_portal.services import jobs
from admin_portal.services.spreadsheets.import_apply import start_apply
from admin_portal.services.spreadsheets.import_preview import preview_import
from tests.support.factories import make_user
from tests.support.world import build_care_world
from tests.unit.test_user_import import (  # noqa: F401 (rerun here, on PostgreSQL)
    test_an_address_taken_by_a_racing_writer_fails_only_its_row,
    test_apply_checks_every_row_again,
    test_apply_sets_addresses_through_the_job,
    test_thousands_of_rows_apply_in_chunks,
    world,
)


@pytest.fixture
def engine(pg_database_url: str) -> Iterator[Engine]:
    """The migrated PostgreSQL schema with its search structures (generated document,
    trigram indexes, name-ordered search rows and their trigger), as the app runs."""
    upgrade(pg_database_url, keep_logging=True)
    eng = make_engine(pg_database_url)
    ensure_search_structures(eng)
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def searchable(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    """Either database, migrated and with every search structure built."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/search.db"
    else:
        url = request.getfixturevalue("pg_database_url")
    upgrade(url, keep_logging=True)
    eng = make_engine(url)
    ensure_search_structures(eng)
    yield eng
    eng.dispose()


def test_the_search_finds_users_by_their_imported_address(
    searchable: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(searchable, expire_on_commit=False) as session:
        base = build_care_world(session, head_username="head", other_head_username="other")
        company = session.get(Company, base.company.id)
        people = [
            make_user(session, company, username=f"imp{i}", email=f"gammal{i}@example.se")
            for i in range(30)
        ]
        session.commit()
        head = load_actor(session, base.head.id)
        assert head is not None
        data = "\ufeffAnvändarnamn;Förnamn;E-post\n" + "".join(
            f"imp{i};;Ny.Adress{i}@Nytt-Bolag.example\n" for i in range(30)
        )
        summary = preview_import(session, actor=head, filename="m.csv", data=data.encode())
        start_apply(
            session, actor=head, import_id=summary.id, request_key=secrets.token_urlsafe(16)
        )
        session.commit()
    jobs.run_until_idle(searchable)
    # Small scopes are searched by scanning: force the trigram / FTS5 paths, as at scale.
    monkeypatch.setattr(user_search, "SMALL_SCOPE", 1)
    monkeypatch.setattr(user_search, "PROBE_ROWS", 1)
    with Session(searchable) as session:

        def ids(text: str) -> list[int]:
            page = search_users(session, actor=head, query=UserQuery(text=text, page_size=100))
            return [row.id for row in page.rows]

        assert sorted(ids("nytt-bolag")) == sorted(p.id for p in people)
        for i in (0, 7, 29):
            assert ids(f"ny.adress{i}@") == [people[i].id]
            assert ids(f"gammal{i}@") == []
        assert session.get(User, people[3].id).email == "Ny.Adress3@nytt-bolag.example"
