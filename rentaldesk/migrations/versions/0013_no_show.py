"""empty: once reserved for the manifest's no-shows, never filled

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

It landed empty, so databases in use are past it: it stays empty, and the schema for it goes in a
later revision.
"""


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
