"""A booked one-way's new return location decided at head office (issue 11 item 6) by the same
rule as at a branch (:func:`rentaldesk.reservations.change`): the reservations the old return
branch put on the arriving car are placed again (each a ``reservation.car-reassigned`` before the
``reservation.changed``), or the change is rejected naming them, head office's row as it was.
The authority on a real SQLite file; then a branch and head office through the in-process network."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select

from rentaldesk import rates
from rentaldesk.errors import PriceChanged
from rentaldesk.hq.authority import BookingAuthority
from rentaldesk.models import Car, OutboxEvent
from rentaldesk.models import Reservation as Row
from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope, decode
from rentaldesk.sync.inbox import Delivery
from tests.conftest import PoolBuilder, day
from tests.contract_helpers import plan, use_plan

A, B, C = "10001", "60666", "94128"
WHERE = Delivery("booking-requests", 0, 0, None)


def book(svc, email, start, end, zip_code=A, **more):
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                  zip_code=zip_code, start=start, end=end, **more)


@pytest.fixture
def head_office(db, fleet, svc):
    """Head office's book: Ann's one-way A -> B (days 1-3) and Bo's booking at B on the arriving car
    (days 4-6); B's own SUV is busy to day 4.5 (Cy), so Bo has nowhere else to go."""
    fleet.branch(B, tz="America/Chicago")
    fleet.branch(C, tz="America/Los_Angeles")
    fleet.cars(1, "SUV", A)
    fleet.cars(1, "SUV", B)
    use_plan(db, plan())
    with db.write() as s:
        rates.save_drop_fee(s, A, B, Decimal("50.00"))
        rates.save_drop_fee(s, A, C, Decimal("80.00"))
    cy = book(svc, "cy@example.com", day(0.5), day(4.5), zip_code=B)
    ann = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    bo = book(svc, "bo@example.com", day(4), day(6), zip_code=B)
    assert bo.car_id == ann.car_id != cy.car_id
    return ann, bo, cy


def ask(db, clock, ann, *, return_zip_code=msgspec.UNSET, price, drop_fee=msgspec.UNSET):
    """The branch's change request (the same period, a new return location) through the authority;
    the outbox rows it wrote (decoded)."""
    with db.session() as s:
        seen = s.scalar(select(OutboxEvent.seq).order_by(OutboxEvent.seq.desc())) or 0
    envelope = Envelope(source="BOS", payload=ev.ChangeRequested(
        reservation_id=ann.id, start=ann.start, end=ann.end, name=ann.customer_name, phone=ann.customer_phone,
        requested_at=clock(), price=price, return_zip_code=return_zip_code, drop_fee=drop_fee))
    with db.write() as s:
        BookingAuthority(db, clock=clock)(s, envelope, WHERE)
    with db.session() as s:
        return [decode(v) for v in s.scalars(select(OutboxEvent.value).where(OutboxEvent.seq > seen)
                                             .order_by(OutboxEvent.seq))]


def new_price(svc, ann, **change):
    with pytest.raises(PriceChanged) as shown:
        svc.update_reservation(ann.id, **change)
    return shown.value.new


@pytest.mark.parametrize("back", [msgspec.UNSET, C], ids=["round trip", "another branch"])
def test_head_office_rejects_the_change_naming_the_booking_left_without_a_car(db, clock, svc, head_office, back):
    ann, bo, _ = head_office
    price = new_price(svc, ann, return_zip_code=A if back is msgspec.UNSET else back)
    with db.session() as s:
        before = s.get_one(Row, ann.id).version
    out = ask(db, clock, ann, return_zip_code=back, price=price)
    assert [e.type for e in out] == ["reservation.rejected"]
    reason = out[0].payload.reservation.reason
    assert reason.startswith("change refused: ") and bo.reference in reason and "no other SUV car" in reason
    assert out[0].payload.reservation.return_zip_code == B  # head office's state: as it was
    with db.session() as s:
        row = s.get_one(Row, ann.id)
        assert (row.return_zip_code, row.price, row.version) == (B, ann.price, before)
        assert s.get_one(Row, bo.id).car_id == ann.car_id


@pytest.mark.parametrize("back", [msgspec.UNSET, C], ids=["round trip", "another branch"])
def test_head_office_re_places_the_booking_and_says_so_before_the_change(db, clock, svc, fleet, head_office, back):
    ann, bo, _ = head_office
    (spare,) = fleet.cars(1, "SUV", B)
    price = new_price(svc, ann, return_zip_code=A if back is msgspec.UNSET else back)
    out = ask(db, clock, ann, return_zip_code=back, price=price)
    assert [e.type for e in out] == ["reservation.car-reassigned", "reservation.changed"]
    with db.session() as s:
        plate = s.get_one(Car, spare).plate_number
    assert (out[0].payload.reservation.reference, out[0].payload.reservation.car_plate) == (bo.reference, plate)
    changed = out[1].payload.reservation
    expected = msgspec.UNSET if back is msgspec.UNSET else C
    assert (changed.return_zip_code, changed.price) == (expected, price)
    assert svc.list_reservations(needs_car=True) == []


def test_head_office_keeps_the_drop_fee_the_branch_quoted(db, clock, svc, fleet, head_office):
    ann, _, _ = head_office
    fleet.cars(1, "SUV", B)  # room for Bo
    quoted = new_price(svc, ann, return_zip_code=C)  # with the fee of 80.00 the branch has
    with db.write() as s:
        rates.save_drop_fee(s, A, C, Decimal("120.00"))  # head office's fee is another
    # a branch of a build that sends no fee: head office's own fee prices it, and the branch's price is refused
    out = ask(db, clock, ann, return_zip_code=C, price=quoted)
    assert [e.type for e in out] == ["reservation.rejected"] and "$120.00" in out[0].payload.reservation.reason
    out = ask(db, clock, ann, return_zip_code=C, price=quoted, drop_fee=Decimal("80.00"))
    assert out[-1].type == "reservation.changed"
    assert (out[-1].payload.reservation.price, out[-1].payload.reservation.drop_fee) == (quoted, Decimal("80.00"))


def test_a_round_trip_change_writes_no_fee_and_a_one_way_one_does():
    change = ev.ChangeRequested(reservation_id="6f1c1a52-32c4-4f4b-9a8a-0c0e0c0e0c0e", start=day(1), end=day(2),
                                name="Ann", phone="", requested_at=day(0))
    assert b"drop_fee" not in msgspec.json.encode(change) and b"return_zip_code" not in msgspec.json.encode(change)
    one_way = msgspec.structs.replace(change, return_zip_code=C, drop_fee=Decimal("80.00"))
    decoded = msgspec.json.decode(msgspec.json.encode(one_way), type=ev.ChangeRequested)
    assert (decoded.return_zip_code, decoded.drop_fee) == (C, Decimal("80.00"))


def test_a_branch_change_travels_and_both_sides_re_place_alike(tmp_path):
    """The branch decides first with the same rule (Bo moved there too), head office decides it
    again, and the branch ends as head office: Bo on B's own car, Ann's trip a round trip."""
    from tests.unit.sync.test_reservation_lifecycle import Net

    net = Net(tmp_path, cars=1, batched=True)
    try:
        more = PoolBuilder(net.hq.db)
        more._plate = 100  # after the network's own car's plate
        more.cars(1, "SUV", B)
        bos = net.branch("BOS")
        for db in (net.hq.db, net.branches["BOS"].db):
            with db.write() as s:
                rates.save_drop_fee(s, A, B, Decimal("50.00"))
        book(bos, "cy@example.com", day(0.5), day(2.5), zip_code=B)
        ann = book(bos, "ann@example.com", day(1), day(3), return_zip_code=B)
        bo = book(bos, "bo@example.com", day(4), day(6), zip_code=B)
        assert bo.car_id == ann.car_id
        net.settle()
        price = new_price(bos, ann, return_zip_code=A)
        bos.update_reservation(ann.id, return_zip_code=A, accept_price=price)
        net.settle()
        changes = [decode(r) for r in net.requests if decode(r).type == "reservation.change-requested"]
        assert [(c.payload.return_zip_code, c.payload.drop_fee) for c in changes] == [(msgspec.UNSET, msgspec.UNSET)]
        assert [decode(a).type for a in net.answers][-2:] == ["reservation.car-reassigned", "reservation.changed"]
        assert net.book(net.branches["BOS"].db) == net.book(net.hq.db)
        with net.hq.db.session() as s:
            assert s.get_one(Row, ann.id).return_zip_code is None
            bo_plate = s.scalar(select(Car.plate_number).join(Row, Row.car_id == Car.car_id).where(Row.id == bo.id))
            ann_plate = s.scalar(select(Car.plate_number).join(Row, Row.car_id == Car.car_id).where(Row.id == ann.id))
        assert bo_plate != ann_plate
        assert net.row("BOS", ann.id).status == "confirmed" and net.unanswered() == []
    finally:
        net.close()
