"""Create, rotate, revoke and authenticate API clients. Secrets are stored hashed only.

Who an API client is when it acts (the choice, documented in the README): a head-admin-like
actor of its own organisation, limited by its scopes, that
- never reveals a personnummer (may_reveal_national_id is off);
- never changes an administrator nor makes one (the API entrances refuse targets holding a
  grant and user_type "administrator"): a leaked machine secret must not take over admins;
- writes its owner (the head admin who created it) into the "by" columns that reference a
  person (removed_by_id, a job's created_by_id), while every audit event names the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.auth.tokens import hash_secret, new_secret
from admin_portal.models import (
    ApiClient,
    ApiScope,
    Organisation,
    Role,
    RoleAssignment,
    User,
    require_id,
    utcnow,
)
from admin_portal.services.audit import record_event
from admin_portal.services.errors import NotFound, PermissionDenied, ValidationFailed

NAME_MAX = 100
_SECRET_PREFIX = "apc_"  # noqa: S105 (a prefix: secret scanners can find a leaked secret)
_SECRET_MAX = 200


@dataclass(frozen=True)
class ApiClientRow:
    id: int
    name: str
    scopes: tuple[str, ...]
    secret_hint: str
    created_at: str
    last_used_at: str
    revoked: bool


@dataclass(frozen=True)
class CreatedClient:
    id: int
    secret: str  # shown once, never stored


def _require_head_admin(actor: Actor) -> None:
    if not actor.is_head_admin or _is_api_actor(actor):
        raise PermissionDenied()


def _is_api_actor(actor: Actor) -> bool:
    return actor.api_client_id is not None


def _clean_scopes(scopes: object) -> str:
    if not isinstance(scopes, list | tuple | set | frozenset) or not scopes:
        raise ValidationFailed({"scopes": "api_clients.scopes_required"})
    known = {s.value for s in ApiScope}
    chosen = [s for s in ApiScope if s.value in {x for x in scopes if isinstance(x, str)}]
    if not chosen or any(not isinstance(x, str) or x not in known for x in scopes):
        raise ValidationFailed({"scopes": "api_clients.scopes_required"})
    return " ".join(s.value for s in chosen)


def _clean_name(name: object) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text or len(text) > NAME_MAX:
        raise ValidationFailed({"name": "api_clients.name_required"})
    return text


def _new_secret() -> tuple[str, str]:
    raw = _SECRET_PREFIX + new_secret()
    return raw, hash_secret(raw)


def _audit(session: Session, actor: Actor, action: str, client: ApiClient) -> None:
    record_event(
        session,
        action=action,
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="api_client",
        target_id=client.id,
        detail=f"scopes={client.scopes}",  # validated ApiScope values only
    )


def create_api_client(
    session: Session, *, actor: Actor, name: object, scopes: object
) -> CreatedClient:
    """A new client of the actor's organisation. Returns its secret: show it once.

    Raises:
        PermissionDenied: the actor is not a head administrator.
        ValidationFailed: no name, or no known scope.
    """
    _require_head_admin(actor)
    raw, digest = _new_secret()
    client = ApiClient(
        organisation_id=actor.organisation_id,
        name=_clean_name(name),
        scopes=_clean_scopes(scopes),
        secret_hash=digest,
        secret_hint=raw[: len(_SECRET_PREFIX) + 4],
        created_by_id=actor.user_id,
    )
    session.add(client)
    session.flush()
    _audit(session, actor, "api_client_created", client)
    return CreatedClient(id=require_id(client), secret=raw)


def _client_in_org(session: Session, actor: Actor, client_id: object) -> ApiClient:
    _require_head_admin(actor)
    if isinstance(client_id, bool) or not isinstance(client_id, int):
        raise NotFound()
    client = session.get(ApiClient, client_id)
    if client is None or client.organisation_id != actor.organisation_id:
        raise NotFound()
    if client.revoked_at is not None:
        raise NotFound()
    return client


def rotate_api_client(session: Session, *, actor: Actor, client_id: object) -> CreatedClient:
    """A new secret for the client; the old one stops working at once. Returns the new one."""
    client = _client_in_org(session, actor, client_id)
    raw, digest = _new_secret()
    client.secret_hash = digest
    client.secret_hint = raw[: len(_SECRET_PREFIX) + 4]
    client.rotated_at = utcnow()
    session.add(client)
    _audit(session, actor, "api_client_rotated", client)
    return CreatedClient(id=require_id(client), secret=raw)


def revoke_api_client(session: Session, *, actor: Actor, client_id: object) -> None:
    """The client's secret stops working for good (the row stays for the audit log)."""
    client = _client_in_org(session, actor, client_id)
    client.revoked_at = utcnow()
    session.add(client)
    _audit(session, actor, "api_client_revoked", client)


def _fmt(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""  # type: ignore[attr-defined]


def list_api_clients(session: Session, *, actor: Actor) -> list[ApiClientRow]:
    """The organisation's clients, revoked ones last."""
    _require_head_admin(actor)
    clients = session.exec(
        select(ApiClient)
        .where(ApiClient.organisation_id == actor.organisation_id)
        .order_by(col(ApiClient.revoked_at).is_not(None), col(ApiClient.id))
    ).all()
    return [
        ApiClientRow(
            id=require_id(c),
            name=c.name,
            scopes=tuple(sorted(c.scope_set)),
            secret_hint=c.secret_hint,
            created_at=_fmt(c.created_at),
            last_used_at=_fmt(c.last_used_at),
            revoked=c.revoked_at is not None,
        )
        for c in clients
    ]


def authenticate_api_client(session: Session, *, raw_secret: object) -> ApiClient | None:
    """The live client this Bearer secret belongs to, or None (unknown, rotated, revoked)."""
    if not isinstance(raw_secret, str) or not raw_secret or len(raw_secret) > _SECRET_MAX:
        return None
    client = session.exec(
        select(ApiClient).where(ApiClient.secret_hash == hash_secret(raw_secret))
    ).first()
    if client is None or client.revoked_at is not None:
        return None
    org = session.get(Organisation, client.organisation_id)
    if org is None:
        return None
    return client


def actor_for_client(client: ApiClient) -> Actor:
    """The actor a client's calls run as (see the module docstring)."""
    return Actor(
        user_id=client.created_by_id or 0,
        organisation_id=client.organisation_id,
        full_name=f"API: {client.name}",
        language="sv",
        is_head_admin=True,
        may_reveal_national_id=False,
        api_client_id=client.id,
    )


def owner_for_cli(session: Session, *, organisation_id: int) -> int | None:
    """The organisation's first head administrator: the owner of a client made on the CLI."""
    return session.exec(
        select(RoleAssignment.user_id)
        .join(User, col(User.id) == RoleAssignment.user_id)
        .where(
            RoleAssignment.organisation_id == organisation_id,
            RoleAssignment.role == Role.HEAD_ADMIN,
        )
        .order_by(col(RoleAssignment.user_id))
    ).first()
