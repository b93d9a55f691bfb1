"""The car dialog reads the odometer in the unit of the car's location (Branch.distance_unit)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import update

from rentaldesk.models import Branch
from tests.gui.conftest import ZIP, settle


def test_the_odometer_label_names_the_location_s_unit(open_desk, counter, db, qtbot):  # noqa: ANN001
    counter.cars(1, "SUV", zip_code="75001")
    with db.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == "75001").values(distance_unit="km"))
    desk = open_desk()
    desk.show_screen(2)
    settle(qtbot, desk)
    qtbot.keyClick(desk.fleet.ui.carsView, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = desk.fleet.dialog
    qtbot.waitUntil(dialog.isVisible)
    d = dialog.ui
    assert d.locationCombo.currentData() == ZIP
    assert d.odometerLabel.text() == "&Odometer (mi)"
    d.locationCombo.setCurrentIndex(d.locationCombo.findData("75001"))
    assert d.odometerLabel.text() == "&Odometer (km)"
    d.locationCombo.setCurrentIndex(d.locationCombo.findData(ZIP))
    assert d.odometerLabel.text() == "&Odometer (mi)"
    dialog.reject()
