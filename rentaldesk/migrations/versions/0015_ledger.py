"""empty: once reserved for the payments ledger, never filled

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

It landed empty, so databases in use are past it: it stays empty, and the schema for it goes in a
later revision.
"""


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
