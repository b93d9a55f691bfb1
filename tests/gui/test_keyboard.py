"""A clerk's day at 1024x700 with the keyboard alone: every screen is reached by its key, and Tab
reaches every control of it that takes the keyboard (a generic walk over its visible widgets)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from tests.gui.conftest import settle


def tab_stops(screen: QWidget) -> set[QWidget]:
    """The visible, enabled widgets of a screen that Tab should reach (parts of a composite widget,
    a spin box's line edit, are reached through it)."""
    found = set()
    for w in screen.findChildren(QWidget):
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None:
            parent = w.parentWidget()
            if parent is not None and parent.focusProxy() is w:
                continue
            found.add(w)
    return found


def test_every_control_of_every_screen_is_reached_with_tab_at_1024x700(desk, qtbot):
    desk.resize(1024, 700)
    for number in range(1, 5):  # the New reservation form's own Tab order is tested with it
        qtbot.keyClick(QApplication.focusWidget() or desk, getattr(Qt.Key, f"Key_{number + 1}"),
                       Qt.KeyboardModifier.ControlModifier)
        settle(qtbot, desk)
        screen = desk.screens[number]
        assert desk.ui.screens.currentWidget() is screen
        assert screen.isAncestorOf(QApplication.focusWidget())  # the screen's key puts the keyboard in it
        wanted = tab_stops(screen)
        reached = set()
        for _ in range(4 * len(wanted) + 20):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            focus = QApplication.focusWidget()
            reached.add(focus.focusProxy() or focus)
        # a row of auto-exclusive buttons (Today, Upcoming, All) is one stop, as radio buttons are:
        # Tab reaches the checked one, the arrows the others (tested below)
        reached |= {w for w in wanted if _exclusive(w) and any(_exclusive(r) and r.parentWidget() is w.parentWidget()
                                                               for r in reached)}
        missing = sorted(w.objectName() or type(w).__name__ for w in wanted - reached)
        assert not missing, f"{type(screen).__name__}: Tab never reaches {missing}"


def _exclusive(w: QWidget) -> bool:
    return isinstance(w, QAbstractButton) and w.autoExclusive() and w.isCheckable()


def test_the_views_are_chosen_with_the_arrows_or_their_alt_keys(desk, qtbot):
    qtbot.keyClick(QApplication.focusWidget() or desk, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    ui = desk.reservations.ui
    ui.todayButton.setFocus()
    qtbot.keyClick(ui.todayButton, Qt.Key.Key_Right)
    assert ui.upcomingButton.isChecked() and QApplication.focusWidget() is ui.upcomingButton
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(ui.allButton.isChecked)  # a mnemonic clicks after a short animation
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(ui.todayButton.isChecked)
