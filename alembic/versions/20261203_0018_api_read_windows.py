"""api read windows, scim id index

- ix_users_scim_org_id: SCIM's list by id (startIndex skips narrow index entries).
- api_client_read_windows: per API client and minute, the count of its read calls and
  the one audit event that reports them (reads are audited per client per minute).

Revision ID: 0018
Revises: 0020
Create Date: 2026-12-03 12:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0018'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_client_read_windows',
    sa.Column('api_client_id', sa.Integer(), nullable=False),
    sa.Column('window_start', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reads', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('audit_event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_clients.id'], name=op.f('fk_api_client_read_windows_api_client_id_api_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['audit_event_id'], ['audit_events.id'], name=op.f('fk_api_client_read_windows_audit_event_id_audit_events')),
    sa.PrimaryKeyConstraint('api_client_id', 'window_start', name=op.f('pk_api_client_read_windows'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_scim_org_id', ['organisation_id', 'status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_scim_org_id')
    op.drop_table('api_client_read_windows')
