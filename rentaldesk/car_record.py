"""A car's record at a branch: its last reading and its damage history, whichever branch took them.

The one rule of a car's last reading (:func:`note_reading`), for the branch's own check-out and
check-in (:mod:`rentaldesk.contracts`) and for head office's car record brought by the fleet topic
(:func:`rentaldesk.sync.car_record.apply_car_record`): a reading replaces the one kept only when it
was taken later (an older one, however late it arrives, never does), and the odometer never goes
back. The check-out's rule reads the result: an odometer out below the car's is refused, naming
the reading it is below (:func:`last_reading_words`).

A car's damage is every mark of its agreements: this branch's own (``damage_marks``) and the ones
other branches recorded, as head office's record lists them (``car_known_damage``,
:func:`replace_known_damage`); :func:`history` gives both, oldest first, for the check-out's
diagram and the agreement's "damage before" list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from .damage import DamageMark, Zone
from .models import Agreement, Car, DamageRecord, KnownDamage


_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Reading:
    """A car's readings at a check-out or check-in: when, where, the odometer, the fuel (eighths),
    and the agreement (its number) they were taken for."""

    at: datetime
    zip_code: str
    odometer: int
    fuel_eighths: int
    agreement_number: str


def note_reading(car: Car, reading: Reading) -> bool:
    """Keep ``reading`` as the car's last when it was taken later than the one kept (or none is);
    whether it did. The odometer kept never goes back whatever the reading says."""
    if car.read_at is not None and reading.at <= car.read_at:
        return False
    car.odometer = max(car.odometer or 0, reading.odometer)
    car.fuel_eighths, car.read_at = reading.fuel_eighths, reading.at
    car.read_agreement, car.read_zip_code = reading.agreement_number, reading.zip_code
    return True


def last_reading_words(car: Car) -> str:
    """Where the car's odometer figure comes from, for a refusal (``" (read at the check-in of
    BOS-DT-000012 at 02110)"``), or ``""`` when no agreement's reading is known here."""
    if not car.read_agreement:
        return ""
    return f" (its last reading, agreement {car.read_agreement} at {car.read_zip_code})"


@dataclass(frozen=True, slots=True)
class KnownMark:
    """A damage mark another branch's agreement recorded (head office's record)."""

    agreement_id: str
    agreement_number: str
    zip_code: str
    mark: DamageMark


def replace_known_damage(s: Session, car_id: int, marks: Sequence[KnownMark]) -> None:
    """Make the car's history of other branches' marks ``marks`` (head office's whole list), but
    for the marks of this database's own agreements, which it holds already with their photos."""
    own = set(s.scalars(select(Agreement.id).where(Agreement.car_id == car_id)))
    s.execute(delete(KnownDamage).where(KnownDamage.car_id == car_id))
    s.add_all(KnownDamage(car_id=car_id, agreement_id=k.agreement_id, agreement_number=k.agreement_number,
                          zip_code=k.zip_code, stage=k.mark.stage, zone=k.mark.zone.value, x=k.mark.x, y=k.mark.y,
                          note=k.mark.note, recorded_at=k.mark.recorded_at)
              for k in marks if k.agreement_id not in own)
    s.flush()


def history(s: Session, car_id: int, *, until: datetime | None = None,
            except_agreement: str | None = None) -> tuple[DamageMark, ...]:
    """Every damage mark of the car, this branch's and other branches', oldest first (recorded at
    or before ``until`` when given; not those of ``except_agreement``)."""
    own_q = select(DamageRecord).where(DamageRecord.car_id == car_id)
    known_q = select(KnownDamage).where(KnownDamage.car_id == car_id)
    if until is not None:
        own_q = own_q.where(DamageRecord.recorded_at <= until)
        known_q = known_q.where(or_(KnownDamage.recorded_at.is_(None), KnownDamage.recorded_at <= until))
    if except_agreement is not None:
        own_q = own_q.where(DamageRecord.agreement_id != except_agreement)
        known_q = known_q.where(KnownDamage.agreement_id != except_agreement)
    own = [(r.recorded_at, 1, r.id, DamageMark(zone=Zone(r.zone), x=r.x, y=r.y, note=r.note, photo=r.photo,
                                               recorded_at=r.recorded_at, stage=r.stage))
           for r in s.scalars(own_q)]
    known = [(k.recorded_at, 0, k.id, DamageMark(zone=Zone(k.zone), x=k.x, y=k.y, note=k.note, photo=None,
                                                 recorded_at=k.recorded_at, stage=k.stage))
             for k in s.scalars(known_q)]
    # a mark of no known time (none this project writes) goes first: it was there before; at the
    # same time, another branch's before this one's
    return tuple(m for _, _, _, m in sorted(own + known, key=lambda t: (t[0] or _EARLIEST, t[1], t[2])))
