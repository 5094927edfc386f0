"""SQLite: SCIM `co` sorted by name streams from the search wing's name-ordered rows; the
pages and totals are those of reading and sorting every match."""

from __future__ import annotations

from pathlib import Path

import pytest
from scim2_models import EnterpriseUser, ScimFilter, User
from sqlmodel import Session, SQLModel, select

from admin_portal.auth.permissions import load_actor
from admin_portal.db import make_engine
from admin_portal.models import Role
from admin_portal.models import User as UserRow
from admin_portal.search import rows_ddl
from admin_portal.search.structures import ensure_search_structures
from admin_portal.services.api_clients import scim_search
from admin_portal.services.api_clients.scim_search import find_users
from tests.support.factories import grant, make_company, make_org, make_user

QUERIES = [
    'userName co "erik"',
    'emails co "erikson"',
    'name.familyName co "rikss"',
    'userName co "erik" and emails co "erikson"',
    'userName co "zzz"',
]


def test_name_ordered_rows_give_the_sorted_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            company = make_company(session, make_org(session))
            head = make_user(session, company, username="head")
            grant(session, head, Role.HEAD_ADMIN)

            def person(n: int) -> None:
                make_user(
                    session,
                    company,
                    username=f"{'erik' if n % 3 else 'anna'}.{n}",
                    email=f"p{n}@{'erikson' if n % 2 else 'example'}.se",
                    first_name="Erik" if n % 3 else "Anna",
                    last_name=("Eriksson" if n % 5 else "Berg") + chr(ord("a") + n % 7),
                )

            for n in range(30):
                person(n)
            session.commit()
            ensure_search_structures(engine)
            for n in range(30, 45):  # the tail: added after the rows were put in order
                person(n)
            renamed = session.exec(select(UserRow).where(UserRow.username == "erik.4")).one()
            renamed.last_name = "Aaeriksson"  # moves to the tail
            session.add(renamed)
            session.commit()
            actor = load_actor(session, head.id)
            assert actor is not None
            tail, _ = rows_ddl.tail_size(session.connection())
            assert tail >= 15

        def answers() -> dict[tuple, tuple]:
            found = {}
            with Session(engine) as session:
                for query in QUERIES:
                    node = ScimFilter[User[EnterpriseUser]](query).ast  # type: ignore[misc]
                    for start, count in ((1, 3), (4, 5), (1, 100), (12, 4)):
                        for descending in (False, True):
                            page = find_users(
                                session,
                                actor=actor,
                                node=node,
                                start_index=start,
                                count=count,
                                sort="name",
                                descending=descending,
                            )
                            key = (query, start, count, descending)
                            found[key] = (page.total, [u.id for u in page.users])
            return found

        monkeypatch.setattr(scim_search, "TOTAL_AHEAD", 4)
        walked = []
        real = scim_search.rows_by_name

        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            walked.append(args[2])
            return real(*args, **kwargs)

        monkeypatch.setattr(scim_search, "rows_by_name", spy)
        with_rows = answers()
        assert "erik" in walked
        monkeypatch.setattr(scim_search, "rows_available", lambda connection: False)
        assert with_rows == answers()
        assert with_rows[('userName co "erik"', 1, 100, False)][0] == 30
    finally:
        engine.dispose()
