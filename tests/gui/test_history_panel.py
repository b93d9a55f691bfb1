"""The History panel (issue 13 item 4) through the real widgets: a customer edited at the desk by a
signed-in clerk shows who, when, where and what; the model holds ids and reads rows on demand, a
page at a time (checked with qtmodeltester); the reservation and car screens open theirs; rendered
at both sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rentaldesk import audit
from rentaldesk.actor import Actor, sign_in
from rentaldesk.gui.history_panel import PAGE, AuditHistoryModel, HistoryDialog
from rentaldesk.models import Car
from tests.conftest import day
from tests.gui.conftest import ZIP, settle

CUSTOMERS = 5
CLERK = Actor("ann.clerk", "clerk", ZIP, "desk-1")


@pytest.fixture
def signed_in():
    sign_in(CLERK)  # the desk's worker thread acts for the process's clerk
    yield CLERK
    sign_in(None)


def book(desk, email="bea@example.com", name="Bea Lu", start=None, end=None):  # noqa: ANN001, ANN201
    return desk.desk.service.create_reservation(email=email, name=name, vehicle_class="SUV", zip_code=ZIP,
                                                start=start or day(1), end=end or day(3))


def dialogs() -> list[HistoryDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, HistoryDialog) and w.isVisible()]


def cells(model: AuditHistoryModel, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def test_a_customers_change_shows_who_when_where_and_what(desk, qtbot, db, signed_in):
    r = book(desk)
    desk.desk.service.cancel_reservation(r.id)
    desk.show_screen(CUSTOMERS)
    settle(qtbot, desk)
    screen = desk.customers
    screen.ui.customersView.selectRow(0)
    settle(qtbot, desk)
    screen.ui.phoneEdit.selectAll()
    qtbot.keyClicks(screen.ui.phoneEdit, "555-0142")
    qtbot.mouseClick(screen.ui.saveButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert screen.ui.historyButton.isEnabled()
    qtbot.mouseClick(screen.ui.historyButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    (dialog,) = dialogs()
    panel = dialog.panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    newest = cells(panel.model, 0)
    assert newest[1] == "ann.clerk (clerk)" and newest[2] == f"{ZIP} / desk-1"
    assert newest[3] == "phone: — → 555-0142"
    assert cells(panel.model, 1)[3].startswith("created: name: Bea Lu")
    assert panel.title.text() == "History of Bea Lu: 2 changes, newest first"
    dialog.close()

    # the reservation's own history: made, then cancelled (the status in words)
    desk.desk.service.get_reservation(r.id)
    from rentaldesk.gui.history_panel import open_history

    opened = open_history(desk, desk.desk, audit.RESERVATION, r.id, f"reservation {r.reference}")
    qtbot.waitUntil(lambda: opened.panel.model.rowCount() == 2)
    assert cells(opened.panel.model, 0)[3] == "status: confirmed → cancelled"
    opened.close()


def test_the_model_holds_ids_and_reads_a_page_at_a_time(qtmodeltester):
    views = {i: audit.AuditView(id=i, event_id=f"e{i}", at=day(0), username="u", role="clerk", branch="1",
                                workstation="w", origin="", record_kind="car", record_id="7", label="T1",
                                action="changed", changes={"odometer": [i, i + 1]}) for i in range(1, 251)}
    asked: list[list[int]] = []

    def fetch(ids):  # noqa: ANN001, ANN202
        asked.append(list(ids))
        return {i: views[i] for i in ids}

    from datetime import timezone

    model = AuditHistoryModel(fetch, lambda: timezone.utc)
    model.set_ids(sorted(views, reverse=True))
    assert model.rowCount() == 250 and asked == []  # nothing read until a row is shown
    assert cells(model, 0)[3] == "odometer: 250 → 251"
    assert asked == [list(range(250, 250 - PAGE, -1))]
    assert cells(model, PAGE - 1)[3] == f"odometer: {251 - PAGE} → {252 - PAGE}" and len(asked) == 1
    cells(model, PAGE)
    assert len(asked) == 2
    qtmodeltester.check(model)


def test_the_car_dialog_opens_the_cars_history(desk, qtbot, db, signed_in):
    from rentaldesk.gui.fleet_grid import CarDialog
    from rentaldesk.queries import list_cars

    with db.write() as s:
        car = s.query(Car).first()
        car.color = "Red"
        car_id, plate = car.car_id, car.plate_number
    row = next(c for c in list_cars(db, day(0)) if c.car_id == car_id)
    dialog = CarDialog(desk.desk, row, desk)
    button = dialog.findChild(type(dialog.ui.buttons.buttons()[0]), "historyButton")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    (history,) = dialogs()
    qtbot.waitUntil(lambda: history.panel.model.rowCount() >= 1)
    assert cells(history.panel.model, 0)[3] == "color: White → Red" and history.windowTitle() == f"History — car {plate}"
    history.close()
    dialog.close()


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_render_the_history_panel(desk, qtbot, db, signed_in, width, height, tmp_path):
    r = book(desk)
    for phone in ("555-0100", "555-0101"):
        desk.desk.service.update_reservation(r.id, phone=phone)
    desk.desk.service.cancel_reservation(r.id)
    desk.resize(width, height)
    from rentaldesk.gui.history_panel import open_history

    dialog = open_history(desk, desk.desk, audit.RESERVATION, r.id, f"reservation {r.reference}")
    dialog.resize(width, height)  # the panel as big as the window it opens over
    qtbot.waitUntil(lambda: dialog.panel.model.rowCount() >= 2)
    settle(qtbot, desk)
    out = Path(tmp_path if "RENTALDESK_SHOTS" not in __import__("os").environ
               else __import__("os").environ["RENTALDESK_SHOTS"]) / f"history-{width}x{height}.png"
    assert dialog.grab().save(str(out))
    dialog.close()
