"""The rental agreement: a reservation's car handed over (check-out) and brought back (check-in).

The one way a car leaves and comes back, for the desk, the command line (``rentaldesk agreements``
and the older ``rentaldesk reservations pickup|return``) and head office: :func:`check_out` and
:func:`check_in`. Each checks every input first (a :class:`RentalError` naming the field, nothing
saved), then writes the agreement and the reservation's status in one transaction.

An agreement is ``on rent`` from check-out, ``returned`` from check-in (its charges fixed then, so
the receipt never changes), and ``closed`` once its balance is zero or written off
(:mod:`rentaldesk.payments`). Its number comes from a per-branch sequence ("BOS-000123"), never
reused and without gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from rentaldesk.damage import DamageMark

if TYPE_CHECKING:
    # Interface 1 (owned by the rates part: rentaldesk/charges.py); merged from its branch.
    from rentaldesk.charges import Charges, ExtraChoice  # type: ignore[import-not-found, unused-ignore]

#: The agreement's states as a clerk reads them.
ON_RENT = "on rent"
RETURNED = "returned"
CLOSED = "closed"
STATUSES = (ON_RENT, RETURNED, CLOSED)

#: The fuel gauge is read in eighths: 0 (empty) to 8 (full).
FUEL_FULL = 8
#: How far past the clock a return time may be typed (the counter's clock and the clerk's watch).
RETURN_CLOCK_SLACK_MINUTES = 5


@dataclass(frozen=True)
class Deposit:
    """The deposit taken at check-out: ``method`` "card" (``reference``: the pre-authorisation's
    reference, needed) or "cash" (``reference`` may be blank)."""

    amount: Decimal
    method: str
    reference: str


@dataclass(frozen=True)
class CheckOut:
    """What the clerk confirms at check-out.

    ``car_id``: None hands over the reservation's car; another car of the class (a swap), or of
    another class at the booked price (an upgrade: ``upgrade_reason`` needed). ``damage``: the new
    marks only (the car's existing damage is kept). ``extras``: the extras and cover confirmed.
    ``signature_png``: the renter's signature as drawn (a PNG, not blank).
    """

    reservation_id: str
    car_id: int | None
    upgrade_reason: str
    licence_checked: bool
    odometer: int
    fuel_eighths: int
    damage: tuple[DamageMark, ...]
    extras: tuple[ExtraChoice, ...]
    deposit: Deposit
    signature_png: bytes


@dataclass(frozen=True)
class CheckIn:
    """What the clerk confirms at check-in: the actual return time (aware), the return location (a
    zip code: another branch's is a one-way return), the readings, new damage and its charge."""

    agreement_id: str
    returned_at: datetime
    zip_code: str
    odometer: int
    fuel_eighths: int
    damage: tuple[DamageMark, ...]
    damage_charge: Decimal


@dataclass(frozen=True)
class Readings:
    """The car's readings at check-out or check-in: where, when, odometer (the branch's unit) and
    fuel (eighths)."""

    at: datetime
    zip_code: str
    odometer: int
    fuel_eighths: int


@dataclass(frozen=True)
class LedgerEntry:
    """One row of the payments ledger (append-only).

    ``kind``: "payment", "refund", "deposit-hold", "deposit-capture", "deposit-release" or
    "write-off"; ``method``: "card", "cash" or "voucher" ("" for a write-off); ``amount`` > 0 in
    ``currency``; ``reference``: the card or voucher reference, or a provider's; ``note``: a
    refund's or write-off's reason.
    """

    id: int
    agreement_id: str
    kind: str
    method: str
    amount: Decimal
    currency: str
    reference: str
    note: str
    at: datetime


@dataclass(frozen=True)
class AgreementView:
    """An agreement as plain values (safe on any thread), for the desk, the command line and the
    PDFs.

    ``status``: "on rent", "returned" or "closed". ``damage``: every mark on the car at check-out
    (``stage`` "out", its earlier damage included) and those recorded at check-in ("in").
    ``quoted``: the price booked. ``charges``: fixed at check-in (None before). ``balance``: what
    the renter still owes (the charges less payments and captured deposit, plus refunds, less a
    write-off; 0 before check-in). ``deposit_state``: "held", "captured", "partly captured",
    "released" (the held amount is ``deposit_held``).
    """

    id: str
    number: str
    reservation_id: str
    reservation_reference: str
    customer_id: str
    customer_name: str
    customer_email: str
    licence_number: str
    car_id: int
    plate_number: str
    car_model: str
    vehicle_class: str
    booked_class: str
    upgrade_reason: str
    zip_code: str
    branch_name: str
    time_zone: str
    distance_unit: str
    currency: str
    status: str
    booked_start: datetime
    booked_end: datetime
    out: Readings
    returned: Readings | None
    damage: tuple[DamageMark, ...]
    extras: tuple[ExtraChoice, ...]
    deposit: Deposit
    deposit_state: str
    deposit_held: Decimal
    quoted: Decimal
    charges: Charges | None
    payments: tuple[LedgerEntry, ...]
    paid: Decimal
    balance: Decimal
    signature_png: bytes
    write_off_reason: str
    created_at: datetime


def check_out(s: Session, value: CheckOut, now: datetime) -> AgreementView:
    """Hand the car over: checks the reservation is due (the pick-up window of
    :func:`rentaldesk.reservations.pick_up`), the car, the renter (:func:`rentaldesk.renters.check_renter`),
    the readings (odometer not below the car's, fuel 0..8), the damage, the deposit, the signature
    and the extras; then writes the agreement (its number from the branch's sequence) and makes the
    reservation active, in the caller's transaction. Raises :class:`RentalError` naming the field;
    nothing is written then."""
    raise NotImplementedError("check_out lands in the next commit of branch i11-contract")


def preview_check_in(s: Session, value: CheckIn, now: datetime) -> Charges:
    """The charges a check-in would fix (:func:`rentaldesk.charges.settle` with the reservation's
    kept plan), after the same checks as :func:`check_in`; nothing is written."""
    raise NotImplementedError("preview_check_in lands in the next commit of branch i11-contract")


def check_in(s: Session, value: CheckIn, now: datetime) -> AgreementView:
    """Take the car back: the return time (not before check-out, not in the future beyond a few
    minutes), the location (another branch's is recorded as a one-way return), odometer not below
    out, fuel 0..8, new damage and its charge; fixes the charges and completes the reservation
    (``returned_at`` the actual time), in the caller's transaction. Raises :class:`RentalError`
    naming the field; nothing is written then."""
    raise NotImplementedError("check_in lands in the next commit of branch i11-contract")


def agreement(s: Session, agreement_id_or_number: str) -> AgreementView:
    """The agreement by its id, its number ("BOS-000123") or its reservation's reference; a
    :class:`RentalError` (field "agreement") when there is none."""
    raise NotImplementedError("agreement lands in the next commit of branch i11-contract")


def existing_damage(s: Session, car_id: int) -> tuple[DamageMark, ...]:
    """The damage on the car now: every mark of its agreements so far (the desk shows these beside
    the new ones at check-out)."""
    raise NotImplementedError("existing_damage lands in the next commit of branch i11-contract")
