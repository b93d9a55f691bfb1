"""Read queries for the desk's screens: plain functions on a :class:`Database` returning frozen values.

Each function runs a fixed, small number of SQL statements whatever the number of rows (no query per
row), so a screen of 10,000 cars or reservations loads in one go. The values are safe to hand to any
thread (the desk app builds them on its database worker and shows them on the UI thread).

A car's *state* is what the counter sees now, derived from its status and its reservations:

* ``maintenance`` / ``retired``: the car's status says it is out of service;
* ``on rent``: a customer has picked it up (an active reservation);
* ``reserved``: a pending or confirmed reservation holds it now or starts within ``soon``;
* ``available``: in service and free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, case, func, or_, select
from sqlalchemy.orm import aliased

from .customers import normalize_email
from .db import Database
from .errors import InvalidInput
from .models import (
    LIVE_STATUSES,
    Branch,
    Car,
    CarStatus,
    Customer,
    Driver,
    DriverStatus,
    ReservationStatus,
    VehicleClass,
)
from .models import Reservation as ReservationRow
from .reservations import NEEDS_A_CAR, VALUE_COLUMNS, holding_car, like_escaped, matches_search, reservation_value
from .values import Reservation

STATE_AVAILABLE = "available"
STATE_RESERVED = "reserved"
STATE_ON_RENT = "on rent"
STATE_MAINTENANCE = CarStatus.MAINTENANCE.value
STATE_RETIRED = CarStatus.RETIRED.value
#: Every car state, in the order a manager reads them.
CAR_STATES = (STATE_AVAILABLE, STATE_RESERVED, STATE_ON_RENT, STATE_MAINTENANCE, STATE_RETIRED)

#: How far ahead a confirmed reservation makes its car "reserved" rather than "available".
SOON = timedelta(hours=24)

_ACTIVE = ReservationStatus.ACTIVE.value


# -- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BranchInfo:
    """A location: its zip code, name, time zone and booking rules."""

    zip_code: str
    code: str
    name: str
    time_zone: str
    lead_time: timedelta
    min_rental: timedelta
    turnaround: timedelta
    distance_unit: str = "mi"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def label(self) -> str:
        """How a clerk names it: 'Boston Downtown (02108)'."""
        return f"{self.name} ({self.zip_code})"


@dataclass(frozen=True, slots=True)
class VehicleClassInfo:
    """A vehicle class and its day rate."""

    code: str
    name: str
    day_rate: Decimal


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    """A customer (identified by email) and how many reservations they made."""

    id: str
    email: str
    name: str
    phone: str
    reservations: int


@dataclass(frozen=True, slots=True)
class CarRow:
    """A car of the fleet as the fleet grid shows it: the seed's fields, its pool, its state now, and
    the reservation it is on (``current_*``) or that comes next (``next_*``)."""

    car_id: int
    plate_number: str
    model: str
    year: int
    color: str
    transmission: str
    cost_per_day: Decimal
    status: str
    driver_id: int | None
    driver_name: str
    vehicle_class: str
    zip_code: str
    odometer: int
    state: str
    next_reservation_id: str | None = None
    next_reference: str = ""
    next_status: str = ""
    next_start: datetime | None = None
    next_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class DriverRow:
    """A chauffeur, whether they are free now, and their live assignments."""

    id: int
    name: str
    licence_number: str
    phone: str
    status: str
    day_rate: Decimal
    zip_code: str | None
    current_reference: str = ""
    current_end: datetime | None = None
    next_start: datetime | None = None
    assignments: int = 0

    @property
    def free_now(self) -> bool:
        return self.status == DriverStatus.ACTIVE.value and not self.current_reference


@dataclass(frozen=True, slots=True)
class Assignment:
    """A reservation a driver is on."""

    reservation_id: str
    reference: str
    status: str
    start: datetime
    end: datetime
    zip_code: str
    plate_number: str
    customer_name: str
    #: Its car is out of service or out of its pool (see :data:`rentaldesk.reservations.NEEDS_A_CAR`).
    needs_car: bool = False


@dataclass(frozen=True, slots=True)
class TimelineBar:
    """One reservation on the fleet timeline: its car and period."""

    reservation_id: str
    reference: str
    car_id: int
    status: str
    start: datetime
    end: datetime
    customer_name: str
    pinned: bool
    #: Its car is out of service or out of its pool (see :data:`rentaldesk.reservations.NEEDS_A_CAR`).
    needs_car: bool = False


@dataclass(frozen=True, slots=True)
class PoolStatus:
    """How the cars of a pool (class at a location) stand now, and how booked the coming days are.

    ``utilisation`` is the share (0..1) of the in-service cars' time over the next ``horizon`` held
    by live reservations.
    """

    vehicle_class: str
    zip_code: str
    available: int
    reserved: int
    on_rent: int
    maintenance: int
    retired: int
    utilisation: float

    @property
    def in_service(self) -> int:
        return self.available + self.reserved + self.on_rent

    @property
    def total(self) -> int:
        return self.in_service + self.maintenance + self.retired


# -- reference data --------------------------------------------------------------------------------


def branches(db: Database) -> list[BranchInfo]:
    """Every location, by name."""
    with db.session() as s:
        return [
            BranchInfo(
                zip_code=b.zip_code,
                code=b.code,
                name=b.name,
                time_zone=b.time_zone,
                lead_time=timedelta(minutes=b.lead_time_minutes),
                min_rental=timedelta(minutes=b.min_rental_minutes),
                turnaround=timedelta(minutes=b.turnaround_minutes),
                distance_unit=b.distance_unit,
            )
            for b in s.scalars(select(Branch).order_by(Branch.name))
        ]


def vehicle_classes(db: Database) -> list[VehicleClassInfo]:
    """Every vehicle class, cheapest first."""
    with db.session() as s:
        return [
            VehicleClassInfo(v.code, v.name, v.day_rate)
            for v in s.scalars(select(VehicleClass).order_by(VehicleClass.day_rate, VehicleClass.code))
        ]


# -- customers -------------------------------------------------------------------------------------


def _customer_query() -> Select[str, str, str, str, int]:
    """A select of :class:`CustomerInfo`'s columns."""
    count = (
        select(func.count(ReservationRow.id))
        .where(ReservationRow.customer_id == Customer.id)
        .correlate(Customer)
        .scalar_subquery()
    )
    return select(Customer.id, Customer.email, Customer.name, Customer.phone, count)


def find_customers(db: Database, text: str, limit: int = 8) -> list[CustomerInfo]:
    """Customers whose email starts with ``text`` or whose name contains it (any case)."""
    text = (text or "").strip().lower()
    if not text:
        return []
    q = (
        _customer_query()
        .where(or_(Customer.email.like(f"{like_escaped(text)}%", escape="\\"),
                   func.lower(Customer.name).like(f"%{like_escaped(text)}%", escape="\\")))
        .order_by(Customer.email)
        .limit(limit)
    )
    with db.session() as s:
        return [CustomerInfo(*row) for row in s.execute(q)]


def customer_by_email(db: Database, email: str) -> CustomerInfo | None:
    """The customer with that email, or None (also for text that is not an email)."""
    try:
        key = normalize_email(email)
    except InvalidInput:
        return None
    with db.session() as s:
        row = s.execute(_customer_query().where(Customer.email == key)).first()
    return CustomerInfo(*row) if row else None


# -- reservations ----------------------------------------------------------------------------------


def find_reservations(
    db: Database,
    *,
    search: str | None = None,
    statuses: Collection[str] | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    touching: tuple[datetime, datetime] | None = None,
    zip_code: str | None = None,
    ids: Iterable[str] | None = None,
    needs_car: bool = False,
    limit: int | None = None,
) -> list[Reservation]:
    """Reservations by pick-up time, in one query.

    ``search`` matches the reference, the customer's name or email, or the plate (any case);
    ``touching=(lo, hi)`` keeps those picked up or returned in [lo, hi) (a day's pick-ups and returns);
    ``statuses=[]`` matches nothing; ``needs_car`` keeps those that need another car.
    """
    q = select(ReservationRow, *VALUE_COLUMNS).join(Customer, Customer.id == ReservationRow.customer_id).join(
        Car, Car.car_id == ReservationRow.car_id
    )
    if ids is not None:
        q = q.where(ReservationRow.id.in_(list(ids)))
    if zip_code is not None:
        q = q.where(ReservationRow.zip_code == zip_code)
    if statuses is not None:
        q = q.where(ReservationRow.status.in_(list(statuses)))
    if needs_car:
        q = q.where(NEEDS_A_CAR)
    if starts_from is not None:
        q = q.where(ReservationRow.start_at >= starts_from)
    if starts_before is not None:
        q = q.where(ReservationRow.start_at < starts_before)
    if touching is not None:
        lo, hi = touching
        q = q.where(
            or_(
                ReservationRow.start_at.between(lo, hi - timedelta(microseconds=1)),
                ReservationRow.end_at.between(lo, hi - timedelta(microseconds=1)),
            )
        )
    if search and search.strip():
        q = q.where(matches_search(search))
    q = q.order_by(ReservationRow.start_at, ReservationRow.reference)
    if limit:
        q = q.limit(limit)
    with db.session() as s:
        return [reservation_value(*found) for found in s.execute(q)]


# -- cars ------------------------------------------------------------------------------------------


def list_cars(
    db: Database, now: datetime, *, car_ids: Iterable[int] | None = None, soon: timedelta = SOON
) -> list[CarRow]:
    """Every car (or those of ``car_ids``) with its state at ``now`` and its current or next
    reservation; two queries."""
    driver = aliased(Driver)
    cars_q = (
        select(Car, driver.name)
        .outerjoin(driver, driver.id == Car.driver_id)
        .order_by(Car.zip_code, Car.vehicle_class, Car.plate_number)
    )
    # The first live reservation of each car: the one on rent, else the earliest still to come.
    rank = func.row_number().over(
        partition_by=ReservationRow.car_id,
        order_by=(case((ReservationRow.status == _ACTIVE, 0), else_=1), ReservationRow.start_at),
    )
    next_q = select(
        ReservationRow.car_id,
        ReservationRow.id,
        ReservationRow.reference,
        ReservationRow.status,
        ReservationRow.start_at,
        ReservationRow.end_at,
        rank.label("rank"),
    ).where(*holding_car(now))
    if car_ids is not None:
        wanted = list(car_ids)
        cars_q = cars_q.where(Car.car_id.in_(wanted))
        next_q = next_q.where(ReservationRow.car_id.in_(wanted))
    firsts = next_q.subquery()
    with db.session() as s:
        upcoming = {
            row.car_id: row
            for row in s.execute(select(firsts).where(firsts.c.rank == 1))
        }
        rows = []
        for car, driver_name in s.execute(cars_q):
            nxt = upcoming.get(car.car_id)
            rows.append(
                CarRow(
                    car_id=car.car_id,
                    plate_number=car.plate_number,
                    model=car.model,
                    year=car.year,
                    color=car.color,
                    transmission=car.transmission,
                    cost_per_day=car.cost_per_day,
                    status=car.status,
                    driver_id=car.driver_id,
                    driver_name=driver_name or "",
                    vehicle_class=car.vehicle_class,
                    zip_code=car.zip_code,
                    odometer=car.odometer,
                    state=_car_state(car.status, nxt, now, soon),
                    next_reservation_id=nxt.id if nxt else None,
                    next_reference=nxt.reference if nxt else "",
                    next_status=nxt.status if nxt else "",
                    next_start=nxt.start_at if nxt else None,
                    next_end=nxt.end_at if nxt else None,
                )
            )
    return rows


def _car_state(status: str, nxt: Row[Any] | None, now: datetime, soon: timedelta) -> str:
    """A car's state from its status and its current or next reservation (a row of ``list_cars``' ``firsts``)."""
    if status != CarStatus.AVAILABLE.value:
        return status
    if nxt is None:
        return STATE_AVAILABLE
    if nxt.status == _ACTIVE:
        return STATE_ON_RENT
    return STATE_RESERVED if nxt.start_at <= now + soon else STATE_AVAILABLE


# -- drivers ---------------------------------------------------------------------------------------


def list_drivers(
    db: Database,
    now: datetime,
    *,
    driver_ids: Iterable[int] | None = None,
    free_for: tuple[datetime, datetime] | None = None,
) -> list[DriverRow]:
    """Every driver (or those of ``driver_ids``) by name, with what they do now and how many live
    assignments they hold; with ``free_for=(start, end)`` only active drivers with no live
    reservation overlapping that period (the ones a booking may name). Two queries."""
    drivers_q = select(Driver).order_by(Driver.name)
    if driver_ids is not None:
        drivers_q = drivers_q.where(Driver.id.in_(list(driver_ids)))
    if free_for is not None:
        start, end = free_for
        busy = select(ReservationRow.driver_id).where(
            ReservationRow.driver_id.is_not(None),
            *holding_car(now),
            ReservationRow.start_at < end,
            ReservationRow.end_at > start,
        )
        drivers_q = drivers_q.where(Driver.status == DriverStatus.ACTIVE.value, Driver.id.not_in(busy))
    with db.session() as s:
        drivers = list(s.scalars(drivers_q))
        live = s.execute(
            select(
                ReservationRow.driver_id,
                ReservationRow.reference,
                ReservationRow.start_at,
                ReservationRow.end_at,
                ReservationRow.status,
            )
            .where(ReservationRow.driver_id.in_([d.id for d in drivers]), *holding_car(now))
            .order_by(ReservationRow.start_at)
        ).all()
    by_driver = defaultdict(list)
    for row in live:
        by_driver[row.driver_id].append(row)
    result = []
    for d in drivers:
        holds = by_driver[d.id]
        current = next((h for h in holds if h.status == _ACTIVE or h.start_at <= now), None)
        upcoming = next((h for h in holds if h.start_at > now), None)
        result.append(
            DriverRow(
                id=d.id,
                name=d.name,
                licence_number=d.licence_number,
                phone=d.phone,
                status=d.status,
                day_rate=d.day_rate,
                zip_code=d.zip_code,
                current_reference=current.reference if current else "",
                current_end=current.end_at if current else None,
                next_start=upcoming.start_at if upcoming else None,
                assignments=len(holds),
            )
        )
    return result


def driver_assignments(db: Database, driver_id: int, *, since: datetime | None = None) -> list[Assignment]:
    """The reservations naming the driver (ending after ``since`` when given), by pick-up time."""
    q = (
        select(
            ReservationRow.id,
            ReservationRow.reference,
            ReservationRow.status,
            ReservationRow.start_at,
            ReservationRow.end_at,
            ReservationRow.zip_code,
            Car.plate_number,
            Customer.name,
            NEEDS_A_CAR,
        )
        .join(Car, Car.car_id == ReservationRow.car_id)
        .join(Customer, Customer.id == ReservationRow.customer_id)
        .where(ReservationRow.driver_id == driver_id)
        .order_by(ReservationRow.start_at)
    )
    if since is not None:
        q = q.where(ReservationRow.end_at > since)
    with db.session() as s:
        return [Assignment(*row) for row in s.execute(q)]


# -- the fleet board -------------------------------------------------------------------------------

#: Reservations the timeline draws: the live ones and the past rentals.
TIMELINE_STATUSES = (*LIVE_STATUSES, ReservationStatus.COMPLETED.value)


def timeline(db: Database, lo: datetime, hi: datetime) -> list[TimelineBar]:
    """Live and completed reservations overlapping [lo, hi), by car and pick-up time; one query."""
    q = (
        select(
            ReservationRow.id,
            ReservationRow.reference,
            ReservationRow.car_id,
            ReservationRow.status,
            ReservationRow.start_at,
            ReservationRow.end_at,
            Customer.name,
            ReservationRow.pinned,
            NEEDS_A_CAR,
        )
        .join(Customer, Customer.id == ReservationRow.customer_id)
        .join(Car, Car.car_id == ReservationRow.car_id)
        .where(
            ReservationRow.status.in_(TIMELINE_STATUSES),
            ReservationRow.start_at < hi,
            ReservationRow.end_at > lo,
        )
        .order_by(ReservationRow.car_id, ReservationRow.start_at)
    )
    with db.session() as s:
        return [TimelineBar(*row) for row in s.execute(q)]


def fleet_status(
    db: Database, now: datetime, *, horizon: timedelta = timedelta(days=7), soon: timedelta = SOON
) -> list[PoolStatus]:
    """Per pool (class at a location, by location then class): cars by state now, and the share of
    the in-service cars' time over [now, now + horizon) that live reservations hold."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(CAR_STATES, 0))
    for car in list_cars(db, now, soon=soon):
        counts[(car.vehicle_class, car.zip_code)][car.state] += 1
    end = now + horizon
    booked: dict[tuple[str, str], float] = defaultdict(float)
    with db.session() as s:
        rows = s.execute(
            select(
                ReservationRow.vehicle_class,
                ReservationRow.zip_code,
                ReservationRow.start_at,
                ReservationRow.end_at,
                ReservationRow.status,
            ).where(*holding_car(now), ReservationRow.start_at < end, ReservationRow.end_at > now)
        )
        for vclass, zip_code, start, stop, status in rows:
            # An active rental past its end still holds its car until it comes back.
            stop = end if status == _ACTIVE and stop < now else min(stop, end)
            booked[(vclass, zip_code)] += (stop - max(start, now)).total_seconds()
    result = []
    for (vclass, zip_code), c in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        in_service = c[STATE_AVAILABLE] + c[STATE_RESERVED] + c[STATE_ON_RENT]
        capacity = in_service * horizon.total_seconds()
        result.append(
            PoolStatus(
                vehicle_class=vclass,
                zip_code=zip_code,
                available=c[STATE_AVAILABLE],
                reserved=c[STATE_RESERVED],
                on_rent=c[STATE_ON_RENT],
                maintenance=c[STATE_MAINTENANCE],
                retired=c[STATE_RETIRED],
                utilisation=min(1.0, booked[(vclass, zip_code)] / capacity) if capacity else 0.0,
            )
        )
    return result

