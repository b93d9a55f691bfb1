"""no-shows: a reservation's status "no-show", its fee, and each branch's no-show grace and fee (issue 11, manifest)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

A confirmed reservation whose pick-up is more than the branch's ``no_show_grace_minutes`` (default
2 hours) past can be marked "no-show" (rentaldesk.no_show): it no longer holds its car, and
``reservations.no_show_fee`` records the fee charged for it (the branch's ``no_show_fee``, default 0,
unless the clerk gives another).

The status CHECK of ``reservations`` only widens (every row already satisfies the new one). On
SQLite the constraint's text is edited in place (SQLite's documented procedure for a change that
touches no stored row, "Making Other Kinds Of Table Schema Changes"): a batch copy of the table would
drop 0003's and 0010's triggers, and dropping the table under ``agreements``' foreign key inside
the migration's transaction (where ``PRAGMA foreign_keys`` cannot be turned off) would fail. The
new columns are plain ``ADD COLUMN``s.

Two indexes serve the day's manifest (rentaldesk.manifest): ``(start_at, zip_code, status)`` (a
branch's pick-ups of a day) and ``(zip_code, returned_at)`` (its returns of a day); its cars on rent
and its no-show candidates are ``ix_reservations_status_end``'s. The pick-up time leads: led by the
zip code, SQLite's planner (no statistics) took the index for a pool's holds, whose own is
``(vehicle_class, zip_code, status, end_at)``, and read the branch's whole history before the period
(tests/unit/test_manifest.py::test_the_manifest_s_index_leaves_the_pools_their_own).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_OLD = "status IN ('pending', 'confirmed', 'active', 'completed', 'cancelled', 'expired', 'rejected')"
_NEW = "status IN ('pending', 'confirmed', 'active', 'completed', 'cancelled', 'expired', 'rejected', 'no-show')"
_MONEY = sa.Numeric(precision=10, scale=2)


def _set_status_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_reservations_status'), 'reservations', type_='check')
        op.create_check_constraint(op.f('ck_reservations_status'), 'reservations', new)
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'reservations'").scalar()
    if sql is None or sql.count(old) != 1:
        raise RuntimeError(f"0016: the reservations table's status check is not the one expected: {sql!r}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' "
                             "AND name = 'reservations'", (old, new))
        # the new schema version makes every connection read the schema again
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql("PRAGMA quick_check").scalars().all()
    if problems != ['ok']:
        raise RuntimeError(f"0016: the database is not sound after the status check's change: {problems}")


def upgrade() -> None:
    _set_status_check(_OLD, _NEW)
    op.add_column('reservations', sa.Column('no_show_fee', _MONEY, nullable=True))
    op.add_column('branches', sa.Column('no_show_grace_minutes', sa.Integer(), nullable=False, server_default='120'))
    op.add_column('branches', sa.Column('no_show_fee', _MONEY, nullable=False, server_default='0'))
    # the day's manifest's reads (rentaldesk.manifest): a few index seeks, not a scan of the history
    op.create_index('ix_reservations_start_branch', 'reservations', ['start_at', 'zip_code', 'status'])
    op.create_index('ix_reservations_branch_returned', 'reservations', ['zip_code', 'returned_at'])


def downgrade() -> None:
    op.drop_index('ix_reservations_branch_returned', table_name='reservations')
    op.drop_index('ix_reservations_start_branch', table_name='reservations')
    # plain DROP COLUMNs (SQLite >= 3.35), not a batch copy that would drop the triggers
    op.drop_column('branches', 'no_show_fee')
    op.drop_column('branches', 'no_show_grace_minutes')
    op.drop_column('reservations', 'no_show_fee')
    op.execute("UPDATE reservations SET status = 'expired' WHERE status = 'no-show'")
    _set_status_check(_NEW, _OLD)
