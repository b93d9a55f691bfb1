"""The development broker is a real Kafka: what the branch/head-office sync relies on works on it.

Topics are created explicitly (the broker does not auto-create them), with kafka-python's admin
client; every client is closed by a ``with`` block, since a client left open keeps a background
thread and sockets (unclosed sockets are warnings, hence errors here).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator

import pytest
from kafka import (
    DefaultSerializer,
    JsonSerializer,
    KafkaAdminClient,
    KafkaConsumer,
    KafkaProducer,
    TopicPartition,
)
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import InvalidRecordError

from ..kafka_fixtures import KafkaTestBroker


@pytest.fixture
def admin(kafka_broker: KafkaTestBroker) -> Iterator[KafkaAdminClient]:
    with KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap, client_id="rentaldesk-tests") as client:
        yield client


def create_topic(admin: KafkaAdminClient, name: str, partitions: int = 1, **configs: str) -> None:
    """Create a topic and wait until every partition has a leader.

    kafka-python 3 takes a dict (a list of ``NewTopic`` is deprecated there); the broker has one node,
    so the replication factor is 1.
    """
    admin.create_topics(
        {name: {"num_partitions": partitions, "replication_factor": 1, "configs": configs}},
        wait_for_metadata=True,
    )


def producer(bootstrap: str, **configs) -> KafkaProducer:
    # Serializer objects, not plain functions: kafka-python 3 warns (DeprecationWarning) on callables.
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        acks="all",
        key_serializer=DefaultSerializer(),
        value_serializer=JsonSerializer(),
        client_id="rentaldesk-tests-producer",
        **configs,
    )


def consumer(bootstrap: str, group_id: str | None, *topics: str, **configs) -> KafkaConsumer:
    return KafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        key_deserializer=DefaultSerializer(),
        value_deserializer=JsonSerializer(),
        client_id="rentaldesk-tests-consumer",
        **configs,
    )


def consume(client: KafkaConsumer, count: int, *, commit: bool = False, timeout: float = 30.0) -> list:
    """Poll until ``count`` records came (committing after each processed batch), or fail."""
    records = []
    deadline = time.monotonic() + timeout
    while len(records) < count:
        assert time.monotonic() < deadline, f"got {len(records)} of {count} records in {timeout:.0f} s"
        for batch in client.poll(timeout_ms=500).values():
            records.extend(batch)  # "processing"
        if commit and records:
            client.commit()
    return records


def test_keyed_messages_come_back_in_order_per_key(kafka_broker, admin, topic_prefix, group_id):
    topic = f"{topic_prefix}-reservations"
    create_topic(admin, topic, partitions=3)
    keys = [f"BOS-{n}" for n in range(10)]

    with producer(kafka_broker.bootstrap, linger_ms=5) as prod:
        futures = [prod.send(topic, key=keys[i % 10], value={"key": keys[i % 10], "seq": i}) for i in range(100)]
        prod.flush()
        sent = [f.get(timeout=10) for f in futures]
    partition_of_key = defaultdict(set)
    for i, meta in enumerate(sent):
        partition_of_key[keys[i % 10]].add(meta.partition)
    assert all(len(parts) == 1 for parts in partition_of_key.values()), "a key must stick to one partition"

    # The broker knows the producer as idempotent: a producer id and sequence numbers per partition.
    partitions = [TopicPartition(topic, p) for p in range(3)]
    states = admin.describe_producers(partitions)
    active = [s for tp in partitions for s in states[tp].active_producers]
    assert active and all(s.producer_id >= 0 for s in active)
    assert sum(s.last_sequence + 1 for s in active) == 100

    with consumer(kafka_broker.bootstrap, group_id, topic) as cons:
        records = consume(cons, 100, commit=True)
        committed = {tp: cons.committed(tp) for tp in partitions}
        ends = cons.end_offsets(partitions)
    assert len(records) == 100
    assert sorted(r.value["seq"] for r in records) == list(range(100)), "each message exactly once"
    by_key = defaultdict(list)
    for r in records:
        assert r.key == r.value["key"]
        by_key[r.key].append(r.value["seq"])
    assert by_key == {key: list(range(n, 100, 10)) for n, key in enumerate(keys)}, "order kept per key"
    assert committed == ends, "the group committed everything it processed"


def test_a_compacted_topic_can_be_created(kafka_broker, admin, topic_prefix):
    topic = f"{topic_prefix}-fleet-state"
    create_topic(admin, topic, **{"cleanup.policy": "compact", "min.compaction.lag.ms": "0"})

    configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    assert configs["topic"][topic]["cleanup.policy"]["value"] == "compact"
    with producer(kafka_broker.bootstrap) as prod:
        assert prod.send(topic, key="MA-123-XY", value={"status": "available"}).get(timeout=10).offset == 0
        assert prod.send(topic, key="MA-123-XY", value=None).get(timeout=10).offset == 1  # a tombstone
    # A compacted topic refuses records without a key. (In kafka-python 3.0 that error also leaves an
    # idempotent producer failed for good, hence one producer just for this.)
    with producer(kafka_broker.bootstrap) as prod:
        with pytest.raises(InvalidRecordError):
            prod.send(topic, value={"status": "lost"}).get(timeout=10)


@pytest.mark.parametrize("graceful", [True, False], ids=["clean-restart", "crash-restart"])
def test_restart_keeps_messages_and_committed_offsets(restartable_broker, admin, topic_prefix, group_id, graceful):
    kafka_broker = restartable_broker
    topic = f"{topic_prefix}-ledger"
    create_topic(admin, topic)
    tp = TopicPartition(topic, 0)
    with producer(kafka_broker.bootstrap) as prod:
        prod.send(topic, key="R-1", value={"n": 1}).get(timeout=10)
    with consumer(kafka_broker.bootstrap, group_id, topic) as cons:
        assert [r.value for r in consume(cons, 1, commit=True)] == [{"n": 1}]
        assert cons.committed(tp) == 1
    with producer(kafka_broker.bootstrap) as prod:
        prod.send(topic, key="R-2", value={"n": 2}).get(timeout=10)  # acknowledged, not consumed yet
    admin.close()  # no client may be connected while the broker is down (see the outage test)

    kafka_broker.restart(graceful=graceful)

    with consumer(kafka_broker.bootstrap, group_id, topic) as cons:
        assert cons.committed(tp) == 1
        assert [r.value for r in consume(cons, 1, commit=True)] == [{"n": 2}]
        assert cons.committed(tp) == 2
    with consumer(kafka_broker.bootstrap, None) as reader:
        reader.assign([tp])
        reader.seek_to_beginning(tp)
        assert [r.value for r in consume(reader, 2)] == [{"n": 1}, {"n": 2}]


def test_idempotent_producer_rides_out_a_broker_outage(restartable_broker, broker_outage, admin, topic_prefix, group_id):
    kafka_broker = restartable_broker
    topic = f"{topic_prefix}-outbox"
    create_topic(admin, topic)
    admin.close()
    # Reconnect attempts back off exponentially up to reconnect_backoff_max_ms (30 s by default).
    with producer(kafka_broker.bootstrap, reconnect_backoff_max_ms=1000) as prod:
        prod.send(topic, key="R-1", value={"n": 1}).get(timeout=10)
        kafka_broker.stop()
        pending = prod.send(topic, key="R-2", value={"n": 2})  # buffered while the broker is away
        time.sleep(1)
        assert not pending.is_done
        kafka_broker.start()
        assert pending.get(timeout=30).offset == 1  # the buffered record goes out once the broker is back
    with consumer(kafka_broker.bootstrap, group_id, topic) as cons:
        assert [r.value for r in consume(cons, 2)] == [{"n": 1}, {"n": 2}]
        assert not cons.poll(timeout_ms=500), "delivered once"
