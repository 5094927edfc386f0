"""SCIM list pages: the page and totalResults from the matches a query fetched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from admin_portal.models import User


@dataclass(frozen=True)
class ScimPage:
    total: int
    users: list[User]
    # False when `total` is a lower bound (more than TOTAL_AHEAD matches follow the page).
    total_exact: bool = True


def bounded(session: Session, matches: Any, cap: int) -> int:
    """How many rows `matches` yields, counted no further than cap + 1."""
    inner = matches.limit(cap + 1).subquery("c")
    return int(session.exec(select(func.count()).select_from(inner)).one())


def window_page(
    session: Session, window: list[Any], start: int, count: int, *, multi: bool, ahead_max: int
) -> ScimPage:
    """The page and totalResults from the first start - 1 + count + ahead_max + 1
    matches (fewer: every match), exactly as the OFFSET page and counted lookahead give."""
    found = window[start - 1 : start - 1 + count]
    if not found:
        cap = start - 1 + ahead_max
        return ScimPage(total=min(len(window), cap), users=[], total_exact=len(window) <= cap)
    ahead = len(window) - (start - 1) - len(found)
    ids = [row[-1] if multi else row for row in found]
    rows = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}
    return ScimPage(
        total=start - 1 + len(found) + min(ahead, ahead_max),
        users=[rows[i] for i in ids if i in rows],
        total_exact=ahead <= ahead_max,
    )


def add_key_unlike(
    window: list[Any], extra: list[Any], need: int, descending: bool, *, multi: bool
) -> list[Any]:
    """The first `need` of two ordered lists of matches (the FTS5-driven ones and those of
    ix_users_scim_key_unlike): both hold their own first `need`, so this is exact."""
    if not extra:
        return window
    merged = {(row[-1] if multi else row): row for row in [*window, *extra]}
    ordered = sorted(merged.values(), key=lambda r: tuple(r) if multi else r, reverse=descending)
    return ordered[:need]
