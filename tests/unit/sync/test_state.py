"""A branch applying head office's reservation states (sync.state.apply_reservation_state)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from rentaldesk.models import Car, Customer, Reservation
from rentaldesk.sync import events as ev
from rentaldesk.sync.inbox import NotReady
from rentaldesk.sync.state import apply_reservation_state

from tests.conftest import T0, day


def state(rid: str, plate: str | None, *, version: int = 1, start: int = 2, status: str = "confirmed",
          name: str = "Ann", phone: str = "", licence: str | None = None,
          zip_code: str = "10001") -> ev.ReservationState:
    return ev.ReservationState(
        id=rid, reference="R1", status=status, customer=ev.Customer(email=" Ann@Example.com ", name=name, phone=phone),
        vehicle_class="SUV", zip_code=zip_code, car_plate=plate, pinned=False, driver_licence=licence,
        start=day(start), end=day(start + 1), price=Decimal("90.00"), version=version, source="BOS", reason="",
    )


def apply(db, st: ev.ReservationState, *, answers: str | None = None):  # noqa: ANN001, ANN201
    with db.write() as s:
        return apply_reservation_state(s, st, T0, answers=answers)


def row(db, rid: str) -> Reservation:  # noqa: ANN001
    with db.session() as s:
        return s.get(Reservation, rid)


def test_a_state_is_applied_once_and_in_version_order(db, fleet):
    a, b = fleet.cars(2)
    with db.session() as s:
        plates = {c.car_id: c.plate_number for c in s.scalars(select(Car))}
    rid = str(uuid.uuid4())
    changes = apply(db, state(rid, plates[a]))
    r = row(db, rid)
    assert (r.car_id, r.status, r.version, r.hq_version, r.start_at, r.price, r.source, r.created_at) == (
        a, "confirmed", 1, 1, day(2), Decimal("90.00"), "BOS", T0)
    with db.session() as s:
        customer = s.scalar(select(Customer))
    assert (customer.email, customer.name, customer.id) == ("ann@example.com", "Ann", r.customer_id)
    assert changes.reservations == {rid} and changes.cars == {a} and changes.customers == {customer.id}
    assert not apply(db, state(rid, plates[b], version=1))  # a replay: nothing
    assert row(db, rid).car_id == a
    changes = apply(db, state(rid, plates[b], version=2, phone="555"))  # moved by head office
    assert (row(db, rid).car_id, row(db, rid).version) == (b, 2)
    assert changes.cars == {a, b}
    with db.session() as s:
        assert (s.scalar(select(Customer.name)), s.scalar(select(Customer.phone))) == ("Ann", "555")
    apply(db, state(rid, plates[b], version=3, name=""))  # a blank name keeps the recorded one
    with db.session() as s:
        assert s.scalar(select(Customer.name)) == "Ann"


def test_a_pending_local_change_is_kept_whole_until_its_answer(db, fleet):
    """Head office's car for the old period is recorded, not taken: the pending change's car is the
    one the branch's engine chose for the new period (docs/reservation-lifecycle.md)."""
    a, b, c = fleet.cars(3)
    with db.session() as s:
        plates = {c.car_id: c.plate_number for c in s.scalars(select(Car))}
    rid = str(uuid.uuid4())
    apply(db, state(rid, plates[a]))
    assert row(db, rid).hq_car_id == a
    with db.write() as s:  # the clerk moved it to day 5; the request is on its way
        s.execute(update(Reservation).where(Reservation.id == rid).values(
            start_at=day(5), end_at=day(6), status="pending", awaiting_event_id="req-1", version=2, car_id=c))
    apply(db, state(rid, plates[b], version=2))  # another event: head office moved the car
    r = row(db, rid)
    assert (r.car_id, r.hq_car_id, r.start_at, r.status, r.awaiting_event_id, r.hq_version) == (
        c, b, day(5), "pending", "req-1", 2)
    assert not apply(db, state(rid, plates[a], version=2, start=5), answers="req-0")  # an older request's: stale
    apply(db, state(rid, plates[b], version=3, start=5), answers="req-1")  # the answer: whole
    r = row(db, rid)
    assert (r.car_id, r.start_at, r.status, r.awaiting_event_id, r.version, r.hq_version) == (
        b, day(5), "confirmed", None, 3, 3)


def test_a_final_state_is_taken_whole_while_a_request_waits(db, fleet):
    a, b = fleet.cars(2)
    with db.session() as s:
        plates = {c.car_id: c.plate_number for c in s.scalars(select(Car))}
    rid = str(uuid.uuid4())
    apply(db, state(rid, plates[a]))
    with db.write() as s:  # a change waits; head office meanwhile cancelled it (another channel)
        s.execute(update(Reservation).where(Reservation.id == rid).values(
            end_at=day(5), status="pending", awaiting_event_id="req-1", version=2))
    apply(db, state(rid, plates[a], version=2, status="cancelled"))
    r = row(db, rid)
    assert (r.status, r.end_at, r.awaiting_event_id, r.hq_version) == ("cancelled", day(3), None, 2)


def test_a_request_refused_before_it_held_a_car_leaves_no_reservation(db, fleet):
    fleet.cars(1)
    rid = str(uuid.uuid4())
    assert not apply(db, state(rid, None, status="rejected"))
    assert row(db, rid) is None


@pytest.mark.parametrize(("changes", "reason"), [
    ({"zip_code": "99999"}, "location 99999 is not in the local fleet yet"),
    ({"plate": "NOPE"}, "car NOPE is not in the local fleet yet"),
    ({"licence": "LNONE"}, "driver LNONE is not known here yet"),
])
def test_what_the_fleet_has_not_brought_yet_is_retried(db, fleet, changes, reason):
    fleet.cars(1)
    with db.session() as s:
        plate = s.scalar(select(Car.plate_number))
    st = state(str(uuid.uuid4()), changes.pop("plate", plate), **changes)
    with pytest.raises(NotReady, match=reason):
        apply(db, st)
    with db.session() as s:
        assert s.scalar(select(Reservation.id)) is None
