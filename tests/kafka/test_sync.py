"""Head office and branches against the real broker: decisions, convergence, outages, bad messages."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import select

from rentaldesk import contracts, rates
from rentaldesk.errors import NotAvailable
from rentaldesk.fleet import import_fleet
from rentaldesk.models import Car, InboxEvent, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.envelope import decode
from rentaldesk.sync.outbox import unsent_count
from rentaldesk.sync.topics import Topics

from tests.conftest import change_accepting_the_price
from tests.contract_helpers import check_in_value, check_out_value, may_rent

from .network import Network, count, statuses, wait_for

START = (datetime.now(timezone.utc) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)


def period(day: int, days: int = 2) -> tuple[datetime, datetime]:
    start = START + timedelta(days=day)
    return start, start + timedelta(days=days)


@pytest.fixture
def network(kafka_broker, topic_prefix, tmp_path):
    net = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    yield net
    net.close()


def book(branch, email, *, vehicle_class="SUV", zip_code="02108", day=0, days=2, **kw):
    start, end = period(day, days)
    return branch.service.create_reservation(
        email=email, name=email.split("@")[0].title(), vehicle_class=vehicle_class, zip_code=zip_code,
        start=start, end=end, **kw,
    )


def test_a_branch_rebuilds_the_fleet_from_the_topic(network):
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    with network.hq_db.session() as s:
        hq_cars = {c.plate_number: (c.vehicle_class, c.zip_code, c.status, c.cost_per_day) for c in s.scalars(select(Car))}
    with bos.db.session() as s:
        branch_cars = {c.plate_number: (c.vehicle_class, c.zip_code, c.status, c.cost_per_day)
                       for c in s.scalars(select(Car))}
    assert branch_cars == hq_cars and len(hq_cars) == 72

    # a car edited at head office travels to the branch
    plate = next(iter(hq_cars))
    with network.hq_db.write() as s:
        s.scalar(select(Car).where(Car.plate_number == plate)).status = "maintenance"
    network.hq.fleet_wake.set()
    wait_for(lambda: _car_status(bos.db, plate) == "maintenance", what="the edited car at the branch")


def _car_status(db, plate):
    with db.session() as s:
        return s.scalar(select(Car.status).where(Car.plate_number == plate))


@pytest.mark.parametrize("publisher", ["process", "thread"])
def test_a_reservation_is_pending_then_confirmed_everywhere(network, publisher):
    # "process": head office's relay and fleet service in their child process (the default);
    # "thread": in threads of head office's process (a database only it can open)
    network.start_hq(publisher=publisher)
    assert (network.hq.publisher is not None) == (publisher == "process")
    bos = network.add_branch("BOS-DT")
    ord_ = network.add_branch("ORD-AP")
    r = book(bos, "ann@example.com")
    assert r.status == "pending"  # the local engine pre-checked; head office decides
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="confirmation at BOS-DT")
    wait_for(lambda: statuses(ord_.db).get(r.id, ("",))[0] == "confirmed", what="the reservation at ORD-AP")
    assert statuses(bos.db)[r.id] == statuses(ord_.db)[r.id] == statuses(network.hq_db)[r.id]
    confirmed = bos.service.get_reservation(r.id)
    assert confirmed.reference == r.reference and confirmed.price == r.price

    # change and cancel travel the same way
    start, end = period(1, 3)
    changed = change_accepting_the_price(bos.service, r.id, start=start, end=end)
    assert changed.status == "pending"
    # each branch applies head office's decision on its own, so wait for both
    wait_for(lambda: statuses(bos.db)[r.id][0] == "confirmed", what="the change confirmed at BOS-DT")
    wait_for(lambda: ord_.service.get_reservation(r.id).start == start, what="the change at ORD-AP")
    assert bos.service.get_reservation(r.id).start == start
    assert ord_.service.get_reservation(r.id).status == "confirmed"
    bos.service.cancel_reservation(r.id)
    wait_for(lambda: statuses(network.hq_db)[r.id][0] == "cancelled", what="the cancel at head office")
    wait_for(lambda: statuses(ord_.db)[r.id][0] == "cancelled", what="the cancel at ORD-AP")


def test_a_publisher_process_that_dies_is_started_again_and_nothing_is_lost(network, caplog):
    import logging
    import os
    import signal

    caplog.set_level(logging.INFO, logger="rentaldesk")
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    publisher = network.hq.publisher
    first = publisher.pid
    os.kill(first, signal.SIGKILL)
    # decided while nothing publishes: the decision waits in head office's outbox
    r = book(bos, "ann@example.com")
    wait_for(lambda: statuses(network.hq_db).get(r.id, ("",))[0] == "confirmed", what="the decision at head office")
    wait_for(lambda: publisher.restarts == 1 and publisher.is_alive(), what="the publisher started again")
    assert publisher.pid != first
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="the confirmation at BOS-DT")
    assert unsent_count(network.hq_db) == 0
    # Ctrl-C and SIGTERM sent to the whole process group are not the child's to act on: head
    # office stops it, after its own last writes
    second = publisher.pid
    os.kill(second, signal.SIGTERM)
    os.kill(second, signal.SIGINT)
    r2 = book(bos, "bob@example.com", day=4)
    wait_for(lambda: statuses(bos.db).get(r2.id, ("",))[0] == "confirmed", what="a confirmation after the signals")
    assert publisher.pid == second and publisher.is_alive() and publisher.restarts == 1
    # the child's log records reach head office's loggers (one log file): the fleet it published
    children = {rec.process for rec in caplog.records
                if rec.name == "rentaldesk.hq.fleet" and "published" in rec.getMessage()}
    assert children and os.getpid() not in children
    assert any("died" in rec.getMessage() for rec in caplog.records if rec.name == "rentaldesk.hq.publisher")


def test_head_office_holds_its_decisions_while_paused_and_goes_on_where_it_stopped(network):
    import time

    network.start_hq()
    bos = network.add_branch("BOS-DT")
    network.hq.decider.pause()
    time.sleep(0.5)  # the decider's loop takes the pause at its next poll
    held = [book(bos, f"held{i}@example.com", day=3 * i) for i in range(3)]
    time.sleep(1.5)
    assert count(network.hq_db, InboxEvent) == 0 and all(statuses(bos.db)[r.id][0] == "pending" for r in held)
    network.hq.decider.resume()
    wait_for(lambda: all(statuses(bos.db)[r.id][0] == "confirmed" for r in held), what="the held requests decided")
    assert count(network.hq_db, InboxEvent) == 3


def test_the_last_car_requested_from_two_branches_at_once(network, tmp_path):
    fleet_csv = tmp_path / "convertible.csv"
    fleet_csv.write_text(
        "plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code\n"
        "CONV1,Mazda MX-5,2025,Red,manual,120.00,CONVERTIBLE,02108\n"
    )
    network.start_hq()
    import_fleet(network.hq_db, fleet_csv, allow_new=True)
    network.hq.fleet_wake.set()
    bos = network.add_branch("BOS-DT")
    ord_ = network.add_branch("ORD-AP")
    wait_for(lambda: count(ord_.db, Car) == 73, what="the convertible at both branches")

    barrier = threading.Barrier(2)
    made = {}

    def request(branch, email):
        barrier.wait()
        made[branch.code] = book(branch, email, vehicle_class="CONVERTIBLE")

    threads = [threading.Thread(target=request, args=(b, e))
               for b, e in ((bos, "ann@example.com"), (ord_, "bo@example.com"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made["BOS-DT"].status == made["ORD-AP"].status == "pending"  # neither branch knew
    ids = {made["BOS-DT"].id, made["ORD-AP"].id}

    def decided():
        outcome = {rid: statuses(network.hq_db).get(rid, ("rejected",))[0] for rid in ids}
        at_branches = [{rid: statuses(b.db).get(rid, ("?",))[0] for rid in ids} for b in (bos, ord_)]
        return all(d == outcome for d in at_branches) and sorted(outcome.values()) == ["confirmed", "rejected"]

    wait_for(decided, what="one confirmation and one rejection, the same at head office and both branches")
    loser = next(rid for rid in ids if statuses(bos.db)[rid][0] == "rejected")
    refused = bos.service.get_reservation(loser)
    assert "Convertible" in refused.status_reason and "booked" in refused.status_reason
    # the rejected one no longer holds the car: a new request for another period still fits
    with bos.db.session() as s:
        live = s.scalars(select(Row.id).where(Row.status.in_(("pending", "confirmed")))).all()
    assert len(live) == 1


def test_the_counter_keeps_working_while_the_broker_is_down(restartable_broker, broker_outage, network):
    kafka_broker = restartable_broker
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    kafka_broker.stop(keep=True)
    try:
        made = [book(bos, f"walkin{i}@example.com", day=i % 5, vehicle_class=("SUV", "COMPACT", "VAN")[i % 3])
                for i in range(12)]
        assert all(r.status == "pending" for r in made)
        assert unsent_count(bos.db) >= 12
    finally:
        kafka_broker.start()
    wait_for(lambda: unsent_count(bos.db) == 0, timeout=120, what="the outbox to drain")
    wait_for(lambda: all(statuses(bos.db)[r.id][0] == "confirmed" for r in made), timeout=120,
             what="every reservation confirmed")
    with network.hq_db.session() as s:
        at_hq = s.scalars(select(Row.id)).all()
    assert sorted(at_hq) == sorted(r.id for r in made)  # each reached head office exactly once


def test_malformed_and_unknown_messages_go_to_dead_letter(network):
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    topics = Topics(network.prefix)
    producer = KafkaProducer(bootstrap_servers=network.bootstrap)
    bad = [
        b"\xff\xfe not json",
        b'{"hello": "world"}',
        b'{"event_id":"00000000-0000-4000-8000-000000000000","type":"car.teleported","schema_version":1,'
            b'"occurred_at":"2030-01-01T00:00:00+00:00","source":"x","payload":{}}',
    ]
    for value in bad:
        producer.send(topics.name("booking-requests"), key=b"SUV|02108", value=value)
    producer.flush()
    producer.close()
    # the services keep going: a good request after the bad ones is decided
    r = book(bos, "after@example.com")
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="a good request after bad ones")

    consumer = KafkaConsumer(topics.name("dead-letter"), bootstrap_servers=network.bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    parked = []
    for record in consumer:
        parked.append((record.value, dict(record.headers)))
        if len(parked) == len(bad):
            break
    consumer.close()
    assert [v for v, _ in parked] == bad  # the original bytes, in order
    reasons = [h["reason"].decode() for _, h in parked]
    assert reasons[0].startswith("not UTF-8")
    assert reasons[1] == "envelope: object contains unknown field `hello`"
    assert reasons[2].startswith("unknown event type 'car.teleported' (a newer build's?")


def test_replayed_events_are_applied_once(network):
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    r = book(bos, "ann@example.com")
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="confirmation")
    # publish head office's confirmation again, byte for byte: the branch's inbox skips it
    with network.hq_db.session() as s:
        sent = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "booking-events")).all()
    producer = KafkaProducer(bootstrap_servers=network.bootstrap)
    for row in sent:
        producer.send(Topics(network.prefix).name("booking-events"), key=row.key.encode(), value=row.value)
    producer.flush()
    producer.close()
    before = bos.service.get_reservation(r.id)
    marker = book(bos, "marker@example.com", day=4)  # a later event proves the replays were consumed
    wait_for(lambda: statuses(bos.db).get(marker.id, ("",))[0] == "confirmed", what="the marker")
    assert bos.service.get_reservation(r.id) == before
    with bos.db.session() as s:
        assert s.scalar(select(InboxEvent).where(InboxEvent.event_id == decode(sent[0].value).event_id))


def test_price_and_car_agree_across_the_network(network):
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    r = book(bos, "ann@example.com", vehicle_class="LUXURY", days=3)
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="confirmation")
    mine = bos.service.get_reservation(r.id)
    with network.hq_db.session() as s:
        hq = s.get(Row, r.id)
        assert (hq.price, hq.reference) == (mine.price, mine.reference)
    assert mine.price == Decimal("149.00") * 3
    assert statuses(bos.db)[r.id][1] == statuses(network.hq_db)[r.id][1]


def test_unknown_pool_is_refused_at_the_counter_without_a_request(network):
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    with pytest.raises(NotAvailable):
        for i in range(7):  # 6 SUVs at 02108: the seventh overlapping request is refused locally
            book(bos, f"c{i}@example.com")
    assert count(bos.db, OutboxEvent) == 6


def test_a_branch_started_while_the_broker_is_down_connects_when_it_is_back(
    restartable_broker, broker_outage, network
):
    network.start_hq()
    first = network.add_branch("BOS-DT")  # brings the fleet into its database
    first.sync.stop()
    restartable_broker.stop(keep=True)
    try:
        # The counter starts (no exception, no wait) and takes bookings with no broker at all.
        from rentaldesk.reservations import ReservationService
        from rentaldesk.sync.branch import BranchOutbox, BranchSync

        service = ReservationService(first.db, link=BranchOutbox("BOS-DT"))
        sync = BranchSync(first.db, service, network.kafka, "BOS-DT")
        sync.start()
        r = service.create_reservation(email="offline@example.com", name="Off Line", vehicle_class="SUV",
                                       zip_code="02108", start=period(0)[0], end=period(0)[1])
        assert r.status == "pending" and not sync.connected.is_set()
    finally:
        restartable_broker.start()
    try:
        wait_for(sync.connected.is_set, timeout=90, what="the branch to connect")
        wait_for(lambda: statuses(first.db)[r.id][0] == "confirmed", timeout=90, what="the offline booking confirmed")
    finally:
        sync.stop()


def test_a_car_added_at_a_branch_travels_as_a_request_and_comes_back_as_fleet_state(network):
    from rentaldesk.cars import add_car

    network.start_hq()
    bos = network.add_branch("BOS-DT")
    ord_ = network.add_branch("ORD-AP")
    values = {"plate_number": "NEW 123", "model": "Kia Niro", "year": "2026", "color": "Blue",
              "transmission": "automatic", "cost_per_day": "52.00", "vehicle_class": "ECONOMY", "zip_code": "02108"}
    assert add_car(bos.db, values, link=bos.service.link) is None
    assert _car_status(bos.db, "NEW123") is None  # nothing changes at the branch until head office says so
    wait_for(lambda: _car_status(network.hq_db, "NEW123") == "available", what="the car at head office")
    wait_for(lambda: _car_status(bos.db, "NEW123") == "available", what="the car back at BOS-DT")
    wait_for(lambda: _car_status(ord_.db, "NEW123") == "available", what="the car at ORD-AP")


def test_a_one_way_return_at_a_branch_moves_the_car_at_head_office(network):
    # issue 11 item 6: booked at Boston to come back at Chicago, returned there: head office moves
    # the car to Chicago's pool, its engine counts it there, and the branch's fleet agrees
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    with bos.db.write() as s:  # the branch's rates, as head office's sample has them
        rates.save_drop_fee(s, "02108", "60666", Decimal("150.00"))
    soon = datetime.now(timezone.utc) + timedelta(hours=3)
    r = bos.service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV",
                                       zip_code="02108", start=soon, end=soon + timedelta(days=1),
                                       return_zip_code="60666")
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="the one-way confirmed")
    with network.hq_db.session() as s:
        at_hq = s.get_one(Row, r.id)
        assert (at_hq.return_zip_code, at_hq.price, at_hq.drop_fee) == ("60666", r.price, Decimal("150.00"))
        plate = s.get_one(Car, at_hq.car_id).plate_number
    may_rent(bos.db, r.customer_id)
    view = bos.service.check_out(check_out_value(r.id, odometer=_odometer(bos.db, plate)))
    back = bos.service.check_in(check_in_value(view.id, datetime.now(timezone.utc), zip_code="60666",
                                               odometer=view.out.odometer + 900))
    assert isinstance(back, contracts.AgreementView) and back.charges is not None
    assert back.charges.line("one-way")[0].amount == Decimal("150.00")  # the sample's Boston -> Chicago fee
    wait_for(lambda: _car_zip(network.hq_db, plate) == "60666", what="the car at Chicago at head office")
    with network.hq_db.session() as s:
        car_id = s.scalar(select(Car.car_id).where(Car.plate_number == plate))
    hq = ReservationService(network.hq_db)
    later = soon + timedelta(days=3)
    assert car_id in hq.room(vehicle_class="SUV", zip_code="60666", start=later, end=later + timedelta(days=1)).cars
    assert car_id not in hq.room(vehicle_class="SUV", zip_code="02108", start=later,
                                 end=later + timedelta(days=1)).cars
    assert _car_zip(bos.db, plate) == "60666"


def _car_zip(db, plate):
    with db.session() as s:
        return s.scalar(select(Car.zip_code).where(Car.plate_number == plate))


def _odometer(db, plate):
    with db.session() as s:
        return s.scalar(select(Car.odometer).where(Car.plate_number == plate))
