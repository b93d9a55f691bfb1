"""The notification service: head office emails customers about its booking decisions, and sends
them their rental agreement and receipt.

Two parts, so no mail is ever sent inside a database transaction:

* :class:`NotificationQueue` is the inbox handler of head office's own consumer group on
  ``booking-events``. For ``reservation.confirmed`` / ``.changed`` / ``.cancelled`` / ``.rejected``
  it composes the mail at once (subject, plain text and HTML, from ``resources/templates``, times in
  the branch's zone) and inserts a queued :class:`~rentaldesk.models.Notification` keyed by the
  booking event's id, in the consumer's transaction: exactly one notification per event. The
  confirmation of a web booking (source ``web``) carries the booking's manage link, as the
  standalone site's own mail does (:func:`with_manage_link`; the link from the settings' shared
  ``[web]`` section, :func:`head_office_links`).
  Its :meth:`~NotificationQueue.agreement_recorded` is called by the booking authority for each
  ``agreement.recorded`` it keeps (not stale), in the authority's transaction: at check-out the mail
  with the agreement PDF, at check-in the one with the receipt PDF, both rendered here from the
  snapshot by :mod:`rentaldesk.documents` (the counter's own functions), once per reservation and
  kind, keyed by the event's id.
* :class:`NotificationSender` sends what is due through SMTP. Each mail is claimed (status
  ``sending``, ``attempts + 1``) in its own short transaction that commits BEFORE the SMTP
  conversation; the outcome is written afterwards with a ``notification.sent`` or
  ``notification.failed`` event in the outbox. A network or 4xx failure is retried with an
  exponential backoff; a 5xx refusal of the message fails at once.

A mail is never sent twice: a claimed row is only ever sent by its claimer, and a row found in
``sending`` whose claim has run out (the process died, or hung, mid-send) is marked failed, never
sent again; so is a mail whose connection broke after the whole message was handed to the server
(it may well have been delivered). Every mail carries ``Message-ID: <event id@rentaldesk>`` (the
booking event's, or the ``agreement.recorded``'s).

A standalone branch with a mail server runs the same two parts on its own database
(:mod:`rentaldesk.hq.branch_mail`: queued by :meth:`NotificationQueue.queue_agreement_mail` in the
check-out's or check-in's transaction, sent by :class:`NotificationSender` with ``announce=False``),
as the standalone web site does for its confirmation mail (:mod:`rentaldesk.web.mail`).

The attachment is the PDF itself, rendered when the mail is queued, not the snapshot to render it
from at send time: the snapshot carries every damage photo (up to 5 MB each) and the PDF none, so the
PDF's size is bounded (a few kB; a few tens with the embedded font) where the snapshot's is not; and
the customer gets the document as it was at that stage, whatever build later sends it. The bytes
are dropped once the mail is sent.
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

from sqlalchemy import CursorResult, and_, event, func, or_, select, update
from sqlalchemy.orm import Session

from .. import documents
from ..agreement_record import CHECKED_IN, CHECKED_OUT, CLOSED_STAGE
from ..config import SmtpSettings, WebSettings
from ..contracts import AgreementView
from ..db import Database
from ..display import distance, mail_time, money
from ..manage_links import MailedLinks, mailed_links
from ..models import CHANNEL_WEB, Branch, Notification, ReservationStatus, VehicleClass, channel_of_source
from ..values import Changes
from ..text import EMAIL, MESSAGE, as_sent
from ..sync import outbox
from ..sync.agreement_snapshot import view_of
from ..sync.envelope import Envelope
from ..sync.events import (
    AgreementRecorded,
    AgreementSnapshot,
    Decision,
    Event,
    NotificationFailed,
    NotificationSent,
    ReservationState,
)
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

#: ``agreement.recorded`` stage -> the mail it brings: the agreement at check-out, the receipt at
#: check-in ("closed" too: a check-in that settled the agreement at once is recorded as closed).
#: One of each per reservation: a later stage, or the same stage again, queues nothing more.
AGREEMENT_KINDS: dict[str, str] = {CHECKED_OUT: "agreement", CHECKED_IN: "receipt", CLOSED_STAGE: "receipt"}

#: Notification kind -> its templates' name in ``resources/templates`` (``<name>.txt``, ``.html``).
TEMPLATES: dict[str, str] = {
    **{kind: f"reservation_{kind}" for kind in KINDS.values()},
    "agreement": "rental_agreement",
    "receipt": "rental_receipt",
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
    "agreement": Template("Reservation $reference: your rental agreement $number"),
    "receipt": Template("Reservation $reference: your receipt for rental agreement $number"),
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
        text=template(f"{TEMPLATES[kind]}.txt").substitute(plain),
        html=template(f"{TEMPLATES[kind]}.html").substitute(escaped),
    )


#: Put before a mail's "If you have any questions" paragraph (its text part, then its HTML part).
_TEXT_ANCHOR = "If you have any questions"
_HTML_ANCHOR = "<p>If you have any questions"


def with_manage_link(mail: Mail, url: str) -> Mail:
    """``mail`` with a paragraph holding the manage link ``url`` (HTML-escaped in the HTML part):
    the confirmation of a web booking, from head office or from the standalone site."""
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


def _zone(name: str, whose: str) -> ZoneInfo:
    """The time zone ``name`` (a branch's), or UTC when it is not one (said in the log)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("notifications: %s has unknown time zone %r; showing UTC", whose, name)
        return ZoneInfo("UTC")


def _greeting(name: str, email: str) -> str:
    name = name.strip()
    if name.lower() == email.strip().lower():
        name = ""  # head office files a customer without a name under their email
    return f"Hello {name}," if name else "Hello,"


def _branch(s: Session, zip_code: str) -> Branch | None:
    return s.scalar(select(Branch).where(Branch.zip_code == zip_code))


def _location(branch: Branch | None, zip_code: str, branch_name: str = "") -> str:
    """'Downtown (10001)': the branch at ``zip_code`` as head office names it (else as
    ``branch_name`` says, else its zip code)."""
    name = branch.name if branch is not None else branch_name
    return f"{name} ({zip_code})" if name else f"zip code {zip_code}"


def _class_name(s: Session, code: str) -> str:
    """A vehicle class as the company names it ("Suv"), its code when head office has none."""
    vclass = s.get(VehicleClass, code)
    return vclass.name if vclass is not None else code


def mail_values(s: Session, kind: str, state: ReservationState) -> dict[str, str]:
    """The template values of a reservation state (from a booking event), looked up in ``s``."""
    branch = _branch(s, state.zip_code)
    zone = ZoneInfo("UTC") if branch is None else _zone(branch.time_zone, f"branch {branch.code}")
    reference = state.reference
    values = {
        "greeting": _greeting(state.customer.name, state.customer.email),
        "reference": reference,
        "location": _location(branch, state.zip_code),
        "vehicle_class": _class_name(s, state.vehicle_class),
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


@dataclass(frozen=True, slots=True)
class AgreementMail:
    """The mail of an agreement's stage: the mail itself and its PDF (``attachment_name``)."""

    kind: str
    mail: Mail
    attachment: bytes
    attachment_name: str


def agreement_mail(s: Session, kind: str, agreement: AgreementSnapshot) -> AgreementMail:
    """The ``"agreement"`` or ``"receipt"`` mail of an agreement as a snapshot holds it
    (:func:`view_mail` of its view)."""
    return view_mail(s, kind, view_of(agreement))


def view_mail(s: Session, kind: str, view: AgreementView) -> AgreementMail:
    """The ``"agreement"`` or ``"receipt"`` mail of an agreement, with its PDF rendered by the
    counter's own :func:`rentaldesk.documents.agreement_pdf` / ``receipt_pdf`` (one template, at head
    office and at a standalone branch). Raises :class:`ValueError` (or what the PDF's drawing raises)
    when the agreement cannot make one."""
    if kind == "agreement":
        pdf, name = documents.agreement_pdf(view), documents.agreement_file_name(view)
    else:
        pdf, name = documents.receipt_pdf(view), documents.receipt_file_name(view)
    zone = _zone(view.time_zone, f"agreement {view.number}")
    cash = view.currency
    values = {
        "greeting": _greeting(view.customer_name, view.customer_email),
        "reference": view.reservation_reference,
        "number": view.number,
        "attachment_name": name,
        "location": _location(_branch(s, view.zip_code), view.zip_code, view.branch_name),
        "car": f"{view.plate_number}, {view.car_model}" if view.car_model else view.plate_number,
        "vehicle_class": _class_name(s, view.vehicle_class),
        "out_time": mail_time(view.out.at, zone),
        "return_time": mail_time(view.booked_end, zone),
        "price": documents.money(view.quoted, cash),
    }
    if kind == "receipt":
        assert view.charges is not None and view.returned is not None, "receipt_pdf refused it otherwise"
        back = view.returned
        balance = view.balance
        values |= {
            "returned_time": mail_time(back.at, zone),
            "return_location": _location(_branch(s, back.zip_code), back.zip_code,
                                         view.branch_name if back.zip_code == view.zip_code else ""),
            "distance": distance(back.odometer - view.out.odometer, view.distance_unit),
            "total": documents.money(view.charges.total, view.charges.currency),
            "paid": documents.money(view.paid, cash),
            "balance": documents.money(balance, cash),
            "balance_words": ("Nothing is left to pay." if balance == 0 else
                              f"{documents.money(balance, cash)} is still to pay; the branch settles it with you."
                              if balance > 0 else
                              f"We owe you {documents.money(-balance, cash)}; the branch refunds it to you."),
        }
    return AgreementMail(kind=kind, mail=render(kind, values), attachment=pdf, attachment_name=name)


def head_office_links(web: WebSettings) -> MailedLinks | None:
    """The manage links head office's confirmations of web bookings carry: the settings' ``[web]``
    section, shared with the web site (:func:`~rentaldesk.manage_links.mailed_links`). Half of it
    set is said in the log (no link then: it would not open)."""
    links = mailed_links(web)
    if links is None and (web.public_url or web.secret):
        missing = "web.secret (RENTALDESK_WEB_SECRET)" if web.public_url else "web.public_url"
        log.warning("notifications: %s is not set, so head office's confirmations of web bookings carry no "
                    "manage link (set it as the web site has it)", missing)
    return links


# -- queueing (inside the consumer's transaction) --------------------------------------------------


class NotificationQueue:
    """The inbox handler of head office's notification consumer group on ``booking-events``."""

    def __init__(self, db: Database | None = None, *, clock: Callable[[], datetime] | None = None,
                 wake: threading.Event | None = None, outbox_wake: threading.Event | None = None,
                 manage_links: MailedLinks | None = None, announce: bool = True) -> None:
        #: Say a mail that could not be made on the notifications topic (head office; a standalone
        #: branch has none: the failed row is its record)
        self.announces = announce
        #: Not needed (the consumer hands over its session); taken like :class:`BookingAuthority`'s.
        self.db = db
        #: The web site's manage links (the settings' ``[web]``, :func:`~rentaldesk.manage_links.mailed_links`):
        #: a web booking's confirmation carries one, as the standalone site's own mail does. None: no link.
        self.manage_links = manage_links
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        #: Set after a transaction that queued a mail commits: give it the sender's ``wake``.
        self.wake = wake or threading.Event()
        #: Set after a failure is written to the outbox (a mail that could not be made).
        self.outbox_wake = outbox_wake

    def __call__(self, s: Session, envelope: Envelope[Event], where: Delivery | None = None) -> Changes | None:
        kind = KINDS.get(envelope.type)
        if kind is None or not isinstance(envelope.payload, Decision):
            return None
        if s.scalar(select(Notification.id).where(Notification.booking_event_id == envelope.event_id)) is not None:
            log.debug("notifications: %s already queued; replay skipped", envelope.event_id)
            return None
        state = envelope.payload.reservation
        mail = render(kind, mail_values(s, kind, state))
        if kind == "confirmed" and self.manage_links is not None and channel_of_source(state.source) == CHANNEL_WEB:
            mail = with_manage_link(mail, self.manage_links.url(state.id))
        self._queue(s, envelope.event_id, state.id, kind, state.customer.email.strip(), mail)
        log.info("notifications: %s mail for %s queued", kind, state.reference)
        return None

    def agreement_recorded(self, s: Session, envelope: Envelope[AgreementRecorded]) -> None:
        """The mail of an agreement's stage, queued in ``s`` (the authority's transaction, after it
        kept the event: a stale one never comes here): the agreement at check-out, the receipt at
        check-in, each once per reservation (keyed by the event; a copy under another event id
        queues nothing). No address: nothing. A snapshot no PDF can be made of: a failed
        notification saying why, never an exception (the ledger is recorded all the same)."""
        recorded = envelope.payload
        kind = AGREEMENT_KINDS.get(recorded.stage)
        a = recorded.agreement
        if kind is None or (kind == "receipt" and a.charges is None):
            return
        self.queue_agreement_mail(s, envelope.event_id, kind, reservation_id=a.reservation_id,
                                  reference=a.reservation_reference, number=a.number, recipient=a.customer_email,
                                  make=lambda: agreement_mail(s, kind, a))

    def queue_agreement_mail(self, s: Session, event_id: str, kind: str, *, reservation_id: str, reference: str,
                             number: str, recipient: str, make: Callable[[], AgreementMail]) -> bool:
        """The ``kind`` mail (``"agreement"`` or ``"receipt"``) of agreement ``number``, queued in ``s``
        under ``event_id`` (its Message-ID), once per reservation and kind: head office's for an
        ``agreement.recorded`` it keeps, a standalone branch's in its check-out's or check-in's own
        transaction (:mod:`rentaldesk.hq.branch_mail`). No address: nothing (False). ``make`` failing
        (no PDF can be made): a failed notification saying why, never an exception. True when a
        mail is (now or already) queued."""
        recipient = recipient.strip()
        if not recipient:
            log.info("notifications: agreement %s: the customer has no email address; no %s mail", number, kind)
            return False
        if s.scalar(select(Notification.id).where(or_(
                Notification.booking_event_id == event_id,
                and_(Notification.reservation_id == reservation_id, Notification.kind == kind),
        )).limit(1)) is not None:
            log.debug("notifications: %s mail of agreement %s already queued; %s skipped", kind, number, event_id)
            return True
        try:
            made = make()
        except Exception as exc:  # an agreement no document can be made of: said, not raised
            log.exception("notifications: the %s mail of agreement %s could not be made", kind, number)
            error = f"the {kind} PDF could not be made: {type(exc).__name__}: {exc}"[:400]
            subject = SUBJECTS[kind].safe_substitute(reference=reference, number=number)
            self._queue(s, event_id, reservation_id, kind, recipient,
                        Mail(subject=subject, text="", html=""), error=error)
            return True
        self._queue(s, event_id, reservation_id, kind, recipient, made.mail,
                    attachment=made.attachment, attachment_name=made.attachment_name)
        log.info("notifications: %s mail of agreement %s queued (%d bytes attached)", kind, number,
                 len(made.attachment))
        return True

    def _queue(self, s: Session, event_id: str, reservation_id: str, kind: str, recipient: str, mail: Mail, *,
               attachment: bytes | None = None, attachment_name: str = "", error: str = "") -> None:
        """Insert the notification (queued; failed at once with an ``error``, and said on the
        notifications topic) and wake the sender when the transaction commits."""
        now = self.clock()
        row = Notification(
            booking_event_id=event_id,
            reservation_id=reservation_id,
            kind=kind,
            recipient=recipient,
            subject=mail.subject[:200],
            body_text=mail.text,
            body_html=mail.html,
            status=FAILED if error else QUEUED,
            attempts=0,
            next_attempt_at=now,
            last_error=error,
            created_at=now,
            attachment=attachment,
            attachment_name=attachment_name,
        )
        s.add(row)
        if error:
            s.flush()  # its id
            if self.announces:
                announce(s, _Claimed.of(row), now, error=error, wake=self.outbox_wake)
            return
        wake = self.wake
        event.listen(s, "after_commit", lambda _s: wake.set(), once=True)


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
    attachment: bytes | None = None
    attachment_name: str = ""

    @classmethod
    def of(cls, row: Notification) -> _Claimed:
        return cls(
            id=row.id, booking_event_id=row.booking_event_id, reservation_id=row.reservation_id,
            kind=row.kind, recipient=row.recipient, subject=row.subject, body_text=row.body_text,
            body_html=row.body_html, attempts=row.attempts, attachment=row.attachment,
            attachment_name=row.attachment_name,
        )


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
        announce: bool = True,
    ) -> None:
        self.db = db
        self.smtp = smtp
        #: Say each outcome on the notifications topic (head office); a standalone branch has no
        #: topic to say it on, and the row's status is its record.
        self.announces = announce
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
        #: The thread of :meth:`start` and what ends it (a process's own sender: the desk, the web)
        self._thread: threading.Thread | None = None
        self._thread_stop = threading.Event()
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

    def start(self, name: str) -> None:
        """:meth:`run` in a thread of this process (the desk's, the web site's) until :meth:`close`."""
        if self._thread is not None:
            return
        self._thread_stop.clear()
        self._thread = threading.Thread(target=self.run, args=(self._thread_stop,), name=name, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """End the thread of :meth:`start` (after the mail it is sending, at most 30 s)."""
        self._thread_stop.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

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
            return _Claimed.of(s.get_one(Notification, nid, populate_existing=True))

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
        if mail.attachment is not None:
            msg.add_attachment(mail.attachment, maintype="application", subtype="pdf",
                               filename=mail.attachment_name or "document.pdf")
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
            row.attachment = None  # it went; the branch and head office keep the agreement itself
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
        if self.announces:
            announce(s, mail, now, error=error, wake=self.outbox_wake)

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


def announce(s: Session, mail: _Claimed, now: datetime, *, error: str | None = None,
             wake: threading.Event | None = None) -> None:
    """``notification.sent``, or ``notification.failed`` with the ``error``, in the outbox of ``s``."""
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
               wake=wake)


def _rowcount(result: object) -> int:
    """The rows an UPDATE matched: ``Session.execute`` is typed to return a ``Result``; an UPDATE's
    is a ``CursorResult``, which counts them."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
