"""scim: trigram indexes on the folded userName and e-mail keys (PostgreSQL)

- ix_users_scim_username_trgm, ix_users_scim_email_trgm: pg_trgm GIN indexes on
  username_key / email_key with the separators (. @ - _ +) read as a letter
  (admin_portal.search.ddl PG_KEY_TRGM_INDEXES). SCIM's `co`/`ew` on userName and emails
  narrow through these instead of the search document: candidates are about the matches,
  a substring across a separator ("na.lin") asks rare trigrams, and every user's key is
  served (no key-unlike users read apart). About a minute at 1,000,000 users.
  Physical tuning like 0006: alembic/env.py hides these names from `alembic check`.
- SQLite: nothing (FTS5 narrows there).

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-03 19:00:00
"""
from collections.abc import Sequence

from alembic import op

from admin_portal.search import ddl as search_ddl

revision: str = '0024'
down_revision: str | Sequence[str] | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    search_ddl.create_pg_key_trigram(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        search_ddl.drop_pg_key_trigram(op.get_bind())
