"""Granskningslogg's Reflex handlers called directly, with whatever a forging client sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from admin_portal.auth.permissions import load_actor
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.auth.login import SignedIn
from admin_portal.state import audit_log as module
from admin_portal.state.audit_log import AuditLogState
from tests.support.factories import make_user
from tests.support.world import add_unit_admin, build_care_world

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        base = build_care_world(session, head_username="huvud")
        company, mine, theirs, head = base.company, base.unit_a, base.unit_b, base.head
        inside = make_user(session, company, unit=mine, username="inne")
        outside = make_user(session, company, unit=theirs, username="ute")
        unit_admin = add_unit_admin(session, base)
        session.flush()
        head_actor = load_actor(session, head.id or 0)
        assert head_actor is not None
        for i in range(60):
            event = record_admin_action(
                session, actor=head_actor, action="national_id_revealed", user_id=inside.id
            )
            event.created_at = T0 + timedelta(seconds=i)
        record_admin_action(
            session, actor=head_actor, action="national_id_revealed", user_id=outside.id
        )
        session.commit()
        actors = {
            "unit": load_actor(session, unit_admin.id or 0),
            "head": head_actor,
            "standard": load_actor(session, inside.id or 0),
        }

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    monkeypatch.setattr(module, "session_scope", scope)
    return {"actors": actors}


def _state(monkeypatch: pytest.MonkeyPatch, actor: object) -> AuditLogState:
    who = None if actor is None else SignedIn(actor=actor, username="x", email=None)  # type: ignore[arg-type]
    monkeypatch.setattr(AuditLogState, "_signed_in", lambda self: who)
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(AuditLogState.get_full_name().split(".")[1:])  # type: ignore[return-value]


def _targets(state: AuditLogState) -> set[str]:
    return {row["target_sv"] for row in state.rows}


def test_signed_out_clients_get_no_rows(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _state(monkeypatch, None)
    AuditLogState.load.fn(state)
    AuditLogState.apply_filters.fn(state, {"person": "ute"})
    AuditLogState.next_page.fn(state)
    assert state.rows == []


def test_a_unit_admin_sees_only_their_people_whatever_they_send(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, world["actors"]["unit"])
    AuditLogState.load.fn(state)
    assert _targets(state) == {"Test Person (inne)"}

    AuditLogState.apply_filters.fn(state, {"person": "ute", "action": "national_id_revealed"})
    assert state.rows == [] and state.person_error == ""

    for _ in range(5):
        AuditLogState.next_page.fn(state)
    assert all("ute" not in target for target in _targets(state))


def test_head_admins_see_everyone(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _state(monkeypatch, world["actors"]["head"])
    AuditLogState.apply_filters.fn(state, {"person": "ute"})
    assert _targets(state) == {"Test Person (ute)"}


@pytest.mark.parametrize(
    "form",
    [
        "person=ute",
        None,
        ["person", "ute"],
        {"person": {"$ne": ""}},
        {"actor": 1, "date_from": ["2026-01-01"]},
        {"date_from": "2026-02-30"},
        {"action": "national_id_revealed; --"},
        {"person": "u" * 10_000},
    ],
)
def test_forged_filter_arguments_are_answered_at_the_field_or_ignored(
    world: dict, monkeypatch: pytest.MonkeyPatch, form: object
) -> None:
    state = _state(monkeypatch, world["actors"]["unit"])
    AuditLogState.apply_filters.fn(state, form)
    errors = [
        state.actor_error,
        state.person_error,
        state.action_error,
        state.date_from_error,
        state.date_to_error,
    ]
    if isinstance(form, dict):
        assert any(errors) or _targets(state) <= {"Test Person (inne)"}
    assert all("ute" not in target for target in _targets(state))


def test_a_bad_date_is_named_at_its_field_in_swedish(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, world["actors"]["head"])
    AuditLogState.apply_filters.fn(state, {"date_from": "igår", "actor": "ingen"})
    assert state.date_from_error.startswith("Ange datumet som ÅÅÅÅ-MM-DD")
    assert state.actor_error.startswith("Det finns ingen användare")
    assert state.rows == []


def test_pages_forward_and_back(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _state(monkeypatch, world["actors"]["head"])
    AuditLogState.load.fn(state)
    first = [row["id"] for row in state.rows]
    assert len(first) == 50 and state.has_next

    AuditLogState.next_page.fn(state)
    second = [row["id"] for row in state.rows]
    assert state.page_number == 2 and len(second) == 11 and not state.has_next
    assert not set(first) & set(second)

    AuditLogState.next_page.fn(state)  # nothing further: stays
    assert state.page_number == 2

    AuditLogState.previous_page.fn(state)
    assert [row["id"] for row in state.rows] == first and state.page_number == 1
    AuditLogState.previous_page.fn(state)
    assert state.page_number == 1


def test_clearing_filters_starts_over(world: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _state(monkeypatch, world["actors"]["head"])
    AuditLogState.apply_filters.fn(state, {"person": "ute"})
    assert len(state.rows) == 1
    AuditLogState.clear_filters.fn(state)
    assert state.filter_person == "" and len(state.rows) == 50


def test_a_standard_user_gets_nothing_and_cannot_probe_usernames(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _state(monkeypatch, world["actors"]["standard"])
    AuditLogState.load.fn(state)
    AuditLogState.apply_filters.fn(state, {"actor": "huvud", "person": "finns.inte"})
    AuditLogState.next_page.fn(state)
    assert state.rows == []
    assert state.actor_error == state.person_error == ""  # no answer about either name
    assert state.load_error != ""
