"""A one-way rental through the real widgets (issue 11 item 6): booked on the form, checked out at
A, checked in late at B (the return location changed in the check-in dialog, its time shown in B's
zone) with extra miles and fuel missing, charged exactly as the plan says (the drop fee a line),
paid in two payments, closed; and then the engine counts the car at B, not at A."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rentaldesk import contracts, rates
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.gui.payment_dialog import PaymentDialog
from rentaldesk.gui import text
from rentaldesk.models import Car, Reservation as ReservationRow
from tests.gui.conftest import ZIP, settle
from tests.gui.test_checkin_dialog import done_with, open_check_in, preview_settled
from tests.gui.test_checkout_dialog import fill_in, licensed, open_check_out, refusals, status_of

OTHER = "60666"


@pytest.fixture
def two_branch_desk(open_desk, counter, db) -> MainWindow:  # noqa: ANN001
    """The counter at 10001, a Chicago branch beside it, a drop fee of 50.00 from here to there."""
    counter.branch(OTHER, tz="America/Chicago")
    with db.write() as s:
        rates.save_drop_fee(s, ZIP, OTHER, Decimal("50.00"))
    return open_desk()


def test_a_one_way_rental_through_the_widgets_moves_the_car(two_branch_desk, db, qtbot, clock) -> None:  # noqa: ANN001
    desk = two_branch_desk
    svc = desk.desk.service
    # book on the form
    desk.show_screen(0)
    form = desk.booking.ui
    form.classCombo.setCurrentIndex(form.classCombo.findData("SUV"))
    form.emailEdit.setFocus()
    QTest.keyClicks(form.emailEdit, "rita.renter@example.com")
    QTest.keyClick(form.emailEdit, Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "Rita Renter")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "+1 212 555 0199")
    settle(qtbot, desk)
    QTest.keyClick(form.phoneEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(form.resultBanner.isVisible)
    made = desk.booking.last_reservation
    assert made is not None
    licensed(db, made.customer_id)
    clock.advance(hours=3)

    # check out at A
    dialog = open_check_out(qtbot, desk, made.reference)
    fill_in(qtbot, dialog, odometer=20_000)
    QTest.keyClick(dialog.ui.depositReferenceEdit, Qt.Key.Key_Return)
    settle(qtbot, desk)
    assert refusals(dialog) == []
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    done_with(qtbot, dialog)

    # check in at B, 3 hours late, 3 eighths missing, 250 more on the odometer
    clock.advance(seconds=(made.end - made.start).total_seconds() + 3 * 3600)
    checkin = open_check_in(qtbot, desk, made.reference)
    ui = checkin.ui
    assert ui.locationCombo.currentData() == ZIP  # booked back here; the car came back at Chicago
    shown = (ui.returnDate.date(), ui.returnTime.time())
    ui.locationCombo.setCurrentIndex(ui.locationCombo.findData(OTHER))
    assert ui.returnTime.time() == shown[1].addSecs(-3600)  # the same instant, in Chicago's time
    ui.odometerSpin.setFocus()
    ui.odometerSpin.selectAll()
    QTest.keyClicks(ui.odometerSpin, "20250")
    ui.fuelGauge.setFocus()
    QTest.keyClick(ui.fuelGauge, Qt.Key.Key_5)
    preview_settled(qtbot, desk, checkin)
    with db.session() as s:
        expected = contracts.preview_check_in(s, checkin.value(), desk.desk.now())
    # the dialog shows the bill's lines (Charges.billed, the one rule: a line of nothing left out)
    assert [label for label, _amount in checkin.charges_shown()] == [line.label for line in expected.billed()]
    codes = [line.code for line in expected.lines]
    assert "fuel" in codes and ("late" in codes or "extra-hours" in codes)
    assert expected.line("one-way")[0].amount == Decimal("50.00")  # the fee from here to there
    checkin.confirm()
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: checkin.result_view is not None)
    returned = checkin.result_view
    assert returned.charges == expected and returned.returned is not None and returned.returned.zip_code == OTHER
    done_with(qtbot, checkin)

    # two payments, the deposit released: closed at a zero balance
    payment = checkin.payment_dialog
    assert isinstance(payment, PaymentDialog)
    qtbot.waitUntil(payment.isVisible)
    pay = payment.ui
    QTest.mouseClick(pay.releaseButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    first = (returned.balance / 2).quantize(Decimal("0.01"))
    pay.amountSpin.setFocus()
    pay.amountSpin.selectAll()
    QTest.keyClicks(pay.amountSpin, f"{first}")
    pay.referenceEdit.setFocus()
    QTest.keyClicks(pay.referenceEdit, "SLIP 0091")
    QTest.keyClick(pay.referenceEdit, Qt.Key.Key_Return)
    settle(qtbot, desk)
    pay.methodCombo.setCurrentIndex(pay.methodCombo.findData("cash"))
    ended: list[int] = []
    payment.finished.connect(ended.append)
    QTest.mouseClick(pay.payButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: ended == [PaymentDialog.DialogCode.Accepted])
    with db.session() as s:
        closed = contracts.agreement(s, made.reference)
        assert s.get_one(Car, made.car_id).zip_code == OTHER
    assert closed.status == "closed" and closed.balance == 0
    assert [e.kind for e in closed.payments if e.kind == "payment"] == ["payment", "payment"]
    assert status_of(db, made.id) == "completed"

    # the engine counts the car at B from its return, no longer at A
    start = clock() + timedelta(days=1)
    period = {"vehicle_class": "SUV", "start": start, "end": start + timedelta(days=2)}
    assert made.car_id in svc.room(**period, zip_code=OTHER).cars
    assert svc.is_rental_available(**period, zip_code=OTHER)
    at_home = svc.room(**period, zip_code=ZIP)
    assert made.car_id not in at_home.cars and at_home.of == 1  # the counter's other SUV only


def _pick_return(form, zip_code: str | None) -> None:  # noqa: ANN001
    """The clerk's pick in the Return label's list of branches (None: back here)."""
    action = next(a for a in form.returnButton.menu().actions() if not a.isSeparator() and a.data() == zip_code)
    action.trigger()


def test_a_one_way_booked_on_the_form_and_back_to_a_round_trip(two_branch_desk, db, qtbot) -> None:  # noqa: ANN001
    """The Return row's label picks the return location: the drop fee a line of the price shown,
    the reservation booked one way; back here, the fee goes; the next customer starts round trip."""
    desk = two_branch_desk
    svc = desk.desk.service
    desk.show_screen(0)
    form = desk.booking.ui
    booking = desk.booking
    form.classCombo.setCurrentIndex(form.classCombo.findData("SUV"))
    settle(qtbot, desk)
    assert form.returnButton.text() == "Return" and booking.request().return_zip_code is None
    round_price = booking.last_preview.price
    assert "drop fee" not in form.priceDetail.text()

    _pick_return(form, OTHER)
    settle(qtbot, desk)
    request = booking.request()
    assert request.return_zip_code == OTHER
    code = desk.desk.branches[OTHER].code
    assert form.returnButton.text() == f"To {code}"  # the branch's code; its name in the tip
    assert desk.desk.branches[OTHER].label in form.returnButton.toolTip()
    # no wider than the label column's widest label: the location's name and the dates keep their room
    assert form.returnButton.width() <= form.classLabel.sizeHint().width()
    expected = svc.quote_charges(vehicle_class="SUV", zip_code=ZIP, start=request.start, end=request.end,
                                 return_zip_code=OTHER)
    assert expected.line("one-way")[0].amount == Decimal("50.00")
    assert booking.last_preview.price == expected.total == round_price + Decimal("50.00")
    assert form.priceLabel.text() == text.money(expected.total)
    assert "One-way drop fee" in form.priceDetail.text()
    assert "One way: returned at" in form.summaryLabel.text()

    # back here: a round trip again, the fee gone; then one way again, and booked so
    _pick_return(form, None)
    settle(qtbot, desk)
    assert form.returnButton.text() == "Return" and booking.request().return_zip_code is None
    assert booking.last_preview.price == round_price and "drop fee" not in form.priceDetail.text()
    _pick_return(form, OTHER)
    form.emailEdit.setFocus()
    QTest.keyClicks(form.emailEdit, "olga.oneway@example.com")
    QTest.keyClick(form.emailEdit, Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "Olga Oneway")
    settle(qtbot, desk)
    QTest.keyClick(form.nameEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(form.resultBanner.isVisible)
    made = desk.booking.last_reservation
    assert made is not None and made.return_zip_code == OTHER and made.price == expected.total
    assert "returned at" in form.resultText.text()
    with db.session() as s:
        stored = s.get_one(ReservationRow, made.id)
        assert (stored.return_zip_code, stored.drop_fee) == (OTHER, Decimal("50.00"))
    # the next customer's trip starts as a round trip
    assert form.returnButton.text() == "Return" and booking.request().return_zip_code is None

    # the pick-up branch itself in the list is a round trip too (the engine's rule)
    _pick_return(form, ZIP)
    settle(qtbot, desk)
    assert form.returnButton.text() == "Return" and booking.request().return_zip_code is None


def test_alt_t_opens_the_return_locations(two_branch_desk, qtbot) -> None:  # noqa: ANN001
    desk = two_branch_desk
    desk.show_screen(0)
    form = desk.booking.ui
    menu = form.returnButton.menu()
    shown: list[bool] = []
    menu.aboutToShow.connect(lambda: shown.append(True))
    QTimer.singleShot(200, menu.close)  # the menu runs its own loop until it closes
    form.classCombo.setFocus()
    QTest.keyClick(form.classCombo, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: shown == [True])
    assert [a.text() for a in menu.actions() if not a.isSeparator()][0] == "Back here (round trip)"
    QTest.keyClick(form.classCombo, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(form.endDate.hasFocus)  # Alt+R: the return day, as the label's mnemonic was
