"""what a row of before the upgrade does not know: its extras; how its days were quoted (issue 11's review)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

``reservations.extras_known``: whether ``extras_json`` says what the reservation's extras are. A
row written before extras travelled has ``[]`` there without knowing (at head office, a branch's
reservation booked before the upgrade, or by a branch of an earlier build): 0, and head office's
state then carries no extras, which the branch reads as "keep yours". New rows say it (1).

``reservations.wall_clock_days``: whether the kept plan counts rental days on the branch's wall
clock. A row of before was quoted in 24-hour days from the pick-up: 0, and it is counted so to the
end (rentaldesk.pricing.as_quoted), so over a clock change it settles the days it was quoted.

Plain ADD COLUMNs (no batch copy), so 0010's triggers stay.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('reservations', sa.Column('extras_known', sa.Boolean(), server_default=sa.false(),
                                            nullable=False))
    op.add_column('reservations', sa.Column('wall_clock_days', sa.Boolean(), server_default=sa.false(),
                                            nullable=False))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite >= 3.35), not a batch copy that would drop 0010's triggers
    op.drop_column('reservations', 'wall_clock_days')
    op.drop_column('reservations', 'extras_known')
