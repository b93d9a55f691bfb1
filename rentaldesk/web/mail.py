"""The confirmation mail of a web booking, with its manage link.

Standalone (no head office), nobody else mails the customer: head office's notification service
(:mod:`rentaldesk.hq.notifications`) mails its decisions, and a standalone branch has none. So the
site queues the mail itself, as a :class:`~rentaldesk.models.Notification` row, composed with head
office's own templates and words (:func:`~rentaldesk.hq.notifications.render`, kind
``confirmed``) plus a paragraph with the manage link; and the site runs head office's
:class:`~rentaldesk.hq.notifications.NotificationSender` on its database (started and stopped with
the site), so a mail is sent once, retried with a backoff while the server is unreachable, and
never sent twice.
"""

from __future__ import annotations

import html
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..config import SmtpSettings
from ..db import Database
from ..display import mail_time, money
from ..hq.notifications import QUEUED, Mail, NotificationSender, render
from ..models import Notification
from .storefront import Booking
from .tokens import ManageLinks

log = logging.getLogger("rentaldesk.web.mail")

KIND = "confirmed"

#: Put before the mail's "If you have any questions" paragraph (its text part, then its HTML part).
_TEXT_ANCHOR = "If you have any questions"
_HTML_ANCHOR = "<p>If you have any questions"


def with_link(mail: Mail, url: str) -> Mail:
    """``mail`` with a paragraph holding the manage link ``url`` (HTML-escaped in the HTML part)."""
    text_part = (f"Change the dates, cancel or download your confirmation here (the link works until the "
                 f"return, unless the booking is cancelled):\n{url}\n\n")
    href = html.escape(url, quote=True)
    html_part = (f'<p><a href="{href}">Manage your booking</a>: change the dates, cancel or download your '
                 f"confirmation (the link works until the return, unless the booking is cancelled).</p>\n")
    text = mail.text.replace(_TEXT_ANCHOR, text_part + _TEXT_ANCHOR, 1) if _TEXT_ANCHOR in mail.text \
        else f"{mail.text}\n{text_part}"
    body = mail.html.replace(_HTML_ANCHOR, html_part + _HTML_ANCHOR, 1) if _HTML_ANCHOR in mail.html \
        else mail.html + html_part
    return Mail(subject=mail.subject, text=text, html=body)


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
    return with_link(render(KIND, values), url)


@dataclass
class Mailer:
    """Queues a web booking's confirmation mail and sends it (through ``smtp``) in a thread of its own.

    ``public_url`` is the site's address as customers reach it (the links are made from it, never from
    a request's Host header, which a visitor chooses)."""

    db: Database
    smtp: SmtpSettings
    links: ManageLinks
    public_url: str
    clock: Callable[[], datetime]
    sender: NotificationSender = field(init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.sender = NotificationSender(self.db, self.smtp, clock=self.clock, poll_interval=1.0)

    def queue(self, booking: Booking) -> None:
        """The booking's mail as a queued notification (its own transaction, after the booking's),
        and the sender woken."""
        r = booking.reservation
        now = self.clock()
        mail = confirmation_mail(booking, self.links.url(self.public_url, r))
        with self.db.write() as s:
            s.add(Notification(
                booking_event_id=str(uuid.uuid4()), reservation_id=r.id, kind=KIND,
                recipient=r.customer_email, subject=mail.subject[:200], body_text=mail.text,
                body_html=mail.html, status=QUEUED, attempts=0, next_attempt_at=now, last_error="",
                created_at=now,
            ))
        self.sender.wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.sender.run, args=(self._stop,), name="rentaldesk-web-mail",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self.sender.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
