"""Head office's publishers — the outbox relay and the fleet service — in a process of their own.

Why a process: head office is one Python process per consumer-group member, and its booking
authority is CPU-bound (decode, decide, write). The relay and the fleet service are CPU-bound too
(claim, send, stamp; snapshot and compare) and, as threads, they took a third of the one
interpreter's time away from the decisions. In their own process they run on the other core; the
database (WAL SQLite or PostgreSQL) is the only thing the two share, exactly as when several
``rentaldesk hq`` processes share one database.

- Wake-ups cross the process boundary as :class:`multiprocessing.Event` objects, set by the
  authority's and the mail sender's ``after_commit`` hooks as before, so an event leaves the moment
  its transaction commits.
- The child's log records travel to the parent through a queue and are handled by the parent's
  ``rentaldesk`` loggers: one log file, one console.
- The child stops when told (``stop``), and by itself within half a second when its parent is gone
  (a head office killed with SIGKILL leaves no orphan publishing on its own).
- Nothing is lost when the child dies: what it had not stamped as sent is still in the outbox, and
  the next relay publishes it (with the same event ids, which consumers skip as replays).
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import threading
from typing import Any

from ..config import KafkaSettings

log = logging.getLogger("rentaldesk.hq.publisher")

#: How often the child checks that its parent is alive, and refreshes the shared counters.
WATCH_INTERVAL = 0.5


class PublisherProcess:
    """The head-office publishers of ``db_url`` in a child process (``spawn``: no inherited threads)."""

    def __init__(self, db_url: str, kafka: KafkaSettings, *, client_id: str = "rentaldesk-hq-publisher") -> None:
        ctx = multiprocessing.get_context("spawn")
        #: Set after a transaction that wrote to the outbox commits.
        self.outbox_wake = ctx.Event()
        #: Set after a transaction that changed the fleet commits.
        self.fleet_wake = ctx.Event()
        self._stop = ctx.Event()
        self._ready = ctx.Event()
        self._outbox_sent = ctx.Value("q", 0, lock=False)
        self._fleet_sent = ctx.Value("q", 0, lock=False)
        self._logs: Any = ctx.Queue()
        self._listener: logging.handlers.QueueListener | None = None
        self._process = ctx.Process(
            target=_child_main,
            name=client_id,
            args=(db_url, kafka, client_id, self.outbox_wake, self.fleet_wake, self._stop, self._ready,
                  self._outbox_sent, self._fleet_sent, self._logs, _forwarded_level(), os.getpid()),
            daemon=True,
        )

    @property
    def outbox_published(self) -> int:
        """Outbox rows the child has published (refreshed every half second)."""
        return int(self._outbox_sent.value)

    @property
    def fleet_published(self) -> int:
        """Fleet records the child has published (refreshed every half second)."""
        return int(self._fleet_sent.value)

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def start(self, timeout: float = 60.0) -> None:
        """Start the child and wait until its producer is connected."""
        self._listener = logging.handlers.QueueListener(self._logs, _ToLogger(), respect_handler_level=False)
        self._listener.start()
        self._process.start()
        deadline = timeout
        while not self._ready.wait(0.1):
            deadline -= 0.1
            if not self._process.is_alive():
                self._stop_listener()
                raise RuntimeError(f"head office's publisher process exited at start (code {self._process.exitcode}); "
                                   "see the log for why")
            if deadline <= 0:
                self.stop()
                raise TimeoutError(f"head office's publisher process was not ready after {timeout:.0f} s")
        log.info("publisher process %d running (outbox relay, fleet service)", self._process.pid)

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self.outbox_wake.set()
        self.fleet_wake.set()
        if self._process.pid is not None:
            self._process.join(timeout)
            if self._process.is_alive():
                log.warning("publisher process %d did not stop in %.0f s; terminating", self._process.pid, timeout)
                self._process.terminate()
                self._process.join(5)
        self._stop_listener()

    def _stop_listener(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


class _ToLogger(logging.Handler):
    """Hands a record from the child to the parent's logger of the same name, if that takes it."""

    def handle(self, record: logging.LogRecord) -> bool:  # what QueueListener calls
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self.handle(record)


def _forwarded_level() -> int:
    """The lowest level the parent's ``rentaldesk`` loggers would write anywhere: what the child
    sends (a debug record per event crosses the queue only when someone reads it)."""
    logger = logging.getLogger("rentaldesk")
    effective = logger.getEffectiveLevel()
    handlers = []
    while logger is not None:
        handlers += logger.handlers
        logger = logger.parent if logger.propagate else None
    lowest = min((h.level or effective for h in handlers), default=logging.WARNING)
    return max(effective, lowest)


def _child_main(db_url: str, kafka: KafkaSettings, client_id: str, outbox_wake: Any, fleet_wake: Any,
                stop: Any, ready: Any, outbox_sent: Any, fleet_sent: Any, logs: Any, level: int,
                parent: int) -> None:
    import warnings

    # kafka-python 3.0 reads its bundled data with a deprecated importlib.resources call
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    root = logging.getLogger("rentaldesk")
    root.handlers[:] = []
    root.setLevel(max(level, logging.DEBUG))
    handler = logging.handlers.QueueHandler(logs)
    handler.setLevel(level)
    root.addHandler(handler)
    root.propagate = False

    from ..db import open_database
    from ..sync.outbox import OutboxRelay
    from ..sync.topics import Topics, make_producer
    from .fleet_service import FleetPublisher

    try:
        db = open_database(db_url)
        producer = make_producer(kafka, client_id)
    except Exception:
        log.exception("publisher process: could not start")
        raise SystemExit(1) from None
    topics = Topics(kafka.topic_prefix)
    relay = OutboxRelay(db, producer, topics)
    relay.wake = outbox_wake
    fleet = FleetPublisher(db, producer, topics)
    fleet.wake = fleet_wake
    threads = [
        threading.Thread(target=relay.run, args=(stop,), name="hq-relay", daemon=True),
        threading.Thread(target=fleet.run, args=(stop,), name="hq-fleet", daemon=True),
    ]
    for t in threads:
        t.start()
    ready.set()
    try:
        while not stop.wait(WATCH_INTERVAL):
            outbox_sent.value = relay.sent
            fleet_sent.value = fleet.sent
            if os.getppid() != parent:
                log.warning("publisher process: head office (pid %d) is gone; stopping", parent)
                stop.set()
    finally:
        outbox_wake.set()
        fleet_wake.set()
        for t in threads:
            t.join(15)
        outbox_sent.value = relay.sent
        fleet_sent.value = fleet.sent
        try:
            producer.close(timeout=5)
        except Exception:  # a dead broker must not block the exit
            log.debug("producer close failed", exc_info=True)
        db.close()
