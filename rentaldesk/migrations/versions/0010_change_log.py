"""the desk's change log: what changed, by kind and id, for the live refresh (issue 10)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Reserved in the chain while the live refresh is rebuilt on a branch of its own; that branch fills it in.
"""


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
