"""scim: the users whose keys the search's trigram structures cannot vouch for

- ix_users_scim_key_unlike: a partial index of the users whose username_key / email_key
  is not the lower case of what was typed (full-width letters, ß, ...). SCIM's `co`
  narrows through the search document and reads these few rows besides, so a filter
  gives the same answer whichever path runs (models/user.py KEY_UNLIKE_TEXT).

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-03 15:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0023'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As models/user.py KEY_UNLIKE_TEXT spelt them at this revision (the queries spell the
# predicate the same way, or the planners cannot use the partial index).
_SQLITE_WHERE = "username_key <> lower(username) OR email_key <> lower(email)"
_PG_WHERE = (
    'username_key <> lower(username COLLATE "und-x-icu") '
    'OR email_key <> lower(email COLLATE "und-x-icu")'
)


def upgrade() -> None:
    op.create_index(
        'ix_users_scim_key_unlike',
        'users',
        ['organisation_id', 'status', 'id'],
        unique=False,
        sqlite_where=sa.text(_SQLITE_WHERE),
        postgresql_where=sa.text(_PG_WHERE),
    )


def downgrade() -> None:
    op.drop_index('ix_users_scim_key_unlike', table_name='users')
