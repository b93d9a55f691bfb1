"""A one-way rental through the real widgets (issue 11 item 6): booked on the form, checked out at
A, checked in late at B (the return location changed in the check-in dialog, its time shown in B's
zone) with extra miles and fuel missing, charged exactly as the plan says (the drop fee a line),
paid in two payments, closed; and then the engine counts the car at B, not at A."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rentaldesk import contracts, rates
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.gui.payment_dialog import PaymentDialog
from rentaldesk.models import Car
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
