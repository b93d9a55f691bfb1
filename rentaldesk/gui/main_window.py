"""The desk's main window: the navigation, the screens, the counter's branch and the clock."""

from __future__ import annotations

import re
from typing import TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (QApplication, QBoxLayout, QComboBox, QLabel, QMainWindow, QMessageBox, QSizePolicy,
                               QToolButton, QWidget)

from .. import __version__
from .booking import BookingScreen
from .cash_up_screen import CashUpScreen
from .customers_screen import CustomersScreen
from .desk import DeskContext
from .drivers_screen import DriversScreen
from .fleet_board import FleetBoardScreen
from .fleet_grid import FleetGridScreen
from .forms.ui_main_window import Ui_MainWindow
from .mail_note import MailStatus, branch_mail
from .manifest_screen import ManifestScreen
from .reservations_screen import ReservationsScreen

_S = TypeVar("_S", bound=QWidget)

#: The window's screens, in the order of the navigation.
Screen = (BookingScreen | ReservationsScreen | FleetGridScreen | DriversScreen | FleetBoardScreen | CustomersScreen
          | ManifestScreen | CashUpScreen)

#: Below this window width the navigation shows its icons only (their tooltips name the screen and
#: its key), so a 1024-pixel counter screen keeps its width for the screen itself.
COMPACT_BELOW = 1280
NAV_WIDTH, COMPACT_NAV_WIDTH = 212, 64
BOARD = 4

SHORTCUTS = """<table cellspacing="6">
<tr><td><b>Ctrl+1 … Ctrl+7</b></td><td>New reservation, Reservations, Fleet, Drivers, Fleet board, Customers,
Today (the day's manifest)</td></tr>
<tr><td><b>Ctrl+8</b></td><td>Cash-up: a branch's day of payments by method (Ctrl+S saves its PDF, Ctrl+P prints it, Alt+←/→ another day)</td></tr>
<tr><td><b>Enter</b></td><td>Book (new reservation); open the selected reservation or car</td></tr>
<tr><td><b>Esc</b></td><td>Clear the booking form; close a dialog</td></tr>
<tr><td><b>Ctrl+Shift+C</b></td><td>Copy the reference of the reservation just made</td></tr>
<tr><td><b>Ctrl+F</b></td><td>Search the reservations, the fleet, the drivers or the customers</td></tr>
<tr><td><b>Ctrl+S</b></td><td>Save the customer's record (Customers)</td></tr>
<tr><td><b>Ctrl+N</b></td><td>Add a car (Fleet)</td></tr>
<tr><td><b>Ctrl+I</b></td><td>Import a fleet CSV</td></tr>
<tr><td><b>F11</b></td><td>Full screen fleet board (wall display); F11 or Esc leaves it</td></tr>
<tr><td><b>Alt+A</b></td><td>The branch this counter works at (status bar)</td></tr>
<tr><td><b>F1</b></td><td>This list</td></tr>
</table>"""


class MainWindow(QMainWindow):
    """The desk: a navigation column and a stack of screens over one :class:`DeskContext`.

    ``first_shown`` is emitted once, after the window is shown the first time.
    """

    first_shown = Signal()

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        ui = self.ui
        self.booking = BookingScreen(desk)
        self.reservations = ReservationsScreen(desk)
        self.fleet = FleetGridScreen(desk)
        self.drivers = DriversScreen(desk)
        self.board = FleetBoardScreen(desk)
        self.screens: list[Screen] = [self.booking, self.reservations, self.fleet, self.drivers, self.board]
        self.nav_buttons = [ui.navBooking, ui.navReservations, ui.navFleet, ui.navDrivers, ui.navBoard]
        actions = [ui.actionBooking, ui.actionReservations, ui.actionFleet, ui.actionDrivers, ui.actionBoard]
        for number, (screen, button, action) in enumerate(zip(self.screens, self.nav_buttons, actions)):
            ui.screens.addWidget(screen)
            button.clicked.connect(lambda _checked=False, n=number: self.show_screen(n))
            action.triggered.connect(lambda _checked=False, n=number: self.show_screen(n))
            self.addAction(action)
        # the window holds every action, so their shortcuts work with the menu bar hidden (wall display)
        self.addActions([ui.actionImportFleet, ui.actionQuit, ui.actionFullScreen, ui.actionShortcuts])
        ui.actionImportFleet.triggered.connect(self._import_fleet)
        ui.actionQuit.triggered.connect(self.close)
        ui.actionFullScreen.toggled.connect(self.set_wall_display)
        self.board.ui.fullScreenButton.clicked.connect(ui.actionFullScreen.toggle)
        self.board.ui.fullScreenButton.setText(f"Full screen  {ui.actionFullScreen.shortcut().toString()}")
        # Esc leaves the wall display; the action is enabled only there, so Esc elsewhere stays the
        # booking form's and the dialogs'.
        self.leave_full_screen = QAction("Leave full screen", self)
        self.leave_full_screen.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_full_screen.setEnabled(False)
        self.leave_full_screen.triggered.connect(lambda: ui.actionFullScreen.setChecked(False))
        self.addAction(self.leave_full_screen)
        ui.actionShortcuts.triggered.connect(self._show_shortcuts)
        ui.actionAbout.triggered.connect(self._show_about)
        # the status bar's lasting part: the counter's branch, its clock, the database; notices show
        # beside them for a while and never push them away (a menu's tips neither)
        self.counter_label = QLabel("Counter &at", self)
        self.counter_branch = QComboBox(self)
        self.counter_branch.setObjectName("counterBranch")
        self.counter_branch.setToolTip("The branch this counter works at: its day and time zone for today's list (Alt+A)")
        self.counter_branch.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.counter_branch.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.counter_label.setBuddy(self.counter_branch)
        self.clock_label = QLabel(self)
        self.database_label = QLabel(f"Database: {desk.db.url}", self)
        self.database_label.setObjectName("databaseLabel")
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a standalone branch that mails its customers: the mails not sent, and "Send again"
        mail = branch_mail(desk)
        self.mail_status = MailStatus(desk, mail, self) if mail is not None else None
        lasting: list[QWidget] = [self.counter_label, self.counter_branch, self.clock_label, self.database_label]
        if self.mail_status is not None:
            lasting.insert(0, self.mail_status)
        for widget in lasting:
            ui.statusbar.addPermanentWidget(widget)
        self.counter_branch.activated.connect(
            lambda i: desk.set_counter_branch(self.counter_branch.itemData(i)))
        desk.reference_changed.connect(self._fill_counter_branches)
        desk.notice.connect(lambda text: ui.statusbar.showMessage(text, 15_000))
        QGuiApplication.clipboard().dataChanged.connect(self._copied)
        self._compact: bool | None = None
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(30_000)
        self._shown = False
        self._restore_state()
        self.customers = self.add_screen(CustomersScreen(desk), "navCustomers", "Customers", "Ctrl+6",
                                         icon="nav-drivers", menu="&Customers")
        self.manifest = self.add_screen(ManifestScreen(desk), "navManifest", "Today", "Ctrl+7", icon="nav-today",
                                        tooltip="Today: the day's manifest")
        self.cash_up = self.add_screen(CashUpScreen(desk), "navCashUp", "Cash-up", "Ctrl+8", icon="nav-cash-up",
                                       menu="C&ash-up")
        self.show_screen(0)

    def add_screen(self, screen: _S, name: str, label: str, shortcut: str, *, icon: str, tooltip: str = "",
                   menu: str = "") -> _S:
        """Put a screen built in code after the navigation's others: its button (``name``, ``label``,
        ``:/icons/{icon}.svg``), its key and its entry in the View menu after the other screens'."""
        ui = self.ui
        button = QToolButton(ui.nav)
        button.setObjectName(name)
        button.setText(label)
        button.setToolTip(f"{tooltip or label} ({shortcut})")
        button.setIcon(QIcon(f":/icons/{icon}.svg"))
        button.setCheckable(True)
        button.setAutoExclusive(True)
        button.setToolButtonStyle(ui.navDrivers.toolButtonStyle())
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = ui.nav.layout()
        assert isinstance(layout, QBoxLayout)
        layout.insertWidget(layout.indexOf(self.nav_buttons[-1]) + 1, button)
        action = QAction(menu or f"&{label}", self)
        action.setShortcut(QKeySequence(shortcut))
        number = len(self.screens)
        ui.screens.addWidget(screen)
        self.screens.append(screen)  # type: ignore[arg-type]
        self.nav_buttons.append(button)
        button.clicked.connect(lambda _checked=False: self.show_screen(number))
        action.triggered.connect(lambda _checked=False: self.show_screen(number))
        self.addAction(action)
        shown = ui.menuView.actions()
        keys = [i for i, a in enumerate(shown) if re.fullmatch(r"Ctrl\+\d", a.shortcut().toString())]
        if keys and keys[-1] + 1 < len(shown):
            ui.menuView.insertAction(shown[keys[-1] + 1], action)  # after the other screens'
        else:
            ui.menuView.addAction(action)
        restore = getattr(screen, "restore_state", None)
        if restore is not None:
            restore()
        screen.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        return screen

    def show_screen(self, number: int) -> None:
        """Switch to screen ``number`` (0: new reservation … 4: fleet board); another screen than
        the board leaves the wall display, so the navigation is back with it."""
        if number != BOARD and self.ui.actionFullScreen.isChecked():
            self.ui.actionFullScreen.setChecked(False)
        self.ui.screens.setCurrentIndex(number)
        # only the screen shown asks for room: a hidden screen's minimum does not squeeze the window
        for page in self.screens:
            policy = QSizePolicy.Policy.Preferred if page is self.screens[number] else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.nav_buttons[number].setChecked(True)
        screen = self.screens[number]
        if hasattr(screen, "activate"):
            screen.activate()
        else:
            screen.setFocus()

    def is_settled(self) -> bool:
        """No database job pending and no typing pause running: what is shown is up to date."""
        if not self.desk.worker.is_idle:
            return False
        return not any(t.isActive() and t.isSingleShot() for t in self.findChildren(QTimer))

    def set_wall_display(self, on: bool) -> None:
        """Full screen on the fleet board with nothing else on it (F11 again, or Esc, leaves; so
        does going to another screen)."""
        for widget in (self.ui.nav, self.ui.menubar, self.ui.statusbar):
            widget.setVisible(not on)
        self.leave_full_screen.setEnabled(on)
        key = self.ui.actionFullScreen.shortcut().toString()
        self.board.ui.fullScreenButton.setText("Leave full screen  Esc" if on else f"Full screen  {key}")
        if on:
            self.show_screen(BOARD)
            self.showFullScreen()
        else:
            self.showNormal()

    def _copied(self) -> None:
        """A sign that a copy worked (Ctrl+Shift+C, Ctrl+C): what is on the clipboard now."""
        if QApplication.activeWindow() is None:  # another application copied
            return
        copied = QGuiApplication.clipboard().text().strip()
        if copied:
            shown = copied if len(copied) <= 40 else copied[:39] + "…"
            self.ui.statusbar.showMessage(f"Copied {shown} to the clipboard", 8_000)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._set_compact(self.width() < COMPACT_BELOW)

    def _set_compact(self, compact: bool) -> None:
        """The navigation's icons only (compact) or its icons and words."""
        if compact == self._compact:
            return
        self._compact = compact
        ui = self.ui
        ui.nav.setFixedWidth(COMPACT_NAV_WIDTH if compact else NAV_WIDTH)
        for label in (ui.appTitle, ui.appSubtitle, ui.navHint):
            label.setVisible(not compact)
        style = Qt.ToolButtonStyle.ToolButtonIconOnly if compact else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        for button in self.nav_buttons:
            button.setToolButtonStyle(style)

    def _fill_counter_branches(self) -> None:
        combo = self.counter_branch
        combo.clear()
        for branch in self.desk.branches.values():
            combo.addItem(branch.name, branch.zip_code)
        current = self.desk.counter_branch
        if current is not None:
            combo.setCurrentIndex(combo.findData(current.zip_code))
            combo.setToolTip(f"{current.label}, {current.time_zone}")
        self._tick()

    def _tick(self) -> None:
        branch = self.desk.counter_branch
        if branch is not None:
            now = self.desk.now().astimezone(branch.zone)
            self.clock_label.setText(now.strftime("%a %d %b, %H:%M %Z"))

    def _import_fleet(self) -> None:
        self.show_screen(2)
        self.fleet.choose_import_file()

    def _show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS)

    def _show_about(self) -> None:
        QMessageBox.about(
            self, "About rentaldesk",
            f"<b>rentaldesk {__version__}</b><p>The counter system of a car-rental branch.</p>"
            f"<p>Database: {self.desk.db.url}</p>",
        )

    # -- remembered state ---------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        for screen in self.screens:
            screen.restore_state()

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        for screen in self.screens:
            screen.save_state()
        settings.sync()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            QTimer.singleShot(0, self.first_shown.emit)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.ui.actionFullScreen.isChecked():
            self.ui.actionFullScreen.setChecked(False)
        self.save_state()
        super().closeEvent(event)
