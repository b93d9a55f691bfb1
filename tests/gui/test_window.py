"""The window around the screens: the wall display and how it is left, the status bar's lasting
part, the sign that a copy worked, the navigation at the smallest screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from tests.gui.conftest import settle


def focused(desk):  # noqa: ANN001, ANN201
    return QApplication.focusWidget() or desk


def test_escape_leaves_the_wall_display_and_the_board_says_how(desk, qtbot):
    qtbot.keyClick(focused(desk), Qt.Key.Key_F11)
    assert desk.ui.actionFullScreen.isChecked() and not desk.ui.nav.isVisible()
    assert "Esc" in desk.board.ui.fullScreenButton.text()
    qtbot.keyClick(focused(desk), Qt.Key.Key_Escape)
    assert not desk.ui.actionFullScreen.isChecked()
    assert desk.ui.nav.isVisible() and desk.ui.menubar.isVisible() and desk.ui.statusbar.isVisible()
    assert "F11" in desk.board.ui.fullScreenButton.text()


def test_escape_on_the_booking_form_is_still_the_forms(desk, qtbot):
    desk.show_screen(0)
    ui = desk.booking.ui
    ui.emailEdit.setFocus()
    qtbot.keyClicks(ui.emailEdit, "someone@example.com")
    qtbot.keyClick(ui.emailEdit, Qt.Key.Key_Escape)
    assert ui.emailEdit.text() == ""


def test_another_screen_leaves_the_wall_display_so_the_navigation_is_back(desk, qtbot):
    qtbot.keyClick(focused(desk), Qt.Key.Key_F11)
    assert not desk.ui.nav.isVisible()
    qtbot.keyClick(focused(desk), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert desk.ui.screens.currentIndex() == 1
    assert not desk.ui.actionFullScreen.isChecked()
    assert desk.ui.nav.isVisible() and desk.ui.menubar.isVisible()


def test_the_database_stays_in_the_status_bar_after_a_menu_and_a_notice(desk, qtbot):
    url = str(desk.desk.db.url)
    assert url in desk.database_label.text() and desk.database_label.isVisible()
    menu = desk.ui.menuDesk
    menu.popup(desk.mapToGlobal(desk.rect().topLeft()))
    qtbot.waitUntil(menu.isVisible)
    for action in menu.actions():  # hovering an item shows its status tip, which clears messages
        menu.setActiveAction(action)
    menu.close()
    desk.desk.notice.emit("Car AB123 saved.")
    assert desk.ui.statusbar.currentMessage() == "Car AB123 saved."
    assert url in desk.database_label.text() and desk.database_label.isVisible()
    assert isinstance(menu, QMenu)


def test_ctrl_shift_c_says_what_it_copied(desk, qtbot):
    ui = desk.booking.ui
    ui.emailEdit.setFocus()
    qtbot.keyClicks(ui.emailEdit, "ann.lee@example.com")
    qtbot.keyClicks(ui.nameEdit, "Ann Lee")
    settle(qtbot, desk)
    desk.booking.reserve()
    qtbot.waitUntil(ui.resultBanner.isVisible)
    reference = desk.booking.last_reservation.reference
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(focused(desk), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == reference
    qtbot.waitUntil(lambda: desk.ui.statusbar.currentMessage() == f"Copied {reference} to the clipboard")


def test_the_navigation_is_icons_at_1024_with_its_keys_in_the_tooltips(desk, qtbot):
    desk.resize(1024, 700)
    qtbot.waitUntil(lambda: desk.ui.nav.width() < 100)
    for button in desk.nav_buttons:
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        assert "Ctrl+" in button.toolTip()
    assert not desk.ui.navHint.isVisible()
    desk.resize(1440, 900)
    qtbot.waitUntil(lambda: desk.ui.nav.width() > 200)
    assert desk.ui.navHint.isVisible() and "F1" in desk.ui.navHint.text()
    assert desk.nav_buttons[0].toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_the_counter_branch_is_reached_with_the_keyboard(desk, qtbot):
    qtbot.keyClick(focused(desk), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is desk.counter_branch
