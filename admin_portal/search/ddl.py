"""DDL for the users search: b-tree indexes for keyset paging, trigram indexes for substrings.

Why a module of raw DDL rather than `Index(...)` on the model: the indexes are physical
tuning for one query (admin_portal.search), several are expression or
per-dialect indexes SQLAlchemy cannot describe portably, and the SQLite trigram index is an
FTS5 virtual table with triggers. Keeping them out of `SQLModel.metadata` means
`create_all` (unit tests) builds a plain, correct schema, and alembic/env.py's
`include_object` hides exactly the names listed here (`structures.is_search_structure`)
from `alembic check`.

The same statements serve three callers, so they can never drift apart:
- migration 0003 (b-tree indexes on both databases, pg_trgm + GIN on PostgreSQL) and
  migration 0006 (PostgreSQL's stored `search_doc` column and its GIN indexes, which
  replace 0003's expression indexes; SQLite's id-keyed lookup index; on both, prefix
  indexes that carry the name, which replace 0003's);
- `structures.ensure_search_structures(engine)` (idempotent; also builds the SQLite FTS5
  table);
- `bench/users_search.py`, which measures exactly what the migration builds.

The searchable document of a user is ``first_name ' ' last_name \\x1f username \\x1f email``.
The unit separator (\\x1f) never occurs in a search text (the service strips control
characters), so a match can span first and last name ("anna ber" finds Anna Berg) but
never two different fields.
"""

from __future__ import annotations

import weakref
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from admin_portal.search.columns import SEARCHED_COLUMNS

USERS_TABLE: Final = "users"

# --------------------------------------------------------------------------- b-tree

# Keyset orderings: equality on the scope and status columns, then the sort key, then id
# as the tie-breaker, so "rows after (key, id)" is one index range read in either
# direction. Per-company and per-unit variants let a company or unit administrator page
# through their own users without reading the rest of the organisation.
_ORDERINGS: Final = {
    "name": "last_name, first_name, id",
    "username": "username_key, id",
    "created": "created_at, id",
}
# organisation_id follows company_id/unit_id (it is constant within them) so the scope
# test, which always includes the organisation, is answered from the index alone.
_SCOPES: Final = {
    "org": "organisation_id",
    "company": "company_id, organisation_id",
    "unit": "unit_id, organisation_id",
}
# Units are small; only the default (name) ordering gets a per-unit index. Any other sort
# within a unit reads the unit's rows through that index and sorts a few thousand rows.
_SCOPE_SORTS: Final = {
    "org": ("name", "username", "created"),
    "company": ("name", "username", "created"),
    "unit": ("name",),
}


def _ordering_indexes() -> dict[str, str]:
    return {
        f"ix_users_search_{scope}_{sort}": f"{_SCOPES[scope]}, status, {_ORDERINGS[sort]}"
        for scope, sorts in _SCOPE_SORTS.items()
        for sort in sorts
    }


# Prefix search for one- and two-character texts (too short for trigrams). Ranges are
# compared byte-wise: BINARY on SQLite, COLLATE "C" on PostgreSQL (whatever the
# database's locale), so `col >= 'An' AND col < 'Ao'` is exactly "starts with An".
_PREFIX_COLUMNS: Final = {
    "ix_users_search_prefix_first": "first_name",
    "ix_users_search_prefix_last": "last_name",
    "ix_users_search_prefix_username": "username_key",
    "ix_users_search_prefix_email": "email_key",
}


# The two busiest orderings (a head administrator's list by name, a unit's list by name)
# carry every column the search reads (columns.SEARCHED_COLUMNS), so walking them never visits the table: on
# PostgreSQL an index-only scan, on SQLite a covering index. That is about five times
# cheaper per row than fetching each row, and the walks read thousands of rows.
_COVERING: Final = ("ix_users_search_org_name", "ix_users_search_unit_name")


def btree_index_ddl(dialect: str) -> dict[str, str]:
    """Index name -> CREATE INDEX statement for `dialect` ("sqlite" or "postgresql")."""
    statements = {}
    for name, columns in _ordering_indexes().items():
        carried = ""
        if name in _COVERING:
            keys = {c.strip() for c in columns.split(",")}
            extra = ", ".join(c for c in SEARCHED_COLUMNS if c not in keys)
            carried = f" INCLUDE ({extra})" if dialect == "postgresql" else ""
            columns = columns if dialect == "postgresql" else f"{columns}, {extra}"
        statements[name] = (
            f"CREATE INDEX IF NOT EXISTS {name} ON {USERS_TABLE} ({columns}){carried}"
        )
    # Filter-only lists ("assistants with an unverified e-mail") are counted from the index.
    statements["ix_users_search_filters"] = (
        f"CREATE INDEX IF NOT EXISTS ix_users_search_filters ON {USERS_TABLE} "
        "(organisation_id, status, user_type, email_verified_at, email_key)"
    )
    collate = ' COLLATE "C"' if dialect == "postgresql" else ""
    for name, column in _PREFIX_COLUMNS.items():
        if dialect != "postgresql" and column in ("last_name", "username_key"):
            continue  # SQLite compares bytewise anyway: the org ordering indexes serve these
        statements[name] = (
            f"CREATE INDEX IF NOT EXISTS {name} ON {USERS_TABLE} "
            f"(organisation_id, status, {column}{collate})"
        )
    return statements


BTREE_INDEX_NAMES: Final = frozenset(btree_index_ddl("postgresql"))  # a superset of SQLite's

# --------------------------------------------------------------------------- PostgreSQL

# Lower-cased with ICU: lower() under the C locale (common on servers) folds ASCII only, and
# "ÅSA" must find "Åsa". The service lower-cases the search text with Python's str.lower,
# which follows the same Unicode mapping.


def pg_search_doc(prefix: str = "") -> str:
    """The lower-cased search document as a PostgreSQL expression over `prefix` columns.

    Queries must spell it exactly as the index does (constants, not bound parameters), or
    the planner cannot match the expression to the GIN index.
    """
    p = prefix
    return (
        f"lower(({p}first_name || ' ' || {p}last_name || chr(31) || {p}username || chr(31) "
        f"|| coalesce({p}email, '')) COLLATE \"und-x-icu\")"
    )


PG_SEARCH_DOC: Final = pg_search_doc()
PG_TRGM_INDEX: Final = "ix_users_search_trgm"
PG_CREATE_EXTENSION: Final = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
PG_CREATE_TRGM_INDEX: Final = (
    f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON {USERS_TABLE} "
    f"USING gin ({PG_SEARCH_DOC} gin_trgm_ops)"
)
# Removed users (the user bank) are a tenth of all: searching them through this smaller
# index reads a tenth of the candidates. Queries spell status as a constant so the
# planner can prove the index applies.
PG_TRGM_REMOVED_INDEX: Final = "ix_users_search_trgm_removed"
PG_CREATE_TRGM_REMOVED_INDEX: Final = (
    f"CREATE INDEX IF NOT EXISTS {PG_TRGM_REMOVED_INDEX} ON {USERS_TABLE} "
    f"USING gin ({PG_SEARCH_DOC} gin_trgm_ops) WHERE status = 'removed'"
)
PG_DROP_TRGM_INDEX: Final = f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}"
# pg_trgm is left installed on downgrade if anything else came to depend on it.
PG_DROP_EXTENSION: Final = "DROP EXTENSION IF EXISTS pg_trgm RESTRICT"

# --------------------------------------------------------------------------- SQLite FTS5


def sqlite_search_doc(prefix: str = "") -> str:
    """The searchable document as an SQLite expression over `prefix`-qualified columns."""
    p = prefix
    return (
        f"{p}first_name || ' ' || {p}last_name || char(31) || {p}username || char(31) "
        f"|| coalesce({p}email, '')"
    )


SQLITE_FTS_TABLE: Final = "users_search_fts"
# External content: the FTS table stores only the trigram index; the document itself is
# computed from `users` by this view, so 'rebuild' and 'integrity-check' work.
SQLITE_DOC_VIEW: Final = "users_search_doc"
SQLITE_TRIGGERS: Final = (
    "users_search_fts_ai",
    "users_search_fts_ad",
    "users_search_fts_au",
)
# The virtual table and the shadow tables FTS5 creates for it (reflection lists them all).
SQLITE_FTS_TABLES: Final = frozenset(
    {
        SQLITE_FTS_TABLE,
        *(f"{SQLITE_FTS_TABLE}_{s}" for s in ("data", "idx", "config", "docsize", "content")),
    }
)

SQLITE_CREATE_FTS: Final = (
    f"CREATE VIEW IF NOT EXISTS {SQLITE_DOC_VIEW} (id, doc) AS "  # noqa: S608 (constants)
    f"SELECT id, {sqlite_search_doc()} FROM {USERS_TABLE}",
    # trigram: every 3-character substring is a token, so MATCH '"ber"' is a substring
    # query; case_sensitive 0 folds Unicode case (Å/å). columnsize=0: no ranking needed.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_FTS_TABLE} USING fts5("
    f"doc, content='{SQLITE_DOC_VIEW}', content_rowid='id', "
    "tokenize='trigram case_sensitive 0', columnsize=0)",
    f"CREATE TRIGGER IF NOT EXISTS users_search_fts_ai AFTER INSERT ON {USERS_TABLE} BEGIN "  # noqa: S608 (constants)
    f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, doc) VALUES (new.id, {sqlite_search_doc('new.')}); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS users_search_fts_ad AFTER DELETE ON {USERS_TABLE} BEGIN "  # noqa: S608 (constants)
    f"INSERT INTO {SQLITE_FTS_TABLE} ({SQLITE_FTS_TABLE}, rowid, doc) "
    f"VALUES ('delete', old.id, {sqlite_search_doc('old.')}); "
    "END",
    # Only changes to the searched columns touch the index (removal changes status only).
    f"CREATE TRIGGER IF NOT EXISTS users_search_fts_au "  # noqa: S608 (constants)
    f"AFTER UPDATE OF first_name, last_name, username, email ON {USERS_TABLE} BEGIN "
    f"INSERT INTO {SQLITE_FTS_TABLE} ({SQLITE_FTS_TABLE}, rowid, doc) "
    f"VALUES ('delete', old.id, {sqlite_search_doc('old.')}); "
    f"INSERT INTO {SQLITE_FTS_TABLE} (rowid, doc) VALUES (new.id, {sqlite_search_doc('new.')}); "
    "END",
    # Index the rows that exist already (a no-op on an empty table), then merge the index
    # into one segment: phrase queries over common trigrams read a third less.
    f"INSERT INTO {SQLITE_FTS_TABLE} ({SQLITE_FTS_TABLE}) VALUES ('rebuild')",  # noqa: S608 (constants)
    f"INSERT INTO {SQLITE_FTS_TABLE} ({SQLITE_FTS_TABLE}) VALUES ('optimize')",  # noqa: S608 (constants)
)
SQLITE_DROP_FTS: Final = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {SQLITE_FTS_TABLE}",
    f"DROP VIEW IF EXISTS {SQLITE_DOC_VIEW}",
)

# --------------------------------------------------------------------------- 0006

# PostgreSQL: the lower-cased document stored in the row (a generated column, so every
# write path keeps it right without the services knowing), and the trigram indexes on it
# instead of on the expression. A bitmap scan rechecks each candidate row: a LIKE on a
# stored string instead of concatenating and ICU-lower-casing four columns, per row.
# The ordered walks keep testing the expression (PG_SEARCH_DOC over the columns the
# covering index carries), which needs no heap visit; both spell the same document.
PG_SEARCH_COLUMN: Final = "search_doc"
PG_ADD_SEARCH_COLUMN: Final = (
    f"ALTER TABLE {USERS_TABLE} ADD COLUMN IF NOT EXISTS {PG_SEARCH_COLUMN} text "
    f"GENERATED ALWAYS AS ({PG_SEARCH_DOC}) STORED"
)
PG_DOC_TRGM_INDEX: Final = "ix_users_search_doc_trgm"
PG_DOC_TRGM_REMOVED_INDEX: Final = "ix_users_search_doc_trgm_removed"
PG_CREATE_DOC_TRGM_INDEXES: Final = (
    f"CREATE INDEX IF NOT EXISTS {PG_DOC_TRGM_INDEX} ON {USERS_TABLE} "
    f"USING gin ({PG_SEARCH_COLUMN} gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS {PG_DOC_TRGM_REMOVED_INDEX} ON {USERS_TABLE} "
    f"USING gin ({PG_SEARCH_COLUMN} gin_trgm_ops) WHERE status = 'removed'",
)

# SQLite: the FTS5 table yields the ids of every match, and each is looked up for its
# scope and sort key. Through the table that is a read of a wide row (~300 bytes); this
# narrow index, keyed by id, answers the same lookup from a fraction of the pages, at
# about half the cost. The users search names it (INDEXED BY) when it covers the query.
SQLITE_KEY_INDEX: Final = "ix_users_search_key"
SQLITE_KEY_COLUMNS: Final = (
    "id",
    "organisation_id",
    "status",
    "company_id",
    "unit_id",
    "last_name",
    "first_name",
)
SQLITE_CREATE_KEY_INDEX: Final = (
    f"CREATE INDEX IF NOT EXISTS {SQLITE_KEY_INDEX} ON {USERS_TABLE} "
    f"({', '.join(SQLITE_KEY_COLUMNS)})"
)


# Searches of 1-2 characters: each "starts with" range (per column and case spelling)
# gives its own first page in sort order, and the page is the best of those. For the name
# sort each range must then be read from the index alone, so 0006 replaces 0003's prefix
# indexes by ones that also carry the name. SQLite's org name ordering index serves the
# last name (it compares bytewise anyway), PostgreSQL needs a "C"-collated one.
_SORTED_PREFIX: Final = {
    # name: (column, the name columns the index must carry besides it)
    "ix_users_search_first_by_name": ("first_name", ("last_name",)),
    "ix_users_search_last_by_name": ("last_name", ("first_name",)),
    "ix_users_search_username_by_name": ("username_key", ("last_name", "first_name")),
    "ix_users_search_email_by_name": ("email_key", ("last_name", "first_name")),
}


def sorted_prefix_index_ddl(dialect: str) -> dict[str, str]:
    """Migration 0006's prefix indexes: index name -> CREATE INDEX for `dialect`."""
    statements = {}
    for name, (column, carried) in _SORTED_PREFIX.items():
        if dialect == "postgresql":
            keys = f'organisation_id, status, {column} COLLATE "C"'
            tail = f" INCLUDE ({', '.join(carried)}, id)"  # SQLite's carry the rowid anyway
        elif column == "last_name":
            continue  # ix_users_search_org_name
        else:
            keys, tail = f"organisation_id, status, {column}, {', '.join(carried)}", ""
        statements[name] = f"CREATE INDEX IF NOT EXISTS {name} ON {USERS_TABLE} ({keys}){tail}"
    return statements


SORTED_PREFIX_INDEX_NAMES: Final = frozenset(_SORTED_PREFIX)
# 0003's prefix indexes, which 0006 drops (and its downgrade builds again).
SUPERSEDED_PREFIX_INDEXES: Final = frozenset(_PREFIX_COLUMNS)


def create_search_doc(connection: Connection) -> None:
    """Migration 0006 (idempotent): PostgreSQL's stored document and its trigram indexes
    (replacing 0003's expression indexes); SQLite's id-keyed lookup index; on both the
    prefix indexes that carry the name (replacing 0003's)."""
    for statement in sorted_prefix_index_ddl(connection.dialect.name).values():
        connection.execute(text(statement))
    for name in sorted(SUPERSEDED_PREFIX_INDEXES):
        connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
    if connection.dialect.name == "postgresql":
        connection.execute(text(PG_CREATE_EXTENSION))
        connection.execute(text(PG_ADD_SEARCH_COLUMN))
        for statement in PG_CREATE_DOC_TRGM_INDEXES:
            connection.execute(text(statement))
        connection.execute(text(f"DROP INDEX IF EXISTS {PG_TRGM_REMOVED_INDEX}"))
        connection.execute(text(PG_DROP_TRGM_INDEX))
    elif connection.dialect.name == "sqlite":
        connection.execute(text(SQLITE_CREATE_KEY_INDEX))


def drop_search_doc(connection: Connection) -> None:
    """Undo create_search_doc: back to 0003's expression and prefix indexes."""
    for name, statement in btree_index_ddl(connection.dialect.name).items():
        if name in SUPERSEDED_PREFIX_INDEXES:
            connection.execute(text(statement))
    for name in sorted(SORTED_PREFIX_INDEX_NAMES):
        connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
    if connection.dialect.name == "postgresql":
        connection.execute(text(PG_CREATE_TRGM_INDEX))
        connection.execute(text(PG_CREATE_TRGM_REMOVED_INDEX))
        connection.execute(text(f"DROP INDEX IF EXISTS {PG_DOC_TRGM_REMOVED_INDEX}"))
        connection.execute(text(f"DROP INDEX IF EXISTS {PG_DOC_TRGM_INDEX}"))
        connection.execute(
            text(f"ALTER TABLE {USERS_TABLE} DROP COLUMN IF EXISTS {PG_SEARCH_COLUMN}")
        )
    elif connection.dialect.name == "sqlite":
        connection.execute(text(f"DROP INDEX IF EXISTS {SQLITE_KEY_INDEX}"))


# PostgreSQL, SCIM's userName / emails substrings (services/api_clients/scim_search.py):
# trigram indexes on the folded keys themselves, so a key's own trigrams narrow (the
# search document holds what was typed, and names besides). The separators are read as
# a letter: pg_trgm splits words at them, and "na.lin" would ask every word ending in
# "na" and every word starting "lin" (posting lists of 100,000+ entries, ~5-20 ms to
# read); as "nazlin" it asks the rare trigrams "azl", "zli". Both sides are translated
# alike, so "key contains x" still implies "translated key contains translated x".
PG_KEY_SEPARATORS: Final = ".@-_+"
PG_KEY_TRGM_INDEXES: Final = {
    "ix_users_scim_username_trgm": "username_key",
    "ix_users_scim_email_trgm": "email_key",
}


def pg_key_trigram_text(column: str) -> str:
    """The indexed expression for a key column (queries spell it the same way)."""
    return f"translate({column}, '{PG_KEY_SEPARATORS}', '{'z' * len(PG_KEY_SEPARATORS)}')"


def pg_key_trigram_value(value: str) -> str:
    """A folded key's substring as the indexed expression translates it."""
    return value.translate(str.maketrans(PG_KEY_SEPARATORS, "z" * len(PG_KEY_SEPARATORS)))


def create_pg_key_trigram(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    connection.execute(text(PG_CREATE_EXTENSION))
    for name, column in PG_KEY_TRGM_INDEXES.items():
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {name} ON {USERS_TABLE} "
                f"USING gin ({pg_key_trigram_text(column)} gin_trgm_ops)"
            )
        )


def drop_pg_key_trigram(connection: Connection) -> None:
    for name in PG_KEY_TRGM_INDEXES:
        connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


# Names `alembic check` must not report as drift (see alembic/env.py include_object).
MIGRATION_ONLY_INDEXES: Final = BTREE_INDEX_NAMES | {
    PG_TRGM_INDEX,
    PG_TRGM_REMOVED_INDEX,
    PG_DOC_TRGM_INDEX,
    PG_DOC_TRGM_REMOVED_INDEX,
    SQLITE_KEY_INDEX,
    *SORTED_PREFIX_INDEX_NAMES,
    *PG_KEY_TRGM_INDEXES,
}
MIGRATION_ONLY_TABLES: Final = SQLITE_FTS_TABLES
MIGRATION_ONLY_COLUMNS: Final = frozenset({PG_SEARCH_COLUMN})  # of users only


# --------------------------------------------------------------------------- apply


def create_btree_indexes(connection: Connection, *, skip: frozenset[str] = frozenset()) -> None:
    for name, statement in btree_index_ddl(connection.dialect.name).items():
        if name not in skip:
            connection.execute(text(statement))


def drop_btree_indexes(connection: Connection) -> None:
    for name in sorted(BTREE_INDEX_NAMES):
        connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


def create_pg_trigram(connection: Connection) -> None:
    connection.execute(text(PG_CREATE_EXTENSION))
    connection.execute(text(PG_CREATE_TRGM_INDEX))
    connection.execute(text(PG_CREATE_TRGM_REMOVED_INDEX))


def drop_pg_trigram(connection: Connection) -> None:
    connection.execute(text(f"DROP INDEX IF EXISTS {PG_TRGM_REMOVED_INDEX}"))
    connection.execute(text(PG_DROP_TRGM_INDEX))
    connection.execute(text(PG_DROP_EXTENSION))


def create_sqlite_fts(connection: Connection) -> None:
    if has_sqlite_fts_table(connection):
        return  # 'rebuild' on a large table takes a while: only on first creation
    for statement in SQLITE_CREATE_FTS:
        connection.execute(text(statement))


def drop_sqlite_fts(connection: Connection) -> None:
    for statement in SQLITE_DROP_FTS:
        connection.execute(text(statement))


def has_sqlite_fts_table(connection: Connection) -> bool:
    row = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": SQLITE_FTS_TABLE},
    ).first()
    return row is not None


# Whether an engine's SQLite database has the FTS table (and the id-keyed lookup index),
# detected once per engine: the search asks on every keystroke and the answer only changes
# through ensure_search_structures (or a migration, after which the app restarts).
_FTS_PRESENT: weakref.WeakKeyDictionary[Engine, tuple[bool, bool]] = weakref.WeakKeyDictionary()


def _sqlite_structures(connection: Connection) -> tuple[bool, bool]:
    engine = connection.engine
    found = _FTS_PRESENT.get(engine)
    if found is None:
        key_index = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name"),
            {"name": SQLITE_KEY_INDEX},
        ).first()
        found = (has_sqlite_fts_table(connection), key_index is not None)
        _FTS_PRESENT[engine] = found
    return found


def sqlite_fts_available(connection: Connection) -> bool:
    """Cached per engine: may the users search use the FTS5 trigram table?"""
    return _sqlite_structures(connection)[0]


def sqlite_key_index_available(connection: Connection) -> bool:
    """Cached per engine: does SQLITE_KEY_INDEX exist (so INDEXED BY may name it)?"""
    return _sqlite_structures(connection)[1]


def forget_sqlite_structures(engine: Engine) -> None:
    """Detect the FTS table and the key index again on `engine`'s next search."""
    _FTS_PRESENT.pop(engine, None)
