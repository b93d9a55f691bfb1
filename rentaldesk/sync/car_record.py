"""Head office's car record on the fleet topic, and its application at every branch (issue 11).

Head office keeps each car's record from the branches' agreements (:mod:`rentaldesk.hq.contracts`:
the last readings, where, its damage history); :func:`car_records` gives them as
:class:`~.events.FleetCarRecord` events keyed ``car-record:<plate>``, which the fleet service
publishes whenever one changes (:func:`rentaldesk.sync.state.fleet_snapshot`), after the car's own
``car:<plate>`` record. Only the records of cars in head office's fleet go out (a branch waits for a
car it does not know yet: one unknown to head office would keep it waiting for good).

:func:`apply_car_record` is a branch's handler: a record no newer than the one applied (its
``version``) is skipped; a newer one replaces the car's history of other branches' marks, and its
readings follow the one rule of :func:`rentaldesk.car_record.note_reading` (a reading taken earlier
than the one kept, this branch's own among them, never replaces it). A record that is not one (a
zone or stage unknown, a mark off the car, a fuel reading past full) raises ValueError naming the
field: the consumer parks it on the dead letters and goes on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import damage
from ..car_record import KnownMark, Reading, note_reading, replace_known_damage
from ..contract_inputs import FUEL_FULL
from ..damage import DamageMark, Zone
from ..errors import InvalidInput
from ..models import Car, HqAgreement, HqCarDamage, HqCarRecord
from ..rules import normalize_plate
from ..values import Changes
from .events import CarRecordDamage, FleetCarRecord
from .inbox import NotReady

log = logging.getLogger("rentaldesk.sync.car_record")

#: The key prefix of a car's record on the fleet topic (``car-record:<plate>``).
KEY = "car-record"


def car_records(s: Session) -> dict[str, FleetCarRecord]:
    """Head office's record of every car of its fleet that has one, by fleet key."""
    marks: dict[str, list[CarRecordDamage]] = defaultdict(list)
    for m, number, zip_code in s.execute(
            select(HqCarDamage, HqAgreement.number, HqAgreement.zip_code)
            .join(HqAgreement, HqAgreement.id == HqCarDamage.agreement_id)
            .order_by(HqCarDamage.plate_number, HqCarDamage.recorded_at, HqCarDamage.id)):
        marks[m.plate_number].append(CarRecordDamage(
            agreement_id=m.agreement_id, agreement_number=number, zip_code=m.zip_code or zip_code, stage=m.stage, zone=m.zone,
            x=m.x, y=m.y, note=m.note, recorded_at=m.recorded_at))
    out: dict[str, FleetCarRecord] = {}
    for r, number in s.execute(
            select(HqCarRecord, HqAgreement.number)
            .join(HqAgreement, HqAgreement.id == HqCarRecord.agreement_id)
            .join(Car, Car.plate_number == HqCarRecord.plate_number)):
        out[f"{KEY}:{r.plate_number}"] = FleetCarRecord(
            plate_number=r.plate_number, version=r.version, odometer=r.odometer, fuel_eighths=r.fuel_eighths,
            zip_code=r.zip_code, on_rent=r.on_rent, read_at=r.read_at, stage="out" if r.on_rent else "in",
            agreement_number=number, damage=tuple(marks.get(r.plate_number, ())))
    return out


def apply_car_record(s: Session, record: FleetCarRecord, now: datetime) -> Changes:
    """Apply head office's record of a car at a branch (see the module); ``now``: when head office
    published it."""
    known = _checked(record)
    car = s.scalar(select(Car).where(Car.plate_number == normalize_plate(record.plate_number)))
    if car is None:
        raise NotReady(f"car {record.plate_number} is not in the local fleet yet")
    if record.version <= car.record_version:
        log.info("car record of %s: version %d is not newer than %d applied; skipped",
                 car.plate_number, record.version, car.record_version)
        return Changes()
    car.record_version = record.version
    replace_known_damage(s, car.car_id, known)
    if not note_reading(car, Reading(record.read_at, record.zip_code, record.odometer, record.fuel_eighths,
                                     record.agreement_number)):
        log.info("car record of %s: its reading of %s is not newer than the one kept here (%s); readings kept",
                 car.plate_number, record.read_at.isoformat(), car.read_at.isoformat() if car.read_at else "-")
    s.flush()
    return Changes(cars=frozenset({car.car_id}))


def _checked(record: FleetCarRecord) -> list[KnownMark]:
    """The record's marks as the core keeps them, after the one rule of a mark
    (:func:`rentaldesk.damage.checked`); ValueError naming the field when it is not a record."""
    if record.odometer < 0:
        raise ValueError(f"fleet.car-record: odometer: expected a reading of 0 or more, not {record.odometer}")
    if not 0 <= record.fuel_eighths <= FUEL_FULL:
        raise ValueError(f"fleet.car-record: fuel_eighths: expected 0 to {FUEL_FULL}, not {record.fuel_eighths}")
    if record.stage not in damage.STAGES:
        raise ValueError(f"fleet.car-record: stage: expected one of {', '.join(damage.STAGES)}, not {record.stage!r}")
    out = []
    for i, m in enumerate(record.damage):
        where = f"fleet.car-record: damage[{i}]"
        try:
            zone = Zone(m.zone)
        except ValueError:
            raise ValueError(f"{where}.zone: expected one of {', '.join(z.value for z in Zone)}, "
                             f"not {m.zone!r}") from None
        mark = DamageMark(zone=zone, x=m.x, y=m.y, note=m.note, recorded_at=m.recorded_at, stage=m.stage)
        try:
            mark = damage.checked(mark, i + 1)
        except InvalidInput as exc:  # the mark's own rule, in its words
            raise ValueError(f"{where}: {exc.message}") from None
        out.append(KnownMark(m.agreement_id, m.agreement_number, m.zip_code, mark))
    return out
