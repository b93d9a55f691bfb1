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


def test_an_agreements_steps_show_in_its_reservations_and_its_cars_history(desk, qtbot, db, clock, signed_in,
                                                                           tmp_path):
    from datetime import timedelta
    from decimal import Decimal

    from rentaldesk.agreement_service import AgreementService
    from rentaldesk.damage import DamageMark, Zone
    from rentaldesk.gui.history_panel import open_history
    from tests.contract_helpers import check_in_value, check_out_value, may_rent

    service = desk.desk.service
    start = clock() + timedelta(hours=3)
    r = service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
                                   start=start, end=start + timedelta(days=2))
    may_rent(db, r.customer_id)
    clock.now = start
    a = service.check_out(check_out_value(r.id))
    clock.now = start + timedelta(days=2)
    dent = DamageMark(Zone.REAR, 0.5, 0.6, "dent in the bumper")
    service.check_in(check_in_value(a.id, clock.now, damage=(dent,), damage_charge=Decimal("150.00")))
    AgreementService(service).release_deposit(a.id)

    for kind, record_id, name in ((audit.RESERVATION, r.id, f"reservation {r.reference}"),
                                  (audit.CAR, str(a.car_id), f"car {a.plate_number}")):
        dialog = open_history(desk, desk.desk, kind, record_id, name)
        model = dialog.panel.model
        qtbot.waitUntil(lambda model=model: model.rowCount() >= 4)
        rows = [cells(model, i) for i in range(model.rowCount())]
        what = [row[3] for row in rows]
        assert f"agreement {a.number}: checked-out: " in "\n".join(what), what
        checked_in = next(w for w in what if w.startswith(f"agreement {a.number}: checked-in: "))
        assert "status: on rent → returned" in checked_in and "in_odometer: — → 1400" in checked_in
        damage = [w for w in what if w.startswith(f"damage mark, agreement {a.number}: created: ")]
        assert len(damage) == 2 and any("note: dent in the bumper" in w for w in damage), what
        assert {row[1] for row in rows if "agreement" in row[3]} == {"ann.clerk (clerk)"}
        if kind == audit.RESERVATION:  # the ledger's rows are the reservation's agreement's, not the car's
            assert any(w.startswith("payment: created: ") and "kind: deposit-release" in w for w in what), what
        else:
            assert not any(w.startswith("payment: ") for w in what), what
        dialog.close()


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_render_a_cars_history_with_its_agreement(desk, qtbot, db, clock, signed_in, width, height, tmp_path):
    from datetime import timedelta

    from rentaldesk.gui.history_panel import open_history
    from tests.contract_helpers import check_in_value, check_out_value, may_rent

    service = desk.desk.service
    start = clock() + timedelta(hours=3)
    r = service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
                                   start=start, end=start + timedelta(days=2))
    may_rent(db, r.customer_id)
    clock.now = start
    a = service.check_out(check_out_value(r.id))
    clock.now = start + timedelta(days=2)
    service.check_in(check_in_value(a.id, clock.now))
    desk.resize(width, height)
    dialog = open_history(desk, desk.desk, audit.CAR, str(a.car_id), f"car {a.plate_number}")
    dialog.resize(width, height)
    qtbot.waitUntil(lambda: dialog.panel.model.rowCount() >= 3)
    settle(qtbot, desk)
    out = Path(tmp_path if "RENTALDESK_SHOTS" not in __import__("os").environ
               else __import__("os").environ["RENTALDESK_SHOTS"]) / f"car-history-{width}x{height}.png"
    assert dialog.grab().save(str(out))
    dialog.close()


def test_a_staff_accounts_history_shows_no_secret(desk, qtbot, db):
    from sqlalchemy import select

    from rentaldesk import staff
    from rentaldesk.actor import acting_as
    from rentaldesk.gui.history_panel import open_history
    from rentaldesk.models import Staff

    admin = Actor("root", "admin", ZIP, "desk-9")
    with acting_as(admin):  # (nobody signed in and no account yet: the first admin may be made)
        staff.add_staff(db, username="root", name="Root Admin", role="admin", password="root-pass-0")
        staff.add_staff(db, username="ann", name="Ann Lee", role="clerk", password="ann-first-1", pin="90817263")
        staff.update_staff(db, "ann", password="ann-second-2", pin="71625384")
    with db.session() as s:
        secrets = {h for row in s.scalars(select(Staff)) for h in (row.password_hash, row.pin_hash) if h}
    sign_in(admin)
    try:
        dialog = open_history(desk, desk.desk, audit.STAFF, "ann", "Ann Lee")
        model = dialog.panel.model
        qtbot.waitUntil(lambda: model.rowCount() == 2)
        shown = "\n".join(str(model.data(model.index(r, c), role)) for r in range(model.rowCount())
                          for c in range(model.columnCount())
                          for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole))
        assert cells(model, 0)[3] == "password: (set) → (changed); pin: (set) → (changed)"
        assert cells(model, 0)[1] == "root (admin)"
        for secret in (*secrets, "ann-first-1", "ann-second-2", "90817263", "71625384"):
            assert secret not in shown and secret.rsplit("$", 1)[-1] not in shown, secret
        dialog.close()
    finally:
        sign_in(None)
