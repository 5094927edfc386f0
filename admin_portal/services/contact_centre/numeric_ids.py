"""Numeric ID (Agent-ID, F3.3): unique in the organisation; "Se använda ID" lists the used ones.

The database constraint `uq_user_org_numeric_id` is the final word; these functions give
the form its answer early (a clash is shown while typing).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from admin_portal.auth.permissions import Actor
from admin_portal.models import User
from admin_portal.services.errors import PermissionDenied
from admin_portal.validation.errors import InvalidInput

NUMERIC_ID_MAX = 999_999_999
INVALID = "contact_centre.numeric_id_invalid"
TAKEN = "contact_centre.numeric_id_taken"


@dataclass(frozen=True)
class UsedIds:
    ranges: list[str]  # "101–104", "110"
    next_free: int
    count: int


def parse_numeric_id(raw: object) -> int | None:
    """Blank -> None; otherwise a whole number 1..999 999 999.

    Raises:
        InvalidInput: ``contact_centre.numeric_id_invalid``.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise InvalidInput(INVALID)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        if len(raw.strip()) > 9:
            raise InvalidInput(INVALID)
        value = int(raw.strip())
    elif isinstance(raw, str) and not raw.strip():
        return None
    else:
        raise InvalidInput(INVALID)
    if not 1 <= value <= NUMERIC_ID_MAX:
        raise InvalidInput(INVALID)
    return value


def compact_ranges(ids: list[int]) -> list[str]:
    """Sorted, distinct ids as ranges: [1, 2, 3, 7, 9, 10] -> ["1–3", "7", "9–10"]."""
    out: list[str] = []
    values = sorted(set(ids))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(str(values[i]) if i == j else f"{values[i]}–{values[j]}")
        i = j + 1
    return out


def next_free(ids: list[int]) -> int:
    """The first free id after the lowest used one (1 when none is used).

    Gaps are really free: a removed person in the user bank keeps their id and so counts
    as used.
    """
    used = set(ids)
    if not used:
        return 1
    candidate = min(used)
    while candidate in used:
        candidate += 1
    return candidate


def _used(session: Session, organisation_id: int) -> list[int]:
    rows = session.exec(
        select(User.numeric_id).where(
            User.organisation_id == organisation_id, col(User.numeric_id).is_not(None)
        )
    ).all()
    return [r for r in rows if r is not None]


def used_numeric_ids(session: Session, *, actor: Actor) -> UsedIds:
    """ "Se använda ID": the organisation's used ids (numbers only, no names) and a suggestion."""
    if not actor.is_admin:
        raise PermissionDenied()
    ids = _used(session, actor.organisation_id)
    return UsedIds(ranges=compact_ranges(ids), next_free=next_free(ids), count=len(set(ids)))


def numeric_id_taken(
    session: Session, *, actor: Actor, numeric_id: int, exclude_user_id: int | None = None
) -> bool:
    """Is this id used by someone else in the actor's organisation?"""
    if not actor.is_admin:
        raise PermissionDenied()
    query = select(User.id).where(
        User.organisation_id == actor.organisation_id, User.numeric_id == numeric_id
    )
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return session.exec(query).first() is not None


def check_numeric_id(session: Session, *, actor: Actor, raw: object) -> str:
    """The form's message key while typing: "" when free or blank, else invalid/taken."""
    try:
        value = parse_numeric_id(raw)
    except InvalidInput as problem:
        return problem.key
    if value is None:
        return ""
    return TAKEN if numeric_id_taken(session, actor=actor, numeric_id=value) else ""
