"""A standalone branch's customer mails at the desk (rentaldesk/gui/mail_note.py): a mail given up
after its retries shows in the status bar and "Send again" sends it; a customer without an email
address is named in the check-out's document dialog and the status bar. Real widgets, a real
SQLite file and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import update

from rentaldesk.gui.app import build_window
from rentaldesk.gui.main_window import MainWindow
from rentaldesk.hq.branch_mail import BranchMail, unsent
from rentaldesk.models import Customer
from rentaldesk.reservations import ReservationService
from tests.contract_helpers import check_out_value
from tests.gui.conftest import settle
from tests.gui.test_checkout_dialog import book, fill_in, open_check_out, refusals
from tests.unit.hq.test_notifications import Server, free_port, settings_for


@pytest.fixture
def mail_server() -> Iterator[Server]:
    srv = Server(free_port())  # down until the test starts it
    yield srv
    srv.stop()


@pytest.fixture
def mailing_desk(qtbot, db, clock, counter, mail_server) -> Iterator[tuple[MainWindow, BranchMail]]:  # noqa: ANN001
    """The desk of a standalone branch that mails its customers (the sender run by the test)."""
    mail = BranchMail(db, settings_for(mail_server), clock=clock, max_attempts=1)
    window = build_window(db, ReservationService(db, clock=clock, mail=mail))
    qtbot.addWidget(window)
    if QSettings().value("window/geometry") is None:
        window.resize(1440, 900)
    window.show()
    qtbot.waitUntil(lambda: bool(window.desk.branches) and window.is_settled())
    yield window, mail
    window.close()
    window.desk.close()


def test_a_mail_given_up_shows_in_the_status_bar_and_send_again_sends_it(mailing_desk, qtbot, clock, mail_server):  # noqa: ANN001
    window, mail = mailing_desk
    status = window.mail_status
    assert status is not None and not status.isVisible()
    made = book(window, clock)
    clock.advance(hours=2, minutes=30)  # due for pick-up
    view = window.desk.service.check_out(check_out_value(made.id, odometer=1000))
    assert mail.send_now() == (0, 1)  # the server is down and one attempt is all this desk makes
    status.refresh()
    qtbot.waitUntil(status.isVisible)
    assert status.label.text() == "1 mail not sent" and view.number in status.label.toolTip()
    mail_server.start()
    QTest.mouseClick(status.send_again_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: unsent(window.desk.db) == [])
    assert mail.send_now() == (1, 0)
    status.refresh()
    qtbot.waitUntil(lambda: not status.isVisible())
    [got] = mail_server.received
    assert view.number in got.message["Subject"]


def test_a_customer_without_an_email_is_named_when_the_agreement_is_ready(mailing_desk, qtbot, clock, db):  # noqa: ANN001
    window, mail = mailing_desk
    made = book(window, clock, deposit=True)
    with db.write() as s:
        s.execute(update(Customer).where(Customer.id == made.customer_id).values(email=""))
    dialog = open_check_out(qtbot, window, made.reference)
    fill_in(qtbot, dialog, odometer=12_345)
    QTest.mouseClick(dialog.ui.confirmButton, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert refusals(dialog) == []
    qtbot.waitUntil(lambda: dialog.agreement is not None)
    box = dialog.findChild(QMessageBox, "documentReady")
    assert box is not None
    note = f"Agreement {dialog.agreement.number}: the rental agreement was not mailed"
    assert note in box.text() and "has no email address" in box.text()
    assert window.statusBar().currentMessage().startswith(note)
    assert mail.send_now() == (0, 0) and unsent(db) == []
    box.done(0)
