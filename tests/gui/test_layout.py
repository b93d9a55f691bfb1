"""Every screen of the desk, and its dialogs, at every counter screen size: nothing overlaps, nothing
is cut off, nothing is squeezed below what its text needs (tests/gui/layout.py walks every visible
widget, so it knows no screen by name).

Sizes: 1024x700 (the smallest counter screen, also the window's minimum), 1366x768, 1920x1080, and
the same three on a 2x HiDPI screen: a second pytest process whose offscreen screen has a device
pixel ratio of 2 (tests/gui/conftest.py, RENTALDESK_TEST_SCALE=2), so Qt lays the window out in
logical pixels and draws fonts and icons at twice the device pixels, as on a HiDPI screen (the
process checks that its device pixel ratio is 2, so it cannot pass at 1x). QT_SCALE_FACTOR=2 would
do the same but also halve the offscreen screen to 400x400 logical pixels, smaller than any window.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from rentaldesk.db import Database, open_database
from rentaldesk.gui.app import build_window
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.gui.widgets import fit_widths
from tests.gui.layout import layout_problems
from tools.sample_day import SAMPLE_NOW, book_sample_day

SIZES = [(1024, 700), (1366, 768), (1920, 1080)]
SCREENS = ("New reservation", "Reservations", "Fleet", "Drivers", "Fleet board")
SCALE = os.environ.get("RENTALDESK_TEST_SCALE")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The sample fleet and a realistic day of reservations (the screenshots' data)."""
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('layout') / 'sample.sqlite'}")
    book_sample_day(database)
    yield database
    database.close()


@pytest.fixture
def sample_desk(qtbot, sample_db: Database) -> Iterator[Callable[[int, int], MainWindow]]:  # noqa: ANN001
    windows: list[MainWindow] = []

    def opener(width: int, height: int) -> MainWindow:
        window = build_window(sample_db, clock=lambda: SAMPLE_NOW)
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        windows.append(window)
        qtbot.waitUntil(lambda: bool(window.desk.branches) and window.is_settled())
        assert (window.width(), window.height()) == (width, height)
        return window

    yield opener
    for window in windows:
        window.close()
        window.desk.close()


def check(qtbot, window: QWidget, what: str, problems: list[str]) -> None:  # noqa: ANN001
    qtbot.wait(50)  # a layout pass after the last change
    QApplication.processEvents()
    problems.extend(f"{what}: {p}" for p in layout_problems(window))


def _sizes(xfail_booking: bool = False) -> list:  # noqa: ANN202
    # xfail_booking: a strict xfail for a screen whose own layout is still another engineer's (the
    # New reservation form was, issue 10 item 3; it now fits at every size).
    marks = [pytest.mark.xfail(strict=True, reason="the booking form's own layout: booking engineer's")]
    return [pytest.param(w, h, id=f"{w}x{h}", marks=marks if xfail_booking else []) for w, h in SIZES]


@pytest.mark.parametrize(("width", "height"), _sizes())
def test_every_screen_fits_the_window(sample_desk, qtbot, width: int, height: int) -> None:  # noqa: ANN001
    """Every screen but the New reservation form (below), a reservation opened and the car dialog."""
    if SCALE:
        assert QGuiApplication.primaryScreen().devicePixelRatio() == float(SCALE)
    window = sample_desk(width, height)
    problems: list[str] = []
    assert [b.text() for b in window.nav_buttons[:len(SCREENS)]] == list(SCREENS)
    for number in range(1, len(window.screens)):  # every screen of the navigation, those added in code too
        name = window.nav_buttons[number].text()
        window.show_screen(number)
        qtbot.waitUntil(window.is_settled)
        check(qtbot, window, name, problems)
    window.show_screen(1)
    window.reservations.ui.allButton.click()
    qtbot.waitUntil(window.is_settled)
    window.reservations.ui.reservationsView.selectRow(0)
    window.reservations.open_selected()
    qtbot.waitUntil(window.is_settled)
    dialog = window.reservations.dialog
    check(qtbot, dialog, "Reservation dialog", problems)
    assert dialog.height() <= height and dialog.width() <= width
    dialog.reject()
    window.show_screen(2)
    window.fleet.add_car()
    qtbot.waitUntil(window.is_settled)
    check(qtbot, window.fleet.dialog, "Car dialog", problems)
    assert window.fleet.dialog.height() <= height
    window.fleet.dialog.reject()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("width", "height"), _sizes())
def test_the_booking_form_fits_the_window(sample_desk, qtbot, width: int, height: int) -> None:  # noqa: ANN001
    """The New reservation form: empty, with a customer typed in, and with a reservation made (its
    banner)."""
    if SCALE:
        assert QGuiApplication.primaryScreen().devicePixelRatio() == float(SCALE)
    window = sample_desk(width, height)
    problems: list[str] = []
    check(qtbot, window, "New reservation", problems)
    ui = window.booking.ui
    ui.classCombo.setCurrentIndex(ui.classCombo.findData("SUV"))  # as the screenshots: a class with cars free
    ui.startDate.setDate(ui.startDate.date().addDays(2))
    ui.endDate.setDate(ui.startDate.date().addDays(3))
    qtbot.waitUntil(window.is_settled)
    qtbot.keyClicks(ui.emailEdit, f"walk.in.{width}.{SCALE}@example.com")  # one database for every size
    qtbot.keyClicks(ui.nameEdit, "Walk In")
    qtbot.waitUntil(window.is_settled)
    ui.emailEdit.completer().popup().hide()
    check(qtbot, window, "New reservation, typed", problems)
    window.booking.reserve()
    qtbot.waitUntil(ui.resultBanner.isVisible)
    qtbot.waitUntil(window.is_settled)
    check(qtbot, window, "New reservation, booked", problems)
    # a long message under the pick-up (a typed day that is not one, quoted): the read-backs give
    # way to it, never a control (issue 10: the calendar's last row was cut)
    ui.startDate.setFocus()
    ui.startDate.selectAll()
    ui.startDate.insert("the second Tuesday after the long weekend of the spring fair, or else the Wednesday "
                        "after it if the fair runs late, as it did last year when it rained")
    qtbot.keyClicks(ui.startDate, "!")  # typed: the field reads it
    qtbot.keyClick(ui.startDate, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "is not a day" in ui.errorStart.text())
    qtbot.waitUntil(window.is_settled)
    check(qtbot, window, "New reservation, a long pick-up message", problems)
    assert ui.errorStart.isVisible() and ui.startDate.isVisible() and ui.endDate.isVisible()
    ui.startDate.setFocus()
    ui.startDate.selectAll()
    qtbot.keyClicks(ui.startDate, ui.endDate.text())  # a day again: the message goes, all comes back
    qtbot.keyClick(ui.startDate, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not ui.errorStart.isVisible())
    qtbot.waitUntil(window.is_settled)
    qtbot.waitUntil(ui.calendar.isVisible)
    check(qtbot, window, "New reservation, the message gone", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(bool(SCALE), reason="this is the 2x run's parent")
def test_every_screen_fits_at_2x_hidpi() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "RENTALDESK_TEST_SCALE": "2"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
         "-k", "fits_the_window", str(Path(__file__).relative_to(root))],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "6 passed" in run.stdout, run.stdout[-3000:]


def test_the_window_cannot_be_made_smaller_than_the_smallest_counter_screen(sample_desk) -> None:  # noqa: ANN001
    window = sample_desk(1024, 700)
    window.resize(800, 500)
    assert (window.width(), window.height()) == (1024, 700)
    assert (window.minimumWidth(), window.minimumHeight()) == (1024, 700)


def test_the_check_sees_an_overlap_a_squeeze_and_a_cut(qtbot) -> None:  # noqa: ANN001
    """The check itself, on widgets placed by hand: each kind of fault is named, a laid-out form is
    clean."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLineEdit, QPushButton, QTableView

    box = QWidget()
    qtbot.addWidget(box)
    box.resize(300, 100)
    upcoming = QPushButton("Upcoming", box, objectName="upcoming")
    upcoming.setGeometry(0, 0, 30, 30)  # the "Jpcoming" of issue 10
    search = QLineEdit(box, objectName="search")
    search.setGeometry(20, 0, 200, 30)  # over the button
    far = QPushButton("Far", box, objectName="far")
    far.setGeometry(260, 80, 80, 30)  # past the right and bottom edges
    box.show()
    problems = "\n".join(layout_problems(box))
    assert "upcoming is squeezed" in problems
    assert "overlaps QWidget/search" in problems
    assert "far is cut off" in problems

    grids = QWidget()
    qtbot.addWidget(grids)
    grids.resize(420, 400)
    wide = QTableView(grids, objectName="wide")
    wide.setGeometry(0, 0, 200, 150)
    wide.setModel(QStandardItemModel(3, 6, wide))  # six columns of 100 px in 200: a sideways scroll
    calendar = QCalendarWidget(grids, objectName="calendar")
    calendar.setGeometry(0, 160, 300, 100)  # rows cut: its days do not scroll
    grids.show()
    QApplication.processEvents()
    problems = "\n".join(layout_problems(grids))
    assert "wide scrolls sideways" in problems
    assert "qt_calendar_calendarview is clipped: its rows take" in problems

    form = QWidget()
    qtbot.addWidget(form)
    row = QHBoxLayout(form)
    row.addWidget(QPushButton("Upcoming"))
    row.addWidget(QLineEdit())
    form.show()
    assert layout_problems(form) == []


@given(st.lists(st.tuples(st.integers(20, 400), st.integers(0, 400)), min_size=1, max_size=12), st.integers(0, 3000))
def test_fitted_columns_fit_when_they_can_and_never_go_below_their_least(columns, room: int) -> None:
    """ColumnFit's widths: within [least, wanted] each; together no wider than the room when the
    columns' least allow it, else every column at its least; nothing narrowed while they fit."""
    wanted = [w for w, _ in columns]
    least = [min(w, low) for w, low in columns]
    widths = fit_widths(wanted, least, room)
    assert all(low <= w <= want for w, low, want in zip(widths, least, wanted))
    if sum(wanted) <= room:
        assert widths == wanted
    elif sum(least) <= room:
        assert sum(widths) == room
    else:
        assert widths == least
