"""The record of every change to an agreement, for head office: :func:`record`.

Called in the change's own transaction by the one path of each change (check-out and check-in in
:class:`rentaldesk.reservations.ReservationService`, the ledger's steps in
:class:`rentaldesk.agreement_service.AgreementService`): the agreement's version grows, and for a
branch of a network the link writes ``agreement.recorded`` to the outbox beside the change; a
standalone branch that mails its customers queues the agreement's or the receipt's mail beside it
instead (its ``mail``, :class:`rentaldesk.hq.branch_mail.BranchMail`): one path, either mode.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from rentaldesk import contracts
from rentaldesk.models import Agreement
from rentaldesk.models import Reservation as ReservationRow

#: The stages an agreement is recorded at (events.AGREEMENT_STAGES on the wire).
CHECKED_OUT = "checked-out"
CHECKED_IN = "checked-in"
PAYMENT = "payment"
CLOSED_STAGE = "closed"


class AgreementLink(Protocol):
    """What a branch does beside each agreement change, in the same transaction: with head office
    it tells head office (:class:`rentaldesk.sync.branch.BranchOutbox`); standalone, it may queue
    the customer's mail (:class:`rentaldesk.hq.branch_mail.BranchMail`)."""

    def agreement_recorded(self, s: Session, row: ReservationRow, stage: str, version: int,
                           view: contracts.AgreementView, now: datetime) -> None: ...


def record(s: Session, link: AgreementLink | None, stage: str, view: contracts.AgreementView, now: datetime,
           *, mail: AgreementLink | None = None) -> contracts.AgreementView:
    """After a change in ``s``: the agreement's version grows (check-out starts it at 1), and with
    a link its whole state goes to head office in the same transaction; with a ``mail`` (a
    standalone branch's) the stage's mail is queued in it. A change that closed the agreement is
    recorded as "closed", whatever it was."""
    found = s.get_one(Agreement, view.id)
    if stage != CHECKED_OUT:
        found.version += 1
        s.flush()
    said = CLOSED_STAGE if view.status == contracts.CLOSED else stage
    for told in (link, mail):
        if told is not None:
            told.agreement_recorded(s, s.get_one(ReservationRow, view.reservation_id), said, found.version, view, now)
    return view
