"""What other processes committed to the rows the desk's screens show, without reading the tables.

Migration 0010's SQLite triggers write one row to ``change_log`` for every insert, update and delete
of a reservation, customer, car, driver, branch or vehicle class (and 0019's, a reservation's for
every new row of its agreement's payments ledger), by any writer (the desk, the
command line, the sync loop, head office, another workstation on the same file), with a sequence
that grows with every commit. :class:`ChangeWatcher` remembers the last sequence it read and reads
only the rows after it; ``PRAGMA data_version`` on its own connection tells it for free that nobody
committed, so an idle look reads nothing at all.

On a database without the triggers (not SQLite, or an SQLite file whose triggers a later batch
migration dropped) the watcher compares snapshots of the tables instead: a full read, so it does
it every :data:`SNAPSHOT_EVERY_S` seconds rather than at every look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, text

from .db import Database
from .models import Branch, Car, Customer, Driver, Reservation, VehicleClass, table
from .values import Changes

log = logging.getLogger("rentaldesk.db")

#: The tables of the screens' rows, by the kind of :class:`Changes` they announce.
WATCHED: dict[str, Table] = {
    "reservations": table(Reservation), "customers": table(Customer), "cars": table(Car), "drivers": table(Driver),
}
#: The locations and classes: a change to one reloads the desk's reference data.
REFERENCE: dict[str, Table] = {"branches": table(Branch), "vehicle_classes": table(VehicleClass)}

#: The triggers of migration 0010: four per watched table (insert, update, a changed key, delete),
#: and the one that bounds the log; and migration 0019's: a new payments ledger row logs its
#: agreement's reservation (a payment taken elsewhere refreshes the cash-up and the histories).
CHANGE_LOG_TRIGGERS = frozenset(
    f"trg_{name}_changes_{event}" for name in (*WATCHED, *REFERENCE)
    for event in ("insert", "update", "rekey", "delete")
) | {"trg_change_log_trim", "trg_payments_changes_insert"}

#: Without the log, how often the watcher compares whole snapshots of the tables (seconds).
SNAPSHOT_EVERY_S = 10.0

_Snapshot = dict[str, dict[Hashable, tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class Found:
    """What a look found: the changed ids by kind, and whether a location or class changed.

    ``everything``: the watcher could not tell what changed (it fell further behind than the log
    keeps, or the log was emptied), so ``changes`` names every row and ``reference`` is true.
    """

    changes: Changes
    reference: bool
    everything: bool = False


def has_change_log(db: Database) -> bool:
    """Whether migration 0010's triggers fill ``change_log`` on this database (SQLite, all there)."""
    if not db.is_sqlite:
        return False
    with db.engine.connect() as conn:
        found = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    return CHANGE_LOG_TRIGGERS <= found


class ChangeWatcher:
    """Finds what other processes committed to the database, as :class:`Found`.

    :meth:`look` (on the desk's database worker) returns what changed since the last look, or None;
    the first look only remembers where the log is. :meth:`absorb` (right after a commit of this
    process, on the thread that committed) takes in what this process announced itself, so a local
    edit is not announced a second time: the log rows up to the newest one at that moment that name
    an announced id are skipped, and only those (a later change to the same row is announced).
    """

    def __init__(self, db: Database, *, snapshot_every_s: float = SNAPSHOT_EVERY_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self._lock = threading.Lock()
        path = db.engine.url.database
        #: Nothing else can write an in-memory database: there is nothing to watch.
        self._watching = not (db.is_sqlite and path in (None, "", ":memory:"))
        self.uses_log = self._watching and has_change_log(db)
        if self._watching and db.is_sqlite and not self.uses_log:
            log.warning("the change log's triggers are missing in %s: the desk compares whole tables every %.0f s",
                        db.name, snapshot_every_s)
        self._connection: Any = None  # the pool's DB-API connection, kept: data_version is per connection
        self._version: int | None = None
        self._seen: int | None = None
        #: (the newest sequence when this process committed, the (kind, id) it announced)
        self._absorbed: list[tuple[int, frozenset[tuple[str, str]]]] = []
        self._snapshot: _Snapshot | None = None
        self._snapshot_every_s = snapshot_every_s
        self._monotonic = monotonic
        self._snapshot_at = 0.0

    def look(self) -> Found | None:
        """What changed since the last look; None when nothing did (and at the first look)."""
        if not self._watching:
            return None
        with self._lock:
            return self._look_in_log() if self.uses_log else self._look_at_snapshots()

    def absorb(self, changes: Changes) -> None:
        """This process committed ``changes`` and announces them itself: do not announce them again."""
        if not changes or not self._watching:
            return
        with self._lock:
            if self.uses_log:
                if self._seen is not None:
                    keys = frozenset((kind, str(key)) for kind in WATCHED for key in getattr(changes, kind))
                    self._absorbed.append((self._newest(), keys))
            elif self._snapshot is not None:
                self._absorb_into_snapshot(changes)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- the log -----------------------------------------------------------------------------------

    def _cursor(self) -> Any:
        if self._connection is None:
            self._connection = self.db.engine.raw_connection()
        return self._connection.driver_connection

    def _newest(self) -> int:
        return int(self._cursor().execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0])

    def _look_in_log(self) -> Found | None:
        cursor = self._cursor()
        # Read before the log: a commit in between moves it again, and the next look reads that.
        version = int(cursor.execute("PRAGMA data_version").fetchone()[0])
        if version == self._version:
            return None
        self._version = version
        if self._seen is None:
            self._seen = self._newest()
            return None
        rows: list[tuple[int, str, str]] = cursor.execute(
            "SELECT seq, kind, row_id FROM change_log WHERE seq > ? ORDER BY seq", (self._seen,)).fetchall()
        if not rows:
            newest = self._newest()
            return self._everything(newest) if newest < self._seen else None  # the log was emptied
        # One writer at a time on SQLite, and a new row's seq is the largest plus one: the sequences
        # committed are gapless, so a gap after the last one seen is the trim of a watcher too far behind.
        if rows[0][0] != self._seen + 1:
            return self._everything(rows[-1][0])
        found: dict[str, set[str]] = {kind: set() for kind in (*WATCHED, *REFERENCE)}
        for seq, kind, row_id in rows:
            if not any(seq <= upto and (kind, row_id) in keys for upto, keys in self._absorbed):
                found[kind].add(row_id)
        self._seen = rows[-1][0]
        self._absorbed = [(upto, keys) for upto, keys in self._absorbed if upto > self._seen]
        changes = Changes(reservations=frozenset(found["reservations"]), customers=frozenset(found["customers"]),
                          cars=frozenset(int(i) for i in found["cars"]), drivers=frozenset(int(i) for i in found["drivers"]))
        reference = any(found[kind] for kind in REFERENCE)
        return Found(changes, reference) if changes or reference else None

    def _everything(self, newest: int) -> Found:
        log.info("the desk fell behind the change log of %s: every row is refreshed once", self.db.name)
        cursor = self._cursor()
        ids = {}
        for kind, watched in WATCHED.items():
            (key,) = watched.primary_key.columns
            ids[kind] = frozenset(row[0] for row in cursor.execute(f"SELECT {key.name} FROM {watched.name}"))
        self._seen = newest
        self._absorbed = []
        return Found(Changes(**ids), reference=True, everything=True)

    # -- snapshots, where there is no log ------------------------------------------------------------

    def _look_at_snapshots(self) -> Found | None:
        now = self._monotonic()
        if self._snapshot is not None and now - self._snapshot_at < self._snapshot_every_s:
            return None
        self._snapshot_at = now
        rows = self._read()
        before, self._snapshot = self._snapshot, rows
        if before is None:
            return None
        changes = Changes(**{kind: frozenset(_differ(before[kind], rows[kind])) for kind in WATCHED})
        reference = any(_differ(before[kind], rows[kind]) for kind in REFERENCE)
        return Found(changes, reference) if changes or reference else None

    def _read(self) -> _Snapshot:
        snapshot: _Snapshot = {}
        with self.db.session() as s:
            for kind, watched in {**WATCHED, **REFERENCE}.items():
                (key,) = watched.primary_key.columns
                snapshot[kind] = {row._mapping[key]: tuple(row) for row in s.execute(select(watched))}
        return snapshot

    def _absorb_into_snapshot(self, changes: Changes) -> None:
        assert self._snapshot is not None
        with self.db.session() as s:
            for kind, watched in WATCHED.items():
                ids = list(getattr(changes, kind))
                if not ids:
                    continue
                (key,) = watched.primary_key.columns
                found = {row._mapping[key]: tuple(row) for row in s.execute(select(watched).where(key.in_(ids)))}
                rows = self._snapshot[kind]
                for id_ in ids:
                    if id_ in found:
                        rows[id_] = found[id_]
                    else:
                        rows.pop(id_, None)


def _differ(before: dict[Hashable, tuple[Any, ...]], after: dict[Hashable, tuple[Any, ...]]) -> set[Any]:
    """The ids added, removed or changed."""
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
