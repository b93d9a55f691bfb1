"""Every grid model (and the filter proxy in front of them) passes pytest-qt's model tester, through
resets, updates, removals, sorting and filtering."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from rentaldesk import queries
from rentaldesk.gui.tablemodels import (
    ID_ROLE,
    ROW_ROLE,
    STATUS_ROLE,
    AssignmentTableModel,
    CarTableModel,
    DriverTableModel,
    FreeCarModel,
    PoolStatusModel,
    Problem,
    ProblemTableModel,
    ReservationTableModel,
    RowFilterProxy,
)
from tests.conftest import T0, day

NY = ZoneInfo("America/New_York")


@pytest.fixture
def booked(db, fleet, svc, clock):
    suvs = fleet.cars(3, "SUV")
    fleet.cars(2, "VAN", status="maintenance")
    dee = fleet.driver()
    a = svc.create_reservation(email="a@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                               start=day(0, 3), end=day(2), driver_id=dee, car_id=suvs[0])
    svc.create_reservation(email="b@example.com", name="Bob", vehicle_class="SUV", zip_code="10001",
                           start=day(3), end=day(4))
    return {"dee": dee, "first": a}


def models(db, clock, booked):
    now = clock()
    yield CarTableModel(lambda z: NY, lambda z: f"Branch {z}"), queries.list_cars(db, now)
    yield FreeCarModel(lambda z: NY, lambda z: z), queries.list_cars(db, now)[:2]
    yield ReservationTableModel(lambda z: NY), queries.find_reservations(db)
    yield DriverTableModel(lambda z: NY), queries.list_drivers(db, now)
    yield AssignmentTableModel(lambda z: NY), queries.driver_assignments(db, booked["dee"])
    yield PoolStatusModel(), queries.fleet_status(db, now)
    yield ProblemTableModel(), [Problem(3, "year", "'20x4' is not a whole number"), Problem(0, "", "file not found")]


@pytest.mark.parametrize("kind", range(7))
@pytest.mark.parametrize("through_proxy", [False, True])
def test_every_model_passes_the_model_tester(qtmodeltester, db, clock, booked, kind, through_proxy):
    model, rows = list(models(db, clock, booked))[kind]
    assert rows, type(model).__name__
    model.set_rows(rows)
    proxy = RowFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy if through_proxy else model)
    # updates, additions, removals, sorting and filtering keep it consistent (the tester watches)
    model.update_rows(rows[:1], gone=[model.row_id(rows[-1])])
    model.update_rows([rows[-1]])
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    proxy.set_search(model.columns[0].text(model, rows[0])[:2])
    proxy.set_search("")
    model.set_rows(rows)
    assert model.rowCount() == len(rows)


def test_cells_roles_and_sorting(db, clock, booked):
    model = CarTableModel(lambda z: NY, lambda z: f"Branch {z}")
    model.set_rows(queries.list_cars(db, clock()))
    proxy = RowFilterProxy()
    proxy.setSourceModel(model)
    first = booked["first"]
    position = model.position_of(first.car_id)
    cell = model.index(position, CarTableModel.COL_STATE)
    assert (cell.data(), cell.data(STATUS_ROLE), cell.data(ID_ROLE)) == ("reserved", "reserved", first.car_id)
    assert cell.data(ROW_ROLE).plate_number == first.plate_number
    assert model.index(position, CarTableModel.COL_COST).data() == "$90.00"
    assert model.index(position, CarTableModel.COL_COST).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(position, CarTableModel.COL_NEXT).data() == f"{first.reference} · 04 Mar 10:00"
    assert model.index(position, CarTableModel.COL_LOCATION).data() == "Branch 10001"
    # sorting is the model's, by typed keys; blanks last
    proxy.sort(CarTableModel.COL_NEXT, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, CarTableModel.COL_NEXT).data().startswith(first.reference)
    assert proxy.index(proxy.rowCount() - 1, CarTableModel.COL_NEXT).data() == ""
    proxy.set_condition("state", lambda car: car.state == "maintenance")
    assert proxy.rowCount() == 2
    proxy.set_search("t0000")  # plates T00001...: and the condition still applies
    assert proxy.rowCount() == 2
    proxy.set_condition("state", None)
    proxy.set_search("T00001 reserved")  # every word must match
    assert [proxy.row_at(r).plate_number for r in range(proxy.rowCount())] == ["T00001"]
    assert T0 + timedelta(0) == clock() and Decimal("1")
