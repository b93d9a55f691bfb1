"""Fleet grid: every car with its state and next reservation, sorted and filtered at will; a manager
adds and edits cars in a checked dialog and imports a fleet CSV with a report of its bad rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFileDialog, QLineEdit, QProgressDialog, QWidget

from .. import audit, queries
from ..display import count
from ..cars import add_car, update_car
from ..errors import FleetFileError, RentalError
from ..fleet import TRANSMISSIONS, CarWrite, Imported, NewInFile, import_fleet
from ..models import CarStatus
from ..queries import CAR_STATES, CarRow, DriverRow
from ..permissions import Permission
from ..values import Changes
from ..rules import normalize_plate
from . import text
from .desk import DeskContext
from .empty import EmptyNote
from .roles import may
from .history_panel import open_history
from .forms.ui_car_dialog import Ui_CarDialog
from .forms.ui_fleet_grid import Ui_FleetGridScreen
from .forms.ui_import_report import Ui_ImportReport
from .tablemodels import CarTableModel, Problem, ProblemTableModel
from .widgets import FieldMessages, ViewState, setup_grid


class FleetGridScreen(QWidget):
    """The fleet grid and its filters."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_FleetGridScreen()
        self.ui.setupUi(self)
        ui = self.ui
        self.model = CarTableModel(desk.zone, self.location_name, self, class_name=desk.class_name)
        self.proxy = setup_grid(ui.carsView, self.model, sort_column=CarTableModel.COL_LOCATION)
        self.empty_note = EmptyNote(ui.carsView, self._why_empty)
        self.view_state = ViewState("fleet")
        self.dialog: CarDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.progress: QProgressDialog | None = None
        self.report: ImportReport | None = None
        ui.statusCombo.addItem("All states", None)
        for state in CAR_STATES:
            ui.statusCombo.addItem(text.status_label(state).capitalize(), state)
        ui.searchEdit.textChanged.connect(self._search)
        ui.classCombo.currentIndexChanged.connect(lambda: self._filter("class", ui.classCombo, "vehicle_class"))
        ui.statusCombo.currentIndexChanged.connect(lambda: self._filter("state", ui.statusCombo, "state"))
        ui.locationCombo.currentIndexChanged.connect(lambda: self._filter("location", ui.locationCombo, "zip_code"))
        ui.carsView.activated.connect(lambda _index: self.edit_selected())
        ui.carsView.selectionModel().selectionChanged.connect(self._selection_changed)
        ui.addButton.clicked.connect(self.add_car)
        ui.editButton.clicked.connect(self.edit_selected)
        ui.importButton.clicked.connect(self.choose_import_file)
        QShortcut(QKeySequence.StandardKey.Find, self, ui.searchEdit.setFocus)
        QShortcut(QKeySequence("Ctrl+N"), self, self.add_car, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        self.proxy.modelReset.connect(self._count)
        self.proxy.layoutChanged.connect(self._count)
        desk.reference_changed.connect(self._reference_loaded)
        desk.changed.connect(self._data_changed)
        self._selection_changed()

    def activate(self) -> None:
        self.ui.carsView.setFocus()

    def location_name(self, zip_code: str) -> str:
        branch = self.desk.branches.get(zip_code)
        return branch.name if branch else zip_code

    def _reference_loaded(self) -> None:
        ui = self.ui
        for combo, everything, items in (
            (ui.classCombo, "All classes", [(c.name, c.code) for c in self.desk.vehicle_classes.values()]),
            (ui.locationCombo, "All locations", [(b.label, b.zip_code) for b in self.desk.branches.values()]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for label, key in items:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self.reload()

    # -- rows ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load every car."""
        self.desk.run(lambda: queries.list_cars(self.desk.db, self.desk.now()), self.model.set_rows)

    def _data_changed(self, changes: Changes) -> None:
        if not changes.cars:
            return
        ids = set(changes.cars)
        self.desk.run(
            lambda: queries.list_cars(self.desk.db, self.desk.now(), car_ids=ids),
            lambda found: self.model.update_rows(found, gone=ids - {c.car_id for c in found}),
        )

    def _search(self, words: str) -> None:
        self.proxy.set_search(words)
        self._count()

    def _filter(self, name: str, combo, attribute: str) -> None:  # noqa: ANN001
        wanted = combo.currentData()
        self.proxy.set_condition(name, None if wanted is None else lambda car: getattr(car, attribute) == wanted)
        self._count()

    def _count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        free = sum(1 for row in range(shown) if self.proxy.row_at(row).state == queries.STATE_AVAILABLE)
        cars = f"{shown:,} of {count(total, 'car')}" if shown != total else count(total, "car")
        self.ui.countLabel.setText(f"{cars} · {free:,} available now")
        self.empty_note.update()

    def _why_empty(self) -> str:
        ui = self.ui
        if self.model.rowCount() == 0:
            return "No cars yet: add one (Ctrl+N) or import a fleet CSV (Ctrl+I)."
        narrowed = [combo.currentText() for combo in (ui.classCombo, ui.statusCombo, ui.locationCombo)
                    if combo.currentData() is not None]
        words = ui.searchEdit.text().strip()
        what = f"No car matches “{words}”" if words else "No car"
        return what + (f" in {', '.join(narrowed)}" if narrowed else "") + f" (of {count(self.model.rowCount(), 'car')})."

    def selected(self) -> CarRow | None:
        rows = self.ui.carsView.selectionModel().selectedRows()
        return self.proxy.row_of(rows[0]) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        self.ui.editButton.setEnabled(self.selected() is not None and may(Permission.EDIT_FLEET, self.desk.db))

    def role_changed(self) -> None:
        """Someone else signed in: Edit car as their role and the selection allow."""
        self._selection_changed()

    # -- add and edit -------------------------------------------------------------------------------

    def add_car(self) -> None:
        self._open_dialog(None)

    def edit_selected(self) -> None:
        car = self.selected()
        if car is not None:
            self._open_dialog(car)

    def _open_dialog(self, car: CarRow | None) -> None:
        self.dialog = CarDialog(self.desk, car, self)
        self.dialog.open()

    # -- import -------------------------------------------------------------------------------------

    def choose_import_file(self) -> None:
        """Ask for a fleet CSV (the import starts when one is chosen)."""
        dialog = QFileDialog(self, "Import a fleet CSV", str(Path.home()), "Fleet files (*.csv);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.fileSelected.connect(self.import_file)
        self.file_dialog = dialog
        dialog.open()

    def import_file(self, path: str, allow_new: bool = False) -> None:
        """Import ``path``: every row is checked first; all rows or none are saved. A class or a zip
        code the database lacks is a problem on its line unless ``allow_new`` (the report's tick
        box, then Import again)."""
        progress = QProgressDialog(f"Checking every row of {Path(path).name}, then saving…", "", 0, 0, self)
        progress.setWindowTitle("Fleet import")
        progress.setCancelButton(None)
        progress.setMinimumDuration(0)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.show()
        self.progress = progress
        db = self.desk.db

        link = self.desk.service.link  # a branch of a network: head office owns the fleet

        def job() -> tuple[Imported, list[int]]:
            done = import_fleet(db, path, link=link, allow_new=allow_new)
            return done, [car.car_id for car in queries.list_cars(db, self.desk.now())]

        self.desk.run(job, lambda result: self._imported(path, *result, sent=link is not None),
                      lambda error: self._import_refused(path, error))

    def _imported(self, path: str, done: Imported, car_ids: list[int], *, sent: bool = False) -> None:
        self._end_progress()
        self.desk.load_reference()  # the file may bring new classes and locations
        self.desk.publish(Changes(cars=frozenset(car_ids)))
        cars = f"{count(done.count, 'car')} from {Path(path).name}"
        news = f" With them: {done.news}." if done.news else ""
        self._report((f"Sent {cars} to head office: they show here once head office applies them." if sent
                      else f"Imported {cars}: added or updated.") + news, [])

    def _import_refused(self, path: str, error: RentalError) -> None:
        self._end_progress()
        problems = error.problems if isinstance(error, FleetFileError) else [(0, error.field, error.message)]
        new = error.new if isinstance(error, NewInFile) else ()
        ask = (f" It names {', '.join(new)}, not known here: if these are not typos, tick the box below and "
               "import again." if new else "")
        self._report(
            f"Nothing was imported from {Path(path).name}: {count(len(problems), 'problem')} to correct first. "
            "Fix the file and import it again." + ask,
            [Problem(line, column or "", message) for line, column, message in problems],
            again=(lambda: self.import_file(path, allow_new=True)) if new else None,
        )

    def _end_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    def _report(self, summary: str, problems: list[Problem], again: Callable[[], None] | None = None) -> None:
        self.report = ImportReport(summary, problems, self, again=again)
        self.report.open()

    # -- remembered layout --------------------------------------------------------------------------

    def restore_state(self) -> None:
        self.view_state.restore(headers={"grid": self.ui.carsView.horizontalHeader()})

    def save_state(self) -> None:
        self.view_state.save(headers={"grid": self.ui.carsView.horizontalHeader()})


class CarDialog(QDialog):
    """Add a car or edit one; the fields are checked by the fleet file's rules and shown inline."""

    FIELDS = ("plate_number", "model", "year", "color", "transmission", "cost_per_day", "vehicle_class",
              "zip_code", "status", "odometer", "driver_id")

    def __init__(self, desk: DeskContext, car: CarRow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.car = car
        self.ui = Ui_CarDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.inputs: dict[str, QLineEdit | QComboBox] = dict(zip(self.FIELDS, (
            ui.plateEdit, ui.modelEdit, ui.yearEdit, ui.colorEdit, ui.transmissionCombo, ui.costEdit, ui.classCombo,
            ui.locationCombo, ui.statusCombo, ui.odometerEdit, ui.driverCombo)))
        self.messages = FieldMessages(
            labels=dict(zip(self.FIELDS, (ui.errorPlate, ui.errorModel, ui.errorYear, ui.errorColor, ui.errorTransmission,
                                          ui.errorCost, ui.errorClass, ui.errorLocation, ui.errorStatus, ui.errorOdometer,
                                          ui.errorDriver))),
            inputs=self.inputs,
            general=ui.formError,
        )
        for value in TRANSMISSIONS:
            ui.transmissionCombo.addItem(value.capitalize(), value)
        for vclass in desk.vehicle_classes.values():
            ui.classCombo.addItem(vclass.name, vclass.code)
        for branch in desk.branches.values():
            ui.locationCombo.addItem(branch.label, branch.zip_code)
        def show_unit() -> None:  # the odometer in the unit of the car's location
            branch = desk.branches.get(ui.locationCombo.currentData())
            ui.odometerLabel.setText(f"&Odometer ({branch.distance_unit if branch else 'mi'})")

        ui.locationCombo.currentIndexChanged.connect(show_unit)
        show_unit()
        for status in CarStatus:
            ui.statusCombo.addItem(status.value.capitalize(), status.value)
        ui.driverCombo.addItem("No default driver", None)
        ui.buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self.save)
        if car is None:
            self.setWindowTitle("Add a car")
            ui.titleLabel.setText("Add a car")
            counter = desk.counter_branch
            if counter is not None:
                ui.locationCombo.setCurrentIndex(ui.locationCombo.findData(counter.zip_code))
            ui.odometerEdit.setText("0")
        else:
            self.setWindowTitle(f"Car {car.plate_number}")
            history = ui.buttons.addButton("&History…", QDialogButtonBox.ButtonRole.ActionRole)
            history.setObjectName("historyButton")
            history.setToolTip("Who changed this car, when, where and what")
            history.clicked.connect(lambda: open_history(self, desk, audit.CAR, str(car.car_id), f"car {car.plate_number}"))
            ui.titleLabel.setText(f"{car.plate_number} · {car.model}")
            for edit, value in ((ui.plateEdit, car.plate_number), (ui.modelEdit, car.model), (ui.yearEdit, str(car.year)),
                                (ui.colorEdit, car.color), (ui.costEdit, str(car.cost_per_day)),
                                (ui.odometerEdit, str(car.odometer))):
                edit.setText(value)
            for combo, value in ((ui.transmissionCombo, car.transmission), (ui.classCombo, car.vehicle_class),
                                 (ui.locationCombo, car.zip_code), (ui.statusCombo, car.status)):
                combo.setCurrentIndex(combo.findData(value))
        desk.run(lambda: queries.list_drivers(desk.db, desk.now()), self._drivers_loaded)

    def _drivers_loaded(self, drivers: list[DriverRow]) -> None:
        combo = self.ui.driverCombo
        for driver in drivers:
            combo.addItem(f"{driver.name} ({driver.licence_number})", driver.id)
        if self.car is not None and self.car.driver_id is not None:
            combo.setCurrentIndex(combo.findData(self.car.driver_id))

    def values(self) -> dict[str, object]:
        """The form's fields as the fleet rules take them (text as typed, choices by key)."""
        return {
            name: widget.currentData() if isinstance(widget, QComboBox) else widget.text()
            for name, widget in self.inputs.items()
        }

    def save(self) -> None:
        self.messages.clear()
        values = self.values()
        db, car, now = self.desk.db, self.car, self.desk.now()
        link = self.desk.service.link  # a branch of a network: head office owns the fleet
        if car is None:
            def job() -> CarWrite | None:
                car_id = add_car(db, values, link=link)
                return None if car_id is None else CarWrite(car_id, True, {})
        else:
            def job() -> CarWrite | None:
                return update_car(db, car.car_id, values, now=now, link=link)
        self.ui.buttons.setEnabled(False)
        self.desk.run(job, self._saved, self._refused)

    def _saved(self, done: CarWrite | None) -> None:
        plate = normalize_plate(str(self.values().get("plate_number", "")))
        if done is None:  # sent to head office: the car comes back on the fleet topic
            self.desk.notice.emit(f"Car {plate} sent to head office; it shows here once head office applies it.")
        else:
            self.desk.publish(Changes(cars=frozenset({done.car_id, *done.moved.values()}),
                                      reservations=frozenset(done.moved)))
            if done.moved or done.needs_car:
                moved = f"{count(len(done.moved), 'reservation')} moved to other cars" if done.moved else ""
                stuck = f"{', '.join(done.needs_car)} need{'s' if len(done.needs_car) == 1 else ''} a car" if done.needs_car else ""
                self.desk.notice.emit(f"Car {plate} saved; " + "; ".join(p for p in (moved, stuck) if p) + ".")
        self.accept()

    def _refused(self, error: RentalError) -> None:
        self.ui.buttons.setEnabled(True)
        self.messages.focus(self.messages.show(error))


class ImportReport(QDialog):
    """What a fleet import did: the count, or every bad field by line."""

    def __init__(self, summary: str, problems: list[Problem], parent: QWidget | None = None, *,
                 again: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ImportReport()
        self.ui.setupUi(self)
        self.ui.summaryLabel.setText(summary)
        # New classes and locations need an explicit yes: the tick box, then Import again.
        for widget in (self.ui.allowNewCheck, self.ui.importAgainButton):
            widget.setVisible(again is not None)
        self.ui.allowNewCheck.toggled.connect(self.ui.importAgainButton.setEnabled)
        if again is not None:
            self.ui.importAgainButton.clicked.connect(self.accept)
            self.ui.importAgainButton.clicked.connect(again)
        self.problems = ProblemTableModel(self)
        setup_grid(self.ui.problemsView, self.problems, sort_column=ProblemTableModel.COL_LINE)
        self.problems.set_rows(problems)
        self.ui.problemsView.setVisible(bool(problems))
        if not problems:
            self.resize(self.width(), 160)
