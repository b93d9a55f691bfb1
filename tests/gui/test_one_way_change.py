"""A booked reservation's return location changed in the reservation dialog (issue 11 item 6),
through the real widgets, offscreen: set (a one-way), changed back (a round trip); the price shown
old -> new with the drop fee before anything is saved; a refusal of the engine (the other branch's
booking on the arriving car has nowhere to go) inline under the field, nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from rentaldesk import rates
from rentaldesk.gui.main_window import MainWindow
from tests.conftest import day
from tests.gui.conftest import ZIP, settle
from tests.gui.test_reservations_screen import answer, open_screen, select

OTHER = "60666"


@pytest.fixture
def two_branch_desk(open_desk, counter, db) -> MainWindow:  # noqa: ANN001
    """The counter at 10001 (two SUVs), a Chicago branch with none, a drop fee of 50.00 there."""
    counter.branch(OTHER, tz="America/Chicago")
    with db.write() as s:
        rates.save_drop_fee(s, ZIP, OTHER, Decimal("50.00"))
    return open_desk()


def book(desk, email, start, end, zip_code=ZIP, **more):  # noqa: ANN001, ANN201
    return desk.desk.service.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                                zip_code=zip_code, start=start, end=end, **more)


def open_dialog(qtbot, desk, reference):  # noqa: ANN001, ANN201
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    select(qtbot, desk, reference)
    desk.reservations.open_selected()
    dialog = desk.reservations.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def choose(qtbot, combo, zip_code) -> None:  # noqa: ANN001
    """Pick the return location as the clerk does: focus the list, arrow keys until it is chosen."""
    combo.setFocus()
    target = combo.findData(zip_code)
    assert target >= 0
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


def test_the_return_location_is_set_then_cleared_the_price_shown_first(two_branch_desk, qtbot):  # noqa: ANN001
    desk = two_branch_desk
    svc = desk.desk.service
    r = book(desk, "ann@example.com", day(2), day(4))
    dialog = open_dialog(qtbot, desk, r.reference)
    d = dialog.ui
    assert d.returnCombo.isEnabled() and d.returnCombo.currentData() is None
    assert d.returnCombo.currentText().endswith("(round trip)")
    assert [d.returnCombo.itemData(i) for i in range(d.returnCombo.count())] == [None, OTHER]
    choose(qtbot, d.returnCombo, OTHER)
    d.saveButton.click()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "confirm") is not None)
    box = dialog.findChild(QMessageBox, "confirm")
    one_way = svc.quote_charges(vehicle_class="SUV", zip_code=ZIP, start=day(2), end=day(4),
                                return_zip_code=OTHER).total
    assert f"from <b>${r.price:,.2f}</b> to <b>${one_way:,.2f}</b> (a one-way drop fee of $50.00)" in box.text()
    assert svc.get_reservation(r.id) == r  # nothing saved before the clerk says yes
    answer(qtbot, dialog, f"Save at ${one_way:,.2f}")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    stored = svc.get_reservation(r.id)
    assert (stored.return_zip_code, stored.price) == (OTHER, one_way)
    settle(qtbot, desk)

    # opened again: the one-way is shown; back to a round trip, the old price again, shown first
    dialog = open_dialog(qtbot, desk, r.reference)
    d = dialog.ui
    assert d.returnCombo.currentData() == OTHER
    choose(qtbot, d.returnCombo, None)
    qtbot.keyClick(d.nameEdit, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "confirm") is not None)
    box = dialog.findChild(QMessageBox, "confirm")
    assert f"from <b>${one_way:,.2f}</b> to <b>${r.price:,.2f}</b> (no one-way drop fee)" in box.text()
    answer(qtbot, dialog, f"Save at ${r.price:,.2f}")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    stored = svc.get_reservation(r.id)
    assert (stored.return_zip_code, stored.price) == (None, r.price)


def test_a_refused_return_change_is_shown_under_the_field_and_nothing_is_saved(two_branch_desk, qtbot):  # noqa: ANN001
    desk = two_branch_desk
    svc = desk.desk.service
    r = book(desk, "ann@example.com", day(2), day(4), return_zip_code=OTHER)
    bo = book(desk, "bo@example.com", day(5), day(7), zip_code=OTHER)  # the arriving car: the only one there
    assert bo.car_id == r.car_id
    dialog = open_dialog(qtbot, desk, r.reference)
    d = dialog.ui
    choose(qtbot, d.returnCombo, None)
    d.saveButton.click()
    answer(qtbot, dialog, f"Save at ${svc.quote_charges(vehicle_class='SUV', zip_code=ZIP, start=day(2), end=day(4)).total:,.2f}")
    qtbot.waitUntil(lambda: bo.reference in d.errorReturn.text())
    assert "no other SUV car there is free" in d.errorReturn.text()
    assert dialog.isVisible() and d.saveButton.isEnabled()
    assert svc.get_reservation(r.id) == r and svc.get_reservation(bo.id) == bo  # exactly as they were
    choose(qtbot, d.returnCombo, OTHER)  # a new choice clears the refusal
    assert d.errorReturn.text() == ""


def test_on_rent_the_return_location_is_the_check_ins(two_branch_desk, qtbot, db, clock):  # noqa: ANN001
    from tests.contract_helpers import check_out_value, may_rent
    from rentaldesk import contracts

    desk = two_branch_desk
    r = book(desk, "ann@example.com", day(0.5), day(3))
    may_rent(db, r.customer_id)
    clock.now = day(0.5)
    with db.write() as s:
        contracts.check_out(s, check_out_value(r.id), clock.now)
    ui = open_screen(qtbot, desk)
    ui.allButton.click()
    select(qtbot, desk, r.reference)
    desk.reservations.open_selected()
    dialog = desk.reservations.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.ui.returnCombo.isEnabled()
