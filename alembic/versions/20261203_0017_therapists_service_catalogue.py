"""therapists and the service catalogue

- users: ix_users_unit_status_name, the keyset index of Min organisation's Registrerade.
- services.needs_therapist: the employee chooses a therapist for the order (F4.5).
- service_orders.therapist_id / therapist_chosen_at: the chosen therapist, who alone reads
  the order's required fields.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 12:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(
            'ix_users_unit_status_name',
            ['unit_id', 'status', 'last_name', 'first_name', 'id'],
            unique=False,
        )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('needs_therapist', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('service_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('therapist_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('therapist_chosen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f('ix_service_orders_therapist_id'), ['therapist_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_service_orders_therapist_id_users'), 'users', ['therapist_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('service_orders', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_service_orders_therapist_id_users'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_service_orders_therapist_id'))
        batch_op.drop_column('therapist_chosen_at')
        batch_op.drop_column('therapist_id')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('needs_therapist')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_unit_status_name')
