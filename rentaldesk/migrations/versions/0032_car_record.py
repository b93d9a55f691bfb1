"""every branch sees the same car record (issue 11, item 10: head office's car record travels)

Revision ID: 0032
Revises: 0028
Create Date: 2026-12-04

``cars`` gains the last reading known at this database (``fuel_eighths``, ``read_at``,
``read_agreement``, ``read_zip_code``: empty on every earlier car, which then takes the first
record head office sends) and ``record_version`` (0: no record of head office's applied yet).
``car_known_damage`` (new) holds a car's damage marks recorded by other branches' agreements, as
head office's record brings them. ``hq_car_records`` gains ``version`` (1 on every earlier record:
above a branch's 0, so each goes out at once and every branch takes it), ``hq_car_damage`` gains ``zip_code`` (where a mark was
made; "" on earlier rows, which are then said at their agreement's check-out location). Plain ``ADD COLUMN``s with constant defaults and a
new table: no stored row changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cars', sa.Column('fuel_eighths', sa.Integer(), nullable=True))
    op.add_column('cars', sa.Column('read_at', sa.DateTime(), nullable=True))
    op.add_column('cars', sa.Column('read_agreement', sa.String(length=32), server_default='', nullable=False))
    op.add_column('cars', sa.Column('read_zip_code', sa.String(length=16), server_default='', nullable=False))
    op.add_column('cars', sa.Column('record_version', sa.Integer(), server_default='0', nullable=False))
    op.add_column('hq_car_records', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('hq_car_damage', sa.Column('zip_code', sa.String(length=16), server_default='', nullable=False))
    op.create_table('car_known_damage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('car_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('agreement_number', sa.String(length=32), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=3), nullable=False),
    sa.Column('zone', sa.String(length=16), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['car_id'], ['cars.car_id'], name=op.f('fk_car_known_damage_car_id_cars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_car_known_damage'))
    )
    op.create_index('ix_car_known_damage_car', 'car_known_damage', ['car_id', 'recorded_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_car_known_damage_car', table_name='car_known_damage')
    op.drop_table('car_known_damage')
    op.execute("ALTER TABLE hq_car_damage DROP COLUMN zip_code")
    op.execute("ALTER TABLE hq_car_records DROP COLUMN version")
    for column in ('record_version', 'read_zip_code', 'read_agreement', 'read_at', 'fuel_eighths'):
        op.execute(f"ALTER TABLE cars DROP COLUMN {column}")
