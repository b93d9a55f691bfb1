"""The customer's agreement and receipt by mail through the real broker: a branch checks a car out
and in, its agreement.recorded events travel over Kafka to a running head office (notifications on),
whose sender hands the mails to a real SMTP server (aiosmtpd). One mail per stage, the PDF attached."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from kafka import KafkaProducer
from pypdf import PdfReader
from sqlalchemy import func, select

from rentaldesk import documents
from rentaldesk.config import SmtpSettings
from rentaldesk.models import Car, HqAgreement, Notification, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.envelope import decode
from rentaldesk.sync.events import AgreementRecorded
from rentaldesk.sync.topics import BOOKING_REQUESTS, Topics

from ..conftest import Clock
from ..contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan
from .network import Network, wait_for


@pytest.fixture
def network(kafka_broker, topic_prefix, tmp_path, server):
    net = Network(kafka_broker.bootstrap, topic_prefix, tmp_path,
                  smtp=SmtpSettings(host="127.0.0.1", port=server.port, sender="Rentaldesk <desk@rentaldesk.test>",
                                    timeout=5.0))
    yield net
    net.close()


def pdf_words(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_agreement_and_the_receipt_reach_the_customer_once_each(network, server):
    network.start_hq(notifications=True)
    bos = network.add_branch("BOS-DT")
    clock = Clock((datetime.now(timezone.utc) + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0))
    start = clock.now
    r = bos.service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV",
                                       zip_code="02108", start=start, end=start + timedelta(days=2))
    wait_for(lambda: bos.service.get_reservation(r.id).status == "confirmed", what="the confirmation")
    may_rent(bos.db, r.customer_id)
    use_plan(bos.db, plan(zip_code="02108"))
    bos.service.clock = clock  # the counter's day from here: the car goes out at the start
    with bos.db.session() as s:
        odometer = s.scalar(select(Car.odometer).join(Row, Row.car_id == Car.car_id).where(Row.id == r.id))
    assert odometer is not None
    out = bos.service.check_out(check_out_value(r.id, odometer=odometer))
    wait_for(lambda: len(server.received) >= 2, what="the confirmation and the agreement mails")
    clock.advance(days=2)
    back = bos.service.check_in(check_in_value(out.id, clock.now, zip_code="02108", odometer=odometer + 300))
    wait_for(lambda: len(server.received) >= 3, what="the receipt mail")

    # the branch's agreement events published again, byte for byte: head office mails nothing more
    with bos.db.session() as s:
        again = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == BOOKING_REQUESTS)).all()
    producer = KafkaProducer(bootstrap_servers=network.bootstrap)
    for row in again:
        if decode(row.value).type == AgreementRecorded.TYPE:
            producer.send(Topics(network.prefix).name(BOOKING_REQUESTS), key=row.key.encode(), value=row.value)
    producer.flush()
    producer.close()
    marker = bos.service.create_reservation(email="marker@example.com", name="Marker", vehicle_class="SUV",
                                            zip_code="02108", start=start + timedelta(days=5),
                                            end=start + timedelta(days=6))  # after the replays, same partition
    wait_for(lambda: len(server.received) >= 4, what="the marker's confirmation")
    assert server.received[3].message["Subject"] == f"Reservation {marker.reference}: confirmed"
    assert len(server.received) == 4

    subjects = [m.message["Subject"] for m in server.received[:3]]
    ref = out.reservation_reference
    assert subjects == [f"Reservation {ref}: confirmed", f"Reservation {ref}: your rental agreement {out.number}",
                        f"Reservation {ref}: your receipt for rental agreement {out.number}"]
    agreement, receipt = (m.message for m in server.received[1:3])
    [a] = list(agreement.iter_attachments())
    [b] = list(receipt.iter_attachments())
    assert a.get_content() == documents.agreement_pdf(out)
    assert back.charges is not None
    words = pdf_words(b.get_content())
    assert f"Receipt for rental agreement {out.number}" in words
    assert f"Total {back.charges.total:,.2f} USD" in words
    assert network.hq_db is not None
    with network.hq_db.session() as s:
        assert s.get_one(HqAgreement, out.id).stage == "checked-in"
        assert s.scalar(select(func.count()).select_from(Notification)
                        .where(Notification.reservation_id == r.id, Notification.status == "sent")) == 3
