"""The booking authority: head office decides every branch's requests with the exact engine.

It consumes ``booking-requests`` (key = pool, so one pool is decided in one place, in order), and
for each request, in the same transaction as its inbox row, decides against the head-office
database and writes the outcome to the outbox: ``reservation.car-reassigned`` for every
reservation moved to make room, then the answer: ``reservation.confirmed`` / ``.changed`` /
``.cancelled`` / ``.updated`` with the reservation's state, ``reservation.rejected`` with the
reason, or ``reservation.request-refused`` when head office holds no reservation with that id
(its create was rejected). Every request about a reservation gets exactly one answer naming it
(``request_event_id``), the last event of its decision; the branch waits for it (see
docs/reservation-lifecycle.md). Across all branches no car is ever held by two overlapping
confirmed reservations, because only this database decides.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from msgspec import UNSET
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import no_show
from ..db import Database
from ..errors import RentalError
from ..extras import extras_to_json
from ..models import Car, channel_of_source
from ..models import Reservation as ReservationRow
from ..models import ReservationStatus
from ..rates import RatePlan
from ..pricing import price_change
from ..reservations import assign_car, book, cancel, change, pick_up, relocate, return_car
from ..values import Changes
from ..sync import outbox
from ..sync.envelope import Envelope
from ..sync.events import (
    AgreementRecorded,
    CancelRequested,
    Cancelled,
    CarAssignRequested,
    CarChangeRequested,
    CarReassigned,
    Changed,
    ChangeRequested,
    Confirmed,
    CounterFact,
    Decision,
    Event,
    NoShow,
    PickedUp,
    Rejected,
    RequestRefused,
    ReservationRequested,
    ReservationState,
    Returned,
    Updated,
    replace,
)
from ..sync.inbox import Delivery, NotReady
from ..sync.state import (
    car_id_for,
    car_id_of,
    driver_id_for,
    extra_choices,
    extras_stock,
    renter_of,
    reservation_state,
)
from ..sync.topics import BOOKING_EVENTS, pool_key
from . import contracts
from .batch import BookingBatch, PoolCache
from .fleet_requests import apply_car_request

log = logging.getLogger("rentaldesk.hq.authority")

SOURCE = "hq"

#: What queues the customer's mail of an agreement's stage, in the transaction that records it.
AgreementMailQueue = Callable[[Session, Envelope[AgreementRecorded]], None]

#: A request about a reservation head office may not hold.
Request = ChangeRequested | CancelRequested | CarAssignRequested | CounterFact


class BookingAuthority:
    """The inbox handler of head office for ``booking-requests``."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] | None = None,
                 wake: threading.Event | None = None, fleet_wake: threading.Event | None = None,
                 agreement_mail: AgreementMailQueue | None = None) -> None:
        """``agreement_mail``: called, in the same transaction, with each ``agreement.recorded`` kept
        (not stale) — :meth:`rentaldesk.hq.notifications.NotificationQueue.agreement_recorded`, which
        queues the customer's agreement and receipt mails; None: no mails (head office without
        notifications)."""
        self.db = db
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.wake = wake or threading.Event()
        self.fleet_wake = fleet_wake
        self.agreement_mail = agreement_mail
        self.decisions = 0
        #: The pools the batch path keeps in memory between batches.
        self.pool_cache = PoolCache()
        # Each handler takes the envelope of its own request class (hence Any: the key says which).
        self._handlers: dict[type[Event], Callable[[Session, Any, datetime, Delivery], Changes]] = {
            ReservationRequested: self._requested,
            ChangeRequested: self._change_requested,
            CancelRequested: self._cancel_requested,
            CarAssignRequested: self._car_assign_requested,
            PickedUp: self._picked_up,
            Returned: self._returned,
            NoShow: self._no_show,  # issue 11: manifest
            CarChangeRequested: self._car_change_requested,
            AgreementRecorded: self._agreement_recorded,  # issue 11: network
        }

    def begin_batch(self, s: Session, envelopes: list[Envelope[Event]]) -> BookingBatch:
        """The batch decision path for one polled batch (see :mod:`rentaldesk.hq.batch`); the
        consumer uses it instead of calling this handler event by event."""
        return BookingBatch(self, s, envelopes)

    def __call__(self, s: Session, envelope: Envelope[Event], where: Delivery) -> Changes | None:
        handler = self._handlers.get(type(envelope.payload))
        if handler is None:
            log.warning("head office: %s does not belong on booking-requests; ignored", envelope.type)
            return None
        self.decisions += 1
        return handler(s, envelope, self.clock(), where)

    def _car_change_requested(self, s: Session, request: Envelope[CarChangeRequested], now: datetime,
                              where: Delivery) -> Changes:
        changes, moved = apply_car_request(s, request, now, lock=self._lock, wake=self.wake)
        self._publish_moves(s, moved, request)
        fleet_wake = self.fleet_wake
        if changes and fleet_wake is not None:
            # the fleet service publishes the new state as soon as this transaction has committed
            event.listen(s, "after_commit", lambda _s: fleet_wake.set(), once=True)
        return changes

    # -- outcomes ----------------------------------------------------------------------------------

    def _publish(self, s: Session, kind: type[Decision], state: ReservationState, request: Envelope[Event]) -> None:
        envelope = Envelope(payload=kind(reservation=state, request_event_id=request.event_id), source=SOURCE)
        outbox.add(s, BOOKING_EVENTS, pool_key(state.vehicle_class, state.zip_code), envelope, wake=self.wake)

    def _publish_row(self, s: Session, kind: type[Decision], row: ReservationRow, request: Envelope[Event]) -> None:
        self._publish(s, kind, reservation_state(s, row), request)

    def _publish_moves(self, s: Session, moved: dict[str, int], request: Envelope[Event]) -> None:
        for rid in moved:
            self._publish_row(s, CarReassigned, s.get_one(ReservationRow, rid), request)

    def _reject(self, s: Session, state: ReservationState, reason: str, request: Envelope[Event]) -> None:
        log.info("head office: %s %s rejected: %s", request.type, state.reference, reason)
        self._publish(s, Rejected, replace(state, reason=reason), request)

    def _refuse_unknown(self, s: Session, request: Envelope[Request], where: Delivery) -> Changes:
        """The answer to a request about a reservation head office does not hold: its create was
        rejected (or never came). Keyed like the request, so it follows the rejection in order."""
        rid = request.payload.reservation_id
        reason = f"head office holds no reservation {rid}; {request.type} refused"
        log.info("head office: %s", reason)
        envelope = Envelope(payload=RequestRefused(reservation_id=rid, reason=reason, request_event_id=request.event_id),
                            source=SOURCE)
        key = where.key.decode("utf-8") if where is not None and where.key else ""
        outbox.add(s, BOOKING_EVENTS, key, envelope, wake=self.wake)
        return Changes()

    def _lock(self, s: Session, zip_code: str) -> None:
        self.db.lock_pool(s, zip_code)

    # -- requests ----------------------------------------------------------------------------------

    def _requested(self, s: Session, request: Envelope[ReservationRequested], now: datetime,
                   where: Delivery) -> Changes:
        state = request.payload.reservation
        if s.get(ReservationRow, state.id) is not None:
            log.info("head office: reservation %s already decided; request %s skipped", state.id, request.event_id)
            return Changes()
        try:
            with s.begin_nested():
                row, moved = book(
                    s, self._lock, now,
                    email=state.customer.email, name=state.customer.name or state.customer.email,
                    phone=state.customer.phone, vehicle_class=state.vehicle_class,
                    zip_code=state.zip_code, start=state.start, end=state.end,
                    car_id=car_id_for_request(s, state), driver_id=driver_id_for_request(s, state),
                    status=ReservationStatus.CONFIRMED, reservation_id=state.id, reference=state.reference,
                    source=state.source or request.source,
                    channel=channel_of_source(state.source or request.source),
                    requested_at=request.payload.requested_at, renter=renter_of(state.customer),
                    plan=RatePlan.from_json(state.rate_plan) if state.rate_plan is not None else None,
                    # the extras as quoted, counted with head office's own stock (the branch's
                    # figure only for an item head office's catalogue does not list: check_stock)
                    extras=extra_choices(state.extras or ()), stock=extras_stock(state.extras or ()),
                    extras_known=state.extras is not None,  # an earlier build's request says nothing of them
                    return_zip_code=None if state.return_zip_code is UNSET else state.return_zip_code,
                    kept_drop_fee=None if state.drop_fee is UNSET else state.drop_fee,  # as the branch quoted
                )
                row.hq_version = row.version
        except RentalError as exc:
            self._reject(s, replace(state, status=ReservationStatus.REJECTED.value), exc.message, request)
            return Changes()
        self._publish_moves(s, moved, request)
        self._publish_row(s, Confirmed, row, request)
        return Changes(reservations=frozenset({row.id, *moved}))

    def _change_requested(self, s: Session, request: Envelope[ChangeRequested], now: datetime,
                          where: Delivery) -> Changes:
        p = request.payload
        row = s.get(ReservationRow, p.reservation_id)
        if row is None:
            return self._refuse_unknown(s, request, where)
        # The price the branch's clerk accepted is the one kept: the same rule (price_change)
        # prices the change here, and a different answer is refused, never charged. A branch of an
        # earlier build sends no price: it is priced by the rule alone.
        # The extras the branch sent (None from an earlier build: those held here). On rent, the
        # extras are the agreement's, which the pick-up brought: a change of return keeps them.
        sent = p.extras if row.status != ReservationStatus.ACTIVE.value else None
        try:
            with s.begin_nested():
                extras = None if sent is None else extra_choices(sent)
                accepted = p.price if p.price is not None else price_change(row, p.start, p.end, extras).new
                # the stock is head office's own (check_stock): the branch's report counts only for
                # an item head office's catalogue does not list, and an extension on rent (its
                # agreement's extras, over the new return) is counted so too
                outcome = change(
                    s, self._lock, now, row, start=p.start, end=p.end,
                    name=p.name or None, phone=p.phone, requested_at=p.requested_at, accept_price=accepted,
                    extras=extras, stock=None if p.extras is None else extras_stock(p.extras),
                    # not sent: a round trip (a branch of an earlier build never books one-way)
                    return_zip_code=row.zip_code if p.return_zip_code is UNSET else p.return_zip_code,
                    kept_drop_fee=None if p.drop_fee is UNSET else p.drop_fee,  # as the branch quoted
                )
        except RentalError as exc:
            s.refresh(row)
            self._reject(s, reservation_state(s, row), f"change refused: {exc.message}", request)
            return Changes()
        self._publish_moves(s, outcome.moved, request)
        self._publish_row(s, Changed, row, request)
        return Changes(reservations=frozenset({row.id, *outcome.moved}))

    def _car_assign_requested(self, s: Session, request: Envelope[CarAssignRequested], now: datetime,
                              where: Delivery) -> Changes:
        p = request.payload
        row = s.get(ReservationRow, p.reservation_id)
        if row is None:
            return self._refuse_unknown(s, request, where)
        try:
            with s.begin_nested():
                car_id = car_id_of(s, p.car_plate)
                moved = assign_car(s, self._lock, now, row, car_id)
        except NotReady:
            s.refresh(row)
            self._reject(s, reservation_state(s, row), f"car {p.car_plate} is not in head office's fleet", request)
            return Changes()
        except RentalError as exc:
            s.refresh(row)
            self._reject(s, reservation_state(s, row), f"car refused: {exc.message}", request)
            return Changes()
        self._publish_moves(s, moved, request)
        self._publish_row(s, Changed, row, request)
        return Changes(reservations=frozenset({row.id, *moved}))

    def _cancel_requested(self, s: Session, request: Envelope[CancelRequested], now: datetime,
                          where: Delivery) -> Changes:
        row = s.get(ReservationRow, request.payload.reservation_id)
        if row is None:
            return self._refuse_unknown(s, request, where)
        if row.status == ReservationStatus.CANCELLED.value:  # cancelled already (by another channel)
            self._publish_row(s, Updated, row, request)  # answered; no second mail
            return Changes()
        try:
            cancel(row, now)
        except RentalError as exc:
            self._reject(s, reservation_state(s, row), f"cancel refused: {exc.message}", request)
            return Changes()
        self._publish_row(s, Cancelled, row, request)
        return Changes(reservations=frozenset({row.id}))

    def _picked_up(self, s: Session, request: Envelope[PickedUp], now: datetime, where: Delivery) -> Changes:
        fact = request.payload

        def apply(row: ReservationRow) -> None:
            pick_up(s, row, fact.at, odometer=fact.odometer, enforce_window=False)
            if fact.extras is not None:  # what the car left with (check-out's): a fact, counted from now on
                row.extras_json = extras_to_json(extra_choices(fact.extras))
                row.extras_known = True

        return self._record(s, request, where, apply)

    def _returned(self, s: Session, request: Envelope[Returned], now: datetime, where: Delivery) -> Changes:
        fact = request.payload

        def apply(row: ReservationRow) -> None:
            return_car(s, row, fact.at, odometer=fact.odometer)
            if fact.zip_code is not UNSET:  # a one-way return: the car is that branch's from now on
                row.return_zip_code = fact.zip_code
                relocate(s, self._lock, now, s.get_one(Car, row.car_id), fact.zip_code)

        return self._record(s, request, where, apply)

    def _no_show(self, s: Session, request: Envelope[NoShow], now: datetime, where: Delivery) -> Changes:
        # the branch judged the grace (its rule, its clock): head office records the fact and frees the car
        fact = request.payload

        def mark(row: ReservationRow) -> None:
            no_show.mark(s, row, fact.at, fee=fact.fee if fact.fee is not None else Decimal("0.00"),
                         enforce_grace=False)

        return self._record(s, request, where, mark)

    def _agreement_recorded(self, s: Session, request: Envelope[AgreementRecorded], now: datetime,
                            where: Delivery) -> Changes:
        # a fact for the company's ledger and the car's record (rentaldesk.hq.contracts): nothing decided
        applied = contracts.apply_agreement(s, request)
        fleet_wake = self.fleet_wake
        if applied.kept and fleet_wake is not None:
            # the car's record changed: the fleet service publishes it once this transaction commits
            event.listen(s, "after_commit", lambda _s: fleet_wake.set(), once=True)
        if applied.kept and self.agreement_mail is not None:
            self.agreement_mail(s, request)  # the customer's agreement or receipt, once (stale: none)
        return Changes()

    def _record(self, s: Session, request: Envelope[CounterFact], where: Delivery,
                apply: Callable[[ReservationRow], None]) -> Changes:
        """A fact from the counter (pick-up, return): recorded, published; refused only if impossible,
        and then answered with head office's state (``updated``: no mail), which the branch takes."""
        row = s.get(ReservationRow, request.payload.reservation_id)
        if row is None:
            return self._refuse_unknown(s, request, where)
        try:
            with s.begin_nested():
                apply(row)
        except RentalError as exc:
            log.warning("head office: %s of %s not recorded: %s", request.type, row.reference, exc.message)
            s.refresh(row)
            self._publish(s, Updated, replace(reservation_state(s, row), reason=f"not recorded: {exc.message}"),
                          request)
            return Changes()
        self._publish_row(s, Updated, row, request)
        return Changes(reservations=frozenset({row.id}))


def car_id_for_request(s: Session, state: ReservationState) -> int | None:
    """The head-office car a pinned request asks for (class requests are placed by the engine)."""
    if not state.pinned:
        return None
    try:
        return car_id_for(s, state.car_plate)
    except NotReady:
        raise RentalError(f"car {state.car_plate} is not in head office's fleet", field="car_id") from None


def driver_id_for_request(s: Session, state: ReservationState) -> int | None:
    try:
        return driver_id_for(s, state.driver_licence)
    except NotReady:
        raise RentalError(f"driver {state.driver_licence} is not known to head office", field="driver_id") from None
