"""The outbox relay's claims: rows go out once, in order; a dead relay's rows after its lease.

A fake producer stands in for the broker here (the relay against a real broker is in tests/kafka)."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timezone

from sqlalchemy import select, update

from rentaldesk.models import OutboxEvent
from rentaldesk.sync import outbox
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.events import CancelRequested
from rentaldesk.sync.topics import BOOKING_REQUESTS, Topics


class Acked:
    """What kafka-python's send() returns, once the broker has acknowledged."""

    def __init__(self, topic: str, offset: int) -> None:
        self.topic, self.partition, self.offset = topic, 0, offset

    def get(self, timeout: float | None = None) -> Acked:
        return self


class Producer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, topic: str, *, key: bytes, value: bytes) -> Acked:
        self.sent.append(value)
        return Acked(topic, len(self.sent))


def add(db, n: int) -> None:  # noqa: ANN001
    with db.write() as s:
        for i in range(n):
            outbox.add(s, BOOKING_REQUESTS, "SUV|10001", Envelope(source="B", payload=CancelRequested(
                reservation_id=f"00000000-0000-4000-8000-{i:012d}", requested_at=datetime(2030, 1, 1, tzinfo=timezone.utc))))


def rows(db) -> list[tuple]:  # noqa: ANN001
    with db.session() as s:
        return [(r.sent_at is not None, r.claimed_by) for r in s.execute(
            select(OutboxEvent.sent_at, OutboxEvent.claimed_by).order_by(OutboxEvent.seq))]


def test_rows_go_out_once_in_order_in_batches(db):
    producer = Producer()
    relay = outbox.OutboxRelay(db, producer, Topics(), batch=2)
    add(db, 5)
    assert relay.publish_pending() == 5
    assert rows(db) == [(True, None)] * 5 and relay.sent == 5
    with db.session() as s:
        assert producer.sent == list(s.scalars(select(OutboxEvent.value).order_by(OutboxEvent.seq)))
    assert relay.publish_pending() == 0 and len(producer.sent) == 5


def test_rows_claimed_by_another_relay_hold_back_the_rows_after_them_until_its_lease(db):
    """In order, always: a relay that died holding the first row must not see the second published
    before it (the simulation found answers applied out of order so)."""
    add(db, 2)
    with db.write() as s:  # another relay claimed the first row a moment ago, then died
        s.execute(update(OutboxEvent).where(OutboxEvent.seq == 1)
                  .values(claimed_by="elsewhere", claimed_at=datetime.now(timezone.utc)))
    producer = Producer()
    now = datetime.now(timezone.utc)
    assert outbox.OutboxRelay(db, producer, Topics(), clock=lambda: now).publish_pending() == 0
    assert rows(db) == [(False, "elsewhere"), (False, None)]
    later = now + outbox.CLAIM_LEASE * 2
    assert outbox.OutboxRelay(db, producer, Topics(), clock=lambda: later).publish_pending() == 2
    assert rows(db) == [(True, None), (True, None)]
    with db.session() as s:
        assert producer.sent == list(s.scalars(select(OutboxEvent.value).order_by(OutboxEvent.seq)))


def test_rows_of_a_relay_whose_process_is_gone_are_taken_over_at_once(db):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    add(db, 2)
    with db.write() as s:
        s.execute(update(OutboxEvent).where(OutboxEvent.seq == 1)
                  .values(claimed_by=f"{socket.gethostname()}:{dead.pid}:7f00", claimed_at=datetime.now(timezone.utc)))
        s.execute(update(OutboxEvent).where(OutboxEvent.seq == 2)  # one of a live process: kept
                  .values(claimed_by=f"{socket.gethostname()}:1:7f00", claimed_at=datetime.now(timezone.utc)))
    producer = Producer()
    assert outbox.OutboxRelay(db, producer, Topics()).publish_pending() == 1
    assert rows(db) == [(True, None), (False, f"{socket.gethostname()}:1:7f00")]
