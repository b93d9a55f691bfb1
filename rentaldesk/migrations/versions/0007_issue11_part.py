"""customers: the renter (licence, date of birth, address, do-not-rent) and the minimum age per class (issue 11)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Reserved in the chain while the parts of issue 11 are built side by side; its part fills it in.
"""


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
