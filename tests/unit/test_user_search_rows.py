"""The name-ordered search rows (admin_portal/search/rows_ddl.py) on SQLite.

Triggers on `users` keep one row per user, with the ordered part in exact name order; the
reordering puts the tail back; and the users search through the rows finds exactly what
the oracle of test_user_search finds, with or without a tail, in both directions, across
pages. The PostgreSQL side: tests/integration/test_user_search_pg.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.search import plan as user_search
from admin_portal.search import rows_ddl as search_rows_ddl
from admin_portal.search import rows_maintenance as search_rows_maintenance
from admin_portal.search.query import UserQuery
from admin_portal.search.structures import ensure_search_structures
from admin_portal.search.users import search_users
from tests.support.factories import make_user
from tests.support.statements import recorded_statements
from tests.unit.test_user_search import World, assert_search, build_world


@pytest.fixture
def world(engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The users search's world, then the search structures built over it (in name order)."""
    built = build_world(session)
    session.commit()
    ensure_search_structures(engine)
    # A big scope, as at a million users: no reading the whole scope, no probe shortcut.
    monkeypatch.setattr(user_search, "SMALL_SCOPE", 1)
    monkeypatch.setattr(user_search, "PROBE_ROWS", 1)
    yield built


def rows(session: Session) -> list[Any]:
    return list(
        session.execute(
            text(
                "SELECT pos, user_id, last_name, first_name, status, search_doc "
                "FROM user_search_rows ORDER BY pos"
            )
        ).all()
    )


def ordered_upto(session: Session) -> int:
    return search_rows_ddl.ordered_upto(session.connection())


def assert_ordered_part_in_name_order(session: Session) -> None:
    upto = ordered_upto(session)
    keys = [(r.last_name, r.first_name, r.user_id) for r in rows(session) if r.pos <= upto]
    assert keys == sorted(keys)


def assert_fts_consistent(session: Session) -> None:
    table = search_rows_ddl.ROWS_FTS
    session.execute(text(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')"))


TEXTS = ("berg", "BERG", "son", "anna ber", "öberg", "@gmail", "ers", "zetter", "nil", "xyz")


def assert_every_search(session: Session, world: World) -> None:
    for text_ in TEXTS:
        for descending in (False, True):
            for q in (
                UserQuery(text=text_, descending=descending),
                UserQuery(text=text_, descending=descending, status="removed"),
                UserQuery(text=text_, descending=descending, user_type="employee"),
                UserQuery(text=text_, descending=descending, email_state="verified"),
                UserQuery(text=text_, descending=descending, company_id=world.a1.id),
            ):
                for actor in (world.head, world.company_admin):
                    assert_search(session, world, actor, q, page_size=2)


# --------------------------------------------------------------------------- triggers


def test_every_user_has_a_row_and_all_are_in_name_order(session: Session, world: World) -> None:
    found = rows(session)
    assert sorted(r.user_id for r in found) == sorted(u.id for u in world.users)
    assert ordered_upto(session) == max(r.pos for r in found)
    assert_ordered_part_in_name_order(session)
    assert_fts_consistent(session)


def test_a_new_or_renamed_user_goes_to_the_tail_other_changes_stay_in_place(
    session: Session, world: World
) -> None:
    upto = ordered_upto(session)
    before = {r.user_id: r.pos for r in rows(session)}
    anna = next(u for u in world.users if u.username == "anna.berg")
    per = next(u for u in world.users if u.username == "hanna_fan")

    anna.last_name = "Zetterqvist"
    per.email, per.email_key, per.status = "per@zetter.se", "per@zetter.se", "removed"
    newcomer = make_user(session, world.a1, username="ny", first_name="Ny", last_name="Aaberg")
    session.flush()

    after = {r.user_id: r for r in rows(session)}
    assert after[anna.id].pos > upto and after[anna.id].last_name == "Zetterqvist"
    assert after[newcomer.id].pos > upto
    assert after[per.id].pos == before[per.id]  # not a name: stays where it is
    assert after[per.id].status == "removed" and "per@zetter.se" in after[per.id].search_doc
    assert_ordered_part_in_name_order(session)
    assert_fts_consistent(session)


def test_a_user_deleted_from_the_database_loses_the_row(session: Session, world: World) -> None:
    gone = world.users[0]
    session.delete(gone)
    session.flush()
    assert gone.id not in {r.user_id for r in rows(session)}
    assert_fts_consistent(session)


# --------------------------------------------------------------------------- searching


def test_name_sorted_searches_stream_from_the_search_rows(
    session: Session, world: World, engine: Engine
) -> None:
    with recorded_statements(engine) as statements:
        assert_search(session, world, world.head, UserQuery(text="berg"), page_size=2)
    streamed = [s for s in statements if "ORDER BY user_search_rows_fts.rowid" in s]
    assert streamed and all("LIMIT" in s for s in streamed)
    # The old ways (probe walks along the org index, every match's sort key) are not used.
    assert not any("users_search_fts" in s for s in statements)


def test_searches_through_the_ordered_rows_match_the_oracle(session: Session, world: World) -> None:
    assert_every_search(session, world)


def test_with_a_tail_and_after_reordering_searches_still_match_the_oracle(
    session: Session, world: World, engine: Engine
) -> None:
    # Renames in both directions around the ordered neighbours, removals, newcomers.
    for user in world.users[::3]:
        user.last_name = user.last_name[::-1].title()
    for user in world.users[1::4]:
        user.first_name = "Zetterberg"
    for i in range(5):
        newcomer = make_user(
            session,
            world.a1 if i % 2 else world.a2,
            username=f"svans.{i}",
            first_name=["Anna", "Öberg", "Nils", "Åsa", "Ers"][i],
            last_name=["Berg", "Aberg", "Bergsson", "Öberg", "Zetter"][i],
            email=f"svans{i}@gmail.com",
            verified=i % 2 == 0,
            user_type="employee",
        )
        world.users.append(newcomer)  # the oracle's users
    session.flush()
    assert_ordered_part_in_name_order(session)
    assert len([r for r in rows(session) if r.pos > ordered_upto(session)]) > 5
    assert_every_search(session, world)

    search_rows_ddl.reorder_search_rows(session.connection())
    assert ordered_upto(session) == max(r.pos for r in rows(session))
    assert_ordered_part_in_name_order(session)
    assert_fts_consistent(session)
    assert_every_search(session, world)


def test_a_cursor_whose_row_was_renamed_meanwhile_still_continues_in_order(
    session: Session, world: World
) -> None:
    q = UserQuery(text="berg", page_size=1)
    first = search_users(session, actor=world.head, query=q)
    assert first.next_cursor is not None
    moved = next(u for u in world.users if u.id == first.rows[0].id)
    moved.first_name = moved.first_name + "x"  # its row goes to the tail
    session.flush()
    second = search_users(
        session,
        actor=world.head,
        query=UserQuery(text="berg", page_size=1, cursor=first.next_cursor),
    )
    names_after = [(r.last_name, r.first_name, r.id) for r in second.rows]
    assert names_after and names_after[0] > (
        first.rows[0].last_name,
        first.rows[0].first_name,
        first.rows[0].id,
    )


# --------------------------------------------------------------------------- maintenance


def test_reordering_waits_until_the_tail_has_grown(
    session: Session, world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.setattr(search_rows_maintenance, "REORDER_MIN_TAIL", 2)
    monkeypatch.setattr(search_rows_maintenance, "REORDER_SHARE", 0.0)
    for user in world.users[:2]:
        user.last_name = "Zz" + user.last_name
    session.commit()
    assert search_rows_maintenance.reorder_if_drifted(engine) is False  # a tail of 2: not yet
    world.users[2].last_name = "Zz"
    session.commit()
    with caplog.at_level(logging.INFO):
        assert search_rows_maintenance.reorder_if_drifted(engine) is True
    assert "reordered" in caplog.text
    with Session(engine) as fresh:
        assert search_rows_ddl.tail_size(fresh.connection())[0] == 0
        assert_ordered_part_in_name_order(fresh)
    assert search_rows_maintenance.reorder_if_drifted(engine) is False


def test_without_search_structures_there_is_nothing_to_reorder(engine: Engine) -> None:
    assert search_rows_maintenance.reorder_if_drifted(engine) is False


def test_creating_twice_changes_nothing(session: Session, world: World, engine: Engine) -> None:
    before = rows(session)
    session.commit()
    ensure_search_structures(engine)
    with Session(engine) as fresh:
        assert rows(fresh) == before


def test_lost_triggers_come_back_and_the_rows_are_rebuilt(
    session: Session, world: World, engine: Engine
) -> None:
    """A batch migration on SQLite rebuilds `users` and drops its triggers."""
    session.commit()
    with engine.begin() as conn:
        for name in ("user_search_rows_users_au_name", "user_search_rows_users_ai"):
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
    anna = next(u for u in world.users if u.username == "anna.berg")
    anna.last_name = "Zetterqvist"  # missed by the rows
    session.commit()
    assert "Zetterqvist" not in {r.last_name for r in rows(session)}
    ensure_search_structures(engine)
    with Session(engine) as fresh:
        assert "Zetterqvist" in {r.last_name for r in rows(fresh)}
        assert_ordered_part_in_name_order(fresh)
        newcomer = make_user(fresh, world.a1, username="efter", last_name="Efter")
        fresh.flush()
        assert newcomer.id in {r.user_id for r in rows(fresh)}
