"""The name-ordered search rows: a narrow copy of each user's search fields, kept in name order.

Why it exists: a common surname ("andersson", 2 % of a million users) sorted by name puts
tens of thousands of matches together, far from the list's start. No ordered index can
also test a substring, so the users search had to find every match and read its sort key
(30-50 ms at 1,000,000 users). This table holds one row per user, numbered (`pos`) in
name order (last_name, first_name, id) when it is (re)ordered:

- SQLite: its FTS5 trigram table is keyed by `pos`, so the matches of a search stream in
  name order and a page stops after its rows (`ORDER BY rowid LIMIT n`, under a
  millisecond), however many match.
- PostgreSQL: the rows are stored in name order (CLUSTER), so a trigram bitmap scan of a
  common surname reads a few hundred neighbouring pages instead of one page per match,
  and the GIN posting lists of neighbouring rows compress well (about a third of the
  cost of the same scan on `users`).

Invariant (what the SQLite search relies on): rows with `pos <= ordered_upto` (in
USER_SEARCH_ORDER_TABLE) are in exact name order by `pos`. Triggers on `users` keep it:
a new user gets a new, larger `pos` (the "tail"); a change of name deletes the row and
adds it again at the tail; any other change (username, e-mail, status, company, unit)
updates the row where it is, since it does not move the row in name order. The tail is
searched in full and merged; `reorder_search_rows` (run by the worker when the tail has
grown, see search/rows_maintenance.py) renumbers everything in name order.
Correctness never depends on when that runs, only the speed does.

Like the FTS5 table in ddl.py, this is derived data built by
`ensure_search_structures` (structures.py; from `users`, at any time), not a model:
`create_all` and the migrations leave it out, and the users search uses it only where it
exists. Its tables, to query, are in admin_portal/models/search_rows.py.
"""

from __future__ import annotations

import weakref
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from admin_portal.models.search_rows import ORDER_TABLE, ROWS_FTS, ROWS_TABLE
from admin_portal.search.ddl import USERS_TABLE, pg_search_doc, sqlite_search_doc

PG_POS_SEQUENCE: Final = "user_search_rows_pos_seq"
PG_SYNC_FUNCTION: Final = "user_search_rows_sync"
PG_ORDER_INDEX: Final = "ix_user_search_rows_order"  # what CLUSTER orders by
PG_DOC_INDEX: Final = "ix_user_search_rows_doc_trgm"
PG_DOC_REMOVED_INDEX: Final = "ix_user_search_rows_doc_trgm_removed"

# Columns copied from users (besides id -> user_id and the document).
_COPIED: Final = (
    "organisation_id",
    "status",
    "company_id",
    "unit_id",
    "removed_at",  # the user bank's month + text search reads it here (search/user_bank.py)
    "last_name",
    "first_name",
)
_NAME_COLUMNS: Final = ("first_name", "last_name")
# Changing these updates the row in place (they do not move it in name order).
_IN_PLACE: Final = (
    "username",
    "email",
    "status",
    "organisation_id",
    "company_id",
    "unit_id",
    "removed_at",
)

ALL_TABLES: Final = frozenset(
    {
        ROWS_TABLE,
        ORDER_TABLE,
        ROWS_FTS,
        *(f"{ROWS_FTS}_{s}" for s in ("data", "idx", "config", "docsize", "content")),
    }
)

# --------------------------------------------------------------------------- SQLite


def _sqlite_values(row: str) -> str:
    return ", ".join([f"{row}.id", *(f"{row}.{c}" for c in _COPIED), sqlite_search_doc(f"{row}.")])


_INSERT_COLUMNS: Final = ", ".join(["user_id", *_COPIED, "search_doc"])
_SQLITE_NAME_CHANGED: Final = " OR ".join(f"new.{c} IS NOT old.{c}" for c in _NAME_COLUMNS)
_SQLITE_FTS_TRIGGERS: Final = (
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_fts_ai AFTER INSERT ON {ROWS_TABLE} BEGIN "
    f"INSERT INTO {ROWS_FTS} (rowid, search_doc) VALUES (new.pos, new.search_doc); END",
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_fts_ad AFTER DELETE ON {ROWS_TABLE} BEGIN "
    f"INSERT INTO {ROWS_FTS} ({ROWS_FTS}, rowid, search_doc) "
    f"VALUES ('delete', old.pos, old.search_doc); END",
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_fts_au AFTER UPDATE OF search_doc ON {ROWS_TABLE} "
    f"BEGIN INSERT INTO {ROWS_FTS} ({ROWS_FTS}, rowid, search_doc) "
    f"VALUES ('delete', old.pos, old.search_doc); "
    f"INSERT INTO {ROWS_FTS} (rowid, search_doc) VALUES (new.pos, new.search_doc); END",
)
_SQLITE_FTS_TRIGGER_NAMES: Final = tuple(f"{ROWS_TABLE}_fts_{s}" for s in ("ai", "ad", "au"))
_SQLITE_USERS_TRIGGER_NAMES: Final = tuple(
    f"{ROWS_TABLE}_users_{s}" for s in ("ai", "ad", "au_name", "au")
)

SQLITE_CREATE: Final = (
    # AUTOINCREMENT: a new row's pos is larger than any pos ever used, so it never lands
    # inside the ordered part, even after the last ordered row was deleted.
    f"CREATE TABLE IF NOT EXISTS {ROWS_TABLE} ("
    "pos INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL UNIQUE, "
    "organisation_id INTEGER NOT NULL, status TEXT NOT NULL, company_id INTEGER, "
    "unit_id INTEGER, removed_at DATETIME, last_name TEXT NOT NULL, first_name TEXT NOT NULL, "
    "search_doc TEXT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {ORDER_TABLE} ("
    "id INTEGER PRIMARY KEY CHECK (id = 1), ordered_upto INTEGER NOT NULL)",
    f"INSERT OR IGNORE INTO {ORDER_TABLE} (id, ordered_upto) VALUES (1, 0)",
    # The same trigram index as users_search_fts (ddl.py), keyed by pos.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ROWS_FTS} USING fts5("
    f"search_doc, content='{ROWS_TABLE}', content_rowid='pos', "
    "tokenize='trigram case_sensitive 0', columnsize=0)",
    *_SQLITE_FTS_TRIGGERS,
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_users_ai AFTER INSERT ON {USERS_TABLE} BEGIN "
    f"INSERT INTO {ROWS_TABLE} ({_INSERT_COLUMNS}) VALUES ({_sqlite_values('new')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_users_ad AFTER DELETE ON {USERS_TABLE} BEGIN "
    f"DELETE FROM {ROWS_TABLE} WHERE user_id = old.id; END",
    # A new name moves the row to the tail: the ordered part stays in exact order.
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_users_au_name "
    f"AFTER UPDATE OF {', '.join(_NAME_COLUMNS)} ON {USERS_TABLE} "
    f"WHEN {_SQLITE_NAME_CHANGED} BEGIN "
    f"DELETE FROM {ROWS_TABLE} WHERE user_id = old.id; "
    f"INSERT INTO {ROWS_TABLE} ({_INSERT_COLUMNS}) VALUES ({_sqlite_values('new')}); END",
    f"CREATE TRIGGER IF NOT EXISTS {ROWS_TABLE}_users_au "
    f"AFTER UPDATE OF {', '.join(_IN_PLACE)} ON {USERS_TABLE} "
    f"WHEN NOT ({_SQLITE_NAME_CHANGED}) BEGIN "
    f"UPDATE {ROWS_TABLE} SET "
    + ", ".join(f"{c} = new.{c}" for c in _COPIED if c not in _NAME_COLUMNS)
    + f", search_doc = {sqlite_search_doc('new.')} WHERE user_id = new.id; END",
)

# Renumbering in name order, in one transaction (writers wait; WAL readers keep reading the
# previous snapshot). The FTS triggers are dropped meanwhile: one 'rebuild' of the trigram
# index is far cheaper than a million single-row deletes and inserts.
SQLITE_REORDER: Final = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_FTS_TRIGGER_NAMES),
    f"INSERT INTO {ROWS_FTS} ({ROWS_FTS}) VALUES ('delete-all')",
    f"DELETE FROM {ROWS_TABLE}",
    f"INSERT INTO {ROWS_TABLE} (pos, {_INSERT_COLUMNS}) "
    f"SELECT row_number() OVER (ORDER BY last_name, first_name, id), {_sqlite_values(USERS_TABLE)} "
    f"FROM {USERS_TABLE}",
    f"INSERT INTO {ROWS_FTS} ({ROWS_FTS}) VALUES ('rebuild')",
    f"INSERT INTO {ROWS_FTS} ({ROWS_FTS}) VALUES ('optimize')",
    *_SQLITE_FTS_TRIGGERS,
)

SQLITE_DROP: Final = (
    *(f"DROP TRIGGER IF EXISTS {n}" for n in _SQLITE_USERS_TRIGGER_NAMES),
    *(f"DROP TRIGGER IF EXISTS {n}" for n in _SQLITE_FTS_TRIGGER_NAMES),
    f"DROP TABLE IF EXISTS {ROWS_FTS}",
    f"DROP TABLE IF EXISTS {ROWS_TABLE}",
    f"DROP TABLE IF EXISTS {ORDER_TABLE}",
)

# --------------------------------------------------------------------------- PostgreSQL


def _pg_values(row: str) -> str:
    return ", ".join([f"{row}.id", *(f"{row}.{c}" for c in _COPIED), pg_search_doc(f"{row}.")])


_PG_NAME_SAME: Final = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _NAME_COLUMNS)
_PG_INSERT: Final = f"INSERT INTO {ROWS_TABLE} ({_INSERT_COLUMNS}) VALUES ({_pg_values('NEW')});"

PG_CREATE: Final = (
    f"CREATE SEQUENCE IF NOT EXISTS {PG_POS_SEQUENCE}",
    f"CREATE TABLE IF NOT EXISTS {ROWS_TABLE} ("
    f"pos bigint PRIMARY KEY DEFAULT nextval('{PG_POS_SEQUENCE}'), "
    "user_id integer NOT NULL UNIQUE, organisation_id integer NOT NULL, "
    "status varchar(20) NOT NULL, company_id integer, unit_id integer, "
    "removed_at timestamp without time zone, "
    "last_name varchar(100) NOT NULL, first_name varchar(100) NOT NULL, "
    "search_doc text NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {ORDER_TABLE} ("
    "id integer PRIMARY KEY CHECK (id = 1), ordered_upto bigint NOT NULL)",
    f"INSERT INTO {ORDER_TABLE} (id, ordered_upto) VALUES (1, 0) ON CONFLICT DO NOTHING",
    f"CREATE OR REPLACE FUNCTION {PG_SYNC_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF TG_OP = 'DELETE' THEN\n"
    f"    DELETE FROM {ROWS_TABLE} WHERE user_id = OLD.id; RETURN NULL;\n"
    "  END IF;\n"
    f"  IF TG_OP = 'UPDATE' AND {_PG_NAME_SAME} THEN\n"
    f"    UPDATE {ROWS_TABLE} SET "
    + ", ".join(f"{c} = NEW.{c}" for c in _COPIED if c not in _NAME_COLUMNS)
    + f", search_doc = {pg_search_doc('NEW.')} WHERE user_id = NEW.id;\n"
    "    RETURN NULL;\n"
    "  END IF;\n"
    "  -- a new user, or a new name: (again) at the tail\n"
    "  IF TG_OP = 'UPDATE' THEN\n"
    f"    DELETE FROM {ROWS_TABLE} WHERE user_id = OLD.id;\n"
    "  END IF;\n"
    f"  {_PG_INSERT}\n"
    "  RETURN NULL;\n"
    "END $$",
    f"DROP TRIGGER IF EXISTS {ROWS_TABLE}_sync ON {USERS_TABLE}",
    f"CREATE TRIGGER {ROWS_TABLE}_sync AFTER INSERT OR DELETE OR UPDATE OF "
    f"{', '.join(_NAME_COLUMNS + _IN_PLACE)} ON {USERS_TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {PG_SYNC_FUNCTION}()",
)
# Filled in name order before the indexes exist: the table starts out physically ordered.
PG_FILL: Final = (
    f"INSERT INTO {ROWS_TABLE} (pos, {_INSERT_COLUMNS}) "
    f"SELECT nextval('{PG_POS_SEQUENCE}'), s.* FROM (SELECT {_pg_values(USERS_TABLE)} "
    f"FROM {USERS_TABLE} ORDER BY last_name, first_name, id) s"
)
PG_INDEXES: Final = (
    f"CREATE INDEX IF NOT EXISTS {PG_ORDER_INDEX} ON {ROWS_TABLE} (last_name, first_name, user_id)",
    f"CREATE INDEX IF NOT EXISTS {PG_DOC_INDEX} ON {ROWS_TABLE} USING gin (search_doc gin_trgm_ops)",
    # The user bank searches removed users only: their own, smaller index.
    f"CREATE INDEX IF NOT EXISTS {PG_DOC_REMOVED_INDEX} ON {ROWS_TABLE} "
    "USING gin (search_doc gin_trgm_ops) WHERE status = 'removed'",
)
# CLUSTER rewrites the table in name order (searches wait for it: ~10 s at 1,000,000).
PG_REORDER: Final = (
    f"CLUSTER {ROWS_TABLE} USING {PG_ORDER_INDEX}",
    f"ANALYZE {ROWS_TABLE}",
)
PG_DROP: Final = (
    f"DROP TRIGGER IF EXISTS {ROWS_TABLE}_sync ON {USERS_TABLE}",
    f"DROP FUNCTION IF EXISTS {PG_SYNC_FUNCTION}()",
    f"DROP TABLE IF EXISTS {ROWS_TABLE}",
    f"DROP TABLE IF EXISTS {ORDER_TABLE}",
    f"DROP SEQUENCE IF EXISTS {PG_POS_SEQUENCE}",
)

_SET_ORDERED_UPTO: Final = (
    f"UPDATE {ORDER_TABLE} SET ordered_upto = "
    f"(SELECT coalesce(max(pos), 0) FROM {ROWS_TABLE}) WHERE id = 1"
)

# --------------------------------------------------------------------------- apply


def create_search_rows(connection: Connection) -> None:
    """Create the table, its triggers and indexes, filled in name order. Idempotent."""
    dialect = connection.dialect.name
    if has_search_rows(connection):
        if dialect == "sqlite" and _sqlite_users_triggers_missing(connection):
            # A batch migration that rebuilt `users` drops its triggers, so the rows may
            # have missed changes: the triggers come back and the rows are rebuilt.
            for statement in SQLITE_CREATE:
                connection.execute(text(statement))
            reorder_search_rows(connection)
        return
    if dialect == "sqlite":
        for statement in SQLITE_CREATE:
            connection.execute(text(statement))
        reorder_search_rows(connection)
    elif dialect == "postgresql":
        # No user may change between the copy and the trigger taking over.
        connection.execute(text(f"LOCK TABLE {USERS_TABLE} IN SHARE ROW EXCLUSIVE MODE"))
        for statement in PG_CREATE:
            connection.execute(text(statement))
        connection.execute(text(PG_FILL))
        for statement in PG_INDEXES:
            connection.execute(text(statement))
        connection.execute(text(_SET_ORDERED_UPTO))
        connection.execute(text(f"ANALYZE {ROWS_TABLE}"))
    _AVAILABLE.pop(connection.engine, None)


def _sqlite_users_triggers_missing(connection: Connection) -> bool:
    found = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :users"),
        {"users": USERS_TABLE},
    ).scalars()
    return not set(_SQLITE_USERS_TRIGGER_NAMES) <= set(found)


def drop_search_rows(connection: Connection) -> None:
    for statement in SQLITE_DROP if connection.dialect.name == "sqlite" else PG_DROP:
        connection.execute(text(statement))
    _AVAILABLE.pop(connection.engine, None)


def reorder_search_rows(connection: Connection) -> None:
    """Put every row in name order again (the tail included); the caller commits."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_REORDER:
            connection.execute(text(statement))
    else:
        for statement in PG_REORDER:
            connection.execute(text(statement))
    connection.execute(text(_SET_ORDERED_UPTO))


def ordered_upto(connection: Connection) -> int:
    """The last pos of the ordered part (rows after it are the tail)."""
    value = connection.execute(
        text(f"SELECT ordered_upto FROM {ORDER_TABLE} WHERE id = 1")
    ).scalar()
    return int(value or 0)


def tail_size(connection: Connection) -> tuple[int, int]:
    """(rows in the tail, all rows): how far the table has drifted from name order."""
    upto = ordered_upto(connection)
    tail = connection.execute(
        text(f"SELECT count(*) FROM {ROWS_TABLE} WHERE pos > :upto"),
        {"upto": upto},
    ).scalar_one()
    total = connection.execute(text(f"SELECT count(*) FROM {ROWS_TABLE}")).scalar_one()
    return int(tail), int(total)


def has_search_rows(connection: Connection) -> bool:
    if connection.dialect.name == "sqlite":
        found = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": ROWS_FTS},
        ).first()
        return found is not None
    return (
        connection.execute(text(f"SELECT to_regclass('{ROWS_TABLE}') IS NOT NULL")).scalar() is True
    )


# Per engine, like ddl.py's FTS check: the search asks on every keystroke.
_AVAILABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def search_rows_available(connection: Connection) -> bool:
    """Cached per engine: may the users search use the name-ordered search rows?"""
    engine = connection.engine
    found = _AVAILABLE.get(engine)
    if found is None:
        found = has_search_rows(connection)
        _AVAILABLE[engine] = found
    return found
