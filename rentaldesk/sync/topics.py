"""Topic names, their layout, and the kafka-python clients every sync process uses."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import AuthorizationError, KafkaError, TopicAlreadyExistsError

from ..config import KafkaSettings
from .access import BrokerAccessError, explain_failure

log = logging.getLogger("rentaldesk.sync")

BOOKING_REQUESTS = "booking-requests"
BOOKING_EVENTS = "booking-events"
FLEET = "fleet"
NOTIFICATIONS = "notifications"
DEAD_LETTER = "dead-letter"
#: Branch -> head office: the branches' audit trails (issue 13), keyed by branch.
AUDIT = "audit"

#: kind -> (partitions, topic configs). Booking topics are keyed by pool ("<class>|<zip>"), so one
#: pool is decided in one place, in order; 12 partitions let up to 12 head-office processes share.
LAYOUT: dict[str, tuple[int, dict[str, str]]] = {
    BOOKING_REQUESTS: (12, {}),
    BOOKING_EVENTS: (12, {}),
    FLEET: (3, {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1", "segment.ms": "600000"}),
    NOTIFICATIONS: (3, {}),
    DEAD_LETTER: (1, {}),
    AUDIT: (3, {}),
}


#: The two kinds of principal of a secured network (issue 13): head office, and a branch (each
#: branch its own user). kind -> (who writes it, who reads it): the one source of the ACLs
#: (:mod:`rentaldesk.sync.acls`). A branch writes its requests, and the facts of its contracts, on
#: booking-requests (``BranchOutbox``), its audit trail on audit, and what it cannot read on
#: dead-letter (its inbox); only head office writes decisions (booking-events) and the fleet. A topic added to LAYOUT must say
#: here who may use it (a test checks both tables hold the same kinds).
HEAD_OFFICE = "hq"
BRANCH = "branch"
ACCESS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    BOOKING_REQUESTS: (frozenset({BRANCH}), frozenset({HEAD_OFFICE})),
    BOOKING_EVENTS: (frozenset({HEAD_OFFICE}), frozenset({BRANCH, HEAD_OFFICE})),
    FLEET: (frozenset({HEAD_OFFICE}), frozenset({BRANCH})),
    NOTIFICATIONS: (frozenset({HEAD_OFFICE}), frozenset()),
    DEAD_LETTER: (frozenset({BRANCH, HEAD_OFFICE}), frozenset()),
    AUDIT: (frozenset({BRANCH}), frozenset({HEAD_OFFICE})),
}


def branch_group(prefix: str, branch: str) -> str:
    """The consumer group of a branch (its offsets of booking-events and fleet)."""
    return f"{prefix}-branch-{branch}"


def head_office_group(prefix: str) -> str:
    """The consumer group of head office's authority; its other groups start with it too."""
    return f"{prefix}-hq"


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str = "rentaldesk"

    def name(self, kind: str) -> str:
        if kind not in LAYOUT:
            raise ValueError(f"unknown topic kind {kind!r}")
        return f"{self.prefix}.{kind}"


def pool_key(vehicle_class: str, zip_code: str) -> str:
    return f"{vehicle_class}|{zip_code}"


def ensure_topics(settings: KafkaSettings, *, timeout_ms: int = 30_000, bootstrap_timeout_ms: int = 2_000) -> list[str]:
    """Create the missing topics of ``settings.topic_prefix``; the names created.

    Raises :class:`kafka.errors.KafkaError` (a timeout) when no broker answers within
    ``bootstrap_timeout_ms``: the caller retries, so a stop request is heard between tries; a
    broker that answers but refuses (an untrusted certificate, a refused login) raises
    :class:`~rentaldesk.sync.access.BrokerAccessError` saying which. A topic this user may not
    create (a branch, on a secured network: head office creates them) is left to head office."""
    topics = Topics(settings.topic_prefix)
    try:
        admin = KafkaAdminClient(client_id="rentaldesk-admin", **{**LAN_CLIENT, "request_timeout_ms": timeout_ms,
                                                                  "bootstrap_timeout_ms": bootstrap_timeout_ms},
                                 **settings.client_config())
    except KafkaError as exc:
        why = explain_failure(settings, exc)
        if why != (str(exc) or type(exc).__name__):
            raise BrokerAccessError(why) from None
        raise
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(name=topics.name(kind), num_partitions=parts, replication_factor=-1, topic_configs=configs)
            for kind, (parts, configs) in LAYOUT.items()
            if topics.name(kind) not in existing
        ]
        created = []
        refused = []
        for topic in wanted:
            try:
                admin.create_topics([topic], timeout_ms=timeout_ms)
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass  # another process was quicker
            except AuthorizationError:
                # a branch's user may not create topics (nor see those it does not use): head office does
                refused.append(topic.name)
        if created:
            log.info("created topics %s", ", ".join(created))
        if refused:
            log.info("not allowed to create topics %s (user '%s'): head office creates them", ", ".join(refused),
                     settings.sasl_username or "")
        # Creation returns before every broker serves the new topics' metadata: wait for it, so a
        # consumer subscribing right after gets its partitions at once.
        names = set(created)
        deadline = time.monotonic() + timeout_ms / 1000
        while not names <= set(admin.list_topics()) and time.monotonic() < deadline:
            time.sleep(0.1)
        return created
    finally:
        admin.close()


#: Client settings for a broker on the branch's LAN (one place; every client below takes them).
#: What delayed recovery after a 10 s outage by 13-39 s (measured, bench/bench_recovery.py): the
#: reconnect backoff, which doubles from 50 ms after every refused connection up to kafka-python's
#: default 30 s, so a client that had failed a dozen times waited up to 30 s more to try the
#: broker again after it was back. A decision needs four clients back (the branch's producer,
#: head office's consumer, its publisher's producer, the branch's consumer); they reconnect side
#: by side, each within its backoff, so the backoff's cap is about the recovery time: at most
#: 0.5 s (+-20 % jitter; 1 s measured 1.35 s, too close to the 2 s target on a busy machine). On a
#: LAN a refused connect costs a SYN and a RST. The rest bound how long a dead broker or
#: connection goes unnoticed, and how long a stop can wait for one:
LAN_CLIENT: dict[str, Any] = {
    "reconnect_backoff_ms": 50,
    "reconnect_backoff_max_ms": 500,
    # A request on a connection that died without a reset (the broker host gone) fails after 5 s
    # rather than 30 s, and is sent again on a new connection; the broker answers in ms on a LAN.
    "request_timeout_ms": 5_000,
    # The cluster's metadata (partition leaders, the group coordinator) is refreshed every 5 s
    # besides on every error, so a client notices a changed cluster within seconds.
    "metadata_max_age_ms": 5_000,
    "retry_backoff_ms": 100,
    # The newest protocol kafka-python knows, as a ceiling (each connection still negotiates down
    # to its broker's versions): without it every client probes the broker in its constructor,
    # which blocks up to 30 s when there is none, so nothing could start or stop meanwhile. With
    # it the clients are built at once and connect in the background.
    "api_version": (4, 1),
}


def make_producer(settings: KafkaSettings, client_id: str) -> KafkaProducer:
    """An idempotent producer (acks=all, ordered retries) that sends at once (no linger)."""
    return KafkaProducer(
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=0,
        # send() waits at most this for a topic's metadata (a broker down at start): a relay
        # stopping waits for it, and on a LAN the metadata comes in milliseconds.
        max_block_ms=1_000,
        # A record waits this long for the broker (it is sent again on every reconnect), then
        # fails and stays in the outbox for the relay's next round.
        delivery_timeout_ms=30_000,
        **LAN_CLIENT,
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
        # A head-office member that died is noticed, and its pools handed over, after 10 s;
        # heartbeats every second (and the broker's own restart) find the coordinator again.
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
        **LAN_CLIENT,
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


#: How long a client may be without a broker connection before it counts as lost (a connection
#: closed and opened again, e.g. idle, is not an outage; a reconnect takes at most the backoff).
LOST_AFTER = 1.5
#: The most a stopping process waits for a client to close: a live broker on a LAN answers the
#: last flush and the leave-group in milliseconds, a dead one never does (and head office closes
#: three clients one after the other within its 2 s).
CLOSE_TIMEOUT = 0.25


def broker_connected(client: KafkaProducer | KafkaConsumer) -> bool:
    """Whether a kafka-python client holds a live connection to a broker now. (kafka-python 3.0
    has no public call for this: its connection manager knows.)"""
    manager = getattr(client, "_manager", None) or client._metadata._manager
    return any(conn.connected for conn in list(manager._conns.values()))


def failure_level(client: KafkaProducer | KafkaConsumer) -> int:
    """The log level of a failed send or poll: a broker that is away is told once, by the loop's
    :class:`BrokerWatch` (debug here); one that is there and refuses is worth a warning each time."""
    return logging.WARNING if broker_connected(client) else logging.DEBUG


class BrokerWatch:
    """Tells, in one log line each, when a sync loop's client loses the broker and when it has it
    back (or, at start, that it cannot reach it): not a line per reconnect attempt.

    The loop calls :meth:`check` at every round; ``connected`` says whether the client holds a
    connection now (:func:`broker_connected` by default)."""

    def __init__(self, client: object, name: str, bootstrap: str, *,
                 connected: Callable[[object], bool] = broker_connected,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.name = name
        self.bootstrap = bootstrap
        self._connected = connected
        self._clock = clock
        #: None until first known: True connected, False lost (or never reached).
        self.up: bool | None = None
        self._down_since: float | None = clock()

    def check(self) -> bool:
        """Whether the client is connected; logs a change of that."""
        if self._connected(self.client):
            if self.up is False:
                log.warning("%s: the broker %s is back", self.name, self.bootstrap)
            elif self.up is None:
                log.info("%s: connected to the broker %s", self.name, self.bootstrap)
            self.up, self._down_since = True, None
            return True
        now = self._clock()
        if self._down_since is None:
            self._down_since = now
        if self.up is not False and now - self._down_since >= LOST_AFTER:
            if self.up:
                log.warning("%s: lost the broker %s; retrying", self.name, self.bootstrap)
            else:
                log.warning("%s: cannot reach the broker %s; retrying", self.name, self.bootstrap)
            self.up = False
        return False


T = TypeVar("T")


def connect_when_reachable(connect: Callable[[], T], stop: threading.Event, name: str, bootstrap: str, *,
                           retry: float = 1.0, cleanup: Callable[[], None] | None = None) -> T | None:
    """``connect()``, tried again every ``retry`` seconds while it fails (no broker yet), until
    ``stop``; its result, or None once stopped. The first failure is logged (the counter goes on
    meanwhile), the others are not, and success after one is.

    Every second, not a growing pause: on a LAN a refused connect costs nothing, and the broker
    must be found as soon as it is there. ``cleanup`` runs after each failed try."""
    told = False
    while not stop.is_set():
        try:
            result = connect()
        except Exception as exc:  # noqa: BLE001 - whatever it was, the next try tells again
            if cleanup is not None:
                cleanup()
            if not told and isinstance(exc, BrokerAccessError):
                # it answers but will not let us in: a setting to fix, said as such (once)
                log.error("%s: the broker %s refuses this process: %s; retrying every %.0f s", name, bootstrap,
                          exc, retry)
                told = True
            elif not told:
                log.warning("%s: cannot reach the broker %s (%s); retrying every %.0f s", name, bootstrap,
                            str(exc) or type(exc).__name__, retry)
                told = True
            else:
                log.debug("%s: broker still not reachable (%s)", name, exc)
            stop.wait(retry)
            continue
        if told:
            log.warning("%s: the broker %s is back", name, bootstrap)
        return result
    return None
