"""SCIM filters as SQL on PostgreSQL (schema by `alembic upgrade head`: pg_trgm, search_doc)."""

from __future__ import annotations

import pytest
from scim2_models import EnterpriseUser, ScimFilter, User
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.models import Role
from admin_portal.services.api_clients.provisioning import set_external_id
from admin_portal.services.api_clients.scim_search import find_users
from tests.support.factories import grant, make_company, make_org, make_user

pytestmark = pytest.mark.postgres


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


def test_ordered_walk_and_window_give_the_offset_answers(pg: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's `co` asks the trigram index id range by id range, or walks the users in
    name order with a row budget, then falls back to the trigram index; pages and totals
    are those of the OFFSET page + counted lookahead, whatever the first range or the
    budget (one id, a few, the whole organisation)."""
    from admin_portal.services.api_clients import scim_search, scim_walks

    with Session(pg, expire_on_commit=False) as session:
        company = make_company(session, make_org(session))
        head = make_user(session, company, username="head")
        grant(session, head, Role.HEAD_ADMIN)
        actor = load_actor(session, head.id)
        assert actor is not None
        for n in range(40):
            make_user(
                session,
                company,
                username=f"{'erik' if n % 3 else 'anna'}.{n}",
                email=f"p{n}@{'erikson' if n % 2 else 'example'}.se",
                first_name="Erik" if n % 3 else "Anna",
                last_name="Eriksson" if n % 5 else "Berg",
            )
        session.flush()
        queries = [
            'userName co "erik"',
            'userName co "anna"',  # sparse: 14 of 41
            'emails co "erikson"',
            'name.familyName co "rikss"',
            'userName co "erik" and emails co "erikson"',
            'userName co "rik" or userName eq "anna.3"',
            'not (userName co "erik")',
            'userName co "zzz"',
        ]

        def run() -> dict[tuple[str, int, int, bool, str], tuple[int, bool, list[int]]]:
            found = {}
            for q in queries:
                node = ScimFilter[User[EnterpriseUser]](q).ast  # type: ignore[misc]
                for start, count in ((1, 3), (4, 5), (1, 100), (12, 4), (60, 5), (1, 0)):
                    for descending in (False, True):
                        for sort in ("id", "name"):
                            page = find_users(
                                session,
                                actor=actor,
                                node=node,
                                start_index=start,
                                count=count,
                                descending=descending,
                                sort=sort,
                            )
                            key = (q, start, count, descending, sort)
                            found[key] = (page.total, page.total_exact, [u.id for u in page.users])
            return found

        monkeypatch.setattr(scim_search, "TOTAL_AHEAD", 4)
        monkeypatch.setattr(scim_search, "WINDOW_MAX", 0)  # the OFFSET page + lookahead
        monkeypatch.setattr(scim_search, "RANGES_WINDOW_MAX", 0)
        reference = run()
        assert reference[('userName co "erik"', 1, 3, False, "id")][:2] == (7, False)
        monkeypatch.setattr(scim_search, "WINDOW_MAX", 1_000)
        monkeypatch.setattr(scim_search, "RANGES_WINDOW_MAX", 10_000)
        for probe, most in ((0, 0), (3, 3), (3, 40), (6, 15), (15, 30), (10**6, 10**6)):
            monkeypatch.setattr(scim_walks, "WALK_PROBE", probe)
            monkeypatch.setattr(scim_walks, "RANGE_FIRST", max(1, probe))
            monkeypatch.setattr(scim_walks, "NAME_WALK_MAX", most)
            assert run() == reference, (probe, most)
        session.rollback()


def test_key_trigram_indexes_serve_the_narrowing(pg: Engine) -> None:
    """Migration 0024's indexes are spelt as scim_match.key_trigrams asks (else PostgreSQL
    could not use them, and every userName/emails `co` would read the table): PostgreSQL
    deparses the indexed expression and the narrowing's left side alike."""
    from scim2_models.path.expressions import CompareOperator
    from sqlalchemy import text

    from admin_portal.services.api_clients.scim_match import key_trigrams

    with Session(pg) as session:
        for column, index in (
            ("username_key", "ix_users_scim_username_trgm"),
            ("email_key", "ix_users_scim_email_trgm"),
        ):
            indexed = session.execute(
                text("SELECT pg_get_indexdef(to_regclass(:name))"), {"name": index}
            ).scalar_one()
            asked = key_trigrams(column, CompareOperator.co, "na.lin").left
            plan = session.execute(text(f"EXPLAIN VERBOSE SELECT {asked} FROM users")).all()
            output = next(r[0] for r in plan if "Output:" in r[0]).split("Output: ", 1)[1]
            assert "USING gin" in indexed
            assert f"({output.replace('users.', '')} gin_trgm_ops)" in indexed, (indexed, output)
