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

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rentaldesk import audit, car_record, charges, damage, pricing, rates, renters, reservations, text
from rentaldesk import contract_inputs as inputs
from rentaldesk import extras as catalogue
from rentaldesk.extras import extras_from_json, extras_to_json
from rentaldesk.charges import ChargeLine, Charges, ExtraChoice, Usage
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.display import long_time as local_time
from rentaldesk.errors import InvalidInput, RentalError, ReservationNotFound, UnknownPool
from rentaldesk.models import (
    Agreement,
    AgreementSequence,
    Branch,
    Car,
    Customer,
    DamageRecord,
    LedgerRow,
)
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.rates import RatePlan
from rentaldesk.rules import require_aware

#: The agreement's states as a clerk reads them.
ON_RENT = "on rent"
RETURNED = "returned"
CLOSED = "closed"
STATUSES = (ON_RENT, RETURNED, CLOSED)

#: The fuel gauge is read in eighths: 0 (empty) to 8 (full).
FUEL_FULL = inputs.FUEL_FULL
#: How far past the clock a return time may be typed (the counter's clock and the clerk's watch).
RETURN_CLOCK_SLACK_MINUTES = 5
#: How a deposit is taken.
DEPOSIT_METHODS = inputs.DEPOSIT_METHODS


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
    ``currency``; ``reference``: the card or voucher reference the clerk typed; ``note``: a
    refund's or write-off's reason; ``provider_reference``: a card processor's own reference of
    the transaction (blank until one is connected: room for it on every row).
    """

    id: int
    agreement_id: str
    agreement_number: str
    kind: str
    method: str
    amount: Decimal
    currency: str
    reference: str
    note: str
    at: datetime
    provider_reference: str = ""


@dataclass(frozen=True)
class AgreementView:
    """An agreement as plain values (safe on any thread), for the desk, the command line and the
    PDFs.

    ``status``: "on rent", "returned" or "closed". ``damage``: every mark on the car at check-out
    (``stage`` "out", its earlier damage included) and those recorded at check-in ("in");
    ``existing_damage``: those that were on the car before this agreement.
    ``quoted``: the price booked. ``paid``: payments less refunds. ``charges``: fixed at check-in (None before). ``balance``: what
    the renter still owes (the charges less payments and captured deposit, plus refunds, less a
    write-off; 0 before check-in). ``deposit_state``: "held", "captured", "partly captured",
    "released", "partly captured, the rest released" or "none" (the amount still held is
    ``deposit_held``).
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
    existing_damage: tuple[DamageMark, ...]
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
    #: Where the reservation is to be returned (its pick-up location unless booked one-way): what
    #: the check-in starts from. The reservation's, read beside the agreement: not part of the
    #: agreement's record (the event head office keeps, rentaldesk.sync.agreement_snapshot), so
    #: left out of the comparison of two views.
    return_zip_code: str = field(default="", compare=False)


# -- the services ------------------------------------------------------------------------------------


def check_out(s: Session, value: CheckOut, now: datetime) -> AgreementView:
    """Hand the car over: checks the reservation is due (the pick-up rule of
    :func:`rentaldesk.reservations.check_due`), the car (the reservation's, another free one of the
    class, or an upgrade at the booked price with a reason), the renter
    (:func:`rentaldesk.renters.check_renter`), the licence check, the readings (odometer not below
    the car's, fuel 0..8), the damage, the extras, the deposit (not below the plan's) and the
    signature; then writes the agreement (its number from the branch's sequence), the deposit's
    hold and the reservation's pick-up, in the caller's transaction. Raises :class:`RentalError`
    naming the field; nothing is written then."""
    require_aware(now, "now")
    row = _reservation(s, value.reservation_id)
    taken = s.scalar(select(Agreement.number).where(Agreement.reservation_id == row.id))
    if taken is not None:
        raise RentalError(f"reservation {row.reference} is checked out already (agreement {taken})",
                          field="reservation")
    reservations.check_due(row, now)
    car = _car_to_hand_over(s, row, value)
    upgrade_reason = inputs.reason(value.upgrade_reason, "upgrade_reason") if car.vehicle_class != row.vehicle_class else ""
    odometer = inputs.reading(value.odometer, "odometer")
    if odometer < car.odometer:
        raise InvalidInput(f"the odometer out ({odometer:,}) is below the {car.odometer:,} recorded for "
                           f"{car.plate_number}{car_record.last_reading_words(car)}", field="odometer")
    fuel = inputs.fuel(value.fuel_eighths)
    if value.licence_checked is not True:
        raise InvalidInput("the renter's driving licence must be checked before the car is handed over",
                           field="licence_checked")
    marks = tuple(replace(m, stage="out", recorded_at=now) for m in damage.checked_all(value.damage))
    # -- issue 11: extras: the kept extras (booked price) and the ones added here, counted in stock
    extras = catalogue.merged(extras_from_json(row.extras_json), inputs.extras(value.extras))
    plan = kept_plan(row)
    deposit = Deposit(*inputs.deposit(value.deposit.amount, value.deposit.method, value.deposit.reference,
                                      plan.deposit, plan.currency))
    inputs.signature(value.signature_png)
    renters.check_renter(s, row.customer_id, car.vehicle_class, car.zip_code, row.start_at, row.end_at)

    _lock_branch(s, row.zip_code)
    # from now: the extras leave with the car, up to the pick-up window before the booked time
    catalogue.check_stock(s, row.zip_code, extras, min(now, row.start_at), row.end_at, now, exclude=row.id)
    row.extras_json = extras_to_json(extras)
    row.extras_known = True  # the counter's own: known from now (migration 0021)
    booked_class = row.vehicle_class
    if car.car_id != row.car_id:
        reservations.assign_car(s, _lock_branch, now, row, car.car_id)
    reservations.pick_up(s, row, now, odometer=odometer)
    found = Agreement(
        id=str(uuid.uuid4()), number=_next_number(s, row.zip_code), reservation_id=row.id,
        customer_id=row.customer_id, car_id=car.car_id, zip_code=row.zip_code, booked_class=booked_class,
        vehicle_class=car.vehicle_class, upgrade_reason=upgrade_reason, status=ON_RENT, licence_checked=True,
        currency=plan.currency, quoted=row.price, plan_json=plan.to_json(), out_at=now, out_odometer=odometer, out_fuel_eighths=fuel,
        extras_json=extras_to_json(extras), deposit_amount=deposit.amount, deposit_method=deposit.method,
        deposit_reference=deposit.reference, signature_png=value.signature_png, write_off_reason="",
        created_at=now, version=1,
    )
    s.add(found)
    s.flush()
    if upgrade_reason:  # the booked class overridden: another class handed over at the booked price
        audit.note(s, audit.RESERVATION, row.id, audit.RULE_OVERRIDE,
                   {"rule": "booked class", "vehicle_class": (booked_class, car.vehicle_class),
                    "reason": upgrade_reason}, label=row.reference)
    _add_marks(s, found, marks)
    car_record.note_reading(car, car_record.Reading(now, found.zip_code, odometer, fuel, found.number))
    if deposit.amount > 0:
        s.add(LedgerRow(agreement_id=found.id, zip_code=found.zip_code, kind="deposit-hold", method=deposit.method,
                        amount=deposit.amount, currency=found.currency, reference=deposit.reference,
                        provider_reference="", note="", at=now))
    s.flush()
    return view(s, found)


def preview_check_in(s: Session, value: CheckIn, now: datetime) -> Charges:
    """The charges a check-in would fix (:func:`rentaldesk.charges.settle` with the reservation's
    kept plan), after the same checks as :func:`check_in`; nothing is written."""
    return _checked_in(s, value, now).charges


def check_in(s: Session, value: CheckIn, now: datetime) -> AgreementView:
    """Take the car back: the return time (not before check-out, not more than a few minutes
    ahead of the clock), the location (another branch's is a one-way return: the car joins that
    branch's pool, :func:`rentaldesk.reservations.relocate`), odometer not below out, fuel 0..8,
    new damage and its charge; fixes the charges (the receipt's lines, never recalculated) and
    completes the reservation (``returned_at`` the actual time), in the caller's transaction.
    Raises :class:`RentalError` naming the field; nothing is written then."""
    return check_in_and_relocate(s, value, now)[0]


def check_in_and_relocate(s: Session, value: CheckIn,
                          now: datetime) -> tuple[AgreementView, reservations.Rehousing]:
    """:func:`check_in`, and what a one-way return did to the old pool's reservations on the car."""
    checked = _checked_in(s, value, now)
    found, row = checked.agreement, checked.reservation
    reservations.return_car(s, row, checked.returned_at, odometer=checked.odometer)
    row.return_zip_code = None if checked.zip_code == row.zip_code else checked.zip_code
    row.updated_at = now
    car = s.get_one(Car, found.car_id)
    rehoused = reservations.relocate(s, _lock_branch, now, car, checked.zip_code)
    car_record.note_reading(car, car_record.Reading(checked.returned_at, checked.zip_code, checked.odometer,
                                                    checked.fuel_eighths, found.number))
    found.in_at, found.in_zip_code = checked.returned_at, checked.zip_code
    found.in_odometer, found.in_fuel_eighths = checked.odometer, checked.fuel_eighths
    found.damage_charge = checked.damage_charge
    found.charges_json = charges_to_json(checked.charges)
    found.total = checked.charges.total
    found.status = RETURNED
    found.version += 1
    _add_marks(s, found, checked.marks)
    s.flush()
    close_if_settled(s, found, now)
    return view(s, found), rehoused


def agreement(s: Session, agreement_id_or_number: str) -> AgreementView:
    """The agreement by its id, its number ("BOS-DT-000123") or its reservation's reference; a
    :class:`RentalError` (field "agreement") when there is none."""
    return view(s, find(s, agreement_id_or_number))


def existing_damage(s: Session, car_id: int) -> tuple[DamageMark, ...]:
    """The damage on the car now: every mark of its agreements so far, this branch's and, as head
    office's car record brought them, other branches' (:func:`rentaldesk.car_record.history`), oldest
    first, each with the stage it was recorded at (the desk shows these beside the new ones at
    check-out)."""
    return car_record.history(s, car_id)


def agreements_of(s: Session, *, zip_code: str | None = None, status: str | None = None,
                  limit: int = 200) -> tuple[AgreementView, ...]:
    """Agreements, newest first: those checked out at ``zip_code`` and in ``status`` when given."""
    query = select(Agreement).order_by(Agreement.out_at.desc(), Agreement.number.desc()).limit(limit)
    if zip_code is not None:
        query = query.where(Agreement.zip_code == zip_code)
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"no agreement status {text.shown(status)}; the statuses are "
                               + ", ".join(STATUSES), field="status")
        query = query.where(Agreement.status == status)
    return tuple(view(s, a) for a in s.scalars(query))


# -- shared with rentaldesk.payments -------------------------------------------------------------------


def find(s: Session, key: str) -> Agreement:
    """The agreement row by id, number or reservation reference, or :class:`RentalError`."""
    cleaned = (key or "").strip() if isinstance(key, str) else ""
    found = s.get(Agreement, cleaned) if cleaned else None
    if found is None and cleaned:
        found = s.scalar(select(Agreement).where(Agreement.number == cleaned.upper()))
    if found is None and cleaned:
        found = s.scalar(select(Agreement).join(ReservationRow, ReservationRow.id == Agreement.reservation_id)
                         .where(ReservationRow.reference == cleaned.upper()))
    if found is None:
        said = text.shown(key) if isinstance(key, str) else repr(key)
        raise RentalError(f"no agreement {said}", field="agreement")
    return found


@dataclass(frozen=True)
class LedgerTotals:
    """What an agreement's ledger adds up to (every amount >= 0)."""

    paid: Decimal
    refunded: Decimal
    captured: Decimal
    written_off: Decimal
    deposit_taken: Decimal
    deposit_released: Decimal

    @property
    def deposit_held(self) -> Decimal:
        """What of the deposit is still held (neither captured nor released)."""
        return self.deposit_taken - self.captured - self.deposit_released

    def balance(self, total: Decimal | None) -> Decimal:
        """What the renter still owes of ``total`` (0 before check-in)."""
        if total is None:
            return Decimal("0.00")
        return (total - self.paid + self.refunded - self.captured - self.written_off).quantize(inputs.CENT)


def ledger_totals(entries: Sequence[LedgerEntry]) -> LedgerTotals:
    """The sums of an agreement's ledger by kind."""
    sums = {kind: Decimal("0.00") for kind in LEDGER_KINDS}
    for entry in entries:
        sums[entry.kind] += entry.amount
    return LedgerTotals(paid=sums["payment"], refunded=sums["refund"], captured=sums["deposit-capture"],
                        written_off=sums["write-off"], deposit_taken=sums["deposit-hold"],
                        deposit_released=sums["deposit-release"])


def ledger(s: Session, found: Agreement) -> tuple[LedgerEntry, ...]:
    """The agreement's ledger rows, oldest first."""
    rows = s.scalars(select(LedgerRow).where(LedgerRow.agreement_id == found.id).order_by(LedgerRow.id))
    return tuple(ledger_entry(r, found.number) for r in rows)


def ledger_entry(r: LedgerRow, number: str) -> LedgerEntry:
    """A ledger row's plain value (``number``: its agreement's)."""
    return LedgerEntry(id=r.id, agreement_id=r.agreement_id, agreement_number=number, kind=r.kind, method=r.method,
                       amount=r.amount, currency=r.currency, reference=r.reference, note=r.note, at=r.at,
                       provider_reference=r.provider_reference)


def close_if_settled(s: Session, found: Agreement, now: datetime) -> None:
    """The closing rule: a returned agreement closes when its balance is zero and nothing of its
    deposit is still held; a closed one whose balance is no longer zero (a refund) is returned
    again. A write-off closes it by itself (:func:`rentaldesk.payments.write_off`)."""
    totals = ledger_totals(ledger(s, found))
    settled = totals.balance(found.total) == 0 and totals.deposit_held == 0
    if found.status == RETURNED and settled:
        found.status, found.closed_at = CLOSED, now
        found.version += 1
    elif found.status == CLOSED and not settled and not found.write_off_reason:
        found.status, found.closed_at = RETURNED, None
        found.version += 1
    s.flush()


def view(s: Session, found: Agreement) -> AgreementView:
    """The agreement's plain value (a few queries: its reservation, customer, car, branch, damage
    and ledger)."""
    row = s.get_one(ReservationRow, found.reservation_id)
    customer = s.get_one(Customer, found.customer_id)
    car = s.get_one(Car, found.car_id)
    branch = _branch(s, found.zip_code)
    entries = ledger(s, found)
    totals = ledger_totals(entries)
    earlier = car_record.history(s, found.car_id, until=found.out_at, except_agreement=found.id)
    before = tuple(replace(m, stage="out") for m in earlier)
    own = tuple(_mark(r) for r in s.scalars(select(DamageRecord).where(DamageRecord.agreement_id == found.id)
                                            .order_by(DamageRecord.id)))
    returned = None
    if found.in_at is not None and found.in_zip_code is not None and found.in_odometer is not None \
            and found.in_fuel_eighths is not None:
        returned = Readings(found.in_at, found.in_zip_code, found.in_odometer, found.in_fuel_eighths)
    return AgreementView(
        id=found.id, number=found.number, reservation_id=row.id, reservation_reference=row.reference,
        customer_id=customer.id, customer_name=customer.name or customer.email, customer_email=customer.email,
        licence_number=customer.licence_number or "", car_id=car.car_id, plate_number=car.plate_number,
        car_model=car.model, vehicle_class=found.vehicle_class, booked_class=found.booked_class,
        upgrade_reason=found.upgrade_reason, zip_code=found.zip_code, branch_name=branch.name,
        time_zone=branch.time_zone, distance_unit=branch.distance_unit, currency=found.currency,
        status=found.status, booked_start=row.start_at, booked_end=row.end_at,
        out=Readings(found.out_at, found.zip_code, found.out_odometer, found.out_fuel_eighths), returned=returned,
        damage=before + own, existing_damage=before, extras=extras_from_json(found.extras_json),
        deposit=Deposit(found.deposit_amount, found.deposit_method, found.deposit_reference),
        deposit_state=_deposit_state(totals), deposit_held=totals.deposit_held, quoted=found.quoted,
        charges=charges_from_json(found.charges_json) if found.charges_json is not None else None,
        payments=entries, paid=totals.paid - totals.refunded, balance=totals.balance(found.total),
        signature_png=found.signature_png, write_off_reason=found.write_off_reason, created_at=found.created_at,
        return_zip_code=row.return_zip_code or row.zip_code,
    )


# -- the JSON kept on the agreement --------------------------------------------------------------------


def charges_to_json(c: Charges) -> str:
    """The charges fixed at check-in, as stored on the agreement (amounts as strings: exact)."""
    return json.dumps({
        "lines": [{"code": ln.code, "label": ln.label, "quantity": str(ln.quantity), "unit_price": str(ln.unit_price),
                   "amount": str(ln.amount), "taxable": ln.taxable} for ln in c.lines],
        "subtotal": str(c.subtotal), "tax": str(c.tax), "total": str(c.total), "currency": c.currency,
    }, ensure_ascii=False)


def charges_from_json(data: str) -> Charges:
    """The charges of :func:`charges_to_json`, exactly as they were fixed."""
    raw = json.loads(data)
    lines = tuple(ChargeLine(code=ln["code"], label=ln["label"], quantity=Decimal(ln["quantity"]),
                             unit_price=Decimal(ln["unit_price"]), amount=Decimal(ln["amount"]),
                             taxable=bool(ln["taxable"])) for ln in raw["lines"])
    return Charges(lines=lines, subtotal=Decimal(raw["subtotal"]), tax=Decimal(raw["tax"]),
                   total=Decimal(raw["total"]), currency=raw["currency"])


# -- helpers -------------------------------------------------------------------------------------------

LEDGER_KINDS = ("payment", "refund", "deposit-hold", "deposit-capture", "deposit-release", "write-off")


@dataclass(frozen=True)
class _CheckedIn:
    agreement: Agreement
    reservation: ReservationRow
    returned_at: datetime
    zip_code: str
    odometer: int
    fuel_eighths: int
    marks: tuple[DamageMark, ...]
    damage_charge: Decimal
    charges: Charges


def _checked_in(s: Session, value: CheckIn, now: datetime) -> _CheckedIn:
    require_aware(now, "now")
    found = find(s, value.agreement_id)
    if found.status != ON_RENT:
        raise RentalError(f"agreement {found.number} is {found.status}; only a car on rent can be checked in",
                          field="agreement")
    row = s.get_one(ReservationRow, found.reservation_id)
    returned_at = value.returned_at
    if not isinstance(returned_at, datetime) or returned_at.utcoffset() is None:
        raise InvalidInput("the return time needs a time zone", field="returned_at")
    returned_at = returned_at.astimezone(timezone.utc)
    zone = ZoneInfo(_branch(s, found.zip_code).time_zone)
    if returned_at <= found.out_at:
        raise InvalidInput(f"the return time {local_time(returned_at, zone)} is not after the check-out at "
                           f"{local_time(found.out_at, zone)}", field="returned_at")
    if returned_at > now + timedelta(minutes=RETURN_CLOCK_SLACK_MINUTES):
        raise InvalidInput(f"the return time {local_time(returned_at, zone)} is in the future (now "
                           f"{local_time(now, zone)})", field="returned_at")
    zip_code = _return_location(s, value.zip_code)
    odometer = inputs.reading(value.odometer, "odometer")
    if odometer < found.out_odometer:
        raise InvalidInput(f"the odometer in ({odometer:,}) is below the odometer out ({found.out_odometer:,})",
                           field="odometer")
    fuel = inputs.fuel(value.fuel_eighths)
    marks = tuple(replace(m, stage="in", recorded_at=now) for m in damage.checked_all(value.damage))
    damage_charge = inputs.amount(value.damage_charge, "damage_charge", "the damage charge")
    if damage_charge > 0 and not marks and not _has_in_marks(s, found):
        raise InvalidInput("a damage charge needs the damage it is for marked at check-in", field="damage_charge")
    plan = pricing.as_quoted(RatePlan.from_json(found.plan_json), row)  # (an agreement of before 0021 too)
    usage = Usage(
        picked_up_at=found.out_at, returned_at=returned_at, booked_start=row.start_at, booked_end=row.end_at,
        distance=inputs.distance(odometer, found.out_odometer, (returned_at - found.out_at).total_seconds()),
        fuel_out_eighths=found.out_fuel_eighths, fuel_in_eighths=fuel,
        damage_charge=damage_charge, extras=extras_from_json(found.extras_json),
        young_driver_fee_per_day=kept_young_driver_fee(s, row),
        driver_day_rate=row.driver_day_rate if row.driver_id is not None else None,  # as quoted
        one_way_fee=_one_way_fee(s, found, row, zip_code),
    )
    return _CheckedIn(found, row, returned_at, zip_code, odometer, fuel, marks, damage_charge,
                      charges.settle(plan, usage))


def _one_way_fee(s: Session, found: Agreement, row: ReservationRow, zip_code: str) -> Decimal:
    # the fee quoted at booking when the car comes back where booked (kept as the plan is); a
    # return location changed at the counter pays the fee in effect for it now
    if zip_code == row.return_zip_code and row.drop_fee is not None:
        return Decimal(row.drop_fee)
    return rates.drop_fee(s, found.zip_code, zip_code)


def _has_in_marks(s: Session, found: Agreement) -> bool:
    return s.scalar(select(DamageRecord.id).where(DamageRecord.agreement_id == found.id,
                                                  DamageRecord.stage == "in").limit(1)) is not None




def _reservation(s: Session, key: str) -> ReservationRow:
    cleaned = (key or "").strip() if isinstance(key, str) else ""
    row = s.get(ReservationRow, cleaned) if cleaned else None
    if row is None and cleaned:
        row = s.scalar(select(ReservationRow).where(ReservationRow.reference == cleaned.upper()))
    if row is None:
        raise ReservationNotFound(f"no reservation {text.shown(key) if isinstance(key, str) else repr(key)}")
    return row


def _car_to_hand_over(s: Session, row: ReservationRow, value: CheckOut) -> Car:
    if value.car_id is None or value.car_id == row.car_id:
        return s.get_one(Car, row.car_id)
    if isinstance(value.car_id, bool) or not isinstance(value.car_id, int):
        raise InvalidInput(f"the car must be a car id, not {text.shown(value.car_id)}", field="car_id")
    car = s.get(Car, value.car_id)
    if car is None:
        raise InvalidInput(f"no car with id {value.car_id}", field="car_id")
    if car.zip_code != row.zip_code:  # the car is handed over here: it must be here
        raise InvalidInput(f"car {car.plate_number} is at {car.zip_code}, not at {row.zip_code} where "
                           f"reservation {row.reference} is picked up", field="car_id")
    return car


def _lock_branch(s: Session, zip_code: str) -> None:
    # reservations.assign_car's lock: the branch row, where the database has row locks (SQLite's
    # BEGIN IMMEDIATE already made this transaction the only writer; FOR UPDATE is left out there)
    s.execute(select(Branch.id).where(Branch.zip_code == zip_code).with_for_update())


def _next_number(s: Session, zip_code: str) -> str:
    branch = _branch(s, zip_code)
    seq = s.get(AgreementSequence, zip_code, with_for_update=True)
    if seq is None:
        seq = AgreementSequence(zip_code=zip_code, next_number=1)
        s.add(seq)
    number = seq.next_number
    seq.next_number = number + 1
    s.flush()
    return f"{branch.code}-{number:06d}"


def _branch(s: Session, zip_code: str) -> Branch:
    return s.execute(select(Branch).where(Branch.zip_code == zip_code)).scalar_one()


def _return_location(s: Session, zip_code: str) -> str:
    cleaned = zip_code.strip() if isinstance(zip_code, str) else ""
    if s.scalar(select(Branch.id).where(Branch.zip_code == cleaned)) is None:
        known = ", ".join(s.scalars(select(Branch.zip_code).order_by(Branch.zip_code)))
        raise UnknownPool(f"no branch at zip code {text.shown(zip_code)}; the branches are at {known}",
                          field="zip_code")
    return cleaned


def _add_marks(s: Session, found: Agreement, marks: Sequence[DamageMark]) -> None:
    for m in marks:
        assert m.recorded_at is not None
        s.add(DamageRecord(agreement_id=found.id, car_id=found.car_id, stage=m.stage, zone=m.zone.value, x=m.x,
                           y=m.y, note=m.note, photo=m.photo, recorded_at=m.recorded_at))


def _mark(r: DamageRecord) -> DamageMark:
    return DamageMark(zone=Zone(r.zone), x=r.x, y=r.y, note=r.note, photo=r.photo, recorded_at=r.recorded_at,
                      stage=r.stage)


def _deposit_state(t: LedgerTotals) -> str:
    if t.deposit_taken == 0:
        return "none"
    if t.deposit_held == t.deposit_taken:
        return "held"
    if t.deposit_held > 0:
        return "partly captured"  # the rest still held
    if t.captured == t.deposit_taken:
        return "captured"
    return "released" if t.captured == 0 else "partly captured, the rest released"


def kept_young_driver_fee(s: Session, row: ReservationRow) -> Decimal | None:
    """The young-driver fee per day the renter pays (None: none applies), by the young-driver age
    and fee the reservation was booked with, so a later change of the renter rule never changes
    it; a row that kept none (an earlier build's, or one head office's state brought here) pays by
    the rule in effect, as before."""
    kept = None
    if row.young_driver_age is not None and row.young_driver_fee_per_day is not None:
        kept = (row.young_driver_age, Decimal(row.young_driver_fee_per_day))
    return renters.young_driver_fee(s, row.customer_id, row.vehicle_class, row.zip_code, row.start_at, kept=kept)


def kept_plan(row: ReservationRow) -> RatePlan:
    """The rate plan the reservation was quoted with (:func:`rentaldesk.pricing.kept_plan`), fixed
    on the agreement at check-out: its deposit is asked then, and check-in settles with it."""
    return pricing.kept_plan(row)
