"""users: stored search document (PostgreSQL), id-keyed lookup (SQLite), name-carrying prefix indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 21:30:00.000000

Physical tuning for admin_portal.search and the user bank's text search,
written by hand; the statements live in admin_portal.search.ddl (see there for
why), and alembic/env.py hides these names from `alembic check`.

- PostgreSQL: `users.search_doc`, a STORED generated column holding the lower-cased
  search document (the very expression 0003 indexed), with the pg_trgm GIN indexes on it
  (all users, and removed users only); 0003's two expression GIN indexes are dropped.
  A generated column is right after every INSERT and UPDATE, whatever writes it. Adding
  it rewrites the users table once (about a minute at 1,000,000 users).
- SQLite: `ix_users_search_key` (id, organisation_id, status, company_id, unit_id,
  last_name, first_name): a narrow lookup for the ids the FTS5 table finds.
- Both: the prefix indexes for 1-2 character searches (0003's ix_users_search_prefix_*)
  are replaced by ix_users_search_*_by_name, which also carry the name (and id), so each
  "starts with" range yields its first page sorted by name from the index alone.

Downgrade restores 0003's expression and prefix indexes and drops the column and the
new indexes.
"""
from collections.abc import Sequence

from alembic import op

from admin_portal.search import ddl as search_ddl

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    search_ddl.create_search_doc(op.get_bind())


def downgrade() -> None:
    search_ddl.drop_search_doc(op.get_bind())
