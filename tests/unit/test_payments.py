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
        assert rest.deposit_state == "partly captured, the rest released" and rest.deposit_held == 0
    else:
        assert rest.deposit_state == "captured"
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
    with pytest.raises(InvalidInput, match="is above what the card payment AUTH-2 paid and not given back yet"):
        run(db, payments.refund, returned.id, "card", returned.balance + 1, "AUTH-2", "goodwill", day(4))
    reopened = run(db, payments.refund, returned.id, "card", D("10.00"), "auth-2", "goodwill: late car", day(4))
    assert reopened.status == "returned" and reopened.balance == D("10.00")
    assert reopened.paid == returned.balance - 10
    assert reopened.payments[-1].note == "goodwill: late car" and reopened.payments[-1].reference == "AUTH-2"


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




def test_the_cash_in_the_drawer_counts_a_cash_deposit_once_by_its_hold(svc, fleet, clock, db):
    fleet.cars(1, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="cy@example.com", name="Cy Cash", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    ny = ZoneInfo("America/New_York")
    with db.write() as s:
        a = contracts.check_out(s, check_out_value(r.id, deposit=contracts.Deposit(D("300.00"), "cash", "")),
                                day(1, -1))
    with db.write() as s:
        back = contracts.check_in(s, check_in_value(a.id, day(4)), day(4))
    run(db, payments.take_payment, a.id, "cash", back.balance - D("100.00"), "", day(4))
    run(db, payments.take_payment, a.id, "card", D("40.00"), "AUTH-1", day(4))
    run(db, payments.refund, a.id, "cash", D("40.00"), "", "paid twice", day(4))
    run(db, payments.capture_deposit, a.id, D("100.00"), day(4))  # the rest of the balance, from the notes held
    run(db, payments.release_deposit, a.id, day(4))  # 200.00 back to the renter
    with db.session() as s:
        out_day = payments.cash_up(s, "10001", day(1, -1).astimezone(ny).date())
        in_day = payments.cash_up(s, "10001", day(4).astimezone(ny).date())
    assert (out_day.cash_deposits_held, out_day.cash_in_drawer) == (D("300.00"), D("300.00"))
    # the cash taken, less the cash given back, less the deposit given back; the capture moved no notes
    assert (in_day.cash_deposits_released, in_day.cash_in_drawer) == (D("200.00"),
                                                                      back.balance - D("100.00") - D("40.00") - D("200.00"))
    assert view_of(db, a.id).status == "closed"


# -- the ledger's edges, through the one service path (AgreementService) -------------------------------


def _service_returned(svc, fleet, db, clock, *, plan_of=None, deposit=None, extras=None):
    """A rental out at day 1 - 1 h and back at day 4 through the services, the clock at day 4."""
    from dataclasses import replace as _replace

    from rentaldesk.contracts import Deposit

    fleet.cars(1, "SUV")
    if plan_of is not None:
        use_plan(db, plan_of)
    r = svc.create_reservation(email="cy@example.com", name="Cy Ng", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    value = check_out_value(r.id)
    if deposit is not None:
        value = _replace(value, deposit=Deposit(deposit, "cash", ""))
    if extras is not None:
        value = _replace(value, extras=extras)
    clock.now = day(1, -1)
    a = svc.check_out(value)
    clock.now = day(4)
    return svc.check_in(check_in_value(a.id, day(4)))


@pytest.fixture
def till(svc, fleet, db, clock):
    """(the ledger's one path, an agreement returned with its charges fixed and a 300.00 card deposit)."""
    from rentaldesk.agreement_service import AgreementService

    return AgreementService(svc), _service_returned(svc, fleet, db, clock, plan_of=plan())


def _refused(db, call, field, *words):
    before = ledger_rows(db)
    with pytest.raises(RentalError) as refused:
        call()
    assert refused.value.field == field, refused.value
    for w in words:
        assert w in str(refused.value), str(refused.value)
    assert ledger_rows(db) == before  # nothing half-saved
    return str(refused.value)


def test_a_refund_goes_back_the_way_it_was_paid_and_never_more(till, db):
    ledger, a = till
    ledger.take_payment(a.id, "card", D("100.00"), "AUTH-1")
    ledger.take_payment(a.id, "card", D("50.00"), "AUTH-2")
    ledger.take_payment(a.id, "cash", D("20.00"), "")
    _refused(db, lambda: ledger.refund(a.id, "card", D("60.00"), "AUTH-2", "goodwill"), "amount",
             "the refund (60.00 USD) is above what the card payment AUTH-2 paid and not given back yet (50.00 USD)")
    words = _refused(db, lambda: ledger.refund(a.id, "card", D("10.00"), "AUTH-9", "goodwill"), "reference",
                     "no card payment 'AUTH-9' on agreement")
    assert "card AUTH-1 100.00 USD" in words and "cash 20.00 USD" in words  # what it could give back
    _refused(db, lambda: ledger.refund(a.id, "card", D("10.00"), "", "goodwill"), "reference",
             "the reference of the card payment to give back to is needed")
    _refused(db, lambda: ledger.refund(a.id, "cash", D("30.00"), "", "goodwill"), "amount",
             "the refund (30.00 USD) is above the cash taken and not given back yet (20.00 USD)")
    _refused(db, lambda: ledger.refund(a.id, "voucher", D("5.00"), "V-1", "goodwill"), "method",
             "nothing was paid by voucher")
    back = ledger.refund(a.id, "card", D("100.00"), "auth-1", "car swapped for a smaller one")
    assert back.payments[-1].reference == "AUTH-1" and back.paid == D("70.00")
    _refused(db, lambda: ledger.refund(a.id, "card", D("0.01"), "AUTH-1", "again"), "reference",
             "no card payment 'AUTH-1'")  # given back whole: nothing left on it
    assert ledger.refund(a.id, "cash", D("20.00"), "", "change").paid == D("50.00")


def test_a_card_payment_is_never_given_back_in_cash(till, db):
    # Money paid by card goes back to that card: cash for a card turns a stolen or disputed card into
    # money at the counter, and the chargeback takes it a second time.
    ledger, a = till
    ledger.take_payment(a.id, "card", D("100.00"), "AUTH-1")
    _refused(db, lambda: ledger.refund(a.id, "cash", D("10.00"), "", "the renter asks for cash"), "method",
             "took no cash to give back", "never in cash", "card AUTH-1 100.00 USD")


def test_a_captured_deposit_goes_back_to_its_card(till, db):
    ledger, a = till
    ledger.capture_deposit(a.id, D("50.00"))
    back = ledger.refund(a.id, "card", D("50.00"), "PREAUTH-778", "fuel was full after all")
    assert (back.payments[-1].kind, back.payments[-1].reference) == ("refund", "PREAUTH-778")
    assert back.balance == a.balance


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (D("0"), "must be more than 0"),
        (D("-5.00"), "cannot be negative"),
        (D("12.345"), "more than 2 decimal places (12.345): USD is kept to 2"),
        (D("1e9"), "too large: at most 99,999,999.99"),
        (D("NaN"), "must be an amount, not"),
        (D("sNaN"), "must be an amount, not"),
        (D("Infinity"), "must be an amount, not"),
        (12.5, "must be an amount, not"),
        ("12", "must be an amount, not"),
        (True, "must be an amount, not"),
    ],
)
def test_a_bad_amount_is_refused_naming_it_on_each_step(till, db, amount, words):
    ledger, a = till
    for step in (lambda: ledger.take_payment(a.id, "cash", amount, ""),
                 lambda: ledger.capture_deposit(a.id, amount)):
        _refused(db, step, "amount", words)
    ledger.take_payment(a.id, "cash", D("20.00"), "")
    _refused(db, lambda: ledger.refund(a.id, "cash", amount, "", "why"), "amount", words)


def test_non_ascii_digits_typed_as_text_are_refused(till, db):
    # Decimal() reads Arabic-Indic digits ("١٢" is 12): the edges never hand text to the core
    # (the command line's parse_money takes ASCII digits only, tests/cli), and text is refused here.
    ledger, a = till
    _refused(db, lambda: ledger.take_payment(a.id, "cash", "١٢", ""), "amount", "must be an amount, not")  # type: ignore[arg-type]


def test_nothing_moves_on_an_agreement_not_returned_or_closed(till, db, svc, fleet):
    ledger, a = till
    ledger.release_deposit(a.id)
    closed = ledger.take_payment(a.id, "card", a.balance, "AUTH-1")
    assert closed.status == "closed"
    for step in (lambda: ledger.take_payment(a.id, "cash", D("1.00"), ""),
                 lambda: ledger.capture_deposit(a.id, D("1.00")), lambda: ledger.release_deposit(a.id),
                 lambda: ledger.write_off(a.id, "x")):
        _refused(db, step, "agreement", "is closed; only a returned one can")
    # a refund of a closed agreement is the goodwill gesture after the fact: it reopens it
    again = ledger.refund(a.id, "card", D("5.00"), "AUTH-1", "goodwill: a dirty car")
    assert again.status == "returned" and again.balance == D("5.00")


def test_a_class_without_a_plan_leaves_no_zero_deposit_anywhere(svc, fleet, db, clock):
    from rentaldesk import documents
    from tests.unit.test_documents import text_of

    a = _service_returned(svc, fleet, db, clock, deposit=D("0.00"))  # no plan: the class's day rate, no deposit
    assert [e.kind for e in a.payments] == [] and a.deposit_held == 0
    from rentaldesk.agreement_service import AgreementService
    paid = AgreementService(svc).take_payment(a.id, "cash", a.balance, "")
    assert paid.status == "closed" and [e.kind for e in paid.payments] == ["payment"]
    for pdf in (documents.agreement_pdf(paid), documents.receipt_pdf(paid)):
        out = text_of(pdf)
        assert "Deposit none" in out and "0.00 USD (cash)" not in out and "Deposit taken" not in out
    with db.session() as s:
        c = payments.cash_up(s, "10001", day(4).astimezone(ZoneInfo("America/New_York")).date())
    assert [e.kind for e in c.entries] == ["payment"] and c.cash_deposits_held == 0
    assert "Deposit taken" not in text_of(documents.cash_up_pdf(c))


def test_the_receipt_leaves_out_lines_of_nothing_and_keeps_the_totals(svc, fleet, db, clock):
    from rentaldesk import documents
    from rentaldesk.charges import ExtraChoice
    from tests.unit.test_documents import text_of

    atlas = ExtraChoice(code="atlas", label="Road atlas", per="rental", price=D("0.00"), cap=None)
    a = _service_returned(svc, fleet, db, clock, plan_of=plan(), extras=(atlas,))
    assert a.charges is not None
    nothing = [ln for ln in a.charges.lines if ln.amount == 0]
    assert any(ln.code == "extra:atlas" for ln in nothing)
    out = text_of(documents.receipt_pdf(a))
    assert "Road atlas" not in out, out
    assert " 0.00 USD Subtotal" not in out
    for ln in a.charges.lines:
        if ln.amount != 0:
            assert f"{ln.amount:,.2f} USD" in out, ln
    assert f"Subtotal {a.charges.subtotal:,.2f} USD" in out and f"Total {a.charges.total:,.2f} USD" in out
    assert a.charges.total == sum(ln.amount for ln in a.charges.lines)  # the kept lines, unchanged


def test_the_provider_reference_is_kept_on_the_row_shown_and_sent(till, db):
    from rentaldesk import documents
    from rentaldesk.sync.agreement_snapshot import snapshot_of, view_of as back_from
    from tests.unit.test_documents import text_of

    ledger, a = till
    paid = ledger.take_payment(a.id, "card", D("40.00"), "AUTH-1", provider_reference="ch_3PqZ")
    _refused(db, lambda: ledger.take_payment(a.id, "card", D("1.00"), "AUTH-2", provider_reference="a\nb"),
             "provider_reference", "the provider's reference")
    (row,) = [e for e in paid.payments if e.kind == "payment"]
    assert row.provider_reference == "ch_3PqZ" and row.reference == "AUTH-1"
    snapshot = snapshot_of(paid)
    assert [r.provider_reference for r in snapshot.ledger if r.kind == "payment"] == ["ch_3PqZ"]
    assert back_from(snapshot) == paid
    with db.session() as s:
        c = payments.cash_up(s, "10001", day(4).astimezone(ZoneInfo("America/New_York")).date())
    assert "AUTH-1 · ch_3PqZ" in text_of(documents.cash_up_pdf(c))


def test_a_refund_written_before_the_rule_still_counts_against_what_was_paid(returned, db):
    # a build before the refund rule took any method and no reference: "cash 100" for a card payment
    run(db, payments.take_payment, returned.id, "card", D("100.00"), "AUTH-1", day(4))
    run(db, payments.take_payment, returned.id, "card", D("40.00"), "AUTH-2", day(4))
    with db.write() as s:
        found = contracts.find(s, returned.id)
        s.add(LedgerRow(agreement_id=found.id, zip_code=found.zip_code, kind="refund", method="cash",
                        amount=D("100.00"), currency=found.currency, reference="", provider_reference="",
                        note="before the rule", at=day(4)))
    with db.session() as s:
        left = payments.refundable(contracts.ledger(s, contracts.find(s, returned.id)))
    assert sum(left.values()) == D("40.00")  # 140 paid, 100 given back: 40 is all that can go back
    with pytest.raises(RentalError):
        run(db, payments.refund, returned.id, "card", D("100.00"), "AUTH-1", "again", day(4))
