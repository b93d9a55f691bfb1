"""The Customers screen through the real widgets: search, the record edited (refusals by their
field, nothing saved), do-not-rent with its reason, the history, live refresh, and the layout."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select, update

from rentaldesk.customers import history
from rentaldesk.db import open_database
from rentaldesk.errors import RentalError
from rentaldesk.models import Customer
from tests.conftest import day
from tests.gui.conftest import ZIP, settle
from tests.gui.layout import layout_problems

CUSTOMERS = 5  # the screen's number in the navigation


def book(desk, email: str, name: str, start=None, end=None):  # noqa: ANN001, ANN201
    return desk.desk.service.create_reservation(email=email, name=name, vehicle_class="SUV", zip_code=ZIP,
                                                start=start or day(1), end=end or day(3))


def open_screen(desk, qtbot):  # noqa: ANN001, ANN201
    desk.show_screen(CUSTOMERS)
    settle(qtbot, desk)
    return desk.customers


def pick(screen, qtbot, desk, email: str) -> None:  # noqa: ANN001
    for r in range(screen.proxy.rowCount()):
        if screen.proxy.row_at(r).email == email:
            screen.ui.customersView.selectRow(r)
            settle(qtbot, desk)
            return
    raise AssertionError(f"{email} is not listed")


def stored(db, email: str) -> Customer:  # noqa: ANN001
    with db.session() as s:
        c = s.scalar(select(Customer).where(Customer.email == email))
        assert c is not None
        s.expunge(c)
        return c


def type_into(qtbot, widget, words: str) -> None:  # noqa: ANN001
    widget.selectAll()
    qtbot.keyClicks(widget, words)


def tick(qtbot, box) -> None:  # noqa: ANN001
    """Click a check box on its box (a click far right of its words does not toggle it)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_the_screen_is_in_the_navigation_and_on_ctrl_6(desk, qtbot):
    qtbot.keyClick(desk, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert desk.ui.screens.currentWidget() is desk.customers
    assert desk.nav_buttons[CUSTOMERS].isChecked()
    assert desk.nav_buttons[CUSTOMERS].toolTip() == "Customers (Ctrl+6)"


def test_search_by_name_email_phone_and_licence(desk, qtbot, db):
    book(desk, "ann@example.com", "Ann Lee")
    book(desk, "bob@example.com", "Bob Ray", day(4), day(6))
    with db.write() as s:
        s.execute(update(Customer).where(Customer.email == "bob@example.com").values(phone="555-0200",
                                                                                      licence_number="CA777"))
    screen = open_screen(desk, qtbot)
    assert screen.ui.countLabel.text() == "2 customers"
    for words, emails in (("ann", ["ann@example.com"]), ("0200", ["bob@example.com"]), ("ca7", ["bob@example.com"]),
                          ("EXAMPLE", ["ann@example.com", "bob@example.com"]), ("nobody", [])):
        screen.ui.searchEdit.clear()
        qtbot.keyClicks(screen.ui.searchEdit, words)
        settle(qtbot, desk)
        assert [screen.proxy.row_at(r).email for r in range(screen.proxy.rowCount())] == emails, words
    assert screen.empty_note.text() == "No customer matches “nobody”."


def test_edit_the_record_and_see_the_history(desk, qtbot, db):
    first = book(desk, "ann@example.com", "Ann Lee")
    book(desk, "ann@example.com", "Ann Lee", day(5), day(7))
    screen = open_screen(desk, qtbot)
    pick(screen, qtbot, desk, "ann@example.com")
    ui = screen.ui
    assert ui.emailValue.text() == "ann@example.com" and ui.nameEdit.text() == "Ann Lee"
    assert ui.historyLabel.text() == "History of Ann Lee: 2 reservations"
    assert sorted(h.reference for h in screen.history.rows()) == sorted(
        h.reference for h in _history(db, first.customer_id))
    assert not ui.saveButton.isEnabled()
    type_into(qtbot, ui.dateOfBirthEdit, "17 May 1990")
    type_into(qtbot, ui.licenceNumberEdit, "d123-456")
    type_into(qtbot, ui.licenceExpiryEdit, "2035-01-31")
    type_into(qtbot, ui.cityEdit, "New York")
    assert ui.saveButton.isEnabled()
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    c = stored(db, "ann@example.com")
    assert (c.date_of_birth, c.licence_number, c.licence_expiry, c.city) == (
        date(1990, 5, 17), "D123-456", date(2035, 1, 31), "New York")
    assert ui.licenceNumberEdit.text() == "D123-456"  # the record as stored
    assert ui.dateOfBirthEdit.text() == "1990-05-17"
    assert not ui.saveButton.isEnabled()


def _history(db, customer_id):  # noqa: ANN001, ANN202
    with db.session() as s:
        return history(s, customer_id)


@pytest.mark.parametrize(("field", "words", "message"), [
    ("dateOfBirthEdit", "31/2/1990", "'31/2/1990' is not a date"),
    ("dateOfBirthEdit", "2099-01-01", "The date of birth 2099-01-01 is in the future"),
    ("licenceExpiryEdit", "2001-01-01", "The licence expiry 2001-01-01 is in the past"),
    ("licenceNumberEdit", "D1/2", "The licence number holds '/'"),
    ("nameEdit", " ", "The customer's name is needed"),
])
def test_a_bad_field_is_refused_next_to_it_and_nothing_is_saved(desk, qtbot, db, field, words, message):
    book(desk, "ann@example.com", "Ann Lee")
    screen = open_screen(desk, qtbot)
    pick(screen, qtbot, desk, "ann@example.com")
    ui = screen.ui
    type_into(qtbot, ui.cityEdit, "Boston")
    type_into(qtbot, getattr(ui, field), words)
    before = stored(db, "ann@example.com")
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    label = getattr(ui, field.replace("Edit", "Message"))
    assert message in label.text()
    assert label.isVisible()
    assert getattr(ui, field).property("invalid") is True
    assert stored(db, "ann@example.com").city == before.city == ""
    qtbot.keyClicks(getattr(ui, field), "x")  # typing in the field clears its message
    assert label.text() == ""


def test_do_not_rent_needs_a_reason_and_then_refuses_a_booking(desk, qtbot, db):
    book(desk, "ann@example.com", "Ann Lee")
    screen = open_screen(desk, qtbot)
    pick(screen, qtbot, desk, "ann@example.com")
    ui = screen.ui
    assert not ui.doNotRentReasonEdit.isEnabled()
    tick(qtbot, ui.doNotRentCheck)
    assert ui.doNotRentReasonEdit.isEnabled()
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert ui.doNotRentReasonMessage.text() == "A do-not-rent flag needs its reason"
    assert stored(db, "ann@example.com").do_not_rent is False
    qtbot.keyClicks(ui.doNotRentReasonEdit, "unpaid damage")
    qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    settle(qtbot, desk)
    assert (stored(db, "ann@example.com").do_not_rent, stored(db, "ann@example.com").do_not_rent_reason) == (
        True, "unpaid damage")
    assert screen.proxy.index(0, 6).data() == "do not rent"
    with pytest.raises(RentalError) as caught:
        book(desk, "ann@example.com", "Ann Lee", day(10), day(12))
    assert caught.value.field == "do_not_rent" and "unpaid" not in caught.value.message


def test_a_change_made_elsewhere_shows_without_a_click(desk, qtbot, db, tmp_path):
    book(desk, "ann@example.com", "Ann Lee")
    screen = open_screen(desk, qtbot)
    pick(screen, qtbot, desk, "ann@example.com")
    other = open_database(str(db.engine.url))  # another process's connection to the same file
    try:
        with other.write() as s:
            s.execute(update(Customer).where(Customer.email == "ann@example.com").values(city="Albany"))
    finally:
        other.close()
    qtbot.waitUntil(lambda: screen.ui.cityEdit.text() == "Albany", timeout=5000)
    book(desk, "cat@example.com", "Cat", day(4), day(6))  # a new customer, booked here
    qtbot.waitUntil(lambda: screen.proxy.rowCount() == 2, timeout=5000)


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (1920, 1080)])
def test_the_screen_fits_the_window(desk, qtbot, width, height):
    book(desk, "ann@example.com", "Ann Lee")
    desk.resize(width, height)
    screen = open_screen(desk, qtbot)
    pick(screen, qtbot, desk, "ann@example.com")
    tick(qtbot, screen.ui.doNotRentCheck)
    qtbot.mouseClick(screen.ui.saveButton, Qt.MouseButton.LeftButton)  # a message shown: the form grows
    settle(qtbot, desk)
    assert screen.ui.doNotRentReasonMessage.isVisible()
    qtbot.wait(50)
    QApplication.processEvents()
    assert (desk.width(), desk.height()) == (width, height)
    assert layout_problems(desk) == []


def test_the_booking_form_shows_a_renter_refusal_and_saves_nothing(desk, qtbot, db):
    """The desk's booking path: a do-not-rent customer typed into the New reservation form."""
    from tests.gui.conftest import count_reservations
    from tests.gui.test_booking import choose_class, form, type_customer

    book(desk, "ann@example.com", "Ann Lee", day(5), day(7))
    with db.write() as s:
        s.execute(update(Customer).where(Customer.email == "ann@example.com").values(
            do_not_rent=True, do_not_rent_reason="unpaid damage"))
    ui = form(desk)
    choose_class(qtbot, desk, "SUV")
    type_customer(qtbot, ui, "ann@example.com", "Ann Lee")
    settle(qtbot, desk)
    before = count_reservations(db)
    qtbot.keyClick(ui.nameEdit, Qt.Key.Key_Return)
    phrase = "Ann Lee is on the do-not-rent list; the reason is on the customer's record"
    qtbot.waitUntil(lambda: phrase in ui.formError.text(), timeout=5000)
    settle(qtbot, desk)
    assert "unpaid" not in ui.formError.text()
    assert not ui.resultBanner.isVisible()
    assert count_reservations(db) == before


def test_ctrl_s_saves_the_record(desk, qtbot, db):
    book(desk, "ann@example.com", "Ann Lee")
    screen = open_screen(desk, qtbot)
    pick(screen, qtbot, desk, "ann@example.com")
    type_into(qtbot, screen.ui.countryEdit, "Canada")
    qtbot.keyClick(screen.ui.countryEdit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, desk)
    assert stored(db, "ann@example.com").country == "Canada"
    from rentaldesk.gui.main_window import SHORTCUTS

    assert "Ctrl+1 … Ctrl+7" in SHORTCUTS and "Ctrl+S" in SHORTCUTS
