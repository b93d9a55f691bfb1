"""No-shows: a reservation whose customer did not come for the car.

The one rule, for the desk, the command line and head office:

- A confirmed reservation not picked up may be marked a no-show once its pick-up time is more than
  the branch's no-show grace past (``Branch.no_show_grace_minutes``, default 2 hours) and before
  its end (after the end it expires, as before).
- A no-show holds no car (``"no-show"`` is not one of :data:`rentaldesk.models.LIVE_STATUSES`): the
  car is free for what follows at once.
- Its fee is recorded on the reservation (``no_show_fee``): the branch's ``no_show_fee`` (default 0)
  unless the clerk gives another amount (0 waives it).

:func:`mark` applies it inside the caller's transaction; the branch's service
(:meth:`rentaldesk.reservations.ReservationService.mark_no_show`) is the one write path, and with
head office it writes a :class:`rentaldesk.sync.events.NoShow` fact in the same transaction, which
head office records with :func:`mark` too (the grace was the branch's to judge).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from .display import money, short_time, status_word
from .errors import RentalError
from .models import Branch, ReservationStatus
from .models import Reservation as ReservationRow
from .rates import parse_amount
from .rules import describe

#: The grace and the fee of a branch with none set (the columns' defaults).
DEFAULT_GRACE = timedelta(hours=2)
DEFAULT_FEE = Decimal("0.00")
#: The longest grace a branch may set (a no-show is decided on the day).
LONGEST_GRACE = timedelta(days=1)


class _BranchTerms(Protocol):
    no_show_grace_minutes: int
    no_show_fee: Decimal


@dataclass(frozen=True, slots=True)
class NoShowRules:
    """A branch's no-show terms: how long after the pick-up time, and the fee by default."""

    grace: timedelta = DEFAULT_GRACE
    fee: Decimal = DEFAULT_FEE


def rules_of(branch: _BranchTerms) -> NoShowRules:
    """The no-show terms of a branch row."""
    return NoShowRules(grace=timedelta(minutes=branch.no_show_grace_minutes),
                       fee=Decimal(branch.no_show_fee).quantize(Decimal("0.01")))


def no_show_from(start: datetime, rules: NoShowRules) -> datetime:
    """The time from which a reservation starting at ``start`` may be marked a no-show."""
    return start + rules.grace


class _Booked(Protocol):
    status: str
    picked_up_at: datetime | None
    start_at: datetime
    end_at: datetime


def may_mark(row: _Booked, now: datetime, rules: NoShowRules) -> bool:
    """Whether :func:`check` lets ``row`` (a reservation row, or a query's row with its columns) be
    marked now; :func:`markable` is the same rule as a query's condition."""
    return (row.status == ReservationStatus.CONFIRMED.value and row.picked_up_at is None
            and no_show_from(row.start_at, rules) <= now < row.end_at)


def markable(now: datetime, rules: NoShowRules) -> ColumnElement[bool]:
    """:func:`may_mark` as a condition on reservations (of one branch: the grace is its own)."""
    r = ReservationRow
    return and_(r.status == ReservationStatus.CONFIRMED.value, r.picked_up_at.is_(None),
                r.start_at <= now - rules.grace, r.end_at > now)


def check(row: ReservationRow, now: datetime, rules: NoShowRules, zone: ZoneInfo, *,
          enforce_grace: bool = True) -> None:
    """Refuse (:class:`RentalError`, field ``reservation``) a reservation that may not be marked a
    no-show now: not confirmed, picked up, over, or (with ``enforce_grace``) not yet past the grace."""
    ref = row.reference
    if row.status == ReservationStatus.NO_SHOW.value:
        raise RentalError(f"reservation {ref} is already marked a no-show", field="reservation")
    if row.status == ReservationStatus.ACTIVE.value or row.picked_up_at is not None:
        raise RentalError(f"reservation {ref} is picked up; it cannot be a no-show", field="reservation")
    if row.status == ReservationStatus.PENDING.value:
        raise RentalError(f"reservation {ref} is not confirmed yet; it cannot be a no-show", field="reservation")
    if row.status != ReservationStatus.CONFIRMED.value:
        raise RentalError(f"reservation {ref} is {status_word(row.status)}; it cannot be a no-show",
                          field="reservation")
    if not enforce_grace:
        return
    if now >= row.end_at:
        raise RentalError(f"reservation {ref} has ended; it cannot be a no-show", field="reservation")
    due = no_show_from(row.start_at, rules)
    if now < due:
        raise RentalError(
            f"reservation {ref} cannot be marked a no-show yet: the branch waits {describe(rules.grace)} "
            f"after the pick-up time, until {short_time(due, zone)} ({describe(due - now)} from now)",
            field="reservation")


def fee_amount(value: object) -> Decimal:
    """A no-show fee as typed or sent (an amount >= 0, at most 2 places), or :class:`InvalidInput`
    naming ``fee``."""
    return parse_amount(value, "fee")


def branch_fee(s: Session, row: ReservationRow) -> Decimal:
    """The no-show fee of ``row``'s branch (what :func:`mark` charges when given none)."""
    branch = s.scalar(select(Branch).where(Branch.zip_code == row.zip_code))
    return rules_of(branch).fee if branch is not None else Decimal("0.00")


def mark(s: Session, row: ReservationRow, now: datetime, *, fee: Decimal | None = None,
         enforce_grace: bool = True) -> Decimal:
    """Mark ``row`` a no-show at ``now`` with ``fee`` (None: the branch's), or raise; the fee recorded.
    Nothing is written when it is refused."""
    branch = s.scalar(select(Branch).where(Branch.zip_code == row.zip_code))
    if branch is None:  # (the foreign key makes this impossible; a clear word all the same)
        raise RentalError(f"reservation {row.reference} is at an unknown location {row.zip_code}", field="zip_code")
    rules = rules_of(branch)
    zone = ZoneInfo(branch.time_zone)
    check(row, now, rules, zone, enforce_grace=enforce_grace)
    charged = rules.fee if fee is None else fee_amount(fee)
    row.status = ReservationStatus.NO_SHOW.value
    row.no_show_fee = charged
    row.status_reason = (f"no-show: not picked up by {short_time(now, zone)}"
                         + (f"; fee {money(charged)}" if charged else ""))
    row.version += 1
    row.updated_at = now
    return charged
