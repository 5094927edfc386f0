"""SCIM filters as SQL on PostgreSQL (schema by `alembic upgrade head`: pg_trgm, search_doc)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scim2_models import EnterpriseUser, ScimFilter, User
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.db import make_engine
from admin_portal.migrations import upgrade
from admin_portal.models import Role
from admin_portal.services.api_clients.provisioning import set_external_id
from admin_portal.services.api_clients.scim_search import find_users
from tests.support.factories import grant, make_company, make_org, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_database_url: str) -> Iterator[Engine]:
    upgrade(pg_database_url, keep_logging=True)
    engine = make_engine(pg_database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_filters_on_postgresql(pg: Engine) -> None:
    with Session(pg, expire_on_commit=False) as session:
        company = make_company(session, make_org(session))
        head = make_user(session, company, username="head")
        grant(session, head, Role.HEAD_ADMIN)
        actor = load_actor(session, head.id)
        assert actor is not None
        people = {
            name: make_user(
                session,
                company,
                username=name,
                email=f"{name}@example.se",
                first_name=first,
                last_name=last,
            )
            for name, first, last in [
                ("Åsa.Öberg", "Åsa", "Öberg"),
                ("anna.berg", "Anna", "Berg"),
                ("bo.lund", "Bo", "Lund"),
            ]
        }
        set_external_id(session, actor=actor, user_id=people["bo.lund"].id, external_id="E-7")
        session.flush()

        def names(query: str) -> list[str]:
            node = ScimFilter[User[EnterpriseUser]](query).ast  # type: ignore[misc]
            return sorted(u.username for u in find_users(session, actor=actor, node=node).users)

        assert names('userName eq "åsa.öberg"') == ["Åsa.Öberg"]
        assert names('userName sw "an"') == ["anna.berg"]
        assert names('userName co "öber"') == ["Åsa.Öberg"]
        assert names('emails co "lund@"') == ["bo.lund"]
        assert names('name.familyName eq "berg" or externalId eq "E-7"') == ["anna.berg", "bo.lund"]
        assert names('not (userName co "berg") and userName ne "head"') == ["bo.lund"]
        session.rollback()
