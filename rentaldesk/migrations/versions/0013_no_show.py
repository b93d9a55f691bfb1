"""reserved for issue 11's manifest part (session 6): filled in by that part's branch

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

A no-op revision in the chain so the parts built side by side merge without a migration conflict.
"""


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
