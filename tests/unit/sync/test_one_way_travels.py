"""The return location travels to head office (issue 11 item 6): a one-way booked at a branch is
booked one-way at head office, with the same price; its return at the other branch moves the car at
head office too, whose engine then counts it there. A round trip's messages carry nothing new (the
field is UNSET, never written). Real parts, no broker (the in-process network of
test_reservation_lifecycle)."""

from __future__ import annotations

import json
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select

from rentaldesk import rates
from rentaldesk.models import Car
from rentaldesk.models import Reservation as Row
from rentaldesk.models import ReservationStatus
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.events import Returned
from tests.conftest import PoolBuilder, day
from tests.contract_helpers import check_in_value, check_out_value, may_rent

from .test_reservation_lifecycle import Net

A, B = "10001", "60666"


def _payloads(raw: list[bytes], kind: str) -> list[dict]:
    return [json.loads(m)["payload"] for m in raw if json.loads(m)["type"] == kind]


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "one-by-one"])
def test_a_one_way_return_at_a_branch_moves_the_car_at_head_office(tmp_path, batched):
    net = Net(tmp_path, cars=2, batched=batched)
    PoolBuilder(net.hq.db).branch(B, tz="America/Chicago")
    bos = net.branch("BOS")
    for db, fee in ((net.hq.db, "70.00"), (net.branches["BOS"].db, "50.00")):
        with db.write() as s:  # head office's fee differs: the one the branch quoted is kept
            rates.save_drop_fee(s, A, B, Decimal(fee))
    round_trip = bos.create_reservation(email="bo@example.com", name="Bo", vehicle_class="SUV", zip_code=A,
                                        start=day(10), end=day(12))
    r = bos.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code=A,
                               start=day(1), end=day(3), return_zip_code=B)
    net.settle()
    requested = _payloads(net.requests, "reservation.requested")
    assert [("return_zip_code" in p["reservation"]) for p in requested] == [False, True]  # a round trip: as before
    assert [p["reservation"].get("drop_fee") for p in requested] == [None, "50.00"]
    with net.hq.db.session() as s:
        at_hq = s.get_one(Row, r.id)
        assert (at_hq.status, at_hq.return_zip_code, at_hq.price) == (ReservationStatus.CONFIRMED.value, B, r.price)
        assert at_hq.drop_fee == Decimal("50.00")
    confirmed = net.row("BOS", r.id)
    assert confirmed.status == ReservationStatus.CONFIRMED.value
    # head office's answer, applied whole, keeps the one-way (it carries the return and the fee)
    assert (confirmed.return_zip_code, confirmed.drop_fee) == (B, Decimal("50.00"))
    assert net.row("BOS", round_trip.id).status == ReservationStatus.CONFIRMED.value

    # out at A, back at B: the branch says where, head office moves the car there
    may_rent(net.branches["BOS"].db, r.customer_id)
    net.clock.now = day(1)
    view = bos.check_out(check_out_value(r.id))
    net.settle()
    net.clock.now = day(3, 1)
    bos.check_in(check_in_value(view.id, day(3, 1), zip_code=B))
    net.settle()
    returned = _payloads(net.requests, "reservation.returned")
    assert [p.get("zip_code") for p in returned] == [B]
    with net.hq.db.session() as s:
        plate = s.get_one(Car, at_hq.car_id).plate_number
        assert s.get_one(Car, at_hq.car_id).zip_code == B
        assert s.get_one(Row, r.id).status == ReservationStatus.COMPLETED.value
    # head office's engine counts the car at B now, and no longer at A
    hq = ReservationService(net.hq.db, clock=net.clock)
    at_b = hq.room(vehicle_class="SUV", zip_code=B, start=day(5), end=day(7))
    assert at_hq.car_id in at_b.cars
    assert hq.room(vehicle_class="SUV", zip_code=A, start=day(5), end=day(7)).of == 1
    with net.branches["BOS"].db.session() as s:
        assert s.scalar(select(Car.zip_code).where(Car.plate_number == plate)) == B  # the branch moved it too
    net.close()


def test_a_round_trip_return_writes_no_location():
    fact = Returned(reservation_id="6f1c1a52-32c4-4f4b-9a8a-0c0e0c0e0c0e", at=day(1), odometer=None)
    assert b"zip_code" not in msgspec.json.encode(fact)
    assert msgspec.json.decode(msgspec.json.encode(fact), type=Returned).zip_code is msgspec.UNSET
    one_way = Returned(reservation_id=fact.reservation_id, at=day(1), zip_code=B)
    assert msgspec.json.decode(msgspec.json.encode(one_way), type=Returned).zip_code == B
