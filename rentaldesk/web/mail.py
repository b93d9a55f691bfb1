"""The confirmation mail of a web booking, with its manage link.

Standalone (no head office), nobody else mails the customer: head office's notification service
(:mod:`rentaldesk.hq.notifications`) mails its decisions, and a standalone branch has none. So the
site queues the mail itself, as a :class:`~rentaldesk.models.Notification` row, composed with head
office's own templates and words (:func:`~rentaldesk.hq.notifications.render`, kind
``confirmed``) plus the paragraph with the manage link that head office's confirmation of a web
booking carries in a network (:func:`~rentaldesk.hq.notifications.with_manage_link`, the link from
:class:`~rentaldesk.manage_links.MailedLinks`); and the site runs head office's
:class:`~rentaldesk.hq.notifications.NotificationSender` on its database (started and stopped with
the site), so a mail is sent once, retried with a backoff while the server is unreachable, and
never sent twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..config import SmtpSettings
from ..db import Database
from ..display import mail_time, money
from ..hq.notifications import QUEUED, Mail, NotificationSender, render, with_manage_link
from ..manage_links import MailedLinks
from ..models import Notification
from .storefront import Booking

log = logging.getLogger("rentaldesk.web.mail")

KIND = "confirmed"

def confirmation_mail(booking: Booking, url: str) -> Mail:
    """The mail of a web booking: head office's ``confirmed`` mail, with the manage link."""
    r = booking.reservation
    zone = booking.location.zone
    name = r.customer_name.strip()
    values = {
        "greeting": f"Hello {name}," if name and name.lower() != r.customer_email.lower() else "Hello,",
        "reference": r.reference,
        "location": f"{booking.location.name} ({booking.location.zip_code})",
        "vehicle_class": booking.class_name,
        "pickup_time": mail_time(r.start, zone),
        "return_time": mail_time(r.end, zone),
        "price": money(r.price),
        "reason": "", "outcome": "", "details_heading": "",
    }
    return with_manage_link(render(KIND, values), url)


@dataclass
class Mailer:
    """Queues a web booking's confirmation mail and sends it (through ``smtp``) in a thread of its own,
    with the manage link of ``links``."""

    db: Database
    smtp: SmtpSettings
    links: MailedLinks
    clock: Callable[[], datetime]
    sender: NotificationSender = field(init=False)

    def __post_init__(self) -> None:
        # standalone: no topic to tell of a sent or failed mail (the row is the record)
        self.sender = NotificationSender(self.db, self.smtp, clock=self.clock, poll_interval=1.0, announce=False)

    def queue(self, booking: Booking) -> None:
        """The booking's mail as a queued notification (its own transaction, after the booking's),
        and the sender woken."""
        r = booking.reservation
        now = self.clock()
        mail = confirmation_mail(booking, self.links.url(r.id))
        with self.db.write() as s:
            s.add(Notification(
                booking_event_id=str(uuid.uuid4()), reservation_id=r.id, kind=KIND,
                recipient=r.customer_email, subject=mail.subject[:200], body_text=mail.text,
                body_html=mail.html, status=QUEUED, attempts=0, next_attempt_at=now, last_error="",
                created_at=now,
            ))
        self.sender.wake.set()

    def start(self) -> None:
        self.sender.start("rentaldesk-web-mail")

    def close(self) -> None:
        self.sender.close()
