"""Words for clerks: counts read '1 reservation', '3 reservations'; a vehicle class has one name
everywhere in the desk, its name from the database ('Minivan', never its code 'VAN')."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from rentaldesk.models import VehicleClass
from rentaldesk.gui.tablemodels import CarTableModel, PoolStatusModel, ReservationTableModel
from tests.gui.conftest import ZIP, settle


def cell(model, row: int, column: int) -> str:  # noqa: ANN001
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


def test_a_class_has_its_one_name_on_every_screen(open_desk, fleet, db, svc, clock, qtbot):
    (van,) = fleet.cars(1, "VAN")
    with db.write() as s:
        s.get(VehicleClass, "VAN").name = "Minivan"
    made = svc.create_reservation(email="vi@example.com", name="Vi", vehicle_class="VAN", zip_code=ZIP,
                                  start=clock() + timedelta(days=1), end=clock() + timedelta(days=3))
    desk = open_desk()
    desk.show_screen(1)
    desk.reservations.ui.upcomingButton.click()
    settle(qtbot, desk)
    grid = desk.reservations.model
    assert cell(grid, 0, ReservationTableModel.COL_CLASS) == "Minivan"
    assert desk.reservations.ui.countLabel.text() == "1 reservation"
    desk.reservations.ui.reservationsView.selectRow(0)
    desk.reservations.open_selected()
    settle(qtbot, desk)
    assert desk.reservations.dialog.ui.infoLabel.text().startswith("Minivan at ")
    desk.reservations.dialog.reject()

    desk.show_screen(2)
    settle(qtbot, desk)
    cars = desk.fleet.model
    assert cell(cars, cars.position_of(van), CarTableModel.COL_CLASS) == "Minivan"
    assert desk.fleet.ui.countLabel.text().startswith("1 car · ")
    assert [desk.fleet.ui.classCombo.itemText(i) for i in range(desk.fleet.ui.classCombo.count())] == [
        "All classes", "Minivan"]
    desk.fleet.add_car()
    settle(qtbot, desk)
    combo = desk.fleet.dialog.ui.classCombo
    assert combo.itemText(combo.findData("VAN")) == "Minivan"
    desk.fleet.dialog.reject()

    desk.show_screen(4)
    settle(qtbot, desk)
    pools = desk.board.pools
    assert cell(pools, 0, PoolStatusModel.COL_CLASS) == "Minivan"
    assert "1 car ·" in desk.board.ui.updatedLabel.text()
    assert desk.board.ui.timeline._cars[0].vehicle_class == "Minivan"
    assert made.reference in {b.reference for b in desk.board.data.bars}


def test_a_driver_reads_free_on_a_job_or_inactive_never_on_rent(open_desk, fleet, qtbot):
    from rentaldesk.gui.tablemodels import DriverTableModel

    fleet.cars(1)
    fleet.driver("Ann Active")
    fleet.driver("Ian Inactive", status="inactive")
    desk = open_desk()
    desk.show_screen(3)
    settle(qtbot, desk)
    model = desk.drivers.model
    statuses = {model.row_at(i).name: cell(model, i, DriverTableModel.COL_STATUS) for i in range(model.rowCount())}
    assert statuses == {"Ann Active": "free", "Ian Inactive": "inactive"}
