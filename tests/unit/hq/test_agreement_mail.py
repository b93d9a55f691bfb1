"""The customer's agreement and receipt by mail (issue 11 item 9), through head office's notification
service: a branch and head office on their own SQLite files (tests/unit/sync/test_reservation_lifecycle.py's
Net), the branch's events handed to head office's real inbox consumer, the mail sent to a real SMTP
server (aiosmtpd) and read back: the attachment is the PDF the counter makes, its text holds the
agreement number and the totals; one mail per stage, however often the event comes."""

from __future__ import annotations

import io
import uuid
from decimal import Decimal
from email.message import EmailMessage

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rentaldesk import documents
from rentaldesk.agreement_service import AgreementService
from rentaldesk.contracts import AgreementView
from rentaldesk.hq.notifications import FAILED, SENT, NotificationQueue, NotificationSender
from rentaldesk.models import HqAgreement, Notification
from rentaldesk.reservations import ReservationService
from rentaldesk.sync import envelope as env
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.events import AgreementRecorded, replace
from rentaldesk.sync.topics import BOOKING_REQUESTS, NOTIFICATIONS

from ...conftest import day
from ...contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan
from ..sync.test_reservation_lifecycle import Net
from .test_notifications import Server, events, settings_for

D = Decimal


@pytest.fixture
def net(tmp_path):
    n = Net(tmp_path, cars=1)
    yield n
    n.close()


@pytest.fixture
def queue(net) -> NotificationQueue:
    """Head office's queue, handed to its authority as ``rentaldesk hq`` does."""
    q = NotificationQueue(net.hq.db, clock=net.clock)
    net.hq.consumer.handler.agreement_mail = q.agreement_recorded
    return q


def sender(net: Net, srv: Server) -> NotificationSender:
    return NotificationSender(net.hq.db, settings_for(srv), clock=net.clock)


def agreement_events(values: list[bytes]) -> list[bytes]:
    return [v for v in values if env.decode(v).type == AgreementRecorded.TYPE]


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    return part.get_filename() or "", part.get_content()


def checked_out(net: Net, *, email: str = "ann@example.com") -> tuple[ReservationService, AgreementView]:
    bos = net.branch("BOS")
    r = bos.create_reservation(email=email, name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    net.settle()
    may_rent(net.branches["BOS"].db, r.customer_id)
    use_plan(net.branches["BOS"].db, plan())
    net.clock.now = day(1, -1)
    return bos, bos.check_out(check_out_value(r.id, odometer=1000))


def notifications(net: Net) -> list[Notification]:
    with net.hq.db.session() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def test_the_agreement_at_check_out_and_the_receipt_at_check_in_each_once(net, queue, server):
    bos, out = checked_out(net)
    sent_out = agreement_events(net.send("BOS"))
    [out_event] = [env.decode(v) for v in sent_out]
    # delivered twice (a replay), then once more under a new event id (a stale copy)
    net.hq.receive(sent_out, BOOKING_REQUESTS)
    net.hq.receive(sent_out, BOOKING_REQUESTS)
    copy = Envelope(payload=out_event.payload, source="BOS", occurred_at=out_event.occurred_at,
                    event_id=str(uuid.uuid4())).encode()
    net.hq.receive([copy], BOOKING_REQUESTS)
    [note] = notifications(net)
    assert (note.kind, note.recipient, note.booking_event_id) == ("agreement", "ann@example.com", out_event.event_id)

    mailer = sender(net, server)
    assert mailer.send_due() == 1
    assert mailer.send_due() == 0
    [got] = server.received
    msg = got.message
    assert got.rcpt_tos == ["ann@example.com"]
    assert msg["Message-ID"] == f"<{out_event.event_id}@rentaldesk>"
    assert msg["Subject"] == f"Reservation {out.reservation_reference}: your rental agreement {out.number}"
    assert msg["X-Rentaldesk-Reservation"] == out.reservation_reference
    assert f"Your rental agreement {out.number} is attached" in got.part("plain")
    assert "Hello Ann Lee," in got.part("plain") and "SUV" in got.part("plain")  # the class as named
    assert f"<strong>{out.number}</strong>" in got.part("html")
    assert "$" not in got.part("plain") + got.part("html")  # every placeholder filled
    name, pdf = attachment(msg)
    # the very document the counter prints, rendered at head office from the snapshot
    assert (name, pdf) == (documents.agreement_file_name(out), documents.agreement_pdf(out))
    words = text_of(pdf)
    assert f"Rental agreement {out.number}" in words
    assert f"Price quoted {out.quoted:,.2f} USD" in words
    with net.hq.db.session() as s:
        kept = s.get_one(Notification, note.id)
        assert (kept.status, kept.attachment, kept.attachment_name) == (SENT, None, name)  # the bytes dropped

    net.clock.now = day(4, 3)  # three hours late
    back = bos.check_in(check_in_value(out.id, day(4, 3), odometer=1400))
    ledger = AgreementService(bos)
    first = ledger.take_payment(out.id, "cash", D("50.00"), "")
    ledger.take_payment(out.id, "card", first.balance, "slip-2")
    assert ledger.release_deposit(out.id).status == "closed"
    sent = agreement_events(net.send("BOS"))
    assert [env.decode(v).payload.stage for v in sent] == ["checked-in", "payment", "payment", "closed"]
    net.hq.receive(sent, BOOKING_REQUESTS)
    net.hq.receive(sent + sent_out, BOOKING_REQUESTS)  # everything again
    assert [n.kind for n in notifications(net)] == ["agreement", "receipt"]  # payments, the close: no mail
    assert mailer.send_due() == 1
    assert len(server.received) == 2
    receipt = server.received[1].message
    assert receipt["Message-ID"] == f"<{env.decode(sent[0]).event_id}@rentaldesk>"
    assert receipt["Subject"] == (f"Reservation {out.reservation_reference}: your receipt for rental agreement "
                                  f"{out.number}")
    assert back.charges is not None
    total = f"{back.charges.total:,.2f} USD"
    plain = server.received[1].part("plain")
    assert f"Total charges:  {total}" in plain and "Distance:       400 mi" in plain
    assert f"{back.balance:,.2f} USD is still to pay" in plain  # the receipt is of the check-in
    name, pdf = attachment(receipt)
    assert (name, pdf) == (documents.receipt_file_name(back), documents.receipt_pdf(back))
    words = text_of(pdf)
    assert f"Receipt for rental agreement {out.number}" in words
    assert f"Total {total}" in words
    for line in back.charges.lines:  # every charge line fixed at check-in, with its amount
        assert f"{line.label} {line.amount:,.2f} USD" in words, line
    assert f"Balance {back.balance:,.2f} USD" in words

    # what went out is said on the notifications topic, once each
    outcomes = [e.payload for _, e in events(net.hq.db, "notification.sent")]
    assert [(o.kind, o.booking_event_id) for o in outcomes] == [
        ("agreement", out_event.event_id), ("receipt", env.decode(sent[0]).event_id)]


def test_a_customer_without_an_address_gets_nothing_and_nothing_fails(net, queue):
    bos, out = checked_out(net)
    [value] = agreement_events(net.send("BOS"))
    event = env.decode(value)
    blank = replace(event.payload, agreement=replace(event.payload.agreement, customer_email=""))
    net.hq.receive([Envelope(payload=blank, source="BOS", occurred_at=event.occurred_at).encode()], BOOKING_REQUESTS)
    assert notifications(net) == []
    with net.hq.db.session() as s:
        assert s.get_one(HqAgreement, out.id).stage == "checked-out"  # the ledger recorded it all the same


def test_an_address_the_mail_server_refuses_is_a_failure_recorded(net, queue, server):
    bos, out = checked_out(net, email="nobody@nowhere.example")
    server.recorder.refuse["nobody@nowhere.example"] = "550 5.1.1 no such mailbox"
    net.hq.receive(agreement_events(net.send("BOS")), BOOKING_REQUESTS)
    assert sender(net, server).send_due() == 0
    [note] = notifications(net)
    assert note.status == FAILED
    assert note.last_error == "recipient refused: nobody@nowhere.example: 550 5.1.1 no such mailbox"
    [(_, failed)] = events(net.hq.db, "notification.failed")
    assert (failed.payload.kind, failed.payload.to) == ("agreement", "nobody@nowhere.example")
    assert server.received == []


def test_a_snapshot_no_pdf_can_be_made_of_is_a_failure_said_and_the_ledger_still_kept(net, queue, server):
    bos, out = checked_out(net)
    [value] = agreement_events(net.send("BOS"))
    event = env.decode(value)
    broken = replace(event.payload, agreement=replace(event.payload.agreement, time_zone="Mars/Olympus_Mons"))
    net.hq.receive([Envelope(payload=broken, source="BOS", occurred_at=event.occurred_at).encode()],
                   BOOKING_REQUESTS)
    [note] = notifications(net)
    assert note.status == FAILED and note.last_error.startswith("the agreement PDF could not be made: ")
    assert "Mars/Olympus_Mons" in note.last_error
    [(row, failed)] = events(net.hq.db, "notification.failed")
    assert row.topic == NOTIFICATIONS and failed.payload.error == note.last_error
    with net.hq.db.session() as s:
        assert s.get_one(HqAgreement, out.id).stage == "checked-out"
    assert sender(net, server).send_due() == 0 and server.received == []


def test_without_notifications_head_office_queues_no_agreement_mail(net):
    checked_out(net)
    net.hq.receive(agreement_events(net.send("BOS")), BOOKING_REQUESTS)
    assert notifications(net) == []
