"""A refusal is recorded once, after the rollback, in its own transaction, without arguments."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from admin_portal import db
from admin_portal.auth.permissions import load_actor
from admin_portal.models import AuditEvent, Organisation
from admin_portal.services.auth.denials import (
    AUTHORIZATION_FAILED,
    DENIED,
    Reason,
    enter,
    record_denial,
)
from admin_portal.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from tests.support.factories import Role, grant, make_company, make_org, make_unit, make_user


@pytest.fixture
def admin(engine: Engine) -> Iterator[dict]:
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session)
        company = make_company(session, org)
        unit = make_unit(session, company)
        user = make_user(session, company, unit=unit)
        grant(session, user, Role.ADMIN, unit=unit)
        session.commit()
        yield {"actor": load_actor(session, user.id or 0), "org": org}


def _events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent)).all())


def _refuse(engine: Engine, error: ServiceError, *, rename_org_to: str) -> None:
    """A service call that writes, then refuses: the write must not survive."""
    with pytest.raises(type(error)), db.session_scope(engine) as session:
        org = session.exec(select(Organisation)).first()
        assert org is not None
        org.name = rename_org_to
        session.flush()
        raise error


@pytest.mark.parametrize("error", [NotFound(), PermissionDenied()])
def test_a_refusal_inside_an_entrance_is_recorded_after_the_rollback(
    engine: Engine, admin: dict, error: ServiceError
) -> None:
    def call() -> None:
        enter("UserProfileState.save", admin["actor"], target_id=42)
        _refuse(engine, error, rename_org_to="Hacked")

    contextvars.copy_context().run(call)
    [event] = _events(engine)
    actor = admin["actor"]
    assert (event.action, event.outcome) == (AUTHORIZATION_FAILED, DENIED)
    assert (event.actor_user_id, event.organisation_id) == (actor.user_id, actor.organisation_id)
    assert (event.target_type, event.target_id) == ("user", "42")
    assert event.detail == "UserProfileState.save (scope)"
    with Session(engine) as session:
        assert session.exec(select(Organisation.name)).all() == ["Testorg"]  # rolled back


def test_a_refusal_outside_any_entrance_is_not_recorded(engine: Engine, admin: dict) -> None:
    # The worker and scripts are not entrances a client can reach.
    contextvars.copy_context().run(_refuse, engine, NotFound(), rename_org_to="x")
    assert _events(engine) == []


def test_a_validation_error_is_no_refusal(engine: Engine, admin: dict) -> None:
    def call() -> None:
        enter("UserNewState.submit", admin["actor"])
        _refuse(engine, ValidationFailed({"email": "email.invalid"}), rename_org_to="x")

    contextvars.copy_context().run(call)
    assert _events(engine) == []


def test_a_refused_anonymous_call_is_recorded_without_actor(engine: Engine) -> None:
    record_denial(action="UsersListState.load", actor=None, reason=Reason.SIGNED_OUT, engine=engine)
    [event] = _events(engine)
    assert (event.actor_user_id, event.organisation_id, event.target_id) == (None, None, None)
    assert event.detail == "UsersListState.load (signed_out)"


def test_recording_never_turns_a_refusal_into_a_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = db.make_engine(f"sqlite:///{tmp_path / 'no-tables.db'}")  # no audit table
    record_denial(action="x", actor=None, reason=Reason.ROLE, engine=broken)
    broken.dispose()


def test_the_entrance_is_named_through_the_proxy_of_a_background_handler() -> None:
    # In a background handler `self` is Reflex's StateProxy (a wrapt proxy): type() lies.
    import reflex as rx
    import wrapt

    from admin_portal.state.session import _entrance_name
    from admin_portal.state.users.listing import UsersListState

    root = rx.State(_reflex_internal_init=True)
    proxy = wrapt.ObjectProxy(root.get_substate(UsersListState.get_full_name().split(".")[1:]))

    def helper() -> str:
        return _entrance_name(proxy)

    def watch_bulk_job() -> str:  # named like the handler that calls the helper
        return helper()

    assert watch_bulk_job() == "UsersListState.watch_bulk_job"
