"""branches: the longest rental, the booking horizon and the distance unit

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Two more period rules per branch (rentaldesk.rules.BranchRules): a rental lasts at most
``max_rental_minutes`` (default 90 days) and a pick-up is booked at most ``horizon_days`` ahead
(default 2 years). ``distance_unit`` ("km" or "mi"; default "mi", the sample branches are in the US)
is how the branch reads and shows odometers.

Plain ``ADD COLUMN``s (no batch copy of the table): the copy would drop 0003's triggers.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('branches', sa.Column('max_rental_minutes', sa.Integer(), nullable=False, server_default='129600'))
    op.add_column('branches', sa.Column('horizon_days', sa.Integer(), nullable=False, server_default='730'))
    op.add_column('branches', sa.Column('distance_unit', sa.String(length=2), nullable=False, server_default='mi'))


def downgrade() -> None:
    with op.batch_alter_table('branches', schema=None) as batch_op:
        batch_op.drop_column('distance_unit')
        batch_op.drop_column('horizon_days')
        batch_op.drop_column('max_rental_minutes')
