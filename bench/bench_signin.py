#!/usr/bin/env python
"""Benchmark of the staff sign-in (issue 13): ``rentaldesk.staff.sign_in`` p50 (target <= 300 ms),
beside a plain lookup of the account's row in the same database and run (the baseline: what a sign-in
costs without the password hash), and the Argon2id parameters of RFC 9106's second recommendation
(64 MiB, 3 passes, 4 lanes) verified in the same run, for the reason the chosen ones are lighter.

A real SQLite file with the sample fleet and 200 accounts; each sample signs a random account in at
its branch with its password (right) or a wrong one (one in five: the failed path verifies as long).
Tests never assert times; this prints them.

    .venv/bin/python bench/bench_signin.py               # 60 sign-ins
    .venv/bin/python bench/bench_signin.py --samples 20
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import select  # noqa: E402

from rentaldesk import staff  # noqa: E402
from rentaldesk.db import open_database  # noqa: E402
from rentaldesk.errors import SignInFailed  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.models import Branch, Staff  # noqa: E402


def ms(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return f"p50 {statistics.median(values) * 1000:8.2f} ms   p95 {q[94] * 1000:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--accounts", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(13)
    folder = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    db = open_database(f"sqlite:///{folder / 'branch.sqlite'}")
    load_sample_data(db)
    with db.session() as s:
        zips = list(s.scalars(select(Branch.zip_code)))
    # the accounts straight into the table (hashing 200 passwords through add_staff is not what is timed)
    password_hash = staff.HASHER.hash("counter-pass-1")
    now = datetime.now(timezone.utc)
    with db.write() as s:
        for n in range(args.accounts):
            s.add(Staff(username=f"clerk{n:03d}", name=f"Clerk {n}", role="clerk", branches=zips[n % len(zips)],
                        active=True, password_hash=password_hash, updated_at=now))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; Python {platform.python_version()}")
    print(f"Argon2id chosen: m={staff.HASHER.memory_cost} KiB, t={staff.HASHER.time_cost}, "
          f"p={staff.HASHER.parallelism}; {args.samples} samples, {args.accounts} accounts")

    lookup, signin, failed = [], [], []
    at = now
    for i in range(args.samples):
        n = rng.randrange(args.accounts)
        name, branch = f"clerk{n:03d}", zips[n % len(zips)]
        t = time.perf_counter()
        with db.session() as s:
            s.scalar(select(Staff).where(Staff.username == name))
        lookup.append(time.perf_counter() - t)
        at += timedelta(minutes=5)  # apart, so a failure's back-off never waits
        wrong = i % 5 == 4
        t = time.perf_counter()
        try:
            staff.sign_in(db, name, "not-the-pass" if wrong else "counter-pass-1", branch=branch, now=at)
        except SignInFailed:
            pass
        (failed if wrong else signin).append(time.perf_counter() - t)

    others = {}
    for label, hasher in (("RFC 9106 2nd choice (64 MiB, t=3, p=4)", PasswordHasher(time_cost=3, memory_cost=65536,
                                                                                        parallelism=4)),
                          ("OWASP 1st choice   (46 MiB, t=1, p=1)", PasswordHasher(time_cost=1, memory_cost=47104,
                                                                                        parallelism=1)),
                          ("chosen, verify only (19 MiB, t=2, p=1)", staff.HASHER)):
        hashed = hasher.hash("counter-pass-1")
        times = []
        for _ in range(max(5, args.samples // 4)):
            t = time.perf_counter()
            hasher.verify(hashed, "counter-pass-1")
            times.append(time.perf_counter() - t)
        others[label] = times

    print(f"baseline: account row lookup        {ms(lookup)}")
    print(f"sign_in, right password             {ms(signin)}")
    print(f"sign_in, wrong password             {ms(failed)}")
    for label, times in others.items():
        print(f"{label} {ms(times)}")
    print(f"target: sign-in p50 <= 300 ms: {'met' if statistics.median(signin) <= 0.3 else 'NOT met'}; "
          f"load at the end {os.getloadavg()[0]:.1f}")
    db.close()


if __name__ == "__main__":
    main()
