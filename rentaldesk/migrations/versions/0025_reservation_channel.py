"""the channel a reservation came through: the counter or the web (issue 12, the dashboard)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03

``reservations`` gains ``channel`` ('counter' or 'web'; every earlier reservation was taken at a
counter or on the command line, so 'counter'). Added in place (ALTER TABLE ... ADD COLUMN with a
constant default), not by a batch copy of the table: a copy would drop the change-log triggers
migration 0010 put on ``reservations``.
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('reservations', sa.Column('channel', sa.String(length=16), server_default='counter',
                                            nullable=False))


def downgrade() -> None:
    op.execute("ALTER TABLE reservations DROP COLUMN channel")
