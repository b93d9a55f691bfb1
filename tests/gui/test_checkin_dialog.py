"""Check-in and payment through the real desk, and the whole rental through the widgets: booked on
the form, checked out with a mark, a deposit and a signature, checked in late with fuel missing,
paid in two payments, closed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from rentaldesk import contracts, documents
from rentaldesk.gui.checkin_dialog import CheckInDialog
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.gui.payment_dialog import PaymentDialog
from tests.gui.conftest import settle
from tests.gui.layout import layout_problems
from tests.gui.test_checkout_dialog import book, choose, fill_in, licensed, open_check_out, refusals, status_of


def done_with(qtbot, parent, button: str = "Done") -> None:  # noqa: ANN001
    """Answer the "document ready" question."""
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "documentReady") is not None)
    box = parent.findChild(QMessageBox, "documentReady")
    next(b for b in box.buttons() if b.text() == button).click()


def checked_out(qtbot, desk: MainWindow, clock, *, odometer: int = 12_000):  # noqa: ANN001, ANN201
    made = book(desk, clock)
    dialog = open_check_out(qtbot, desk, made.reference)
    fill_in(qtbot, dialog, odometer=odometer)
    dialog.confirm()
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    done_with(qtbot, dialog)
    return made, dialog.agreement


def open_check_in(qtbot, desk: MainWindow, reference: str) -> CheckInDialog:  # noqa: ANN001
    choose(qtbot, desk, reference)
    qtbot.waitUntil(desk.reservations.ui.returnButton.isEnabled)
    desk.reservations.ui.returnButton.click()
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: desk.reservations.findChild(CheckInDialog) is not None)
    dialog = desk.reservations.findChild(CheckInDialog)
    qtbot.waitUntil(lambda: dialog.ui.chargesTable.model().rowCount() > 0)
    return dialog


def preview_settled(qtbot, desk: MainWindow, dialog: CheckInDialog) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not dialog._preview_soon.isActive())
    settle(qtbot, desk)


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_the_check_in_and_payment_dialogs_fit(desk, qtbot, clock, width: int, height: int) -> None:  # noqa: ANN001
    made, _view = checked_out(qtbot, desk, clock)
    desk.resize(width, height)
    clock.advance(days=2)
    dialog = open_check_in(qtbot, desk, made.reference)
    qtbot.wait(50)
    assert dialog.width() <= width and dialog.height() <= height
    assert layout_problems(dialog) == []
    qtbot.waitUntil(lambda: dialog.ui.chargesTable.model().rowCount() > 0)
    _fits_as_the_desk_grids_do(dialog.ui.chargesTable)
    dialog.confirm()
    settle(qtbot, desk)
    done_with(qtbot, dialog)
    payment = dialog.payment_dialog
    assert payment is not None
    qtbot.waitUntil(payment.isVisible)
    qtbot.wait(50)
    assert payment.width() <= width and payment.height() <= height
    assert layout_problems(payment) == []
    _fits_as_the_desk_grids_do(payment.ui.paymentsTable)
    payment.reject()


def _fits_as_the_desk_grids_do(table) -> None:  # noqa: ANN001
    """Set up by the shared setup_grid (its column fitting), and no column cut off sideways."""
    from rentaldesk.gui.widgets import ColumnFit

    assert table.findChild(ColumnFit) is not None
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    assert sum(header.sectionSize(i) for i in range(header.count())) <= table.viewport().width() + 1


def test_odometer_below_out_is_refused_by_its_field_and_nothing_is_saved(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    made, view = checked_out(qtbot, desk, clock, odometer=12_000)
    clock.advance(days=2)
    dialog = open_check_in(qtbot, desk, made.reference)
    ui = dialog.ui
    ui.odometerSpin.setFocus()
    ui.odometerSpin.selectAll()
    QTest.keyClicks(ui.odometerSpin, "11000")
    preview_settled(qtbot, desk, dialog)
    assert ui.errorOdometer.isVisible()  # the live preview says it at once
    QTest.keyClick(ui.odometerSpin, Qt.Key.Key_Return)  # Enter confirms: refused
    settle(qtbot, desk)
    assert ui.errorOdometer.isVisible() and "12,000" in ui.errorOdometer.text().replace("12000", "12,000")
    assert dialog.isVisible() and dialog.result_view is None
    with db.session() as s:
        assert contracts.agreement(s, view.number).status == "on rent"
    assert status_of(db, made.id) == "active"
    QTest.keyClick(ui.odometerSpin, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_whole_rental_through_the_widgets(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    # book on the form, with the keyboard
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
    licensed(db, made.customer_id)  # the licence and date of birth on file
    clock.advance(hours=3)  # the renter is at the counter

    # check out: the licence, the readings, a mark on the bonnet, the deposit, the signature
    dialog = open_check_out(qtbot, desk, made.reference)
    fill_in(qtbot, dialog, odometer=20_000)
    QTest.keyClick(dialog.ui.depositReferenceEdit, Qt.Key.Key_Return)
    settle(qtbot, desk)
    assert refusals(dialog) == []
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    out = dialog.agreement
    done_with(qtbot, dialog)
    assert out.status == "on rent" and out.deposit_held == out.deposit.amount
    assert any(m.zone.value == "bonnet" and m.note == "stone chip" for m in out.damage)

    # check in 3 hours late with 3 eighths of the tank missing and 250 more on the odometer
    clock.advance(seconds=(made.end - made.start).total_seconds() + 3 * 3600)
    checkin = open_check_in(qtbot, desk, made.reference)
    ui = checkin.ui
    assert checkin.ui.damageDiagram.existing()  # the check-out mark shown beside the new ones
    ui.odometerSpin.setFocus()
    ui.odometerSpin.selectAll()
    QTest.keyClicks(ui.odometerSpin, "20250")
    ui.fuelGauge.setFocus()
    QTest.keyClick(ui.fuelGauge, Qt.Key.Key_5)
    preview_settled(qtbot, desk, checkin)
    shown = checkin.charges_shown()
    with db.session() as s:
        expected = contracts.preview_check_in(s, checkin.value(), desk.desk.now())
    assert [label for label, _amount in shown] == [line.label for line in expected.billed()]
    codes = {line.code for line in expected.lines}
    assert "late" in codes or "extra-hours" in codes
    assert ui.totalLabel.text().endswith(f"{expected.total:,.2f}")
    checkin.confirm()
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: checkin.result_view is not None)
    returned = checkin.result_view
    assert returned.status == "returned" and returned.charges is not None
    assert returned.charges.total == expected.total
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
    assert payment.agreement.balance == returned.balance - first and payment.isVisible()
    pay.methodCombo.setCurrentIndex(pay.methodCombo.findData("cash"))
    assert pay.amountSpin.value() == pytest.approx(float(returned.balance - first))
    ended: list[int] = []
    payment.finished.connect(ended.append)
    QTest.mouseClick(pay.payButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: ended == [PaymentDialog.DialogCode.Accepted])  # it closes by itself at zero
    with db.session() as s:
        closed = contracts.agreement(s, made.reference)
    assert closed.status == "closed" and closed.balance == 0
    assert [e.kind for e in closed.payments if e.kind == "payment"] == ["payment", "payment"]
    assert status_of(db, made.id) == "completed"


@pytest.mark.parametrize("fuel_price", [Decimal("0.00"), Decimal("6.50")], ids=["fuel-not-charged", "fuel-charged"])
def test_the_dialog_and_the_receipt_show_the_same_lines(desk, db, qtbot, clock, fuel_price) -> None:  # noqa: ANN001
    from tests.contract_helpers import plan, use_plan
    from tests.gui.conftest import ZIP
    from tests.unit.test_documents import text_of

    use_plan(db, plan(zip_code=ZIP, fuel_eighth_price=fuel_price, deposit=Decimal("0.00")))
    made, _view = checked_out(qtbot, desk, clock)
    clock.advance(seconds=(made.end - made.start).total_seconds())
    dialog = open_check_in(qtbot, desk, made.reference)
    dialog.ui.fuelGauge.setFocus()
    QTest.keyClick(dialog.ui.fuelGauge, Qt.Key.Key_5)  # 3 eighths missing
    preview_settled(qtbot, desk, dialog)
    with db.session() as s:
        charges = contracts.preview_check_in(s, dialog.value(), desk.desk.now())
    (fuel,) = charges.line("fuel")
    assert fuel.amount == 3 * fuel_price
    shown = [label for label, _amount in dialog.charges_shown()]
    dialog.confirm()
    settle(qtbot, desk)
    qtbot.waitUntil(lambda: dialog.result_view is not None)
    receipt = " ".join(text_of(documents.receipt_pdf(dialog.result_view)).split())
    done_with(qtbot, dialog)
    # one rule: a line of nothing is on neither; a line charged is on both
    assert (fuel.label in shown) == (fuel.label in receipt) == (fuel_price > 0)
    assert shown == [line.label for line in charges.billed()] and all(line.label in receipt for line in charges.billed())
