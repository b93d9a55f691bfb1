"""rental agreements, readings, damage marks and the payments ledger (issue 11)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Reserved in the chain while the parts of issue 11 are built side by side; its part fills it in.
"""


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
