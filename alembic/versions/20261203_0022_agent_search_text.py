"""agent search text

The agent list's text search (issue 16) reads agent rows only: each cc_agents row
carries its user's search document (names, username, e-mail; lower-cased on PostgreSQL
as users.search_doc), kept in step by database triggers
(admin_portal/models/agent_search_ddl.py), with a trigram GIN index on PostgreSQL.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 18:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from admin_portal.models import agent_search_ddl, agent_sort_ddl

revision: str = '0022'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (no batch rebuild of cc_agents, which would
    # drop migration 0021's triggers on it).
    op.add_column('cc_agents', sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    agent_search_ddl.backfill_agent_search(bind)
    if bind.dialect.name == 'postgresql':
        # The backfill wrote a new version of every row, and so a second entry in each of
        # 0021's indexes (about twice their size until rebuilt): the list's walks read them.
        op.execute('REINDEX TABLE cc_agents')
    agent_search_ddl.create_agent_search_index(bind)
    agent_search_ddl.create_agent_search_triggers(bind)
    op.execute('ANALYZE cc_agents')


def downgrade() -> None:
    bind = op.get_bind()
    agent_search_ddl.drop_agent_search(bind)
    # SQLite's batch mode rebuilds cc_agents, which 0021's triggers name (the rename
    # fails while they exist): they are dropped meanwhile and created again.
    agent_sort_ddl.drop_agent_sort_triggers(bind)
    with op.batch_alter_table('cc_agents', schema=None) as batch_op:
        batch_op.drop_column('search_text')
    agent_sort_ddl.create_agent_sort_triggers(bind)
