"""Head office's side of the branches' agreements: the company's ledger and each car's record.

:func:`apply_agreement` is the handler of ``agreement.recorded`` (called by the authority's inbox
handler for ``booking-requests``, in the inbox's transaction, so the same event twice is skipped
by the inbox before it gets here). It keeps each agreement's newest state only: an event whose
``version`` is not above the one kept is stale and skipped, so a late copy of an earlier stage never
overwrites a newer one. The ledger rows are the snapshot's, the car's record (odometer, fuel, where,
damage marks) follows the newest readings, and each change of it counts a ``version`` up: the fleet
service publishes it to every branch (:mod:`rentaldesk.sync.car_record`). A malformed event (a stage unknown, an amount not a
number) raises :class:`ValueError` with the reason: the consumer parks it on the dead letters and
goes on. This is apart from the notifications (:mod:`rentaldesk.hq.notifications`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import msgspec
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..models import HqAgreement, HqCarDamage, HqCarRecord, HqLedgerRow
from ..sync.envelope import Envelope
from ..sync.events import AGREEMENT_STAGES, AgreementRecorded, AgreementSnapshot

log = logging.getLogger("rentaldesk.hq.contracts")


@dataclass(frozen=True)
class Applied:
    """What :func:`apply_agreement` did: ``kept`` False when the event was stale (skipped)."""

    kept: bool
    agreement_id: str
    version: int


def apply_agreement(s: Session, envelope: Envelope[AgreementRecorded]) -> Applied:
    """Record a branch's agreement at head office (see the module)."""
    event = envelope.payload
    a = event.agreement
    _check(event)
    kept = s.get(HqAgreement, a.id)
    if kept is not None and kept.version >= event.version:
        log.info("head office: agreement %s version %d is not newer than %d kept; skipped",
                 a.number, event.version, kept.version)
        return Applied(kept=False, agreement_id=a.id, version=kept.version)
    if kept is None:
        kept = HqAgreement(id=a.id)
        s.add(kept)
    kept.number, kept.reservation_id, kept.zip_code = a.number, a.reservation_id, a.zip_code
    kept.plate_number, kept.status, kept.stage, kept.version = a.plate_number, a.status, event.stage, event.version
    kept.source, kept.balance = envelope.source, a.balance
    kept.snapshot, kept.updated_at = msgspec.json.encode(a), envelope.occurred_at
    s.flush()
    s.execute(delete(HqLedgerRow).where(HqLedgerRow.agreement_id == a.id))
    s.add_all(HqLedgerRow(agreement_id=a.id, row_id=r.id, kind=r.kind, method=r.method, amount=r.amount,
                          currency=r.currency, reference=r.reference, provider_reference=r.provider_reference,
                          note=r.note, at=r.at) for r in a.ledger)
    _car_record(s, a)
    s.flush()
    return Applied(kept=True, agreement_id=a.id, version=event.version)


def snapshot(s: Session, agreement_id: str) -> AgreementSnapshot | None:
    """The newest state head office keeps of an agreement (None: it has none)."""
    kept = s.get(HqAgreement, agreement_id)
    return None if kept is None else msgspec.json.decode(kept.snapshot, type=AgreementSnapshot)


def _check(event: AgreementRecorded) -> None:
    if event.stage not in AGREEMENT_STAGES:
        raise ValueError(f"agreement.recorded: stage: expected one of {', '.join(AGREEMENT_STAGES)}, "
                         f"not {event.stage!r}")
    a = event.agreement
    amounts = [("paid", a.paid), ("balance", a.balance)]
    if a.charges is not None:
        amounts += [(f"charges.lines[{i}].amount", ln.amount) for i, ln in enumerate(a.charges.lines)]
    for field, value in amounts:
        try:
            Decimal(value)
        except InvalidOperation:
            raise ValueError(f"agreement.recorded: agreement.{field}: expected an amount, not {value!r}") from None


def _car_record(s: Session, a: AgreementSnapshot) -> None:
    readings = a.returned or a.out
    record = s.get(HqCarRecord, a.plate_number)
    # the marks this agreement added (the car's earlier ones came with earlier agreements)
    earlier = list(a.existing_damage)
    s.execute(delete(HqCarDamage).where(HqCarDamage.agreement_id == a.id))
    back = a.returned.zip_code if a.returned is not None else a.zip_code
    s.add_all(HqCarDamage(plate_number=a.plate_number, agreement_id=a.id, zone=m.zone, x=m.x, y=m.y, note=m.note,
                          stage=m.stage, recorded_at=m.recorded_at, zip_code=back if m.stage == "in" else a.zip_code)
              for m in a.damage if m not in earlier)
    s.flush()
    count = s.query(HqCarDamage).filter(HqCarDamage.plate_number == a.plate_number).count()
    if record is not None and record.read_at > readings.at:
        record.damage_count = count  # a later rental's readings stand
        record.version += 1  # (its damage history changed: the branches take it)
        return
    if record is None:
        record = HqCarRecord(plate_number=a.plate_number, version=0)
        s.add(record)
    record.version += 1  # each change goes to every branch (rentaldesk.sync.car_record)
    record.odometer, record.fuel_eighths, record.zip_code = readings.odometer, readings.fuel_eighths, readings.zip_code
    record.on_rent, record.damage_count = a.returned is None, count
    record.agreement_id, record.read_at = a.id, readings.at
