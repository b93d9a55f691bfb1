"""One-way returns (issue 11 item 6) on a real SQLite file: the return location booked and changed,
its drop fee kept in the price, where a car is at a time (rentaldesk/car_location.py) as the engine
counts it, and a one-way return at check-in moving the car and re-placing what it held."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from rentaldesk import car_location, contracts, rates
from rentaldesk.car_location import Move
from rentaldesk.errors import NotAvailable, PriceChanged, UnknownPool
from rentaldesk.models import Car
from rentaldesk.models import Reservation as Row

from ..conftest import day
from ..contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan

A, B = "10001", "60666"


@pytest.fixture
def two_branches(fleet, db):
    """Two SUVs at A, none at B, a plan at A and a drop fee A -> B of 50.00."""
    fleet.branch(B, tz="America/Chicago")
    cars = fleet.cars(2, "SUV", A)
    use_plan(db, plan())
    with db.write() as s:
        rates.save_drop_fee(s, A, B, Decimal("50.00"))
    return cars


def book(svc, email, start, end, zip_code=A, **more):
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                  zip_code=zip_code, start=start, end=end, **more)


def available(svc, zip_code, start, end):
    return svc.is_rental_available(vehicle_class="SUV", zip_code=zip_code, start=start, end=end)


# -- the rule itself ---------------------------------------------------------------------------------


def test_location_at_follows_the_moves_in_order_of_their_ends():
    moves = [Move("r2", 7, B, "30301", day(5), day(8)), Move("r1", 7, A, B, day(1), day(3))]
    assert car_location.location_at(A, moves, day(2)) == A
    assert car_location.location_at(A, moves, day(3)) == B  # from the end on (half-open)
    assert car_location.location_at(A, moves, day(9)) == "30301"
    assert car_location.location_at(A, [], day(9)) == A
    # a move from somewhere the car is not does not move it
    assert car_location.location_at(A, [Move("r3", 7, "30301", B, day(1), day(2))], day(4)) == A


def test_is_one_way():
    assert car_location.is_one_way(A, B)
    assert not car_location.is_one_way(A, A) and not car_location.is_one_way(A, None)


# -- booking -----------------------------------------------------------------------------------------


def test_a_one_way_booking_keeps_its_return_and_drop_fee_in_the_price(svc, two_branches, db):
    round_trip = svc.quote_charges(vehicle_class="SUV", zip_code=A, start=day(1), end=day(3))
    quoted = svc.quote_charges(vehicle_class="SUV", zip_code=A, start=day(1), end=day(3), return_zip_code=B)
    assert [ln.code for ln in quoted.lines if ln.code == "one-way"] == ["one-way"]
    assert quoted.line("one-way")[0].amount == Decimal("50.00")
    assert quoted.total > round_trip.total
    r = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    assert r.return_zip_code == B and r.price == quoted.total
    with db.write() as s:  # a later fee change never changes the booked price
        rates.save_drop_fee(s, A, B, Decimal("500.00"))
    changed = svc.update_reservation(r.id, name="Ann Lee")
    assert changed.price == quoted.total
    with db.session() as s:
        assert s.get_one(Row, r.id).drop_fee == Decimal("50.00")


def test_the_pick_up_location_as_return_is_a_round_trip(svc, two_branches):
    r = book(svc, "ann@example.com", day(1), day(3), return_zip_code=f" {A} ")
    assert r.return_zip_code is None


def test_an_unknown_return_location_is_refused_naming_it_and_nothing_is_saved(svc, two_branches):
    with pytest.raises(UnknownPool) as refused:
        book(svc, "ann@example.com", day(1), day(3), return_zip_code="99999")
    assert refused.value.field == "return_zip_code"
    assert "unknown return location '99999'" in refused.value.message and B in refused.value.message
    assert svc.list_reservations() == []


def test_a_changed_return_location_shows_the_new_price_before_it_is_saved(svc, two_branches, db):
    r = book(svc, "ann@example.com", day(1), day(3))
    with pytest.raises(PriceChanged) as shown:
        svc.update_reservation(r.id, return_zip_code=B)
    taxed = svc.quote_charges(vehicle_class="SUV", zip_code=A, start=day(1), end=day(3), return_zip_code=B).total
    assert shown.value.new == taxed > r.price + Decimal("50.00")  # the fee and its taxes
    assert "one-way drop fee of $50.00" in shown.value.message
    assert svc.get_reservation(r.id).return_zip_code is None  # refused: nothing changed
    one_way = svc.update_reservation(r.id, return_zip_code=B, accept_price=shown.value.new)
    assert (one_way.return_zip_code, one_way.price) == (B, shown.value.new)
    back_home = svc.update_reservation(r.id, return_zip_code=A, accept_price=r.price)
    assert (back_home.return_zip_code, back_home.price) == (None, r.price)


# -- the engine counts the car where it will be -------------------------------------------------------


def test_a_booked_one_way_moves_its_car_at_its_planned_end(svc, two_branches):
    one_way = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    # at B: the car arriving on day 3 is bookable from then, not before
    assert not available(svc, B, day(2), day(4))
    assert available(svc, B, day(3), day(5))
    b = book(svc, "bo@example.com", day(4), day(6), zip_code=B)
    assert b.car_id == one_way.car_id and not b.needs_car  # the arriving car, not "needs a car"
    # at A: the car has left with it; only the other car is counted after day 3
    book(svc, "cy@example.com", day(5), day(7))
    assert not available(svc, A, day(5), day(7))
    assert svc.reserved_count(vehicle_class="SUV", zip_code=B, start=day(1), end=day(9)) == 1  # not the arrival


def test_a_one_way_takes_a_car_with_nothing_after_it_moving_a_later_booking(svc, two_branches):
    later = book(svc, "bo@example.com", day(5), day(7))  # a class booking on one of the two cars
    one_way = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    assert svc.get_reservation(later.id).car_id != one_way.car_id
    # both cars' futures are now taken at A from day 5: one by Bo, one gone to B
    with pytest.raises(NotAvailable):
        book(svc, "cy@example.com", day(5), day(7))


def test_no_car_for_a_one_way_when_every_car_has_a_later_fixed_booking(svc, fleet, two_branches):
    first, second = two_branches
    book(svc, "bo@example.com", day(5), day(7), car_id=first)
    book(svc, "cy@example.com", day(5), day(7), car_id=second)
    with pytest.raises(NotAvailable):
        book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)


# -- check-in at another branch -------------------------------------------------------------------------


def _rent_and_return(svc, db, clock, r, returned_at, zip_code):
    may_rent(db, r.customer_id)
    clock.now = r.start
    with db.write() as s:
        agreement = contracts.check_out(s, check_out_value(r.id), clock.now)
    clock.now = returned_at
    return svc.check_in(check_in_value(agreement.id, returned_at, zip_code=zip_code))


def test_a_return_at_another_branch_moves_the_car_and_re_places_what_it_held(svc, db, clock, two_branches):
    first, second = two_branches
    r = book(svc, "ann@example.com", day(1), day(3), car_id=first)  # booked as a round trip
    both = [book(svc, "bo@example.com", day(5), day(7)), book(svc, "cy@example.com", day(5), day(7))]
    on_first = next(x for x in both if x.car_id == first)  # the two cars at A both taken on days 5-7
    view = _rent_and_return(svc, db, clock, r, day(3, 2), B)
    assert view.charges is not None and view.charges.line("one-way")[0].amount == Decimal("50.00")
    with db.session() as s:
        assert s.get_one(Car, first).zip_code == B
    # the reservation at A on the moved car: no other car is free then, so it needs a car (flagged)
    assert svc.get_reservation(on_first.id).needs_car
    assert [x.reference for x in svc.list_reservations(needs_car=True)] == [on_first.reference]
    assert [x.needs_car for x in both if x.id != on_first.id] == [False]
    # the engine: at A only the second car (busy day 5-7), at B the moved car
    assert not available(svc, A, day(5), day(7))
    assert available(svc, A, day(8), day(10))
    assert available(svc, B, day(4), day(6))
    assert book(svc, "di@example.com", day(4), day(6), zip_code=B).car_id == first


def test_a_return_at_another_branch_re_places_onto_a_free_car(svc, db, clock, fleet, two_branches):
    first, _ = two_branches
    third = fleet.cars(1, "SUV", A)[0]
    r = book(svc, "ann@example.com", day(1), day(3), car_id=first)
    later = book(svc, "bo@example.com", day(5), day(7))
    with db.write() as s:  # Bo's class reservation happens to sit on the car that will go away
        s.get_one(Row, later.id).car_id = first
    _rent_and_return(svc, db, clock, r, day(3), B)
    moved = svc.get_reservation(later.id)
    assert moved.car_id != first and moved.car_id in (two_branches[1], third) and not moved.needs_car


def test_a_booked_one_way_returned_as_booked_pays_the_kept_fee(svc, db, clock, two_branches):
    r = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    with db.write() as s:
        rates.save_drop_fee(s, A, B, Decimal("75.00"))
    view = _rent_and_return(svc, db, clock, r, day(3), B)
    assert view.charges is not None and view.charges.line("one-way")[0].amount == Decimal("50.00")
    with db.session() as s:
        car = s.get_one(Car, r.car_id)
        assert car.zip_code == B
        # no live one-way left: the car is simply B's
        assert s.scalars(select(Row.id).where(Row.return_zip_code.is_not(None), Row.status == "active")).all() == []


def test_a_one_way_changed_back_at_check_in_keeps_the_car_home(svc, db, clock, two_branches):
    r = book(svc, "ann@example.com", day(1), day(3), return_zip_code=B)
    view = _rent_and_return(svc, db, clock, r, day(3), A)
    assert view.charges is not None and not view.charges.line("one-way")
    with db.session() as s:
        assert s.get_one(Car, r.car_id).zip_code == A
        assert s.get_one(Row, r.id).return_zip_code is None
    assert available(svc, A, day(4), day(6)) and not available(svc, B, day(4), day(6))
