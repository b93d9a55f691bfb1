"""The price of a reservation: which plan a booking is quoted with, and what a new period costs.

The one rule of a booked price, for the branch, the command line, the desk and head office, all
through :func:`rentaldesk.charges.quote`:

- A booking is quoted with the plan in effect for its class at its branch
  (:func:`rentaldesk.rates.plan_for`, or the plan a branch's request carries to head office); a
  pinned car is priced at its own day rate (:func:`rentaldesk.rates.with_day_rate`), as before;
  a chauffeur at their day rate per rental day.
- The reservation keeps that plan (``rate_plan``) and the chauffeur's rate (``driver_day_rate``):
  a later change of the rates never changes its price.
- A new period is re-quoted with the kept plan (:func:`price_change`); when it costs the same the
  booked price stays, else the clerk is shown old -> new and why before it is saved. A row of an
  earlier build keeps no plan: its plan is its booked price per started day (:func:`kept_plan`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from .charges import Charges, ExtraChoice, quote, rental_days
from .display import count, money
from .errors import PriceChanged
from .extras import extras_from_json
from .rates import CENT, RatePlan, class_day_rate_plan, with_day_rate


def booking_plan(plan: RatePlan, car_cost_per_day: Decimal | None) -> RatePlan:
    """The plan a booking is quoted with: the class's plan, at the car's own day rate when the
    customer asked for that car (``car_cost_per_day``; None for a class booking)."""
    return plan if car_cost_per_day is None else with_day_rate(plan, car_cost_per_day)


def booking_quote(plan: RatePlan, start: datetime, end: datetime, driver_day_rate: Decimal | None,
                  extras: tuple[ExtraChoice, ...] = (), drop_fee: Decimal | None = None) -> Charges:
    """The charges of a booking with ``plan`` (already :func:`booking_plan`'s), its extras and its
    one-way drop fee (``drop_fee``: :func:`rentaldesk.rates.drop_fee` at booking, then as kept)."""
    return quote(plan, start, end, driver_day_rate=driver_day_rate, extras=extras,
                 one_way_fee=drop_fee or Decimal(0))


class KeptPrice(Protocol):
    """What a reservation row keeps of its price."""

    vehicle_class: str
    zip_code: str
    price: Decimal
    start_at: datetime
    end_at: datetime
    rate_plan: str | None
    driver_day_rate: Decimal | None
    extras_json: str
    wall_clock_days: bool
    drop_fee: Decimal | None


def as_quoted(plan: RatePlan, row: KeptPrice) -> RatePlan:
    """``plan`` counting rental days as the reservation was quoted: a row booked before the
    wall-clock rule (migration 0021 marks it) in 24-hour days from the pick-up, so over a clock
    change it settles the days it was quoted, not one more or fewer. Every kept plan goes through
    it: :func:`kept_plan`, and the agreement's plan at check-in."""
    if row.wall_clock_days or plan.rental_day_clock == "utc":
        return plan
    return replace(plan, rental_day_clock="utc")


def kept_plan(row: KeptPrice) -> RatePlan:
    """The plan the reservation was quoted with (:func:`as_quoted`); for a row of an earlier build
    (no plan kept), its booked price per started day, the chauffeur included, as the price-kept
    rule always had it."""
    if row.rate_plan:
        return as_quoted(RatePlan.from_json(row.rate_plan), row)
    # Such a row was priced by started 24-hour periods, which is the wall clock of UTC: the plan
    # made for it is in UTC (class_day_rate_plan's default), so its days are counted as they were.
    per_day = (Decimal(row.price) / rental_days(row.start_at, row.end_at, UTC)).quantize(CENT)
    return class_day_rate_plan(row.vehicle_class, row.zip_code, per_day)


class Keep:
    """The type of :data:`KEEP`: what the reservation keeps, unchanged."""


#: A value not given: the reservation's own is kept.
KEEP = Keep()


@dataclass(frozen=True, slots=True)
class PriceChange:
    """What a new period does to a reservation's price (see :func:`price_change`)."""

    old: Decimal
    new: Decimal
    why: str

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def text(self) -> str:
        """'$237.00 -> $316.00 (1 day more at $79.00 a day)', or '$237.00 (unchanged)'."""
        if not self.changed:
            return f"{money(self.old)} (unchanged)"
        return f"{money(self.old)} \u2192 {money(self.new)} ({self.why})"

    def refusal(self, offered: Decimal | None) -> PriceChanged:
        asked = "" if offered is None else f" (not the {money(offered)} accepted)"
        return PriceChanged(
            f"the price would change: {self.text()}{asked}; nothing is changed until the new price is accepted",
            old=self.old, new=self.new, why=self.why,
        )


def price_change(row: KeptPrice, new_start: datetime, new_end: datetime,
                 extras: tuple[ExtraChoice, ...] | None = None, *,
                 drop_fee: Decimal | None | Keep = KEEP) -> PriceChange:
    """The price kept: the new period re-quoted with the reservation's kept plan and chauffeur's
    rate (whatever the rates are now, whichever car is handed over); a period that costs the same
    as the booked one keeps the booked price. ``extras``: the reservation's extras after the change
    (None: those it keeps, at their booked prices). ``drop_fee``: the one-way fee after a new
    return location (None: none; :data:`KEEP`: the one kept)."""
    plan, driver = kept_plan(row), row.driver_day_rate
    booked = Decimal(row.price)
    kept = extras_from_json(row.extras_json)  # the extras as quoted, at their booked prices
    new_drop = row.drop_fee if isinstance(drop_fee, Keep) else drop_fee
    before = booking_quote(plan, row.start_at, row.end_at, driver, kept, row.drop_fee)
    after = booking_quote(plan, new_start, new_end, driver, kept if extras is None else extras, new_drop)
    if after.total == before.total:
        return PriceChange(booked, booked, "the same days")
    if (new_drop or 0) != (row.drop_fee or 0) and (new_start, new_end) == (row.start_at, row.end_at):
        why = f"a one-way drop fee of {money(new_drop)}" if new_drop else "no one-way drop fee"
        return PriceChange(booked, after.total, why)
    diff = rental_days(new_start, new_end, plan.day_zone) - rental_days(row.start_at, row.end_at, plan.day_zone)
    per_day = plan.day_rate + (driver or Decimal(0))
    days = f"{count(abs(diff), 'day')} {'more' if diff > 0 else 'less'}" if diff else "the same days"
    if extras is not None and extras != kept:
        labels = ", ".join(f"{e.quantity} \u00d7 {e.label}" if e.quantity > 1 else e.label for e in extras)
        why = f"{days}, with {labels or 'no extras'}"
    elif diff and after.total - before.total == per_day * diff:
        why = f"{days} at {money(per_day)} a day"
    else:
        time = [line.label for line in after.lines if line.code in ("time", "extra-hours")]
        why = f"{days}: {', '.join(time)}"
    return PriceChange(booked, after.total, why)
