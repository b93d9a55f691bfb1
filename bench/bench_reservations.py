#!/usr/bin/env python
"""Benchmark of the reservation engine (issue 2) beside a naive full scan, in the same process.

Dataset (defaults): 50 branches (zip codes) x 5 vehicle classes = 250 pools, 5,000 cars (20 per pool),
200,000 customers, 1,000,000 reservations in an SQLite file made by ``rentaldesk.db.open_database``
(schema by the migrations) and filled with bulk inserts, not through the service. Per car the
reservations never overlap (gaps of at least the branch's turnaround, some back to back): about 80 %
history over the past two years (completed, cancelled, expired), the cars on rent right now (active,
pinned), and a forward book of about 20 % over the next six months (confirmed, some pinned to their
car, a few cancelled), full in the first weeks and thinning out, so some requests are refused or
need a re-pack.

The file is cached under ``bench/.cache/`` keyed by the parameters and the schema revision; a re-run
reuses it (``--fresh`` rebuilds). The create runs work on a copy, so the cache stays as built.

Measured, with a fixed clock at the dataset's "now":

* ``is_rental_available`` on N random requests (random pool, start 2 h to 182 days ahead, 1-7 days);
* ``create_reservation`` on N random requests (half known customers' emails, half new ones), every
  call timed whether accepted or refused (NotAvailable / DuplicateReservation);
* baselines on the same requests, fewer samples: a naive scan that reads every reservation of the
  table and counts the overlapping live ones of the pool against the pool's car count (the seed's
  approach), and a naive create (that scan, a free car, an insert, one transaction).

OR-Tools (the complete method's solver) is imported before anything is timed, with
``rentaldesk.placement_exact.warm_up()`` joined: the long-running services (``rentaldesk hq``,
``rentaldesk sync``) start that import as they start, so the engine is measured as they run it. The
desk's own first hard booking still pays the import (about half a second); this bench does not show it.

At the end one SQL query checks that no car touched by the creates holds two overlapping live
reservations (turnaround included). Tests never assert times; this script only prints them.

    .venv/bin/python bench/bench_reservations.py                         # full size
    .venv/bin/python bench/bench_reservations.py --reservations 100000   # quick
    .venv/bin/python bench/bench_reservations.py --compare-placement /tmp/base   # and main's placement beside

``--compare-engine TREE`` does the same with TREE's whole engine (its service, reads and writes).

``--compare-placement TREE`` then runs the same requests again through this checkout's placement and
TREE's (``git worktree add /tmp/base main``), one call of each in turn in this process, so a noisy
machine loads both alike.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy
from sqlalchemy import select

from rentaldesk import placement_exact
from rentaldesk.customers import get_or_create_customer
from rentaldesk.db import open_database, sqlite_url
from rentaldesk.errors import DuplicateReservation, NotAvailable
from rentaldesk.migrations import head_revision
from rentaldesk.models import LIVE_STATUSES, Branch, Car, CarStatus, ReservationStatus
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.reservations import Changes, ReservationService

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"

#: Bump when the generator changes, so cached files built by an older one are not reused.
GENERATOR_VERSION = 2

#: The dataset's "now" (the clock handed to the service). On the hour, like every generated time.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

TARGETS_MS = {"is_rental_available": 5.0, "create_reservation": 20.0}

VEHICLE_CLASSES = [  # code, name, day rate, models
    ("ECONOMY", "Economy", 39.0, ["Toyota Yaris", "Kia Rio", "Hyundai Accent"]),
    ("COMPACT", "Compact", 49.0, ["VW Golf", "Toyota Corolla", "Honda Civic"]),
    ("SUV", "SUV", 79.0, ["Toyota RAV4", "Ford Explorer", "Kia Sportage"]),
    ("VAN", "Minivan", 95.0, ["Chrysler Pacifica", "Honda Odyssey", "Kia Carnival"]),
    ("LUXURY", "Luxury", 149.0, ["BMW 5 Series", "Mercedes E-Class", "Audi A6"]),
]
TIME_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix"]
COLORS = ["White", "Black", "Silver", "Grey", "Blue", "Red"]
#: Rental length in whole days and its weight (mean about 3.2 days); a few hours may be added.
LENGTH_DAYS = [1, 2, 3, 4, 5, 6, 7]
LENGTH_WEIGHTS = [20, 22, 20, 14, 10, 7, 7]
EXTRA_HOURS = [0, 0, 0, 1, 2, 3, 4]
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

BRANCH_COLUMNS = (
    "id", "code", "name", "zip_code", "time_zone", "lead_time_minutes", "min_rental_minutes", "turnaround_minutes",
)
CAR_COLUMNS = (
    "car_id", "plate_number", "model", "year", "color", "transmission", "cost_per_day", "status", "driver_id",
    "vehicle_class", "zip_code", "odometer",
)
CUSTOMER_COLUMNS = ("id", "email", "name", "phone", "licence_number", "created_at")
RESERVATION_COLUMNS = (
    "id", "reference", "customer_id", "vehicle_class", "zip_code", "car_id", "pinned", "driver_id", "start_at",
    "end_at", "status", "price", "version", "created_at", "updated_at", "picked_up_at", "returned_at",
    "status_reason",
)


@dataclass(frozen=True)
class Params:
    cars: int = 5_000
    zips: int = 50
    reservations: int = 1_000_000
    customers: int = 200_000
    past_days: int = 730
    future_days: int = 182
    seed: int = 2
    generator: int = GENERATOR_VERSION
    schema: str = ""
    now: str = NOW.isoformat()

    def key(self) -> str:
        blob = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def path(self) -> Path:
        return CACHE / (
            f"reservations-c{self.cars}-z{self.zips}-r{self.reservations}-u{self.customers}-{self.key()}.sqlite"
        )


# -- the machine ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    mem = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        cpu = platform.processor() or cpu
    try:
        rev = subprocess.run(
            ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(HERE.parent), "status", "--porcelain", "--", "rentaldesk"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        rev += " (rentaldesk/ has uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        rev = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "code": rev,
    }


# -- the dataset ----------------------------------------------------------------------------------


class _Times:
    """Hour offsets from NOW as the strings SQLAlchemy stores for a DATETIME on SQLite (cached)."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}
        # The exact storage format, taken from the dialect rather than assumed.
        proc = sqlalchemy.DateTime().dialect_impl(_sqlite_dialect()).bind_processor(_sqlite_dialect())
        probe = datetime(2026, 1, 2, 3, 4, 5)
        self._check = proc(probe) if proc else None
        assert self._check in (None, "2026-01-02 03:04:05.000000"), self._check

    def __call__(self, hours: int) -> str:
        s = self._cache.get(hours)
        if s is None:
            s = (NOW + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S.000000")
            self._cache[hours] = s
        return s


def _sqlite_dialect():  # noqa: ANN202
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _reference(i: int) -> str:
    # i -> i*m + c mod 32**7 is a bijection (m odd, 32**7 a power of two): unique references.
    n = (i * 2_654_435_761 + 987_654_321) % (32**7)
    chars = []
    for _ in range(7):
        n, r = divmod(n, 32)
        chars.append(_CROCKFORD[r])
    return "B" + "".join(chars)  # "B" for bench: never equal to the engine's "R..." references


def _length_hours(rng: random.Random) -> int:
    return rng.choices(LENGTH_DAYS, LENGTH_WEIGHTS)[0] * 24 + rng.choice(EXTRA_HOURS)


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` as non-negative integers proportional to ``weights`` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    rest = total - sum(parts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[:rest]:
        parts[i] += 1
    return parts


def _segment(
    rng: random.Random, n: int, lo: int, hi: int, min_gap: int, taper: bool
) -> list[tuple[int, int]]:
    """``n`` non-overlapping periods (hour offsets) inside [lo, hi), gaps >= ``min_gap`` between them.

    The free time is spread over the n + 1 gaps at random; with ``taper`` the gaps grow with the
    distance from ``lo`` (a forward book: full in the first weeks, thin months ahead). About one
    inner gap in ten is the minimum (back to back).
    """
    if n <= 0:
        return []
    lengths = [_length_hours(rng) for _ in range(n)]
    while sum(lengths) + (n - 1) * min_gap > hi - lo:
        # A sold-out car: shorten a random rental by a day (never below one day) so the count holds.
        longer = [i for i, x in enumerate(lengths) if x >= 48]
        if not longer:
            raise ValueError(f"{n} rentals cannot fit in {(hi - lo) / 24:.0f} days: use fewer reservations")
        lengths[rng.choice(longer)] -= 24
    slack = (hi - lo) - sum(lengths) - (n - 1) * min_gap
    if taper:
        weights = [rng.expovariate(1.0) * (0.08 + 2.0 * (i / n) ** 2) for i in range(n + 1)]
    else:
        weights = [rng.expovariate(1.0) for _ in range(n + 1)]
    gaps = _split(slack, weights)
    for i in range(1, n):
        if rng.random() < 0.10:  # back to back: give this gap's time to the trailing one
            gaps[n] += gaps[i]
            gaps[i] = 0
    out = []
    t = lo + gaps[0]
    for i, length in enumerate(lengths):
        out.append((t, t + length))
        t += length + (gaps[i + 1] + min_gap if i + 1 < n else 0)
    return out


def build_dataset(params: Params, path: Path) -> dict[str, int]:
    """Make the SQLite file at ``path``: migrations, then bulk inserts. Returns counts by status."""
    rng = random.Random(params.seed)
    hour = _Times()
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    db = open_database(sqlite_url(tmp))  # the schema, by the migrations
    db.close()
    _log(f"schema by migrations in {time.perf_counter() - t0:.1f} s")

    # Branches, classes, cars.
    zips = sorted(f"{z:05d}" for z in rng.sample(range(1001, 99950), params.zips))
    branches = [
        (
            i + 1, f"BR{i + 1:03d}", f"Branch {z}", z, TIME_ZONES[i % len(TIME_ZONES)],
            120, 1440, 60 if i % 5 == 4 else 0,  # every fifth branch has a one-hour turnaround
        )
        for i, z in enumerate(zips)
    ]
    turnaround_h = {b[3]: b[7] // 60 for b in branches}
    pools = [(z, vc[0]) for z in zips for vc in VEHICLE_CLASSES]
    rate = {vc[0]: vc[2] for vc in VEHICLE_CLASSES}
    models = {vc[0]: vc[3] for vc in VEHICLE_CLASSES}
    pool_cars = _split(params.cars, [1.0] * len(pools))
    cars = []  # (car_id, pool index, cost per day)
    car_rows = []
    for p, (z, vc) in enumerate(pools):
        for _ in range(pool_cars[p]):
            car_id = len(cars) + 1
            cost = round(rate[vc] * rng.uniform(0.9, 1.2))
            cars.append((car_id, p, cost))
            car_rows.append(
                (
                    car_id, f"BN{car_id:05d}", rng.choice(models[vc]), rng.randint(2019, 2025),
                    rng.choice(COLORS), rng.choice(["automatic", "automatic", "manual"]), cost,
                    CarStatus.AVAILABLE.value, None, vc, z, rng.randint(1_000, 120_000),
                )
            )

    # Customers.
    t1 = time.perf_counter()
    customer_ids = [_uuid(rng) for _ in range(params.customers)]
    first = ["ana", "ben", "carla", "david", "emma", "farid", "grace", "hugo", "ines", "jon", "kim", "leo"]
    last = ["smith", "garcia", "chen", "muller", "okafor", "rossi", "novak", "silva", "kim", "brown"]
    domains = ["example.com", "example.org", "mail.example.net"]
    oldest = -params.past_days * 24
    customer_rows = []
    for i, cid in enumerate(customer_ids):
        f, surname = rng.choice(first), rng.choice(last)
        customer_rows.append(
            (
                cid, f"{f}.{surname}.{i}@{domains[i % 3]}", f"{f.title()} {surname.title()}",
                f"+1-555-{rng.randint(0, 9_999_999):07d}", f"DL{rng.randint(0, 99_999_999):08d}",
                hour(oldest - rng.randint(0, 365 * 24)),
            )
        )

    # Reservations: per car a history segment and a forward-book segment.
    pool_factor = [rng.uniform(0.85, 1.15) for _ in pools]  # busier and quieter pools
    pool_future_share = [rng.uniform(0.18, 0.22) for _ in pools]
    per_car = _split(params.reservations, [pool_factor[p] * rng.uniform(0.95, 1.05) for _, p, _ in cars])
    lo, hi = -params.past_days * 24, params.future_days * 24
    rows = []
    statuses: Counter[str] = Counter()
    n_customers = len(customer_ids)
    for (car_id, p, cost), n in zip(cars, per_car):
        z, vc = pools[p]
        gap = turnaround_h[z]
        n_future = round(n * pool_future_share[p])
        split_at = rng.randint(-24, 72)  # the history segment may run into the present: cars on rent
        periods = _segment(rng, n - n_future, lo, split_at, gap, taper=False)
        book_lo = max(split_at, periods[-1][1] + gap) if periods else split_at
        periods += _segment(rng, n_future, book_lo, hi, gap, taper=True)
        for a, b in zip(periods, periods[1:]):  # the generator's own guarantee, checked cheaply
            assert b[0] >= a[1] + gap, (car_id, a, b)
        for start, end in periods:
            days = math.ceil((end - start) / 24)
            pinned = False
            picked = returned = None
            reason = ""
            version = 1
            if end <= 0:  # history
                created = start - rng.randint(2, 60 * 24)
                r = rng.random()
                if r < 0.86:
                    status, picked, returned, updated, version = "completed", start, end, end, 3
                elif r < 0.96:
                    status, updated, version = "cancelled", rng.randint(created, start), 2
                    reason = "cancelled by the customer"
                else:
                    status, updated, version = "expired", end, 2
                    reason = "not picked up before its end"
                pinned = status == "completed"
            elif start < 0:  # on rent now
                created = start - rng.randint(2, 60 * 24)
                status, pinned, picked, updated, version = "active", True, start, start, 2
            else:  # the forward book
                created = -rng.randint(1, 90 * 24)
                updated = created
                if rng.random() < 0.05:
                    status, updated, version = "cancelled", rng.randint(created, 0), 2
                    reason = "cancelled by the customer"
                else:
                    status = "confirmed"
                    pinned = rng.random() < 0.04  # asked for that very car
            statuses[status] += 1
            customer = customer_ids[int(n_customers * rng.random() ** 1.6)]  # some come back often
            rows.append(
                (
                    _uuid(rng), None, customer, vc, z, car_id, int(pinned), None,
                    hour(start), hour(end), status, days * (cost if pinned else rate[vc]),
                    version, hour(created), hour(updated),
                    hour(picked) if picked is not None else None,
                    hour(returned) if returned is not None else None, reason,
                )
            )
    rows.sort(key=lambda r: r[13])  # insert in booking order, as a branch would have
    rows = [(r[0], _reference(i), *r[2:]) for i, r in enumerate(rows)]
    _log(f"generated {len(rows):,} reservations in {time.perf_counter() - t1:.1f} s")

    # Bulk load on a plain sqlite3 connection: no journal, secondary indexes built after the load.
    t2 = time.perf_counter()
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1000000")
    con.execute("PRAGMA temp_store = MEMORY")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reservations' AND sql IS NOT NULL"
    ).fetchall()
    con.execute("BEGIN")
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')
    # Named columns: columns a later migration adds keep their defaults.
    insert = lambda table, cols: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"  # noqa: E731
    con.executemany(insert("branches", BRANCH_COLUMNS), branches)
    con.executemany(
        insert("vehicle_classes", ("code", "name", "day_rate")), [(c, n, r) for c, n, r, _ in VEHICLE_CLASSES]
    )
    con.executemany(insert("cars", CAR_COLUMNS), car_rows)
    con.executemany(insert("customers", CUSTOMER_COLUMNS), customer_rows)
    chunk = 100_000
    for i in range(0, len(rows), chunk):
        con.executemany(insert("reservations", RESERVATION_COLUMNS), rows[i : i + chunk])
    t3 = time.perf_counter()
    for _, sql in indexes:  # the migrations' own DDL, unchanged
        con.execute(sql)
    con.execute(
        "INSERT INTO meta (key, value) VALUES ('bench_dataset', ?)", (json.dumps(asdict(params), sort_keys=True),)
    )
    con.execute("COMMIT")
    _log(f"inserted in {t3 - t2:.1f} s, indexes rebuilt in {time.perf_counter() - t3:.1f} s")
    bad = con.execute("PRAGMA foreign_key_check").fetchall()
    assert not bad, f"foreign key problems: {bad[:5]}"
    con.execute("PRAGMA journal_mode = WAL")  # what the application runs with
    con.close()
    del rows
    os.replace(tmp, path)
    return dict(statuses)


def ensure_dataset(params: Params, fresh: bool) -> tuple[Path, float | None]:
    """The cached file for ``params`` (built when missing or stale); build seconds or None if cached."""
    path = params.path()
    if path.exists() and not fresh:
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            got = con.execute("SELECT value FROM meta WHERE key = 'bench_dataset'").fetchone()
            con.close()
        except sqlite3.Error:
            got = None
        if got and json.loads(got[0]) == asdict(params):
            return path, None
        _log(f"{path.name} is not a complete dataset for these parameters: rebuilding")
    CACHE.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    t = time.perf_counter()
    statuses = build_dataset(params, path)
    elapsed = time.perf_counter() - t
    _log(f"dataset built in {elapsed:.1f} s: {dict(sorted(statuses.items()))}")
    # Files of the same size built for an older schema or generator are of no more use.
    prefix = path.name.rsplit("-", 1)[0]
    for old in CACHE.glob(f"{prefix}-*.sqlite"):
        if old != path:
            for p in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
                p.unlink(missing_ok=True)
            _log(f"removed the stale {old.name}")
    return path, elapsed


def describe_dataset(path: Path) -> dict:
    con = sqlite3.connect(path)  # read and write, so that closing it tidies the -wal and -shm files away
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    now = NOW.strftime("%Y-%m-%d %H:%M:%S.000000")
    out = {
        "file_mb": round(path.stat().st_size / 2**20),
        "branches": one("SELECT count(*) FROM branches"),
        "pools": one("SELECT count(*) FROM (SELECT DISTINCT vehicle_class, zip_code FROM cars)"),
        "cars": one("SELECT count(*) FROM cars"),
        "customers": one("SELECT count(*) FROM customers"),
        "reservations": one("SELECT count(*) FROM reservations"),
        "by_status": dict(con.execute("SELECT status, count(*) FROM reservations GROUP BY status ORDER BY 2 DESC")),
        "pinned_live": one(
            "SELECT count(*) FROM reservations WHERE pinned AND status IN ('confirmed', 'pending')"
        ),
        "first_start": one("SELECT min(start_at) FROM reservations")[:16],
        "last_end": one("SELECT max(end_at) FROM reservations")[:16],
        "now": now[:16],
    }
    con.close()
    return out


# -- requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    vehicle_class: str
    zip_code: str
    start: datetime
    end: datetime
    email: str


def make_requests(rng: random.Random, pools: list[tuple[str, str]], emails: list[str], n: int, future_days: int) -> list[Request]:
    """Random pool, start on the hour 2 h to ``future_days`` ahead, 1-7 days; half known customers."""
    out = []
    for i in range(n):
        z, vc = rng.choice(pools)
        start = NOW + timedelta(hours=rng.randint(2, future_days * 24))
        end = start + timedelta(days=rng.choices(LENGTH_DAYS, LENGTH_WEIGHTS)[0])
        email = rng.choice(emails) if rng.random() < 0.5 else f"bench.new.{i}.{rng.getrandbits(32):08x}@example.org"
        out.append(Request(vc, z, start, end, email))
    return out


# -- measuring ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (ms)."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p99": pct(values, 99),
        "mean": statistics.fmean(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


class ExactDecisions(logging.Handler):
    """Counts the questions the placement search handed to its complete method (CP-SAT), which logs
    each decision on ``rentaldesk.placement``."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0
        logger = logging.getLogger("rentaldesk.placement")
        logger.addHandler(self)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # counted, not printed

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("placement decided by CP-SAT")


class Profiler:
    """cProfile around the measured loops when --profile is given (it slows them: figures are then
    for reading the profile, not for the table)."""

    def __init__(self, enabled: bool, name: str) -> None:
        self.enabled = enabled
        self.name = name
        self.prof = cProfile.Profile() if enabled else None

    def __enter__(self) -> Profiler:
        if self.prof:
            self.prof.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.prof:
            return
        self.prof.disable()
        out = io.StringIO()
        st = pstats.Stats(self.prof, stream=out).sort_stats("cumulative")
        st.print_stats(40)
        CACHE.mkdir(parents=True, exist_ok=True)
        target = CACHE / f"profile-{self.name}.txt"
        target.write_text(out.getvalue())
        out2 = io.StringIO()
        pstats.Stats(self.prof, stream=out2).sort_stats("tottime").print_stats(15)
        print(f"\n--- profile of {self.name} (by own time; cumulative in {target}) ---")
        print("\n".join(out2.getvalue().splitlines()[:40]))


def bench_available(service: ReservationService, requests: list[Request], prof: bool) -> list[tuple[float, Request, str]]:
    """Every call timed: (ms, request, outcome) with outcome available / not available."""
    out = []
    with Profiler(prof, "is_rental_available"):
        for r in requests:
            t = time.perf_counter()
            ok = service.is_rental_available(
                vehicle_class=r.vehicle_class, zip_code=r.zip_code, start=r.start, end=r.end
            )
            outcome = "available" if ok else "not available"
            out.append(((time.perf_counter() - t) * 1000, r, outcome))
    return out


def naive_available(db, r: Request) -> bool:  # noqa: ANN001
    """The seed's way: read every reservation, count the pool's live ones overlapping the request."""
    with db.session() as s:
        n_cars = s.scalar(
            select(sqlalchemy.func.count()).select_from(Car).where(
                Car.vehicle_class == r.vehicle_class, Car.zip_code == r.zip_code, Car.status == CarStatus.AVAILABLE.value
            )
        )
        turnaround = timedelta(minutes=s.scalar(select(Branch.turnaround_minutes).where(Branch.zip_code == r.zip_code)))
        rows = s.execute(
            select(
                ReservationRow.vehicle_class, ReservationRow.zip_code, ReservationRow.status,
                ReservationRow.start_at, ReservationRow.end_at,
            )
        )
        busy = sum(
            1
            for vc, z, status, start, end in rows
            if vc == r.vehicle_class and z == r.zip_code and status in LIVE_STATUSES
            and start < r.end + turnaround and r.start < end + turnaround
        )
        return busy < n_cars


def naive_create(db, r: Request, now: datetime) -> bool:  # noqa: ANN001
    """The naive create: in one write transaction the full scan, a car with nothing overlapping, an insert."""
    with db.write() as s:
        cars = list(
            s.scalars(
                select(Car.car_id).where(
                    Car.vehicle_class == r.vehicle_class, Car.zip_code == r.zip_code,
                    Car.status == CarStatus.AVAILABLE.value,
                ).order_by(Car.car_id)
            )
        )
        turnaround = timedelta(minutes=s.scalar(select(Branch.turnaround_minutes).where(Branch.zip_code == r.zip_code)))
        busy: set[int] = set()
        count = 0
        for vc, z, status, start, end, car_id in s.execute(
            select(
                ReservationRow.vehicle_class, ReservationRow.zip_code, ReservationRow.status,
                ReservationRow.start_at, ReservationRow.end_at, ReservationRow.car_id,
            )
        ):
            if vc == r.vehicle_class and z == r.zip_code and status in LIVE_STATUSES and (
                start < r.end + turnaround and r.start < end + turnaround
            ):
                count += 1
                busy.add(car_id)
        free = [c for c in cars if c not in busy]
        if count >= len(cars) or not free:
            return False
        customer = get_or_create_customer(s, r.email, now=now, name="Bench Customer")
        days = math.ceil((r.end - r.start) / timedelta(days=1))
        s.add(
            ReservationRow(
                id=str(uuid.uuid4()), reference="N" + uuid.uuid4().hex[:7].upper(), customer_id=customer.id,
                vehicle_class=r.vehicle_class, zip_code=r.zip_code, car_id=free[0], pinned=False, driver_id=None,
                start_at=r.start, end_at=r.end, status=ReservationStatus.CONFIRMED.value, price=days * 50,
                version=1, created_at=now, updated_at=now, status_reason="",
            )
        )
        return True


#: How create_reservation outcomes are grouped in the table.
CREATE_KIND = {"accepted": "accepted", "NotAvailable": "refused", "DuplicateReservation": "refused"}


def bench_create(service: ReservationService, requests: list[Request], prof: bool):  # noqa: ANN201
    """Every call timed: (ms, request, outcome, reservations moved to make room); and the cars touched."""
    out = []
    touched: set[int] = set()
    last: list[Changes] = []

    def listen(changes: Changes) -> None:
        touched.update(changes.cars)
        last.append(changes)

    service.subscribe(listen)
    with Profiler(prof, "create_reservation"):
        for r in requests:
            last.clear()
            t = time.perf_counter()
            try:
                res = service.create_reservation(
                    email=r.email, name="Bench Customer", vehicle_class=r.vehicle_class,
                    zip_code=r.zip_code, start=r.start, end=r.end,
                )
                outcome = "accepted"
            except NotAvailable:
                res, outcome = None, "NotAvailable"
            except DuplicateReservation:
                res, outcome = None, "DuplicateReservation"
            ms = (time.perf_counter() - t) * 1000
            moved = 0
            if res is not None:
                touched.add(res.car_id)
                moved = sum(len(c.reservations - {res.id}) for c in last)
            out.append((ms, r, outcome, moved))
    return out, touched


def overlap_check(path: Path, cars: set[int]) -> int:
    """Pairs of live reservations on one car that overlap (turnaround included) among ``cars``."""
    if not cars:
        return 0
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    marks = ", ".join("?" * len(cars))
    live = ", ".join(f"'{s}'" for s in LIVE_STATUSES)
    sql = f"""
        WITH live AS MATERIALIZED (
            SELECT r.id, r.car_id,
                   CAST(strftime('%s', r.start_at) AS INTEGER) AS s,
                   CAST(strftime('%s', r.end_at) AS INTEGER) + 60 * br.turnaround_minutes AS e
            FROM reservations r JOIN branches br ON br.zip_code = r.zip_code
            WHERE r.car_id IN ({marks}) AND r.status IN ({live})
        )
        SELECT count(*) FROM live a JOIN live b ON b.car_id = a.car_id AND b.id > a.id
        WHERE a.s < b.e AND b.s < a.e
    """
    n = con.execute(sql, sorted(cars)).fetchone()[0]
    con.close()
    return n


# -- this placement beside another checkout's, in one process ------------------------------------


def load_placement(tree: Path):  # noqa: ANN201
    """``tree``'s ``rentaldesk.placement`` (with its ``placement_exact``), imported as the package
    ``rentaldesk_compared`` so that it sits beside this checkout's."""
    import importlib
    import importlib.util

    package = tree.resolve() / "rentaldesk"
    spec = importlib.util.spec_from_file_location(
        "rentaldesk_compared", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"--compare-placement: no rentaldesk package in {tree}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["rentaldesk_compared"] = module
    spec.loader.exec_module(module)
    return importlib.import_module("rentaldesk_compared.placement")


def compare_placement(tree: Path, path: Path, avail_reqs: list[Request], create_reqs: list[Request], clock,  # noqa: ANN001
                      exact: ExactDecisions, *, keep: bool, engine: bool = False) -> dict:
    """The same requests through this checkout's placement and ``tree``'s, the rest of the engine
    this checkout's: one call of each in turn (which goes first alternates), so both see the same
    load on a shared machine. The creates run on a copy of the dataset each.

    ``engine`` (``--compare-engine``): ``tree``'s whole engine beside this one's (its
    ``ReservationService`` and database module: the reads and writes around the placement too)."""
    from rentaldesk import reservations

    variants = {"this": reservations.placement, str(tree): load_placement(tree)}
    other = sys.modules["rentaldesk_compared"]
    if engine:
        import importlib

        importlib.import_module("rentaldesk_compared.reservations")
        importlib.import_module("rentaldesk_compared.db")
        importlib.import_module("rentaldesk_compared.errors")
    refused = (NotAvailable, getattr(getattr(other, "errors", None), "NotAvailable", NotAvailable))
    duplicate = (DuplicateReservation,
                 getattr(getattr(other, "errors", None), "DuplicateReservation", DuplicateReservation))

    def service_for(name: str, file: Path):  # noqa: ANN202
        if engine and name != "this":
            return other.reservations.ReservationService(other.db.open_database(sqlite_url(file)), clock=clock)
        return ReservationService(open_database(sqlite_url(file)), clock=clock)
    names = list(variants)
    recs: dict[str, dict] = {n: {"available": [], "create": [], "exact": [0, 0]} for n in names}

    def timed(name: str, which: int, call):  # noqa: ANN001, ANN202
        reservations.placement = variants[name]
        before = exact.count
        try:
            t = time.perf_counter()
            out = call()
            return (time.perf_counter() - t) * 1000, out
        finally:
            recs[name]["exact"][which] += exact.count - before
            reservations.placement = variants["this"]

    readers = {n: service_for(n, path) for n in names}
    _log(f"is_rental_available x {len(avail_reqs)}, {' and '.join(names)} in turn ...")
    for i, r in enumerate(avail_reqs):
        for name in names if i % 2 == 0 else names[::-1]:
            ms, ok = timed(name, 0, lambda r=r, name=name: readers[name].is_rental_available(
                vehicle_class=r.vehicle_class, zip_code=r.zip_code, start=r.start, end=r.end))
            recs[name]["available"].append((ms, "available" if ok else "not available"))
    for reader in readers.values():
        reader.db.close()

    copies = {n: CACHE / f"work-{os.getpid()}-{k}.sqlite" for k, n in enumerate(names)}
    try:
        services, touched, last = {}, {n: set() for n in names}, {n: [] for n in names}
        for n, work in copies.items():
            shutil.copyfile(path, work)
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size:
                shutil.copyfile(wal, Path(f"{work}-wal"))
            services[n] = service_for(n, work)

            def listen(changes: Changes, n: str = n) -> None:
                touched[n].update(changes.cars)
                last[n].append(changes)

            services[n].subscribe(listen)
        _log(f"create_reservation x {len(create_reqs)}, {' and '.join(names)} in turn ...")
        for i, r in enumerate(create_reqs):
            for name in names if i % 2 == 0 else names[::-1]:
                last[name].clear()

                def create(r: Request = r, name: str = name):  # noqa: ANN202
                    try:
                        return services[name].create_reservation(
                            email=r.email, name="Bench Customer", vehicle_class=r.vehicle_class,
                            zip_code=r.zip_code, start=r.start, end=r.end,
                        ), "accepted"
                    except refused:
                        return None, "NotAvailable"
                    except duplicate:
                        return None, "DuplicateReservation"

                ms, (res, outcome) = timed(name, 1, create)
                moved = 0
                if res is not None:
                    touched[name].add(res.car_id)
                    moved = sum(len(c.reservations - {res.id}) for c in last[name])
                recs[name]["create"].append((ms, outcome, moved))
        for n, svc in services.items():
            with svc.db.session() as s:
                touched[n].update(s.scalars(select(ReservationRow.car_id).where(ReservationRow.created_at == NOW)))
            svc.db.close()
        clashes = {n: overlap_check(copies[n], touched[n]) for n in names}
    finally:
        if not keep:
            for work in copies.values():
                for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
                    p.unlink(missing_ok=True)

    out = {}
    print()
    print(f"{'engine' if engine else 'placement'} beside {tree} (same requests, one call of each in turn, this process):")
    head = f"{'placement':<28} {'operation':<20} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8}  answers"
    print(head)
    print("-" * len(head))
    for n in names:
        a = stats([ms for ms, _ in recs[n]["available"]])
        c = stats([ms for ms, _, _ in recs[n]["create"]])
        a_out = Counter(o for _, o in recs[n]["available"])
        c_out = Counter(o for _, o, _ in recs[n]["create"])
        moves = [m for _, o, m in recs[n]["create"] if o == "accepted"]
        label = "this checkout" if n == "this" else n
        print(f"{label:<28} {'is_rental_available':<20} {fmt(a['p50']):>8} {fmt(a['p99']):>8} {fmt(a['mean']):>8} "
              f"{fmt(a['max']):>8}  " + ", ".join(f"{k} {v}" for k, v in a_out.most_common()))
        print(f"{'':<28} {'create_reservation':<20} {fmt(c['p50']):>8} {fmt(c['p99']):>8} {fmt(c['mean']):>8} "
              f"{fmt(c['max']):>8}  " + ", ".join(f"{k} {v}" for k, v in c_out.most_common()))
        print(f"{'':<28} {'':<20} moved {sum(moves)} reservations for {sum(1 for m in moves if m)} bookings "
              f"(most {max(moves, default=0)}); CP-SAT decided {recs[n]['exact'][0]} availability, "
              f"{recs[n]['exact'][1]} create; overlapping pairs after: {clashes[n]} on {len(touched[n])} cars")
        out[n] = {
            "available": a, "available_outcomes": dict(a_out), "create_all": c, "create_outcomes": dict(c_out),
            "moved": sum(moves), "bookings_moving_others": sum(1 for m in moves if m), "exact_decisions": recs[n]["exact"],
            "overlap_pairs": clashes[n], "cars_touched": len(touched[n]),
        }
    same = sum(x[1] == y[1] for x, y in zip(*(recs[n]["available"] for n in names)))
    print(f"same availability answer on {same}/{len(avail_reqs)} requests (the creates change their copies "
          "differently as they go, so their answers may differ later on)")
    return out


# -- main -----------------------------------------------------------------------------------------


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def fmt(x: float) -> str:
    if x != x:  # nan
        return "-"
    return f"{x:.2f}" if x < 100 else f"{x:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cars", type=int, default=Params.cars)
    ap.add_argument("--zips", type=int, default=Params.zips)
    ap.add_argument("--reservations", type=int, default=Params.reservations)
    ap.add_argument("--customers", type=int, default=None, help="default: reservations / 5")
    ap.add_argument("--seed", type=int, default=Params.seed)
    ap.add_argument("--samples", type=int, default=1000, help="engine calls measured per operation")
    ap.add_argument("--baseline-samples", type=int, default=5, help="naive-scan calls per operation")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--fresh", action="store_true", help="rebuild the cached dataset")
    ap.add_argument("--build-only", action="store_true", help="make (or find) the dataset and stop")
    ap.add_argument("--profile", action="store_true", help="cProfile the engine loops (slower figures)")
    ap.add_argument("--json", type=Path, help="also write the results there")
    ap.add_argument(
        "--compare-engine", type=Path, metavar="TREE",
        help="as --compare-placement, but TREE's whole engine (its ReservationService, reads and writes too)",
    )
    ap.add_argument("--keep-copy", action="store_true", help="keep the database the creates wrote to")
    ap.add_argument(
        "--compare-placement", type=Path, metavar="TREE",
        help="then run the same requests through this checkout's placement and TREE's (e.g. a worktree of "
             "main), one call of each in turn, in this process (see compare_placement)",
    )
    args = ap.parse_args(argv)

    params = Params(
        cars=args.cars, zips=args.zips, reservations=args.reservations,
        customers=args.customers if args.customers is not None else max(1_000, args.reservations // 5),
        seed=args.seed, schema=head_revision() or "",
    )
    if params.cars < params.zips * len(VEHICLE_CLASSES):
        ap.error(f"--cars must be at least {params.zips * len(VEHICLE_CLASSES)} (one car per pool)")
    load_start = os.getloadavg()
    mach = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in mach.items()))
    path, build_s = ensure_dataset(params, args.fresh)
    ds = describe_dataset(path)
    if args.build_only:
        print(json.dumps(ds, indent=2))
        return 0
    print(
        f"dataset: {path.relative_to(HERE.parent)} ({ds['file_mb']} MB), "
        + ("built in {:.0f} s".format(build_s) if build_s is not None else "cached (reused)")
    )
    print(
        f"  {ds['branches']} zip codes, {ds['pools']} pools, {ds['cars']:,} cars, {ds['customers']:,} customers, "
        f"{ds['reservations']:,} reservations {ds['first_start']} .. {ds['last_end']} UTC, now {ds['now']} UTC"
    )
    print("  by status: " + ", ".join(f"{k} {v:,}" for k, v in ds["by_status"].items()) + f"; pinned future {ds['pinned_live']:,}")

    rng = random.Random(params.seed * 1_000_003 + 17)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    pools = [tuple(r) for r in con.execute("SELECT DISTINCT zip_code, vehicle_class FROM cars ORDER BY 1, 2")]
    emails = [r[0] for r in con.execute("SELECT email FROM customers ORDER BY id LIMIT 20000")]
    con.close()
    n = args.samples
    warm = make_requests(rng, pools, emails, args.warmup, params.future_days)
    avail_reqs = make_requests(rng, pools, emails, n, params.future_days)
    create_reqs = make_requests(rng, pools, emails, n, params.future_days)
    naive_reqs = make_requests(rng, pools, emails, min(args.baseline_samples, n), params.future_days)
    clock = lambda: NOW  # noqa: E731
    t = time.perf_counter()
    placement_exact.warm_up().join()  # as rentaldesk hq / sync do at start (see the docstring)
    print(f"OR-Tools imported before timing (placement_exact.warm_up() joined, as the services start it): "
          f"{time.perf_counter() - t:.2f} s")
    results: dict = {"machine": mach, "params": asdict(params), "dataset": ds, "build_seconds": build_s}

    # 1. is_rental_available on the cached file (read only), then the naive scan on the same requests.
    db = open_database(sqlite_url(path))
    service = ReservationService(db, clock=clock)
    bench_available(service, warm, False)
    _log(f"is_rental_available x {n} ...")
    exact = ExactDecisions()
    a_recs = bench_available(service, avail_reqs, args.profile)
    a_exact = exact.count
    k = min(args.baseline_samples, n)
    _log(f"naive availability scan x {k} ...")
    b_times, agree = [], 0
    for r, (_, _, engine_answer) in zip(avail_reqs[:k], a_recs[:k]):
        t = time.perf_counter()
        ok = naive_available(db, r)
        b_times.append((time.perf_counter() - t) * 1000)
        agree += ok == (engine_answer == "available")
    db.close()

    # 2. create_reservation on a copy, then the naive create on the same copy.
    work = CACHE / f"work-{os.getpid()}.sqlite"
    t = time.perf_counter()
    shutil.copyfile(path, work)
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:  # committed pages not yet checkpointed belong to the copy too
        shutil.copyfile(wal, Path(f"{work}-wal"))
    _log(f"copied the dataset for the creates in {time.perf_counter() - t:.1f} s")
    try:
        db = open_database(sqlite_url(work))
        service = ReservationService(db, clock=clock)
        _log(f"create_reservation x {n} ...")
        exact.count = 0
        c_recs, touched = bench_create(service, create_reqs, args.profile)
        c_exact = exact.count
        _log(f"naive create x {k} ...")
        nc_times, nc_ok = [], 0
        for r in naive_reqs:
            t = time.perf_counter()
            nc_ok += naive_create(db, r, NOW)
            nc_times.append((time.perf_counter() - t) * 1000)
        with db.session() as s:  # every car a new reservation went to (moved ones came by the listener)
            touched.update(s.scalars(select(ReservationRow.car_id).where(ReservationRow.created_at == NOW)))
        db.close()
        t = time.perf_counter()
        clashes = overlap_check(work, touched)
        check_ms = (time.perf_counter() - t) * 1000
    finally:
        if not args.keep_copy:
            for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
                p.unlink(missing_ok=True)

    # 3. The table.
    load_end = os.getloadavg()
    a = stats([ms for ms, _, _ in a_recs])
    b = stats(b_times)
    a_outcomes = Counter(o for _, _, o in a_recs)
    c_outcomes = Counter(o for _, _, o, _ in c_recs)
    c_kind = {kind: stats([ms for ms, _, o, _ in c_recs if CREATE_KIND.get(o, "error") == kind])
              for kind in ("accepted", "refused", "error")}
    c_all = stats([ms for ms, _, _, _ in c_recs])
    nc = stats(nc_times)
    rows = [
        ("is_rental_available", a, TARGETS_MS["is_rental_available"], b),
        ("create_reservation (all)", c_all, TARGETS_MS["create_reservation"], nc),
        ("  of which accepted", c_kind["accepted"], None, None),
        ("  of which refused", c_kind["refused"], None, None),
    ]
    if c_kind["error"]["n"]:
        rows.append(("  of which errors", c_kind["error"], None, None))
    head = (
        f"{'operation':<26} {'samples':>7} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'target p50':>10}  {'met':<4} "
        f"{'baseline p50/p99 ms (n)':>26} {'speed-up p50':>12}"
    )
    print()
    print(head)
    print("-" * len(head))
    for name, st, target, base in rows:
        met = "" if target is None else ("yes" if st["p50"] <= target else "NO")
        tgt = "" if target is None else f"<= {target:g} ms"
        bl = "" if base is None or not base["n"] else f"{fmt(base['p50'])} / {fmt(base['p99'])} ({base['n']})"
        up = "" if base is None or not base["n"] or not st["n"] else f"{base['p50'] / st['p50']:,.0f}x"
        print(
            f"{name:<26} {st['n']:>7} {fmt(st['p50']):>8} {fmt(st['p99']):>8} {fmt(st['mean']):>8} {tgt:>10}  "
            f"{met:<4} {bl:>26} {up:>12}"
        )
    print()
    print("is_rental_available answers: " + ", ".join(f"{k} {v}" for k, v in a_outcomes.most_common())
          + f"; the naive count agrees on {agree}/{k} (a coarser rule: overlapping reservations counted, not placed)")
    moves = Counter(m for _, _, o, m in c_recs if o == "accepted")
    print("create_reservation outcomes: " + ", ".join(f"{k} {v}" for k, v in c_outcomes.most_common())
          + f"; accepted after moving others: {sum(v for m, v in moves.items() if m)} "
          + f"(moves: {', '.join(f'{m}: {v}' for m, v in sorted(moves.items()) if m) or 'none'})"
          + f"; naive create accepted {nc_ok}/{len(nc_times)}")
    print(f"decided by the complete method (CP-SAT) after the search spent its budget: availability {a_exact}, "
          f"create {c_exact} (never 'gave up': each one placed or proved there is no placement)")
    print(f"  max: availability {fmt(a['max'])} ms, create {fmt(c_all['max'])} ms; "
          "create times include the commit (WAL, synchronous=NORMAL)")
    print("  slowest is_rental_available: " + "; ".join(
        f"{ms:,.0f} ms {r.vehicle_class}@{r.zip_code} {r.start:%Y-%m-%d %H:%M}+{(r.end - r.start).days}d {o}"
        for ms, r, o in sorted(a_recs, key=lambda x: -x[0])[:5]))
    print("  slowest create_reservation:  " + "; ".join(
        f"{ms:,.0f} ms {r.vehicle_class}@{r.zip_code} {r.start:%Y-%m-%d %H:%M}+{(r.end - r.start).days}d {o}"
        for ms, r, o, _ in sorted(c_recs, key=lambda x: -x[0])[:5]))
    print(f"overlap check after the creates: {clashes} overlapping live pair(s) on the {len(touched)} cars touched "
          f"({'OK' if clashes == 0 else 'PROBLEM'}; {check_ms:.0f} ms)")
    print(f"load average (1 min) at start {load_start[0]:.2f}, at end {load_end[0]:.2f} on {os.cpu_count()} cores")
    if args.profile:
        print("(--profile was on: the engine figures above include cProfile's overhead)")
    results.update(
        available=a, available_outcomes=dict(a_outcomes), baseline_available=b, baseline_agreement=[agree, k],
        create_all=c_all, create_by_kind=c_kind, create_outcomes=dict(c_outcomes),
        create_moves=dict(moves), baseline_create=nc, baseline_create_accepted=[nc_ok, len(nc_times)],
        exact_decisions=[a_exact, c_exact], overlap_pairs=clashes, cars_touched=len(touched), load_average=[load_start[0], load_end[0]],
    )
    if args.compare_placement is not None or args.compare_engine is not None:
        results["compare_placement"] = compare_placement(
            args.compare_engine or args.compare_placement, path, avail_reqs, create_reqs, clock, exact,
            keep=args.keep_copy, engine=args.compare_engine is not None,
        )
        clashes += sum(v["overlap_pairs"] for v in results["compare_placement"].values())
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0 if clashes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
