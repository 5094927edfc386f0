"""Everything the search builds beside the models, as one set: build it, or recognise it.

ddl.py (indexes, the FTS5 table, the stored document) and rows_ddl.py (the name-ordered
search rows, which build on ddl.py) are brought together here, so neither needs the other
at import time.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from admin_portal.models import agent_search_ddl
from admin_portal.search import ddl, rows_ddl


def is_search_structure(name: str | None) -> bool:
    """True for the indexes, tables and columns of ddl.py and rows_ddl.py (and the agents'
    search column and its index, models/agent_search_ddl.py): declared there rather than on the models (alembic/env.py hides them from `alembic check`)."""
    return (
        name in ddl.MIGRATION_ONLY_INDEXES
        or name in ddl.MIGRATION_ONLY_TABLES
        or name in ddl.MIGRATION_ONLY_COLUMNS
        or name in rows_ddl.ALL_TABLES
        or name in agent_search_ddl.MIGRATION_ONLY_INDEXES
        or name in agent_search_ddl.MIGRATION_ONLY_COLUMNS
    )


def ensure_search_structures(engine: Engine) -> None:
    """Create every search index (and the SQLite FTS5 table) if missing. Idempotent.

    Migration 0003 builds the b-tree indexes, 0006 the stored document and its trigram
    indexes (PostgreSQL) and the id-keyed lookup index (SQLite). On SQLite the
    FTS5 table is built here rather than in the migration: FTS5 adds real tables
    (users_search_fts and its shadow tables), and the migration test insists that the
    migrated schema holds exactly the model's tables. Call this after `alembic upgrade
    head` on a SQLite database that should search fast (the app, the benchmark); without
    it the search is still correct, just a scan.

    Last, on both databases, the name-ordered search rows (rows_ddl.py), derived from
    `users` like the FTS5 table.
    """
    with engine.begin() as connection:
        # 0006 replaced the superseded prefix indexes.
        ddl.create_btree_indexes(connection, skip=ddl.SUPERSEDED_PREFIX_INDEXES)
        if connection.dialect.name == "postgresql":
            connection.execute(text(ddl.PG_CREATE_EXTENSION))
        elif connection.dialect.name == "sqlite":
            ddl.create_sqlite_fts(connection)
        ddl.create_search_doc(connection)
        rows_ddl.create_search_rows(connection)
    ddl.forget_sqlite_structures(engine)
