"""Användare's entrances: one page of the users list, or every user a search matches.

Scope is applied in every query: the actor's organisation always, and for administrators
who are not head administrators only their companies and units (sub-units included).
How a page and its count are found is plan.py's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlmodel import Session

from admin_portal.auth.permissions import Actor, can_use_user_bank
from admin_portal.models import UserStatus
from admin_portal.search.columns import SEARCHED_COLUMNS
from admin_portal.search.cursor import encode_cursor, sort_values
from admin_portal.search.plan import Search
from admin_portal.search.query import EMPTY_PAGE, INVALID, UserPage, UserQuery, to_row
from admin_portal.services.errors import PermissionDenied

# The columns of `select_matching_users`, `id` among them.
MATCH_COLUMNS = SEARCHED_COLUMNS


def search_users(session: Session, *, actor: Actor, query: UserQuery) -> UserPage:
    """One page of the users in the actor's scope that match `query`, plus a bounded count.

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    q = query.clean()
    if INVALID in (q.company_id, q.unit_id) or not _may_list(actor, q):
        return EMPTY_PAGE  # a forged or outside id: nothing to show, and nothing revealed
    search = Search(session, actor, q)
    count = search.count()
    if count.total == 0:
        return EMPTY_PAGE
    rows = search.page(count)
    next_cursor = None
    if len(rows) > q.page_size:
        rows = rows[: q.page_size]
        next_cursor = encode_cursor(
            actor,
            q,
            sort_values(q.sort, rows[-1]),
            total=count.total,
            more=count.lower_bound,
            probe_hits=count.probe_hits,
            small=count.small_scope,
        )
    return UserPage(
        rows=[to_row(r) for r in rows],
        next_cursor=next_cursor,
        total=count.total,
        total_is_lower_bound=count.lower_bound,
    )


def select_matching_users(
    session: Session, *, actor: Actor, query: UserQuery
) -> Select[Any] | None:
    """Every user the query matches (scope, filters, text), unpaged and unsorted.

    For actions on "the current search and filters" (bulk verification, export): callers
    take it as a subquery (its columns are `MATCH_COLUMNS`, `id` among them) and read or
    page it themselves. None when the query names a company or unit outside the scope.

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    q = query.clean()
    if INVALID in (q.company_id, q.unit_id) or not _may_list(actor, q):
        return None
    return Search(session, actor, q)._matches()


def _may_list(actor: Actor, q: UserQuery) -> bool:
    """Removed users are the user bank's: only head administrators list them (F0.4).

    Anyone else asking for them (a forged filter, an old bookmark, an export link) gets
    nothing, as for a company outside their scope.
    """
    return q.status != UserStatus.REMOVED.value or can_use_user_bank(actor)
