"""empty: once reserved for one-way returns, never filled

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

It landed empty, so databases in use are past it: it stays empty, and the schema for it goes in a
later revision.
"""


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
