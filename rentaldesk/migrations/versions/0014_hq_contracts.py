"""head office's ledger and car record from the branches' agreements (issue 11, network)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

New tables only (rentaldesk.hq.contracts): ``hq_agreements`` (each agreement's newest state, by
version), ``hq_ledger_rows`` (the company's ledger), ``hq_car_records`` (each car's last readings
and place) and ``hq_car_damage`` (its damage history). The same schema serves a branch and head
office; a branch leaves these empty.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hq_agreements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('reservation_id', sa.String(length=36), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('plate_number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('balance', sa.String(length=32), nullable=False),
    sa.Column('snapshot', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hq_agreements'))
    )
    op.create_index(op.f('ix_hq_agreements_reservation_id'), 'hq_agreements', ['reservation_id'], unique=False)
    op.create_table('hq_car_records',
    sa.Column('plate_number', sa.String(length=32), nullable=False),
    sa.Column('odometer', sa.Integer(), nullable=False),
    sa.Column('fuel_eighths', sa.Integer(), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('on_rent', sa.Boolean(), nullable=False),
    sa.Column('damage_count', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('plate_number', name=op.f('pk_hq_car_records'))
    )
    op.create_table('hq_car_damage',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plate_number', sa.String(length=32), nullable=False),
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('zone', sa.String(length=16), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['hq_agreements.id'], name=op.f('fk_hq_car_damage_agreement_id_hq_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hq_car_damage'))
    )
    op.create_index(op.f('ix_hq_car_damage_agreement_id'), 'hq_car_damage', ['agreement_id'], unique=False)
    op.create_index(op.f('ix_hq_car_damage_plate_number'), 'hq_car_damage', ['plate_number'], unique=False)
    op.create_table('hq_ledger_rows',
    sa.Column('agreement_id', sa.String(length=36), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('provider_reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['hq_agreements.id'], name=op.f('fk_hq_ledger_rows_agreement_id_hq_agreements')),
    sa.PrimaryKeyConstraint('agreement_id', 'row_id', name=op.f('pk_hq_ledger_rows'))
    )


def downgrade() -> None:
    op.drop_table('hq_ledger_rows')
    op.drop_index(op.f('ix_hq_car_damage_plate_number'), table_name='hq_car_damage')
    op.drop_index(op.f('ix_hq_car_damage_agreement_id'), table_name='hq_car_damage')
    op.drop_table('hq_car_damage')
    op.drop_table('hq_car_records')
    op.drop_index(op.f('ix_hq_agreements_reservation_id'), table_name='hq_agreements')
    op.drop_table('hq_agreements')
