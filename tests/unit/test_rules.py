"""Period rules and pricing, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from rentaldesk.errors import InvalidPeriod
from rentaldesk.rules import BranchRules, check_period, describe, overlaps, price, rental_days

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=timezone.utc)
RULES = BranchRules()
H = timedelta(hours=1)
D = timedelta(days=1)


def test_lead_time_boundary_is_allowed():
    check_period(NOW + 2 * H, NOW + 2 * H + D, NOW, RULES)


def test_lead_time_one_minute_short_says_by_how_much():
    with pytest.raises(InvalidPeriod, match="at least 2 hours from now; it is 1 minute too early") as exc:
        check_period(NOW + 2 * H - timedelta(minutes=1), NOW + 3 * D, NOW, RULES)
    assert exc.value.field == "start"


def test_minimum_rental_boundary_is_allowed():
    check_period(NOW + 3 * H, NOW + 3 * H + D, NOW, RULES)


def test_minimum_rental_short_says_by_how_much():
    with pytest.raises(InvalidPeriod, match=r"at least 1 day; this one is 2 hours too short") as exc:
        check_period(NOW + 3 * H, NOW + 3 * H + D - 2 * H, NOW, RULES)
    assert exc.value.field == "end"


def test_end_before_start():
    with pytest.raises(InvalidPeriod, match="return must be after pick-up \\(it is 1 day before it\\)"):
        check_period(NOW + 3 * D, NOW + 2 * D, NOW, RULES)


def test_end_equal_start():
    with pytest.raises(InvalidPeriod, match="both are the same time"):
        check_period(NOW + 3 * D, NOW + 3 * D, NOW, RULES)


def test_naive_datetimes_are_refused():
    with pytest.raises(InvalidPeriod, match="has no time zone") as exc:
        check_period(datetime(2030, 2, 1, 10), NOW + 40 * D, NOW, RULES)
    assert exc.value.field == "start"


def test_period_in_the_past():
    with pytest.raises(InvalidPeriod, match="in the past \\(it ended 1 day ago\\)"):
        check_period(NOW - 3 * D, NOW - D, NOW, RULES)


def test_start_in_the_past():
    with pytest.raises(InvalidPeriod, match="pick-up is in the past by 5 hours"):
        check_period(NOW - 5 * H, NOW + 3 * D, NOW, RULES)


def test_lead_time_not_checked_when_start_is_unchanged():
    check_period(NOW - 5 * H, NOW + 3 * D, NOW, RULES, check_lead_time=False)


def test_other_time_zones_compare_as_instants():
    tokyo = timezone(timedelta(hours=9))
    check_period((NOW + 2 * H).astimezone(tokyo), (NOW + 2 * H + D).astimezone(tokyo), NOW, RULES)


@pytest.mark.parametrize(
    ("length", "days"),
    [(D, 1), (D + timedelta(minutes=1), 2), (2 * D, 2), (timedelta(days=6, hours=23), 7)],
)
def test_started_24_hour_periods(length, days):
    assert rental_days(NOW, NOW + length, UTC) == days


def test_price_with_and_without_driver():
    assert price(NOW, NOW + D + H, Decimal("49.50")) == Decimal("99.00")
    assert price(NOW, NOW + 3 * D, Decimal("40"), Decimal("60")) == Decimal("300.00")


def test_half_open_overlap():
    assert not overlaps(NOW, NOW + D, NOW + D, NOW + 2 * D)
    assert overlaps(NOW, NOW + D + timedelta(seconds=1), NOW + D, NOW + 2 * D)


def test_describe():
    assert describe(timedelta(days=1, hours=2, minutes=5)) == "1 day 2 hours 5 minutes"
    assert describe(timedelta(seconds=20)) == "20 seconds"


def test_the_longest_rental_is_allowed_and_a_minute_more_is_not():
    start = NOW + 3 * H
    check_period(start, start + 90 * D, NOW, RULES)
    with pytest.raises(InvalidPeriod, match=r"at most 90 days; this one is 1 minute too long") as exc:
        check_period(start, start + 90 * D + timedelta(minutes=1), NOW, RULES)
    assert exc.value.field == "end"
    with pytest.raises(InvalidPeriod, match="too long"):  # a 10-year rental
        check_period(start, start + 3653 * D, NOW, RULES)


def test_the_booking_horizon_is_allowed_and_a_minute_more_is_not():
    check_period(NOW + 730 * D, NOW + 731 * D, NOW, RULES)
    with pytest.raises(InvalidPeriod, match=r"at most 730 days ahead; it is 1 minute too far") as exc:
        check_period(NOW + 730 * D + timedelta(minutes=1), NOW + 732 * D, NOW, RULES)
    assert exc.value.field == "start"
    far = datetime(9998, 12, 30, 10, 0, tzinfo=timezone.utc)  # a rental in the year 9998
    with pytest.raises(InvalidPeriod, match="too far"):
        check_period(far, far + D, NOW, RULES)


def test_a_branch_sets_its_own_limits():
    rules = BranchRules(max_rental=7 * D, horizon=30 * D)
    check_period(NOW + 30 * D, NOW + 37 * D, NOW, rules)
    with pytest.raises(InvalidPeriod, match="at most 7 days"):
        check_period(NOW + 3 * H, NOW + 3 * H + 8 * D, NOW, rules)
    with pytest.raises(InvalidPeriod, match="at most 30 days ahead"):
        check_period(NOW + 31 * D, NOW + 32 * D, NOW, rules)


def test_a_change_keeping_its_pickup_is_not_held_to_the_horizon_but_to_the_longest_rental():
    # booked under a longer horizon; the branch shortened it since: the return may still move
    rules = BranchRules(horizon=30 * D)
    check_period(NOW + 60 * D, NOW + 62 * D, NOW, rules, check_lead_time=False)
    with pytest.raises(InvalidPeriod, match="too long"):
        check_period(NOW + 60 * D, NOW + 160 * D, NOW, rules, check_lead_time=False)


def test_one_odometer_range_for_every_path() -> None:
    """The fleet file, the command line, check-out and check-in and the engine's pick-up all hold a
    reading to rules.odometer_reading: a typo past any car's reading is refused, not recorded (the
    odometer never goes back, so a recorded typo would lock the car)."""
    from rentaldesk import contract_inputs
    from rentaldesk.errors import InvalidInput
    from rentaldesk.rules import LARGEST_ODOMETER, odometer_reading

    assert odometer_reading(LARGEST_ODOMETER) == LARGEST_ODOMETER and odometer_reading(0) == 0
    for bad in (-1, LARGEST_ODOMETER + 1, 2**63 - 1, True, 1.5, "12"):
        with pytest.raises(InvalidInput) as refused:
            odometer_reading(bad)
        assert refused.value.field == "odometer"
        with pytest.raises(InvalidInput):
            contract_inputs.reading(bad, "odometer")


def test_the_rental_length_rules_count_on_the_branch_clock():
    """10:00 to 10:00 over New York's spring change is 23 hours, and a day: the minimum (1 day) is
    met; a longest rental of 2 days is 2 days on the clock over the autumn change (49 hours)."""
    from zoneinfo import ZoneInfo

    ny = ZoneInfo("America/New_York")
    rules = BranchRules(time_zone="America/New_York", max_rental=2 * D)
    now = datetime(2030, 3, 1, tzinfo=UTC)
    start = datetime(2030, 3, 9, 10, tzinfo=ny)
    check_period(start, datetime(2030, 3, 10, 10, tzinfo=ny), now, rules)
    with pytest.raises(InvalidPeriod, match="this one is 1 minute too short"):
        check_period(start, datetime(2030, 3, 10, 9, 59, tzinfo=ny), now, rules)
    autumn = datetime(2030, 11, 2, 10, tzinfo=ny)
    check_period(autumn, datetime(2030, 11, 4, 10, tzinfo=ny), datetime(2030, 11, 1, tzinfo=UTC), rules)
    with pytest.raises(InvalidPeriod, match="at most 2 days; this one is 1 minute too long"):
        check_period(autumn, datetime(2030, 11, 4, 10, 1, tzinfo=ny), datetime(2030, 11, 1, tzinfo=UTC), rules)
    # in UTC (the default) the day is 24 hours, as before
    with pytest.raises(InvalidPeriod, match="1 hour too short"):
        check_period(start, datetime(2030, 3, 10, 10, tzinfo=ny), now, BranchRules())
