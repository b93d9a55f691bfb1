"""The payments ledger (rentaldesk/payments.py): payments, refunds, the deposit, write-offs, the
closing rule and the cash-up, on a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from rentaldesk import contracts, payments

from rentaldesk.errors import InvalidInput, RentalError
from rentaldesk.models import LedgerRow

from ..conftest import day
from ..contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan, view_of

D = Decimal

@pytest.fixture
def returned(svc, fleet, clock, db):
    """An agreement checked out at day 1 - 1 h and checked in on time at day 4: its charges fixed."""
    fleet.cars(1, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    with db.write() as s:
        a = contracts.check_out(s, check_out_value(r.id), day(1, -1))
    with db.write() as s:
        return contracts.check_in(s, check_in_value(a.id, day(4)), day(4))


def run(db, fn, *args):
    with db.write() as s:
        return fn(s, *args)


def ledger_rows(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(LedgerRow))


def test_two_payments_and_the_deposit_released_close_the_agreement(returned, db):
    total = returned.balance
    assert total == returned.charges.total > 0 and returned.status == "returned"
    first = run(db, payments.take_payment, returned.id, "card", D("100.00"), "AUTH-1", day(4))
    assert first.balance == total - 100 and first.paid == D("100.00") and first.status == "returned"
    second = run(db, payments.take_payment, returned.number, "cash", total - 100, "", day(4))
    assert second.balance == 0 and second.status == "returned"  # the deposit is still held
    done = run(db, payments.release_deposit, returned.id, day(4))
    assert done.status == "closed" and done.deposit_state == "released" and done.deposit_held == 0
    assert [(e.kind, e.method, e.amount) for e in done.payments] == [
        ("deposit-hold", "card", D("300.00")), ("payment", "card", D("100.00")), ("payment", "cash", total - 100),
        ("deposit-release", "card", D("300.00"))]
    with pytest.raises(RentalError, match="is closed; only a returned one can take a payment"):
        run(db, payments.take_payment, returned.id, "cash", D("1.00"), "", day(4))


@pytest.mark.parametrize(
    ("method", "amount", "reference", "field", "words"),
    [
        ("cash", D("100000.00"), "", "amount", "is above the balance"),
        ("cheque", D("10.00"), "", "method", "by card, cash or voucher, not 'cheque'"),
        ("cash", D("0.00"), "", "amount", "must be more than 0"),
        ("cash", D("-3.00"), "", "amount", "cannot be negative"),
        ("cash", D("1.001"), "", "amount", "more than 2 decimal places"),
        ("card", D("10.00"), " ", "reference", "the card's reference is needed"),
        ("voucher", D("10.00"), "", "reference", "the voucher's reference is needed"),
        ("voucher", D("10.00"), "V\n1", "reference", "a line break"),
    ],
)
def test_a_bad_payment_is_refused_naming_the_field(returned, db, method, amount, reference, field, words):
    before = ledger_rows(db)
    with pytest.raises(RentalError) as refused:
        run(db, payments.take_payment, returned.id, method, amount, reference, day(4))
    assert refused.value.field == field and words in str(refused.value)
    assert ledger_rows(db) == before and view_of(db, returned.id) == returned


def test_a_payment_before_check_in_is_refused(svc, fleet, db):
    fleet.cars(1, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="b@example.com", name="B", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(2))
    may_rent(db, r.customer_id)
    a = run(db, contracts.check_out, check_out_value(r.id), day(1))
    with pytest.raises(RentalError, match="is on rent; only a returned one can take a payment") as refused:
        run(db, payments.take_payment, a.id, "cash", D("10.00"), "", day(1))
    assert refused.value.field == "agreement"


def test_the_deposit_is_captured_against_the_balance(returned, db):
    total = returned.balance
    part = run(db, payments.capture_deposit, returned.id, D("50.00"), day(4))
    assert part.balance == total - 50 and part.deposit_state == "partly captured" and part.deposit_held == D("250.00")
    with pytest.raises(InvalidInput, match="more than the deposit held") as refused:
        run(db, payments.capture_deposit, returned.id, D("260.00"), day(4))
    assert refused.value.field == "amount"
    rest = run(db, payments.capture_deposit, returned.id, None, day(4))  # as much as the balance allows
    assert rest.balance == max(D("0.00"), total - 300)
    if total < 300:
        assert rest.status == "returned" and rest.deposit_held == 300 - total
        rest = run(db, payments.release_deposit, returned.id, day(4))
    assert rest.status == ("closed" if rest.balance == 0 else "returned")


def test_a_capture_above_the_balance_is_refused(returned, db):
    run(db, payments.take_payment, returned.id, "cash", returned.balance - D("10.00"), "", day(4))
    with pytest.raises(InvalidInput, match=r"20.00 USD is above the balance \(10.00 USD\)"):
        run(db, payments.capture_deposit, returned.id, D("20.00"), day(4))


def test_refunds_and_the_closing_rule(returned, db):
    run(db, payments.release_deposit, returned.id, day(4))
    closed = run(db, payments.take_payment, returned.id, "card", returned.balance, "AUTH-2", day(4))
    assert closed.status == "closed"
    with pytest.raises(InvalidInput, match="the reason is needed") as refused:
        run(db, payments.refund, returned.id, "card", D("10.00"), "", " ", day(4))
    assert refused.value.field == "reason"
    with pytest.raises(InvalidInput, match="is above what was paid and not refunded yet"):
        run(db, payments.refund, returned.id, "card", returned.balance + 1, "", "goodwill", day(4))
    reopened = run(db, payments.refund, returned.id, "card", D("10.00"), "R-1", "goodwill: late car", day(4))
    assert reopened.status == "returned" and reopened.balance == D("10.00")
    assert reopened.paid == returned.balance - 10
    assert reopened.payments[-1].note == "goodwill: late car"


def test_a_write_off_closes_with_its_reason_once_the_deposit_is_settled(returned, db):
    with pytest.raises(RentalError, match="still holds a deposit of 300.00 USD: capture or release it first") as held:
        run(db, payments.write_off, returned.id, "customer left the country", day(4))
    assert held.value.field == "deposit"
    run(db, payments.release_deposit, returned.id, day(4))
    with pytest.raises(InvalidInput, match="the reason is needed"):
        run(db, payments.write_off, returned.id, "", day(4))
    gone = run(db, payments.write_off, returned.id, "customer left the country", day(4))
    assert gone.status == "closed" and gone.write_off_reason == "customer left the country"
    assert gone.balance == 0 and gone.payments[-1].kind == "write-off"
    with pytest.raises(RentalError, match="is written off; nothing can be refunded"):
        run(db, payments.refund, returned.id, "cash", D("1.00"), "", "x", day(4))


def test_the_cash_up_counts_the_branch_day_by_method_in_its_time_zone(returned, db):
    ny = ZoneInfo("America/New_York")
    late_evening = datetime(2030, 3, 8, 23, 30, tzinfo=ny)  # already 9 March in UTC
    run(db, payments.take_payment, returned.id, "card", D("40.00"), "AUTH-3", late_evening)
    run(db, payments.take_payment, returned.id, "cash", D("25.00"), "", late_evening)
    run(db, payments.take_payment, returned.id, "voucher", D("5.00"), "V-9", datetime(2030, 3, 9, 0, 30, tzinfo=ny))
    run(db, payments.refund, returned.id, "cash", D("5.00"), "", "change given wrong", late_evening)
    run(db, payments.capture_deposit, returned.id, D("30.00"), late_evening)
    with db.session() as s:
        day_8 = payments.cash_up(s, "10001", date(2030, 3, 8))
        day_9 = payments.cash_up(s, "10001", date(2030, 3, 9))
        with pytest.raises(RentalError, match="no branch at zip code '99999'") as unknown:
            payments.cash_up(s, "99999", date(2030, 3, 8))
    assert unknown.value.field == "zip_code"
    lines = {ln.method: ln for ln in day_8.lines}
    assert (lines["card"].payments, lines["card"].deposits_captured, lines["card"].net) == (D("40.00"), D("30.00"), D("70.00"))
    assert (lines["cash"].payments, lines["cash"].refunds, lines["cash"].net) == (D("25.00"), D("5.00"), D("20.00"))
    assert lines["voucher"].net == 0 and day_8.total == D("90.00") and day_8.currency == "USD"
    assert {ln.method: ln.net for ln in day_9.lines}["voucher"] == D("5.00") and day_9.total == D("5.00")
    assert all(e.agreement_number == returned.number for e in day_8.entries)


