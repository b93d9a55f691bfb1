"""Rate plans: every bad value refused when a plan is made, naming the field; JSON round-trips."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings

from rentaldesk.errors import InvalidInput
from rentaldesk.rates import RatePlan, Season, Tax, class_day_rate_plan, plan_from_mapping

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
