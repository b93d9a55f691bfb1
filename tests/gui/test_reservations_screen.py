"""Reservations: today's list, upcoming and all, searched and filtered; one opened, changed (the
engine re-checks), cancelled after a confirmation, picked up and returned."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from rentaldesk.gui.checkout_dialog import CheckOutDialog
from tests.conftest import day
from tests.gui.conftest import ZIP, settle

# The clock's "now" is 07:00 in New York on Monday 4 March 2030 (T0).


@pytest.fixture
def book(desk):
    """Books through the desk's own service: the screen hears it by the same signal as its own edits."""

    def booking(email, start, end, vehicle_class="SUV", **kw):
        return desk.desk.service.create_reservation(email=email, name=email.split("@")[0].title(),
                                                    vehicle_class=vehicle_class, zip_code=ZIP,
                                                    start=start, end=end, **kw)

    return booking


def shown(desk):
    screen = desk.reservations
    return [screen.proxy.row_at(r).reference for r in range(screen.proxy.rowCount())]


def open_screen(qtbot, desk):
    desk.show_screen(1)
    settle(qtbot, desk)
    return desk.reservations.ui


def select(qtbot, desk, reference):
    screen = desk.reservations
    screen.ui.searchEdit.clear()
    qtbot.keyClicks(screen.ui.searchEdit, reference)
    settle(qtbot, desk)
    assert shown(desk) == [reference]
    assert screen.selected().reference == reference  # the first match is selected, ready for Enter


def test_views_search_and_filters(desk, qtbot, book):
    today = book("ann@example.com", day(0, 3), day(1, 3))  # picked up today (10:00 local)
    later = book("bob@example.com", day(3), day(5), vehicle_class="ECONOMY")
    gone = book("cy@example.com", day(6), day(8))
    desk.desk.service.cancel_reservation(gone.id)
    ui = open_screen(qtbot, desk)
    assert shown(desk) == [today.reference]
    assert ui.countLabel.text() == "1 pick-up or return today at Branch 10001"
    ui.upcomingButton.click()
    settle(qtbot, desk)
    assert shown(desk) == [today.reference, later.reference]  # live ones only
    ui.allButton.click()
    settle(qtbot, desk)
    assert shown(desk) == [today.reference, later.reference, gone.reference]
    qtbot.keyClicks(ui.searchEdit, "BOB@")
    settle(qtbot, desk)
    assert shown(desk) == [later.reference]
    ui.searchEdit.clear()
    qtbot.keyClicks(ui.searchEdit, later.plate_number)
    settle(qtbot, desk)
    assert later.reference in shown(desk)
    ui.searchEdit.clear()
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData("cancelled"))
    settle(qtbot, desk)
    assert shown(desk) == [gone.reference]
    ui.statusCombo.setCurrentIndex(0)
    ui.datesCheck.click()
    ui.fromDate.setDate(QDate(2030, 3, 7))
    ui.toDate.setDate(QDate(2030, 3, 10))
    settle(qtbot, desk)
    assert shown(desk) == [later.reference, gone.reference]  # picked up 7 and 10 March
    # a booking made elsewhere appears by itself when it matches the filters
    new = book("dee@example.com", day(4), day(6))
    settle(qtbot, desk)
    assert new.reference in shown(desk)


def test_open_change_period_and_name(desk, db, qtbot, book, svc):
    r = book("ann@example.com", day(2), day(3))
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    qtbot.keyClicks(ui.searchEdit, r.reference.lower())
    qtbot.keyClick(ui.searchEdit, Qt.Key.Key_Return)  # type the reference, Enter opens it
    qtbot.waitUntil(lambda: desk.reservations.dialog is not None)
    dialog = desk.reservations.dialog
    qtbot.waitUntil(dialog.isVisible)
    d = dialog.ui
    assert (d.referenceLabel.text(), d.emailEdit.text(), d.statusPill.text()) == (r.reference, "ann@example.com", "Confirmed")
    d.endDate.setFocus()
    qtbot.keyClick(d.endDate, Qt.Key.Key_Up)  # one more day
    d.nameEdit.clear()
    qtbot.keyClicks(d.nameEdit, "Ann Lee")
    qtbot.keyClick(d.nameEdit, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "confirm") is not None)  # the new price, asked first
    box = dialog.findChild(QMessageBox, "confirm")
    new = r.price * 2
    assert f"from <b>${r.price:,.2f}</b> to <b>${new:,.2f}</b> (1 day more at ${r.price:,.2f} a day)" in box.text()
    assert svc.get_reservation(r.id) == r  # nothing saved before the clerk says yes
    answer(qtbot, dialog, f"Save at ${new:,.2f}")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    stored = svc.get_reservation(r.id)
    assert (stored.end, stored.customer_name, stored.price) == (day(4), "Ann Lee", r.price * 2)
    settle(qtbot, desk)
    row = desk.reservations.selected() or desk.reservations.model.row_at(0)
    assert (row.end, row.customer_name) == (day(4), "Ann Lee")  # the grid followed


@pytest.mark.parametrize("case", ["no capacity", "too short", "empty name"])
def test_a_refused_change_shows_inline_and_changes_nothing(desk, qtbot, book, svc, case):
    r = book("ann@example.com", day(2), day(3))
    book("o1@example.com", day(3), day(4))
    book("o2@example.com", day(3), day(4))  # both SUVs are taken the day after
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    select(qtbot, desk, r.reference)
    desk.reservations.open_selected()
    d = desk.reservations.dialog.ui
    if case == "no capacity":
        d.endDate.setFocus()
        qtbot.keyClick(d.endDate, Qt.Key.Key_Up)
        label, phrase = d.errorStart, "cars at 10001 are booked"  # a pool refusal goes to the form
        label = d.formError
    elif case == "too short":
        d.endTime.setFocus()
        qtbot.keyClick(d.endTime, Qt.Key.Key_Down)
        label, phrase = d.errorEnd, "this one is 1 hour too short"
    else:
        d.nameEdit.clear()
        label, phrase = d.errorName, "name is needed"
    d.saveButton.click()
    qtbot.waitUntil(lambda: phrase in label.text())
    assert desk.reservations.dialog.isVisible()
    assert svc.get_reservation(r.id) == r  # exactly as it was


def answer(qtbot, parent, button_text: str) -> None:
    """Click ``button_text`` in the confirmation the screen asks."""
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "confirm") is not None)
    box = parent.findChild(QMessageBox, "confirm")
    assert box.isVisible()
    [button] = [b for b in box.buttons() if b.text() == button_text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_cancel_after_confirmation(desk, qtbot, book, svc):
    r = book("ann@example.com", day(2), day(3))
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    select(qtbot, desk, r.reference)
    ui.cancelButton.click()
    answer(qtbot, desk.reservations, "Keep it")
    settle(qtbot, desk)
    assert svc.get_reservation(r.id).status == "confirmed"
    ui.cancelButton.click()
    answer(qtbot, desk.reservations, "Cancel reservation")
    settle(qtbot, desk)
    assert svc.get_reservation(r.id).status == "cancelled"
    assert shown(desk) == [r.reference]  # the search typed to select it looks in every reservation
    desk.reservations.ui.searchEdit.clear()
    settle(qtbot, desk)
    assert shown(desk) == []  # upcoming shows live reservations only


def test_pick_up_and_return(desk, qtbot, book, svc, clock):
    r = book("ann@example.com", day(0, 3), day(1, 3))
    early = book("bob@example.com", day(2), day(3))
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    select(qtbot, desk, early.reference)
    settle(qtbot, desk)
    # two days ahead: pick-up is not offered, and the line beside the buttons says why
    assert not ui.pickUpButton.isEnabled()
    assert ui.actionError.isVisible() and "pick-up opens 12 hours before" in ui.actionError.text()
    assert "pick-up opens 12 hours before" in ui.pickUpButton.toolTip()
    assert svc.get_reservation(early.id).status == "confirmed"
    select(qtbot, desk, r.reference)
    ui.pickUpButton.click()
    settle(qtbot, desk)
    # the car is handed over in the check-out dialog, and taken back in the check-in dialog (the
    # whole rental: tests/gui/test_checkin_dialog.py); nothing changes until it is confirmed
    dialog = desk.reservations.findChild(CheckOutDialog)
    assert dialog is not None and dialog.isVisible() and dialog.reservation.id == r.id
    dialog.reject()
    assert svc.get_reservation(r.id).status == "confirmed"
    assert QApplication.instance() is not None and clock() == day(0)


def test_a_reservation_needing_a_car_reads_so_and_is_given_another(desk, db, qtbot, book, svc, counter, monkeypatch):
    from rentaldesk.cars import update_car
    from rentaldesk.models import Car
    from PySide6.QtWidgets import QInputDialog

    a = book("ann@example.com", day(2), day(3))
    b = book("bob@example.com", day(2), day(3))  # both SUVs taken
    with db.session() as s:
        car = s.get(Car, a.car_id)
        values = {k: getattr(car, k) for k in ("plate_number", "model", "year", "color", "transmission",
                                                "cost_per_day", "vehicle_class", "zip_code", "odometer")}
    assert update_car(db, a.car_id, {**values, "status": "maintenance"}).needs_car == (a.reference,)
    (lux,) = counter.cars(1, "LUXURY", rate="150.00")
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    select(qtbot, desk, a.reference)
    row = desk.reservations.selected()
    assert row.needs_car
    status = desk.reservations.model.index(0, desk.reservations.model.COL_STATUS)
    assert desk.reservations.model.data(status) == "needs a car"
    assert not ui.pickUpButton.isEnabled()  # the car is in the shop
    ui.searchEdit.clear()
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData("needs a car"))
    settle(qtbot, desk)
    assert shown(desk) == [a.reference]
    ui.statusCombo.setCurrentIndex(0)
    select(qtbot, desk, a.reference)
    desk.reservations.open_selected()
    dialog = desk.reservations.dialog
    d = dialog.ui
    assert d.statusPill.text() == "Needs a car" and d.assignCarButton.isEnabled()
    offered = []

    def pick(parent, title, label, items, current, editable):  # noqa: ANN001
        offered.extend(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    d.assignCarButton.click()
    qtbot.waitUntil(lambda: svc.get_reservation(a.id).car_id == lux)
    assert offered and offered[0].endswith("(upgrade)") and "Luxury at" in offered[0]  # the class by its name
    qtbot.waitUntil(lambda: d.statusPill.text().startswith("Confirmed"))
    done = svc.get_reservation(a.id)
    assert (done.vehicle_class, done.price, done.needs_car) == ("LUXURY", a.price, False)
    assert svc.get_reservation(b.id).car_id == b.car_id
