"""Every authorized handler and route, called as a forging client would, by every persona (tests/support/personas.py).

The table (tests/support/handler_table.py) says who may call what. Each authorized handler
is called as each persona with forged arguments (ids of another organisation's user, unit
and company) and with arguments of the wrong types, on a state primed as if an admin had
used the page (a selection, a cursor, a job key), from a tab whose cookie is the persona's:

- a persona without the role: no row changes, no mail is queued, and an
  `authorization_failed` event names the handler, the caller and the reason;
- a persona with the role: no refusal on role is recorded, and no row of the victim
  organisation changes (scope refusals may be recorded: the ids were forged).
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from admin_portal import db
from admin_portal.api.spreadsheet_routes import spreadsheet_routes
from admin_portal.config import get_settings
from admin_portal.models import AuditEvent
from admin_portal.services.auth import login
from admin_portal.services.auth.denials import AUTHORIZATION_FAILED, DENIED
from admin_portal.state.spreadsheets import user_import
from admin_portal.state.verification import bulk as bulk_verification
from tests.support.entrances import handler_keys
from tests.support.handler_table import AUTHORIZED, HANDLERS, ROUTES, UI_ONLY
from tests.support.personas import (
    ANONYMOUS,
    HOLDERS,
    PERSONAS,
    World,
    build_world,
    cookie_header,
    fingerprint,
    victim_fingerprint,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("matrix") / "matrix.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADMIN_PORTAL_DATABASE_URL", f"sqlite:///{path}")
        get_settings.cache_clear()
        db.get_engine.cache_clear()
        engine = db.get_engine()
        from sqlmodel import SQLModel

        SQLModel.metadata.create_all(engine)
        # Watchers poll without waiting: a refused watcher must stop on its first look.
        mp.setattr(bulk_verification, "POLL_SECONDS", 0)
        mp.setattr(user_import, "POLL_SECONDS", 0)
        # A live session's last_seen_at is written at most once a minute: activity, not a
        # refused call's write. The world outlives a minute on a busy machine, so that touch
        # is held off here; otherwise "a refused call wrote" fires on whichever call is due.
        mp.setattr(login, "LAST_SEEN_RESOLUTION", timedelta(days=365))
        yield build_world(engine)
        engine.dispose()
        db.get_engine.cache_clear()
    get_settings.cache_clear()


# ---------------------------------------------------------------------- forging a call


def _page(cls_name: str, world: World) -> str:
    return {
        "UserProfileState": f"/anvandare/{world.victim_user_id}",
        "UserBankState": f"/anvandarbanken?anvandare={world.victim_user_id}",
        "MyOrganisationState": f"/min-organisation?enhet={world.victim_unit_id}",
        "InviteState": f"/min-organisation/bjud-in?enhet={world.victim_unit_id}",
        "UserImportState": "/anvandare/import",
        "SupportInboxState": "/kundtjanst",
    }.get(cls_name, f"/anvandare?foretag={world.victim_company_id}")


def _prime(state: rx.State, world: World) -> None:
    """What an admin's earlier clicks would have left in the tab, all pointing at the victim."""
    victim, brukare = world.victim_user_id, world.victim_brukare_id
    values: dict[str, Any] = {
        "selected_ids": [victim],
        "_next_cursor": "forged",
        "_previous_cursors": [None],
        "_bulk_request_key": "forgedforgedforgedforged",
        "bulk_job_id": victim,
        "selected": {"user_id": victim, "full_name": "Offer"},
        "_import_id": victim,
        "_request_key": "forgedforgedforgedforged",
        "unit_id": str(world.victim_unit_id),
        "target_company_id": str(world.victim_company_id),
        "chosen_brukare": [{"id": str(brukare), "label": "Bru"}],
        "brukare_options": [{"id": str(brukare), "label": "Bru"}],
        "invited": [{"id": str(victim), "name": "Offer", "email": world.victim_email}],
        "registered": [{"id": str(victim), "name": "Offer"}],
    }
    for name, value in values.items():
        if name in type(state).__fields__:
            setattr(state, name, value)


def _forged_form(world: World) -> dict[str, str]:
    victim = str(world.victim_user_id)
    return {
        "reason": "forged",
        "user_id": victim,
        "first_name": "Fia",
        "last_name": "Falsk",
        "username": "forged_user",
        "email": "fia@example.se",
        "verification_email": "evil@example.se",
        "new_email": "evil@example.se",
        "language": "sv",
        "company_id": str(world.victim_company_id),
        "unit_id": str(world.victim_unit_id),
        "order_id": victim,
        "credits": "5",
        "cost_centre_id": "1",
        "days": "30",
        "confirm": "offer",
        "text": "offer",
    }


async def _no_chunks() -> AsyncIterator[Any]:
    return
    yield  # an async generator that sends nothing


def _arguments(fn: Any, world: World, variant: str) -> list[Any]:
    forged: dict[str, Any] = {
        int: world.victim_user_id,
        str: str(world.victim_user_id),
        bool: True,
        dict: _forged_form(world),
        list: [world.victim_user_id],
    }
    wrong: dict[str, Any] = {
        int: "1 OR 1=1",
        str: 10**30,
        bool: "yes",
        dict: ["not", "a", "form"],
        list: "not a list",
    }
    args = []
    hints = inspect.signature(fn).parameters
    for name, parameter in list(hints.items())[1:]:
        annotation = parameter.annotation
        if isinstance(annotation, str):
            annotation = {"int": int, "str": str, "bool": bool, "dict": dict, "list": list}.get(
                annotation, annotation
            )
        if "Upload" in str(annotation):
            args.append(_no_chunks())  # Reflex builds the chunk iterator: a client cannot type it
        else:
            table = forged if variant == "forged" else wrong
            args.append(table.get(annotation, None if variant == "wrong" else name))
    return args


def _call(
    key: str, world: World, persona: str, variant: str, *, primed: bool
) -> BaseException | None:
    cls = handler_keys()[key]
    name = key.split(".", 1)[1]
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            "headers": {"origin": "http://portal.test", "cookie": cookie_header(world, persona)},
            "asPath": _page(cls.__name__, world),
            "pathname": _page(cls.__name__, world).split("?")[0],
        }
    )
    state = root if cls is rx.State else root.get_substate(cls.get_full_name().split(".")[1:])
    if primed:
        _prime(state, world)
    fn = cls.event_handlers[name].fn
    args = _arguments(fn, world, variant)

    def run() -> None:
        result = fn(state, *args)
        if inspect.iscoroutine(result):
            asyncio.run(result)

    try:
        # A fresh context per call, as Reflex gives each event its own task.
        contextvars.copy_context().run(run)
    except Exception as error:  # noqa: BLE001 (reported by the test that needs it)
        return error
    return None


def _new_events(engine: Any, after: int) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.id > after)).all())


def _last_event_id(engine: Any) -> int:
    with Session(engine) as session:
        events = session.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
        return events or 0


def _role_refusals(events: list[AuditEvent], action: str) -> list[AuditEvent]:
    return [
        e
        for e in events
        if e.action == AUTHORIZATION_FAILED
        and e.detail in (f"{action} (signed_out)", f"{action} (role)")
    ]


# ---------------------------------------------------------------------- the matrix

_FORGED_TEXT = ("evil@example.se", "fia@example.se", "Fia", "Falsk", "forged", "1 OR 1=1")
_AUTHORIZED = sorted(key for key, access in HANDLERS.items() if access.kind == AUTHORIZED)


def _cases() -> Iterator[Any]:
    for key in _AUTHORIZED:
        access = HANDLERS[key]
        for persona in PERSONAS:
            allowed = persona in HOLDERS[access.need]
            for variant in ("forged", "wrong"):
                marks = []
                if access.pending and not allowed:
                    marks = [pytest.mark.xfail(strict=True, reason=f"until {access.pending}")]
                yield pytest.param(
                    key, persona, allowed, variant, marks=marks, id=f"{key}-{persona}-{variant}"
                )


@pytest.mark.parametrize(("key", "persona", "allowed", "variant"), list(_cases()))
def test_authorized_handler_as_persona(
    world: World, key: str, persona: str, allowed: bool, variant: str
) -> None:
    engine = world.engine
    before_all = fingerprint(engine, skip=("audit_events",))
    before_victim = victim_fingerprint(engine, world)
    last = _last_event_id(engine)

    # A refused caller meets a tab primed as if an admin had used it (backend vars too, which
    # no client can set): the refusal must come before any of it is used.
    error = _call(key, world, persona, variant, primed=not allowed)

    events = _new_events(engine, last)
    for event in events:  # arguments may carry personal data: none reaches the audit log
        assert not any(text in f"{event.detail}{event.target_id}" for text in _FORGED_TEXT)
    if allowed:
        assert _role_refusals(events, key) == [], f"{persona} may call {key}"
        assert victim_fingerprint(engine, world) == before_victim, "a forged id reached a row"
        assert error is None, f"{key} crashed on {variant} arguments: {error!r}"
        return
    assert error is None, f"a refused call must end quietly: {error!r}"
    assert fingerprint(engine, skip=("audit_events",)) == before_all, "a refused call wrote"
    refusals = _role_refusals(events, key)
    assert refusals, f"{persona} calling {key}: no authorization_failed event"
    assert all(e.action == AUTHORIZATION_FAILED and e.outcome == DENIED for e in events)
    expected_actor = None if persona == ANONYMOUS else world.user_ids[persona]
    expected_org = None if persona == ANONYMOUS else world.organisation_ids[persona]
    for event in refusals:
        assert (event.actor_user_id, event.organisation_id) == (expected_actor, expected_org)


# ---------------------------------------------------------------------- HTTP routes


@pytest.fixture(scope="module")
def client(world: World) -> TestClient:
    return TestClient(Starlette(routes=spreadsheet_routes), base_url="http://portal.test")


def _route_url(path: str, world: World) -> str:
    return path.replace("{fmt}", "csv").replace("{import_id:int}", str(world.victim_user_id))


_ROUTES = sorted(key for key, access in ROUTES.items() if access.kind == AUTHORIZED)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", _ROUTES)
def test_authorized_route_as_persona(
    world: World, client: TestClient, path: str, persona: str
) -> None:
    access = ROUTES[path]
    allowed = persona in HOLDERS[access.need]
    before = fingerprint(world.engine, skip=("audit_events",))
    last = _last_event_id(world.engine)
    client.cookies.clear()
    raw = world.raw_sessions.get(persona)
    headers = {"cookie": cookie_header(world, persona)} if raw else {}
    response = client.get(_route_url(path, world), headers=headers, follow_redirects=False)
    events = _new_events(world.engine, last)
    endpoint = next(r for r in spreadsheet_routes if r.path == path).endpoint.__name__
    refusals = _role_refusals(events, f"api.{endpoint}")
    if allowed:
        assert refusals == []
        assert response.status_code in (200, 404)  # the forged import id is not theirs
        if response.status_code == 404:
            assert [e.detail for e in events] == [f"api.{endpoint} (scope)"]
        return
    assert response.status_code in (303, 403)
    assert refusals and fingerprint(world.engine, skip=("audit_events",)) == before


# ---------------------------------------------------------------------- UI-only rows

_UI_ONLY = sorted(
    key for key, access in HANDLERS.items() if access.kind == UI_ONLY and not access.framework
)


@pytest.mark.parametrize("variant", ["forged", "wrong"])
@pytest.mark.parametrize("key", _UI_ONLY)
def test_ui_only_handler_touches_no_row(world: World, key: str, variant: str) -> None:
    # Called by an anonymous client: it needs no authorization because it reaches no data.
    before = fingerprint(world.engine)
    error = _call(key, world, ANONYMOUS, variant, primed=True)
    assert error is None, f"{key} crashed on {variant} arguments: {error!r}"
    assert fingerprint(world.engine) == before
