"""Head office's ledger and car record from the branches' agreements (rentaldesk/hq/contracts.py):
a branch and head office on their own SQLite files, the branch's outbox rows handed to head office's
real inbox consumer (tests/unit/sync/test_reservation_lifecycle.py's Net). Each stage applied; the
same event twice skipped by the inbox; a stale stage never overwrites a newer one; a malformed one
goes to the dead letters and the consumer goes on."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from rentaldesk.agreement_service import AgreementService
from rentaldesk.hq import contracts as hq_contracts
from rentaldesk.models import HqAgreement, HqCarDamage, HqCarRecord, HqLedgerRow
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.sync import envelope as env
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.events import AgreementRecorded, replace
from rentaldesk.sync.topics import BOOKING_REQUESTS

from ...conftest import day
from ...contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan
from ..sync.test_reservation_lifecycle import Net

D = Decimal


@pytest.fixture
def net(tmp_path):
    n = Net(tmp_path, cars=1)
    yield n
    n.close()


def agreement_events(values: list[bytes]) -> list[bytes]:
    return [v for v in values if env.decode(v).type == AgreementRecorded.TYPE]


def test_each_stage_reaches_the_ledger_and_the_car_record_once_and_in_order(net):
    bos = net.branch("BOS")
    r = bos.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    net.settle()
    branch_db = net.branches["BOS"].db
    may_rent(branch_db, r.customer_id)
    use_plan(branch_db, plan())
    net.clock.now = day(1, -1)
    mark = DamageMark(zone=Zone.BOOT, x=0.5, y=0.9, note="dent")
    out = bos.check_out(check_out_value(r.id, odometer=1000, damage=(mark,)))
    sent_out = agreement_events(net.send("BOS"))
    net.hq.receive(sent_out, BOOKING_REQUESTS)
    with net.hq.db.session() as s:
        kept = s.get_one(HqAgreement, out.id)
        assert (kept.stage, kept.status, kept.number) == ("checked-out", "on rent", out.number)
        car = s.get_one(HqCarRecord, out.plate_number)
        assert (car.odometer, car.on_rent, car.zip_code, car.damage_count) == (1000, True, "10001", 1)

    net.clock.now = day(4)
    back = bos.check_in(check_in_value(out.id, day(4), odometer=1400))
    ledger = AgreementService(bos)
    first = ledger.take_payment(out.id, "cash", D("50.00"), "")
    last = ledger.take_payment(out.id, "card", first.balance, "slip-2")
    sent = agreement_events(net.send("BOS"))
    assert [env.decode(v).payload.stage for v in sent] == ["checked-in", "payment", "payment"]
    net.hq.receive(sent, BOOKING_REQUESTS)
    with net.hq.db.session() as s:
        kept = s.get_one(HqAgreement, out.id)
        assert (kept.stage, kept.status, D(kept.balance)) == ("payment", "returned", last.balance)
        rows = s.scalars(select(HqLedgerRow).where(HqLedgerRow.agreement_id == out.id)
                         .order_by(HqLedgerRow.row_id)).all()
        assert [(x.kind, x.method, x.amount) for x in rows] == [(e.kind, e.method, e.amount) for e in last.payments]
        assert sum(x.amount for x in rows if x.kind == "payment") == back.charges.total
        car = s.get_one(HqCarRecord, out.plate_number)
        assert (car.odometer, car.fuel_eighths, car.on_rent) == (1400, back.returned.fuel_eighths, False)
        assert s.scalars(select(HqCarDamage.note)).all() == ["dent"]
        assert hq_contracts.snapshot(s, out.id).ledger[-1].reference == "slip-2"
        version = kept.version

    # the same events again: the inbox skips them; nothing changes
    net.hq.receive(sent_out + sent, BOOKING_REQUESTS)
    # an earlier stage arriving late (a copy under a new event id): stale, skipped
    late = env.decode(sent_out[0])
    again = Envelope(payload=late.payload, source="BOS", occurred_at=late.occurred_at,
                     event_id=str(uuid.uuid4())).encode()
    net.hq.receive([again], BOOKING_REQUESTS)
    with net.hq.db.session() as s:
        kept = s.get_one(HqAgreement, out.id)
        assert (kept.version, kept.stage) == (version, "payment")
        assert s.get_one(HqCarRecord, out.plate_number).odometer == 1400
        assert len(s.scalars(select(HqLedgerRow)).all()) == len(last.payments)
        assert len(s.scalars(select(HqCarDamage)).all()) == 1


def test_a_malformed_agreement_goes_to_the_dead_letters_and_head_office_goes_on(net):
    bos = net.branch("BOS")
    r = bos.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    net.settle()
    may_rent(net.branches["BOS"].db, r.customer_id)
    use_plan(net.branches["BOS"].db, plan())
    net.clock.now = day(1, -1)
    out = bos.check_out(check_out_value(r.id))
    good = env.decode(agreement_events(net.send("BOS"))[0])
    bad = Envelope(payload=replace(good.payload, stage="lost"), source="BOS", occurred_at=good.occurred_at).encode()
    feed = net.hq.feed
    feed.put(BOOKING_REQUESTS, bad)
    feed.put(BOOKING_REQUESTS, good.encode())
    net.hq.consumer.poll_once()
    assert len(feed.dead) == 1 and "stage: expected one of" in str(feed.dead[0])
    with net.hq.db.session() as s:
        assert s.get_one(HqAgreement, out.id).stage == "checked-out"
