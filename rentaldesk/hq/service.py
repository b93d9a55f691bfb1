"""``rentaldesk hq``: the head-office process — booking authority, fleet service, notifications.

Threads, each with its own Kafka client:

- authority: consumes ``booking-requests`` in group ``<prefix>-hq`` and decides (exactly once);
- notifications: consumes ``booking-events`` in group ``<prefix>-hq-notifications`` and queues the
  customer mails (the agreement and receipt mails are queued by the authority as it records each
  agreement); the sender sends them through SMTP with retries.

And the publishers, in a child process of their own (:mod:`rentaldesk.hq.publisher`), so they do
not take the authority's interpreter; as threads here for a database a child cannot open (SQLite in
memory), or when asked (``publisher="thread"``):

- relay: publishes head office's outbox (booking events, notification records) in order;
- fleet: publishes the fleet to the compacted ``fleet`` topic at start and on every change.

Several ``rentaldesk hq`` processes on one head-office database form one consumer group: they share
the partitions, and when one stops the others take its pools over.
"""

from __future__ import annotations

import logging
import threading
import time

from ..config import Settings
from ..db import Database
from ..sync.inbox import EventConsumer
from ..sync.outbox import OutboxRelay
from ..sync.topics import (
    AUDIT,
    BOOKING_EVENTS,
    BOOKING_REQUESTS,
    CLOSE_TIMEOUT,
    BrokerWatch,
    Topics,
    ensure_topics,
    head_office_group,
    make_consumer,
    make_producer,
)
from .authority import BookingAuthority
from .fleet_service import FleetPublisher
from .publisher import PublisherProcess, Wake

log = logging.getLogger("rentaldesk.hq")


class HeadOffice:
    def __init__(self, db: Database, settings: Settings, *, notifications: bool = True,
                 publisher: str = "auto") -> None:
        """``publisher``: ``"process"`` (the relay and the fleet service in a child process),
        ``"thread"`` (in threads of this one), or ``"auto"``: a process unless the database is
        SQLite in memory, which no other process can open."""
        if not settings.kafka.enabled:
            raise ValueError("head office needs a broker: --kafka HOST:PORT or RENTALDESK_KAFKA")
        if publisher not in ("auto", "process", "thread"):
            raise ValueError(f"publisher must be auto, process or thread, not {publisher!r}")
        if publisher == "auto":
            publisher = "thread" if _in_memory(db) else "process"
        elif publisher == "process" and _in_memory(db):
            raise ValueError("an in-memory database cannot be shared with a publisher process: use publisher='thread'")
        self.db = db
        self.settings = settings
        kafka = settings.kafka
        self.topics = Topics(kafka.topic_prefix)
        ensure_topics(kafka)  # no broker: a KafkaError within seconds (the caller tries again)
        # For dead letters (and, with publisher="thread", everything this process publishes).
        self.producer = make_producer(kafka, "rentaldesk-hq")
        self.relay: OutboxRelay | None = None
        self.fleet: FleetPublisher | None = None
        self.publisher: PublisherProcess | None = None
        self.outbox_wake: Wake
        self.fleet_wake: Wake
        if publisher == "process":
            self.publisher = PublisherProcess(db.engine.url.render_as_string(hide_password=False), kafka)
            db.defer_checkpoints()  # the publisher process checkpoints the WAL
            self.outbox_wake, self.fleet_wake = self.publisher.outbox_wake, self.publisher.fleet_wake
        else:
            self.relay = OutboxRelay(db, self.producer, self.topics)  # the decider's watch tells
            self.fleet = FleetPublisher(db, self.producer, self.topics)
            self.outbox_wake, self.fleet_wake = self.relay.wake, self.fleet.wake
        group = head_office_group(kafka.topic_prefix)
        self.notifier = None
        self.sender = None
        queue = None
        if notifications:
            from .notifications import NotificationQueue, NotificationSender, head_office_links

            # The authority, the queue and the mail sender only ever set() a wake; their parameters
            # say threading.Event until the typed-events rework of hq/ has them take a Wake.
            self.sender = NotificationSender(db, settings.smtp, outbox_wake=self.outbox_wake)  # type: ignore[arg-type]
            queue = NotificationQueue(db, wake=self.sender.wake, outbox_wake=self.outbox_wake,  # type: ignore[arg-type]
                                      manage_links=head_office_links(settings.web))
            self.notifier = EventConsumer(
                db,
                make_consumer(kafka, f"{group}-notifications", "rentaldesk-hq-notifications",
                              self.topics.name(BOOKING_EVENTS)),
                queue,
                topics=self.topics,
                dead_letter=self.producer,
                name="hq notifications",
            )
        # The agreements' mails are queued by the authority, which records the agreements: the
        # inbox of booking-requests is its (an event id is applied once per database).
        self.authority = BookingAuthority(
            db, wake=self.outbox_wake, fleet_wake=self.fleet_wake,  # type: ignore[arg-type]
            agreement_mail=None if queue is None else queue.agreement_recorded)
        decisions = make_consumer(kafka, group, "rentaldesk-hq-authority", self.topics.name(BOOKING_REQUESTS))
        self.decider = EventConsumer(
            db,
            decisions,
            self.authority,
            topics=self.topics,
            dead_letter=self.producer,
            name="hq authority",
            watch=BrokerWatch(decisions, "hq authority", kafka.bootstrap),  # the publisher process has its own
        )
        # issue 13: the branches' audit trails, kept once each (its own group: never held up by decisions)
        from .audit import apply_audit

        audits = make_consumer(kafka, f"{group}-audit", "rentaldesk-hq-audit", self.topics.name(AUDIT))
        self.auditor = EventConsumer(db, audits, apply_audit, topics=self.topics, dead_letter=self.producer,
                                     name="hq audit")
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def fleet_published(self) -> int:
        """Fleet records published since start (from the publisher process: within half a second)."""
        if self.publisher is not None:
            return self.publisher.fleet_published
        assert self.fleet is not None, "publisher='thread': the fleet service is a thread here"
        return self.fleet.sent

    @property
    def outbox_published(self) -> int:
        """Outbox rows published since start (from the publisher process: within half a second)."""
        if self.publisher is not None:
            return self.publisher.outbox_published
        assert self.relay is not None, "publisher='thread': the relay is a thread here"
        return self.relay.sent

    def start(self) -> None:
        loops = [("hq-authority", self.decider.run), ("hq-audit", self.auditor.run)]
        if self.publisher is not None:
            self.publisher.start()
            loops.append(("hq-publisher-watch", self._watch_publisher))
        else:
            assert self.relay is not None and self.fleet is not None, "publisher='thread': both are threads here"
            loops += [("hq-relay", self.relay.run), ("hq-fleet", self.fleet.run)]
        if self.notifier is not None and self.sender is not None:  # both or neither
            loops += [("hq-notifications", self.notifier.run), ("hq-mail", self.sender.run)]
        for name, loop in loops:
            thread = threading.Thread(target=loop, args=(self._stop,), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("head office running on %s (topics %s.*)", self.db.url, self.topics.prefix)

    def _watch_publisher(self, stop: threading.Event) -> None:
        """Start the publisher process again whenever it dies, so the outbox keeps draining."""
        publisher = self.publisher
        assert publisher is not None, "watched only when there is a publisher process"
        while not stop.wait(1.0):
            try:
                publisher.ensure_running()
            except Exception:
                log.exception("could not start head office's publisher process again; retrying")

    def stop(self, timeout: float = 1.5) -> None:
        """Stop in about ``timeout`` seconds whatever the broker does (see :meth:`BranchSync.stop`
        for why nothing is lost)."""
        deadline = time.monotonic() + timeout
        self._stop.set()
        if self.publisher is not None:
            self.publisher.request_stop()  # no restart from here on; it publishes until stopped
        self.outbox_wake.set()
        self.fleet_wake.set()
        if self.sender is not None:
            self.sender.wake.set()
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self.publisher is not None:  # after the threads that write to the outbox have stopped
            self.publisher.request_exit()  # it finishes its round meanwhile
        for consumer in (self.decider, self.notifier, self.auditor):
            if consumer is not None:
                consumer.close()
        if self.publisher is not None:
            self.publisher.stop(max(CLOSE_TIMEOUT, deadline - time.monotonic()))
        try:
            self.producer.close(timeout=CLOSE_TIMEOUT)
        except Exception:  # a dead broker must not block a shutdown
            log.debug("producer close failed", exc_info=True)

    def wait(self) -> None:
        """Block until stopped (Ctrl-C / SIGTERM handled by the caller)."""
        while not self._stop.wait(1.0):
            pass

    def __enter__(self) -> HeadOffice:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _in_memory(db: Database) -> bool:
    """Whether ``db`` is SQLite in memory (``sqlite://``, ``:memory:``, ``file::memory:``,
    ``mode=memory``): no other process can open it."""
    if not db.is_sqlite:
        return False
    url = db.engine.url
    name = url.database or ""
    return name in ("", ":memory:") or ":memory:" in name or url.query.get("mode") == "memory"
