"""The agent list's text search on PostgreSQL: agent rows only, through their trigram index.

On PostgreSQL each cc_agents row carries its user's search document (`search_text`, equal
to users.search_doc; migration 0022) and a copy of the user's names, "active" and
in-queue flag, all kept by database triggers (models/agent_search_ddl.py,
models/agent_sort_ddl.py). A text of TRIGRAM_MIN+ characters is then answered from
cc_agents alone: the GIN index `ix_cc_agents_search_trgm` over 100,000 agent documents
yields the matches (at 1M users a common 4-letter prefix matches ~3,000 agents rather
than the ~30,000 users the users' index yields, each then probed for being an agent),
the page is the best PAGE_SIZE + 1 of them by name and one window count gives the
bounded count.

The test is the one the other PostgreSQL shapes make (search.text.doc_contains on the
stored document): `document LIKE '%text%'` with the text lower-cased by str.lower, the
document by ICU. SQLite keeps its own shapes (agent_paths.py: the FTS5 trigram table over
the search rows), which meet the target there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    column,
    func,
    literal,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlmodel import Session

from admin_portal.models.agent_search_ddl import SEARCH_COLUMN, agent_search_available
from admin_portal.search.text import TRIGRAM_MIN, like_contains
from admin_portal.services.contact_centre import agent_paths as paths

A = paths.AGENTS
KEY = [A.c.sort_last, A.c.sort_first, A.c.user_id]
# Not on the model (PostgreSQL only, like users.search_doc): a column of cc_agents here.
SEARCH_TEXT: ColumnElement[str] = column(SEARCH_COLUMN, Text, _selectable=A)


def serves(session: Session, ask: paths.Ask) -> bool:
    """A text of TRIGRAM_MIN+ characters (not a numeric-ID hit), and agent rows that carry
    the search text (PostgreSQL migrated to 0022)."""
    return (
        len(ask.text) >= TRIGRAM_MIN
        and ask.user_id is None
        and agent_search_available(session.connection())
    )


def text_condition(text: str) -> ColumnElement[bool]:
    """cc_agents' document contains `text` (cleaned; the document is lower-cased)."""
    # A constant in the SQL, as in the users search: each text gets its own plan.
    pattern = literal(like_contains(text.lower()), literal_execute=True)
    return SEARCH_TEXT.like(pattern, escape="\\")


def _where(ask: paths.Ask) -> list[ColumnElement[bool]]:
    if ask.groups is None:
        scope = A.c.organisation_id == literal(ask.organisation_id, literal_execute=True)
    elif len(ask.groups) == 1:
        scope = A.c.group_id == literal(ask.groups[0], literal_execute=True)
    else:
        scope = A.c.group_id.in_(list(ask.groups))
    clauses = [scope, A.c.user_active == true(), text_condition(ask.text)]
    if ask.in_queue is not None:
        clauses.append(A.c.in_queue == literal(ask.in_queue, literal_execute=True))
    if ask.after is not None:
        bound = tuple_(*(literal(v, type_=k.type) for v, k in zip(ask.after, KEY, strict=True)))
        clauses.append(tuple_(*KEY) > bound)
    return clauses


def text_page(session: Session, ask: paths.Ask, *, count: bool) -> paths.Found:
    """One page of the matching agents by name, and (first page) every match counted.

    OFFSET 0 fences the matches: PostgreSQL reads them through the trigram index (or, for
    one group, its agents through the group's index) rather than walking every agent in
    name order testing each document; the few thousand keys are then sorted.
    """
    columns: list[Any] = [
        A.c.user_id.label("id"),
        A.c.sort_last.label("last_name"),
        A.c.sort_first.label("first_name"),
    ]
    if count:
        columns.append(func.count().over().label("matches"))
    m = select(*columns).where(*_where(ask)).offset(literal_column("0")).subquery("m")
    found = list(
        session.execute(
            select(m.c.id, *([m.c.matches] if count else []))
            .order_by(m.c.last_name, m.c.first_name, m.c.id)
            .limit(paths.PAGE_SIZE + 1)
        ).all()
    )
    matches = (found[0].matches if found else 0) if count else None
    return paths.Found(rows=paths.read_rows(session, [f.id for f in found]), matches=matches)
