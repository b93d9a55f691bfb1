"""An agreement as it crosses the network, and back: :func:`snapshot_of` and :func:`view_of`.

The one translation between :class:`rentaldesk.contracts.AgreementView` (the core's plain values)
and :class:`rentaldesk.sync.events.AgreementSnapshot` (the wire's record). ``view_of(snapshot_of(v))
== v`` for every view (tests/unit/sync/test_agreement_snapshot.py, a property test among them).
"""

from __future__ import annotations

from decimal import Decimal

from ..charges import ChargeLine, Charges, ExtraChoice
from ..contracts import AgreementView, Deposit, LedgerEntry, Readings
from ..damage import DamageMark, Zone
from .events import (
    AgreementChargeLine,
    AgreementCharges,
    AgreementDamage,
    AgreementExtra,
    AgreementLedgerRow,
    AgreementReadings,
    AgreementSnapshot,
)


def snapshot_of(view: AgreementView) -> AgreementSnapshot:
    """The wire record of an agreement's whole state."""
    return AgreementSnapshot(
        id=view.id, number=view.number, reservation_id=view.reservation_id,
        reservation_reference=view.reservation_reference, customer_id=view.customer_id,
        customer_name=view.customer_name, customer_email=view.customer_email, licence_number=view.licence_number,
        car_id=view.car_id, plate_number=view.plate_number, car_model=view.car_model,
        vehicle_class=view.vehicle_class, booked_class=view.booked_class, upgrade_reason=view.upgrade_reason,
        zip_code=view.zip_code, branch_name=view.branch_name, time_zone=view.time_zone,
        distance_unit=view.distance_unit, currency=view.currency, status=view.status,
        booked_start=view.booked_start, booked_end=view.booked_end, out=_readings(view.out),
        damage=tuple(_damage(m) for m in view.damage),
        existing_damage=tuple(_damage(m) for m in view.existing_damage),
        extras=tuple(_extra(e) for e in view.extras),
        deposit_amount=view.deposit.amount, deposit_method=view.deposit.method,
        deposit_reference=view.deposit.reference, deposit_state=view.deposit_state,
        deposit_held=view.deposit_held, quoted=view.quoted,
        ledger=tuple(_ledger_row(e) for e in view.payments),
        # paid and balance are signed (a refund past the payments, an overpaid balance): text
        paid=str(view.paid), balance=str(view.balance),
        signature_png=view.signature_png, write_off_reason=view.write_off_reason, created_at=view.created_at,
        returned=None if view.returned is None else _readings(view.returned),
        charges=None if view.charges is None else _charges(view.charges),
    )


def view_of(snapshot: AgreementSnapshot) -> AgreementView:
    """The agreement a snapshot holds, as the core's view (what the PDFs and the screens read)."""
    a = snapshot
    return AgreementView(
        id=a.id, number=a.number, reservation_id=a.reservation_id, reservation_reference=a.reservation_reference,
        customer_id=a.customer_id, customer_name=a.customer_name, customer_email=a.customer_email,
        licence_number=a.licence_number, car_id=a.car_id, plate_number=a.plate_number, car_model=a.car_model,
        vehicle_class=a.vehicle_class, booked_class=a.booked_class, upgrade_reason=a.upgrade_reason,
        zip_code=a.zip_code, branch_name=a.branch_name, time_zone=a.time_zone, distance_unit=a.distance_unit,
        currency=a.currency, status=a.status, booked_start=a.booked_start, booked_end=a.booked_end,
        out=_readings_back(a.out), returned=None if a.returned is None else _readings_back(a.returned),
        damage=tuple(_damage_back(m) for m in a.damage),
        existing_damage=tuple(_damage_back(m) for m in a.existing_damage),
        extras=tuple(_extra_back(e) for e in a.extras),
        deposit=Deposit(amount=a.deposit_amount, method=a.deposit_method, reference=a.deposit_reference),
        deposit_state=a.deposit_state, deposit_held=a.deposit_held, quoted=a.quoted,
        charges=None if a.charges is None else _charges_back(a.charges),
        payments=tuple(_ledger_back(r, a) for r in a.ledger), paid=Decimal(a.paid), balance=Decimal(a.balance),
        signature_png=a.signature_png, write_off_reason=a.write_off_reason, created_at=a.created_at,
    )


def _readings(r: Readings) -> AgreementReadings:
    return AgreementReadings(at=r.at, zip_code=r.zip_code, odometer=r.odometer, fuel_eighths=r.fuel_eighths)


def _readings_back(r: AgreementReadings) -> Readings:
    return Readings(at=r.at, zip_code=r.zip_code, odometer=r.odometer, fuel_eighths=r.fuel_eighths)


def _damage(m: DamageMark) -> AgreementDamage:
    return AgreementDamage(zone=m.zone.value, x=m.x, y=m.y, note=m.note, stage=m.stage, photo=m.photo,
                           recorded_at=m.recorded_at)


def _damage_back(m: AgreementDamage) -> DamageMark:
    return DamageMark(zone=Zone(m.zone), x=m.x, y=m.y, note=m.note, photo=m.photo, recorded_at=m.recorded_at,
                      stage=m.stage)


def _extra(e: ExtraChoice) -> AgreementExtra:
    return AgreementExtra(code=e.code, label=e.label, per=e.per, price=e.price, quantity=e.quantity, cap=e.cap,
                          taxable=e.taxable)


def _extra_back(e: AgreementExtra) -> ExtraChoice:
    return ExtraChoice(code=e.code, label=e.label, per=e.per, price=e.price, cap=e.cap, quantity=e.quantity,
                       taxable=e.taxable)


def _charges(c: Charges) -> AgreementCharges:
    return AgreementCharges(
        lines=tuple(AgreementChargeLine(code=ln.code, label=ln.label, quantity=str(ln.quantity),
                                        unit_price=str(ln.unit_price), amount=str(ln.amount), taxable=ln.taxable)
                    for ln in c.lines),
        subtotal=c.subtotal, tax=c.tax, total=c.total, currency=c.currency)


def _charges_back(c: AgreementCharges) -> Charges:
    return Charges(
        lines=tuple(ChargeLine(code=ln.code, label=ln.label, quantity=Decimal(ln.quantity),
                               unit_price=Decimal(ln.unit_price), amount=Decimal(ln.amount), taxable=ln.taxable)
                    for ln in c.lines),
        subtotal=c.subtotal, tax=c.tax, total=c.total, currency=c.currency)


def _ledger_row(e: LedgerEntry) -> AgreementLedgerRow:
    return AgreementLedgerRow(id=e.id, kind=e.kind, method=e.method, amount=e.amount, currency=e.currency,
                              reference=e.reference, note=e.note, at=e.at,
                              provider_reference=e.provider_reference)


def _ledger_back(r: AgreementLedgerRow, a: AgreementSnapshot) -> LedgerEntry:
    return LedgerEntry(id=r.id, agreement_id=a.id, agreement_number=a.number, kind=r.kind, method=r.method,
                       amount=r.amount, currency=r.currency, reference=r.reference, note=r.note, at=r.at,
                       provider_reference=r.provider_reference)
