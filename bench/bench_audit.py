#!/usr/bin/env python
"""What the audit trail (issue 13 item 4) costs ``create_reservation``: p50 with and without it, in
the same run.

A fresh SQLite file (schema by the migrations) holds a fleet of ``--pools`` pools (branches x 5
classes) of ``--cars`` cars each, made through the ORM, and a forward book of ``--book`` reservations
made through the service (with the trail, as a desk makes them). Then ``--samples`` random
requests (random pool, start 2 h to 60 days ahead, 1-7 days, half of them known customers) go
through ``ReservationService.create_reservation`` one at a time, the trail switched on and off
every other call (``Database.audit_enabled``: the one hook and the explicit records stand down), so
a noisy machine loads both alike. Every call is timed, accepted or refused. Tests never assert
times; this script only prints them.

    .venv/bin/python bench/bench_audit.py                 # 2,000 samples
    .venv/bin/python bench/bench_audit.py --samples 500   # quicker
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from rentaldesk.actor import Actor, sign_in  # noqa: E402
from rentaldesk.db import open_database, sqlite_url  # noqa: E402
from rentaldesk.errors import RentalError  # noqa: E402
from rentaldesk.models import AuditEntry, Branch, Car, VehicleClass  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402

NOW = datetime(2030, 3, 4, 14, 0, tzinfo=timezone.utc)
CLASSES = (("ECON", "Economy", "45.00"), ("COMP", "Compact", "55.00"), ("MID", "Midsize", "65.00"),
           ("SUV", "SUV", "85.00"), ("VAN", "Van", "95.00"))


def build(path: Path, branches: int, cars: int) -> None:
    db = open_database(sqlite_url(path))
    with db.write() as s:
        for code, name, rate in CLASSES:
            s.add(VehicleClass(code=code, name=name, day_rate=Decimal(rate)))
        for b in range(branches):
            s.add(Branch(code=f"B{b:03d}", name=f"Branch {b}", zip_code=f"{10000 + b}", time_zone="America/New_York",
                         lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=0))
        s.flush()
        plate = 0
        for b in range(branches):
            for code, _, rate in CLASSES:
                for _ in range(cars):
                    plate += 1
                    s.add(Car(plate_number=f"B{plate:06d}", model="Bench", year=2028, color="White",
                              transmission="automatic", cost_per_day=Decimal(rate), vehicle_class=code,
                              zip_code=f"{10000 + b}", odometer=1000))
    db.close()


def request(rng: random.Random, branches: int, known: int) -> dict[str, object]:
    start = NOW + timedelta(hours=2) + timedelta(minutes=30 * rng.randrange(0, 60 * 48))
    who = rng.randrange(known) if known and rng.random() < 0.5 else rng.randrange(10**9)
    return {"email": f"c{who}@bench.example", "name": f"Customer {who}", "vehicle_class": rng.choice(CLASSES)[0],
            "zip_code": f"{10000 + rng.randrange(branches)}", "start": start,
            "end": start + timedelta(days=rng.randint(1, 7))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=10)
    parser.add_argument("--cars", type=int, default=10, help="cars per pool")
    parser.add_argument("--book", type=int, default=3000, help="reservations booked before the timed calls")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rentaldesk-bench-audit-"))
    path = work / "branch.sqlite"
    build(path, args.branches, args.cars)
    db = open_database(sqlite_url(path))
    service = ReservationService(db, clock=lambda: NOW)
    sign_in(Actor("bench.clerk", "clerk", "10000", "bench-desk"))
    rng = random.Random(args.seed)
    for i in range(args.book):
        try:
            service.create_reservation(**request(rng, args.branches, i))  # type: ignore[arg-type]
        except RentalError:
            pass
    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(args.samples):
        on = i % 2 == 0
        db.audit_enabled = on
        req = request(rng, args.branches, args.book)
        t0 = time.perf_counter()
        try:
            service.create_reservation(**req)  # type: ignore[arg-type]
        except RentalError:
            pass
        times[on].append((time.perf_counter() - t0) * 1000)
    db.audit_enabled = True
    with db.session() as s:
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
    db.close()
    with_p50, without_p50 = statistics.median(times[True]), statistics.median(times[False])
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite file {path}")
    print(f"fleet: {args.branches * len(CLASSES)} pools x {args.cars} cars; booked first: {args.book}; "
          f"audit entries at the end: {entries}")
    for label, on in (("with the audit trail", True), ("without (baseline)", False)):
        xs = sorted(times[on])
        print(f"create_reservation {label:22s} n={len(xs):5d}  p50 {statistics.median(xs):7.3f} ms  "
              f"p90 {xs[int(0.9 * len(xs))]:7.3f} ms  p99 {xs[int(0.99 * len(xs))]:7.3f} ms")
    print(f"cost of the trail on p50: {100 * (with_p50 / without_p50 - 1):+.1f} % (target <= 10 %)")


if __name__ == "__main__":
    main()
