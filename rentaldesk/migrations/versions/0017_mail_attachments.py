"""the customer's mail with the agreement and the receipt (issue 11 item 9)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

``notifications`` gains ``attachment`` (the PDF rendered when the mail was queued; dropped once
sent) and ``attachment_name``, and an index on (``reservation_id``, ``kind``): head office queues one
agreement mail and one receipt per reservation, and looks that up before queueing.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=64), server_default='', nullable=False))
        batch_op.create_index('ix_notifications_reservation_kind', ['reservation_id', 'kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_reservation_kind')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('attachment')
