"""Triggers that keep cc_agents.search_text, the agent's search document, in step with users.

The agent list's text search on PostgreSQL reads agent rows only: a trigram GIN index on
cc_agents.search_text (100,000 agents) instead of the users' search document (a million
users, of whom one in eleven is an agent), then joins nothing to count and page.

The document is the users search's own (admin_portal/search/ddl.py), spelt by the same
functions so the two can never drift: ``first_name ' ' last_name \\x1f username \\x1f
email``, lower-cased with ICU on PostgreSQL (as users.search_doc and the search rows
store it), as typed on SQLite (as its FTS5 document; SQLite's queries fold the text).
Database triggers maintain it, like migration 0021's sort columns
(models/agent_sort_ddl.py): a new agent, and a change of a user's names, username or
e-mail. The same statements run from migration 0022 and, for `create_all` databases
(tests), from the metadata's after_create event on cc_queue_sessions.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection

from admin_portal.search.ddl import pg_search_doc, sqlite_search_doc

AGENTS_TABLE: Final = "cc_agents"
SEARCH_COLUMN: Final = "search_text"
# PostgreSQL only, declared here rather than on the model (like the users' trigram
# indexes): alembic/env.py hides it from `alembic check` (search/structures.py).
PG_TRGM_INDEX: Final = "ix_cc_agents_search_trgm"
PG_CREATE_TRGM_INDEX: Final = (
    f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON {AGENTS_TABLE} "
    f"USING gin ({SEARCH_COLUMN} gin_trgm_ops)"
)
MIGRATION_ONLY_INDEXES: Final = frozenset({PG_TRGM_INDEX})
# The user columns the document is made of: a change of any of them rewrites it.
_DOC_COLUMNS: Final = ("first_name", "last_name", "username", "email")


def _sqlite() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS trg_cc_agents_search_insert AFTER INSERT ON {AGENTS_TABLE}
BEGIN
  UPDATE {AGENTS_TABLE} SET {SEARCH_COLUMN} =
    (SELECT {sqlite_search_doc("u.")} FROM users u WHERE u.id = NEW.user_id)
  WHERE user_id = NEW.user_id;
END""",
        f"""CREATE TRIGGER IF NOT EXISTS trg_cc_agents_search_user
AFTER UPDATE OF {", ".join(_DOC_COLUMNS)} ON users
BEGIN
  UPDATE {AGENTS_TABLE} SET {SEARCH_COLUMN} = {sqlite_search_doc("NEW.")}
  WHERE user_id = NEW.id;
END""",
    ]


def _pg() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _DOC_COLUMNS)
    return [
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
WHEN ({changed})
EXECUTE FUNCTION cc_agents_search_user()""",
    ]


def _backfill(dialect: str) -> str:
    doc = pg_search_doc("u.") if dialect == "postgresql" else sqlite_search_doc("u.")
    return (
        f"UPDATE {AGENTS_TABLE} SET {SEARCH_COLUMN} = "
        f"(SELECT {doc} FROM users u WHERE u.id = {AGENTS_TABLE}.user_id)"
    )


_DROP_SQLITE: Final = (
    "DROP TRIGGER IF EXISTS trg_cc_agents_search_insert",
    "DROP TRIGGER IF EXISTS trg_cc_agents_search_user",
)
_DROP_PG: Final = (
    f"DROP TRIGGER IF EXISTS trg_cc_agents_search_insert ON {AGENTS_TABLE}",
    "DROP TRIGGER IF EXISTS trg_cc_agents_search_user ON users",
    "DROP FUNCTION IF EXISTS cc_agents_search_fill()",
    "DROP FUNCTION IF EXISTS cc_agents_search_user()",
)


def create_agent_search_triggers(connection: Connection) -> None:
    """Create (or replace) the triggers on SQLite or PostgreSQL."""
    for stmt in _pg() if connection.dialect.name == "postgresql" else _sqlite():
        connection.execute(text(stmt))


def backfill_agent_search(connection: Connection) -> None:
    """Write every agent's search document (the migration, once)."""
    connection.execute(text(_backfill(connection.dialect.name)))


def create_agent_search_index(connection: Connection) -> None:
    """PostgreSQL: the trigram GIN index over the agents' documents (pg_trgm, from 0003)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(PG_CREATE_TRGM_INDEX))


def drop_agent_search(connection: Connection) -> None:
    """Remove the triggers and the index (the migration's downgrade)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}"))
        for stmt in _DROP_PG:
            connection.execute(text(stmt))
    else:
        for stmt in _DROP_SQLITE:
            connection.execute(text(stmt))
