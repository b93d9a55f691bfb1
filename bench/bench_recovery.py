"""Recovery after a broker outage, against a real broker (started and stopped here).

Head office runs as ``rentaldesk hq`` (its publisher in its child process), a branch in a process
of its own (its sync loop and a clerk who books when told), the broker in a third: as deployed.
Each round stops the broker for ``--outage`` seconds, books a reservation at the branch during the
outage (it waits in the branch's outbox), starts the broker again and measures the time from the
broker answering again (its start returned: it serves metadata) to head office's decision being
committed in the branch's database.

Baselines measured in the same run: the same booking's commit -> decision with the broker up, and
the broker's own start (launch to answering). Target: recovery p50 <= 2 s.

Then SIGTERM -> exit of ``rentaldesk sync`` and ``rentaldesk hq`` (target <= 2 s): with nothing
listening at the broker address, with an address that drops every packet, and connected to the
broker when it goes away.

    .venv/bin/python bench/bench_recovery.py [--rounds 5] [--outage 10]
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
from pathlib import Path

warnings.filterwarnings("ignore", category=DeprecationWarning)

from sqlalchemy import func, select  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: tools/

from rentaldesk.config import KafkaSettings  # noqa: E402
from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.models import Car  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402
from rentaldesk.sync.branch import BranchOutbox, BranchSync  # noqa: E402
from tools.devbroker import DevBroker  # noqa: E402
from rentaldesk.sync.topics import ensure_topics  # noqa: E402

CLASSES = ("ECONOMY", "COMPACT", "SUV", "VAN")


def _branch_process(kafka: KafkaSettings, path: Path, log_path: Path, conn) -> None:  # noqa: ANN001
    """The branch's workstation: its sync loop, and a clerk who books reservation ``i`` when told.
    Answers (i, "booked", monotonic time of the commit) and (i, "decided", status, monotonic time
    the decision was committed here)."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.basicConfig(filename=log_path, level=logging.INFO,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.ERROR)
    db = open_database(f"sqlite:///{path}")
    svc = ReservationService(db, link=BranchOutbox("BOS-DT"))
    sync = BranchSync(db, svc, kafka, "BOS-DT")
    lock = threading.RLock()  # the service announces our own booking in the booking thread
    booked: dict[str, int] = {}

    def decided(changes) -> None:  # noqa: ANN001
        now = time.monotonic()
        with lock:
            for rid in changes.reservations & set(booked):
                status = svc.get_reservation(rid).status
                if status != "pending":
                    conn.send((booked.pop(rid), "decided", status, now))

    svc.subscribe(decided)
    sync.start()
    while True:
        with db.session() as s:
            if s.scalar(select(func.count()).select_from(Car)) == 72:
                break
        time.sleep(0.1)
    conn.send("ready")
    start = (datetime.now(timezone.utc) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    run = uuid.uuid4().hex[:6]
    while (i := conn.recv()) is not None:
        begin = start + timedelta(days=2 * (i // len(CLASSES)))
        with lock:
            r = svc.create_reservation(email=f"rec{i}-{run}@example.com", name=f"R {i}", vehicle_class=CLASSES[i % 4],
                                       zip_code="02108", start=begin, end=begin + timedelta(days=1))
            booked[r.id] = i
            conn.send((i, "booked", time.monotonic()))
    sync.stop()
    db.close()


class Branch:
    def __init__(self, kafka: KafkaSettings, root: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_branch_process,
                                   args=(kafka, root / "bos.sqlite", root / "branch.log", theirs))
        self.process.start()
        assert self.conn.recv() == "ready"
        self.next = 0

    def book(self) -> tuple[int, float]:
        i, self.next = self.next, self.next + 1
        self.conn.send(i)
        j, what, at = self.conn.recv()
        assert (j, what) == (i, "booked")
        return i, at

    def decided(self, i: int, timeout: float) -> tuple[str, float]:
        if not self.conn.poll(timeout):
            raise TimeoutError(f"no decision of booking {i} within {timeout:.0f} s")
        j, what, status, at = self.conn.recv()
        assert (j, what) == (i, "decided")
        return status, at

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(30)


def _hq_process(kafka: KafkaSettings, root: Path, db_path: Path) -> subprocess.Popen:
    (root / "none.toml").write_text("")
    env = {**os.environ, "RENTALDESK_KAFKA": kafka.bootstrap, "RENTALDESK_TOPIC_PREFIX": kafka.topic_prefix,
           "RENTALDESK_CONFIG": str(root / "none.toml"), "HOME": str(root), "PYTHONWARNINGS": "ignore"}
    out = open(root / "hq.log", "ab")  # noqa: SIM115 - the child writes to it
    return subprocess.Popen([sys.executable, "-m", "rentaldesk", "--db", str(db_path), "-v", "hq", "--no-mail"],
                            env=env, stdout=out, stderr=out)


def _command(root: Path, kafka: KafkaSettings, name: str, bootstrap: str) -> tuple[subprocess.Popen, Path]:
    """``rentaldesk sync`` (a branch of its own) or ``rentaldesk hq`` (head office's database) on
    ``bootstrap``, with its log lines (-v: from info up) in a file."""
    (root / "none.toml").write_text("")
    env = {**os.environ, "RENTALDESK_TOPIC_PREFIX": kafka.topic_prefix, "RENTALDESK_CONFIG": str(root / "none.toml"),
           "HOME": str(root), "PYTHONWARNINGS": "ignore"}
    args = ["--branch", "ORD-AP", "sync"] if name == "sync" else ["hq", "--no-mail"]
    db = root / ("hq.sqlite" if name == "hq" else f"stop-{uuid.uuid4().hex[:6]}.sqlite")
    out = root / f"stop-{name}-{uuid.uuid4().hex[:6]}.log"
    with open(out, "wb") as f:
        proc = subprocess.Popen([sys.executable, "-m", "rentaldesk", "--db", str(db), "--kafka", bootstrap, "-v", *args],
                                env=env, stdout=f, stderr=f)
    return proc, out


def _wait_line(out: Path, text: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in out.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {text!r} in {out}")
        time.sleep(0.05)


def _sigterm_to_exit(proc: subprocess.Popen) -> float:
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return float("inf")
    return time.monotonic() - sent


def stop_times(root: Path, kafka: KafkaSettings, broker: DevBroker) -> dict[str, float]:
    """SIGTERM -> exit of ``rentaldesk sync`` and ``rentaldesk hq``, in seconds: with nothing
    listening at the address, with an address that drops every packet, and connected to the
    broker when it goes away (the broker is stopped after)."""
    from tools.devbroker import free_port

    out: dict[str, float] = {}
    for where, bootstrap in (("refused", f"127.0.0.1:{free_port()}"), ("dropped", "192.0.2.1:9092")):
        for name in ("sync", "hq"):
            proc, log = _command(root, kafka, name, bootstrap)
            _wait_line(log, "cannot reach the broker")
            out[f"{name}, address {where}"] = _sigterm_to_exit(proc)
    running = {name: _command(root, kafka, name, broker.bootstrap) for name in ("sync", "hq")}
    for _proc, log in running.values():
        _wait_line(log, "connected to the broker")
    broker.stop(keep=True)
    for name, (proc, log) in running.items():
        _wait_line(log, "lost the broker")
        out[f"{name}, broker lost"] = _sigterm_to_exit(proc)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the broker is down (10)")
    parser.add_argument("--keep", type=Path, help="keep the logs and databases in this directory")
    parser.add_argument("--no-stop", action="store_true", help="leave out the SIGTERM -> exit figures")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    broker = DevBroker()
    broker.start()
    tmp = None
    if args.keep:
        root = args.keep
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        root = Path(tmp.name)
    kafka = KafkaSettings(bootstrap=broker.bootstrap, topic_prefix=f"rec{uuid.uuid4().hex[:6]}")
    hq = branch = None
    up: list[float] = []
    recovery: list[float] = []
    starts: list[float] = []
    stops: dict[str, float] = {}
    try:
        hq_path = root / "hq.sqlite"
        hq_db = open_database(f"sqlite:///{hq_path}")
        load_sample_data(hq_db)
        hq_db.close()
        ensure_topics(kafka)
        hq = _hq_process(kafka, root, hq_path)
        branch = Branch(kafka, root)
        for n in range(args.rounds):
            i, committed = branch.book()  # the broker up: the baseline
            status, at = branch.decided(i, 60)
            up.append(at - committed)
            broker.stop(keep=True)
            time.sleep(1.0)
            i, _ = branch.book()  # during the outage: waits in the outbox
            time.sleep(max(0.0, args.outage - 1.0))
            launched = time.monotonic()
            broker.start()
            back = time.monotonic()
            starts.append(back - launched)
            status, at = branch.decided(i, 120)
            recovery.append(at - back)
            print(f"round {n + 1}: broker start {back - launched:.1f} s, decision ({status}) "
                  f"{at - back:.2f} s after the broker was back", flush=True)
            time.sleep(2.0)  # let every client settle before the next outage
        branch.close()
        branch = None
        if hq is not None:
            _sigterm_to_exit(hq)
            hq = None
        if not args.no_stop:
            stops = stop_times(root, kafka, broker)
    finally:
        if branch is not None:
            branch.close()
        if hq is not None:
            _sigterm_to_exit(hq)
        broker.stop()
        if tmp is not None:
            tmp.cleanup()
    print(f"\n{'figure (s)':<58}{'p50':>8}{'max':>8}{'mean':>8}   target")
    print(f"{f'broker back -> decision in the branch db ({args.outage:.0f} s outage)':<58}"
          f"{pct(recovery, 50):>8.2f}{max(recovery):>8.2f}{statistics.mean(recovery):>8.2f}   p50<=2")
    print(f"{'  baseline: commit -> decision, broker up':<58}{pct(up, 50):>8.2f}{max(up):>8.2f}"
          f"{statistics.mean(up):>8.2f}")
    print(f"{'  baseline: the broker start (launch -> answering)':<58}{pct(starts, 50):>8.2f}"
          f"{max(starts):>8.2f}{statistics.mean(starts):>8.2f}")
    for what, seconds in stops.items():
        print(f"{'SIGTERM -> exit (s), ' + what:<58}{seconds:>8.2f}{'':>16}   <=2")


if __name__ == "__main__":
    sys.exit(main())
