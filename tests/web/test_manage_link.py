"""The confirmation mail of a web booking (through a real SMTP server), its signed manage link, and the
confirmation's download: the link opens the booking, and is refused tampered with, for another site's
key, after a cancellation and after the rental; the PDF is the booking's."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from starlette.testclient import TestClient

from rentaldesk.models import Notification
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.web.app import create_app
from rentaldesk.web.mail import confirmation_mail
from rentaldesk.web.storefront import Storefront
from rentaldesk.manage_links import SPENT, TAMPERED, ManageLinks
from tests.unit.hq.test_notifications import settings_for

from .conftest import CUSTOMER, PERIOD, Site, csrf_of, text_of

PUBLIC = "https://book.example.test"


@pytest.fixture
def mail_site(service, server):
    app = create_app(Storefront(service), secret_key="test-secret", smtp=settings_for(server), public_url=PUBLIC)
    with TestClient(app, base_url="http://testserver") as client:
        yield Site(client, service)


def the_mail(server, count: int = 1):
    """The ``count``-th mail the server got (waiting for the site's sender thread, at most 20 s)."""
    for _ in range(200):
        if len(server.received) >= count:
            return server.received[count - 1]
        server.recorder.arrived.wait(0.1)
        server.recorder.arrived.clear()
    raise AssertionError(f"no mail number {count} arrived")


def link_in(text: str) -> str:
    found = re.search(rf"{re.escape(PUBLIC)}(/manage/link/[A-Za-z0-9_.-]+)", text)
    assert found, text
    return found.group(1)


def reference_of(page: str) -> str:
    found = re.search(r'id="reference">([A-Z0-9]+)<', page)
    assert found
    return found.group(1)


def test_a_web_booking_is_mailed_with_its_manage_link(mail_site, service, server):
    booked = mail_site.book(follow_redirects=True)
    assert booked.status_code == 200
    reference = reference_of(booked.text)
    mail = the_mail(server)
    assert mail.rcpt_tos == [CUSTOMER["email"]]
    assert mail.message["Subject"] == f"Reservation {reference}: confirmed"
    text = mail.part("plain")
    assert "Tue 12 Mar 2030, 10:00 (America/New_York)" in text and "Boston Downtown (02108)" in text
    path = link_in(text)
    assert f'href="{PUBLIC}{path}"' in mail.part("html")
    # no customer data in the link: only the token, whose payload is the reservation's random id
    assert CUSTOMER["email"].split("@")[0] not in path and reference not in path
    for _ in range(200):  # the sender writes "sent" just after the server took the mail
        with service.db.session() as s:
            row = s.scalar(select(ReservationRow))
            sent = s.scalar(select(Notification))
        assert row is not None and row.channel == "web"
        assert sent is not None and sent.reservation_id == row.id and sent.kind == "confirmed"
        if sent.status == "sent":
            break
        server.recorder.arrived.wait(0.1)
    assert sent.status == "sent" and sent.attempts == 1
    # a standalone site has no notifications topic: the row is the record, nothing waits in an outbox
    from rentaldesk.models import OutboxEvent
    from rentaldesk.sync.topics import NOTIFICATIONS

    with service.db.session() as s:
        assert s.scalars(select(OutboxEvent).where(OutboxEvent.topic == NOTIFICATIONS)).all() == []


def test_the_link_opens_the_booking_in_a_new_browser_then_change_and_cancel(mail_site, service, server):
    reference = reference_of(mail_site.book(follow_redirects=True).text)
    path = link_in(the_mail(server).part("plain"))
    with TestClient(mail_site.client.app, base_url="http://testserver") as other:  # the customer's phone
        opened = other.get(path, follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/manage"
        page = other.get("/manage")
        assert page.status_code == 200 and f"Booking {reference}" in page.text
        token = csrf_of(page.text)
        shorter = {"csrf_token": token, **PERIOD, "end_date": "2030-03-14"}
        asked = other.post("/manage/change", data=shorter)
        assert "The new dates change the price" in text_of(asked.text)
        price = re.search(r'name="accept_price" value="([^"]+)"', asked.text)
        assert price
        changed = other.post("/manage/change", data={**shorter, "accept_price": price.group(1)})
        assert "Your booking is changed" in text_of(changed.text)
        assert other.get(path, follow_redirects=False).status_code == 303  # a change keeps the link working
        cancelled = other.post("/manage/cancel", data={"csrf_token": token})
        assert f"Booking {reference} is cancelled" in text_of(cancelled.text)
        refused = other.get(path)
        assert refused.status_code == 410 and SPENT in text_of(refused.text)
        assert "Find my booking" in other.get("/manage").text  # the session forgot it: a look-up again
    # the booker's own browser too: the link is refused there as well
    assert mail_site.client.get(path).status_code == 410


@pytest.mark.parametrize("tamper", [
    # the signature: a character inside it (the last one's low bits are base64 padding: changing
    # only those leaves the same bytes, so it is not the one changed)
    lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],
    lambda t: "x" + t,                                  # the payload
    lambda t: t[: len(t) // 2],                         # cut short by a mail program
    lambda t: t * 10,                                   # far too long
])
def test_a_tampered_link_is_refused(mail_site, server, tamper):
    mail_site.book()
    path = link_in(the_mail(server).part("plain"))
    token = path.rsplit("/", 1)[1]
    page = mail_site.client.get(f"/manage/link/{tamper(token)}")
    assert page.status_code == 400 and TAMPERED in text_of(page.text)
    assert "Find my booking" in mail_site.client.get("/manage").text  # nothing opened: the session forgot it


def test_a_link_signed_with_another_key_or_naming_no_booking_is_refused(mail_site, service):
    mail_site.book()
    with service.db.session() as s:
        row = s.scalar(select(ReservationRow))
        assert row is not None
        real = service.get_reservation(row.id)
    forged = ManageLinks("another-site's-key").token(real.id)
    assert mail_site.client.get(f"/manage/link/{forged}").status_code == 400
    ghost = ManageLinks("test-secret")._serializer().dumps("00000000-0000-0000-0000-000000000000")
    assert mail_site.client.get(f"/manage/link/{ghost}").status_code == 400
    assert mail_site.client.get(f"/manage/link/{ManageLinks('test-secret').token(real.id)}", follow_redirects=False).status_code == 303


def test_the_link_expires_when_the_rental_ends(mail_site, service, server, clock):
    mail_site.book()
    path = link_in(the_mail(server).part("plain"))
    with service.db.session() as s:
        end = s.scalar(select(ReservationRow.end_at))
    assert end is not None
    clock.now = end - timedelta(minutes=1)
    assert mail_site.client.get(path, follow_redirects=False).status_code == 303
    clock.now = end
    page = mail_site.client.get(path)
    assert page.status_code == 410 and SPENT in text_of(page.text)


def test_link_guessing_is_rate_limited_with_the_look_ups(service):
    from rentaldesk.web.app import Limits

    app = create_app(Storefront(service), secret_key="k", limits=Limits(lookups=3))
    with TestClient(app) as client:
        answers = [client.get(f"/manage/link/guess{n}").status_code for n in range(4)]
    assert answers == [400, 400, 400, 429]


def test_download_the_confirmation_as_a_pdf(site):
    reference = reference_of(site.book(follow_redirects=True).text)
    manage = site.client.get("/manage")
    assert 'href="/manage/confirmation.pdf"' in manage.text
    pdf = site.client.get("/manage/confirmation.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="booking-{reference}.pdf"'
    words = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    for said in (f"Booking {reference}", "Ann Lee", "Boston Downtown (02108)", "Tue 12 Mar 2030 10:00 EDT",
                 "Fri 15 Mar 2030 10:00 EDT", "Confirmed"):
        assert said in words, said


def test_the_download_needs_a_booking_in_the_session(site):
    page = site.client.get("/manage/confirmation.pdf", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/manage"


def test_without_mail_settings_no_mail_is_queued(site, service):
    site.book()
    with service.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_mail_escapes_the_link_and_the_name_in_its_html(site, service):
    site.book(name="Ann <b>Lee</b>")
    with service.db.session() as s:
        row = s.scalar(select(ReservationRow))
        assert row is not None
        booking = Storefront(service).get(row.id)
    mail = confirmation_mail(booking, f'{PUBLIC}/manage/link/a"b')
    assert "<b>Lee</b>" not in mail.html and "&lt;b&gt;Lee&lt;/b&gt;" in mail.html
    assert 'href="https://book.example.test/manage/link/a&quot;b"' in mail.html


def test_two_identical_submits_at_once_make_one_booking(site, service):
    """The double click: both posts race through the site; the one writer thread and the engine's
    duplicate rule (checked in the booking's own transaction) let exactly one through."""
    token = site.token()
    form = {"csrf_token": token, "zip_code": "02108", **PERIOD, "vehicle_class": "SUV", **CUSTOMER}
    go = threading.Barrier(2)
    answers: list[int] = []

    def submit() -> None:
        go.wait()
        answers.append(site.client.post("/book", data=form, follow_redirects=False).status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [303, 422]
    with service.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReservationRow)) == 1
