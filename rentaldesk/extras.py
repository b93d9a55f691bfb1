"""Extras and cover: each branch's priced catalogue, the extras a reservation keeps, and their stock.

A branch offers items (:class:`CatalogueItem`): an extra (child seat, GPS), a cover (collision damage
waiver, theft protection) or an additional driver, priced per day or per rental with an optional
cap. Items with a ``stock`` (child seats, boosters, GPS units) are counted per branch over time like
cars: :func:`check_stock` is the one rule, called by every path that gives a reservation extras
(booking, a change of period, check-out), inside the same transaction and after the branch's pool
lock, so two bookings cannot both take the last seat.

A hold is a live reservation of the branch carrying the item: pending, confirmed or on rent, over
its half-open booked period ``[start, end)`` (on rent: until it comes back, so an overdue car's seat
stays out); a cancelled, completed or expired one, or an unpicked one past its end, holds nothing.
The reservation keeps the extras as quoted (``reservations.extras_json``): a later catalogue price
never changes a booked price.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from .permissions import Permission, require
from .charges import EXTRA_PER, ExtraChoice
from .display import count, period_text
from .errors import InvalidInput, NotAvailable
from .models import LIVE_STATUSES, Branch, ExtraItem, ReservationStatus
from .models import Reservation as ReservationRow
from .rates import parse_amount

log = logging.getLogger("rentaldesk.extras")

#: What an item is: the desk and the agreement group them so.
KINDS = ("extra", "cover", "additional-driver")
#: The fields of an [[extras]] table of a rates file (``zip_code`` names the branch).
ITEM_FIELDS = ("zip_code", "code", "label", "kind", "per", "price", "cap", "taxable", "stock")
#: The most units of one item a branch can stock.
MOST_STOCK = 10_000


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """An item a branch offers; ``stock`` None is unlimited, ``cap`` the most one unit costs over a
    rental (None: no cap)."""

    code: str
    label: str
    kind: str
    per: str
    price: Decimal
    cap: Decimal | None = None
    taxable: bool = True
    stock: int | None = None

    def choice(self, quantity: int = 1) -> ExtraChoice:
        """The item chosen ``quantity`` times, at its price now (the price the reservation keeps)."""
        return ExtraChoice(code=self.code, label=self.label, per=self.per, price=self.price, cap=self.cap,
                           quantity=quantity, taxable=self.taxable)


def item_from_mapping(data: dict[str, Any]) -> CatalogueItem:
    """An item from a mapping (an [[extras]] table without its ``zip_code``); raise
    :class:`InvalidInput` naming the field (``field`` is the key) on the first bad value."""
    unknown = sorted(set(data) - set(ITEM_FIELDS))
    if unknown:
        raise InvalidInput(f"'{unknown[0]}' is not an extras field", field=unknown[0])
    for key in ("code", "label", "price"):
        if key not in data:
            raise InvalidInput(f"{key} is missing", field=key)
    code, label = data["code"], data["label"]
    if not isinstance(code, str) or not code.strip() or len(code) > 32 or any(c.isspace() for c in code):
        raise InvalidInput(f"code must be a short word without spaces (like 'child-seat'), not {code!r}", field="code")
    if not isinstance(label, str) or not label.strip() or len(label) > 80:
        raise InvalidInput(f"label must be a name of up to 80 characters, not {label!r}", field="label")
    kind = data.get("kind", "extra")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", field="kind")
    per = data.get("per", "day")
    if per not in EXTRA_PER:
        raise InvalidInput(f"per must be 'day' or 'rental', not {per!r}", field="per")
    price = parse_amount(data["price"], "price")
    cap = None if data.get("cap") is None else parse_amount(data["cap"], "cap")
    taxable = data.get("taxable", True)
    if not isinstance(taxable, bool):
        raise InvalidInput(f"taxable must be true or false, not {taxable!r}", field="taxable")
    stock = data.get("stock")
    if stock is not None and (isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MOST_STOCK):
        raise InvalidInput(f"stock must be a whole number from 0 to {MOST_STOCK:,} (leave it out: unlimited), "
                           f"not {stock!r}", field="stock")
    return CatalogueItem(code=code.strip(), label=label.strip(), kind=kind, per=per, price=price, cap=cap,
                         taxable=taxable, stock=stock)


def save_catalogue(s: Session, zip_code: str, items: Sequence[CatalogueItem]) -> None:
    """Replace the branch's catalogue with ``items`` (in that order). Reservations keep the extras
    they were quoted with."""
    require(Permission.MANAGE_RATES, s)
    s.execute(delete(ExtraItem).where(ExtraItem.zip_code == zip_code))
    for position, item in enumerate(items):
        s.add(ExtraItem(zip_code=zip_code, code=item.code, label=item.label, kind=item.kind, per=item.per,
                        price=item.price, cap=item.cap, taxable=item.taxable, stock=item.stock, position=position))
    s.flush()


def catalogue(s: Session, zip_code: str) -> tuple[CatalogueItem, ...]:
    """The branch's items, in their order."""
    rows = s.scalars(select(ExtraItem).where(ExtraItem.zip_code == zip_code).order_by(ExtraItem.position))
    return tuple(CatalogueItem(code=r.code, label=r.label, kind=r.kind, per=r.per, price=Decimal(r.price),
                               cap=None if r.cap is None else Decimal(r.cap), taxable=r.taxable, stock=r.stock)
                 for r in rows)


def parse_pick(text: str, flag: str = "--extra") -> tuple[str, int]:
    """'child-seat' or 'gps:2' as (code, quantity); refused naming ``flag``."""
    code, sep, quantity = text.strip().partition(":")
    if not code.strip():
        raise InvalidInput(f"{flag} needs an extra's code (like child-seat or gps:2), not {text!r}", field="extras")
    if not sep:
        return code.strip(), 1
    if not quantity.strip().isdigit() or not 1 <= int(quantity) <= 99:
        raise InvalidInput(f"{flag} {text!r}: the quantity after ':' must be a whole number from 1 to 99",
                           field="extras")
    return code.strip(), int(quantity)


def choose(s: Session, zip_code: str, picks: Sequence[tuple[str, int]]) -> tuple[ExtraChoice, ...]:
    """The picks (code, quantity) priced from the branch's catalogue now; an unknown code or a code
    given twice is refused naming it and what the branch offers."""
    offered = {item.code: item for item in catalogue(s, zip_code)}
    chosen: list[ExtraChoice] = []
    for code, quantity in picks:
        item = offered.get(code) or offered.get(code.lower())
        if item is None:
            branch = s.scalar(select(Branch.name).where(Branch.zip_code == zip_code)) or zip_code
            listed = ", ".join(offered) if offered else "nothing"
            raise InvalidInput(f"{code!r} is not an extra offered at {branch} (offered: {listed})", field="extras")
        if any(c.code == item.code for c in chosen):
            raise InvalidInput(f"{item.label} ({item.code}) is chosen twice", field="extras")
        chosen.append(item.choice(quantity))
    return tuple(chosen)


def most_in_use(holds: Iterable[tuple[datetime, datetime, int]], start: datetime, end: datetime) -> int:
    """The most units the holds (start, end, quantity; half-open) have out at one time in
    ``[start, end)``."""
    events: list[tuple[datetime, int]] = []
    for lo, hi, quantity in holds:
        lo, hi = max(lo, start), min(hi, end)
        if lo < hi:
            events += [(lo, quantity), (hi, -quantity)]
    # at one instant a hold ending comes before one starting (half-open periods)
    events.sort(key=lambda e: (e[0], e[1]))
    peak = out = 0
    for _, change in events:
        out += change
        peak = max(peak, out)
    return peak


def _listed_stock(s: Session, zip_code: str, codes: Iterable[str]) -> dict[str, int | None]:
    """The stock of each of ``codes`` the branch's catalogue lists (None: unlimited); an item it
    does not list is not a key."""
    return {code: n for code, n in s.execute(select(ExtraItem.code, ExtraItem.stock).where(
        ExtraItem.zip_code == zip_code, ExtraItem.code.in_(set(codes))))}


def stock_at(s: Session, zip_code: str, codes: Iterable[str]) -> dict[str, int | None]:
    """The stock of each of ``codes`` in the branch's catalogue (None: unlimited or not offered):
    what a branch's request tells head office (see :func:`check_stock`)."""
    wanted = set(codes)
    if not wanted:
        return {}
    found = _listed_stock(s, zip_code, wanted)
    return {code: found.get(code) for code in wanted}


def check_stock(s: Session, zip_code: str, extras: Sequence[ExtraChoice], start: datetime, end: datetime,
                now: datetime, *, exclude: str | None = None, stock: Mapping[str, int | None] | None = None) -> None:
    """Refuse (:class:`NotAvailable`, field ``extras``) when an item with stock at the branch would
    be held more times than it has over ``[start, end)``, counting every live reservation of the
    branch but ``exclude`` (the one being changed or checked out). Items without stock, and extras
    not in the catalogue, are not counted. The caller holds the branch's pool lock.

    The stock is this database's own record, its catalogue (head office's: the rates file imported
    there too), never a figure a request claims: ``stock``, each item's stock as a branch's request
    reports it, counts only for an item this catalogue does not list at all (head office not given
    the branch's catalogue yet), and a warning says so."""
    wanted = {e.code: e.quantity for e in extras}
    if not wanted:
        return
    listed = _listed_stock(s, zip_code, wanted)
    missing = sorted(code for code in wanted if code not in listed and (stock or {}).get(code) is not None)
    if missing and stock is not None:
        log.warning("branch %s: %s not in this database's catalogue; counted with the stock its request reports "
                    "(import the rates file here)", zip_code, ", ".join(missing))
    stock = {code: listed[code] if code in listed else (stock or {}).get(code) for code in wanted}
    stocked = {code: n for code, n in stock.items() if code in wanted and n is not None}
    if not stocked:
        return
    labels = {e.code: e.label for e in extras}
    active = ReservationStatus.ACTIVE.value
    query = select(ReservationRow.status, ReservationRow.start_at, ReservationRow.end_at,
                   ReservationRow.extras_json, ReservationRow.picked_up_at).where(
        ReservationRow.zip_code == zip_code, ReservationRow.status.in_(LIVE_STATUSES),
        or_(ReservationRow.start_at < end, ReservationRow.picked_up_at < end), ReservationRow.extras_json != "[]",
        or_(ReservationRow.status == active, ReservationRow.end_at > max(start, now)))
    if exclude is not None:
        query = query.where(ReservationRow.id != exclude)
    held: dict[str, list[tuple[datetime, datetime, int]]] = {code: [] for code in stocked}
    for status, lo, hi, kept, out_at in s.execute(query):
        # on rent: held from when it left (a car may leave before its pick-up time) until it comes
        # back, however late
        if status == active:
            lo, hi = min(lo, out_at or lo), max(hi, now)
        for extra in extras_from_json(kept):
            if extra.code in held:
                held[extra.code].append((lo, hi, extra.quantity))
    for code, has in stocked.items():
        free = has - most_in_use(held[code], start, end)
        if wanted[code] > free:
            branch = s.scalars(select(Branch).where(Branch.zip_code == zip_code)).one()
            raise NotAvailable(stock_words(labels[code], has, max(free, 0), wanted[code], branch.name,
                                           period_text(start, end, ZoneInfo(branch.time_zone))), field="extras")


def stock_words(label: str, stock: int, free: int, asked: int, branch: str, when: str) -> str:
    """The refusal for an item out of stock, in a clerk's words: 'only 1 of 2 child seats is free at
    Boston Downtown Tue 8 Dec 2026, 10:00 to ... EST; 2 asked', 'no child seat is
    free ...: the only one is booked', '...: all 4 are booked'."""
    # "Child seat" -> "child seat", "GPS navigation" stays (an acronym keeps its capitals)
    name = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    if free > 0:
        plural = name if name.endswith("s") else f"{name}s"  # "snow chains" is its own plural
        return (f"only {free} of {count(stock, name, plural)} {'is' if free == 1 else 'are'} free at {branch} "
                f"{when}; {asked} asked")
    booked = "the only one is booked" if stock == 1 else (f"all {stock:,} are booked" if stock else "none in stock")
    return f"no {name} is free at {branch} {when}: {booked}"


def extras_to_json(extras: Sequence[ExtraChoice]) -> str:
    """Extras as kept on a reservation or an agreement (amounts as strings: exact)."""
    return json.dumps([{"code": e.code, "label": e.label, "per": e.per, "price": str(e.price),
                        "cap": None if e.cap is None else str(e.cap), "quantity": e.quantity, "taxable": e.taxable}
                       for e in extras])


def extras_from_json(data: str) -> tuple[ExtraChoice, ...]:
    """The extras of :func:`extras_to_json`."""
    return tuple(ExtraChoice(code=e["code"], label=e["label"], per=e["per"], price=Decimal(e["price"]),
                             cap=None if e["cap"] is None else Decimal(e["cap"]), quantity=int(e["quantity"]),
                             taxable=bool(e.get("taxable", True)))  # kept before 0011: taxed
                 for e in json.loads(data))


def merged(kept: Sequence[ExtraChoice], added: Sequence[ExtraChoice]) -> tuple[ExtraChoice, ...]:
    """The extras kept at booking (at their booked price) and those added at check-out (at
    check-out's price); an extra booked already is refused, naming it."""
    codes = {e.code for e in kept}
    for extra in added:
        if extra.code in codes:
            raise InvalidInput(f"{extra.label} ({extra.code}) is booked with the reservation already", field="extras")
    return (*kept, *added)
