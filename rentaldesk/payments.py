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

from sqlalchemy.orm import Session

from rentaldesk.contracts import AgreementView, LedgerEntry

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
    it; ``cash_deposits_held``: cash deposits taken that day, ``cash_deposits_released``: given back."""

    zip_code: str
    branch_name: str
    time_zone: str
    day: date
    currency: str
    lines: tuple[CashUpLine, ...]
    total: Decimal
    cash_deposits_held: Decimal
    cash_deposits_released: Decimal
    entries: tuple[LedgerEntry, ...]


def take_payment(s: Session, agreement_id: str, method: str, amount: Decimal, reference: str,
                 now: datetime) -> AgreementView:
    """Record a payment on a returned agreement: ``method`` card, cash or voucher (card and voucher
    need a ``reference``), ``amount`` > 0 and not above the balance. Closes the agreement when the
    balance reaches zero and no deposit is held."""
    raise NotImplementedError("take_payment lands in the next commit of branch i11-contract")


def refund(s: Session, agreement_id: str, method: str, amount: Decimal, reference: str, reason: str,
           now: datetime) -> AgreementView:
    """Give money back: ``amount`` > 0 and not above what was paid and not refunded yet; a reason
    is needed. The balance grows by it (an agreement closed by payment reopens as returned)."""
    raise NotImplementedError("refund lands in the next commit of branch i11-contract")


def capture_deposit(s: Session, agreement_id: str, amount: Decimal | None, now: datetime) -> AgreementView:
    """Take (part of) the held deposit against the balance: ``amount`` None takes as much as the
    balance allows; never more than is held nor than the balance."""
    raise NotImplementedError("capture_deposit lands in the next commit of branch i11-contract")


def release_deposit(s: Session, agreement_id: str, now: datetime) -> AgreementView:
    """Release what is still held of the deposit (the card's pre-authorisation dropped, or the cash
    given back)."""
    raise NotImplementedError("release_deposit lands in the next commit of branch i11-contract")


def write_off(s: Session, agreement_id: str, reason: str, now: datetime) -> AgreementView:
    """Write the balance off with a reason (needed) and close the agreement; the deposit must be
    captured or released first."""
    raise NotImplementedError("write_off lands in the next commit of branch i11-contract")


def cash_up(s: Session, zip_code: str, day: date) -> CashUp:
    """The branch's ledger for ``day`` (in its time zone), by method."""
    raise NotImplementedError("cash_up lands in the next commit of branch i11-contract")
