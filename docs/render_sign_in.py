#!/usr/bin/env python
"""Render the sign-in, first-start and lock screens, and a clerk's fleet and customers screens with
the controls a clerk lacks disabled (issue 13), to docs/screenshots/SIZE/9*.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_sign_in.py

The same sizes and drawing as docs/render_screenshots.py (a dialog over the dimmed window), on the
sample data with two accounts.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_screenshots import SIZES, settle, shoot  # noqa: E402

from rentaldesk import actor, staff  # noqa: E402
from rentaldesk.db import open_database, sqlite_url  # noqa: E402
from rentaldesk.fleet import load_sample_data  # noqa: E402
from rentaldesk.gui.app import build_window, configure  # noqa: E402
from rentaldesk.gui.sign_in import DeskLock, SignInDialog  # noqa: E402
from tools.sample_day import book_sample_day  # noqa: E402


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="rentaldesk-signin-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure(app)
    for width, height in SIZES:
        out = Path(__file__).parent / "screenshots" / f"{width}x{height}"
        out.mkdir(parents=True, exist_ok=True)
        db = open_database(sqlite_url(work / f"desk-{width}.sqlite"))
        load_sample_data(db)
        book_sample_day(db)  # customers for the clerk's customers screen
        window = build_window(db)
        window.resize(width, height)
        window.show()
        settle(window)
        window.centralWidget().setVisible(False)
        first = SignInDialog(db, "02108", "first-admin", parent=window)
        first.show()
        shoot(window, out / "9-first-admin.png", first)
        first.close()
        staff.add_staff(db, username="manager", name="Max Manager", role="admin", password="manager-pass-1")
        with actor.acting_as(actor.Actor("manager", "admin")):
            staff.add_staff(db, username="clerk", name="Cleo Clerk", role="clerk", password="clerk-pass-1",
                            branches=["02108"], pin="2468")
        dialog = SignInDialog(db, "02108", "sign-in", parent=window)
        dialog.show()
        QTest.keyClicks(dialog.ui.usernameEdit, "clerk")
        QTest.keyClicks(dialog.ui.passwordEdit, "wrong-one")
        dialog.ui.buttons.accepted.emit()
        shoot(window, out / "9b-sign-in-refused.png", dialog)
        dialog.close()
        actor.sign_in(staff.sign_in(db, "clerk", "clerk-pass-1", branch="02108"))
        window.centralWidget().setVisible(True)
        lock = DeskLock(window, db, "02108")
        settle(window)
        shoot(window, out / "9c-signed-in.png")
        # a clerk's fleet (Add, Edit, Import off though a car is selected) and customers (do-not-rent off)
        window.show_screen(2)
        settle(window)
        window.fleet.ui.carsView.selectRow(0)
        settle(window)
        shoot(window, out / "9e-clerk-fleet.png")
        window.show_screen(5)
        settle(window)
        window.customers.ui.customersView.selectRow(0)
        settle(window)
        shoot(window, out / "9f-clerk-customers.png")
        window.show_screen(0)
        settle(window)
        lock.lock()
        assert lock.dialog is not None
        shoot(window, out / "9d-locked.png", lock.dialog)
        lock.dialog.close()
        actor.sign_in(None)
        window.close()
        window.desk.close()
        db.close()


if __name__ == "__main__":
    main()
