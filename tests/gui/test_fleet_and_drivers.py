"""Fleet grid (filters, sorting, status colours, car dialog, CSV import) and the drivers screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from rentaldesk.gui.tablemodels import STATUS_ROLE, CarTableModel
from rentaldesk.models import Car
from tests.conftest import day
from tests.gui.conftest import ZIP, settle

HEADER = "plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code"


def plates(screen):
    return [screen.proxy.row_at(r).plate_number for r in range(screen.proxy.rowCount())]


def cars(db):
    with db.session() as s:
        return {c.plate_number: c for c in s.scalars(select(Car))}


def test_grid_filters_sorts_and_colours(desk, qtbot):
    fleet = desk.fleet
    desk.desk.service.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code=ZIP,
                                         start=day(0, 3), end=day(1, 3), car_id=1)
    desk.show_screen(2)
    settle(qtbot, desk)
    ui = fleet.ui
    assert plates(fleet) == ["T00003", "T00004", "T00001", "T00002"]  # by location, then class
    assert ui.countLabel.text() == "4 cars · 3 available now"
    ui.classCombo.setCurrentIndex(ui.classCombo.findData("SUV"))
    assert plates(fleet) == ["T00001", "T00002"]
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData("reserved"))
    assert plates(fleet) == ["T00001"]
    cell = fleet.proxy.index(0, CarTableModel.COL_STATE)
    assert (cell.data(), cell.data(STATUS_ROLE)) == ("reserved", "reserved")  # words and colour key
    ui.statusCombo.setCurrentIndex(0)
    ui.classCombo.setCurrentIndex(0)
    ui.locationCombo.setCurrentIndex(ui.locationCombo.findData(ZIP))
    qtbot.keyClicks(ui.searchEdit, "t00004")
    assert plates(fleet) == ["T00004"]
    ui.searchEdit.clear()
    header = ui.carsView.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(CarTableModel.COL_COST) + 10, header.height() // 2))
    assert [fleet.proxy.row_at(r).cost_per_day for r in range(4)] == sorted(fleet.proxy.row_at(r).cost_per_day for r in range(4))


def test_add_and_edit_a_car_in_the_checked_dialog(desk, db, qtbot):
    desk.show_screen(2)
    settle(qtbot, desk)
    qtbot.keyClick(desk.fleet.ui.carsView, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    dialog = desk.fleet.dialog
    qtbot.waitUntil(dialog.isVisible)
    settle(qtbot, desk)
    d = dialog.ui
    for edit, value in ((d.plateEdit, "ny 900"), (d.modelEdit, "Mazda CX-5"), (d.yearEdit, "20x4"),
                        (d.colorEdit, "Red"), (d.costEdit, "-1")):
        qtbot.keyClicks(edit, value)
    d.classCombo.setCurrentIndex(d.classCombo.findData("SUV"))
    dialog.save()
    qtbot.waitUntil(lambda: d.errorYear.isVisible())
    assert d.errorYear.text() == "The year '20x4' is not a whole number; type a year such as 2024"
    assert d.errorCost.text() == "The day rate -1 must be more than 0; type an amount such as 49.00"
    assert "NY900" not in cars(db)
    d.yearEdit.clear()
    qtbot.keyClicks(d.yearEdit, "2024")
    d.costEdit.clear()
    qtbot.keyClicks(d.costEdit, "82.5")
    d.plateEdit.clear()
    qtbot.keyClicks(d.plateEdit, "T00001")  # taken
    dialog.save()
    qtbot.waitUntil(lambda: "already in the fleet" in d.errorPlate.text())
    assert not d.errorYear.isVisible()
    d.plateEdit.clear()
    qtbot.keyClicks(d.plateEdit, "ny 900")
    d.driverCombo.setCurrentIndex(1)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    car = cars(db)["NY900"]
    assert (car.model, car.year, str(car.cost_per_day), car.vehicle_class, car.zip_code, car.driver_id) == (
        "Mazda CX-5", 2024, "82.50", "SUV", ZIP, 1)
    settle(qtbot, desk)
    assert "NY900" in plates(desk.fleet)  # the grid heard of it
    # edit: a held car cannot leave service
    desk.desk.service.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code=ZIP,
                                         start=day(2), end=day(3), car_id=car.car_id)
    settle(qtbot, desk)
    desk.fleet.ui.searchEdit.setText("ny-900")  # any spelling finds the plate
    desk.fleet.ui.carsView.selectRow(0)
    desk.fleet.edit_selected()
    dialog = desk.fleet.dialog
    d = dialog.ui
    settle(qtbot, desk)
    assert d.plateEdit.text() == "NY900" and d.driverCombo.currentData() == 1
    d.statusCombo.setCurrentIndex(d.statusCombo.findData("retired"))
    dialog.save()
    qtbot.waitUntil(lambda: "cannot be retired" in d.errorStatus.text())
    d.statusCombo.setCurrentIndex(d.statusCombo.findData("available"))
    d.colorEdit.clear()
    qtbot.keyClicks(d.colorEdit, "Blue")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert cars(db)["NY900"].color == "Blue"


def import_through_the_dialog(qtbot, desk, path: Path):
    desk.show_screen(2)
    desk.fleet.ui.importButton.click()
    chooser: QFileDialog = desk.fleet.file_dialog
    qtbot.waitUntil(chooser.isVisible)
    chooser.selectFile(str(path))
    chooser.accept()
    qtbot.waitUntil(lambda: desk.fleet.report is not None and desk.fleet.report.isVisible())
    settle(qtbot, desk)
    return desk.fleet.report


def test_import_a_bad_file_reports_every_problem_and_saves_nothing(desk, db, qtbot, tmp_path):
    bad = tmp_path / "fleet.csv"
    bad.write_text(f"{HEADER}\nNY-1,Kia Rio,20x3,Red,manual,40,ECONOMY,{ZIP}\nNY-2,Kia Rio,2023,Red,sideways,-4,ECONOMY,{ZIP}\n")
    report = import_through_the_dialog(qtbot, desk, bad)
    assert report.ui.summaryLabel.text().startswith("Nothing was imported from fleet.csv: 3 problems")
    rows = [(p.line, p.column) for p in report.problems.rows()]
    assert rows == [(2, "year"), (3, "transmission"), (3, "cost_per_day")]
    assert report.ui.problemsView.isVisible()
    assert len(cars(db)) == 4


def test_import_a_good_file(desk, db, qtbot, tmp_path):
    good = tmp_path / "more.csv"
    good.write_text(f"{HEADER}\nNY-1,Kia Rio,2023,Red,manual,40,ECONOMY,{ZIP}\nBUS-1,Ford Transit,2024,White,manual,120,BUS,{ZIP}\n")
    report = import_through_the_dialog(qtbot, desk, good)
    # BUS is a new class: a problem on its line until the manager ticks the box and imports again
    assert [(p.line, p.column) for p in report.problems.rows()] == [(3, "vehicle_class")]
    assert "BUS" in report.ui.summaryLabel.text() and not report.ui.importAgainButton.isEnabled()
    assert "BUS1" not in cars(db)
    report.ui.allowNewCheck.setChecked(True)
    report.ui.importAgainButton.click()
    qtbot.waitUntil(lambda: desk.fleet.report is not report and desk.fleet.report.isVisible())
    settle(qtbot, desk)
    report = desk.fleet.report
    assert report.ui.summaryLabel.text() == "Imported 2 cars from more.csv: added or updated. With them: new class BUS."
    assert not report.ui.problemsView.isVisible()
    assert {"NY1", "BUS1"} <= set(cars(db))
    assert {"NY1", "BUS1"} <= set(plates(desk.fleet))
    qtbot.waitUntil(lambda: desk.fleet.ui.classCombo.findData("BUS") > 0)  # a new class to filter by


def test_drivers_free_now_and_assignments(desk, qtbot, clock):
    service = desk.desk.service
    r = service.create_reservation(email="a@example.com", name="Ann", vehicle_class="SUV", zip_code=ZIP,
                                   start=day(0, 3), end=day(2), driver_id=1)
    clock.advance(hours=4)  # the job has started
    desk.drivers.reload()
    desk.show_screen(3)
    settle(qtbot, desk)
    screen = desk.drivers
    assert screen.ui.countLabel.text() == "1 driver · 0 free now"
    row = screen.proxy.row_at(0)
    assert (row.name, row.free_now, row.current_reference) == ("Dee Driver", False, r.reference)
    assert screen.proxy.index(0, 2).data().startswith(f"on {r.reference} until")
    screen.ui.driversView.selectRow(0)
    settle(qtbot, desk)
    assert [a.reference for a in screen.assignments.rows()] == [r.reference]
    assert screen.ui.assignmentsLabel.text() == "Assignments of Dee Driver: 1 current or coming"
    screen.ui.freeOnlyCheck.click()
    assert screen.proxy.rowCount() == 0
    service.pick_up(r.id)
    service.return_car(r.id)
    settle(qtbot, desk)
    assert screen.proxy.rowCount() == 1  # free again, heard by the same signal

