"""PostgreSQL: a SCIM `co` page found by walking the users in the page's order.

The trigram index (pg_trgm on search_doc) reads every candidate of a substring, one
heap block each, before the first page can be sorted out: for a common term (a first
name: thousands of matches, tens of thousands of candidates) that is most of a 25 ms
budget, or all of it. A walk in the page's order that tests each row stops once it has
the page and the lookahead. PostgreSQL's planner cannot choose between the two itself:
it estimates a substring's matches from a 100-entry sample and multiplies the
search_doc and column tests as if unrelated. So scim_search asks these walks first,
and they give up (None) early for rare terms, which the trigram index then answers.
Both give the first `need` matches exactly, as the trigram query would.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, and_, func
from sqlalchemy.sql import visitors
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session, col, select

from admin_portal.models import User, UserStatus
from admin_portal.models.search_rows import search_rows, search_rows_fts
from admin_portal.search import rows_ddl
from admin_portal.search.text import fts_match

# PostgreSQL's ordered walk (see _walk): the ids it first tests (from the organisation's
# first active user, or last when descending), and the most it goes on to.
WALK_PROBE = 5_000
WALK_MAX = 80_000
# The name walk reads wide index entries (the INCLUDE columns), ~2x a row of the id walk.
NAME_WALK_MAX = 30_000


def walk_by_id(
    session: Session, organisation_id: int, test: Any, need: int, descending: bool
) -> list[Any] | None:
    """PostgreSQL: the first `need` matching ids, found by walking the organisation's
    users in id order and testing each row, or None.

    The trigram index reads every candidate (one heap block each, ~2-3 µs) before it
    can sort out the first page; a walk in id order (~0.3 µs a row) stops once it has the
    page and the lookahead, so it wins for common terms (EXPLAIN ANALYZE at 1M users,
    "erik": 19,000 matches, 30,000 candidates, 55 ms by the bitmap; the first 401
    matches lie in the first ~20,000 ids). PostgreSQL's planner cannot tell them apart:
    it estimates a substring's matches from a 100-entry sample, and multiplies the
    search_doc and column tests as if unrelated. So: a probe of WALK_PROBE ids, whose
    matches estimate how far the walk must go; if within WALK_MAX ids, the walk goes
    on. Walked ranges are literal id ranges, which the planner serves by the primary key.
    Whenever the walk finds `need` matches, they are exactly the first `need` matches
    of the whole list (it covered every id before the last); otherwise (a rarer term)
    None, and the trigram index answers, after at most WALK_PROBE wasted ids.
    """
    ids = col(User.id)
    scope = [
        col(User.organisation_id) == organisation_id,
        col(User.status) == UserStatus.ACTIVE.value,
    ]
    edge = session.exec(select(func.max(ids) if descending else func.min(ids)).where(*scope))
    first = edge.one()
    if first is None:
        return []
    in_order = ids.desc() if descending else ids

    def walked(begin: int, end: int, limit: int) -> list[Any]:
        """Matches among ids first ± (begin, end], in order."""
        span = (
            and_(ids < first - begin, ids >= first - end)
            if descending
            else and_(ids > first + begin, ids <= first + end)
        )
        query = select(ids).where(*scope, span, test).order_by(in_order).limit(limit)
        return list(session.exec(query).all())

    found = walked(-1, WALK_PROBE, need)
    if len(found) >= need:
        return found
    if not found:
        return None
    reach = WALK_PROBE * need * 5 // (len(found) * 4)  # the estimate, and a quarter more
    if reach > WALK_MAX:
        return None
    found += walked(WALK_PROBE, reach, need - len(found))
    return found if len(found) >= need else None


# The columns ix_users_search_org_name carries (its keys and INCLUDE): a filter on these
# alone is tested by an index-only walk in name order (see walk_by_name).
_NAME_WALK_COLUMNS = ("id", "last_name", "first_name", "username_key", "email_key")


def walk_by_name(
    session: Session, organisation_id: int, test: Any, need: int, descending: bool
) -> list[Any] | None:
    """PostgreSQL, sortBy=name: the first `need` matches' (last_name, first_name, id),
    found by an index-only walk of ix_users_search_org_name, or None.

    As walk_by_id, for the name order: the trigram index reads and sorts every match (a
    common `co`, 6,000+ heap blocks); the walk tests index entries in name order and
    stops at `need` matches. The walk is the organisation's first `rows` entries (a
    LIMIT inside, the filter outside), first WALK_PROBE, then as far as the probe's
    matches say, up to NAME_WALK_MAX; only for filters on the columns the index carries.
    """
    used = {(c.table.name, c.key) for c in visitors.iterate(test) if isinstance(c, Column)}
    if not used <= {(User.__tablename__, c) for c in _NAME_WALK_COLUMNS}:
        return None
    names = [col(User.last_name), col(User.first_name), col(User.id)]

    def walked(rows: int) -> list[Any]:
        inner = (
            select(*(getattr(User, c) for c in _NAME_WALK_COLUMNS))
            .where(
                col(User.organisation_id) == organisation_id,
                col(User.status) == UserStatus.ACTIVE.value,
            )
            .order_by(*(k.desc() if descending else k for k in names))
            .limit(rows)
            .subquery("walk")
        )
        keys = [inner.c.last_name, inner.c.first_name, inner.c.id]
        query = (
            select(*keys)
            .where(ClauseAdapter(inner).traverse(test))
            .order_by(*(k.desc() if descending else k for k in keys))
            .limit(need)
        )
        return list(session.exec(query).all())

    found = walked(WALK_PROBE)
    if len(found) >= need:
        return found
    if not found:
        return None
    reach = WALK_PROBE * need * 5 // (len(found) * 4)
    if reach > NAME_WALK_MAX:
        return None
    found = walked(reach)
    return found if len(found) >= need else None


def rows_by_name(
    session: Session,
    organisation_id: int,
    text: str,
    condition: Any,
    need: int,
    descending: bool,
) -> list[Any]:
    """SQLite, sortBy=name with an FTS5-driven `co`: the first `need` matches'
    (last_name, first_name, id), streamed in name order from the search wing's
    name-ordered rows (search/rows_ddl.py) instead of reading and sorting every match.

    Their FTS5 table is keyed by `pos`, the name order: the ordered part's matches come
    in that order and the LIMIT stops the read; the tail (rows added or renamed since
    the last reordering) is read whole and merged, as the users search does
    (search/rows.py). `condition` is the rest of the filter, on `users`.
    """
    rows = search_rows
    fts, matched = fts_match(text, search_rows_fts)
    pos = fts.c.rowid
    upto = rows_ddl.ordered_upto(session.connection())
    names = [col(User.last_name), col(User.first_name), col(User.id)]
    base = (
        select(*names)
        .select_from(fts.join(rows, rows.c.pos == pos).join(User, col(User.id) == rows.c.user_id))
        .where(
            matched,
            rows.c.organisation_id == organisation_id,
            rows.c.status == UserStatus.ACTIVE.value,
            condition,
        )
    )
    ordered = base.where(pos <= upto).order_by(pos.desc() if descending else pos)
    tail = base.where(pos > upto).order_by(*(k.desc() if descending else k for k in names))
    found: list[Any] = [
        *session.exec(ordered.limit(need)).all(),
        *session.exec(tail.limit(need)).all(),
    ]
    # SQLite orders text by code point, as Python does.
    found.sort(key=lambda r: (r[0], r[1], r[2]), reverse=descending)
    return found[:need]
