"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('branches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('lead_time_minutes', sa.Integer(), nullable=False),
    sa.Column('min_rental_minutes', sa.Integer(), nullable=False),
    sa.Column('turnaround_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('lead_time_minutes >= 0', name=op.f('ck_branches_lead_time')),
    sa.CheckConstraint('min_rental_minutes > 0', name=op.f('ck_branches_min_rental')),
    sa.CheckConstraint('turnaround_minutes >= 0', name=op.f('ck_branches_turnaround')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branches')),
    sa.UniqueConstraint('code', name=op.f('uq_branches_code')),
    sa.UniqueConstraint('zip_code', name=op.f('uq_branches_zip_code'))
    )
    op.create_table('customers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('licence_number', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('email', name=op.f('uq_customers_email'))
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=400), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('vehicle_classes',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('day_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_vehicle_classes'))
    )
    op.create_table('drivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('licence_number', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('day_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=True),
    sa.CheckConstraint("status IN ('active', 'inactive')", name=op.f('ck_drivers_status')),
    sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_drivers_zip_code_branches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drivers')),
    sa.UniqueConstraint('licence_number', name=op.f('uq_drivers_licence_number'))
    )
    op.create_table('cars',
    sa.Column('car_id', sa.Integer(), nullable=False),
    sa.Column('plate_number', sa.String(length=16), nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('color', sa.String(length=32), nullable=False),
    sa.Column('transmission', sa.String(length=16), nullable=False),
    sa.Column('cost_per_day', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=True),
    sa.Column('vehicle_class', sa.String(length=32), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('odometer', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('available', 'maintenance', 'retired')", name=op.f('ck_cars_status')),
    sa.CheckConstraint('cost_per_day >= 0', name=op.f('ck_cars_cost_per_day')),
    sa.ForeignKeyConstraint(['driver_id'], ['drivers.id'], name=op.f('fk_cars_driver_id_drivers')),
    sa.ForeignKeyConstraint(['vehicle_class'], ['vehicle_classes.code'], name=op.f('fk_cars_vehicle_class_vehicle_classes')),
    sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_cars_zip_code_branches')),
    sa.PrimaryKeyConstraint('car_id', name=op.f('pk_cars')),
    sa.UniqueConstraint('plate_number', name=op.f('uq_cars_plate_number'))
    )
    with op.batch_alter_table('cars', schema=None) as batch_op:
        batch_op.create_index('ix_cars_pool', ['vehicle_class', 'zip_code'], unique=False)

    op.create_table('reservations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('vehicle_class', sa.String(length=32), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('car_id', sa.Integer(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('driver_id', sa.Integer(), nullable=True),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('price', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('picked_up_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('status_reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'active', 'completed', 'cancelled', 'expired', 'rejected')", name=op.f('ck_reservations_status')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_reservations_period')),
    sa.ForeignKeyConstraint(['car_id'], ['cars.car_id'], name=op.f('fk_reservations_car_id_cars')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_reservations_customer_id_customers')),
    sa.ForeignKeyConstraint(['driver_id'], ['drivers.id'], name=op.f('fk_reservations_driver_id_drivers')),
    sa.ForeignKeyConstraint(['vehicle_class'], ['vehicle_classes.code'], name=op.f('fk_reservations_vehicle_class_vehicle_classes')),
    sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_reservations_zip_code_branches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations')),
    sa.UniqueConstraint('reference', name=op.f('uq_reservations_reference'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_car_start', ['car_id', 'start_at'], unique=False)
        batch_op.create_index('ix_reservations_customer', ['customer_id', 'start_at'], unique=False)
        batch_op.create_index('ix_reservations_driver', ['driver_id', 'start_at'], unique=False)
        batch_op.create_index('ix_reservations_pool_window', ['vehicle_class', 'zip_code', 'status', 'end_at'], unique=False)
        batch_op.create_index('ix_reservations_status_end', ['status', 'end_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index('ix_reservations_status_end')
        batch_op.drop_index('ix_reservations_pool_window')
        batch_op.drop_index('ix_reservations_driver')
        batch_op.drop_index('ix_reservations_customer')
        batch_op.drop_index('ix_reservations_car_start')

    op.drop_table('reservations')
    with op.batch_alter_table('cars', schema=None) as batch_op:
        batch_op.drop_index('ix_cars_pool')

    op.drop_table('cars')
    op.drop_table('drivers')
    op.drop_table('vehicle_classes')
    op.drop_table('meta')
    op.drop_table('customers')
    op.drop_table('branches')
