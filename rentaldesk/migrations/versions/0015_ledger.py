"""reserved for issue 11's ledger part (session 6): filled in by that part's branch

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

A no-op revision in the chain so the parts built side by side merge without a migration conflict.
"""


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
