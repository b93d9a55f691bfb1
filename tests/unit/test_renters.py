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
