#!/usr/bin/env python
"""Check-out and check-in (issue 11), each from the call to its PDF on disk, beside the engine's
pick-up and return without an agreement (the baseline), in one run on one SQLite file.

Dataset: one branch with ``--cars`` SUVs (default 200) and a rate plan with a week rate, a
distance allowance, a fuel price, two taxes and a 300.00 deposit; one due reservation per car.
Half the cars are rented through the counter's path:

* check-out: ``ReservationService.check_out`` (every rule, the agreement, its number, the deposit,
  two damage marks, the pick-up: one transaction) then ``documents.agreement_pdf`` and
  ``documents.save`` (the file renamed into place);
* check-in: ``ReservationService.check_in`` (the charges settled and fixed) then the receipt PDF
  on disk.

The other half go through the baseline, ``ReservationService.pick_up`` and ``return_car`` (the
state change alone, as before issue 11). The two are interleaved call by call, so a noisy machine
loads both alike. Tests never assert times; this script only prints them.

    .venv/bin/python bench/bench_contracts.py            # 200 cars
    .venv/bin/python bench/bench_contracts.py --cars 50  # quick
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rentaldesk import documents, rates  # noqa: E402
from rentaldesk.damage import DamageMark, Zone  # noqa: E402
from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.models import Branch, Car, Customer, VehicleClass  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402
from tests.contract_helpers import check_in_value, check_out_value, plan  # noqa: E402

T0 = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def summary(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (f"{name:<44} n={len(ms):>4}  median {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms  "
            f"max {ms[-1]:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cars", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-contracts-"))
    db = open_database(f"sqlite:///{folder / 'branch.sqlite'}")
    clock = Clock()
    svc = ReservationService(db, clock=clock)
    with db.write() as s:
        s.add(Branch(code="B10001", name="Branch 10001", zip_code="10001", time_zone="America/New_York",
                     lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=0))
        s.add(VehicleClass(code="SUV", name="Suv", day_rate=Decimal("80.00")))
        s.flush()
        for i in range(args.cars):
            s.add(Car(plate_number=f"B{i:05d}", model="Bench Model", year=2025, color="White",
                      transmission="automatic", cost_per_day=Decimal("90.00"), status="available",
                      vehicle_class="SUV", zip_code="10001", odometer=1000))
        value = plan()
        rates.save_plan(s, value)
        rates.save_taxes(s, "10001", value.taxes)
    booked = []
    for i in range(args.cars):
        r = svc.create_reservation(email=f"r{i}@example.com", name=f"Renter {i}", vehicle_class="SUV",
                                   zip_code="10001", start=T0 + timedelta(days=1), end=T0 + timedelta(days=4))
        booked.append(r)
    with db.write() as s:
        for r in booked:
            c = s.get_one(Customer, r.customer_id)
            c.licence_number, c.licence_expiry, c.date_of_birth = "D1", date(2040, 1, 1), date(1980, 1, 1)
    marks = (DamageMark(Zone.LEFT_FRONT, 0.1, 0.3, "scratch"), DamageMark(Zone.BONNET, 0.5, 0.1, "chip"))
    out_dir = folder / "documents"
    clock.now = T0 + timedelta(days=1, hours=-1)

    timed: dict[str, list[float]] = {"check-out, to the agreement PDF on disk": [],
                                     "baseline: pick_up (no agreement, no PDF)": [],
                                     "check-in, to the receipt PDF on disk": [],
                                     "baseline: return_car (no charges, no PDF)": [],
                                     "of check-out: the agreement PDF alone": [],
                                     "of check-in: the receipt PDF alone": []}
    contracted, plain = booked[0::2], booked[1::2]
    views = []
    for a, b in zip(contracted, plain):
        started = time.perf_counter()
        view = svc.check_out(check_out_value(a.id, damage=marks))
        pdf_started = time.perf_counter()
        documents.save(documents.agreement_pdf(view), out_dir, documents.agreement_file_name(view))
        done = time.perf_counter()
        timed["check-out, to the agreement PDF on disk"].append(done - started)
        timed["of check-out: the agreement PDF alone"].append(done - pdf_started)
        views.append(view)
        started = time.perf_counter()
        svc.pick_up(b.id, odometer=1000)
        timed["baseline: pick_up (no agreement, no PDF)"].append(time.perf_counter() - started)
    clock.now = T0 + timedelta(days=4, hours=3)
    for view, b in zip(views, plain):
        started = time.perf_counter()
        back = svc.check_in(check_in_value(view.id, clock.now, odometer=1900, fuel_eighths=5))
        pdf_started = time.perf_counter()
        documents.save(documents.receipt_pdf(back), out_dir, documents.receipt_file_name(back))
        done = time.perf_counter()
        timed["check-in, to the receipt PDF on disk"].append(done - started)
        timed["of check-in: the receipt PDF alone"].append(done - pdf_started)
        started = time.perf_counter()
        svc.return_car(b.id, odometer=1900)
        timed["baseline: return_car (no charges, no PDF)"].append(time.perf_counter() - started)
    db.close()
    print(f"bench_contracts: {args.cars} cars, Python {platform.python_version()}, {platform.machine()}, "
          f"SQLite file in {folder}")
    for name, samples in timed.items():
        print(summary(name, samples))
    print(f"files written: {len(list(out_dir.glob('*.pdf')))} PDFs, "
          f"{sum(p.stat().st_size for p in out_dir.glob('*.pdf')) // max(1, len(views) * 2):,} bytes each on average")


if __name__ == "__main__":
    main()
