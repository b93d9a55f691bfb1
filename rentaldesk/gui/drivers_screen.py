"""Drivers: every chauffeur with their status, whether they are free now, and their assignments."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from .. import queries
from ..display import count
from ..queries import Assignment, DriverRow
from ..values import Changes
from .desk import DeskContext
from .empty import EmptyNote
from .forms.ui_drivers import Ui_DriversScreen
from .tablemodels import AssignmentTableModel, DriverTableModel
from .widgets import ViewState, setup_grid


class DriversScreen(QWidget):
    """The drivers grid and the assignments of the selected driver."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_DriversScreen()
        self.ui.setupUi(self)
        ui = self.ui
        self.model = DriverTableModel(desk.zone, self)
        self.proxy = setup_grid(ui.driversView, self.model, sort_column=DriverTableModel.COL_NAME)
        self.empty_note = EmptyNote(ui.driversView, self._why_empty)
        self.assignments = AssignmentTableModel(desk.zone, self)
        setup_grid(ui.assignmentsView, self.assignments, sort_column=AssignmentTableModel.COL_PICKUP)
        self.view_state = ViewState("drivers")
        self._shown_driver: int | None = None
        ui.searchEdit.textChanged.connect(self._search)
        ui.freeOnlyCheck.toggled.connect(self._free_only)
        ui.driversView.selectionModel().selectionChanged.connect(self._selection_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, ui.searchEdit.setFocus)
        desk.reference_changed.connect(self.reload)
        desk.changed.connect(self._data_changed)

    def activate(self) -> None:
        self.ui.driversView.setFocus()

    def reload(self) -> None:
        self.desk.run(lambda: queries.list_drivers(self.desk.db, self.desk.now()), self._loaded)

    def _loaded(self, drivers: list[DriverRow]) -> None:
        self.model.set_rows(drivers)
        self._count()
        if self._shown_driver is not None:
            self._load_assignments(self._shown_driver)

    def _data_changed(self, changes: Changes) -> None:
        # Any reservation may name a driver, and the drivers are few: reload them all (two queries).
        if changes.reservations or changes.drivers:
            self.reload()

    def _search(self, words: str) -> None:
        self.proxy.set_search(words)
        self._count()

    def _free_only(self, on: bool) -> None:
        self.proxy.set_condition("free", (lambda d: d.free_now) if on else None)
        self._count()

    def _count(self) -> None:
        rows = self.model.rows()
        free = sum(1 for d in rows if d.free_now)
        self.ui.countLabel.setText(f"{count(len(rows), 'driver')} · {free:,} free now")
        self.empty_note.update()

    def _why_empty(self) -> str:
        if self.model.rowCount() == 0:
            return "No drivers yet: import them with the command line (rentaldesk drivers import FILE)."
        words = self.ui.searchEdit.text().strip()
        free = " is free now" if self.ui.freeOnlyCheck.isChecked() else ""
        if words:
            return f"No driver matches “{words}”{free and ' and' + free}."
        return f"No driver{free}." if free else "No driver."

    def selected(self) -> DriverRow | None:
        rows = self.ui.driversView.selectionModel().selectedRows()
        return self.proxy.row_of(rows[0]) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        driver = self.selected()
        if driver is None:
            return
        self._shown_driver = driver.id
        self._load_assignments(driver.id)

    def _load_assignments(self, driver_id: int) -> None:
        since = self.desk.now()
        self.desk.run(
            lambda: queries.driver_assignments(self.desk.db, driver_id, since=since),
            lambda jobs: self._show_assignments(driver_id, jobs),
        )

    def _show_assignments(self, driver_id: int, jobs: list[Assignment]) -> None:
        if driver_id != self._shown_driver:
            return
        position = self.model.position_of(driver_id)
        name = self.model.row_at(position).name if position is not None else "the driver"
        self.assignments.set_rows(jobs)
        self.ui.assignmentsLabel.setText(
            f"Assignments of {name}: {count(len(jobs), 'current or coming', 'current or coming')}" if jobs else f"{name} has no current or coming assignments"
        )

    def restore_state(self) -> None:
        self.view_state.restore(splitters={"splitter": self.ui.splitter},
                                headers={"drivers": self.ui.driversView.horizontalHeader(),
                                         "assignments": self.ui.assignmentsView.horizontalHeader()})

    def save_state(self) -> None:
        self.view_state.save(splitters={"splitter": self.ui.splitter},
                             headers={"drivers": self.ui.driversView.horizontalHeader(),
                                      "assignments": self.ui.assignmentsView.horizontalHeader()})
