"""Adding and editing one car, checked by the same rules as a row of a fleet file.

The fields are parsed by :func:`rentaldesk.fleet.validate_car`; on top of that a car must join a known
vehicle class and location (a manager adds those by importing a file), keep its plate unique, and
leave its pool or go out of service only while no reservation holds it.

At a branch of a network (``link``: the branch's :class:`~rentaldesk.sync.branch.BranchOutbox`)
head office owns the fleet: the checked change travels as a request, nothing changes here, and
the car comes back as fleet state once head office has applied it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Database
from .errors import InvalidInput
from .fleet import validate_car
from .models import Branch, Car, CarStatus, Driver, VehicleClass
from .models import Reservation as ReservationRow
from .queries import holding_car
from .reservations import utc_now

log = logging.getLogger("rentaldesk.fleet")


class FleetLink(Protocol):
    """Sends a checked car change to head office, in the caller's transaction."""

    def car_change_requested(self, s: Session, car: dict[str, Any], now: datetime) -> None: ...


def car_state(s: Session, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A car's fields as the fleet topic carries them (driver by licence number, money as text)."""
    from .sync.state import car_payload

    driver_id = fields.get("driver_id")
    licences = {}
    if driver_id is not None:
        licences[driver_id] = s.scalar(select(Driver.licence_number).where(Driver.id == driver_id))
    return car_payload(Car(**dict(fields)), licences)


def add_car(db: Database, values: Mapping[str, object], *, link: FleetLink | None = None) -> int | None:
    """Add a car; its id (None when ``link`` sent it to head office instead).

    ``values`` holds the fleet file's columns as typed (plate_number, model, year, color,
    transmission, cost_per_day, vehicle_class, zip_code; optionally status and odometer) and
    optionally ``driver_id`` (the car's default chauffeur, or None). Raises
    :class:`FleetFileError` listing every bad field, or :class:`InvalidInput` naming the field.
    """
    fields = _checked(values)
    with db.write() as s:
        _check_references(s, fields)
        if s.scalar(select(Car.car_id).where(Car.plate_number == fields["plate_number"])) is not None:
            raise InvalidInput(f"plate {fields['plate_number']} is already in the fleet", field="plate_number")
        fields.setdefault("status", CarStatus.AVAILABLE.value)
        fields.setdefault("odometer", 0)
        if link is not None:
            link.car_change_requested(s, car_state(s, fields), utc_now())
            log.info("car %s sent to head office", fields["plate_number"])
            return None
        car = Car(**fields)
        s.add(car)
        s.flush()
        car_id = car.car_id
    log.info("car %s (%s) added", fields["plate_number"], car_id)
    return car_id


def update_car(
    db: Database,
    car_id: int,
    values: Mapping[str, object],
    *,
    now: datetime | None = None,
    link: FleetLink | None = None,
) -> None:
    """Change a car's fields (the same ``values`` as :func:`add_car`).

    A car that a live reservation holds keeps its class, location and in-service status: move or
    cancel those reservations first (``now`` says which still hold it; default: the current time).
    The odometer never goes back.
    """
    fields = _checked(values)
    with db.write() as s:
        car = s.get(Car, car_id)
        if car is None:
            raise InvalidInput(f"no car with id {car_id}", field="car_id")
        _check_references(s, fields)
        clash = s.scalar(
            select(Car.car_id).where(Car.plate_number == fields["plate_number"], Car.car_id != car_id)
        )
        if clash is not None:
            raise InvalidInput(f"plate {fields['plate_number']} belongs to another car", field="plate_number")
        for name in ("vehicle_class", "zip_code", "status"):
            if name in fields and fields[name] != getattr(car, name):
                _check_not_held(s, car, name, now or utc_now())
        if fields.get("odometer", car.odometer) < car.odometer:
            raise InvalidInput(
                f"odometer {fields['odometer']} is below the recorded {car.odometer}", field="odometer"
            )
        if link is not None:
            current = {c.key: getattr(car, c.key) for c in Car.__table__.columns if c.key != "car_id"}
            link.car_change_requested(s, car_state(s, {**current, **fields}), now or utc_now())
            log.info("change of car %s sent to head office", fields["plate_number"])
            return
        for name, value in fields.items():
            setattr(car, name, value)
    log.info("car %s (%s) updated", fields["plate_number"], car_id)


def _checked(values: Mapping[str, object]) -> dict[str, Any]:
    fleet_values = {k: v for k, v in values.items() if k not in ("driver_id", "driver_licence")}
    fields = validate_car(fleet_values, source=f"car {str(values.get('plate_number') or '').strip()}".strip())
    driver_id = values.get("driver_id")
    if "driver_id" in values:
        fields["driver_id"] = int(driver_id) if driver_id not in (None, "") else None
    return fields


def _check_references(s: Session, fields: dict[str, Any]) -> None:
    if s.get(VehicleClass, fields["vehicle_class"]) is None:
        raise InvalidInput(f"unknown vehicle class {fields['vehicle_class']}", field="vehicle_class")
    if s.scalar(select(Branch.id).where(Branch.zip_code == fields["zip_code"])) is None:
        raise InvalidInput(f"unknown location {fields['zip_code']}", field="zip_code")
    driver_id = fields.get("driver_id")
    if driver_id is not None and s.get(Driver, driver_id) is None:
        raise InvalidInput(f"no driver with id {driver_id}", field="driver_id")


def _check_not_held(s: Session, car: Car, field: str, now: datetime) -> None:
    held = list(
        s.scalars(
            select(ReservationRow.reference)
            .where(ReservationRow.car_id == car.car_id, *holding_car(now))
            .order_by(ReservationRow.start_at)
            .limit(4)
        )
    )
    if held:
        refs = ", ".join(held[:3]) + (" and more" if len(held) > 3 else "")
        raise InvalidInput(
            f"{car.plate_number} is held by reservation {refs}; move or cancel it first", field=field
        )
