"""Head office's batch decision path: a polled batch of requests decided in memory, written in bulk.

:class:`BookingBatch` lives for one :class:`~rentaldesk.sync.inbox.EventConsumer` batch, inside its
one write transaction. It takes the events in the consumer's order and reaches, event by event,
exactly the decisions the one-by-one path (:meth:`BookingAuthority._requested`, i.e.
:func:`rentaldesk.reservations.book`) reaches on the same database in the same order — same
checks in the same order, same messages, same placement engine — but it reads each pool's cars and
live holds once per batch and keeps them in memory (adding each decision's hold and moves as it
goes), and it prefetches inbox ids, reservation ids, references, customers, drivers and pinned cars
for the whole batch in a handful of queries. Its writes (customers, reservations, moves, outbox
rows, inbox rows) are queued and written with Core ``executemany`` before the transaction commits.

Atomicity of each event without a savepoint: a request is decided first (pure: reads memory and the
database, writes nothing, mutates nothing) and every outgoing envelope is encoded; only then are
memory and the write queues changed, by appends that cannot fail. A refused request (any
:class:`RentalError`) therefore queues only its ``reservation.rejected`` outbox row and its inbox
row — exactly what the one-by-one path leaves once its savepoint is rolled back.

Only ``reservation.requested`` without extras takes the fast path (the stock of an extra is
counted over every pool of its branch, which the database holds, not a pool's memory). Any other request (change, cancel, pick-up,
return) first writes what is queued, forgets the in-memory pools, and is handled by the one-by-one
path in its own savepoint, as before; the next request reloads from the database.

Across batches (SQLite): a committed batch leaves its pools, and the branches and classes, in the
authority's :class:`PoolCache`, each with its ``pool_versions`` counter read after the batch's own
writes. The next batch reads the counters of its pools in one query and takes a kept pool only if
its counter is unchanged — the database's triggers bump it on every write to the pool's
reservations or cars, by any writer in any process — and otherwise reloads it. So the cars and the
live book of a busy pool are read once, not once a batch, and another ``rentaldesk hq`` (after a
rebalance), the command line or a one-by-one decision is never missed.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left, insort
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from itertools import zip_longest
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast
from zoneinfo import ZoneInfo

from msgspec import UNSET
from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, event, or_, select, tuple_, update
from sqlalchemy.orm import Session

from .. import audit, car_location, placement
from ..customers import normalize_email
from ..db import insert_many
from ..errors import RentalError
from ..renters import Renter, RenterRules, Stage, decide_renter, pool_words, rules_for
from ..models import LIVE_STATUSES, Branch, Car, CarStatus, Customer, Driver, InboxEvent, OutboxEvent
from ..models import Reservation as ReservationRow
from ..models import PoolVersion, ReservationStatus, VehicleClass, channel_of_source, table
from ..rates import RatePlan, plan_for
from ..reservations import (
    one_way_moves,
    HOLD_CONTEXT,
    Clash,
    DriverClash,
    NewReservationRow,
    Pool,
    branch_rules,
    decide_booking,
    new_reservation_row,
    pool_order,
    class_code_of,
    unknown_location,
)
from ..sync.envelope import Envelope
from ..sync.inbox import BatchFailed, Delivery
from ..sync.events import (
    CarReassigned,
    Confirmed,
    Decision,
    Event,
    Rejected,
    ReservationRequested,
    ReservationState,
    money,
    replace,
)
from ..sync.state import customer_state, extras_state, renter_of
from ..sync.topics import BOOKING_EVENTS, pool_key
from ..values import Changes

if TYPE_CHECKING:
    from typing import TypeAlias, Unpack

    from sqlalchemy import Row

    from .authority import BookingAuthority

    # The plain rows the batch reads instead of ORM objects (attribute access alike, a fraction of
    # the cost). The engine's Pool and DriverClash are typed with the ORM classes but read only
    # columns these rows carry: the rows go to them cast (see _load_cars, driver_clash).
    #: (id, code, name, zip_code, time_zone, lead_time_minutes, min_rental_minutes, turnaround_minutes,
    #: max_rental_minutes, horizon_days)
    _BranchRow: TypeAlias = Row[int, str, str, str, str, int, int, int, int, int]
    #: (code, name, day_rate)
    _ClassRow: TypeAlias = Row[str, str, Decimal]
    #: (car_id, plate_number, cost_per_day, vehicle_class, zip_code)
    _CarRow: TypeAlias = Row[int, str, Decimal, str, str]
    #: (id, licence_number, name, status, day_rate): a rentaldesk.reservations.DriverLike
    _DriverRow: TypeAlias = Row[int, str, str, str, Decimal]
    #: a row of _LIVE (read by column name)
    _LiveRow: TypeAlias = Row[Unpack[tuple[Any, ...]]]

_T = TypeVar("_T")

#: A live reservation of a driver: (id, reference, start, end, zip code, status).
_DriverHold = tuple[str, str, datetime, datetime, str, str]


# The rows the batch queues for its bulk writes (plain dicts at runtime; keys in column order).

class _CustomerInsert(TypedDict):
    id: str
    email: str
    name: str
    phone: str
    licence_number: str
    created_at: datetime


class _Move(TypedDict):
    """The parameters of a queued move (an UPDATE of a reservation written before)."""

    b_id: str
    b_car: int
    b_version: int
    b_updated: datetime


class _OutboxInsert(TypedDict):
    event_id: str
    topic: str
    key: str
    value: bytes
    created_at: datetime


class _InboxInsert(TypedDict):
    event_id: str
    topic: str
    partition: int
    offset: int
    applied_at: datetime


log = logging.getLogger("rentaldesk.hq.batch")

ACTIVE = ReservationStatus.ACTIVE.value
#: The pool_versions row that counts writes to branches and vehicle classes.
FLEET_KEY = ("", "")
_CHUNK = 500  # bound parameters per IN (...) query
#: What the trail records of a reservation the batch makes.
_AUDITED_NEW = ("status", "car_id", "start_at", "end_at", "price", "customer_id", "vehicle_class", "zip_code",
                "driver_id", "source")


# The batch's queries that run for every batch, built once: building a statement cost several
# times running it (a one-request batch is what a quiet day is made of).
_KNOWN = select(ReservationRow.id, ReservationRow.reference).where(or_(
    ReservationRow.id.in_(bindparam("ids", expanding=True)),
    ReservationRow.reference.in_(bindparam("refs", expanding=True))))
_CUSTOMERS = select(Customer.id, Customer.email, Customer.name, Customer.phone).where(
    Customer.email.in_(bindparam("emails", expanding=True)))
_VERSIONS = select(PoolVersion.vehicle_class, PoolVersion.zip_code, PoolVersion.version).where(
    tuple_(PoolVersion.vehicle_class, PoolVersion.zip_code).in_(bindparam("keys", expanding=True)))


# The tables of the batch's bulk writes.
_CUSTOMER_T = table(Customer)
_RESERVATION_T = table(ReservationRow)
_OUTBOX_T = table(OutboxEvent)
_INBOX_T = table(InboxEvent)


_R = ReservationRow
#: A pool's live reservations (what _PoolMemory keeps), over a range
_LIVE = select(_R.vehicle_class, _R.zip_code, _R.id, _R.reference, _R.customer_id, _R.start_at, _R.end_at,
               _R.car_id, _R.pinned, _R.status, _R.driver_id, _R.price, _R.version, _R.source,
               _R.status_reason, _R.rate_plan, _R.driver_day_rate, _R.extras_json, _R.extras_known).where(
    _R.status.in_(LIVE_STATUSES))


def _window(b: Mapping[str, Any], more: bool) -> ColumnElement[bool]:
    """The live reservations of pool (vc, zip) whose hold overlaps [lo, hi) — and, with ``more``,
    not [old_lo, old_hi), which memory has already: the condition of ``_PoolMemory.widening``."""
    where = [_R.vehicle_class == b["vc"], _R.zip_code == b["zip"], _R.end_at > b["lo"], _R.start_at < b["hi"]]
    if more:
        where.append(or_(_R.end_at <= b["old_lo"], _R.start_at >= b["old_hi"]))
    return and_(*where)


_BOUNDS: dict[str, BindParameter[Any]] = {k: bindparam(k) for k in ("vc", "zip", "lo", "hi", "old_lo", "old_hi")}
_LIVE_FIRST = _LIVE.where(_window(_BOUNDS, more=False))  # one pool, built once
_LIVE_MORE = _LIVE.where(_window(_BOUNDS, more=True))


class BatchConflict(Exception):
    """The request would break a uniqueness rule of the database (e.g. a reference already used by
    another reservation). The one-by-one path fails the same way at its flush; the consumer parks
    the event in the dead-letter topic and nothing of it is written."""


def _chunks(values: list[_T], size: int = _CHUNK) -> Iterator[list[_T]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _plain(rows: list[_CustomerInsert] | list[NewReservationRow] | list[_OutboxInsert] | list[_InboxInsert],
           ) -> list[dict[str, Any]]:
    """A write queue as :func:`rentaldesk.db.insert_many` takes it: its TypedDicts are plain dicts
    (the list itself, not a copy; a list of TypedDicts is no ``list[dict[str, Any]]`` to mypy)."""
    return cast("list[dict[str, Any]]", rows)


@dataclass(slots=True)
class _Live:
    """A live reservation of a pool, as the engine needs it (and as its event states it)."""

    id: str
    reference: str
    customer_id: str
    start: datetime
    end: datetime
    car_id: int
    pinned: bool
    status: str
    driver_id: int | None
    price: Decimal
    version: int
    source: str
    reason: str
    pending: NewReservationRow | None = None  # the queued insert of a reservation made in this batch
    rate_plan: str | None = None  # the plan and chauffeur's rate it was quoted with
    driver_day_rate: Decimal | None = None
    extras_json: str = "[]"  # (issue 11) the extras it keeps: its events carry them
    extras_known: bool = True  # (migration 0021) False: its events carry none (the branch keeps its own)


@dataclass(slots=True)
class _Customer:
    id: str
    email: str
    name: str
    phone: str


class _PoolMemory:
    """A pool's cars and its live reservations over a loaded range of hold times."""

    def __init__(self, batch: BookingBatch, pool: Pool) -> None:
        self.batch: BookingBatch | None = batch  # the batch using it (None while kept in a PoolCache)
        self.pool = pool
        self.car_ids = pool.car_ids
        self.cars = {c.car_id: c for c in pool.cars}
        self.turnaround = pool.rules.turnaround
        self.live: dict[str, _Live] = {}
        self.starts: list[tuple[datetime, str]] = []  # (start, id) of every live one, sorted
        self.longest = timedelta(0)
        self.lo: datetime | None = None
        self.hi: datetime | None = None

    def ensure(self, lo: datetime, hi: datetime) -> None:
        """Make memory hold every live reservation whose hold overlaps [lo, hi)."""
        if self.lo is not None and self.hi is not None and lo >= self.lo and hi <= self.hi:
            return
        batch = self.batch
        assert batch is not None, "a kept pool is read only once a batch has taken it"
        want = batch.wanted.get((self.pool.vclass.code, self.pool.branch.zip_code))
        if want is not None:  # the whole batch's range at once
            lo, hi = min(lo, want[0]), max(hi, want[1])
        batch.load_live([(self, lo, hi)])

    def widening(self, lo: datetime, hi: datetime) -> tuple[datetime, datetime, dict[str, Any]] | None:
        """The range memory will hold to cover [lo, hi) too, and the bounds (parameters of
        ``_LIVE_FIRST`` or ``_LIVE_MORE``) that find the live reservations it lacks for it; None if
        it has all already."""
        if self.lo is not None and self.hi is not None and lo >= self.lo and hi <= self.hi:
            return None
        ta = self.turnaround
        bounds: dict[str, Any] = {"vc": self.pool.vclass.code, "zip": self.pool.branch.zip_code}
        if self.lo is not None and self.hi is not None:  # only what the range adds: memory has every hold overlapping [self.lo, self.hi)
            bounds.update(old_lo=self.lo - ta, old_hi=self.hi)
            lo, hi = min(lo, self.lo), max(hi, self.hi)
        bounds.update(lo=lo - ta, hi=hi)
        return lo, hi, bounds

    def remember(self, r: _LiveRow) -> None:
        if r.id not in self.live:  # what memory has is newer (moves, made in this batch)
            self.add(_Live(r.id, r.reference, r.customer_id, r.start_at, r.end_at, r.car_id, bool(r.pinned),
                           r.status, r.driver_id, r.price, r.version, r.source or "", r.status_reason or "",
                           rate_plan=r.rate_plan, driver_day_rate=r.driver_day_rate, extras_json=r.extras_json,
                           extras_known=bool(r.extras_known)))

    def add(self, r: _Live) -> None:
        """Remember a live reservation (its start and end never change while it is in memory: a
        change of period is a write by the one-by-one path, which drops memory)."""
        self.live[r.id] = r
        insort(self.starts, (r.start, r.id))
        if r.end - r.start > self.longest:
            self.longest = r.end - r.start

    def _near(self, lo: datetime, hi: datetime) -> Iterator[_Live]:
        """The reservations starting in [lo - the longest one, hi): all that can overlap [lo, hi)."""
        starts, live = self.starts, self.live
        for _, rid in starts[bisect_left(starts, (lo - self.longest,)):bisect_left(starts, (hi,))]:
            yield live[rid]

    @property
    def size(self) -> int:
        return len(self.live) + len(self.cars)

    def holds(self, lo: datetime, hi: datetime, now: datetime, exclude: str | None) -> list[placement.Hold]:
        """What :func:`rentaldesk.reservations._pool_holds` returns, from memory."""
        self.ensure(lo, hi)
        ta = self.turnaround
        pool = self.pool
        leaving = {h.key for h in pool.departures}  # one-ways: held to the end of time, as a branch's
        holds = [
            placement.Hold(key=r.id, start=r.start, end=r.end + ta, car=r.car_id,
                           movable=not r.pinned and r.status != ACTIVE and r.start > now)
            for r in self._near(lo - ta, hi)
            if r.end + ta > lo and r.id != exclude and r.id not in leaving
        ]
        holds.extend(h for h in pool.departures if h.key != exclude and h.start < hi)
        holds.extend(car_location.arrivals_between(pool.arrivals, lo, hi))
        return holds

    # -- the pool as the booking decision reads it (rentaldesk.reservations.PoolView) ---------------

    def holds_reader(self, exclude: str, now: datetime) -> Callable[[datetime, datetime], list[placement.Hold]]:
        return lambda lo, hi: self.holds(lo, hi, now, exclude=exclude)

    def driver_clash(self, driver_id: int, start: datetime, end: datetime, now: datetime) -> DriverClash | None:
        batch = self.batch
        assert batch is not None, "a kept pool is read only once a batch has taken it"
        clashes = [
            r for r in batch.driver_live[driver_id]
            if r[2] < end and r[3] > start and (r[5] == ACTIVE or r[3] > now)
        ]
        if not clashes:
            return None
        _, reference, c_start, c_end, zip_code, _ = min(clashes, key=lambda r: (r[2], r[0]))
        branches = batch.branches
        assert branches is not None, "the fleet is read before any pool"
        return DriverClash(reference, c_start, c_end, cast("Branch", branches[zip_code]))  # a plain row

    def customer_clash(self, customer_id: str, start: datetime, end: datetime, now: datetime) -> Clash | None:
        """What :meth:`rentaldesk.reservations.DatabasePool.customer_clash` answers, from memory."""
        self.ensure(start - HOLD_CONTEXT, end + self.turnaround + HOLD_CONTEXT)
        clashes = [
            r for r in self._near(start, end)
            if r.customer_id == customer_id and r.start < end and r.end > start and (r.status == ACTIVE or r.end > now)
        ]
        if not clashes:
            return None
        first = min(clashes, key=lambda r: (r.start, r.reference))
        return Clash(first.reference, first.start, first.end)


class PoolCache:
    """Pools head office keeps in memory between batches, each with the ``pool_versions`` counter
    it was read (or last written) at.

    A batch takes a pool out (:meth:`take`) only if the counter in the database is still that one
    — the triggers bump it on every write to the pool's reservations or cars, by any writer — and
    the pool's branch and class rows are unchanged; otherwise it reloads the pool. A batch puts its
    pools back (:meth:`keep`) only once its transaction has committed, with the counters read after
    its own writes; a batch that fails or rolls back loses the pools it took, and the next batch
    reloads them. The least recently used pools go first once more than ``max_rows`` cars and
    reservations are kept.
    """

    def __init__(self, max_rows: int = 250_000) -> None:
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, str], tuple[int, _PoolMemory]] = OrderedDict()
        self._rows = 0
        self.hits = 0
        self.misses = 0
        #: (counter, branches by zip code, classes by code), as last read
        self.fleet: tuple[int, dict[str, _BranchRow], dict[str, _ClassRow]] | None = None

    def __len__(self) -> int:
        return len(self._kept)

    def take(self, key: tuple[str, str], version: int, branch: _BranchRow, vclass: _ClassRow) -> _PoolMemory | None:
        with self._lock:
            kept = self._kept.pop(key, None)
            if kept is not None:
                self._rows -= kept[1].size
        if kept is None or kept[0] != version or kept[1].pool.branch != branch or kept[1].pool.vclass != vclass:
            self.misses += 1
            return None
        self.hits += 1
        return kept[1]

    def keep(self, pools: dict[tuple[str, str], tuple[int, _PoolMemory]]) -> None:
        with self._lock:
            for key, (version, mem) in pools.items():
                mem.batch = None
                old = self._kept.pop(key, None)
                if old is not None:
                    self._rows -= old[1].size
                self._kept[key] = (version, mem)
                self._rows += mem.size
            while self._rows > self.max_rows and self._kept:
                _, (_, mem) = self._kept.popitem(last=False)
                self._rows -= mem.size


@dataclass(slots=True)
class _Decision:
    """A decided request, before anything is changed."""

    rid: str
    mem: _PoolMemory
    customer: _Customer
    new_customer: bool
    fill_name: str | None
    fill_phone: str | None
    row: NewReservationRow
    moved: dict[str, int]


class BookingBatch:
    """One polled batch of ``booking-requests`` inside the consumer's write transaction."""

    def __init__(self, authority: BookingAuthority, s: Session, envelopes: list[Envelope[Event]]) -> None:
        self.authority = authority
        self.s = s
        self._woken = False
        #: Pools kept across batches, where the database counts writes per pool (SQLite).
        self.cache: PoolCache | None = authority.pool_cache if authority.db.tracks_pool_versions else None
        self._unsound = False  # something failed half-way: keep nothing of this batch's memory
        self._reset_memory()
        self._prefetch(envelopes)

    # -- state ---------------------------------------------------------------------------------------

    def _reset_memory(self) -> None:
        self.customers: dict[str, _Customer] = {}  # by email
        self.customers_by_id: dict[str, _Customer] = {}
        self.customers_known: set[str] = set()  # emails whose row (or absence) is known
        self.dirty_customers: dict[str, _Customer] = {}
        self.new_customers: list[_CustomerInsert] = []
        self.reservation_ids: set[str] = set()  # ids known to exist
        self.ids_checked: set[str] = set()  # ids whose existence is known
        self.references: set[str] = set()
        self.refs_checked: set[str] = set()
        self.pools: dict[tuple[str, str], _PoolMemory] = {}
        self.plans: dict[tuple[str, str], RatePlan] = {}  # head office's own, for a request carrying none
        self.branches: dict[str, _BranchRow] | None = None
        self.classes: dict[str, _ClassRow] | None = None
        self.fleet_version: int | None = None  # the fleet counter when branches and classes were read
        self.cars_by_plate: dict[str, int] = {}
        self.drivers: dict[str, _DriverRow | None] = {}  # by licence: the row, or None when unknown
        self.driver_by_id: dict[int, _DriverRow] = {}
        self.driver_live: dict[int, list[_DriverHold]] = {}
        self.wanted: dict[tuple[str, str], tuple[datetime, datetime]] = {}
        self.inserts: list[NewReservationRow] = []
        self.moves: dict[str, _Move] = {}
        #: The moves' audit entries (id, reference, {"car_id": (before, after)}): bulk writes, no ORM.
        self.moved_from: list[tuple[str, str, dict[str, tuple[object, object]]]] = []
        self.outbox: list[_OutboxInsert] = []
        self.inbox: list[_InboxInsert] = []
        self.renter_rules: dict[tuple[str, str], RenterRules] = {}

    def _prefetch(self, envelopes: list[Envelope[Event]]) -> None:
        s = self.s
        states = [e.payload.reservation for e in envelopes if isinstance(e.payload, ReservationRequested)]
        if not states:
            return
        ids = list({st.id for st in states})
        refs = list({st.reference for st in states})
        # both lists in one statement: at most 2 x 450 parameters (older SQLite builds allow 999)
        none: list[str] = []
        for id_part, ref_part in zip_longest(_chunks(ids, 450), _chunks(refs, 450), fillvalue=none):
            for r in s.execute(_KNOWN, {"ids": id_part, "refs": ref_part}):
                self.reservation_ids.add(r.id)
                self.references.add(r.reference)
        self.ids_checked.update(ids)
        self.refs_checked.update(refs)
        emails: set[str] = set()
        for st in states:
            try:
                emails.add(normalize_email(st.customer.email))
            except RentalError:
                pass
        self._load_customers(list(emails))
        plates = list({st.car_plate for st in states if st.pinned and st.car_plate is not None})
        for part in _chunks(plates):
            self.cars_by_plate.update(
                s.execute(select(Car.plate_number, Car.car_id).where(Car.plate_number.in_(part))).all())
        licences = list({st.driver_licence for st in states if st.driver_licence is not None})
        self._load_drivers(licences)
        keys: set[tuple[str, str]] = set()
        for st in states:
            key = (st.vehicle_class.strip().upper(), st.zip_code.strip())
            lo = st.start - HOLD_CONTEXT
            hi = st.end + HOLD_CONTEXT + timedelta(days=1)  # room for a turnaround
            keys.add(key)
            old = self.wanted.get(key)
            self.wanted[key] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
        # the counters of the fleet and of every pool of the batch, in one query
        versions = self._versions([FLEET_KEY, *sorted(keys)]) if self.cache is not None else {}
        classes, branches = self._load_fleet(versions)
        self._load_cars(sorted(k for k in keys if k[0] in classes and k[1] in branches), versions)
        # every pool's live reservations over the batch's range: one query for the batch, not one a pool
        self.load_live([(mem, *self.wanted[key]) for key, mem in self.pools.items()])

    def load_live(self, wants: list[tuple[_PoolMemory, datetime, datetime]]) -> None:
        """Widen each pool's memory to its range, with one query per 100 pools (for one pool, a
        statement built once)."""
        todo = [(mem, w) for mem, lo, hi in wants if (w := mem.widening(lo, hi)) is not None]
        for part in _chunks(todo, 100):
            pools = {(mem.pool.vclass.code, mem.pool.branch.zip_code): mem for mem, _ in part}
            if len(part) == 1:
                bounds = part[0][1][2]
                rows = self.s.execute(_LIVE_MORE if "old_lo" in bounds else _LIVE_FIRST, bounds)
            else:
                rows = self.s.execute(_LIVE.where(or_(*(_window(b, "old_lo" in b) for _, (_, _, b) in part))))
            for r in rows:
                pools[(r.vehicle_class, r.zip_code)].remember(r)
            for mem, (lo, hi, _) in part:
                mem.lo, mem.hi = lo, hi

    def _load_customers(self, emails: list[str]) -> None:
        for part in _chunks([e for e in emails if e not in self.customers_known]):
            for c in self.s.execute(_CUSTOMERS, {"emails": part}):
                self._remember(_Customer(c.id, c.email, c.name or "", c.phone or ""))
            self.customers_known.update(part)

    def _remember(self, c: _Customer) -> None:
        self.customers[c.email] = c
        self.customers_by_id[c.id] = c
        self.customers_known.add(c.email)

    def _load_drivers(self, licences: list[str]) -> None:
        todo = [x for x in licences if x not in self.drivers]
        for part in _chunks(todo):
            for d in self.s.execute(select(Driver.id, Driver.licence_number, Driver.name, Driver.status,
                                           Driver.day_rate).where(Driver.licence_number.in_(part))):
                self.drivers[d.licence_number] = d
                self.driver_by_id[d.id] = d
        for x in todo:
            self.drivers.setdefault(x, None)
        ids = [row.id for x in todo if (row := self.drivers[x]) is not None]
        for part in _chunks(ids):
            t = ReservationRow
            for r in self.s.execute(select(t.driver_id, t.id, t.reference, t.start_at, t.end_at, t.zip_code,
                                           t.status).where(t.driver_id.in_(part), t.status.in_(LIVE_STATUSES))):
                self.driver_live.setdefault(r.driver_id, []).append(r[1:])  # a plain tuple
        for i in ids:
            self.driver_live.setdefault(i, [])

    def _load_fleet(
        self, versions: dict[tuple[str, str], int] | None = None,
    ) -> tuple[dict[str, _ClassRow], dict[str, _BranchRow]]:
        """Branches and classes: kept from an earlier batch while their counter holds, else read.
        The classes by code and the branches by zip code."""
        if self.branches is not None and self.classes is not None:  # read together
            return self.classes, self.branches
        if self.cache is not None:
            if versions is None or FLEET_KEY not in versions:
                versions = self._versions([FLEET_KEY])
            self.fleet_version = versions.get(FLEET_KEY, 0)
            kept = self.cache.fleet
            if kept is not None and kept[0] == self.fleet_version:
                self.branches, self.classes = kept[1], kept[2]
                return kept[2], kept[1]
        # Plain rows (attribute access like the ORM objects, a fraction of the cost).
        branches = self.branches = {b.zip_code: b for b in self.s.execute(
            select(Branch.id, Branch.code, Branch.name, Branch.zip_code, Branch.time_zone,
                   Branch.lead_time_minutes, Branch.min_rental_minutes, Branch.turnaround_minutes,
                   Branch.max_rental_minutes, Branch.horizon_days))}
        classes = self.classes = {c.code: c for c in self.s.execute(
            select(VehicleClass.code, VehicleClass.name, VehicleClass.day_rate))}
        return classes, branches

    def _versions(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = {}
        for part in _chunks(keys, 200):
            found.update(((r.vehicle_class, r.zip_code), r.version) for r in self.s.execute(_VERSIONS, {"keys": part}))
        return found

    def _load_cars(self, keys: list[tuple[str, str]], versions: dict[tuple[str, str], int] | None = None) -> None:
        classes, branches = self.classes, self.branches
        assert classes is not None and branches is not None, "the fleet is read before any pool"
        if self.cache is not None and keys:
            if versions is None:
                versions = self._versions(keys)
            todo = []
            for key in keys:
                mem = self.cache.take(key, versions.get(key, 0), branches[key[1]], classes[key[0]])
                if mem is None:
                    todo.append(key)
                    continue
                mem.batch = self
                self.authority.db.lock_pool(self.s, key[1])
                self.pools[key] = mem
            keys = todo
        cars: dict[tuple[str, str], list[_CarRow]] = {k: [] for k in keys}
        for part in _chunks(keys, 200):
            for car in self.s.execute(
                select(Car.car_id, Car.plate_number, Car.cost_per_day, Car.vehicle_class, Car.zip_code)
                .where(tuple_(Car.vehicle_class, Car.zip_code).in_(part), Car.status == CarStatus.AVAILABLE.value)
            ):
                cars[(car.vehicle_class, car.zip_code)].append(car)
        for (code, zip_code), found in cars.items():
            # plain rows for the ORM objects Pool is typed with (see _BranchRow)
            branch = cast("Branch", branches[zip_code])
            rules = branch_rules(branch)
            # where cars go (rentaldesk.car_location), read as a branch's pool reads it
            arriving, arrivals, departures = one_way_moves(self.s, code, zip_code, rules.turnaround)
            known = {c.car_id for c in found}
            found.extend(cast("list[_CarRow]", [c for c in arriving if c.car_id not in known]))
            pool = Pool(branch=branch, vclass=cast("VehicleClass", classes[code]), rules=rules,
                        cars=cast("list[Car]", pool_order(found)), arrivals=arrivals, departures=departures)
            self.authority.db.lock_pool(self.s, zip_code)
            self.pools[(code, zip_code)] = _PoolMemory(self, pool)

    # -- the engine's reads, from memory ------------------------------------------------------------------

    def _pool(self, vehicle_class: str, zip_code: str) -> _PoolMemory:
        """What :func:`rentaldesk.reservations._load_pool` finds (same refusals), then locked."""
        classes, branches = self._load_fleet()
        code = (vehicle_class or "").strip()
        if code not in classes:  # the one class lookup, as a branch's (_load_pool)
            code = class_code_of(vehicle_class, {c: row.name for c, row in classes.items()})
        zip_code = (zip_code or "").strip()
        if zip_code not in branches:
            raise unknown_location(zip_code, branches)
        mem = self.pools.get((code, zip_code))
        if mem is None:
            self._load_cars([(code, zip_code)])
            mem = self.pools[(code, zip_code)]
        return mem

    def _exists(self, rid: str) -> bool:
        if rid not in self.ids_checked:
            if self.s.scalar(select(ReservationRow.id).where(ReservationRow.id == rid)) is not None:
                self.reservation_ids.add(rid)
            self.ids_checked.add(rid)
        return rid in self.reservation_ids

    def _reference_used(self, ref: str) -> bool:
        if ref not in self.refs_checked:
            if self.s.scalar(select(ReservationRow.id).where(ReservationRow.reference == ref)) is not None:
                self.references.add(ref)
            self.refs_checked.add(ref)
        return ref in self.references

    def _customer(self, email: str) -> _Customer | None:
        if email not in self.customers_known:
            self._load_customers([email])
        return self.customers.get(email)

    def _customer_by_id(self, cid: str) -> _Customer:
        c = self.customers_by_id.get(cid)
        if c is None:
            r = self.s.execute(select(Customer.id, Customer.email, Customer.name, Customer.phone)
                               .where(Customer.id == cid)).one()
            c = _Customer(r.id, r.email, r.name or "", r.phone or "")
            self._remember(c)
        return c

    def _driver(self, licence: str | None) -> _DriverRow | None:
        if licence is None:
            return None
        if licence not in self.drivers:
            self._load_drivers([licence])
        return self.drivers[licence]

    # -- events --------------------------------------------------------------------------------------

    def apply(self, envelope: Envelope[Event], where: Delivery, applied_at: datetime) -> Changes | None:
        """Apply one event and queue its inbox row (the consumer checked it is not a replay)."""
        try:
            return self._apply(envelope, where, applied_at)
        except Exception:
            # The consumer parks the event and goes on; memory is still what the database holds
            # (a decision changes memory only once it cannot fail) but nothing of it is kept.
            self._unsound = True
            raise

    def _apply(self, envelope: Envelope[Event], where: Delivery, applied_at: datetime) -> Changes | None:
        inbox: _InboxInsert = {"event_id": envelope.event_id, "topic": where.topic, "partition": where.partition,
                               "offset": where.offset, "applied_at": applied_at}
        request = envelope.payload
        if not isinstance(request, ReservationRequested) or request.reservation.extras \
                or request.reservation.return_zip_code is not UNSET:
            # (issue 11, extras: their stock is counted over the branch's every pool, in the database;
            # a one-way moves a car into another pool: booked by the database path, the drop fee its)
            return self._one_by_one(envelope, where, inbox)
        self.authority.decisions += 1
        now = self.authority.clock()
        state = request.reservation
        if self._exists(state.id):
            log.info("head office: reservation %s already decided; request %s skipped",
                     state.id, envelope.event_id)
            self.inbox.append(inbox)
            return Changes()
        try:
            decision = self._decide(envelope, request, now)
        except RentalError as exc:
            log.info("head office: %s %s rejected: %s", envelope.type, state.reference, exc.message)
            rejected = replace(state, status=ReservationStatus.REJECTED.value, reason=exc.message)
            out = self._outgoing(Rejected, rejected, envelope)
            self.outbox.append(out)
            self.inbox.append(inbox)
            self._wake()
            return Changes()
        return self._commit(decision, envelope, now, inbox)

    def _decide(self, request: Envelope[Event], asked: ReservationRequested, now: datetime) -> _Decision:
        """Decide a request as ``BookingAuthority._requested`` + ``book`` would; changes nothing."""
        state = asked.reservation
        name = state.customer.name or state.customer.email
        phone = state.customer.phone
        start, end = state.start, state.end
        car_id: int | None = None
        if state.pinned and state.car_plate is not None:
            car_id = self.cars_by_plate.get(state.car_plate)
            if car_id is None:
                car_id = self.s.scalar(select(Car.car_id).where(Car.plate_number == state.car_plate))
            if car_id is None:
                raise RentalError(f"car {state.car_plate} is not in head office's fleet", field="car_id")
        driver = self._driver(state.driver_licence)
        if state.driver_licence is not None and driver is None:
            raise RentalError(f"driver {state.driver_licence} is not known to head office", field="driver_id")
        requested_at = asked.requested_at
        email = normalize_email(state.customer.email)
        mem = self._pool(state.vehicle_class, state.zip_code)
        customer = self._customer(email)
        new_customer = customer is None
        rid = state.id
        self._check_renter(mem.pool, renter_of(state.customer), start, end)
        booking = decide_booking(
            mem, reservation_id=rid, name=name, email=email, customer_id=None if customer is None else customer.id,
            start=start, end=end, car_id=car_id, driver=driver, now=now, requested_at=requested_at,
            plan=self._plan(state.rate_plan, mem.pool.vclass.code, mem.pool.branch.zip_code),
        )
        fill_name: str | None = None
        fill_phone: str | None = None
        if customer is None:
            customer = _Customer(str(uuid.uuid4()), email, (name or "").strip(), (phone or "").strip())
        else:
            if name and name.strip() and not customer.name:
                fill_name = name.strip()
            if phone and phone.strip() and not customer.phone:
                fill_phone = phone.strip()
        reference = state.reference
        if self._reference_used(reference):
            raise BatchConflict(f"reference {reference} is already used by another reservation")
        pool = mem.pool
        row = new_reservation_row(
            id=rid, reference=reference, customer_id=customer.id, vehicle_class=pool.vclass.code,
            zip_code=pool.branch.zip_code, car_id=booking.car_id, pinned=booking.pinned,
            driver_id=driver.id if driver else None, start=start, end=end,
            status=ReservationStatus.CONFIRMED.value, price=booking.price, source=state.source or request.source,
            now=now, hq_version=1, rate_plan=booking.plan.to_json(), driver_day_rate=booking.driver_day_rate,
            extras_known=state.extras is not None,  # an earlier build's request says nothing of extras
            channel=channel_of_source(state.source or request.source),
        )
        return _Decision(rid, mem, customer, new_customer, fill_name, fill_phone, row, booking.moved)

    def _check_renter(self, pool: Pool, renter: Renter, start: datetime, end: datetime) -> None:
        """The renter rule at booking, as :func:`rentaldesk.renters.check_at_booking` applies it, with
        the renter the request carries (the class's rule read once a batch)."""
        key = (pool.vclass.code, pool.branch.zip_code)
        rules = self.renter_rules.get(key)
        if rules is None:
            rules = self.renter_rules[key] = rules_for(self.s, *key)
        decide_renter(renter, rules, ZoneInfo(pool.branch.time_zone), start, end, stage=Stage.BOOKING,
                      what=pool_words(*key))

    def _commit(self, d: _Decision, request: Envelope[Event], now: datetime, inbox: _InboxInsert) -> Changes:
        mem, row = d.mem, d.row
        customer = _Customer(d.customer.id, d.customer.email, d.fill_name or d.customer.name,
                             d.fill_phone or d.customer.phone)
        new = _Live(row["id"], row["reference"], customer.id, row["start_at"], row["end_at"], row["car_id"],
                    row["pinned"], row["status"], row["driver_id"], row["price"], 1, row["source"], "", row,
                    rate_plan=row["rate_plan"], driver_day_rate=row["driver_day_rate"],
                    extras_json=row["extras_json"], extras_known=row["extras_known"])
        moved_after: list[tuple[_Live, int]] = []
        for rid, car_id in d.moved.items():
            r = mem.live[rid]
            moved_after.append((r, car_id))
        # Everything that can fail happens before anything changes: the events are encoded first.
        licence = self._licence(row["driver_id"])
        out: list[_OutboxInsert] = []  # the moves, then the answer (the last event of a decision)
        for r, car_id in moved_after:
            c = customer if r.customer_id == customer.id else self._customer_by_id(r.customer_id)
            moved_state = self._state(mem, r, c, self._licence(r.driver_id), car_id=car_id, version=r.version + 1)
            out.append(self._outgoing(CarReassigned, moved_state, request))
        out.append(self._outgoing(Confirmed, self._state(mem, new, customer, licence), request))
        # -- apply (appends and assignments only)
        if d.new_customer:
            self.new_customers.append({"id": customer.id, "email": customer.email, "name": customer.name,
                                       "phone": customer.phone, "licence_number": "", "created_at": now})
        elif d.fill_name or d.fill_phone:
            self.dirty_customers[customer.id] = customer
        self._remember(customer)
        for r, car_id in moved_after:
            if r.pending is None:  # (a row of this batch is recorded as made, on its final car)
                self.moved_from.append((r.id, r.reference, {"car_id": (r.car_id, car_id)}))
            r.car_id = car_id
            r.version += 1
            if r.pending is not None:
                r.pending.update({"car_id": car_id, "version": r.version, "updated_at": now})
            else:
                self.moves[r.id] = {"b_id": r.id, "b_car": car_id, "b_version": r.version, "b_updated": now}
            log.info("reservation %s moved to car %s to make room", r.id, car_id)
        mem.add(new)
        if new.driver_id is not None:
            self.driver_live[new.driver_id].append(
                (new.id, new.reference, new.start, new.end, row["zip_code"], new.status))
        self.reservation_ids.add(new.id)
        self.ids_checked.add(new.id)
        self.references.add(new.reference)
        self.refs_checked.add(new.reference)
        self.inserts.append(row)
        self.outbox.extend(out)
        self.inbox.append(inbox)
        self._wake()
        return Changes(reservations=frozenset({new.id, *d.moved}))

    def _plan(self, sent: str | None, vehicle_class: str, zip_code: str) -> RatePlan:
        """The plan a request is priced with: the one the branch quoted it with (the same engine
        gives the same price), else, from an earlier build, head office's own for the pool."""
        if sent is not None:
            return RatePlan.from_json(sent)
        key = (vehicle_class, zip_code)
        if key not in self.plans:
            self.plans[key] = plan_for(self.s, vehicle_class, zip_code)
        return self.plans[key]

    def _licence(self, driver_id: int | None) -> str | None:
        if driver_id is None:
            return None
        d = self.driver_by_id.get(driver_id)
        if d is None:
            d = self.s.execute(select(Driver.id, Driver.licence_number, Driver.name, Driver.status,
                                      Driver.day_rate).where(Driver.id == driver_id)).one()
            self.driver_by_id[driver_id] = d
        licence: str = d.licence_number
        return licence

    def _state(self, mem: _PoolMemory, r: _Live, customer: _Customer, licence: str | None, *,
               car_id: int | None = None, version: int | None = None) -> ReservationState:
        """What :func:`rentaldesk.sync.state.reservation_state` gives for the row."""
        car = mem.cars.get(car_id if car_id is not None else r.car_id)
        plate = car.plate_number if car is not None else self.s.scalar(
            select(Car.plate_number).where(Car.car_id == (car_id if car_id is not None else r.car_id)))
        return ReservationState(
            id=r.id, reference=r.reference, status=r.status,
            customer=customer_state(customer),
            vehicle_class=mem.pool.vclass.code, zip_code=mem.pool.branch.zip_code, car_plate=plate,
            pinned=bool(r.pinned), driver_licence=licence, start=r.start, end=r.end, price=money(r.price),
            version=r.version if version is None else version, source=r.source or "", reason=r.reason or "",
            rate_plan=r.rate_plan, driver_day_rate=r.driver_day_rate,
            extras=extras_state(self.s, mem.pool.branch.zip_code, r.extras_json) if r.extras_known else None,
        )

    def _outgoing(self, kind: type[Decision], state: ReservationState, request: Envelope[Event]) -> _OutboxInsert:
        envelope = Envelope(payload=kind(reservation=state, request_event_id=request.event_id), source="hq")
        return {"event_id": envelope.event_id, "topic": BOOKING_EVENTS,
                "key": pool_key(state.vehicle_class, state.zip_code), "value": envelope.encode(),
                "created_at": envelope.occurred_at}

    def _wake(self) -> None:
        if not self._woken:
            wake = self.authority.wake
            event.listen(self.s, "after_commit", lambda _s: wake.set(), once=True)
            self._woken = True

    def _one_by_one(self, envelope: Envelope[Event], where: Delivery, inbox: _InboxInsert) -> Changes | None:
        """Any other request: through the one-by-one path, in its savepoint, on a written database."""
        self.flush()
        self._reset_memory()
        s = self.s
        with s.begin_nested():
            effect = self.authority(s, envelope, where)
            s.add(InboxEvent(**inbox))
        s.expire_all()  # the next reads (memory reloads) see this event's effect
        return effect

    # -- writes --------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what is queued, in order: customers, reservations, moves, outbox, inbox. A failure
        fails the whole batch (:class:`BatchFailed`): the transaction rolls back, the batch is read
        again, nothing of it is half-written."""
        try:
            self._write()
        except Exception as exc:
            raise BatchFailed(f"writing the batch failed: {type(exc).__name__}: {exc}") from exc

    def finish(self) -> None:
        """Called by the consumer once every event of the batch is applied: writes what is queued
        and, once the transaction has committed, keeps the batch's pools for the next batch."""
        self.flush()
        if self.cache is None or self._unsound or (not self.pools and self.branches is None):
            return
        # the counters after this batch's writes, inside its transaction
        versions = self._versions([FLEET_KEY, *self.pools])
        kept = {key: (versions.get(key, 0), mem) for key, mem in self.pools.items()}
        fleet = None
        if (self.branches is not None and self.classes is not None and self.fleet_version is not None
                and self.fleet_version == versions.get(FLEET_KEY, 0)):
            fleet = (self.fleet_version, self.branches, self.classes)  # unchanged since it was read
        cache = self.cache

        def keep(_s: Session) -> None:
            cache.keep(kept)
            if fleet is not None:
                cache.fleet = fleet

        event.listen(self.s, "after_commit", keep, once=True)

    def _write(self) -> None:
        s = self.s
        # The trail's entries of these bulk writes (rentaldesk.audit.BULK_PATHS): the ORM sees none.
        if self.new_customers:
            insert_many(s, _CUSTOMER_T, _plain(self.new_customers))
            audit.record(s, audit.CUSTOMER, ((c["id"], c["email"], {k: (None, c[k]) for k in ("email", "name", "phone")
                                                                    if c[k]}) for c in self.new_customers),
                         action=audit.CREATED)
            self.new_customers = []
        if self.dirty_customers:
            t = _CUSTOMER_T
            s.execute(update(t).where(t.c.id == bindparam("b_id"))
                      .values(name=bindparam("b_name"), phone=bindparam("b_phone")),
                      [{"b_id": c.id, "b_name": c.name, "b_phone": c.phone} for c in self.dirty_customers.values()])
            # (what the request filled in; the batch keeps no "before", which was blank)
            audit.record(s, audit.CUSTOMER, ((c.id, c.email, {"name": (None, c.name), "phone": (None, c.phone)})
                                             for c in self.dirty_customers.values()))
            self.dirty_customers = {}
        if self.inserts:
            insert_many(s, _RESERVATION_T, _plain(self.inserts))
            audit.record(s, audit.RESERVATION, ((r["id"], r["reference"], {
                k: (None, r[k]) for k in _AUDITED_NEW if r.get(k) is not None})  # type: ignore[literal-required]
                for r in self.inserts), action=audit.CREATED)
            for row in self.inserts:  # later moves of these rows are now database updates
                mem = self.pools.get((row["vehicle_class"], row["zip_code"]))
                if mem is not None and row["id"] in mem.live:
                    mem.live[row["id"]].pending = None
            self.inserts = []
        if self.moves:
            t = _RESERVATION_T
            s.execute(update(t).where(t.c.id == bindparam("b_id"))
                      .values(car_id=bindparam("b_car"), version=bindparam("b_version"),
                              updated_at=bindparam("b_updated")),
                      list(self.moves.values()))
            self.moves = {}
        if self.moved_from:
            audit.record(s, audit.RESERVATION, self.moved_from)
            self.moved_from = []
        if self.outbox:
            insert_many(s, _OUTBOX_T, _plain(self.outbox))
            self.outbox = []
        if self.inbox:
            insert_many(s, _INBOX_T, _plain(self.inbox))
            self.inbox = []

