"""What every screen of the desk shares: the database, the reservation service, the worker, the
"this changed" signal, and the reference data (locations and vehicle classes)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timezone, tzinfo
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from sqlalchemy import Table, select

from .. import queries
from ..db import Database
from ..errors import RentalError
from ..models import Branch, Car, Customer, Driver, Reservation, VehicleClass
from ..queries import BranchInfo, VehicleClassInfo
from ..reservations import ReservationService
from ..values import Changes
from .worker import DatabaseWorker

log = logging.getLogger("rentaldesk.gui")

#: QSettings key of the branch this counter works at.
COUNTER_BRANCH_KEY = "desk/counter_branch"
#: How often the desk looks for changes committed by another process (another workstation on the
#: same file, the command line, the sync loop): a change shows within this and one screen refresh.
WATCH_MS = 500

#: The tables whose rows the screens show, by the kind of :class:`Changes` they announce.
_WATCHED: dict[str, Table] = {
    "reservations": Reservation.__table__, "customers": Customer.__table__,  # type: ignore[dict-item]
    "cars": Car.__table__, "drivers": Driver.__table__,  # type: ignore[dict-item]
}
#: Locations and classes: a change reloads the reference data.
_REFERENCE: tuple[Table, ...] = (Branch.__table__, VehicleClass.__table__)  # type: ignore[assignment]

Snapshot = dict[str, dict[Hashable, tuple[Any, ...]]]


class ChangeWatcher:
    """Finds what other processes committed to the database, as :class:`Changes`.

    On SQLite it asks ``PRAGMA data_version`` on a connection of its own (a number that moves only
    when another connection commits: cheap, and nothing is read while nothing changed); when it
    moved, or on every look for other databases, it reads the watched tables and compares them with
    the last look: the ids whose rows differ, by kind. :meth:`absorb` takes in what this process
    announced itself (right after its commit), so a local edit is not announced a second time.
    ``look`` runs on the database worker; ``absorb`` on whichever thread committed.
    """

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
        """What changed since the last look (the first look only remembers): the changes, and
        whether the locations or classes changed; None when nothing did."""
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
        reference = any(_differ(before[t.name], rows[t.name]) for t in _REFERENCE)  # by table name
        changes = Changes(**changed)
        return (changes, reference) if changes or reference else None

    def absorb(self, changes: Changes) -> None:
        """This process committed ``changes`` and announces them itself: take their rows as they
        are now into the last look."""
        if self._rows is None:
            return
        with self.db.session() as s:
            fresh = {}
            for kind, table in _WATCHED.items():
                ids = list(getattr(changes, kind))
                if ids:
                    (id_column,) = table.primary_key.columns
                    found = {row._mapping[id_column]: tuple(row) for row in s.execute(select(table).where(id_column.in_(ids)))}
                    fresh[kind] = (ids, found)
        with self._lock:  # (a look never puts the last look back to None)
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
            for key, table in tables.items():
                (id_column,) = table.primary_key.columns
                snapshot[key] = {row._mapping[id_column]: tuple(row) for row in s.execute(select(table))}
        return snapshot

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _differ(before: dict[Hashable, tuple[Any, ...]], after: dict[Hashable, tuple[Any, ...]]) -> set[Any]:
    """The ids added, removed or changed."""
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


class DeskContext(QObject):
    """The desk's shared state; lives on the UI thread.

    ``changed`` carries a :class:`Changes` (ids by kind) after every commit: the service's own
    announcements (a booking made here) and :meth:`publish` (cars edited or imported here, and later
    events from head office) take the same path. ``reference_changed`` says the locations or classes
    were (re)loaded; ``counter_branch_changed`` that the clerk switched the branch they work at;
    ``notice`` is a short message for the status bar.
    """

    changed = Signal(object)
    notice = Signal(str)
    reference_changed = Signal()
    counter_branch_changed = Signal(str)

    def __init__(self, db: Database, service: ReservationService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.service = service
        self.worker = DatabaseWorker(self)
        self.branches: dict[str, BranchInfo] = {}
        self.vehicle_classes: dict[str, VehicleClassInfo] = {}
        self._counter_branch = str(QSettings().value(COUNTER_BRANCH_KEY, "") or "")
        # Called on the worker thread after a commit; the signal queues it to the UI thread.
        service.subscribe(self.changed.emit)
        self.watcher = ChangeWatcher(db)
        service.subscribe(self.watcher.absorb)  # announced here: not again by the watcher

    def watch(self, interval_ms: int = WATCH_MS) -> None:
        """Show what other processes commit: their changes are announced by ``changed`` as a local
        edit is (the locations and classes reloaded when those changed)."""
        self.worker.watch(self.watcher.look, self._changed_elsewhere, interval_ms)

    def _changed_elsewhere(self, found: tuple[Changes, bool]) -> None:
        changes, reference = found
        log.info("changed by another process: %s", changes)
        if reference:
            self.load_reference()
        self.publish(changes)

    # -- time and places ---------------------------------------------------------------------------

    def now(self) -> datetime:
        """The service's clock (tests fix it), in UTC."""
        return self.service.clock().astimezone(timezone.utc)

    def class_name(self, code: str) -> str:
        """A vehicle class as the desk names it everywhere: its name from the database ('Minivan'),
        the code for one not known yet."""
        vclass = self.vehicle_classes.get(code)
        return vclass.name if vclass else code

    def zone(self, zip_code: str) -> tzinfo:
        """The time zone of a location (UTC for one not known yet)."""
        branch = self.branches.get(zip_code)
        return branch.zone if branch else timezone.utc

    @property
    def counter_branch(self) -> BranchInfo | None:
        """The branch this counter works at (remembered), else the first one."""
        branch = self.branches.get(self._counter_branch)
        if branch is None and self.branches:
            branch = next(iter(self.branches.values()))
        return branch

    def set_counter_branch(self, zip_code: str) -> None:
        if zip_code == self._counter_branch or zip_code not in self.branches:
            return
        self._counter_branch = zip_code
        QSettings().setValue(COUNTER_BRANCH_KEY, zip_code)
        self.counter_branch_changed.emit(zip_code)

    # -- work --------------------------------------------------------------------------------------

    def run(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        refused: Callable[[RentalError], None] | None = None,
    ) -> None:
        """Run ``job`` on the database worker (see :class:`DatabaseWorker`)."""
        self.worker.submit(job, done, refused)

    def publish(self, changes: Changes) -> None:
        """Announce a change made outside the reservation service (car edits, imports)."""
        if changes:
            self.changed.emit(changes)

    def load_reference(self) -> None:
        """(Re)load locations and vehicle classes; ``reference_changed`` when they are in."""
        self.run(lambda: (queries.branches(self.db), queries.vehicle_classes(self.db)), self._reference_loaded)

    def _reference_loaded(self, loaded: tuple[list[BranchInfo], list[VehicleClassInfo]]) -> None:
        branch_list, class_list = loaded
        self.branches = {b.zip_code: b for b in branch_list}
        self.vehicle_classes = {c.code: c for c in class_list}
        log.info("reference data: %d locations, %d vehicle classes", len(branch_list), len(class_list))
        self.reference_changed.emit()

    def close(self) -> None:
        self.worker.close()
        self.watcher.close()


