"""staff accounts and their failed sign-ins (issue 13 item 1)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

``staff``: the people who sign in (username unique, role clerk, manager or admin, the branches
they work at, active or not, the Argon2id hashes of their password and PIN). ``sign_in_failures``:
failed sign-ins in a row per typed username, for the back-off. Both start empty: a database
without staff accounts is the first-start state (see rentaldesk.permissions).
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('branches', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=False),
        sa.Column('pin_hash', sa.String(length=200), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('clerk', 'manager', 'admin')", name=op.f('ck_staff_role')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
        sa.UniqueConstraint('username', name=op.f('uq_staff_username')),
    )
    op.create_table(
        'sign_in_failures',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_sign_in_failures')),
    )


def downgrade() -> None:
    op.drop_table('sign_in_failures')
    op.drop_table('staff')
