"""API clients: head admins only, secret hashed and shown once, rotate, revoke, sign-in off."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from admin_portal.auth.permissions import load_actor
from admin_portal.auth.tokens import hash_secret
from admin_portal.models import ApiClient, AuditEvent, LoginSession, utcnow
from admin_portal.services.api_clients import (
    actor_for_client,
    authenticate_api_client,
    create_api_client,
    list_api_clients,
    revoke_api_client,
    rotate_api_client,
)
from admin_portal.services.api_clients.provisioning import set_active, sign_in_disabled
from admin_portal.services.auth.login import InvalidCredentials, authenticate
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests.support.factories import make_user
from tests.support.world import add_unit_admin, build_care_world


@pytest.fixture
def world(session: Session) -> dict:
    base = build_care_world(session, head_username="head", other_head_username="otherhead")
    company, head, other_head = base.company, base.head, base.other_head
    unit_admin = add_unit_admin(session, base, username="unitadmin")
    return {
        "head": load_actor(session, head.id),
        "unit_admin": load_actor(session, unit_admin.id),
        "other_head": load_actor(session, other_head.id),
        "company": company,
    }


def test_head_admin_creates_a_client_whose_secret_is_stored_only_hashed(
    session: Session, world: dict
) -> None:
    created = create_api_client(session, actor=world["head"], name="Entra", scopes=["scim"])
    row = session.get(ApiClient, created.id)
    assert row is not None and row.secret_hash == hash_secret(created.secret)
    assert created.secret not in (row.secret_hash, row.secret_hint, row.name, row.scopes)
    assert authenticate_api_client(session, raw_secret=created.secret) == row
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "api_client_created")).all()
    assert len(events) == 1 and created.secret not in (events[0].detail or "")


def test_only_head_admins_manage_clients(session: Session, world: dict) -> None:
    with pytest.raises(PermissionDenied):
        create_api_client(session, actor=world["unit_admin"], name="x", scopes=["scim"])
    created = create_api_client(session, actor=world["head"], name="x", scopes=["scim"])
    with pytest.raises(NotFound):
        rotate_api_client(session, actor=world["other_head"], client_id=created.id)
    with pytest.raises(NotFound):
        revoke_api_client(session, actor=world["other_head"], client_id=created.id)
    assert list_api_clients(session, actor=world["other_head"]) == []
    # A client cannot mint clients, even though it acts head-admin-like.
    client = authenticate_api_client(session, raw_secret=created.secret)
    assert client is not None
    with pytest.raises(PermissionDenied):
        create_api_client(session, actor=actor_for_client(client), name="y", scopes=["scim"])


@pytest.mark.parametrize("scopes", [[], ["root"], ["scim", "admin"], "scim", None])
def test_unknown_or_missing_scopes_are_refused(
    session: Session, world: dict, scopes: object
) -> None:
    with pytest.raises(ValidationFailed):
        create_api_client(session, actor=world["head"], name="x", scopes=scopes)


def test_rotation_kills_the_old_secret_and_revocation_kills_the_client(
    session: Session, world: dict
) -> None:
    created = create_api_client(
        session, actor=world["head"], name="HR", scopes=["users:read", "users:write"]
    )
    rotated = rotate_api_client(session, actor=world["head"], client_id=created.id)
    assert authenticate_api_client(session, raw_secret=created.secret) is None
    assert authenticate_api_client(session, raw_secret=rotated.secret) is not None
    revoke_api_client(session, actor=world["head"], client_id=created.id)
    assert authenticate_api_client(session, raw_secret=rotated.secret) is None
    rows = list_api_clients(session, actor=world["head"])
    assert [r.revoked for r in rows] == [True]


@pytest.mark.parametrize("raw", ["", "x" * 500, None, 42, "apc_wrong"])
def test_garbage_secrets_authenticate_nobody(session: Session, world: dict, raw: object) -> None:
    create_api_client(session, actor=world["head"], name="x", scopes=["scim"])
    assert authenticate_api_client(session, raw_secret=raw) is None


def test_client_actor_is_head_admin_like_without_personnummer(
    session: Session, world: dict
) -> None:
    created = create_api_client(session, actor=world["head"], name="x", scopes=["scim"])
    client = authenticate_api_client(session, raw_secret=created.secret)
    assert client is not None
    actor = actor_for_client(client)
    assert actor.is_head_admin and not actor.may_reveal_national_id
    assert actor.api_client_id == client.id
    assert actor.organisation_id == world["head"].organisation_id


def test_active_false_refuses_sign_in_and_ends_sessions(
    session: Session, world: dict, cheap_argon2: None
) -> None:
    person = make_user(session, world["company"], username="anna", password="Långt-lösen-123!")
    session.add(LoginSession(user_id=person.id, token_hash="h" * 64, expires_at=utcnow()))
    session.flush()
    authenticate(session, username="anna", password="Långt-lösen-123!")
    set_active(session, actor=world["head"], user_id=person.id, active=False)
    assert sign_in_disabled(session, user_id=person.id)
    with pytest.raises(InvalidCredentials):
        authenticate(session, username="anna", password="Långt-lösen-123!")
    assert all(s.revoked_at is not None for s in session.exec(select(LoginSession)).all())
    set_active(session, actor=world["head"], user_id=person.id, active=True)
    assert authenticate(session, username="anna", password="Långt-lösen-123!").id == person.id
