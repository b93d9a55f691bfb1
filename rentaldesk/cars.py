"""Adding and editing one car (the car dialog), by the rules of a row of a fleet file.

The fields are parsed by :func:`rentaldesk.fleet.validate_car` and written by
:func:`rentaldesk.fleet.put_car`, the fleet's one write path: a car must join a known vehicle class
and location (a manager adds those by importing a file) and keep its plate unique; a car leaving
its pool or going out of service first has its reservations moved to the pool's other cars.

At a branch of a network (``link``: the branch's :class:`~rentaldesk.sync.branch.BranchOutbox`)
head office owns the fleet: the checked change travels as a request, nothing changes here, and
the car comes back as fleet state once head office has applied it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, SupportsInt

from sqlalchemy import select
from sqlalchemy.orm import Session

from .permissions import Permission, require
from .db import Database
from .errors import InvalidInput
from .fleet import CarWrite, FleetLink, car_state, put_car, validate_car
from .models import Car, CarStatus
from .reservations import utc_now
from .rules import normalize_plate

log = logging.getLogger("rentaldesk.fleet")


def add_car(db: Database, values: Mapping[str, object], *, link: FleetLink | None = None) -> int | None:
    """Add a car; its id (None when ``link`` sent it to head office instead).

    ``values`` holds the fleet file's columns as typed (plate_number, model, year, color,
    transmission, cost_per_day, vehicle_class, zip_code; optionally status and odometer) and
    optionally ``driver_id`` (the car's default chauffeur, or None). Raises
    :class:`FleetFileError` listing every bad field, or :class:`InvalidInput` naming the field.
    """
    require(Permission.EDIT_FLEET, db)
    fields = _checked(values)
    with db.write() as s:
        if s.scalar(select(Car.car_id).where(Car.plate_number == normalize_plate(fields["plate_number"]))) is not None:
            raise InvalidInput(f"plate {fields['plate_number']} is already in the fleet", field="plate_number")
        fields.setdefault("status", CarStatus.AVAILABLE.value)
        fields.setdefault("odometer", 0)
        done = _put(db, s, fields, utc_now(), None, link)
    return done.car_id if done is not None else None


def update_car(
    db: Database,
    car_id: int,
    values: Mapping[str, object],
    *,
    now: datetime | None = None,
    link: FleetLink | None = None,
) -> FleetChange:
    """Change a car's fields (the same ``values`` as :func:`add_car`), by the fleet's rules
    (:func:`rentaldesk.fleet.put_car`): a car leaving its pool or going out of service first has
    its reservations moved to other cars of the pool; what cannot move refuses the change, except
    a change to maintenance, which leaves them needing a car. ``now`` says which reservations still
    hold the car (default: the current time). The odometer never goes back.
    """
    require(Permission.EDIT_FLEET, db)
    fields = _checked(values)
    with db.write() as s:
        return _put(db, s, fields, now or utc_now(), car_id, link)


#: What a change did (see :class:`rentaldesk.fleet.CarWrite`); None when it went to head office.
FleetChange = CarWrite | None


def _put(db: Database, s: Session, fields: dict[str, Any], now: datetime, car_id: int | None,
         link: FleetLink | None) -> FleetChange:
    if link is None:
        done = put_car(s, fields, now, car_id=car_id, lock=db.lock_pool)
        log.info("car %s (%s) %s; %d reservation(s) moved, %d need a car", fields["plate_number"], done.car_id,
                 "added" if done.created else "updated", len(done.moved), len(done.needs_car))
        return done
    # Head office owns the fleet: the same rules are tried here and undone, so the clerk hears a
    # refusal at once; the change travels as a request and comes back as fleet state.
    car = s.get(Car, car_id) if car_id is not None else None
    current = {c.key: getattr(car, c.key) for c in Car.__table__.columns if c.key != "car_id"} if car else {}
    with s.begin_nested() as trial:
        put_car(s, fields, now, car_id=car_id, lock=db.lock_pool)
        trial.rollback()
    state = car_state(s, {**current, **fields})
    link.car_change_requested(s, state, now)
    log.info("car %s sent to head office", state.plate_number)
    return None


def _checked(values: Mapping[str, object]) -> dict[str, Any]:
    fleet_values = {k: v for k, v in values.items() if k not in ("driver_id", "driver_licence")}
    fields = validate_car(fleet_values, source=f"car {str(values.get('plate_number') or '').strip()}".strip())
    driver_id = values.get("driver_id")
    if "driver_id" in values:
        if driver_id in (None, ""):
            fields["driver_id"] = None
        elif isinstance(driver_id, (str, SupportsInt)):
            fields["driver_id"] = int(driver_id)
        else:
            raise InvalidInput(f"driver_id must be a driver's id, not {driver_id!r}", field="driver_id")
    return fields
