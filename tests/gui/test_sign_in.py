"""The desk's sign-in, first admin, lock and switch user (rentaldesk/gui/sign_in.py), in the real Qt
offscreen event loop on a real SQLite file: the dialogs are typed into, and the core's sign-in
decides."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from rentaldesk import actor, staff
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.gui.sign_in import DeskLock, SignInDialog

ADMIN = actor.Actor("root", "admin")


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    yield
    actor.sign_in(None)  # the process's actor: never left to the next test


def type_in(qtbot, dialog: SignInDialog, **fields: str) -> None:  # noqa: ANN001
    for name, text in fields.items():
        edit = getattr(dialog.ui, f"{name}Edit")
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_the_first_start_makes_the_first_admin_and_signs_them_in(qtbot, db, counter) -> None:  # noqa: ANN001
    dialog = SignInDialog(db, "10001", "first-admin")
    qtbot.addWidget(dialog)
    dialog.show()
    type_in(qtbot, dialog, username="Root", name="Ada Admin", password="root-pass-1", confirm="root-pass-2")
    qtbot.mouseClick(dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.ui.errorLabel.text() == "The two passwords differ."
    assert not staff.has_staff(db) and dialog.isVisible()
    type_in(qtbot, dialog, confirm="root-pass-1")
    qtbot.mouseClick(dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.actor == actor.Actor("root", "admin", "10001", dialog.actor.workstation)


def test_a_wrong_password_is_one_line_and_the_right_one_signs_in(qtbot, db, counter) -> None:  # noqa: ANN001
    staff.add_staff(db, username="root", name="Ada", role="admin", password="root-pass-1")
    dialog = SignInDialog(db, "10001")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ui.confirmEdit.isVisible() and not dialog.ui.nameEdit.isVisible()
    type_in(qtbot, dialog, username="root", password="wrong-pass")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert dialog.ui.errorLabel.text() == "Wrong username or password." and dialog.isVisible()
    type_in(qtbot, dialog, password="root-pass-1")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.role == "admin"


def test_the_desk_locks_and_the_pin_unlocks_it_and_someone_else_may_switch_in(
        qtbot, db, counter, open_desk: Callable[[], MainWindow]) -> None:  # noqa: ANN001
    staff.add_staff(db, username="root", name="Ada", role="admin", password="root-pass-1")
    with actor.acting_as(ADMIN):
        staff.add_staff(db, username="ann", name="Ann Lee", role="clerk", password="ann-pass-1",
                        branches=["10001"], pin="4321")
        staff.add_staff(db, username="max", name="Max", role="manager", password="max-pass-1")
    actor.sign_in(staff.sign_in(db, "ann", "ann-pass-1", branch="10001"))
    window = open_desk()
    lock = DeskLock(window, db, "10001", idle_ms=60_000)
    assert lock.label.text() == "Signed in: ann (clerk)"
    # a clerk's desk: the fleet's import and Add car are off, saying why (the core refuses them anyway)
    assert not window.fleet.ui.importButton.isEnabled() and not window.fleet.ui.addButton.isEnabled()
    assert window.fleet.ui.importButton.toolTip().startswith("Needs the permission to import the fleet")
    assert not window.ui.actionImportFleet.isEnabled()
    assert lock.timer.isActive()  # the idle time runs
    lock.lock()  # as the timer does when it runs out
    assert lock.dialog is not None and lock.dialog.isVisible()
    assert not window.centralWidget().isVisible()  # the work is hidden while locked
    assert lock.dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).isHidden()
    qtbot.keyClicks(lock.dialog.ui.passwordEdit, "1111")
    qtbot.keyClick(lock.dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert lock.dialog.ui.errorLabel.text() == "Wrong username or password." and lock.locked
    lock.dialog.ui.passwordEdit.clear()
    qtbot.keyClicks(lock.dialog.ui.passwordEdit, "4321")
    qtbot.keyClick(lock.dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert not lock.locked and window.centralWidget().isVisible()
    assert actor.current_actor().username == "ann"
    # switch user: the manager signs in at the same desk
    lock.switch.trigger()
    assert lock.dialog is not None
    type_in(qtbot, lock.dialog, username="max", password="max-pass-1")
    qtbot.keyClick(lock.dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert actor.current_actor().role == "manager" and lock.label.text() == "Signed in: max (manager)"
    assert window.fleet.ui.importButton.isEnabled() and window.ui.actionImportFleet.isEnabled()


def test_a_database_without_accounts_says_so_in_the_status_bar(qtbot, db, counter,  # noqa: ANN001
                                                                open_desk: Callable[[], MainWindow]) -> None:
    window = open_desk()
    lock = DeskLock(window, db, "10001")
    assert lock.label.text() == "No staff accounts: anyone may do anything"
    assert not lock.timer.isActive()  # nothing to lock for
    assert window.fleet.ui.importButton.isEnabled()
