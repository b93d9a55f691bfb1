"""Head office's publishers — the outbox relay and the fleet service — in a process of their own.

Why a process: head office is one Python process per consumer-group member, and its booking
authority is CPU-bound (decode, decide, write). The relay and the fleet service are CPU-bound too
(claim, send, stamp; snapshot and compare) and, as threads, they took a third of the one
interpreter's time away from the decisions. In their own process they run on the other core; the
database (WAL SQLite or PostgreSQL) is the only thing the two share, exactly as when several
``rentaldesk hq`` processes share one database.

Nothing the two processes share may be a lock: a child killed while holding one (the OOM killer, a
``kill -9``) would leave head office blocked for good. So:

- Wake-ups are single bytes on two pipes (outbox, fleet), written without blocking by the
  authority's and the mail sender's ``after_commit`` hooks: an event leaves the moment its
  transaction commits. A full pipe already holds a wake-up of its kind.
- The child's log records come back on a pipe of their own and are handled by the parent's
  ``rentaldesk`` loggers (one log file, one console); a reader thread ends when the child does.
- The child stops when the parent closes the wake-up pipes, and so when the parent is gone,
  however it ended (a head office killed with SIGKILL leaves no orphan publishing on its own). It
  ignores Ctrl-C and SIGTERM sent to the whole process group: head office decides when it stops.
- Head office starts the child again when it dies (:meth:`PublisherProcess.ensure_running`, with a
  growing pause if it keeps dying). Nothing is lost meanwhile: what it had not stamped as sent is
  still in the outbox, and the next relay publishes it (with the same event ids, which consumers
  skip as replays).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for_any
from multiprocessing.context import SpawnProcess
from typing import Any, Protocol

from ..config import KafkaSettings

log = logging.getLogger("rentaldesk.hq.publisher")

#: How often the child refreshes the counters the parent reads.
COUNT_INTERVAL = 0.25
#: Every so many counts (1 s), the child checkpoints the WAL (its own commits also do, past 1,000 pages).
CHECKPOINT_TICKS = 4
#: Pauses before starting a child that keeps dying again: first, then doubled up to the last.
RESTART_PAUSE, RESTART_PAUSE_MAX = 1.0, 60.0


class Wake(Protocol):
    """A wake-up as those who give it see it: ``set()``. A :class:`threading.Event` for a loop of the
    same process, a :class:`_Wake` for the publisher process."""

    def set(self) -> None: ...


class _Wake:
    """The parent's side of a wake-up: ``set()`` writes a byte to the child's pipe. It never
    blocks: a full pipe already holds a wake-up, a closed one has no reader left to wake."""

    def __init__(self, publisher: PublisherProcess, kind: int) -> None:
        self._publisher = publisher
        self._kind = kind

    def set(self) -> None:
        self._publisher._send(self._kind)


class PublisherProcess:
    """The head-office publishers of ``db_url`` in a child process (``spawn``: no inherited threads)."""

    def __init__(self, db_url: str, kafka: KafkaSettings, *, client_id: str = "rentaldesk-hq-publisher") -> None:
        self._ctx = multiprocessing.get_context("spawn")
        #: Set (by the parent) after a transaction that wrote to the outbox commits.
        self.outbox_wake = _Wake(self, 0)
        #: Set (by the parent) after a transaction that changed the fleet commits.
        self.fleet_wake = _Wake(self, 1)
        # Plain shared memory, no lock: the child writes, the parent reads.
        self._outbox_sent = self._ctx.Value("q", 0, lock=False)
        self._fleet_sent = self._ctx.Value("q", 0, lock=False)
        self._db_url = db_url
        self._kafka = kafka
        self._client_id = client_id
        self._send_lock = threading.Lock()  # the wake-up ends, swapped on restart
        self._life = threading.Lock()  # start, restart and stop, one at a time
        self._process: SpawnProcess | None = None
        self._wakes: list[Connection[Any, Any]] = []
        self._ready_r: Connection[Any, Any] | None = None
        self._log_reader: threading.Thread | None = None
        self._stopped = threading.Event()
        self._pause = RESTART_PAUSE
        self._next_start = 0.0
        #: How many times the child was started again after it died.
        self.restarts = 0

    @property
    def outbox_published(self) -> int:
        """Outbox rows published since start (refreshed every quarter second)."""
        return int(self._outbox_sent.value)

    @property
    def fleet_published(self) -> int:
        """Fleet records published since start (refreshed every quarter second)."""
        return int(self._fleet_sent.value)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _send(self, kind: int) -> None:
        with self._send_lock:
            if not self._wakes:
                return
            try:
                self._wakes[kind].send_bytes(b"!")
            except (BlockingIOError, BrokenPipeError, OSError):
                pass  # a wake-up is pending already, or the child is gone (it is started again)

    def _spawn(self) -> SpawnProcess:
        ends = [self._ctx.Pipe(duplex=False) for _ in range(3)]  # outbox, fleet, logs
        ready_r, ready_w = self._ctx.Pipe(duplex=False)
        (outbox_r, outbox_w), (fleet_r, fleet_w), (logs_r, logs_w) = ends
        process = self._ctx.Process(
            target=_child_main, name=self._client_id, daemon=True,
            args=(self._db_url, self._kafka, self._client_id, outbox_r, fleet_r, ready_w, logs_w,
                  self._outbox_sent, self._fleet_sent, _forwarded_level()),
        )
        try:
            process.start()
        finally:
            # Ours are only the writing ends of the wake-ups and the reading ends of the rest.
            for end in (outbox_r, fleet_r, ready_w, logs_w):
                end.close()
        for end in (outbox_w, fleet_w):
            os.set_blocking(end.fileno(), False)
        with self._send_lock:
            self._wakes = [outbox_w, fleet_w]
        self._ready_r = ready_r
        self._process = process
        self._log_reader = threading.Thread(target=_read_logs, args=(logs_r,), name="hq-publisher-logs", daemon=True)
        self._log_reader.start()
        return process

    def start(self, timeout: float = 60.0) -> None:
        """Start the child and wait until its producer is connected."""
        with self._life:
            process = self._spawn()
            ready = self._wait_ready(timeout)
        if not ready:
            self.stop()
            code = process.exitcode
            if code is not None:
                raise RuntimeError(f"head office's publisher process exited at start (code {code}); see the log for why")
            raise TimeoutError(f"head office's publisher process was not ready after {timeout:.0f} s")
        log.info("publisher process %d running (outbox relay, fleet service)", process.pid)

    def _wait_ready(self, timeout: float) -> bool:
        """Whether the child said it is ready within ``timeout`` (False at once once stopped)."""
        deadline = time.monotonic() + timeout
        ready_r = self._ready_r
        assert ready_r is not None, "set by _spawn, which runs under the same lock"
        try:
            while not self._stopped.is_set() and time.monotonic() < deadline:
                if ready_r.poll(0.2):
                    return ready_r.recv_bytes() == b"ready"
        except (EOFError, OSError):  # the child died before it was ready
            pass
        return False

    def ensure_running(self) -> bool:
        """Start the child again if it died (not once stopped, and not sooner than the restart
        pause allows); whether it did."""
        with self._life:
            if self._stopped.is_set() or self._process is None or self._process.is_alive():
                return False
            now = time.monotonic()
            if now < self._next_start:
                return False
            self._process.join(0)
            log.error("head office's publisher process %d died (exit code %s); starting it again: "
                      "what it had not published is still in the outbox", self._process.pid, self._process.exitcode)
            self._close_wakes()
            self._join_child_and_logs(timeout=5.0)
            self.restarts += 1
            self._spawn()
            if self._wait_ready(60.0):
                self._pause = RESTART_PAUSE
            else:  # it died again at once, or hangs: wait longer before the next try
                self._next_start = time.monotonic() + self._pause
                self._pause = min(RESTART_PAUSE_MAX, self._pause * 2)
                log.error("head office's publisher process did not start (exit code %s); next try in %.0f s",
                          self._process.exitcode, self._next_start - time.monotonic())
            return True

    def request_stop(self) -> None:
        """No more restarts from now on (a start waiting for the child gives up); the child
        itself goes on publishing until :meth:`stop`."""
        self._stopped.set()

    def request_exit(self) -> None:
        """Close the wake-up pipes: the child finishes its round and exits (:meth:`stop` waits)."""
        self._stopped.set()
        with self._life:
            self._close_wakes()

    def stop(self, timeout: float = 15.0) -> None:
        """Close the wake-up pipes (the child finishes its round and exits) and wait for it."""
        self._stopped.set()
        with self._life:
            self._close_wakes()
            self._join_child_and_logs(timeout)

    def _close_wakes(self) -> None:
        with self._send_lock:
            wakes, self._wakes = self._wakes, []
        for end in wakes:
            end.close()
        if self._ready_r is not None:
            self._ready_r.close()
            self._ready_r = None

    def _join_child_and_logs(self, timeout: float) -> None:
        process = self._process
        if process is not None and process.pid is not None:
            process.join(timeout)
            if process.is_alive():
                # SIGKILL: the child ignores SIGTERM (see _child_main), and a kill loses nothing
                # (what it had not stamped as sent is published again, and skipped as a replay).
                log.warning("publisher process %d did not stop in %.1f s; killing it", process.pid, timeout)
                process.kill()
                process.join(5)
        if self._log_reader is not None:  # it ends at the end of the child's log pipe
            self._log_reader.join(5)
            self._log_reader = None


def _read_logs(logs: Any) -> None:
    """The parent's reader of one child's log records, until that child's end of the pipe closes."""
    try:
        while True:
            record = logs.recv()
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
    except Exception:  # EOF: the child is gone (a record cut short by a kill ends it too)
        pass
    finally:
        logs.close()


class _PipeHandler(logging.Handler):
    """The child's handler: each record, formatted, sent to the parent (one writer at a time)."""

    def __init__(self, conn: Any, level: int) -> None:
        super().__init__(level)
        self._conn = conn
        self._lock_send = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            copy = logging.makeLogRecord({**record.__dict__, "msg": message, "args": None, "exc_info": None,
                                          "exc_text": None})
            with self._lock_send:
                self._conn.send(copy)
        except Exception:  # the parent is gone: nobody to tell
            pass


def _forwarded_level() -> int:
    """The lowest level the parent's ``rentaldesk`` loggers would write anywhere: what the child
    sends (a debug record per event crosses the pipe only when someone reads it)."""
    ours = logging.getLogger("rentaldesk")
    effective = ours.getEffectiveLevel()
    handlers: list[logging.Handler] = []
    logger: logging.Logger | None = ours
    while logger is not None:
        handlers += logger.handlers
        logger = logger.parent if logger.propagate else None
    lowest = min((h.level or effective for h in handlers), default=logging.WARNING)
    return max(effective, lowest)


def _child_main(db_url: str, kafka: KafkaSettings, client_id: str, outbox_r: Any, fleet_r: Any, ready_w: Any,
                logs_w: Any, outbox_sent: Any, fleet_sent: Any, level: int) -> None:
    import signal
    import warnings

    # Ctrl-C in a terminal and a service manager's SIGTERM reach the whole process group; head
    # office stops this child itself (it closes the pipes), after its own last writes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # kafka-python 3.0 reads its bundled data with a deprecated importlib.resources call
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    root = logging.getLogger("rentaldesk")
    root.handlers[:] = []
    root.setLevel(level)
    root.addHandler(_PipeHandler(logs_w, level))
    root.propagate = False

    from ..db import open_database
    from ..sync.outbox import OutboxRelay
    from ..sync.topics import CLOSE_TIMEOUT, BrokerWatch, Topics, make_producer
    from .fleet_service import FleetPublisher

    try:
        db = open_database(db_url)
        producer = make_producer(kafka, client_id)
    except Exception:
        log.exception("publisher process: could not start")
        raise SystemExit(1) from None
    topics = Topics(kafka.topic_prefix)
    # The one loop of this process: it tells when the broker is lost and back.
    relay = OutboxRelay(db, producer, topics, watch=BrokerWatch(producer, "hq publisher", kafka.bootstrap))
    fleet = FleetPublisher(db, producer, topics)
    stop = threading.Event()
    threads = [
        threading.Thread(target=relay.run, args=(stop,), name="hq-relay", daemon=True),
        threading.Thread(target=fleet.run, args=(stop,), name="hq-fleet", daemon=True),
    ]
    for t in threads:
        t.start()
    # The counters are "since head office started": a restarted child goes on from them.
    outbox_base, fleet_base = outbox_sent.value, fleet_sent.value

    def count() -> None:
        outbox_sent.value = outbox_base + relay.sent
        fleet_sent.value = fleet_base + fleet.sent

    def counting() -> None:
        ticks = 0
        while not stop.wait(COUNT_INTERVAL):
            count()
            ticks += 1
            if ticks % CHECKPOINT_TICKS == 0:
                try:  # head office leaves the WAL's checkpoints to this process (Database.defer_checkpoints)
                    db.checkpoint()
                except Exception:
                    log.debug("checkpoint failed", exc_info=True)

    threading.Thread(target=counting, name="hq-publisher-count", daemon=True).start()
    ready_w.send_bytes(b"ready")
    ready_w.close()
    wakes: dict[Connection[Any, Any], threading.Event] = {outbox_r: relay.wake, fleet_r: fleet.wake}
    try:
        while True:  # the parent's wake-ups, until it closes the pipes (or is gone)
            readable = wait_for_any(list(wakes))
            for conn, wake in wakes.items():
                if conn in readable:
                    conn.recv_bytes()  # raises EOFError once the parent's end is closed
                    wake.set()
    except (EOFError, OSError):
        pass
    finally:
        stop.set()
        relay.wake.set()
        fleet.wake.set()
        deadline = time.monotonic() + 1.0  # each loop stops within a round (a bounded wait)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        count()
        try:
            producer.close(timeout=CLOSE_TIMEOUT)
        except Exception:  # a dead broker must not block the exit
            log.debug("producer close failed", exc_info=True)
        db.close()
        logs_w.close()
