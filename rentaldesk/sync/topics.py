"""Topic names, their layout, and the kafka-python clients every sync process uses."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from ..config import KafkaSettings

log = logging.getLogger("rentaldesk.sync")

BOOKING_REQUESTS = "booking-requests"
BOOKING_EVENTS = "booking-events"
FLEET = "fleet"
NOTIFICATIONS = "notifications"
DEAD_LETTER = "dead-letter"

#: kind -> (partitions, topic configs). Booking topics are keyed by pool ("<class>|<zip>"), so one
#: pool is decided in one place, in order; 12 partitions let up to 12 head-office processes share.
LAYOUT: dict[str, tuple[int, dict[str, str]]] = {
    BOOKING_REQUESTS: (12, {}),
    BOOKING_EVENTS: (12, {}),
    FLEET: (3, {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1", "segment.ms": "600000"}),
    NOTIFICATIONS: (3, {}),
    DEAD_LETTER: (1, {}),
}


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str = "rentaldesk"

    def name(self, kind: str) -> str:
        if kind not in LAYOUT:
            raise ValueError(f"unknown topic kind {kind!r}")
        return f"{self.prefix}.{kind}"


def pool_key(vehicle_class: str, zip_code: str) -> str:
    return f"{vehicle_class}|{zip_code}"


def ensure_topics(settings: KafkaSettings, *, timeout_ms: int = 30_000) -> list[str]:
    """Create the missing topics of ``settings.topic_prefix``; the names created."""
    topics = Topics(settings.topic_prefix)
    admin = KafkaAdminClient(client_id="rentaldesk-admin", request_timeout_ms=timeout_ms, **settings.client_config())
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(name=topics.name(kind), num_partitions=parts, replication_factor=-1, topic_configs=configs)
            for kind, (parts, configs) in LAYOUT.items()
            if topics.name(kind) not in existing
        ]
        created = []
        for topic in wanted:
            try:
                admin.create_topics([topic], timeout_ms=timeout_ms)
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass  # another process was quicker
        if created:
            log.info("created topics %s", ", ".join(created))
        # Creation returns before every broker serves the new topics' metadata: wait for it, so a
        # consumer subscribing right after gets its partitions at once.
        names = {topics.name(kind) for kind in LAYOUT}
        deadline = time.monotonic() + timeout_ms / 1000
        while not names <= set(admin.list_topics()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return created
    finally:
        admin.close()


def make_producer(settings: KafkaSettings, client_id: str) -> KafkaProducer:
    """An idempotent producer (acks=all, ordered retries) that sends at once (no linger)."""
    return KafkaProducer(
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=0,
        max_block_ms=5_000,
        request_timeout_ms=10_000,
        delivery_timeout_ms=30_000,
        retry_backoff_ms=100,
        **settings.client_config(),
    )


def make_consumer(
    settings: KafkaSettings, group_id: str, client_id: str, *topics: str, assign: bool = False
) -> KafkaConsumer:
    """A consumer that commits offsets itself (in ``group_id``), after the database commit.

    By default it joins ``group_id`` and shares the topics' partitions with the other members
    (head office). With ``assign`` it takes every partition itself, with no rebalancing: a branch is
    the only reader of its group, and kafka-python 3.0 can stall a rebalance of a group subscribed
    to several just-created topics.
    """
    consumer = KafkaConsumer(
        client_id=client_id,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=100,
        max_poll_records=500,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
        metadata_max_age_ms=5_000,  # notice new partitions and topics within seconds
        **settings.client_config(),
    )
    if topics:
        # Know every partition before joining, so the first assignment already covers them all.
        partitions = all_partitions(consumer, topics)
        if assign:
            consumer.assign(partitions)
        else:
            consumer.subscribe(list(topics))
    return consumer


def all_partitions(consumer: KafkaConsumer, topics: tuple[str, ...], timeout: float = 30.0) -> list[TopicPartition]:
    """Every partition of ``topics``, waiting for their metadata."""
    deadline = time.monotonic() + timeout
    out: list[TopicPartition] = []
    for topic in topics:
        parts = consumer.partitions_for_topic(topic)
        while not parts:
            if time.monotonic() > deadline:
                raise TimeoutError(f"topic {topic} has no partitions (does it exist?)")
            time.sleep(0.1)
            parts = consumer.partitions_for_topic(topic)
        out += [TopicPartition(topic, p) for p in sorted(parts)]
    return out
