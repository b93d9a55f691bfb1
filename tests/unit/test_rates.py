"""Rate plans: every bad value refused when a plan is made, naming the field; JSON round-trips."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from sqlalchemy import select, update

from rentaldesk.errors import InvalidInput, PriceChanged, UnknownPool
from rentaldesk.models import Reservation as Row
from rentaldesk.models import VehicleClass
from rentaldesk.rates import (
    RatePlan,
    Season,
    Tax,
    class_day_rate_plan,
    drop_fee,
    plan_for,
    plan_from_mapping,
    save_drop_fee,
    save_plan,
    save_taxes,
)

from ..conftest import day
from .test_charges import plans

BASE = {"vehicle_class": "ECONOMY", "zip_code": "10001", "currency": "USD", "day_rate": "45.00"}
SUMMER = {"first_day": "2030-07-01", "last_day": "2030-08-31", "day_rate": "60.00"}
SALES = {"code": "sales", "label": "Sales tax", "rate": "0.0625"}


@pytest.mark.parametrize(("change", "field"), [
    ({"day_rate": "-1.00"}, "day_rate"),
    ({"day_rate": "abc"}, "day_rate"),
    ({"day_rate": "1.005"}, "day_rate"),
    ({"week_rate": "-250"}, "week_rate"),
    ({"hour_rate": "NaN"}, "hour_rate"),
    ({"currency": "dollars"}, "currency"),
    ({"distance_unit": "miles"}, "distance_unit"),
    ({"fuel_policy": "prepaid"}, "fuel_policy"),
    ({"late_grace_minutes": -1}, "late_grace_minutes"),
    ({"included_distance_per_day": 2.5}, "included_distance_per_day"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"colour": "red"}, "colour"),
    ({"vehicle_class": ""}, "vehicle_class"),
    ({"taxes": [dict(SALES, rate="1")]}, "taxes[0].rate"),
    ({"taxes": [dict(SALES, rate="1.5")]}, "taxes[0].rate"),
    ({"taxes": [dict(SALES, rate="-0.1")]}, "taxes[0].rate"),
    ({"taxes": [dict(SALES, rounding="down")]}, "taxes[0].rounding"),
    ({"taxes": [dict(SALES, applies_to="time,parking")]}, "taxes[0].applies_to"),
    ({"taxes": [SALES, SALES]}, "taxes[1].code"),
    ({"taxes": [{"code": "x", "label": "X"}]}, "taxes[0].rate"),
    ({"seasons": [dict(SUMMER, day_rate="-5")]}, "seasons[0].day_rate"),
    ({"seasons": [dict(SUMMER, last_day="2030-06-01")]}, "seasons[0].last_day"),
    ({"seasons": [dict(SUMMER, first_day="July")]}, "seasons[0].first_day"),
    ({"seasons": [SUMMER, dict(SUMMER, first_day="2030-08-31", last_day="2030-09-15")]}, "seasons[1].first_day"),
])
def test_a_bad_value_is_refused_naming_the_field(change, field):
    with pytest.raises(InvalidInput) as exc:
        plan_from_mapping({**BASE, **change})
    assert exc.value.field == field
    assert field.split(".")[-1].split("[")[0] in exc.value.message


def test_a_float_or_a_negative_tax_made_in_code_is_refused():
    with pytest.raises(InvalidInput, match="day_rate") as exc:
        RatePlan("ECONOMY", "10001", "USD", 45.0, None, None, Decimal(12))  # type: ignore[arg-type]
    assert exc.value.field == "day_rate"
    with pytest.raises(InvalidInput) as exc:
        RatePlan("ECONOMY", "10001", "USD", Decimal(45), None, None, Decimal(12),
                 taxes=(Tax("sales", "Sales", Decimal("-0.01")),))
    assert exc.value.field == "taxes[0].rate"


def test_seasons_overlapping_out_of_order_are_refused():
    with pytest.raises(InvalidInput, match="may not overlap") as exc:
        RatePlan("ECONOMY", "10001", "USD", Decimal(45), None, None, Decimal(12), seasons=(
            Season(date(2030, 8, 1), date(2030, 8, 31), Decimal(60)),
            Season(date(2030, 7, 1), date(2030, 8, 1), Decimal(60))))
    assert exc.value.field == "seasons[0].first_day"


def test_a_toml_float_is_read_by_its_digits():
    plan = plan_from_mapping({**BASE, "day_rate": 45.1, "taxes": [dict(SALES, rate=0.0725)]})
    assert plan.day_rate == Decimal("45.10") and plan.taxes[0].rate == Decimal("0.0725")


def test_defaults_a_class_rate_alone():
    plan = class_day_rate_plan("ECONOMY", "10001", Decimal("45"))
    assert (plan.day_rate, plan.hour_rate, plan.week_rate, plan.month_rate) == (
        Decimal("45.00"), Decimal("45.00"), None, None)
    assert plan_from_mapping(BASE).hour_rate == Decimal("45.00")


@pytest.mark.parametrize("text", ["", "[]", "{", '{"vehicle_class": "E"}', "null"])
def test_unreadable_json_is_refused(text):
    with pytest.raises(InvalidInput) as exc:
        RatePlan.from_json(text)
    assert exc.value.field in ("rate_plan", "zip_code")


@settings(max_examples=150, deadline=None)
@given(plans())
def test_a_plan_round_trips_through_json_exactly(plan):
    again = RatePlan.from_json(plan.to_json())
    assert again == plan
    assert again.to_json() == plan.to_json()


# -- storage and the booked price, on a real SQLite file --------------------------------------------

WEEKLY = dict(BASE, vehicle_class="SUV", day_rate="80.00", week_rate="400.00", hour_rate="20.00",
              seasons=[dict(SUMMER, first_day="2030-03-10", last_day="2030-03-20", day_rate="100.00")])


def test_plan_for_a_class_without_a_plan_is_its_day_rate_with_the_branch_zone_and_taxes(db, fleet):
    fleet.cars(1, "SUV", rate="78.00")
    with db.write() as s:
        plan = plan_for(s, "SUV", "10001")
        assert (plan.day_rate, plan.hour_rate, plan.time_zone, plan.taxes) == (
            Decimal("78.00"), Decimal("78.00"), "America/New_York", ())
        save_taxes(s, "10001", (Tax("sales", "Sales tax", Decimal("0.0625")),))
    with db.session() as s:
        assert plan_for(s, "SUV", "10001").taxes == (Tax("sales", "Sales tax", Decimal("0.0625")),)
        with pytest.raises(UnknownPool, match="unknown zip code"):
            plan_for(s, "SUV", "99999")


def test_a_saved_plan_comes_back_equal_with_its_seasons(db, fleet):
    fleet.cars(1, "SUV")
    made = plan_from_mapping({**WEEKLY, "time_zone": "America/New_York"})
    with db.write() as s:
        save_plan(s, made)
    with db.session() as s:
        assert plan_for(s, "SUV", "10001") == made


def test_drop_fees(db, fleet):
    fleet.branch("02108")
    fleet.cars(1, "SUV")
    with db.write() as s:
        save_drop_fee(s, "10001", "02108", Decimal("75.00"))
    with db.session() as s:
        assert drop_fee(s, "10001", "02108") == Decimal("75.00")
        assert drop_fee(s, "02108", "10001") == Decimal("0.00")  # one way only
        assert drop_fee(s, "10001", "10001") == Decimal("0.00")


def test_a_booking_keeps_its_plan_a_change_is_requoted_with_it(svc, db, fleet):
    fleet.cars(2, "SUV")
    with db.write() as s:
        save_plan(s, plan_from_mapping(WEEKLY))
    r = svc.create_reservation(email="a@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(9))  # 8 days from 03-05; 03-10..03-12 in season
    # a week, then a season day, and an extra hour: the branch is in New York, where 07:00 EST on
    # 5 Mar to 08:00 EDT on 13 Mar is 8 days and an hour on its clock (the clock change of 10 Mar)
    assert r.price == Decimal("400.00") + Decimal("100.00") + Decimal("20.00")
    with db.write() as s:  # the rates change after the booking
        save_plan(s, plan_from_mapping(dict(WEEKLY, day_rate="200.00", week_rate="900.00", seasons=[])))
        kept = RatePlan.from_json(s.get_one(Row, r.id).rate_plan)
    assert kept.week_rate == Decimal("400.00")
    assert svc.get_reservation(r.id).price == r.price
    with pytest.raises(PriceChanged) as shown:
        svc.update_reservation(r.id, end=day(10))
    change = shown.value
    assert (change.old, change.new) == (Decimal("520.00"), Decimal("620.00"))
    assert change.why == "1 day more: 1 week at $400.00 a week, 2 days at $100.00 a day, 1 extra hour at $20.00 an hour"
    assert svc.update_reservation(r.id, end=day(10), accept_price=Decimal("620.00")).price == Decimal("620.00")


def test_a_row_of_an_earlier_build_is_repriced_at_its_booked_price_per_day(svc, db, fleet):
    fleet.cars(1, "SUV", rate="78.00")
    r = svc.create_reservation(email="a@example.com", name="Ann", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    with db.write() as s:  # as 0008 leaves a row made before it, at a price of its time
        s.execute(update(Row).where(Row.id == r.id).values(rate_plan=None, price=Decimal("300.00")))
        s.execute(update(VehicleClass).values(day_rate=Decimal("10.00")))
    assert svc.update_reservation(r.id, start=day(1, 2), end=day(4, 2)).price == Decimal("300.00")
    with pytest.raises(PriceChanged) as longer:
        svc.update_reservation(r.id, end=day(5, 2))
    assert (longer.value.new, longer.value.why) == (Decimal("400.00"), "1 day more at $100.00 a day")
    with db.session() as s:
        assert s.scalar(select(Row.driver_day_rate).where(Row.id == r.id)) is None
