"""users: index for the user bank's removal-date listing

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:50:00.000000

Användarbanken lists removals newest first within a date range (and by remover); the
composite index makes that a single range read per organisation.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(
            'ix_users_bank_removed', ['organisation_id', 'status', 'removed_at', 'id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_bank_removed')
