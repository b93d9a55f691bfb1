"""Who is at the desk: the sign-in at start (the first admin on a new database), the lock after an
idle time (unlocked with the password or the PIN), switching user, and the status bar's name.

The dialog only asks; :mod:`rentaldesk.staff` decides (the same sign-in as the command line), and
the core checks every permission whatever the screens show.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QMainWindow, QMenu, QWidget

from .. import actor as actors
from .. import staff
from ..db import Database
from ..errors import RentalError
from ..models import Branch
from .forms.ui_sign_in import Ui_SignInDialog
from .roles import apply_role

log = logging.getLogger("rentaldesk.gui")

#: The idle time before the desk locks where no branch says otherwise (``Branch.lock_after_minutes``'s default).
LOCK_AFTER_MS = 5 * 60 * 1000


def lock_after_ms(db: Database, branch: str | None) -> int:
    """How long the desk at ``branch`` (a zip code) may sit unused before it locks: the branch's own
    setting (``rentaldesk branches set --lock-after``, or the branches file), else :data:`LOCK_AFTER_MS`.
    Read once when the desk starts: a change applies from the next start."""
    if branch is None:
        return LOCK_AFTER_MS
    with db.session() as s:
        minutes = s.scalar(select(Branch.lock_after_minutes).where(Branch.zip_code == branch))
    return LOCK_AFTER_MS if minutes is None else minutes * 60 * 1000


class SignInDialog(QDialog):
    """``mode``: ``"sign-in"`` (username and password), ``"first-admin"`` (a new database's first
    account: username, name, password twice) or ``"unlock"`` (the signed-in person's password or PIN).
    :attr:`actor` is who signed in once accepted."""

    def __init__(self, db: Database, branch: str | None, mode: str = "sign-in", *,
                 parent: QWidget | None = None, locked: actors.Actor | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_SignInDialog()
        self.ui.setupUi(self)
        self.db, self.branch, self.mode, self.locked = db, branch, mode, locked
        self.actor: actors.Actor | None = None
        first = mode == "first-admin"
        for widget in (self.ui.nameLabel, self.ui.nameEdit, self.ui.confirmLabel, self.ui.confirmEdit):
            widget.setVisible(first)
        if first:
            self.setWindowTitle("First start")
            self.ui.titleLabel.setText("Make the first admin")
            self.ui.introLabel.setText("This database has no staff accounts yet. The first one is an admin, "
                                       "who then adds the clerks and managers (rentaldesk staff add).")
        elif mode == "unlock" and locked is not None:
            self.setWindowTitle("Locked")
            self.ui.titleLabel.setText("The desk is locked")
            self.ui.introLabel.setText(f"Locked after a while without use. {locked.username}: your password or "
                                       "PIN unlocks it; someone else signs in with Switch user.")
            self.ui.usernameEdit.setText(locked.username)
            self.ui.usernameEdit.setEnabled(False)
            self.ui.passwordLabel.setText("&Password or PIN")
            # no Cancel: only a sign-in gets past the lock
            cancel = self.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            if cancel is not None:
                cancel.hide()
            self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Unlock")
            self.switch_button = self.ui.buttons.addButton("&Switch user", QDialogButtonBox.ButtonRole.ResetRole)
            self.switch_button.clicked.connect(self._switch)
        else:
            where = f"branch {branch}" if branch else "this desk"
            self.ui.introLabel.setText(f"Sign in to work at {where}.")
        self.ui.errorLabel.setText("")
        self.ui.buttons.accepted.connect(self._try)
        self.ui.buttons.rejected.connect(self.reject)
        (self.ui.passwordEdit if mode == "unlock" else self.ui.usernameEdit).setFocus()

    def _switch(self) -> None:
        self.mode, self.locked = "sign-in", None
        self.ui.usernameEdit.setEnabled(True)
        self.ui.usernameEdit.clear()
        self.ui.passwordEdit.clear()
        self.ui.passwordLabel.setText("&Password")
        self.ui.titleLabel.setText("Sign in")
        self.switch_button.hide()
        self.ui.usernameEdit.setFocus()

    def _try(self) -> None:
        username, password = self.ui.usernameEdit.text(), self.ui.passwordEdit.text()
        try:
            if self.mode == "first-admin":
                if password != self.ui.confirmEdit.text():
                    raise RentalError("The two passwords differ.")
                staff.add_staff(self.db, username=username, name=self.ui.nameEdit.text(), role="admin",
                                password=password)
            pin = self.mode == "unlock" and password.isdigit()
            self.actor = staff.sign_in(self.db, username, password, branch=self.branch, pin=pin)
        except RentalError as exc:
            self.ui.errorLabel.setText(exc.message)
            self.ui.passwordEdit.selectAll()
            self.ui.passwordEdit.setFocus()
            return
        log.info("%s signed in (%s)", self.actor.username, self.actor.role)
        self.accept()


def ask_sign_in(db: Database, branch: str | None, parent: QWidget | None = None) -> actors.Actor | None:
    """Sign someone in at start (the first admin first on a database without accounts); None when
    they cancel. Makes them the process's actor."""
    mode = "sign-in" if staff.has_staff(db) else "first-admin"
    dialog = SignInDialog(db, branch, mode, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    actors.sign_in(dialog.actor)
    return dialog.actor


def who_text(who: actors.Actor) -> str:
    """The status bar's words for who is signed in."""
    if who.role == "service" and who.username == actors.SYSTEM.username:
        return "No staff accounts: anyone may do anything"
    return f"Signed in: {who.username} ({who.role})"


class DeskLock(QObject):
    """Locks ``window`` after ``idle_ms`` without a key or a click; the lock dialog unlocks it or
    signs someone else in. Also the status bar's name and its Switch user button."""

    def __init__(self, window: QMainWindow, db: Database, branch: str | None, *, idle_ms: int = LOCK_AFTER_MS) -> None:
        super().__init__(window)
        self.window, self.db, self.branch = window, db, branch
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self.lock)
        self.label = QLabel(who_text(actors.current_actor()))
        window.statusBar().addPermanentWidget(self.label)
        # in the Desk menu, not the status bar: at 1024 px the bar has no room for a button more
        self.switch = QAction("S&witch user…", window)
        self.switch.setToolTip("Sign someone else in at this desk")
        self.switch.triggered.connect(self.switch_user)
        self.lock_now = QAction("&Lock", window)
        self.lock_now.setShortcut("Ctrl+L")
        self.lock_now.triggered.connect(self.lock)
        menu = window.findChild(QMenu, "menuDesk")
        if menu is not None:
            first = menu.actions()[0] if menu.actions() else None
            menu.insertActions(first, [self.switch, self.lock_now])  # type: ignore[arg-type]
            menu.insertSeparator(first)  # type: ignore[arg-type]
        window.addAction(self.lock_now)
        self.show_role()
        self.locked = False
        if staff.has_staff(db):
            self.timer.start()
        self.dialog: SignInDialog | None = None
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress) and not self.locked \
                and self.timer.isActive():
            self.timer.start()  # someone is working: the idle time starts again
        return False

    def _signed(self, who: actors.Actor) -> None:
        actors.sign_in(who)
        self.label.setText(who_text(who))
        self.show_role()
        self.timer.start()

    def show_role(self) -> None:
        """Disable what the signed-in role may not do, saying why in the tooltip (the core refuses it
        anyway: this only spares a clerk the refusal); screens whose own state enables a control
        (``role_changed``) look again."""
        apply_role(self.window, self.db)
        for screen in self.window.findChildren(QWidget):
            refresh = getattr(screen, "role_changed", None)
            if callable(refresh):
                refresh()

    def lock(self) -> None:
        """Hide the work and ask for the password or PIN (or another person's sign-in)."""
        who = actors.current_actor()
        if self.locked or who.role == "service":
            return
        self.locked = True
        self._show_work(False)
        self._ask_unlock(who)

    def _show_work(self, shown: bool) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(shown)

    def _ask_unlock(self, who: actors.Actor) -> None:
        # not exec(): the event loop goes on (the sync, the screens' refresh) while the desk is locked
        self.dialog = SignInDialog(self.db, self.branch, "unlock", parent=self.window, locked=who)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.rejected.connect(lambda: self._ask_unlock(who))  # no way past the lock but a sign-in
        self.dialog.open()

    def _unlocked(self) -> None:
        self._take(self.dialog)
        self._show_work(True)
        self.locked = False

    def _take(self, dialog: SignInDialog | None) -> None:
        if dialog is not None and dialog.actor is not None:
            self._signed(dialog.actor)

    def switch_user(self) -> None:
        """Sign someone else in; the one signed in stays when it is cancelled."""
        self.dialog = SignInDialog(self.db, self.branch, "sign-in" if staff.has_staff(self.db) else "first-admin",
                                   parent=self.window)
        self.dialog.accepted.connect(lambda: self._take(self.dialog))
        self.dialog.open()
