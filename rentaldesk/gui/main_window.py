"""The desk's main window: the navigation, the five screens, the counter's branch and the clock."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from .. import __version__
from .booking import BookingScreen
from .desk import DeskContext
from .drivers_screen import DriversScreen
from .fleet_board import FleetBoardScreen
from .fleet_grid import FleetGridScreen
from .forms.ui_main_window import Ui_MainWindow
from .reservations_screen import ReservationsScreen

#: The window's screens, in the order of the navigation.
Screen = BookingScreen | ReservationsScreen | FleetGridScreen | DriversScreen | FleetBoardScreen

SHORTCUTS = """<table cellspacing="6">
<tr><td><b>Ctrl+1 … Ctrl+5</b></td><td>New reservation, Reservations, Fleet, Drivers, Fleet board</td></tr>
<tr><td><b>Enter</b></td><td>Book (new reservation); open the selected reservation or car</td></tr>
<tr><td><b>Esc</b></td><td>Clear the booking form; close a dialog</td></tr>
<tr><td><b>Ctrl+Shift+C</b></td><td>Copy the reference of the reservation just made</td></tr>
<tr><td><b>Ctrl+F</b></td><td>Search the reservations, the fleet or the drivers</td></tr>
<tr><td><b>Ctrl+N</b></td><td>Add a car (Fleet)</td></tr>
<tr><td><b>Ctrl+I</b></td><td>Import a fleet CSV</td></tr>
<tr><td><b>F11</b></td><td>Full screen fleet board (wall display)</td></tr>
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
        ui.actionShortcuts.triggered.connect(self._show_shortcuts)
        ui.actionAbout.triggered.connect(self._show_about)
        ui.counterBranch.activated.connect(lambda i: desk.set_counter_branch(ui.counterBranch.itemData(i)))
        desk.reference_changed.connect(self._fill_counter_branches)
        ui.statusbar.showMessage(f"Database: {desk.db.url}")
        desk.notice.connect(lambda text: ui.statusbar.showMessage(text, 15_000))
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(30_000)
        self._shown = False
        self._restore_state()
        self.show_screen(0)

    def show_screen(self, number: int) -> None:
        """Switch to screen ``number`` (0: new reservation … 4: fleet board)."""
        self.ui.screens.setCurrentIndex(number)
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
        """Full screen on the fleet board with nothing else on it (F11 again leaves)."""
        for widget in (self.ui.nav, self.ui.menubar, self.ui.statusbar):
            widget.setVisible(not on)
        if on:
            self.show_screen(4)
            self.showFullScreen()
        else:
            self.showNormal()

    def _fill_counter_branches(self) -> None:
        combo = self.ui.counterBranch
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
            self.ui.clockLabel.setText(now.strftime("%a %d %b, %H:%M %Z"))

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
