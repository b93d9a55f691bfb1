"""The reservation service on a real SQLite file: the seed's flow and every rule."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from rentaldesk import placement
from rentaldesk.errors import (
    DriverUnavailable,
    DuplicateReservation,
    InvalidInput,
    InvalidPeriod,
    NotAvailable,
    PriceChanged,
    RentalError,
    ReservationNotFound,
    UnknownPool,
)
from rentaldesk.models import Car, Customer, VehicleClass
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import Changes

from ..conftest import day


def book(svc, start, end, *, email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001", **kw):
    return svc.create_reservation(email=email, name=name, vehicle_class=vehicle_class, zip_code=zip_code,
                                  start=start, end=end, **kw)


def rows(db):
    with db.session() as s:
        return {r.id: (r.status, r.car_id, r.start_at, r.end_at, r.version, r.price) for r in s.scalars(select(Row))}


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


# -- the seed's whole flow --------------------------------------------------------------------------

def test_create_update_cancel_expire_flow(svc, fleet, clock, db):
    fleet.cars(1, "SUV", rate="80.00")
    r = book(svc, day(1), day(3), phone="555-0100")
    assert r.status == "confirmed" and r.version == 1
    assert r.start == day(1) and r.end == day(3) and r.start.tzinfo is not None
    assert r.price == Decimal("160.00")  # 2 days x class rate
    assert len(r.reference) == 8 and r.reference.startswith("R")
    assert svc.get_reservation(r.reference.lower()) == r

    with pytest.raises(PriceChanged, match=r"\$160\.00 → \$240\.00 \(1 day more at \$80\.00 a day\)") as refused:
        svc.update_reservation(r.id, end=day(4), phone="555-0199")
    assert (refused.value.old, refused.value.new, refused.value.field) == (Decimal("160.00"), Decimal("240.00"), "price")
    assert svc.get_reservation(r.id) == r  # nothing of it saved, the phone neither
    changed = svc.update_reservation(r.id, end=day(4), phone="555-0199", accept_price=Decimal("240.00"))
    assert changed.end == day(4) and changed.version == 2 and changed.price == Decimal("240.00")
    assert changed.customer_phone == "555-0199"

    cancelled = svc.cancel_reservation(r.id)
    assert cancelled.status == "cancelled"
    assert svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(1), end=day(3))

    again = book(svc, day(5), day(6))
    clock.advance(days=7)
    assert svc.mark_reservations_expired() == 1
    assert svc.get_reservation(again.id).status == "expired"
    assert svc.mark_reservations_expired() == 0


# -- customers ----------------------------------------------------------------------------------------

def test_customer_is_their_email_in_any_case_and_spacing(svc, db):
    first = svc.customer_id_for("Bob@Example.COM", name="Bob")
    assert svc.customer_id_for("  bob@example.com ") == first
    assert svc.customer_id_for("other@example.com") != first
    assert count(db, Customer) == 2


@pytest.mark.parametrize("email", ["", "   ", "bob", "bob@", "@example.com", "bob@example", "a b@example.com"])
def test_bad_email_is_refused_and_nothing_saved(svc, db, email):
    with pytest.raises(InvalidInput) as exc:
        svc.customer_id_for(email)
    assert exc.value.field == "email"
    assert count(db, Customer) == 0


def test_known_customer_keeps_recorded_name_on_new_booking(svc, fleet):
    fleet.cars(2)
    book(svc, day(1), day(2), name="Ann Lee")
    second = book(svc, day(5), day(6), email=" ANN@example.com", name="Somebody Else")
    assert second.customer_name == "Ann Lee"


# -- period rules via the service -------------------------------------------------------------------

def test_period_rules_refuse_and_save_nothing(svc, fleet, db):
    fleet.cars(1)
    with pytest.raises(InvalidPeriod, match="too early"):
        book(svc, day(0, 1), day(2))
    with pytest.raises(InvalidPeriod, match="too short"):
        book(svc, day(1), day(1, 23))
    with pytest.raises(InvalidPeriod, match="no time zone"):
        book(svc, datetime(2030, 3, 6, 10), day(4))
    assert count(db, Row) == 0 and count(db, Customer) == 0


def test_boundaries_are_inclusive(svc, fleet):
    fleet.cars(1)
    r = book(svc, day(0, 2), day(1, 2))  # exactly the lead time, exactly one day
    assert r.status == "confirmed"


# -- pools ---------------------------------------------------------------------------------------------

def test_unknown_class_and_zip_are_named(svc, fleet):
    fleet.cars(1, "SUV", "10001")
    with pytest.raises(UnknownPool, match="unknown vehicle class 'tank' \\(known: SUV\\)"):  # as typed
        book(svc, day(1), day(2), vehicle_class="tank")
    with pytest.raises(UnknownPool, match="unknown zip code '99999' \\(known: 10001\\)") as exc:
        book(svc, day(1), day(2), zip_code="99999")
    assert exc.value.field == "zip_code"
    assert isinstance(exc.value, RentalError)


def test_class_and_zip_are_matched_loosely(svc, fleet):
    fleet.cars(1, "SUV", "10001")
    r = book(svc, day(1), day(2), vehicle_class=" suv ", zip_code=" 10001 ")
    assert (r.vehicle_class, r.zip_code) == ("SUV", "10001")
    fleet.cars(1, "VAN", "10001")
    with svc.db.write() as s:
        s.get_one(VehicleClass, "VAN").name = "Family  Minivan"
    # its name as the branch calls it, in any case and spacing: the one class lookup (class_code_of)
    r = book(svc, day(1), day(2), email="m@example.com", vehicle_class="family minivan")
    assert r.vehicle_class == "VAN"


def test_no_car_in_service(svc, fleet):
    fleet.cars(1, status="maintenance")
    with pytest.raises(NotAvailable, match="no SUV car is in service at 10001"):
        book(svc, day(1), day(2))


# -- overlap and capacity ----------------------------------------------------------------------------

def test_back_to_back_reservations_share_one_car(svc, fleet):
    (car,) = fleet.cars(1)
    a = book(svc, day(1), day(2), email="a@example.com")
    b = book(svc, day(2), day(3), email="b@example.com")
    assert a.car_id == b.car_id == car


def test_full_pool_is_not_available(svc, fleet, db):
    fleet.cars(1)
    book(svc, day(1), day(3), email="a@example.com")
    assert not svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(4))
    before = rows(db)
    with pytest.raises(NotAvailable) as refused:
        book(svc, day(2), day(4), email="b@example.com")
    assert refused.value.message == ("the only SUV car at 10001 is booked for "
                                     "Wed 6 Mar 2030, 07:00 to Fri 8 Mar 2030, 07:00 EST")
    assert rows(db) == before
    assert count(db, Customer) == 1  # the refused customer was not half-saved


def test_turnaround_buffer_extends_the_hold(svc, fleet, db):
    fleet.branch("20002", turnaround=60)
    fleet.cars(1, zip_code="20002")
    book(svc, day(1), day(2), zip_code="20002", email="a@example.com")
    with pytest.raises(NotAvailable):
        book(svc, day(2), day(3), zip_code="20002", email="b@example.com")
    assert book(svc, day(2, 1), day(3, 1), zip_code="20002", email="b@example.com").status == "confirmed"
    assert svc.reserved_count(vehicle_class="SUV", zip_code="20002", start=day(2), end=day(2, 1)) == 1


def test_exact_capacity_repacks_the_issue_example(svc, fleet, db):
    # Two SUVs; A [1,3) and B [4,6) sit on different cars; C [2,5) fits only if A and B share one.
    cars = fleet.cars(2)
    a = book(svc, day(1), day(3), email="a@example.com", car_id=None)
    b = book(svc, day(4), day(6), email="b@example.com")
    # Put A and B on different cars, as an earlier state of the fleet could have left them.
    with db.write() as s:
        s.get(Row, a.id).car_id = cars[0]
        s.get(Row, b.id).car_id = cars[1]
    assert svc.reserved_count(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(5)) == 2
    assert svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(5))
    heard: list[Changes] = []
    svc.subscribe(heard.append)
    c = book(svc, day(2), day(5), email="c@example.com")
    a2, b2 = svc.get_reservation(a.id), svc.get_reservation(b.id)
    assert a2.car_id == b2.car_id != c.car_id
    moved = {r.id for r in (a2, b2) if r.car_id != {a.id: cars[0], b.id: cars[1]}[r.id]}
    assert len(moved) == 1
    (moved_id,) = moved
    assert svc.get_reservation(moved_id).version == 2
    assert heard[-1].reservations == {c.id, moved_id}


def test_pinned_reservations_are_never_moved(svc, fleet, db):
    cars = fleet.cars(2)
    book(svc, day(1), day(3), email="a@example.com", car_id=cars[0])
    book(svc, day(4), day(6), email="b@example.com", car_id=cars[1])
    with pytest.raises(NotAvailable):
        book(svc, day(2), day(5), email="c@example.com")


def test_started_reservations_are_not_moved(svc, fleet, db, clock):
    cars = fleet.cars(2)
    a = book(svc, day(1), day(3), email="a@example.com")
    b = book(svc, day(4), day(6), email="b@example.com")
    with db.write() as s:
        s.get(Row, a.id).car_id = cars[0]
        s.get(Row, b.id).car_id = cars[1]
    clock.advance(days=1, hours=1)  # A has started (not picked up yet): it stays on its car
    c = book(svc, day(2, 3), day(5), email="c@example.com")
    assert svc.get_reservation(a.id).car_id == cars[0]
    assert c.car_id == cars[1] and svc.get_reservation(b.id).car_id == cars[0]


def test_booking_a_specific_car_moves_a_class_reservation_off_it(svc, fleet):
    cars = fleet.cars(2)
    a = book(svc, day(1), day(3), email="a@example.com")
    pinned = book(svc, day(2), day(4), email="b@example.com", car_id=a.car_id)
    assert pinned.car_id == a.car_id and pinned.pinned
    assert svc.get_reservation(a.id).car_id == (set(cars) - {a.car_id}).pop()
    assert pinned.price == Decimal("180.00")  # pinned: the car's own cost per day


def test_asking_for_a_car_of_another_pool_is_refused(svc, fleet):
    fleet.cars(1, "SUV")
    (van,) = fleet.cars(1, "VAN")
    with pytest.raises(NotAvailable, match=f"car {van} is not an available SUV at 10001") as exc:
        book(svc, day(1), day(2), car_id=van)
    assert exc.value.field == "car_id"


def test_free_cars_lists_bookable_cars(svc, fleet):
    cars = fleet.cars(3)
    book(svc, day(1), day(3), email="a@example.com", car_id=cars[0])
    assert svc.free_cars(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(4)) == cars[1:]


# -- duplicates ---------------------------------------------------------------------------------------

def test_same_customer_cannot_hold_two_overlapping_of_same_pool(svc, fleet, db):
    fleet.cars(3)
    fleet.cars(1, "VAN")
    first = book(svc, day(1), day(3))
    with pytest.raises(DuplicateReservation) as refused:
        book(svc, day(2), day(4), email="ANN@example.com ")
    assert refused.value.message == (
        f"ann@example.com already holds {first.reference}, an SUV at 10001 for Tue 5 Mar 2030, 07:00 to "
        "Thu 7 Mar 2030, 07:00 EST, which overlaps this period")
    other = book(svc, day(5), day(6))
    with pytest.raises(DuplicateReservation, match=f"already holds {first.reference}, an SUV"):  # a change too
        svc.update_reservation(other.id, start=day(2, 12), end=day(3, 12))
    cid = svc.customer_id_for("ann@example.com")
    held = svc.duplicate_of(customer_id=cid, vehicle_class="SUV", zip_code="10001", start=day(2), end=day(4))
    assert held is not None and f"already holds {first.reference}" in held.message
    assert not svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(4),
                                       customer_id=cid)
    assert svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(4))
    # another class, or back to back, is fine
    assert book(svc, day(2), day(4), vehicle_class="VAN").status == "confirmed"
    assert book(svc, day(3), day(4)).status == "confirmed"


def test_cancelled_reservation_does_not_count_as_duplicate(svc, fleet):
    fleet.cars(1)
    r = book(svc, day(1), day(3))
    svc.cancel_reservation(r.id)
    assert book(svc, day(1), day(3)).status == "confirmed"


# -- update ---------------------------------------------------------------------------------------------

def test_update_rechecks_availability_leaving_itself_out(svc, fleet):
    fleet.cars(1)
    r = book(svc, day(1), day(3))
    moved = svc.update_reservation(r.id, start=day(2), end=day(4))  # overlaps its old self: fine
    assert (moved.start, moved.end) == (day(2), day(4))


def test_refused_update_leaves_reservation_exactly_as_it_was(svc, fleet, db):
    fleet.cars(1)
    r = book(svc, day(1), day(3), email="a@example.com")
    book(svc, day(5), day(7), email="b@example.com")
    before = rows(db)
    with pytest.raises(NotAvailable):
        svc.update_reservation(r.id, end=day(6), name="New Name")
    with pytest.raises(InvalidPeriod, match="too short"):
        svc.update_reservation(r.id, end=day(1, 12))
    with pytest.raises(InvalidPeriod, match="too early"):
        svc.update_reservation(r.id, start=day(0, 1))
    assert rows(db) == before
    assert svc.get_reservation(r.id).customer_name == "Ann Lee"


def test_update_name_and_phone_updates_the_customer(svc, fleet):
    fleet.cars(1)
    r = book(svc, day(1), day(3))
    u = svc.update_reservation(r.id, name="Ann Smith", phone="+1 555 0101")
    assert (u.customer_name, u.customer_phone, u.version) == ("Ann Smith", "+1 555 0101", 1)
    with pytest.raises(InvalidInput):
        svc.update_reservation(r.id, name="  ")


def test_update_of_cancelled_or_unknown(svc, fleet):
    fleet.cars(1)
    r = book(svc, day(1), day(3))
    svc.cancel_reservation(r.id)
    with pytest.raises(RentalError, match="is cancelled and can no longer be changed"):
        svc.update_reservation(r.id, end=day(4))
    with pytest.raises(ReservationNotFound):
        svc.update_reservation("nope", end=day(4))


def test_started_reservation_can_only_change_its_return(svc, fleet, clock):
    fleet.cars(1)
    r = book(svc, day(1), day(3))
    clock.now = day(1, 1)
    with pytest.raises(RentalError, match="has started"):
        svc.update_reservation(r.id, start=day(1, 5))
    assert svc.update_reservation(r.id, end=day(5), accept_price=Decimal("320.00")).end == day(5)


def test_the_price_kept_a_change_is_priced_at_the_booked_rate_and_confirmed(svc, fleet, db):
    """The price quoted is the price kept: a new period is priced at the rate the reservation was
    booked at (not today's class or car rate), and is saved only at the price the clerk accepted."""
    fleet.cars(2, "SUV", rate="78.00", cost="96.00")
    dee = fleet.driver("Dee Driver", rate="20.00")
    r = book(svc, day(1), day(4), driver_id=dee)
    assert r.price == Decimal("294.00")  # 3 days x (78 + 20)
    with db.session() as s:  # the fleet's rates change after the booking
        s.execute(update(VehicleClass).values(day_rate=Decimal("90.00")))
        s.commit()
    same_days = svc.update_reservation(r.id, start=day(1, 2), end=day(4, 2))  # same days: no question
    assert same_days.price == r.price
    before = rows(db)
    # (the longer period ends before the clock change of 10 Mar: this test is not about it)
    with pytest.raises(PriceChanged) as shown:  # what the clerk is shown first
        svc.update_reservation(r.id, end=day(5, 2))
    quote = shown.value
    assert (quote.old, quote.new, quote.why) == (Decimal("294.00"), Decimal("392.00"), "1 day more at $98.00 a day")
    for offered in (None, Decimal("294.00"), Decimal("391.99")):
        with pytest.raises(PriceChanged) as refused:
            svc.update_reservation(r.id, end=day(5, 2), accept_price=offered)
        assert refused.value.new == Decimal("392.00")
    assert rows(db) == before
    longer = svc.update_reservation(r.id, end=day(5, 2), accept_price=quote.new)
    assert longer.price == Decimal("392.00")
    with pytest.raises(PriceChanged) as shown:
        svc.update_reservation(r.id, end=day(2, 2))
    assert (shown.value.new, shown.value.why) == (Decimal("98.00"), "3 days less at $98.00 a day")
    assert "$392.00 → $98.00 (3 days less at $98.00 a day)" in shown.value.message


# -- cancel ----------------------------------------------------------------------------------------------

def test_cancel_unknown_id(svc):
    with pytest.raises(ReservationNotFound, match="no reservation 'missing'"):
        svc.cancel_reservation("missing")


def test_cancel_twice_is_refused(svc, fleet):
    fleet.cars(1)
    r = book(svc, day(1), day(3))
    svc.cancel_reservation(r.reference)
    with pytest.raises(RentalError, match="already cancelled"):
        svc.cancel_reservation(r.id)


# -- expiry ----------------------------------------------------------------------------------------------

def test_expired_reservations_stop_counting(svc, fleet, clock, db):
    fleet.cars(1)
    old = book(svc, day(1), day(2), email="a@example.com")
    clock.now = day(2, 1)
    # create first marks expired reservations: the expired one no longer blocks its car or customer
    r = book(svc, day(2, 3), day(3, 3), email="a@example.com")
    assert svc.get_reservation(old.id).status == "expired"
    assert r.status == "confirmed"


def test_active_reservation_does_not_expire(svc, fleet, clock):
    fleet.cars(1)
    r = book(svc, day(1), day(2))
    clock.now = day(1)
    svc.pick_up(r.id)
    clock.now = day(3)
    assert svc.mark_reservations_expired() == 0
    assert svc.get_reservation(r.id).status == "active"
    assert svc.return_car(r.id, odometer=1200).status == "completed"


# -- pick-up and return -----------------------------------------------------------------------------------

def test_pick_up_pins_and_keeps_the_booked_price(svc, fleet, clock, db):
    fleet.cars(1, rate="80.00", cost="95.00")
    r = book(svc, day(1), day(3))
    assert r.price == Decimal("160.00")
    with pytest.raises(RentalError, match="pick-up opens 12 hours before"):
        svc.pick_up(r.id)
    clock.now = day(1)
    p = svc.pick_up(r.id, odometer=1500)
    assert (p.status, p.pinned, p.price) == ("active", True, Decimal("160.00"))  # not the car's $95 a day
    with pytest.raises(RentalError, match="return the car instead"):
        svc.cancel_reservation(r.id)
    with pytest.raises(InvalidInput, match="below the recorded 1500"):
        svc.return_car(r.id, odometer=10)
    done = svc.return_car(r.id, odometer=1800)
    assert done.status == "completed"
    with db.session() as s:
        assert s.get(Car, r.car_id).odometer == 1800


# -- drivers ----------------------------------------------------------------------------------------------

def test_driver_is_never_on_two_overlapping_reservations(svc, fleet, db):
    fleet.cars(2)
    dee = fleet.driver("Dee Driver", rate="60.00")
    r = book(svc, day(1), day(3), email="a@example.com", driver_id=dee)
    assert r.price == Decimal("160.00") + Decimal("120.00")
    before = rows(db)
    with pytest.raises(DriverUnavailable, match=f"driver Dee Driver is busy with {r.reference}") as exc:
        book(svc, day(2), day(4), email="b@example.com", driver_id=dee)
    assert exc.value.field == "driver_id"
    assert rows(db) == before
    assert book(svc, day(3), day(4), email="b@example.com", driver_id=dee).driver_id == dee


def test_inactive_or_unknown_driver_is_refused(svc, fleet):
    fleet.cars(1)
    off = fleet.driver("Off Duty", status="inactive")
    with pytest.raises(DriverUnavailable, match="driver Off Duty is inactive"):
        book(svc, day(1), day(2), driver_id=off)
    with pytest.raises(DriverUnavailable, match="no driver with id 999"):
        book(svc, day(1), day(2), driver_id=999)


def test_changing_period_rechecks_the_driver(svc, fleet):
    fleet.cars(2)
    dee = fleet.driver()
    book(svc, day(4), day(6), email="a@example.com", driver_id=dee)
    r = book(svc, day(1), day(3), email="b@example.com", driver_id=dee)
    with pytest.raises(DriverUnavailable):
        svc.update_reservation(r.id, end=day(5))


# -- listing ----------------------------------------------------------------------------------------------

def test_list_and_search(svc, fleet):
    fleet.cars(2)
    a = book(svc, day(1), day(2), email="a@example.com", name="Ann Lee")
    b = book(svc, day(3), day(4), email="bo@example.com", name="Bo Chen")
    assert [r.id for r in svc.list_reservations()] == [a.id, b.id]
    assert [r.id for r in svc.list_reservations(search="chen")] == [b.id]
    assert [r.id for r in svc.list_reservations(search=a.reference.lower())] == [a.id]
    assert [r.id for r in svc.list_reservations(search=b.plate_number)] == [
        r.id for r in (a, b) if r.plate_number == b.plate_number
    ]
    svc.cancel_reservation(a.id)
    assert [r.id for r in svc.list_reservations(status="confirmed")] == [b.id]
    assert [r.id for r in svc.list_reservations(starts_from=day(2), starts_before=day(5))] == [b.id]
    assert svc.list_reservations(zip_code="nowhere") == []


def test_clock_must_be_aware(db):
    from rentaldesk.reservations import ReservationService

    bad = ReservationService(db, clock=lambda: datetime(2030, 1, 1))
    with pytest.raises(InvalidPeriod, match="clock"):
        bad.mark_reservations_expired()


def test_quote_matches_create(svc, fleet):
    fleet.cars(1, rate="80.00")
    dee = fleet.driver(rate="50.00")
    q = svc.quote(vehicle_class="SUV", zip_code="10001", start=day(1), end=day(3, 1), driver_id=dee)
    assert q == book(svc, day(1), day(3, 1), driver_id=dee).price == Decimal("390.00")


def test_long_gap_after_no_overlap_with_hours(svc, fleet):
    fleet.cars(1)
    book(svc, day(1), day(2), email="a@example.com")
    assert svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(3) + timedelta(hours=5))


def test_a_pool_the_search_cannot_decide_in_its_budget_is_decided_exactly(svc, fleet, db, monkeypatch, caplog):
    monkeypatch.setattr(placement, "DEFAULT_NODE_BUDGET", 0)  # every open question goes to CP-SAT
    cars = fleet.cars(3)
    a = book(svc, day(1), day(3), email="a@example.com")
    b = book(svc, day(4), day(6), email="b@example.com")
    book(svc, day(1), day(3), email="p@example.com", car_id=cars[2])
    with db.write() as s:  # A and B on different cars, C [2, 5) then fits only if they share one
        s.get(Row, a.id).car_id, s.get(Row, b.id).car_id = cars[0], cars[1]
    with caplog.at_level(logging.INFO, logger="rentaldesk.placement"):
        c = book(svc, day(2), day(5), email="c@example.com")
    assert "placement decided by CP-SAT: placed" in caplog.text
    placed = {r: car for r, (_, car, *_) in rows(db).items()}
    assert placed[a.id] == placed[b.id] != placed[c.id] != cars[2]
    before = rows(db)
    with pytest.raises(NotAvailable, match="all 3 SUV cars at 10001 are booked"):  # a clerk's message
        book(svc, day(2), day(5), email="d@example.com")
    assert rows(db) == before
    assert not svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(5))


def test_a_car_shared_for_a_while_does_not_look_like_a_free_car(svc, fleet, db):
    # Head office placed A on B's car; B's new car is still on its way to this branch. The pool's
    # two SUVs hold A and B: a third overlapping booking must be refused, not given the "free" car.
    cars = fleet.cars(2)
    a = book(svc, day(1), day(3), email="a@example.com")
    b = book(svc, day(1), day(3), email="b@example.com")
    with db.write() as s:
        s.get(Row, a.id).car_id = s.get(Row, b.id).car_id = cars[0]
    assert not svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(4))
    with pytest.raises(NotAvailable):
        book(svc, day(2), day(4), email="c@example.com")


# -- a reservation that needs a car, and the manager's ways out -------------------------------------


def _to_maintenance(db, car_id, clock):
    from rentaldesk.cars import update_car

    with db.session() as s:
        car = s.get(Car, car_id)
        values = {"plate_number": car.plate_number, "model": car.model, "year": car.year, "color": car.color,
                  "transmission": car.transmission, "cost_per_day": str(car.cost_per_day),
                  "vehicle_class": car.vehicle_class, "zip_code": car.zip_code, "status": "maintenance",
                  "odometer": car.odometer}
    return update_car(db, car_id, values, now=clock())


def test_a_reservation_needing_a_car_gets_a_higher_class_at_its_price(db, fleet, svc, clock):
    (suv,) = fleet.cars(1, "SUV", rate="80.00")
    (lux,) = fleet.cars(1, "LUXURY", rate="150.00", cost="160.00")
    (eco,) = fleet.cars(1, "ECONOMY", rate="40.00")
    r = book(svc, day(1), day(3))
    assert _to_maintenance(db, suv, clock).needs_car == (r.reference,)
    assert svc.get_reservation(r.id).needs_car
    with pytest.raises(NotAvailable, match="below the SUV booked"):
        svc.assign_car(r.id, eco)
    with pytest.raises(InvalidInput, match="already"):
        svc.assign_car(r.id, suv)
    (broken,) = fleet.cars(1, "LUXURY", status="maintenance")
    with pytest.raises(NotAvailable, match="is maintenance"):
        svc.assign_car(r.id, broken)
    done = svc.assign_car(r.id, lux)
    assert (done.car_id, done.vehicle_class, done.pinned, done.price, done.needs_car) == (lux, "LUXURY", True, r.price, False)
    assert "at the booked price" in done.status_reason
    # the luxury car is taken for the period now
    with pytest.raises(NotAvailable):
        book(svc, day(1), day(3), email="b@example.com", vehicle_class="LUXURY")


def test_a_reservation_needing_a_car_can_move_to_another_location(db, fleet, svc, clock):
    (here,) = fleet.cars(1, "SUV", "10001")
    (there,) = fleet.cars(1, "SUV", "20002")
    r = book(svc, day(1), day(3))
    _to_maintenance(db, here, clock)
    other = book(svc, day(2), day(4), email="c@example.com", zip_code="20002")  # holds the only SUV there
    with pytest.raises(NotAvailable):
        svc.assign_car(r.id, there)  # booked by another: refused, nothing changed
    assert svc.get_reservation(r.id).car_id == here
    svc.cancel_reservation(other.id)
    done = svc.assign_car(r.id, there)
    assert (done.zip_code, done.car_id, done.needs_car) == ("20002", there, False)
    with pytest.raises(RentalError, match="on T0000"):
        svc.assign_car(r.id, there)


def test_one_composition_writes_every_column_of_a_new_reservation():
    """book(), head office's batch path and a branch applying head office's state all write the row
    new_reservation_row composes: a column added to the table and not to it fails here."""
    from rentaldesk.models import table
    from rentaldesk.reservations import NewReservationRow, new_reservation_row

    row = new_reservation_row(
        id="r", reference="R1", customer_id="c", vehicle_class="SUV", zip_code="10001", car_id=1, pinned=False,
        driver_id=None, start=day(1), end=day(2), status="confirmed", price=Decimal("1.00"), source="", now=day(0),
    )
    columns = {c.key for c in table(Row).columns}
    assert set(row) == columns == set(NewReservationRow.__annotations__)


# -- room: exact capacity for one period -------------------------------------------------------------

def test_room_says_how_many_more_bookings_fit_and_on_which_cars(svc, fleet):
    cars = fleet.cars(6)
    pool = {"vehicle_class": "SUV", "zip_code": "10001"}
    for i in range(4):
        book(svc, day(1), day(3), email=f"c{i}@example.com")
    book(svc, day(1), day(3), email="pin@example.com", car_id=cars[2])
    room = svc.room(**pool, start=day(1), end=day(3))
    assert (room.more, room.of, room.text()) == (1, 6, "room for 1 more of 6 SUV cars")
    # the class bookings may move for it, the one asked by car may not
    assert room.cars == tuple(c for c in cars if c != cars[2])
    assert svc.free_cars(**pool, start=day(1), end=day(3)) == list(room.cars)
    book(svc, day(1), day(3), email="last@example.com")
    full = svc.room(**pool, start=day(1), end=day(3))
    assert (full.more, full.cars, full.text()) == (0, (), "no room: all 6 SUV cars are taken")
    assert svc.room(**pool, start=day(3), end=day(4)).more == 6  # back to back: all free again


def test_room_counts_the_moves_the_engine_would_make(svc, fleet, db):
    """Two cars; A [1,3) and B [4,6) go on different cars (best fit), so no car is free for [2,5);
    once A and B share a car there is room for one: the count is 1, not 0."""
    first, _ = fleet.cars(2)
    blocker = book(svc, day(1), day(3), email="p@example.com", car_id=first)
    book(svc, day(1), day(3), email="a@example.com")  # on the second car
    book(svc, day(3, 12), day(6), email="b@example.com")  # on the first
    svc.cancel_reservation(blocker.id)
    with db.session() as s:
        assert len({r.car_id for r in s.scalars(select(Row)) if r.status == "confirmed"}) == 2  # nothing free
    room = svc.room(vehicle_class="SUV", zip_code="10001", start=day(2), end=day(5))
    assert (room.more, room.of) == (1, 2)
    # the check of "room for N": N more are each accepted by the engine, the N+1-th refused
    for i in range(room.more):
        book(svc, day(2), day(5), email=f"n{i}@example.com")
    with pytest.raises(NotAvailable):
        book(svc, day(2), day(5), email="one-too-many@example.com")


@pytest.mark.parametrize("seed", range(6))
def test_room_is_what_the_engine_then_accepts(svc, fleet, seed):
    """Random books (some by car, some with a turnaround): "room for N" is exactly the number of
    bookings of that period the engine then accepts one after another."""
    import random

    rng = random.Random(seed)
    cars = fleet.cars(4)
    for i in range(14):
        start = day(1, rng.randrange(0, 24 * 6))
        try:
            book(svc, start, start + timedelta(hours=rng.choice((24, 30, 48))), email=f"r{i}@example.com",
                 car_id=rng.choice(cars) if rng.random() < 0.3 else None)
        except NotAvailable:
            pass
    start = day(2, rng.randrange(0, 48))
    end = start + timedelta(hours=rng.choice((24, 48)))
    room = svc.room(vehicle_class="SUV", zip_code="10001", start=start, end=end)
    assert svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=start, end=end) == bool(room.more)
    taken = 0
    while True:
        try:
            book(svc, start, end, email=f"more{taken}@example.com")
        except NotAvailable:
            break
        taken += 1
    assert taken == room.more


def test_a_sold_out_pool_offers_the_ways_out(svc, fleet):
    """Sold out: another class at the location (nearest rate first), the class at another location
    (nearest zip first), and the nearest period of the same length; each one the engine takes."""
    fleet.cars(1, "SUV", "10001", rate="80.00")
    fleet.cars(1, "VAN", "10001", rate="95.00")
    fleet.cars(1, "LUXURY", "10001", rate="150.00")
    fleet.cars(1, "SUV", "90210")  # 80,209 zip numbers away: not nearby (NEARBY_ZIP_SPAN), never offered
    fleet.cars(1, "SUV", "10003")
    fleet.branch("10050", tz="America/Chicago")  # nearby, on another clock: its period is said on it
    fleet.cars(1, "SUV", "10050")
    pool = {"vehicle_class": "SUV", "zip_code": "10001"}
    assert svc.ways_out(**pool, start=day(2), end=day(4)) == []  # not sold out: nothing to offer
    book(svc, day(1), day(3), email="a@example.com")
    book(svc, day(1), day(3), email="l@example.com", vehicle_class="LUXURY")
    out = svc.ways_out(**pool, start=day(2), end=day(4))
    assert [(w.kind, w.vehicle_class, w.zip_code) for w in out] == [
        ("class", "VAN", "10001"), ("location", "SUV", "10003"), ("location", "SUV", "10050"), ("period", "SUV", "10001")]
    # the class by its name ("Van"), the period on the offered branch's clock, its zone as the desk's clock says it
    assert out[0].text == "a Van at 10001: room for 1 more of 1 Van car, $95.00 a day"
    assert out[1].text == ("an SUV at 10003, Branch 10003, for Wed 6 Mar 2030, 07:00 to Fri 8 Mar 2030, 07:00 EST: "
                           "room for 1 more of 1 SUV car, $80.00 a day")
    assert out[2].text.startswith("an SUV at 10050, Branch 10050, for Wed 6 Mar 2030, 06:00 to Fri 8 Mar 2030, 06:00 CST")
    assert (out[3].start, out[3].end) == (day(3), day(5))  # the car is back at day 3
    assert out[3].text.startswith("the same SUV for Thu 7 Mar 2030, 07:00 to Sat 9 Mar 2030, 07:00 EST")
    # a wider cap offers the far one too (the one setting: ways_out's ``nearby``)
    from rentaldesk.reservations import _load_pool, ways_out
    with svc.db.session() as s:
        wide = ways_out(s, _load_pool(s, "SUV", "10001"), day(2), day(4), svc.clock(), nearby=10**6)
    assert ("location", "90210") not in [(w.kind, w.zip_code) for w in out]
    assert [w.zip_code for w in wide if w.kind == "location"] == ["10003", "10050"]  # still the nearest 2 first
    for w in out:  # every way out is one the engine then accepts
        assert svc.is_rental_available(vehicle_class=w.vehicle_class, zip_code=w.zip_code, start=w.start, end=w.end)


def test_a_day_over_the_clock_change_is_a_day_and_its_nearest_period_too(svc, fleet):
    """10:00 to 10:00 over New York's spring change (23 hours) is a day: accepted (the minimum is a
    day), priced as one, and the nearest period offered when the pool is full is a day on the
    branch's clock as well, said with each end's zone name."""
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    fleet.cars(1, rate="78.00")
    start, end = datetime(2030, 3, 9, 10, tzinfo=ny), datetime(2030, 3, 10, 10, tzinfo=ny)
    r = book(svc, start, end)
    assert r.price == Decimal("78.00")  # one day, not a day and an hour
    [way] = svc.ways_out(vehicle_class="SUV", zip_code="10001", start=start, end=end)
    assert (way.kind, way.start, way.end) == ("period", end, datetime(2030, 3, 11, 10, tzinfo=ny))
    assert way.text == ("the same SUV for Sun 10 Mar 2030, 10:00 to Mon 11 Mar 2030, 10:00 EDT: "
                        "room for 1 more of 1 SUV car")
    with pytest.raises(NotAvailable, match="booked for Sat 9 Mar 2030, 10:00 EST to Sun 10 Mar 2030, 10:00 EDT"):
        book(svc, start, end, email="b@example.com")


def test_the_nearest_period_may_be_earlier(svc, fleet):
    fleet.cars(1)
    book(svc, day(3), day(6), email="a@example.com")
    out = svc.ways_out(vehicle_class="SUV", zip_code="10001", start=day(2, 12), end=day(3, 12))
    assert [(w.kind, w.start, w.end) for w in out] == [("period", day(2), day(3))]
