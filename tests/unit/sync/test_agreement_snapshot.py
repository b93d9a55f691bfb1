"""The agreement across the network (rentaldesk/sync/agreement_snapshot.py, events.AgreementRecorded):
``view_of(snapshot_of(v)) == v`` through the wire bytes, for real agreements at each stage and for
generated ones (hypothesis); the one ledger path writes one event per change with a branch link."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rentaldesk import contracts
from rentaldesk.agreement_service import AgreementService
from rentaldesk.charges import ChargeLine, Charges
from rentaldesk.contracts import LedgerEntry
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.models import OutboxEvent
from rentaldesk.reservations import ReservationService
from rentaldesk.sync import envelope as env
from rentaldesk.sync.agreement_snapshot import snapshot_of, view_of
from rentaldesk.sync.branch import BranchOutbox
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.events import AgreementRecorded

from ...conftest import day
from ...contract_helpers import PHOTO, check_in_value, check_out_value, may_rent, plan, use_plan

D = Decimal


def through_the_wire(view: contracts.AgreementView, stage: str = "payment") -> contracts.AgreementView:
    event = AgreementRecorded(stage=stage, version=3, agreement=snapshot_of(view))
    decoded = env.decode(Envelope(payload=event, source="BOS", occurred_at=day(1)).encode())
    assert isinstance(decoded.payload, AgreementRecorded)
    assert decoded.payload == event
    return view_of(decoded.payload.agreement)


@pytest.fixture
def linked(db, clock):
    return ReservationService(db, clock, link=BranchOutbox("BOS"))


@pytest.fixture
def booked(svc, fleet, clock, db):
    """Confirmed (booked by the standalone service); then the branch's counter, linked, works it."""
    fleet.cars(1, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    return r


def recorded(db) -> list[AgreementRecorded]:
    with db.session() as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        events = [env.decode(r.value).payload for r in rows]
    return [e for e in events if isinstance(e, AgreementRecorded)]


def test_every_stage_round_trips_and_the_one_path_records_each_change(booked, linked, db, clock):
    marks = (DamageMark(zone=Zone.BONNET, x=0.25, y=0.5, note="scratch", photo=PHOTO),)
    out = linked.check_out(check_out_value(booked.id, damage=marks))
    assert through_the_wire(out, "checked-out") == out
    clock.now = day(4)
    back = linked.check_in(check_in_value(out.id, day(4)))
    assert back.charges is not None and through_the_wire(back, "checked-in") == back
    ledger = AgreementService(linked)
    half = (back.balance / 2).quantize(D("0.01"))
    first = ledger.take_payment(out.id, "cash", half, "")
    second = ledger.take_payment(out.id, "card", first.balance, "slip-2")
    closed = ledger.release_deposit(out.id)
    assert closed.status == contracts.CLOSED and through_the_wire(closed) == closed
    events = recorded(db)
    assert [e.stage for e in events] == ["checked-out", "checked-in", "payment", "payment", "closed"]
    versions = [e.version for e in events]
    assert versions == sorted(set(versions))  # each change a newer version: head office keeps the newest
    assert view_of(events[3].agreement) == second
    assert [(r.kind, r.method, r.amount) for r in events[-1].agreement.ledger][-3:] == [
        ("payment", "cash", half), ("payment", "card", first.balance), ("deposit-release", "card", out.deposit.amount)]


def test_a_refused_step_records_nothing(booked, linked, db, clock):
    out = linked.check_out(check_out_value(booked.id))
    before = len(recorded(db))
    with pytest.raises(Exception) as refused:
        AgreementService(linked).take_payment(out.id, "cash", D("10.00"), "")
    assert getattr(refused.value, "field", None) == "agreement"
    assert len(recorded(db)) == before


_money = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2)
_signed = st.decimals(min_value=D("-99999.99"), max_value=D("99999.99"), places=2)
_words = st.text(st.characters(categories=("L", "N", "Zs")), max_size=20)


@st.composite
def variants(draw, base: contracts.AgreementView) -> contracts.AgreementView:
    at = base.created_at + timedelta(minutes=draw(st.integers(0, 10_000)))
    ledger = tuple(LedgerEntry(id=i + 1, agreement_id=base.id, agreement_number=base.number,
                               kind=draw(st.sampled_from(["payment", "refund", "deposit-hold", "write-off", "tip"])),
                               method=draw(st.sampled_from(["card", "cash", "voucher", ""])), amount=draw(_money),
                               currency=base.currency, reference=draw(_words), note=draw(_words), at=at,
                               provider_reference=draw(_words))
                   for i in range(draw(st.integers(0, 4))))
    marks = tuple(DamageMark(zone=draw(st.sampled_from(list(Zone))), x=draw(st.floats(0, 1)), y=draw(st.floats(0, 1)),
                             note=draw(_words), photo=draw(st.none() | st.binary(max_size=64)),
                             recorded_at=draw(st.none() | st.just(at)), stage=draw(st.sampled_from(["out", "in"])))
                  for _ in range(draw(st.integers(0, 3))))
    lines = tuple(ChargeLine(code="time", label=draw(_words), quantity=draw(_signed), unit_price=draw(_signed),
                             amount=draw(_signed), taxable=draw(st.booleans())) for _ in range(draw(st.integers(0, 3))))
    charges = draw(st.none() | st.just(Charges(lines=lines, subtotal=draw(_money), tax=draw(_money),
                                               total=draw(_money), currency=base.currency)))
    return dataclasses.replace(base, payments=ledger, damage=marks, charges=charges, paid=draw(_signed),
                               balance=draw(_signed), quoted=draw(_money), deposit_held=draw(_money),
                               write_off_reason=draw(_words))


def test_generated_agreements_round_trip_exactly(booked, linked):
    base = linked.check_out(check_out_value(booked.id))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(variants(base))
    def check(view: contracts.AgreementView) -> None:
        assert through_the_wire(view) == view

    check()


class _ExtraBefore(msgspec.Struct, forbid_unknown_fields=True):
    """AgreementExtra as the build before ``taxable`` decoded it (a Record: unknown fields refused)."""

    code: str
    label: str
    per: str
    price: Decimal
    quantity: int
    cap: Decimal | None = None


def test_an_extra_keeps_taxable_across_the_wire_and_an_earlier_build_still_reads_a_taxable_one(booked, linked):
    from rentaldesk.charges import ExtraChoice
    from rentaldesk.sync.events import AgreementExtra

    waiver = ExtraChoice(code="cdw", label="Collision damage waiver", per="day", price=D("24.00"), cap=None,
                         taxable=False)
    seat = ExtraChoice(code="child-seat", label="Child seat", per="day", price=D("8.00"), cap=D("40.00"))
    view = dataclasses.replace(linked.check_out(check_out_value(booked.id)), extras=(seat, waiver))
    back = through_the_wire(view)
    assert back == view and [e.taxable for e in back.extras] == [True, False]
    wire = [msgspec.json.encode(e) for e in snapshot_of(view).extras]
    assert b"taxable" not in wire[0] and b'"taxable":false' in wire[1]  # a default is left out
    # an earlier build reads the taxable one exactly (the same bytes it wrote) and refuses the other
    assert msgspec.json.decode(wire[0], type=_ExtraBefore).price == D("8.00")
    with pytest.raises(msgspec.ValidationError, match="unknown field `taxable`"):
        msgspec.json.decode(wire[1], type=_ExtraBefore)
    # and what an earlier build wrote (no such key) is read as taxable, as it was
    earlier = msgspec.json.encode(_ExtraBefore(code="gps", label="GPS", per="rental", price=D("15.00"), quantity=1))
    assert msgspec.json.decode(earlier, type=AgreementExtra).taxable is True
