"""The people an import's rows name, looked up by chunk (usernames, then addresses).

Shared by the preview and the apply job: never one query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import (
    User,
    UserStatus,
)
from admin_portal.services.spreadsheets.imports import LOOKUP_CHUNK


@dataclass(frozen=True)
class Person:
    id: int
    company_id: int
    unit_id: int | None
    email: str | None
    email_key: str | None
    verified: bool


def in_scope(actor: Actor, company_id: int, unit_id: int | None) -> bool:
    # permissions.can_manage_user on a looked-up row (the organisation is in the query).
    return (
        actor.is_head_admin
        or company_id in actor.company_ids
        or (unit_id is not None and unit_id in actor.unit_ids)
    )


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def people_by_username(
    session: Session, organisation_id: int, keys: Iterable[str]
) -> dict[str, Person]:
    """Active users of the organisation by username key. Other organisations' users are never
    loaded, so their usernames look exactly like unknown ones."""
    found: dict[str, Person] = {}
    for chunk in chunks(sorted(set(keys)), LOOKUP_CHUNK):
        rows = session.execute(
            sa_select(
                col(User.id),
                col(User.username_key),
                col(User.company_id),
                col(User.unit_id),
                col(User.email),
                col(User.email_key),
                col(User.email_verified_at),
            ).where(
                col(User.organisation_id) == organisation_id,
                col(User.status) == UserStatus.ACTIVE,
                col(User.username_key).in_(chunk),
            )
        ).all()
        for uid, key, company_id, unit_id, email, ekey, verified_at in rows:
            found[key] = Person(uid, company_id, unit_id, email, ekey, verified_at is not None)
    return found


def address_holders(
    session: Session, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """(company id, e-mail key) -> the user holding it, removed users included: the
    company's unique constraint counts them too."""
    wanted = set(pairs)
    companies = sorted({c for c, _ in wanted})
    holders: dict[tuple[int, str], int] = {}
    for chunk in chunks(sorted({k for _, k in wanted}), LOOKUP_CHUNK):
        rows = session.exec(
            select(User.id, User.company_id, User.email_key).where(
                col(User.email_key).in_(chunk), col(User.company_id).in_(companies)
            )
        ).all()
        for uid, company_id, key in rows:
            if (company_id, key) in wanted and uid is not None and key is not None:
                holders[(company_id, key)] = uid
    return holders
