"""Starting the desk app: the Qt application, its look, the main window on a branch database."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QFile, QSettings, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication

from ..db import Database
from ..reservations import Clock, ReservationService
from . import crash
from .desk import DeskContext
from .forms import resources_rc  # noqa: F401 - registers ":/icons/..." and ":/style.qss"
from .main_window import MainWindow

log = logging.getLogger("rentaldesk.gui")

ORGANIZATION = "rentaldesk"
APPLICATION = "desk"
#: How often the desk marks reservations not picked up before their end as expired (milliseconds).
HOUSEKEEPING_MS = 5 * 60_000


def stylesheet() -> str:
    qss = QFile(":/style.qss")
    if not qss.open(QFile.OpenModeFlag.ReadOnly | QFile.OpenModeFlag.Text):
        log.warning("the stylesheet is missing from the resources")
        return ""
    try:
        return bytes(qss.readAll().data()).decode("utf-8")
    finally:
        qss.close()


def configure(app: QApplication) -> None:
    """The desk's names (for QSettings), style, font, icon and stylesheet."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(":/icons/car.svg"))
    font = QFont(app.font())
    font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(stylesheet())


def build_window(db: Database, service: ReservationService | None = None, *, clock: Clock | None = None) -> MainWindow:
    """The main window on ``db`` and its reservation service (default: a standalone branch's, with
    ``clock`` as "now"), loading its reference data and watching the database for changes made by
    other processes."""
    desk = DeskContext(db, service or ReservationService(db, clock=clock))
    window = MainWindow(desk)
    desk.load_reference()
    desk.watch()  # what other processes commit shows too
    return window


def run_desk(db: Database, service: ReservationService | None = None, *, quit_after_show: bool = False) -> int:
    """Run the desk app on ``db`` (and ``service``, see :func:`build_window`) until its window
    closes; the exit status.

    ``quit_after_show`` quits as soon as the window has been shown (a start-up check).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication), "the desk app needs widgets: a QApplication, not a QCoreApplication"
    configure(app)
    crash.install()
    window = build_window(db, service)
    desk = window.desk
    housekeeping = QTimer(window)
    housekeeping.timeout.connect(lambda: desk.run(desk.service.mark_reservations_expired))
    housekeeping.start(HOUSEKEEPING_MS)
    if quit_after_show:
        window.first_shown.connect(app.quit)
    window.show()
    log.info("desk started on %s", db.url)
    status = app.exec()
    window.close()
    desk.close()
    return status
