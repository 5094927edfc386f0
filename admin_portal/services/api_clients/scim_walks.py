"""PostgreSQL: a SCIM `co` page found in the page's order without reading every candidate.

The trigram index (pg_trgm on search_doc) yields every candidate of a substring, and each
is then read from the heap (~3 µs) before the first page can be sorted out: for a common
term (a first name: thousands of matches) that is most of a 25 ms budget, or all of it.
Two ways to stop once the page and the lookahead are found:

- by id (ranges_by_id): the same trigram query, asked for one id range after another,
  each range's bitmap ANDed with the trigram bitmap, so the heap is read only for the
  candidates inside the ranges asked;
- by name (walk_by_name): an index-only walk in name order testing each entry, which
  gives up (None) early for rarer terms, which the trigram index then answers.

PostgreSQL's planner cannot choose between these and the whole trigram query itself: it
estimates a substring's matches from a 100-entry sample (or, for 5+ characters, at ~100
rows whatever they are) and multiplies the search_doc and column tests as if unrelated.
Each gives the first `need` matches exactly, as the whole trigram query would.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, func
from sqlalchemy.sql import visitors
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session, col, select

from admin_portal.models import User, UserStatus
from admin_portal.models.search_rows import search_rows, search_rows_fts
from admin_portal.search import rows_ddl
from admin_portal.search.text import fts_match

# PostgreSQL's name walk (see walk_by_name): the index entries it first tests, and the
# most it goes on to (wide entries: the INCLUDE columns).
WALK_PROBE = 5_000
NAME_WALK_MAX = 30_000
# PostgreSQL's range walk (see ranges_by_id): the first id range it asks, in ids, and
# what a candidate read from the heap costs in range bitmap entries (EXPLAIN ANALYZE at
# 1M users: ~2-4 µs a candidate, ~0.06-0.4 µs an entry of ix_users_scim_org_id; over 25
# bench `co` terms 60 read 29,000 buffers in all, 20 read 66,000 and 5 106,000).
RANGE_FIRST = 16_384
RANGE_ENTRIES_PER_CANDIDATE = 60


def opaque_like(like: Any) -> Any:
    """`doc LIKE :pattern` as `doc LIKE (SELECT :pattern)`: the same test, through the same
    trigram GIN index, but planned with LIKE's default estimate (0.5 % of the rows).

    pg_trgm estimates a pattern of 5+ characters at ~100 rows whatever it is ("milla":
    5,033 candidates), and with so few the planner would not AND the GIN bitmap with a
    range's: every range query of ranges_by_id would read all the candidates again.
    """
    return like.left.like(select(like.right).scalar_subquery(), escape="\\")


def ranges_by_id(
    session: Session, organisation_id: int, condition: Any, need: int, descending: bool
) -> list[Any]:
    """PostgreSQL: the first `need` ids matching `condition` (the whole condition, with
    its trigram narrowing), asked one id range after another.

    A range query is planned as the trigram GIN bitmap ANDed with the range's bitmap of
    ix_users_scim_org_id (~0.06 µs an entry), so only the candidates inside the range
    are read from the heap; a walk testing rows pays ~0.3-1 µs for every row it
    passes, and the whole trigram query reads every candidate (~3 µs each). EXPLAIN
    ANALYZE at 1M users, `userName co "ronj"` (2,860 matches, the 401st at the 88,000th
    id): a walk 76 ms, the whole trigram query 18 ms, the range (0, 90000] 7 ms (load
    10). The first range is RANGE_FIRST ids; each next one as wide as the matches so far
    say the rest of `need` lies (a quarter more); the rest of the list is one query once
    that range reaches past the organisation's last id, or would cost more index entries
    than the matches still ahead at that density cost heap rows (none found yet: a rare
    term, whose few candidates the trigram index yields at once).
    The ranges are contiguous from the list's first id, so as soon as `need` are found
    they are exactly the first `need` matches (or, at the end, every match).
    """
    ids = col(User.id)
    scope = [
        col(User.organisation_id) == organisation_id,
        col(User.status) == UserStatus.ACTIVE.value,
    ]
    low, high = session.exec(select(func.min(ids), func.max(ids)).where(*scope)).one()
    if low is None or high is None:
        return []
    query = select(ids).where(*scope, condition)
    return in_ranges(session, query, ids, (low, high), need, descending)


def in_ranges(
    session: Session, query: Any, key: Any, edges: tuple[int, int], need: int, descending: bool
) -> list[Any]:
    """The first `need` rows of `query` in `key` order (an integer column; edges: its
    lowest and highest value that can match), asked one range of `key` after another: see
    ranges_by_id."""
    first, last = (edges[1], edges[0]) if descending else edges
    span_all = abs(last - first) + 1
    in_order = key.desc() if descending else key
    found: list[Any] = []
    done, size = 0, max(1, RANGE_FIRST)
    while True:
        bound = [key <= first - done] if descending else [key >= first + done]
        final = done + size >= span_all
        end = (
            last if final else (first - done - size + 1 if descending else first + done + size - 1)
        )
        bound.append(key >= end if descending else key <= end)
        ranged = query.where(*bound).order_by(in_order)
        found += session.exec(ranged.limit(need - len(found))).all()
        if final or len(found) >= need:
            return found
        done += size
        # Where the rest lies at the density so far, a quarter more; none yet: 8x the range.
        size = (need - len(found)) * done * 5 // (len(found) * 4) + 1 if found else done * 8
        # A range costs its index entries, the rest of the list its candidates' heap rows:
        # when the matches still ahead (at the density so far) are fewer, ask them all.
        if len(found) * (span_all - done) * RANGE_ENTRIES_PER_CANDIDATE <= size * done:
            size = span_all


# The columns ix_users_search_org_name carries (its keys and INCLUDE): a filter on these
# alone is tested by an index-only walk in name order (see walk_by_name).
_NAME_WALK_COLUMNS = ("id", "last_name", "first_name", "username_key", "email_key")


def walk_by_name(
    session: Session, organisation_id: int, test: Any, need: int, descending: bool
) -> list[Any] | None:
    """PostgreSQL, sortBy=name: the first `need` matches' (last_name, first_name, id),
    found by an index-only walk of ix_users_search_org_name, or None.

    As ranges_by_id, for the name order: the trigram index reads and sorts every match (a
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
