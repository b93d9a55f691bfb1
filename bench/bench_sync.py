"""Sync figures against a real broker (started here unless --kafka is given).

1. Latency from a reservation committed at branch A to head office's decision visible (committed)
   in branch B's database, p50 and p99 — beside a bare kafka-python produce -> consume round trip
   on the same broker, measured in the same run. Head office runs as ``rentaldesk hq``, branch A
   in a child process and branch B in this one: three processes, as they are deployed on three
   machines (and, for comparison, all three in this process as threads, sharing one interpreter).
2. Head-office decisions per second for a burst of 10,000 requests over 100 pools — queued as a
   backlog first, then another burst decided live while it is sent — beside a bare consume of the
   same messages (no database) in the same run.

Targets: p50 <= 30 ms, p99 <= 150 ms, >= 2,000 decisions/s.

    .venv/bin/python bench/bench_sync.py [--samples 200] [--burst 10000] [--kafka HOST:PORT]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

warnings.filterwarnings("ignore", category=DeprecationWarning)

from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: tools/

from rentaldesk.config import KafkaSettings, Settings  # noqa: E402
from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.hq.service import HeadOffice  # noqa: E402
from rentaldesk.models import Branch, Car, InboxEvent, VehicleClass  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402
from rentaldesk.sync.branch import BranchOutbox, BranchSync  # noqa: E402
from tools.devbroker import DevBroker  # noqa: E402
from rentaldesk.sync.envelope import Envelope  # noqa: E402
from rentaldesk.sync.events import Customer, ReservationRequested, ReservationState  # noqa: E402
from rentaldesk.sync.topics import BOOKING_REQUESTS, Topics, ensure_topics, pool_key  # noqa: E402

CLASSES = ("ECONOMY", "COMPACT", "SUV", "VAN", "LUXURY")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bare_round_trip(bootstrap: str, samples: int) -> list[float]:
    topic = f"bench-rtt-{uuid.uuid4().hex[:8]}"
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(topic, 1, -1)])
    admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=0)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=f"g-{topic}", auto_offset_reset="latest",
                             fetch_max_wait_ms=100, enable_auto_commit=False)
    from kafka import TopicPartition

    while not consumer.partitions_for_topic(topic):
        time.sleep(0.05)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_end(tp)
    consumer.position(tp)
    out = []
    for i in range(samples):
        t0 = time.perf_counter()
        producer.send(topic, key=b"k", value=str(i).encode()).get(10)
        got = False
        while not got:
            for records in consumer.poll(timeout_ms=1000).values():
                got = got or any(r.value == str(i).encode() for r in records)
        out.append((time.perf_counter() - t0) * 1000)
    producer.close()
    consumer.close()
    return out


def _hq_process(bootstrap: str, prefix: str, root: Path, db_path: Path) -> subprocess.Popen:
    """``rentaldesk hq`` as it runs at head office: a process of its own (no mail)."""
    (root / "none.toml").write_text("")
    env = {**os.environ, "RENTALDESK_KAFKA": bootstrap, "RENTALDESK_TOPIC_PREFIX": prefix,
           "RENTALDESK_CONFIG": str(root / "none.toml"), "HOME": str(root), "PYTHONWARNINGS": "ignore"}
    log = open(root / f"hq-{prefix}.log", "ab")  # noqa: SIM115 - the child writes to it
    return subprocess.Popen([sys.executable, "-m", "rentaldesk", "--db", str(db_path), "hq", "--no-mail"],
                            env=env, stdout=log, stderr=log)


def _open_branch(code: str, path: Path, kafka: KafkaSettings) -> tuple:
    db = open_database(f"sqlite:///{path}")
    svc = ReservationService(db, link=BranchOutbox(code))
    sync = BranchSync(db, svc, kafka, code)
    sync.start()
    return db, svc, sync


def _wait_fleet(db) -> None:  # noqa: ANN001
    while True:
        with db.session() as s:
            if s.scalar(select(func.count()).select_from(Car)) == 72:
                return
        time.sleep(0.1)


def _book(svc, i: int, start: datetime):  # noqa: ANN001, ANN202
    begin = start + timedelta(days=2 * (i // 4))  # one booking per class and window: all fit
    return svc.create_reservation(email=f"lat{i}@example.com", name=f"L {i}", vehicle_class=CLASSES[i % 4],
                                  zip_code="02108", start=begin, end=begin + timedelta(days=1))


def _branch_a_process(kafka: KafkaSettings, path: Path, start: datetime, conn) -> None:  # noqa: ANN001
    """Branch A's workstation: books when told, answers (reservation id, monotonic time of commit)."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.basicConfig(level=logging.WARNING)
    db, svc, sync = _open_branch("BOS-DT", path, kafka)
    _wait_fleet(db)
    conn.send("ready")
    while (i := conn.recv()) is not None:
        r = _book(svc, i, start)
        conn.send((r.id, time.monotonic()))  # CLOCK_MONOTONIC: one clock for every process here
    sync.stop()
    db.close()


def latency(bootstrap: str, root: Path, samples: int, *, processes: bool) -> list[float]:
    """Branch A commit -> decision committed in branch B's database, in ms.

    ``processes``: each party in a process of its own, as deployed — head office as
    ``rentaldesk hq``, branch A's workstation as a child process, branch B in this one. Else all
    three in this process (threads), sharing one interpreter."""
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    kafka = KafkaSettings(bootstrap=bootstrap, topic_prefix=prefix)
    hq_path = root / f"hq-{prefix}.sqlite"
    hq_db = open_database(f"sqlite:///{hq_path}")
    load_sample_data(hq_db)
    start = (datetime.now(timezone.utc) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    a_path = root / f"BOS-DT-{prefix}.sqlite"
    if processes:
        hq_db.close()
        ensure_topics(kafka)
        hq = _hq_process(bootstrap, prefix, root, hq_path)
        ours, theirs = multiprocessing.get_context("spawn").Pipe()
        a = multiprocessing.get_context("spawn").Process(target=_branch_a_process, args=(kafka, a_path, start, theirs))
        a.start()
    else:
        hq = HeadOffice(hq_db, Settings(db_url="x", kafka=kafka), notifications=False)
        hq.start()
        a_db, a_svc, a_sync = _open_branch("BOS-DT", a_path, kafka)
    b_db, b_svc, b_sync = _open_branch("ORD-AP", root / f"ORD-AP-{prefix}.sqlite", kafka)
    _wait_fleet(b_db)
    if processes:
        assert ours.recv() == "ready"
    else:
        _wait_fleet(a_db)
    seen: dict[str, float] = {}
    arrived = threading.Condition()

    def at_b(changes) -> None:  # noqa: ANN001
        now = time.monotonic()
        with arrived:
            for rid in changes.reservations:
                seen.setdefault(rid, now)
            arrived.notify_all()

    b_svc.subscribe(at_b)
    out = []
    for i in range(samples):
        if processes:
            ours.send(i)
            rid, committed = ours.recv()
        else:
            rid, committed = _book(a_svc, i, start).id, time.monotonic()
        with arrived:
            arrived.wait_for(lambda rid=rid: rid in seen, timeout=10)
        out.append((seen[rid] - committed) * 1000)
    b_sync.stop()
    b_db.close()
    if processes:
        ours.send(None)
        a.join(30)
        hq.send_signal(signal.SIGTERM)
        hq.wait(30)
    else:
        a_sync.stop()
        a_db.close()
        hq.stop()
        hq_db.close()
    return out


def _burst_requests(bootstrap: str, topic: str, n: int, zips: list[str], first: int = 0) -> None:
    """A child process (another machine, in real life: the branches) sends ``n`` requests over
    100 pools, so the head office under test has this process's interpreter to itself."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    start = (datetime.now(timezone.utc) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    now = datetime.now(timezone.utc)
    messages = []
    for i in range(first, first + n):
        pool = i % 100
        c, z = CLASSES[pool % 5], zips[pool // 5]
        begin = start + timedelta(days=(i // 100) % 60, hours=i % 24)
        state = ReservationState(
            id=str(uuid.uuid4()), reference=f"B{i:07d}", status="pending",
            customer=Customer(email=f"c{i}@example.com", name=f"C {i}", phone=""),
            vehicle_class=c, zip_code=z, pinned=False, start=begin, end=begin + timedelta(days=2),
            price=Decimal("100.00"), version=1, source="BENCH", reason="",
        )
        env = Envelope(payload=ReservationRequested(reservation=state, requested_at=now), source="BENCH")
        messages.append((pool_key(c, z).encode(), env.encode()))
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    for key, value in messages:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


def burst(bootstrap: str, root: Path, n: int) -> tuple[float, float, float]:
    """Head-office decisions/s for bursts of ``n`` requests over 100 pools from another process
    (the branches): (a backlog, from its first decision to its last; a live burst, the same; the
    live burst from its first request sent; bare consume messages/s of all of them).

    Head office is up first (fleet published, partitions assigned, one request decided), as it is
    when branches open in the morning. The backlog is queued while head office holds its decisions
    (:meth:`EventConsumer.pause`), so the sender's CPU is not in the figure; the live burst is
    decided while it is being sent, on the same 2 cores.
    """
    prefix = f"burst{uuid.uuid4().hex[:6]}"
    kafka = KafkaSettings(bootstrap=bootstrap, topic_prefix=prefix)
    ensure_topics(kafka)
    topics = Topics(prefix)
    requests = topics.name(BOOKING_REQUESTS)
    hq_db = open_database(f"sqlite:///{root / 'hq-burst.sqlite'}")
    zips = [f"{10000 + 7 * z}" for z in range(20)]
    with hq_db.write() as s:
        for code in CLASSES:
            s.add(VehicleClass(code=code, name=code.title(), day_rate=Decimal("50")))
        for z in zips:
            s.add(Branch(code=f"B{z}", name=f"Branch {z}", zip_code=z, time_zone="UTC",
                         lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=0))
        s.flush()
        s.execute(insert(Car), [
            {"plate_number": f"P{z}{c[:2]}{k:02d}", "model": "Model", "year": 2024, "color": "White",
             "transmission": "automatic", "cost_per_day": Decimal("55"), "status": "available",
             "vehicle_class": c, "zip_code": z, "odometer": 0}
            for z in zips for c in CLASSES for k in range(40)
        ])
    fleet_records = len(CLASSES) + len(zips) + len(zips) * len(CLASSES) * 40

    hq = HeadOffice(hq_db, Settings(db_url="x", kafka=kafka), notifications=False)
    hq.start()
    warm_up = 10 * n  # references and emails of their own
    _burst_requests(bootstrap, requests, 1, zips, first=warm_up)  # decided once the group has joined

    def decided() -> int:
        with hq_db.session() as s:
            return s.scalar(select(func.count()).select_from(InboxEvent))

    while decided() < 1 or hq.fleet_published < fleet_records:
        time.sleep(0.05)
    ctx = multiprocessing.get_context("spawn")

    def first_decision_since(t: float) -> float:
        with hq_db.session() as s:
            # applied_at: the wall-clock time its batch began to be applied (after the poll returned)
            since = datetime.fromtimestamp(t, timezone.utc)
            return s.scalar(select(func.min(InboxEvent.applied_at)).where(InboxEvent.applied_at >= since)).timestamp()

    # 1. A backlog: the branches' burst is queued while head office holds its decisions, then
    #    decided at once (nothing else runs on the machine meanwhile).
    hq.decider.pause()
    time.sleep(0.5)  # the decider's loop sees the pause at its next poll (at most 0.2 s)
    sender = ctx.Process(target=_burst_requests, args=(bootstrap, requests, n, zips, 0))
    sender.start()
    sender.join()
    resumed = time.time()
    if os.environ.get("BENCH_MARK"):  # a profiler attaches now (see bench/README.md)
        Path(os.environ["BENCH_MARK"]).touch()
    hq.decider.resume()
    while hq.decider.applied < n + 1:  # an in-memory counter: no query competing with head office
        time.sleep(0.01)
    backlog = n / (time.time() - first_decision_since(resumed))

    # 2. Live: another burst decided while the branches' process is still sending it (on this
    #    2-core machine the sender competes with head office for the CPU).
    sender = ctx.Process(target=_burst_requests, args=(bootstrap, requests, n, zips, n))
    sent_from = time.time()
    sender.start()
    while hq.decider.applied < 2 * n + 1:
        time.sleep(0.01)
    finished = time.time()
    sender.join()
    live = n / (finished - first_decision_since(sent_from))
    live_from_send = n / (finished - sent_from)
    hq.stop()
    hq_db.close()

    # Baseline: consume the same messages, nothing else.
    consumer = KafkaConsumer(requests, bootstrap_servers=bootstrap, group_id=f"{prefix}-bare",
                             auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=500)
    got = 0
    t0 = None
    while got < 2 * n + 1:
        for records in consumer.poll(timeout_ms=1000).values():
            if t0 is None:
                t0 = time.perf_counter()
            got += len(records)
    bare = (2 * n + 1) / (time.perf_counter() - t0)
    consumer.close()
    return backlog, live, live_from_send, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--kafka", help="use this broker instead of starting one")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    broker = None
    if args.kafka:
        bootstrap = args.kafka
    else:
        broker = DevBroker()
        broker.start()
        bootstrap = broker.bootstrap
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            rtt = bare_round_trip(bootstrap, args.samples)
            lat = latency(bootstrap, root, args.samples, processes=True)
            lat_threads = latency(bootstrap, root, args.samples, processes=False)
            rate, rate_live, rate_cold, bare = burst(bootstrap, root, args.burst)
    finally:
        if broker is not None:
            broker.stop()
    print(f"{'figure':<52}{'p50':>10}{'p99':>10}{'mean':>10}   target")
    print(f"{'branch A commit -> decision in branch B db (ms)':<52}{pct(lat, 50):>10.1f}{pct(lat, 99):>10.1f}"
          f"{statistics.mean(lat):>10.1f}   p50<=30, p99<=150")
    print(f"{'  the same, all three in one process (threads)':<52}{pct(lat_threads, 50):>10.1f}"
          f"{pct(lat_threads, 99):>10.1f}{statistics.mean(lat_threads):>10.1f}")
    print(f"{'  baseline: bare produce -> consume round trip (ms)':<52}{pct(rtt, 50):>10.1f}{pct(rtt, 99):>10.1f}"
          f"{statistics.mean(rtt):>10.1f}")
    print(f"{'head-office decisions/s, backlog of ' + str(args.burst) + ' over 100 pools':<52}{rate:>10.0f}"
          f"{'':>20}   >=2000")
    print(f"{'  live: decided while the burst is being sent':<52}{rate_live:>10.0f}")
    print(f"{'  live, from the first request sent':<52}{rate_cold:>10.0f}")
    print(f"{'  baseline: bare consume of the same messages/s':<52}{bare:>10.0f}")


if __name__ == "__main__":
    sys.exit(main())
