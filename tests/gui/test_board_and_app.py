"""The fleet board and timeline; the main window (shortcuts, remembered state, error handling); the
forms are up to date; the app starts from the command line and from a wheel."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from PySide6.QtCore import QMessageLogContext, QPoint, QSettings, Qt, QtMsgType
from PySide6.QtWidgets import QApplication, QMessageBox

from rentaldesk.gui import crash
from rentaldesk.gui.timeline import SPAN_DAY, SPAN_WEEK
from tests.conftest import day
from tests.gui.conftest import ZIP, settle

ROOT = Path(__file__).resolve().parents[2]


def test_board_counts_timeline_and_refresh(desk, qtbot, clock):
    service = desk.desk.service
    on_rent = service.create_reservation(email="a@example.com", name="Ann", vehicle_class="SUV", zip_code=ZIP,
                                         start=day(0, 3), end=day(3))
    service.create_reservation(email="b@example.com", name="Bob", vehicle_class="SUV", zip_code=ZIP,
                               start=day(0, 5), end=day(1, 5))
    clock.advance(hours=3)
    service.pick_up(on_rent.id)
    desk.show_screen(4)
    settle(qtbot, desk)
    board = desk.board.ui
    assert (board.freeFigure.text(), board.onRentFigure.text(), board.reservedFigure.text()) == ("2", "1", "1")
    timeline = board.timeline
    assert (timeline.car_count, timeline.bar_count) == (4, 2)
    pools = desk.board.pools
    suv = pools.row_at(pools.position_of(("SUV", ZIP)))
    assert (suv.available, suv.on_rent, suv.reserved) == (0, 1, 1)
    # a bar under the mouse says what it is
    assert timeline.bar_at(QPoint(timeline.GUTTER - 1, 60)) is None
    # a booking elsewhere shows by itself
    service.create_reservation(email="c@example.com", name="Cy", vehicle_class="ECONOMY", zip_code=ZIP,
                               start=day(1), end=day(2))
    qtbot.waitUntil(lambda: timeline.bar_count == 3)
    assert board.reservedFigure.text() == "2" and board.freeFigure.text() == "1"  # it starts within 24 h
    # zoom by day and week, scroll to now
    assert timeline.hours_in_view == pytest.approx(SPAN_WEEK)  # the board opens on the coming week
    qtbot.mouseClick(board.dayButton, Qt.MouseButton.LeftButton)
    assert timeline.hours_in_view == pytest.approx(SPAN_DAY)
    day_zoom = timeline.pixels_per_hour
    qtbot.keyClick(timeline, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert timeline.pixels_per_hour == pytest.approx(day_zoom / 1.5)
    board.weekButton.click()
    assert timeline.hours_in_view == pytest.approx(SPAN_WEEK)
    narrow = timeline.viewport().width()
    # wider (full screen; the pool counts move beside the timeline from its full width): still a week
    desk.resize(desk.width() + 300, desk.height())
    qtbot.waitUntil(lambda: timeline.viewport().width() != narrow)
    assert timeline.hours_in_view == pytest.approx(SPAN_WEEK)
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    now_x = timeline._x(timeline._hour(clock()))
    assert timeline.GUTTER < now_x < timeline.viewport().width()


def test_the_timeline_paints_only_what_is_in_view(open_desk, fleet, qtbot):
    fleet.cars(400, "SUV")
    desk = open_desk()
    desk.show_screen(4)
    settle(qtbot, desk)
    timeline = desk.board.ui.timeline
    timeline.viewport().repaint()
    assert timeline.car_count == 400
    assert 0 < timeline.painted_rows <= timeline.viewport().height() // timeline.ROW_HEIGHT + 1
    timeline.verticalScrollBar().setValue(timeline.verticalScrollBar().maximum())
    timeline.viewport().repaint()
    assert timeline.painted_rows <= timeline.viewport().height() // timeline.ROW_HEIGHT + 1


def test_wall_display_full_screen(desk, qtbot):
    qtbot.keyClick(desk, Qt.Key.Key_F11)
    assert desk.ui.screens.currentIndex() == 4
    assert not desk.ui.nav.isVisible() and not desk.ui.menubar.isVisible()
    qtbot.keyClick(desk, Qt.Key.Key_F11)
    assert desk.ui.nav.isVisible()


def test_ctrl_number_switches_screens(desk, qtbot):
    for number in (2, 3, 4, 5, 1):
        qtbot.keyClick(QApplication.focusWidget() or desk, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert desk.ui.screens.currentIndex() == number - 1
        assert desk.nav_buttons[number - 1].isChecked()


def test_window_and_columns_are_remembered(open_desk, counter, qtbot):
    first = open_desk()
    first.resize(1300, 820)
    first.show_screen(2)
    first.fleet.ui.carsView.setColumnWidth(1, 222)
    first.close()
    saved = QSettings().value("window/geometry")
    assert saved is not None and not saved.isEmpty()
    again = open_desk()  # (the offscreen screen is 800x600: restoring clamps the size to it)
    assert again.fleet.ui.carsView.columnWidth(1) == 222
    assert "settings" in QSettings().fileName()  # the test's folder, not the real home


def test_an_unexpected_error_is_logged_and_shown(desk, qtbot, caplog):
    caplog.set_level(logging.INFO, logger="rentaldesk.gui")
    try:
        raise ValueError("the printer is on fire")
    except ValueError as exc:
        crash.unhandled(type(exc), exc, exc.__traceback__)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)
    box = qtbot.waitUntil(lambda: any(b.objectName() == "errorDialog" for b in QApplication.topLevelWidgets())) or next(
        b for b in QApplication.topLevelWidgets() if b.objectName() == "errorDialog")
    assert isinstance(box, QMessageBox) and "the printer is on fire" in box.text()
    box.accept()
    crash.qt_message(QtMsgType.QtInfoMsg, QMessageLogContext(), "a note from Qt")
    assert caplog.records[-1].getMessage() == "Qt: a note from Qt"


def test_a_refusal_on_the_worker_never_crashes_and_other_errors_reach_the_handler(desk, qtbot):
    hits = []
    desk.desk.run(lambda: desk.desk.service.get_reservation("NOPE"), hits.append, lambda e: hits.append(e.field))
    qtbot.waitUntil(lambda: hits == ["reservation"])
    with qtbot.captureExceptions() as caught:
        desk.desk.run(lambda: 1 / 0)
        qtbot.waitUntil(desk.desk.worker.is_idle.__bool__ if False else (lambda: desk.desk.worker.is_idle))
    assert [type(e[1]) for e in caught] == [ZeroDivisionError]


def test_the_forms_and_resources_are_up_to_date():
    sys.path.insert(0, str(ROOT / "ui"))
    try:
        import build
    finally:
        sys.path.pop(0)
    assert build.stale() == [], "run: python ui/build.py"


def desk_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RENTALDESK_DB"}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "home" / "config"), XDG_STATE_HOME=str(tmp_path / "home" / "state"),
               XDG_CACHE_HOME=str(tmp_path / "home" / "cache"), PYTHONWARNINGS="error")
    return env


@pytest.mark.slow
def test_rentaldesk_with_no_command_opens_the_desk(tmp_path):
    """First start: the default database is made and filled with the sample fleet; the window shows."""
    result = subprocess.run([sys.executable, "-m", "rentaldesk", "--quit-after-show"], env=desk_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "first start" in result.stderr
    assert list((tmp_path / "home" / "data").rglob("rentaldesk.sqlite"))


@pytest.mark.slow
def test_a_wheel_installed_in_a_clean_venv_starts_the_desk(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
                   check=True, timeout=300)
    [wheel] = wheels.glob("rentaldesk-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The dependencies come from the index (pip's cache makes a second run fast).
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
                   check=True, timeout=900)
    env = desk_env(tmp_path)
    result = subprocess.run([str(env_dir / "bin" / "rentaldesk"), "--db", str(tmp_path / "w.sqlite"), "--quit-after-show"],
                            env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    forms = subprocess.run([str(python), "-c", "import rentaldesk.gui.forms.resources_rc, rentaldesk.gui.app as a;"
                            "from importlib.resources import files;"
                            "print(files('rentaldesk.resources').joinpath('style.qss').is_file())"],
                           env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert forms.stdout.strip() == "True", forms.stderr
