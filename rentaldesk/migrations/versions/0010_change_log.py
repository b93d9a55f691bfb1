"""the desk's change log: what changed, by kind and id, for the live refresh (issue 10)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

``change_log`` holds one row per insert, update or delete of a row the desk's screens show
(reservations, customers, cars, drivers, branches, vehicle classes): its table (``kind``), its
primary key as text (``row_id``) and a sequence (``seq``) that grows with every commit, whichever
process or connection wrote it (the desk, the command line, the sync loop, head office): SQLite's
triggers see every writer. The desk remembers the last sequence it read and reads only what came
after (:class:`rentaldesk.changelog.ChangeWatcher`).

The log is bounded: every 1,000th row deletes the rows more than 10,000 behind it, so the table
holds 10,000 to 11,000 rows. A watcher that fell further behind finds the gap and re-reads once.

The triggers are SQLite's; on other databases the table stays empty and the desk compares
snapshots instead (see ``rentaldesk.changelog``). A later migration that copies one of these tables
in a batch (``batch_alter_table``) drops its triggers and must create them again (see 0006's note);
the desk then falls back to comparing snapshots, and logs why.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: The watched tables and their primary keys.
_TABLES = (("reservations", "id"), ("customers", "id"), ("cars", "car_id"), ("drivers", "id"),
           ("branches", "id"), ("vehicle_classes", "code"))
_LOG = "INSERT INTO change_log (kind, row_id) VALUES ('{table}', {row}.{key});"
# (trigger, table, event, condition, its body)
TRIGGERS = [
    (f"trg_{table}_changes_{name}", table, event, "", _LOG.format(table=table, row=row, key=key))
    for table, key in _TABLES
    for name, event, row in (("insert", "INSERT", "NEW"), ("update", "UPDATE", "NEW"), ("delete", "DELETE", "OLD"))
] + [
    # An update that changes the key itself (a class code) logs the old key too. A trigger of its
    # own, on the key column only: a second statement in every update's trigger doubled its cost.
    (f"trg_{table}_changes_rekey", table, f"UPDATE OF {key}", f"WHEN OLD.{key} IS NOT NEW.{key}",
     _LOG.format(table=table, row="OLD", key=key))
    for table, key in _TABLES
] + [
    # The bound: a range delete on the primary key every 1,000th row (not a delete per row).
    ("trg_change_log_trim", "change_log", "INSERT", "WHEN NEW.seq % 1000 = 0",
     "DELETE FROM change_log WHERE seq <= NEW.seq - 10000;"),
]


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('row_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log'))
    )
    if op.get_bind().dialect.name == 'sqlite':
        for trigger, table, event, condition, body in TRIGGERS:
            op.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {table} FOR EACH ROW {condition} BEGIN {body} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger, *_ in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table('change_log')
