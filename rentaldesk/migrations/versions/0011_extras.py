"""extras and cover: a priced catalogue per branch, and the extras a reservation keeps (issue 11)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

``extra_items``: what a branch offers (child seat, GPS, additional driver, collision damage
waiver...), each priced per day or per rental with an optional cap, and its stock (NULL: unlimited).
``reservations.extras_json``: the extras chosen at booking, as quoted (a later price change never
changes a booked price). A plain ADD COLUMN (no batch copy), so 0010's triggers stay.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_MONEY = sa.Numeric(precision=10, scale=2)


def upgrade() -> None:
    op.add_column('reservations', sa.Column('extras_json', sa.Text(), server_default='[]', nullable=False))
    op.create_table(
        'extra_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zip_code', sa.String(length=16), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('per', sa.String(length=8), nullable=False),
        sa.Column('price', _MONEY, nullable=False),
        sa.Column('cap', _MONEY, nullable=True),
        sa.Column('taxable', sa.Boolean(), nullable=False),
        sa.Column('stock', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint('price >= 0 AND (cap IS NULL OR cap >= 0)', name=op.f('ck_extra_items_amounts')),
        sa.CheckConstraint('stock IS NULL OR stock >= 0', name=op.f('ck_extra_items_stock')),
        sa.ForeignKeyConstraint(['zip_code'], ['branches.zip_code'], name=op.f('fk_extra_items_zip_code_branches')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_items')),
    )
    op.create_index('ix_extra_items_code', 'extra_items', ['zip_code', 'code'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_extra_items_code', table_name='extra_items')
    op.drop_table('extra_items')
    # a plain DROP COLUMN (SQLite >= 3.35), not a batch copy that would drop 0010's triggers
    op.drop_column('reservations', 'extras_json')
