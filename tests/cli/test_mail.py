"""``rentaldesk mail`` and the command line's check-out and check-in on a standalone branch with
SMTP settings (RENTALDESK_SMTP_*): the real program in a subprocess, a real SQLite file and a real
SMTP server (aiosmtpd). The mail is queued by the check-out, sent once by ``mail send`` (a cron
job's round), kept while the server is down and sent once after it returns."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from rentaldesk.models import Customer

from ..contract_helpers import may_rent, signature_png
from ..unit.hq.test_notifications import Server, free_port
from .test_cli import Desk, assert_refused, branch, clean_env, desk, fleet_csv, from_now  # noqa: F401 (fixtures)
from .test_contracts import check_out_args

pytestmark = pytest.mark.slow  # real processes


@pytest.fixture
def shop(request: pytest.FixtureRequest) -> Desk:
    """The branch of tests/cli/test_cli.py (New York, 10001, two ECONOMY cars)."""
    found: Desk = request.getfixturevalue("branch")
    return found


@pytest.fixture
def smtp():
    srv = Server(free_port())
    srv.start()
    yield srv
    srv.stop()


def booked(shop: Desk, tmp_path: Path, email: str = "ada@example.com") -> tuple[str, str, Path]:
    start = from_now(hours=3)
    r = shop.book(email, start, start + timedelta(days=2))
    db = shop.open()
    try:
        may_rent(db, r.customer_id)
    finally:
        db.close()
    pad = tmp_path / "signature.png"
    pad.write_bytes(signature_png())
    return r.reference, r.customer_id, pad


def pdf_text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_mail_send_sends_the_agreement_and_the_receipt_once_each_and_waits_out_a_server_down(shop, tmp_path, smtp):
    env = {"RENTALDESK_SMTP_HOST": "127.0.0.1", "RENTALDESK_SMTP_PORT": str(smtp.port)}
    reference, _customer, pad = booked(shop, tmp_path)
    out = shop.run("--json", *check_out_args(reference, pad, "--pdf", str(tmp_path / "a.pdf")), env=env)
    assert out.code == 0, out.err
    number = out.json()["number"]
    assert smtp.received == []  # queued, not sent, by the check-out
    sent = shop.run("mail", "send", env=env)
    assert (sent.code, sent.out.strip()) == (0, "1 mail sent"), sent.err
    [got] = smtp.received
    [part] = list(got.message.iter_attachments())
    assert number in pdf_text(part.get_content()) and number in got.message["Subject"]
    assert shop.run("mail", "send", env=env).out.strip() == "0 mails sent"

    smtp.stop()  # the server is down at check-in
    back = shop.run("agreements", "check-in", number, "--odometer", "240", "--fuel", "8", "--pdf",
                      str(tmp_path / "r.pdf"), env=env)
    assert back.code == 0, back.err
    assert shop.run("mail", "send", env=env).out.strip() == "0 mails sent"
    smtp.start()
    outcomes = []
    for _ in range(40):  # its retry is due a second after the failed attempt
        outcomes.append(shop.run("mail", "send", env=env).out.strip())
        if outcomes[-1] != "0 mails sent":
            break
        time.sleep(0.25)
    assert outcomes[-1] == "1 mail sent"
    assert shop.run("mail", "send", env=env).out.strip() == "0 mails sent"
    assert [m.message["Subject"].rpartition(": ")[2] for m in smtp.received] == [
        f"your rental agreement {number}", f"your receipt for rental agreement {number}"]
    assert shop.run("mail", "list", env=env).out.strip() == "Every mail was sent."
    assert_refused(shop.run("mail", "retry", "99", env=env), "no mail not sent has the id 99")


def test_a_customer_without_an_email_is_noted_and_no_mail_is_queued(shop, tmp_path, smtp):
    env = {"RENTALDESK_SMTP_HOST": "127.0.0.1", "RENTALDESK_SMTP_PORT": str(smtp.port)}
    reference, customer_id, pad = booked(shop, tmp_path)
    db = shop.open()
    try:
        with db.write() as s:
            s.execute(update(Customer).where(Customer.id == customer_id).values(email=""))
    finally:
        db.close()
    out = shop.run(*check_out_args(reference, pad, "--pdf", str(tmp_path / "a.pdf")), env=env)
    assert out.code == 0, out.err
    assert "the rental agreement was not mailed" in out.err and "has no email address" in out.err
    assert shop.run("mail", "send", env=env).out.strip() == "0 mails sent" and smtp.received == []


def test_mail_send_is_refused_without_a_mail_server_and_in_a_network(shop):
    assert_refused(shop.run("mail", "send"), "no mail server is configured")
    assert_refused(shop.run("mail", "send", env={"RENTALDESK_SMTP_HOST": "127.0.0.1", "RENTALDESK_KAFKA": "127.0.0.1:9",
                                                   "RENTALDESK_BRANCH": "Z10001"}),
                   "head office mails the customers")
