"""The one charge calculator: a rate plan and a period (or what happened) in, charge lines out.

Pure: no database, no clock. :func:`quote` is the price at booking, :func:`settle` the charges at
check-in; every price in rentaldesk comes from one of them.

How time is charged (the plan is :class:`rentaldesk.rates.RatePlan`):

- **Rental days** are counted on the branch's wall clock (the plan's ``time_zone``): day *i* starts
  *i* calendar days after the pick-up at the same local time (:func:`rental_day_start`), so 10:00 to
  10:00 the next day is 1 day even over a clock change (23 or 25 hours); 1 day 1 min is 1 day and an
  extra hour. Each day is priced by the season of the local date it starts on, else at the plan's
  rates. :func:`rental_length` is that wall-clock length, :func:`rental_days` its started days.
  A calendar day the clocks skip whole is no rental day (:func:`rental_day_start`). A plan kept
  from a reservation booked before this rule (``RatePlan.rental_day_clock == "utc"``, migration
  0021: :func:`rentaldesk.pricing.as_quoted`) counts 24-hour days from the pick-up, as it was quoted.
- **Under 7 days**: each day at its day rate.
- **From 7 days** (the week rate starts): the days are cut into weeks from the pick-up; each week
  costs its week rate or its 7 day rates, whichever is less, and the days left after the last full
  week cost their day rates capped at one week's rate. So 9 days with $45 a day and $250 a week are
  $250 + 2 x $45 = $340, and 13 days are $250 + $250 (6 x $45 = $270 is capped at $250).
- **From 28 days** (the month rate starts): the same with 28-day months, each month costing its
  month rate or its weeks-and-days price, whichever is less; the days after the last full month are
  priced as weeks and days, capped at one month's rate.
- A week or a month is priced by the season of the day it starts on; a season without a week
  (month) rate has none: its days are priced at its day rate.
- **Extra hours** after the last full day: started hours at ``hour_rate``, but never more than
  charging one more day would add; when they would cost as much, the rental is charged the next
  day instead (one "time" price, no "extra-hours" line). A plan whose hour rate is its day rate
  (a class's day rate alone) therefore prices every started 24 hours as a day, as before.

At check-in (:func:`settle`) the charged period runs from the booked start (a car handed over early,
inside the pick-up window, is not charged for the hours before it: the price quoted is the price
kept) to:

- the booked end, when the car comes back on time or within ``late_grace_minutes`` after it;
- the return, when it comes back early: the time used at the plan's rates, but never more than the
  booked time price;
- the booked end, plus a **late** charge when it comes back after the grace: started hours from
  the booked end at ``hour_rate``, each started 24 hours of lateness capped at the day rate of the
  rental day it starts in.

Per-day items (extras by the day, the young-driver fee, the chauffeur) count the started rental
days of the charged period, up to the return when late. The distance allowance counts the booked
days (the days used, when early), never the late ones: a late return never makes the distance
cheaper. Distance over the allowance (``included_distance_per_day`` x days; None: unlimited) costs
``extra_distance_price`` a unit; each missing eighth of fuel ``fuel_eighth_price``; the damage
charge is what the clerk entered (not taxed); an extra by the day costs price x days, by the rental
price, each capped at ``cap`` (per unit) and times its quantity.

Taxes: one line per tax of the plan, on the sum of the taxable lines it applies to, rounded to
the cent as the tax says. A tax line's ``quantity`` is that base and its ``unit_price`` the rate.
Every amount is a Decimal quantized to 0.01, never negative; the lines sum to the total.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from .display import count
from .errors import InvalidInput, InvalidPeriod
from .rates import CENT, RatePlan

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
WEEK_DAYS = 7
MONTH_DAYS = 28
#: Fuel is read in eighths of a tank.
FULL_TANK = 8
EXTRA_PER = ("day", "rental")
ZERO = Decimal("0.00")

_ROUNDING = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "up": ROUND_UP}
_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


@dataclass(frozen=True, slots=True)
class ExtraChoice:
    """An extra or a cover chosen for the rental: ``per`` "day" or "rental", ``cap`` the most one
    unit costs over the rental (None: no cap); ``taxable`` False: the branch's taxes leave it out."""

    code: str
    label: str
    per: str
    price: Decimal
    cap: Decimal | None
    quantity: int = 1
    # -- issue 11: extras --
    taxable: bool = True

    def __post_init__(self) -> None:
        where = f"extra {self.code!r}" if isinstance(self.code, str) and self.code else "extra"
        if not isinstance(self.code, str) or not self.code.strip():
            raise InvalidInput("an extra needs a code", field="extras")
        if not isinstance(self.label, str) or not self.label.strip():
            raise InvalidInput(f"{where} needs a label", field="extras")
        if self.per not in EXTRA_PER:
            raise InvalidInput(f"{where} is priced per 'day' or per 'rental', not {self.per!r}", field="extras")
        _check_amount(self.price, f"{where} price", "extras")
        if self.cap is not None:
            _check_amount(self.cap, f"{where} cap", "extras")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) or not 1 <= self.quantity <= 99:
            raise InvalidInput(f"{where} quantity must be from 1 to 99, not {self.quantity!r}", field="extras")


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One line of a price or a bill; ``amount`` >= 0 with 2 places.

    ``code``: "time", "extra-hours", "late", "distance", "fuel", "damage", "young-driver", "driver",
    "one-way", "extra:<code>", "tax:<code>". ``quantity`` x ``unit_price`` is ``amount`` on every
    line but a tax line (there: the base taxed and the rate).
    """

    code: str
    label: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    taxable: bool


@dataclass(frozen=True, slots=True)
class Charges:
    """The charge lines, then one line per tax; ``subtotal`` + ``tax`` is ``total``."""

    lines: tuple[ChargeLine, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    currency: str

    def line(self, code: str) -> tuple[ChargeLine, ...]:
        """The lines with that code (several "time" lines when weeks and days combine)."""
        return tuple(line for line in self.lines if line.code == code)

    def billed(self) -> tuple[ChargeLine, ...]:
        """The lines a bill shows, in order: the one rule of the check-in dialog, the receipt and
        the command line. A line of nothing (fuel missing at a price of 0.00, an extra or a tax of
        0.00) says nothing and is left out, as fuel back full, no extra hours or distance within
        the allowance make no line at all; ``subtotal``, ``tax`` and ``total`` stay the charges'
        own, so the lines shown still add up to them."""
        return tuple(line for line in self.lines if line.amount != 0)


@dataclass(frozen=True, slots=True)
class Usage:
    """What happened, for the charges at check-in: times aware UTC, distance in the plan's unit
    (odometer in - out), fuel in eighths (0..8)."""

    picked_up_at: datetime
    returned_at: datetime
    booked_start: datetime
    booked_end: datetime
    distance: int
    fuel_out_eighths: int
    fuel_in_eighths: int
    damage_charge: Decimal
    extras: tuple[ExtraChoice, ...] = ()
    young_driver_fee_per_day: Decimal | None = None
    driver_day_rate: Decimal | None = None
    one_way_fee: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("picked_up_at", "returned_at", "booked_start", "booked_end"):
            _check_aware(getattr(self, name), name)
        if self.booked_end <= self.booked_start:
            raise InvalidPeriod("the booked return must be after the booked pick-up", field="booked_end")
        if self.returned_at <= self.picked_up_at:
            raise InvalidPeriod("the return must be after the pick-up", field="returned_at")
        if isinstance(self.distance, bool) or not isinstance(self.distance, int) or self.distance < 0:
            raise InvalidInput(f"the distance driven cannot be negative or fractional ({self.distance!r})",
                               field="distance")
        for name in ("fuel_out_eighths", "fuel_in_eighths"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FULL_TANK:
                raise InvalidInput(f"fuel is read in eighths, from 0 to {FULL_TANK}, not {value!r}", field=name)
        _check_amount(self.damage_charge, "the damage charge", "damage_charge")
        _check_amount(self.one_way_fee, "the one-way fee", "one_way_fee")
        for name in ("young_driver_fee_per_day", "driver_day_rate"):
            if getattr(self, name) is not None:
                _check_amount(getattr(self, name), name.replace("_", " "), name)


def quote(plan: RatePlan, start: datetime, end: datetime, *, extras: tuple[ExtraChoice, ...] = (),
          young_driver_fee_per_day: Decimal | None = None, driver_day_rate: Decimal | None = None,
          one_way_fee: Decimal = Decimal(0)) -> Charges:
    """The price at booking of ``start`` to ``end`` (aware) with the plan, the extras and fees."""
    _check_aware(start, "start")
    _check_aware(end, "end")
    if end <= start:
        raise InvalidPeriod("return must be after pick-up", field="end")
    _check_fees(extras, young_driver_fee_per_day, driver_day_rate, one_way_fee)
    length = rental_length(start, end, plan.day_zone)
    calendar = _Calendar(plan, start, _started_days(length) + 1)
    lines = _time_lines(calendar, length)
    lines += _per_rental_lines(plan, _started_days(length), extras, young_driver_fee_per_day,
                               driver_day_rate, one_way_fee)
    return _total(plan, lines)


def settle(plan: RatePlan, usage: Usage) -> Charges:
    """The charges at check-in (see the module's rules for early and late returns)."""
    _check_fees(usage.extras, usage.young_driver_fee_per_day, usage.driver_day_rate, usage.one_way_fee)
    # From the booked start: a car handed over early (inside the pick-up window) is not charged
    # for the hours before it, since the price quoted is the price kept.
    start, zone = usage.booked_start, plan.day_zone  # (24-hour days for a plan kept from before the wall clock)
    booked = rental_length(start, usage.booked_end, zone)
    late = usage.returned_at - usage.booked_end
    charged_late = usage.returned_at > late_from(plan, usage.booked_end)
    # Per-day items count the days up to: the return when late after the grace or early, else the
    # booked end (a return within the grace is on time).
    if charged_late or late < timedelta(0):
        charged_until = usage.returned_at
    else:
        charged_until = usage.booked_end
    calendar = _Calendar(plan, start, _started_days(rental_length(start, max(charged_until, usage.booked_end), zone)) + 1)
    lines = _time_lines(calendar, booked)
    if charged_until < usage.booked_end:
        used = _time_lines(calendar, rental_length(start, charged_until, zone))
        if _sum(used) < _sum(lines):
            lines = used
        else:
            charged_until = usage.booked_end
    if charged_late:
        lines += _late_lines(plan, calendar, usage.booked_end, late)
    days = _started_days(rental_length(start, charged_until, zone))
    # The distance included is the booked days' (or the days used, when returned early): a late
    # return is charged by the hour, and never makes the distance cheaper.
    allowance_days = _started_days(rental_length(start, min(charged_until, usage.booked_end), zone))
    allowance = plan.included_distance_per_day
    if allowance is not None and usage.distance > allowance * allowance_days:
        included = allowance * allowance_days
        over = usage.distance - included
        lines.append(_line("distance", f"{over:,} {plan.distance_unit} over the {included:,} "
                                       f"{plan.distance_unit} included, at {_money(plan.extra_distance_price, plan)} "
                                       f"a {plan.distance_unit}", over, plan.extra_distance_price))
    missing = usage.fuel_out_eighths - usage.fuel_in_eighths
    if missing > 0:
        lines.append(_line("fuel", f"{missing}/8 tank of fuel missing, at {_money(plan.fuel_eighth_price, plan)} "
                                   f"an eighth", missing, plan.fuel_eighth_price))
    if usage.damage_charge > 0:
        lines.append(_line("damage", "Damage", 1, usage.damage_charge, taxable=False))
    lines += _per_rental_lines(plan, days, usage.extras, usage.young_driver_fee_per_day,
                               usage.driver_day_rate, usage.one_way_fee)
    return _total(plan, lines)


def late_from(plan: RatePlan, booked_end: datetime) -> datetime:
    """The time after which a car not back is late: its booked end plus the plan's late-return grace.
    The one rule of "late": :func:`settle` charges a return after it, and the day's manifest
    (:mod:`rentaldesk.manifest`) lists a car still out after it as overdue."""
    return booked_end + timedelta(minutes=plan.late_grace_minutes)


def rental_day_start(start: datetime, i: int, zone: tzinfo) -> datetime:
    """When rental day ``i`` (0 from the pick-up ``start``) starts: ``i`` calendar days later at the
    same time on the branch's wall clock (``zone``), so a day is 23 or 25 hours over a clock change.
    A local time the clocks skip that day is read with the offset before the change (an hour later
    on the clock); a repeated one is its first occurrence. A calendar day the clocks skip whole
    (Pacific/Apia's 30 December 2011) is no rental day: the days after it start one calendar day
    later, so every day starts after the one before it and lasts about 24 hours (read as the days
    before, it started at the same instant as the next). Aware UTC."""
    if i == 0:
        return start.astimezone(UTC)
    local = start.astimezone(zone).replace(tzinfo=None, fold=0)
    offset = start.astimezone(zone).utcoffset() or timedelta(0)
    days = i
    for _ in range(4):  # one pass more for each whole-day jump in between (never more than one in the tz data)
        at = (local + days * DAY).replace(tzinfo=zone).astimezone(UTC)
        # how far the clocks moved forward between the pick-up and then, in whole days
        skipped = ((at.astimezone(zone).utcoffset() or timedelta(0)) - offset) // DAY
        if days == i + max(skipped, 0):
            return at
        days = i + max(skipped, 0)
    return at


def rental_length(start: datetime, end: datetime, zone: tzinfo) -> timedelta:
    """The length of ``start`` to ``end`` as the branch counts it: the whole rental days in it on the
    wall clock (:func:`rental_day_start`) as 24 hours each, plus the time after the last one on the
    wall clock (never less than the real time, just under 24 hours at most). 10:00 to 10:00 the next day is 1 day over a clock
    change; in UTC it is ``end - start``; it never decreases as ``end`` moves later."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # real time (one zone's aware times subtract as wall times)
    if end <= start:
        return end - start
    n = (end - start) // DAY  # a first guess: the wall clock's days are 24 hours but for a few
    while _starts_by(start, n + 1, zone, end):
        n += 1
    while not _starts_by(start, n, zone, end):
        n -= 1
    # The time after the last whole day: as the wall clock shows it, but never less than the real
    # time (an hour the clocks repeat still counts), and just under a day at most (on a 25-hour day
    # the 25th hour is still before the next day starts). So 10:00 to 09:59 the next morning over
    # the spring change is 23 h 59 min, the length grows with ``end``, and a minute after a whole
    # day is always a started day more.
    day_start = rental_day_start(start, n, zone)
    try:
        on_the_clock = _wall(end, zone) - _wall(day_start, zone)
    except OverflowError:  # a local time past the calendar's end: the real time
        on_the_clock = end - day_start
    rest = min(max(end - day_start, on_the_clock), DAY - _TICK)
    return n * DAY + rest


_TICK = timedelta(microseconds=1)


def _wall(at: datetime, zone: tzinfo) -> datetime:
    return at.astimezone(zone).replace(tzinfo=None)


def _starts_by(start: datetime, i: int, zone: tzinfo, end: datetime) -> bool:
    try:
        return rental_day_start(start, i, zone) <= end
    except OverflowError:  # a day past the calendar's end starts after any ``end``
        return False


def rental_days(start: datetime, end: datetime, zone: tzinfo) -> int:
    """Started rental days on the branch's wall clock (``zone``): 10:00 to 10:00 the next day is 1
    day, to 10:01 it is 2 (at least 1). The one started-days rule of every price and text."""
    return _started_days(rental_length(start, end, zone))


# -- time ------------------------------------------------------------------------------------------


class _Calendar:
    """The plan's rates of each rental day from the pick-up (day i starts at
    :func:`rental_day_start`), with running sums of the day rates so a run of days is priced in one
    subtraction."""

    __slots__ = ("plan", "start", "day", "week", "month", "sums")

    def __init__(self, plan: RatePlan, start: datetime, days: int) -> None:
        self.plan = plan
        self.start = start
        self.day: list[Decimal] = []
        self.week: list[Decimal | None] = []
        self.month: list[Decimal | None] = []
        self.sums: list[Decimal] = [ZERO]
        self.extend(days)

    def extend(self, days: int) -> None:
        """Know the rates of the first ``days`` days (rebuilt whole: a few list operations)."""
        if days <= len(self.day):
            return
        plan = self.plan
        self.day = [plan.day_rate] * days
        self.week = [plan.week_rate] * days
        self.month = [plan.month_rate] * days
        if plan.seasons:
            zone, days_on, start = plan.zone, plan.day_zone, self.start

            def local(i: int) -> date:
                return rental_day_start(start, i, days_on).astimezone(zone).date()

            # The local date a day starts on goes up by one from one day to the next, so each
            # season is a run of days.
            for season in plan.seasons:
                first = bisect.bisect_left(range(days), season.first_day, key=local)
                last = bisect.bisect_right(range(days), season.last_day, key=local)
                if first < last:
                    self.day[first:last] = [season.day_rate] * (last - first)
                    self.week[first:last] = [season.week_rate] * (last - first)
                    self.month[first:last] = [season.month_rate] * (last - first)
        self.sums = [ZERO, *itertools.accumulate(self.day)]

    def days_total(self, first: int, n: int) -> Decimal:
        return self.sums[first + n] - self.sums[first]


# A block of the time price: (unit "day" | "week" | "month", its rate, the days it covers).
_Block = tuple[str, Decimal, int]
_SIZE = {"week": WEEK_DAYS, "month": MONTH_DAYS}


def _capped_total(cal: _Calendar, first: int, n: int, unit: str) -> Decimal:
    """Days ``first`` to ``first + n`` cut into weeks (months) from ``first``, each at its week
    (month) rate or the finer price, whichever is less; the last, shorter block is capped alike."""
    size = _SIZE[unit]
    rates = cal.week if unit == "week" else cal.month
    total = ZERO
    for at in range(first, first + n, size):
        length = min(size, first + n - at)
        finer = cal.days_total(at, length) if unit == "week" else _capped_total(cal, at, length, "week")
        rate = rates[at]
        total += rate if rate is not None and rate < finer else finer
    return total


def _capped_blocks(cal: _Calendar, first: int, n: int, unit: str) -> list[_Block]:
    """The blocks :func:`_capped_total` charged, for the lines."""
    size = _SIZE[unit]
    rates = cal.week if unit == "week" else cal.month
    blocks: list[_Block] = []
    for at in range(first, first + n, size):
        length = min(size, first + n - at)
        finer = cal.days_total(at, length) if unit == "week" else _capped_total(cal, at, length, "week")
        rate = rates[at]
        if rate is not None and rate < finer:
            blocks.append((unit, rate, length))
        elif unit == "week":
            blocks += [("day", cal.day[i], 1) for i in range(at, at + length)]
        else:
            blocks += _capped_blocks(cal, at, length, "week")
    return blocks


def _regime(n: int) -> str:
    return "month" if n >= MONTH_DAYS else "week" if n >= WEEK_DAYS else "day"


def _days_total(cal: _Calendar, n: int) -> Decimal:
    """The time price of ``n`` whole rental days (the week rate from 7, the month rate from 28)."""
    cal.extend(n)
    unit = _regime(n)
    return cal.days_total(0, n) if unit == "day" else _capped_total(cal, 0, n, unit)


def _days_blocks(cal: _Calendar, n: int) -> list[_Block]:
    unit = _regime(n)
    return [("day", cal.day[i], 1) for i in range(n)] if unit == "day" else _capped_blocks(cal, 0, n, unit)


def _time_lines(cal: _Calendar, length: timedelta) -> list[ChargeLine]:
    plan = cal.plan
    full = max(1, length // DAY)
    rest = length - full * DAY
    price = _days_total(cal, full)
    hours = math.ceil(rest / HOUR) if rest > timedelta(0) else 0
    if hours and hours * plan.hour_rate < _days_total(cal, full + 1) - price:
        lines = _block_lines(plan, _days_blocks(cal, full))
        lines.append(_line("extra-hours", f"{count(hours, 'extra hour')} at {_money(plan.hour_rate, plan)} "
                                          "an hour", hours, plan.hour_rate))
        return lines
    return _block_lines(plan, _days_blocks(cal, full + 1 if hours else full))


def _block_lines(plan: RatePlan, blocks: list[_Block]) -> list[ChargeLine]:
    """The time blocks as clerk lines, one per unit and rate: '3 days at $45.00 a day'."""
    groups: dict[tuple[str, Decimal], list[int]] = {}
    for unit, rate, days in blocks:
        groups.setdefault((unit, rate), []).append(days)
    lines = []
    for (unit, rate), covered in groups.items():
        n, days = len(covered), sum(covered)
        label = f"{count(n, unit)} at {_money(rate, plan)} a {unit}"
        if unit != "day" and days != n * (WEEK_DAYS if unit == "week" else MONTH_DAYS):
            label += f" ({count(days, 'day')})"
        lines.append(_line("time", label, n, rate))
    return lines


def _late_lines(plan: RatePlan, cal: _Calendar, booked_end: datetime, late: timedelta) -> list[ChargeLine]:
    """Started hours late from the booked end at the hour rate, each started 24 hours capped at the
    day rate of the rental day it falls in."""
    hours = math.ceil(late / HOUR)
    zone = plan.day_zone

    def day_of(at: datetime) -> int:
        return rental_length(cal.start, at, zone) // DAY

    cal.extend(day_of(booked_end + late) + 1)
    capped: dict[Decimal, int] = {}
    hourly = 0
    for k in range(0, hours, 24):
        in_day = min(24, hours - k)
        rate = cal.day[day_of(booked_end + k * HOUR)]
        if in_day * plan.hour_rate > rate:
            capped[rate] = capped.get(rate, 0) + 1
        else:
            hourly += in_day
    lines = [_line("late", f"{count(n, 'day')} late at {_money(rate, plan)} a day", n, rate)
             for rate, n in capped.items()]
    if hourly:
        lines.append(_line("late", f"{count(hourly, 'hour')} late at {_money(plan.hour_rate, plan)} an hour",
                           hourly, plan.hour_rate))
    return lines


# -- the rest --------------------------------------------------------------------------------------


def _per_rental_lines(plan: RatePlan, days: int, extras: tuple[ExtraChoice, ...],
                      young_driver_fee_per_day: Decimal | None, driver_day_rate: Decimal | None,
                      one_way_fee: Decimal) -> list[ChargeLine]:
    lines = []
    for extra in extras:
        units = days if extra.per == "day" else 1
        each = extra.price * units
        what = f"{count(days, 'day')} at {_money(extra.price, plan)} a day" if extra.per == "day" else "per rental"
        if extra.cap is not None and each > extra.cap:
            lines.append(_line(f"extra:{extra.code}", f"{extra.label}: {what}, capped at {_money(extra.cap, plan)}"
                               + (f", x {extra.quantity}" if extra.quantity > 1 else ""), extra.quantity, extra.cap,
                               taxable=extra.taxable))
        elif extra.per == "day":
            lines.append(_line(f"extra:{extra.code}", f"{extra.label}: {what}"
                               + (f", x {extra.quantity}" if extra.quantity > 1 else ""),
                               days * extra.quantity, extra.price, taxable=extra.taxable))
        else:
            lines.append(_line(f"extra:{extra.code}", f"{extra.label}: {what}"
                               + (f", x {extra.quantity}" if extra.quantity > 1 else ""),
                               extra.quantity, extra.price, taxable=extra.taxable))
    if young_driver_fee_per_day is not None:
        lines.append(_line("young-driver", f"Young driver: {count(days, 'day')} at "
                                           f"{_money(young_driver_fee_per_day, plan)} a day",
                           days, young_driver_fee_per_day))
    if driver_day_rate is not None:
        lines.append(_line("driver", f"Driver: {count(days, 'day')} at {_money(driver_day_rate, plan)} a day",
                           days, driver_day_rate))
    if one_way_fee > 0:
        lines.append(_line("one-way", "One-way drop fee", 1, one_way_fee))
    return lines


def _total(plan: RatePlan, lines: list[ChargeLine]) -> Charges:
    subtotal = _sum(lines)
    taxes = []
    for tax in plan.taxes:
        base = sum((line.amount for line in lines if line.taxable and tax.applies(line.code)), ZERO)
        amount = (base * tax.rate).quantize(CENT, rounding=_ROUNDING[tax.rounding])
        taxes.append(ChargeLine(code=f"tax:{tax.code}", label=f"{tax.label} {tax.percent} of "
                                                               f"{_money(base, plan)}",
                                quantity=base, unit_price=tax.rate, amount=amount, taxable=False))
    tax_total = _sum(taxes)
    return Charges(lines=tuple(lines + taxes), subtotal=subtotal, tax=tax_total, total=subtotal + tax_total,
                   currency=plan.currency)


def _line(code: str, label: str, quantity: int, unit_price: Decimal, *, taxable: bool = True) -> ChargeLine:
    return ChargeLine(code=code, label=label, quantity=Decimal(quantity), unit_price=unit_price,
                      amount=(Decimal(quantity) * unit_price).quantize(CENT), taxable=taxable)


def _sum(lines: list[ChargeLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def _started_days(length: timedelta) -> int:
    return max(1, math.ceil(length / DAY))


def _money(amount: Decimal, plan: RatePlan) -> str:
    return money_in(amount, plan.currency)


def money_in(amount: Decimal, currency: str) -> str:
    """An amount in a plan's currency: '$1,234.50', '€80.00', '80.00 CHF' (no sign known)."""
    sign = _SIGNS.get(currency)
    return f"{sign}{amount:,.2f}" if sign else f"{amount:,.2f} {currency}"


def _check_aware(value: object, name: str) -> None:
    if not isinstance(value, datetime):
        raise InvalidPeriod(f"{name} must be a date and time, not {value!r}", field=name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidPeriod(f"{name} {value.isoformat()} has no time zone", field=name)


def _check_amount(value: object, what: str, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{what} must be an amount like 12.50, not {value!r}", field=name)
    if value < 0:
        raise InvalidInput(f"{what} cannot be negative ({value})", field=name)
    if value != value.quantize(CENT):
        raise InvalidInput(f"{what} has more than 2 decimal places ({value})", field=name)


def _check_fees(extras: tuple[ExtraChoice, ...], young: Decimal | None, driver: Decimal | None,
                one_way: Decimal) -> None:
    for extra in extras:
        if not isinstance(extra, ExtraChoice):
            raise InvalidInput(f"an extra must be an ExtraChoice, not {extra!r}", field="extras")
    if young is not None:
        _check_amount(young, "the young-driver fee", "young_driver_fee_per_day")
    if driver is not None:
        _check_amount(driver, "the driver's day rate", "driver_day_rate")
    _check_amount(one_way, "the one-way fee", "one_way_fee")
