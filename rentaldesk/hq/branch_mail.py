"""The customer's agreement and receipt mails of a standalone branch (no broker, but a mail server).

In a network head office mails them (:class:`~rentaldesk.hq.notifications.NotificationQueue`
queues them as it keeps each ``agreement.recorded``). A standalone branch has no head office, so it
runs head office's own notification service on its database:

* :class:`BranchMail` is the reservation service's ``mail`` (an
  :class:`~rentaldesk.agreement_record.AgreementLink`): called by
  :func:`rentaldesk.agreement_record.record` in the check-out's and the check-in's own transaction,
  it queues the mail with its PDF (:func:`~rentaldesk.hq.notifications.view_mail`: the same words,
  the same :mod:`rentaldesk.documents` PDF as head office's) as a
  :class:`~rentaldesk.models.Notification` row, once per reservation and kind. A crash, or a mail
  server that is down, loses nothing: the row is there once the agreement is.
* its :attr:`BranchMail.sender` (head office's
  :class:`~rentaldesk.hq.notifications.NotificationSender`) sends each row once, with retries and an
  exponential backoff; the desk runs it in a thread of its own (:meth:`BranchMail.start`), a cron
  job with ``rentaldesk mail send`` (:meth:`BranchMail.send_now`).

Exactly once, and where it cannot be: a row is claimed (``sending``) and committed before the SMTP
conversation and marked ``sent`` after it. A sender killed between the server's acceptance and the
mark leaves the row ``sending``; once its claim runs out the next sender marks it failed (never sends
it again by itself), and the desk shows it among the mails not sent. If the clerk then sends it
again (:meth:`BranchMail.send_again`), the customer may get it twice: at-least-once at the SMTP
boundary, by the clerk's choice. Both copies carry the same ``Message-ID`` (made from the
agreement and the kind, :func:`mail_id`), so a mail client or the server recognises the duplicate.

Nothing is said on the notifications topic (a standalone branch has none): the row's status is
the record.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..config import SmtpSettings
from ..contracts import AgreementView
from ..db import Database
from ..models import Notification
from ..models import Reservation as ReservationRow
from ..permissions import Permission, require
from .notifications import AGREEMENT_KINDS, FAILED, QUEUED, NotificationQueue, NotificationSender, view_mail

log = logging.getLogger("rentaldesk.hq.branch_mail")

#: The namespace of :func:`mail_id` (fixed: the same agreement and kind give the same id everywhere).
NAMESPACE = uuid.UUID("5f0c1a52-6d1e-4c36-9a53-7f0e9a1b2c11")

#: A kind of mail as the clerk reads it.
DOCUMENTS = {"agreement": "rental agreement", "receipt": "receipt"}


def mail_id(agreement_id: str, kind: str) -> str:
    """The id of an agreement's ``kind`` mail: its row's key and its ``Message-ID``
    (``<id@rentaldesk>``), the same however often it is queued or sent."""
    return str(uuid.uuid5(NAMESPACE, f"{agreement_id}/{kind}"))


@dataclass(frozen=True, slots=True)
class UnsentMail:
    """A mail given up (its retries spent, refused by the server, or interrupted mid-send).
    ``can_send_again``: False when there was nothing to send (its PDF could not be made)."""

    id: int
    kind: str
    recipient: str
    subject: str
    error: str
    attempts: int
    can_send_again: bool


def unsent(db: Database) -> list[UnsentMail]:
    """The mails of this database that could not be sent, oldest first (their recipients: a
    reader's, :attr:`~rentaldesk.permissions.Permission.VIEW`)."""
    require(Permission.VIEW, db)
    with db.session() as s:
        rows = s.scalars(select(Notification).where(Notification.status == FAILED).order_by(Notification.id))
        return [UnsentMail(id=r.id, kind=r.kind, recipient=r.recipient, subject=r.subject, error=r.last_error,
                           attempts=r.attempts, can_send_again=bool(r.body_text)) for r in rows]


def send_again(db: Database, ids: Iterable[int], now: datetime) -> int:
    """Queue the given mails again (those still failed and with something to send), their attempts
    counted afresh from now; how many. The day's housekeeping
    (:attr:`~rentaldesk.permissions.Permission.HOUSEKEEPING`)."""
    require(Permission.HOUSEKEEPING, db)
    wanted = list(ids)
    if not wanted:
        return 0
    with db.write() as s:
        again = list(s.scalars(select(Notification.id).where(
            Notification.id.in_(wanted), Notification.status == FAILED, Notification.body_text != "")))
        if again:
            s.execute(update(Notification).where(Notification.id.in_(again), Notification.status == FAILED)
                      .values(status=QUEUED, attempts=0, next_attempt_at=now, last_error=""))
    for nid in again:
        log.info("mail: notification %d queued again by the clerk", nid)
    return len(again)


class BranchMail:
    """A standalone branch's mail: queued beside the agreement's change, sent by :attr:`sender`."""

    def __init__(self, db: Database, smtp: SmtpSettings, *, clock: Callable[[], datetime] | None = None,
                 max_attempts: int = 8, backoff_base: float = 1.0, backoff_cap: float = 300.0,
                 poll_interval: float = 1.0) -> None:
        self.db = db
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.queue = NotificationQueue(db, clock=self.clock, announce=False)
        self.sender = NotificationSender(db, smtp, clock=self.clock, wake=self.queue.wake, announce=False,
                                         max_attempts=max_attempts, backoff_base=backoff_base,
                                         backoff_cap=backoff_cap, poll_interval=poll_interval)

    # -- queueing (in the agreement change's transaction) ------------------------------------------

    def agreement_recorded(self, s: Session, row: ReservationRow, stage: str, version: int,
                           view: AgreementView, now: datetime) -> None:
        """The stage's mail queued in ``s``: the agreement at check-out, the receipt at check-in
        (once each; a payment queues nothing)."""
        kind = AGREEMENT_KINDS.get(stage)
        if kind is None or (kind == "receipt" and view.charges is None):
            return
        self.queue.queue_agreement_mail(
            s, mail_id(view.id, kind), kind, reservation_id=view.reservation_id,
            reference=view.reservation_reference, number=view.number, recipient=view.customer_email,
            make=lambda: view_mail(s, kind, view))

    @staticmethod
    def note(view: AgreementView, kind: str) -> str:
        """What the clerk is told when the ``kind`` mail of ``view`` is not sent because the
        customer has no email address; "" when it is queued."""
        if view.customer_email.strip():
            return ""
        who = view.customer_name.strip() or "the customer"
        return (f"Agreement {view.number}: the {DOCUMENTS.get(kind, kind)} was not mailed: {who} has no email "
                "address. Print it or save its PDF for them.")

    # -- sending -------------------------------------------------------------------------------------

    def send_now(self) -> tuple[int, int]:
        """One round (the cron job's): interrupted sends failed, then what is due sent; (sent,
        given up) in this round. The day's housekeeping, as :func:`send_again`."""
        require(Permission.HOUSEKEEPING, self.db)
        failed_before = self.sender.failed
        self.sender.recover_interrupted()
        sent = self.sender.send_due()
        return sent, self.sender.failed - failed_before

    def send_again(self, ids: Iterable[int]) -> int:
        """The clerk's "send again": the mails queued afresh and the sender woken; how many."""
        again = send_again(self.db, ids, self.clock())
        if again:
            self.sender.wake.set()
        return again

    def start(self) -> None:
        """Send in a thread of this process (the desk's) until :meth:`close`."""
        self.sender.start("rentaldesk-branch-mail")

    def close(self) -> None:
        self.sender.close()
