"""New reservation: a clerk books with the keyboard, with the calendar and by car; every rule of the
engine shows next to its field and nothing is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QTableView
from sqlalchemy import select

from rentaldesk.models import Customer
from rentaldesk.models import Reservation as ReservationRow
from tests.conftest import T0, day
from tests.gui.conftest import ZIP, count_reservations, settle


def form(desk):
    desk.show_screen(0)
    return desk.booking.ui


def step(qtbot, edit, times: int) -> None:
    """Press Up (or Down for a negative count) on a date or time field, as a clerk does."""
    edit.setFocus()
    key = Qt.Key.Key_Up if times > 0 else Qt.Key.Key_Down
    for _ in range(abs(times)):
        qtbot.keyClick(edit, key)


def type_customer(qtbot, ui, email: str, name: str = "", phone: str = "") -> None:
    qtbot.keyClicks(ui.emailEdit, email)
    if name:
        qtbot.keyClicks(ui.nameEdit, name)
    if phone:
        qtbot.keyClicks(ui.phoneEdit, phone)


def choose_class(qtbot, desk, code: str) -> None:
    ui = desk.booking.ui
    ui.classCombo.setFocus()
    while ui.classCombo.currentData() != code:
        qtbot.keyClick(ui.classCombo, Qt.Key.Key_Down)
    settle(qtbot, desk)


def stored(db, reference: str) -> ReservationRow:
    with db.session() as s:
        return s.scalar(select(ReservationRow).where(ReservationRow.reference == reference))


def test_a_clerk_books_without_the_mouse(desk, db, qtbot):
    ui = form(desk)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is ui.locationCombo)
    # Tab walks the form in reading order
    for expected in (ui.classCombo, ui.startDate, ui.startTime, ui.endDate, ui.endTime, ui.emailEdit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected
    ui.classCombo.setFocus()
    qtbot.keyClick(ui.classCombo, Qt.Key.Key_Down)  # ECONOMY (cheapest first) -> SUV
    assert ui.classCombo.currentData() == "SUV"
    ui.emailEdit.setFocus()
    qtbot.keyClicks(ui.emailEdit, "Ann.Lee@Example.com")
    qtbot.keyClick(ui.emailEdit, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Ann Lee")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "+1 212 555 0100")
    settle(qtbot, desk)
    # the default period: the first whole hour 2 h 30 min ahead (07:00 in New York -> 10:00), one day
    assert ui.startTime.time().toString("HH:mm") == "10:00"
    assert ui.durationLabel.text() == "1 day"
    assert ui.priceLabel.text() == "$80.00"
    assert ui.freeCarsLabel.text() == "Room for 2 more of 2 SUV cars for this period"

    qtbot.keyClick(ui.phoneEdit, Qt.Key.Key_Return)  # Enter books
    qtbot.waitUntil(ui.resultBanner.isVisible)
    made = desk.booking.last_reservation
    assert ui.referenceLabel.text().startswith(made.reference)
    row = stored(db, made.reference)
    assert (row.vehicle_class, row.zip_code, row.status, row.pinned) == ("SUV", ZIP, "confirmed", False)
    assert (row.start_at, row.end_at) == (T0 + timedelta(hours=3), T0 + timedelta(hours=27))
    with db.session() as s:
        customer = s.scalar(select(Customer).where(Customer.email == "ann.lee@example.com"))
        assert (customer.name, customer.phone) == ("Ann Lee", "+1 212 555 0100")
    # the form is ready for the next customer, and the reference can be copied
    assert ui.emailEdit.text() == "" and QApplication.focusWidget() is ui.emailEdit
    qtbot.keyClick(ui.emailEdit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == made.reference


def test_a_returning_customer_is_found_by_email(desk, svc, qtbot):
    svc.create_reservation(email="bo@example.com", name="Bo Berg", phone="555 0101", vehicle_class="ECONOMY",
                           zip_code=ZIP, start=day(10), end=day(11))
    ui = form(desk)
    qtbot.keyClicks(ui.emailEdit, "BO@exam")
    settle(qtbot, desk)
    assert desk.booking._customer_words.stringList() == ["bo@example.com"]  # offered as you type
    qtbot.keyClicks(ui.emailEdit, "ple.com")
    settle(qtbot, desk)
    assert (ui.nameEdit.text(), ui.phoneEdit.text()) == ("Bo Berg", "555 0101")
    assert ui.customerHint.text() == "Returning customer · 1 reservation"
    # another email: the details that came with the first go with it
    ui.emailEdit.clear()
    qtbot.keyClicks(ui.emailEdit, "new@example.com")
    settle(qtbot, desk)
    assert ui.nameEdit.text() == "" and ui.customerHint.text().startswith("New customer")


def test_free_cars_follow_the_dates_and_a_car_can_be_asked_for(desk, db, qtbot):
    ui = form(desk)
    choose_class(qtbot, desk, "SUV")
    other = desk.desk.service  # a booking made elsewhere reaches the form by the same signal
    first_suv = desk.booking.cars.row_at(0).car_id
    taken = other.create_reservation(email="x@example.com", name="X", vehicle_class="SUV", zip_code=ZIP,
                                     start=day(2), end=day(4), car_id=first_suv)
    settle(qtbot, desk)
    assert desk.booking.cars.rowCount() == 2  # tomorrow: both free
    step(qtbot, ui.startDate, 2)  # day 2..day 2: a zero-length period, the rules say why
    settle(qtbot, desk)
    assert "Return must be after pick-up" in ui.errorEnd.text()
    step(qtbot, ui.endDate, 2)
    settle(qtbot, desk)
    assert desk.booking.cars.rowCount() == 1
    free = desk.booking.cars.row_at(0)
    assert free.car_id != taken.car_id
    # the clerk clicks the car: the booking is by car, at that car's rate
    view: QTableView = ui.freeCarsView
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0, 1)).center())
    settle(qtbot, desk)
    assert ui.carChoiceLabel.text().startswith(f"Reserved by car: {free.plate_number}")
    assert ui.priceLabel.text() == "$90.00"  # 1 day at the car's own 90.00
    type_customer(qtbot, ui, "cy@example.com", "Cy Young")
    qtbot.keyClick(ui.nameEdit, Qt.Key.Key_Enter)
    qtbot.waitUntil(ui.resultBanner.isVisible)
    row = stored(db, desk.booking.last_reservation.reference)
    assert (row.car_id, row.pinned) == (free.car_id, True)


def click_day(qtbot, calendar, wanted: QDate) -> None:
    """Click ``wanted`` on the month shown, the way a mouse does."""
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    model = view.model()
    cells = [model.index(r, c) for r in range(1, model.rowCount()) for c in range(model.columnCount())]
    matches = [i for i in cells if i.data() == wanted.day()]
    cell = matches[0] if wanted.day() < 15 else matches[-1]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(cell).center())


def test_the_calendar_picks_pick_up_then_return(desk, qtbot):
    ui = form(desk)
    start = ui.startDate.date()
    click_day(qtbot, ui.calendar, start.addDays(1))
    assert ui.calendarHint.text() == "Now click the return day."
    click_day(qtbot, ui.calendar, start.addDays(5))  # before the clocks change on 10 March
    settle(qtbot, desk)
    assert (ui.startDate.date(), ui.endDate.date()) == (start.addDays(1), start.addDays(5))
    assert ui.durationLabel.text() == "4 days"
    fmt = ui.calendar.dateTextFormat(start.addDays(3))
    assert fmt.background().color().name() == "#dbe7fb"  # the days between are shaded
    assert ui.priceLabel.text() == "$160.00"  # ECONOMY 40.00 x 4


@pytest.mark.parametrize("case", ["lead time", "minimum length", "no capacity", "duplicate", "busy driver",
                                  "bad email", "no name", "skipped hour"])
def test_every_rule_shows_by_its_field_and_nothing_is_saved(desk, db, qtbot, case):
    ui = form(desk)
    service = desk.desk.service
    choose_class(qtbot, desk, "SUV")
    type_customer(qtbot, ui, "ann@example.com", "Ann Lee")
    start, end = day(0, 3), day(1, 3)  # the form's default period
    if case == "lead time":
        step(qtbot, ui.startTime, -2)  # 08:00 local: 1 h from now
        field, phrase = ui.errorStart, "at least 2 hours from now"
    elif case == "minimum length":
        step(qtbot, ui.endTime, -1)  # 23 h
        field, phrase = ui.errorEnd, "at least 1 day; this one is 1 hour too short"
    elif case == "no capacity":
        for n in range(2):
            service.create_reservation(email=f"o{n}@example.com", name="O", vehicle_class="SUV", zip_code=ZIP,
                                       start=start, end=end)
        field, phrase = ui.errorClass, "cars at 10001 are booked"
    elif case == "duplicate":
        held = service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
                                          start=start, end=end)
        field, phrase = ui.errorEmail, f"ann@example.com already holds {held.reference}, an SUV at 10001 for "
    elif case == "busy driver":
        settle(qtbot, desk)
        ui.driverCombo.setFocus()
        qtbot.keyClick(ui.driverCombo, Qt.Key.Key_Down)
        assert ui.driverCombo.currentText().startswith("Dee Driver")
        settle(qtbot, desk)
        driver_id = ui.driverCombo.currentData()
        service.create_reservation(email="z@example.com", name="Z", vehicle_class="ECONOMY", zip_code=ZIP,
                                   start=start, end=end, driver_id=driver_id)  # taken meanwhile
        field, phrase = ui.errorDriver, "Dee Driver is busy with"
    elif case == "bad email":
        ui.emailEdit.clear()
        qtbot.keyClicks(ui.emailEdit, "ann.example.com")
        field, phrase = ui.errorEmail, "is not an email address"
    elif case == "no name":
        ui.nameEdit.clear()
        field, phrase = ui.errorName, "The customer's name is needed"
    else:  # 02:30 on 10 March 2030 does not exist in New York (the clocks jump to 03:00)
        ui.startDate.setFocus()
        while ui.startDate.date() < QDate(2030, 3, 10):
            qtbot.keyClick(ui.startDate, Qt.Key.Key_Up)
        ui.startTime.setFocus()
        while ui.startTime.time().hour() != 2:
            qtbot.keyClick(ui.startTime, Qt.Key.Key_Down)
        field, phrase = ui.errorStart, "does not exist in America/New_York"
    settle(qtbot, desk)
    before = count_reservations(db)
    qtbot.keyClick(ui.nameEdit, Qt.Key.Key_Return)
    try:
        qtbot.waitUntil(lambda: phrase in field.text())
    except Exception:
        shown = {label.objectName(): label.text() for label in desk.booking.messages.labels.values() if label.text()}
        raise AssertionError(f"{phrase!r} not shown; the form says {shown} / {ui.formError.text()!r}") from None
    settle(qtbot, desk)
    assert field.isVisible() and phrase in field.text()
    assert not ui.resultBanner.isVisible()
    assert count_reservations(db) == before


def test_escape_starts_over(desk, qtbot):
    ui = form(desk)
    type_customer(qtbot, ui, "ann@example.com", "Ann Lee")
    step(qtbot, ui.endDate, 2)
    qtbot.keyClick(ui.nameEdit, Qt.Key.Key_Escape)
    settle(qtbot, desk)
    assert (ui.emailEdit.text(), ui.nameEdit.text(), ui.durationLabel.text()) == ("", "", "1 day")
    assert QApplication.focusWidget() is ui.locationCombo


def test_location_shows_its_time_zone(open_desk, fleet, qtbot):
    fleet.cars(1, "SUV", "10001")
    fleet.branch("94128", tz="America/Los_Angeles")
    fleet.cars(1, "SUV", "94128")
    desk = open_desk()
    ui = form(desk)
    ui.locationCombo.setCurrentIndex(ui.locationCombo.findData("94128"))
    settle(qtbot, desk)
    assert ui.zoneLabel.text().endswith("America/Los_Angeles")
    # 04:00 in San Francisco + 2 h 30 min -> 07:00 local
    assert ui.startTime.time().toString("HH:mm") in ("10:00", "07:00")
    assert desk.booking.cars.rowCount() == 1
    assert QPoint  # noqa: B018
