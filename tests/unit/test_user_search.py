"""Användare list: search_users (scope, filters, text, keyset paging, bounded count).

Every test runs four ways: with and without the SQLite FTS5 trigram table
(`ensure_search_structures` vs plain `create_all`), and with the real thresholds (a small
test scope is simply read) and with tiny ones, which force the paths a million-user
database takes: ordered walks with a budget, text-index-driven pages and capped counts.
Expected results come from a plain-Python oracle over the same users.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.db import make_engine
from admin_portal.models import (
    Company,
    Organisation,
    Unit,
    User,
    require_id,
)
from admin_portal.search import ddl as search_ddl
from admin_portal.search import plan as user_search
from admin_portal.search import rows_ddl as search_rows_ddl
from admin_portal.search import text as search_text
from admin_portal.search.ddl import sqlite_fts_available
from admin_portal.search.plan import COUNT_CAP
from admin_portal.search.query import UserPage, UserQuery
from admin_portal.search.structures import ensure_search_structures
from admin_portal.search.users import search_users
from admin_portal.services.errors import PermissionDenied
from tests.support.factories import make_unit, make_user
from tests.support.world import add_unit_admin, build_care_world

# --------------------------------------------------------------------------- the world


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    a1: Company  # Norrgården: units u1 (with sub-unit u1_sub) and u2
    a2: Company  # Söderhemmet: unit u3
    b1: Company  # the other organisation's company
    u1: Unit
    u1_sub: Unit
    u2: Unit
    u3: Unit
    ub: Unit
    users: list[User]  # everyone, both organisations, every status
    head: Actor
    company_admin: Actor  # of a1
    unit_admin: Actor  # of u1 (so also u1_sub)
    standard: Actor
    other_head: Actor


T0 = datetime(2025, 1, 1, tzinfo=UTC)


def build_world(session: Session) -> World:
    """Two organisations; names with å/ä/ö, e-mails in every state, removed users, ties.

    The shared world gives the organisations, a1 and a2, u1 and u2, the admins and the
    standard user; the people below join them.
    """
    base = build_care_world(
        session,
        company_name="Norrgården AB",
        company2_name="Söderhemmet AB",
        unit_a_name="Hemtjänst Norr",
        unit_b_name="Dagverksamhet",
        other_company_name="Främmande AB",
    )
    org, other_org = base.org, base.other_org
    a1, a2, b1 = base.company, base.company2, base.other_company
    u1, u2 = base.unit_a, base.unit_b
    u1_sub = make_unit(session, a1, "Nattpatrullen", parent=u1)
    u3 = make_unit(session, a2, "Boende Syd")
    ub = make_unit(session, b1, "Främmande enhet")
    unit_admin = add_unit_admin(session, base, username="enh.admin")
    people = [
        # first, last, username, email, verified, type, company, unit, numeric_id
        ("Anna", "Berg", "anna.berg", "anna.berg@example.se", True, "employee", a1, u1, 1001),
        ("Åsa", "Öberg", "asa.oberg", "asa@telia.com", False, "assistant", a1, u1_sub, 1002),
        ("Ängla", "Ek", "angla.ek", None, False, "brukare", a1, u2, None),
        ("Johanna", "Andersson", "jo.andersson", "johanna@gmail.com", True, "agent", a2, u3, 2001),
        ("Björn", "Sjöberg", "bjorn.s", "bjorn@gmail.com", False, "employee", a2, None, 12),
        ("Per", "Svensson", "hanna_fan", "per@example.se", True, "employee", a1, u2, None),
        ("Eva", "Lund", "eva.l", "annabella@x.se", False, "brukare", a2, u3, 1200),
        ("Anna", "Bergström", "anna.bergstrom", None, False, "assistant", a1, u1, None),
        ("ÖRJAN", "ÅKESSON", "orjan", "ORJAN@Example.se", True, "employee", a1, u1_sub, None),
        ("anna", "berg", "anna.berg2", None, False, "employee", a1, u1, None),  # lower-case twin
        ("Nils", "Nilsson", "nils", "nils@example.se", True, "employee", a1, u1, 3001),  # removed
        ("Märta", "Nilsson", "marta.n", None, False, "brukare", a2, u3, None),  # removed
    ]
    # The other organisation: same names, never visible to this organisation's admins.
    strangers = [
        ("Anna", "Berg", "anna.berg.b", "anna.berg@example.se", True, "employee", b1, ub, 1001),
        ("Åsa", "Öberg", "asa.b", None, False, "assistant", b1, None, None),
    ]

    def made(rows: list[tuple]) -> list[User]:
        users = []
        for first, last, username, email, verified, kind, company, unit, numeric in rows:
            user = make_user(
                session,
                company,
                username=username,
                email=email,
                verified=verified,
                unit=unit,
                user_type=kind,
                first_name=first,
                last_name=last,
            )
            user.numeric_id = numeric
            users.append(user)
        return users

    # In the order of the first version of this world (the people, the organisation's
    # admins and standard user, the strangers, their head admin): tests pick users by place.
    admins = [base.head, base.company_admin, unit_admin, base.standard]
    users = made(people) + admins + made(strangers) + [base.other_head]
    for i, user in enumerate(users):
        # Ties on created_at (pairs share a timestamp) check the id tie-breaker.
        user.created_at = T0 + timedelta(minutes=i // 2)
    for user in users:
        if user.username in ("nils", "marta.n"):
            user.status, user.removed_at = "removed", T0 + timedelta(days=30)
    session.flush()

    return World(
        org=org,
        other_org=other_org,
        a1=a1,
        a2=a2,
        b1=b1,
        u1=u1,
        u1_sub=u1_sub,
        u2=u2,
        u3=u3,
        ub=ub,
        users=users,
        head=base.actor(session, base.head),
        company_admin=base.actor(session, base.company_admin),
        unit_admin=base.actor(session, unit_admin),
        standard=base.actor(session, base.standard),
        other_head=base.actor(session, base.other_head),
    )


# --------------------------------------------------------------------------- the oracle


def in_scope(actor: Actor, user: User) -> bool:
    if user.organisation_id != actor.organisation_id:
        return False
    return (
        actor.is_head_admin
        or user.company_id in actor.company_ids
        or user.unit_id in actor.unit_ids
    )


def text_matches(text: str, user: User) -> bool:
    text = search_text.clean_text(text)
    if not text:
        return True
    if text.isascii() and text.isdigit() and user.numeric_id == int(text):
        return True
    t = text.lower()
    if len(text) >= search_text.TRIGRAM_MIN:
        fields = [user.first_name, user.last_name, user.full_name, user.username, user.email or ""]
        return any(t in f.lower() for f in fields)
    return any(
        f.lower().startswith(t)
        for f in (user.first_name, user.last_name, user.username_key, user.email_key or "")
    )


def email_state(user: User) -> str:
    if not user.email_key:
        return "missing"
    return "verified" if user.email_verified_at else "unverified"


def expected(world: World, actor: Actor, q: UserQuery) -> list[User]:
    q = q.clean()
    if q.status == "removed" and not actor.is_head_admin:
        return []  # changed with A.9: only head admins list removed users (the user bank's)
    rows = [
        u
        for u in world.users
        if in_scope(actor, u)
        and u.status == q.status
        and (q.company_id is None or u.company_id == q.company_id)
        and (q.unit_id is None or u.unit_id == q.unit_id)
        and (q.user_type is None or u.user_type == q.user_type)
        and (q.email_state is None or email_state(u) == q.email_state)
        and text_matches(q.text, u)
    ]
    keys: dict[str, Callable[[User], tuple[object, ...]]] = {
        "name": lambda u: (u.last_name, u.first_name, u.id),
        "username": lambda u: (u.username_key, u.id),
        "created": lambda u: (u.created_at, u.id),
    }
    return sorted(rows, key=keys[q.sort], reverse=q.descending)


def walk(session: Session, actor: Actor, q: UserQuery) -> tuple[list[int], list[UserPage]]:
    """Every page of a query, following next_cursor."""
    ids: list[int] = []
    pages: list[UserPage] = []
    for _ in range(100):
        page = search_users(session, actor=actor, query=q)
        pages.append(page)
        ids += [r.id for r in page.rows]
        if page.next_cursor is None:
            return ids, pages
        q = replace(q, cursor=page.next_cursor)
    raise AssertionError("pagination did not end")


def assert_search(
    session: Session, world: World, actor: Actor, q: UserQuery, page_size: int = 3
) -> list[int]:
    """All pages together are exactly the oracle's rows, in order, each row once."""
    q = replace(q, page_size=page_size)
    want = [require_id(u) for u in expected(world, actor, q)]
    ids, pages = walk(session, actor, q)
    assert ids == want, (q, ids, want)
    cap = user_search.COUNT_CAP
    for page in pages:
        assert page.total == min(len(want), cap)
        assert page.total_is_lower_bound == (len(want) > cap)
        assert len(page.rows) <= page_size
    return ids


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=["fts", "no-fts"])
def db(request: pytest.FixtureRequest, engine: Engine, session: Session) -> Iterator[Session]:
    """The session, on a schema with or without the FTS5 table (and migration indexes)."""
    if request.param == "fts":
        ensure_search_structures(engine)
    yield session


@pytest.fixture(params=["real", "tiny"])
def thresholds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """tiny: every scope counts as big, walks give up after 3 rows, counts stop at 4+."""
    if request.param == "tiny":
        monkeypatch.setattr(user_search, "SMALL_SCOPE", 4)
        monkeypatch.setattr(user_search, "WALK_MAX", 3)
        monkeypatch.setattr(user_search, "PROBE_ROWS", 2)
        monkeypatch.setattr(user_search, "COUNT_WALK_MAX", 6)
        monkeypatch.setattr(user_search, "COUNT_CAP", 4)
    return str(request.param)


@pytest.fixture
def world(db: Session, thresholds: str) -> World:
    return build_world(db)


def names(page: UserPage) -> list[str]:
    return [r.full_name for r in page.rows]


def search(session: Session, actor: Actor, **kw: object) -> UserPage:
    return search_users(session, actor=actor, query=UserQuery(**kw))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- permission, scope


def test_a_standard_user_is_refused(db: Session, world: World) -> None:
    with pytest.raises(PermissionDenied):
        search(db, world.standard)


def test_head_admin_sees_the_whole_organisation_and_nothing_else(db: Session, world: World) -> None:
    ids = assert_search(db, world, world.head, UserQuery())
    assert {u.organisation_id for u in world.users if u.id in ids} == {world.org.id}
    assert len(ids) == 14  # 16 in the organisation, 2 removed


def test_company_admin_sees_their_company_with_all_its_units(db: Session, world: World) -> None:
    ids = assert_search(db, world, world.company_admin, UserQuery())
    assert {u.company_id for u in world.users if u.id in ids} == {world.a1.id}


def test_unit_admin_sees_their_unit_and_its_sub_units(db: Session, world: World) -> None:
    ids = assert_search(db, world, world.unit_admin, UserQuery())
    units = {u.unit_id for u in world.users if u.id in ids}
    assert units == {world.u1.id, world.u1_sub.id}


def test_another_organisation_is_never_visible(db: Session, world: World) -> None:
    for q in (UserQuery(), UserQuery(text="anna"), UserQuery(text="1001"), UserQuery(text="ö")):
        for actor in (world.head, world.company_admin, world.unit_admin):
            page = search_users(db, actor=actor, query=q)
            assert all(r.company_name != "Främmande AB" for r in page.rows)
    other = walk(db, world.other_head, UserQuery())[0]
    assert {u.organisation_id for u in world.users if u.id in other} == {world.other_org.id}


def test_a_filter_outside_the_scope_gives_an_empty_page(db: Session, world: World) -> None:
    outside = [
        (world.head, UserQuery(company_id=require_id(world.b1))),
        (world.head, UserQuery(unit_id=require_id(world.ub))),
        (world.company_admin, UserQuery(company_id=require_id(world.a2))),
        (world.unit_admin, UserQuery(unit_id=require_id(world.u2))),
        (world.unit_admin, UserQuery(company_id=require_id(world.a2))),
    ]
    for actor, q in outside:
        page = search_users(db, actor=actor, query=q)
        assert page.rows == [] and page.total == 0 and page.next_cursor is None


@pytest.mark.parametrize("bad", [-1, 0, 2**40, "1", 1.5, True, [1]])
def test_forged_ids_give_an_empty_page_not_an_error(db: Session, world: World, bad: object) -> None:
    page = search_users(db, actor=world.head, query=UserQuery(company_id=bad))  # type: ignore[arg-type]
    assert page.rows == [] and page.total == 0


# --------------------------------------------------------------------------- filters


def test_every_filter_alone_and_combined(db: Session, world: World) -> None:
    queries = [
        UserQuery(company_id=require_id(world.a1)),
        UserQuery(company_id=require_id(world.a2)),
        UserQuery(unit_id=require_id(world.u1)),
        UserQuery(unit_id=require_id(world.u3)),
        UserQuery(user_type="assistant"),
        UserQuery(user_type="brukare", company_id=require_id(world.a2)),
        UserQuery(email_state="verified"),
        UserQuery(email_state="unverified"),
        UserQuery(email_state="missing"),
        UserQuery(email_state="missing", user_type="employee", unit_id=require_id(world.u1)),
        UserQuery(status="removed", company_id=require_id(world.a2)),
    ]
    for q in queries:
        for actor in (world.head, world.company_admin, world.unit_admin):
            assert_search(db, world, actor, q)


def test_email_state_is_shown_on_every_row(db: Session, world: World) -> None:
    rows = {r.username: r for r in search(db, world.head, page_size=100).rows}
    assert rows["anna.berg"].email_state == "verified"
    assert rows["asa.oberg"].email_state == "unverified"
    assert rows["angla.ek"].email_state == "missing"
    assert rows["angla.ek"].email == ""


def test_rows_carry_company_and_unit_names(db: Session, world: World) -> None:
    rows = {r.username: r for r in search(db, world.head, page_size=100).rows}
    assert (rows["asa.oberg"].company_name, rows["asa.oberg"].unit_name) == (
        "Norrgården AB",
        "Nattpatrullen",
    )
    assert (rows["bjorn.s"].company_name, rows["bjorn.s"].unit_name) == ("Söderhemmet AB", "")
    anna = rows["anna.berg"]
    assert (anna.full_name, anna.first_name, anna.last_name) == ("Anna Berg", "Anna", "Berg")
    assert (anna.user_type, anna.status, anna.numeric_id) == ("employee", "active", 1001)


# --------------------------------------------------------------------------- text


def test_text_matches_first_last_and_full_name(db: Session, world: World) -> None:
    assert "Johanna Andersson" in names(search(db, world.head, text="johan"))
    assert "Björn Sjöberg" in names(search(db, world.head, text="sjöb"))
    # "anna ber" spans first and last name.
    found = names(search(db, world.head, text="anna ber"))
    assert set(found) == {"Anna Berg", "Anna Bergström", "anna berg"}
    assert names(search(db, world.head, text="berg anna")) == []


def test_text_matches_username_and_email(db: Session, world: World) -> None:
    assert names(search(db, world.head, text="hanna_f")) == ["Per Svensson"]  # username only
    assert names(search(db, world.head, text="annabel")) == ["Eva Lund"]  # e-mail only
    assert set(names(search(db, world.head, text="@gmail"))) == {
        "Johanna Andersson",
        "Björn Sjöberg",
    }


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("ÅSA", "Åsa Öberg"),
        ("åsa", "Åsa Öberg"),
        ("öberg", "Åsa Öberg"),
        ("ÖBERG", "Åsa Öberg"),
        ("ängla", "Ängla Ek"),
        ("ÄNGLA EK", "Ängla Ek"),
        ("åkesson", "ÖRJAN ÅKESSON"),
        ("Örjan Å", "ÖRJAN ÅKESSON"),
        ("orjan@example", "ÖRJAN ÅKESSON"),
    ],
)
def test_text_is_case_insensitive_including_swedish_letters(
    db: Session, world: World, text: str, who: str
) -> None:
    assert who in names(search(db, world.head, text=text))


def test_a_number_also_matches_the_numeric_id_exactly(db: Session, world: World) -> None:
    assert names(search(db, world.head, text="1002")) == ["Åsa Öberg"]
    assert names(search(db, world.head, text="12")) == ["Björn Sjöberg"]  # not 1200
    assert names(search(db, world.head, text="1001")) == ["Anna Berg"]  # not the other org's
    assert names(search(db, world.head, text="3001")) == []  # Nils is removed
    assert names(search(db, world.head, text="3001", status="removed")) == ["Nils Nilsson"]


def test_one_or_two_characters_search_prefixes(db: Session, world: World) -> None:
    assert set(names(search(db, world.head, text="ö"))) == {"Åsa Öberg", "ÖRJAN ÅKESSON"}
    assert set(names(search(db, world.head, text="Å"))) == {"Åsa Öberg", "ÖRJAN ÅKESSON"}
    assert "Johanna Andersson" in names(search(db, world.head, text="an"))  # Andersson
    assert "Per Svensson" not in names(search(db, world.head, text="an"))  # hanna_fan: not a prefix
    assert names(search(db, world.head, text="nn")) == []  # substrings need 3 characters
    assert set(names(search(db, world.head, text="bj"))) == {"Björn Sjöberg"}


def test_every_text_against_the_oracle(db: Session, world: World) -> None:
    texts = [
        "a",
        "å",
        "ö",
        "an",
        "AN",
        "jo",
        "ber",
        "BERG",
        "son",
        "anna ber",
        "@",
        "@ex",
        "e.s",
        "1001",
        "12",
        "x",
        "zzz",
        "100%",
        "a_b",
        "an\u0000na",
        "  anna   berg  ",
    ]
    for text in texts:
        for actor in (world.head, world.unit_admin):
            for sort in ("name", "username", "created"):
                assert_search(db, world, actor, UserQuery(text=text, sort=sort))  # type: ignore[arg-type]


def test_like_wildcards_in_the_text_are_literal(db: Session, world: World) -> None:
    assert names(search(db, world.head, text="a%a")) == []
    assert names(search(db, world.head, text="na_")) == ["Per Svensson"]  # hanna_fan


# --------------------------------------------------------------------------- keyset pagination


@pytest.mark.parametrize("sort", ["name", "username", "created"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_keyset_pagination_visits_every_row_once_in_order(
    db: Session, world: World, sort: str, descending: bool, page_size: int
) -> None:
    for actor, q in [
        (world.head, UserQuery()),
        (world.head, UserQuery(text="anna")),
        (world.head, UserQuery(email_state="missing")),
        (world.company_admin, UserQuery(text="an")),
        (world.unit_admin, UserQuery()),
    ]:
        q = replace(q, sort=sort, descending=descending)  # type: ignore[arg-type]
        ids = assert_search(db, world, actor, q, page_size=page_size)
        assert len(ids) == len(set(ids))


def test_the_last_page_has_no_next_cursor(db: Session, world: World) -> None:
    pages = walk(db, world.head, UserQuery(page_size=5))[1]
    assert [p.next_cursor is None for p in pages] == [False, False, True]
    assert [len(p.rows) for p in pages] == [5, 5, 4]


def test_a_tampered_cursor_starts_over(db: Session, world: World) -> None:
    q = UserQuery(page_size=3)
    first = search_users(db, actor=world.head, query=q)
    assert first.next_cursor is not None
    body, mac = first.next_cursor.split(".")
    values = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    values[0] = "Ö"  # jump ahead
    forged = base64.urlsafe_b64encode(json.dumps(values).encode()).rstrip(b"=").decode() + "." + mac
    bad_cursors = [forged, "x", "....", "a.b", "%%%.%%%", "é" * 5000, first.next_cursor + "x", ""]
    for cursor in bad_cursors:
        page = search_users(db, actor=world.head, query=replace(q, cursor=cursor))
        assert [r.id for r in page.rows] == [r.id for r in first.rows], cursor


def test_a_cursor_only_continues_its_own_list(db: Session, world: World) -> None:
    by_name = search_users(db, actor=world.head, query=UserQuery(page_size=3))
    assert by_name.next_cursor is not None
    for other in (
        UserQuery(page_size=3, sort="created", cursor=by_name.next_cursor),
        UserQuery(page_size=3, text="a", cursor=by_name.next_cursor),
        UserQuery(page_size=3, descending=True, cursor=by_name.next_cursor),
    ):
        restarted = search_users(db, actor=world.head, query=other)
        fresh = search_users(db, actor=world.head, query=replace(other, cursor=None))
        assert [r.id for r in restarted.rows] == [r.id for r in fresh.rows]
    # Nor does another admin's cursor continue this admin's list.
    mine = search_users(
        db, actor=world.company_admin, query=UserQuery(page_size=3, cursor=by_name.next_cursor)
    )
    assert [r.id for r in mine.rows] == [
        r.id for r in search_users(db, actor=world.company_admin, query=UserQuery(page_size=3)).rows
    ]


# --------------------------------------------------------------------------- bounded count


def test_the_count_is_bounded(db: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_search, "COUNT_CAP", 5)
    page = search(db, world.head, page_size=2)
    assert (page.total, page.total_is_lower_bound) == (5, True)  # "5+"
    page = search(db, world.head, text="anna", page_size=2)  # 6: 3 Annas, Johanna, Eva, Per
    assert (page.total, page.total_is_lower_bound) == (5, True)
    page = search(db, world.head, text="berg", page_size=2)  # 5 exactly: 3 Bergs, Öberg, Sjöberg
    assert (page.total, page.total_is_lower_bound) == (5, False)
    page = search(db, world.head, text="zzz")
    assert (page.total, page.total_is_lower_bound, page.rows) == (0, False, [])


def test_the_default_count_cap_is_a_thousand() -> None:
    assert COUNT_CAP == 1000


# --------------------------------------------------------------------------- removed users


def test_removed_users_are_only_in_the_removed_list(db: Session, world: World) -> None:
    active = names(search(db, world.head, text="nilsson"))
    assert active == []
    removed = search(db, world.head, text="nilsson", status="removed")
    assert names(removed) == ["Märta Nilsson", "Nils Nilsson"]
    assert {r.status for r in removed.rows} == {"removed"}
    assert_search(db, world, world.head, UserQuery(status="removed"))
    assert_search(db, world, world.unit_admin, UserQuery(status="removed"))


# --------------------------------------------------------------------------- input


def test_every_input_is_cleaned(db: Session, world: World) -> None:
    q = UserQuery(
        text="x" * 500,
        user_type="boss",
        email_state="maybe",  # type: ignore[arg-type]
        status="deleted",
        sort="salary",
        descending="yes",
        page_size=10**9,  # type: ignore[arg-type]
        cursor=123,  # type: ignore[arg-type]
    ).clean()
    assert (
        len(q.text),
        q.user_type,
        q.email_state,
        q.status,
        q.sort,
        q.descending,
        q.page_size,
        q.cursor,
    ) == (
        200,
        None,
        None,
        "active",
        "name",
        False,
        100,
        None,
    )
    assert UserQuery(page_size=0).clean().page_size == 1
    assert UserQuery(page_size="7").clean().page_size == 25  # type: ignore[arg-type]
    assert UserQuery(text=None).clean().text == ""  # type: ignore[arg-type]
    assert UserQuery(text=" a\tb\u0000c\u200b ").clean().text == "a b c"
    # And searching with all of that is a normal, possibly empty, page.
    page = search_users(
        db, actor=world.head, query=UserQuery(text="x" * 500, sort="salary", page_size=-4)
    )  # type: ignore[arg-type]
    assert page.rows == []


def test_a_huge_page_size_is_clamped(db: Session, world: World) -> None:
    page = search(db, world.head, page_size=10_000)
    assert len(page.rows) == 14 and page.next_cursor is None


# --------------------------------------------------------------------------- queries, FTS


def test_a_page_costs_the_same_few_queries_whatever_its_size(
    db: Session, world: World, engine: Engine
) -> None:
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    try:
        for q in (
            UserQuery(page_size=1),
            UserQuery(page_size=100),
            UserQuery(text="anna", page_size=100),
        ):
            statements.clear()
            search_users(db, actor=world.head, query=q)
            # A handful of bounded queries (probes, count, page), never one per row.
            assert len(statements) <= 10, statements
            assert not any("FROM companies" in st and "JOIN" not in st for st in statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_fts_table_follows_inserts_and_renames(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_search_structures(engine)
    ensure_search_structures(engine)  # idempotent
    monkeypatch.setattr(user_search, "SMALL_SCOPE", 1)  # use the FTS table, not a scan
    world = build_world(session)
    assert sqlite_fts_available(session.connection())
    assert names(search(session, world.head, text="zetterq")) == []
    anna = next(u for u in world.users if u.username == "anna.berg")
    anna.last_name = "Zetterqvist"
    session.flush()
    assert names(search(session, world.head, text="zetterq")) == ["Anna Zetterqvist"]
    assert "Anna Zetterqvist" not in names(search(session, world.head, text="anna berg"))
    newcomer = make_user(
        session, world.a1, username="ny.person", first_name="Ny", last_name="Zetterqvist"
    )
    found = search(session, world.head, text="ZETTERQVIST")
    assert {r.id for r in found.rows} == {anna.id, newcomer.id}


def test_without_the_fts_table_the_search_falls_back_to_a_scan(session: Session) -> None:
    assert not sqlite_fts_available(session.connection())


def test_fts_matches_are_looked_up_in_the_narrow_key_index(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0006's id-keyed index (also built by ensure_search_structures) serves the
    FTS lookups when it covers the query; with filters, or without the index, the table.

    A name-sorted search goes through the name-ordered search rows where they exist, so
    they are dropped here to reach the lookups they replace."""
    ensure_search_structures(engine)
    with engine.begin() as conn:
        search_rows_ddl.drop_search_rows(conn)
    monkeypatch.setattr(user_search, "SMALL_SCOPE", 1)  # use the FTS table, not a scan
    monkeypatch.setattr(user_search, "PROBE_ROWS", 1)
    world = build_world(session)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    hint = f"INDEXED BY {search_ddl.SQLITE_KEY_INDEX}"
    try:
        for typed in ("berg", "ÖBERG", "åsa"):
            statements.clear()
            q = UserQuery(text=typed, page_size=2)
            assert_search(session, world, world.head, q, page_size=2)
            assert any(hint in st for st in statements), statements
        statements.clear()
        assert_search(session, world, world.head, UserQuery(text="berg", user_type="employee"))
        assert not any(hint in st for st in statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    session.commit()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP INDEX {search_ddl.SQLITE_KEY_INDEX}")
    other = make_engine(str(engine.url))  # detected per engine
    try:
        with Session(other) as fresh:
            assert not search_ddl.sqlite_key_index_available(fresh.connection())
            assert_search(fresh, world, world.head, UserQuery(text="berg"))
    finally:
        other.dispose()
