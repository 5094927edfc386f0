"""The agent list's walk over cc_agents' own name-ordered indexes.

cc_agents carries its user's names, "active" and an in-queue flag, kept in step by
database triggers (models/agent_sort_ddl.py), indexed by (organisation, active, name),
(group, active, name) and (organisation, in queue, active, name). A page is then a walk
of one index from the cursor, stopped after PAGE_SIZE + 1 rows, and the count reads no
more than COUNT_CAP + 1 index entries, however many agents there are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, literal, select, true
from sqlmodel import Session

from admin_portal.services.contact_centre import agent_paths as paths

A = paths.AGENTS
KEY = [A.c.sort_last, A.c.sort_first, A.c.user_id]


def serves(ask: paths.Ask) -> bool:
    """Whether one index walk answers this request (listing.py asks first).

    The whole organisation or one group, with or without the in-queue filter, and no
    text. With a text each walked agent's user must be probed for it; measured at 1M
    users (bench/results/agents_list.md) that walk was slower than reading the group's
    agents whole and sorting (agent_paths.small_page), so texts keep the other shapes,
    as do a company administrator's several groups.
    """
    if ask.user_id is not None or ask.text:
        return False
    return ask.groups is None or len(ask.groups) == 1


def _where(ask: paths.Ask) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [A.c.user_active == true()]
    if ask.groups is None:
        clauses.insert(0, A.c.organisation_id == ask.organisation_id)
    else:
        clauses.insert(0, A.c.group_id == literal(ask.groups[0], literal_execute=True))
    if ask.in_queue is not None:
        clauses.append(A.c.in_queue == literal(ask.in_queue, literal_execute=True))
    return clauses


def _matches(ask: paths.Ask, after: paths.Key | None) -> Any:
    stmt = select(A.c.user_id.label("id"), A.c.sort_last, A.c.sort_first).where(*_where(ask))
    if ask.row_text is not None:
        stmt = stmt.join(paths.USERS, paths.USERS.c.id == A.c.user_id).where(ask.row_text)
    if after is not None:
        from sqlalchemy import tuple_

        stmt = stmt.where(
            tuple_(*KEY)
            > tuple_(*(literal(v, type_=k.type) for v, k in zip(after, KEY, strict=True)))
        )
    return stmt


def sorted_page(session: Session, ask: paths.Ask, *, count: bool) -> paths.Found:
    """One page by name from the cursor, and (first page) the count up to COUNT_CAP + 1."""
    stmt = _matches(ask, ask.after).order_by(*KEY).limit(paths.PAGE_SIZE + 1)
    ids = [r.id for r in session.execute(stmt).all()]
    matches = paths.bounded_count(session, _matches(ask, None), paths.COUNT_CAP) if count else None
    return paths.Found(rows=paths.read_rows(session, ids), matches=matches)
