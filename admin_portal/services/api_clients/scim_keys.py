"""SCIM's keys (username_key, email_key) against SQLite's FTS5 trigram structures.

The users whose keys are not the lower case of what they typed (ix_users_scim_key_unlike,
models/user.py KEY_UNLIKE_TEXT) are read besides a narrowing through the search document
(`key_unlike`), when the organisation has any (`unlike_ids`). PostgreSQL narrows through
trigram indexes on the keys themselves (search/ddl.py PG_KEY_TRGM_INDEXES) instead.
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


# The most key-unlike users of an organisation probed for (SQLite, see find_users).
APART_MAX = 10_000


def unlike_ids(session: Session, organisation_id: int, dialect: str, cap: int) -> list[int]:
    """The organisation's active key-unlike users' ids, at most cap + 1 (mostly none): an
    index-only read of the partial index. In its order: PostgreSQL estimates `<>` as
    nearly always true and would otherwise scan the table, all of it when none is."""
    probe = select(col(User.id)).where(
        col(User.organisation_id) == organisation_id,
        col(User.status) == UserStatus.ACTIVE.value,
        key_unlike(dialect),
    )
    in_index_order = probe.order_by(col(User.organisation_id), col(User.status), col(User.id))
    return [i for i in session.exec(in_index_order.limit(cap + 1)).all() if i is not None]
