"""``rentaldesk rates show`` and ``rentaldesk rates import FILE``: the rate plans of the branches."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal

from sqlalchemy import or_, select

from ..display import count, money
from ..models import Branch, BranchTax, Car, DropFee, RatePlanRow
from ..rates import RatePlan, plan_for
from ..rates_file import import_rates
from .desk import Desk
from .output import format_table


def cmd_rates_import(desk: Desk, args: argparse.Namespace) -> None:
    done = import_rates(desk.db, args.file)
    desk.emit({"file": str(args.file), "plans": done.plans, "taxes": done.taxes, "drop_fees": done.drop_fees},
              f"Imported {count(done.plans, 'rate plan')}, {count(done.taxes, 'tax', 'taxes')} and "
              f"{count(done.drop_fees, 'drop fee')} from {args.file}.")


def cmd_rates_show(desk: Desk, args: argparse.Namespace) -> None:
    desk.check_filters(args.vehicle_class, args.zip)
    vehicle_class = args.vehicle_class.strip().upper() if args.vehicle_class else None
    zip_code = args.zip.strip() if args.zip else None
    with desk.db.session() as s:
        # every pool with cars, and every stored plan (a plan may be set before the cars come)
        pools = {(c, z) for c, z in s.execute(select(Car.vehicle_class, Car.zip_code).distinct())}
        stored = {(c, z) for c, z in s.execute(select(RatePlanRow.vehicle_class, RatePlanRow.zip_code))}
        chosen = sorted((c, z) for c, z in pools | stored
                        if (vehicle_class is None or c == vehicle_class) and (zip_code is None or z == zip_code))
        plans = [(plan_for(s, c, z), (c, z) in stored) for c, z in chosen]
        fees: list[tuple[str, str, Decimal]] = [
            (a, b, fee) for a, b, fee in s.execute(
                select(DropFee.from_zip, DropFee.to_zip, DropFee.fee)
                .where(or_(DropFee.from_zip == zip_code, DropFee.to_zip == zip_code) if zip_code else DropFee.fee >= 0)
                .order_by(DropFee.from_zip, DropFee.to_zip))]
        names = {z: n for z, n in s.execute(select(Branch.zip_code, Branch.name))}
        taxed = set(s.scalars(select(BranchTax.zip_code)))
    data = {"plans": [{**json.loads(p.to_json()), "set_here": kept} for p, kept in plans],
            "drop_fees": [{"from_zip": a, "to_zip": b, "fee": str(fee)} for a, b, fee in fees]}
    desk.emit(data, _text(plans, fees, names, taxed))


def _text(plans: list[tuple[RatePlan, bool]], fees: list[tuple[str, str, Decimal]], names: dict[str, str],
          taxed: set[str]) -> str:
    if not plans:
        return "No rate plans match (no cars and no plans for that class or branch)."
    rows = []
    for p, kept in plans:
        allowance = ("unlimited" if p.included_distance_per_day is None
                     else f"{p.included_distance_per_day:,} {p.distance_unit}/day, then "
                          f"{money(p.extra_distance_price)}/{p.distance_unit}")
        rows.append([p.vehicle_class, p.zip_code, money(p.day_rate), money(p.week_rate) or "-",
                     money(p.month_rate) or "-", money(p.hour_rate), allowance, money(p.fuel_eighth_price),
                     f"{p.late_grace_minutes} min", money(p.deposit),
                     str(len(p.seasons)) if kept else "class rate only"])
    out = [format_table(["CLASS", "ZIP", "DAY", "WEEK", "MONTH", "EXTRA HOUR", "DISTANCE", "FUEL 1/8",
                         "GRACE", "DEPOSIT", "SEASONS"], rows)]
    seasons = [(p, x) for p, _ in plans for x in p.seasons]
    if seasons:
        out.append("\nSeasons:")
        out += [f"  {p.vehicle_class} at {p.zip_code}: {x.first_day.isoformat()} to {x.last_day.isoformat()}, "
                f"{money(x.day_rate)} a day" + (f", {money(x.week_rate)} a week" if x.week_rate is not None else "")
                + (f", {money(x.month_rate)} a month" if x.month_rate is not None else "") for p, x in seasons]
    zips = sorted({p.zip_code for p, _ in plans})
    taxes = [(z, t) for z in zips if z in taxed for t in next(p for p, _ in plans if p.zip_code == z).taxes]
    if taxes:
        out.append("\nTaxes and fees:")
        out += [f"  {z} ({names.get(z, z)}): {t.label} {t.percent} on "
                f"{'every charge' if t.applies_to == 'all' else t.applies_to}, rounded {t.rounding}"
                for z, t in taxes]
    if fees:
        out.append("\nOne-way drop fees:")
        out += [f"  {a} \u2192 {b}: {money(fee)}" for a, b, fee in fees]
    return "\n".join(out)
