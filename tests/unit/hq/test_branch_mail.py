"""A standalone branch mails its customers their agreement and receipt itself (issue 11 item 9,
rentaldesk/hq/branch_mail.py): a real SQLite file, the branch's own reservation service, a real SMTP
server (aiosmtpd). The mail is queued in the check-out's or check-in's transaction, sent once with
retries while the server is down, shown when given up and sent again by the clerk; in a network
the branch queues nothing (head office mails, tests/unit/hq/test_agreement_mail.py)."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from email.message import EmailMessage

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from rentaldesk.config import Settings, load_settings
from rentaldesk.cli.desk import make_service
from rentaldesk.errors import RentalError
from rentaldesk.hq.branch_mail import BranchMail, mail_id, unsent
from rentaldesk.hq.notifications import INTERRUPTED, QUEUED, SENT
from rentaldesk.models import Customer, Notification, OutboxEvent
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.envelope import decode

from ...conftest import day
from ...contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan
from .test_notifications import Server, free_port, settings_for


@pytest.fixture
def down():
    srv = Server(free_port())
    yield srv
    srv.stop()


def branch_mail(db, clock, srv: Server, **kwargs) -> BranchMail:
    return BranchMail(db, settings_for(srv), clock=clock, **kwargs)


def booked(db, fleet, clock, mail: BranchMail | None, *, email: str = "ann@example.com"):
    """The branch's service (mailing with ``mail``) and a SUV booked for day 1 to 4, due for pick-up."""
    fleet.cars(2, "SUV")
    use_plan(db, plan())
    svc = ReservationService(db, clock=clock, mail=mail)
    r = svc.create_reservation(email=email, name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    return svc, r


def rows(db) -> list[Notification]:
    with db.session() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    return part.get_filename() or "", part.get_content()


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_check_out_mails_the_agreement_and_check_in_the_receipt_each_once(db, fleet, clock, server):
    mail = branch_mail(db, clock, server)
    svc, r = booked(db, fleet, clock, mail)
    view = svc.check_out(check_out_value(r.id))
    [row] = rows(db)  # queued by the check-out's own transaction, before any sending
    assert (row.kind, row.status, row.recipient) == ("agreement", QUEUED, "ann@example.com")
    assert mail.send_now() == (1, 0)
    [got] = server.received
    assert got.rcpt_tos == ["ann@example.com"]
    assert got.message["Message-ID"] == f"<{mail_id(view.id, 'agreement')}@rentaldesk>"
    assert view.number in got.message["Subject"]
    name, pdf = attachment(got.message)
    assert view.number in name and view.number in pdf_text(pdf)
    assert "RENTAL AGREEMENT" in pdf_text(pdf).upper()

    clock.now = day(4, -2)
    back = svc.check_in(check_in_value(view.id, clock.now))
    assert mail.send_now() == (1, 0)
    assert mail.send_now() == (0, 0)  # nothing twice
    assert [m.message["Subject"] for m in server.received][1].endswith(f"your receipt for rental agreement {view.number}")
    name, pdf = attachment(server.received[1].message)
    text = pdf_text(pdf)
    assert view.number in text and "RECEIPT" in text.upper()
    assert back.charges is not None and f"{back.charges.total:,.2f}" in text
    assert [(n.kind, n.status, n.attachment) for n in rows(db)] == [("agreement", SENT, None), ("receipt", SENT, None)]
    with db.session() as s:  # a standalone branch relays nothing: no notification event in its outbox
        assert list(s.scalars(select(OutboxEvent))) == []


def test_a_mail_server_down_then_up_gets_the_mail_once_after_it_returns(db, fleet, clock, down):
    mail = branch_mail(db, clock, down, backoff_base=60.0)
    svc, r = booked(db, fleet, clock, mail)
    view = svc.check_out(check_out_value(r.id))
    assert mail.send_now() == (0, 0)  # refused connection: kept, retried later
    [row] = rows(db)
    assert (row.status, row.attempts) == (QUEUED, 1) and row.last_error
    assert row.next_attempt_at == clock.now + timedelta(seconds=60)
    down.start()
    assert mail.send_now() == (0, 0)  # not due yet: the backoff holds
    clock.advance(seconds=61)
    assert mail.send_now() == (1, 0)
    clock.advance(hours=1)
    assert mail.send_now() == (0, 0)
    [got] = down.received
    assert view.number in got.message["Subject"]
    assert rows(db)[0].status == SENT


def test_a_mail_given_up_is_listed_and_the_clerk_sends_it_again(db, fleet, clock, down):
    mail = branch_mail(db, clock, down, max_attempts=2, backoff_base=1.0)
    svc, r = booked(db, fleet, clock, mail)
    svc.check_out(check_out_value(r.id))
    assert mail.send_now() == (0, 0)
    clock.advance(seconds=5)
    assert mail.send_now() == (0, 1)  # the second attempt was the last
    [failed] = unsent(db)
    assert failed.kind == "agreement" and failed.attempts == 2 and failed.can_send_again and failed.error
    down.start()
    clock.advance(hours=1)
    assert mail.send_now() == (0, 0)  # given up: never sent by itself
    assert mail.send_again([failed.id]) == 1
    assert mail.send_again([failed.id]) == 0  # queued already
    assert mail.send_now() == (1, 0)
    assert len(down.received) == 1 and unsent(db) == []


def test_a_sender_killed_between_sending_and_marking_sends_no_second_copy_by_itself(db, fleet, clock, server):
    """The SMTP boundary: the mail went, the process died before marking it sent. The row stays
    ``sending``; once its claim runs out the next sender marks it failed (interrupted), never sends
    it itself. The clerk sees it and may send it again: then the customer has two copies with the
    same Message-ID (at-least-once at the SMTP boundary, by the clerk's choice)."""
    dying = branch_mail(db, clock, server)
    svc, r = booked(db, fleet, clock, dying)
    view = svc.check_out(check_out_value(r.id))
    [row] = rows(db)
    claimed = dying.sender._claim(row.id)  # what send_due does, up to the mark it never wrote
    assert claimed is not None and dying.sender._deliver(claimed).sent
    assert len(server.received) == 1

    restarted = branch_mail(db, clock, server)
    assert restarted.send_now() == (0, 0)  # its claim has not run out yet: maybe still sending
    clock.advance(seconds=restarted.sender.sending_lease.total_seconds() + 1)
    assert restarted.send_now() == (0, 1)
    [failed] = unsent(db)
    assert failed.error == INTERRUPTED and len(server.received) == 1

    assert restarted.send_again([failed.id]) == 1
    assert restarted.send_now() == (1, 0)
    first, second = server.received
    assert first.message["Message-ID"] == second.message["Message-ID"] == f"<{mail_id(view.id, 'agreement')}@rentaldesk>"


def test_a_customer_without_an_email_is_skipped_with_a_note_for_the_clerk(db, fleet, clock, server):
    mail = branch_mail(db, clock, server)
    svc, r = booked(db, fleet, clock, mail)
    with db.write() as s:
        s.execute(update(Customer).where(Customer.id == r.customer_id).values(email=""))
    view = svc.check_out(check_out_value(r.id))
    assert rows(db) == []
    assert BranchMail.note(view, "agreement") == (
        f"Agreement {view.number}: the rental agreement was not mailed: Ann Lee has no email address. "
        "Print it or save its PDF for them.")
    assert mail.send_now() == (0, 0) and server.received == []


def test_a_refused_check_out_queues_no_mail(db, fleet, clock, server):
    mail = branch_mail(db, clock, server)
    svc, r = booked(db, fleet, clock, mail)
    with pytest.raises(RentalError):
        svc.check_out(check_out_value(r.id, odometer=10))  # below the car's recorded 1000
    assert rows(db) == []


# -- which mode mails -------------------------------------------------------------------------------


def settings(tmp_path, **environ: str) -> Settings:
    return load_settings(str(tmp_path / "branch.sqlite"), environ, config=os.devnull)


def test_only_a_standalone_branch_with_smtp_settings_mails_and_a_network_branch_queues_nothing(
        db, fleet, clock, tmp_path, server):
    smtp = {"RENTALDESK_SMTP_HOST": "127.0.0.1", "RENTALDESK_SMTP_PORT": str(server.port)}
    assert make_service(db, settings(tmp_path)).mail is None  # no mail server given
    standalone = make_service(db, settings(tmp_path, **smtp))
    assert isinstance(standalone.mail, BranchMail) and standalone.link is None
    network = make_service(db, settings(tmp_path, RENTALDESK_KAFKA="localhost:9092", RENTALDESK_BRANCH="BOS-DT",
                                        **smtp))
    assert network.mail is None and network.link is not None
    with pytest.raises(ValueError, match="head office"):
        ReservationService(db, link=network.link, mail=standalone.mail)

    network.clock = clock
    _svc, r = booked(db, fleet, clock, None)  # booked standalone (confirmed), checked out as a network branch
    view = network.check_out(check_out_value(r.id))
    assert rows(db) == []  # head office mails it, when it keeps the agreement.recorded below
    with db.session() as s:
        types = [decode(e.value).type for e in s.scalars(select(OutboxEvent))]
    assert "agreement.recorded" in types
    assert view.number


def test_the_desk_s_sender_thread_sends_a_mail_queued_while_it_runs(db, fleet, clock, server):
    mail = branch_mail(db, clock, server)
    svc, r = booked(db, fleet, clock, mail)
    mail.start()  # as `rentaldesk` does for the desk app
    try:
        view = svc.check_out(check_out_value(r.id))
        assert server.recorder.arrived.wait(30)  # woken by the check-out's commit
    finally:
        mail.close()
    [got] = server.received
    assert view.number in got.message["Subject"] and rows(db)[0].status == SENT


def test_on_a_database_with_staff_the_mail_commands_need_someone_signed_in(db, clock, down):
    """`rentaldesk mail list/send/retry` name customers and send mail: like every other command,
    refused to nobody signed in once the database has staff, and a clerk may."""
    from rentaldesk import staff
    from rentaldesk.actor import Actor, acting_as
    from rentaldesk.errors import PermissionDenied

    staff.add_staff(db, username="ada", name="Ada Admin", role="admin", password="ada-pass-1")
    mail = branch_mail(db, clock, down)
    for call in (lambda: unsent(db), mail.send_now, lambda: mail.send_again([1])):
        with pytest.raises(PermissionDenied, match="Sign in first"):
            call()
    with acting_as(Actor("cleo", "clerk", "10001", "t")):
        assert unsent(db) == [] and mail.send_now() == (0, 0) and mail.send_again([1]) == 0
