"""Booking rules of a branch: the period checks, the price, and how a plate is written. Pure
functions, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal

from .charges import quote, rental_length
from .charges import rental_days as rental_days  # the one started-days rule, under its older name
from .display import duration_words
from .errors import InvalidInput, InvalidPeriod
from .rates import CENT, class_day_rate_plan

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class BranchRules:
    """The per-branch settings the engine applies (the seed's defaults)."""

    lead_time: timedelta = timedelta(hours=2)
    min_rental: timedelta = timedelta(days=1)
    turnaround: timedelta = timedelta(0)
    #: The longest rental a branch takes.
    max_rental: timedelta = timedelta(days=90)
    #: How far ahead a pick-up may be booked.
    horizon: timedelta = timedelta(days=730)
    #: The branch's IANA zone: a rental's length (its minimum and longest) is on its wall clock.
    time_zone: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def describe(delta: timedelta) -> str:
    """A duration as a clerk says it (:func:`rentaldesk.display.duration_words`): '1 day 2 hours'."""
    return duration_words(delta)


def require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise InvalidPeriod(f"{name} must be a date and time, not {value!r}", field=name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidPeriod(f"{name} {value.isoformat()} has no time zone", field=name)


def check_period(
    start: datetime,
    end: datetime,
    now: datetime,
    rules: BranchRules,
    *,
    check_lead_time: bool = True,
) -> None:
    """Raise :class:`InvalidPeriod` naming the broken rule and by how much; boundaries are allowed.

    The rules: return after pick-up, the period not over, pick-up at least the lead time and at
    most the booking horizon ahead, the rental at least the minimum and at most the longest length.
    ``check_lead_time`` is off for a change of a reservation whose start is not changing (then
    neither the lead time nor the horizon is checked: the pick-up was taken under them).
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise InvalidPeriod(
            f"return must be after pick-up (it is {describe(start - end)} before it)"
            if end < start
            else "return must be after pick-up (both are the same time)",
            field="end",
        )
    if end <= now:
        raise InvalidPeriod(f"the period is in the past (it ended {describe(now - end)} ago)", field="end")
    if check_lead_time:
        if start < now:
            raise InvalidPeriod(
                f"pick-up is in the past by {describe(now - start)}; "
                f"it must be at least {describe(rules.lead_time)} from now",
                field="start",
            )
        if start - now < rules.lead_time:
            raise InvalidPeriod(
                f"pick-up must be at least {describe(rules.lead_time)} from now; "
                f"it is {describe(rules.lead_time - (start - now))} too early",
                field="start",
            )
        if start - now > rules.horizon:
            raise InvalidPeriod(
                f"pick-up can be booked at most {describe(rules.horizon)} ahead; "
                f"it is {describe(start - now - rules.horizon)} too far",
                field="start",
            )
    # On the branch's wall clock: 10:00 to 10:00 the next day is a day over a clock change too.
    length = rental_length(start, end, rules.zone)
    if length < rules.min_rental:
        raise InvalidPeriod(
            f"a rental lasts at least {describe(rules.min_rental)}; "
            f"this one is {describe(rules.min_rental - length)} too short",
            field="end",
        )
    if length > rules.max_rental:
        raise InvalidPeriod(
            f"a rental lasts at most {describe(rules.max_rental)}; "
            f"this one is {describe(length - rules.max_rental)} too long",
            field="end",
        )


def price(start: datetime, end: datetime, day_rate: Decimal, driver_day_rate: Decimal | None = None) -> Decimal:
    """The price of a day rate alone (started days in UTC, plus the driver's day rate): the
    calculator's (:func:`rentaldesk.charges.quote`) with a plan of that rate, kept for callers of
    this older name. Bookings are priced by :mod:`rentaldesk.pricing`."""
    plan = class_day_rate_plan("-", "-", Decimal(day_rate).quantize(CENT))
    return quote(plan, start, end, driver_day_rate=driver_day_rate).total


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open periods: back-to-back ones do not overlap."""
    return a_start < b_end and b_start < a_end


#: The highest odometer reading taken (in the branch's unit): a car's, a fleet file's, a check-out's
#: or a check-in's. A typo past it is refused rather than recorded, since the odometer never goes back.
LARGEST_ODOMETER = 5_000_000


def odometer_reading(value: object, field: str = "odometer") -> int:
    """An odometer reading, 0 to :data:`LARGEST_ODOMETER`; else :class:`InvalidInput` naming ``field``.
    The one range every path holds a reading to (the fleet, the command line, check-out and check-in)."""
    words = field.replace("_", " ")
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"the {words} must be a whole number, not {value!r}", field=field)
    if not 0 <= value <= LARGEST_ODOMETER:
        raise InvalidInput(f"the {words} {value:,} is outside 0 to {LARGEST_ODOMETER:,}", field=field)
    return value


def normalize_plate(text: str) -> str:
    """A plate as the fleet knows it: capitals, without spaces or dashes, so "ab-123", "AB 123" and
    "AB123" are one car, stored, compared and looked up the same way everywhere."""
    return _PLATE_SEPARATORS.sub("", text).upper()


_PLATE_SEPARATORS = re.compile(r"[\s-]+")
