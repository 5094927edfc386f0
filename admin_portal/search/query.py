"""What an administrator asked the users list for, cleaned, and what the list shows.

Every field of a `UserQuery` may hold anything a client sent: `clean()` makes it valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from admin_portal.models import USER_TYPE_CHOICES, UserStatus
from admin_portal.search.text import clean_text
from admin_portal.validation.ids import ID_MAX, is_id

SortKey = Literal["name", "username", "created"]
EmailState = Literal["verified", "unverified", "missing"]
Status = Literal["active", "removed"]

PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 100
# Numeric IDs are 32-bit integers in both databases.
INT_MAX = ID_MAX
_CURSOR_MAX = 2000

# Each choice is written once, in the Literal types above (and the user types in models).
SORTS: tuple[SortKey, ...] = get_args(SortKey)
EMAIL_STATES: tuple[EmailState, ...] = get_args(EmailState)
STATUSES: tuple[Status, ...] = get_args(Status)
_USER_TYPES = frozenset(USER_TYPE_CHOICES)

# The sort key of each order, id (the tie-breaker) last.
SORT_COLUMNS: dict[SortKey, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "username": ("username_key", "id"),
    "created": ("created_at", "id"),
}


@dataclass(frozen=True)
class UserQuery:
    """What the admin asked for. Every field may hold anything a client sent: see `clean()`.

    The user bank (removed users, `status="removed"`) can grow this with a removed-date
    range, removed_by and an exact personnummer: each new filter is a field here, a check
    in `clean()`, one clause in `shape.SearchShape.filters` (or `SearchShape.scope` when an
    index leads with the column), and a place in the cursor MAC (cursor.py).
    """

    text: str = ""
    company_id: int | None = None
    unit_id: int | None = None
    user_type: str | None = None
    email_state: EmailState | None = None
    status: Status = "active"
    sort: SortKey = "name"
    descending: bool = False
    cursor: str | None = None
    page_size: int = PAGE_SIZE_DEFAULT

    def clean(self) -> UserQuery:
        """A copy with every field valid: unknown choices fall back to their default."""
        return UserQuery(
            text=clean_text(self.text),
            company_id=clean_id(self.company_id),
            unit_id=clean_id(self.unit_id),
            user_type=self.user_type if self.user_type in _USER_TYPES else None,
            email_state=self.email_state if self.email_state in EMAIL_STATES else None,
            status=self.status if self.status in STATUSES else UserStatus.ACTIVE.value,  # type: ignore[arg-type]
            sort=self.sort if self.sort in SORTS else "name",
            descending=self.descending is True,
            cursor=self.cursor
            if isinstance(self.cursor, str) and 0 < len(self.cursor) <= _CURSOR_MAX
            else None,
            page_size=_clean_page_size(self.page_size),
        )


@dataclass(frozen=True)
class UserRow:
    """One table row. Absent e-mail and unit are "" so the page can test them directly."""

    id: int
    full_name: str
    first_name: str
    last_name: str
    username: str
    user_type: str
    company_name: str
    unit_name: str
    email: str
    email_state: EmailState
    status: str
    numeric_id: int | None


@dataclass(frozen=True)
class UserPage:
    rows: list[UserRow]
    next_cursor: str | None
    total: int  # matches of the whole query (not only this page), at most COUNT_CAP
    total_is_lower_bound: bool  # True: there are more than `total` ("1000+")


EMPTY_PAGE = UserPage(rows=[], next_cursor=None, total=0, total_is_lower_bound=False)


INVALID = -1  # marks an id filter that can match nothing


def clean_id(value: object) -> int | None:
    if value is None:
        return None
    if is_id(value):
        return value
    return INVALID


def _clean_page_size(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        return PAGE_SIZE_DEFAULT
    return max(1, min(PAGE_SIZE_MAX, value))


# --------------------------------------------------------------------------- output


def email_state_of(email_key: str | None, verified_at: datetime | None) -> EmailState:
    if not email_key:
        return "missing"
    return "verified" if verified_at is not None else "unverified"


def to_row(r: Any) -> UserRow:
    return UserRow(
        id=r.id,
        full_name=f"{r.first_name} {r.last_name}".strip(),
        first_name=r.first_name,
        last_name=r.last_name,
        username=r.username,
        user_type=r.user_type,
        company_name=r.company_name or "",
        unit_name=r.unit_name or "",
        email=r.email or "",
        email_state=email_state_of(r.email_key, r.email_verified_at),
        status=r.status,
        numeric_id=r.numeric_id,
    )
