"""Triggers that keep cc_agents' sort columns in step with users and queue sessions.

The agent list walks cc_agents in name order (organisation, group or in-queue first),
so each agent row carries a copy of its user's last name, first name and "active", and
an in-queue flag. Database triggers maintain them (not the services): every writer of
users or queue sessions, the bulk loads and the telephony endpoint included, keeps them
right. The same statements run from the migration (0021) and, for databases built with
`create_all` (tests), from the metadata's after_create event on cc_queue_sessions.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# 'active' in the statements below is models.user.UserStatus.ACTIVE (literal SQL).

_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS trg_cc_agents_sort_insert AFTER INSERT ON cc_agents
BEGIN
  UPDATE cc_agents SET
    sort_last = (SELECT last_name FROM users WHERE id = NEW.user_id),
    sort_first = (SELECT first_name FROM users WHERE id = NEW.user_id),
    user_active = (SELECT status = 'active' FROM users WHERE id = NEW.user_id),
    in_queue = EXISTS (SELECT 1 FROM cc_queue_sessions WHERE agent_id = NEW.user_id)
  WHERE user_id = NEW.user_id;
END""",
    """CREATE TRIGGER IF NOT EXISTS trg_cc_agents_sort_user
AFTER UPDATE OF last_name, first_name, status ON users
BEGIN
  UPDATE cc_agents SET sort_last = NEW.last_name, sort_first = NEW.first_name,
    user_active = (NEW.status = 'active')
  WHERE user_id = NEW.id;
END""",
    """CREATE TRIGGER IF NOT EXISTS trg_cc_agents_queue_in AFTER INSERT ON cc_queue_sessions
BEGIN
  UPDATE cc_agents SET in_queue = 1 WHERE user_id = NEW.agent_id AND in_queue = 0;
END""",
    """CREATE TRIGGER IF NOT EXISTS trg_cc_agents_queue_out AFTER DELETE ON cc_queue_sessions
BEGIN
  UPDATE cc_agents SET
    in_queue = EXISTS (SELECT 1 FROM cc_queue_sessions WHERE agent_id = OLD.agent_id)
  WHERE user_id = OLD.agent_id;
END""",
]

_PG = [
    """CREATE OR REPLACE FUNCTION cc_agents_sort_fill() RETURNS trigger AS $$
BEGIN
  SELECT u.last_name, u.first_name, u.status = 'active'
    INTO NEW.sort_last, NEW.sort_first, NEW.user_active
    FROM users u WHERE u.id = NEW.user_id;
  NEW.in_queue := EXISTS (SELECT 1 FROM cc_queue_sessions s WHERE s.agent_id = NEW.user_id);
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS trg_cc_agents_sort_insert ON cc_agents",
    """CREATE TRIGGER trg_cc_agents_sort_insert BEFORE INSERT ON cc_agents
FOR EACH ROW EXECUTE FUNCTION cc_agents_sort_fill()""",
    """CREATE OR REPLACE FUNCTION cc_agents_sort_user() RETURNS trigger AS $$
BEGIN
  UPDATE cc_agents SET sort_last = NEW.last_name, sort_first = NEW.first_name,
    user_active = (NEW.status = 'active')
  WHERE user_id = NEW.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS trg_cc_agents_sort_user ON users",
    """CREATE TRIGGER trg_cc_agents_sort_user AFTER UPDATE OF last_name, first_name, status
ON users FOR EACH ROW
WHEN (OLD.last_name IS DISTINCT FROM NEW.last_name
  OR OLD.first_name IS DISTINCT FROM NEW.first_name
  OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION cc_agents_sort_user()""",
    """CREATE OR REPLACE FUNCTION cc_agents_queue_flag() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE cc_agents SET in_queue = true WHERE user_id = NEW.agent_id AND NOT in_queue;
  ELSE
    UPDATE cc_agents SET
      in_queue = EXISTS (SELECT 1 FROM cc_queue_sessions WHERE agent_id = OLD.agent_id)
    WHERE user_id = OLD.agent_id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS trg_cc_agents_queue_flag ON cc_queue_sessions",
    """CREATE TRIGGER trg_cc_agents_queue_flag AFTER INSERT OR DELETE ON cc_queue_sessions
FOR EACH ROW EXECUTE FUNCTION cc_agents_queue_flag()""",
]

_BACKFILL = """UPDATE cc_agents SET
  sort_last = (SELECT last_name FROM users WHERE users.id = cc_agents.user_id),
  sort_first = (SELECT first_name FROM users WHERE users.id = cc_agents.user_id),
  user_active = (SELECT status = 'active' FROM users WHERE users.id = cc_agents.user_id),
  in_queue = EXISTS (SELECT 1 FROM cc_queue_sessions s WHERE s.agent_id = cc_agents.user_id)"""

_DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS trg_cc_agents_sort_insert",
    "DROP TRIGGER IF EXISTS trg_cc_agents_sort_user",
    "DROP TRIGGER IF EXISTS trg_cc_agents_queue_in",
    "DROP TRIGGER IF EXISTS trg_cc_agents_queue_out",
]
_DROP_PG = [
    "DROP TRIGGER IF EXISTS trg_cc_agents_sort_insert ON cc_agents",
    "DROP TRIGGER IF EXISTS trg_cc_agents_sort_user ON users",
    "DROP TRIGGER IF EXISTS trg_cc_agents_queue_flag ON cc_queue_sessions",
    "DROP FUNCTION IF EXISTS cc_agents_sort_fill()",
    "DROP FUNCTION IF EXISTS cc_agents_sort_user()",
    "DROP FUNCTION IF EXISTS cc_agents_queue_flag()",
]


def create_agent_sort_triggers(connection: Connection) -> None:
    """Create (or replace) the triggers on SQLite or PostgreSQL."""
    for stmt in _PG if connection.dialect.name == "postgresql" else _SQLITE:
        connection.execute(text(stmt))


def backfill_agent_sort(connection: Connection) -> None:
    """Copy every agent's names, status and queue state (the migration, once)."""
    connection.execute(text(_BACKFILL))


def drop_agent_sort_triggers(connection: Connection) -> None:
    """Remove the triggers (the migration's downgrade)."""
    for stmt in _DROP_PG if connection.dialect.name == "postgresql" else _DROP_SQLITE:
        connection.execute(text(stmt))
