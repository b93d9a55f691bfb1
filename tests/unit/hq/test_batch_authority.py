"""Head office's batch decision path (rentaldesk.hq.batch) against the one-by-one path (``book``).

Both run the real EventConsumer on real SQLite files, fed the same records by a fake Kafka client;
the one-by-one consumer has ``batched=False`` (each request through ``BookingAuthority._requested``
and ``reservations.book`` in its savepoint). Random request sequences (seeded) must leave the same
reservations, customers, inbox rows and outbox events, in the same order.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from rentaldesk.db import open_database
from rentaldesk.hq.authority import BookingAuthority
from rentaldesk.models import Branch, Car, Customer, Driver, InboxEvent, OutboxEvent, VehicleClass
from rentaldesk.models import Reservation as Row
from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.inbox import EventConsumer
from rentaldesk.sync.topics import BOOKING_REQUESTS, Topics, pool_key
from tests.fakes import Record

from tests.conftest import T0

TOPIC = Topics().name(BOOKING_REQUESTS)
ZIPS = ("10001", "60601")
CLASSES = ("SUV", "VAN")
LICENCES = ("LDEE", "LJOE", "LOFF")  # LOFF is inactive


class FakeKafka:
    """What EventConsumer uses of a consumer (poll, seek, commit) and of a producer (dead letters)."""

    def __init__(self, batches: list[dict]) -> None:
        self.batches = list(batches)
        self.committed: list[dict] = []
        self.dead: list[tuple] = []

    def poll(self, timeout_ms: int = 0, max_records: int = 0) -> dict:
        return self.batches.pop(0) if self.batches else {}

    def seek(self, tp, offset) -> None:  # noqa: ANN001
        raise AssertionError("nothing here should be retried")

    def commit(self, offsets: dict, timeout_ms: int | None = None) -> None:
        self.committed.append(offsets)

    def send(self, topic: str, **kwargs: Any) -> None:
        self.dead.append((topic, kwargs))

    def flush(self, timeout: float | None = None) -> None:
        pass


def make_hq(path, cars_per_pool: int = 3):  # noqa: ANN001, ANN201
    db = open_database(f"sqlite:///{path}")
    with db.write() as s:
        for code in CLASSES:
            s.add(VehicleClass(code=code, name=code.title(), day_rate=Decimal("70.00")))
        for z in ZIPS:
            s.add(Branch(code=f"B{z}", name=f"Branch {z}", zip_code=z, time_zone="America/New_York",
                         lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=60 if z == "60601" else 0))
        s.flush()
        for z in ZIPS:
            for c in CLASSES:
                for k in range(cars_per_pool):
                    s.add(Car(plate_number=f"{c}{z}{k}", model="M", year=2025, color="White", transmission="auto",
                              cost_per_day=Decimal("90.00") + k, status="available", vehicle_class=c, zip_code=z,
                              odometer=0))
        s.add(Car(plate_number=f"SUV{ZIPS[0]}X", model="M", year=2025, color="Red", transmission="auto",
                  cost_per_day=Decimal("95.00"), status="maintenance", vehicle_class="SUV", zip_code=ZIPS[0],
                  odometer=0))
        s.add(Driver(name="Dee", licence_number="LDEE", phone="1", status="active", day_rate=Decimal("60")))
        s.add(Driver(name="Joe", licence_number="LJOE", phone="2", status="active", day_rate=Decimal("50")))
        s.add(Driver(name="Off", licence_number="LOFF", phone="3", status="inactive", day_rate=Decimal("50")))
    return db


def requested(rid: str, ref: str, email: str, name: str, vclass: str, zip_code: str, start, end,  # noqa: ANN001
              *, plate: str | None = None, licence: str | None = None, requested_at=None) -> Envelope:  # noqa: ANN001
    state = ev.ReservationState(
        id=rid, reference=ref, status="pending", customer=ev.Customer(email=email, name=name, phone=""),
        vehicle_class=vclass, zip_code=zip_code, car_plate=plate, pinned=plate is not None,
        driver_licence=licence, start=start, end=end, price=Decimal("0.00"), version=1, source="BR", reason="",
    )
    return Envelope(source="BR", payload=ev.ReservationRequested(
        reservation=state, requested_at=requested_at or T0 - timedelta(minutes=5)))


def random_events(rng: random.Random, n: int) -> list[Envelope]:
    events: list[Envelope] = []
    ids: list[str] = []
    emails = [f"c{i}@example.com" for i in range(12)]
    for i in range(n):
        roll = rng.random()
        if ids and roll < 0.06:
            events.append(Envelope(source="BR",
                                   payload=ev.CancelRequested(reservation_id=rng.choice(ids), requested_at=T0)))
            continue
        if ids and roll < 0.10:
            start = T0 + timedelta(hours=rng.randrange(3, 24 * 8))
            events.append(Envelope(source="BR", payload=ev.ChangeRequested(
                reservation_id=rng.choice(ids), start=start, end=start + timedelta(hours=rng.randrange(24, 96)),
                name="", phone="555", requested_at=T0)))
            continue
        if ids and roll < 0.12:  # the same reservation requested again under another event id
            rid = rng.choice(ids)
            events.append(requested(rid, f"D{i:06d}", "dup@example.com", "Dup", "SUV", ZIPS[0],
                                    T0 + timedelta(days=2), T0 + timedelta(days=3)))
            continue
        zip_code = rng.choice(ZIPS + (("99999",) if rng.random() < 0.03 else ()))
        vclass = rng.choice(CLASSES + (("BUS",) if rng.random() < 0.03 else ()))
        start = T0 + timedelta(hours=rng.choice([1, *range(3, 24 * 8, 5)]))
        end = start + timedelta(hours=rng.choice([12, 24, 30, 48, 72]))
        plate = None
        if rng.random() < 0.2:
            plate = rng.choice([f"{vclass}{zip_code}{k}" for k in range(3)] + ["NOPE", f"SUV{ZIPS[1]}0",
                                                                              f"SUV{ZIPS[0]}X"])
        licence = rng.choice(LICENCES + ("LNONE",)) if rng.random() < 0.25 else None
        email = rng.choice(emails)
        name = rng.choice([f"Name {email[:3]}", ""])
        rid = str(uuid.uuid4())
        ids.append(rid)
        ref = f"R{i:06d}" if rng.random() > 0.02 or i == 0 else "R000000"  # now and then a used reference
        events.append(requested(rid, ref, email, name, vclass, zip_code, start, end, plate=plate, licence=licence))
    return events


def batches_of(events: list[Envelope], rng: random.Random) -> list[dict]:
    """Split into polls; each poll spreads its records over two partitions (pool order kept)."""
    out = []
    offsets = {0: 0, 1: 0}
    i = 0
    while i < len(events):
        size = rng.randrange(1, 60)
        batch: dict = {}
        for env in events[i:i + size]:
            pool = env.payload.reservation.vehicle_class if isinstance(env.payload, ev.ReservationRequested) else "x"
            p = 0 if pool == "SUV" else 1
            batch.setdefault((TOPIC, p), []).append(
                Record(TOPIC, p, offsets[p], pool_key(pool, "z").encode(), env.encode()))
            offsets[p] += 1
        out.append(batch)
        i += size
    return out


def run(path, batches: list[dict], *, batched: bool) -> tuple:  # noqa: ANN001
    db = make_hq(path)
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    kafka = FakeKafka(batches)
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq", batched=batched)
    while kafka.batches:
        consumer.poll_once()
    result = snapshot(db), [(t, kw["value"]) for t, kw in kafka.dead], kafka.committed, authority.wake.is_set()
    db.close()
    return result


def snapshot(db) -> dict:  # noqa: ANN001
    with db.session() as s:
        emails = dict(s.execute(select(Customer.id, Customer.email)).all())
        customers = sorted((c.email, c.name, c.phone) for c in s.scalars(select(Customer)))
        reservations = sorted(
            (r.id, r.reference, emails[r.customer_id], r.vehicle_class, r.zip_code, r.car_id, r.pinned, r.driver_id,
             r.start_at, r.end_at, r.status, r.price, r.version, r.created_at, r.updated_at, r.status_reason,
             r.source, r.hq_version, r.picked_up_at, r.returned_at)
            for r in s.scalars(select(Row)))
        outbox = []
        for o in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)):
            env = json.loads(o.value)
            outbox.append((o.topic, o.key, env["type"], env["source"], env["payload"], o.sent_at))
        inbox = sorted((i.event_id, i.topic, i.partition, i.offset) for i in s.scalars(select(InboxEvent)))
    return {"customers": customers, "reservations": reservations, "outbox": outbox, "inbox": inbox}


@pytest.mark.parametrize("seed", range(10))
def test_batch_and_one_by_one_reach_the_same_decisions(tmp_path, seed):
    rng = random.Random(seed)
    events = random_events(rng, 260)
    batches = batches_of(events, rng)
    one = run(tmp_path / "one.sqlite", [dict(b) for b in batches], batched=False)
    many = run(tmp_path / "many.sqlite", [dict(b) for b in batches], batched=True)
    assert many[0]["reservations"] == one[0]["reservations"]
    assert many[0]["customers"] == one[0]["customers"]
    assert many[0]["outbox"] == one[0]["outbox"]
    assert many[0]["inbox"] == one[0]["inbox"]
    assert many[1:] == one[1:]  # dead letters, committed offsets, relay woken
    kinds = {o[2] for o in one[0]["outbox"]}
    reasons = " ".join(o[4].get("reservation", o[4])["reason"] for o in one[0]["outbox"])  # or a refusal
    # the sequences do exercise what they are meant to
    assert {"reservation.confirmed", "reservation.rejected"} <= kinds
    if seed == 0:
        assert "reservation.car-reassigned" in kinds
        for words in ("already holds", "are booked for", "driver", "is already booked", "not an available"):
            assert words in reasons, words


def test_moves_are_the_same_on_both_paths(tmp_path):
    """A pinned request that needs class reservations moved, the moved rows then moved again."""
    d = T0 + timedelta(days=2)
    day = timedelta(days=1)
    events = [requested(str(uuid.uuid4()), "MA", "a@example.com", "A", "SUV", ZIPS[0], d, d + day),
              requested(str(uuid.uuid4()), "MB", "b@example.com", "B", "SUV", ZIPS[0], d + day, d + 2 * day)]
    # B sits behind A (best fit); each pin below pushes B on, the last one finds no room
    events += [requested(str(uuid.uuid4()), f"P{k}", f"p{k}@example.com", "P", "SUV", ZIPS[0],
                         d + day, d + 2 * day, plate=f"SUV{ZIPS[0]}{k}") for k in range(3)]
    batches = [{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]}]
    one = run(tmp_path / "one.sqlite", [dict(b) for b in batches], batched=False)
    many = run(tmp_path / "many.sqlite", [dict(b) for b in batches], batched=True)
    assert many == one
    kinds = [o[2] for o in one[0]["outbox"]]
    assert kinds.count("reservation.car-reassigned") >= 2
    assert kinds.count("reservation.rejected") >= 1  # the third pin has no room left: it is refused


def test_a_refused_request_in_the_middle_of_a_batch_leaves_nothing_of_itself(tmp_path):
    db = make_hq(tmp_path / "hq.sqlite", cars_per_pool=1)
    start = T0 + timedelta(days=2)
    first = requested(str(uuid.uuid4()), "A1", "ann@example.com", "Ann", "SUV", ZIPS[0], start, start + timedelta(days=1))
    # a new customer, a driver and a car: refused (the only car is taken) after the customer was "found"
    refused = requested(str(uuid.uuid4()), "B1", "bob@example.com", "Bob", "SUV", ZIPS[0],
                        start, start + timedelta(days=1), licence="LDEE")
    third = requested(str(uuid.uuid4()), "C1", "cat@example.com", "Cat", "VAN", ZIPS[0], start, start + timedelta(days=1))
    kafka = FakeKafka([{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate([first, refused, third])]}])
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq")
    assert consumer.poll_once() == 3
    snap = snapshot(db)
    refused_id = refused.payload.reservation.id
    assert [r[0] for r in snap["reservations"]] == sorted(
        [first.payload.reservation.id, third.payload.reservation.id])
    assert "bob@example.com" not in [c[0] for c in snap["customers"]]
    assert [c[0] for c in snap["customers"]] == ["ann@example.com", "cat@example.com"]
    of_refused = [o for o in snap["outbox"] if o[4]["reservation"]["id"] == refused_id]
    assert [o[2] for o in of_refused] == ["reservation.rejected"]
    assert [o[2] for o in snap["outbox"]] == ["reservation.confirmed", "reservation.rejected", "reservation.confirmed"]
    assert refused.event_id in [i[0] for i in snap["inbox"]]  # decided (refused) exactly once
    with db.session() as s:
        assert s.scalar(select(Row.id).where(Row.driver_id.is_not(None))) is None
    db.close()


def test_a_replayed_batch_is_skipped(tmp_path):
    db = make_hq(tmp_path / "hq.sqlite")
    start = T0 + timedelta(days=2)
    events = [requested(str(uuid.uuid4()), f"A{i}", f"a{i}@example.com", "A", "SUV", ZIPS[0], start,
                        start + timedelta(days=1)) for i in range(3)]
    records = [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]
    kafka = FakeKafka([{(TOPIC, 0): records}, {(TOPIC, 0): records + records}])
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq")
    assert consumer.poll_once() == 3
    before = snapshot(db)
    assert consumer.poll_once() == 0
    assert snapshot(db) == before
    assert len(before["outbox"]) == 3 and len(before["inbox"]) == 3
    db.close()


# -- pools kept in memory across batches (PoolCache, counted by the pool_versions triggers) ----------


def _one_suv_hq(path):  # noqa: ANN001, ANN202
    """Head office with one available SUV at ZIPS[0], and a consumer fed batch by batch."""
    db = make_hq(path, cars_per_pool=1)
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    kafka = FakeKafka([])
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq")
    offset = iter(range(10_000))

    def decide(*events: Envelope) -> list[str]:
        kafka.batches.append({(TOPIC, 0): [Record(TOPIC, 0, next(offset), b"k", e.encode()) for e in events]})
        consumer.poll_once()
        with db.session() as s:
            kinds = {}
            for o in s.scalars(select(OutboxEvent)):
                env = json.loads(o.value)
                kinds[env["payload"]["reservation"]["id"]] = env["type"]
        return [kinds[e.payload.reservation.id].removeprefix("reservation.") for e in events]

    return db, authority, decide


def _suv(ref: str, start, days: int = 1) -> Envelope:  # noqa: ANN001
    return requested(str(uuid.uuid4()), ref, f"{ref.lower()}@example.com", ref, "SUV", ZIPS[0],
                     start, start + timedelta(days=days))


def test_a_kept_pool_is_used_by_the_next_batch(tmp_path):
    db, authority, decide = _one_suv_hq(tmp_path / "hq.sqlite")
    d = T0 + timedelta(days=2)
    assert decide(_suv("A", d)) == ["confirmed"]
    assert (authority.pool_cache.hits, len(authority.pool_cache)) == (0, 1)
    assert decide(_suv("B", d), _suv("C", d + timedelta(days=3))) == ["rejected", "confirmed"]
    assert decide(_suv("D", d + timedelta(days=30))) == ["confirmed"]  # a range memory did not have yet
    assert decide(_suv("E", d + timedelta(days=30))) == ["rejected"]
    assert authority.pool_cache.hits == 3
    db.close()


def test_a_write_by_anyone_else_is_seen_by_the_next_batch(tmp_path):
    """Another writer (another head-office process, a CLI, a one-by-one decision) changes the pool
    between two batches: the kept memory is not used, so no car is given twice."""
    db, authority, decide = _one_suv_hq(tmp_path / "hq.sqlite")
    other = open_database(f"sqlite:///{tmp_path / 'hq.sqlite'}")  # its own engine and connections
    d = T0 + timedelta(days=2)
    first = _suv("A", d)
    assert decide(first) == ["confirmed"]
    with other.write() as s:  # A is cancelled elsewhere: the car is free again
        s.execute(Row.__table__.update().where(Row.id == first.payload.reservation.id)
                  .values(status="cancelled"))
    assert decide(_suv("B", d)) == ["confirmed"]
    with other.write() as s:  # the only SUV goes to maintenance
        s.execute(Car.__table__.update().where(Car.plate_number == f"SUV{ZIPS[0]}0").values(status="maintenance"))
    assert decide(_suv("C", d + timedelta(days=5))) == ["rejected"]
    with other.write() as s:
        s.execute(Car.__table__.update().where(Car.plate_number == f"SUV{ZIPS[0]}0").values(status="available"))
    assert decide(_suv("D", d + timedelta(days=5))) == ["confirmed"]
    with other.write() as s:  # a reservation written elsewhere takes the car on day 9
        b = s.scalar(select(Row).where(Row.reference == "D"))
        s.execute(Row.__table__.insert().values(
            id=str(uuid.uuid4()), reference="X1", customer_id=b.customer_id, vehicle_class="SUV", zip_code=ZIPS[0],
            car_id=b.car_id, pinned=True, start_at=d + timedelta(days=9), end_at=d + timedelta(days=10),
            status="confirmed", price=Decimal("1"), version=1, created_at=T0, updated_at=T0, status_reason="",
            source="X", hq_version=1))
    assert decide(_suv("E", d + timedelta(days=9))) == ["rejected"]
    assert authority.pool_cache.misses >= 4
    with other.write() as s:  # the branch's rules change: a 30-day minimum rental
        s.execute(Branch.__table__.update().where(Branch.zip_code == ZIPS[0]).values(min_rental_minutes=30 * 1440))
    assert decide(_suv("F", d + timedelta(days=20))) == ["rejected"]
    other.close()
    db.close()


def test_a_batch_with_a_failure_keeps_nothing(tmp_path):
    db, authority, decide = _one_suv_hq(tmp_path / "hq.sqlite")
    d = T0 + timedelta(days=2)
    assert decide(_suv("A", d)) == ["confirmed"]
    assert len(authority.pool_cache) == 1
    # a reference already used by another reservation: the event is parked, the batch keeps nothing
    clash = requested(str(uuid.uuid4()), "A", "z@example.com", "Z", "SUV", ZIPS[0], d + timedelta(days=4),
                      d + timedelta(days=5))
    ok = _suv("B", d + timedelta(days=7))
    with pytest.raises(KeyError):  # no outbox row for the parked one
        decide(clash, ok)
    assert len(authority.pool_cache) == 0
    assert decide(_suv("C", d + timedelta(days=7))) == ["rejected"]  # B holds it: reloaded, not lost
    db.close()


def test_a_full_poll_stays_within_an_old_sqlite_s_999_parameters(tmp_path):
    """SQLite before 3.32 allows 999 bound parameters a statement; a poll holds 500 requests."""
    import sqlite3

    from sqlalchemy import event

    db = make_hq(tmp_path / "hq.sqlite")

    @event.listens_for(db.engine, "connect")
    def _limit(conn, _record) -> None:  # noqa: ANN001
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)

    db.engine.dispose()
    start = T0 + timedelta(days=2)
    events = [requested(str(uuid.uuid4()), f"F{i:05d}", f"f{i}@example.com", "F", CLASSES[i % 2], ZIPS[i % 2],
                        start + timedelta(hours=i), start + timedelta(hours=i + 24)) for i in range(500)]
    kafka = FakeKafka([{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]}])
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq")
    assert consumer.poll_once() == 500
    assert len(snapshot(db)["inbox"]) == 500
    db.close()


def test_head_office_keeps_the_price_the_branch_accepted_for_a_change(tmp_path):
    """A change re-decided at head office is priced by the same rule (the booked day rate) and kept
    only at the price the branch's clerk accepted; another price is refused, never charged. A
    request of an earlier build (no price) is priced by the rule alone."""
    rid = str(uuid.uuid4())
    # from day 1: the longest change (4 days) ends before New York's clock change of 10 Mar, which
    # would make it 4 days and an hour on the branch's clock (this test is not about that)
    start = T0 + timedelta(days=1)
    day = timedelta(days=1)

    def change_to(days: int, price: Decimal | None) -> Envelope:
        return Envelope(source="BR", payload=ev.ChangeRequested(
            reservation_id=rid, start=start, end=start + days * day, name="", phone="", requested_at=T0, price=price))

    events = [requested(rid, "PK", "a@example.com", "A", "SUV", ZIPS[0], start, start + day),  # $70
              change_to(3, Decimal("210.00")),  # accepted: 3 days at the booked $70
              change_to(4, Decimal("999.00")),  # not what the rule says: refused
              change_to(2, None)]  # an earlier build's request: the rule's price
    batches = [{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]}]
    for batched in (False, True):
        snap = run(tmp_path / f"hq-{batched}.sqlite", [dict(b) for b in batches], batched=batched)[0]
        answers = [(o[2], o[4].get("reservation", {}).get("price"), o[4].get("reservation", {}).get("reason", ""))
                   for o in snap["outbox"]]
        assert [a[:2] for a in answers] == [("reservation.confirmed", "70.00"), ("reservation.changed", "210.00"),
                                            ("reservation.rejected", "210.00"), ("reservation.changed", "140.00")]
        assert "the price would change: $210.00 → $280.00 (1 day more at $70.00 a day) (not the $999.00 accepted)" \
            in answers[2][2]


def test_room_reads_the_same_from_head_offices_memory_as_from_the_database(tmp_path):
    """Exact room (room_in) is one function over a pool view: head office's batch memory and the
    database answer the same, moves and turnaround included."""
    from rentaldesk.reservations import DatabasePool, _load_pool, room_in

    rng = random.Random(7)
    events = [e for e in random_events(rng, 120) if isinstance(e.payload, ev.ReservationRequested)]
    batches = [{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]}]
    db = make_hq(tmp_path / "hq.sqlite")
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    kafka = FakeKafka(batches)
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq", batched=False)
    while kafka.batches:
        consumer.poll_once()
    asked = 0
    with db.write() as s:
        batch = authority.begin_batch(s, [])
        for code in CLASSES:
            for zip_code in ZIPS:
                for hours in range(3, 24 * 8, 17):
                    start = T0 + timedelta(hours=hours)
                    end = start + timedelta(hours=rng.choice([24, 48]))
                    on_db = room_in(DatabasePool(s, _load_pool(s, code, zip_code)), start, end, T0)
                    in_memory = room_in(batch._pool(code, zip_code), start, end, T0)
                    assert in_memory == on_db
                    asked += on_db.more < on_db.of
        s.rollback()
    db.close()
    assert asked > 5  # the book was busy enough for the answers to matter
