"""the change log hears the payments ledger: a ledger row names its agreement's reservation

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-03

A payment, refund or deposit step writes only ``payments`` (the ledger) (and the agreement), none of the
tables migration 0010 watches, so a payment taken at another counter or on the command line did
not reach the desk's screens (the cash-up, a customer's history) until something else changed.
One trigger more: every new ledger row logs its agreement's reservation as changed (kind
``reservations``), the way the desk's own payment dialog announces it. The ledger is append-only,
so an insert is its only change. SQLite only, as 0010's triggers.
"""
from alembic import op


revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None

TRIGGER = "trg_payments_changes_insert"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON payments FOR EACH ROW BEGIN "
                   "INSERT INTO change_log (kind, row_id) "
                   "SELECT 'reservations', reservation_id FROM agreements WHERE id = NEW.agreement_id; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
