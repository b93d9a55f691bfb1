"""one-way returns: a reservation's return location, and the drop fee it was quoted with

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

``reservations.return_zip_code``: where the car is to be returned (a branch's zip code; null: where
it is picked up, as every reservation before). ``reservations.drop_fee``: the one-way fee as quoted
at booking (null: none, or a row of an earlier build), kept as the rate plan is, so a later change
of the fee never changes a booked price. Where a car is at a time is read from these and the car's
own ``zip_code`` (rentaldesk.car_location); no table of its own.
"""
import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


_MONEY = sa.Numeric(precision=10, scale=2)


def upgrade() -> None:
    # plain columns (SQLite adds them in place; a foreign key would rebuild the table and its
    # triggers): the zip code is checked against the branches by the booking rule
    op.add_column('reservations', sa.Column('return_zip_code', sa.String(length=16), nullable=True))
    op.add_column('reservations', sa.Column('drop_fee', _MONEY, nullable=True))
    op.create_index('ix_reservations_one_way', 'reservations', ['status', 'return_zip_code', 'vehicle_class'])


def downgrade() -> None:
    op.drop_index('ix_reservations_one_way', table_name='reservations')
    op.drop_column('reservations', 'drop_fee')
    op.drop_column('reservations', 'return_zip_code')
