"""A reservation's life across branches and head office (docs/reservation-lifecycle.md), in process.

Real parts, no broker: each branch is a :class:`ReservationService` with a :class:`BranchOutbox` on
its own SQLite file; head office is the :class:`BookingAuthority` on its own. The real
:class:`EventConsumer` applies what a :class:`Wire` hands it, so the inbox, the batch path of head
office and the branch's apply run as in production. The test chooses when each request reaches
head office and when each answer reaches each branch: the interleavings that matter are written
out one by one.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from rentaldesk.db import Database, open_database
from rentaldesk.errors import RentalError
from rentaldesk.hq.authority import BookingAuthority
from rentaldesk.models import LIVE_STATUSES, Car, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.branch import BranchOutbox, apply_head_office_event
from rentaldesk.sync.envelope import decode
from rentaldesk.sync.inbox import EventConsumer
from rentaldesk.sync.state import apply_fleet_record, fleet_snapshot
from rentaldesk.sync.topics import BOOKING_EVENTS, BOOKING_REQUESTS, Topics
from tests.fakes import Record

from tests.conftest import Clock, PoolBuilder, change_accepting_the_price, day


class Feed:
    """What EventConsumer uses of a Kafka consumer and producer; ``poll`` hands out what is put."""

    def __init__(self) -> None:
        self.pending: list[Record] = []
        self.offset = 0
        self.dead: list[Any] = []

    def put(self, topic: str, value: bytes) -> None:
        self.pending.append(Record(topic, 0, self.offset, b"k", value))
        self.offset += 1

    def poll(self, timeout_ms: int = 0, max_records: int = 0) -> dict:
        records, self.pending = self.pending, []
        return {(records[0].topic, 0): records} if records else {}

    def seek(self, tp, offset) -> None:  # noqa: ANN001
        raise AssertionError("nothing here is retried")

    def commit(self, offsets: dict, timeout_ms: int | None = None) -> None:
        pass

    def send(self, topic: str, **kwargs: Any) -> None:
        self.dead.append((topic, kwargs))

    def flush(self, timeout: float | None = None) -> None:
        pass


@dataclass
class Site:
    """A database with its consumer; ``sent`` are its outbox rows taken so far (value bytes)."""

    db: Database
    consumer: EventConsumer
    feed: Feed
    service: ReservationService | None = None
    taken: set[int] = field(default_factory=set)

    def take(self, topic: str) -> list[bytes]:
        """The outbox rows of ``topic`` not taken before, in order (the relay publishing them)."""
        with self.db.session() as s:
            rows = s.execute(select(OutboxEvent.seq, OutboxEvent.value).where(OutboxEvent.topic == topic)
                             .order_by(OutboxEvent.seq)).all()
        out = [value for seq, value in rows if seq not in self.taken]
        self.taken.update(seq for seq, _ in rows)
        return out

    def receive(self, values: list[bytes], topic: str) -> None:
        for value in values:
            self.feed.put(topic, value)
        self.consumer.poll_once()
        assert not self.feed.dead, self.feed.dead


class Net:
    """Head office and branches on one clock; messages move only when the test moves them."""

    def __init__(self, root, cars: int = 1, *, batched: bool = True) -> None:  # noqa: ANN001
        self.root = root
        self.clock = Clock(day(0))
        self.topics = Topics()
        hq_db = open_database(f"sqlite:///{root / 'hq.sqlite'}")
        builder = PoolBuilder(hq_db)
        builder.cars(cars)
        feed = Feed()
        authority = BookingAuthority(hq_db, clock=self.clock, wake=threading.Event())
        self.hq = Site(hq_db, EventConsumer(hq_db, feed, authority, topics=self.topics, dead_letter=feed,
                                            name="hq", batched=batched), feed)
        with hq_db.session() as s:
            self.plates = list(s.scalars(select(Car.plate_number).order_by(Car.plate_number)))
        self.branches: dict[str, Site] = {}
        self.answers: list[bytes] = []  # every booking event head office has sent, in order
        self.requests: list[bytes] = []
        self.cursor: dict[str, int] = {}  # how many of ``answers`` each branch has been handed in order

    def branch(self, code: str) -> ReservationService:
        db = open_database(f"sqlite:///{self.root / f'{code}.sqlite'}")
        with self.hq.db.session() as s:
            snapshot = fleet_snapshot(s)
        with db.write() as s:
            for prefix in ("branch:", "class:", "driver:", "car:"):
                for key, record in snapshot.items():
                    if key.startswith(prefix):
                        apply_fleet_record(s, record, self.clock())
        feed = Feed()
        service = ReservationService(db, clock=self.clock, link=BranchOutbox(code))
        consumer = EventConsumer(db, feed, apply_head_office_event, topics=self.topics, dead_letter=feed,
                                 name=f"branch {code}")
        self.branches[code] = Site(db, consumer, feed, service)
        self.cursor[code] = 0
        return service

    # -- moving messages ---------------------------------------------------------------------------

    def send(self, code: str) -> list[bytes]:
        """The branch's relay publishes what its outbox holds; head office has not read it yet."""
        out = self.branches[code].take(BOOKING_REQUESTS)
        self.requests += out
        return out

    def decide(self, requests: list[bytes]) -> list[bytes]:
        """Head office reads these requests (one poll) and publishes its answers; they are returned."""
        self.hq.receive(requests, self.topics.name(BOOKING_REQUESTS))
        out = self.hq.take(BOOKING_EVENTS)
        self.answers += out
        return out

    def deliver(self, code: str, events: list[bytes]) -> None:
        """Hand these events to the branch (one poll); one it applied before is skipped by its inbox."""
        self.branches[code].receive(events, self.topics.name(BOOKING_EVENTS))

    def deliver_next(self, code: str, n: int) -> None:
        """The next ``n`` booking events, in head office's order (the branch's partition)."""
        start = self.cursor[code]
        self.cursor[code] = min(len(self.answers), start + n)
        self.deliver(code, self.answers[start:self.cursor[code]])

    def settle(self) -> None:
        """Everything sent, decided and delivered everywhere, until nothing moves."""
        while True:
            requests = [r for code in self.branches for r in self.send(code)]
            if requests:
                self.decide(requests)
            behind = [code for code in self.branches if self.cursor[code] < len(self.answers)]
            if not requests and not behind:
                return
            for code in behind:
                self.deliver_next(code, len(self.answers))

    # -- looking -----------------------------------------------------------------------------------

    def book(self, site: Database) -> dict[str, tuple]:
        """id -> (status, plate, start, end) of every live reservation."""
        with site.session() as s:
            rows = s.execute(select(Row.id, Row.status, Car.plate_number, Row.start_at, Row.end_at)
                             .join(Car, Car.car_id == Row.car_id).where(Row.status.in_(LIVE_STATUSES)))
            return {rid: (status, plate, start, end) for rid, status, plate, start, end in rows}

    def row(self, code: str, rid: str) -> Row:
        with self.branches[code].db.session() as s:
            return s.get(Row, rid)

    def unanswered(self) -> list[str]:
        """The ids of requests head office has not answered (every request gets one answer)."""
        answered = [json.loads(a)["payload"].get("request_event_id") for a in self.answers]
        return [decode(r).event_id for r in self.requests if decode(r).event_id not in answered]

    def close(self) -> None:
        for site in [self.hq, *self.branches.values()]:
            site.db.close()


@pytest.fixture(params=[True, False], ids=["batched", "one-by-one"])
def net(request, tmp_path):  # noqa: ANN001, ANN201
    n = Net(tmp_path, cars=1, batched=request.param)
    yield n
    n.close()


def new_booking(svc: ReservationService, email: str, start: float = 2, end: float = 4, **kw: Any):  # noqa: ANN201
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                  zip_code="10001", start=day(start), end=day(end), **kw)


def quiet_and_equal(net: Net) -> None:
    """Nothing pending anywhere, every request answered, every branch's live book equal to head office's."""
    net.settle()
    assert net.unanswered() == []
    hq = net.book(net.hq.db)
    assert all(status != "pending" for status, *_ in hq.values())
    for code, site in net.branches.items():
        assert net.book(site.db) == hq, code


# -- defect 4: a pending reservation changed, then rejected -----------------------------------------

def test_a_pending_reservation_changed_then_rejected_is_dropped_and_its_change_answered(net):
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    taken = new_booking(ord_, "olga@example.com")  # ORD takes the only car; BOS has not heard yet
    net.decide(net.send("ORD"))
    mine = new_booking(bos, "ann@example.com")
    change_accepting_the_price(bos, mine.id, end=day(5))  # changed while its request is on its way
    answers = net.decide(net.send("BOS"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.rejected", "reservation.request-refused"]
    net.deliver("BOS", [a for a in net.answers])  # ORD's confirmation, then both answers
    r = net.row("BOS", mine.id)
    assert (r.status, r.awaiting_event_id) == ("rejected", None)
    assert "the only SUV car at 10001 is booked" in r.status_reason
    assert net.book(net.branches["BOS"].db) == net.book(net.hq.db) == {
        taken.id: ("confirmed", net.plates[0], day(2), day(4))}
    quiet_and_equal(net)


def test_the_rejection_of_a_create_drops_its_hold_before_the_change_is_answered(net):
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    new_booking(ord_, "olga@example.com")
    net.decide(net.send("ORD"))
    mine = new_booking(bos, "ann@example.com")
    change_accepting_the_price(bos, mine.id, end=day(5))
    rejected, refused = net.decide(net.send("BOS"))
    net.deliver("BOS", [rejected])  # the answer to the change is still on its way
    assert net.row("BOS", mine.id).status == "rejected"  # head office never holds it: no car held here
    net.deliver("BOS", [refused])
    assert net.row("BOS", mine.id).status == "rejected"
    quiet_and_equal(net)


def test_a_cancel_of_a_reservation_head_office_rejected_is_answered(net):
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    new_booking(ord_, "olga@example.com")
    net.decide(net.send("ORD"))
    mine = new_booking(bos, "ann@example.com")
    bos.cancel_reservation(mine.id)  # the clerk cancels before head office answered
    rejected, refused = net.decide(net.send("BOS"))
    assert json.loads(refused)["type"] == "reservation.request-refused"
    net.deliver("BOS", [rejected, refused])
    r = net.row("BOS", mine.id)
    assert r.status in ("cancelled", "rejected") and r.awaiting_event_id is None
    quiet_and_equal(net)


def test_a_change_rejected_after_its_create_was_confirmed_restores_head_office_state(net):
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    mine = new_booking(bos, "ann@example.com", 2, 4)
    change_accepting_the_price(bos, mine.id, end=day(7))  # longer: it will meet ORD's booking at head office
    new_booking(ord_, "olga@example.com", 5, 7)
    net.decide(net.send("ORD"))
    confirmed, rejected = net.decide(net.send("BOS"))
    net.deliver("BOS", [confirmed])
    r = net.row("BOS", mine.id)
    assert (r.status, r.end_at, r.hq_version) == ("pending", day(7), 1)  # the clerk's change still waits
    net.deliver("BOS", [rejected])
    r = net.row("BOS", mine.id)
    assert (r.status, r.start_at, r.end_at, r.awaiting_event_id) == ("confirmed", day(2), day(4), None)
    assert r.status_reason.startswith("change refused")
    quiet_and_equal(net)


def test_answers_of_older_requests_do_not_undo_a_newer_one(net):
    bos = net.branch("BOS")
    mine = new_booking(bos, "ann@example.com", 2, 4)
    change_accepting_the_price(bos, mine.id, end=day(5))
    change_accepting_the_price(bos, mine.id, end=day(6))
    bos.cancel_reservation(mine.id)
    answers = net.decide(net.send("BOS"))
    assert [json.loads(a)["type"] for a in answers] == [
        "reservation.confirmed", "reservation.changed", "reservation.changed", "reservation.cancelled"]
    for answer in answers[:-1]:
        net.deliver("BOS", [answer])
        assert net.row("BOS", mine.id).status == "cancelled"  # never live again on the way
    net.deliver("BOS", answers[-1:])
    quiet_and_equal(net)


def test_a_replayed_answer_changes_nothing(net):
    bos = net.branch("BOS")
    mine = new_booking(bos, "ann@example.com", 2, 4)
    net.decide(net.send("BOS"))
    change_accepting_the_price(bos, mine.id, end=day(5))
    first = net.answers[0]
    net.deliver("BOS", [first])
    r = net.row("BOS", mine.id)
    assert (r.status, r.end_at) == ("pending", day(5))
    net.deliver("BOS", [first])  # the same event again (the inbox skips it)
    assert net.row("BOS", mine.id).end_at == day(5)
    quiet_and_equal(net)
    assert net.row("BOS", mine.id).end_at == day(5)


# -- defect 5: a branch's engine moved another branch's reservation ---------------------------------

@pytest.fixture(params=[True, False], ids=["batched", "one-by-one"])
def net2(request, tmp_path):  # noqa: ANN001, ANN201
    n = Net(tmp_path, cars=2, batched=request.param)
    yield n
    n.close()


def _car_id(db: Database, plate: str) -> int:
    with db.session() as s:
        return s.scalar(select(Car.car_id).where(Car.plate_number == plate))


def test_a_foreign_reservation_moved_for_a_rejected_booking_goes_back_to_head_office_car(net2):
    net = net2
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    theirs = new_booking(ord_, "olga@example.com")
    net.settle()
    plate = net.book(net.hq.db)[theirs.id][1]
    other = next(p for p in net.plates if p != plate)
    new_booking(ord_, "oscar@example.com")  # head office's other car: BOS has not heard yet
    net.decide(net.send("ORD"))
    # BOS books the car ORD's reservation sits on: BOS's engine moves ORD's to the other car
    mine = new_booking(bos, "ann@example.com", car_id=_car_id(net.branches["BOS"].db, plate))
    assert net.book(net.branches["BOS"].db)[theirs.id][1] == other
    (rejected,) = net.decide(net.send("BOS"))
    assert json.loads(rejected)["type"] == "reservation.rejected"
    net.deliver("BOS", [rejected])
    assert net.book(net.branches["BOS"].db)[theirs.id][1] == plate  # back where head office has it
    assert mine.id not in net.book(net.branches["BOS"].db)
    quiet_and_equal(net)


def test_a_foreign_move_is_reconciled_when_head_office_learns_of_others_first(net2):
    net = net2
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    theirs = new_booking(ord_, "olga@example.com")
    net.settle()
    plate = net.book(net.hq.db)[theirs.id][1]
    new_booking(ord_, "oscar@example.com")
    net.decide(net.send("ORD"))
    new_booking(bos, "ann@example.com", car_id=_car_id(net.branches["BOS"].db, plate))
    net.decide(net.send("BOS"))
    net.deliver("BOS", net.answers[1:])  # ORD's second booking, then the rejection of BOS's
    book = net.book(net.branches["BOS"].db)
    assert book == net.book(net.hq.db)
    plates = [p for _, p, _, _ in book.values()]
    assert sorted(plates) == net.plates  # one reservation a car, as at head office
    quiet_and_equal(net)


def test_moves_head_office_made_for_a_confirmed_booking_are_taken(net2):
    net = net2
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    theirs = new_booking(ord_, "olga@example.com")
    net.settle()
    plate = net.book(net.hq.db)[theirs.id][1]
    mine = new_booking(bos, "ann@example.com", car_id=_car_id(net.branches["BOS"].db, plate))
    answers = net.decide(net.send("BOS"))
    assert sorted(json.loads(a)["type"] for a in answers) == ["reservation.car-reassigned", "reservation.confirmed"]
    net.deliver("BOS", answers)
    assert net.book(net.branches["BOS"].db)[mine.id][1] == plate
    quiet_and_equal(net)


def test_a_local_move_head_office_did_not_make_is_undone_when_it_confirms(net2):
    net = net2
    bos, ord_ = net.branch("BOS"), net.branch("ORD")
    theirs = new_booking(ord_, "olga@example.com", 2, 4)
    net.settle()
    at_hq = net.book(net.hq.db)
    other = next(p for p in net.plates if p != at_hq[theirs.id][1])
    later = new_booking(ord_, "oscar@example.com", 5, 7, car_id=_car_id(net.branches["ORD"].db, other))
    net.settle()
    ord_.cancel_reservation(later.id)  # head office frees the car at once; BOS has not heard yet
    net.decide(net.send("ORD"))
    # At BOS, [3, 6) fits only by moving ORD's [2, 4) onto the car of the (cancelled) [5, 7)
    mine = new_booking(bos, "ann@example.com", 3, 6)
    moved = net.book(net.branches["BOS"].db)[theirs.id][1]
    assert moved != at_hq[theirs.id][1]
    answers = net.decide(net.send("BOS"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.confirmed"]  # no move at head office
    net.deliver("BOS", net.answers[3:])  # the cancel, then the confirmation
    book = net.book(net.branches["BOS"].db)
    assert book[theirs.id][1] == at_hq[theirs.id][1] and mine.id in book
    quiet_and_equal(net)


# -- any interleaving -------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_any_interleaving_ends_with_every_branch_equal_to_head_office(tmp_path, seed):
    """Random counter work (book, change, cancel, pick up, return) at three branches on two cars,
    requests and answers moved at random moments (each branch reads head office's events in order, some late): once everything is
    delivered, nothing is pending and every branch's live book is head office's."""
    rng = random.Random(seed)
    net = Net(tmp_path, cars=2, batched=seed % 2 == 0)
    try:
        services = {code: net.branch(code) for code in ("BOS", "ORD", "SFO")}
        mine: dict[str, list[str]] = {code: [] for code in services}
        for _step in range(70):
            code = rng.choice(list(services))
            svc, roll = services[code], rng.random()
            try:
                if roll < 0.3:
                    start = rng.choice([0.25, 0.3, 0.4, 0.45, *range(1, 9)])  # 0.x: can be picked up now
                    pin = _car_id(net.branches[code].db, rng.choice(net.plates)) if rng.random() < 0.3 else None
                    mine[code].append(new_booking(svc, f"c{rng.randrange(6)}@example.com", start,
                                                  start + rng.randrange(1, 4), car_id=pin).id)
                elif roll < 0.42 and mine[code]:
                    rid = rng.choice(mine[code])
                    start = rng.randrange(1, 9)
                    new_end = day(start + rng.randrange(1, 4))
                    change_accepting_the_price(svc, rid, start=day(start), end=new_end)
                elif roll < 0.49 and mine[code]:
                    svc.cancel_reservation(rng.choice(mine[code]))
                elif roll < 0.58:
                    act = svc.pick_up if roll < 0.55 else svc.return_car
                    for rid in rng.sample(mine[code], len(mine[code])):  # the first one it can be done to
                        try:
                            act(rid)
                            break
                        except RentalError:
                            continue
                elif roll < 0.75:
                    net.decide(net.send(code))
                else:
                    net.deliver_next(code, rng.randrange(1, 6))
            except RentalError:
                pass  # refused at the counter: nothing was sent
        quiet_and_equal(net)
    finally:
        net.close()


def test_a_cancel_of_a_cancelled_one_and_a_pick_up_head_office_cannot_record_are_answered(net):
    from rentaldesk.reservations import cancel

    bos = net.branch("BOS")
    first = new_booking(bos, "ann@example.com", 1, 2)
    second = new_booking(bos, "bob@example.com", 3, 4)
    net.settle()
    with net.hq.db.write() as s:  # head office cancels the second itself (another channel, no event)
        cancel(s.get(Row, second.id), net.clock())
        s.get(Car, s.scalar(select(Row.car_id).where(Row.id == first.id))).status = "maintenance"
    bos.cancel_reservation(second.id)
    net.clock.advance(hours=20)  # the first's pick-up window is open
    bos.pick_up(first.id)
    answers = net.decide(net.send("BOS"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.updated", "reservation.updated"]
    net.deliver("BOS", answers)
    assert net.row("BOS", second.id).status == "cancelled"
    r = net.row("BOS", first.id)
    assert (r.status, r.awaiting_event_id) == ("confirmed", None)  # head office's state, with why
    assert r.status_reason.startswith("not recorded: car")
    assert net.unanswered() == []
