"""Starting the desk app: the Qt application, its look, the main window on a branch database."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from PySide6.QtCore import QFile, QSettings, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication

from .. import actor as actors
from .. import staff
from ..db import Database
from ..reservations import Clock, ReservationService
from . import crash
from .desk import DeskContext
from .forms import resources_rc  # noqa: F401 - registers ":/icons/..." and ":/style.qss"
from .main_window import MainWindow
from .sign_in import DeskLock, ask_sign_in, lock_after_ms

log = logging.getLogger("rentaldesk.gui")

ORGANIZATION = "rentaldesk"
APPLICATION = "desk"
#: How often the desk marks reservations not picked up before their end as expired (milliseconds).
HOUSEKEEPING_MS = 5 * 60_000


#: The Debian packages of the libraries Qt's X11 platform plugin loads (Qt names only
#: libxcb-cursor0 when any of them is missing); a library not listed maps by Debian's rule.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libX11-xcb.so.1": "libx11-xcb1", "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1", "libOpenGL.so.0": "libopengl0", "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def debian_package(soname: str) -> str:
    """The Debian package of a shared library: the table above, else Debian's naming rule
    (``libfoo-bar.so.4`` is ``libfoo-bar4``; a name ending in a digit takes a dash first)."""
    if soname in DEBIAN_PACKAGES:
        return DEBIAN_PACKAGES[soname]
    match = re.fullmatch(r"(lib[^/]+?)\.so\.(\d+)(?:\..*)?", soname)
    if match is None:
        return soname
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def missing_libraries(binaries: Iterable[Path]) -> list[str]:
    """The shared libraries these binaries need that the system's loader does not find (``ldd``),
    in order, once each; [] when ``ldd`` is not there to ask."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    missing: list[str] = []
    for binary in binaries:
        if not binary.exists():
            continue
        out = subprocess.run([ldd, str(binary)], capture_output=True, text=True, timeout=30).stdout
        for line in out.splitlines():
            name, _, where = line.strip().partition(" => ")
            if where.strip() == "not found" and name not in missing:
                missing.append(name)
    return missing


def xcb_plugin_binaries() -> list[Path]:
    """Qt's X11 platform plugin and the library it is built on, in the installed PySide6."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    return [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))]


def window_system_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                          binaries: Iterable[Path] | None = None) -> str | None:
    """Why the desk's window cannot open on this X11 display, as one line naming the packages to
    install; None when it can (or it is not X11: another platform, Wayland, offscreen)."""
    chosen = environ.get("QT_QPA_PLATFORM", "")
    uses_x11 = chosen.startswith("xcb") or (not chosen and bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY"))
    if not platform.startswith("linux") or not uses_x11:
        return None
    missing = missing_libraries(xcb_plugin_binaries() if binaries is None else binaries)
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
    return (f"the desk app cannot open its window: the system lacks {', '.join(missing)} for Qt's X11 platform. "
            f"Install them (Debian, Ubuntu): sudo apt-get install {packages}")


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
    desk.watch()  # what other processes commit shows too; its first look (the baseline) runs first
    window = MainWindow(desk)
    desk.load_reference()
    return window


def run_desk(db: Database, service: ReservationService | None = None, *, quit_after_show: bool = False,
             branch: str | None = None, idle_ms: int | None = None) -> int:
    """Run the desk app on ``db`` (and ``service``, see :func:`build_window`) until its window
    closes; the exit status.

    Unless someone is signed in already (``rentaldesk --user``), it starts with the sign-in at
    ``branch`` (a zip code), or on a database without accounts asks for the first admin (cancelled,
    the desk opens unsigned and says so: nobody to protect yet); a cancelled sign-in quits. The desk
    locks after ``idle_ms`` without use (default: the branch's ``lock_after_minutes``, see
    :func:`~rentaldesk.gui.sign_in.lock_after_ms`). ``quit_after_show`` quits as soon as the window has
    been shown (a start-up check: no sign-in).
    """
    if QApplication.instance() is None and (problem := window_system_problem()) is not None:
        # Qt would abort naming only libxcb-cursor0; say what is really missing, and stop cleanly
        print(f"rentaldesk: {problem}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication), "the desk app needs widgets: a QApplication, not a QCoreApplication"
    configure(app)
    crash.install()
    if not quit_after_show and actors.current_actor() is actors.SYSTEM:
        if ask_sign_in(db, branch) is None and staff.has_staff(db):
            return 0
    window = build_window(db, service)
    desk = window.desk
    DeskLock(window, db, branch, idle_ms=lock_after_ms(db, branch) if idle_ms is None else idle_ms)
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
