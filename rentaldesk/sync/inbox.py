"""The inbox: consume events and apply each exactly once to a database.

:class:`EventConsumer` polls a batch, applies it in ONE write transaction (each event in its own
savepoint, with its inbox row — or, when the handler has ``begin_batch``, through the handler's
batch path, which keeps each event atomic itself and writes the inbox rows in the same
transaction), commits the database, and only then commits the Kafka offsets. A crash before the
offset commit replays the batch; the inbox rows make the replay a no-op. A batch whose transaction
fails is read again (the consumer seeks back to its first records). Bytes
that are not a valid event (unknown type, unsupported version, malformed) go to the dead-letter
topic, original bytes unchanged, with the reason in a header, and the consumer goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from kafka import KafkaConsumer, KafkaProducer, OffsetAndMetadata, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from ..db import Database
from ..models import InboxEvent, table
from ..values import Changes
from .envelope import Envelope, InvalidEvent, decode
from .events import Event
from .topics import CLOSE_TIMEOUT, DEAD_LETTER, LAN_CLIENT, BrokerWatch, Topics

log = logging.getLogger("rentaldesk.sync.inbox")


class BatchFailed(Exception):
    """Writing a batch failed: the whole transaction rolls back and the batch is read again."""


class NotReady(Exception):
    """The event needs something not here yet (e.g. a car the fleet topic has not brought): the
    partition is retried from this event at the next poll."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where an event came from."""

    topic: str
    partition: int
    offset: int
    key: bytes | None


Handler = Callable[[Session, Envelope[Event], Delivery], Changes | None]


def merge(a: Changes, b: Changes | None) -> Changes:
    if not b:
        return a
    return Changes(
        reservations=a.reservations | b.reservations,
        customers=a.customers | b.customers,
        cars=a.cars | b.cars,
        drivers=a.drivers | b.drivers,
    )


#: Built once: building a statement costs several times running it (every batch, everywhere).
_APPLIED = select(InboxEvent.event_id).where(InboxEvent.event_id.in_(bindparam("ids", expanding=True)))
_INBOX_ROW = insert(table(InboxEvent))


class EventConsumer:
    """Applies the events of its topics to ``db`` through ``handler``, exactly once."""

    def __init__(
        self,
        db: Database,
        consumer: KafkaConsumer,
        handler: Handler,
        *,
        topics: Topics,
        dead_letter: KafkaProducer,
        name: str,
        on_changes: Callable[[Changes], None] | None = None,
        batched: bool = True,
        max_records: int = 500,
        watch: BrokerWatch | None = None,
    ) -> None:
        """``watch``: this loop says when its broker is lost and back."""
        self.db = db
        self.watch = watch
        self.consumer = consumer
        self.handler = handler
        self.topics = topics
        self.dead_letter = dead_letter
        self.name = name
        self.on_changes = on_changes
        #: Use the handler's batch path (``handler.begin_batch``) when it has one.
        self.batched = batched
        self.max_records = max_records
        self.applied = 0
        self.dead_lettered = 0
        self._paused = threading.Event()

    def poll_once(self, timeout_ms: int = 200) -> int:
        """Poll one batch and apply it; the number of events applied (replays not counted)."""
        batch = self.consumer.poll(timeout_ms=timeout_ms, max_records=self.max_records)
        if not batch:
            return 0
        try:
            return self._apply(batch)
        except Exception:
            # Nothing of the batch was committed: read it again from its first record (the
            # consumer's position moved past it; without the seek the batch would be skipped).
            for tp, records in batch.items():
                if records:
                    try:
                        self.consumer.seek(tp, records[0].offset)
                    except Exception:  # the partition went to another member: it replays there
                        log.debug("%s: seek back of %s failed", self.name, tp, exc_info=True)
            raise

    def _apply(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> int:
        applied = 0
        changes = Changes()
        commit: dict[TopicPartition, OffsetAndMetadata] = {}
        retry: dict[TopicPartition, int] = {}
        now = datetime.now(timezone.utc)
        decoded: list[tuple[TopicPartition, list[tuple[ConsumerRecord, Envelope[Event] | None, str]]]] = []
        for tp, records in batch.items():
            items: list[tuple[ConsumerRecord, Envelope[Event] | None, str]] = []
            for record in records:
                try:
                    items.append((record, decode(record.value), ""))
                except InvalidEvent as exc:
                    items.append((record, None, exc.reason))
            decoded.append((tp, items))
        envelopes = [env for _, items in decoded for _, env, _ in items if env is not None]
        begin_batch = getattr(self.handler, "begin_batch", None) if self.batched else None
        with self.db.write() as s:
            seen = self._applied_already(s, [env.event_id for env in envelopes])
            group = begin_batch(s, envelopes) if begin_batch is not None else None
            for tp, items in decoded:
                for record, envelope, invalid in items:
                    where = Delivery(record.topic, record.partition, record.offset, record.key)
                    if envelope is None:
                        self._to_dead_letter(record, invalid)
                        commit[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                        continue
                    if envelope.event_id in seen:
                        log.debug("%s: replay of %s skipped", self.name, envelope.event_id)
                        commit[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                        continue
                    try:
                        if group is not None:
                            effect = group.apply(envelope, where, now)  # queues its inbox row
                        else:
                            with s.begin_nested():
                                effect = self.handler(s, envelope, where)
                                s.execute(_INBOX_ROW, {"event_id": envelope.event_id, "topic": record.topic,
                                                       "partition": record.partition, "offset": record.offset,
                                                       "applied_at": now})
                    except NotReady as exc:
                        log.info("%s: %s at %s[%d]@%d not ready (%s); retrying", self.name, envelope.type,
                                 record.topic, record.partition, record.offset, exc)
                        retry[tp] = record.offset
                        break
                    except BatchFailed:
                        raise
                    except Exception as exc:  # a bug must not stop the counter: park the event
                        log.exception("%s: applying %s %s failed", self.name, envelope.type, envelope.event_id)
                        self._to_dead_letter(record, f"handler failed: {type(exc).__name__}: {exc}")
                        commit[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                        continue
                    seen.add(envelope.event_id)
                    changes = merge(changes, effect)
                    applied += 1
                    commit[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                    log.debug("%s: applied %s %s from %s[%d]@%d", self.name, envelope.type, envelope.event_id,
                              record.topic, record.partition, record.offset)
            if group is not None:
                group.finish()
        self.applied += applied
        if changes and self.on_changes:
            # Committed in the database: tell the screens now, not after the broker round trip of
            # the offset commit below.
            self.on_changes(changes)
        if self.dead_lettered:
            self.dead_letter.flush(timeout=10)
        for tp, offset in retry.items():
            self.consumer.seek(tp, offset)
        if commit:
            try:
                # Bounded: kafka-python retries a commit forever while the coordinator is away.
                self.consumer.commit(commit, timeout_ms=LAN_CLIENT["request_timeout_ms"])
            except (CommitFailedError, KafkaError) as exc:
                # The group moved the partitions on: the next owner replays, and the inbox skips.
                log.warning("%s: offset commit failed (%s); the events will be replayed and skipped", self.name, exc)
        return applied

    @staticmethod
    def _applied_already(s: Session, event_ids: list[str]) -> set[str]:
        """The event ids of the batch that have an inbox row (one query per 500 ids)."""
        seen: set[str] = set()
        ids = list(dict.fromkeys(event_ids))
        for i in range(0, len(ids), 500):
            seen.update(s.scalars(_APPLIED, {"ids": ids[i:i + 500]}))
        return seen

    def _to_dead_letter(self, record: ConsumerRecord, reason: str) -> None:
        log.warning("%s: %s[%d]@%d to dead-letter: %s", self.name, record.topic, record.partition,
                    record.offset, reason)
        headers = [
            ("reason", reason.encode("utf-8")),
            ("topic", record.topic.encode()),
            ("partition", str(record.partition).encode()),
            ("offset", str(record.offset).encode()),
            ("consumer", self.name.encode()),
        ]
        self.dead_letter.send(self.topics.name(DEAD_LETTER), key=record.key, value=record.value or b"",
                              headers=headers)
        self.dead_lettered += 1

    def pause(self) -> None:
        """Stop applying events, staying in the group with the partitions assigned (an operator
        holding head office's decisions, a benchmark queueing a backlog); :meth:`resume` goes on
        from where it stopped. Takes effect at the loop's next poll (the Kafka client is used by
        the loop's thread only)."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def _follow_pause(self) -> None:
        if self._paused.is_set():
            self.consumer.pause(*self.consumer.assignment())  # again after a rebalance, too
        elif self.consumer.paused():
            self.consumer.resume(*self.consumer.paused())

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._follow_pause()
                self.poll_once()
                if self.watch is not None:
                    self.watch.check()
            except Exception:
                if self.watch is not None and self.watch.up is False:
                    log.debug("%s: poll failed while the broker is away; retrying", self.name, exc_info=True)
                else:
                    log.exception("%s: poll failed; retrying", self.name)
                stop.wait(1.0)

    def close(self) -> None:
        try:
            self.consumer.close(autocommit=False, timeout_ms=int(CLOSE_TIMEOUT * 1000))
        except Exception:  # closing a consumer of a dead broker may raise; nothing is lost
            log.debug("%s: close failed", self.name, exc_info=True)
