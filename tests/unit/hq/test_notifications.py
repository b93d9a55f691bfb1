"""The notification service against a real SMTP server (aiosmtpd) and a real SQLite database."""

from __future__ import annotations

from decimal import Decimal

import email
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select, update

from rentaldesk.config import SmtpSettings
from rentaldesk.hq.notifications import (
    INTERRUPTED,
    SUBJECTS,
    NotificationQueue,
    NotificationSender,
    mail_values,
    reference_of,
    render,
    template,
)
from rentaldesk.models import Notification, OutboxEvent
from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.inbox import Delivery
from rentaldesk.sync.topics import NOTIFICATIONS
from tests.fakes import Record

from tests.conftest import day

KINDS = ("confirmed", "changed", "cancelled", "rejected")
NY_START = "Tue 5 Mar 2030, 09:00 (America/New_York)"  # day(1, 2): 14:00 UTC, EST
NY_END = "Thu 7 Mar 2030, 09:00 (America/New_York)"
WHERE = Delivery("rentaldesk.booking-events", 0, 0, None)


# -- a real SMTP server ----------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content()


class Recorder:
    """An aiosmtpd handler keeping what it accepts; refuses addresses in ``refuse`` with their reply."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.hang_up_after_data = False
        self.arrived = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        self.arrived.set()
        if self.hang_up_after_data:  # took the message, then the line dropped before the reply
            server.transport.close()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """An SMTP server on a fixed local port that can be started and stopped."""

    def __init__(self, port: int, **kwargs: Any) -> None:
        self.port = port
        self.recorder = Recorder()
        self.kwargs = kwargs
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **self.kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.recorder.received


@pytest.fixture
def down():
    """A port nothing listens on (until the test starts the server)."""
    srv = Server(free_port())
    yield srv
    srv.stop()


def settings_for(srv: Server, **kwargs: Any) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=srv.port, sender="Rentaldesk <reservations@rentaldesk.test>",
                        timeout=5.0, **kwargs)


# -- head office data ------------------------------------------------------------------------------


@pytest.fixture
def hq(fleet):
    fleet.cars(2, "SUV", "10001")  # Branch 10001, America/New_York; class SUV named "SUV"
    return fleet


@pytest.fixture
def queue(db, clock) -> NotificationQueue:
    return NotificationQueue(db, clock=clock)


def booking(kind: str, *, name: str = "Ann Smith", email_address: str = "ann@example.com",
            status: str | None = None, reason: str = "", zip_code: str = "10001",
            reference: str = "RABC1234", reservation_id: str | None = None) -> Envelope:
    state = ev.ReservationState(
        id=reservation_id or str(uuid.uuid4()), reference=reference,
        status=status or {"changed": "confirmed", "rejected": "rejected"}.get(kind, kind),
        customer=ev.Customer(email=email_address, name=name, phone="555-0100"),
        vehicle_class="SUV", zip_code=zip_code, car_plate="T00001", pinned=False, driver_licence=None,
        start=day(1, 2), end=day(3, 2), price=Decimal("240.00"), version=2, source="BOS-DT", reason=reason,
    )
    decision = ev.DECISIONS[f"reservation.{kind}"]
    envelope = Envelope(payload=decision(reservation=state, request_event_id=str(uuid.uuid4())), source="hq")
    return decode(envelope.encode())  # exactly what the consumer hands over


def consume(db, queue: NotificationQueue, envelope: Envelope) -> None:
    with db.write() as s:
        queue(s, envelope, WHERE)


def notifications(db) -> list[Notification]:
    with db.session() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def events(db, event_type: str | None = None) -> list[tuple[OutboxEvent, Envelope]]:
    with db.session() as s:
        rows = list(s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)))
    found = [(row, decode(row.value)) for row in rows]
    return [(row, env) for row, env in found if event_type is None or env.type == event_type]


# -- each kind -------------------------------------------------------------------------------------


HEADLINES = {
    "confirmed": "Good news: your reservation RABC1234 is confirmed.",
    "changed": f"Your reservation RABC1234 has been changed. It now runs from {NY_START} to {NY_END}.",
    "cancelled": "Your reservation RABC1234 has been cancelled.",
    "rejected": "We are sorry: your reservation RABC1234 could not be confirmed.",
}
SUBJECT_TEXT = {
    "confirmed": "Reservation RABC1234: confirmed",
    "changed": "Reservation RABC1234: changed",
    "cancelled": "Reservation RABC1234: cancelled",
    "rejected": "Reservation RABC1234: could not be confirmed",
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_mailed_once_with_branch_times(kind, db, hq, clock, queue, server):
    reason = "no SUV is free at Branch 10001 then" if kind == "rejected" else ""
    envelope = booking(kind, reason=reason)
    rid = envelope.payload.reservation.id
    consume(db, queue, envelope)

    [row] = notifications(db)
    assert (row.status, row.kind, row.attempts, row.recipient) == ("queued", kind, 0, "ann@example.com")
    assert row.booking_event_id == envelope.event_id and row.reservation_id == rid
    assert row.next_attempt_at == clock.now
    assert server.received == []  # queueing never sends

    sender = NotificationSender(db, settings_for(server), clock=clock)
    assert sender.send_due() == 1

    [mail] = server.received
    assert mail.mail_from == "reservations@rentaldesk.test"
    assert mail.rcpt_tos == ["ann@example.com"]
    msg = mail.message
    assert msg["Subject"] == SUBJECT_TEXT[kind]
    assert msg["To"] == "ann@example.com"
    assert msg["From"] == "Rentaldesk <reservations@rentaldesk.test>"
    assert msg["Message-ID"] == f"<{envelope.event_id}@rentaldesk>"
    assert msg["X-Rentaldesk-Reservation"] == "RABC1234"
    assert msg.get_content_type() == "multipart/alternative"

    for part in (mail.part("plain"), mail.part("html")):
        assert "Hello Ann Smith," in part
        assert "RABC1234" in part
        assert NY_START in part and NY_END in part
        assert "Branch 10001 (10001)" in part
        assert "SUV" in part
        assert "$240.00" in part
        assert "please do not reply" in part
    text = mail.part("plain")
    assert HEADLINES[kind] in text
    if kind == "rejected":
        assert f"Reason: {reason}" in text
        assert "What you asked for:" in text
        assert reason in mail.part("html")
    else:
        assert "Reason:" not in text
    assert mail.part("html").lstrip().startswith("<!DOCTYPE html>")

    [row] = notifications(db)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 1, clock.now, "")
    [(out, sent)] = events(db)
    assert (out.topic, out.key) == (NOTIFICATIONS, rid)
    assert sent.type == "notification.sent" and sent.source == "hq"
    assert sent.payload == ev.NotificationSent(reservation_id=rid, booking_event_id=envelope.event_id, kind=kind,
                                               to="ann@example.com", subject=SUBJECT_TEXT[kind], attempts=1)

    assert sender.send_due() == 0  # sent is sent
    clock.advance(hours=1)
    assert sender.send_due() == 0 and sender.recover_interrupted() == 0
    assert len(server.received) == 1


def test_a_refused_change_says_the_reservation_stands(db, hq, clock, queue, server):
    # Head office rejects a change request with the reservation's current (confirmed) state.
    consume(db, queue, booking("rejected", status="confirmed", reason="change refused: no SUV is free then"))
    NotificationSender(db, settings_for(server), clock=clock).send_due()
    [mail] = server.received
    assert mail.message["Subject"] == "Reservation RABC1234: your request could not be carried out"
    assert mail.message["X-Rentaldesk-Reservation"] == "RABC1234"
    text = mail.part("plain")
    assert "we could not carry out your latest request for reservation RABC1234." in text
    assert "Reason: change refused: no SUV is free then" in text
    assert "Your reservation stays as it was:" in text
    assert "could not be confirmed" not in text


def test_internal_and_counter_events_are_not_mailed(db, hq, queue):
    consume(db, queue, booking("car-reassigned", status="confirmed"))
    consume(db, queue, booking("updated", status="active"))
    assert notifications(db) == []


def test_an_unknown_branch_shows_utc(db, hq, clock, queue, server):
    consume(db, queue, booking("confirmed", zip_code="99999"))
    NotificationSender(db, settings_for(server), clock=clock).send_due()
    text = server.received[0].part("plain")
    assert "Tue 5 Mar 2030, 14:00 (UTC)" in text
    assert "zip code 99999" in text


def test_a_customer_without_a_name_is_greeted_plainly(db, hq, clock, queue):
    consume(db, queue, booking("confirmed", name=""))
    consume(db, queue, booking("changed", name="ANN@example.com"))  # head office files it under the email
    for row in notifications(db):
        assert row.body_text.startswith("Hello,\n")


def test_customer_values_are_escaped_in_html_only(db, hq, clock, queue, server):
    consume(db, queue, booking("rejected", name='<b>Bob & "Co"</b>', reason="<script>x</script> & more"))
    NotificationSender(db, settings_for(server), clock=clock).send_due()
    [mail] = server.received
    page = mail.part("html")
    assert "Hello &lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;," in page
    assert "<b>Bob" not in page and '"Co"' not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in page and "<script>" not in page
    text = mail.part("plain")
    assert 'Hello <b>Bob & "Co"</b>,' in text
    assert "Reason: <script>x</script> & more" in text


# -- templates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", ["rejected", "confirmed"])
def test_every_template_renders_with_the_values_given(kind, status, db, hq):
    envelope = booking(kind, status=status, reason="because")
    with db.session() as s:
        values = mail_values(s, kind, envelope.payload.reservation)
    for suffix in ("txt", "html"):
        names = set(template(f"reservation_{kind}.{suffix}").get_identifiers())
        assert names <= set(values) | {"subject"}, f"{kind}.{suffix} has placeholders with no value"
        assert template(f"reservation_{kind}.{suffix}").is_valid()
    mail = render(kind, values)  # substitute: a missing value would raise KeyError
    assert "$" not in mail.text.replace("$240.00", "")
    assert "$" not in mail.html.replace("$240.00", "")
    assert reference_of(mail.subject) == "RABC1234"
    assert f"<title>{mail.subject}</title>" in mail.html


def test_every_subject_carries_the_reference():
    for subject in SUBJECTS.values():
        assert reference_of(subject.substitute(reference="R7K: X2", number="B10001-000001")) == "R7K: X2"
    assert reference_of("something else") == ""


# -- replays ---------------------------------------------------------------------------------------


def test_a_replayed_booking_event_is_queued_and_mailed_once(db, hq, clock, queue, server):
    envelope = booking("confirmed")
    consume(db, queue, envelope)
    clock.advance(minutes=5)
    consume(db, queue, envelope)  # the same event again (e.g. another consumer group's replay)
    with db.write() as s:  # twice in one transaction too
        queue(s, envelope, WHERE)
        queue(s, envelope, WHERE)
    assert len(notifications(db)) == 1
    sender = NotificationSender(db, settings_for(server), clock=clock)
    assert sender.send_due() == 1
    assert sender.send_due() == 0
    assert len(server.received) == 1
    assert len(events(db, "notification.sent")) == 1


class FakeKafka:
    """Just what EventConsumer.poll_once uses of a consumer (poll, seek, commit) and a producer."""

    def __init__(self, batch: list[Record]) -> None:
        self.batches = [{("rentaldesk.booking-events", 0): batch}]
        self.committed: list[dict] = []
        self.dead: list[tuple] = []

    def poll(self, timeout_ms: int = 0, max_records: int = 0) -> dict:
        return self.batches.pop(0) if self.batches else {}

    def seek(self, tp, offset) -> None:  # noqa: ANN001
        raise AssertionError("nothing here should be retried")

    def commit(self, offsets: dict, timeout_ms: int | None = None) -> None:
        self.committed.append(offsets)

    def send(self, topic: str, **kwargs: Any) -> None:
        self.dead.append((topic, kwargs))

    def flush(self, timeout: float | None = None) -> None:
        pass


def test_through_the_event_consumer_one_mail_per_event(db, hq, clock, server):
    from rentaldesk.sync.inbox import EventConsumer
    from rentaldesk.sync.topics import Topics

    confirmed, reassigned = booking("confirmed"), booking("car-reassigned", status="confirmed")
    raw = confirmed.encode()
    batch = [Record("rentaldesk.booking-events", 0, 0, b"SUV|10001", raw),
             Record("rentaldesk.booking-events", 0, 1, b"SUV|10001", reassigned.encode()),
             Record("rentaldesk.booking-events", 0, 2, b"SUV|10001", raw)]  # a replay in the same batch
    sender = NotificationSender(db, settings_for(server), clock=clock)
    queue = NotificationQueue(db, clock=clock, wake=sender.wake)
    kafka = FakeKafka(batch)
    consumer = EventConsumer(db, kafka, queue, topics=Topics(), dead_letter=kafka, name="test notifications")
    assert consumer.poll_once() == 2  # the replay is skipped by the inbox; nothing dead-lettered
    assert kafka.dead == [] and sender.wake.is_set()
    [row] = notifications(db)
    assert row.booking_event_id == confirmed.event_id
    assert sender.send_due() == 1
    assert [m.message["Message-ID"] for m in server.received] == [f"<{confirmed.event_id}@rentaldesk>"]


def test_a_rolled_back_consumer_transaction_queues_nothing(db, hq, queue):
    with pytest.raises(RuntimeError):
        with db.write() as s:
            queue(s, booking("confirmed"), WHERE)
            raise RuntimeError("the batch failed")
    assert notifications(db) == []
    assert not queue.wake.is_set()


# -- failures and retries --------------------------------------------------------------------------


def test_a_down_server_is_retried_with_backoff_then_sent_exactly_once(db, hq, clock, queue, down):
    consume(db, queue, booking("confirmed"))
    sender = NotificationSender(db, settings_for(down), clock=clock, backoff_base=1.0)

    assert sender.send_due() == 0
    [row] = notifications(db)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error  # connection refused
    assert row.next_attempt_at == clock.now + timedelta(seconds=1)

    assert sender.send_due() == 0  # not due yet: no attempt
    assert notifications(db)[0].attempts == 1

    clock.advance(seconds=1)
    assert sender.send_due() == 0
    [row] = notifications(db)
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 2, clock.now + timedelta(seconds=2))

    down.start()
    clock.advance(seconds=1)
    assert sender.send_due() == 0  # still waiting for its backoff
    clock.advance(seconds=1)
    assert sender.send_due() == 1
    [row] = notifications(db)
    assert (row.status, row.attempts, row.last_error, row.sent_at) == ("sent", 3, "", clock.now)
    clock.advance(minutes=10)
    assert sender.send_due() == 0
    assert len(down.received) == 1
    [(_, sent)] = events(db)
    assert sent.type == "notification.sent" and sent.payload.attempts == 3


def test_giving_up_after_max_attempts(db, hq, clock, queue, down):
    envelope = booking("cancelled")
    consume(db, queue, envelope)
    sender = NotificationSender(db, settings_for(down), clock=clock, max_attempts=3, backoff_base=2.0)
    waits = []
    for _ in range(3):
        sender.send_due()
        row = notifications(db)[0]
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at
    assert waits[:2] == [timedelta(seconds=2), timedelta(seconds=4)]
    [row] = notifications(db)
    assert (row.status, row.attempts) == ("failed", 3)
    [(out, failed)] = events(db)
    assert failed.type == "notification.failed" and out.key == envelope.payload.reservation.id
    assert failed.payload.attempts == 3 and failed.payload.error == row.last_error
    assert failed.payload.booking_event_id == envelope.event_id
    down.start()
    clock.advance(hours=1)
    assert sender.send_due() == 0 and down.received == []


def test_backoff_doubles_up_to_its_cap(db, down):
    sender = NotificationSender(db, settings_for(down))
    assert [sender.backoff(n).total_seconds() for n in range(1, 12)] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    small = NotificationSender(db, settings_for(down), backoff_base=0.01, backoff_cap=0.05)
    assert [small.backoff(n).total_seconds() for n in range(1, 5)] == [0.01, 0.02, 0.04, 0.05]


def test_a_permanent_refusal_fails_at_once(db, hq, clock, queue, server):
    server.recorder.refuse["nobody@example.com"] = "550 5.1.1 No such mailbox"
    envelope = booking("confirmed", email_address="nobody@example.com")
    consume(db, queue, envelope)
    consume(db, queue, booking("changed"))  # another customer's mail still goes out
    sender = NotificationSender(db, settings_for(server), clock=clock)
    assert sender.send_due() == 1

    refused, fine = notifications(db)
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error and "No such mailbox" in refused.last_error
    assert fine.status == "sent"
    assert [m.rcpt_tos for m in server.received] == [["ann@example.com"]]
    [(out, failed)] = events(db, "notification.failed")
    assert out.key == envelope.payload.reservation.id
    assert failed.payload.to == "nobody@example.com" and "550" in failed.payload.error
    assert failed.payload.kind == "confirmed" and failed.payload.attempts == 1
    clock.advance(hours=1)
    assert sender.send_due() == 0


def test_a_temporary_refusal_is_retried(db, hq, clock, queue, server):
    server.recorder.refuse["ann@example.com"] = "450 4.2.1 Mailbox busy, try later"
    consume(db, queue, booking("confirmed"))
    sender = NotificationSender(db, settings_for(server), clock=clock)
    assert sender.send_due() == 0
    [row] = notifications(db)
    assert (row.status, row.attempts) == ("queued", 1) and "450" in row.last_error
    del server.recorder.refuse["ann@example.com"]
    clock.advance(seconds=1)
    assert sender.send_due() == 1
    assert len(server.received) == 1 and events(db, "notification.failed") == []


def test_a_connection_lost_after_the_message_was_handed_over_is_not_retried(db, hq, clock, queue, server):
    server.recorder.hang_up_after_data = True
    consume(db, queue, booking("confirmed"))
    sender = NotificationSender(db, settings_for(server), clock=clock)
    assert sender.send_due() == 0
    [row] = notifications(db)
    assert row.status == "failed" and "handed to the mail server" in row.last_error
    assert len(events(db, "notification.failed")) == 1
    server.recorder.hang_up_after_data = False
    clock.advance(hours=1)
    assert sender.send_due() == 0
    assert len(server.received) == 1  # the server got it once, and only once


def test_login_when_a_username_is_set(db, hq, clock, queue, free_server_with_auth):
    srv, logins = free_server_with_auth
    consume(db, queue, booking("confirmed"))
    sender = NotificationSender(db, settings_for(srv, username="desk", password="s3cret"), clock=clock)
    assert sender.send_due() == 1
    assert logins == [("desk", "s3cret")]
    assert len(srv.received) == 1


def test_a_wrong_password_is_retried_not_failed(db, hq, clock, queue, free_server_with_auth):
    srv, _ = free_server_with_auth
    consume(db, queue, booking("confirmed"))
    sender = NotificationSender(db, settings_for(srv, username="desk", password="wrong"), clock=clock)
    assert sender.send_due() == 0
    [row] = notifications(db)
    assert (row.status, row.attempts) == ("queued", 1) and "535" in row.last_error


@pytest.fixture
def free_server_with_auth():
    logins: list[tuple[str, str]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        user, password = auth_data.login.decode(), auth_data.password.decode()
        ok = (user, password) == ("desk", "s3cret")
        if ok:
            logins.append((user, password))
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    srv = Server(free_port(), authenticator=authenticator, auth_require_tls=False)
    srv.start()
    yield srv, logins
    srv.stop()


# -- interrupted sends -----------------------------------------------------------------------------


def test_a_send_interrupted_by_a_crash_is_failed_never_sent(db, hq, clock, queue, server):
    envelope = booking("confirmed")
    consume(db, queue, envelope)
    crashed = NotificationSender(db, settings_for(server), clock=clock)
    [row] = notifications(db)
    assert crashed._claim(row.id) is not None  # claimed and committed ... then the process died

    restarted = NotificationSender(db, settings_for(server), clock=clock)
    assert restarted.recover_interrupted() == 0  # its claim has not run out: it may still be sending
    assert restarted.send_due() == 0
    clock.now += restarted.sending_lease
    assert restarted.recover_interrupted() == 1
    [row] = notifications(db)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, INTERRUPTED)
    [(out, failed)] = events(db)
    assert failed.type == "notification.failed" and failed.payload.error == INTERRUPTED
    assert failed.payload.booking_event_id == envelope.event_id
    assert out.key == envelope.payload.reservation.id

    assert restarted.recover_interrupted() == 0  # announced once
    clock.advance(hours=1)
    assert restarted.send_due() == 0
    assert server.received == []


def test_a_row_claimed_by_another_sender_is_not_sent_again(db, hq, clock, queue, server):
    consume(db, queue, booking("confirmed"))
    [row] = notifications(db)
    other = NotificationSender(db, settings_for(server), clock=clock)
    mail = other._claim(row.id)
    assert other._claim(row.id) is None  # a second claim of the same row fails
    with db.write() as s:  # the other sender is still busy; a late "due" view must not send it
        s.execute(update(Notification).values(next_attempt_at=clock.now - timedelta(hours=1)))
    assert NotificationSender(db, settings_for(server), clock=clock).send_due() == 0
    assert mail is not None and server.received == []


# -- the loop --------------------------------------------------------------------------------------


def test_run_sends_when_the_queue_commits_and_stops(db, hq, server):
    sender = NotificationSender(db, settings_for(server), poll_interval=30.0)  # only the wake-up can be quick
    queue = NotificationQueue(db, wake=sender.wake)  # as rentaldesk.hq.service wires it
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), daemon=True)
    thread.start()
    try:
        consume(db, queue, booking("confirmed"))
        assert server.recorder.arrived.wait(10)
    finally:
        stop.set()
        sender.wake.set()
        thread.join(10)
    assert not thread.is_alive()
    [row] = notifications(db)
    assert row.status == "sent" and len(server.received) == 1


def test_run_retries_a_down_server_with_a_small_backoff(db, hq, down):
    sender = NotificationSender(db, settings_for(down), backoff_base=0.02, backoff_cap=0.1, poll_interval=0.05,
                                max_attempts=1000)
    queue = NotificationQueue(wake=sender.wake)
    consume(db, queue, booking("confirmed"))
    stop = threading.Event()
    thread = threading.Thread(target=sender.run, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60  # a generous bound for a loaded machine, not a timing claim
        while notifications(db)[0].attempts < 2 and time.monotonic() < deadline:  # failed at least twice
            stop.wait(0.02)
        first = notifications(db)[0]
        assert first.attempts >= 2 and first.status in ("queued", "sending"), (first.attempts, first.status)
        down.start()
        assert down.recorder.arrived.wait(10)
    finally:
        stop.set()
        sender.wake.set()
        thread.join(10)
    assert not thread.is_alive()
    [row] = notifications(db)
    assert row.status == "sent" and row.attempts >= 3
    assert len(down.received) == 1
