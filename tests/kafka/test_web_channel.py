"""The web site as a channel of the network (issue 12, item 1), against the real broker: head office,
one counter (branch BOS-DT) and the web process (its replica database, its outbox, its sync loop
run by the app's lifespan), the site driven through Starlette's TestClient (the real ASGI app)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import select
from starlette.testclient import TestClient

from rentaldesk.db import Database, open_database
from rentaldesk.models import Car, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.outbox import unsent_count
from rentaldesk.sync.topics import Topics
from rentaldesk.web.app import create_app
from rentaldesk.web.network import WEB_SOURCE, WebChannel
from rentaldesk.web.storefront import Storefront
from tests.web.conftest import csrf_of, error_next_to, text_of

from .network import Network, count, statuses, wait_for

BOSTON = ZoneInfo("America/New_York")
#: Three days ahead, 10:00 at the Boston branch, for two days.
_DAY = (datetime.now(BOSTON) + timedelta(days=3)).date()
START = datetime(_DAY.year, _DAY.month, _DAY.day, 10, tzinfo=BOSTON).astimezone(timezone.utc)
END = START + timedelta(days=2)
RENTER = {"name": "Web Customer", "phone": "+1 617 555 0100", "date_of_birth": "1980-05-17",
          "licence_number": "S123-4567-8901", "licence_expiry": "2040-01-31", "terms": "yes"}


def local_fields(start: datetime = START, end: datetime = END) -> dict[str, str]:
    s, e = start.astimezone(BOSTON), end.astimezone(BOSTON)
    return {"zip_code": "02108", "start_date": f"{s:%Y-%m-%d}", "start_time": f"{s:%H:%M}",
            "end_date": f"{e:%Y-%m-%d}", "end_time": f"{e:%H:%M}"}


@dataclass
class Web:
    """The web process of the network: its database, its channel, and one visitor's client."""

    db: Database
    channel: WebChannel
    client: TestClient

    def post(self, path: str, data: dict[str, str], **kwargs: object):
        token = csrf_of(self.client.get("/").text)
        return self.client.post(path, data={"csrf_token": token, **data}, **kwargs)

    def book(self, vehicle_class: str, email: str) -> str:
        """Book through the booking form; the confirmation page's text."""
        answer = self.post("/book", {**local_fields(), "vehicle_class": vehicle_class, "email": email, **RENTER},
                           follow_redirects=False)
        assert answer.status_code == 303, error_next_to(answer.text, "vehicle_class") or text_of(answer.text)[:400]
        return text_of(self.client.get("/confirmation").text)

    def status(self) -> str:
        """The booking's status as the page's live part shows it once it stops waiting (each
        request is the page's long poll: it answers when head office's decision is applied)."""
        deadline = time.monotonic() + 60
        while True:
            answer = self.client.get("/booking/status", params={"of": "booked"})
            assert answer.status_code == 200
            if "hx-get" not in answer.text or time.monotonic() > deadline:
                return text_of(answer.text)

    def booked_id(self) -> str:
        """The web's own latest booking (the replica also holds the counter's, whose row is made
        when head office's decision is applied, possibly after the web's own)."""
        with self.db.session() as s:
            return s.scalars(select(Row.id).where(Row.channel == "web").order_by(Row.created_at.desc())).first() or ""


@pytest.fixture
def network(kafka_broker, topic_prefix, tmp_path) -> Iterator[Network]:
    net = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    yield net
    net.close()


@pytest.fixture
def web(network: Network, tmp_path) -> Iterator[Web]:
    network.start_hq()
    network.add_branch("BOS-DT")
    db = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")  # empty: the replica fills from the topics
    channel = WebChannel(db, network.kafka)
    app = create_app(Storefront(channel.service), secret_key="test-secret", channel=channel)
    try:
        with TestClient(app, base_url="http://testserver") as client:  # the lifespan runs the sync loop
            assert network.hq_db is not None
            cars = count(network.hq_db, Car)
            wait_for(lambda: count(db, Car) == cars, what=f"the web's replica of the fleet ({cars} cars)")
            yield Web(db, channel, client)
    finally:
        db.close()


def test_a_web_booking_is_pending_then_confirmed_and_the_counter_sees_it(network, web):
    search = web.post("/results", {**local_fields(), "vehicle_class": ""})
    # answered from the replica: an offer's heading (the class list above names every class anyway)
    assert search.status_code == 200 and "<h3>SUV</h3>" in search.text  # the class booked next

    page = web.book("SUV", "ann.web@example.com")
    assert "Your booking request is in" in page and "Pending" in page
    rid = web.booked_id()
    with web.db.session() as s:  # the request went out through the web's own outbox
        sent = s.scalars(select(OutboxEvent.topic).where(OutboxEvent.key == "SUV|02108")).all()
    assert sent == ["booking-requests"]

    assert "Confirmed" in web.status()
    bos = network.branches["BOS-DT"]
    wait_for(lambda: statuses(bos.db).get(rid, ("",))[0] == "confirmed", what="the web booking at the counter")
    seen = bos.service.get_reservation(rid)
    assert seen.customer_email == "ann.web@example.com" and seen.start == START and seen.end == END
    with network.hq_db.session() as s:
        assert s.scalar(select(Row.source).where(Row.id == rid)) == WEB_SOURCE  # head office knows the channel


def test_the_last_car_asked_for_at_once_from_the_web_and_the_counter(network, web):
    # LUXURY at Boston has one car in service (the sample's two others are in maintenance)
    bos = network.branches["BOS-DT"]
    barrier = threading.Barrier(2)
    made: dict[str, str] = {}

    def from_web() -> None:
        barrier.wait()
        made["web-page"] = web.book("LUXURY", "web.lux@example.com")
        made["web"] = web.booked_id()

    def from_counter() -> None:
        barrier.wait()
        made["counter"] = bos.service.create_reservation(
            email="desk.lux@example.com", name="Desk Customer", vehicle_class="LUXURY", zip_code="02108",
            start=START, end=END).id

    threads = [threading.Thread(target=from_web), threading.Thread(target=from_counter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "Pending" in made["web-page"]  # neither channel knew of the other's request
    web_status = web.status()
    ids = {made["web"]: "web", made["counter"]: "counter"}

    def decided() -> bool:
        at_hq = {rid: statuses(network.hq_db).get(rid, ("rejected",))[0] for rid in ids}
        at_counter = {rid: statuses(bos.db).get(rid, ("?",))[0] for rid in ids}
        at_web = {rid: statuses(web.db).get(rid, ("?",))[0] for rid in ids}
        return at_hq == at_counter == at_web and sorted(at_hq.values()) == ["confirmed", "rejected"]

    wait_for(decided, what="one confirmation and one rejection, the same at head office, the counter and the web")
    loser = next(rid for rid in ids if statuses(bos.db)[rid][0] == "rejected")
    if ids[loser] == "web":
        assert "Rejected" in web_status and "Not booked:" in web_status and "Luxury" in web_status
    else:
        assert "Confirmed" in web_status
        refused = bos.service.get_reservation(loser)
        assert "Luxury" in refused.status_reason  # the counter is told why


def test_a_booking_and_a_fleet_change_the_replica_applies_show_in_the_next_search(network, web):
    """A search keeps the location's pools and the catalogue until the replica changes
    (``Database.kept``): the counter's booking of the last Luxury, once the web's sync loop applies
    head office's decision, and a car head office brings back into service, once the fleet topic's
    record is applied, each changes the next search."""
    def luxury_offered() -> bool:
        answer = web.post("/results", {**local_fields(), "vehicle_class": ""}, headers={"HX-Request": "true"})
        assert answer.status_code == 200 and "free at" in answer.text
        return "<h3>Luxury</h3>" in answer.text  # an offer's heading (the class list names every class)

    assert luxury_offered() and luxury_offered()  # the second answered from what the first kept
    bos = network.branches["BOS-DT"]
    rid = bos.service.create_reservation(email="desk.lux@example.com", name="Desk Customer", vehicle_class="LUXURY",
                                         zip_code="02108", start=START, end=END).id
    wait_for(lambda: statuses(web.db).get(rid, ("",))[0] == "confirmed", what="head office's decision at the web")
    assert not luxury_offered()

    with network.hq_db.write() as s:  # one of the two Luxury cars in maintenance comes back
        back = s.scalars(select(Car).where(Car.zip_code == "02108", Car.vehicle_class == "LUXURY",
                                           Car.status == "maintenance")).first()
        assert back is not None
        back.status, plate = "available", back.plate_number
    network.hq.fleet_wake.set()

    def at_web() -> str | None:
        with web.db.session() as s:
            return s.scalar(select(Car.status).where(Car.plate_number == plate))

    wait_for(lambda: at_web() == "available", what="the car back in service at the web")
    assert luxury_offered()


def test_the_web_page_says_why_head_office_rejected_its_request(network, web):
    # deterministic: the counter's booking of the last car is decided at head office while the web's
    # replica has not heard of it yet (its consumer held), so the web's engine finds the car free
    bos = network.branches["BOS-DT"]
    assert web.channel.sync.consumer is not None
    web.channel.sync.consumer.pause()
    held = web.channel.sync.consumer
    # the pause takes effect at the loop's next poll: wait for it (a poll in flight could still apply)
    wait_for(lambda: bool(held.consumer.paused()), what="the web's consumer paused")
    first = bos.service.create_reservation(email="desk.lux@example.com", name="Desk Customer",
                                           vehicle_class="LUXURY", zip_code="02108", start=START, end=END)
    wait_for(lambda: statuses(bos.db).get(first.id, ("",))[0] == "confirmed", what="the counter's booking")
    page = web.book("LUXURY", "web.lux@example.com")
    assert "Pending" in page
    web.channel.sync.consumer.resume()
    shown = web.status()
    assert "Rejected" in shown
    reason = re.search(r"Not booked: (.+?)\.", shown)
    assert reason and "Luxury" in reason.group(1), shown
    assert reason.group(1) in web.channel.service.get_reservation(web.booked_id()).status_reason
    confirmation = text_of(web.client.get("/confirmation").text)
    assert "could not be confirmed" in confirmation and "Manage this booking" not in confirmation


def test_bad_messages_go_to_dead_letter_and_the_web_goes_on(network, web):
    topics = Topics(network.prefix)
    producer = KafkaProducer(bootstrap_servers=network.bootstrap)
    bad = [b"\xff\xfe not json", b'{"hello": "world"}']
    for value in bad:
        producer.send(topics.name("booking-events"), key=b"SUV|02108", value=value)
        producer.send(topics.name("fleet"), key=b"car:1", value=value)
    producer.flush()
    producer.close()
    consumer = web.channel.sync.consumer
    assert consumer is not None
    wait_for(lambda: consumer.dead_lettered >= 4, what="the web's consumer to park the four bad messages")

    page = web.book("SUV", "after.bad@example.com")  # the site still books, and hears the decision
    assert "Pending" in page and "Confirmed" in web.status()

    parked = KafkaConsumer(topics.name("dead-letter"), bootstrap_servers=network.bootstrap,
                           auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    by_web = []
    for record in parked:  # the counter's consumer parks its own copies too
        headers = dict(record.headers)
        if headers["consumer"] == f"branch {WEB_SOURCE}".encode():
            by_web.append((headers["topic"].decode().rsplit(".", 1)[1], record.value, headers["reason"].decode()))
        if len(by_web) == 4:
            break
    parked.close()
    assert sorted((t, v) for t, v, _ in by_web) == sorted(
        [("booking-events", bad[0]), ("booking-events", bad[1]), ("fleet", bad[0]), ("fleet", bad[1])])
    reasons = {v: r for _, v, r in by_web}
    assert reasons[bad[0]].startswith("not UTF-8") and reasons[bad[1]] == "envelope: object contains unknown field `hello`"


def test_while_the_broker_is_down_the_web_searches_and_takes_bookings_as_pending(
        restartable_broker, broker_outage, network, web):
    restartable_broker.stop(keep=True)
    try:
        wait_for(lambda: not web.channel.head_office_reachable(), what="the web to notice the broker is gone")
        search = web.post("/results", {**local_fields(), "vehicle_class": ""})
        assert search.status_code == 200 and "SUV" in text_of(search.text)  # from the replica
        page = web.book("SUV", "offline@example.com")
        assert "Pending" in page and "cannot reach head office right now" in page
        assert unsent_count(web.db) == 1
    finally:
        restartable_broker.start()
    assert "Confirmed" in web.status()  # the outbox drained and head office decided
    wait_for(lambda: unsent_count(web.db) == 0, what="the web's outbox to drain")


def test_head_offices_confirmation_mail_carries_the_manage_link_that_opens_the_booking(network, tmp_path, server):
    """In a network the site does not mail (head office does): head office, given the web's [web]
    settings, mails the confirmation of a web booking through a real SMTP server with the manage
    link, and the link opens the booking's manage page on the web site in a fresh session."""
    from rentaldesk.config import WebSettings
    from tests.unit.hq.test_notifications import settings_for

    shared = WebSettings(public_url="http://book.example.test", secret="the web's and head office's secret")
    network.smtp, network.web = settings_for(server), shared
    network.start_hq(notifications=True)
    db = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    channel = WebChannel(db, network.kafka)
    app = create_app(Storefront(channel.service), secret_key=shared.secret, channel=channel)
    try:
        with TestClient(app, base_url="http://testserver") as client:
            assert network.hq_db is not None
            cars = count(network.hq_db, Car)
            wait_for(lambda: count(db, Car) == cars, what=f"the web's replica of the fleet ({cars} cars)")
            site = Web(db, channel, client)
            site.book("SUV", "mail.web@example.com")
            assert "Confirmed" in site.status()
            assert server.recorder.arrived.wait(60), "head office sent no mail"
            mail = server.received[0]
            assert mail.rcpt_tos == ["mail.web@example.com"] and mail.message["Subject"].endswith(": confirmed")
            found = re.search(r"http://book\.example\.test(/manage/link/\S+)", mail.part("plain"))
            assert found, mail.part("plain")
            reference = mail.message["Subject"].split()[1].rstrip(":")
            customer = TestClient(app, base_url="http://testserver")  # another browser: nothing held (the same app)
            opened = customer.get(found.group(1), follow_redirects=False)
            assert opened.status_code == 303 and opened.headers["location"] == "/manage"
            page = customer.get("/manage")
            assert page.status_code == 200 and f"Booking {reference}" in text_of(page.text)
    finally:
        db.close()
