"""Record admin actions. Callers pass ids and outcomes only, never secrets or personnummer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import AuditEvent, User
from admin_portal.services.errors import PermissionDenied


def record_event(
    session: Session,
    *,
    action: str,
    organisation_id: int | None,
    actor_user_id: int | None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    outcome: str = "ok",
    detail: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        outcome=outcome,
        detail=detail[:1000] if detail else None,
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditRow:
    created_at: str
    actor: str
    action: str
    target: str
    outcome: str


def list_recent_events(session: Session, *, actor: Actor, limit: int = 100) -> list[AuditRow]:
    """The organisation's latest events, for its administrators. One query, actor names joined."""
    if not actor.is_admin:
        raise PermissionDenied()
    limit = max(1, min(limit, 500))
    who = aliased(User)
    rows = session.exec(
        select(AuditEvent, who.username)
        .join(who, col(who.id) == AuditEvent.actor_user_id, isouter=True)
        .where(AuditEvent.organisation_id == actor.organisation_id)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    ).all()
    return [
        AuditRow(
            created_at=event.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            actor=username or "–",
            action=event.action,
            target=f"{event.target_type} {event.target_id}" if event.target_type else "–",
            outcome=event.outcome,
        )
        for event, username in rows
    ]


def record_admin_action(
    session: Session, *, actor: Actor, action: str, user_id: int | None, outcome: str = "ok"
) -> AuditEvent:
    """The common case: an administrator did something to one user."""
    return record_event(
        session,
        action=action,
        organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id,
        target_type="user",
        target_id=user_id,
        outcome=outcome,
    )
