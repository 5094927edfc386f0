"""The SQL shapes of the agent list (listing.py picks one per request).

Built for 1,000,000 users with ~100,000 agents (bench/agents_list.py). Every shape is a
few bounded statements, never one per row, and reads the users search wing's indexes
(admin_portal/search/): the org name ordering index `ix_users_search_org_name`
(organisation_id, status, last_name, first_name, id), the name-ordered search rows
and their trigram indexes, and the unique numeric-ID index.

- `small_page`: the agent side (a group, the in-queue sessions, one numeric ID, or a
  company administrator's few groups) has at most SMALL_AGENTS rows: they are read from
  cc_agents' own indexes, joined to their users and sorted. The first page's statement
  also counts every match (a window count), so one statement gives page and count.
- `walk_page`: many agents and no text (or 1–2 characters): walk the org name ordering
  index from the cursor and test each user for being a wanted agent (a primary-key
  probe), stopping after one page. Agents are then at least SMALL_AGENTS of the
  organisation, which at a million users makes a page a walk of a few thousand index
  entries at worst (at 1 in 11, about 300).
- `rows_page`: many agents and a text of 3+ characters: the matches come from the search
  wing's text index over the name-ordered search rows (SQLite: their FTS5 trigram table,
  streamed in name order and stopped after a page; PostgreSQL: their pg_trgm GIN index,
  rows stored in name order), each probed for being a wanted agent.

On PostgreSQL migrated to 0022, texts of 3+ characters take none of these: agent_text.py
reads the agents' own search text and trigram index (listing.py asks it first); the text
shapes here then serve SQLite, and PostgreSQL schemas without that column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    exists,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlmodel import Session

from admin_portal.models import Agent, QueueSession, User, UserStatus
from admin_portal.models.search_rows import search_rows, search_rows_fts
from admin_portal.search import ddl, rows_ddl
from admin_portal.search.text import doc_contains, fts_match

PAGE_SIZE = 25
# An agent side this small is read whole and sorted: a few milliseconds.
SMALL_AGENTS = 5000
# "1000+": the users list's cap (admin_portal/search/plan.py), for the same reason.
COUNT_CAP = 1000

USERS: Any = cast(Any, User).__table__
AGENTS: Any = cast(Any, Agent).__table__
SESSIONS: Any = cast(Any, QueueSession).__table__

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Ask:
    """What one request asks, cleaned by listing.py."""

    organisation_id: int
    groups: Sequence[int] | None  # None: every group of the organisation
    in_queue: bool | None
    row_text: ColumnElement[bool] | None  # a substring test on users (small lists)
    index_text: str  # the cleaned text for the trigram indexes ("" if none)
    text: str  # the cleaned text ("" if none, or a numeric-ID hit)
    user_id: int | None  # a numeric-ID hit: only this user
    after: Key | None  # the cursor's position


@dataclass(frozen=True)
class Found:
    rows: list[Any]  # up to PAGE_SIZE + 1: id, names, username, numeric_id, group_id, in_queue
    matches: int | None  # every match, when the statement counted them (first page)


def agent_filters(ask: Ask, a: Any = AGENTS) -> list[ColumnElement[bool]]:
    """Group (or organisation), queue and numeric-ID tests on cc_agents rows."""
    clauses: list[ColumnElement[bool]] = [
        a.c.organisation_id == ask.organisation_id
        if ask.groups is None
        else a.c.group_id.in_(list(ask.groups))
    ]
    if ask.in_queue is True:
        clauses.append(a.c.user_id.in_(select(SESSIONS.c.agent_id)))
    elif ask.in_queue is False:
        clauses.append(~exists().where(SESSIONS.c.agent_id == a.c.user_id))
    if ask.user_id is not None:
        clauses.append(a.c.user_id == ask.user_id)
    return clauses


def _active(c: Any, organisation_id: int) -> list[ColumnElement[bool]]:
    # A constant in the SQL, as in the users search: stable plans on PostgreSQL.
    return [
        c.organisation_id == organisation_id,
        c.status == literal(UserStatus.ACTIVE.value, literal_execute=True),
    ]


def _after(key: Sequence[Any], after: Key | None) -> list[ColumnElement[bool]]:
    if after is None:
        return []
    bound = tuple_(*(literal(v, type_=k.type) for v, k in zip(after, key, strict=True)))
    return [tuple_(*key) > bound]


def _in_queue_flag(user_id: Any) -> Any:
    return exists().where(SESSIONS.c.agent_id == user_id).label("in_queue")


def bounded_count(session: Session, stmt: Select[Any], cap: int) -> int:
    """How many rows `stmt` yields, reading no more than cap + 1 of them."""
    inner: Select[Any] = stmt.with_only_columns(
        literal_column("1"), maintain_column_froms=True
    ).limit(literal_column(str(cap + 1)))
    return int(session.execute(select(func.count()).select_from(inner.subquery("c"))).scalar_one())


def agent_side(session: Session, ask: Ask) -> int:
    """The wanted agents, counted from cc_agents' indexes alone up to SMALL_AGENTS + 1.

    In queue: the queue sessions bound them (an agent has one or more), and counting those
    reads one small index rather than probing an agent per session.
    """
    if ask.in_queue is True:
        logged_in = bounded_count(session, select(SESSIONS.c.agent_id), SMALL_AGENTS)
        if logged_in <= SMALL_AGENTS:
            return logged_in
    return bounded_count(session, select(AGENTS.c.user_id).where(*agent_filters(ask)), SMALL_AGENTS)


def _page_columns(u: Any, a: Any) -> list[Any]:
    return [
        u.c.id,
        u.c.last_name,
        u.c.first_name,
        u.c.username,
        u.c.numeric_id,
        a.c.group_id,
        _in_queue_flag(a.c.user_id),
    ]


def small_page(session: Session, ask: Ask, *, count: bool) -> Found:
    """A small agent side: read it whole from cc_agents, join the users, sort, one page.

    OFFSET 0 fences the agents: both databases read them first through their own index
    instead of walking the users in name order hoping to meet them. On PostgreSQL the
    names come from the narrow search rows (which stay in memory) rather than a heap visit
    per agent in the wide users table; SQLite finds each user by its rowid anyway.
    """
    s = (
        select(AGENTS.c.user_id, AGENTS.c.group_id)
        .where(*agent_filters(ask))
        .offset(literal_column("0"))
        .subquery("s")
    )
    dialect = _dialect(session)
    if dialect == "postgresql" and rows_available(session):
        return _small_page_from_rows(session, ask, s, count=count)
    key = [USERS.c.last_name, USERS.c.first_name, USERS.c.id]
    columns = [*key]
    if count:
        columns.append(func.count().over().label("matches"))
    stmt = (
        select(*columns)
        .select_from(s.join(USERS, USERS.c.id == s.c.user_id))
        .where(
            *_active(USERS.c, ask.organisation_id),
            *([] if ask.row_text is None else [ask.row_text]),
            *_after(key, ask.after),
        )
        .order_by(*key)
        .limit(PAGE_SIZE + 1)
    )
    if (
        dialect == "sqlite"
        and ask.row_text is None
        and ddl.sqlite_key_index_available(session.connection())
    ):
        # The narrow id-keyed index carries organisation, status and names: each agent's
        # user is read from it rather than from the wide table row.
        stmt = stmt.with_hint(USERS, f"INDEXED BY {ddl.SQLITE_KEY_INDEX}", "sqlite")
    found = list(session.execute(stmt).all())
    matches = (found[0].matches if found else 0) if count else None
    return Found(rows=read_rows(session, [f.id for f in found]), matches=matches)


def _small_page_from_rows(session: Session, ask: Ask, s: Any, *, count: bool) -> Found:
    """PostgreSQL's small page: sort keys from the search rows, then the page's users."""
    r = search_rows
    key = [r.c.last_name, r.c.first_name, r.c.user_id]
    columns = [r.c.user_id.label("id"), r.c.last_name, r.c.first_name]
    if count:
        columns.append(func.count().over().label("matches"))
    text = [doc_contains("postgresql", ask.text, f"{r.name}.", stored=True)] if ask.text else []
    stmt = (
        select(*columns)
        .select_from(s.join(r, r.c.user_id == s.c.user_id))
        .where(*_active(r.c, ask.organisation_id), *text, *_after(key, ask.after))
        .order_by(*key)
        .limit(PAGE_SIZE + 1)
    )
    found = list(session.execute(stmt).all())
    matches = (found[0].matches if found else 0) if count else None
    return Found(rows=read_rows(session, [f.id for f in found]), matches=matches)


def walk_page(session: Session, ask: Ask) -> Found:
    """Many agents: walk the users in name order from the cursor, keeping the agents."""
    key = [USERS.c.last_name, USERS.c.first_name, USERS.c.id]
    is_agent = exists().where(AGENTS.c.user_id == USERS.c.id, *agent_filters(ask))
    walked = (
        select(*key, USERS.c.username, USERS.c.numeric_id)
        .where(
            *_active(USERS.c, ask.organisation_id),
            *_after(key, ask.after),
            is_agent,
            *([] if ask.row_text is None else [ask.row_text]),
        )
        .order_by(*key)
        .limit(PAGE_SIZE + 1)
        .subquery("w")
    )
    stmt = (
        select(*_page_columns(walked, AGENTS))
        .select_from(walked.join(AGENTS, AGENTS.c.user_id == walked.c.id))
        .order_by(walked.c.last_name, walked.c.first_name, walked.c.id)
    )
    return Found(rows=list(session.execute(stmt).all()), matches=None)


def walk_count(session: Session, ask: Ask) -> int:
    """Many agents: count the active ones (and the text's), no further than COUNT_CAP + 1."""
    stmt = (
        select(AGENTS.c.user_id)
        .select_from(AGENTS.join(USERS, USERS.c.id == AGENTS.c.user_id))
        .where(
            *agent_filters(ask),
            *_active(USERS.c, ask.organisation_id),
            *([] if ask.row_text is None else [ask.row_text]),
        )
    )
    return bounded_count(session, stmt, COUNT_CAP)


def rows_available(session: Session) -> bool:
    """Do the name-ordered search rows (and their text index) exist here?"""
    return rows_ddl.search_rows_available(session.connection())


def _rows_matches(ask: Ask, dialect: str) -> tuple[Select[Any], Any]:
    """(matching agents' sort keys from the search rows, the FTS rowid column or None)."""
    r = search_rows
    key = [r.c.last_name, r.c.first_name, r.c.user_id]
    where = [*_active(r.c, ask.organisation_id), *agent_filters(ask)]
    if dialect == "sqlite":
        fts, matched = fts_match(ask.index_text, search_rows_fts)
        source = fts.join(r, r.c.pos == fts.c.rowid).join(AGENTS, AGENTS.c.user_id == r.c.user_id)
        stmt = select(r.c.user_id.label("id"), r.c.last_name, r.c.first_name)
        return stmt.select_from(source).where(matched, *where, *_after(key, ask.after)), fts.c.rowid
    source = r.join(AGENTS, AGENTS.c.user_id == r.c.user_id)
    text = doc_contains(dialect, ask.index_text, f"{r.name}.", stored=True)
    stmt = select(r.c.user_id.label("id"), r.c.last_name, r.c.first_name)
    return stmt.select_from(source).where(text, *where, *_after(key, ask.after)), None


def rows_count(session: Session, ask: Ask) -> int:
    """Matching agents through the text index, no further than COUNT_CAP + 1."""
    stmt, _ = _rows_matches(Ask(**{**ask.__dict__, "after": None}), _dialect(session))
    return bounded_count(session, stmt, COUNT_CAP)


def rows_page(session: Session, ask: Ask, *, count: bool) -> Found:
    """Many agents and a text of 3+ characters: one page of matches via the text index.

    count (first page): SQLite counts separately (rows_count: the stream stops after
    COUNT_CAP + 1); on PostgreSQL, which reads every match anyway, the page's statement
    counts them (a window count), so one statement gives page and count.
    """
    dialect = _dialect(session)
    stmt, pos = _rows_matches(ask, dialect)
    wanted = PAGE_SIZE + 1
    matches = None
    if pos is not None:
        # SQLite: the ordered part streams in name order (pos) and stops after a page; the
        # tail (rows added or renamed since the last reordering) is read whole and merged.
        upto = rows_ddl.ordered_upto(session.connection())
        ordered = stmt.where(pos <= upto).order_by(pos).limit(wanted)
        tail = stmt.where(pos > upto).order_by(*_key_of(stmt)).limit(wanted)
        found = [*session.execute(ordered).all(), *session.execute(tail).all()]
        if count:
            matches = rows_count(session, ask)
    else:
        # PostgreSQL: every match's key from the GIN index (OFFSET 0: planned as such, not
        # as a walk in name order), the rows lying together on disk; then the best page.
        if count:
            stmt = stmt.add_columns(func.count().over().label("matches"))
        m = stmt.offset(literal_column("0")).subquery("m")
        found = list(
            session.execute(
                select(m.c.id, m.c.last_name, m.c.first_name, *([m.c.matches] if count else []))
                .order_by(m.c.last_name, m.c.first_name, m.c.id)
                .limit(wanted)
            ).all()
        )
        if count:
            matches = found[0].matches if found else 0
    found.sort(key=lambda r: (r.last_name, r.first_name, r.id))
    return Found(rows=read_rows(session, [r.id for r in found[:wanted]]), matches=matches)


def _key_of(stmt: Select[Any]) -> list[Any]:
    c = stmt.selected_columns
    return [c.last_name, c.first_name, c.id]


def read_rows(session: Session, ids: list[int]) -> list[Any]:
    """The page's rows by user id, in name order."""
    if not ids:
        return []
    stmt = (
        select(*_page_columns(USERS, AGENTS))
        .select_from(USERS.join(AGENTS, AGENTS.c.user_id == USERS.c.id))
        .where(USERS.c.id.in_(ids))
        .order_by(USERS.c.last_name, USERS.c.first_name, USERS.c.id)
    )
    return list(session.execute(stmt).all())


def numeric_hit(session: Session, organisation_id: int, numeric_id: int) -> int | None:
    """The user holding this numeric ID in the organisation (the unique index), if any."""
    found = session.execute(
        select(USERS.c.id).where(
            USERS.c.organisation_id == organisation_id, USERS.c.numeric_id == numeric_id
        )
    ).scalar()
    return None if found is None else int(found)


def _dialect(session: Session) -> str:
    return session.connection().dialect.name
