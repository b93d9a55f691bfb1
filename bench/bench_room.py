"""What the booking form's preview and ``rentaldesk availability`` ask the engine since issue 10:
the room for a period ("room for N more of M", and the cars one booking could go on) and, when a
pool is sold out, the ways out — beside ``is_rental_available`` (the yes/no question, the baseline)
on the same requests, in the same process, on the 1M-reservation dataset of ``bench_reservations.py``
(built there and cached in ``bench/.cache``; this bench builds it too when it is missing).

    .venv/bin/python bench/bench_room.py [--samples 300]

Each request is asked the three ways in turn (is_rental_available, room, then ways_out where room
says there is none), so all three see the same load and the same page cache.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_reservations as base  # noqa: E402

from rentaldesk import placement_exact  # noqa: E402
from rentaldesk.db import open_database, sqlite_url  # noqa: E402
from rentaldesk.migrations import head_revision  # noqa: E402
from rentaldesk.reservations import ReservationService  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    load_start = os.getloadavg()[0]
    params = base.Params(schema=head_revision() or "")  # bench_reservations.py's full-size dataset
    print("machine: " + ", ".join(f"{k} {v}" for k, v in base.machine().items()))
    path, _ = base.ensure_dataset(params, False)
    placement_exact.warm_up().join()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    pools = [tuple(r) for r in con.execute("SELECT DISTINCT zip_code, vehicle_class FROM cars ORDER BY 1, 2")]
    con.close()
    rng = random.Random(args.seed)
    requests = base.make_requests(rng, pools, ["x@example.org"], args.samples + 20, params.future_days)
    service = ReservationService(open_database(sqlite_url(path)), clock=lambda: base.NOW)
    times: dict[str, list[float]] = {"is_rental_available": [], "room": [], "ways_out (sold out)": []}
    answers = {"room for one or more": 0, "no room": 0}
    for i, r in enumerate(requests):
        pool = {"vehicle_class": r.vehicle_class, "zip_code": r.zip_code, "start": r.start, "end": r.end}
        t = time.perf_counter()
        service.is_rental_available(**pool)
        t1 = time.perf_counter()
        room = service.room(**pool)
        t2 = time.perf_counter()
        if not room.more:
            service.ways_out(**pool)
        t3 = time.perf_counter()
        if i < 20:  # warm-up
            continue
        times["is_rental_available"].append((t1 - t) * 1000)
        times["room"].append((t2 - t1) * 1000)
        answers["room for one or more" if room.more else "no room"] += 1
        if not room.more:
            times["ways_out (sold out)"].append((t3 - t2) * 1000)
    print(f"\n{'question':<24} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8}")
    for name, values in times.items():
        s = base.stats(values)
        print(f"{name:<24} {s['n']:>5} {base.fmt(s['p50']):>8} {base.fmt(s['p99']):>8} {base.fmt(s['mean']):>8} "
              f"{base.fmt(s['max']):>8}")
    print("room answers: " + ", ".join(f"{k} {v}" for k, v in answers.items()))
    print(f"load average (1 min) at start {load_start:.2f}, at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
