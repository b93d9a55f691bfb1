"""rate plans, seasons, taxes and fees, and the plan a reservation was quoted with (issue 11)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Reserved in the chain while the parts of issue 11 are built side by side; its part fills it in.
"""


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
