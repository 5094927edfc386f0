"""invitations: one open invitation per address and unit

Two admins inviting the same person into the same unit at the same moment both pass the
service's check; this partial unique index lets exactly one of them save.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 22:33:14.234330
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('uq_invitations_open_per_unit', ['unit_id', 'email_key'], unique=True, sqlite_where=sa.text("status IN ('created', 'sent', 'delivered', 'bounced', 'expired')"), postgresql_where=sa.text("status IN ('created', 'sent', 'delivered', 'bounced', 'expired')"))



def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('uq_invitations_open_per_unit', sqlite_where=sa.text("status IN ('created', 'sent', 'delivered', 'bounced', 'expired')"), postgresql_where=sa.text("status IN ('created', 'sent', 'delivered', 'bounced', 'expired')"))

