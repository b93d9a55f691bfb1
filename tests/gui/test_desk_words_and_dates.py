"""Issue 10's last desk defects: a driver is shown by name and phone, never by id; the reservation
dialog and the reservations filter take typed dates as the booking form does; durations read in
the one set of words (singular and plural)."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from hypothesis import given, strategies as st
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from rentaldesk import queries
from rentaldesk.gui import text
from tests.conftest import T0, day
from tests.gui.conftest import ZIP, settle
from tests.gui.test_reservations_screen import answer, open_screen, select, shown


def open_dialog(qtbot, desk, reference):  # noqa: ANN001, ANN201
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    select(qtbot, desk, reference)
    desk.reservations.open_selected()
    dialog = desk.reservations.dialog
    qtbot.waitUntil(dialog.isVisible)
    settle(qtbot, desk)
    return dialog


def test_the_reservation_dialog_names_the_driver_with_their_phone_never_an_id(desk, qtbot, svc):
    dee = next(d for d in queries.list_drivers(desk.desk.db, T0) if d.name == "Dee Driver")  # phone 555
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
                               start=day(2), end=day(3), driver_id=dee.id)
    dialog = open_dialog(qtbot, desk, r.reference)
    info = dialog.ui.infoLabel.text()
    assert "with driver Dee Driver (555)" in info
    assert not re.search(rf"driver {dee.id}\b", info)


def test_the_dialog_takes_a_typed_return_day_and_refuses_one_that_is_not_a_day(desk, qtbot, svc):
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=ZIP,
                               start=day(2), end=day(3))  # Wed 6 Mar 2030 -> Thu 7 Mar
    dialog = open_dialog(qtbot, desk, r.reference)
    d = dialog.ui
    d.endDate.setFocus()  # focus selects the day: typing replaces it
    qtbot.keyClicks(d.endDate, "8")  # a day number: the 8th on or after the pick-up
    assert d.endDate.date() == QDate(2030, 3, 8)
    d.endDate.selectAll()
    qtbot.keyClicks(d.endDate, "8 Smarch")
    d.saveButton.click()
    assert "Return date '8 Smarch' is not a day; type 8, 8/12" in d.errorEnd.text()
    assert dialog.isVisible() and svc.get_reservation(r.id) == r  # nothing saved
    d.endDate.selectAll()
    qtbot.keyClicks(d.endDate, "2030-03-09")
    assert d.errorEnd.text() == ""  # the message goes as the field changes
    d.saveButton.click()  # two more days: the new price is asked first, then saved
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "confirm") is not None)
    answer(qtbot, dialog, f"Save at ${r.price * 3:,.2f}")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert svc.get_reservation(r.id).end == day(5)


def test_the_filter_takes_typed_dates_and_says_when_one_is_not_a_day(desk, qtbot, svc):
    later = svc.create_reservation(email="bob@example.com", name="Bob", vehicle_class="SUV", zip_code=ZIP,
                                   start=day(3), end=day(5))  # picked up Thu 7 Mar 2030
    soon = svc.create_reservation(email="cy@example.com", name="Cy", vehicle_class="SUV", zip_code=ZIP,
                                  start=day(1), end=day(2))  # picked up Tue 5 Mar
    ui = open_screen(qtbot, desk)
    ui.upcomingButton.click()
    ui.datesCheck.click()
    ui.fromDate.setFocus()
    qtbot.keyClicks(ui.fromDate, "6")  # the 6th from today (Mon 4 Mar 2030)
    ui.toDate.setFocus()
    qtbot.keyClicks(ui.toDate, "8/3")  # day/month
    qtbot.keyClick(ui.toDate, Qt.Key.Key_Tab)
    settle(qtbot, desk)
    assert (ui.fromDate.date(), ui.toDate.date()) == (QDate(2030, 3, 6), QDate(2030, 3, 8))
    assert shown(desk) == [later.reference]
    ui.toDate.selectAll()
    qtbot.keyClicks(ui.toDate, "the 8th")
    qtbot.keyClick(ui.toDate, Qt.Key.Key_Tab)
    settle(qtbot, desk)
    assert ui.countLabel.text().startswith("Pick-up to 'the 8th' is not a day; type 8, 8/12")
    assert ui.toDate.property("invalid") is True
    assert ui.toDate.date() == QDate(2030, 3, 8)
    assert shown(desk) == [later.reference]  # the grid keeps the last days the fields held
    ui.fromDate.selectAll()
    qtbot.keyClicks(ui.fromDate, "5 Mar")
    ui.toDate.selectAll()
    qtbot.keyClicks(ui.toDate, "7 Mar")
    settle(qtbot, desk)
    assert shown(desk) == [soon.reference, later.reference]
    assert ui.countLabel.text() == "2 reservations"


@given(st.integers(min_value=0, max_value=400 * 24 * 60))
def test_a_duration_reads_singular_for_one_and_plural_for_more(minutes: int) -> None:
    start = T0
    words = text.duration(start, start + timedelta(minutes=minutes), UTC)
    assert not re.search(r"(?<![\d,])1 (days|hours|minutes)\b", words), words
    assert not re.search(r"(?<![\d,])(0|[2-9]|\d\d+) (day|hour|minute)\b(?!s)", words), words
    if minutes:
        billed = -(-minutes // (24 * 60))
        whole = minutes % (24 * 60) == 0
        assert words.endswith("" if whole else ("(billed 1 day)" if billed == 1 else f"(billed {billed} days)"))
