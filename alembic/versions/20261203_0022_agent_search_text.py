"""agent search text

The agent list's text search (issue 16) on PostgreSQL reads agent rows only: each
cc_agents row carries its user's search document (names, username, e-mail, lower-cased
as users.search_doc), kept in step by database triggers, with a trigram GIN index
(admin_portal/models/agent_search_ddl.py). PostgreSQL only, like users.search_doc; on
SQLite this revision changes nothing (its text search keeps the FTS5 search rows).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 18:40:00
"""
from collections.abc import Sequence

from alembic import op

from admin_portal.models import agent_search_ddl

revision: str = '0022'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    agent_search_ddl.create_agent_search(op.get_bind())


def downgrade() -> None:
    agent_search_ddl.drop_agent_search(op.get_bind())
