"""agent list sort columns

The agent list (issue 16) walks cc_agents in name order: each agent row carries its
user's last and first name, whether the user is active, and an in-queue flag, kept in
step by database triggers (admin_portal/models/agent_sort_ddl.py), with indexes by
(organisation, name), (group, name) and (organisation, in queue, name).

Revision ID: 0021
Revises: 0023
Create Date: 2026-12-03 16:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from admin_portal.models import agent_sort_ddl

revision: str = '0021'
down_revision: str | Sequence[str] | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cc_agents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_last', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sort_first', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('user_active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('in_queue', sa.Boolean(), nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    agent_sort_ddl.backfill_agent_sort(bind)
    with op.batch_alter_table('cc_agents', schema=None) as batch_op:
        batch_op.create_index('ix_cc_agents_group_name', ['group_id', 'user_active', 'sort_last', 'sort_first', 'user_id'], unique=False)
        batch_op.create_index('ix_cc_agents_org_name', ['organisation_id', 'user_active', 'sort_last', 'sort_first', 'user_id'], unique=False)
        batch_op.create_index('ix_cc_agents_queue_name', ['organisation_id', 'in_queue', 'user_active', 'sort_last', 'sort_first', 'user_id'], unique=False)
    # Last: a batch operation that rebuilt cc_agents would drop its triggers.
    agent_sort_ddl.create_agent_sort_triggers(bind)
    # The new indexes' statistics (one table, cheap): planners pick them from the start.
    op.execute('ANALYZE cc_agents')


def downgrade() -> None:
    agent_sort_ddl.drop_agent_sort_triggers(op.get_bind())
    with op.batch_alter_table('cc_agents', schema=None) as batch_op:
        batch_op.drop_index('ix_cc_agents_queue_name')
        batch_op.drop_index('ix_cc_agents_org_name')
        batch_op.drop_index('ix_cc_agents_group_name')
        batch_op.drop_column('in_queue')
        batch_op.drop_column('user_active')
        batch_op.drop_column('sort_first')
        batch_op.drop_column('sort_last')
