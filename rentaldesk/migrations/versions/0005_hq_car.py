"""reservations.hq_car_id: the car head office has a reservation on, kept apart from the local car

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

A branch's engine may move reservations (other branches' among them) to make room for a request of
its own; that move is provisional until head office answers. The branch keeps head office's car
beside its own and puts every reservation back on it once no request of the branch waits in the
pool (docs/reservation-lifecycle.md). Rows head office has decided take their current car.

A plain ``ADD COLUMN`` (no batch copy of the table): the copy would drop 0003's triggers.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('reservations', sa.Column('hq_car_id', sa.Integer(), nullable=True))
    op.execute("UPDATE reservations SET hq_car_id = car_id WHERE hq_version > 0")


def downgrade() -> None:
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('hq_car_id')
