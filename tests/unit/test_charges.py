"""The charge calculator: table-driven from tests/unit/data/charge_cases.toml, then its properties
(hypothesis) over random plans, periods and returns."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentaldesk import charges
from rentaldesk.charges import ExtraChoice, Usage, quote, settle
from rentaldesk.errors import InvalidInput, InvalidPeriod
from rentaldesk.rates import RatePlan, Season, Tax, class_day_rate_plan, plan_from_mapping
from rentaldesk.rules import price as old_price

CASES_FILE = Path(__file__).parent / "data" / "charge_cases.toml"
TABLE = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
PLANS = {name: plan_from_mapping(values) for name, values in TABLE["plans"].items()}
UTC = timezone.utc
D = timedelta(days=1)
H = timedelta(hours=1)


def _money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _extras(case: dict) -> tuple[ExtraChoice, ...]:
    return tuple(ExtraChoice(code=e["code"], label=e["label"], per=e["per"], price=Decimal(e["price"]),
                             cap=_money(e.get("cap")), quantity=e.get("quantity", 1))
                 for e in case.get("extras", []))


def _charges_of(case: dict) -> charges.Charges:
    plan = PLANS[case["plan"]]
    extras = _extras(case)
    young, driver = _money(case.get("young_driver")), _money(case.get("driver"))
    one_way = Decimal(case.get("one_way", "0"))
    if "usage" not in case:
        return quote(plan, case["start"], case["end"], extras=extras, young_driver_fee_per_day=young,
                     driver_day_rate=driver, one_way_fee=one_way)
    u = case["usage"]
    return settle(plan, Usage(picked_up_at=u.get("picked_up_at", case["start"]), returned_at=u["returned_at"],
                              booked_start=case["start"], booked_end=case["end"], distance=u["distance"],
                              fuel_out_eighths=u["fuel_out"], fuel_in_eighths=u["fuel_in"],
                              damage_charge=Decimal(u.get("damage_charge", "0")), extras=extras,
                              young_driver_fee_per_day=young, driver_day_rate=driver, one_way_fee=one_way))


@pytest.mark.parametrize("case", TABLE["case"], ids=[c["name"] for c in TABLE["case"]])
def test_case_from_the_table(case):
    result = _charges_of(case)
    assert [[line.code, str(line.amount)] for line in result.lines] == case["lines"]
    assert result.total == Decimal(case["total"])
    assert result.currency == "USD"


def test_the_table_has_every_kind_of_line():
    codes = {line[0].split(":")[0] for case in TABLE["case"] for line in case["lines"]}
    assert codes >= {"time", "extra-hours", "late", "distance", "fuel", "damage", "young-driver", "driver",
                     "one-way", "extra", "tax"}


def test_labels_are_clerk_words():
    plan = PLANS["weekly"]
    start = datetime(2030, 1, 7, 15, tzinfo=UTC)
    result = quote(plan, start, start + 9 * D + 3 * H)
    assert [line.label for line in result.lines] == [
        "1 week at $250.00 a week", "2 days at $45.00 a day", "3 extra hours at $12.00 an hour"]
    taxed = quote(PLANS["taxed"], start, start + D)
    assert taxed.lines[-2].label == "Sales tax 6.25 % of $45.00"
    late = settle(plan, Usage(start, start + 3 * D + 26 * H, start, start + 3 * D, 0, 8, 8, Decimal(0)))
    assert [line.label for line in late.line("late")] == ["1 day late at $45.00 a day",
                                                          "2 hours late at $12.00 an hour"]


def test_a_class_rate_alone_prices_as_the_old_rule():
    start = datetime(2030, 3, 4, 12, tzinfo=UTC)
    plan = class_day_rate_plan("ECONOMY", "10001", Decimal("39.99"))
    for minutes in (1, 60, 24 * 60, 24 * 60 + 1, 3 * 24 * 60 - 5, 9 * 24 * 60 + 7, 40 * 24 * 60 + 1):
        end = start + timedelta(minutes=minutes)
        for driver in (None, Decimal("80.00")):
            assert quote(plan, start, end, driver_day_rate=driver).total == old_price(
                start, end, Decimal("39.99"), driver)


@pytest.mark.parametrize(("call", "field"), [
    (lambda p, s: quote(p, s, s), "end"),
    (lambda p, s: quote(p, s.replace(tzinfo=None), s + D), "start"),
    (lambda p, s: quote(p, s, s + D, one_way_fee=Decimal("-1")), "one_way_fee"),
    (lambda p, s: quote(p, s, s + D, driver_day_rate=Decimal("1.234")), "driver_day_rate"),
    (lambda p, s: Usage(s, s + D, s, s + D, -1, 8, 8, Decimal(0)), "distance"),
    (lambda p, s: Usage(s, s + D, s, s + D, 0, 9, 8, Decimal(0)), "fuel_out_eighths"),
    (lambda p, s: Usage(s, s + D, s, s + D, 0, 8, 8, Decimal("-5")), "damage_charge"),
    (lambda p, s: Usage(s, s, s, s + D, 0, 8, 8, Decimal(0)), "returned_at"),
    (lambda p, s: ExtraChoice("gps", "GPS", "week", Decimal(1), None), "extras"),
    (lambda p, s: ExtraChoice("gps", "GPS", "day", Decimal(-1), None), "extras"),
    (lambda p, s: ExtraChoice("gps", "GPS", "day", Decimal(1), None, quantity=0), "extras"),
])
def test_bad_input_is_refused_naming_the_field(call, field):
    with pytest.raises((InvalidInput, InvalidPeriod)) as exc:
        call(PLANS["weekly"], datetime(2030, 1, 7, 15, tzinfo=UTC))
    assert exc.value.field == field


# -- properties ------------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)
ZONES = ("UTC", "America/New_York", "America/Los_Angeles", "Europe/Berlin", "Australia/Sydney")


@st.composite
def seasons(draw) -> tuple[Season, ...]:
    firsts = sorted(draw(st.sets(st.integers(0, 400), max_size=4)))
    out = []
    for i, first in enumerate(firsts):
        room = (firsts[i + 1] - first - 1) if i + 1 < len(firsts) else 60
        last = first + draw(st.integers(0, max(0, room)))
        out.append(Season(date(2030, 1, 1) + timedelta(days=first), date(2030, 1, 1) + timedelta(days=last),
                          draw(amounts), draw(st.none() | amounts.map(lambda a: a * 5)),
                          draw(st.none() | amounts.map(lambda a: a * 20))))
    return tuple(out)


taxes = st.lists(st.builds(
    Tax, code=st.sampled_from(["sales", "airport", "city"]), label=st.just("Tax"),
    rate=st.decimals(min_value=0, max_value=Decimal("0.3"), places=4),
    applies_to=st.sampled_from(["all", "time", "time,extra-hours,late", "extra,one-way", "fuel,distance"]),
    rounding=st.sampled_from(["half-up", "half-even", "up"])), max_size=3, unique_by=lambda t: t.code)


@st.composite
def plans(draw) -> RatePlan:
    return RatePlan(
        vehicle_class="ECONOMY", zip_code="10001", currency="USD", day_rate=draw(amounts),
        week_rate=draw(st.none() | amounts.map(lambda a: a * 5)),
        month_rate=draw(st.none() | amounts.map(lambda a: a * 20)),
        hour_rate=draw(amounts), seasons=draw(seasons()), distance_unit=draw(st.sampled_from(["km", "mi"])),
        included_distance_per_day=draw(st.none() | st.integers(0, 500)), extra_distance_price=draw(amounts),
        fuel_eighth_price=draw(amounts), late_grace_minutes=draw(st.integers(0, 120)), deposit=draw(amounts),
        taxes=tuple(draw(taxes)), time_zone=draw(st.sampled_from(ZONES)))


extras = st.lists(st.builds(ExtraChoice, code=st.sampled_from(["gps", "seat", "cdw", "chains"]), label=st.just("X"),
                            per=st.sampled_from(["day", "rental"]), price=amounts, cap=st.none() | amounts,
                            quantity=st.integers(1, 3)), max_size=3, unique_by=lambda e: e.code).map(tuple)
starts = st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2031, 1, 1), timezones=st.just(UTC))
lengths = st.integers(1, 95 * 24 * 60).map(lambda m: timedelta(minutes=m))
fees = st.none() | amounts


def _started_days(plan: RatePlan, start: datetime, length: timedelta) -> int:
    return charges.rental_days(start, start + length, plan.zone)


def _check_sums(result: charges.Charges, plan: RatePlan) -> None:
    for line in result.lines:
        assert line.amount >= 0, line
        assert line.amount == line.amount.quantize(Decimal("0.01")) and line.amount.as_tuple().exponent == -2
        if not line.code.startswith("tax:"):
            assert line.quantity * line.unit_price == line.amount, line
    charged = [line for line in result.lines if not line.code.startswith("tax:")]
    taxed = [line for line in result.lines if line.code.startswith("tax:")]
    assert sum(line.amount for line in result.lines) == result.total
    assert sum(line.amount for line in charged) == result.subtotal
    assert result.subtotal + result.tax == result.total
    assert [line.code for line in taxed] == [f"tax:{t.code}" for t in plan.taxes]
    rounding = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "up": ROUND_UP}
    for tax, line in zip(plan.taxes, taxed):
        base = sum((c.amount for c in charged if c.taxable and tax.applies(c.code)), Decimal("0.00"))
        assert line.quantity == base
        assert line.amount == (base * tax.rate).quantize(Decimal("0.01"), rounding=rounding[tax.rounding])


@settings(max_examples=150, deadline=None)
@given(plans(), starts, lengths, extras, fees, fees, amounts)
def test_a_quote_has_no_negative_line_and_its_lines_sum_to_the_total(plan, start, length, chosen, young, driver,
                                                                     one_way):
    _check_sums(quote(plan, start, start + length, extras=chosen, young_driver_fee_per_day=young,
                      driver_day_rate=driver, one_way_fee=one_way), plan)


@settings(max_examples=150, deadline=None)
@given(plans(), starts, lengths, lengths)
def test_a_longer_rental_is_never_cheaper_unless_a_week_or_month_rate_starts(plan, start, a, b):
    shorter, longer = sorted((a, b))
    days_short, days_long = _started_days(plan, start, shorter), _started_days(plan, start, longer)
    a_rate_starts = any(days_short < threshold <= days_long for threshold in (charges.WEEK_DAYS, charges.MONTH_DAYS))
    if not a_rate_starts:
        assert quote(plan, start, start + shorter).subtotal <= quote(plan, start, start + longer).subtotal


@settings(max_examples=150, deadline=None)
@given(plans(), starts, lengths, extras, fees, fees, amounts, st.integers(0, 8), st.data())
def test_on_time_full_and_within_the_allowance_settles_at_the_quote(plan, start, length, chosen, young, driver,
                                                                   one_way, fuel, data):
    end = start + length
    allowance = plan.included_distance_per_day
    most = 5000 if allowance is None else allowance * _started_days(plan, start, length)
    usage = Usage(picked_up_at=start, returned_at=end, booked_start=start, booked_end=end,
                  distance=data.draw(st.integers(0, most)), fuel_out_eighths=fuel,
                  fuel_in_eighths=data.draw(st.integers(fuel, 8)), damage_charge=Decimal(0), extras=chosen,
                  young_driver_fee_per_day=young, driver_day_rate=driver, one_way_fee=one_way)
    assert settle(plan, usage) == quote(plan, start, end, extras=chosen, young_driver_fee_per_day=young,
                                        driver_day_rate=driver, one_way_fee=one_way)


@settings(max_examples=150, deadline=None)
@given(plans(), starts, lengths, st.integers(-95 * 24 * 60, 5 * 24 * 60), st.integers(0, 3000),
       st.integers(0, 8), st.integers(0, 8), amounts, extras)
def test_settled_charges_have_no_negative_line_and_sum_to_the_total(plan, start, length, returned_minutes, distance,
                                                                    fuel_out, fuel_in, damage, chosen):
    end = start + length
    returned = max(start + timedelta(minutes=1), end + timedelta(minutes=returned_minutes))
    result = settle(plan, Usage(start, returned, start, end, distance, fuel_out, fuel_in, damage, extras=chosen))
    _check_sums(result, plan)
    booked_time = sum(line.amount for line in quote(plan, start, end).lines if line.code in ("time", "extra-hours"))
    settled_time = sum(line.amount for line in result.lines if line.code in ("time", "extra-hours"))
    # An early return never costs more time than was booked; a late one keeps the booked time.
    assert settled_time <= booked_time
    if returned >= end:
        assert settled_time == booked_time
    if returned <= end + timedelta(minutes=plan.late_grace_minutes):
        assert not result.line("late")


@settings(max_examples=200, deadline=None)
@given(plans(), starts, lengths, st.integers(1, 5 * 24 * 60), st.integers(0, 5000), st.integers(0, 8),
       st.integers(0, 8), extras, fees)
def test_coming_back_late_never_costs_less_than_coming_back_on_time(plan, start, length, late_minutes, distance,
                                                                   fuel_out, fuel_in, chosen, young):
    end = start + length

    def charged(returned: datetime) -> Decimal:
        return settle(plan, Usage(start, returned, start, end, distance, fuel_out, fuel_in, Decimal(0),
                                  extras=chosen, young_driver_fee_per_day=young)).total

    assert charged(end + timedelta(minutes=late_minutes)) >= charged(end)


@settings(max_examples=100, deadline=None)
@given(plans(), starts, lengths, st.integers(1, 12 * 60), st.integers(0, 5000))
def test_a_car_handed_over_early_costs_what_was_quoted(plan, start, length, early_minutes, distance):
    end = start + length
    on_time = settle(plan, Usage(start, end, start, end, distance, 8, 8, Decimal(0)))
    early = settle(plan, Usage(start - timedelta(minutes=early_minutes), end, start, end, distance, 8, 8, Decimal(0)))
    assert early == on_time


# -- rental days on the branch's wall clock ------------------------------------------------------------

# Every zone hypothesis knows (the system's tz database), every date of a few decades, real local
# times only (a time the clocks skip is refused at the desk and on the command line).
local_starts = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1),
                            timezones=st.timezones(), allow_imaginary=False)


def _zone(key: str):  # noqa: ANN202
    from zoneinfo import ZoneInfo

    return ZoneInfo(key)


def _days_later(start: datetime, days: int) -> datetime:
    """The same local time ``days`` calendar days later, in the start's zone (the first of a
    repeated one)."""
    return (start.replace(tzinfo=None, fold=0) + timedelta(days=days)).replace(tzinfo=start.tzinfo)


@settings(max_examples=400, deadline=None)
@given(local_starts, st.integers(1, 95))
def test_a_rental_of_n_local_days_is_n_days_in_every_zone_on_every_date(start, n):
    from hypothesis import assume

    end = _days_later(start, n)
    # the return's local time exists (the clocks do not skip it) and is the time asked
    assume(end.astimezone(UTC).astimezone(start.tzinfo).replace(tzinfo=None) == end.replace(tzinfo=None))
    assume(start.fold == 0)  # a start in a repeated hour: its next days start at the first one
    zone = start.tzinfo
    # no calendar day skipped whole between (Pacific/Apia 2011: that day is no rental day, below)
    assume(end.utcoffset() - start.utcoffset() < charges.DAY)
    assert charges.rental_length(start, end, zone) == n * charges.DAY
    assert charges.rental_days(start, end, zone) == n
    # priced as n days at the day rate by a plan with one rate (the class rate alone) in that zone
    key = getattr(zone, "key", None)
    assume(key is not None)
    plan = class_day_rate_plan("SUV", "10001", Decimal("78.00"), time_zone=key)
    assert quote(plan, start, end).total == Decimal("78.00") * n
    # a minute more is a started day more
    assert charges.rental_days(start, end + timedelta(minutes=1), zone) == n + 1


@settings(max_examples=300, deadline=None)
@given(local_starts, lengths, lengths)
def test_the_wall_clock_length_grows_with_the_return_and_stays_under_the_next_day(start, a, b):
    zone = start.tzinfo
    shorter, longer = sorted((a, b))
    first = charges.rental_length(start, start + shorter, zone)
    assert first <= charges.rental_length(start, start + longer, zone)
    whole = first // charges.DAY
    if whole:  # inside day ``whole``: never counted as the next whole day before it starts
        assert charges.rental_day_start(start, whole, zone) <= start + shorter
        assert start + shorter < charges.rental_day_start(start, whole + 1, zone) or first % charges.DAY == timedelta(0)


# Zones whose clocks jumped a whole day, or by odd amounts, or at midnight; and the years around it.
ODD_ZONES = ("Pacific/Apia", "Pacific/Fakaofo", "Pacific/Kwajalein", "Australia/Lord_Howe", "America/Havana",
             "America/Santiago", "America/Sao_Paulo", "Africa/Casablanca", "Asia/Tehran", "Europe/London",
             "America/New_York", "America/St_Johns", "Antarctica/Troll", "Asia/Gaza")


def _instants(years: tuple[int, int]) -> st.SearchStrategy[datetime]:
    return _between(datetime(years[0], 1, 1), datetime(years[1], 1, 1))


def _between(lo: datetime, hi: datetime) -> st.SearchStrategy[datetime]:
    return st.datetimes(min_value=lo, max_value=hi).map(lambda t: t.replace(tzinfo=UTC))


#: The weeks before a whole day was skipped: Samoa and Tokelau (30 Dec 2011), Kwajalein (21 Aug 1993).
_SKIPPED_DAYS = st.one_of(
    st.tuples(st.sampled_from(ODD_ZONES[:2]).map(_zone), _between(datetime(2011, 12, 1), datetime(2012, 1, 2))),
    st.tuples(st.just("Pacific/Kwajalein").map(_zone), _between(datetime(1993, 7, 20), datetime(1993, 8, 22))),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.tuples(st.sampled_from(ODD_ZONES).map(_zone), _instants((1990, 2040))),
                 _SKIPPED_DAYS,
                 st.tuples(st.timezones(), _instants((1970, 2060)))),
       st.integers(1, 40))
def test_every_rental_day_starts_after_the_one_before_and_is_counted_once(zone_and_start, n):
    """Over any zone's gaps, folds and skipped days: day ``i`` starts strictly after day ``i - 1``
    (Pacific/Apia read two days at one instant), lasts at most 48 hours (a day the clocks repeat
    whole), and at its start exactly ``i`` days are counted, a moment after it ``i + 1``."""
    zone, start = zone_and_start
    starts = [charges.rental_day_start(start, i, zone) for i in range(n + 1)]
    for i in range(1, n + 1):
        assert starts[i - 1] < starts[i] <= starts[i - 1] + 2 * charges.DAY, (i, starts[i - 1], starts[i])
        assert charges.rental_days(start, starts[i], zone) == i
        assert charges.rental_days(start, starts[i] + timedelta(microseconds=1), zone) == i + 1


def test_a_rental_across_apia_s_skipped_day_counts_the_days_the_clock_showed():
    from zoneinfo import ZoneInfo

    apia = ZoneInfo("Pacific/Apia")  # 29 December 2011 23:59:59 (-10) was followed by 31 December 00:00 (+14)
    start = datetime(2011, 12, 29, 10, tzinfo=apia)
    back = datetime(2011, 12, 31, 10, tzinfo=apia)
    assert back.astimezone(UTC) - start.astimezone(UTC) == D  # a day of real time, 2 on the calendar
    assert charges.rental_days(start, back, apia) == 1  # was 2: days 1 and 2 started at one instant
    assert charges.rental_day_start(start, 1, apia) == back.astimezone(UTC)
    assert charges.rental_days(start, back + timedelta(minutes=1), apia) == 2
    assert charges.rental_day_start(start, 2, apia) == datetime(2012, 1, 1, 10, tzinfo=apia)
    plan = class_day_rate_plan("SUV", "10001", Decimal("78.00"), time_zone="Pacific/Apia")
    assert quote(plan, start, back).total == Decimal("78.00")
    # a spring gap of an hour still reads a skipped time with the offset before it (an hour later)
    ny = ZoneInfo("America/New_York")
    at_half_two = datetime(2030, 3, 9, 2, 30, tzinfo=ny)
    assert charges.rental_day_start(at_half_two, 1, ny) == datetime(2030, 3, 10, 3, 30, tzinfo=ny)


NY = "America/New_York"


@pytest.mark.parametrize("day", [date(2030, 3, 9), date(2030, 3, 10), date(2030, 11, 2), date(2030, 11, 3)])
def test_ten_to_ten_over_a_clock_change_is_one_day_at_the_class_rate(day):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(NY)
    start = datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=zone)
    end = start.replace(day=day.day + 1)
    real = end.astimezone(UTC) - start.astimezone(UTC)
    assert real == timedelta(days=1) if day in (date(2030, 3, 10), date(2030, 11, 3)) else real != timedelta(days=1)
    plan = class_day_rate_plan("SUV", "10001", Decimal("78.00"), time_zone=NY)
    assert quote(plan, start, end).total == Decimal("78.00")  # not 2 days
    assert charges.rental_days(start, end, zone) == 1
    assert quote(plan, start, end + timedelta(minutes=1)).total == Decimal("156.00")  # a started day more
    # the same period in UTC 24-hour periods was the old count: a day and an hour (2 days) in spring
    weekly = plan_from_mapping({"vehicle_class": "SUV", "zip_code": "10001", "currency": "USD", "day_rate": "45.00",
                                "hour_rate": "10.00", "time_zone": NY})
    assert quote(weekly, start, end).line("extra-hours") == ()
    settled = settle(weekly, Usage(start, end, start, end, 0, 8, 8, Decimal(0)))
    assert settled.total == quote(weekly, start, end).total == Decimal("45.00")
