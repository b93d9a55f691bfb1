"""What every screen of the desk shares: the database, the reservation service, the worker, the
"this changed" signal, and the reference data (locations and vehicle classes)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from .. import queries
from ..changelog import ChangeWatcher, Found
from ..db import Database
from ..errors import RentalError
from ..queries import BranchInfo, VehicleClassInfo
from ..reservations import ReservationService
from ..values import Changes
from .worker import DatabaseWorker

log = logging.getLogger("rentaldesk.gui")

#: QSettings key of the branch this counter works at.
COUNTER_BRANCH_KEY = "desk/counter_branch"
#: How often the desk looks for changes committed by another process (another workstation on the
#: same file, the command line, the sync loop): a change shows within this and one screen refresh.
#: A look reads only the change log's new rows (see :mod:`rentaldesk.changelog`).
WATCH_MS = 500


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

    def _changed_elsewhere(self, found: Found) -> None:
        if found.everything:
            log.info("changed by other processes: too much to list, every screen refreshes")
        else:
            log.info("changed by another process: %s", found.changes)
        if found.reference:
            self.load_reference()
        if found.changes:
            self.changed.emit(found.changes)

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
        """Announce a change made here outside the reservation service (car edits, imports)."""
        if changes:
            # (A look between the commit and this call may have announced it already: then twice.)
            self.watcher.absorb(changes)
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


