"""The agent list: searchable, keyset-paged, with a bounded count ("1000+").

Like the users list (admin_portal/search/), the service picks each query's shape
(agent_text.py, agent_sorted.py, agent_paths.py) rather than leaving it to the planner, and the count travels in the
signed cursor (agent_cursor.py), so a later page is one statement.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from admin_portal.auth.permissions import Actor
from admin_portal.models import require_id
from admin_portal.search.text import TRIGRAM_MIN, clean_text, user_text_condition
from admin_portal.services.contact_centre import agent_paths as paths
from admin_portal.services.contact_centre import agent_sorted as sorted_walk
from admin_portal.services.contact_centre import agent_text
from admin_portal.services.contact_centre.agent_cursor import (
    AgentCursor,
    decode_agent_cursor,
    encode_agent_cursor,
)
from admin_portal.services.contact_centre.scope import groups_in_scope
from admin_portal.validation.ids import ID_MAX, is_id

QUERY_MAX = 100


@dataclass(frozen=True)
class AgentRow:
    id: int
    numeric_id: int | None
    name: str
    username: str
    group: str
    in_queue: bool


@dataclass(frozen=True)
class AgentPage:
    rows: list[AgentRow]
    total: int  # every match, at most agent_paths.COUNT_CAP
    total_is_lower_bound: bool  # True: there are more than `total` ("1000+")
    next_cursor: str | None  # None: this is the last page


EMPTY = AgentPage(rows=[], total=0, total_is_lower_bound=False, next_cursor=None)


def list_agents(
    session: Session,
    *,
    actor: Actor,
    query: object = "",
    group_id: object = None,
    in_queue: object = None,
    cursor: object = None,
) -> AgentPage:
    """One page of the agents in the actor's groups, by name, and a count bounded at
    agent_paths.COUNT_CAP ("1000+").

    A query of digits is a numeric ID, looked up exactly; when no user of the
    organisation has it, it is searched as text. Other text matches names, username
    and e-mail as substrings (case-insensitive, also for å, ä, ö).

    Args:
        group_id: one of the actor's groups; an id outside them matches nothing.
        in_queue: True (only logged in), False (only not), anything else: both.
        cursor: the previous page's `next_cursor`; anything else starts at page 1.

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    groups = {require_id(g): g.name for g in groups_in_scope(session, actor=actor)}
    if is_id(group_id) and group_id not in groups:
        return EMPTY
    if is_id(group_id):
        wanted: list[int] | None = [group_id]
    else:
        group_id = None
        wanted = None if actor.is_head_admin else list(groups)
    if wanted is not None and not wanted:
        return EMPTY
    queue = in_queue if isinstance(in_queue, bool) else None
    text = clean_text(query)[:QUERY_MAX] if isinstance(query, str) else ""
    bound: list[object] = [text, group_id, queue]
    after = decode_agent_cursor(actor, bound, cursor)
    ask = paths.Ask(
        organisation_id=actor.organisation_id,
        groups=wanted,
        in_queue=queue,
        row_text=None,
        index_text="",
        text="",
        user_id=None,
        after=None if after is None else after.after,
    )
    numeric = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None
    hit = None
    if numeric is not None and numeric <= ID_MAX:
        hit = paths.numeric_hit(session, actor.organisation_id, numeric)
    if hit is not None:
        ask = paths.Ask(**{**ask.__dict__, "user_id": hit})
    elif text:
        folded = unicodedata.normalize("NFKC", text).casefold()
        ask = paths.Ask(**{**ask.__dict__, "row_text": user_text_condition(folded), "text": text})
    found, total, more = _read(session, ask, text, counted=after)
    if not found:
        return AgentPage(rows=[], total=total, total_is_lower_bound=more, next_cursor=None)
    next_cursor = None
    rows = found[: paths.PAGE_SIZE]
    if len(found) > paths.PAGE_SIZE:
        last = rows[-1]
        next_cursor = encode_agent_cursor(
            actor, bound, (last.last_name, last.first_name, last.id), total=total, more=more
        )
    return AgentPage(
        rows=[
            AgentRow(
                id=r.id,
                numeric_id=r.numeric_id,
                name=f"{r.first_name} {r.last_name}".strip(),
                username=r.username,
                group=groups.get(r.group_id, ""),
                in_queue=bool(r.in_queue),
            )
            for r in rows
        ],
        total=total,
        total_is_lower_bound=more,
        next_cursor=next_cursor,
    )


def _read(
    session: Session, ask: paths.Ask, text: str, *, counted: object
) -> tuple[list[Any], int, bool]:
    """(up to agent_paths.PAGE_SIZE + 1 rows, the bounded count, whether it is a lower bound)."""
    known = counted if isinstance(counted, AgentCursor) else None
    if agent_text.serves(session, ask):
        # PostgreSQL and a text for the trigram index: the agents' own documents.
        found = agent_text.text_page(session, ask, count=known is None)
        if known is not None:
            return found.rows, known.total, known.more
        n = found.matches or 0
        return found.rows, min(n, paths.COUNT_CAP), n > paths.COUNT_CAP
    if sorted_walk.serves(ask):
        found = sorted_walk.sorted_page(session, ask, count=known is None)
        matches = found.matches
        if known is not None:
            return found.rows, known.total, known.more
        n = matches or 0
        return found.rows, min(n, paths.COUNT_CAP), n > paths.COUNT_CAP
    small = ask.user_id is not None or paths.agent_side(session, ask) <= paths.SMALL_AGENTS
    indexed = len(text) >= TRIGRAM_MIN and ask.user_id is None and paths.rows_available(session)
    if small or (text and not indexed and len(text) >= TRIGRAM_MIN):
        # A small agent side, or a text with no index to serve it: read and sort them all.
        found = paths.small_page(session, ask, count=known is None)
        matches = found.matches
    elif indexed:
        ask = paths.Ask(**{**ask.__dict__, "row_text": None, "index_text": text})
        found = paths.rows_page(session, ask, count=known is None)
        matches = found.matches
    else:
        found = paths.walk_page(session, ask)
        matches = None if known else paths.walk_count(session, ask)
    if known is not None:
        return found.rows, known.total, known.more
    n = matches or 0
    return found.rows, min(n, paths.COUNT_CAP), n > paths.COUNT_CAP


def group_names(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the groups the list may filter on."""
    return [(require_id(g), g.name) for g in groups_in_scope(session, actor=actor)]
