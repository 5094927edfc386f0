"""Min organisation's search and paging handlers (issue 14), called as a client would."""

from __future__ import annotations

from datetime import timedelta

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.models import Invitation, utcnow
from admin_portal.services.invitations.lists import PAGE_SIZE
from admin_portal.state.invitations import my_organisation as org_module
from admin_portal.state.invitations.my_organisation import MyOrganisationState as S
from tests.support.db_scope import route_scopes
from tests.support.world import add_unit_admin, build_care_world

COUNT = PAGE_SIZE + 5


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        base = build_care_world(session)
        org, company, mine, theirs = base.org, base.company, base.unit_a, base.unit_b
        admin = add_unit_admin(session, base)
        for unit, prefix in ((mine, "nr"), (theirs, "deras")):
            for i in range(COUNT):
                email = f"{prefix}{i:03d}@example.se"
                session.add(
                    Invitation(
                        organisation_id=org.id or 0,
                        company_id=company.id or 0,
                        unit_id=unit.id or 0,
                        first_name="Person",
                        last_name=f"{prefix.title()}{i:03d}",
                        email=email,
                        email_key=email,
                        token_hash=f"h-{email}",
                        expires_at=utcnow() + timedelta(days=1),
                        invited_by_id=admin.id or 0,
                    )
                )
        session.commit()
        actor = load_actor(session, admin.id or 0)
    route_scopes(monkeypatch, engine, org_module)
    return {"mine": mine, "theirs": theirs, "actor": actor}


def _state(monkeypatch: pytest.MonkeyPatch, actor: Actor | None):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(S, "_authorized", lambda self, need="admin": actor)
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(S.get_full_name().split(".")[1:])


def test_the_tab_pages_forward_and_back_and_counts_the_unit(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, world["actor"])
    S.switch_unit.fn(state, str(world["mine"].id))
    assert state.tab_counts["invited"] == str(COUNT)
    assert len(state.invited) == PAGE_SIZE and state.has_next["invited"]
    first_page = [r["id"] for r in state.invited]
    S.next_page.fn(state, "invited")
    assert state.page_numbers["invited"] == 2 and len(state.invited) == COUNT - PAGE_SIZE
    assert not state.has_next["invited"]
    assert not {r["id"] for r in state.invited} & set(first_page)
    S.next_page.fn(state, "invited")  # no next page: nothing moves
    assert state.page_numbers["invited"] == 2
    S.previous_page.fn(state, "invited")
    assert state.page_numbers["invited"] == 1 and [r["id"] for r in state.invited] == first_page


def test_search_goes_back_to_page_one_and_stays_in_the_unit(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, world["actor"])
    S.switch_unit.fn(state, str(world["mine"].id))
    S.next_page.fn(state, "invited")
    S.search.fn(state, "invited", {"q": "NR007"})
    assert state.page_numbers["invited"] == 1
    assert [r["email"] for r in state.invited] == ["nr007@example.se"]
    S.search.fn(state, "invited", {"q": "deras"})  # the other unit's people are not found
    assert state.invited == [] and state.tab_counts["invited"] == str(COUNT)
    # Switching unit (here: a forged one, which falls back to the admin's) clears the search.
    S.switch_unit.fn(state, str(world["theirs"].id))
    assert state.queries["invited"] == "" and len(state.invited) == PAGE_SIZE
    assert all(r["email"].startswith("nr") for r in state.invited)


@pytest.mark.parametrize("tab", ["other", 10**30, None, {"q": 1}])
def test_forged_tabs_and_forms_change_nothing(
    world: dict, monkeypatch: pytest.MonkeyPatch, tab: object
) -> None:
    state = _state(monkeypatch, world["actor"])
    S.switch_unit.fn(state, str(world["mine"].id))
    before = list(state.invited)
    S.search.fn(state, tab, {"q": "nr001"})
    S.next_page.fn(state, tab)
    S.previous_page.fn(state, tab)
    S.search.fn(state, "invited", ["not", "a", "form"])
    assert [r["id"] for r in state.invited] == [r["id"] for r in before]


def test_a_refused_caller_is_sent_to_login_and_sees_no_rows(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, None)
    state.unit_id = str(world["mine"].id)
    for result in (
        S.search.fn(state, "invited", {"q": "nr"}),
        S.next_page.fn(state, "invited"),
        S.previous_page.fn(state, "invited"),
    ):
        assert result is not None  # the redirect to Logga in
    assert state.invited == []
