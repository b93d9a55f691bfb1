"""The sync latency over TLS + SASL/SCRAM-SHA-512 with ACLs, beside plaintext, in the same run.

One broker (``DevBroker(secure=True)``, started here) serves both listeners, so both figures meet
the same broker, machine and moment: a PLAINTEXT one, and a SASL_SSL one where head office and the
branch log in as their own users with the ACLs of ``rentaldesk kafka acls --print``. Head office
(booking authority; its relay and fleet service in its publisher child process) and the branch run
in this process; each sample is a reservation committed at the branch -> head office's decision
committed back in the branch's database (the branch's service announces it). The two kinds of
round alternate (plaintext then secure, secure then plaintext, ...), each on fresh topics and
databases.

    .venv/bin/python bench/bench_sync_tls.py [--samples 100] [--rounds 2]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
import uuid
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

warnings.filterwarnings("ignore", category=DeprecationWarning)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: tools/

from kafka import KafkaAdminClient  # noqa: E402
from kafka.admin import UserScramCredentialUpsertion  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from rentaldesk.config import KafkaSettings, Settings  # noqa: E402
from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.hq.service import HeadOffice  # noqa: E402
from rentaldesk.models import Car  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402
from rentaldesk.sync.acls import acl_rules, apply_acls  # noqa: E402
from rentaldesk.sync.branch import BranchOutbox, BranchSync  # noqa: E402
from tools.devbroker import DevBroker  # noqa: E402

CLASSES = ("ECONOMY", "COMPACT", "SUV", "VAN")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _secure(broker: DevBroker, prefix: str) -> dict[str, KafkaSettings]:
    """Users 'hq' and 'branch-bos' with fresh passwords and the network's ACLs on ``prefix``."""
    admin = KafkaAdminClient(**broker.secure_client_config())
    passwords = {user: uuid.uuid4().hex for user in ("hq", "branch-bos")}
    try:
        admin.alter_user_scram_credentials([UserScramCredentialUpsertion(u, "SCRAM-SHA-512", p)
                                            for u, p in passwords.items()])
        apply_acls(admin, acl_rules(prefix, "hq", {"BOS-DT": "branch-bos"}))
    finally:
        admin.close()
    return {code: KafkaSettings(bootstrap=broker.secure_bootstrap, topic_prefix=prefix, security_protocol="SASL_SSL",
                                sasl_mechanism="SCRAM-SHA-512", sasl_username=user, sasl_password=passwords[user],
                                ssl_cafile=str(broker.ca_file))
            for code, user in (("", "hq"), ("BOS-DT", "branch-bos"))}


def round_trip(broker: DevBroker, root: Path, samples: int, *, secure: bool) -> list[float]:
    """Branch commit -> head office's decision committed at the branch, in ms, ``samples`` times."""
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    kafka = (_secure(broker, prefix) if secure else
             {code: KafkaSettings(bootstrap=broker.bootstrap, topic_prefix=prefix) for code in ("", "BOS-DT")})
    hq_db = open_database(f"sqlite:///{root / f'hq-{prefix}.sqlite'}")
    load_sample_data(hq_db)
    hq = HeadOffice(hq_db, Settings(db_url="x", kafka=kafka[""]), notifications=False)
    hq.start()
    db = open_database(f"sqlite:///{root / f'bos-{prefix}.sqlite'}")
    svc = ReservationService(db, link=BranchOutbox("BOS-DT"))
    sync = BranchSync(db, svc, kafka["BOS-DT"], "BOS-DT")
    sync.start()
    while True:  # the fleet is there: the branch has its consumer and head office its publisher
        with db.session() as s:
            if s.scalar(select(func.count()).select_from(Car)) == 72:
                break
        time.sleep(0.1)
    decided: dict[str, float] = {}
    arrived = threading.Condition()

    def on_changes(changes) -> None:  # noqa: ANN001
        now = time.monotonic()
        with arrived:
            for rid in changes.reservations:
                decided.setdefault(rid, now) if committed.get(rid) else None
            arrived.notify_all()

    committed: dict[str, float] = {}
    svc.subscribe(on_changes)
    start = (datetime.now(timezone.utc) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    out = []
    try:
        for i in range(samples):
            begin = start + timedelta(days=2 * (i // len(CLASSES)))
            r = svc.create_reservation(email=f"tls{i}@example.com", name=f"T {i}", vehicle_class=CLASSES[i % 4],
                                       zip_code="02108", start=begin, end=begin + timedelta(days=1))
            with arrived:
                committed[r.id] = time.monotonic()
                decided.pop(r.id, None)  # the local commit's own announcement is not the decision
            with arrived:
                if not arrived.wait_for(lambda rid=r.id: rid in decided, timeout=20):
                    raise RuntimeError(f"no decision for sample {i} within 20 s")
            out.append((decided[r.id] - committed[r.id]) * 1000)
    finally:
        sync.stop()
        db.close()
        hq.stop()
        hq_db.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each kind, alternating")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="rentaldesk-bench-tls-") as tmp, DevBroker(secure=True) as broker:
        for n in range(args.rounds):
            # which kind goes first alternates too: a round's place in the run must not count
            for secure in ((False, True) if n % 2 == 0 else (True, False)):
                lat = round_trip(broker, Path(tmp), args.samples, secure=secure)
                results[secure] += lat
                print(f"round {n + 1} {'SASL_SSL ' if secure else 'PLAINTEXT'}: p50 {statistics.median(lat):.1f} ms",
                      flush=True)
    print(f"{'branch commit -> decision committed at the branch':<52}{'p50':>9}{'p99':>9}{'mean':>9}  samples")
    for secure in (False, True):
        lat = results[secure]
        name = "TLS + SASL/SCRAM-SHA-512 + ACLs" if secure else "plaintext"
        print(f"  {name:<50}{pct(lat, 50):>9.1f}{pct(lat, 99):>9.1f}{statistics.mean(lat):>9.1f}  {len(lat)}")


if __name__ == "__main__":
    main()
