"""A branch's side of the sync: requests out through the outbox, head office's answers and the fleet in.

- :class:`BranchOutbox` is the :class:`~rentaldesk.reservations.BranchLink` of a branch with head
  office: each local decision writes its request event in the same transaction.
- :class:`BranchSync` runs the relay (outbox -> ``booking-requests``) and one consumer of
  ``booking-events`` and ``fleet`` that applies head office's state exactly once. It runs headless
  (``rentaldesk sync``) or in a worker thread of the desk app; the screens hear the same
  :class:`~rentaldesk.reservations.Changes` as for a local edit.

The broker being down never stops the counter: decisions are taken (pending), the outbox grows,
and it drains in order when the broker is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kafka import KafkaProducer
from msgspec import UNSET
from sqlalchemy import event as sqla_event
from sqlalchemy import insert
from sqlalchemy.orm import Session

from .. import audit
from ..actor import acting_as
from ..permissions import service_actor
from ..config import KafkaSettings
from ..contracts import AgreementView
from ..db import Database
from ..models import CHANNEL_WEB, OutboxEvent, table
from ..models import Reservation as ReservationRow
from ..reservations import ReservationService
from ..values import Changes
from . import outbox
from .envelope import Envelope
from .agreement_snapshot import snapshot_of
from .events import (
    AgreementRecorded,
    AuditChange,
    AuditRecorded,
    CancelRequested,
    CarAssignRequested,
    CarChangeRejected,
    CarChangeRequested,
    CarState,
    ChangeRequested,
    Decision,
    Event,
    FleetBranch,
    FleetCar,
    FleetCarRecord,
    FleetClass,
    FleetDriver,
    FleetStaff,
    NoShow,
    PickedUp,
    RequestRefused,
    ReservationRequested,
    Returned,
)
from .car_record import apply_car_record
from .inbox import Delivery, EventConsumer
from .state import (
    apply_fleet_record,
    apply_request_refused,
    apply_reservation_state,
    extras_state,
    reservation_state,
)
from .topics import (
    AUDIT,
    BOOKING_EVENTS,
    BOOKING_REQUESTS,
    CLOSE_TIMEOUT,
    FLEET,
    BrokerWatch,
    Topics,
    branch_group,
    connect_when_reachable,
    ensure_topics,
    make_consumer,
    make_producer,
    pool_key,
)

log = logging.getLogger("rentaldesk.sync.branch")

#: What the fleet topic carries.
FLEET_RECORDS = (FleetBranch, FleetClass, FleetDriver, FleetCar, FleetStaff)


class BranchOutbox:
    """Writes a branch's requests for head office into its outbox (same transaction as the change)."""

    def __init__(self, source: str) -> None:
        if not source:
            raise ValueError("a branch with head office needs its branch code (--branch / RENTALDESK_BRANCH)")
        self.source = source
        self.wake = threading.Event()

    def _send(self, s: Session, row: ReservationRow, event: Event, now: datetime) -> None:
        envelope = Envelope(payload=event, source=self.source, occurred_at=now)
        outbox.add(s, BOOKING_REQUESTS, pool_key(row.vehicle_class, row.zip_code), envelope, wake=self.wake)
        # Head office answers every request (docs/reservation-lifecycle.md); until the answer to
        # the newest one is in, the row is this branch's provisional state.
        row.awaiting_event_id = envelope.event_id

    def requested(self, s: Session, row: ReservationRow, now: datetime) -> None:
        self._send(s, row, ReservationRequested(reservation=reservation_state(s, row), requested_at=now), now)

    def change_requested(self, s: Session, row: ReservationRow, now: datetime) -> None:
        state = reservation_state(s, row)
        self._send(s, row, ChangeRequested(reservation_id=row.id, start=state.start, end=state.end,
                                           name=state.customer.name, phone=state.customer.phone,
                                           requested_at=now, price=state.price, extras=state.extras,
                                           return_zip_code=state.return_zip_code, drop_fee=state.drop_fee), now)

    def car_assign_requested(self, s: Session, row: ReservationRow, now: datetime) -> None:
        plate = reservation_state(s, row).car_plate
        if plate is None:
            raise ValueError(f"reservation {row.reference} holds no car to ask head office for")
        self._send(s, row, CarAssignRequested(reservation_id=row.id, car_plate=plate, requested_at=now), now)

    def cancel_requested(self, s: Session, row: ReservationRow, now: datetime) -> None:
        self._send(s, row, CancelRequested(reservation_id=row.id, requested_at=now), now)

    def picked_up(self, s: Session, row: ReservationRow, now: datetime, odometer: int | None) -> None:
        # the extras it leaves with (booked, and added at check-out): head office's stock counts them
        self._send(s, row, PickedUp(reservation_id=row.id, at=now, odometer=odometer,
                                    extras=extras_state(s, row.zip_code, row.extras_json)), now)

    def returned(self, s: Session, row: ReservationRow, now: datetime, odometer: int | None) -> None:
        # a one-way return (check-in kept where the car came back on the row): head office moves it too
        back = row.return_zip_code if row.return_zip_code not in (None, row.zip_code) else None
        self._send(s, row, Returned(reservation_id=row.id, at=now, odometer=odometer,
                                    zip_code=back if back is not None else UNSET), now)

    def no_show(self, s: Session, row: ReservationRow, now: datetime) -> None:
        """A no-show marked here (issue 11, manifest): head office frees the car too."""
        self._send(s, row, NoShow(reservation_id=row.id, at=now, fee=row.no_show_fee), now)

    def agreement_recorded(self, s: Session, row: ReservationRow, stage: str, version: int,
                           view: AgreementView, now: datetime) -> None:
        """An agreement's new state (issue 11: network), on ``booking-requests`` keyed by the
        reservation's pool, so head office reads it after the pick-up and before the return of the
        same car (docs/agreement.md "Across the network"). A fact: head office answers none, so the
        reservation awaits nothing."""
        event = AgreementRecorded(stage=stage, version=version, agreement=snapshot_of(view))
        envelope = Envelope(payload=event, source=self.source, occurred_at=now)
        outbox.add(s, BOOKING_REQUESTS, pool_key(row.vehicle_class, row.zip_code), envelope, wake=self.wake)

    def forward_audit(self, db: Database) -> None:
        """Send ``db``'s audit trail to head office: each write's entries go to the outbox in that
        write's transaction (:meth:`audit_recorded`)."""
        db.audit_forward = self.audit_recorded

    def audit_recorded(self, s: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """The entries a write added to the trail (:func:`rentaldesk.audit.write`), as one
        ``audit.recorded`` on the audit topic, keyed by this branch. A Core INSERT, not
        :func:`outbox.add`: this runs inside the ORM's flush, which may not add objects."""
        event = AuditRecorded(entries=tuple(
            AuditChange(event_id=r["event_id"], at=r["at"], username=r["username"], role=r["role"],
                        record_kind=r["record_kind"], record_id=r["record_id"], action=r["action"],
                        changes=r["changes"], branch=r["branch"], workstation=r["workstation"], label=r["label"])
            for r in rows))
        envelope = Envelope(payload=event, source=self.source)
        s.connection().execute(insert(table(OutboxEvent)), {
            "event_id": envelope.event_id, "topic": AUDIT, "key": self.source, "value": envelope.encode(),
            "created_at": envelope.occurred_at})
        wake = self.wake
        sqla_event.listen(s, "after_commit", lambda _s: wake.set(), once=True)

    def car_change_requested(self, s: Session, car: CarState, now: datetime) -> None:
        """A car added or edited here: head office applies it and it comes back on the fleet topic."""
        envelope = Envelope(payload=CarChangeRequested(car=car, requested_at=now), source=self.source,
                            occurred_at=now)
        outbox.add(s, BOOKING_REQUESTS, pool_key(car.vehicle_class, car.zip_code), envelope, wake=self.wake)


def apply_head_office_event(s: Session, envelope: Envelope[Event], where: Delivery) -> Changes | None:
    """The branch's inbox handler for ``booking-events`` and ``fleet``: head office's facts, applied
    as the ``sync`` service account whoever is signed in at the desk (a clerk's desk runs the sync
    in its threads, and a clerk may not edit the fleet, but head office's fleet must still land).
    What it changes is in this branch's trail (a History panel shows the confirmation) but is not
    forwarded: head office's own trail has it, where it was decided."""
    with acting_as(SYNC_ACTOR), audit.kept_here(s):
        return _apply_head_office_event(s, envelope)


def apply_head_office_event_at_the_web(s: Session, envelope: Envelope[Event], where: Delivery) -> Changes | None:
    """The web channel's handler: a branch's, but the staff accounts stay at head office and the
    branches (the site never signs staff in, and its database is the one facing the internet: no
    password or PIN hash is kept there). Nor the cars' records (damage history, readings): the
    site never checks a car out, and its replica keeps no damage of any car."""
    if isinstance(envelope.payload, (FleetStaff, FleetCarRecord)):
        return None
    return apply_head_office_event(s, envelope, where)


#: Who applies head office's events at a branch.
SYNC_ACTOR = service_actor("sync")


def _apply_head_office_event(s: Session, envelope: Envelope[Event]) -> Changes | None:
    event = envelope.payload
    if isinstance(event, Decision):
        return apply_reservation_state(s, event.reservation, envelope.occurred_at, answers=event.request_event_id)
    if isinstance(event, RequestRefused):
        return apply_request_refused(s, event, envelope.occurred_at)
    if isinstance(event, CarChangeRejected):
        log.warning("head office refused the change of car %s: %s", event.plate_number, event.reason)
        return None
    if isinstance(event, FLEET_RECORDS):
        return apply_fleet_record(s, event, envelope.occurred_at)
    if isinstance(event, FleetCarRecord):
        return apply_car_record(s, event, envelope.occurred_at)
    log.info("branch: %s is not for branches; skipped", envelope.type)
    return None


class BranchSync:
    """The sync loop of one branch database: relay out, head office's events in.

    :meth:`start` returns at once: a supervisor thread connects (creating the topics if need be),
    trying every second while the broker cannot be reached (said once in the log), then runs the
    relay and the consumer; the consumer's loop says when the broker is lost and back. Meanwhile
    the counter works as ever; its requests wait in the outbox.
    """

    def __init__(
        self,
        db: Database,
        service: ReservationService,
        settings: KafkaSettings,
        branch: str,
        *,
        create_topics: bool = True,
    ) -> None:
        if not isinstance(service.link, BranchOutbox):
            raise ValueError("the service must be built with link=BranchOutbox(branch)")
        self.db = db
        self.service = service
        self.settings = settings
        self.branch = branch
        self.create_topics = create_topics
        self.topics = Topics(settings.topic_prefix)
        self.outbox: BranchOutbox = service.link
        self.producer: KafkaProducer | None = None
        self.relay: outbox.OutboxRelay | None = None
        self.consumer: EventConsumer | None = None
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def connect(self) -> bool:
        """Create the topics (if asked), the producer, the relay and the consumer; True."""
        if self.create_topics:
            ensure_topics(self.settings)
        self.producer = make_producer(self.settings, f"rentaldesk-branch-{self.branch}")
        self.relay = outbox.OutboxRelay(self.db, self.producer, self.topics)
        self.relay.wake = self.outbox.wake
        consumer = make_consumer(
            self.settings, branch_group(self.settings.topic_prefix, self.branch),
            f"rentaldesk-branch-{self.branch}",
            self.topics.name(FLEET), self.topics.name(BOOKING_EVENTS), assign=True,
        )
        self.consumer = EventConsumer(
            self.db,
            consumer,
            apply_head_office_event if self.branch != CHANNEL_WEB else apply_head_office_event_at_the_web,
            topics=self.topics,
            dead_letter=self.producer,
            name=f"branch {self.branch}",
            on_changes=self.service.announce,
            # The one loop of the branch that tells when the broker is lost and back: it holds a
            # connection all the time (it polls), the relay only while it has something to send.
            watch=BrokerWatch(consumer, f"branch {self.branch}", self.settings.bootstrap),
        )
        self.connected.set()
        return True

    def _supervise(self) -> None:
        connected = connect_when_reachable(self.connect, self._stop, f"branch {self.branch}",
                                           self.settings.bootstrap, cleanup=self._close_clients)
        relay, consumer = self.relay, self.consumer
        if connected is None or self._stop.is_set() or relay is None or consumer is None:
            self._close_clients()  # a connect that finished after stop() gave up waiting for it
            return
        loops = [
            threading.Thread(target=relay.run, args=(self._stop,), name=f"relay-{self.branch}", daemon=True),
            threading.Thread(target=consumer.run, args=(self._stop,), name=f"inbox-{self.branch}", daemon=True),
        ]
        for t in loops:
            t.start()
        self._threads += loops

    def start(self) -> None:
        """Connect and run the relay and the consumer in daemon threads; returns at once."""
        supervisor = threading.Thread(target=self._supervise, name=f"sync-{self.branch}", daemon=True)
        self._threads = [supervisor]
        supervisor.start()

    def _close_clients(self) -> None:
        if self.consumer is not None:
            self.consumer.close()
            self.consumer = None
        if self.producer is not None:
            try:
                self.producer.close(timeout=CLOSE_TIMEOUT)
            except Exception:  # a dead broker must not stop a shutdown
                log.debug("producer close failed", exc_info=True)
            self.producer = None

    def stop(self, timeout: float = 1.0) -> None:
        """Stop the loops and close the clients, in about ``timeout`` seconds whatever the broker
        does (nothing is lost: what was not published is still in the outbox, what was applied
        and not committed to the broker is replayed and skipped)."""
        self._stop.set()
        self.outbox.wake.set()
        deadline = time.monotonic() + timeout
        for t in list(self._threads):
            # A supervisor still connecting is left to finish on its own (a daemon thread: it
            # closes what it made, and cannot keep the process alive).
            t.join(max(0.0, deadline - time.monotonic()))
        self._close_clients()

    def __enter__(self) -> BranchSync:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
