"""The standalone branch's customer mails at the desk (issue 11 item 9): the status bar says when a
mail could not be sent after its retries, and the clerk sends it again; a check-out or check-in
whose customer has no email address says so (:func:`not_mailed`).

Only where the branch mails its customers itself (:class:`rentaldesk.hq.branch_mail.BranchMail`);
in a network head office mails them, and the desk shows nothing of it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..contracts import AgreementView
from ..hq.branch_mail import BranchMail, UnsentMail, unsent
from .desk import DeskContext

#: How often the desk looks for mails given up by the sender (its thread, or a cron job's run).
LOOK_MS = 5_000


def branch_mail(desk: DeskContext) -> BranchMail | None:
    """The branch's own mail, when it mails its customers."""
    mail = desk.service.mail
    return mail if isinstance(mail, BranchMail) else None


def not_mailed(desk: DeskContext, view: AgreementView, kind: str) -> str:
    """The note for the clerk when the ``kind`` mail of ``view`` is not sent because the customer
    has no email address (also put in the status bar); "" otherwise."""
    if branch_mail(desk) is None:
        return ""
    note = BranchMail.note(view, kind)
    if note:
        desk.notice.emit(note)
    return note


def with_note(message: str, note: str) -> str:
    """A document dialog's HTML ``message`` with ``note`` (plain text) under it."""
    return f"{message}<br><br><b>{html.escape(note)}</b>" if note else message


class MailStatus(QWidget):
    """In the status bar: "2 mails not sent" (their subjects and reasons in the tooltip) and a
    "Send again" button; hidden while every mail went."""

    def __init__(self, desk: DeskContext, mail: BranchMail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailStatus")
        self.desk = desk
        self.mail = mail
        self.unsent: list[UnsentMail] = []
        self.label = QLabel(self)
        self.label.setObjectName("mailNotSent")
        self.send_again_button = QPushButton("Send again", self)
        self.send_again_button.setObjectName("mailSendAgain")
        self.send_again_button.setToolTip("Queue the mails not sent again; they go as soon as the mail server takes them")
        self.send_again_button.clicked.connect(self.send_again)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.send_again_button)
        self.setVisible(False)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(LOOK_MS)
        desk.changed.connect(lambda _changes: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        db = self.desk.db
        # a look on a timer: while nobody may read (the desk locked, a user switching) it says nothing
        self.desk.run(lambda: unsent(db), self._show, lambda _refused: None)

    def _show(self, found: list[UnsentMail]) -> None:
        self.unsent = found
        if not found:
            self.setVisible(False)
            return
        self.label.setText(f"{len(found)} mail{'' if len(found) == 1 else 's'} not sent")
        self.label.setToolTip("\n".join(f"{m.subject} (to {m.recipient}): {m.error}" for m in found))
        self.send_again_button.setEnabled(any(m.can_send_again for m in found))
        self.setVisible(True)

    def send_again(self) -> None:
        ids = [m.id for m in self.unsent if m.can_send_again]
        mail = self.mail
        self.send_again_button.setEnabled(False)

        def done(count: int) -> None:
            self.desk.notice.emit(f"{count} mail{'' if count == 1 else 's'} queued to be sent again")
            self.refresh()

        self.desk.run(lambda: mail.send_again(ids), done)
