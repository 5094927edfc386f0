"""SCIM's keys (username_key, email_key) against the search's trigram structures.

The users whose keys are not the lower case of what they typed (ix_users_scim_key_unlike,
models/user.py KEY_UNLIKE_TEXT) are read besides a narrowing through the search document
(`key_unlike`), when the organisation has any (`has_key_unlike`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, text
from sqlmodel import Session, col, select

from admin_portal.models import User, UserStatus
from admin_portal.models.user import KEY_UNLIKE_TEXT


def key_unlike(dialect: str) -> ColumnElement[bool]:
    """The users whose keys are not the lower case of what was typed (the search document
    cannot vouch for them), spelt as ix_users_scim_key_unlike's predicate."""
    return text(f"({KEY_UNLIKE_TEXT[dialect]})")  # type: ignore[return-value]


def has_key_unlike(session: Session, organisation_id: int, dialect: str) -> bool:
    """Whether any active user of the organisation has keys unlike what was typed: one
    probe of the partial index. Mostly none, and the narrowing then stands alone."""
    probe = select(col(User.id)).where(
        col(User.organisation_id) == organisation_id,
        col(User.status) == UserStatus.ACTIVE.value,
        key_unlike(dialect),
    )
    # In the partial index's order: PostgreSQL estimates `<>` as nearly always true and
    # would otherwise scan the table for the first row, reading all of it when none is.
    in_index_order = probe.order_by(
        col(User.organisation_id), col(User.status), col(User.id)
    ).limit(1)
    return session.exec(in_index_order).first() is not None
