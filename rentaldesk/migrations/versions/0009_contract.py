"""rental agreements, readings, damage marks and the payments ledger (issue 11)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

New tables only (rentaldesk.contracts, rentaldesk.payments): ``agreement_sequences`` (the next
agreement number per branch), ``agreements`` (readings out and in, extras, deposit, signature,
the charges fixed at check-in), ``damage_marks`` and ``payments`` (the append-only ledger).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(precision=10, scale=2)


def upgrade() -> None:
    op.create_table(
        'agreement_sequences',
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('next_number', sa.Integer(), nullable=False),
        sa.CheckConstraint('next_number >= 1', name=op.f('ck_agreement_sequences_next_number')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'],
                                name=op.f('fk_agreement_sequences_zip_code_branches')),
        sa.PrimaryKeyConstraint('zip_code', name=op.f('pk_agreement_sequences')),
    )
    op.create_table(
        'agreements',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('reservation_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('car_id', sa.Integer(), nullable=False),
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('booked_class', sa.String(length=32), nullable=False),
        sa.Column('vehicle_class', sa.String(length=32), nullable=False),
        sa.Column('upgrade_reason', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('licence_checked', sa.Boolean(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('quoted', _MONEY, nullable=False),
        sa.Column('out_at', sa.DateTime(), nullable=False),
        sa.Column('out_odometer', sa.Integer(), nullable=False),
        sa.Column('out_fuel_eighths', sa.Integer(), nullable=False),
        sa.Column('in_at', sa.DateTime(), nullable=True),
        sa.Column('in_zip_code', sa.String(length=16), nullable=True),
        sa.Column('in_odometer', sa.Integer(), nullable=True),
        sa.Column('in_fuel_eighths', sa.Integer(), nullable=True),
        sa.Column('plan_json', sa.Text(), nullable=False),
        sa.Column('extras_json', sa.Text(), nullable=False),
        sa.Column('deposit_amount', _MONEY, nullable=False),
        sa.Column('deposit_method', sa.String(length=8), nullable=False),
        sa.Column('deposit_reference', sa.String(length=64), nullable=False),
        sa.Column('signature_png', sa.LargeBinary(), nullable=False),
        sa.Column('damage_charge', _MONEY, nullable=True),
        sa.Column('charges_json', sa.Text(), nullable=True),
        sa.Column('total', _MONEY, nullable=True),
        sa.Column('write_off_reason', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('on rent', 'returned', 'closed')", name=op.f('ck_agreements_status')),
        sa.CheckConstraint('out_fuel_eighths BETWEEN 0 AND 8', name=op.f('ck_agreements_out_fuel')),
        sa.CheckConstraint('in_fuel_eighths IS NULL OR in_fuel_eighths BETWEEN 0 AND 8',
                           name=op.f('ck_agreements_in_fuel')),
        sa.CheckConstraint('in_odometer IS NULL OR in_odometer >= out_odometer', name=op.f('ck_agreements_odometer')),
        sa.CheckConstraint('deposit_amount >= 0', name=op.f('ck_agreements_deposit')),
        sa.CheckConstraint("deposit_method IN ('card', 'cash')", name=op.f('ck_agreements_deposit_method')),
        sa.ForeignKeyConstraint(['booked_class'], ['vehicle_classes.code'],
                                name=op.f('fk_agreements_booked_class_vehicle_classes')),
        sa.ForeignKeyConstraint(['car_id'], ['cars.car_id'], name=op.f('fk_agreements_car_id_cars')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_agreements_customer_id_customers')),
        sa.ForeignKeyConstraint(['in_zip_code'], ['branches.zip_code'],
                                name=op.f('fk_agreements_in_zip_code_branches')),
        sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'],
                                name=op.f('fk_agreements_reservation_id_reservations')),
        sa.ForeignKeyConstraint(['vehicle_class'], ['vehicle_classes.code'],
                                name=op.f('fk_agreements_vehicle_class_vehicle_classes')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_agreements_zip_code_branches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
        sa.UniqueConstraint('number', name=op.f('uq_agreements_number')),
        sa.UniqueConstraint('reservation_id', name=op.f('uq_agreements_reservation_id')),
    )
    op.create_index('ix_agreements_car', 'agreements', ['car_id', 'out_at'])
    op.create_index('ix_agreements_status', 'agreements', ['status', 'zip_code'])
    op.create_table(
        'damage_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.String(length=36), nullable=False),
        sa.Column('car_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=3), nullable=False),
        sa.Column('zone', sa.String(length=16), nullable=False),
        sa.Column('x', sa.Float(), nullable=False),
        sa.Column('y', sa.Float(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('photo', sa.LargeBinary(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("stage IN ('out', 'in')", name=op.f('ck_damage_marks_stage')),
        sa.CheckConstraint('x >= 0 AND x <= 1 AND y >= 0 AND y <= 1', name=op.f('ck_damage_marks_position')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'],
                                name=op.f('fk_damage_marks_agreement_id_agreements')),
        sa.ForeignKeyConstraint(['car_id'], ['cars.car_id'], name=op.f('fk_damage_marks_car_id_cars')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_damage_marks')),
    )
    op.create_index('ix_damage_marks_car', 'damage_marks', ['car_id', 'recorded_at'])
    op.create_index('ix_damage_marks_agreement', 'damage_marks', ['agreement_id'])
    op.create_table(
        'payments',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('agreement_id', sa.String(length=36), nullable=False),
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=8), nullable=False),
        sa.Column('amount', _MONEY, nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('provider_reference', sa.String(length=64), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('payment', 'refund', 'deposit-hold', 'deposit-capture', 'deposit-release', "
                           "'write-off')", name=op.f('ck_payments_kind')),
        sa.CheckConstraint("method IN ('card', 'cash', 'voucher', '')", name=op.f('ck_payments_method')),
        sa.CheckConstraint('amount >= 0', name=op.f('ck_payments_amount')),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_payments_agreement_id_agreements')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_payments_zip_code_branches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    )
    op.create_index('ix_payments_agreement', 'payments', ['agreement_id', 'id'])
    op.create_index('ix_payments_branch_day', 'payments', ['zip_code', 'at'])


def downgrade() -> None:
    op.drop_index('ix_payments_branch_day', table_name='payments')
    op.drop_index('ix_payments_agreement', table_name='payments')
    op.drop_table('payments')
    op.drop_index('ix_damage_marks_agreement', table_name='damage_marks')
    op.drop_index('ix_damage_marks_car', table_name='damage_marks')
    op.drop_table('damage_marks')
    op.drop_index('ix_agreements_status', table_name='agreements')
    op.drop_index('ix_agreements_car', table_name='agreements')
    op.drop_table('agreements')
    op.drop_table('agreement_sequences')
