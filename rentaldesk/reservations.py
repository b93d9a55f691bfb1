"""The reservation engine: create, change, cancel, pick up, return, expire, and ask about availability.

Every decision runs in one write transaction (``Database.write``), so on one database decisions are
taken one at a time, and a refused request leaves nothing behind.

Capacity is exact (see :mod:`rentaldesk.placement`): a class reservation is accepted iff all live
reservations of its pool (vehicle class at a zip code) can sit on the pool's cars with no car
holding two overlapping ones; not-yet-started class reservations may be moved between cars to make
room, never one pinned to a car or already started.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement, Select, String, Table, and_, bindparam, exists, false, func, or_, select, type_coerce, update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import identity_key

from . import agreement_record, audit, car_location, contracts, no_show, placement
from .agreement_record import AgreementLink
from .permissions import Permission, require
from . import extras as catalogue
from .customers import (
    CustomerEdit,
    blanks_only,
    customer_name,
    customer_phone,
    get_or_create_customer,
    normalize_email,
    update_customer,
)
from .renters import Renter, RenterRules, Stage, check_at_booking, check_renter, rules_for
from .db import Database
from .display import article, count, money, period_text
from .text import typed
from .errors import (
    DriverUnavailable,
    DuplicateReservation,
    InvalidInput,
    NotAvailable,
    RentalError,
    ReservationNotFound,
    UnknownPool,
)
from .models import (
    CHANNEL_COUNTER,
    CHANNELS,
    LIVE_STATUSES,
    Agreement,
    Branch,
    Car,
    CarStatus,
    Customer,
    Driver,
    DriverStatus,
    PoolVersion,
    ReservationStatus,
    UTCDateTime,
    VehicleClass,
)
from .models import Reservation as ReservationRow
from .charges import DAY, Charges, ExtraChoice, rental_day_start, rental_length
from .pricing import KEEP, Keep, booking_plan, booking_quote, price_change
from .rates import RatePlan, drop_fee, plan_for, plans_at
from .rules import BranchRules, check_period, describe, normalize_plate, odometer_reading, require_aware
from .values import CarChoice, Changes, Reservation

if TYPE_CHECKING:
    from .sync.events import CarState

log = logging.getLogger("rentaldesk.reservations")

Clock = Callable[[], datetime]

#: Bounds that take in every reservation (the slow path reads a pool's whole live book).
_DAWN = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DUSK = datetime(9999, 1, 1, tzinfo=timezone.utc)
#: How long before its start a reservation may be picked up.
PICKUP_WINDOW = timedelta(hours=12)
#: Neighbouring holds loaded around a request, so the best-fit choice sees the gaps it fills.
HOLD_CONTEXT = timedelta(days=3)
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Pool:
    """A pool: the cars in service of a vehicle class at a location, and the branch's rules.

    ``cars`` include the cars arriving by a one-way reservation elsewhere, each held by an
    ``arrivals`` hold until it arrives; ``departures``: the pool's live one-way reservations, whose
    holds run to :data:`rentaldesk.car_location.GONE` (see :mod:`rentaldesk.car_location`)."""

    branch: Branch
    vclass: VehicleClass
    rules: BranchRules
    cars: list[Car] = field(default_factory=list)
    arrivals: list[placement.Hold] = field(default_factory=list)
    departures: list[placement.Hold] = field(default_factory=list)

    @cached_property
    def car_ids(self) -> list[int]:
        """The pool's car ids, in pool order (``cars`` is never changed once the pool is read)."""
        return [c.car_id for c in self.cars]


def branch_rules(branch: Branch) -> BranchRules:
    """The rules of a branch row (an ORM object, or head office's plain row with the same names)."""
    return BranchRules(
        lead_time=timedelta(minutes=branch.lead_time_minutes),
        min_rental=timedelta(minutes=branch.min_rental_minutes),
        turnaround=timedelta(minutes=branch.turnaround_minutes),
        max_rental=timedelta(minutes=branch.max_rental_minutes),
        horizon=timedelta(days=branch.horizon_days),
        time_zone=branch.time_zone,
    )


class ReservationService:
    """The seed's reservation API on a branch database.

    A standalone branch is its own authority: reservations are confirmed at once. With ``link`` (a
    branch of a network) each change also writes its request for head office in the same
    transaction, and new or changed reservations stay ``pending`` until head office answers.

    ``mail`` (a standalone branch with a mail server, :class:`rentaldesk.hq.branch_mail.BranchMail`)
    queues the customer's agreement mail at check-out and receipt mail at check-in in the same
    transaction. Never with ``link``: in a network head office mails them (exactly once).

    ``clock()`` returns the current aware time (default: now, UTC). Listeners added with
    :meth:`subscribe` hear a :class:`Changes` after every commit that changed something.
    """

    def __init__(self, db: Database, clock: Clock | None = None, *, link: BranchLink | None = None,
                 mail: AgreementLink | None = None) -> None:
        if link is not None and mail is not None:
            raise ValueError("a branch of a network mails nothing itself: head office does")
        self.db = db
        self.clock: Clock = clock or utc_now
        self.link = link
        self.mail = mail
        self._listeners: list[Callable[[Changes], None]] = []

    # -- notifications ---------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Changes], None]) -> None:
        self._listeners.append(listener)

    def announce(self, changes: Changes) -> None:
        """Tell every listener what changed (also called by the sync loop for head-office events)."""
        if not changes:
            return
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # a broken screen must not undo a committed booking
                log.exception("change listener %r failed", listener)

    def _now(self) -> datetime:
        now = self.clock()
        require_aware(now, "clock")
        return now.astimezone(timezone.utc)

    # -- customers -------------------------------------------------------------------------------

    def customer_id_for(self, email: str, name: str | None = None, phone: str | None = None) -> str:
        """The id of the customer with that email (any case, spaces around), created when new."""
        require(Permission.EDIT_CUSTOMER, self.db)
        now = self._now()
        with self.db.write() as s:
            known = s.scalar(select(Customer.id).where(Customer.email == normalize_email(email)))
            customer = get_or_create_customer(s, email, now=now, name=name, phone=phone)
            customer_id = customer.id
        if known is None:
            self.announce(Changes(customers=frozenset({customer_id})))
        return customer_id

    # -- queries ---------------------------------------------------------------------------------

    def get_reservation(self, reservation_id: str) -> Reservation:
        """By id or by reference (any case)."""
        require(Permission.VIEW, self.db)
        with self.db.session() as s:
            return _value(s, _find(s, reservation_id))

    def list_reservations(
        self,
        *,
        status: str | Sequence[str] | None = None,
        zip_code: str | None = None,
        vehicle_class: str | None = None,
        customer_id: str | None = None,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
        search: str | None = None,
        needs_car: bool = False,
        limit: int | None = None,
    ) -> list[Reservation]:
        """Reservations by start time, filtered; ``search`` matches reference, name, email or plate;
        ``needs_car``: only those that need another car (see :data:`NEEDS_A_CAR`)."""
        require(Permission.VIEW, self.db)
        with self.db.session() as s:
            q = (
                select(ReservationRow, *VALUE_COLUMNS)
                .join(Customer, Customer.id == ReservationRow.customer_id)
                .join(Car, Car.car_id == ReservationRow.car_id)
            )
            if status:
                q = q.where(ReservationRow.status.in_([status] if isinstance(status, str) else status))
            if zip_code:
                q = q.where(ReservationRow.zip_code == zip_code)
            if vehicle_class:
                q = q.where(ReservationRow.vehicle_class == vehicle_class.upper())
            if customer_id:
                q = q.where(ReservationRow.customer_id == customer_id)
            if needs_car:
                q = q.where(NEEDS_A_CAR)
            if starts_from:
                q = q.where(ReservationRow.start_at >= starts_from)
            if starts_before:
                q = q.where(ReservationRow.start_at < starts_before)
            if search and search.strip():
                q = q.where(matches_search(search))
            q = q.order_by(ReservationRow.start_at, ReservationRow.reference)
            if limit:
                q = q.limit(limit)
            return [reservation_value(*found) for found in s.execute(q)]  # one query

    def is_rental_available(
        self,
        *,
        vehicle_class: str,
        zip_code: str,
        start: datetime,
        end: datetime,
        customer_id: str | None = None,
    ) -> bool:
        """Would a class reservation for this period be accepted now?

        False when no placement exists or (with ``customer_id``) the customer already holds an
        overlapping one. A period that breaks a rule raises :class:`InvalidPeriod`, an unknown pool
        :class:`UnknownPool`: the caller learns why, not just "no".
        """
        require(Permission.VIEW, self.db)
        now = self._now()
        with self.db.session() as s:
            pool = _load_pool(s, vehicle_class, zip_code)
            check_period(start, end, now, pool.rules)
            if customer_id is not None and _customer_overlap(
                s, customer_id, pool.vclass.code, pool.branch.zip_code, start, end, now
            ):
                return False
            new = placement.Hold("new", start, end + pool.rules.turnaround)
            return _placeable(s, pool, new, now)

    def offers_at(self, *, zip_code: str, start: datetime, end: datetime,
                  vehicle_class: str | None = None) -> dict[str, Charges]:
        """The classes at the location (or just ``vehicle_class``) a class reservation for
        [start, end) would be accepted in now, each with its quote (:meth:`quote_charges`).

        The answer of :meth:`is_rental_available` for every class at once, by the same rule
        (``_decide_with``) over one read: the location's cars in service and its live holds near
        the period, one query each for all its pools (a busy pool's wider window is read as
        :meth:`is_rental_available` reads it), and their rate plans together. Classes with no car
        in service there are left out. A period that breaks a rule raises :class:`InvalidPeriod`,
        an unknown location or class :class:`UnknownPool`."""
        require(Permission.VIEW, self.db)
        now = self._now()
        # the location's pools and plans are the same for every search until the database changes
        at = self.db.kept(("offers_at", (zip_code or "").strip()), lambda s: _location_pools(s, zip_code))
        rules = at.rules
        check_period(start, end, now, rules)
        with self.db.session() as s:
            pools = at.pools
            if vehicle_class:
                wanted = find_class(s, vehicle_class).code
                pools = tuple(pool for pool in at.pools if pool.vclass.code == wanted)
            codes = [pool.vclass.code for pool in pools]
            new = placement.Hold("new", start, end + rules.turnaround)
            lo, hi = new.start - HOLD_CONTEXT, new.end + HOLD_CONTEXT  # _decide_with's first window
            near = _location_holds(s, at.zip_code, codes, rules.turnaround, lo, hi, now) if codes else {}
            free: list[str] = []
            for pool in pools:
                wider = DatabasePool(s, pool).holds_reader("new", now)
                read = near.get(pool.vclass.code, [])

                def holds_between(a: datetime, b: datetime, read: list[placement.Hold] = read, pool: Pool = pool,
                                  wider: Callable[[datetime, datetime], list[placement.Hold]] = wider,
                                  ) -> list[placement.Hold]:
                    if lo <= a and b <= hi:
                        return _with_moves(pool, [h for h in read if h.start < b and a < h.end], a, b)
                    return wider(a, b)

                if _decide_with(pool, new, holds_between, fewest_moves=False) is not None:
                    free.append(pool.vclass.code)
            return {code: booking_quote(booking_plan(at.plans[code], None), start, end, None, ()) for code in free}

    def reserved_count(self, *, vehicle_class: str, zip_code: str, start: datetime, end: datetime) -> int:
        """Live reservations of the pool whose hold overlaps [start, end) (a reporting figure)."""
        require(Permission.VIEW, self.db)
        require_aware(start, "start")
        require_aware(end, "end")
        now = self._now()
        with self.db.session() as s:
            pool = _load_pool(s, vehicle_class, zip_code)
            return sum(not car_location.is_arrival(h.key) for h in _pool_holds(s, pool, start, end, now))

    def duplicate_of(
        self, *, customer_id: str, vehicle_class: str, zip_code: str, start: datetime, end: datetime
    ) -> DuplicateReservation | None:
        """The same-customer refusal :meth:`create_reservation` would give (naming the reservation
        the customer holds), or None."""
        require(Permission.VIEW, self.db)
        require_aware(start, "start")
        require_aware(end, "end")
        now = self._now()
        with self.db.session() as s:
            pool = _load_pool(s, vehicle_class, zip_code)
            clash = DatabasePool(s, pool).customer_clash(customer_id, start, end, now)
            return duplicate(s.get_one(Customer, customer_id).email, pool, clash) if clash is not None else None

    def free_cars(self, *, vehicle_class: str, zip_code: str, start: datetime, end: datetime) -> list[int]:
        """Cars of the pool that could be booked by car for [start, end), making room if needed."""
        require(Permission.VIEW, self.db)
        return list(self.room(vehicle_class=vehicle_class, zip_code=zip_code, start=start, end=end).cars)

    def room(self, *, vehicle_class: str, zip_code: str, start: datetime, end: datetime,
             car_id: int | None = None) -> Room:
        """How many more bookings of exactly [start, end) the pool takes, of how many cars, and the
        cars one booking could go on (see :func:`room_in`; ``car_id``, a car picked, is settled by
        the full decision). The period's shape is checked, not the lead time
        (:meth:`is_rental_available` says whether a booking is allowed now)."""
        require(Permission.VIEW, self.db)
        require_aware(start, "start")
        require_aware(end, "end")
        now = self._now()
        with self.db.session() as s:
            pool = _load_pool(s, vehicle_class, zip_code)
            return room_in(DatabasePool(s, pool), start, end, now, settle=car_id)

    def ways_out(self, *, vehicle_class: str, zip_code: str, start: datetime, end: datetime) -> list[WayOut]:
        """When the pool is sold out for [start, end): what the clerk can offer instead (see
        :func:`ways_out`); empty when a booking fits, or nothing else does."""
        require(Permission.VIEW, self.db)
        require_aware(start, "start")
        require_aware(end, "end")
        now = self._now()
        with self.db.session() as s:
            return ways_out(s, _load_pool(s, vehicle_class, zip_code), start, end, now)

    def quote(
        self,
        *,
        vehicle_class: str,
        zip_code: str,
        start: datetime,
        end: datetime,
        car_id: int | None = None,
        driver_id: int | None = None,
    ) -> Decimal:
        """The price create_reservation would charge (no rule checked but the period's shape)."""
        require(Permission.VIEW, self.db)
        return self.quote_charges(vehicle_class=vehicle_class, zip_code=zip_code, start=start, end=end,
                                  car_id=car_id, driver_id=driver_id).total

    def quote_charges(
        self,
        *,
        vehicle_class: str,
        zip_code: str,
        start: datetime,
        end: datetime,
        car_id: int | None = None,
        driver_id: int | None = None,
        extras: tuple[ExtraChoice, ...] = (),
        return_zip_code: str | None = None,
    ) -> Charges:
        """The charge lines of :meth:`quote` (what the price is made of, in the clerk's words),
        each extra a line of its own, a one-way return's drop fee one too."""
        require(Permission.VIEW, self.db)
        require_aware(start, "start")
        require_aware(end, "end")
        with self.db.session() as s:
            pool = _load_pool(s, vehicle_class, zip_code)
            car = s.get(Car, car_id) if car_id is not None else None
            driver = s.get(Driver, driver_id) if driver_id is not None else None
            plan = booking_plan(plan_for(s, pool.vclass.code, pool.branch.zip_code), car.cost_per_day if car else None)
            back = return_location(s, pool.branch.zip_code, return_zip_code)
            fee = drop_fee(s, pool.branch.zip_code, back) if back is not None else None
            return booking_quote(plan, start, end, driver.day_rate if driver else None, extras, fee)

    def extras_offered(self, zip_code: str) -> tuple[catalogue.CatalogueItem, ...]:
        """The branch's catalogue of extras and cover, in its order (the desk's picker)."""
        require(Permission.VIEW, self.db)
        with self.db.session() as s:
            return catalogue.catalogue(s, zip_code)

    def stock_refusal(self, *, zip_code: str, extras: tuple[ExtraChoice, ...], start: datetime, end: datetime,
                      exclude: str | None = None) -> NotAvailable | None:
        """The stock refusal booking (or checking out, ``exclude``: that reservation) these extras
        would give now (:func:`rentaldesk.extras.check_stock`, the one rule), or None; a preview's
        question, so no pool lock: the booking decides again."""
        require(Permission.VIEW, self.db)
        require_aware(start, "start")
        require_aware(end, "end")
        now = self._now()
        with self.db.session() as s:
            try:
                catalogue.check_stock(s, zip_code, extras, start, end, now, exclude=exclude)
            except NotAvailable as exc:
                return exc
        return None

    def sold_out(self, *, vehicle_class: str, zip_code: str, start: datetime, end: datetime) -> NotAvailable:
        """The refusal :meth:`create_reservation` gives a class booking the pool has no room for
        (for a page that says so before the customer fills a form)."""
        require(Permission.VIEW, self.db)
        with self.db.session() as s:
            return _not_available(_load_pool(s, vehicle_class, zip_code), start, end, None)

    def renter_rules(self, *, vehicle_class: str, zip_code: str) -> RenterRules:
        """The renter rule of the class at the branch (what a booking form must ask for)."""
        require(Permission.VIEW, self.db)
        with self.db.session() as s:
            pool = _load_pool(s, vehicle_class, zip_code)
            return rules_for(s, pool.vclass.code, pool.branch.zip_code)

    # -- decisions -------------------------------------------------------------------------------

    def create_reservation(
        self,
        *,
        email: str,
        name: str,
        vehicle_class: str,
        zip_code: str,
        start: datetime,
        end: datetime,
        phone: str | None = None,
        car_id: int | None = None,
        driver_id: int | None = None,
        extras: tuple[ExtraChoice, ...] = (),
        record: CustomerEdit | None = None,
        channel: str = CHANNEL_COUNTER,
        return_zip_code: str | None = None,
    ) -> Reservation:
        """Book a car of the class at the zip code for [start, end), with ``extras`` (priced from
        the branch's catalogue: :func:`rentaldesk.extras.choose`; their stock checked).

        ``return_zip_code``: where the car is to be returned (None or the pick-up location: there);
        another branch's makes a one-way reservation, with that branch's drop fee in its price
        and its car expected there from its end (:mod:`rentaldesk.car_location`).

        ``record``: what the customer told of themselves (the web's date of birth and licence),
        written by :func:`rentaldesk.customers.update_customer` in the booking's transaction where the
        record has nothing yet (what is on file stays), so the renter rule reads it; a refused
        booking keeps none of it. ``channel``: where it was booked (:data:`rentaldesk.models.CHANNELS`:
        the web site says ``"web"``).

        Confirmed at once on a standalone branch; with head office (``link``) it is ``pending`` and
        holds its car here until head office decides. With ``car_id`` the reservation is pinned to
        that car. Raises :class:`InvalidPeriod`, :class:`NotAvailable`,
        :class:`DuplicateReservation`, :class:`DriverUnavailable`, :class:`UnknownPool` or
        :class:`InvalidInput`; nothing is saved then.
        """
        require(Permission.BOOK, self.db)
        if channel not in CHANNELS:
            raise InvalidInput(f"unknown booking channel {channel!r} (one of {', '.join(CHANNELS)})", field="channel")
        now = self._now()
        status = ReservationStatus.PENDING if self.link else ReservationStatus.CONFIRMED
        with self.db.write() as s:
            _expire(s, now)
            if record is not None:
                customer = get_or_create_customer(s, email, now=now, name=name, phone=phone)
                update_customer(s, customer.id, blanks_only(record, customer), today=now.date())
            row, moved = book(
                s, self.db.lock_pool, now,
                email=email, name=name, phone=phone, vehicle_class=vehicle_class, zip_code=zip_code,
                start=start, end=end, car_id=car_id, driver_id=driver_id, status=status,
                source=self.link.source if self.link else "", extras=extras, channel=channel,
                return_zip_code=return_zip_code,
            )
            if self.link:
                self.link.requested(s, row, now)
            result = _value(s, row)
        log.info("reservation %s (%s) %s on car %s; %d moved",
                 result.reference, result.id, result.status, result.car_id, len(moved))
        self.announce(
            Changes(
                reservations=frozenset({result.id, *moved}),
                customers=frozenset({result.customer_id}),
                cars=frozenset({result.car_id, *moved.values()}),
            )
        )
        return result

    def update_reservation(
        self,
        reservation_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        name: str | None = None,
        phone: str | None = None,
        accept_price: Decimal | None = None,
        extras: tuple[ExtraChoice, ...] | None = None,
        return_zip_code: str | None = None,
    ) -> Reservation:
        """Change the period, the return location (``return_zip_code``: None keeps it; the pick-up
        location makes it a round trip again), the extras (``extras``: all the reservation keeps after the change,
        those kept at their booked price, new ones from :func:`rentaldesk.extras.choose`) and/or the
        customer's name and phone.

        A period change re-checks the rules and the availability, leaving this reservation itself
        out; a refused change leaves the reservation exactly as it was. A period that alters the
        price is refused with :class:`PriceChanged` (old, new and why, as :func:`rentaldesk.pricing.price_change` says)
        unless ``accept_price`` is the new price the clerk was shown. With head office the changed
        reservation is ``pending`` until head office confirms or rejects the change.
        """
        require(Permission.CHANGE, self.db)
        now = self._now()
        with self.db.write() as s:
            _expire(s, now)
            row = _find(s, reservation_id)
            new_start, new_end = start or row.start_at, end or row.end_at
            if (new_start, new_end) != (row.start_at, row.end_at):  # a new period: the renter rule again
                check_renter(s, row.customer_id, row.vehicle_class, row.zip_code, new_start, new_end,
                             stage=Stage.BOOKING)
            outcome = change(s, self.db.lock_pool, now, row, start=start, end=end, name=name, phone=phone,
                             accept_price=accept_price, extras=extras,
                             return_zip_code=KEEP if return_zip_code is None else return_zip_code)
            if self.link and (outcome.booking_changed or outcome.customer_changed):
                if outcome.booking_changed and row.status != ReservationStatus.ACTIVE.value:
                    row.status = ReservationStatus.PENDING.value
                self.link.change_requested(s, row, now)
            result = _value(s, row)
        if outcome.booking_changed or outcome.customer_changed:
            self.announce(
                Changes(
                    reservations=frozenset({result.id, *outcome.moved}),
                    customers=frozenset({result.customer_id}) if outcome.customer_changed else frozenset(),
                    cars=frozenset({result.car_id, *outcome.moved.values()})
                    if outcome.period_changed
                    else frozenset(),
                )
            )
        return result

    def cancel_reservation(self, reservation_id: str) -> Reservation:
        """Cancel a pending or confirmed reservation; its car is free again at once."""
        require(Permission.CANCEL, self.db)
        now = self._now()
        with self.db.write() as s:
            _expire(s, now)
            row = _find(s, reservation_id)
            cancel(row, now)
            if self.link:
                self.link.cancel_requested(s, row, now)
            result = _value(s, row)
        self.announce(Changes(reservations=frozenset({result.id}), cars=frozenset({result.car_id})))
        return result

    def cars_for(self, reservation_id: str, *, limit: int = 25) -> list[CarChoice]:
        """Cars :meth:`assign_car` would take for the reservation now: free ones of its pool first,
        then of a higher class at its location (by day rate), then of its class elsewhere."""
        require(Permission.VIEW, self.db)
        now = self._now()
        with self.db.session() as s:
            row = _find(s, reservation_id)
            reserved = s.get_one(VehicleClass, row.vehicle_class)
            higher = list(s.execute(
                select(VehicleClass.code, VehicleClass.day_rate)
                .where(VehicleClass.day_rate >= reserved.day_rate, VehicleClass.code != reserved.code)
                .order_by(VehicleClass.day_rate, VehicleClass.code)))
            zips = list(s.scalars(select(Branch.zip_code).where(Branch.zip_code != row.zip_code).order_by(Branch.zip_code)))
            pools = [(row.vehicle_class, row.zip_code), *((code, row.zip_code) for code, _ in higher),
                     *((row.vehicle_class, z) for z in zips)]
            choices: list[CarChoice] = []
            for vehicle_class, zip_code in pools:
                pool = _load_pool(s, vehicle_class, zip_code)
                end = row.end_at + pool.rules.turnaround
                for car in pool.cars:
                    if len(choices) >= limit:
                        return choices
                    if car.car_id == row.car_id:
                        continue
                    hold = placement.Hold(row.id, row.start_at, end, car.car_id, movable=False)
                    if _placeable(s, pool, hold, now):
                        choices.append(CarChoice(car.car_id, car.plate_number, vehicle_class, zip_code))
            return choices

    def assign_car(self, reservation_id: str, car_id: int) -> Reservation:
        """Give the reservation another car at its booked price (see :func:`assign_car`): the way
        out for one that needs a car. With head office it is ``pending`` until head office decides."""
        require(Permission.CHANGE, self.db)
        now = self._now()
        with self.db.write() as s:
            _expire(s, now)
            row = _find(s, reservation_id)
            old_car = row.car_id
            moved = assign_car(s, self.db.lock_pool, now, row, car_id)
            if self.link:
                if row.status != ReservationStatus.ACTIVE.value:
                    row.status = ReservationStatus.PENDING.value
                self.link.car_assign_requested(s, row, now)
            result = _value(s, row)
        log.info("reservation %s given car %s (was %s); %d moved", result.reference, result.car_id, old_car, len(moved))
        self.announce(Changes(reservations=frozenset({result.id, *moved}),
                              cars=frozenset({old_car, result.car_id, *moved.values()})))
        return result

    def pick_up(self, reservation_id: str, *, odometer: int | None = None) -> Reservation:
        """The engine's pick-up alone, with no agreement: the reservation becomes active and pinned
        to its car, at the price it was booked at. The counter's way is :meth:`check_out` (the desk
        and ``rentaldesk reservations pickup``); this one serves the simulations and older callers."""
        require(Permission.CHECK_OUT, self.db)
        now = self._now()
        with self.db.write() as s:
            _expire(s, now)
            row = _find(s, reservation_id)
            pick_up(s, row, now, odometer=odometer)
            if self.link:
                self.link.picked_up(s, row, now, odometer)
            result = _value(s, row)
        self.announce(Changes(reservations=frozenset({result.id}), cars=frozenset({result.car_id})))
        return result

    def return_car(self, reservation_id: str, *, odometer: int | None = None) -> Reservation:
        """The car is back: the reservation is completed and the car free for what follows. The
        engine's return alone, for a car picked up without an agreement (before agreements, or by
        :meth:`pick_up`); a car out on an agreement comes back by :meth:`check_in` only, so no
        agreement is left on rent behind a completed reservation."""
        require(Permission.CHECK_IN, self.db)
        now = self._now()
        with self.db.write() as s:
            row = _find(s, reservation_id)
            number = s.scalar(select(Agreement.number).where(Agreement.reservation_id == row.id))
            if number is not None:
                raise RentalError(f"reservation {row.reference} is out on agreement {number}: check it in "
                                  "(its readings and charges), not only back", field="reservation")
            return_car(s, row, now, odometer=odometer)
            if self.link:
                self.link.returned(s, row, now, odometer)
            result = _value(s, row)
        self.announce(Changes(reservations=frozenset({result.id}), cars=frozenset({result.car_id})))
        return result

    def mark_no_show(self, reservation_id: str, *, fee: Decimal | None = None) -> Reservation:
        """Mark a confirmed reservation not picked up a no-show (the rule of :mod:`rentaldesk.no_show`):
        its car is free at once; ``fee`` (None: the branch's) is recorded on it. The one way, for the
        desk and the command line; with head office, the fact is sent in the same transaction."""
        require(Permission.HOUSEKEEPING, self.db)
        now = self._now()
        with self.db.write() as s:
            _expire(s, now)
            row = _find(s, reservation_id)
            charged = no_show.mark(s, row, now, fee=fee)
            if fee is not None and charged != no_show.branch_fee(s, row):
                require(Permission.OVERRIDE_PRICE, s)  # another fee than the branch's: a manager's (nothing saved)
            if self.link:
                self.link.no_show(s, row, now)
            result = _value(s, row)
        log.info("reservation %s marked a no-show (fee %s)", result.reference, charged)
        self.announce(Changes(reservations=frozenset({result.id}), cars=frozenset({result.car_id})))
        return result

    def check_out(self, value: contracts.CheckOut) -> contracts.AgreementView:
        """The car handed over with its agreement (:func:`rentaldesk.contracts.check_out`): the one
        way a car leaves, for the desk and the command line. With head office, its pick-up is sent."""
        require(Permission.CHECK_OUT, self.db)
        now = self._now()
        with self.db.write() as s:
            _expire(s, now)
            view = contracts.check_out(s, value, now)
            if self.link:
                self.link.picked_up(s, s.get_one(ReservationRow, view.reservation_id), now, view.out.odometer)
            agreement_record.record(s, self.link, agreement_record.CHECKED_OUT, view, now, mail=self.mail)
        self.announce(Changes(reservations=frozenset({view.reservation_id}), cars=frozenset({view.car_id})))
        return view

    def check_in(self, value: contracts.CheckIn) -> contracts.AgreementView:
        """The car back (:func:`rentaldesk.contracts.check_in`): the charges fixed, the reservation
        completed at the actual return time. With head office, its return is sent."""
        require(Permission.CHECK_IN, self.db)
        now = self._now()
        with self.db.write() as s:
            view, rehoused = contracts.check_in_and_relocate(s, value, now)
            if self.link and view.returned is not None:
                self.link.returned(s, s.get_one(ReservationRow, view.reservation_id), now, view.returned.odometer)
            view = agreement_record.record(s, self.link, agreement_record.CHECKED_IN, view, now, mail=self.mail)
            # a one-way return: the old pool's reservations on the car moved, or now needing a car
            stuck = set(s.scalars(select(ReservationRow.id).where(ReservationRow.reference.in_(rehoused.stuck))))
        self.announce(Changes(reservations=frozenset({view.reservation_id, *rehoused.moved, *stuck}),
                              cars=frozenset({view.car_id, *rehoused.moved.values()})))
        return view

    def mark_reservations_expired(self) -> int:
        """Pending or confirmed reservations whose end has passed without pick-up become expired."""
        require(Permission.HOUSEKEEPING, self.db)
        now = self._now()
        with self.db.write() as s:
            expired = _expire(s, now)
        if expired:
            self.announce(Changes(reservations=frozenset(expired)))
        return len(expired)


class BranchLink(Protocol):
    """What a branch with head office does beside each local decision, in the same transaction
    (see :class:`rentaldesk.sync.branch.BranchOutbox`): it writes the request for head office."""

    source: str

    def requested(self, s: Session, row: ReservationRow, now: datetime) -> None: ...
    def change_requested(self, s: Session, row: ReservationRow, now: datetime) -> None: ...
    def cancel_requested(self, s: Session, row: ReservationRow, now: datetime) -> None: ...
    def car_assign_requested(self, s: Session, row: ReservationRow, now: datetime) -> None: ...
    def picked_up(self, s: Session, row: ReservationRow, now: datetime, odometer: int | None) -> None: ...
    def returned(self, s: Session, row: ReservationRow, now: datetime, odometer: int | None) -> None: ...
    # issue 11: manifest -- a reservation marked a no-show (rentaldesk.no_show)
    def no_show(self, s: Session, row: ReservationRow, now: datetime) -> None: ...
    # the fleet's side (a :class:`rentaldesk.fleet.FleetLink`): a car added or edited here
    def car_change_requested(self, s: Session, car: CarState, now: datetime) -> None: ...
    # issue 11: network -- an agreement's new state (rentaldesk.agreement_service.record)
    def agreement_recorded(self, s: Session, row: ReservationRow, stage: str, version: int,
                           view: contracts.AgreementView, now: datetime) -> None: ...


# -- decisions inside one session (shared by the branch service and the head-office authority) -----

Lock = Callable[[Session, str], None]


def book(
    s: Session,
    lock: Lock,
    now: datetime,
    *,
    email: str,
    name: str,
    vehicle_class: str,
    zip_code: str,
    start: datetime,
    end: datetime,
    phone: str | None = None,
    car_id: int | None = None,
    driver_id: int | None = None,
    status: ReservationStatus = ReservationStatus.CONFIRMED,
    reservation_id: str | None = None,
    reference: str | None = None,
    source: str = "",
    requested_at: datetime | None = None,
    plan: RatePlan | None = None,
    renter: Renter | None = None,
    extras: tuple[ExtraChoice, ...] = (),
    stock: Mapping[str, int | None] | None = None,
    extras_known: bool = True,
    channel: str = CHANNEL_COUNTER,
    return_zip_code: str | None = None,
    kept_drop_fee: Decimal | None = None,
) -> tuple[ReservationRow, dict[str, int]]:
    """Decide and record a new reservation; returns the row and the reservations moved for it.

    ``requested_at`` (head office deciding a request taken earlier at a branch) is the time the
    lead-time rule is measured from; the period must still lie ahead of ``now``. ``plan``: the
    rate plan the request was quoted with (head office); else the plan in effect here. The renter
    rule (:func:`rentaldesk.renters.check_at_booking`) reads ``renter`` (a request's), else the
    stored customer. ``stock``: the items' stock as a branch's request reports it, counted only
    for an item this database's catalogue does not list (:func:`rentaldesk.extras.check_stock`). ``extras_known``: False at
    head office for a request of an earlier build, which said nothing of extras (its extras are
    then not sent back: :func:`rentaldesk.sync.state.reservation_state`). ``return_zip_code``: a one-way
    return's location (:func:`return_location`), its drop fee ``kept_drop_fee`` when a request
    carries the one quoted, else the fee in effect here.
    """
    email = normalize_email(email)
    pool = _load_pool(s, vehicle_class, zip_code)
    back = return_location(s, pool.branch.zip_code, return_zip_code)
    fee = None if back is None else (kept_drop_fee if kept_drop_fee is not None
                                     else drop_fee(s, pool.branch.zip_code, back))
    lock(s, pool.branch.zip_code)
    known = s.scalar(select(Customer.id).where(Customer.email == email))
    driver = _find_driver(s, driver_id)
    reservation_id = reservation_id or str(uuid.uuid4())
    renter_rules = check_at_booking(s, pool.vclass.code, pool.branch.zip_code, pool.branch.time_zone, start, end,
                                 customer_id=known, renter=renter, name=name, email=email)
    booking = decide_booking(
        DatabasePool(s, pool), reservation_id=reservation_id, name=name, email=email, customer_id=known,
        start=start, end=end, car_id=car_id, driver=driver, now=now, requested_at=requested_at,
        plan=plan or plan_for(s, pool.vclass.code, pool.branch.zip_code), extras=extras,
        return_zip_code=back, drop_fee=fee,
    )
    catalogue.check_stock(s, pool.branch.zip_code, extras, start, end, now, stock=stock)  # issue 11: extras
    customer = get_or_create_customer(s, email, now=now, name=name, phone=phone)
    moved = _apply_moves(s, booking.moved, reservation_id, now)
    row = ReservationRow(**new_reservation_row(
        id=reservation_id, reference=reference or _new_reference(s), customer_id=customer.id,
        vehicle_class=pool.vclass.code, zip_code=pool.branch.zip_code, car_id=booking.car_id,
        pinned=booking.pinned, driver_id=driver.id if driver else None, start=start, end=end,
        status=ReservationStatus(status).value, price=booking.price, source=source, now=now,
        rate_plan=booking.plan.to_json(), driver_day_rate=booking.driver_day_rate,
        extras_json=catalogue.extras_to_json(extras), extras_known=extras_known,
        young_driver_age=renter_rules.young_driver_age,
        young_driver_fee_per_day=renter_rules.young_driver_fee_per_day, channel=channel,
        return_zip_code=back, drop_fee=fee,
    ))
    s.add(row)
    s.flush()
    return row, moved


class NewReservationRow(TypedDict):
    """Every column of a reservation row, as :func:`new_reservation_row` composes it."""

    id: str
    reference: str
    customer_id: str
    vehicle_class: str
    zip_code: str
    car_id: int
    pinned: bool
    driver_id: int | None
    start_at: datetime
    end_at: datetime
    status: str
    price: Decimal
    version: int
    created_at: datetime
    updated_at: datetime
    picked_up_at: datetime | None
    returned_at: datetime | None
    status_reason: str
    source: str
    hq_version: int
    awaiting_event_id: str | None
    hq_car_id: int | None
    rate_plan: str | None
    driver_day_rate: Decimal | None
    extras_json: str
    extras_known: bool
    wall_clock_days: bool
    no_show_fee: Decimal | None
    young_driver_age: int | None
    young_driver_fee_per_day: Decimal | None
    channel: str
    return_zip_code: str | None
    drop_fee: Decimal | None


def new_reservation_row(
    *,
    id: str,
    reference: str,
    customer_id: str,
    vehicle_class: str,
    zip_code: str,
    car_id: int,
    pinned: bool,
    driver_id: int | None,
    start: datetime,
    end: datetime,
    status: str,
    price: Decimal,
    source: str,
    now: datetime,
    version: int = 1,
    hq_version: int = 0,
    hq_car_id: int | None = None,
    status_reason: str = "",
    rate_plan: str | None = None,
    driver_day_rate: Decimal | None = None,
    extras_json: str = "[]",
    extras_known: bool = True,
    young_driver_age: int | None = None,
    young_driver_fee_per_day: Decimal | None = None,
    channel: str = CHANNEL_COUNTER,
    return_zip_code: str | None = None,
    drop_fee: Decimal | None = None,
) -> NewReservationRow:
    """Every column of a new reservation row: the one place its values are composed. :func:`book`
    writes it with the ORM, head office's batch path (:mod:`rentaldesk.hq.batch`) many at once, and a
    branch applying head office's state (:func:`rentaldesk.sync.state.apply_reservation_state`) with
    a Core insert; a column added to the table is added here, or tests/unit/test_reservations.py
    fails."""
    return {
        "id": id, "reference": reference, "customer_id": customer_id, "vehicle_class": vehicle_class,
        "zip_code": zip_code, "car_id": car_id, "pinned": pinned, "driver_id": driver_id,
        "start_at": start, "end_at": end, "status": status, "price": price, "version": version,
        "created_at": now, "updated_at": now, "picked_up_at": None, "returned_at": None,
        "status_reason": status_reason, "source": source, "hq_version": hq_version,
        "awaiting_event_id": None, "hq_car_id": hq_car_id,
        "rate_plan": rate_plan, "driver_day_rate": driver_day_rate, "extras_json": extras_json,
        "extras_known": extras_known, "wall_clock_days": True, "no_show_fee": None,
        "young_driver_age": young_driver_age, "young_driver_fee_per_day": young_driver_fee_per_day,
        "channel": channel, "return_zip_code": return_zip_code, "drop_fee": drop_fee,
    }


# -- the booking decision: one function, two sources for the pool -----------------------------------


@dataclass(frozen=True, slots=True)
class Clash:
    """A customer's live reservation of a pool overlapping the period asked."""

    reference: str
    start: datetime
    end: datetime


def duplicate(email: str, pool: Pool, clash: Clash) -> DuplicateReservation:
    """The same-customer refusal, naming the reservation the customer holds already."""
    return DuplicateReservation(
        f"{email} already holds {clash.reference}, {article(pool.vclass.name)} {pool.vclass.name} at "
        f"{pool.branch.zip_code} for {branch_period(pool.branch, clash.start, clash.end)}, which overlaps this period"
    )


@dataclass(frozen=True, slots=True)
class DriverClash:
    """Another live reservation of a driver overlapping the period asked."""

    reference: str
    start: datetime
    end: datetime
    branch: Branch


class PoolView(Protocol):
    """A pool as the booking decision reads it. Two sources: :class:`DatabasePool` (a branch, the
    command line, head office one request at a time) and head office's batch memory
    (:class:`rentaldesk.hq.batch._PoolMemory`); the rules are :func:`decide_booking`'s alone."""

    pool: Pool

    def holds_reader(self, exclude: str, now: datetime) -> Callable[[datetime, datetime], list[placement.Hold]]:
        """``reader(lo, hi)``: the pool's live holds overlapping [lo, hi), less ``exclude``'s (a
        hold ends at the reservation's end plus the turnaround)."""
        ...

    def customer_clash(self, customer_id: str, start: datetime, end: datetime, now: datetime) -> Clash | None:
        """The customer's live reservation of the pool overlapping [start, end) (the earliest), if any."""
        ...

    def driver_clash(self, driver_id: int, start: datetime, end: datetime, now: datetime) -> DriverClash | None:
        """A live reservation of the driver overlapping [start, end), if any."""
        ...


class DriverLike(Protocol):
    id: int
    name: str
    status: str
    day_rate: Decimal


@dataclass(frozen=True, slots=True)
class Booking:
    """What :func:`decide_booking` decided: the car, pinned or not, the reservations moved to make
    room (id -> car id), the price, and the plan and chauffeur's rate it was quoted with."""

    car_id: int
    pinned: bool
    moved: dict[str, int]
    price: Decimal
    plan: RatePlan
    driver_day_rate: Decimal | None


def decide_booking(
    view: PoolView,
    *,
    reservation_id: str,
    name: str,
    email: str,
    customer_id: str | None,
    start: datetime,
    end: datetime,
    car_id: int | None,
    driver: DriverLike | None,
    now: datetime,
    plan: RatePlan,
    requested_at: datetime | None = None,
    extras: tuple[ExtraChoice, ...] = (),
    return_zip_code: str | None = None,
    drop_fee: Decimal | None = None,
) -> Booking:
    """Decide a new reservation on a pool, or raise the refusal (nothing is written).

    The one decision for a booking, whoever asks and whatever the pool is read from. The rules in
    order: a customer's name; the period (lead time measured from ``requested_at`` when head office
    decides a request taken earlier, the period still ahead of ``now``); no overlapping reservation
    of the customer (``customer_id``: None for a new customer) in the pool; the driver active and
    free; the asked car (``car_id``) in the pool; a placement of every live reservation of the pool
    with this one (moving not-yet-started class reservations if need be). The price:
    :mod:`rentaldesk.pricing` (``plan``, at the asked car's own day rate, plus the driver's, plus
    ``drop_fee``). A one-way reservation (``return_zip_code`` elsewhere) takes its car out of the
    pool for good (:mod:`rentaldesk.car_location`): it is placed on a car with nothing after it.
    """
    customer_name(name)
    pool = view.pool
    check_period(start, end, requested_at or now, pool.rules)
    if requested_at is not None:
        check_period(start, end, now, pool.rules, check_lead_time=False)
    clash = view.customer_clash(customer_id, start, end, now) if customer_id is not None else None
    if clash is not None:
        raise duplicate(email, pool, clash)
    driver_rule(view, driver, start, end, now)
    car = _check_car(pool, car_id) if car_id is not None else None
    hold_end = car_location.departure_end(pool.branch.zip_code, return_zip_code, end) + pool.rules.turnaround
    hold = placement.Hold(reservation_id, start, hold_end, car=car.car_id if car else None, movable=car is None)
    decision = _decide_with(pool, hold, view.holds_reader(reservation_id, now))
    if decision is None:
        raise _not_available(pool, start, end, car)
    quoted = booking_plan(plan, car.cost_per_day if car is not None else None)
    driver_rate = driver.day_rate if driver else None
    return Booking(
        car_id=decision[reservation_id],
        pinned=car is not None,
        moved={k: c for k, c in decision.items() if k != reservation_id},
        price=booking_quote(quoted, start, end, driver_rate, extras, drop_fee).total,
        plan=quoted,
        driver_day_rate=driver_rate,
    )


@dataclass(frozen=True, slots=True)
class Room:
    """What a pool can still take for one period (see :func:`room_in`)."""

    vehicle_class: str
    zip_code: str
    #: How many more bookings of exactly this period fit (the engine may move class reservations).
    more: int
    #: The pool's cars in service.
    of: int
    #: The cars one more booking could go on (possibly after moves), in pool order: each one is
    #: certain, a booking by that car is accepted.
    cars: tuple[int, ...]
    #: Cars the quick question could not settle (a busy book): one of them may take a booking too,
    #: which the engine decides when the booking is made. Empty: ``cars`` is every car that can.
    unsettled: tuple[int, ...] = ()
    #: The class as the branch calls it ('Minivan'); the code when not given.
    class_name: str = ""

    def text(self) -> str:
        """'room for 1 more of 6 SUV cars', 'no room: all 3 Minivan cars are taken', 'no Minivan car in
        service at 02108': the class by its name, as the desk shows it."""
        name = self.class_name or self.vehicle_class
        cars = count(self.of, f"{name} car")
        if not self.of:
            return f"no {name} car in service at {self.zip_code}"
        if not self.more:
            return f"no room: the only {name} car is taken" if self.of == 1 else f"no room: all {cars} are taken"
        return f"room for {self.more} more of {cars}"


def room_in(view: PoolView, start: datetime, end: datetime, now: datetime, *, which_cars: bool = True,
            settle: int | None = None) -> Room:
    """Exact capacity for one period, by the booking decision itself (:func:`_decide_with`).

    ``more``: the largest N such that N more class bookings of exactly [start, end) (and the
    turnaround) are placeable together. The cars with no hold in the period (in a pool whose holds
    are in order) take one each without a search; past them, placed one by one, each placed one
    movable like any class booking not yet started, so the engine may re-pack them and the pool's
    movable reservations (a complete search: if N fit together, the N-th one placed finds its room).

    ``cars``: the cars on which a single new booking could be placed: a car with nothing in the
    period without asking, a car a reservation is fixed on in the period never, each other one
    asked as a booking by car, a suggestion's question (``quick``: listed when a placement is found
    within the search's budget). Every decision reads the period's whole cluster of holds at once
    (:func:`_period_cluster`). What the quick question leaves open is ``unsettled``, but for
    ``settle`` (the car the clerk picked), which the full decision settles: so a car the desk keeps
    picked is listed exactly when a booking by it is accepted. With ``which_cars`` False, no car is
    asked and ``cars`` is empty. Holds are read once (:func:`_remembered`)."""
    pool = view.pool
    hold_end = end + pool.rules.turnaround
    read = _period_cluster(_remembered(view.holds_reader("", now)), start, hold_end)
    near = [h for h in read(start - HOLD_CONTEXT, hold_end + HOLD_CONTEXT) if h.start < hold_end and start < h.end]
    in_order = not placement.conflicted(near) and all(h.car in pool.car_ids or not h.movable for h in near)
    taken = {h.car for h in near}
    # A car with nothing in the period takes one booking as things stand: no search needed.
    free = [c for c in pool.car_ids if c not in taken] if in_order else []
    placed: dict[str, int] = {}  # where the placed ones, and what they moved, are
    extra: list[placement.Hold] = []
    for car in free:
        key = f" room {len(extra)}"
        placed[key] = car
        extra.append(placement.Hold(key, start, hold_end))

    def with_placed(lo: datetime, hi: datetime) -> list[placement.Hold]:
        near = [replace(h, car=placed[h.key]) if h.key in placed else h for h in read(lo, hi)]
        return near + [replace(h, car=placed[str(h.key)]) for h in extra if h.start < hi and lo < h.end]

    more = len(free)
    while more < len(pool.car_ids):
        new = placement.Hold(f" room {more}", start, hold_end)
        decision = _decide_with(pool, new, with_placed, fewest_moves=False)
        if decision is None:
            break
        placed.update(decision)
        extra.append(new)
        more += 1
    if not (which_cars and more):
        return Room(pool.vclass.code, pool.branch.zip_code, more, len(pool.car_ids), (), class_name=pool.vclass.name)
    fixed_on = {h.car for h in near if not h.movable}
    cars: list[int] = []
    unsettled: list[int] = []
    for car in pool.car_ids:
        if car in free:
            cars.append(car)
            continue
        if car in fixed_on:
            continue  # a reservation that cannot move holds it in the period
        pinned = placement.Hold("", start, hold_end, car, movable=False)
        if _decide_with(pool, pinned, read, fewest_moves=False, quick=True) is not None:
            cars.append(car)
        elif car == settle:
            if _decide_with(pool, pinned, read, fewest_moves=False) is not None:
                cars.append(car)
        else:
            unsettled.append(car)
    return Room(pool.vclass.code, pool.branch.zip_code, more, len(pool.car_ids), tuple(cars), tuple(unsettled),
                class_name=pool.vclass.name)


def _period_cluster(
    read: Callable[[datetime, datetime], list[placement.Hold]], start: datetime, end: datetime,
) -> Callable[[datetime, datetime], list[placement.Hold]]:
    """A reader for the many decisions :func:`room_in` asks about one period: the window around
    [start, end) is widened once, as :func:`_decide_with` widens it, until it holds the whole
    cluster of holds chained by overlap with the period, and every window asked then gets all of
    it. Every new hold of those decisions spans the period, so each decision's cluster is that one
    (wherever a hold is moved, it is on the same interval): a decision finds its whole cluster at
    once instead of widening step by step over a busy book, and holds outside its own window change
    none of its answers (the engine places inside the cluster only)."""
    probe = placement.Hold(" period", start, end)
    lo, hi = start - HOLD_CONTEXT, end + HOLD_CONTEXT
    while True:
        holds = read(lo, hi)
        run = placement.cluster([*holds, probe], probe)
        run_lo, run_hi = min(h.start for h in run), max(h.end for h in run)
        if run_lo >= lo and run_hi <= hi:
            break
        lo, hi = min(lo, run_lo), max(hi, run_hi)
    return lambda _lo, _hi: holds


@dataclass(frozen=True, slots=True)
class WayOut:
    """A booking that fits when the one asked does not: another class at the same location
    (``kind`` "class"), the same class at another location ("location"), or the same pool at the
    nearest period of the same length that fits ("period")."""

    kind: str
    vehicle_class: str
    zip_code: str
    start: datetime
    end: datetime
    #: How many bookings of that period the pool takes (see :class:`Room`).
    room: int
    text: str


#: How many ways out of each kind are offered, and how many periods are tried for the nearest.
WAYS_OUT_EACH = 2
#: How far (in zip code numbers) a location may be from the one asked to be offered as nearby: US
#: zip codes run by region, and 02108 (Boston) to 02139 (Cambridge) is 31 while 02108 to 10001
#: (New York) is 7,893. ``ways_out(..., nearby=...)`` takes another.
NEARBY_ZIP_SPAN = 100
_PERIODS_TRIED = 40
_POOLS_TRIED = 12


def ways_out(s: Session, pool: Pool, start: datetime, end: datetime, now: datetime, *,
             nearby: int = NEARBY_ZIP_SPAN) -> list[WayOut]:
    """What to offer when ``pool`` is sold out for [start, end) (nothing when it is not): the
    classes at its location with room (nearest day rate first), its class at the other locations
    within ``nearby`` zip code numbers (nearest first: US zip codes run roughly by region; the
    period said on that location's clock), and the nearest period of the
    same length, earlier or later, that the pool takes. Each is asked of the booking decision
    under that pool's own rules (one decision a pool tried, at most :data:`_POOLS_TRIED` of each
    kind, then :func:`room_in`'s count for those offered); none is booked."""
    if _placeable(s, pool, placement.Hold(" way out", start, end + pool.rules.turnaround), now):
        return []
    found: list[WayOut] = []
    classes = [c for c in s.scalars(select(VehicleClass)) if c.code != pool.vclass.code]
    classes.sort(key=lambda c: (abs(c.day_rate - pool.vclass.day_rate), c.day_rate, c.code))
    branches = [b for b in s.scalars(select(Branch))
                if b.zip_code != pool.branch.zip_code and _zip_distance(b.zip_code, pool.branch.zip_code) <= nearby]
    branches.sort(key=lambda b: (_zip_distance(b.zip_code, pool.branch.zip_code), b.zip_code))
    for kind, pools in (("class", ((c.code, pool.branch.zip_code) for c in classes)),
                        ("location", ((pool.vclass.code, b.zip_code) for b in branches))):
        offered = tried = 0
        for code, zip_code in pools:
            if offered == WAYS_OUT_EACH or tried == _POOLS_TRIED:
                break
            other = _load_pool(s, code, zip_code)
            if not other.car_ids or not _allowed(start, end, now, other.rules):
                continue
            tried += 1
            if not _placeable(s, other, placement.Hold(" way out", start, end + other.rules.turnaround), now, quick=True):
                continue
            room = room_in(DatabasePool(s, other), start, end, now, which_cars=False)
            if room.more:
                offered += 1
                name = other.vclass.name
                if kind == "location":  # the period on that location's clock: its zone may differ
                    where = f"{other.branch.zip_code}, {other.branch.name}, for {branch_period(other.branch, start, end)}"
                else:
                    where = other.branch.zip_code
                found.append(WayOut(kind, code, zip_code, start, end, room.more,
                                    f"{article(name)} {name} at {where}: {room.text()}, "
                                    f"{money(other.vclass.day_rate)} a day"))
    nearest = _nearest_period(s, pool, start, end, now)
    if nearest is not None:
        until = _as_long(pool, start, end, nearest)
        room = room_in(DatabasePool(s, pool), nearest, until, now, which_cars=False)
        found.append(WayOut("period", pool.vclass.code, pool.branch.zip_code, nearest, until,
                            room.more, f"the same {pool.vclass.name} for "
                            f"{branch_period(pool.branch, nearest, until)}: {room.text()}"))
    return found


def _as_long(pool: Pool, start: datetime, end: datetime, at: datetime) -> datetime:
    """The end of a period from ``at`` as long as [start, end) on the branch's clock (the same
    days and time after them: 10:00 to 10:00 stays a day over a clock change)."""
    zone = pool.rules.zone
    days, rest = divmod(rental_length(start, end, zone), DAY)
    return rental_day_start(at, days, zone) + rest


def _zip_distance(a: str, b: str) -> int:
    return abs(int(a) - int(b)) if a.isdigit() and b.isdigit() else 10**9


def _allowed(start: datetime, end: datetime, now: datetime, rules: BranchRules) -> bool:
    try:
        check_period(start, end, now, rules)
    except RentalError:
        return False
    return True


def _nearest_period(s: Session, pool: Pool, start: datetime, end: datetime, now: datetime) -> datetime | None:
    """The start nearest ``start`` of a period as long as [start, end) (on the branch's clock:
    :func:`_as_long`) that the pool takes. Room
    changes only where a hold leaves the period: later, at a hold's end (its turnaround in it);
    earlier, where the period's hold ends at a hold's start. So those are the starts tried."""
    length, turnaround = end - start, pool.rules.turnaround
    holds = _pool_holds(s, pool, start - 30 * length - HOLD_CONTEXT, end + 30 * length + HOLD_CONTEXT, now)
    starts: set[datetime] = {h.end for h in holds if h.end > start} | {h.start - length - turnaround for h in holds
                                                        if h.start - length - turnaround < start}
    tried = 0
    for candidate in sorted(starts, key=lambda t: (abs(t - start), t < start)):  # a tie: the later one
        if tried == _PERIODS_TRIED:
            break
        until = _as_long(pool, start, end, candidate)
        if not _allowed(candidate, until, now, pool.rules):
            continue
        tried += 1
        if _placeable(s, pool, placement.Hold(" way out", candidate, until + turnaround), now, quick=True):
            return candidate
    return None


def _remembered(
    read: Callable[[datetime, datetime], list[placement.Hold]],
) -> Callable[[datetime, datetime], list[placement.Hold]]:
    """``read`` asked once per window: a window inside one read already is cut from it."""
    seen: list[tuple[datetime, datetime, list[placement.Hold]]] = []

    def remembered(lo: datetime, hi: datetime) -> list[placement.Hold]:
        for a, b, holds in seen:
            if a <= lo and hi <= b:
                return [h for h in holds if h.start < hi and lo < h.end]
        holds = read(lo, hi)
        seen.append((lo, hi, holds))
        return holds

    return remembered


def driver_rule(view: PoolView, driver: DriverLike | None, start: datetime, end: datetime, now: datetime) -> None:
    """A driver on a reservation is active and on no other live reservation overlapping it."""
    if driver is None:
        return
    if driver.status != DriverStatus.ACTIVE.value:
        raise DriverUnavailable(f"driver {driver.name} is {driver.status}")
    clash = view.driver_clash(driver.id, start, end, now)
    if clash is not None:
        raise DriverUnavailable(
            f"driver {driver.name} is busy with {clash.reference} ({branch_period(clash.branch, clash.start, clash.end)})"
        )


class DatabasePool:
    """A pool read from the database in session ``s`` (see :class:`PoolView`); ``exclude``: a
    reservation being changed, left out of the customer and driver checks."""

    def __init__(self, s: Session, pool: Pool, exclude: str | None = None) -> None:
        self.s = s
        self.pool = pool
        self.exclude = exclude

    def holds_reader(self, exclude: str, now: datetime) -> Callable[[datetime, datetime], list[placement.Hold]]:
        """The fast path reads only the holds near the new one; once the slow path widens its
        window, the pool's whole live book is read in one query and the window cut from it in
        memory (a busy pool's cluster is its whole forward book: one query, not one a step)."""
        s, pool = self.s, self.pool
        calls = 0
        book: list[placement.Hold] = []

        def holds_between(lo: datetime, hi: datetime) -> list[placement.Hold]:
            nonlocal calls, book
            calls += 1
            if calls == 1:  # the fast path's window
                return _pool_holds(s, pool, lo, hi, now, exclude=exclude)
            if calls == 2:
                book = _pool_holds(s, pool, _DAWN, _DUSK, now, exclude=exclude)
            return [h for h in book if h.start < hi and lo < h.end]

        return holds_between

    def customer_clash(self, customer_id: str, start: datetime, end: datetime, now: datetime) -> Clash | None:
        found = self.s.execute(_customer_overlap_query(
            customer_id, self.pool.vclass.code, self.pool.branch.zip_code, start, end, now, exclude=self.exclude,
        ).with_only_columns(ReservationRow.reference, ReservationRow.start_at, ReservationRow.end_at)
            .order_by(ReservationRow.start_at, ReservationRow.reference).limit(1)).first()
        return Clash(*found) if found is not None else None

    def driver_clash(self, driver_id: int, start: datetime, end: datetime, now: datetime) -> DriverClash | None:
        q = select(ReservationRow.reference, ReservationRow.start_at, ReservationRow.end_at, Branch).join(
            Branch, Branch.zip_code == ReservationRow.zip_code
        ).where(
            ReservationRow.driver_id == driver_id,
            *holding_car(now),
            ReservationRow.start_at < end,
            ReservationRow.end_at > start,
        )
        if self.exclude is not None:
            q = q.where(ReservationRow.id != self.exclude)
        found = self.s.execute(q.order_by(ReservationRow.start_at).limit(1)).first()
        return DriverClash(*found) if found is not None else None


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    period_changed: bool
    customer_changed: bool
    moved: dict[str, int]
    extras_changed: bool = False
    return_changed: bool = False

    @property
    def booking_changed(self) -> bool:
        """The period, the return location or the extras: what head office decides again."""
        return self.period_changed or self.extras_changed or self.return_changed


def change(
    s: Session,
    lock: Lock,
    now: datetime,
    row: ReservationRow,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    name: str | None = None,
    phone: str | None = None,
    requested_at: datetime | None = None,
    accept_price: Decimal | None = None,
    extras: tuple[ExtraChoice, ...] | None = None,
    stock: Mapping[str, int | None] | None = None,
    return_zip_code: str | None | Keep = KEEP,
    kept_drop_fee: Decimal | None = None,
) -> ChangeOutcome:
    """Change a live reservation's period, its extras and/or its customer's name and phone, or raise.

    The price kept (:func:`price_change`): a new period or new extras that alter the price are
    refused with :class:`PriceChanged` (old, new, why) unless ``accept_price`` is that new price.
    ``extras``: the reservation's extras after the change (None: unchanged), their stock counted
    over the new period as at booking (``stock``: as :func:`book`'s)."""
    if row.status not in LIVE_STATUSES:
        raise RentalError(
            f"reservation {row.reference} is {row.status} and can no longer be changed", field="reservation"
        )
    name = None if name is None else customer_name(name)
    phone = None if phone is None else customer_phone(phone)
    new_start = row.start_at if start is None else start
    new_end = row.end_at if end is None else end
    require_aware(new_start, "start")
    require_aware(new_end, "end")
    period_changed = new_start != row.start_at or new_end != row.end_at
    # a new return location (:func:`return_location`): re-placed as a new period is (a one-way
    # takes its car for good), and priced with the drop fee in effect (or a request's, quoted)
    new_return = row.return_zip_code if isinstance(return_zip_code, Keep) else \
        return_location(s, row.zip_code, return_zip_code)
    return_changed = new_return != row.return_zip_code
    new_drop = row.drop_fee
    if return_changed:
        new_drop = None if new_return is None else (
            kept_drop_fee if kept_drop_fee is not None else drop_fee(s, row.zip_code, new_return))
    kept = catalogue.extras_from_json(row.extras_json)
    extras_changed = extras is not None and tuple(extras) != kept
    if extras_changed and row.status == ReservationStatus.ACTIVE.value:
        raise RentalError(f"reservation {row.reference} is on rent: its extras are those of its agreement",
                          field="extras")
    new_extras = tuple(extras) if extras is not None and extras_changed else kept
    if extras is not None:  # said now (a row of before the upgrade knew none: migration 0021)
        row.extras_known = True
    moved: dict[str, int] = {}
    if period_changed or extras_changed or return_changed:
        pool = _load_pool(s, row.vehicle_class, row.zip_code)
        lock(s, pool.branch.zip_code)
    if period_changed or return_changed:
        started = row.status == ReservationStatus.ACTIVE.value or row.start_at <= now
        if started and new_start != row.start_at:
            raise RentalError(f"reservation {row.reference} has started; only its return can change", field="start")
        check_period(new_start, new_end, requested_at or now, pool.rules, check_lead_time=new_start != row.start_at)
        if requested_at is not None:
            check_period(new_start, new_end, now, pool.rules, check_lead_time=False)
        clash = DatabasePool(s, pool, exclude=row.id).customer_clash(row.customer_id, new_start, new_end, now)
        if clash is not None:
            raise duplicate(s.get_one(Customer, row.customer_id).email, pool, clash)
        driver = _find_driver(s, row.driver_id)
        driver_rule(DatabasePool(s, pool, exclude=row.id), driver, new_start, new_end, now)
        # a one-way reservation keeps its car (another branch expects that car), as a pinned one
        fixed = row.pinned or started or car_location.is_one_way(row.zip_code, row.return_zip_code)
        hold_end = car_location.departure_end(row.zip_code, new_return, new_end) + pool.rules.turnaround
        hold = placement.Hold(row.id, new_start, hold_end, car=row.car_id if fixed else None, movable=not fixed)
        decision = _decide(s, pool, hold, now)
        if decision is None:
            raise _not_available(pool, new_start, new_end, s.get(Car, row.car_id) if fixed else None)
    else:
        decision = None
    if period_changed or extras_changed or return_changed:
        catalogue.check_stock(s, pool.branch.zip_code, new_extras,  # issue 11: extras
                              new_start, new_end, now, exclude=row.id, stock=stock)
        repriced = price_change(row, new_start, new_end, new_extras if extras_changed else None, drop_fee=new_drop)
        if repriced.new != row.price and accept_price != repriced.new:
            raise repriced.refusal(accept_price)
        if repriced.new != row.price:  # the clerk (or the customer on the web) accepted the new price
            audit.note(s, audit.RESERVATION, row.id, audit.PRICE_OVERRIDE,
                       {"price": (row.price, repriced.new), "accepted": accept_price}, label=row.reference)
        if decision is not None:
            moved = _apply_moves(s, decision, row.id, now)
            row.car_id = decision[row.id]
        old_return, old_end = row.return_zip_code, row.end_at
        row.start_at = new_start
        row.end_at = new_end
        row.price = repriced.new
        row.extras_json = catalogue.extras_to_json(new_extras)
        row.return_zip_code, row.drop_fee = new_return, new_drop
        row.version += 1
        row.updated_at = now
        if car_location.is_one_way(row.zip_code, old_return) and (return_changed or new_end > old_end):
            assert old_return is not None  # the car it was bringing there: is it still coming in time?
            moved.update(rehouse_arrivals(s, lock, now, row, old_return,
                                          field="return_zip_code" if return_changed else "end"))
    customer = s.get_one(Customer, row.customer_id)
    customer_changed = False
    if name is not None and name.strip() != customer.name:
        customer.name = name.strip()
        customer_changed = True
    if phone is not None and phone.strip() != customer.phone:
        customer.phone = phone.strip()
        customer_changed = True
    s.flush()
    return ChangeOutcome(period_changed, customer_changed, moved, extras_changed, return_changed)


def assign_car(s: Session, lock: Lock, now: datetime, row: ReservationRow, car_id: int) -> dict[str, int]:
    """Give a live reservation another car at its booked price, or raise; the reservations moved
    to make room (id -> car id).

    The way out for a reservation that needs a car (its car went to maintenance), or any other
    swap a manager decides: a car of its own pool, of a class of the same or a higher day rate at
    its location (an upgrade), or at another location (the customer picks up there). The
    reservation joins that car's pool, pinned to the car; the engine may move not-yet-started
    class reservations of that pool to make room, as for a booking by car.
    """
    if row.status not in LIVE_STATUSES:
        raise RentalError(f"reservation {row.reference} is {row.status}; it holds no car", field="reservation")
    car = s.get(Car, car_id)
    if car is None:
        raise InvalidInput(f"no car with id {car_id}", field="car_id")
    old = s.get_one(Car, row.car_id)
    if car.car_id == old.car_id:
        raise InvalidInput(f"reservation {row.reference} is on {car.plate_number} already", field="car_id")
    if car.status != CarStatus.AVAILABLE.value:
        raise NotAvailable(f"car {car.plate_number} is {car.status}", field="car_id")
    if row.end_at <= now:
        raise RentalError(f"reservation {row.reference} has ended; it needs no car", field="reservation")
    pool = _load_pool(s, car.vehicle_class, car.zip_code)
    reserved = s.get_one(VehicleClass, row.vehicle_class)
    if pool.vclass.day_rate < reserved.day_rate:
        raise NotAvailable(
            f"{car.plate_number} is {article(pool.vclass.code)} {pool.vclass.code} ({pool.vclass.day_rate}/day), "
            f"below the {reserved.code} booked ({reserved.day_rate}/day): give the same or a higher class",
            field="car_id",
        )
    lock(s, pool.branch.zip_code)
    clash = (DatabasePool(s, pool, exclude=row.id).customer_clash(row.customer_id, row.start_at, row.end_at, now)
             if (pool.vclass.code, pool.branch.zip_code) != (row.vehicle_class, row.zip_code) else None)
    if clash is not None:
        raise duplicate(s.get_one(Customer, row.customer_id).email, pool, clash)
    hold = placement.Hold(row.id, row.start_at, row.end_at + pool.rules.turnaround, car=car.car_id, movable=False)
    decision = _decide(s, pool, hold, now)
    if decision is None:
        raise _not_available(pool, row.start_at, row.end_at, car)
    moved = _apply_moves(s, decision, row.id, now)
    row.status_reason = (f"on {car.plate_number} ({pool.vclass.code} at {pool.branch.zip_code}) at the booked price, "
                         f"for {old.plate_number} ({row.vehicle_class} at {row.zip_code})")
    row.car_id, row.vehicle_class, row.zip_code, row.pinned = car.car_id, pool.vclass.code, pool.branch.zip_code, True
    row.version += 1
    row.updated_at = now
    s.flush()
    return moved


def cancel(row: ReservationRow, now: datetime) -> None:
    """Cancel a pending or confirmed reservation, or raise."""
    if row.status == ReservationStatus.ACTIVE.value:
        raise RentalError(f"reservation {row.reference} is picked up; return the car instead", field="reservation")
    if row.status not in LIVE_STATUSES:
        raise RentalError(f"reservation {row.reference} is already {row.status}", field="reservation")
    row.status = ReservationStatus.CANCELLED.value
    row.version += 1
    row.updated_at = now


def check_due(row: ReservationRow, now: datetime, *, enforce_window: bool = True) -> None:
    """The pick-up rule: a confirmed reservation, within :data:`PICKUP_WINDOW` of its start and not
    ended, or a :class:`RentalError` (field ``reservation``). :func:`pick_up` applies it; the
    check-out (:func:`rentaldesk.contracts.check_out`) asks it first, before its other checks."""
    if row.status == ReservationStatus.PENDING.value:
        raise RentalError(f"reservation {row.reference} is not confirmed yet", field="reservation")
    if row.status != ReservationStatus.CONFIRMED.value:
        raise RentalError(f"reservation {row.reference} is {row.status}; it cannot be picked up", field="reservation")
    if enforce_window and now < row.start_at - PICKUP_WINDOW:
        raise RentalError(
            f"reservation {row.reference} is not due: it starts in {describe(row.start_at - now)}; "
            f"pick-up opens {describe(PICKUP_WINDOW)} before", field="reservation"
        )
    if enforce_window and now >= row.end_at:
        raise RentalError(f"reservation {row.reference} has ended; it cannot be picked up", field="reservation")


def pick_up(s: Session, row: ReservationRow, now: datetime, *, odometer: int | None = None,
            enforce_window: bool = True) -> None:
    """Mark a confirmed reservation picked up (active, pinned to its car), or raise. Its price is
    the booked one, whichever car is handed over (see :func:`price_change`)."""
    check_due(row, now, enforce_window=enforce_window)
    car = s.get_one(Car, row.car_id)
    if car.status != CarStatus.AVAILABLE.value:
        raise NotAvailable(f"car {car.plate_number} is {car.status}", field="car_id")
    row.status = ReservationStatus.ACTIVE.value
    row.pinned = True
    row.picked_up_at = now
    if odometer is not None:
        _set_odometer(car, odometer)
    row.version += 1
    row.updated_at = now


def return_car(s: Session, row: ReservationRow, now: datetime, *, odometer: int | None = None) -> None:
    """Mark a picked-up reservation completed, or raise."""
    if row.status != ReservationStatus.ACTIVE.value:
        raise RentalError(f"reservation {row.reference} is {row.status}, not picked up")
    if odometer is not None:
        _set_odometer(s.get_one(Car, row.car_id), odometer)
    row.status = ReservationStatus.COMPLETED.value
    row.returned_at = now
    row.version += 1
    row.updated_at = now


# -- helpers (all inside one session) --------------------------------------------------------------


def _find(s: Session, reservation_id: str) -> ReservationRow:
    key = (reservation_id or "").strip()
    row = s.get(ReservationRow, key) if key else None
    if row is None and key:
        row = s.scalar(select(ReservationRow).where(ReservationRow.reference == key.upper()))
    if row is None:
        raise ReservationNotFound(f"no reservation '{typed(reservation_id)}'")
    return row


#: The columns a reservation's value reads beside the row: the customer's, and the car's (its
#: plate, and whether it still serves the reservation).
#: A reservation needs another car: it is live, and its car is out of service or out of its pool
#: (sent to maintenance while it held the car, with no other car of the pool free). A condition on
#: a query joining the reservation's car; the one definition, for values, filters and the board.
_BRINGING = aliased(ReservationRow, name="bringing")
NEEDS_A_CAR = and_(
    ReservationRow.status.in_(LIVE_STATUSES),
    or_(Car.status != CarStatus.AVAILABLE.value, Car.vehicle_class != ReservationRow.vehicle_class,
        and_(Car.zip_code != ReservationRow.zip_code,
             # a car a live one-way reservation brings here is this pool's from its arrival
             ~exists().where(_BRINGING.car_id == Car.car_id, _BRINGING.status.in_(LIVE_STATUSES),
                             _BRINGING.return_zip_code == ReservationRow.zip_code))),
)
VALUE_COLUMNS = (Customer.email, Customer.name, Customer.phone, Car.plate_number, NEEDS_A_CAR.label("needs_car"))


def matches_search(search: str) -> ColumnElement[bool]:
    """A reservation matches what a clerk searched for: its reference, the customer's name or email,
    or the plate contains ``search`` (any case; ``%``, ``_`` and ``\\`` are plain characters). A
    condition on a query joining the customer and the car; the one definition, for the desk and the
    command line. A text longer than any of them (an email's 254 characters) matches nothing."""
    if len(search.strip()) > 254:  # also: SQLite refuses a LIKE pattern of 50,000 bytes
        return false()
    like = f"%{like_escaped(search.strip().lower())}%"
    return or_(
        func.lower(ReservationRow.reference).like(like, escape="\\"),
        func.lower(Customer.name).like(like, escape="\\"),
        func.lower(Customer.email).like(like, escape="\\"),
        func.lower(Car.plate_number).like(like, escape="\\"),
        Car.plate_number.like(f"%{like_escaped(normalize_plate(search))}%", escape="\\"),
    )


def like_escaped(text: str) -> str:
    """``text`` as plain characters in a ``LIKE`` pattern with ``escape="\\"``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _value(s: Session, row: ReservationRow) -> Reservation:
    """The plain value of ``row`` (one query for its customer and car; ``row`` is flushed)."""
    found = s.execute(
        select(*VALUE_COLUMNS)
        .select_from(Customer)
        .join(ReservationRow, ReservationRow.customer_id == Customer.id)
        .join(Car, Car.car_id == ReservationRow.car_id)
        .where(ReservationRow.id == row.id)
    ).one()
    return reservation_value(row, *found)


def reservation_value(
    row: ReservationRow, email: str, name: str, phone: str, plate: str, needs_car: bool
) -> Reservation:
    """A reservation's plain value from its row and :data:`VALUE_COLUMNS`."""
    return Reservation(
        id=row.id,
        reference=row.reference,
        customer_id=row.customer_id,
        customer_email=email,
        customer_name=name,
        customer_phone=phone,
        vehicle_class=row.vehicle_class,
        zip_code=row.zip_code,
        car_id=row.car_id,
        plate_number=plate or "",
        pinned=row.pinned,
        driver_id=row.driver_id,
        start=row.start_at,
        end=row.end_at,
        status=row.status,
        price=row.price,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        status_reason=row.status_reason,
        needs_car=bool(needs_car),
        return_zip_code=row.return_zip_code,
    )


class _Plated(Protocol):
    @property
    def plate_number(self) -> str: ...


_PlatedT = TypeVar("_PlatedT", bound=_Plated)


def pool_order(cars: Iterable[_PlatedT]) -> list[_PlatedT]:
    """A pool's cars in the engine's order: by plate, the fleet's global identifier (car ids are
    local to each database), compared as Python compares text, whatever the database's collation.
    Head office and a branch that know the same holds then choose the same cars."""
    return sorted(cars, key=lambda c: c.plate_number)


def class_code_of(typed_class: str, names: Mapping[str, str]) -> str:
    """The code of the vehicle class a clerk typed: its code or its name as the branch calls it
    ('VAN', 'van', 'Minivan'), in any case and spacing, among ``names`` (code -> name); else
    :class:`UnknownPool` quoting what was typed, as typed. The one class lookup of the desk, the
    command line and head office."""
    wanted = " ".join((typed_class or "").split()).casefold()
    if wanted:
        for code, name in names.items():
            if wanted in (code.casefold(), " ".join(name.split()).casefold()):
                return code
    raise unknown_class((typed_class or "").strip(), names)


def find_class(s: Session, typed_class: str) -> VehicleClass:
    """The vehicle class typed (:func:`class_code_of`), its code looked up first."""
    vclass = s.get(VehicleClass, typed_class.strip()) if (typed_class or "").strip() else None
    if vclass is None:
        names = {code: name for code, name in s.execute(select(VehicleClass.code, VehicleClass.name))}
        vclass = s.get_one(VehicleClass, class_code_of(typed_class, names))
    return vclass


def find_location(s: Session, zip_code: str) -> Branch:
    """The location of a zip code (spaces around ignored); else :class:`UnknownPool` naming the known ones."""
    zip_code = (zip_code or "").strip()
    branch = s.scalar(select(Branch).where(Branch.zip_code == zip_code))
    if branch is None:
        raise unknown_location(zip_code, s.scalars(select(Branch.zip_code)))
    return branch


def return_location(s: Session, zip_code: str, return_zip_code: str | None) -> str | None:
    """Where a reservation picked up at ``zip_code`` is to be returned, as typed: None (or blank,
    or the pick-up location) is a round trip (None); another branch's zip code a one-way return
    (that zip code). The one check of a return location, for every channel; an unknown one is an
    :class:`UnknownPool` naming the field ``return_zip_code``."""
    if return_zip_code is None:
        return None
    cleaned = return_zip_code.strip() if isinstance(return_zip_code, str) else None
    if cleaned == "" or cleaned == zip_code:
        return None
    if cleaned is None or s.scalar(select(Branch.id).where(Branch.zip_code == cleaned)) is None:
        known = sorted(s.scalars(select(Branch.zip_code)))
        raise UnknownPool(f"unknown return location '{typed(str(return_zip_code))}' (the branches are at "
                          f"{', '.join(known) or 'none'})", field="return_zip_code")
    return cleaned


def _load_pool(s: Session, vehicle_class: str, zip_code: str) -> Pool:
    vclass = find_class(s, vehicle_class)
    branch = find_location(s, zip_code)
    code, zip_code = vclass.code, branch.zip_code
    rules = branch_rules(branch)
    own = list(s.scalars(
        select(Car).where(
            Car.vehicle_class == code,
            Car.zip_code == zip_code,
            Car.status == CarStatus.AVAILABLE.value,
        )
    ))
    return _compose_pool(s, branch, vclass, rules, own)


def _compose_pool(s: Session, branch: Branch, vclass: VehicleClass, rules: BranchRules, own: list[Car]) -> Pool:
    """The pool of ``vclass`` at ``branch``: its own cars in service (``own``) and the cars a live
    one-way brings here, with the one-ways' arrivals and departures (:func:`one_way_moves`)."""
    known = {c.car_id for c in own}
    arriving, arrivals, departures = one_way_moves(s, vclass.code, branch.zip_code, rules.turnaround)
    cars = pool_order([*own, *(car for car in arriving if car.car_id not in known)])
    return Pool(branch=branch, vclass=vclass, rules=rules, cars=cars, arrivals=arrivals, departures=departures)


@dataclass(frozen=True, slots=True)
class LocationPools:
    """What :meth:`ReservationService.offers_at` reads of a location before its holds: the branch's
    rules, the pool of every class with a car in service there (:func:`_compose_pool`, one-way
    moves included) and their rate plans. All of it changes only by a write to the database, so
    the service keeps it until the next one (:meth:`rentaldesk.db.Database.kept`); the holds near a
    period are read for each search."""

    zip_code: str
    rules: BranchRules
    pools: tuple[Pool, ...]
    plans: Mapping[str, RatePlan]


def _location_pools(s: Session, zip_code: str) -> LocationPools:
    branch = find_location(s, zip_code)
    rules = branch_rules(branch)
    classes = list(s.scalars(select(VehicleClass)))
    cars: dict[str, list[Car]] = {}
    for car in s.scalars(select(Car).where(Car.zip_code == branch.zip_code, Car.status == CarStatus.AVAILABLE.value)):
        cars.setdefault(car.vehicle_class, []).append(car)
    pools = tuple(pool for pool in (_compose_pool(s, branch, vclass, rules, cars.get(vclass.code, []))
                                    for vclass in classes) if pool.cars)
    plans = plans_at(s, branch.zip_code, [pool.vclass.code for pool in pools]) if pools else {}
    return LocationPools(branch.zip_code, rules, pools, plans)


def one_way_moves(s: Session, code: str, zip_code: str,
                  turnaround: timedelta) -> tuple[list[Car], list[placement.Hold], list[placement.Hold]]:
    """Where cars go, for the pool of class ``code`` at ``zip_code`` (:mod:`rentaldesk.car_location`):
    the cars arriving by a live one-way reservation elsewhere (in service, of the class), their
    arrival holds (to their planned end plus this pool's ``turnaround``), and the pool's own live
    one-way reservations as departures (fixed holds to :data:`~rentaldesk.car_location.GONE`). The
    branch's pools (:func:`_load_pool`) and head office's batch read them so: one rule.

    One query over the live one-ways only (ix_reservations_one_way: status, then return_zip_code
    not null). The class and the pick-up location are compared as expressions (``|| ''``), so the
    planner cannot prefer the pool's own index, whose live rows are many more. In a pool without
    one-ways it finds nothing and no car is read."""
    one_ways = s.execute(
        select(ReservationRow.id, ReservationRow.start_at, ReservationRow.end_at, ReservationRow.car_id,
               ReservationRow.zip_code)
        .where(
            ReservationRow.status.in_(LIVE_STATUSES),
            ReservationRow.return_zip_code.is_not(None),
            ReservationRow.vehicle_class.concat("") == code,
            or_(ReservationRow.return_zip_code == zip_code, ReservationRow.zip_code.concat("") == zip_code),
            ReservationRow.return_zip_code != ReservationRow.zip_code,
        )
    ).all()
    departures = [placement.Hold(key=rid, start=start, end=car_location.GONE, car=car_id, movable=False)
                  for rid, start, _end, car_id, pick_up in one_ways if pick_up == zip_code]
    coming = [(rid, end, car_id) for rid, _start, end, car_id, pick_up in one_ways if pick_up != zip_code]
    if not coming:
        return [], [], departures
    arriving = {c.car_id: c for c in s.scalars(select(Car).where(
        Car.car_id.in_([car_id for _, _, car_id in coming]), Car.status == CarStatus.AVAILABLE.value,
        Car.vehicle_class == code))}
    arrivals = [car_location.arrival(car_location.Move(rid, car_id, arriving[car_id].zip_code, zip_code, end, end),
                                     turnaround) for rid, end, car_id in coming if car_id in arriving]
    return list(arriving.values()), arrivals, departures


def unknown_class(code: str, known: Mapping[str, str]) -> UnknownPool:
    """The refusal of a class typed that is none of ``known`` (code -> name): the classes by the
    names the branch calls them, with the code where it differs ('Minivan (VAN)')."""
    names = sorted((name if name.casefold() == code_.casefold() else f"{name} ({code_})")
                   for code_, name in known.items())
    return UnknownPool(f"unknown vehicle class '{typed(code)}' (known: {', '.join(names) or 'none'})",
                       field="vehicle_class")


def unknown_location(zip_code: str, known: Iterable[str]) -> UnknownPool:
    return UnknownPool(f"unknown zip code '{typed(zip_code)}' (known: {', '.join(sorted(known)) or 'none'})", field="zip_code")


def _pool_holds(
    s: Session,
    pool: Pool,
    lo: datetime,
    hi: datetime,
    now: datetime,
    exclude: str | None = None,
) -> list[placement.Hold]:
    """Live holds of the pool overlapping [lo, hi); a hold ends at end + turnaround. Where cars go
    (:mod:`rentaldesk.car_location`): a one-way reservation holds its car to the end of time, fixed
    (the car leaves the pool with it), and a car arriving here is held until it arrives."""
    holds = _location_holds(s, pool.branch.zip_code, (pool.vclass.code,), pool.rules.turnaround, lo, hi, now,
                            exclude).get(pool.vclass.code, [])
    return _with_moves(pool, holds, lo, hi, exclude)


def _with_moves(pool: Pool, holds: list[placement.Hold], lo: datetime, hi: datetime,
                exclude: str | None = None) -> list[placement.Hold]:
    """``holds`` (the pool's own, read by :func:`_location_holds`) with the pool's one-way
    departures and arrivals overlapping [lo, hi) (:func:`one_way_moves`) added."""
    holds.extend(h for h in pool.departures if h.key != exclude and h.start < hi)
    holds.extend(car_location.arrivals_between(pool.arrivals, lo, hi))
    return holds


def _location_holds(
    s: Session,
    zip_code: str,
    classes: Sequence[str],
    turnaround: timedelta,
    lo: datetime,
    hi: datetime,
    now: datetime,
    exclude: str | None = None,
) -> dict[str, list[placement.Hold]]:
    """Live holds overlapping [lo, hi) of the pools of ``classes`` at the location, by class; a
    hold ends at end + turnaround. A one-way reservation is left out: it is among its pool's
    departures (:func:`_with_moves`).

    A Core query with the two times read as the stored text, each distinct text made an aware
    datetime once (:func:`_stored_utc`): the slow path reads a busy pool's whole live book (800
    rows), where the ORM's row and type processing cost twice the query."""
    of_class = (ReservationRow.vehicle_class == classes[0] if len(classes) == 1
                else ReservationRow.vehicle_class.in_(classes))
    rows = s.connection().execute(
        select(
            ReservationRow.id,
            type_coerce(ReservationRow.start_at, String),
            type_coerce(ReservationRow.end_at, String),
            ReservationRow.car_id,
            ReservationRow.pinned,
            ReservationRow.status,
            ReservationRow.vehicle_class,
            ReservationRow.return_zip_code,
        ).where(
            of_class,
            ReservationRow.zip_code == zip_code,
            ReservationRow.status.in_(LIVE_STATUSES),
            ReservationRow.end_at > lo - turnaround,
            ReservationRow.start_at < hi,
        )
    )
    active = ReservationStatus.ACTIVE.value
    holds: dict[str, list[placement.Hold]] = {}
    for rid, start_text, end_text, car_id, pinned, status, vehicle_class, return_zip in rows:
        if rid == exclude or car_location.is_one_way(zip_code, return_zip):
            continue  # a one-way reservation: among the pool's departures
        start = _stored_utc(start_text)
        holds.setdefault(vehicle_class, []).append(placement.Hold(
            key=rid,
            start=start,
            end=_stored_utc(end_text) + turnaround,
            car=car_id,
            movable=not pinned and status != active and start > now,
        ))
    return holds


@lru_cache(maxsize=1 << 16)
def _stored_utc(text: str) -> datetime:
    """A time as SQLite stores it (naive UTC text) as :class:`~rentaldesk.models.UTCDateTime` reads it."""
    value = _STORED_TIME(text)
    assert isinstance(value, datetime), "a reservation's times are never null"
    return value


#: The column type's own reading of the stored text (SQLite's DATETIME, then UTC attached).
_read_time = UTCDateTime().dialect_impl(sqlite.dialect()).result_processor(sqlite.dialect(), None)
assert _read_time is not None
_STORED_TIME = _read_time


#: The engine's answer for a pool: reservation id -> the car it goes on, for the new hold and every
#: hold that moves.
Decision = dict[str, int]


def _decided(found: Mapping[Hashable, Hashable | None] | None) -> Decision | None:
    """The engine's answer in this module's terms. ``placement`` answers in the keys and cars it was
    given, whatever they are; here every hold is keyed by a reservation id and on a car id."""
    return cast("Decision | None", found)


def _placeable(s: Session, pool: Pool, new: placement.Hold, now: datetime, *, quick: bool = False) -> bool:
    """Would the pool take ``new``? (``quick``: a suggestion's answer, see :func:`placement.place`.)"""
    return _decide(s, pool, new, now, fewest_moves=False, quick=quick) is not None


def _decide(s: Session, pool: Pool, new: placement.Hold, now: datetime, *,
            fewest_moves: bool = True, quick: bool = False) -> Decision | None:
    """Where ``new`` goes and what moves for it, or None when the pool cannot take it (read from
    the database: see :meth:`DatabasePool.holds_reader`)."""
    assert isinstance(new.key, str), "holds here are keyed by reservation id"
    return _decide_with(pool, new, DatabasePool(s, pool).holds_reader(new.key, now), fewest_moves=fewest_moves,
                        quick=quick)


def _decide_with(
    pool: Pool, new: placement.Hold, holds_between: Callable[[datetime, datetime], list[placement.Hold]], *,
    fewest_moves: bool = True, quick: bool = False,
) -> Decision | None:
    """Where ``new`` goes and what moves for it, or None, with the pool's live holds read through
    ``holds_between(lo, hi)`` (what ``_pool_holds(s, pool, lo, hi, now, exclude=new.key)`` answers):
    :func:`_decide` reads them from the database, head office's batch path keeps them in memory.

    The fast path looks only at holds near the new one; the slow path widens the window until it
    holds the whole cluster of holds chained by overlap around the new one."""
    cars = pool.car_ids
    lo, hi = new.start - HOLD_CONTEXT, new.end + HOLD_CONTEXT
    holds = holds_between(lo, hi)
    near = [h for h in holds if h.start < new.end and new.start < h.end]
    stranded = any(h.car not in cars and h.movable for h in near)
    if not stranded and not placement.conflicted(near):
        car = placement.best_free_car(cars, holds, new)
        if car is not None:
            return _decided({new.key: car})
    while True:
        run = placement.cluster([*holds, new], new)
        run_lo = min(h.start for h in run)
        run_hi = max(h.end for h in run)
        if run_lo >= lo and run_hi <= hi:
            break
        lo, hi = min(lo, run_lo), max(hi, run_hi)
        holds = holds_between(lo, hi)
    return _decided(placement.place(cars, holds, new, fewest_moves=fewest_moves, quick=quick))


def _apply_moves(s: Session, decision: Decision, new_key: str | None, now: datetime) -> dict[str, int]:
    """Write the moves in ``decision`` (all but ``new_key``): one executemany UPDATE of car, version
    and time (a cascade may move dozens; one ORM statement each cost a few ms apiece). The rows
    this session has loaded are brought up to date as an ORM update would."""
    moved = {k: c for k, c in decision.items() if k != new_key}
    if not moved:
        return moved
    table = ReservationRow.__table__
    assert isinstance(table, Table)
    s.flush()  # pending changes to those rows first, as an ORM update would
    # the trail's "before": the bulk UPDATE below is no ORM change its hook could read
    before = {rid: (ref, car) for rid, ref, car in s.execute(
        select(table.c.id, table.c.reference, table.c.car_id).where(table.c.id.in_(list(moved))))}
    s.connection().execute(
        update(table)
        .where(table.c.id == bindparam("move_id"))
        .values(car_id=bindparam("move_car"), version=table.c.version + 1, updated_at=now),
        [{"move_id": rid, "move_car": car_id} for rid, car_id in moved.items()],
    )
    for rid, car_id in moved.items():
        loaded = s.identity_map.get(identity_key(ReservationRow, rid))
        if loaded is not None:
            s.expire(loaded, ["car_id", "version", "updated_at"])
        log.info("reservation %s moved to car %s to make room", rid, car_id)
    audit.record(s, audit.RESERVATION, ((rid, before[rid][0], {"car_id": (before[rid][1], car_id)})
                                        for rid, car_id in moved.items() if rid in before))
    return moved


@dataclass(frozen=True, slots=True)
class Rehousing:
    """What :func:`rehouse` did: the reservations moved off the car (id -> the car they are on
    now) and those that still hold it (pinned, picked up, started, or no room: their references)."""

    moved: dict[str, int]
    stuck: tuple[str, ...]


def rehouse(s: Session, lock: Lock, now: datetime, car: Car) -> Rehousing:
    """Move the live reservations off ``car``, which is about to leave its pool (class or location)
    or go out of service, onto the pool's other cars as far as they fit.

    Only movable reservations move (a class reservation not yet started); the engine may move
    others of the pool to make room, never a pinned or started one. ``car`` must still be as it
    was: its pool is read from it. The moves are written; nothing else is.
    """
    holding = list(s.execute(
        select(ReservationRow.id, ReservationRow.reference).where(
            ReservationRow.car_id == car.car_id, *holding_car(now),
            # this pool's: a reservation elsewhere waiting for the car to arrive (car_location) is not
            ReservationRow.vehicle_class == car.vehicle_class, ReservationRow.zip_code == car.zip_code,
        )
    ))
    if not holding:
        return Rehousing({}, ())
    pool = _load_pool(s, car.vehicle_class, car.zip_code)
    lock(s, pool.branch.zip_code)
    others = [c for c in pool.car_ids if c != car.car_id]
    in_pool = set(others)
    # The whole live book of the pool, less what sits on other cars out of service (stuck there
    # already: it must not stop this car's reservations from finding room).
    book = [h for h in _pool_holds(s, pool, _DAWN, _DUSK, now) if h.car in in_pool or h.car == car.car_id]
    where = {h.key: h.car for h in book}
    left: set[Hashable] = set()  # movable holds that found no room: they stay on the car
    moved: dict[str, int] = {}
    for h in sorted((h for h in book if h.car == car.car_id and h.movable), key=lambda h: (h.start, str(h.key))):
        if where[h.key] != car.car_id:
            continue  # an earlier search moved it along with its own
        current = [replace(x, car=where[x.key]) for x in book if x.key not in left]
        decision = _decided(placement.place(others, current, replace(h, car=car.car_id)))
        if decision is None:
            left.add(h.key)
            continue
        where.update(decision)
        moved.update(decision)
    original = {h.key: h.car for h in book}
    moved = {rid: c for rid, c in moved.items() if c != original[rid]}
    _apply_moves(s, moved, None, now)
    return Rehousing(moved, tuple(sorted(ref for rid, ref in holding if rid not in moved)))


def rehouse_arrivals(s: Session, lock: Lock, now: datetime, row: ReservationRow, destination: str, *,
                     field: str) -> dict[str, int]:
    """A one-way reservation ``row`` was to bring its car to ``destination`` at its old end, and
    has just been changed (written, not committed): another return location, or a new end. The
    reservations ``destination`` put on the arriving car that the car no longer serves (it does not
    come, or comes later) are placed again in that pool by the booking decision's own placement
    (:func:`_decide`, with the pool read as it is now: :func:`one_way_moves`); a class reservation
    not yet started may move to another car, moving others as a booking would. One that finds no
    room (or is pinned to the car) refuses the change with :class:`NotAvailable` on ``field``,
    naming it: the caller's transaction (or savepoint) is then rolled back, so nothing is
    half-saved. Returns the moves made (id -> car id), which are written."""
    s.flush()  # the pool below is read with the change: where the car goes now, and when
    relying = list(s.scalars(select(ReservationRow).where(
        ReservationRow.car_id == row.car_id, ReservationRow.id != row.id, *holding_car(now),
        ReservationRow.vehicle_class == row.vehicle_class, ReservationRow.zip_code == destination,
    ).order_by(ReservationRow.start_at, ReservationRow.id)))
    _touch_pools(s, row.vehicle_class, {destination, row.return_zip_code or destination} - {row.zip_code})
    if not relying:
        return {}
    pool = _load_pool(s, row.vehicle_class, destination)
    lock(s, pool.branch.zip_code)
    arriving = [h for h in pool.arrivals if h.car == row.car_id]
    moved: dict[str, int] = {}
    for other in relying:
        s.refresh(other, ["car_id"])  # an earlier placement here may have moved it already
        if other.car_id != row.car_id:
            continue
        start, end = other.start_at, other.end_at + pool.rules.turnaround
        if row.car_id in pool.car_ids and not any(h.start < end and start < h.end for h in arriving):
            continue  # the car still comes, before this one starts
        fixed = other.pinned or other.status == ReservationStatus.ACTIVE.value or other.start_at <= now
        hold = placement.Hold(other.id, start, end, car=row.car_id if fixed else None, movable=not fixed)
        decision = None if fixed else _decide(s, pool, hold, now)
        if decision is None:
            plate = s.get_one(Car, row.car_id).plate_number
            raise NotAvailable(
                f"reservation {other.reference} at {destination} ({branch_period(pool.branch, other.start_at, other.end_at)}) "
                f"is booked on {plate}, which this change no longer brings there in time, and "
                + ("it was asked for by that car" if other.pinned else "it has started" if fixed
                   else f"no other {pool.vclass.name} car there is free for it"), field=field)
        moved.update(_apply_moves(s, decision, None, now))
    return moved


def _touch_pools(s: Session, vehicle_class: str, zip_codes: Iterable[str]) -> None:
    """Count a write to these pools (``pool_versions``, which the database's triggers bump for a
    pool's own reservations and cars): a one-way's change moves a car into or out of another
    pool than its own, and head office's kept pools (:mod:`rentaldesk.hq.batch`) must read it."""
    for zip_code in zip_codes:
        s.execute(update(PoolVersion).where(PoolVersion.vehicle_class == vehicle_class,
                                            PoolVersion.zip_code == zip_code)
                  .values(version=PoolVersion.version + 1))


def relocate(s: Session, lock: Lock, now: datetime, car: Car, zip_code: str) -> Rehousing:
    """The car is back at ``zip_code``, another location than its own (a one-way return, at
    check-in): from now on it is in that location's pool (:mod:`rentaldesk.car_location`), and the
    reservations its old pool had on it are re-placed on the old pool's other cars, as for a car
    sent to maintenance (:func:`rehouse`), or left on it, needing a car (``stuck``). The caller
    has completed the one-way reservation and commits."""
    if car.zip_code == zip_code:
        return Rehousing({}, ())
    rehoused = rehouse(s, lock, now, car)
    if rehoused.stuck:
        log.warning("car %s returned at %s; reservations %s at %s need a car", car.plate_number, zip_code,
                    ", ".join(rehoused.stuck), car.zip_code)
    car.zip_code = zip_code
    s.flush()
    return rehoused


def holding_car(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Live reservations that still hold their car at ``now`` (an unpicked one past its end is
    expiring, not holding; a picked-up one holds its car until it is returned)."""
    return (
        ReservationRow.status.in_(LIVE_STATUSES),
        or_(ReservationRow.status == ReservationStatus.ACTIVE.value, ReservationRow.end_at > now),
    )


def _customer_overlap(
    s: Session,
    customer_id: str,
    vehicle_class: str,
    zip_code: str,
    start: datetime,
    end: datetime,
    now: datetime,
    exclude: str | None = None,
) -> bool:
    q = _customer_overlap_query(customer_id, vehicle_class, zip_code, start, end, now, exclude)
    return s.scalar(q.limit(1)) is not None


def _customer_overlap_query(
    customer_id: str, vehicle_class: str, zip_code: str, start: datetime, end: datetime, now: datetime,
    exclude: str | None = None,
) -> Select[Any]:
    """The customer's live reservations of a pool overlapping [start, end) (their ids)."""
    q = select(ReservationRow.id).where(
        ReservationRow.customer_id == customer_id,
        ReservationRow.vehicle_class == vehicle_class,
        ReservationRow.zip_code == zip_code,
        *holding_car(now),
        ReservationRow.start_at < end,
        ReservationRow.end_at > start,
    )
    if exclude is not None:
        q = q.where(ReservationRow.id != exclude)
    return q


def _find_driver(s: Session, driver_id: int | None) -> Driver | None:
    if driver_id is None:
        return None
    driver = s.get(Driver, driver_id)
    if driver is None:
        raise DriverUnavailable(f"no driver with id {driver_id}")
    return driver


def _check_car(pool: Pool, car_id: int) -> Car:
    for car in pool.cars:
        if car.car_id == car_id:
            return car
    raise NotAvailable(
        f"car {car_id} is not an available {pool.vclass.name} at {pool.branch.zip_code}", field="car_id"
    )


def branch_period(branch: Branch, start: datetime, end: datetime) -> str:
    """A period as the branch's clerk reads it (see :func:`rentaldesk.display.period_text`)."""
    return period_text(start, end, ZoneInfo(branch.time_zone))


def _not_available(pool: Pool, start: datetime, end: datetime, car: Car | None) -> NotAvailable:
    """The refusal of a full pool in clerk words: the class by its name, the period on the
    branch's clock with its zone's abbreviation (:func:`branch_period`)."""
    when = branch_period(pool.branch, start, end)
    if car is not None:
        return NotAvailable(f"car {car.plate_number} is already booked for {when}", field="car_id")
    code, zip_code = pool.vclass.name, pool.branch.zip_code
    if not pool.cars:
        return NotAvailable(f"no {code} car is in service at {zip_code}")
    if len(pool.cars) == 1:
        return NotAvailable(f"the only {code} car at {zip_code} is booked for {when}")
    return NotAvailable(f"all {len(pool.cars)} {code} cars at {zip_code} are booked for {when}")


def _expire(s: Session, now: datetime) -> list[str]:
    """Mark pending/confirmed reservations whose end has passed as expired; their ids."""
    stale = and_(
        ReservationRow.status.in_((ReservationStatus.PENDING.value, ReservationStatus.CONFIRMED.value)),
        ReservationRow.end_at <= now,
    )
    found = s.execute(select(ReservationRow.id, ReservationRow.reference, ReservationRow.status).where(stale)).all()
    ids = [rid for rid, _, _ in found]
    if ids:
        s.execute(
            update(ReservationRow)
            .where(ReservationRow.id.in_(ids))
            .values(
                status=ReservationStatus.EXPIRED.value,
                version=ReservationRow.version + 1,
                updated_at=now,
                status_reason="not picked up before its end",
            )
        )
        log.info("%d reservation(s) expired", len(ids))
        audit.record(s, audit.RESERVATION, ((rid, ref, {"status": (status, ReservationStatus.EXPIRED.value),
                                                         "status_reason": (None, "not picked up before its end")})
                                            for rid, ref, status in found))
    return ids


def _new_reference(s: Session) -> str:
    while True:
        ref = "R" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(7))
        if s.scalar(select(ReservationRow.id).where(ReservationRow.reference == ref)) is None:
            return ref


def _set_odometer(car: Car, odometer: int) -> None:
    odometer_reading(odometer)
    if odometer < car.odometer:
        raise InvalidInput(
            f"odometer {odometer} is below the recorded {car.odometer} of {car.plate_number}", field="odometer"
        )
    car.odometer = odometer
