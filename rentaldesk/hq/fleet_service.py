"""The fleet service: head office's cars, classes, locations and drivers on the compacted fleet topic.

Head office owns the fleet. Every record is published keyed by its global identifier
(``car:<plate>``, ``class:<code>``, ``branch:<zip>``, ``driver:<licence>``, ``staff:<username>``, and each
car's record from the agreements, ``car-record:<plate>``: :mod:`rentaldesk.sync.car_record`), so the compacted topic
always holds the latest state of each, and a new branch rebuilds its fleet from the topic alone.
The service publishes everything at start, then every change it sees (it compares the database with
what it last published, so edits from any process, the command line or the desk app, travel):
at once for a change head office applied itself (a branch's car request), else within 5 s.
"""

from __future__ import annotations

import logging
import threading

from kafka import KafkaProducer
from kafka.errors import KafkaError

from ..db import Database
from ..sync.envelope import Envelope
from ..sync.events import Event
from ..sync.state import fleet_snapshot
from ..sync.outbox import wait_acked
from ..sync.topics import FLEET, Topics, failure_level

log = logging.getLogger("rentaldesk.hq.fleet")

#: Publication order: what a record refers to goes first.
_ORDER = {"branch": 0, "class": 1, "driver": 2, "car": 3, "staff": 4, "car-record": 5}


class FleetPublisher:
    def __init__(self, db: Database, producer: KafkaProducer, topics: Topics, *, source: str = "hq") -> None:
        self.db = db
        self.producer = producer
        self.topics = topics
        self.source = source
        self.published: dict[str, Event] = {}
        self.wake = threading.Event()
        #: Records published since start.
        self.sent = 0

    def publish_changes(self, timeout: float = 10.0, stop: threading.Event | None = None) -> int:
        """Publish the records that differ from what was last published; how many (waiting for
        the broker at most ``timeout`` seconds, and not once ``stop`` is set)."""
        with self.db.session() as s:
            snapshot = fleet_snapshot(s)
        changed = sorted(
            (key for key, record in snapshot.items() if self.published.get(key) != record),
            key=lambda k: (_ORDER[k.split(":", 1)[0]], k),
        )
        futures = []
        for key in changed:
            record = snapshot[key]
            value = Envelope(payload=record, source=self.source).encode()
            futures.append((key, record, self.producer.send(self.topics.name(FLEET), key=key.encode(), value=value)))
        for key, record, future in futures:
            wait_acked(future, timeout, stop)
            self.published[key] = record
            self.sent += 1
        if changed:
            log.info("fleet: published %d record(s)", len(changed))
        return len(changed)

    def run(self, stop: threading.Event, *, interval: float = 5.0) -> None:
        """Publish at once when woken (a change head office made itself), else every ``interval``
        seconds (edits by other processes: the command line, a desk app at head office)."""
        while not stop.is_set():
            self.wake.clear()  # before reading, so a change committed meanwhile wakes the next round
            try:
                self.publish_changes(stop=stop)
            except KafkaError as exc:
                log.log(failure_level(self.producer), "fleet publishing failed (%s); retrying", exc)
            except Exception:
                log.exception("fleet publishing failed; retrying")
            self.wake.wait(interval)
