"""In a network head office mails the confirmation of a web booking (the site's own mailer is off):
that mail carries the same manage link as the standalone site's, made from the settings' shared
``[web]`` section (public_url, secret), and the link opens the booking's manage page on the web site.

Real parts: head office's notification queue and sender on its own SQLite file, a real SMTP server
(aiosmtpd), the web site's ASGI app on the web's SQLite file; the booking event is the bytes the
consumer hands over (encoded, decoded)."""

from __future__ import annotations

import logging
import re
import uuid

import msgspec
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from rentaldesk.config import WebSettings, load_settings
from rentaldesk.db import open_database
from rentaldesk.fleet import load_sample_data
from rentaldesk.hq.notifications import NotificationQueue, NotificationSender, head_office_links
from rentaldesk.manage_links import TAMPERED, ManageLinks, mailed_links
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.inbox import Delivery
from rentaldesk.sync.state import reservation_state
from rentaldesk.web.app import create_app
from rentaldesk.web.network import WEB_SOURCE
from rentaldesk.web.storefront import Storefront
from tests.unit.hq.test_notifications import settings_for

from .conftest import Site, text_of

SECRET = "a shared secret of the web and head office"
PUBLIC = "http://book.example.test"
WHERE = Delivery("rentaldesk.booking-events", 0, 0, None)


@pytest.fixture
def settings(tmp_path):
    """The settings both processes read: the one [web] section (here through the environment)."""
    return load_settings(db=str(tmp_path / "any.sqlite"), environ={"RENTALDESK_WEB_PUBLIC_URL": PUBLIC,
                                                                   "RENTALDESK_WEB_SECRET": SECRET})


@pytest.fixture
def hq_db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'hq.sqlite'}")
    load_sample_data(database)
    yield database
    database.close()


@pytest.fixture
def web(service, settings):
    """The web site as `rentaldesk web` makes it: signed with the settings' web.secret."""
    app = create_app(Storefront(service), secret_key=settings.web.secret)
    with TestClient(app, base_url="http://testserver") as client:
        yield Site(client, service)


def booked(web: Site) -> ReservationRow:
    assert web.book().status_code == 303
    with web.service.db.session() as s:
        row = s.scalar(select(ReservationRow))
        assert row is not None
        s.expunge(row)
        return row


def decision(web: Site, row: ReservationRow, kind: str = "confirmed", source: str = WEB_SOURCE) -> Envelope:
    """Head office's decision of ``row`` as the booking-events topic carries it."""
    with web.service.db.session() as s:
        state = reservation_state(s, s.get_one(ReservationRow, row.id))
    state = msgspec.structs.replace(state, source=source, status="confirmed")
    payload = ev.DECISIONS[f"reservation.{kind}"](reservation=state, request_event_id=str(uuid.uuid4()))
    return decode(Envelope(payload=payload, source="hq").encode())


def mailed(hq_db, clock, server, queue: NotificationQueue, envelope: Envelope) -> str:
    """The plain text of the mail head office sends for ``envelope`` (through the real server)."""
    with hq_db.write() as s:
        queue(s, envelope, WHERE)
    before = len(server.received)
    assert NotificationSender(hq_db, settings_for(server), clock=clock).send_due() == 1
    assert len(server.received) == before + 1
    return server.received[-1].part("plain")


def test_head_offices_confirmation_of_a_web_booking_carries_the_link_that_opens_it(web, hq_db, clock, server,
                                                                                   settings):
    row = booked(web)
    queue = NotificationQueue(hq_db, clock=clock, manage_links=head_office_links(settings.web))
    text = mailed(hq_db, clock, server, queue, decision(web, row))
    found = re.search(re.escape(PUBLIC) + r"(/manage/link/\S+)", text)
    assert found, text
    html_part = server.received[-1].part("html")
    assert f'href="{PUBLIC}{found.group(1)}"' in html_part and "Manage your booking" in html_part
    # the same link the standalone site's own mail carries: one maker of links and tokens
    assert PUBLIC + found.group(1) == mailed_links(settings.web).url(row.id)

    customer = TestClient(web.client.app, base_url="http://testserver")  # another browser, nothing held
    opened = customer.get(found.group(1), follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/manage"
    page = customer.get("/manage")
    assert page.status_code == 200 and f"Booking {row.reference}" in text_of(page.text)
    assert 'action="/manage/cancel"' in page.text


def test_only_a_web_bookings_confirmation_carries_it(web, hq_db, clock, server, settings):
    row = booked(web)
    queue = NotificationQueue(hq_db, clock=clock, manage_links=head_office_links(settings.web))
    counter = mailed(hq_db, clock, server, queue, decision(web, row, source="BOS-DT"))
    assert "Good news" in counter and "/manage/link/" not in counter
    changed = mailed(hq_db, clock, server, queue, decision(web, row, kind="changed"))
    assert "/manage/link/" not in changed


def test_without_the_shared_settings_head_office_mails_no_link_and_says_why(web, hq_db, clock, server, tmp_path,
                                                                            caplog):
    row = booked(web)
    half = load_settings(db=str(tmp_path / "any.sqlite"), environ={"RENTALDESK_WEB_PUBLIC_URL": PUBLIC})
    with caplog.at_level(logging.WARNING, logger="rentaldesk.hq.notifications"):
        links = head_office_links(half.web)
    assert links is None and "web.secret (RENTALDESK_WEB_SECRET) is not set" in caplog.text
    assert head_office_links(load_settings(db=str(tmp_path / "any.sqlite"), environ={}).web) is None
    text = mailed(hq_db, clock, server, NotificationQueue(hq_db, clock=clock, manage_links=links), decision(web, row))
    assert "Good news" in text and "/manage/link/" not in text


def test_a_link_signed_with_another_secret_does_not_open(web, hq_db, clock, server, settings):
    row = booked(web)
    elsewhere = WebSettings(public_url=PUBLIC, secret="not the web site's secret at all")  # head office's differs
    queue = NotificationQueue(hq_db, clock=clock, manage_links=mailed_links(elsewhere))
    found = re.search(re.escape(PUBLIC) + r"(/manage/link/\S+)", mailed(hq_db, clock, server, queue, decision(web, row)))
    assert found
    refused = web.client.get(found.group(1))
    assert refused.status_code == 400 and TAMPERED in text_of(refused.text)
    assert found.group(1).endswith(ManageLinks(elsewhere.secret or "").token(row.id))


def test_the_web_secret_setting_is_checked_and_never_echoed(tmp_path):
    from rentaldesk.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        load_settings(db=str(tmp_path / "any.sqlite"), environ={"RENTALDESK_WEB_SECRET": "short"})
    assert "RENTALDESK_WEB_SECRET is too short" in caught.value.message and "'short'" not in caught.value.message
    config = tmp_path / "rentaldesk.toml"
    config.write_text(f'[web]\npublic_url = "{PUBLIC}"\nsecret = "{SECRET}"\n', encoding="utf-8")
    config.chmod(0o600)
    web = load_settings(db=str(tmp_path / "any.sqlite"), environ={}, config=config).web
    assert (web.public_url, web.secret) == (PUBLIC, SECRET) and SECRET not in repr(web)


def test_the_readmes_web_settings_example_loads(tmp_path):
    """The README's [web] example (the section head office shares) is a settings file as written."""
    import tomllib
    from pathlib import Path

    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Configuration.*?```toml\n(.*?)```", text, re.S)
    assert block and "web" in tomllib.loads(block.group(1))
    web_part = block.group(1)[block.group(1).index("[web]"):]
    config = tmp_path / "rentaldesk.toml"
    config.write_text(web_part, encoding="utf-8")
    config.chmod(0o600)
    web = load_settings(db=str(tmp_path / "any.sqlite"), environ={}, config=config).web
    assert web.public_url == "https://book.example.com" and web.secret and web.https_only
    assert mailed_links(web) is not None


def test_the_signing_secret_is_in_no_repr():
    from rentaldesk.manage_links import MailedLinks, ManageLinks

    links = MailedLinks(ManageLinks("a-secret-of-the-site-0123"), "https://book.example.com")
    assert "a-secret-of-the-site-0123" not in repr(links) and "a-secret" not in str(links.links)
