"""SCIM userName / emails filters give one answer whichever path runs (issue 15, round 6).

The keys are NFKC + casefold ("Ｓｔｒａßｅ" -> "strasse"); the search's trigram structures
hold what was typed. Full-width and ß values, and users whose keys differ from what they
typed, must match alike through: SQLite's plain row test, its FTS5-driven page, its
OFFSET page (narrowed by FTS5 inside the condition); PostgreSQL's trigram index (the
OFFSET page) and its ordered walks in id and name order.
"""

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
from admin_portal.services.api_clients import scim_search, scim_walks
from admin_portal.services.api_clients.scim_search import find_users
from admin_portal.validation.identifiers import email_key, username_key
from tests.support.factories import grant, make_company, make_org, make_user

# username, e-mail
PEOPLE = [
    ("Gross.Straße", "Straße@exempel.se"),
    ("anna.strasse", "anna@exempel.se"),
    ("Ｆｕｌｌ.Ｂｏ", "ｂｏ.ＳＴＲＡＳＳＥ@exempel.se"),
    ("fullerton.eva", "eva@exempel.se"),
    ("STRAẞE.Kim", None),  # capital sharp s: key "strasse.kim"
    *((f"filler{n}.berg", f"filler{n}@exempel.se") for n in range(20)),
]

# filter -> the usernames it must find, by every path
EXPECTED = {
    'userName co "straße"': {"Gross.Straße", "anna.strasse", "STRAẞE.Kim"},
    'userName co "STRASSE"': {"Gross.Straße", "anna.strasse", "STRAẞE.Kim"},
    'userName co "ｓｔｒａｓｓｅ"': {"Gross.Straße", "anna.strasse", "STRAẞE.Kim"},
    'userName co "traß"': {"Gross.Straße", "anna.strasse", "STRAẞE.Kim"},
    'userName ew "ßE"': {"Gross.Straße", "anna.strasse"},
    'userName co "ＦＵＬＬ"': {"Ｆｕｌｌ.Ｂｏ", "fullerton.eva"},
    'userName co "full."': {"Ｆｕｌｌ.Ｂｏ"},
    'emails co "straße"': {"Gross.Straße", "Ｆｕｌｌ.Ｂｏ"},
    'emails co "ＳＴＲＡＳＳＥ@"': {"Gross.Straße", "Ｆｕｌｌ.Ｂｏ"},
    'userName co "straße" or userName eq "nobody"': {"Gross.Straße", "anna.strasse", "STRAẞE.Kim"},
    'userName co "strasse" and emails co "exempel"': {"Gross.Straße", "anna.strasse"},
    'not (userName co "strasse") and emails co "exempel"': {
        "Ｆｕｌｌ.Ｂｏ",
        "fullerton.eva",
        *(f"filler{n}.berg" for n in range(20)),
    },
}


def _populate(session: Session) -> Actor:
    company = make_company(session, make_org(session))
    head = make_user(session, company, username="head")
    grant(session, head, Role.HEAD_ADMIN)
    for name, email in PEOPLE:
        user = make_user(session, company, username=name, email=email)
        # The keys as the services write them (the factory only casefolds).
        user.username_key = username_key(name)
        user.email_key = email_key(email) if email else None
        session.add(user)
    session.flush()
    actor = load_actor(session, head.id)
    assert actor is not None
    return actor


Answers = dict[tuple[str, int, int, str, bool], tuple[int, list[str]]]


def _answers(session: Session, actor: Actor) -> Answers:
    found: Answers = {}
    for query in EXPECTED:
        node = ScimFilter[User[EnterpriseUser]](query).ast  # type: ignore[misc]
        for start, count in ((1, 100), (1, 1), (2, 2)):
            for sort in ("id", "name", "userName"):
                for descending in (False, True):
                    page = find_users(
                        session,
                        actor=actor,
                        node=node,
                        start_index=start,
                        count=count,
                        sort=sort,
                        descending=descending,
                    )
                    key = (query, start, count, sort, descending)
                    found[key] = (page.total, [u.username for u in page.users])
    return found


def _check_expected(answers: Answers) -> None:
    for query, names in EXPECTED.items():
        total, found = answers[(query, 1, 100, "id", False)]
        assert (total, set(found)) == (len(names), names), query


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    SQLModel.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def test_sqlite_every_path_gives_the_key_answer(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from admin_portal.search import ddl
    from admin_portal.search.structures import ensure_search_structures

    with Session(sqlite_engine, expire_on_commit=False) as session:
        actor = _populate(session)
        session.commit()
    with Session(sqlite_engine) as session:
        plain = _answers(session, actor)  # no FTS5 table: every row tested
    _check_expected(plain)
    ensure_search_structures(sqlite_engine)
    with Session(sqlite_engine) as session:
        assert ddl.sqlite_fts_available(session.connection())
        assert _answers(session, actor) == plain  # the FTS5-driven window
        monkeypatch.setattr(scim_search, "WINDOW_MAX", 0)
        assert _answers(session, actor) == plain  # OFFSET pages, FTS5 in the condition


@pytest.mark.postgres
def test_postgresql_every_path_gives_the_key_answer(
    pg_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            actor = _populate(session)
            monkeypatch.setattr(scim_search, "WINDOW_MAX", 0)  # the trigram index's pages
            monkeypatch.setattr(scim_search, "RANGES_WINDOW_MAX", 0)
            reference = _answers(session, actor)
            _check_expected(reference)
            monkeypatch.setattr(scim_search, "WINDOW_MAX", 1_000)
            monkeypatch.setattr(scim_search, "RANGES_WINDOW_MAX", 10_000)
            for probe, most in ((0, 0), (3, 40), (10**6, 10**6)):  # index, walks, whole org
                monkeypatch.setattr(scim_walks, "WALK_PROBE", probe)
                monkeypatch.setattr(scim_walks, "RANGE_FIRST", max(1, probe))
                monkeypatch.setattr(scim_walks, "NAME_WALK_MAX", most)
                assert _answers(session, actor) == reference, (probe, most)
            session.rollback()
    finally:
        engine.dispose()
