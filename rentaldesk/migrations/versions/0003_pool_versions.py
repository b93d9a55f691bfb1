"""pool versions: a counter per pool, bumped by triggers on reservations and cars (and one for branches and classes)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Head office keeps each pool's cars and live reservations in memory across batches, and checks with
one query that nobody (another head-office process, a CLI import, a one-by-one decision) has
written to the pool since. The triggers are SQLite's; on other databases the table stays empty and
head office reloads its pools for every batch, as before (see ``Database.tracks_pool_versions``).
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_BUMP = (
    "INSERT INTO pool_versions (vehicle_class, zip_code, version) VALUES ({row}.vehicle_class, {row}.zip_code, 1) "
    "ON CONFLICT (vehicle_class, zip_code) DO UPDATE SET version = version + 1;"
)
# The branches' rules and the classes' rates are counted together in one row, ('', ''): no class
# code or zip code is empty.
_BUMP_FLEET = (
    "INSERT INTO pool_versions (vehicle_class, zip_code, version) VALUES ('', '', 1) "
    "ON CONFLICT (vehicle_class, zip_code) DO UPDATE SET version = version + 1;"
)
_EVENTS = (("insert", "INSERT", ("NEW",)), ("update", "UPDATE", ("NEW", "OLD")), ("delete", "DELETE", ("OLD",)))
# (trigger, table, event, its body)
TRIGGERS = [
    (f"trg_{table}_pool_{name}", table, event, " ".join(_BUMP.format(row=row) for row in rows))
    for table in ("reservations", "cars") for name, event, rows in _EVENTS
] + [
    (f"trg_{table}_pool_{name}", table, event, _BUMP_FLEET)
    for table in ("branches", "vehicle_classes") for name, event, _ in _EVENTS
]


def upgrade() -> None:
    op.create_table('pool_versions',
    sa.Column('vehicle_class', sa.String(length=32), nullable=False),
    sa.Column('zip_code', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('vehicle_class', 'zip_code', name=op.f('pk_pool_versions'))
    )
    if op.get_bind().dialect.name == 'sqlite':
        for trigger, table, event, body in TRIGGERS:
            op.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger, *_ in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table('pool_versions')
