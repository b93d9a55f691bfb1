#!/usr/bin/env python
"""Benchmark of the day's manifest (issue 11): ``rentaldesk.manifest.day_manifest`` of a branch with
500 movements a day (250 pick-ups and 250 returns), beside a baseline in the same run. Target:
<= 100 ms.

The baseline is what the desk read for a day before the manifest: the reservations screen's "today"
(``rentaldesk.queries.find_reservations`` with ``zip_code`` and ``touching`` the day: one query of
the day's pick-ups and returns, the values the screen shows).

The database (a temporary SQLite file, schema from the migrations): three branches, each with
``--movements`` a day over ``--days`` days of history and as many ahead (rentals of 1 to 4 days,
so every day has its pick-ups and its returns), their cars, one customer per rental. At the branch
measured, "now" is the middle of the day of the manifest: the day's earlier pick-ups are on rent
(a few of them days late: overdue), its earlier returns are back, a tenth of the pick-ups due more
than 2 hours ago never came (no-show candidates), and some were marked no-show. Rows are
bulk-inserted (``insert_many``, the composition of ``new_reservation_row``), not booked through
the engine: the manifest only reads.

    .venv/bin/python bench/bench_manifest.py                 # 500 movements a day, 30 days each way
    .venv/bin/python bench/bench_manifest.py --movements 2000 --repeat 50

Tests never assert times; this prints them (medians and p90 of ``--repeat`` runs, milliseconds).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rentaldesk import manifest, queries  # noqa: E402
from rentaldesk.db import insert_many, open_database, sqlite_url  # noqa: E402
from rentaldesk.display import day_bounds  # noqa: E402
from rentaldesk.models import Branch, Car, Customer, VehicleClass, table  # noqa: E402
from rentaldesk.models import Reservation as ReservationRow  # noqa: E402
from rentaldesk.rates import class_day_rate_plan  # noqa: E402
from rentaldesk.reservations import new_reservation_row  # noqa: E402

ZONE = ZoneInfo("America/New_York")
DAY = date(2030, 3, 5)
ZIPS = ("10001", "02108", "60666")
CLASSES = ("ECONOMY", "COMPACT", "SUV", "VAN")


def build(path: Path, movements: int, days: int, seed: int) -> tuple[datetime, int]:
    """The database; "now" at the branch measured, and its number of reservations."""
    rng = random.Random(seed)
    db = open_database(sqlite_url(path))
    lo, _ = day_bounds(DAY, ZONE)
    now = lo + timedelta(hours=13)  # 13:00 in New York
    rentals_a_day = movements // 2
    total = 0
    with db.write() as s:
        for code in CLASSES:
            s.add(VehicleClass(code=code, name=code.title(), day_rate=Decimal("60.00")))
        for i, zip_code in enumerate(ZIPS):
            s.add(Branch(code=f"B{i}", name=f"Branch {zip_code}", zip_code=zip_code, time_zone=ZONE.key,
                         lead_time_minutes=120, min_rental_minutes=60, turnaround_minutes=0))
        s.flush()
        plans = {(c, z): class_day_rate_plan(c, z, Decimal("60.00"), time_zone=ZONE.key).to_json()
                 for c in CLASSES for z in ZIPS}
        cars: dict[str, list[tuple[int, str]]] = {}
        plate = 0
        for zip_code in ZIPS:
            # enough cars for every rental on rent at once (1 to 4 days: at most 4 days' pick-ups)
            rows = []
            for _ in range(rentals_a_day * 4):
                plate += 1
                rows.append({"car_id": plate, "plate_number": f"P{plate:06d}", "model": "Test", "year": 2029,
                             "color": "White", "transmission": "automatic", "cost_per_day": Decimal("60.00"),
                             "status": "available", "driver_id": None, "vehicle_class": CLASSES[plate % 4],
                             "zip_code": zip_code, "odometer": 1000})
            insert_many(s, table(Car), rows)
            cars[zip_code] = [(r["car_id"], r["vehicle_class"]) for r in rows]
        customers, reservations = [], []
        for zip_code in ZIPS:
            for d in range(-days, days + 1):
                day_lo, _ = day_bounds(DAY + timedelta(days=d), ZONE)
                for _ in range(rentals_a_day):
                    start = day_lo + timedelta(minutes=rng.randrange(6 * 60, 22 * 60))
                    end = start + timedelta(days=rng.randrange(1, 5), minutes=rng.randrange(-120, 120))
                    car_id, vclass = cars[zip_code][(total * 7) % len(cars[zip_code])]
                    cid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    customers.append({"id": cid, "email": f"c{total}@example.com", "name": f"Customer {total}",
                                      "phone": f"555-{total % 10000:04d}", "licence_number": "",
                                      "created_at": now - timedelta(days=days + 1)})
                    status, picked, returned = "confirmed", None, None
                    if start <= now:
                        came = rng.random() > 0.1
                        if not came:
                            status = "no-show" if rng.random() < 0.5 and start < now - timedelta(hours=2) else (
                                "expired" if end <= now else "confirmed")
                        else:
                            picked = start + timedelta(minutes=rng.randrange(-30, 30))
                            late = timedelta(days=rng.randrange(1, 3)) if rng.random() < 0.02 else timedelta(0)
                            back = end + timedelta(minutes=rng.randrange(-90, 40)) + late
                            status, returned = ("completed", back) if back <= now else ("active", None)
                    row = new_reservation_row(
                        id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), reference=f"R{total:07d}",
                        customer_id=cid, vehicle_class=vclass, zip_code=zip_code, car_id=car_id, pinned=picked is not None,
                        driver_id=None, start=start, end=end, status=status, price=Decimal("120.00"), source="B0",
                        now=now - timedelta(days=days + 1), rate_plan=plans[(vclass, zip_code)])
                    row["picked_up_at"], row["returned_at"] = picked, returned
                    if status == "no-show":
                        row["no_show_fee"] = Decimal("25.00")
                    reservations.append(dict(row))
                    total += 1
        insert_many(s, table(Customer), customers)
        insert_many(s, table(ReservationRow), reservations)
    db.close()
    return now, total


def timed(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{name:58} median {statistics.median(samples) * 1e3:7.2f} ms   p90 {p90 * 1e3:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--movements", type=int, default=500, help="pick-ups and returns a day at each branch")
    parser.add_argument("--days", type=int, default=30, help="days of history, and as many ahead")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        t = time.perf_counter()
        now, total = build(path, args.movements, args.days, args.seed)
        built = time.perf_counter() - t
        db = open_database(sqlite_url(path))
        try:
            lo, hi = day_bounds(DAY, ZONE)
            with db.session() as s:
                m = manifest.day_manifest(s, ZIPS[0], DAY, now)
            today = queries.find_reservations(db, zip_code=ZIPS[0], touching=(lo, hi))
            print(f"rentaldesk day's manifest: {total:,} reservations over {len(ZIPS)} branches "
                  f"({args.movements} movements a day each, {args.days} days each way; built in {built:.1f} s)")
            print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, SQLAlchemy "
                  f"{sqlalchemy.__version__}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(f"the manifest of {ZIPS[0]} on {DAY}: {manifest.summary(m).lower()}; "
                  f"the day's pick-ups and returns: {len(today)}")
            print()

            def the_manifest() -> None:
                with db.session() as s:
                    manifest.day_manifest(s, ZIPS[0], DAY, now)

            base = timed(lambda: queries.find_reservations(db, zip_code=ZIPS[0], touching=(lo, hi)), args.repeat)
            mine = timed(the_manifest, args.repeat)
            print(line("baseline: find_reservations(touching the day)", base))
            print(line("day_manifest (target <= 100 ms)", mine))
        finally:
            db.close()


if __name__ == "__main__":
    main()
