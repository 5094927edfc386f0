"""PostgreSQL: cc_agents.search_text, each agent's search document, kept by triggers.

The agent list's text search on PostgreSQL reads agent rows only: a trigram GIN index on
cc_agents.search_text (100,000 agents) instead of the users' search document (a million
users, of whom one in eleven is an agent), so counting and paging join nothing.

The document is the users search's own, spelt by the same function
(search/ddl.py pg_search_doc) so the two cannot drift: ``first_name ' ' last_name \\x1f
username \\x1f email``, lower-cased with ICU, equal to users.search_doc. Database
triggers maintain it, like migration 0021's sort columns (models/agent_sort_ddl.py): a
new agent, and a change of a user's names, username or e-mail.

PostgreSQL only, and declared here rather than on the model, as users.search_doc is
(alembic/env.py hides both from `alembic check`, search/structures.py). SQLite keeps
its own text shapes (the search rows' FTS5 table), which meet the target there; a copy
of the document on its cc_agents rows doubled that table (1,309 -> 2,833 pages at 100,000
agents) and measured ~30% slower on its common-prefix shape, which probes those rows.
"""

from __future__ import annotations

import weakref
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from admin_portal.search.ddl import pg_search_doc

AGENTS_TABLE: Final = "cc_agents"
SEARCH_COLUMN: Final = "search_text"
PG_TRGM_INDEX: Final = "ix_cc_agents_search_trgm"
# Names `alembic check` must not report as drift (search/structures.py).
MIGRATION_ONLY_INDEXES: Final = frozenset({PG_TRGM_INDEX})
MIGRATION_ONLY_COLUMNS: Final = frozenset({SEARCH_COLUMN})
# The user columns the document is made of: a change of any of them rewrites it.
_DOC_COLUMNS: Final = ("first_name", "last_name", "username", "email")

_ADD_COLUMN: Final = (
    f"ALTER TABLE {AGENTS_TABLE} ADD COLUMN IF NOT EXISTS {SEARCH_COLUMN} text NOT NULL DEFAULT ''"
)
_BACKFILL: Final = (
    f"UPDATE {AGENTS_TABLE} SET {SEARCH_COLUMN} = "
    f"(SELECT {pg_search_doc('u.')} FROM users u WHERE u.id = {AGENTS_TABLE}.user_id)"
)
_CREATE_INDEX: Final = (
    f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON {AGENTS_TABLE} "
    f"USING gin ({SEARCH_COLUMN} gin_trgm_ops)"
)
_CHANGED: Final = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _DOC_COLUMNS)
_TRIGGERS: Final = (
    f"""CREATE OR REPLACE FUNCTION cc_agents_search_fill() RETURNS trigger AS $$
BEGIN
  SELECT {pg_search_doc("u.")} INTO NEW.{SEARCH_COLUMN} FROM users u WHERE u.id = NEW.user_id;
  NEW.{SEARCH_COLUMN} := coalesce(NEW.{SEARCH_COLUMN}, '');
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS trg_cc_agents_search_insert ON {AGENTS_TABLE}",
    f"""CREATE TRIGGER trg_cc_agents_search_insert BEFORE INSERT ON {AGENTS_TABLE}
FOR EACH ROW EXECUTE FUNCTION cc_agents_search_fill()""",
    f"""CREATE OR REPLACE FUNCTION cc_agents_search_user() RETURNS trigger AS $$
BEGIN
  UPDATE {AGENTS_TABLE} SET {SEARCH_COLUMN} = {pg_search_doc("NEW.")} WHERE user_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS trg_cc_agents_search_user ON users",
    f"""CREATE TRIGGER trg_cc_agents_search_user
AFTER UPDATE OF {", ".join(_DOC_COLUMNS)} ON users FOR EACH ROW
WHEN ({_CHANGED})
EXECUTE FUNCTION cc_agents_search_user()""",
)
_DROP: Final = (
    f"DROP TRIGGER IF EXISTS trg_cc_agents_search_insert ON {AGENTS_TABLE}",
    "DROP TRIGGER IF EXISTS trg_cc_agents_search_user ON users",
    "DROP FUNCTION IF EXISTS cc_agents_search_fill()",
    "DROP FUNCTION IF EXISTS cc_agents_search_user()",
    f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}",
    f"ALTER TABLE {AGENTS_TABLE} DROP COLUMN IF EXISTS {SEARCH_COLUMN}",
)


def create_agent_search(connection: Connection) -> None:
    """PostgreSQL: the column, every agent's document, the GIN index and the triggers
    (migration 0022; idempotent). Nothing on SQLite.

    pg_trgm comes from migration 0003. The backfill writes a new version of every agent
    row, and so a second entry in each of 0021's indexes: they are rebuilt (the list's
    walks read them), then the GIN index is built on the written rows.
    """
    if connection.dialect.name != "postgresql":
        return
    connection.execute(text(_ADD_COLUMN))
    connection.execute(text(_BACKFILL))
    connection.execute(text(f"REINDEX TABLE {AGENTS_TABLE}"))
    connection.execute(text(_CREATE_INDEX))
    for stmt in _TRIGGERS:
        connection.execute(text(stmt))
    connection.execute(text(f"ANALYZE {AGENTS_TABLE}"))


def drop_agent_search(connection: Connection) -> None:
    """PostgreSQL: remove the triggers, the index and the column (the downgrade)."""
    if connection.dialect.name != "postgresql":
        return
    for stmt in _DROP:
        connection.execute(text(stmt))


_AVAILABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def agent_search_available(connection: Connection) -> bool:
    """Cached per engine: does cc_agents carry the search text here (a PostgreSQL database
    migrated to 0022; not SQLite, nor a `create_all` schema)?"""
    engine = connection.engine
    found = _AVAILABLE.get(engine)
    if found is None:
        found = connection.dialect.name == "postgresql" and (
            connection.execute(
                text(
                    "SELECT 1 FROM information_schema.columns "
                    "WHERE table_name = :t AND column_name = :c AND table_schema = current_schema()"
                ),
                {"t": AGENTS_TABLE, "c": SEARCH_COLUMN},
            ).first()
            is not None
        )
        _AVAILABLE[engine] = found
    return found
