"""Helpers shared by every table module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


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
