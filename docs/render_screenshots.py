#!/usr/bin/env python
"""Render every screen of the desk app with sample data to PNG files in docs/screenshots/SIZE/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_screenshots.py [--out DIR] [--size WxH ...]

Sizes: the smallest counter screen (1024x700) and full HD (1920x1080), each in its folder.

The database is a fresh SQLite file holding the sample fleet and a realistic day of reservations
made through the reservation service with a fixed clock (tools.sample_day), so the
pictures are the same on every run. Fonts: see docs/desk-app.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: tools/

from rentaldesk.db import open_database, sqlite_url  # noqa: E402
from rentaldesk.gui.app import build_window, configure  # noqa: E402
from rentaldesk.gui.main_window import MainWindow  # noqa: E402
from tools.sample_day import SAMPLE_NOW, book_sample_day  # noqa: E402
from rentaldesk.reservations import Changes  # noqa: E402

SIZES = ((1024, 700), (1920, 1080))


def settle(window: MainWindow, quiet_ms: int = 400) -> None:
    """Let timers fire and the worker finish, until nothing happened for ``quiet_ms``."""
    deadline = time.monotonic() + 20
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if not window.desk.worker.is_idle:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > quiet_ms / 1000:
            return
        time.sleep(0.01)


def shoot(widget: QWidget, path: Path, dialog: QWidget | None = None) -> None:
    """Save ``widget`` as PNG; with ``dialog``, the dialog drawn over the dimmed window, as on screen."""
    picture = widget.grab()
    if dialog is not None:
        painter = QPainter(picture)
        painter.fillRect(picture.rect(), QColor(20, 28, 40, 90))
        box = dialog.grab()
        x, y = (picture.width() - box.width()) // 2, (picture.height() - box.height()) // 2
        for spread in range(12, 0, -2):  # a soft shadow
            painter.fillRect(x - spread + 4, y - spread + 8, box.width() + 2 * spread, box.height() + 2 * spread,
                             QColor(0, 0, 0, 10))
        painter.drawPixmap(x, y, box)
        painter.end()
    picture.save(str(path))
    print(f"wrote {path}")


def render(out: Path, size: tuple[int, int]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rentaldesk-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure(app)
    db = open_database(sqlite_url(work / "desk.sqlite"))
    day = book_sample_day(db)
    print(f"sample day: {len(day.reservations)} reservations ({day.refused} refused)")
    moments = [SAMPLE_NOW]  # the desk's clock; the rental below moves it to the return
    window = build_window(db, clock=lambda: moments[0])
    window.resize(*size)
    window.show()
    settle(window)

    # 1. New reservation, a returning customer typed in, an SUV asked for by car, with a driver.
    window.show_screen(0)
    booking = window.booking.ui
    booking.classCombo.setCurrentIndex(booking.classCombo.findData("SUV"))
    settle(window)
    booking.startDate.setDate(booking.startDate.date().addDays(2))
    booking.endDate.setDate(booking.startDate.date().addDays(3))
    settle(window)
    regular = day.reservations[3]
    QTest.keyClicks(booking.emailEdit, regular.customer_email)
    settle(window)
    booking.emailEdit.completer().popup().hide()
    booking.driverCombo.setCurrentIndex(1)
    booking.extrasPicker.set_quantity("child-seat", 1)  # issue 11: extras, in the price
    settle(window)
    booking.freeCarsView.selectRow(1)
    settle(window)
    shoot(window, out / "1-new-reservation.png")

    # 1b. The same form refusing: pick-up too soon, and a name missing.
    window.booking.clear()
    settle(window)
    booking.startDate.setDate(booking.startDate.date().addDays(-1))
    QTest.keyClicks(booking.emailEdit, "walk.in@example.com")
    settle(window)
    booking.emailEdit.completer().popup().hide()
    window.booking.reserve()
    settle(window)
    shoot(window, out / "1b-new-reservation-refused.png")
    window.booking.clear()

    # 1c. A one-way trip: the Return row's label picks another branch, its drop fee a line of the price.
    settle(window)
    booking.startDate.setDate(booking.startDate.date().addDays(2))
    booking.endDate.setDate(booking.startDate.date().addDays(3))
    here = booking.locationCombo.currentData()
    other = next(a for a in booking.returnButton.menu().actions() if a.data() not in (None, here))
    other.trigger()  # as the clerk's click in the list
    QTest.keyClicks(booking.emailEdit, regular.customer_email)
    settle(window)
    booking.emailEdit.completer().popup().hide()
    settle(window)
    shoot(window, out / "1c-new-reservation-one-way.png")
    window.booking.clear()

    # 2. Reservations: today's pick-ups and returns, then one opened.
    window.show_screen(1)
    settle(window)
    shoot(window, out / "2-reservations-today.png")
    window.reservations.ui.upcomingButton.click()
    settle(window)
    window.reservations.ui.reservationsView.selectRow(2)
    window.reservations.open_selected()
    settle(window)
    shoot(window, out / "2b-reservation-opened.png", window.reservations.dialog)
    # 2e. Its History (the audit trail, issue 13): who changed it, when, where and what.
    window.reservations.dialog.ui.historyButton.click()
    settle(window)
    history = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "historyDialog" and w.isVisible())
    history.resize(min(1000, size[0] - 60), min(460, size[1] - 120))
    settle(window)
    shoot(window, out / "2e-reservation-history.png", history)
    history.close()
    window.reservations.dialog.reject()

    # 2f. A booked reservation's return location changed to another branch (a one-way): the new
    #     price (the drop fee) is asked old -> new before anything is saved; the clerk says no here.
    _one_way_change(window, out)

    # 2c. A car sent to maintenance while it held a reservation no other car of its pool could
    #     take: the reservation needs a car, and the dialog offers the way out.
    stranded = _strand_one(window, db)
    window.reservations.ui.searchEdit.setText(stranded.reference)
    settle(window)
    shoot(window, out / "2c-reservation-needs-a-car-list.png")
    window.reservations.open_selected()
    settle(window)
    shoot(window, out / "2d-reservation-needs-a-car.png", window.reservations.dialog)
    window.reservations.dialog.reject()
    window.reservations.ui.searchEdit.clear()

    # 3. Fleet grid, then the car dialog refusing bad input.
    window.show_screen(2)
    settle(window)
    shoot(window, out / "3-fleet.png")
    window.fleet.add_car()
    settle(window)
    dialog = window.fleet.dialog.ui
    for edit, value in ((dialog.plateEdit, "MA 4411"), (dialog.modelEdit, "Kia Niro"), (dialog.yearEdit, "20x4"),
                        (dialog.colorEdit, "Blue"), (dialog.costEdit, "-12")):
        QTest.keyClicks(edit, value)
    window.fleet.dialog.save()
    settle(window)
    shoot(window, out / "3b-add-car-checked.png", window.fleet.dialog)
    window.fleet.dialog.reject()

    # 4. Drivers, one selected with their assignments.
    window.show_screen(3)
    settle(window)
    window.drivers.ui.driversView.selectRow(0)
    settle(window)
    shoot(window, out / "4-drivers.png")

    # 5. Fleet board.
    window.show_screen(4)
    settle(window)
    shoot(window, out / "5-fleet-board.png")
    window.board.ui.dayButton.click()
    window.board.ui.timeline.scroll_to_now()
    settle(window)
    shoot(window, out / "5b-fleet-board-day-zoom.png")

    # 6. Customers: a regular's record filled in (licence, date of birth, address) with their
    # history, then a refusal shown next to its field.
    _fill_a_record(db, regular.customer_id)
    window.show_screen(5)
    settle(window)
    customers = window.customers
    QTest.keyClicks(customers.ui.searchEdit, regular.customer_email)
    settle(window)
    customers.ui.customersView.selectRow(0)
    settle(window)
    shoot(window, out / "6-customers.png")
    customers.ui.licenceExpiryEdit.setText("31/2/2031")
    customers.ui.licenceExpiryEdit.textEdited.emit("31/2/2031")
    customers.save()
    settle(window)
    shoot(window, out / "6b-customer-refused.png")
    # 8. Today: the day's manifest of the counter's branch (issue 11), the first row due out selected,
    #    then the no-shows' list.
    window.show_screen(6)
    settle(window)
    window.manifest.views["due_out"].selectRow(0)
    settle(window)
    shoot(window, out / "8-today.png")
    window.manifest.tabs.setCurrentIndex(3)
    window.manifest.views["no_shows"].selectRow(0)
    settle(window)
    shoot(window, out / "8b-today-no-shows.png")
    # 7. The rental agreement: a due reservation checked out (a mark, the deposit, a signature),
    #    checked in late with fuel missing (the charges previewed), then the payment dialog.
    paid = _rental(window, out, moments)
    # 8. The cash-up of that day at the branch that took the money: two payments, a deposit given
    #    back; then the next day, still to come.
    _cash_up(window, out, paid)

    window.close()
    window.desk.close()
    db.close()


def _fill_a_record(db, customer_id: str) -> None:  # noqa: ANN001
    """The renter's record of one sample customer, written as the Customers screen writes it."""
    from rentaldesk.customers import edit_from_text, update_customer

    today = SAMPLE_NOW.date()
    edit = edit_from_text({"date_of_birth": "1986-09-14", "licence_number": "S123-4567-8901",
                           "licence_region": "Massachusetts", "licence_expiry": "2031-09-14",
                           "address_line1": "24 Beacon Street", "address_line2": "Apt 3", "city": "Boston",
                           "postcode": "02108", "country": "United States"}, today)
    with db.write() as s:
        update_customer(s, customer_id, edit, today=today)
def _rental(window: MainWindow, out: Path, moments: list) -> object:  # noqa: C901
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QMessageBox

    from rentaldesk.gui.checkin_dialog import CheckInDialog
    from rentaldesk.gui.checkout_dialog import open_check_out
    from rentaldesk.gui.reservations_screen import pick_up_refusal

    window.show_screen(1)
    settle(window)
    service = window.desk.service
    due = next(r for r in service.list_reservations(status="confirmed")
               if pick_up_refusal(window.desk.db, r.id, SAMPLE_NOW) is None)
    from datetime import date

    from rentaldesk.models import Customer

    with window.desk.db.write() as s:  # the renter's licence and date of birth on file
        renter = s.get_one(Customer, due.customer_id)
        renter.licence_number, renter.licence_region = "D4471 0932 118", "NY"
        renter.licence_expiry, renter.date_of_birth = date(2033, 6, 30), date(1984, 9, 12)
    dialog = open_check_out(window.reservations, window.desk, due)
    settle(window)
    ui = dialog.ui
    ui.licenceCheck.setChecked(True)
    ui.fuelGauge.setValue(8)
    if "gps" in ui.extrasPicker.spins:
        ui.extrasPicker.set_quantity("gps", 1)  # added at check-out, at today's price
    QTest.keyClicks(ui.depositReferenceEdit, "PRE-AUTH 55120")
    view = ui.damageDiagram.view
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, view.to_widget(0.1, 0.3).toPoint())
    QTest.keyClicks(ui.damageDiagram.noteEdit, "scratch on the door, 10 cm")
    pad = ui.signaturePad
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(40, 70))
    for x in range(50, 260, 12):
        QTest.mouseMove(pad, QPoint(x, 70 - int(18 * ((x // 12) % 3 - 1))))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(260, 64))
    settle(window)
    shoot(window, out / "7-check-out.png", dialog)
    dialog.confirm()
    settle(window)
    if dialog.agreement is None:
        raise SystemExit(f"check-out refused: {ui.formError.text()} {[m.text() for m in dialog.messages.labels.values()]}")
    _done(dialog.findChild(QMessageBox, "documentReady"))
    settle(window)

    moments[0] = due.end + timedelta(hours=2, minutes=40)  # back late
    checkin_parent = window.reservations
    from rentaldesk.gui.checkin_dialog import open_check_in

    open_check_in(checkin_parent, window.desk, due.reference, lambda error: print(f"refused: {error}"))
    settle(window)
    checkin = checkin_parent.findChild(CheckInDialog)
    checkin.ui.odometerSpin.setValue(checkin.agreement.out.odometer + 412)
    checkin.ui.fuelGauge.setValue(5)
    settle(window)
    shoot(window, out / "7b-check-in.png", checkin)
    checkin.confirm()
    settle(window)
    _done(checkin.findChild(QMessageBox, "documentReady"))
    settle(window)
    payment = checkin.payment_dialog
    shoot(window, out / "7c-payment.png", payment)
    payment.reject()
    return payment.agreement


def _cash_up(window: MainWindow, out: Path, agreement) -> None:  # noqa: ANN001
    """Settle the agreement through the ledger's one path (a card part, the rest in cash, the
    deposit given back), then show the branch's day."""
    from decimal import Decimal

    from rentaldesk.agreement_service import AgreementService

    ledger = AgreementService(window.desk.service)
    part = (agreement.balance / 2).quantize(Decimal("0.01"))
    ledger.take_payment(agreement.id, "card", part, "SLIP 20417")
    if ledger.take_payment(agreement.id, "cash", agreement.balance - part, "").deposit_held > 0:
        ledger.release_deposit(agreement.id)
    screen = window.cash_up
    window.show_screen(window.screens.index(screen))
    screen.ui.branchCombo.setCurrentIndex(screen.ui.branchCombo.findData(agreement.returned.zip_code))
    screen._branch_changed()
    settle(window)
    shoot(window, out / "9-cash-up.png")
    screen.ui.nextDayButton.click()
    settle(window)
    shoot(window, out / "9b-cash-up-day-to-come.png")
    screen.show_today()
    settle(window)


def _one_way_change(window: MainWindow, out: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    service = window.desk.service
    r = next(r for r in service.list_reservations(status="confirmed", starts_from=SAMPLE_NOW + timedelta(days=1))
             if r.zip_code == "02108" and r.return_zip_code is None)  # the sample's fee 02108 -> 60666
    window.reservations.ui.searchEdit.setText(r.reference)
    settle(window)
    window.reservations.open_selected()
    settle(window)
    opened = window.reservations.dialog
    opened.ui.returnCombo.setCurrentIndex(opened.ui.returnCombo.findData("60666"))
    settle(window)
    shoot(window, out / "2f-reservation-one-way.png", opened)
    opened.save()
    settle(window)
    asked = opened.findChild(QMessageBox, "confirm")
    if asked is None:
        raise SystemExit(f"no price asked for {r.reference}'s one-way: {opened.ui.errorReturn.text()}")
    shoot(window, out / "2g-reservation-one-way-price.png", asked)
    asked.reject()
    settle(window)
    opened.reject()
    window.reservations.ui.searchEdit.clear()
    settle(window)


def _done(question) -> None:  # noqa: ANN001
    """Answer "Done" to the question what to do with a document just made."""
    next(button for button in question.buttons() if button.text() == "Done").click()


def _strand_one(window: MainWindow, db) -> object:  # noqa: ANN001
    """Fill a pool for an upcoming reservation's period, then send its car to the shop."""
    from rentaldesk.cars import update_car
    from rentaldesk.models import Car

    service = window.desk.service
    r = next(r for r in service.list_reservations(status="confirmed", starts_from=SAMPLE_NOW + timedelta(days=1))
             if not r.pinned)
    for n in range(100):  # book the pool full for the period, car by car
        free = service.free_cars(vehicle_class=r.vehicle_class, zip_code=r.zip_code, start=r.start, end=r.end)
        if not free:
            break
        service.create_reservation(email=f"fleet.{n}@example.com", name=f"Fleet Customer {n}",
                                   vehicle_class=r.vehicle_class, zip_code=r.zip_code, start=r.start, end=r.end,
                                   car_id=free[0])
    r = service.get_reservation(r.id)
    with db.session() as s:
        car = s.get(Car, r.car_id)
        values = {name: getattr(car, name) for name in ("plate_number", "model", "year", "color", "transmission",
                                                        "cost_per_day", "vehicle_class", "zip_code", "odometer")}
    update_car(db, r.car_id, {**values, "status": "maintenance", "driver_id": car.driver_id}, now=SAMPLE_NOW)
    window.desk.publish(Changes(reservations=frozenset({r.id}), cars=frozenset({r.car_id})))
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "screenshots")
    parser.add_argument("--size", action="append", metavar="WxH",
                        help="a window size (repeatable; default 1024x700 and 1920x1080), into a folder of that name")
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.lower().split("x")) for size in args.size] if args.size else SIZES
    for width, height in sizes:
        render(args.out / f"{width}x{height}", (width, height))
    QTimer.singleShot(0, QCoreApplication.quit)


if __name__ == "__main__":
    main()
