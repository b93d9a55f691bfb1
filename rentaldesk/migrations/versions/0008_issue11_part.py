"""rate plans, seasons, taxes and fees, and the plan a reservation was quoted with (issue 11)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Rate plans per vehicle class and branch (``rate_plans``, with ``rate_seasons``), the taxes and
fees of a branch (``branch_taxes``), the one-way fees between two locations (``drop_fees``), and
on each reservation the plan it was quoted with (``rate_plan``, RatePlan.to_json) and the
chauffeur's day rate as quoted. Rows of an earlier build keep ``rate_plan`` NULL: their plan is
their booked price per started day (rentaldesk.pricing.kept_plan).

Plain ``ADD COLUMN``s on reservations (no batch copy of the table): the copy would drop 0003's
triggers.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(precision=10, scale=2)


def upgrade() -> None:
    op.add_column('reservations', sa.Column('rate_plan', sa.Text(), nullable=True))
    op.add_column('reservations', sa.Column('driver_day_rate', _MONEY, nullable=True))
    op.create_table(
        'rate_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vehicle_class', sa.String(length=32), nullable=False),
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('day_rate', _MONEY, nullable=False),
        sa.Column('week_rate', _MONEY, nullable=True),
        sa.Column('month_rate', _MONEY, nullable=True),
        sa.Column('hour_rate', _MONEY, nullable=False),
        sa.Column('included_distance_per_day', sa.Integer(), nullable=True),
        sa.Column('extra_distance_price', _MONEY, nullable=False),
        sa.Column('fuel_policy', sa.String(length=16), nullable=False),
        sa.Column('fuel_eighth_price', _MONEY, nullable=False),
        sa.Column('late_grace_minutes', sa.Integer(), nullable=False),
        sa.Column('deposit', _MONEY, nullable=False),
        sa.CheckConstraint('day_rate >= 0 AND hour_rate >= 0', name=op.f('ck_rate_plans_rates')),
        sa.ForeignKeyConstraint(['vehicle_class'], ['vehicle_classes.code'],
                                name=op.f('fk_rate_plans_vehicle_class_vehicle_classes')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_rate_plans_zip_code_branches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_plans')),
    )
    op.create_index('ix_rate_plans_pool', 'rate_plans', ['vehicle_class', 'zip_code'], unique=True)
    op.create_table(
        'rate_seasons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('day_rate', _MONEY, nullable=False),
        sa.Column('week_rate', _MONEY, nullable=True),
        sa.Column('month_rate', _MONEY, nullable=True),
        sa.CheckConstraint('last_day >= first_day', name=op.f('ck_rate_seasons_days')),
        sa.ForeignKeyConstraint(['plan_id'], ['rate_plans.id'], name=op.f('fk_rate_seasons_plan_id_rate_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_seasons')),
    )
    op.create_index(op.f('ix_rate_seasons_plan_id'), 'rate_seasons', ['plan_id'], unique=False)
    op.create_table(
        'branch_taxes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('rate', sa.Numeric(precision=7, scale=6), nullable=False),
        sa.Column('applies_to', sa.String(length=200), nullable=False),
        sa.Column('rounding', sa.String(length=16), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint('rate >= 0 AND rate < 1', name=op.f('ck_branch_taxes_rate')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_branch_taxes_zip_code_branches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_taxes')),
    )
    op.create_index('ix_branch_taxes_code', 'branch_taxes', ['zip_code', 'code'], unique=True)
    op.create_table(
        'drop_fees',
        sa.Column('from_zip', sa.String(length=16), nullable=False),
        sa.Column('to_zip', sa.String(length=16), nullable=False),
        sa.Column('fee', _MONEY, nullable=False),
        sa.CheckConstraint('fee >= 0', name=op.f('ck_drop_fees_fee')),
        sa.ForeignKeyConstraint(['from_zip'], ['branches.zip_code'], name=op.f('fk_drop_fees_from_zip_branches')),
        sa.ForeignKeyConstraint(['to_zip'], ['branches.zip_code'], name=op.f('fk_drop_fees_to_zip_branches')),
        sa.PrimaryKeyConstraint('from_zip', 'to_zip', name=op.f('pk_drop_fees')),
    )


def downgrade() -> None:
    op.drop_table('drop_fees')
    op.drop_index('ix_branch_taxes_code', table_name='branch_taxes')
    op.drop_table('branch_taxes')
    op.drop_index(op.f('ix_rate_seasons_plan_id'), table_name='rate_seasons')
    op.drop_table('rate_seasons')
    op.drop_index('ix_rate_plans_pool', table_name='rate_plans')
    op.drop_table('rate_plans')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('driver_day_rate')
        batch_op.drop_column('rate_plan')
