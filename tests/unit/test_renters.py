"""The renter rules (rentaldesk.renters): do-not-rent, the minimum age, the licence, the young-driver fee."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentaldesk.errors import RentalError
from rentaldesk.models import Customer, RenterRule
from rentaldesk.renters import (
    DoNotRent,
    Renter,
    RenterRules,
    Stage,
    age_on,
    check_renter,
    decide_renter,
    fee_for,
    rules_for,
    young_driver_fee,
)
from tests.conftest import T0, day

NY = ZoneInfo("America/New_York")
UTC = timezone.utc
#: Someone of 40 with a licence valid for years: every rule passes.
GOOD = Renter(name="Ann Lee", email="ann@example.com", date_of_birth=date(1990, 1, 1),
              licence_number="D1234567", licence_expiry=date(2035, 1, 1))


DEFAULT_RULES = RenterRules()
DAY_1, DAY_3 = day(1), day(3)


def refusal(renter: Renter, rules: RenterRules = DEFAULT_RULES, start: datetime = DAY_1, end: datetime = DAY_3,
            stage: Stage = Stage.CHECK_OUT, zone=NY) -> RentalError:
    with pytest.raises(RentalError) as caught:
        decide_renter(renter, rules, zone, start, end, stage=stage, what="SUV at 10001")
    return caught.value


def births(year_of_birth: int, month: int, d: int) -> Renter:
    return Renter(name="Kid", date_of_birth=date(year_of_birth, month, d), licence_number="D1",
                  licence_expiry=date(2040, 1, 1))


# -- the pure rule ----------------------------------------------------------------------------------


def test_a_good_renter_passes_at_booking_and_at_check_out():
    for stage in Stage:
        decide_renter(GOOD, RenterRules(), NY, day(1), day(3), stage=stage)


def test_do_not_rent_is_refused_at_both_stages_without_the_reason_in_the_message():
    flagged = Renter(name="Bo Ray", do_not_rent=True, do_not_rent_reason="damaged two cars, unpaid",
                     date_of_birth=GOOD.date_of_birth, licence_number="D1", licence_expiry=date(2035, 1, 1))
    for stage in Stage:
        err = refusal(flagged, stage=stage)
        assert isinstance(err, DoNotRent)
        assert err.field == "do_not_rent"
        assert "Bo Ray is on the do-not-rent list" in err.message
        assert "reason is on the customer's record" in err.message
        assert "unpaid" not in err.message and "damaged" not in err.message
        assert err.reason == "damaged two cars, unpaid"  # for the clerk's eyes only


def test_do_not_rent_comes_before_every_other_rule():
    err = refusal(Renter(name="X", do_not_rent=True))  # no birth date, no licence either
    assert err.field == "do_not_rent"


def test_under_the_minimum_age_on_the_pick_up_day_is_refused_naming_the_age_and_the_class():
    # 20 years old on the pick-up day (5 Mar 2030): born 6 Mar 2009 would be 20, minimum 21
    err = refusal(births(2009, 3, 6))
    assert err.field == "date_of_birth"
    assert err.message == ("Kid is 20 on the pick-up day (5 Mar 2030); SUV at 10001 needs a renter of at least 21")


def test_the_age_is_reached_on_the_birthday_itself():
    start = datetime(2030, 3, 5, 15, tzinfo=UTC)  # 10:00 in New York
    decide_renter(births(2009, 3, 5), RenterRules(), NY, start, start + timedelta(days=2), stage=Stage.CHECK_OUT)
    assert refusal(births(2009, 3, 6), start=start, end=start + timedelta(days=2)).field == "date_of_birth"


def test_the_pick_up_day_is_the_branchs_day_not_utcs():
    # 02:00 UTC on 5 Mar is still 4 Mar, 21:00 in New York: not yet 21 there
    start = datetime(2030, 3, 5, 2, tzinfo=UTC)
    born_5_march = births(2009, 3, 5)
    err = refusal(born_5_march, start=start, end=start + timedelta(days=2))
    assert "is 20 on the pick-up day (4 Mar 2030)" in err.message
    decide_renter(born_5_march, RenterRules(), ZoneInfo("UTC"), start, start + timedelta(days=2), stage=Stage.CHECK_OUT)


def test_a_29_february_birthday_falls_on_1_march_in_a_year_without_one():
    leapling = births(2008, 2, 29)
    # 2029 is not a leap year: 21 on 1 Mar 2029, not on 28 Feb
    feb_28 = datetime(2029, 2, 28, 17, tzinfo=UTC)
    mar_1 = datetime(2029, 3, 1, 17, tzinfo=UTC)
    assert "is 20 on the pick-up day (28 Feb 2029)" in refusal(leapling, start=feb_28, end=feb_28 + timedelta(days=2)).message
    decide_renter(leapling, RenterRules(), NY, mar_1, mar_1 + timedelta(days=2), stage=Stage.CHECK_OUT)
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20  # a leap year: on the day itself
    assert age_on(date(2008, 2, 29), date(2028, 2, 28)) == 19


def test_a_class_minimum_age_other_than_the_default():
    luxury = RenterRules(min_age=25)
    err = refusal(births(2006, 1, 1), luxury)  # 24
    assert "needs a renter of at least 25" in err.message
    decide_renter(births(2005, 1, 1), luxury, NY, day(1), day(3), stage=Stage.CHECK_OUT)


def test_no_date_of_birth_is_refused_at_check_out_and_left_to_it_at_booking():
    unknown = Renter(name="Cy", licence_number="D1", licence_expiry=date(2035, 1, 1))
    err = refusal(unknown)
    assert err.field == "date_of_birth"
    assert err.message == "no date of birth on file for Cy; it is needed to check out"
    decide_renter(unknown, RenterRules(), NY, day(1), day(3), stage=Stage.BOOKING)


def test_a_licence_expiring_before_the_return_is_refused_at_both_stages():
    # the rental ends 7 Mar 2030 (New York); the licence's last day is 6 Mar
    renter = Renter(name="Di", date_of_birth=date(1980, 1, 1), licence_number="D1", licence_expiry=date(2030, 3, 6))
    for stage in Stage:
        err = refusal(renter, end=day(3), stage=stage)
        assert err.field == "licence_expiry"
        assert err.message == "the driving licence of Di expires on 6 Mar 2030, before the return on 7 Mar 2030"


def test_a_licence_valid_through_the_return_day_passes():
    renter = Renter(name="Di", date_of_birth=date(1980, 1, 1), licence_number="D1", licence_expiry=date(2030, 3, 7))
    decide_renter(renter, RenterRules(), NY, day(1), day(3), stage=Stage.CHECK_OUT)


def test_an_expired_licence_says_expired():
    renter = Renter(name="Di", date_of_birth=date(1980, 1, 1), licence_number="D1", licence_expiry=date(2029, 1, 1))
    assert "expired on 1 Jan 2029" in refusal(renter).message


def test_no_licence_is_refused_at_check_out_naming_the_field():
    no_number = Renter(name="Ed", date_of_birth=date(1980, 1, 1), licence_expiry=date(2035, 1, 1))
    err = refusal(no_number)
    assert err.field == "licence_number"
    assert err.message == "no driving licence number on file for Ed; it is needed to check out"
    no_expiry = Renter(name="Ed", date_of_birth=date(1980, 1, 1), licence_number="D1")
    assert refusal(no_expiry).field == "licence_expiry"


def test_no_licence_at_booking_is_refused_only_where_the_branch_requires_it():
    bare = Renter(name="Ed", date_of_birth=date(1980, 1, 1))
    decide_renter(bare, RenterRules(), NY, day(1), day(3), stage=Stage.BOOKING)
    err = refusal(bare, RenterRules(licence_at_booking=True), stage=Stage.BOOKING)
    assert err.field == "licence_number"
    assert err.message == "no driving licence number on file for Ed; it is needed to book here"


def test_naive_times_are_refused():
    with pytest.raises(RentalError):
        decide_renter(GOOD, RenterRules(), NY, datetime(2030, 3, 5), datetime(2030, 3, 7), stage=Stage.BOOKING)


def test_the_young_driver_fee_applies_below_the_young_driver_age():
    rules = RenterRules(young_driver_fee_per_day=Decimal("15"))
    assert fee_for(births(2007, 1, 1), rules, NY, day(1)) == Decimal("15.00")  # 23
    assert fee_for(births(2005, 3, 5), rules, NY, day(1)) is None  # 25 on 5 Mar 2030
    assert fee_for(births(2007, 1, 1), RenterRules(), NY, day(1)) is None  # no fee set
    assert fee_for(Renter(name="?"), rules, NY, day(1)) is None  # no date of birth


# -- properties -------------------------------------------------------------------------------------


def _birthday(born: date, year: int) -> date:
    """The day someone born on ``born`` has their birthday in ``year`` (29 Feb -> 1 Mar)."""
    if (born.month, born.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 3, 1)
    return date(year, born.month, born.day)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 110),
       st.integers(0, 400))
def test_age_is_reached_on_the_birthday_and_not_a_day_before(born, years, extra_days):
    birthday = _birthday(born, born.year + years) if born.year + years <= 9998 else None
    if birthday is None:
        return
    assert age_on(born, birthday) == years
    if birthday > born:
        assert age_on(born, birthday - timedelta(days=1)) == years - 1
    later = birthday + timedelta(days=extra_days)
    assert age_on(born, later) == years + (later >= _birthday(born, born.year + years + 1))


renters = st.builds(
    Renter,
    name=st.just("R"),
    do_not_rent=st.booleans(),
    date_of_birth=st.none() | st.dates(min_value=date(1930, 1, 1), max_value=date(2015, 1, 1)),
    licence_number=st.sampled_from(["", "D1"]),
    licence_expiry=st.none() | st.dates(min_value=date(2029, 1, 1), max_value=date(2032, 1, 1)),
)
rule_sets = st.builds(RenterRules, min_age=st.integers(16, 30), licence_at_booking=st.booleans())
periods = st.tuples(st.integers(0, 600), st.integers(1, 60)).map(
    lambda p: (T0 + timedelta(days=p[0]), T0 + timedelta(days=p[0] + p[1])))


@given(renters, rule_sets, periods)
def test_what_passes_at_check_out_passes_at_booking(renter, rules, period):
    start, end = period
    try:
        decide_renter(renter, rules, NY, start, end, stage=Stage.CHECK_OUT)
    except RentalError:
        return
    decide_renter(renter, rules, NY, start, end, stage=Stage.BOOKING)


@given(renters, rule_sets, periods)
def test_a_refusal_names_one_of_the_customers_fields_and_matches_the_facts(renter, rules, period):
    start, end = period
    try:
        decide_renter(renter, rules, NY, start, end, stage=Stage.CHECK_OUT)
    except RentalError as err:
        assert err.field in {"do_not_rent", "date_of_birth", "licence_number", "licence_expiry"}
        if err.field == "date_of_birth" and renter.date_of_birth is not None:
            assert age_on(renter.date_of_birth, start.astimezone(NY).date()) < rules.min_age
        if err.field == "licence_expiry" and renter.licence_expiry is not None:
            assert renter.licence_expiry < end.astimezone(NY).date()
        return
    assert not renter.do_not_rent and renter.licence_number and renter.date_of_birth is not None
    assert renter.licence_expiry is not None and renter.licence_expiry >= end.astimezone(NY).date()
    assert age_on(renter.date_of_birth, start.astimezone(NY).date()) >= rules.min_age


# -- the database as the source ---------------------------------------------------------------------


def add_customer(db, **fields) -> str:
    values = {"id": "c-1", "email": "ann@example.com", "name": "Ann Lee", "licence_number": "D1234567",
              "licence_expiry": date(2035, 1, 1), "date_of_birth": date(1990, 1, 1), "created_at": T0}
    values.update(fields)
    with db.write() as s:
        s.add(Customer(**values))
    return str(values["id"])


def add_rule(db, zip_code="10001", vehicle_class=None, **fields) -> None:
    with db.write() as s:
        s.add(RenterRule(zip_code=zip_code, vehicle_class=vehicle_class, **fields))


def test_rules_for_takes_the_class_row_then_the_branch_row_then_the_defaults(db, fleet):
    fleet.cars(1, "SUV")
    fleet.cars(1, "LUXURY")
    fleet.cars(1, "SUV", "94105")
    with db.session() as s:
        assert rules_for(s, "SUV", "10001") == RenterRules()
    add_rule(db, min_age=23, licence_at_booking=True)
    add_rule(db, vehicle_class="LUXURY", min_age=25, young_driver_age=30, young_driver_fee_per_day=Decimal("20"))
    with db.session() as s:
        assert rules_for(s, "suv", "10001") == RenterRules(23, 25, Decimal("0.00"), True)
        assert rules_for(s, "LUXURY", "10001") == RenterRules(25, 30, Decimal("20.00"), False)
        assert rules_for(s, "SUV", "94105") == RenterRules()


def test_check_renter_reads_the_customer_and_the_class_rule(db, fleet):
    fleet.cars(1, "LUXURY")
    add_rule(db, vehicle_class="LUXURY", min_age=25)
    young = add_customer(db, id="c-young", email="kid@example.com", name="Kid", date_of_birth=date(2007, 1, 1))
    old = add_customer(db)
    with db.session() as s:
        check_renter(s, old, "LUXURY", "10001", day(1), day(3))
        with pytest.raises(RentalError) as caught:
            check_renter(s, young, "LUXURY", "10001", day(1), day(3))
    assert caught.value.field == "date_of_birth"
    assert caught.value.message == "Kid is 23 on the pick-up day (5 Mar 2030); LUXURY at 10001 needs a renter of at least 25"


def test_check_renter_is_the_check_out_rule_unless_told_booking(db, fleet):
    fleet.cars(1)
    bare = add_customer(db, licence_number="", licence_expiry=None, date_of_birth=None)
    with db.session() as s:
        with pytest.raises(RentalError) as caught:
            check_renter(s, bare, "SUV", "10001", day(1), day(3))
        check_renter(s, bare, "SUV", "10001", day(1), day(3), stage=Stage.BOOKING)
    assert caught.value.field == "date_of_birth"


def test_check_renter_refuses_a_do_not_rent_customer_from_the_database(db, fleet):
    fleet.cars(1)
    flagged = add_customer(db, do_not_rent=True, do_not_rent_reason="unpaid damage")
    with db.session() as s:
        with pytest.raises(DoNotRent) as caught:
            check_renter(s, flagged, "SUV", "10001", day(1), day(3), stage=Stage.BOOKING)
    assert caught.value.reason == "unpaid damage"


def test_check_renter_names_an_unknown_customer_class_or_location(db, fleet):
    fleet.cars(1)
    cid = add_customer(db)
    with db.session() as s:
        for args, field in (
            (("nobody", "SUV", "10001"), "customer"),
            ((cid, "VAN", "10001"), "vehicle_class"),
            ((cid, "SUV", "99999"), "zip_code"),
        ):
            with pytest.raises(RentalError) as caught:
                check_renter(s, *args, day(1), day(3))
            assert caught.value.field == field


def test_young_driver_fee_from_the_database(db, fleet):
    fleet.cars(1)
    add_rule(db, young_driver_fee_per_day=Decimal("12.50"))
    young = add_customer(db, id="c-young", email="kid@example.com", date_of_birth=date(2007, 1, 1))
    old = add_customer(db)
    with db.session() as s:
        assert young_driver_fee(s, young, "SUV", "10001", day(1)) == Decimal("12.50")
        assert young_driver_fee(s, old, "SUV", "10001", day(1)) is None


# -- the rule on every booking path ---------------------------------------------------------------


def book(svc, email="ann@example.com", start=None, end=None, vehicle_class="SUV"):  # noqa: ANN001, ANN201
    return svc.create_reservation(email=email, name="Ann Lee", vehicle_class=vehicle_class, zip_code="10001",
                                  start=start or day(1), end=end or day(3))


def reservations_of(db) -> int:  # noqa: ANN001
    from sqlalchemy import func, select

    from rentaldesk.models import Reservation

    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Reservation)) or 0)


def test_the_branch_booking_refuses_a_do_not_rent_customer_and_saves_nothing(db, fleet, svc):
    fleet.cars(2)
    add_customer(db, do_not_rent=True, do_not_rent_reason="unpaid damage")
    with pytest.raises(DoNotRent) as caught:
        book(svc)
    assert "unpaid" not in caught.value.message
    assert reservations_of(db) == 0


def test_the_branch_booking_refuses_under_the_class_minimum_age(db, fleet, svc):
    fleet.cars(1, "LUXURY")
    add_rule(db, vehicle_class="LUXURY", min_age=25)
    add_customer(db, date_of_birth=date(2006, 1, 1))
    with pytest.raises(RentalError) as caught:
        book(svc, vehicle_class="LUXURY")
    assert caught.value.field == "date_of_birth"
    assert reservations_of(db) == 0
    fleet.cars(1, "SUV")
    assert book(svc).status == "confirmed"  # 24 is old enough for an SUV (21)


def test_the_branch_booking_refuses_a_licence_expiring_before_the_return(db, fleet, svc):
    fleet.cars(1)
    add_customer(db, licence_expiry=date(2030, 3, 6))
    with pytest.raises(RentalError) as caught:
        book(svc, end=day(3))  # returns 7 Mar
    assert caught.value.field == "licence_expiry"
    assert book(svc, end=day(2)).status == "confirmed"  # back on 6 Mar, the licence's last day


def test_a_new_customer_books_unless_the_branch_needs_the_licence_at_booking(db, fleet, svc):
    fleet.cars(2)
    assert book(svc, email="new@example.com").status == "confirmed"
    add_rule(db, licence_at_booking=True)
    with pytest.raises(RentalError) as caught:
        book(svc, email="other@example.com")
    assert caught.value.field == "licence_number"
    assert caught.value.message == "no driving licence number on file for Ann Lee; it is needed to book here"


def test_a_changed_period_checks_the_licence_again_and_a_refusal_changes_nothing(db, fleet, svc):
    fleet.cars(1)
    add_customer(db, licence_expiry=date(2030, 3, 8))
    booked = book(svc, end=day(3))
    with pytest.raises(RentalError) as caught:
        svc.update_reservation(booked.id, end=day(5), accept_price=Decimal("320.00"))
    assert caught.value.field == "licence_expiry"
    assert svc.get_reservation(booked.id).end == day(3)
    # a change within the licence goes through
    assert svc.update_reservation(booked.id, end=day(4), accept_price=Decimal("240.00")).end == day(4)


def test_a_changed_pick_up_checks_the_age_again(db, fleet, svc):
    fleet.cars(1)
    # 21 on 6 Mar 2030: a booking from 7 Mar is fine, moved to 5 Mar it is not
    add_customer(db, date_of_birth=date(2009, 3, 6))
    booked = book(svc, start=day(3), end=day(5))
    with pytest.raises(RentalError) as caught:
        svc.update_reservation(booked.id, start=day(1), end=day(3))
    assert caught.value.field == "date_of_birth"
    assert svc.get_reservation(booked.id).start == day(3)


# -- head office: the request carries the renter ----------------------------------------------------


def test_a_branch_request_carries_the_renter_facts_but_never_the_do_not_rent_reason(db, fleet, svc):
    from rentaldesk.models import Reservation
    from rentaldesk.sync.envelope import Envelope, decode
    from rentaldesk.sync.events import ReservationRequested
    from rentaldesk.sync.state import renter_of, reservation_state

    fleet.cars(1)
    add_customer(db)
    booked = book(svc)
    with db.write() as s:
        s.get_one(Customer, "c-1").do_not_rent_reason = "secret words"
        s.get_one(Customer, "c-1").do_not_rent = True
        state = reservation_state(s, s.get_one(Reservation, booked.id))
    wire = Envelope(source="B1", payload=ReservationRequested(reservation=state, requested_at=T0)).encode()
    assert b"secret words" not in wire
    back = decode(wire).payload.reservation.customer
    assert renter_of(back) == Renter(name="Ann Lee", email="ann@example.com", do_not_rent=True,
                                     date_of_birth=date(1990, 1, 1), licence_number="D1234567",
                                     licence_expiry=date(2035, 1, 1))


def test_a_customer_with_nothing_on_file_goes_on_the_wire_as_an_older_build_wrote_it():
    from rentaldesk.sync import events as ev
    from rentaldesk.sync.state import renter_of

    import msgspec

    old = ev.Customer(email="ann@example.com", name="Ann", phone="")
    assert msgspec.json.encode(old) == b'{"email":"ann@example.com","name":"Ann","phone":""}'
    read = msgspec.json.decode(b'{"email":"ann@example.com","name":"Ann","phone":""}', type=ev.Customer)
    assert renter_of(read) == Renter(name="Ann", email="ann@example.com")
    with pytest.raises(msgspec.ValidationError):  # the licence number is held to its text rule
        msgspec.json.decode(b'{"email":"a@b.cc","name":"","phone":"","renter":{"do_not_rent":false,'
                            b'"licence_number":"D1\\nX"}}', type=ev.Customer)


def _hq_requests(T0):  # noqa: ANN001, ANN202, N803
    import uuid

    from rentaldesk.sync import events as ev
    from tests.unit.hq.test_batch_authority import ZIPS, requested

    start, end = T0 + timedelta(days=2), T0 + timedelta(days=4)

    def req(ref: str, email: str, renter: ev.RenterFacts | None):  # noqa: ANN202
        env = requested(str(uuid.uuid4()), ref, email, ref, "SUV", ZIPS[0], start, end)
        state = env.payload.reservation
        customer = ev.Customer(email=email, name=ref, phone="", renter=renter)
        return type(env)(source="BR", payload=ev.ReservationRequested(
            reservation=ev.replace(state, customer=customer), requested_at=env.payload.requested_at))

    good = ev.RenterFacts(do_not_rent=False, date_of_birth=date(1990, 1, 1), licence_number="D1",
                          licence_expiry=date(2035, 1, 1))
    return [
        req("Good", "good@example.com", good),
        req("Flagged", "flag@example.com", ev.RenterFacts(do_not_rent=True)),
        req("Young", "young@example.com", ev.replace(good, date_of_birth=date(2008, 1, 1))),
        req("Expiring", "exp@example.com", ev.replace(good, licence_expiry=date(2030, 3, 7))),
        req("Old", "old@example.com", None),  # an older build's request: nothing on file
    ]


@pytest.mark.parametrize("batched", [True, False])
def test_head_office_decides_with_the_renter_the_request_carries(tmp_path, batched):
    import json
    import threading

    from sqlalchemy import select

    from rentaldesk.hq.authority import BookingAuthority
    from rentaldesk.models import OutboxEvent
    from rentaldesk.sync.inbox import EventConsumer
    from rentaldesk.sync.topics import Topics
    from tests.fakes import Record
    from tests.unit.hq.test_batch_authority import TOPIC, ZIPS, FakeKafka, make_hq

    hq = make_hq(tmp_path / "hq.sqlite")
    with hq.write() as s:
        s.add(RenterRule(zip_code=ZIPS[0], vehicle_class="SUV", min_age=23))
    events = _hq_requests(T0)
    kafka = FakeKafka([{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]}])
    consumer = EventConsumer(hq, kafka, BookingAuthority(hq, clock=lambda: T0, wake=threading.Event()),
                             topics=Topics(), dead_letter=kafka, name="hq", batched=batched)
    assert consumer.poll_once() == len(events)
    with hq.session() as s:
        answers = {}
        for o in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)):
            env = json.loads(o.value)
            answers[env["payload"]["reservation"]["reference"]] = (env["type"], env["payload"]["reservation"]["reason"])
    hq.close()
    assert answers == {
        "Good": ("reservation.confirmed", ""),
        "Flagged": ("reservation.rejected",
                    "Flagged is on the do-not-rent list; the reason is on the customer's record"),
        "Young": ("reservation.rejected",
                  "Young is 22 on the pick-up day (6 Mar 2030); SUV at 10001 needs a renter of at least 23"),
        "Expiring": ("reservation.rejected",
                     "the driving licence of Expiring expires on 7 Mar 2030, before the return on 8 Mar 2030"),
        "Old": ("reservation.confirmed", ""),
    }


# -- the renter's record: one write, its input rules ------------------------------------------------

from rentaldesk import customers as cu  # noqa: E402
from rentaldesk.errors import InvalidInput  # noqa: E402

TODAY = date(2030, 3, 4)


def edited(db, cid: str, **typed) -> cu.CustomerView:  # noqa: ANN001
    with db.write() as s:
        return cu.update_customer(s, cid, cu.edit_from_text(typed, TODAY), today=TODAY)


def refused_edit(db, cid: str, **typed) -> InvalidInput:  # noqa: ANN001
    before = stored(db, cid)
    with pytest.raises(InvalidInput) as caught:
        edited(db, cid, **typed)
    assert stored(db, cid) == before  # nothing half-saved
    return caught.value


def stored(db, cid: str) -> cu.CustomerView:  # noqa: ANN001
    with db.session() as s:
        return cu.customer_view(s, cid)


def test_an_edit_sets_the_renters_record_from_what_was_typed(db):
    cid = add_customer(db, licence_number="", licence_expiry=None, date_of_birth=None)
    c = edited(db, cid, date_of_birth="17 May 1990", licence_number=" d123-456 ", licence_region="New York",
               licence_expiry="31/1/2031", address_line1="1 Main St", address_line2="Apt 4", city="New York",
               postcode="10001", country="USA", phone="+1 212 555 0100")
    assert (c.date_of_birth, c.licence_number, c.licence_region, c.licence_expiry) == (
        date(1990, 5, 17), "D123-456", "New York", date(2031, 1, 31))
    assert (c.address_line1, c.address_line2, c.city, c.postcode, c.country, c.phone) == (
        "1 Main St", "Apt 4", "New York", "10001", "USA", "+1 212 555 0100")
    assert c.name == "Ann Lee"  # what the edit does not name is kept
    assert stored(db, cid) == c
    cleared = edited(db, cid, licence_expiry="", address_line2="")
    assert cleared.licence_expiry is None and cleared.address_line2 == ""


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"date_of_birth": "31/2/1990"}, "date_of_birth", "'31/2/1990' is not a date"),
    ({"date_of_birth": "2030-03-05"}, "date_of_birth", "is in the future"),
    ({"date_of_birth": "17/5/90"}, "date_of_birth", "is in the future (write the year in full"),  # 2090
    ({"date_of_birth": "1910-03-03"}, "date_of_birth", "more than 120 years ago"),
    ({"licence_expiry": "2030-03-03"}, "licence_expiry", "the licence expiry 2030-03-03 is in the past"),
    ({"licence_expiry": "someday"}, "licence_expiry", "is not a date"),
    ({"licence_number": "D1/2"}, "licence_number", "holds '/'; a licence number holds only letters, digits"),
    ({"licence_number": "D" * 33}, "licence_number", "at most 32"),
    ({"postcode": "SW1A\n1AA"}, "postcode", "holds a line break"),
    ({"address_line1": "1 Main St\u202e"}, "address_line1", "right-to-left override"),
    ({"city": "x" * 81}, "city", "at most 80"),
    ({"name": "  "}, "name", "the customer's name is needed"),
    ({"do_not_rent": True}, "do_not_rent_reason", "a do-not-rent flag needs its reason"),
    ({"nickname": "Al"}, "nickname", "a customer has no field 'nickname'"),
])
def test_a_bad_field_is_refused_naming_it_and_nothing_is_saved(db, typed, field, words):
    cid = add_customer(db)
    err = refused_edit(db, cid, **{"phone": "555 0199", **typed})  # a good field beside it is not saved either
    assert err.field == field
    assert words in err.message


@pytest.mark.parametrize(("born", "ok"), [(date(1910, 3, 4), True), (date(1910, 3, 3), False),
                                          (TODAY, True), (TODAY + timedelta(days=1), False)])
def test_a_date_of_birth_from_120_years_ago_to_today(db, born, ok):
    cid = add_customer(db)
    edit = cu.CustomerEdit(date_of_birth=born)
    with db.write() as s:
        if ok:
            assert cu.update_customer(s, cid, edit, today=TODAY).date_of_birth == born
        else:
            with pytest.raises(InvalidInput):
                cu.update_customer(s, cid, edit, today=TODAY)


def test_an_expired_licence_on_file_stays_but_a_new_past_expiry_is_refused(db):
    cid = add_customer(db, licence_expiry=date(2029, 1, 1))  # on file from before: it expired since
    assert edited(db, cid, city="Boston").licence_expiry == date(2029, 1, 1)
    assert edited(db, cid, licence_expiry="2029-01-01").licence_expiry == date(2029, 1, 1)  # unchanged
    assert refused_edit(db, cid, licence_expiry="2029-01-02").field == "licence_expiry"


def test_do_not_rent_needs_a_reason_and_clearing_it_clears_the_reason(db):
    cid = add_customer(db)
    c = edited(db, cid, do_not_rent=True, do_not_rent_reason="unpaid damage")
    assert (c.do_not_rent, c.do_not_rent_reason) == (True, "unpaid damage")
    assert refused_edit(db, cid, do_not_rent_reason=" ").field == "do_not_rent_reason"
    c = edited(db, cid, do_not_rent=False)
    assert (c.do_not_rent, c.do_not_rent_reason) == (False, "")


def test_an_unknown_customer_is_refused(db):
    with db.write() as s, pytest.raises(InvalidInput) as caught:
        cu.update_customer(s, "nobody", cu.CustomerEdit(city="X"), today=TODAY)
    assert caught.value.field == "customer"


@given(st.text(max_size=40))
def test_a_typed_date_is_a_date_or_a_refusal_naming_the_field(value):
    try:
        found = cu.typed_date(value, TODAY, field="date_of_birth")
    except InvalidInput as err:
        assert err.field == "date_of_birth"
        assert "is not a date" in err.message
        return
    assert found is None if not value.strip() else isinstance(found, date)


@given(st.text(max_size=40))
def test_what_a_licence_number_may_hold(value):
    """The licence kind's rule (what update_customer applies): letters, digits, spaces and dashes."""
    from rentaldesk import text

    why = text.problem(value.strip(), text.LICENCE)
    allowed = all(c.isascii() and (c.isalnum() or c in " -") for c in value.strip()) and len(value.strip()) <= 32
    assert (why is None) == allowed


def test_search_finds_by_name_email_phone_and_licence(db):
    add_customer(db, id="c-1", email="ann@example.com", name="Ann Lee", phone="555-0100", licence_number="NY123")
    add_customer(db, id="c-2", email="bob@example.com", name="Bob 100%", phone="555-0200", licence_number="CA777")
    with db.session() as s:
        def ids(text: str) -> list[str]:
            return [c.id for c in cu.search_customers(s, text)]
        assert ids("") == ["c-1", "c-2"]
        assert ids("ann") == ["c-1"]
        assert ids("BOB@") == ["c-2"]
        assert ids("0200") == ["c-2"]
        assert ids("ny1") == ["c-1"]
        assert ids("100%") == ["c-2"]  # % is a plain character
        assert ids("%") == ["c-2"]
        assert ids("nobody") == []


def test_history_lists_the_customers_reservations_newest_first(db, fleet, svc):
    fleet.cars(2)
    first = svc.create_reservation(email="ann@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                                   start=day(1), end=day(2))
    # (days 2 to 5: before New York's clock change of 10 Mar, which would add an hour on the clock)
    second = svc.create_reservation(email="ann@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                                    start=day(2), end=day(5))
    svc.cancel_reservation(first.id)
    svc.create_reservation(email="bob@example.com", name="Bob", vehicle_class="SUV", zip_code="10001",
                           start=day(1), end=day(2))
    with db.session() as s:
        rows = cu.history(s, first.customer_id)
    assert [(h.kind, h.reference, h.status, h.amount, h.start, h.end, h.vehicle_class) for h in rows] == [
        ("reservation", second.reference, "confirmed", Decimal("240.00"), day(2), day(5), "SUV"),
        ("reservation", first.reference, "cancelled", Decimal("80.00"), day(1), day(2), "SUV"),
    ]


def test_the_sample_data_holds_the_renter_rules(db):
    from rentaldesk.fleet import load_sample_data

    load_sample_data(db)
    with db.session() as s:
        assert rules_for(s, "LUXURY", "02108") == RenterRules(25, 25, Decimal("0.00"), False)
        assert rules_for(s, "SUV", "60666") == RenterRules(21, 25, Decimal("15.00"), False)
    from rentaldesk.renters import add_sample_rules

    with db.write() as s:
        assert add_sample_rules(s) == 0  # once
