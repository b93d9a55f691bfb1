"""Rate plans: what a class costs at a branch (the values, checked when a plan is made).

A :class:`RatePlan` is an immutable snapshot: a reservation keeps the one it was quoted with (as
:meth:`RatePlan.to_json`), so a later change of the branch's rates never changes a booked price.
The calculator that turns a plan and a period into charge lines is :mod:`rentaldesk.charges`.
Plans are stored per class and branch (:class:`rentaldesk.models.RatePlanRow`, its seasons, the
branch's taxes) and looked up with :func:`plan_for`; one-way fees with :func:`drop_fee`.

Every bad value is refused when the plan is made, with :class:`~rentaldesk.errors.InvalidInput`
naming the field ("day_rate", "seasons[1].first_day", "taxes[0].rate"...).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .permissions import Permission, require
from .errors import InvalidInput, UnknownPool
from .models import LARGEST_MONEY, Branch, BranchTax, DropFee, RatePlanRow, RateSeason, VehicleClass

CENT = Decimal("0.01")
#: How a tax line is rounded to the cent: the names a plan (and a rates file) uses.
ROUNDINGS = ("half-up", "half-even", "up")
#: The fuel policies the calculator knows: the car goes out full and comes back full, or each
#: missing eighth is charged at ``fuel_eighth_price``.
FUEL_POLICIES = ("full-to-full",)
#: How a plan's rental days are counted (:attr:`RatePlan.rental_day_clock`).
RENTAL_DAY_CLOCKS = ("wall", "utc")
DISTANCE_UNITS = ("km", "mi")
#: The line codes a tax may name in ``applies_to`` besides "all" ("extra" stands for every extra).
TAXABLE_CODES = ("time", "extra-hours", "late", "distance", "fuel", "young-driver", "driver", "one-way", "extra")
#: The largest amount a plan may hold (the database keeps Numeric(10, 2)).
LARGEST_AMOUNT = LARGEST_MONEY


def _amount(value: object, name: str, *, optional: bool = False) -> Decimal | None:
    """A money value of a plan: a Decimal (or a text or int one) >= 0, quantized to the cent."""
    if value is None:
        if optional:
            return None
        raise InvalidInput(f"{name} is missing", field=name)
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidInput(f"{name} must be an amount like 45.00, not {value!r}", field=name)
    try:
        amount = Decimal(value) if isinstance(value, (int, str)) else value
    except InvalidOperation:
        raise InvalidInput(f"{name} must be an amount like 45.00, not {value!r}", field=name) from None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidInput(f"{name} must be an amount like 45.00, not {value!r}", field=name)
    if amount < 0:
        raise InvalidInput(f"{name} cannot be negative (it is {amount})", field=name)
    if amount > LARGEST_AMOUNT:
        raise InvalidInput(f"{name} is too large (at most {LARGEST_AMOUNT})", field=name)
    if amount != amount.quantize(CENT):
        raise InvalidInput(f"{name} has more than 2 decimal places ({amount})", field=name)
    return amount.quantize(CENT)


def parse_amount(value: object, name: str) -> Decimal:
    """A money value of a plan or fee (Decimal, text or whole number): >= 0, at most 2 places;
    refused with InvalidInput naming ``name``."""
    amount = _amount(value, name)
    assert amount is not None  # (not optional: None is refused)
    return amount


def _whole(value: object, name: str, *, optional: bool = False, most: int = 10**9) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be a whole number, not {value!r}", field=name)
    if value < 0:
        raise InvalidInput(f"{name} cannot be negative (it is {value})", field=name)
    if value > most:
        raise InvalidInput(f"{name} is too large (at most {most:,})", field=name)
    return value


def _text(value: object, name: str, choices: tuple[str, ...] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{name} must be given", field=name)
    if choices is not None and value not in choices:
        raise InvalidInput(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}, not {value!r}", field=name)
    return value


@dataclass(frozen=True, slots=True)
class Season:
    """A date range (both days included, in the branch's time zone) with its own rates.

    A rental day is priced by the season of the local date it starts on; a week or a month block
    by the season of the day it starts on. ``week_rate``/``month_rate`` None: no such rate in
    that season (its days are priced at the season's day rate).
    """

    first_day: date
    last_day: date
    day_rate: Decimal
    week_rate: Decimal | None = None
    month_rate: Decimal | None = None

    def check(self, where: str) -> None:
        """Refuse a bad value naming ``where`` + the field (InvalidInput)."""
        for name in ("first_day", "last_day"):
            value = getattr(self, name)
            if not isinstance(value, date) or type(value) is not date:
                raise InvalidInput(f"{where}.{name} must be a date, not {value!r}", field=f"{where}.{name}")
        if self.last_day < self.first_day:
            raise InvalidInput(
                f"{where}.last_day {self.last_day.isoformat()} is before its first_day "
                f"{self.first_day.isoformat()}", field=f"{where}.last_day")
        object.__setattr__(self, "day_rate", _amount(self.day_rate, f"{where}.day_rate"))
        object.__setattr__(self, "week_rate", _amount(self.week_rate, f"{where}.week_rate", optional=True))
        object.__setattr__(self, "month_rate", _amount(self.month_rate, f"{where}.month_rate", optional=True))

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class Tax:
    """A tax or fee of a branch: ``rate`` (0.0625 is 6.25 %) of the taxable lines it applies to.

    ``applies_to`` is "all" (every taxable line) or a comma-separated list of line codes
    (:data:`TAXABLE_CODES`; "extra" is every extra). Each tax is one line, rounded to the cent
    with its ``rounding``: "half-up", "half-even" or "up" (towards the next cent).
    """

    code: str
    label: str
    rate: Decimal
    applies_to: str = "all"
    rounding: str = "half-up"

    def check(self, where: str) -> None:
        """Refuse a bad value naming ``where`` + the field (InvalidInput)."""
        _text(self.code, f"{where}.code")
        _text(self.label, f"{where}.label")
        name = f"{where}.rate"
        rate: object = self.rate
        if isinstance(rate, (bool, float)) or not isinstance(rate, (Decimal, int, str)):
            raise InvalidInput(f"{name} must be a fraction like 0.0625, not {rate!r}", field=name)
        try:
            rate = Decimal(rate)
        except InvalidOperation:
            raise InvalidInput(f"{name} must be a fraction like 0.0625, not {self.rate!r}", field=name) from None
        if not rate.is_finite() or rate < 0:
            raise InvalidInput(f"{name} must be a fraction from 0 to below 1, not {self.rate}", field=name)
        if rate >= 1:
            raise InvalidInput(f"{name} must be below 1 (0.0625 is 6.25 %), not {self.rate}", field=name)
        if rate != rate.quantize(Decimal("0.000001")):
            raise InvalidInput(f"{name} has more than 6 decimal places ({self.rate})", field=name)
        object.__setattr__(self, "rate", rate)
        _text(self.rounding, f"{where}.rounding", ROUNDINGS)
        applies = _text(self.applies_to, f"{where}.applies_to")
        if applies != "all":
            for code in (c.strip() for c in applies.split(",")):
                if code not in TAXABLE_CODES:
                    raise InvalidInput(
                        f"{where}.applies_to names {code!r}: give 'all' or line codes from "
                        f"{', '.join(TAXABLE_CODES)}", field=f"{where}.applies_to")

    @property
    def percent(self) -> str:
        """The rate as a clerk reads it: '6.25 %'."""
        text = f"{self.rate * 100:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text + " %"

    def applies(self, line_code: str) -> bool:
        """Whether this tax is charged on a (taxable) line with that code."""
        if self.applies_to == "all":
            return True
        codes = {c.strip() for c in self.applies_to.split(",")}
        return line_code in codes or ("extra" in codes and line_code.startswith("extra:"))


@dataclass(frozen=True, slots=True)
class RatePlan:
    """What renting a class at a branch costs: an immutable snapshot that JSON round-trips exactly.

    ``week_rate`` applies from 7 charged days, ``month_rate`` from 28 (see
    :mod:`rentaldesk.charges` for how blocks and leftover days combine). ``hour_rate``: the extra
    hours after the last full day, never more than the day they start. ``included_distance_per_day``
    None: unlimited distance. ``time_zone``: the branch's zone, where rental days and seasons start
    (an addition to the shared interface, default "UTC"). ``rental_day_clock``: how its rental days
    are counted, ``"wall"`` on the branch's wall clock (every plan of this build), ``"utc"`` in
    24-hour days from the pick-up, as a reservation booked before the wall-clock rule was quoted
    (:func:`rentaldesk.pricing.kept_plan` marks such a kept plan: migration 0021); seasons start on
    the local date either way. Left out of the JSON when ``"wall"``, so a plan's JSON is what the
    previous release wrote and reads.
    """

    vehicle_class: str
    zip_code: str
    currency: str
    day_rate: Decimal
    week_rate: Decimal | None
    month_rate: Decimal | None
    hour_rate: Decimal
    seasons: tuple[Season, ...] = ()
    distance_unit: str = "mi"
    included_distance_per_day: int | None = None
    extra_distance_price: Decimal = Decimal("0.00")
    fuel_policy: str = "full-to-full"
    fuel_eighth_price: Decimal = Decimal("0.00")
    late_grace_minutes: int = 29
    deposit: Decimal = Decimal("0.00")
    taxes: tuple[Tax, ...] = ()
    time_zone: str = "UTC"
    rental_day_clock: str = "wall"

    def __post_init__(self) -> None:
        _text(self.vehicle_class, "vehicle_class")
        _text(self.zip_code, "zip_code")
        currency = _text(self.currency, "currency")
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise InvalidInput(f"currency must be a 3-letter code like 'USD', not {currency!r}", field="currency")
        for name in ("day_rate", "hour_rate", "extra_distance_price", "fuel_eighth_price", "deposit"):
            object.__setattr__(self, name, _amount(getattr(self, name), name))
        for name in ("week_rate", "month_rate"):
            object.__setattr__(self, name, _amount(getattr(self, name), name, optional=True))
        _text(self.distance_unit, "distance_unit", DISTANCE_UNITS)
        _whole(self.included_distance_per_day, "included_distance_per_day", optional=True)
        _text(self.fuel_policy, "fuel_policy", FUEL_POLICIES)
        _whole(self.late_grace_minutes, "late_grace_minutes", most=24 * 60)
        try:
            ZoneInfo(_text(self.time_zone, "time_zone"))
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"time_zone {self.time_zone!r} is not a known time zone", field="time_zone") from None
        _text(self.rental_day_clock, "rental_day_clock", RENTAL_DAY_CLOCKS)
        seasons = tuple(self.seasons)
        object.__setattr__(self, "seasons", seasons)
        for i, season in enumerate(seasons):
            if not isinstance(season, Season):
                raise InvalidInput(f"seasons[{i}] must be a Season, not {season!r}", field=f"seasons[{i}]")
            season.check(f"seasons[{i}]")
        ordered = sorted(enumerate(seasons), key=lambda p: p[1].first_day)
        for (_, a), (j, b) in zip(ordered, ordered[1:]):
            if b.first_day <= a.last_day:
                raise InvalidInput(
                    f"seasons[{j}].first_day {b.first_day.isoformat()} falls in the season "
                    f"{a.first_day.isoformat()} to {a.last_day.isoformat()}: seasons may not overlap",
                    field=f"seasons[{j}].first_day")
        taxes = tuple(self.taxes)
        object.__setattr__(self, "taxes", taxes)
        codes: set[str] = set()
        for i, tax in enumerate(taxes):
            if not isinstance(tax, Tax):
                raise InvalidInput(f"taxes[{i}] must be a Tax, not {tax!r}", field=f"taxes[{i}]")
            tax.check(f"taxes[{i}]")
            if tax.code in codes:
                raise InvalidInput(f"taxes[{i}].code {tax.code!r} is given twice", field=f"taxes[{i}].code")
            codes.add(tax.code)

    @property
    def zone(self) -> ZoneInfo:
        """The branch's time zone, where seasons (and, on the wall clock, rental days) start."""
        return ZoneInfo(self.time_zone)

    @property
    def day_zone(self) -> ZoneInfo:
        """The clock rental days are counted on (:func:`rentaldesk.charges.rental_length`): the
        branch's zone, or UTC (24-hour days) for a plan kept from before the wall-clock rule."""
        return self.zone if self.rental_day_clock == "wall" else ZoneInfo("UTC")

    def season_on(self, day: date) -> Season | None:
        """The season covering that local date, if any."""
        for season in self.seasons:
            if season.covers(day):
                return season
        return None

    def to_json(self) -> str:
        """The plan as JSON (amounts as text, dates ISO): :meth:`from_json` gives it back equal."""
        data = _plain(self)
        if self.rental_day_clock == "wall":
            del data["rental_day_clock"]  # (the default: the bytes of a plan before the field)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RatePlan:
        """The plan :meth:`to_json` wrote; a bad text is refused (InvalidInput naming the field)."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"the rate plan is not readable JSON ({exc})", field="rate_plan") from None
        if not isinstance(data, dict):
            raise InvalidInput("the rate plan must be a JSON object", field="rate_plan")
        return plan_from_mapping(data)


def class_day_rate_plan(vehicle_class: str, zip_code: str, day_rate: Decimal, *, time_zone: str = "UTC",
                        distance_unit: str = "mi", currency: str = "USD") -> RatePlan:
    """The plan of a class with no plan set: its day rate alone, every started 24 hours a day.

    The hour rate is the day rate, so an hour past the last full day costs a day, as it always
    did (:func:`rentaldesk.charges.quote` then prices exactly as the old started-days rule).
    """
    return RatePlan(vehicle_class=vehicle_class, zip_code=zip_code, currency=currency, day_rate=day_rate,
                    week_rate=None, month_rate=None, hour_rate=day_rate, distance_unit=distance_unit,
                    late_grace_minutes=29, time_zone=time_zone)


def _plain(value: Any) -> Any:
    if isinstance(value, (RatePlan, Season, Tax)):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _date(value: object, name: str) -> date:
    if isinstance(value, date) and type(value) is date:
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{name} must be a date like 2026-07-01, not {value!r}", field=name)


def _known(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        name = f"{where}.{unknown[0]}" if where else unknown[0]
        raise InvalidInput(f"{name} is not a rate plan field", field=name)


def plan_from_mapping(data: dict[str, Any]) -> RatePlan:
    """A plan from plain values (JSON, a TOML table): amounts as text or numbers, dates ISO.

    Missing optional fields take the :class:`RatePlan` defaults; every bad value is refused
    (InvalidInput naming the field, e.g. "seasons[0].day_rate").
    """
    plan_fields = {f.name for f in fields(RatePlan)}
    _known(data, plan_fields, "")
    seasons_in = data.get("seasons", [])
    taxes_in = data.get("taxes", [])
    if not isinstance(seasons_in, list):
        raise InvalidInput("seasons must be a list", field="seasons")
    if not isinstance(taxes_in, list):
        raise InvalidInput("taxes must be a list", field="taxes")
    seasons = []
    for i, item in enumerate(seasons_in):
        where = f"seasons[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where} must be a table", field=where)
        _known(item, {f.name for f in fields(Season)}, where)
        for name in ("first_day", "last_day", "day_rate"):
            if name not in item:
                raise InvalidInput(f"{where}.{name} is missing", field=f"{where}.{name}")
        seasons.append(Season(first_day=_date(item["first_day"], f"{where}.first_day"),
                              last_day=_date(item["last_day"], f"{where}.last_day"),
                              day_rate=_number(item["day_rate"], f"{where}.day_rate"),
                              week_rate=_number(item.get("week_rate"), f"{where}.week_rate"),
                              month_rate=_number(item.get("month_rate"), f"{where}.month_rate")))
    taxes = []
    for i, item in enumerate(taxes_in):
        where = f"taxes[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where} must be a table", field=where)
        _known(item, {f.name for f in fields(Tax)}, where)
        for name in ("code", "label", "rate"):
            if name not in item:
                raise InvalidInput(f"{where}.{name} is missing", field=f"{where}.{name}")
        taxes.append(Tax(code=item["code"], label=item["label"], rate=_number(item["rate"], f"{where}.rate"),
                         applies_to=item.get("applies_to", "all"), rounding=item.get("rounding", "half-up")))
    values: dict[str, Any] = {}
    for name in plan_fields - {"seasons", "taxes"}:
        if name in data:
            value = data[name]
            if name in _AMOUNT_FIELDS:
                value = _number(value, name)
            values[name] = value
    for name in ("vehicle_class", "zip_code", "currency", "day_rate"):
        if name not in values:
            raise InvalidInput(f"{name} is missing", field=name)
    values.setdefault("week_rate", None)
    values.setdefault("month_rate", None)
    values.setdefault("hour_rate", values["day_rate"])
    return RatePlan(seasons=tuple(seasons), taxes=tuple(taxes), **values)


_AMOUNT_FIELDS = {"day_rate", "week_rate", "month_rate", "hour_rate", "extra_distance_price",
                  "fuel_eighth_price", "deposit"}


def _number(value: object, name: str) -> Any:
    """Text and whole numbers become Decimals; a float is taken by its shortest text (TOML's 45.5)
    so 45.5 is 45.5, never 45.49999; anything else is left for the field's check to refuse."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, (int, str)):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise InvalidInput(f"{name} must be a number like 45.00, not {value!r}", field=name) from None
    return value




# -- storage ---------------------------------------------------------------------------------------


def plan_for(s: Session, vehicle_class: str, zip_code: str) -> RatePlan:
    """The plan in effect now for the class at the branch, with the branch's taxes, time zone and
    distance unit; a class with no plan there is its day rate alone (:func:`class_day_rate_plan`)."""
    return plans_at(s, zip_code, (vehicle_class,))[vehicle_class]


def plans_at(s: Session, zip_code: str, classes: Iterable[str]) -> dict[str, RatePlan]:
    """:func:`plan_for` of each of ``classes`` at the branch, read together (the branch and its
    taxes once, the plans and their seasons in two queries): a search prices every class."""
    branch = s.scalar(select(Branch).where(Branch.zip_code == zip_code))
    if branch is None:
        raise UnknownPool(f"unknown zip code {zip_code!r}", field="zip_code")
    wanted = list(dict.fromkeys(classes))
    vclasses: dict[str, VehicleClass] = {}
    for code in wanted:  # by key: the caller has most often loaded them already (no query then)
        vclass = s.get(VehicleClass, code)
        if vclass is None:
            raise UnknownPool(f"unknown vehicle class {code!r}", field="vehicle_class")
        vclasses[code] = vclass
    taxes = tuple(Tax(code=t.code, label=t.label, rate=Decimal(t.rate).normalize() if t.rate else Decimal(0),
                      applies_to=t.applies_to, rounding=t.rounding)
                  for t in s.scalars(select(BranchTax).where(BranchTax.zip_code == zip_code)
                                     .order_by(BranchTax.position, BranchTax.code)))
    of_class = RatePlanRow.vehicle_class == wanted[0] if len(wanted) == 1 else RatePlanRow.vehicle_class.in_(wanted)
    rows = {r.vehicle_class: r for r in s.scalars(
        select(RatePlanRow).where(of_class, RatePlanRow.zip_code == zip_code).options(selectinload(RatePlanRow.seasons)))}
    plans: dict[str, RatePlan] = {}
    for code in wanted:
        row = rows.get(code)
        if row is None:
            plan = class_day_rate_plan(code, zip_code, vclasses[code].day_rate, time_zone=branch.time_zone,
                                       distance_unit=branch.distance_unit)
            plans[code] = _with(plan, taxes=taxes) if taxes else plan
            continue
        plans[code] = RatePlan(
            vehicle_class=code, zip_code=zip_code, currency=row.currency, day_rate=row.day_rate,
            week_rate=row.week_rate, month_rate=row.month_rate, hour_rate=row.hour_rate,
            seasons=tuple(Season(x.first_day, x.last_day, x.day_rate, x.week_rate, x.month_rate) for x in row.seasons),
            distance_unit=branch.distance_unit, included_distance_per_day=row.included_distance_per_day,
            extra_distance_price=row.extra_distance_price, fuel_policy=row.fuel_policy,
            fuel_eighth_price=row.fuel_eighth_price, late_grace_minutes=row.late_grace_minutes, deposit=row.deposit,
            taxes=taxes, time_zone=branch.time_zone)
    return plans


def drop_fee(s: Session, from_zip: str, to_zip: str) -> Decimal:
    """The one-way fee from one location to another: 0 when the same location or none is set."""
    if from_zip == to_zip:
        return Decimal("0.00")
    fee = drop_fee_rule(s, from_zip, to_zip)
    return Decimal("0.00") if fee is None else fee


def drop_fee_rule(s: Session, from_zip: str, to_zip: str) -> Decimal | None:
    """The drop fee set from one location to another, None when none is (:func:`drop_fee` then
    charges none: a channel says so to the clerk)."""
    return s.scalar(select(DropFee.fee).where(DropFee.from_zip == from_zip, DropFee.to_zip == to_zip))


def save_plan(s: Session, plan: RatePlan) -> None:
    """Store the plan of its class at its branch (replacing the one there, seasons and all); the
    branch's taxes are :func:`save_taxes`'. The caller commits."""
    require(Permission.MANAGE_RATES, s)
    row = s.scalar(select(RatePlanRow).where(RatePlanRow.vehicle_class == plan.vehicle_class,
                                             RatePlanRow.zip_code == plan.zip_code))
    if row is None:
        row = RatePlanRow(vehicle_class=plan.vehicle_class, zip_code=plan.zip_code)
        s.add(row)
    row.currency, row.day_rate, row.week_rate, row.month_rate = (
        plan.currency, plan.day_rate, plan.week_rate, plan.month_rate)
    row.hour_rate, row.included_distance_per_day = plan.hour_rate, plan.included_distance_per_day
    row.extra_distance_price, row.fuel_policy = plan.extra_distance_price, plan.fuel_policy
    row.fuel_eighth_price, row.late_grace_minutes, row.deposit = (
        plan.fuel_eighth_price, plan.late_grace_minutes, plan.deposit)
    row.seasons = [RateSeason(first_day=x.first_day, last_day=x.last_day, day_rate=x.day_rate,
                              week_rate=x.week_rate, month_rate=x.month_rate) for x in plan.seasons]
    s.flush()


def save_taxes(s: Session, zip_code: str, taxes: tuple[Tax, ...]) -> None:
    """Set the branch's taxes and fees (all of them, in this order). The caller commits."""
    require(Permission.MANAGE_RATES, s)
    for old in s.scalars(select(BranchTax).where(BranchTax.zip_code == zip_code)):
        s.delete(old)
    s.flush()
    for position, tax in enumerate(taxes):
        s.add(BranchTax(zip_code=zip_code, code=tax.code, label=tax.label, rate=tax.rate,
                        applies_to=tax.applies_to, rounding=tax.rounding, position=position))
    s.flush()


def save_drop_fee(s: Session, from_zip: str, to_zip: str, fee: Decimal) -> None:
    """Set the one-way fee from one location to another. The caller commits."""
    require(Permission.MANAGE_RATES, s)
    row = s.get(DropFee, (from_zip, to_zip))
    if row is None:
        s.add(DropFee(from_zip=from_zip, to_zip=to_zip, fee=fee))
    else:
        row.fee = fee
    s.flush()


def _with(plan: RatePlan, **changes: Any) -> RatePlan:
    values = {f.name: getattr(plan, f.name) for f in fields(plan)}
    values.update(changes)
    return RatePlan(**values)


def with_day_rate(plan: RatePlan, day_rate: Decimal) -> RatePlan:
    """The plan at another day rate (a pinned car's own): the hour rate follows it when it was the
    day rate (a class's rate alone); weeks, months, seasons and the rest stay."""
    if day_rate == plan.day_rate:
        return plan
    return _with(plan, day_rate=day_rate, hour_rate=day_rate if plan.hour_rate == plan.day_rate else plan.hour_rate)
