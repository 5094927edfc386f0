"""Row counts of every table a user-facing service writes: "a refused call changes nothing"."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from admin_portal.models import (
    AuditEvent,
    CareLink,
    LoginSession,
    OutboxMessage,
    RoleAssignment,
    Token,
    User,
)

COUNTED: tuple[type[SQLModel], ...] = (
    User,
    AuditEvent,
    OutboxMessage,
    Token,
    CareLink,
    RoleAssignment,
    LoginSession,
)


def snapshot(session: Session) -> dict[str, int]:
    """Counts as the caller's session sees them (anything a service added is autoflushed)."""
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in COUNTED
    }
