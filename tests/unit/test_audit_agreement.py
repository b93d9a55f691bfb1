"""A rental agreement's changes in the audit trail (issue 13 item 4): check-out, check-in, each
damage mark, the deposit captured and released, a write-off with its reason, each showing who made
it; the agreement's entries are in its reservation's history and its car's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rentaldesk import audit
from rentaldesk.actor import Actor, acting_as
from rentaldesk.agreement_service import AgreementService
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.errors import InvalidInput

from ..conftest import day
from ..contract_helpers import PHOTO, check_in_value, check_out_value, may_rent, plan, use_plan

CLERK = Actor("ann", "clerk", "10001", "desk-1")
MANAGER = Actor("max", "manager", "10001", "desk-2")


@pytest.fixture
def booked(svc, fleet, clock, db):
    fleet.cars(2, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    return r


def read(db, **filters) -> list[audit.AuditView]:
    with acting_as(MANAGER), db.session() as s:
        return audit.search(s, **filters)


def test_check_out_check_in_damage_deposit_and_write_off_each_show_who(booked, svc, db, clock):
    with acting_as(CLERK):
        a = svc.check_out(check_out_value(booked.id))
        clock.now = day(4)
        dent = DamageMark(Zone.REAR, 0.5, 0.6, "dent in the bumper", photo=PHOTO)
        svc.check_in(check_in_value(a.id, day(4), damage=(dent,), damage_charge=Decimal("150.00")))
        ledger = AgreementService(svc)
        ledger.capture_deposit(a.id, Decimal("100.00"))
        ledger.release_deposit(a.id)
    with acting_as(MANAGER):
        ledger.write_off(a.id, "renter left the country")

    agreement = read(db, record=f"agreement:{a.number}")
    assert [(v.action, v.username) for v in agreement] == [
        ("checked-out", "ann"), ("checked-in", "ann"), ("written-off", "max")]
    out, back, written_off = agreement
    assert {v.record_id for v in agreement} == {a.id} and {v.label for v in agreement} == {a.number}
    assert out.changes["status"] == [None, "on rent"] and out.changes["out_odometer"] == [None, 1000]
    assert out.changes["deposit_amount"] == [None, "300.00"] and out.changes["deposit_method"] == [None, "card"]
    assert out.changes["signature_png"][1].endswith(" bytes>")  # a document's size, not its bytes
    assert "plan_json" not in out.changes and "version" not in out.changes
    assert back.changes["status"] == ["on rent", "returned"] and back.changes["in_odometer"] == [None, 1400]
    assert back.changes["damage_charge"] == [None, "150.00"] and "charges_json" not in back.changes
    assert written_off.changes["write_off_reason"] == ["", "renter left the country"]
    assert written_off.changes["status"] == ["returned", "closed"]
    assert written_off.what.startswith("written-off: ") and "renter left the country" in written_off.what

    marks = read(db, record=f"damage:{a.number}")
    assert [(v.action, v.username, v.changes["stage"][1], v.changes["zone"][1]) for v in marks] == [
        ("created", "ann", "out", Zone.LEFT_FRONT.value), ("created", "ann", "in", Zone.REAR.value)]
    assert marks[1].changes["note"] == [None, "dent in the bumper"]
    assert marks[1].changes["photo"] == [None, f"<{len(PHOTO)} bytes>"]

    # the ledger rows' audit covers the deposit's steps (and the write-off's row): kinds and who
    ledger_rows = [v for v in read(db) if v.record_kind == audit.PAYMENT and v.label == a.id]
    assert [(v.changes["kind"][1], v.username) for v in ledger_rows] == [
        ("deposit-hold", "ann"), ("deposit-capture", "ann"), ("deposit-release", "ann"), ("write-off", "max")]
    assert ledger_rows[1].changes["amount"] == [None, "100.00"]
    assert ledger_rows[3].changes["note"] == [None, "renter left the country"]

    # where they belong: the reservation's history and the car's hold the agreement's entries
    with db.session() as s:
        of_reservation = audit.entries(s, audit.history_ids(s, audit.RESERVATION, booked.id))
        of_car = audit.entries(s, audit.history_ids(s, audit.CAR, str(a.car_id)))
        of_other_car = audit.entries(s, audit.history_ids(s, audit.CAR, str(a.car_id + 1)))
    mine = {v.id for v in agreement + marks}
    assert mine | {v.id for v in ledger_rows} <= set(of_reservation)
    assert mine <= set(of_car) and not {v.id for v in ledger_rows} & set(of_car)
    assert not mine & set(of_other_car)
    assert {v.record_kind for v in of_car.values()} >= {audit.CAR, audit.AGREEMENT, audit.DAMAGE}


def test_a_refused_check_in_records_nothing(booked, svc, db, clock):
    with acting_as(CLERK):
        a = svc.check_out(check_out_value(booked.id))
    before = len(read(db))
    clock.now = day(4)
    with acting_as(CLERK), pytest.raises(InvalidInput, match="odometer"):
        svc.check_in(check_in_value(a.id, day(4), odometer=10))
    assert len(read(db)) == before
