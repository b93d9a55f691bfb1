#!/usr/bin/env python
"""Benchmark of the desk's live refresh (issue 10), beside the full read it replaced, in the same run.

    .venv/bin/python bench/bench_refresh.py [--reservations 50000] [--repeat 3]

On a copy of the sample database (branches, classes, drivers, 30 cars) with ``--reservations`` more
reservation rows (and one customer per ten):

* one look after a one-row commit by another connection (a reservation's reason changed), and one
  after this desk's own ``create_reservation`` (announced by the service, absorbed by the watcher):
  ``rentaldesk.changelog.ChangeWatcher.look`` beside the watcher of commit 21311a6 copied below as
  it was (``PRAGMA data_version``, then every row of the six tables read and compared);
* an idle look (nobody committed), both;
* what the triggers cost a writer, with migration 0010's triggers and with them dropped, alternating
  on copies of the database: the same ``--reservations`` rows bulk-inserted (``insert_many``), 200
  one-row commits (``Database.write``), and one ``UPDATE`` of 50,000 rows in SQLite alone.

Figures are medians of ``--repeat`` runs, in milliseconds. Tests never assert times; this prints.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Table, select

from rentaldesk.changelog import CHANGE_LOG_TRIGGERS, ChangeWatcher
from rentaldesk.db import Database, insert_many, open_database, sqlite_url
from rentaldesk.fleet import load_sample_data
from rentaldesk.models import Branch, Car, Customer, Driver, Reservation, VehicleClass, table
from rentaldesk.reservations import ReservationService
from rentaldesk.values import Changes

NOW = datetime(2030, 3, 4, 14, 0, tzinfo=timezone.utc)


# -- the baseline: the desk's watcher at 21311a6 (rentaldesk/gui/desk.py), as it was ------------------

_WATCHED: dict[str, Table] = {
    "reservations": Reservation.__table__, "customers": Customer.__table__,  # type: ignore[dict-item]
    "cars": Car.__table__, "drivers": Driver.__table__,  # type: ignore[dict-item]
}
_REFERENCE: tuple[Table, ...] = (Branch.__table__, VehicleClass.__table__)  # type: ignore[assignment]

Snapshot = dict[str, dict[Hashable, tuple[Any, ...]]]


class OldChangeWatcher:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None
        self._rows: Snapshot | None = None
        self._lock = threading.Lock()
        path = db.engine.url.database
        if db.is_sqlite and path not in (None, "", ":memory:"):
            self._path: str | None = path
        else:
            self._path = None

    def look(self) -> tuple[Changes, bool] | None:
        if self._path is not None:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path, check_same_thread=False)
            version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            if version == self._version:
                return None
            self._version = version
        rows = self._read()
        with self._lock:
            before, self._rows = self._rows, rows
        if before is None:
            return None
        changed = {kind: frozenset(_differ(before[kind], rows[kind])) for kind in _WATCHED}
        reference = any(_differ(before[t.name], rows[t.name]) for t in _REFERENCE)
        changes = Changes(**changed)
        return (changes, reference) if changes or reference else None

    def absorb(self, changes: Changes) -> None:
        if self._rows is None:
            return
        with self.db.session() as s:
            fresh = {}
            for kind, table_ in _WATCHED.items():
                ids = list(getattr(changes, kind))
                if ids:
                    (id_column,) = table_.primary_key.columns
                    found = {row._mapping[id_column]: tuple(row) for row in s.execute(select(table_).where(id_column.in_(ids)))}
                    fresh[kind] = (ids, found)
        with self._lock:
            for kind, (ids, found) in fresh.items():
                rows = self._rows[kind]
                for key in ids:
                    if key in found:
                        rows[key] = found[key]
                    else:
                        rows.pop(key, None)

    def _read(self) -> Snapshot:
        tables = {**_WATCHED, **{t.name: t for t in _REFERENCE}}
        snapshot: Snapshot = {}
        with self.db.session() as s:
            for key, table_ in tables.items():
                (id_column,) = table_.primary_key.columns
                snapshot[key] = {row._mapping[id_column]: tuple(row) for row in s.execute(select(table_))}
        return snapshot

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _differ(before: dict[Hashable, tuple[Any, ...]], after: dict[Hashable, tuple[Any, ...]]) -> set[Any]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


# -- the data ---------------------------------------------------------------------------------------

def base_database(folder: Path) -> Path:
    path = folder / "base.sqlite"
    db = open_database(sqlite_url(path))
    load_sample_data(db)
    db.close()
    return path


def extra_rows(db: Database, n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` completed reservations in the past (3 days each, one after another on each car) and
    one customer per ten."""
    with db.session() as s:
        cars = s.execute(select(Car.car_id, Car.vehicle_class, Car.zip_code)).all()
    customers = [{"id": str(uuid.uuid4()), "email": f"bench{i}@example.com", "name": f"Bench {i}", "phone": "",
                  "licence_number": "", "created_at": NOW - timedelta(days=4000)} for i in range(max(1, n // 10))]
    reservations = []
    for i in range(n):
        car_id, vclass, zip_code = cars[i % len(cars)]
        start = NOW - timedelta(days=4 * (i // len(cars) + 2))
        reservations.append({
            "id": str(uuid.uuid4()), "reference": f"B{i:09d}", "customer_id": customers[i % len(customers)]["id"],
            "vehicle_class": vclass, "zip_code": zip_code, "car_id": car_id, "pinned": False, "driver_id": None,
            "start_at": start, "end_at": start + timedelta(days=3), "status": "completed", "price": Decimal("240.00"),
            "version": 1, "created_at": start, "updated_at": start, "picked_up_at": start,
            "returned_at": start + timedelta(days=3), "status_reason": "", "source": "", "hq_version": 0,
            "awaiting_event_id": None, "hq_car_id": None,
        })
    return customers, reservations


def bulk_insert(path: Path, customers: list[dict[str, Any]], reservations: list[dict[str, Any]]) -> float:
    """Insert the rows in one transaction; seconds."""
    db = open_database(sqlite_url(path))
    try:
        start = time.perf_counter()
        with db.write() as s:
            insert_many(s, table(Customer), customers)
            insert_many(s, table(Reservation), reservations)
        return time.perf_counter() - start
    finally:
        db.close()


def one_row_commits(path: Path, n: int) -> float:
    """The median of ``n`` one-row write transactions (ms)."""
    db = open_database(sqlite_url(path))
    try:
        with db.session() as s:
            some = s.scalar(select(Reservation.id).limit(1))
        times = []
        for _ in range(n):
            took, _ = timed(lambda: one_row_elsewhere(db, some))
            times.append(took)
        return statistics.median(times)
    finally:
        db.close()


def update_cost_us(base: Path, folder: Path, rows: int, repeat: int) -> tuple[float, float]:
    """What one ``UPDATE`` of ``rows`` drivers costs a row (us), in SQLite alone (no Python per row):
    with the change log's triggers, and with them dropped; medians of ``repeat``, alternating."""
    connections = {}
    for triggers in (True, False):
        path = folder / f"update-{triggers}.sqlite"
        shutil.copy(base, path)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA temp_store = MEMORY")  # as the app's connections have it
        if not triggers:
            for trigger in CHANGE_LOG_TRIGGERS:
                conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("INSERT INTO drivers (name, licence_number, phone, status, day_rate) "
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                     "SELECT 'Bench ' || i, 'BENCH' || i, '', 'active', 10 FROM n", (rows,))
        connections[triggers] = conn
    times: dict[bool, list[float]] = {True: [], False: []}
    for n in range(repeat):
        for triggers, conn in connections.items():
            start = time.perf_counter()
            conn.execute("UPDATE drivers SET phone = ?", (str(n),))
            times[triggers].append((time.perf_counter() - start) * 1e6 / rows)
    for conn in connections.values():
        conn.close()
    return statistics.median(times[True]), statistics.median(times[False])


# -- the measures -------------------------------------------------------------------------------------

def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return (time.perf_counter() - start) * 1000, result


def one_row_elsewhere(other: Database, reservation_id: str) -> None:
    with other.write() as s:
        s.execute(sqlalchemy.update(table(Reservation)).where(table(Reservation).c.id == reservation_id)
                  .values(status_reason=f"bench {uuid.uuid4().hex[:8]}"))


def measure(path: Path, watcher_class: Callable[[Database], Any], repeat: int, who: str) -> dict[str, float]:
    db, other = open_database(sqlite_url(path)), open_database(sqlite_url(path))
    service = ReservationService(db, clock=lambda: NOW)
    watcher = watcher_class(db)
    service.subscribe(watcher.absorb)
    try:
        with db.session() as s:
            some = s.scalar(select(Reservation.id).limit(1))
            zip_code, vclass = s.execute(select(Car.zip_code, Car.vehicle_class).limit(1)).one()
        assert watcher.look() is None  # the first look: the baseline
        elsewhere, here, idle = [], [], []
        for n in range(repeat):
            one_row_elsewhere(other, some)
            took, found = timed(watcher.look)
            assert found is not None, "the change elsewhere was not found"
            elsewhere.append(took)
            took, found = timed(watcher.look)
            assert found is None
            idle.append(took)
            # (the clock stays: a later one would expire the earlier bookings, a change the service does
            # not announce, which the watchers rightly find)
            start = NOW + timedelta(days=7 * n + (3 if who == "old" else 0), hours=3)
            service.create_reservation(email=f"{who}{n}@example.com", name="Here", vehicle_class=vclass,
                                       zip_code=zip_code, start=start, end=start + timedelta(days=1))
            took, found = timed(watcher.look)
            assert found is None, f"the desk's own booking was announced again: {found}"
            here.append(took)
        return {"elsewhere": statistics.median(elsewhere), "here": statistics.median(here),
                "idle": statistics.median(idle)}
    finally:
        watcher.close()
        db.close()
        other.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reservations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as folder_name:
        folder = Path(folder_name)
        base = base_database(folder)
        db = open_database(sqlite_url(base))
        customers, reservations = extra_rows(db, args.reservations)
        db.close()
        with_log = folder / "with.sqlite"
        insert_with, insert_without, commit_with, commit_without = [], [], [], []
        for n in range(args.repeat):  # alternating, on fresh copies: the machine's load moves
            for triggers, inserts, commits in ((True, insert_with, commit_with),
                                               (False, insert_without, commit_without)):
                copy = folder / f"copy-{n}-{triggers}.sqlite"
                shutil.copy(base, copy)
                if not triggers:
                    connection = sqlite3.connect(copy)
                    for trigger in CHANGE_LOG_TRIGGERS:
                        connection.execute(f"DROP TRIGGER {trigger}")
                    connection.commit()
                    connection.close()
                inserts.append(bulk_insert(copy, customers, reservations))
                commits.append(one_row_commits(copy, 200))
                if triggers and n == 0:
                    shutil.copy(copy, with_log)
                for leftover in folder.glob(f"copy-{n}-{triggers}.sqlite*"):
                    leftover.unlink()
        update_with, update_without = update_cost_us(base, folder, 50_000, 5)
        rows = len(customers) + len(reservations)
        with_ms, without_ms = statistics.median(insert_with) * 1000, statistics.median(insert_without) * 1000
        print(f"\nwhat the triggers cost a writer (median of {args.repeat}, alternating):")
        print(f"  bulk insert of {len(reservations):,} reservations and {len(customers):,} customers in one "
              f"transaction: {with_ms:,.0f} ms with the change log's triggers, {without_ms:,.0f} ms without "
              f"({(with_ms - without_ms) / rows * 1000:+.1f} us a row)")
        print(f"  a one-row commit (a reservation's reason), median of 200: "
              f"{statistics.median(commit_with):.3f} ms with, {statistics.median(commit_without):.3f} ms without")
        print(f"  one UPDATE of 50,000 drivers in SQLite alone, median of 5: {update_with:.1f} us a row with, "
              f"{update_without:.1f} us without")
        with sqlite3.connect(with_log) as conn:
            counts = {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                      for name in ("reservations", "customers", "cars", "drivers", "branches", "vehicle_classes",
                                   "change_log")}
        print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        new = measure(with_log, ChangeWatcher, args.repeat, "new")
        old = measure(with_log, OldChangeWatcher, args.repeat, "old")
        print(f"\none look, median of {args.repeat} (ms)      the change log   the full read (21311a6)")
        for key, what in (("elsewhere", "after a one-row commit elsewhere"),
                          ("here", "after this desk's create_reservation"), ("idle", "nobody committed")):
            print(f"  {what:<38} {new[key]:>10.2f}   {old[key]:>14.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
