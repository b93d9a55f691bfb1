"""The notification service: head office emails customers about its booking decisions.

Two parts, so no mail is ever sent inside a database transaction:

* :class:`NotificationQueue` is the inbox handler of head office's own consumer group on
  ``booking-events``. For ``reservation.confirmed`` / ``.changed`` / ``.cancelled`` / ``.rejected``
  it composes the mail at once (subject, plain text and HTML, from ``resources/templates``, times in
  the branch's zone) and inserts a queued :class:`~rentaldesk.models.Notification` keyed by the
  booking event's id, in the consumer's transaction: exactly one notification per event.
* :class:`NotificationSender` sends what is due through SMTP. Each mail is claimed (status
  ``sending``, ``attempts + 1``) in its own short transaction that commits BEFORE the SMTP
  conversation; the outcome is written afterwards with a ``notification.sent`` or
  ``notification.failed`` event in the outbox. A network or 4xx failure is retried with an
  exponential backoff; a 5xx refusal of the message fails at once.

A mail is never sent twice: a claimed row is only ever sent by its claimer, and a row found in
``sending`` whose claim has run out (the process died, or hung, mid-send) is marked failed, never
sent again; so is a mail whose connection broke after the whole message was handed to the server
(it may well have been delivered). Every mail carries ``Message-ID: <booking event id@rentaldesk>``.
"""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache
from importlib.resources import files
from string import Template
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import CursorResult, event, func, select, update
from sqlalchemy.orm import Session

from ..config import SmtpSettings
from ..db import Database
from ..display import mail_time, money
from ..models import Branch, Notification, ReservationStatus, VehicleClass
from ..values import Changes
from ..text import EMAIL, MESSAGE, as_sent
from ..sync import outbox
from ..sync.envelope import Envelope
from ..sync.events import Decision, Event, NotificationFailed, NotificationSent, ReservationState
from ..sync.inbox import Delivery
from ..sync.topics import NOTIFICATIONS

log = logging.getLogger("rentaldesk.hq.notifications")

SOURCE = "hq"

#: Booking event type -> notification kind. ``car-reassigned`` (internal), ``updated`` (facts
#: from the counter) and ``request-refused`` (about a reservation whose rejection was mailed) are not.
KINDS: dict[str, str] = {
    "reservation.confirmed": "confirmed",
    "reservation.changed": "changed",
    "reservation.cancelled": "cancelled",
    "reservation.rejected": "rejected",
}

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"

INTERRUPTED = "interrupted while sending; not retried so the customer never gets it twice"
HANDED_OVER = ("connection lost after the message was handed to the mail server ({error}); it may have "
               "been delivered, so it is not retried and the customer never gets it twice")


#: Every subject is "Reservation <reference>: <what>"; the sender reads the reference back from it.
SUBJECT_PREFIX = "Reservation "
SUBJECTS: dict[str, Template] = {
    "confirmed": Template("Reservation $reference: confirmed"),
    "changed": Template("Reservation $reference: changed"),
    "cancelled": Template("Reservation $reference: cancelled"),
    "rejected": Template("Reservation $reference: could not be confirmed"),
    "refused": Template("Reservation $reference: your request could not be carried out"),
}


# -- composing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mail:
    subject: str
    text: str
    html: str


@cache
def template(name: str) -> Template:
    """A template of ``resources/templates`` (``reservation_confirmed.txt`` ...)."""
    return Template(files("rentaldesk.resources").joinpath("templates", name).read_text(encoding="utf-8"))


def render(kind: str, values: Mapping[str, str]) -> Mail:
    """The mail of ``kind`` with ``values`` (plain text): HTML-escaped for the HTML part. A
    placeholder without a value raises :class:`KeyError` (``substitute``, never a half-filled mail)."""
    subject_kind = values.get("subject_kind", kind)
    subject = SUBJECTS[subject_kind].substitute(values)
    plain = {**values, "subject": subject}
    escaped = {k: html.escape(v, quote=True) for k, v in plain.items()}
    return Mail(
        subject=subject,
        text=template(f"reservation_{kind}.txt").substitute(plain),
        html=template(f"reservation_{kind}.html").substitute(escaped),
    )


def mail_values(s: Session, kind: str, state: ReservationState) -> dict[str, str]:
    """The template values of a reservation state (from a booking event), looked up in ``s``."""
    branch = s.scalar(select(Branch).where(Branch.zip_code == state.zip_code))
    zone = ZoneInfo("UTC")
    if branch is not None:
        try:
            zone = ZoneInfo(branch.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("notifications: branch %s has unknown time zone %r; showing UTC", branch.code,
                        branch.time_zone)
    vclass = s.get(VehicleClass, state.vehicle_class)
    name = state.customer.name.strip()
    if name.lower() == state.customer.email.strip().lower():
        name = ""  # head office files a customer without a name under their email
    reference = state.reference
    values = {
        "greeting": f"Hello {name}," if name else "Hello,",
        "reference": reference,
        "location": f"{branch.name} ({branch.zip_code})" if branch is not None else f"zip code {state.zip_code}",
        "vehicle_class": vclass.name if vclass is not None else state.vehicle_class,
        "pickup_time": mail_time(state.start, zone),
        "return_time": mail_time(state.end, zone),
        "price": money(state.price),
        "reason": state.reason.strip() or "no reason was given",
        "outcome": "",
        "details_heading": "",
    }
    if kind == "rejected":
        if state.status == ReservationStatus.REJECTED.value:
            values["outcome"] = f"your reservation {reference} could not be confirmed."
            values["details_heading"] = "What you asked for:"
        else:  # a change or cancellation was refused: the reservation itself stands
            values["subject_kind"] = "refused"
            values["outcome"] = f"we could not carry out your latest request for reservation {reference}."
            values["details_heading"] = "Your reservation stays as it was:"
    return values


# -- queueing (inside the consumer's transaction) --------------------------------------------------


class NotificationQueue:
    """The inbox handler of head office's notification consumer group on ``booking-events``."""

    def __init__(self, db: Database | None = None, *, clock: Callable[[], datetime] | None = None,
                 wake: threading.Event | None = None) -> None:
        #: Not needed (the consumer hands over its session); taken like :class:`BookingAuthority`'s.
        self.db = db
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        #: Set after a transaction that queued a mail commits: give it the sender's ``wake``.
        self.wake = wake or threading.Event()

    def __call__(self, s: Session, envelope: Envelope[Event], where: Delivery | None = None) -> Changes | None:
        kind = KINDS.get(envelope.type)
        if kind is None or not isinstance(envelope.payload, Decision):
            return None
        if s.scalar(select(Notification.id).where(Notification.booking_event_id == envelope.event_id)) is not None:
            log.debug("notifications: %s already queued; replay skipped", envelope.event_id)
            return None
        state = envelope.payload.reservation
        mail = render(kind, mail_values(s, kind, state))
        now = self.clock()
        s.add(Notification(
            booking_event_id=envelope.event_id,
            reservation_id=state.id,
            kind=kind,
            recipient=state.customer.email.strip(),
            subject=mail.subject[:200],
            body_text=mail.text,
            body_html=mail.html,
            status=QUEUED,
            attempts=0,
            next_attempt_at=now,
            last_error="",
            created_at=now,
        ))
        wake = self.wake
        event.listen(s, "after_commit", lambda _s: wake.set(), once=True)
        log.info("notifications: %s mail for %s queued", kind, state.reference)
        return None


# -- sending (outside any transaction) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    booking_event_id: str
    reservation_id: str
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one SMTP attempt ended: ``sent``, or an ``error`` that is ``permanent`` or retried."""

    sent: bool
    error: str = ""
    permanent: bool = False


class _SMTP(smtplib.SMTP):
    """Knows whether the whole message (up to the final ``.``) was handed to the server."""

    handed_over = False

    def send(self, s: bytes | str) -> None:  # type: ignore[override]
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


def reference_of(subject: str) -> str:
    """The reservation reference in a subject of :data:`SUBJECTS`."""
    if subject.startswith(SUBJECT_PREFIX):
        return subject[len(SUBJECT_PREFIX):].rpartition(": ")[0]
    return ""


class NotificationSender:
    """Sends due notifications through SMTP and records each outcome in the outbox."""

    def __init__(
        self,
        db: Database,
        smtp: SmtpSettings,
        *,
        clock: Callable[[], datetime] | None = None,
        max_attempts: int = 8,
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        batch: int = 20,
        poll_interval: float = 0.5,
        sending_lease: timedelta | None = None,
        wake: threading.Event | None = None,
        outbox_wake: threading.Event | None = None,
    ) -> None:
        self.db = db
        self.smtp = smtp
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.batch = batch
        self.poll_interval = poll_interval
        #: How long a claim lasts: a row still ``sending`` after it is taken for interrupted. Well
        #: above the longest SMTP conversation (every step of it may take ``smtp.timeout``).
        self.sending_lease = sending_lease or timedelta(seconds=max(60.0, 10 * smtp.timeout))
        #: Set it to send at once (the queue sets it after a commit that queued a mail).
        self.wake = wake or threading.Event()
        #: Set after a notification event is written to the outbox (give it the relay's ``wake``).
        self.outbox_wake = outbox_wake
        self.sender_address = parseaddr(smtp.sender)[1] or smtp.sender
        self._stop: threading.Event | None = None
        self.sent = 0
        self.failed = 0

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt: base, 2 x base, 4 x base ... capped."""
        return timedelta(seconds=min(self.backoff_base * 2 ** max(attempts - 1, 0), self.backoff_cap))

    # -- the loop ----------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Recover interrupted sends, then send whatever is due whenever woken, every
        ``poll_interval`` or at the next due time, until ``stop``. Set ``wake`` to hurry it, and
        ``stop`` then ``wake`` to end it promptly."""
        self._stop = stop
        try:
            while not stop.is_set():
                self.wake.clear()  # before looking, so a mail queued meanwhile is not missed
                try:
                    # Every round, not only at start: a claim of a process that died a moment ago
                    # runs out later (never sooner, or a live sender's mail would be failed).
                    self.recover_interrupted()
                    self.send_due()
                    wait = self._seconds_to_next_due()
                except Exception:
                    log.exception("notification sender failed; retrying")
                    wait = max(self.poll_interval, 1.0)
                if not stop.is_set():
                    self.wake.wait(wait)
        finally:
            self._stop = None

    def _seconds_to_next_due(self) -> float:
        with self.db.session() as s:
            due = s.scalar(select(func.min(Notification.next_attempt_at)).where(Notification.status == QUEUED))
        if due is None:
            return self.poll_interval
        return max(0.0, min(self.poll_interval, (due - self.clock()).total_seconds()))

    # -- sending -----------------------------------------------------------------------------------

    def send_due(self, now: datetime | None = None) -> int:
        """Send the queued mails due at ``now`` (oldest first, up to ``batch``); how many were sent."""
        now = now or self.clock()
        with self.db.session() as s:
            ids = list(s.scalars(
                select(Notification.id)
                .where(Notification.status == QUEUED, Notification.next_attempt_at <= now)
                .order_by(Notification.next_attempt_at, Notification.id)
                .limit(self.batch)
            ))
        sent = 0
        for nid in ids:
            if self._stop is not None and self._stop.is_set():
                break
            mail = self._claim(nid)
            if mail is None:
                continue  # another sender took it
            try:
                outcome = self._deliver(mail)
            except Exception as exc:  # a bug, not the network: not retried (it would fail the same way)
                log.exception("notifications: sending %s failed unexpectedly", mail.booking_event_id)
                outcome = Outcome(sent=False, error=f"{type(exc).__name__}: {exc}", permanent=True)
            if outcome.sent:
                self._record_sent(mail)
                sent += 1
            else:
                self._record_failure(mail, outcome)
        return sent

    def _claim(self, nid: int) -> _Claimed | None:
        """Mark a queued row ``sending`` (attempts + 1) and commit, before any SMTP."""
        now = self.clock()
        with self.db.write() as s:
            claimed = _rowcount(s.execute(
                update(Notification)
                .where(Notification.id == nid, Notification.status == QUEUED)
                .values(status=SENDING, attempts=Notification.attempts + 1, next_attempt_at=now + self.sending_lease)
            ))
            if claimed != 1:
                return None
            row = s.get_one(Notification, nid, populate_existing=True)
            return _Claimed(
                id=row.id, booking_event_id=row.booking_event_id, reservation_id=row.reservation_id,
                kind=row.kind, recipient=row.recipient, subject=row.subject, body_text=row.body_text,
                body_html=row.body_html, attempts=row.attempts,
            )

    def message(self, mail: _Claimed) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = mail.subject
        msg["From"] = self.smtp.sender
        msg["To"] = mail.recipient
        msg["Date"] = format_datetime(self.clock())
        msg["Message-ID"] = f"<{mail.booking_event_id}@rentaldesk>"
        reference = reference_of(mail.subject)
        if reference:
            msg["X-Rentaldesk-Reservation"] = reference
        msg.set_content(mail.body_text)
        msg.add_alternative(mail.body_html, subtype="html")
        return msg

    def _deliver(self, mail: _Claimed) -> Outcome:
        """One SMTP conversation. Failures before the message (connecting, TLS, login) are the
        server's or the settings', so retried; in the message's own transaction a 5xx reply is
        permanent; a broken connection after the message was handed over is not retried."""
        msg = self.message(mail)
        settings = self.smtp
        smtp: _SMTP | None = None
        in_message = False
        try:
            smtp = _SMTP(settings.host, settings.port, timeout=settings.timeout)
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            in_message = True
            smtp.send_message(msg, from_addr=self.sender_address, to_addrs=[mail.recipient])
            return Outcome(sent=True)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{addr}: {code} {_text(reply)}" for addr, (code, reply) in exc.recipients.items())
            return Outcome(sent=False, error=f"recipient refused: {detail}",
                           permanent=any(500 <= code < 600 for code in codes))
        except smtplib.SMTPResponseException as exc:
            where = "message refused" if in_message else "mail server refused"
            return Outcome(sent=False, error=f"{where}: {exc.smtp_code} {_text(exc.smtp_error)}",
                           permanent=in_message and 500 <= exc.smtp_code < 600)
        except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address and no SMTPUTF8
            return Outcome(sent=False, error=f"not supported by the mail server: {exc}", permanent=in_message)
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if smtp is not None and smtp.handed_over:
                return Outcome(sent=False, error=HANDED_OVER.format(error=error), permanent=True)
            return Outcome(sent=False, error=error)
        finally:
            if smtp is not None:
                try:
                    smtp.quit()
                except Exception:  # the outcome is known already; a failing QUIT changes nothing
                    smtp.close()

    # -- outcomes ----------------------------------------------------------------------------------

    def _record_sent(self, mail: _Claimed) -> None:
        now = self.clock()
        with self.db.write() as s:
            row = s.get_one(Notification, mail.id)  # claimed by this sender: never deleted
            if row.status != SENDING:
                # Its claim ran out and it was failed meanwhile; it did go out, so say so.
                log.warning("notifications: %s was sent after being given up (%s)", mail.booking_event_id,
                            row.last_error)
            row.status = SENT
            row.sent_at = now
            row.last_error = ""
            self._announce(s, mail, now)
        self.sent += 1
        log.info("notifications: %s mail for %s sent to %s", mail.kind, mail.reservation_id, mail.recipient)

    def _record_failure(self, mail: _Claimed, outcome: Outcome) -> None:
        now = self.clock()
        error = outcome.error[:400]
        give_up = outcome.permanent or mail.attempts >= self.max_attempts
        with self.db.write() as s:
            values: dict[str, Any] = {"last_error": error}
            if give_up:
                values["status"] = FAILED
            else:
                values["status"] = QUEUED
                values["next_attempt_at"] = now + self.backoff(mail.attempts)
            changed = _rowcount(s.execute(
                update(Notification).where(Notification.id == mail.id, Notification.status == SENDING).values(**values)
            ))
            if changed and give_up:
                self._announce(s, mail, now, error=error)
        if not changed:  # its claim ran out and recover_interrupted() failed it meanwhile
            log.warning("notifications: %s was given up while sending (%s)", mail.booking_event_id, error)
            return
        if give_up:
            self.failed += 1
            log.warning("notifications: %s mail %s to %s failed after %d attempt(s): %s", mail.kind,
                        mail.booking_event_id, mail.recipient, mail.attempts, error)
        else:
            log.info("notifications: %s mail %s to %s not sent (attempt %d): %s; retrying in %s", mail.kind,
                     mail.booking_event_id, mail.recipient, mail.attempts, error, self.backoff(mail.attempts))

    def _announce(self, s: Session, mail: _Claimed, now: datetime, *, error: str | None = None) -> None:
        """``notification.sent``, or ``notification.failed`` with the ``error``."""
        # What a mail server said (or an OS error's text) may hold anything: sent as the rule takes it.
        to, subject = as_sent(mail.recipient, EMAIL), as_sent(mail.subject, MESSAGE)
        outcome: Event
        if error is None:
            outcome = NotificationSent(reservation_id=mail.reservation_id, booking_event_id=mail.booking_event_id,
                                       kind=mail.kind, to=to, subject=subject, attempts=mail.attempts)
        else:
            outcome = NotificationFailed(reservation_id=mail.reservation_id, booking_event_id=mail.booking_event_id,
                                         kind=mail.kind, to=to, subject=subject,
                                         attempts=mail.attempts, error=as_sent(error, MESSAGE) or "unknown error")
        outbox.add(s, NOTIFICATIONS, mail.reservation_id, Envelope(payload=outcome, source=SOURCE, occurred_at=now),
                   wake=self.outbox_wake)

    # -- recovery ----------------------------------------------------------------------------------

    def recover_interrupted(self, now: datetime | None = None) -> int:
        """Fail the rows left ``sending`` whose claim has run out (the sender died or hung mid-send):
        they may have gone out, so they are never sent again. How many were failed."""
        now = now or self.clock()
        with self.db.session() as s:
            ids = list(s.scalars(
                select(Notification.id).where(Notification.status == SENDING, Notification.next_attempt_at <= now)
            ))
        if not ids:
            return 0
        failed = 0
        with self.db.write() as s:
            for nid in ids:
                changed = _rowcount(s.execute(
                    update(Notification)
                    .where(Notification.id == nid, Notification.status == SENDING, Notification.next_attempt_at <= now)
                    .values(status=FAILED, last_error=INTERRUPTED)
                ))
                if not changed:
                    continue
                row = s.get_one(Notification, nid, populate_existing=True)
                mail = _Claimed(
                    id=row.id, booking_event_id=row.booking_event_id, reservation_id=row.reservation_id,
                    kind=row.kind, recipient=row.recipient, subject=row.subject, body_text="", body_html="",
                    attempts=row.attempts,
                )
                self._announce(s, mail, now, error=INTERRUPTED)
                failed += 1
                log.warning("notifications: %s mail %s to %s was interrupted while sending; marked failed",
                            row.kind, row.booking_event_id, row.recipient)
        self.failed += failed
        return failed


def _rowcount(result: object) -> int:
    """The rows an UPDATE matched: ``Session.execute`` is typed to return a ``Result``; an UPDATE's
    is a ``CursorResult``, which counts them."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
