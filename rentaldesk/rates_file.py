"""A rates file (TOML): rate plans, a branch's taxes and fees, and one-way drop fees, read whole.

::

    [[plan]]                       # one per vehicle class and branch (replaces the one there)
    vehicle_class = "ECONOMY"
    zip_code = "10001"
    day_rate = "45.00"             # amounts as text (or TOML numbers); every field but these
    week_rate = "250.00"           # three is optional (see rentaldesk.rates.RatePlan)
    seasons = [{ first_day = 2026-06-15, last_day = 2026-09-07, day_rate = "55.00" }]

    [[tax]]                        # a branch's taxes: those of a zip code in the file replace its own
    zip_code = "94128"
    code = "airport"
    label = "Airport concession fee"
    rate = "0.111"                 # 11.1 %
    applies_to = "time"            # "all" (default) or line codes
    rounding = "up"                # "half-up" (default), "half-even", "up"

    [[drop_fee]]                   # one way: picked up at from_zip, returned at to_zip
    from_zip = "10001"
    to_zip = "02108"
    fee = "75.00"

    [[extras]]                     # a branch's extras and cover: those of a zip code in the file replace its own
    zip_code = "02108"
    code = "child-seat"
    label = "Child seat"
    kind = "extra"                 # "extra" (default), "cover" or "additional-driver"
    per = "day"                    # "day" (default) or "rental"
    price = "12.00"
    cap = "72.00"                  # the most one unit costs over a rental (optional)
    taxable = true                 # (default true)
    stock = 4                      # leave it out: unlimited (see rentaldesk.extras)

Every bad value is a problem with its line and field (:class:`rentaldesk.errors.FleetFileError`)
and nothing of the file is saved; a good file is saved in one transaction.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Database
from .errors import FleetFileError, InvalidInput
from .extras import CatalogueItem, item_from_mapping, save_catalogue
from .models import Branch, VehicleClass
from .rates import RatePlan, Tax, parse_amount, plan_from_mapping, save_drop_fee, save_plan, save_taxes

#: The fields of a [[plan]] a file may give (the branch gives its time zone, distance unit and taxes).
# (rental_day_clock is not a rates file's: every plan set now counts on the wall clock; only a
# reservation's kept plan of before migration 0021 counts 24-hour days)
PLAN_FIELDS = frozenset(f.name for f in fields(RatePlan)) - {"time_zone", "distance_unit", "taxes", "rental_day_clock"}
_REQUIRED = {"vehicle_class": "-", "zip_code": "-", "day_rate": "0.00"}
_KINDS = ("plan", "tax", "drop_fee", "extras")

Problem = tuple[int, str | None, str]


@dataclass(frozen=True, slots=True)
class RatesFile:
    """What a good rates file holds."""

    plans: tuple[RatePlan, ...]
    taxes: dict[str, tuple[Tax, ...]]
    drop_fees: tuple[tuple[str, str, Decimal], ...]
    # -- issue 11: extras: each branch's catalogue (zip code -> items, in the file's order)
    extras: dict[str, tuple[CatalogueItem, ...]] = dataclass_field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Imported:
    plans: int
    taxes: int
    drop_fees: int
    extras: int = 0


def read_rates(db: Database, path: str | Path) -> RatesFile:
    """Read and check the whole file against the database's classes and branches; raise
    :class:`FleetFileError` listing every problem (line, field, message)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FleetFileError(name, [(0, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise FleetFileError(name, [(0, None, f"cannot be read ({exc.strerror})")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise FleetFileError(name, [(int(at.group(1)) if at else 0, None,
                                     f"is not valid TOML: {exc}")]) from None
    with db.session() as s:
        return check_rates(s, text, data, name)


def check_rates(s: Session, text: str, data: dict[str, Any], name: str) -> RatesFile:
    """Check a read rates file (``data``, its TOML ``text`` for the lines) against the classes and
    branches of the session's database; raise :class:`FleetFileError` listing every problem."""
    lines = _Lines(text)
    problems: list[Problem] = []
    for key in sorted(set(data) - set(_KINDS)):
        problems.append((lines.top(key), key, f"'{key}' is not a part of a rates file (give [[plan]], [[tax]] "
                                              "[[drop_fee]] or [[extras]] tables)"))
    classes = set(s.scalars(select(VehicleClass.code)))
    zones = {b.zip_code: (b.time_zone, b.distance_unit) for b in s.scalars(select(Branch))}
    tables = {kind: data.get(kind, []) for kind in _KINDS}
    for kind, items in tables.items():
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            problems.append((lines.top(kind), kind, f"'{kind}' must be [[{kind}]] tables"))
            tables[kind] = []
    plans = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(tables["plan"]):
        plan, found = _plan(item, classes, zones, partial(lines.at, "plan", i))
        problems += found
        if plan is not None:
            if (plan.vehicle_class, plan.zip_code) in seen:
                problems.append((lines.at("plan", i, "vehicle_class"), "vehicle_class",
                                 f"a second plan for {plan.vehicle_class} at {plan.zip_code}"))
            seen.add((plan.vehicle_class, plan.zip_code))
            plans.append(plan)
    taxes: dict[str, list[Tax]] = {}
    for i, item in enumerate(tables["tax"]):
        where = partial(lines.at, "tax", i)
        zip_code = item.get("zip_code")
        if zip_code not in zones:
            problems.append((where("zip_code"), "zip_code", f"zip_code {zip_code!r} is not a known location"))
            continue
        try:
            unknown = sorted(set(item) - {"zip_code", "code", "label", "rate", "applies_to", "rounding"})
            if unknown:
                raise InvalidInput(f"'{unknown[0]}' is not a tax field", field=f"tax.{unknown[0]}")
            tax = Tax(code=item.get("code"), label=item.get("label"), rate=_number(item.get("rate")),  # type: ignore[arg-type]
                      applies_to=item.get("applies_to", "all"), rounding=item.get("rounding", "half-up"))
            tax.check("tax")
        except InvalidInput as exc:
            field = (exc.field or "tax").removeprefix("tax.")
            problems.append((where(field), field, exc.message.removeprefix("tax.")))
            continue
        if any(t.code == tax.code for t in taxes.get(zip_code, [])):
            problems.append((where("code"), "code", f"tax {tax.code!r} of {zip_code} is given twice"))
        taxes.setdefault(zip_code, []).append(tax)
    fees = []
    for i, item in enumerate(tables["drop_fee"]):
        where = partial(lines.at, "drop_fee", i)
        bad = False
        for field in sorted(set(item) - {"from_zip", "to_zip", "fee"}):
            problems.append((where(field), field, f"'{field}' is not a drop fee field"))
            bad = True
        for field in ("from_zip", "to_zip"):
            if item.get(field) not in zones:
                problems.append((where(field), field, f"{field} {item.get(field)!r} is not a known location"))
                bad = True
        if not bad and item["from_zip"] == item["to_zip"]:
            problems.append((where("to_zip"), "to_zip", "a drop fee is between two different locations"))
            bad = True
        try:
            fee = parse_amount(_number(item.get("fee")), "fee")
        except InvalidInput as exc:
            problems.append((where("fee"), "fee", exc.message))
            continue
        if not bad:
            fees.append((item["from_zip"], item["to_zip"], fee))
    extras, found = _extras(tables["extras"], zones, partial(lines.at, "extras"))
    problems += found
    if problems:
        raise FleetFileError(name, sorted(problems, key=lambda p: p[0]))
    return RatesFile(tuple(plans), {z: tuple(t) for z, t in taxes.items()}, tuple(fees), extras)


def import_rates(db: Database, path: str | Path) -> Imported:
    """Read the file (:func:`read_rates`) and save it whole, in one transaction."""
    found = read_rates(db, path)
    with db.write() as s:
        return save_rates(s, found)


def save_rates(s: Session, found: RatesFile) -> Imported:
    """Save a checked rates file in the session (the caller commits)."""
    for plan in found.plans:
        save_plan(s, plan)
    for zip_code, taxes in found.taxes.items():
        save_taxes(s, zip_code, taxes)
    for from_zip, to_zip, fee in found.drop_fees:
        save_drop_fee(s, from_zip, to_zip, fee)
    for zip_code, items in found.extras.items():
        save_catalogue(s, zip_code, items)
    return Imported(len(found.plans), sum(len(t) for t in found.taxes.values()), len(found.drop_fees),
                    sum(len(i) for i in found.extras.values()))


def _extras(tables: list[dict[str, Any]], zones: dict[str, tuple[str, str]],
            line_of: Callable[[int, str | None], int]) -> tuple[dict[str, tuple[CatalogueItem, ...]], list[Problem]]:
    """Each branch's catalogue of the [[extras]] tables, or every problem (a bad table's first)."""
    problems: list[Problem] = []
    found: dict[str, list[CatalogueItem]] = {}
    for i, item in enumerate(tables):
        zip_code = item.get("zip_code")
        if zip_code not in zones:
            problems.append((line_of(i, "zip_code"), "zip_code", f"zip_code {zip_code!r} is not a known location"))
            continue
        try:
            extra = item_from_mapping({k: _number(v) for k, v in item.items() if k != "zip_code"})
        except InvalidInput as exc:
            problems.append((line_of(i, exc.field), exc.field, exc.message))
            continue
        if any(e.code == extra.code for e in found.get(zip_code, [])):
            problems.append((line_of(i, "code"), "code", f"extra {extra.code!r} of {zip_code} is given twice"))
        found.setdefault(zip_code, []).append(extra)
    return {z: tuple(items) for z, items in found.items()}, problems


def _plan(item: dict[str, Any], classes: set[str], zones: dict[str, tuple[str, str]],
          line_of: Callable[[str | None], int]) -> tuple[RatePlan | None, list[Problem]]:
    """The plan of a [[plan]] table, or every problem of it: each bad field is reported and left
    out, and the plan read again, until none is left."""
    problems: list[Problem] = []
    data = dict(item)
    for key in sorted(set(data) - PLAN_FIELDS):
        problems.append((line_of(key), key, f"'{key}' is not a rate plan field"))
        data.pop(key)
    for key in ("vehicle_class", "zip_code", "day_rate"):
        if key not in data:
            problems.append((line_of(None), key, f"{key} is missing"))
            data[key] = _REQUIRED[key]
    vehicle_class, zip_code = data.get("vehicle_class"), data.get("zip_code")
    if vehicle_class != "-" and vehicle_class not in classes:
        problems.append((line_of("vehicle_class"), "vehicle_class",
                         f"vehicle_class {vehicle_class!r} is not a known class"))
    if zip_code != "-" and zip_code not in zones:
        problems.append((line_of("zip_code"), "zip_code", f"zip_code {zip_code!r} is not a known location"))
    time_zone, unit = zones.get(zip_code, ("UTC", "mi")) if isinstance(zip_code, str) else ("UTC", "mi")
    data.update(time_zone=time_zone, distance_unit=unit)
    data.setdefault("currency", "USD")
    for _ in range(len(PLAN_FIELDS) + 1):
        try:
            plan = plan_from_mapping(data)
            break
        except InvalidInput as exc:
            field = exc.field or "plan"
            top = field.split("[")[0].split(".")[0]
            problems.append((line_of(top), field, exc.message))
            if top in _REQUIRED:
                data[top] = _REQUIRED[top]
            elif top == "currency":
                data[top] = "USD"
            else:
                data.pop(top, None)
    else:  # pragma: no cover - each round removes a field
        return None, problems
    return (None, problems) if problems else (plan, problems)


def _number(value: object) -> object:
    """A TOML float as its shortest text (0.0625 is 0.0625, never 0.06249999...)."""
    return Decimal(repr(value)) if isinstance(value, float) else value


class _Lines:
    """Where the tables and keys of the file are: the line of the i-th [[kind]] header, and of a
    key in it (the header's line when the key is not written there)."""

    def __init__(self, text: str) -> None:
        self.text = text.splitlines()
        self.headers: dict[str, list[int]] = {kind: [] for kind in _KINDS}
        self.ends: list[int] = []
        for n, line in enumerate(self.text, start=1):
            header = re.match(r"\s*\[\[\s*([A-Za-z_]+)\s*\]\]", line)
            if header and header.group(1) in self.headers:
                self.headers[header.group(1)].append(n)
            if re.match(r"\s*\[", line):
                self.ends.append(n)

    def at(self, kind: str, index: int, key: str | None) -> int:
        starts = self.headers[kind]
        if index >= len(starts):
            return self.top(kind)
        start = starts[index]
        end = min([e for e in self.ends if e > start] or [len(self.text) + 1])
        if key is not None:
            for n in range(start + 1, end):
                if re.match(rf"\s*{re.escape(key)}\s*=", self.text[n - 1]):
                    return n
        return start

    def top(self, key: str) -> int:
        for n, line in enumerate(self.text, start=1):
            if re.match(rf"\s*(\[+\s*)?{re.escape(key)}\b", line):
                return n
        return 0
