"""Hostile text at the desk: a name or a phone pasted with a line break or an escape, a model with
an escape, is refused by the one text rule (rentaldesk.text) next to its field, and nothing is
saved; a fleet file with a new class asks for an explicit yes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from rentaldesk.models import Car, Customer
from tests.gui.conftest import count_reservations, settle
from tests.gui.test_booking import choose_class, form
from tests.gui.test_fleet_and_drivers import HEADER, cars, import_through_the_dialog

ZIP = "10001"


def test_a_pasted_name_or_phone_with_a_line_break_or_an_escape_is_refused_by_its_field(desk, db, qtbot):
    ui = form(desk)
    choose_class(qtbot, desk, "SUV")
    qtbot.keyClicks(ui.emailEdit, "ann@example.com")
    for edit, label, value, phrase in (
        (ui.nameEdit, ui.errorName, "Ann\nrentaldesk: forged", "The name holds a line break at character 4"),
        (ui.nameEdit, ui.errorName, "Ann\u202eeeL", "The name holds a right-to-left override at character 4"),
        (ui.phoneEdit, ui.errorPhone, "555\x1b[8m", "The phone holds an escape character (ESC) at character 4"),
    ):
        ui.nameEdit.setText("Ann Lee")
        ui.phoneEdit.clear()
        edit.setText(value)  # pasted: a line edit keeps what a paste brings
        settle(qtbot, desk)
        qtbot.keyClick(ui.nameEdit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda label=label, phrase=phrase: phrase in label.text())
        settle(qtbot, desk)
        assert label.isVisible() and not ui.resultBanner.isVisible()
        assert count_reservations(db) == 0
    with db.session() as s:
        assert s.scalar(select(Customer)) is None


def test_a_model_with_an_escape_is_refused_in_the_car_dialog(desk, db, qtbot):
    desk.show_screen(2)
    settle(qtbot, desk)
    desk.fleet.add_car()
    dialog = desk.fleet.dialog
    qtbot.waitUntil(dialog.isVisible)
    settle(qtbot, desk)
    d = dialog.ui
    for edit, value in ((d.plateEdit, "NY 900"), (d.yearEdit, "2024"), (d.colorEdit, "Red"), (d.costEdit, "1e308")):
        qtbot.keyClicks(edit, value)
    d.modelEdit.setText("Mazda\x1b[2J")
    d.classCombo.setCurrentIndex(d.classCombo.findData("SUV"))
    dialog.save()
    qtbot.waitUntil(lambda: d.errorModel.isVisible())
    assert d.errorModel.text().startswith("The model holds an escape character (ESC) at character 6")
    assert d.errorCost.text() == "The day rate '1e308' is not an amount; type an amount such as 49.00"
    assert "NY900" not in cars(db)


def test_a_new_class_in_a_file_needs_the_tick_box_and_is_said_with_its_line(desk, db, qtbot, tmp_path):
    """Item 17: a class TRUCK typed by mistake became a new class with only a log line."""
    path = tmp_path / "trucks.csv"
    path.write_text(f"{HEADER},statuss\nNY-7,Ford F-150,2023,Red,manual,90,TRUCK,{ZIP},retired\n")
    report = import_through_the_dialog(qtbot, desk, path)
    assert [(p.line, p.column) for p in report.problems.rows()] == [(1, "statuss")]
    assert not report.ui.allowNewCheck.isVisible()  # nothing new to allow: a misspelt column is fixed in the file
    report.accept()
    path.write_text(f"{HEADER},status\nNY-7,Ford F-150,2023,Red,manual,90,TRUCK,{ZIP},retired\n")
    report = import_through_the_dialog(qtbot, desk, path)
    (problem,) = report.problems.rows()
    assert (problem.line, problem.column) == (2, "vehicle_class")
    assert problem.message.startswith("TRUCK is not a known class (")
    assert "class TRUCK" in report.ui.summaryLabel.text()
    assert report.ui.allowNewCheck.isVisible() and not report.ui.importAgainButton.isEnabled()
    qtbot.keyClick(report.ui.allowNewCheck, Qt.Key.Key_Space)  # the keyboard alone: tick, then Import again
    assert report.ui.importAgainButton.isEnabled()
    report.ui.importAgainButton.setFocus()
    qtbot.keyClick(report.ui.importAgainButton, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: desk.fleet.report is not report and desk.fleet.report.isVisible())
    settle(qtbot, desk)
    assert desk.fleet.report.ui.summaryLabel.text().endswith("With them: new class TRUCK.")
    with db.session() as s:
        assert s.scalar(select(Car.status).where(Car.plate_number == "NY7")) == "retired"
