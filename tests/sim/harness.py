"""The deterministic simulation: branches, head office and the broker in one process, one seed.

The real product code runs here — :class:`~rentaldesk.reservations.ReservationService` with a
:class:`~rentaldesk.sync.branch.BranchOutbox` at each branch, the :class:`OutboxRelay`, the
:class:`EventConsumer` (the inbox) with :func:`apply_head_office_event` at the branches and with
:class:`BookingAuthority` (its batch path) and :class:`NotificationQueue` at head office, the
:class:`NotificationSender`, the :class:`FleetPublisher` — each on its own SQLite file. Only the two
transports are fakes: the broker (:mod:`tests.sim.broker`) and SMTP (:class:`RecordingSender`).

One ``random.Random(seed)`` picks every step: a clerk's action at a branch, a relay round, a
consumer poll (of a size it picks), head office deciding, mailing, publishing the fleet, the clock
moving, and faults — the broker down, a party cut off, lost acks (duplicates in the log), rewinds
(redelivery), the mail server down, and crashes armed at a database commit, a produce, an offset
commit (after the database commit) or a mail, or a crash at once. A crashed party restarts from its
database file: its Database, service, relay and consumers are built again, its consumers start from
the group's committed offsets. The identifiers the code draws (uuid4, references) come from the same
seed, so a seed replays exactly. Then a quiet phase (no faults) runs until everything is drained, and
:mod:`tests.sim.invariants` checks the end state.
"""

from __future__ import annotations

import contextlib
import logging
import random
import secrets
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from kafka.errors import KafkaError
from sqlalchemy import event, func, select

from rentaldesk.charges import ExtraChoice
from rentaldesk.config import SmtpSettings
from rentaldesk.db import Database, make_engine, open_database
from rentaldesk.errors import RentalError
from rentaldesk.extras import CatalogueItem, choose, save_catalogue
from rentaldesk.hq.authority import BookingAuthority
from rentaldesk.hq.fleet_service import FleetPublisher
from rentaldesk.hq.notifications import (
    QUEUED,
    SENDING,
    NotificationQueue,
    NotificationSender,
    Outcome,
    _Claimed,
)
from rentaldesk.models import Branch, Car, Notification, VehicleClass
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.branch import BranchOutbox, apply_head_office_event
from rentaldesk.sync.inbox import EventConsumer
from rentaldesk.sync.outbox import OutboxRelay, unsent_count
from rentaldesk.sync.topics import BOOKING_EVENTS, BOOKING_REQUESTS, FLEET, Topics

from tests.conftest import change_accepting_the_price

from .broker import Party, SimBroker, SimConsumer, SimCrash, SimProducer

log = logging.getLogger("tests.sim")

#: The simulated day starts here (a Monday noon, UTC), whatever the wall clock says.
T0 = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)
CLASS = "SUV"
#: zip -> (branch code of the location, time zone, turnaround minutes, cars)
LOCATIONS = {
    "10001": ("BOS", "America/New_York", 0, 3),
    "60601": ("ORD", "America/Chicago", 60, 2),
}
#: The counters: (branch code, the zip its clerks mostly book at)
BRANCHES = (("BOS-DT", "10001"), ("BOS-AP", "10001"), ("ORD-AP", "60601"))
CUSTOMERS = tuple(f"c{i}@example.com" for i in range(8))
#: The one extra with stock every location offers (issue 11, extras): few, so clerks run out.
SEAT = CatalogueItem("seat", "Child seat", "extra", "rental", Decimal("10.00"), stock=2)


@dataclass
class Config:
    steps: int = 100
    branches: tuple[tuple[str, str], ...] = BRANCHES
    #: Give up the quiet phase after this many rounds (each round runs every party once).
    quiet_rounds: int = 300


class SimClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# -- the databases ----------------------------------------------------------------------------------

_TEMPLATES: dict[str, Path] = {}
#: Where the files go: in memory where /dev/shm exists.
_TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None


def _templates() -> dict[str, Path]:
    """A migrated empty branch database and head office's with its fleet, built once a process
    (migrating costs ~0.1 s a file; a copy, nothing)."""
    if _TEMPLATES:
        return _TEMPLATES
    where = Path(tempfile.mkdtemp(prefix="rentaldesk-sim-templates-", dir=_TMP))
    branch = open_database(f"sqlite:///{where / 'branch.sqlite'}")
    _checkpoint(branch)
    hq = open_database(f"sqlite:///{where / 'hq.sqlite'}")
    with hq.write() as s:
        s.add(VehicleClass(code=CLASS, name="Sport utility", day_rate=Decimal("70.00")))
        for zip_code, (code, tz, turnaround, _cars) in LOCATIONS.items():
            s.add(Branch(code=code, name=f"{code} {zip_code}", zip_code=zip_code, time_zone=tz,
                         lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=turnaround))
        s.flush()
        for zip_code, (_code, _tz, _ta, cars) in LOCATIONS.items():
            for k in range(cars):
                s.add(Car(plate_number=f"{CLASS}{zip_code}X{k}", model="M", year=2025, color="White",
                          transmission="automatic", cost_per_day=Decimal("90.00") + k, status="available",
                          vehicle_class=CLASS, zip_code=zip_code, odometer=0))
    _checkpoint(hq)
    _TEMPLATES.update(branch=where / "branch.sqlite", hq=where / "hq.sqlite")
    return _TEMPLATES


def _checkpoint(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def turnaround_of(zip_code: str) -> timedelta:
    return timedelta(minutes=LOCATIONS[zip_code][2])


# -- the fake SMTP transport ------------------------------------------------------------------------

@dataclass
class MailServer:
    up: bool = True
    #: (booking event id, recipient, subject) of every message handed over, in order.
    received: list[tuple[str, str, str]] = field(default_factory=list)


class RecordingSender(NotificationSender):
    """The real sender with its SMTP conversation replaced by a transport that records messages
    (the message itself is the real one, built by :meth:`NotificationSender.message`)."""

    def __init__(self, db: Database, server: MailServer, party: Party, **kwargs: Any) -> None:
        super().__init__(db, SmtpSettings(), **kwargs)
        self.server = server
        self.party = party

    def _deliver(self, mail: _Claimed) -> Outcome:
        # (not the whole EmailMessage: building it took a twentieth of a run, and the message
        # carries the booking event id as its Message-ID, which is what is recorded)
        self.party.maybe_crash("mail-before")
        if not self.server.up:
            return Outcome(sent=False, error="simulated: mail server not reachable")
        self.server.received.append((mail.booking_event_id, mail.recipient, mail.subject))
        self.party.maybe_crash("mail-after")  # handed over; the process dies before recording it
        return Outcome(sent=True)


# -- the parties ------------------------------------------------------------------------------------

class Slot:
    """A database file of one party and the engine on it, kept for the life of the process.

    Every seed starts the file afresh from a template; a crash disposes the engine (its connections
    close, what they had not committed is rolled back) and the party opens a new Database on the
    file. The engine object itself is kept only so SQLAlchemy's cache of compiled statements (per
    engine) survives: compiling them again for every seed took a third of a run. It holds no state
    of the product.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = make_engine(f"sqlite:///{path}")
        self.party: Party | None = None
        # A crash armed at "db-commit" fires just before the database commits: the work is lost.
        event.listen(self.engine, "commit", self._on_commit)

    def _on_commit(self, _conn: object) -> None:
        if self.party is not None:
            self.party.maybe_crash("db-commit")

    def reset(self, template: Path, party: Party) -> None:
        self.engine.dispose()
        for extra in ("-wal", "-shm"):
            Path(f"{self.path}{extra}").unlink(missing_ok=True)
        shutil.copyfile(template, self.path)
        self.party = party


_SLOTS: dict[str, Slot] = {}


def _slot(name: str) -> Slot:
    if name not in _SLOTS:
        base = Path(tempfile.mkdtemp(prefix="rentaldesk-sim-", dir=_TMP))
        _SLOTS[name] = Slot(base / f"{name}.sqlite")
    return _SLOTS[name]


class Node:
    """A process with a database file: built by :meth:`open`, rebuilt after a crash."""

    name: str
    db: Database
    consumers: list[EventConsumer]

    def __init__(self, world: World, name: str, template: Path) -> None:
        self.world = world
        self.name = name
        self.party = Party(name)
        self.slot = _slot(name)
        self.slot.reset(template, self.party)
        self.crashes = 0
        self.open()

    def open(self) -> None:
        # What open_database does, less its migration check: the file is a copy of a migrated one.
        self.db = Database(self.slot.engine)
        self.producer = SimProducer(self.world.broker, self.party)
        self.relay = OutboxRelay(self.db, self.producer, self.world.topics, clock=self.world.clock)
        self.build()

    def build(self) -> None:
        raise NotImplementedError

    def consumer(self, group: str, *kinds: str) -> SimConsumer:
        w = self.world
        return SimConsumer(w.broker, self.party, group, [w.topics.name(k) for k in kinds], w.batch_size)

    def restart(self) -> None:
        """The process died: everything in memory is gone; start again from the database file."""
        self.crashes += 1
        self.db.close()  # the engine's connections close: uncommitted work is rolled back
        self.open()


class BranchNode(Node):
    def __init__(self, world: World, name: str, zip_code: str, template: Path) -> None:
        self.zip_code = zip_code
        super().__init__(world, name, template)

    def build(self) -> None:
        w = self.world
        self.service = ReservationService(self.db, clock=w.clock, link=BranchOutbox(self.name))
        self.client = self.consumer(f"rentaldesk-branch-{self.name}", FLEET, BOOKING_EVENTS)
        self.inbox = EventConsumer(self.db, self.client, apply_head_office_event, topics=w.topics,
                                   dead_letter=self.producer, name=f"branch {self.name}",
                                   on_changes=self.service.announce)
        self.consumers = [self.inbox]


class HeadOfficeNode(Node):
    def __init__(self, world: World, template: Path) -> None:
        super().__init__(world, "hq", template)

    def build(self) -> None:
        w = self.world
        self.authority = BookingAuthority(self.db, clock=w.clock)
        self.decider_client = self.consumer("rentaldesk-hq", BOOKING_REQUESTS)
        self.decider = EventConsumer(self.db, self.decider_client, self.authority, topics=w.topics,
                                     dead_letter=self.producer, name="hq authority")
        self.notifier_client = self.consumer("rentaldesk-hq-notifications", BOOKING_EVENTS)
        self.notifier = EventConsumer(self.db, self.notifier_client, NotificationQueue(self.db, clock=w.clock),
                                      topics=w.topics, dead_letter=self.producer, name="hq notifications")
        self.sender = RecordingSender(self.db, w.mail, self.party, clock=w.clock)
        self.fleet = FleetPublisher(self.db, self.producer, w.topics)
        self.consumers = [self.decider, self.notifier]


# -- seeded identifiers -----------------------------------------------------------------------------

@contextlib.contextmanager
def seeded_identifiers(rng: random.Random) -> Iterator[None]:
    """uuid4 and the references' ``secrets.choice`` drawn from ``rng``: the engine breaks ties by
    reservation id, so a replay needs the same ids."""
    real_uuid4, real_choice = uuid.uuid4, secrets.choice
    uuid.uuid4 = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)
    secrets.choice = rng.choice
    try:
        yield
    finally:
        uuid.uuid4, secrets.choice = real_uuid4, real_choice


# -- the start of every run ------------------------------------------------------------------------

@dataclass
class Start:
    """Where every run starts: the parties' database files, the broker's logs and offsets, and what
    head office's fleet service has published (its memory of it)."""

    files: dict[str, Path]
    logs: dict[str, list[list]] | None = None
    committed: dict = field(default_factory=dict)
    published: dict = field(default_factory=dict)


_STARTS: dict[tuple, Start] = {}


def _bootstrapped(config: Config) -> Start:
    """The world once head office has published its fleet and every branch has taken it in: run
    once a process (by a throwaway world with fixed identifiers), then copied by every run."""
    key = config.branches
    if key in _STARTS:
        return _STARTS[key]
    t = _templates()
    empty = Start(files={"hq": t["hq"], **{name: t["branch"] for name, _ in config.branches}})
    world = World(-1, config, start=empty)
    with seeded_identifiers(random.Random("bootstrap")):
        world.bootstrap()
    for b in world.branches:  # the branches' catalogue (head office has none: its requests carry the stock)
        with b.db.write() as s:
            for zip_code in LOCATIONS:
                save_catalogue(s, zip_code, [SEAT])
    where = Path(tempfile.mkdtemp(prefix="rentaldesk-sim-start-", dir=_TMP))
    files = {}
    for node in world.nodes:
        with node.slot.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        files[node.name] = where / f"{node.name}.sqlite"
        shutil.copyfile(node.slot.path, files[node.name])
    start = Start(files, {t: [list(p) for p in parts] for t, parts in world.broker.logs.items()},
                  dict(world.broker.committed), dict(world.hq.fleet.published))
    world.close()
    _STARTS[key] = start
    return start


# -- the world --------------------------------------------------------------------------------------

@dataclass
class Failure:
    kind: str
    detail: str
    #: Which known defect the failure is a sign of (see invariants.DEFECTS), or "".
    defect: str = ""

    def __str__(self) -> str:
        return f"{self.kind}{f' [{self.defect}]' if self.defect else ''}: {self.detail}"


class World:
    """One run: head office, the branches and the broker, driven by ``random.Random(seed)``."""

    def __init__(self, seed: int, config: Config | None = None,
                 trace: Callable[[str], None] | None = None, *, start: Start | None = None) -> None:
        self.seed = seed
        self.config = config or Config()
        self.rng = random.Random(seed)
        self.ids = random.Random(f"ids-{seed}")
        self.lines: list[str] = []
        self._echo = trace
        self.step_no = 0
        self.clock = SimClock()
        self.topics = Topics()
        self.broker = SimBroker(self.topics, trace=self.trace)
        self.mail = MailServer()
        self.failures: list[Failure] = []
        self.batch_cap = 8
        start = start if start is not None else _bootstrapped(self.config)
        if start.logs is not None:
            self.broker.logs = {t: [list(p) for p in parts] for t, parts in start.logs.items()}
            self.broker.committed = dict(start.committed)
        with seeded_identifiers(self.ids):
            self.hq = HeadOfficeNode(self, start.files["hq"])
            self.branches = [BranchNode(self, name, z, start.files[name]) for name, z in self.config.branches]
        self.hq.fleet.published = dict(start.published)
        self.nodes: list[Node] = [self.hq, *self.branches]
        self.stats: dict[str, int] = {}

    # -- tracing -------------------------------------------------------------------------------

    def trace(self, line: str) -> None:
        text = f"{self.step_no:04d} {line}" if not line.startswith(" ") else f"     {line}"
        self.lines.append(text)
        if self._echo is not None:
            self._echo(text)

    def count(self, what: str) -> None:
        self.stats[what] = self.stats.get(what, 0) + 1

    def batch_size(self) -> int:
        return self.rng.randint(1, self.batch_cap)

    # -- running one party's step ---------------------------------------------------------------

    def run_step(self, node: Node, label: str, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` as ``node``; a SimCrash restarts the node, an unexpected exception is a failure."""
        try:
            result = fn()
        except SimCrash as crash:
            self.trace(f"  CRASH {crash}; {node.name} restarts from its database")
            self.count("crashes")
            node.restart()
            return None
        except RentalError as exc:  # a clerk's request refused by the engine: the counter says why
            self.trace(f"  refused: {exc.message}")
            return None
        except KafkaError as exc:  # the fleet service's publish when the broker is away
            self.trace(f"  kafka: {exc}")
            return None
        except Exception as exc:  # noqa: BLE001 - a bug: record it, the real loop would retry
            self.trace(f"  EXCEPTION {type(exc).__name__}: {exc}")
            self.failures.append(Failure("exception", f"step {self.step_no} {label}: {type(exc).__name__}: {exc}"))
            return None
        if isinstance(result, int) and result:
            self.trace(f"  -> {result}")
        return result

    # -- clerks ----------------------------------------------------------------------------------

    def _reservations(self, b: BranchNode, statuses: tuple[str, ...]) -> list[ReservationRow]:
        with b.db.session() as s:
            rows = list(s.scalars(select(ReservationRow).where(ReservationRow.status.in_(statuses))
                                  .order_by(ReservationRow.created_at, ReservationRow.id)))
        if not rows:
            return []
        own = [r for r in rows if r.source == b.name]
        return own if own and self.rng.random() < 0.7 else rows

    def _seats(self, b: BranchNode, zip_code: str, n: int) -> tuple[ExtraChoice, ...]:
        """``n`` child seats from the branch's catalogue (none: no extras)."""
        if not n:
            return ()
        with b.db.session() as s:
            return choose(s, zip_code, [("seat", n)])

    def clerk(self, b: BranchNode) -> None:
        rng, now, svc = self.rng, self.clock(), b.service
        roll = rng.random()
        if roll < 0.45:
            zip_code = b.zip_code if rng.random() < 0.75 else rng.choice(sorted(LOCATIONS))
            start = now + timedelta(minutes=30 * rng.randint(4, 60))
            end = start + timedelta(hours=rng.choice((24, 24, 30, 48, 72)))
            email = rng.choice(CUSTOMERS)
            car_id = None
            if rng.random() < 0.15:
                with b.db.session() as s:
                    cars = list(s.scalars(select(Car.car_id).where(Car.zip_code == zip_code).order_by(Car.plate_number)))
                car_id = rng.choice(cars) if cars else None
            seats = rng.choice((1, 2)) if rng.random() < 0.35 else 0
            what = f"{b.name} create {email} {zip_code} {start:%d %H:%M}+{(end - start).total_seconds() / 3600:.0f}h" + (
                f" car {car_id}" if car_id else "") + (f" seats {seats}" if seats else "")
            self.trace(what)
            r = self.run_step(b, what, lambda: svc.create_reservation(
                email=email, name=email.split("@")[0].upper(), vehicle_class=CLASS, zip_code=zip_code,
                start=start, end=end, car_id=car_id, extras=self._seats(b, zip_code, seats)))
            if r is not None:
                self.trace(f"  {r.reference} {r.status} on {r.plate_number}")
            return
        if roll < 0.65:
            rows = self._reservations(b, ("pending", "confirmed", "active"))
            if not rows:
                return
            r = rng.choice(rows)
            if r.status == "active" or rng.random() < 0.3:
                start = None
                end = r.end_at + timedelta(hours=rng.choice((-6, 6, 12, 24)))
            else:
                start = r.start_at + timedelta(minutes=30 * rng.randint(-8, 16))
                end = start + timedelta(hours=rng.choice((24, 30, 48)))
            phone = f"555-{rng.randint(0, 99):02d}" if rng.random() < 0.2 else None
            seats = rng.choice((0, 1, 2)) if r.status != "active" and rng.random() < 0.25 else None
            what = f"{b.name} change {r.reference} ({r.status}) to {start and f'{start:%d %H:%M}'}..{end:%d %H:%M}" + (
                "" if seats is None else f" seats {seats}")
            self.trace(what)
            extras = None if seats is None else self._seats(b, r.zip_code, seats)
            v = self.run_step(b, what, lambda: change_accepting_the_price(svc, r.id, start=start, end=end, phone=phone,
                                                                          extras=extras))
            if v is not None:
                self.trace(f"  {v.reference} {v.status} on {v.plate_number}")
            return
        if roll < 0.8:
            rows = self._reservations(b, ("pending", "confirmed"))
            if rows:
                r = rng.choice(rows)
                self.trace(f"{b.name} cancel {r.reference} ({r.status})")
                self.run_step(b, "cancel", lambda: svc.cancel_reservation(r.id))
            return
        if roll < 0.92:
            rows = [r for r in self._reservations(b, ("confirmed",)) if r.start_at - timedelta(hours=12) <= self.clock()]
            if rows:
                r = rng.choice(rows)
                self.trace(f"{b.name} pick-up {r.reference}")
                self.run_step(b, "pick-up", lambda: svc.pick_up(r.id))
            return
        rows = self._reservations(b, ("active",))
        if rows:
            r = rng.choice(rows)
            self.trace(f"{b.name} return {r.reference}")
            self.run_step(b, "return", lambda: svc.return_car(r.id))

    # -- faults ----------------------------------------------------------------------------------

    CRASH_POINTS = ("db-commit", "db-commit", "produce-before", "produce-after", "offset-commit")
    HQ_CRASH_POINTS = CRASH_POINTS + ("mail-before", "mail-after")

    def fault(self) -> None:
        rng, b = self.rng, self.broker
        roll = rng.random()
        if roll < 0.15:
            b.up = not b.up
            self.trace(f"fault: broker {'up' if b.up else 'DOWN'}")
        elif roll < 0.3:
            node = rng.choice(self.nodes)
            node.party.cut_off = not node.party.cut_off
            self.trace(f"fault: {node.name} {'CUT OFF' if node.party.cut_off else 'reconnected'}")
        elif roll < 0.4:
            b.lose_acks += rng.randint(1, 3)
            self.trace(f"fault: the next {b.lose_acks} ack(s) lost")
        elif roll < 0.55:
            node = rng.choice(self.nodes)
            back = 0 if rng.random() < 0.6 else rng.randint(1, 5)
            for c in node.consumers:
                c.consumer.rewind(back)
            self.trace(f"fault: {node.name} consumers rewound to committed - {back}")
        elif roll < 0.85:
            node = rng.choice(self.nodes)
            points = self.HQ_CRASH_POINTS if node is self.hq else self.CRASH_POINTS
            node.party.crash_at = rng.choice(points)
            node.party.crash_countdown = rng.randint(1, 4)
            self.trace(f"fault: {node.name} will crash at {node.party.crash_at} #{node.party.crash_countdown}")
        elif roll < 0.93:
            node = rng.choice(self.nodes)
            self.trace(f"fault: {node.name} CRASHES now")
            self.count("crashes")
            node.restart()
        else:
            self.mail.up = not self.mail.up
            self.trace(f"fault: mail server {'up' if self.mail.up else 'DOWN'}")

    # -- steps -----------------------------------------------------------------------------------

    def steps(self) -> list[tuple[float, Callable[[], None]]]:
        hq = self.hq

        def branch_relay() -> None:
            b = self.rng.choice(self.branches)
            self.trace(f"{b.name} relay")
            self.run_step(b, "relay", lambda: b.relay.publish_pending() or None)

        def branch_inbox() -> None:
            b = self.rng.choice(self.branches)
            self.trace(f"{b.name} inbox")
            self.run_step(b, "inbox", lambda: b.inbox.poll_once() or None)

        def hq_decide() -> None:
            self.trace("hq decide")
            self.run_step(hq, "decide", lambda: hq.decider.poll_once() or None)

        def hq_relay() -> None:
            self.trace("hq relay")
            self.run_step(hq, "hq relay", lambda: hq.relay.publish_pending() or None)

        def hq_notify() -> None:
            self.trace("hq notifications")
            self.run_step(hq, "notifications", lambda: hq.notifier.poll_once() or None)

        def hq_mail() -> None:
            self.trace("hq mail")
            self.run_step(hq, "mail", lambda: (hq.sender.recover_interrupted() + hq.sender.send_due()) or None)

        def hq_fleet() -> None:
            self.trace("hq fleet")
            self.run_step(hq, "fleet", lambda: hq.fleet.publish_changes() or None)

        def tick() -> None:
            delta = timedelta(minutes=self.rng.choice((1, 5, 10, 20, 30)))
            self.clock.advance(delta)
            self.trace(f"clock +{delta.total_seconds() / 60:.0f} min -> {self.clock():%d %H:%M}")

        def clerk() -> None:
            self.clerk(self.rng.choice(self.branches))

        self._hq_deciding = {hq_decide}  # after which no car may be double-booked at head office
        return [(30, clerk), (11, branch_relay), (13, branch_inbox), (11, hq_decide), (10, hq_relay),
                (5, hq_notify), (5, hq_mail), (1, hq_fleet), (6, tick), (8, self.fault)]

    def bootstrap(self) -> None:
        """Head office publishes its fleet and every branch takes it in (before any fault)."""
        self.trace("bootstrap: fleet to every branch")
        self.hq.fleet.publish_changes()
        for b in self.branches:
            while b.client.lag():
                b.inbox.poll_once()

    def quiet(self) -> bool:
        """No more faults; run every party until nothing is left to do. Whether it got quiet."""
        self.trace("quiet: broker up, every party reconnected, no crash armed, mail server up")
        self.broker.up, self.broker.lose_acks, self.mail.up = True, 0, True
        for node in self.nodes:
            node.party.cut_off, node.party.crash_at = False, None
        self.batch_cap = 50
        hq = self.hq
        for _ in range(self.config.quiet_rounds):
            progress = 0
            progress += self.run_step(hq, "fleet", hq.fleet.publish_changes) or 0
            for b in self.branches:
                progress += self.run_step(b, "relay", b.relay.publish_pending) or 0
            progress += self.run_step(hq, "decide", hq.decider.poll_once) or 0
            progress += self.run_step(hq, "hq relay", hq.relay.publish_pending) or 0
            progress += self.run_step(hq, "notifications", hq.notifier.poll_once) or 0
            progress += self.run_step(hq, "mail", lambda: hq.sender.recover_interrupted() + hq.sender.send_due()) or 0
            for b in self.branches:
                progress += self.run_step(b, "inbox", b.inbox.poll_once) or 0
            if progress:
                continue
            left = self.work_left()
            if not left:
                return True
            # Nothing moved but something waits (a relay's claim or a mail's lease to run out, a
            # mail's retry time): let time pass.
            self.clock.advance(timedelta(seconds=31))
            self.trace(f"quiet: waiting ({', '.join(left)}); clock -> {self.clock():%d %H:%M:%S}")
        self.failures.append(Failure("not-quiet", ", ".join(self.work_left())))
        return False

    def work_left(self) -> list[str]:
        left = []
        for node in self.nodes:
            n = unsent_count(node.db)
            if n:
                left.append(f"{node.name} outbox {n}")
            for c in node.consumers:
                lag = c.consumer.lag() + c.consumer.uncommitted()
                if lag:
                    left.append(f"{c.name} lag {lag}")
        with self.hq.db.session() as s:
            waiting = s.scalar(select(func.count()).select_from(Notification)
                               .where(Notification.status.in_((QUEUED, SENDING))))
        if waiting:
            left.append(f"{waiting} mail(s) waiting")
        return left

    def run(self) -> list[Failure]:
        from . import invariants

        steps = self.steps()
        weights = [w for w, _ in steps]
        actions = [a for _, a in steps]
        self.trace("start: head office has published its fleet, every branch has it")
        with seeded_identifiers(self.ids):
            for step_no in range(1, self.config.steps + 1):
                self.step_no = step_no
                crashes = self.hq.crashes
                action = self.rng.choices(actions, weights)[0]
                action()
                if action not in self._hq_deciding and self.hq.crashes == crashes:
                    continue
                bad = invariants.double_bookings(self.hq.db)
                if bad:
                    self.failures.append(Failure("double-booked-hq", f"at step {self.step_no}: {bad[0][0]}"))
                    return self.failures
            self.step_no += 1
            if self.quiet():
                self.failures.extend(invariants.check(self))
        return self.failures

    def close(self) -> None:
        for node in self.nodes:
            node.db.close()


@dataclass
class Result:
    seed: int
    failures: list[Failure]
    trace: list[str]
    stats: dict[str, int]

    @property
    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.failures})

    @property
    def signs(self) -> list[str]:
        """The distinct kinds of failure, each with the defect it is a sign of."""
        return sorted({f"{f.kind}[{f.defect}]" if f.defect else f.kind for f in self.failures})


def run_seed(seed: int, config: Config | None = None, *, echo: Callable[[str], None] | None = None) -> Result:
    """One simulation, each party on its database file (fresh from a template)."""
    world = World(seed, config, trace=echo)
    try:
        failures = world.run()
    finally:
        world.close()
    return Result(seed, failures, world.lines, world.stats)


def _one(args: tuple[int, Config]) -> tuple[int, list[Failure]]:
    seed, config = args
    return seed, run_seed(seed, config).failures


def run_many(seeds: Iterable[int], config: Config | None = None, *, jobs: int = 1
             ) -> Iterator[tuple[int, list[Failure]]]:
    """(seed, failures) for every seed, in order; in ``jobs`` processes (forked) when more than one."""
    work = [(seed, config or Config()) for seed in seeds]
    if jobs <= 1:
        yield from map(_one, work)
        return
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker)
    done = False
    try:
        yield from pool.imap(_one, work, chunksize=4)
        done = True
    finally:
        if done:
            pool.close()  # the workers exit normally, so each removes its files (see _worker)
        else:
            pool.terminate()
        pool.join()


def _worker() -> None:
    from multiprocessing.util import Finalize

    # A forked worker inherits the parent's files (an earlier run in the same process, e.g. the
    # fast test before the slow one): two workers must never write the same SQLite file, nor
    # remove the parent's. Each makes its own; the inherited engines are let go unclosed (their
    # connections are the parent's).
    for slot in _SLOTS.values():
        slot.engine.dispose(close=False)
    _SLOTS.clear()
    _TEMPLATES.clear()
    _STARTS.clear()
    logging.getLogger("rentaldesk").setLevel(logging.CRITICAL)
    Finalize(None, cleanup, exitpriority=10)


def cleanup() -> None:
    """Remove this process's database files (the templates and the parties')."""
    for slot in _SLOTS.values():
        slot.engine.dispose()
        shutil.rmtree(slot.path.parent, ignore_errors=True)
    _SLOTS.clear()
    if _TEMPLATES:
        shutil.rmtree(_TEMPLATES["hq"].parent, ignore_errors=True)
        _TEMPLATES.clear()
    for start in _STARTS.values():
        shutil.rmtree(start.files["hq"].parent, ignore_errors=True)
    _STARTS.clear()


def replay_command(seed: int, config: Config | None = None) -> str:
    """The command that replays ``seed`` with its step trace, run from the repository's top
    folder with this interpreter (``.venv/bin/python`` when it is the project's virtualenv)."""
    extra = ""
    if config is not None and config.steps != Config().steps:
        extra = f" --steps {config.steps}"
    return f"{_python()} -m tests.sim --seed {seed}{extra} -v"


def _python() -> str:
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(Path.cwd()))
    except ValueError:
        return str(exe) if exe.name != "python" else "python"
