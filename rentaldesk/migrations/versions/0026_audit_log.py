"""the audit trail: who changed what, when and where (issue 13 item 4)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03

``audit_log`` holds one row per change to a reservation, car, customer, driver or ledger row and
per price override or overridden rule (see :mod:`rentaldesk.audit`). It is append-only: on SQLite
two triggers refuse any UPDATE or DELETE of it, whoever the writer is (the code has no path for
either). The table is none of migration 0010's, so the change log's triggers never fire on it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

#: (trigger, event): both refuse the statement whole (RAISE(ABORT) rolls the statement back).
TRIGGERS = (("trg_audit_log_no_update", "UPDATE"), ("trg_audit_log_no_delete", "DELETE"))


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('branch', sa.String(length=16), nullable=False),
    sa.Column('workstation', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('record_kind', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('event_id', name=op.f('uq_audit_log_event_id'))
    )
    op.create_index('ix_audit_log_record', 'audit_log', ['record_kind', 'record_id', 'at'], unique=False)
    op.create_index('ix_audit_log_user', 'audit_log', ['username', 'at'], unique=False)
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        for trigger, event in TRIGGERS:
            op.execute(f"CREATE TRIGGER {trigger} BEFORE {event} ON audit_log FOR EACH ROW "
                       "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger, _ in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_index('ix_audit_log_user', table_name='audit_log')
    op.drop_index('ix_audit_log_record', table_name='audit_log')
    op.drop_table('audit_log')
