"""normalised plates: every plate in capitals, without spaces or dashes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Plates are compared, looked up and stored normalised (:func:`rentaldesk.fleet.normalize_plate`), so
"AB-123", "AB 123" and "ab123" are one car. A database written before kept what was typed. Two
cars whose plates normalise alike (the same car imported under two spellings) cannot both take
the normalised plate: the first (lowest id) does, the other keeps its old spelling and is logged,
so a manager can correct or retire it; nothing is merged or lost.
"""
import logging
import re

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

log = logging.getLogger("rentaldesk.db")


def _normalised(plate: str) -> str:
    # the same rule as rentaldesk.fleet.normalize_plate, frozen here as it was when this ran
    return re.sub(r"[\s-]+", "", plate).upper()


def upgrade() -> None:
    conn = op.get_bind()
    cars = sa.table("cars", sa.column("car_id", sa.Integer), sa.column("plate_number", sa.String))
    rows = conn.execute(sa.select(cars.c.car_id, cars.c.plate_number).order_by(cars.c.car_id)).all()
    taken = {plate for _, plate in rows if _normalised(plate) == plate}
    for car_id, plate in rows:
        target = _normalised(plate)
        if target == plate:
            continue
        if target in taken:
            log.warning("car %s keeps its plate %r: %r belongs to another car", car_id, plate, target)
            continue
        conn.execute(sa.update(cars).where(cars.c.car_id == car_id).values(plate_number=target))
        taken.add(target)


def downgrade() -> None:
    pass  # what was typed is not kept; normalised plates are valid plates of the earlier schema
