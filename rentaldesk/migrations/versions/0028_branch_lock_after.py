"""each branch's idle time before the desk locks (issue 13, sign-in at the desk)

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-03

``branches`` gains ``lock_after_minutes`` (1 to 240; every earlier branch gets the desk's former
constant, 5 minutes). A plain ``ADD COLUMN`` with a constant default: no stored row changes, and a
batch copy of the table is not needed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('branches', sa.Column('lock_after_minutes', sa.Integer(), server_default='5', nullable=False))


def downgrade() -> None:
    op.execute("ALTER TABLE branches DROP COLUMN lock_after_minutes")
