"""Rows to event payloads and back: reservations and the fleet, by their global identifiers.

Car ids, driver ids and customer ids are local to each database; on the wire a car is its plate, a
driver their licence number, a customer their email.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

import msgspec
from msgspec import UNSET
from sqlalchemy import Row, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..charges import ExtraChoice
from ..customers import normalize_email
from ..extras import extras_from_json, extras_to_json, stock_at
from ..fleet import put_car
from ..models import LIVE_STATUSES, Branch, Car, Customer, Driver, ReservationStatus, Staff, VehicleClass, table
from ..models import Reservation as ReservationRow
from ..reservations import new_reservation_row
from ..values import Changes
from ..rules import normalize_plate
from ..renters import Renter
from ..staff import split_branches
from ..text import CODE, LICENCE, MESSAGE, NAME, PHONE, as_sent, problem
from .events import (
    CarState,
    Customer as CustomerState,
    Event,
    FleetBranch,
    FleetCar,
    FleetClass,
    FleetDriver,
    FleetStaff,
    RenterFacts,
    RequestRefused,
    ReservationExtra,
    ReservationState,
    money,
)
from .car_record import car_records
from .inbox import NotReady, merge


class _Person(Protocol):
    email: str
    name: str
    phone: str


def customer_state(customer: _Person, renter: Renter | None = None) -> CustomerState:
    """The customer as the events carry them (stored text an older build let in goes escaped:
    :func:`rentaldesk.text.as_sent`), with what the renter rules read when something is on file."""
    return CustomerState(email=customer.email, name=as_sent(customer.name, NAME),
                         phone=as_sent(customer.phone or "", PHONE), renter=renter_facts(renter))


def renter_facts(renter: Renter | None) -> RenterFacts | None:
    """A renter as a request carries them; None when nothing is on file. A stored licence number
    the rule refuses (an older build's) travels as none: the rule then asks for one."""
    if renter is None or not (renter.do_not_rent or renter.date_of_birth or renter.licence_number
                              or renter.licence_expiry):
        return None
    licence = renter.licence_number if renter.licence_number and problem(renter.licence_number, LICENCE) is None else None
    return RenterFacts(do_not_rent=renter.do_not_rent, date_of_birth=renter.date_of_birth,
                       licence_number=licence, licence_expiry=renter.licence_expiry)


def renter_of(customer: CustomerState) -> Renter:
    """The renter a request carries, for head office's decision: nothing on file when it carries
    none (an older build's request, or a customer new at the branch)."""
    facts = customer.renter
    if facts is None:
        return Renter(name=customer.name, email=customer.email)
    return Renter(name=customer.name, email=customer.email, do_not_rent=facts.do_not_rent,
                  date_of_birth=facts.date_of_birth, licence_number=facts.licence_number or "",
                  licence_expiry=facts.licence_expiry)


def extras_state(s: Session, zip_code: str, extras_json: str) -> tuple[ReservationExtra, ...]:
    """A reservation's kept extras (``extras_json``) as the events carry them, each with its stock
    in this database's catalogue of the branch (a branch's request: head office counts with it)."""
    if extras_json == "[]":
        return ()
    kept = extras_from_json(extras_json)
    stock = stock_at(s, zip_code, (e.code for e in kept))
    return tuple(ReservationExtra(code=e.code, label=as_sent(e.label, MESSAGE), per=e.per, price=e.price,
                                  quantity=e.quantity, cap=e.cap, taxable=e.taxable, stock=stock.get(e.code))
                 for e in kept)


def extra_choices(extras: Sequence[ReservationExtra]) -> tuple[ExtraChoice, ...]:
    """The extras an event carries, as the engine keeps them; a bad one (a quantity of 0, a blank
    label) is refused by :class:`~rentaldesk.charges.ExtraChoice`'s own check (InvalidInput)."""
    return tuple(ExtraChoice(code=e.code, label=e.label, per=e.per, price=e.price, cap=e.cap, quantity=e.quantity,
                             taxable=e.taxable) for e in extras)


def extras_stock(extras: Sequence[ReservationExtra]) -> dict[str, int | None]:
    """The stock of each item as the event's branch gave it (:func:`rentaldesk.extras.check_stock`)."""
    return {e.code: e.stock for e in extras}


def reservation_state(s: Session, row: ReservationRow) -> ReservationState:
    customer = s.get_one(Customer, row.customer_id)
    plate = s.scalar(select(Car.plate_number).where(Car.car_id == row.car_id))
    licence = (
        s.scalar(select(Driver.licence_number).where(Driver.id == row.driver_id)) if row.driver_id is not None else None
    )
    return ReservationState(
        id=row.id, reference=row.reference, status=row.status,
        customer=customer_state(customer, Renter.of(customer)),
        vehicle_class=row.vehicle_class, zip_code=row.zip_code, car_plate=plate, pinned=bool(row.pinned),
        driver_licence=licence, start=row.start_at, end=row.end_at, price=money(row.price),
        version=row.version, source=as_sent(row.source or "", CODE), reason=as_sent(row.status_reason or "", MESSAGE),
        rate_plan=row.rate_plan, driver_day_rate=row.driver_day_rate,
        # not known (a row of before the upgrade, or an earlier build's request): none said, which
        # the branch reads as "keep yours" (an empty list would wipe them)
        extras=extras_state(s, row.zip_code, row.extras_json) if row.extras_known else None,
        return_zip_code=row.return_zip_code if row.return_zip_code is not None else UNSET,
        drop_fee=money(row.drop_fee) if row.return_zip_code is not None and row.drop_fee is not None else UNSET,
    )


def car_id_for(s: Session, plate: str | None) -> int | None:
    """The local car of a plate (None for none); :class:`NotReady` if the fleet has not brought it."""
    return None if plate is None else car_id_of(s, plate)


def car_id_of(s: Session, plate: str) -> int:
    car_id = s.scalar(select(Car.car_id).where(Car.plate_number == normalize_plate(plate)))
    if car_id is None:
        raise NotReady(f"car {plate} is not in the local fleet yet")
    return car_id


def driver_id_for(s: Session, licence: str | None) -> int | None:
    if licence is None:
        return None
    driver_id = s.scalar(select(Driver.id).where(Driver.licence_number == licence))
    if driver_id is None:
        raise NotReady(f"driver {licence} is not known here yet")
    return driver_id


# The branch's apply statements, built once (building one costs several times running it).
_LOOKUP = select(
    select(Branch.id).where(Branch.zip_code == bindparam("zip")).scalar_subquery(),
    select(VehicleClass.code).where(VehicleClass.code == bindparam("vc")).scalar_subquery(),
    select(Car.car_id).where(Car.plate_number == bindparam("plate")).scalar_subquery(),
    select(Driver.id).where(Driver.licence_number == bindparam("licence")).scalar_subquery(),
)
_C, _T = table(Customer), table(ReservationRow)
_CUSTOMER = select(_C.c.id, _C.c.name, _C.c.phone).where(_C.c.email == bindparam("email"))
_NEW_CUSTOMER = insert(_C)
_CUSTOMER_CHANGE = update(_C).where(_C.c.id == bindparam("b_id"))
_RESERVATION = select(_T.c.car_id, _T.c.hq_version, _T.c.awaiting_event_id, _T.c.status, _T.c.vehicle_class,
                      _T.c.zip_code, _T.c.reference, _T.c.start_at, _T.c.end_at, _T.c.price
                      ).where(_T.c.id == bindparam("id"))
_NEW_RESERVATION = insert(_T)
#: (issue 11, manifest: head office's state does not carry a no-show's fee, which the branch recorded
#: when it marked it; the branch keeps its own.)
#: (The young-driver terms kept at booking are the branch's: head office's state does not carry them.)
#: (issue 12: nor the channel it was booked through, the branch's own fact: kept.) (Nor how its
#: days were quoted: a row of before the wall-clock rule keeps counting 24-hour days, 0021.)
_KEPT_ON_APPLY = frozenset({"id", "created_at", "picked_up_at", "returned_at", "no_show_fee",
                            "young_driver_age", "young_driver_fee_per_day", "channel", "wall_clock_days"})
#: The plan and rate a reservation was quoted with: kept when a state carries none (an earlier build).
_PRICE_TERMS = frozenset({"rate_plan", "driver_day_rate"})
#: What the trail records of a reservation head office's state makes or changes here.
_AUDITED_ON_APPLY = ("status", "car_id", "start_at", "end_at", "price", "customer_id", "vehicle_class", "zip_code",
                     "driver_id", "status_reason")
_RESERVATION_CHANGE = update(_T).where(_T.c.id == bindparam("b_id"))
_POOL_AWAITING = select(_T.c.id).where(
    _T.c.vehicle_class == bindparam("vc"), _T.c.zip_code == bindparam("zip"),
    _T.c.awaiting_event_id.is_not(None)).limit(1)
_POOL_ASTRAY = select(_T.c.id, _T.c.car_id, _T.c.hq_car_id, _T.c.reference).where(
    _T.c.vehicle_class == bindparam("vc"), _T.c.zip_code == bindparam("zip"),
    _T.c.status.in_(LIVE_STATUSES), _T.c.awaiting_event_id.is_(None), _T.c.hq_car_id.is_not(None),
    or_(_T.c.car_id != _T.c.hq_car_id, _T.c.version != _T.c.hq_version))
_BACK_TO_HQ = update(_T).where(_T.c.id == bindparam("b_id")).values(
    car_id=_T.c.hq_car_id, version=_T.c.hq_version, updated_at=bindparam("b_now"))


def apply_reservation_state(
    s: Session, state: ReservationState, now: datetime, *, answers: str | None = None
) -> Changes:
    """Make the local reservation what head office says (a branch applying a booking event).

    The rules are docs/reservation-lifecycle.md's ("At a branch"):

    - head office's version and car are always recorded (``hq_version``, ``hq_car_id``); a state no
      newer than what was recorded is skipped, unless it is the answer awaited;
    - the reservation is made head office's state, whole, when no request of this branch about it
      is waiting (``awaiting_event_id`` empty), when this is the answer to the request awaited
      (``answers``), or when head office's state is final (rejected, cancelled, completed,
      expired: no request can revive it, so what waits is moot);
    - otherwise (the answer to an older request, or another event, while a newer request waits)
      nothing local changes: the branch's pending request is its own provisional state;
    - once no request of this branch waits in the pool, every reservation of the pool is put back
      on head office's car (:func:`reconcile_pool`): local moves made to fit pending requests were
      provisional.
    """
    # The local ids the state refers to, in one query (this runs for every event at every branch).
    plate, licence = state.car_plate, state.driver_licence
    found = s.execute(_LOOKUP, {"zip": state.zip_code, "vc": state.vehicle_class,
                                "plate": normalize_plate(plate) if plate is not None else None,
                                "licence": licence}).one()
    if found[0] is None:
        raise NotReady(f"location {state.zip_code} is not in the local fleet yet")
    if found[1] is None:
        raise NotReady(f"vehicle class {state.vehicle_class} is not known here yet")
    car_id, driver_id = found[2], found[3]
    if plate is not None and car_id is None:
        raise NotReady(f"car {plate} is not in the local fleet yet")
    if licence is not None and driver_id is None:
        raise NotReady(f"driver {licence} is not known here yet")
    version, final = state.version, state.status not in LIVE_STATUSES
    row = s.execute(_RESERVATION, {"id": state.id}).first()
    if row is None:
        if car_id is None:  # a request refused before it ever held a car: nothing to keep here
            return Changes()
        old_car, hq_version, awaiting = None, 0, None
    else:
        old_car, hq_version, awaiting = row.car_id, row.hq_version, row.awaiting_event_id
    answer = awaiting is not None and answers == awaiting
    if not answer and version <= hq_version:
        return Changes()  # stale or replayed
    whole = awaiting is None or answer or final
    # Core statements, not the ORM: this runs for every event at every branch, and the unit of
    # work's flushes took most of its time. The same effect as before, column for column.
    values: dict[str, Any] = {"hq_version": max(hq_version, version)}
    if car_id is not None and not final and version >= hq_version:  # (a refused create's car is the branch's)
        values["hq_car_id"] = car_id
    if whole:
        email = normalize_email(state.customer.email)
        customer = s.execute(_CUSTOMER, {"email": email}).first()
        if customer is None:
            customer_id, name, phone = str(uuid.uuid4()), "", ""
            s.execute(_NEW_CUSTOMER, {"id": customer_id, "email": email, "name": "", "phone": "",
                                      "licence_number": "", "created_at": now})
            audit.record(s, audit.CUSTOMER, [(customer_id, email, {"email": (None, email)})], action=audit.CREATED)
        else:
            customer_id, name, phone = customer.id, customer.name, customer.phone
        new_name = state.customer.name or name
        new_phone = state.customer.phone or phone
        if (new_name, new_phone) != (name, phone):
            s.execute(_CUSTOMER_CHANGE, {"b_id": customer_id, "name": new_name, "phone": new_phone})
            audit.record(s, audit.CUSTOMER, [(customer_id, email, {k: v for k, v in (
                ("name", (name, new_name)), ("phone", (phone, new_phone))) if v[0] != v[1]})])
        # the row as head office has it, by the one composition of a reservation row
        columns = new_reservation_row(
            id=state.id, reference=state.reference, customer_id=customer_id, vehicle_class=state.vehicle_class,
            zip_code=state.zip_code, car_id=car_id or 0, pinned=state.pinned, driver_id=driver_id,
            start=state.start, end=state.end, status=state.status, price=state.price, source=state.source,
            now=now, version=version, hq_version=values["hq_version"], hq_car_id=values.get("hq_car_id"),
            status_reason=state.reason, rate_plan=state.rate_plan, driver_day_rate=state.driver_day_rate,
            extras_json=extras_to_json(extra_choices(state.extras or ())), extras_known=state.extras is not None,
            # a one-way's return (made at any branch): this branch's engine expects the car where it goes
            return_zip_code=None if state.return_zip_code is UNSET else state.return_zip_code,
            drop_fee=None if state.drop_fee is UNSET else state.drop_fee,
        )
        if row is None:
            s.execute(_NEW_RESERVATION, columns)  # (a new row always holds a car: see above)
            made: Mapping[str, object] = columns
            audit.record(s, audit.RESERVATION, [(state.id, state.reference, {
                k: (None, made[k]) for k in _AUDITED_ON_APPLY if made.get(k) is not None})],
                action=audit.CREATED)
        else:
            # what head office's state does not say stays: when it was made, picked up, returned;
            # the car, when the state holds none here (a refused create's car is the branch's)
            kept = _KEPT_ON_APPLY | ({"car_id"} if car_id is None else set()) | (
                set() if "hq_car_id" in values else {"hq_car_id"}) | (
                _PRICE_TERMS if state.rate_plan is None else set()) | (
                {"extras_json", "extras_known"} if state.extras is None else set())  # (an earlier build's state: kept)
            s.execute(_RESERVATION_CHANGE, {"b_id": state.id, **{k: v for k, v in columns.items() if k not in kept}})
            now_is: Mapping[str, object] = columns
            audit.record(s, audit.RESERVATION, [(state.id, row.reference, {
                k: (getattr(row, k), now_is[k]) for k in _AUDITED_ON_APPLY
                if k not in kept and hasattr(row, k) and getattr(row, k) != now_is[k]})])
    else:
        assert row is not None  # (no request waits on a row that is not there)
        s.execute(_RESERVATION_CHANGE, {"b_id": state.id, **values})
    if not whole:
        return Changes()  # head office's version and car recorded; nothing the screens show changed
    changes = Changes(
        reservations=frozenset({state.id}),
        customers=frozenset({customer_id}),
        cars=frozenset(x for x in (old_car, car_id if car_id is not None else old_car) if x is not None),
    )
    if awaiting is not None:  # this branch's request is settled: is the pool quiet now?
        changes = merge(changes, reconcile_pool(s, state.vehicle_class, state.zip_code, now))
    return changes


def apply_request_refused(s: Session, refused: RequestRefused, now: datetime) -> Changes:
    """Head office holds no reservation with this id (its create was rejected): whatever this branch
    still has of it holds no car, and nothing about it waits any more."""
    row = s.execute(_RESERVATION, {"id": refused.reservation_id}).first()
    if row is None:
        return Changes()
    values: dict[str, Any] = {"awaiting_event_id": None, "updated_at": now}
    if row.status in LIVE_STATUSES:
        values.update(status=ReservationStatus.REJECTED.value, status_reason=refused.reason[:200])
    elif row.awaiting_event_id is None:
        return Changes()  # already settled here (the rejection of its create came first)
    s.execute(_RESERVATION_CHANGE, {"b_id": refused.reservation_id, **values})
    if "status" in values:
        audit.record(s, audit.RESERVATION, [(refused.reservation_id, row.reference, {
            "status": (row.status, values["status"]), "status_reason": (None, values["status_reason"])})])
    changes = Changes(reservations=frozenset({refused.reservation_id}), cars=frozenset({row.car_id}))
    return merge(changes, reconcile_pool(s, row.vehicle_class, row.zip_code, now))


def reconcile_pool(s: Session, vehicle_class: str, zip_code: str, now: datetime) -> Changes:
    """Once no request of this branch waits in the pool, put every reservation of it back on the
    car head office has it on, at head office's version.

    A branch's engine may move reservations (its own confirmed ones and other branches') to make
    room for a local request; head office decides that request with its own moves, which it sends
    as ``car-reassigned`` before its answer. So when the last answer is in, head office's car is
    known for every reservation of the pool, and any local move head office did not make is undone.
    """
    if s.execute(_POOL_AWAITING, {"vc": vehicle_class, "zip": zip_code}).first() is not None:
        return Changes()
    astray = s.execute(_POOL_ASTRAY, {"vc": vehicle_class, "zip": zip_code}).all()
    if not astray:
        return Changes()
    s.execute(_BACK_TO_HQ, [{"b_id": r.id, "b_now": now} for r in astray])
    audit.record(s, audit.RESERVATION, ((r.id, r.reference, {"car_id": (r.car_id, r.hq_car_id)}) for r in astray))
    return Changes(reservations=frozenset(r.id for r in astray),
                   cars=frozenset(c for r in astray for c in (r.car_id, r.hq_car_id)))


# -- fleet ---------------------------------------------------------------------------------------

def branch_record(b: Branch) -> FleetBranch:
    return FleetBranch(
        code=b.code, name=b.name, zip_code=b.zip_code, time_zone=b.time_zone,
        lead_time_minutes=b.lead_time_minutes, min_rental_minutes=b.min_rental_minutes,
        turnaround_minutes=b.turnaround_minutes, max_rental_minutes=b.max_rental_minutes,
        horizon_days=b.horizon_days, distance_unit=b.distance_unit,
    )


def class_record(c: VehicleClass) -> FleetClass:
    return FleetClass(code=c.code, name=c.name, day_rate=money(c.day_rate))


def driver_record(d: Driver) -> FleetDriver:
    return FleetDriver(name=d.name, licence_number=d.licence_number, phone=d.phone, status=d.status,
                       day_rate=money(d.day_rate), zip_code=d.zip_code)


C = TypeVar("C", bound=CarState)


def car_record(c: Car | Row[Any], licences: dict[int, str], kind: type[C]) -> C:
    """A car's state on the wire: the fleet topic's record (``kind`` FleetCar), or the car of a
    branch's request (CarState)."""
    return kind(
        plate_number=c.plate_number, model=c.model, year=c.year, color=c.color,
        transmission=c.transmission, cost_per_day=money(c.cost_per_day), status=c.status,
        vehicle_class=c.vehicle_class, zip_code=c.zip_code, odometer=c.odometer,
        driver_licence=licences.get(c.driver_id) if c.driver_id is not None else None,
    )


def fleet_snapshot(s: Session) -> dict[str, Event]:
    """Every fleet record by key (branch:, class:, driver:, car:, staff:, car-record:)."""
    out: dict[str, Event] = {}
    for b in s.scalars(select(Branch)):
        out[f"branch:{b.zip_code}"] = branch_record(b)
    for c in s.scalars(select(VehicleClass)):
        out[f"class:{c.code}"] = class_record(c)
    licences: dict[int, str] = {}
    for d in s.scalars(select(Driver)):
        licences[d.id] = d.licence_number
        out[f"driver:{d.licence_number}"] = driver_record(d)
    # plain rows, not ORM instances: head office snapshots thousands of cars every few seconds
    for car in s.execute(select(table(Car))):
        out[f"car:{car.plate_number}"] = car_record(car, licences, FleetCar)
    for person in s.scalars(select(Staff)):
        out[f"staff:{person.username}"] = staff_record(person)
    out.update(car_records(s))  # issue 11: each car's record, from the branches' agreements
    return out


def staff_record(person: Staff) -> FleetStaff:
    return FleetStaff(username=person.username, name=person.name, role=person.role,
                      password_hash=person.password_hash, branches=split_branches(person.branches),
                      active=person.active, pin_hash=person.pin_hash)


def apply_fleet_record(s: Session, record: Event, now: datetime) -> Changes:
    """Upsert one fleet record from the fleet topic (a branch materialising head office's fleet);
    ``now``: when head office published it."""
    if isinstance(record, FleetBranch):
        b = s.scalar(select(Branch).where(Branch.zip_code == record.zip_code)) or Branch()
        for k, v in msgspec.structs.asdict(record).items():
            setattr(b, k, v)
        s.add(b)
        s.flush()
        return Changes()
    if isinstance(record, FleetClass):
        c = s.get(VehicleClass, record.code) or VehicleClass(code=record.code)
        c.name, c.day_rate = record.name, record.day_rate
        s.add(c)
        s.flush()
        return Changes()
    if isinstance(record, FleetDriver):
        if record.zip_code is not None and s.scalar(
                select(Branch.id).where(Branch.zip_code == record.zip_code)) is None:
            raise NotReady(f"location {record.zip_code} not known yet")
        d = s.scalar(select(Driver).where(Driver.licence_number == record.licence_number))
        if d is None:
            d = Driver(licence_number=record.licence_number)
        d.name, d.phone, d.status, d.zip_code = record.name, record.phone, record.status, record.zip_code
        d.day_rate = record.day_rate
        s.add(d)
        s.flush()
        return Changes(drivers=frozenset({d.id}))
    if isinstance(record, FleetCar):
        if s.scalar(select(Branch.id).where(Branch.zip_code == record.zip_code)) is None:
            raise NotReady(f"location {record.zip_code} not known yet")
        if s.get(VehicleClass, record.vehicle_class) is None:
            raise NotReady(f"vehicle class {record.vehicle_class} not known yet")
        values = msgspec.structs.asdict(record)
        values["driver_id"] = driver_id_for(s, values.pop("driver_licence"))
        # head office's fact, through the fleet's one write path (head office's moves of the
        # reservations on the car arrive as their own events)
        done = put_car(s, values, now, fact=True)
        return Changes(cars=frozenset({done.car_id}))
    if isinstance(record, FleetStaff):
        # head office's account wins over a local one of the same name: it is the company's. Its
        # change was recorded at head office, where it was made: not again here (nor sent back).
        with audit.copy_of_head_office(s, audit.STAFF):
            person = s.scalar(select(Staff).where(Staff.username == record.username)) or Staff(username=record.username)
            person.name, person.role, person.active = record.name, record.role, record.active
            person.branches = ",".join(record.branches)
            person.password_hash, person.pin_hash = record.password_hash, record.pin_hash
            person.updated_at = now
            s.add(person)
            s.flush()
        return Changes()
    raise ValueError(f"not a fleet event: {record.TYPE}")
