"""customers: the renter (licence, date of birth, address, do-not-rent) and the minimum age per class (issue 11)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

A customer gains the licence's issuing country or state and its expiry, a date of birth, an
address and a do-not-rent flag with its reason; ``renter_rules`` holds the minimum age and the
young-driver fee per class and branch (rentaldesk.renters). Plain ``ADD COLUMN``s, as 0006: no
batch copy of a table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_TEXT_COLUMNS = (
    ('licence_region', 64), ('address_line1', 120), ('address_line2', 120), ('city', 80),
    ('postcode', 16), ('country', 64),
)


def upgrade() -> None:
    for name, length in _TEXT_COLUMNS:
        op.add_column('customers', sa.Column(name, sa.String(length=length), nullable=False, server_default=''))
    op.add_column('customers', sa.Column('licence_expiry', sa.Date(), nullable=True))
    op.add_column('customers', sa.Column('date_of_birth', sa.Date(), nullable=True))
    op.add_column('customers', sa.Column('do_not_rent', sa.Boolean(), nullable=False, server_default='0'))
    op.add_column('customers', sa.Column('do_not_rent_reason', sa.String(length=200), nullable=False, server_default=''))
    op.create_table(
        'renter_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('vehicle_class', sa.String(length=32), nullable=True),
        sa.Column('min_age', sa.Integer(), nullable=False),
        sa.Column('young_driver_age', sa.Integer(), nullable=False),
        sa.Column('young_driver_fee_per_day', sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column('licence_at_booking', sa.Boolean(), nullable=False),
        sa.CheckConstraint('min_age >= 16 AND min_age <= 99', name=op.f('ck_renter_rules_min_age')),
        sa.CheckConstraint('young_driver_age >= min_age AND young_driver_age <= 99',
                           name=op.f('ck_renter_rules_young_driver_age')),
        sa.CheckConstraint('young_driver_fee_per_day >= 0', name=op.f('ck_renter_rules_young_driver_fee')),
        sa.ForeignKeyConstraint(['vehicle_class'], ['vehicle_classes.code'],
                                name=op.f('fk_renter_rules_vehicle_class_vehicle_classes')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_renter_rules_zip_code_branches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_renter_rules')),
    )
    op.create_index('ix_renter_rules_pool', 'renter_rules', ['zip_code', 'vehicle_class'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_renter_rules_pool', table_name='renter_rules')
    op.drop_table('renter_rules')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        for name in ('do_not_rent_reason', 'do_not_rent', 'date_of_birth', 'licence_expiry',
                     *reversed([n for n, _ in _TEXT_COLUMNS])):
            batch_op.drop_column(name)
