"""The payments ledger of an agreement: payments, refunds, the deposit, write-offs; the cash-up.

The ledger is append-only (a mistake is corrected by a refund, never by an edit). Every change
goes through these functions, for the desk and the command line alike; each checks its input (a
:class:`RentalError` naming the field, nothing saved) and writes in the caller's transaction. An
agreement closes when, after check-in, its balance is zero and nothing of its deposit is still
held, or when it is written off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rentaldesk import contract_inputs as inputs
from rentaldesk import contracts, text
from rentaldesk.contracts import CLOSED, RETURNED, AgreementView, LedgerEntry
from rentaldesk.display import day_bounds
from rentaldesk.errors import InvalidInput, RentalError, UnknownPool
from rentaldesk.models import Agreement, Branch, LedgerRow
from rentaldesk.rules import require_aware

#: How money is paid or refunded.
METHODS = ("card", "cash", "voucher")


@dataclass(frozen=True)
class CashUpLine:
    """One method's money on a day at a branch: taken (payments), given back (refunds), the
    deposits captured, and the net."""

    method: str
    payments: Decimal
    refunds: Decimal
    deposits_captured: Decimal
    net: Decimal
    count: int


@dataclass(frozen=True)
class CashUp:
    """A branch's day by method (the day in the branch's time zone), with the ledger rows behind
    it; ``cash_deposits_held``: cash deposits taken that day, ``cash_deposits_released``: given back;
    ``cash_in_drawer``: what the day leaves in the till (see :func:`cash_up`)."""

    zip_code: str
    branch_name: str
    time_zone: str
    day: date
    currency: str
    lines: tuple[CashUpLine, ...]
    total: Decimal
    cash_deposits_held: Decimal
    cash_deposits_released: Decimal
    cash_in_drawer: Decimal
    entries: tuple[LedgerEntry, ...]


def take_payment(s: Session, agreement_id: str, method: str, amount: Decimal, reference: str,
                 now: datetime, *, provider_reference: str = "") -> AgreementView:
    """Record a payment on a returned agreement: ``method`` card, cash or voucher (card and voucher
    need a ``reference``), ``amount`` > 0 and not above the balance; ``provider_reference``: a card
    processor's own reference, kept on the row. Closes the agreement when the balance reaches zero
    and no deposit is held."""
    found = _returned(s, agreement_id, now, "take a payment")
    how = _method(method)
    paid = _positive(amount, "the payment", found.currency)
    ref = inputs.reference(reference, "reference", needed=how != "cash",
                           what=f"the {'card' if how == 'card' else 'voucher'}'s reference")
    provider = inputs.reference(provider_reference, "provider_reference", needed=False,
                                what="the provider's reference")
    balance = _totals(s, found).balance(found.total)
    if paid > balance:
        raise InvalidInput(f"the payment ({_say(paid, found)}) is above the balance ({_say(balance, found)})",
                           field="amount")
    _append(s, found, "payment", how, paid, ref, "", now, provider)
    return _settled(s, found, now)


def refund(s: Session, agreement_id: str, method: str, amount: Decimal, reference: str, reason: str,
           now: datetime, *, provider_reference: str = "") -> AgreementView:
    """Give money back the way it was paid: ``amount`` > 0 and not above what that way took and
    has not given back yet; a reason is needed. The balance grows by it (an agreement closed by
    payment reopens as returned; a written-off one is refused).

    A card or voucher refund names the card payment's or voucher's ``reference`` (the deposit's
    pre-authorisation for a captured deposit) and goes back to it, at most what it paid; a cash
    refund gives back at most the cash taken. A card payment is never refunded in cash (nor a
    voucher's): money paid by card goes back to that card, so a stolen or disputed card cannot be
    turned into cash at the counter (and the card's chargeback would take the money a second time);
    the card schemes ask the same of a merchant."""
    found = contracts.find(s, agreement_id)
    require_aware(now, "now")
    if found.status not in (RETURNED, CLOSED) or found.write_off_reason:
        raise RentalError(f"agreement {found.number} is {_state(found)}; nothing can be refunded", field="agreement")
    how = _method(method)
    back = _positive(amount, "the refund", found.currency)
    why = inputs.reason(reason, "reason")
    provider = inputs.reference(provider_reference, "provider_reference", needed=False,
                                what="the provider's reference")
    sources = refundable(contracts.ledger(s, found))
    if how == "cash":
        ref = inputs.reference(reference, "reference", needed=False, what="the refund's reference")
        key = ("cash", "")
    else:
        ref = inputs.reference(reference, "reference", needed=True,
                               what=f"the reference of {_PAID_BY[how]} to give back to")
        key = (how, next((r for (m, r) in sources if m == how and r.casefold() == ref.casefold()), ref))
        ref = key[1]
    if key not in sources:
        raise InvalidInput(_no_such_source(found, how, ref, sources),
                           field="method" if how == "cash" or not any(m == how for m, _ in sources) else "reference")
    left = sources[key]
    if back > left:
        what = "the cash taken" if how == "cash" else f"what {_PAID_BY[how]} {ref} paid"
        raise InvalidInput(f"the refund ({_say(back, found)}) is above {what} and not given back yet "
                           f"({_say(left, found)})", field="amount")
    _append(s, found, "refund", how, back, ref, why, now, provider)
    return _settled(s, found, now)


def refundable(entries: tuple[LedgerEntry, ...] | list[LedgerEntry]) -> dict[tuple[str, str], Decimal]:
    """What each way money came in can still give back, by (method, reference): payments and
    deposit captures less refunds (cash as one way, reference ""); the ways with nothing left are
    left out."""
    left: dict[tuple[str, str], Decimal] = {}
    for e in entries:
        if e.kind not in ("payment", "deposit-capture", "refund") or e.method not in METHODS:
            continue
        key = (e.method, "" if e.method == "cash" else e.reference)
        left[key] = left.get(key, Decimal("0.00")) + (-e.amount if e.kind == "refund" else e.amount)
    # A refund that matches no way money came in (written before this rule, e.g. cash for a card, or
    # a card refund without its reference) still gave that money back: it is taken from the ways
    # left, its own method's first, so the agreement never gives back more than it took.
    owed = {key[0]: -amount for key, amount in left.items() if amount < 0}
    ways = {key: amount for key, amount in left.items() if amount > 0}
    for method, amount in owed.items():
        for key in sorted(ways, key=lambda k: (k[0] != method, k)):
            taken = min(amount, ways[key])
            ways[key] -= taken
            amount -= taken
    return {key: amount for key, amount in ways.items() if amount > 0}


_PAID_BY = {"card": "the card payment", "voucher": "the voucher", "cash": "the cash"}


def _no_such_source(found: Agreement, how: str, ref: str, sources: dict[tuple[str, str], Decimal]) -> str:
    ways = "; ".join(f"{m} {r} {_say(a, found)}".replace("  ", " ") for (m, r), a in sorted(sources.items()))
    could = f" (it can give back: {ways})" if ways else " (nothing paid is left to give back)"
    if how == "cash" and any(m != "cash" for m, _ in sources):
        return (f"agreement {found.number} took no cash to give back: money paid by card or voucher goes back "
                f"to that card or voucher, never in cash{could}")
    if how == "cash" or not any(m == how for m, _ in sources):
        return f"nothing was paid by {how} on agreement {found.number} to give back{could}"
    return f"no {_PAID_BY[how].removeprefix('the ')} {text.shown(ref)} on agreement {found.number} to give back to{could}"


def capture_deposit(s: Session, agreement_id: str, amount: Decimal | None, now: datetime) -> AgreementView:
    """Take (part of) the held deposit against the balance: ``amount`` None takes as much as the
    balance allows; never more than is held nor than the balance."""
    found = _returned(s, agreement_id, now, "capture its deposit")
    totals = _totals(s, found)
    held, balance = totals.deposit_held, totals.balance(found.total)
    if held <= 0:
        raise RentalError(f"agreement {found.number} holds no deposit", field="deposit")
    taken = min(held, balance) if amount is None else _positive(amount, "the amount captured", found.currency)
    if taken <= 0:
        raise InvalidInput(f"agreement {found.number} has nothing to pay: release the deposit instead", field="amount")
    if taken > held:
        raise InvalidInput(f"{_say(taken, found)} is more than the deposit held ({_say(held, found)})", field="amount")
    if taken > balance:
        raise InvalidInput(f"{_say(taken, found)} is above the balance ({_say(balance, found)})", field="amount")
    _append(s, found, "deposit-capture", found.deposit_method, taken, found.deposit_reference, "", now)
    return _settled(s, found, now)


def release_deposit(s: Session, agreement_id: str, now: datetime) -> AgreementView:
    """Release what is still held of the deposit after check-in (the card's pre-authorisation
    dropped, or the cash given back)."""
    found = _returned(s, agreement_id, now, "release its deposit")
    held = _totals(s, found).deposit_held
    if held <= 0:
        raise RentalError(f"agreement {found.number} holds no deposit", field="deposit")
    _append(s, found, "deposit-release", found.deposit_method, held, found.deposit_reference, "", now)
    return _settled(s, found, now)


def write_off(s: Session, agreement_id: str, reason: str, now: datetime) -> AgreementView:
    """Write the balance off with a reason (needed) and close the agreement; the deposit must be
    captured or released first."""
    found = _returned(s, agreement_id, now, "write it off")
    why = inputs.reason(reason, "reason")
    totals = _totals(s, found)
    if totals.deposit_held > 0:
        raise RentalError(f"agreement {found.number} still holds a deposit of {_say(totals.deposit_held, found)}: "
                          f"capture or release it first", field="deposit")
    balance = totals.balance(found.total)
    if balance <= 0:
        raise RentalError(f"agreement {found.number} owes nothing", field="agreement")
    _append(s, found, "write-off", "", balance, "", why, now)
    found.write_off_reason, found.status, found.closed_at = why, CLOSED, now
    found.version += 1
    s.flush()
    return contracts.view(s, found)


def cash_up(s: Session, zip_code: str, day: date) -> CashUp:
    """The branch's ledger for ``day`` (midnight to midnight in its time zone), by method: every
    row its counter recorded (check-in branch for what is paid at the return), and the cash the day
    leaves in the drawer: cash payments less cash refunds, plus cash deposits taken less those given
    back. The one cash-up for the desk's screen, its PDF and the command line."""
    branch = s.scalar(select(Branch).where(Branch.zip_code == (zip_code.strip() if isinstance(zip_code, str) else "")))
    if branch is None:
        known = ", ".join(s.scalars(select(Branch.zip_code).order_by(Branch.zip_code)))
        raise UnknownPool(f"no branch at zip code {text.shown(zip_code)}; the branches are at {known}", field="zip_code")
    zone = ZoneInfo(branch.time_zone)
    start, end = day_bounds(day, zone)
    rows = s.execute(select(LedgerRow, Agreement.number).join(Agreement, Agreement.id == LedgerRow.agreement_id)
                     .where(LedgerRow.zip_code == branch.zip_code, LedgerRow.at >= start, LedgerRow.at < end)
                     .order_by(LedgerRow.at, LedgerRow.id))
    entries = tuple(contracts.ledger_entry(r, number) for r, number in rows)
    currencies = sorted({e.currency for e in entries})
    if len(currencies) > 1:
        raise RentalError(f"the day's ledger at {branch.zip_code} holds several currencies ({', '.join(currencies)})",
                          field="currency")
    lines = []
    for how in METHODS:
        mine = [e for e in entries if e.method == how]
        paid = _sum(mine, "payment")
        back = _sum(mine, "refund")
        captured = _sum(mine, "deposit-capture")
        lines.append(CashUpLine(method=how, payments=paid, refunds=back, deposits_captured=captured,
                                net=paid + captured - back,
                                count=sum(1 for e in mine if e.kind in ("payment", "refund", "deposit-capture"))))
    cash = [e for e in entries if e.method == "cash"]
    held, released = _sum(cash, "deposit-hold"), _sum(cash, "deposit-release")
    cash_line = next(ln for ln in lines if ln.method == "cash")
    # The till holds the cash taken less the cash given back, and the cash deposits still in it:
    # a captured cash deposit was already in the drawer since its hold (its capture moves no
    # notes), so it counts once, by the hold, not again by the capture.
    drawer = cash_line.payments - cash_line.refunds + held - released
    return CashUp(zip_code=branch.zip_code, branch_name=branch.name, time_zone=branch.time_zone, day=day,
                  currency=currencies[0] if currencies else "", lines=tuple(lines),
                  total=sum((ln.net for ln in lines), Decimal("0.00")),
                  cash_deposits_held=held, cash_deposits_released=released, cash_in_drawer=drawer, entries=entries)


# -- helpers -------------------------------------------------------------------------------------------


def _returned(s: Session, agreement_id: str, now: datetime, doing: str) -> Agreement:
    require_aware(now, "now")
    found = contracts.find(s, agreement_id)
    if found.status != RETURNED:
        raise RentalError(f"agreement {found.number} is {_state(found)}; only a returned one can {doing}",
                          field="agreement")
    return found


def _state(found: Agreement) -> str:
    return "written off" if found.write_off_reason else found.status


def _method(method: object) -> str:
    if method not in METHODS:
        raise InvalidInput(f"money is paid by card, cash or voucher, not {text.shown(method)}", field="method")
    assert isinstance(method, str)
    return method


def _positive(amount: object, words: str, currency: str) -> Decimal:
    value = inputs.amount(amount, "amount", words, currency)
    if value <= 0:
        raise InvalidInput(f"{words} must be more than 0", field="amount")
    return value


def _totals(s: Session, found: Agreement) -> contracts.LedgerTotals:
    return contracts.ledger_totals(contracts.ledger(s, found))


def _append(s: Session, found: Agreement, kind: str, method: str, amount: Decimal, reference: str, note: str,
            now: datetime, provider_reference: str = "") -> None:
    # the counter that takes it: the return branch once the car is back (a one-way return pays there)
    till = found.in_zip_code or found.zip_code
    s.add(LedgerRow(agreement_id=found.id, zip_code=till, kind=kind, method=method, amount=amount,
                    currency=found.currency, reference=reference, provider_reference=provider_reference, note=note, at=now))
    s.flush()


def _settled(s: Session, found: Agreement, now: datetime) -> AgreementView:
    contracts.close_if_settled(s, found, now)
    return contracts.view(s, found)


def _say(amount: Decimal, found: Agreement) -> str:
    return f"{amount:,.2f} {found.currency}"


def _sum(entries: list[LedgerEntry], kind: str) -> Decimal:
    return sum((e.amount for e in entries if e.kind == kind), Decimal("0.00"))
