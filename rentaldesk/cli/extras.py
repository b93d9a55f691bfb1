"""``rentaldesk extras list`` and the ``--extra CODE[:QTY]`` flags of ``reserve`` and ``agreements
check-out``: extras chosen from the branch's catalogue (rentaldesk.extras), never free-typed."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sqlalchemy import select

from ..charges import ExtraChoice
from ..display import money
from ..errors import InvalidInput
from ..extras import catalogue, choose, parse_pick
from ..models import Branch
from .desk import Desk
from .output import format_table


def chosen(desk: Desk, zip_code: str, flags: Sequence[str] | None) -> tuple[ExtraChoice, ...]:
    """The ``--extra`` flags priced from the branch's catalogue now (refused naming the flag)."""
    if not flags:
        return ()
    picks = [parse_pick(flag) for flag in flags]
    with desk.db.session() as s:
        return choose(s, zip_code, picks)


def cmd_extras_list(desk: Desk, args: argparse.Namespace) -> None:
    zip_code = args.zip.strip() if args.zip else None
    with desk.db.session() as s:
        branches = list(s.execute(select(Branch.zip_code, Branch.name).order_by(Branch.zip_code)))
        if zip_code is not None and zip_code not in {z for z, _ in branches}:
            raise InvalidInput(f"--zip {zip_code!r} is not a known branch", field="zip")
        found = [(z, n, catalogue(s, z)) for z, n in branches if zip_code in (None, z)]
    data = [{"zip_code": z, "code": i.code, "label": i.label, "kind": i.kind, "per": i.per, "price": str(i.price),
             "cap": None if i.cap is None else str(i.cap), "taxable": i.taxable, "stock": i.stock}
            for z, _, items in found for i in items]
    rows = [[z, i.code, i.label, i.kind, f"{money(i.price)} a {i.per}", money(i.cap) or "-",
             "yes" if i.taxable else "no", "unlimited" if i.stock is None else str(i.stock)]
            for z, _, items in found for i in items]
    text = (format_table(["ZIP", "CODE", "EXTRA", "KIND", "PRICE", "CAP", "TAXED", "STOCK"], rows) if rows
            else "No extras are offered there (import them with `rentaldesk rates import`: [[extras]] tables).")
    desk.emit(data, text)
