"""Search finds a reference from any view of the reservations; an empty list says why it is empty."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import ZIP, settle


def references(desk) -> list[str]:  # noqa: ANN001
    screen = desk.reservations
    return [screen.proxy.row_at(r).reference for r in range(screen.proxy.rowCount())]


@pytest.mark.parametrize("view", ["todayButton", "upcomingButton", "allButton"])
def test_a_reference_is_found_from_any_view(desk, qtbot, clock, view):
    later = desk.desk.service.create_reservation(
        email="far@example.com", name="Far", vehicle_class="SUV", zip_code=ZIP,
        start=clock() + timedelta(days=4, hours=12), end=clock() + timedelta(days=6))
    desk.desk.service.cancel_reservation(later.id)  # not upcoming, not today: only "All" lists it
    desk.show_screen(1)
    ui = desk.reservations.ui
    getattr(ui, view).click()
    settle(qtbot, desk)
    qtbot.keyClicks(ui.searchEdit, later.reference.lower())
    settle(qtbot, desk)
    assert references(desk) == [later.reference]
    assert ui.countLabel.text() == f"1 reservation matching “{later.reference.lower()}”, every date"
    qtbot.keyClick(ui.searchEdit, Qt.Key.Key_Return)  # and Enter opens it
    qtbot.waitUntil(lambda: desk.reservations.dialog is not None and desk.reservations.dialog.isVisible())
    assert desk.reservations.dialog.ui.referenceLabel.text() == later.reference
    desk.reservations.dialog.reject()


def test_an_empty_reservations_list_says_why(desk, qtbot):
    desk.show_screen(1)
    screen = desk.reservations
    ui = screen.ui
    settle(qtbot, desk)
    assert screen.empty_note.label.isVisible()
    assert screen.empty_note.text() == "No pick-ups or returns today at Branch 10001."
    qtbot.keyClicks(ui.searchEdit, "nobody")
    settle(qtbot, desk)
    assert screen.empty_note.text().startswith("No reservation matches “nobody”. The search looks in every reservation")
    ui.searchEdit.clear()
    ui.upcomingButton.click()
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData("confirmed"))
    settle(qtbot, desk)
    assert screen.empty_note.text() == "No reservation is waiting to be picked up or returned with the status “confirmed”."
    ui.allButton.click()
    ui.statusCombo.setCurrentIndex(0)
    settle(qtbot, desk)
    assert screen.empty_note.text() == "No reservations yet."


def test_a_list_with_rows_shows_no_note(desk, qtbot, clock):
    desk.desk.service.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code=ZIP,
                                         start=clock() + timedelta(hours=3), end=clock() + timedelta(days=1, hours=3))
    desk.show_screen(1)
    settle(qtbot, desk)
    assert references(desk) and not desk.reservations.empty_note.label.isVisible()
    assert desk.reservations.empty_note.text() == ""


def test_an_empty_fleet_or_drivers_list_says_why(desk, qtbot):
    desk.show_screen(2)
    settle(qtbot, desk)
    fleet = desk.fleet
    qtbot.keyClicks(fleet.ui.searchEdit, "tractor")
    assert fleet.empty_note.label.isVisible()
    assert fleet.empty_note.text() == "No car matches “tractor” (of 4 cars)."
    fleet.ui.searchEdit.clear()
    fleet.ui.classCombo.setCurrentIndex(fleet.ui.classCombo.findData("SUV"))
    fleet.ui.statusCombo.setCurrentIndex(fleet.ui.statusCombo.findData("maintenance"))
    assert fleet.empty_note.text() == "No car in SUV, Maintenance (of 4 cars)."
    desk.show_screen(3)
    settle(qtbot, desk)
    drivers = desk.drivers
    qtbot.keyClicks(drivers.ui.searchEdit, "nobody")
    assert drivers.empty_note.text() == "No driver matches “nobody”."
    drivers.ui.freeOnlyCheck.click()
    assert drivers.empty_note.text() == "No driver matches “nobody” and is free now."


def test_an_empty_fleet_says_how_to_fill_it(open_desk, fleet, qtbot):
    fleet.branch()
    desk = open_desk()
    desk.show_screen(2)
    settle(qtbot, desk)
    assert desk.fleet.empty_note.text() == "No cars yet: add one (Ctrl+N) or import a fleet CSV (Ctrl+I)."
