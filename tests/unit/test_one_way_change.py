"""A booked one-way's return location or end changed (issue 11 item 6), on real SQLite files: the
reservations the old return branch put on the arriving car are placed again there by the booking
decision's own placement, or the change is refused naming them, with nothing half-saved."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentaldesk import rates
from rentaldesk.db import open_database
from rentaldesk.errors import NotAvailable, RentalError
from rentaldesk.models import PoolVersion
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService

from ..conftest import Clock, PoolBuilder, change_accepting_the_price, day
from ..contract_helpers import plan, use_plan

A, B, C = "10001", "60666", "94128"


def book(svc, email, start, end, zip_code=A, **more):
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                  zip_code=zip_code, start=start, end=end, **more)


def setup(fleet: PoolBuilder, db, *, cars_at_b: int) -> tuple[list[int], list[int]]:
    """One SUV at A, ``cars_at_b`` at B, a third branch C; drop fees A -> B and A -> C."""
    fleet.branch(B, tz="America/Chicago")
    fleet.branch(C, tz="America/Los_Angeles")
    at_a = fleet.cars(1, "SUV", A)
    at_b = fleet.cars(cars_at_b, "SUV", B) if cars_at_b else []
    use_plan(db, plan())
    with db.write() as s:
        rates.save_drop_fee(s, A, B, Decimal("50.00"))
        rates.save_drop_fee(s, A, C, Decimal("80.00"))
    return at_a, at_b


def one_way_with_a_booking_on_its_car(svc, db):
    """Ann's one-way A -> B (days 1-3), and Bo's class booking at B (days 4-6) sitting on the
    arriving car (where the engine put it, or where it happens to sit)."""
    one_way = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    bo = book(svc, "bo@example.com", day(4), day(6), zip_code=B)
    if bo.car_id != one_way.car_id:
        with db.write() as s:
            s.get_one(Row, bo.id).car_id = one_way.car_id
        bo = svc.get_reservation(bo.id)
    assert bo.car_id == one_way.car_id and not bo.needs_car
    return one_way, bo


def snapshot(svc):
    return sorted((r.reference, r.car_id, r.start, r.end, r.price, r.return_zip_code, r.version)
                  for r in svc.list_reservations())


@pytest.mark.parametrize("change", [{"return_zip_code": A}, {"return_zip_code": C}, {"end": day(5)}],
                         ids=["round trip", "another branch", "a later end"])
def test_what_the_old_return_branch_put_on_the_car_moves_to_another_car(svc, fleet, db, change):
    _, (b_car,) = setup(fleet, db, cars_at_b=1)
    taken = book(svc, "cy@example.com", day(0.5), day(3.5), zip_code=B)  # B's own car busy to day 3.5
    assert taken.car_id == b_car
    one_way, bo = one_way_with_a_booking_on_its_car(svc, db)
    changed = change_accepting_the_price(svc, one_way.id, **change)
    assert changed.car_id == one_way.car_id
    moved = svc.get_reservation(bo.id)
    assert moved.car_id == b_car and not moved.needs_car  # B's own car, free from day 3.5
    assert moved.version == bo.version + 1
    assert svc.list_reservations(needs_car=True) == []


@pytest.mark.parametrize("change", [{"return_zip_code": A}, {"return_zip_code": C}, {"end": day(5)}],
                         ids=["round trip", "another branch", "a later end"])
def test_the_change_is_refused_naming_the_booking_left_without_a_car(svc, fleet, db, change):
    setup(fleet, db, cars_at_b=0)
    one_way, bo = one_way_with_a_booking_on_its_car(svc, db)
    before = snapshot(svc)
    with pytest.raises(NotAvailable) as refused:
        change_accepting_the_price(svc, one_way.id, **change)
    assert refused.value.field == ("end" if "end" in change else "return_zip_code")
    message = refused.value.message
    assert bo.reference in message and B in message and "no other SUV car there is free" in message
    assert snapshot(svc) == before  # nothing half-saved: the one-way, its price, Bo's car
    assert svc.list_reservations(needs_car=True) == []


def test_a_booking_asked_for_by_the_arriving_car_refuses_the_change_even_with_room(svc, fleet, db):
    setup(fleet, db, cars_at_b=1)
    one_way = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    bo = book(svc, "bo@example.com", day(4), day(6), zip_code=B, car_id=one_way.car_id)  # by car
    before = snapshot(svc)
    with pytest.raises(NotAvailable) as refused:
        change_accepting_the_price(svc, one_way.id, return_zip_code=A)
    assert bo.reference in refused.value.message and "asked for by that car" in refused.value.message
    assert snapshot(svc) == before


def test_an_earlier_end_or_a_booking_after_the_new_end_leaves_it_alone(svc, fleet, db):
    setup(fleet, db, cars_at_b=0)
    one_way, bo = one_way_with_a_booking_on_its_car(svc, db)
    changed = change_accepting_the_price(svc, one_way.id, end=day(2))  # the car comes earlier
    assert changed.end == day(2)
    changed = change_accepting_the_price(svc, one_way.id, end=day(3, 12))  # still before Bo's day 4
    assert changed.end == day(3, 12)
    assert svc.get_reservation(bo.id).version == bo.version  # never moved
    with pytest.raises(NotAvailable):  # past Bo's start: nothing to put Bo on
        change_accepting_the_price(svc, one_way.id, end=day(4, 1))


def test_a_round_trip_made_one_way_then_sent_elsewhere(svc, fleet, db):
    _, (b_car,) = setup(fleet, db, cars_at_b=1)
    trip = book(svc, "ann@example.com", day(1), day(3))
    one_way = change_accepting_the_price(svc, trip.id, return_zip_code=B)
    assert one_way.return_zip_code == B
    bo = book(svc, "bo@example.com", day(4), day(6), zip_code=B, car_id=b_car)
    cy = book(svc, "cy@example.com", day(4), day(6), zip_code=B)  # the arriving car, the only one left
    assert cy.car_id == one_way.car_id
    with pytest.raises(NotAvailable) as refused:
        change_accepting_the_price(svc, one_way.id, return_zip_code=C)
    assert cy.reference in refused.value.message and bo.reference not in refused.value.message
    assert svc.get_reservation(trip.id).return_zip_code == B


def test_the_old_and_new_return_pools_are_counted_as_written(svc, fleet, db):
    """Head office keeps a pool in memory while its pool_versions counter stands still: a car
    going to or no longer coming to a pool moves the counter of that pool too."""
    setup(fleet, db, cars_at_b=1)
    book(svc, "bo@example.com", day(4), day(6), zip_code=B)
    one_way = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)

    def version(zip_code):
        with db.session() as s:
            return s.get(PoolVersion, ("SUV", zip_code)).version

    before = version(B)
    change_accepting_the_price(svc, one_way.id, return_zip_code=A)
    assert version(B) > before


def test_an_unknown_return_location_in_a_change_names_it_and_saves_nothing(svc, fleet, db):
    setup(fleet, db, cars_at_b=0)
    one_way, _ = one_way_with_a_booking_on_its_car(svc, db)
    before = snapshot(svc)
    with pytest.raises(RentalError) as refused:
        svc.update_reservation(one_way.id, return_zip_code="99999")
    assert refused.value.field == "return_zip_code" and "'99999'" in refused.value.message
    assert snapshot(svc) == before


# -- a property: whatever the change, the old return branch's book stays placed -------------------------

bookings_at_b = st.lists(st.tuples(st.integers(3, 8), st.integers(1, 3), st.booleans()), min_size=1, max_size=5)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bookings_at_b, st.integers(0, 1), st.sampled_from([A, C, B]), st.integers(2, 7))
def test_a_change_of_a_one_way_never_leaves_a_booking_without_a_car(at_b, cars_at_b, new_return, new_end):
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'branch.sqlite'}")
        try:
            svc = ReservationService(db, clock=Clock())
            setup(PoolBuilder(db), db, cars_at_b=cars_at_b)
            one_way = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
            for n, (start, length, by_car) in enumerate(at_b):
                try:
                    book(svc, f"c{n}@example.com", day(start), day(start + length), zip_code=B,
                         car_id=one_way.car_id if by_car else None)
                except RentalError:
                    pass  # full: not booked
            before = snapshot(svc)
            try:
                change_accepting_the_price(svc, one_way.id, return_zip_code=new_return, end=day(new_end))
            except RentalError:
                assert snapshot(svc) == before  # refused: exactly as it was
            assert svc.list_reservations(needs_car=True) == []
            ow = svc.get_reservation(one_way.id)
            on_the_car = [r for r in svc.list_reservations() if r.zip_code == B and r.car_id == ow.car_id]
            # on the arriving car only when it still comes, and only after it has come
            assert all(ow.return_zip_code == B and r.start >= ow.end for r in on_the_car)
        finally:
            db.close()
