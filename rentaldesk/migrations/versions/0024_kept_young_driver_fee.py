"""the reservation keeps the young-driver fee it was booked with (issue 11, the renter)

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-03

``reservations.young_driver_age`` and ``young_driver_fee_per_day``: the renter rule's young-driver
age and fee per day at booking, the way ``rate_plan`` keeps the plan, applied at check-in to the
renter's date of birth (often taken only at check-out), so a later change of the rule never changes
what check-in charges. A row of an earlier build keeps NULL and is charged by the rule in effect at
check-in, as before. A plain ``ADD COLUMN`` (a batch copy would drop 0003's and 0010's
triggers).
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('reservations', sa.Column('young_driver_age', sa.Integer(), nullable=True))
    op.add_column('reservations', sa.Column('young_driver_fee_per_day', sa.Numeric(precision=10, scale=2),
                                            nullable=True))


def downgrade() -> None:
    op.drop_column('reservations', 'young_driver_fee_per_day')
    op.drop_column('reservations', 'young_driver_age')
