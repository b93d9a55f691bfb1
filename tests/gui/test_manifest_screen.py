"""Today (Ctrl+7): the day's manifest through the real widgets: the lists and their counts, a no-show
marked after a confirmation, a booking of another process shown without a click, the PDF saved."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from rentaldesk.db import open_database
from rentaldesk.gui.main_window import SHORTCUTS
from rentaldesk.reservations import ReservationService
from tests.conftest import day
from tests.gui.conftest import ZIP, settle
from tests.gui.test_live_refresh import PATIENCE_MS
from tests.gui.test_reservations_screen import answer

# The clock's "now" is 07:00 in New York on Monday 4 March 2030 (T0).


def book(svc, email, start, end):
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), phone="555-0142",
                                  vehicle_class="SUV", zip_code=ZIP, start=start, end=end)


def rows(screen, name):
    model = screen.models[name]
    return [model.row_at(i).reference for i in range(model.rowCount())]


def tab_titles(screen):
    return [screen.tabs.tabText(i) for i in range(screen.tabs.count())]


def select(qtbot, screen, name, reference):
    screen.tabs.setCurrentIndex([n for n, _ in screen_lists()].index(name))
    view, model = screen.views[name], screen.models[name]
    proxy = view.model()
    [row] = [r for r in range(proxy.rowCount()) if model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()).reference
             == reference]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(proxy.index(row, 1)).center())
    assert screen.selected().reference == reference


def screen_lists():
    from rentaldesk.manifest import LISTS
    return LISTS


def test_today_lists_the_day_and_marks_a_no_show_after_asking(desk, qtbot, clock, db, tmp_path):
    svc = desk.desk.service
    ann = book(svc, "ann@example.com", day(0, 3), day(1, 3))   # 10:00 today
    bob = book(svc, "bob@example.com", day(0, 2), day(2))      # 09:00 today: he never comes
    clock.now = day(0, 4.5)  # 11:30: Bob is past the 2 hours' grace, Ann not yet
    qtbot.keyClick(desk, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    screen = desk.manifest
    settle(qtbot, desk)
    assert desk.ui.screens.currentWidget() is screen and screen.isVisible()
    assert desk.nav_buttons[desk.screens.index(screen)].toolTip() == "Today: the day's manifest (Ctrl+7)"
    assert "Today (the day's manifest)" in SHORTCUTS
    assert screen.title.text() == "Today at Branch 10001"
    assert tab_titles(screen) == ["Due out (2)", "Due in (0)", "Overdue (0)", "No-shows (1)"]
    assert rows(screen, "due_out") == [bob.reference, ann.reference] and rows(screen, "no_shows") == [bob.reference]
    assert screen.summary.text().startswith("Due out 2, due in 0, overdue 0, no-shows 1")

    select(qtbot, screen, "due_out", ann.reference)
    assert not screen.no_show_button.isEnabled()  # not past the grace yet
    select(qtbot, screen, "no_shows", bob.reference)
    assert screen.no_show_button.isEnabled()
    screen.no_show_button.click()
    answer(qtbot, screen, "Keep it")
    settle(qtbot, desk)
    assert svc.get_reservation(bob.id).status == "confirmed"
    screen.no_show_button.click()
    answer(qtbot, screen, "Mark no-show")
    settle(qtbot, desk)
    assert svc.get_reservation(bob.id).status == "no-show"
    qtbot.waitUntil(lambda: tab_titles(screen) == ["Due out (1)", "Due in (0)", "Overdue (0)", "No-shows (1)"])
    model = screen.models["no_shows"]
    assert model.data(model.index(0, 7)) == "no-show"  # the state column
    assert screen.message.text() == f"Reservation {bob.reference} marked a no-show."

    other = open_database(str(db.engine.url))  # another workstation books a pick-up of today
    try:
        cy = book(ReservationService(other, clock=clock), "cy@example.com", day(0, 7), day(2))
    finally:
        other.close()
    qtbot.waitUntil(lambda: rows(screen, "due_out") == [ann.reference, cy.reference], timeout=PATIENCE_MS)

    screen.save_button.click()
    qtbot.waitUntil(lambda: screen.findChild(QFileDialog, "savePdf") is not None)
    dialog = screen.findChild(QFileDialog, "savePdf")
    target = tmp_path / "today.pdf"
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(target.exists)
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Manifest Mon 04 Mar 2030" in words and cy.reference in words and "no-show" in words


def test_the_day_is_typed_as_in_every_date_field(desk, qtbot, clock, db):
    book(desk.desk.service, "ann@example.com", day(2), day(4))  # picked up on Wed 6 Mar, New York
    qtbot.keyClick(desk, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    screen = desk.manifest
    settle(qtbot, desk)
    field = screen.day_edit
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "6")  # a day number alone: of the branch's month
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot, desk)
    assert field.text() == "Wed 06 Mar 2030"
    qtbot.waitUntil(lambda: screen.manifest is not None and str(screen.manifest.day) == "2030-03-06")
    assert len(rows(screen, "due_out")) == 1
    field.selectAll()
    qtbot.keyClicks(field, "the 6th")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "the 6th" in screen.message.text() and str(screen.manifest.day) == "2030-03-06"  # kept, and said why
