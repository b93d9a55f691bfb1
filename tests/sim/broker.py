"""A simulated Kafka broker for the deterministic simulation: the fake transport, nothing more.

What the real code uses of kafka-python, and only that: a producer's ``send`` (a future whose
``get`` returns the record's metadata or raises a :class:`KafkaError`) and ``flush``; a consumer's
``poll`` / ``seek`` / ``commit``. Topics have the partitions of :data:`rentaldesk.sync.topics.LAYOUT`,
a record goes to the partition of its key, each partition is an ordered log, and each consumer
group has its committed offsets. One member per group (a branch assigns itself every partition;
head office is one process here), so a member's position starts at its group's committed offset.

Faults, all set by the scheduler (never by chance inside this module):

- the broker down: nothing is produced (``send`` raises), polls return nothing, commits fail;
- a party cut off (a network partition of one process): the same, for that party only;
- a lost ack: the record is appended but the producer hears a timeout, so the relay sends it again
  (a duplicate in the log, with the same event id);
- a rewind: a member goes back to its group's committed offset, or further back (a rebalance, an
  offset reset): records already applied are delivered again;
- a crash armed for a party: its next produce or offset commit raises :class:`SimCrash` (the
  harness restarts the party from its database).
"""

from __future__ import annotations

from types import SimpleNamespace

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from kafka import OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError, KafkaTimeoutError

from rentaldesk.sync.topics import LAYOUT, Topics
from tests.fakes import Record


class SimCrash(BaseException):
    """The process dies here. A BaseException, so no ``except Exception`` of the product code
    (which would park an event or retry) takes it for an ordinary failure."""


class BrokerUnavailable(KafkaError):
    """What a client sees while it cannot reach the broker."""


@dataclass(frozen=True, slots=True)
class Meta:
    topic: str
    partition: int
    offset: int


class Future:
    """A send's outcome, settled at once (the simulated broker acks, or not, when it is asked)."""

    is_done = True

    def __init__(self, meta: Meta | None, error: KafkaError | None) -> None:
        self._meta, self._error = meta, error

    def get(self, timeout: float | None = None) -> Meta:  # noqa: ARG002 - the kafka-python API
        if self._error is not None:
            raise self._error
        return self._meta


@dataclass
class Party:
    """A process's link to the broker: cut off or not, and the crash armed for it."""

    name: str
    cut_off: bool = False
    #: "produce-before" / "produce-after" (the record appended, the process dies before the ack)
    #: / "offset-commit", with a countdown of matching calls; None when nothing is armed.
    crash_at: str | None = None
    crash_countdown: int = 0

    def maybe_crash(self, where: str) -> None:
        if self.crash_at == where:
            self.crash_countdown -= 1
            if self.crash_countdown <= 0:
                self.crash_at = None
                raise SimCrash(f"{self.name} crashed at {where}")


@dataclass
class SimBroker:
    topics: Topics = field(default_factory=Topics)
    up: bool = True
    logs: dict[str, list[list[Record]]] = field(default_factory=dict)
    committed: dict[tuple[str, str, int], int] = field(default_factory=dict)
    #: Produces whose ack is to be lost (the record appended, the sender told it timed out).
    lose_acks: int = 0
    trace: Callable[[str], None] = lambda _line: None

    def __post_init__(self) -> None:
        for kind, (partitions, _configs) in LAYOUT.items():
            self.logs[self.topics.name(kind)] = [[] for _ in range(partitions)]

    def reachable(self, party: Party) -> bool:
        return self.up and not party.cut_off

    def partition_of(self, topic: str, key: bytes | None) -> int:
        n = len(self.logs[topic])
        return zlib.crc32(key or b"") % n

    def append(self, topic: str, key: bytes | None, value: bytes, headers: tuple = ()) -> Meta:
        p = self.partition_of(topic, key)
        log = self.logs[topic][p]
        log.append(Record(topic, p, len(log), key, value, headers))
        return Meta(topic, p, len(log) - 1)

    def end(self, topic: str, partition: int) -> int:
        return len(self.logs[topic][partition])

    def records(self, topic: str) -> list[Record]:
        return [r for log in self.logs[topic] for r in log]


class _Connections:
    """What :func:`rentaldesk.sync.topics.broker_connected` reads of a kafka-python client (its
    connection manager's connections): one connection, up while the party reaches the broker."""

    def __init__(self, broker: SimBroker, party: Party) -> None:
        self.broker, self.party = broker, party

    @property
    def _conns(self) -> dict[str, SimpleNamespace]:
        return {"sim": SimpleNamespace(connected=self.broker.reachable(self.party))}


class SimProducer:
    """A party's producer (the relay's, the fleet service's, the dead letters')."""

    def __init__(self, broker: SimBroker, party: Party) -> None:
        self.broker = broker
        self.party = party
        self._manager = _Connections(broker, party)

    def send(self, topic: str, key: bytes | None = None, value: bytes | None = None, headers: list | None = None,
             **_kwargs: object) -> Future:
        b = self.broker
        if not b.reachable(self.party):
            # kafka-python blocks for the metadata (max_block_ms), then raises
            raise KafkaTimeoutError("simulated: broker not reachable")
        self.party.maybe_crash("produce-before")
        meta = b.append(topic, key, value or b"", tuple(headers or ()))
        self.party.maybe_crash("produce-after")
        if b.lose_acks > 0:
            b.lose_acks -= 1
            b.trace(f"  broker: ack of {topic}[{meta.partition}]@{meta.offset} lost")
            return Future(None, KafkaTimeoutError("simulated: ack lost"))
        return Future(meta, None)

    def flush(self, timeout: float | None = None) -> None:
        pass

    def close(self, timeout: float | None = None) -> None:
        pass


class SimConsumer:
    """A group's only member: every partition of its topics, from the group's committed offsets."""

    def __init__(self, broker: SimBroker, party: Party, group: str, topics: list[str],
                 batch_size: Callable[[], int]) -> None:
        self.broker = broker
        self.party = party
        self._manager = _Connections(broker, party)
        self.group = group
        self.tps = [TopicPartition(t, p) for t in topics for p in range(len(broker.logs[t]))]
        self.position = {tp: broker.committed.get((group, tp.topic, tp.partition), 0) for tp in self.tps}
        #: How many records the next poll may return (the scheduler's choice).
        self.batch_size = batch_size
        self._first = 0  # the partition the next poll starts at (turns, so none starves)

    def lag(self) -> int:
        return sum(self.broker.end(tp.topic, tp.partition) - self.position[tp] for tp in self.tps)

    def uncommitted(self) -> int:
        b = self.broker
        return sum(b.end(tp.topic, tp.partition) - b.committed.get((self.group, tp.topic, tp.partition), 0)
                   for tp in self.tps)

    def poll(self, timeout_ms: int = 0, max_records: int = 500) -> dict:  # noqa: ARG002
        if not self.broker.reachable(self.party):
            return {}
        budget = min(max_records, self.batch_size())
        out: dict[TopicPartition, list[Record]] = {}
        n = len(self.tps)
        order = [self.tps[(self._first + i) % n] for i in range(n)]
        self._first = (self._first + 1) % n
        for tp in order:
            if budget <= 0:
                break
            log = self.broker.logs[tp.topic][tp.partition]
            pos = self.position[tp]
            if pos >= len(log):
                continue
            taken = log[pos:pos + budget]
            out[tp] = taken
            self.position[tp] = pos + len(taken)
            budget -= len(taken)
        return out

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.position[tp] = offset

    def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata], timeout_ms: int | None = None) -> None:
        if not self.broker.reachable(self.party):
            raise BrokerUnavailable("simulated: offset commit failed, broker not reachable")
        self.party.maybe_crash("offset-commit")
        for tp, om in offsets.items():
            self.broker.committed[(self.group, tp.topic, tp.partition)] = om.offset

    def rewind(self, back: int) -> None:
        """Go back to the committed offsets (a rebalance), and ``back`` records further."""
        for tp in self.tps:
            committed = self.broker.committed.get((self.group, tp.topic, tp.partition), 0)
            self.position[tp] = max(0, committed - back)

    def close(self, autocommit: bool = False) -> None:
        pass
