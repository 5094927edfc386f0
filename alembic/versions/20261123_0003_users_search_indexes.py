"""users: search indexes (keyset orderings, short prefixes, pg_trgm)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 21:00:00.000000

Physical tuning for admin_portal.search, written by hand: the statements
live in admin_portal.search.ddl so that this migration, `ensure_search_structures`
and the benchmark build the same thing. None of these indexes is on the models;
alembic/env.py tells `alembic check` to ignore them.

- Both databases: b-tree indexes for each keyset ordering (name, username, created) per
  organisation, company and unit, plus prefix indexes for 1–2 character searches.
- PostgreSQL: the pg_trgm extension and a GIN trigram index on the lower-cased search
  document, so substring searches of 3+ characters are index scans.
- SQLite: the FTS5 trigram table is NOT created here (it would add tables the models do
  not have); `search_ddl.ensure_search_structures(engine)` builds it. Downgrade removes it
  too if it exists, so downgrading leaves nothing of the search behind.
"""
from collections.abc import Sequence

from alembic import op

from admin_portal.search import ddl as search_ddl

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    search_ddl.create_btree_indexes(bind)
    if bind.dialect.name == "postgresql":
        search_ddl.create_pg_trigram(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        search_ddl.drop_pg_trigram(bind)
    elif bind.dialect.name == "sqlite":
        search_ddl.drop_sqlite_fts(bind)
    search_ddl.drop_btree_indexes(bind)
