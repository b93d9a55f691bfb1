"""The check-out dialog through the real desk: opened by the pick-up button on a due reservation,
filled by mouse and keyboard, refused inline with nothing saved, confirmed through the one
check-out service; it fits the smallest counter screen."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from rentaldesk.gui.checkout_dialog import CheckOutDialog
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.models import Customer
from rentaldesk.models import Reservation as ReservationRow
from tests.gui.conftest import ZIP, settle
from tests.gui.layout import layout_problems


def licensed(db, customer_id: str, *, born: date = date(1985, 5, 5)) -> None:  # noqa: ANN001
    """The renter's licence and date of birth on file, as the Customers screen records them."""
    with db.write() as s:
        customer = s.get_one(Customer, customer_id)
        customer.licence_number = f"D{customer_id[:8]}"
        customer.licence_region = "NY"
        customer.licence_expiry = date(2036, 1, 31)
        customer.date_of_birth = born


def book(desk: MainWindow, clock, email: str = "ann@example.com", ahead: timedelta = timedelta(hours=3),  # noqa: ANN001, ANN201
         *, deposit: bool = False):
    """An SUV booked for 2 days from ``ahead``, for a renter whose licence is on file; ``deposit``:
    under the test plan, whose 300.00 deposit is taken by card or in cash (else the class's day
    rate alone, no deposit)."""
    if deposit:
        from tests.contract_helpers import plan, use_plan

        use_plan(desk.desk.db, plan(zip_code=ZIP))
    made = desk.desk.service.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                                zip_code=ZIP, start=clock() + ahead, end=clock() + ahead + timedelta(days=2))
    licensed(desk.desk.db, made.customer_id)
    return made


def choose(qtbot, desk: MainWindow, reference: str) -> None:  # noqa: ANN001
    desk.show_screen(1)
    screen = desk.reservations
    screen.ui.upcomingButton.click()
    settle(qtbot, desk)
    for row in range(screen.proxy.rowCount()):
        if screen.proxy.row_at(row).reference == reference:
            screen.ui.reservationsView.selectRow(row)
    settle(qtbot, desk)
    assert screen.selected().reference == reference


def open_check_out(qtbot, desk: MainWindow, reference: str) -> CheckOutDialog:  # noqa: ANN001
    """Select the reservation and press the screen's pick-up button: the check-out dialog, loaded."""
    choose(qtbot, desk, reference)
    qtbot.waitUntil(desk.reservations.ui.pickUpButton.isEnabled)
    desk.reservations.ui.pickUpButton.click()
    dialog = desk.reservations.findChild(CheckOutDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.ui.confirmButton.isEnabled)
    return dialog


def sign(dialog: CheckOutDialog) -> None:
    pad = dialog.ui.signaturePad
    dialog.ui.scrollArea.ensureWidgetVisible(pad)
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(30, 40))
    for x in range(40, 200, 20):
        QTest.mouseMove(pad, QPoint(x, 40 + (x % 40)))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 50))


def refusals(dialog: CheckOutDialog) -> list[str]:
    """The messages the dialog shows (none when the service took it)."""
    return sorted({label.text() for label in dialog.messages.labels.values() if label.isVisible()}
                  | ({dialog.ui.formError.text()} if dialog.ui.formError.isVisible() else set()))


def status_of(db, reservation_id: str) -> str:  # noqa: ANN001
    with db.session() as s:
        return s.get_one(ReservationRow, reservation_id).status


def fill_in(qtbot, dialog: CheckOutDialog, *, odometer: int) -> None:  # noqa: ANN001
    ui = dialog.ui
    QTest.mouseClick(ui.licenceCheck, Qt.MouseButton.LeftButton)
    ui.odometerSpin.selectAll()
    QTest.keyClicks(ui.odometerSpin, str(odometer))
    ui.fuelGauge.setFocus()
    QTest.keyClick(ui.fuelGauge, Qt.Key.Key_End)
    ui.depositReferenceEdit.setFocus()
    QTest.keyClicks(ui.depositReferenceEdit, "PRE-AUTH 4471")
    diagram = ui.damageDiagram
    at = diagram.view.to_widget(0.5, 0.15).toPoint()  # the bonnet
    QTest.mouseClick(diagram.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.keyClicks(diagram.noteEdit, "stone chip")
    sign(dialog)


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_the_dialog_fits_the_counter_screen(desk, qtbot, clock, width: int, height: int) -> None:  # noqa: ANN001
    made = book(desk, clock)
    desk.resize(width, height)
    dialog = open_check_out(qtbot, desk, made.reference)
    qtbot.wait(50)
    assert dialog.width() <= width and dialog.height() <= height
    assert layout_problems(dialog) == []
    dialog.reject()


def test_tab_walks_the_form_and_escape_cancels(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    made = book(desk, clock, deposit=True)
    dialog = open_check_out(qtbot, desk, made.reference)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.ui.carCombo)
    ui = dialog.ui
    diagram = ui.damageDiagram
    walk = [ui.licenceCheck, ui.odometerSpin, ui.fuelGauge, ui.depositMethodCombo,  # (no extras offered here)
            ui.depositReferenceEdit, diagram.zoneCombo, diagram.addButton, diagram.markList,
            ui.signaturePad, ui.clearSignatureButton, ui.cancelButton, ui.confirmButton]
    for expected in walk:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected, QApplication.focusWidget().objectName()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert status_of(db, made.id) == "confirmed"


def test_a_refusal_shows_by_its_field_and_nothing_is_saved(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    made = book(desk, clock)
    dialog = open_check_out(qtbot, desk, made.reference)
    ui = dialog.ui
    QTest.mouseClick(ui.licenceCheck, Qt.MouseButton.LeftButton)
    ui.depositReferenceEdit.setFocus()
    QTest.keyClicks(ui.depositReferenceEdit, "PRE-AUTH 1")
    QTest.keyClick(ui.depositReferenceEdit, Qt.Key.Key_Return)  # Enter confirms: no signature yet
    settle(qtbot, desk)
    qtbot.waitUntil(ui.errorSignature.isVisible)
    assert ui.errorSignature.text() == "The renter's signature is missing"
    assert dialog.isVisible() and dialog.agreement is None
    assert status_of(db, made.id) == "confirmed"
    sign(dialog)
    assert not ui.errorSignature.isVisible()  # the message goes once the renter signs


def test_a_renter_without_a_date_of_birth_is_refused_by_the_licence_check(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    made = book(desk, clock)
    with db.write() as s:
        s.get_one(Customer, made.customer_id).date_of_birth = None
    dialog = open_check_out(qtbot, desk, made.reference)
    fill_in(qtbot, dialog, odometer=9_000)
    dialog.confirm()
    settle(qtbot, desk)
    assert refusals(dialog) == [f"No date of birth on file for {made.customer_name}; it is needed to check out"]
    assert dialog.ui.errorLicence.isVisible()
    assert status_of(db, made.id) == "confirmed"


def test_another_free_car_of_the_class_needs_no_reason_and_is_handed_over(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    made = book(desk, clock)
    dialog = open_check_out(qtbot, desk, made.reference)
    ui = dialog.ui
    assert ui.upgradeReasonEdit.isHidden()
    others = [i for i in range(ui.carCombo.count()) if ui.carCombo.itemData(i) != made.car_id]
    assert others, [ui.carCombo.itemText(i) for i in range(ui.carCombo.count())]
    ui.carCombo.setCurrentIndex(others[0])
    chosen = ui.carCombo.currentData()
    assert "another car of the class" in ui.carCombo.currentText()
    fill_in(qtbot, dialog, odometer=30_000)
    dialog.confirm()
    settle(qtbot, desk)
    assert refusals(dialog) == []
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    assert dialog.agreement.car_id == chosen


def test_check_out_saves_the_agreement_and_offers_its_pdf(desk, db, qtbot, clock, tmp_path) -> None:  # noqa: ANN001
    from rentaldesk import contracts

    made = book(desk, clock, deposit=True)
    dialog = open_check_out(qtbot, desk, made.reference)
    assert dialog.ui.depositAmountLabel.text() == "$300.00" and dialog.ui.depositReferenceEdit.isVisibleTo(dialog)
    fill_in(qtbot, dialog, odometer=12_345)
    QTest.mouseClick(dialog.ui.confirmButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert refusals(dialog) == []
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    view = dialog.agreement
    assert view.status == "on rent" and view.out.odometer == 12_345 and view.out.fuel_eighths == 8
    assert view.deposit.amount == Decimal("300.00") and view.deposit_held == Decimal("300.00")
    assert [(m.zone.value, m.note) for m in view.damage if m.stage == "out"][-1] == ("bonnet", "stone chip")
    assert view.deposit.reference == "PRE-AUTH 4471" and view.signature_png.startswith(b"\x89PNG")
    with db.session() as s:
        assert contracts.agreement(s, made.reference).number == view.number
    assert status_of(db, made.id) == "active"
    box = dialog.findChild(QMessageBox, "documentReady")
    assert box is not None and view.number in box.text()
    save = next(b for b in box.buttons() if b.text() == "Save PDF…")
    save.click()
    from PySide6.QtWidgets import QFileDialog

    chooser = dialog.findChild(QFileDialog, "savePdf")
    assert chooser is not None
    target = tmp_path / "agreement.pdf"
    chooser.selectFile(str(target))
    chooser.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert target.read_bytes().startswith(b"%PDF")


def test_a_class_with_no_deposit_asks_for_no_pre_authorisation(desk, db, qtbot, clock) -> None:  # noqa: ANN001
    from tests.contract_helpers import plan, use_plan

    use_plan(db, plan(zip_code=ZIP, deposit=Decimal("0.00")))
    made = book(desk, clock)
    dialog = open_check_out(qtbot, desk, made.reference)
    ui = dialog.ui
    assert ui.depositAmountLabel.text() == "None: no deposit for this class here"
    assert ui.depositMethodCombo.isHidden() and ui.depositReferenceEdit.isHidden()
    QTest.mouseClick(ui.licenceCheck, Qt.MouseButton.LeftButton)
    sign(dialog)
    QTest.mouseClick(ui.confirmButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert refusals(dialog) == []  # no "the card pre-authorisation's reference is needed"
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    view = dialog.agreement
    assert view.deposit.amount == 0 and view.deposit.reference == "" and view.deposit_held == 0
    assert [e.kind for e in view.payments] == []  # no deposit row of nothing in the ledger
    assert status_of(db, made.id) == "active"


def test_the_car_s_record_from_another_branch_shows_and_its_reading_bounds_the_odometer(
        desk, db, qtbot, clock) -> None:  # noqa: ANN001
    """Issue 11, item 10: head office's record of the car (another branch's check-in: a dent, the
    odometer and fuel read there), applied by the branch's sync handler, is what the dialog shows;
    an odometer typed below that reading is refused naming it, and nothing is saved."""
    from datetime import timezone

    from sqlalchemy import select

    from rentaldesk.models import Car
    from rentaldesk.sync.branch import apply_head_office_event
    from rentaldesk.sync.envelope import Envelope, decode
    from rentaldesk.sync.events import CarRecordDamage, FleetCarRecord
    from rentaldesk.sync.inbox import Delivery

    made = book(desk, clock)
    with db.session() as s:
        plate = s.get_one(Car, made.car_id).plate_number
        odometer = s.get_one(Car, made.car_id).odometer
    read = (clock() - timedelta(days=1)).astimezone(timezone.utc)
    record = FleetCarRecord(
        plate_number=plate, version=4, odometer=odometer + 2_500, fuel_eighths=6, zip_code=ZIP, on_rent=False,
        read_at=read, stage="in", agreement_number="ORD-AP-000031",
        damage=(CarRecordDamage(agreement_id="00000000-0000-4000-8000-000000000031", agreement_number="ORD-AP-000031",
                                zip_code=ZIP, stage="in", zone="rear", x=0.5, y=0.97,
                                note="dent in the rear bumper, 6 cm", recorded_at=read),))
    with db.write() as s:  # as the sync loop applies it from the fleet topic
        apply_head_office_event(s, decode(Envelope(payload=record, source="hq").encode()),
                                Delivery("rentaldesk.fleet", 0, 0, None))
    dialog = open_check_out(qtbot, desk, made.reference)
    ui = dialog.ui
    assert [(m.zone.value, m.note, m.stage) for m in ui.damageDiagram.existing()] == [
        ("rear", "dent in the rear bumper, 6 cm", "in")]
    assert ui.odometerSpin.value() == odometer + 2_500
    fill_in(qtbot, dialog, odometer=odometer + 2_400)
    QTest.mouseClick(ui.confirmButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert refusals(dialog) == [
        f"The odometer out ({odometer + 2_400:,}) is below the {odometer + 2_500:,} recorded for {plate} "
        f"(its last reading, agreement ORD-AP-000031 at {ZIP})"]
    assert dialog.isVisible() and dialog.agreement is None
    assert status_of(db, made.id) == "confirmed"
    with db.session() as s:
        assert s.scalar(select(Car.odometer).where(Car.plate_number == plate)) == odometer + 2_500
