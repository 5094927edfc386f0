"""The name-ordered search rows and their SQLite FTS5 table, as tables to query.

Derived data, not a model: admin_portal/search/rows_ddl.py creates, fills and keeps
them (triggers on `users`), and `create_all` and the migrations leave them out (they use
their own metadata). Only the users search and the user bank read them.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

ROWS_TABLE: Final = "user_search_rows"
ORDER_TABLE: Final = "user_search_order"
ROWS_FTS: Final = "user_search_rows_fts"  # SQLite only

# For building queries only: never created through this metadata.
_METADATA = MetaData()
search_rows = Table(
    ROWS_TABLE,
    _METADATA,
    Column("pos", Integer, primary_key=True),
    Column("user_id", Integer),
    Column("organisation_id", Integer),
    Column("status", String),
    Column("company_id", Integer),
    Column("unit_id", Integer),
    Column("removed_at", DateTime()),  # the type of users.removed_at
    Column("last_name", String),
    Column("first_name", String),
    Column("search_doc", Text),  # PostgreSQL: lower-cased, GIN-indexed; SQLite: as typed
)
search_rows_fts = Table(ROWS_FTS, _METADATA, Column("rowid", Integer))  # SQLite
