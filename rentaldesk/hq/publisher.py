"""Head office's publishers — the outbox relay and the fleet service — in a process of their own.

Why a process: head office is one Python process per consumer-group member, and its booking
authority is CPU-bound (decode, decide, write). The relay and the fleet service are CPU-bound too
(claim, send, stamp; snapshot and compare) and, as threads, they took a third of the one
interpreter's time away from the decisions. In their own process they run on the other core; the
database (WAL SQLite or PostgreSQL) is the only thing the two share, exactly as when several
``rentaldesk hq`` processes share one database.

- Wake-ups cross the process boundary as single bytes on a pipe, written (never blocking) by the
  authority's and the mail sender's ``after_commit`` hooks, so an event leaves the moment its
  transaction commits. A pipe, not :class:`multiprocessing.Event`: that one's lock is shared, and a
  child killed while holding it would leave head office blocked in ``set()`` for good.
- The child's log records travel to the parent through a queue and are handled by the parent's
  ``rentaldesk`` loggers: one log file, one console.
- The child stops when the parent closes the pipe, and so when the parent is gone, however it
  ended (a head office killed with SIGKILL leaves no orphan publishing on its own).
- Head office starts the child again when it dies (:meth:`PublisherProcess.ensure_running`).
  Nothing is lost meanwhile: what it had not stamped as sent is still in the outbox, and the next
  relay publishes it (with the same event ids, which consumers skip as replays).
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

OUTBOX, FLEET = b"o", b"f"
#: How often the child refreshes the counters the parent reads.
COUNT_INTERVAL = 0.25


class _Wake:
    """The parent's side of a wake-up: ``set()`` writes a byte to the child's pipe. It never
    blocks: a full pipe already holds a wake-up, a closed one has no reader left to wake."""

    def __init__(self, publisher: PublisherProcess, signal: bytes) -> None:
        self._publisher = publisher
        self._signal = signal

    def set(self) -> None:
        self._publisher._send(self._signal)


class PublisherProcess:
    """The head-office publishers of ``db_url`` in a child process (``spawn``: no inherited threads)."""

    def __init__(self, db_url: str, kafka: KafkaSettings, *, client_id: str = "rentaldesk-hq-publisher") -> None:
        self._ctx = multiprocessing.get_context("spawn")
        #: Set (by the parent) after a transaction that wrote to the outbox commits.
        self.outbox_wake = _Wake(self, OUTBOX)
        #: Set (by the parent) after a transaction that changed the fleet commits.
        self.fleet_wake = _Wake(self, FLEET)
        # Plain shared memory, no lock: the child writes, the parent reads.
        self._outbox_sent = self._ctx.Value("q", 0, lock=False)
        self._fleet_sent = self._ctx.Value("q", 0, lock=False)
        self._db_url = db_url
        self._kafka = kafka
        self._client_id = client_id
        self._send_lock = threading.Lock()
        self._process: Any = None
        self._wake_w: Any = None
        self._ready_r: Any = None
        self._listener: logging.handlers.QueueListener | None = None
        self._stopped = False
        #: How many times the child was started again after it died.
        self.restarts = 0

    @property
    def outbox_published(self) -> int:
        """Outbox rows published by the child (refreshed every quarter second)."""
        return int(self._outbox_sent.value)

    @property
    def fleet_published(self) -> int:
        """Fleet records published by the child (refreshed every quarter second)."""
        return int(self._fleet_sent.value)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _send(self, signal: bytes) -> None:
        with self._send_lock:
            if self._wake_w is None:
                return
            try:
                self._wake_w.send_bytes(signal)
            except (BlockingIOError, BrokenPipeError, OSError):
                pass  # a wake-up is pending already, or the child is gone (it is started again)

    def _spawn(self) -> None:
        wake_r, wake_w = self._ctx.Pipe(duplex=False)
        ready_r, ready_w = self._ctx.Pipe(duplex=False)
        logs = self._ctx.Queue()  # a queue per child: a dead child may hold its writers' lock
        self._listener = logging.handlers.QueueListener(logs, _ToLogger(), respect_handler_level=False)
        self._listener.start()
        self._process = self._ctx.Process(
            target=_child_main, name=self._client_id, daemon=True,
            args=(self._db_url, self._kafka, self._client_id, wake_r, ready_w, self._outbox_sent,
                  self._fleet_sent, logs, _forwarded_level()),
        )
        self._process.start()
        # Ours are only the writing end of the wake-ups and the reading end of "ready".
        wake_r.close()
        ready_w.close()
        os.set_blocking(wake_w.fileno(), False)
        with self._send_lock:
            self._wake_w = wake_w
        self._ready_r = ready_r

    def start(self, timeout: float = 60.0) -> None:
        """Start the child and wait until its producer is connected."""
        self._spawn()
        if not self._wait_ready(timeout):
            code = self._process.exitcode
            self.stop()
            if code is not None:
                raise RuntimeError(f"head office's publisher process exited at start (code {code}); see the log for why")
            raise TimeoutError(f"head office's publisher process was not ready after {timeout:.0f} s")
        log.info("publisher process %d running (outbox relay, fleet service)", self._process.pid)

    def _wait_ready(self, timeout: float) -> bool:
        try:
            return self._ready_r.poll(timeout) and self._ready_r.recv_bytes() == b"ready"
        except (EOFError, OSError):  # the child died before it was ready
            return False

    def ensure_running(self) -> bool:
        """Start the child again if it died (not once stopped); whether it had to."""
        if self._stopped or self._process is None or self._process.is_alive():
            return False
        log.error("head office's publisher process %d died (exit code %s); starting it again: "
                  "what it had not published is still in the outbox", self._process.pid, self._process.exitcode)
        self._close_ends()
        self.restarts += 1
        self._spawn()
        if not self._wait_ready(60.0):
            log.error("head office's publisher process %d is not ready yet", self._process.pid)
        return True

    def stop(self, timeout: float = 15.0) -> None:
        """Close the pipe (the child stops: it publishes no further round) and wait for it."""
        self._stopped = True
        process = self._process
        self._close_ends()
        if process is not None and process.pid is not None:
            process.join(timeout)
            if process.is_alive():
                log.warning("publisher process %d did not stop in %.0f s; terminating", process.pid, timeout)
                process.terminate()
                process.join(5)

    def _close_ends(self) -> None:
        with self._send_lock:
            if self._wake_w is not None:
                self._wake_w.close()
                self._wake_w = None
        if self._ready_r is not None:
            self._ready_r.close()
            self._ready_r = None
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


def _child_main(db_url: str, kafka: KafkaSettings, client_id: str, wake_r: Any, ready_w: Any,
                outbox_sent: Any, fleet_sent: Any, logs: Any, level: int) -> None:
    import warnings

    # kafka-python 3.0 reads its bundled data with a deprecated importlib.resources call
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    root = logging.getLogger("rentaldesk")
    root.handlers[:] = []
    root.setLevel(level)
    handler = logging.handlers.QueueHandler(logs)
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
    fleet = FleetPublisher(db, producer, topics)
    stop = threading.Event()
    threads = [
        threading.Thread(target=relay.run, args=(stop,), name="hq-relay", daemon=True),
        threading.Thread(target=fleet.run, args=(stop,), name="hq-fleet", daemon=True),
    ]
    for t in threads:
        t.start()
    ready_w.send_bytes(b"ready")
    ready_w.close()

    def count() -> None:
        while not stop.wait(COUNT_INTERVAL):
            outbox_sent.value = relay.sent
            fleet_sent.value = fleet.sent

    threading.Thread(target=count, name="hq-publisher-count", daemon=True).start()
    try:
        while True:  # the parent's wake-ups, until it closes the pipe (or is gone)
            try:
                signals = wake_r.recv_bytes()
            except (EOFError, OSError):
                break
            if OUTBOX in signals:
                relay.wake.set()
            if FLEET in signals:
                fleet.wake.set()
    finally:
        stop.set()
        relay.wake.set()
        fleet.wake.set()
        for t in threads:
            t.join(15)
        outbox_sent.value = relay.sent
        fleet_sent.value = fleet.sent
        try:
            producer.close(timeout=5)
        except Exception:  # a dead broker must not block the exit
            log.debug("producer close failed", exc_info=True)
        db.close()
