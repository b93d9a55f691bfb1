#!/usr/bin/env python
"""Benchmark of the charge calculator (issue 11): ``charges.quote`` and ``charges.settle`` per rental,
beside the old rule (started days x day rate + driver, as ``rules.price`` was before issue 11) in the
same run. Target: <= 1 ms a rental.

Rentals: random pick-ups over a year, 1 hour to 90 days long (most 1-14 days), on three plans: a
class's day rate alone, the sample SFO SUV plan (weeks, months, a summer season, two taxes), and
the same with two extras and a driver. ``settle`` returns each one between 3 days early and 2 days
late, with distance over the allowance and fuel missing. Tests never assert times; this prints them.

    .venv/bin/python bench/bench_charges.py              # 20,000 rentals
    .venv/bin/python bench/bench_charges.py --rentals 2000
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rentaldesk.charges import ExtraChoice, Usage, quote, settle  # noqa: E402
from rentaldesk.rates import RatePlan, Season, Tax, class_day_rate_plan  # noqa: E402

DAY = timedelta(days=1)


def old_price(start: datetime, end: datetime, day_rate: Decimal, driver_day_rate: Decimal | None = None) -> Decimal:
    """The rule before issue 11 (rules.price at fd11254), copied here as the baseline only."""
    days = max(1, math.ceil((end - start) / DAY))
    total = Decimal(days) * Decimal(day_rate)
    if driver_day_rate is not None:
        total += Decimal(days) * Decimal(driver_day_rate)
    return total.quantize(Decimal("0.01"))


SFO_SUV = RatePlan(
    vehicle_class="SUV", zip_code="94128", currency="USD", day_rate=Decimal("85.00"), week_rate=Decimal("489.00"),
    month_rate=Decimal("1590.00"), hour_rate=Decimal("28.00"),
    seasons=(Season(date(2027, 6, 15), date(2027, 9, 6), Decimal("109.00"), Decimal("629.00")),),
    included_distance_per_day=250, extra_distance_price=Decimal("0.45"), fuel_eighth_price=Decimal("14.00"),
    deposit=Decimal("350.00"), time_zone="America/Los_Angeles",
    taxes=(Tax("sales", "Sales tax", Decimal("0.08625")),
           Tax("airport", "Airport concession fee", Decimal("0.111"), "time,extra-hours,late", "up")))
EXTRAS = (ExtraChoice("gps", "GPS", "day", Decimal("12.00"), Decimal("60.00")),
          ExtraChoice("cdw", "Collision damage waiver", "day", Decimal("24.00"), None))


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1e3  # noqa: E731
    return (f"mean {statistics.fmean(samples) * 1e3:7.3f} ms   median {statistics.median(samples) * 1e3:7.3f} ms   "
            f"p90 {p(0.9):7.3f} ms   p99 {p(0.99):7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rentals", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = datetime(2027, 1, 1, tzinfo=timezone.utc)
    rentals = []
    for _ in range(args.rentals):
        start = base + timedelta(minutes=rng.randrange(365 * 24 * 60))
        minutes = rng.choice([rng.randrange(60, 14 * 24 * 60), rng.randrange(60, 90 * 24 * 60)])
        rentals.append((start, start + timedelta(minutes=minutes), rng.randrange(-3 * 24 * 60, 2 * 24 * 60)))
    plain = class_day_rate_plan("SUV", "02108", Decimal("79.00"))
    cases = [("class day rate alone", plain, (), None), ("SFO SUV plan", SFO_SUV, (), None),
             ("SFO SUV, 2 extras + driver", SFO_SUV, EXTRAS, Decimal("80.00"))]
    print(f"{args.rentals:,} rentals, 1 hour to 90 days; Python {sys.version.split()[0]}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print()
    timed: list[float] = []
    for start, end, _ in rentals:
        t = time.perf_counter()
        old_price(start, end, Decimal("79.00"), None)
        timed.append(time.perf_counter() - t)
    print(f"{'baseline: the old rules.price':34} {percentiles(timed)}")
    for name, plan, extras, driver in cases:
        quotes: list[float] = []
        settles: list[float] = []
        for start, end, back in rentals:
            returned = max(start + timedelta(minutes=30), end + timedelta(minutes=back))
            usage = Usage(start, returned, start, end, rng.randrange(0, 400 * 90), 8, rng.randrange(0, 9),
                          Decimal(0), extras, None, driver)
            t = time.perf_counter()
            q = quote(plan, start, end, extras=extras, driver_day_rate=driver)
            quotes.append(time.perf_counter() - t)
            t = time.perf_counter()
            settle(plan, usage)
            settles.append(time.perf_counter() - t)
            if plan is plain and not extras:
                assert q.total == old_price(start, end, Decimal("79.00")), (start, end)
        print(f"{'quote:  ' + name:34} {percentiles(quotes)}")
        print(f"{'settle: ' + name:34} {percentiles(settles)}")
    print()
    print("quote on the class day rate alone equals the old rule on every rental (checked above)")


if __name__ == "__main__":
    main()
