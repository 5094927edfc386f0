"""Helpers shared by every table module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlmodel import SQLModel

# Named constraints on every database, so later migrations can drop or alter them portably.
# Set here because every table module imports this one before defining its tables.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC: SQLModel's datetime columns refuse naive values and return UTC."""
    return datetime.now(UTC)


class HasId(Protocol):
    id: int | None


def require_id(row: HasId) -> int:
    """The primary key of a flushed row (SQLModel types ids as optional until then)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush the session first")
    return row.id
