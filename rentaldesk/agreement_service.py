"""The one path of every change to an agreement's ledger: payments, refunds, the deposit captured
or released, a write-off.

:class:`AgreementService` opens the write transaction, calls the ledger (:mod:`rentaldesk.payments`)
and, for a branch of a network, hands the agreement's new state to the branch link in the same
transaction (:func:`rentaldesk.agreement_record.record`: the link writes ``agreement.recorded`` to the outbox), so the desk and
the command line both tell head office, and nothing is sent of a change that was not saved.
:meth:`rentaldesk.reservations.ReservationService.check_out` / ``check_in`` record theirs the same way.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from rentaldesk.permissions import Permission, require
from rentaldesk import payments
from rentaldesk.agreement_record import PAYMENT, record
from rentaldesk.contracts import AgreementView
from rentaldesk.values import Changes

if TYPE_CHECKING:
    from rentaldesk.reservations import ReservationService

class AgreementService:
    """The ledger's steps on an agreement, for the desk and the command line: each one write
    transaction, the change recorded (:func:`rentaldesk.agreement_record.record`), the change announced by the reservation
    service afterwards. Errors are the ledger's :class:`~rentaldesk.errors.RentalError` (field
    named, nothing saved)."""

    def __init__(self, service: ReservationService) -> None:
        self.service = service

    def _step(self, agreement_id: str, change: _Change) -> AgreementView:
        now = self.service.clock().astimezone(timezone.utc)
        with self.service.db.write() as s:
            view = change(s, now)
            record(s, self.service.link, PAYMENT, view, now, mail=self.service.mail)
        self.service.announce(Changes(reservations=frozenset({view.reservation_id})))
        return view

    def take_payment(self, agreement_id: str, method: str, amount: Decimal, reference: str, *,
                     provider_reference: str = "") -> AgreementView:
        """A payment (:func:`rentaldesk.payments.take_payment`)."""
        require(Permission.TAKE_PAYMENT, self.service.db)
        return self._step(agreement_id, lambda s, now: payments.take_payment(
            s, agreement_id, method, amount, reference, now, provider_reference=provider_reference))

    def refund(self, agreement_id: str, method: str, amount: Decimal, reference: str, reason: str, *,
               provider_reference: str = "") -> AgreementView:
        """A refund, back the way it was paid (:func:`rentaldesk.payments.refund`)."""
        require(Permission.REFUND, self.service.db)
        return self._step(agreement_id, lambda s, now: payments.refund(
            s, agreement_id, method, amount, reference, reason, now, provider_reference=provider_reference))

    def capture_deposit(self, agreement_id: str, amount: Decimal | None) -> AgreementView:
        """The deposit taken against the balance (:func:`rentaldesk.payments.capture_deposit`)."""
        require(Permission.TAKE_PAYMENT, self.service.db)
        return self._step(agreement_id, lambda s, now: payments.capture_deposit(s, agreement_id, amount, now))

    def release_deposit(self, agreement_id: str) -> AgreementView:
        """The deposit released (:func:`rentaldesk.payments.release_deposit`)."""
        require(Permission.TAKE_PAYMENT, self.service.db)
        return self._step(agreement_id, lambda s, now: payments.release_deposit(s, agreement_id, now))

    def write_off(self, agreement_id: str, reason: str) -> AgreementView:
        """The balance written off (:func:`rentaldesk.payments.write_off`)."""
        require(Permission.WRITE_OFF, self.service.db)
        return self._step(agreement_id, lambda s, now: payments.write_off(s, agreement_id, reason, now))


class _Change(Protocol):
    def __call__(self, s: Session, now: datetime, /) -> AgreementView: ...

