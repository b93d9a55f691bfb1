"""The outbox: events written with the change they announce, published in order by a relay.

A writer calls :func:`add` inside its transaction. The :class:`OutboxRelay` claims unsent rows in
``seq`` order (a short transaction, so several processes sharing a database never publish the same
row at once), publishes them with the idempotent producer, waits for the broker's acks and stamps
``sent_at``. A broker that is down leaves the rows unsent; they go out, in order, once it is back.
A row published but not stamped (a crash in between) is published again with the same event id,
which every consumer skips as a replay.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from kafka import KafkaProducer
from kafka.producer.future import FutureRecordMetadata
from kafka.errors import AuthorizationError, KafkaError, KafkaTimeoutError
from sqlalchemy import Row, and_, bindparam, event, func, or_, select, update
from sqlalchemy.orm import Session

from ..db import Database
from ..models import OutboxEvent, table
from .envelope import Envelope
from .events import Event
from .topics import BrokerWatch, Topics, failure_level

log = logging.getLogger("rentaldesk.sync.outbox")

#: A claim older than this is taken over (its relay died or hangs). A claim of a relay on this host
#: whose process is gone is taken over at once.
CLAIM_LEASE = timedelta(seconds=30)
_NO_SEQ = 2**62


def add(s: Session, kind: str, key: str, envelope: Envelope[Event], *, wake: threading.Event | None = None) -> OutboxEvent:
    """Write ``envelope`` to the outbox in the caller's transaction; ``wake`` is set once it commits."""
    row = OutboxEvent(
        event_id=envelope.event_id,
        topic=kind,
        key=key,
        value=envelope.encode(),
        created_at=envelope.occurred_at,
    )
    s.add(row)
    if wake is not None:
        event.listen(s, "after_commit", lambda _s: wake.set(), once=True)
    return row


def unsent_count(db: Database) -> int:
    from sqlalchemy import func

    with db.session() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.sent_at.is_(None))) or 0


# The relay's statements, built once (building one cost several times running it; the relay runs
# them for every event a branch or head office sends).
_O = table(OutboxEvent)
_HELD = and_(_O.c.sent_at.is_(None), _O.c.claimed_by.is_not(None), _O.c.claimed_by != bindparam("me"),
             _O.c.claimed_at >= bindparam("expired"))
#: The first unsent row another relay holds (its lease not run out): nothing after it may go out
#: before it, or the topic would carry the outbox out of order (a relay that died holding rows
#: would see later rows published ahead of its own).
_FIRST_HELD = select(func.coalesce(func.min(_O.c.seq), _NO_SEQ)).where(_HELD).scalar_subquery()
_CLAIMABLE = (
    select(_O.c.seq)
    .where(_O.c.sent_at.is_(None),
           or_(_O.c.claimed_by.is_(None), _O.c.claimed_by == bindparam("me"), _O.c.claimed_at < bindparam("expired")),
           _O.c.seq < _FIRST_HELD)
    .order_by(_O.c.seq)
    .limit(bindparam("batch"))
)
_HOLDERS = select(_O.c.claimed_by).where(_HELD).distinct()
_RELEASE = (update(_O).where(_O.c.sent_at.is_(None), _O.c.claimed_by == bindparam("holder"))
            .values(claimed_by=None, claimed_at=None))
_CLAIM_RETURNING = (
    update(_O)
    .where(_O.c.seq.in_(_CLAIMABLE.scalar_subquery()))
    .values(claimed_by=bindparam("me"), claimed_at=bindparam("now"))
    .returning(_O.c.seq, _O.c.event_id, _O.c.topic, _O.c.key, _O.c.value)
)
_CLAIM = (update(_O).where(_O.c.seq.in_(bindparam("seqs", expanding=True)))
          .values(claimed_by=bindparam("me"), claimed_at=bindparam("now")))
_CLAIMED = (select(_O.c.seq, _O.c.event_id, _O.c.topic, _O.c.key, _O.c.value)
            .where(_O.c.seq.in_(bindparam("seqs", expanding=True))).order_by(_O.c.seq))
_STAMP = (update(_O).where(_O.c.seq.in_(bindparam("seqs", expanding=True)))
          .values(sent_at=bindparam("now"), claimed_by=None, claimed_at=None))


#: How often a relay waiting for the broker's ack looks whether it is asked to stop.
_ACK_SLICE = 0.1


def wait_acked(future: FutureRecordMetadata, timeout: float, stop: threading.Event | None) -> Any:
    """The record's metadata once the broker acked it; KafkaTimeoutError after ``timeout`` s or
    soon after ``stop`` (the record stays in the producer's buffer: a broker back in time still
    takes it, and the row, not stamped, is published again and skipped as a replay)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return future.get(timeout=min(_ACK_SLICE, max(0.0, deadline - time.monotonic())))
        except KafkaTimeoutError:
            if future.is_done or time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                raise


def _gone(holder: str) -> bool:
    """Whether the relay named ``holder`` (``host:pid:object``) was of a process on this host that
    no longer runs."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs, as another user
        return False
    return False


class OutboxRelay:
    """Publishes a database's outbox to Kafka, in order."""

    def __init__(
        self,
        db: Database,
        producer: KafkaProducer,
        topics: Topics,
        *,
        batch: int = 500,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        watch: BrokerWatch | None = None,
    ) -> None:
        """``watch``: this relay says when its broker is lost and back (where no other loop of the
        process does)."""
        self.db = db
        self.watch = watch
        self.producer = producer
        self.topics = topics
        self.batch = batch
        self.clock = clock
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.wake = threading.Event()
        #: Rows this relay has published and stamped.
        self.sent = 0

    def _claim(self) -> Sequence[Row[Any, Any, Any, Any, Any]]:
        """Claim up to ``batch`` unsent rows, oldest first, in one short write transaction; the
        rows (seq, event_id, topic, key, value), in ``seq`` order."""
        now = self.clock()
        params = {"me": self.name, "now": now, "expired": now - CLAIM_LEASE, "batch": self.batch}
        with self.db.write() as s:
            for holder in s.scalars(_HOLDERS, params):
                if _gone(holder):
                    s.execute(_RELEASE, {"holder": holder})
                    log.info("outbox: rows claimed by %s, whose process is gone, taken over", holder)
            if self.db.engine.dialect.update_returning:
                # One statement: claim and read (the order of RETURNING rows is not guaranteed).
                return sorted(s.execute(_CLAIM_RETURNING, params).all(), key=lambda r: int(r.seq))
            seqs = list(s.scalars(_CLAIMABLE, params))
            if not seqs:
                return []
            s.execute(_CLAIM, {"seqs": seqs, "me": self.name, "now": now})
            return s.execute(_CLAIMED, {"seqs": seqs}).all()

    def publish_pending(self, timeout: float = 10.0, stop: threading.Event | None = None) -> int:
        """Publish what is unsent, in order; the number of rows published. Stops at the first row
        the broker did not take within ``timeout`` (it stays unsent, and so does everything after
        it), and soon after ``stop`` is set."""
        total = 0
        while True:
            rows = self._claim()
            if not rows:
                return total
            futures = []
            for row in rows:
                try:
                    futures.append(
                        (row, self.producer.send(self.topics.name(row.topic), key=row.key.encode(), value=row.value))
                    )
                except KafkaError as exc:
                    self._log_failure("outbox: broker not taking events (%s); %d unsent wait", exc,
                                      len(rows) - len(futures))
                    break
            sent: list[int] = []
            failure = None
            for row, future in futures:
                try:
                    meta = wait_acked(future, timeout, stop)
                except KafkaError as exc:
                    failure = exc
                    break
                sent.append(row.seq)
                log.debug("published %s %s to %s[%d]@%d", row.event_id, row.key, meta.topic, meta.partition, meta.offset)
            if sent:
                with self.db.write() as s:
                    s.execute(_STAMP, {"seqs": sent, "now": self.clock()})
            total += len(sent)
            self.sent += len(sent)
            if failure is None and len(sent) == len(rows) and len(rows) < self.batch:
                # Drained: what commits from now on sets ``wake`` (cleared before this call), so
                # the next round starts at once; no empty claim transaction here.
                return total
            if failure is not None or len(sent) < len(rows):
                with self.db.write() as s:  # let another relay (or a later try) take the rest
                    s.execute(
                        update(OutboxEvent)
                        .where(OutboxEvent.seq.in_([r.seq for r in rows if r.seq not in set(sent)]))
                        .values(claimed_by=None, claimed_at=None)
                    )
                if failure is not None:
                    self._log_failure("outbox: publishing failed (%s); will retry", failure)
                return total

    def _log_failure(self, message: str, exc: KafkaError, *args: object) -> None:
        # A refusal by the broker's ACLs is worth saying as such (the broker will not change its mind)
        why: object = (f"the broker refused it: {type(exc).__name__} {exc}; this user's ACLs do not allow it"
                       if isinstance(exc, AuthorizationError) else exc)
        log.log(logging.ERROR if isinstance(exc, AuthorizationError) else failure_level(self.producer),
                message, why, *args)

    def run(self, stop: threading.Event, *, idle: float = 0.5, retry: float = 1.0) -> None:
        """Publish whenever woken (a local commit) or every ``idle`` seconds, until ``stop``."""
        while not stop.is_set():
            # Cleared BEFORE publishing: a commit during the round sets it again and the next
            # round starts at once (clearing after the wait could drop that wake-up).
            self.wake.clear()
            if self.watch is not None:
                self.watch.check()
            try:
                published = self.publish_pending(stop=stop)
                waiting = published == 0 and self._has_unsent()
            except Exception:
                log.exception("outbox relay failed; retrying")
                waiting = True
            self.wake.wait(retry if waiting else idle)

    def _has_unsent(self) -> bool:
        with self.db.session() as s:
            return s.scalar(select(OutboxEvent.seq).where(OutboxEvent.sent_at.is_(None)).limit(1)) is not None
