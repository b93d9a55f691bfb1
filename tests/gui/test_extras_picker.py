"""The extras picker (issue 11, extras) through the real desk: the booking form and the check-out
dialog share one widget; the price preview shows each extra's line from the engine's quote, an
item out of stock is an inline error naming it and how many are free for the period (the engine's
stock rule), nothing is saved then, and the keyboard alone walks it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rentaldesk import extras
from rentaldesk.extras import CatalogueItem, choose, extras_from_json
from rentaldesk.gui.extras_picker import ExtrasPicker
from rentaldesk.models import Reservation as ReservationRow
from tests.conftest import change_accepting_the_price
from tests.gui.conftest import ZIP, count_reservations, settle
from tests.gui.layout import layout_problems
from tests.gui.test_checkout_dialog import book, fill_in, open_check_out, refusals

SEAT = CatalogueItem("child-seat", "Child seat", "extra", "day", Decimal("12.00"), cap=Decimal("60.00"), stock=1)
GPS = CatalogueItem("gps", "GPS navigation", "extra", "day", Decimal("10.00"), stock=2)
CDW = CatalogueItem("cdw", "Collision damage waiver", "cover", "day", Decimal("24.00"), taxable=False)


@pytest.fixture
def stocked(open_desk, counter, db):  # noqa: ANN001, ANN201
    """The desk of a branch offering a child seat (1), GPS units (2) and a damage waiver."""
    with db.write() as s:
        extras.save_catalogue(s, ZIP, [SEAT, GPS, CDW])
    return open_desk()


def booking_form(qtbot, desk):  # noqa: ANN001, ANN201
    desk.show_screen(0)
    ui = desk.booking.ui
    qtbot.waitUntil(lambda: len(ui.extrasPicker.spins) == 3)
    ui.classCombo.setCurrentIndex(ui.classCombo.findData("SUV"))
    settle(qtbot, desk)
    return ui


def kept(db, reservation_id: str) -> list[tuple[str, int]]:  # noqa: ANN001
    with db.session() as s:
        return [(e.code, e.quantity) for e in extras_from_json(s.get_one(ReservationRow, reservation_id).extras_json)]


def test_a_clerk_books_a_child_seat_with_the_keyboard_and_the_price_shows_its_line(stocked, db, qtbot):
    ui = booking_form(qtbot, stocked)
    bare = ui.priceLabel.text()
    qtbot.keyClicks(ui.emailEdit, "ann@example.com")
    qtbot.keyClicks(ui.nameEdit, "Ann Lee")
    # three columns (the extras above the free cars): Tab from the driver walks into the
    # quantities, one by one, and out to the free cars
    assert not ui.narrow
    ui.driverCombo.setFocus()
    walk = [ui.extrasPicker.spins["child-seat"], ui.extrasPicker.spins["gps"], ui.extrasPicker.spins["cdw"],
            ui.freeCarsView]
    for expected in walk:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected, QApplication.focusWidget().objectName()
    seat = ui.extrasPicker.spins["child-seat"]
    assert seat.maximum() == 1  # no more than the branch stocks
    seat.setFocus()
    qtbot.keyClick(seat, Qt.Key.Key_Up)
    qtbot.keyClick(seat, Qt.Key.Key_Up)  # held at its limit
    assert seat.value() == 1
    settle(qtbot, stocked)
    # one day: the seat's own line from the engine's quote, in the price
    assert "Child seat: 1 day at $12.00 a day" in ui.priceDetail.text()
    assert Decimal(ui.priceLabel.text().strip("$")) == Decimal(bare.strip("$")) + Decimal("12.00")
    assert "With Child seat" in ui.summaryLabel.text()
    qtbot.keyClick(seat, Qt.Key.Key_Return)  # Enter books
    qtbot.waitUntil(ui.resultBanner.isVisible)
    made = stocked.booking.last_reservation
    assert kept(db, made.id) == [("child-seat", 1)] and made.price == Decimal(ui.resultText.text().split("$")[-1])
    assert seat.value() == 0  # the form is ready for the next customer


def test_the_last_seat_taken_is_an_inline_error_naming_it_and_nothing_is_saved(stocked, db, svc, qtbot):
    ui = booking_form(qtbot, stocked)
    request = stocked.booking.request()
    with db.session() as s:
        seat = choose(s, ZIP, [("child-seat", 1)])
    svc.create_reservation(email="bo@example.com", name="Bo Berg", vehicle_class="ECONOMY", zip_code=ZIP,
                           start=request.start, end=request.end, extras=seat)
    settle(qtbot, stocked)
    qtbot.keyClicks(ui.emailEdit, "ann@example.com")
    qtbot.keyClicks(ui.nameEdit, "Ann Lee")
    ui.extrasPicker.set_quantity("child-seat", 1)
    settle(qtbot, stocked)
    qtbot.waitUntil(ui.errorExtras.isVisible)
    assert ui.errorExtras.text().startswith("No child seat is free at ")
    assert ui.errorExtras.text().endswith(": the only one is booked")
    assert ui.extrasPicker.property("invalid") is True
    before = count_reservations(db)
    stocked.booking.reserve()  # the engine refuses it the same way
    settle(qtbot, stocked)
    assert ui.errorExtras.text().startswith("No child seat is free") and count_reservations(db) == before
    ui.extrasPicker.set_quantity("child-seat", 0)  # the message goes with the pick
    assert not ui.errorExtras.isVisible()


def test_two_columns_tab_from_the_return_time_through_the_extras_to_the_customer(stocked, qtbot):
    stocked.resize(1024, 700)
    ui = booking_form(qtbot, stocked)
    qtbot.waitUntil(lambda: ui.narrow)
    ui.endTime.setFocus()
    for expected in (*ui.extrasPicker.spins.values(), ui.emailEdit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected, QApplication.focusWidget().objectName()
        if expected is not ui.emailEdit:
            assert expected.visibleRegion().boundingRect().height() > 0  # scrolled into view


def test_check_out_adds_a_gps_to_the_booked_seat_and_refuses_more_than_are_free(stocked, db, qtbot, clock):
    with db.session() as s:
        seat = choose(s, ZIP, [("child-seat", 1)])
    made = stocked.desk.service.create_reservation(
        email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
        start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2, hours=3), extras=seat)
    from tests.gui.test_checkout_dialog import licensed
    licensed(db, made.customer_id)
    other = book(stocked, clock, email="bo@example.com")  # takes one GPS for the same days
    with db.session() as s:
        change_accepting_the_price(stocked.desk.service, other.id, extras=choose(s, ZIP, [("gps", 1)]))
    dialog = open_check_out(qtbot, stocked, made.reference)
    picker: ExtrasPicker = dialog.ui.extrasPicker
    assert "child-seat" not in picker.spins  # booked already: shown, not picked again
    gps = picker.spins["gps"]
    # Tab: fuel -> the quantities -> the next field (the class has no deposit here: none is asked,
    # so the damage diagram's zone)
    dialog.ui.fuelGauge.setFocus()
    assert dialog.ui.depositMethodCombo.isHidden()
    for expected in (gps, picker.spins["cdw"], dialog.ui.damageDiagram.zoneCombo):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected, QApplication.focusWidget().objectName()
    gps.setFocus()
    QTest.keyClick(gps, Qt.Key.Key_Up)
    QTest.keyClick(gps, Qt.Key.Key_Up)
    qtbot.waitUntil(dialog.ui.errorExtras.isVisible)
    assert dialog.ui.errorExtras.text().startswith("Only 1 of 2 GPS navigations is free at ")
    assert dialog.ui.errorExtras.text().endswith("; 2 asked")
    QTest.keyClick(gps, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: not dialog.ui.errorExtras.isVisible())
    fill_in(qtbot, dialog, odometer=12_000)
    QTest.mouseClick(dialog.ui.confirmButton, Qt.MouseButton.LeftButton)
    settle(qtbot, stocked)
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    assert refusals(dialog) == []
    assert [(e.code, e.quantity) for e in dialog.agreement.extras] == [("child-seat", 1), ("gps", 1)]
    assert kept(db, made.id) == [("child-seat", 1), ("gps", 1)]


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_the_form_with_its_picker_fits_the_counter_screen(stocked, qtbot, width: int, height: int) -> None:
    stocked.resize(width, height)
    ui = booking_form(qtbot, stocked)
    ui.extrasPicker.set_quantity("gps", 2)
    settle(qtbot, stocked)
    qtbot.wait(50)
    problems = layout_problems(stocked.booking)
    assert problems == [], "\n".join(problems)
    assert ui.extrasPicker.isVisible() and ui.extrasPicker.spins["gps"].isVisible()
    # with the stock refusal under the picker (another customer has the only seat)
    stocked.desk.service.create_reservation(email="bo@example.com", name="Bo Berg", vehicle_class="SUV",
                                            zip_code=ZIP, start=stocked.booking.request().start,
                                            end=stocked.booking.request().end)
    qtbot.keyClicks(ui.emailEdit, "ann@example.com")
    ui.extrasPicker.set_quantity("child-seat", 1)
    ui.extrasPicker.set_quantity("gps", 2)
    change_accepting_the_price(stocked.desk.service, stocked.desk.service.list_reservations()[0].id,
                               extras=ui.extrasPicker.picks()[:1])
    stocked.booking.refresh_preview()
    settle(qtbot, stocked)
    qtbot.waitUntil(ui.errorExtras.isVisible)
    qtbot.wait(50)
    problems = layout_problems(stocked.booking)
    assert problems == [], "\n".join(problems)


def _rows_cut(picker: ExtrasPicker) -> list[str]:
    """The rows shown only in part (a name or quantity neither wholly in view nor out of it)."""
    cut = []
    for index in range(picker.grid.count()):
        widget = picker.grid.itemAt(index).widget()
        seen = widget.visibleRegion().boundingRect().height()
        if 0 < seen < widget.height():
            cut.append(f"{widget.objectName() or widget.text()[:20]}: {seen} of {widget.height()} px")
    return cut


@pytest.mark.parametrize(("width", "height", "shown"), [(1024, 700, 1), (1920, 1080, 3)])
def test_the_booking_form_shows_whole_rows_only_and_says_how_many_more(stocked, qtbot, width, height, shown):
    stocked.resize(width, height)
    ui = booking_form(qtbot, stocked)
    qtbot.wait(50)
    picker: ExtrasPicker = ui.extrasPicker
    assert _rows_cut(picker) == []
    more = 3 - shown
    assert ui.extrasGroup.title() == "E&xtras and cover" + (f" ({more} more: scroll or Tab)" if more else "")
    for spin in picker.spins.values():  # Tab (focus) to each quantity: scrolled a whole row at a time
        spin.setFocus()
        qtbot.wait(10)
        assert spin.visibleRegion().boundingRect().height() == spin.height()
        assert _rows_cut(picker) == []
