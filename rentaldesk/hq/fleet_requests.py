"""Head office applying a car added or edited at a branch (``fleet.car-change-requested``).

The change is checked again here, by the same rules as at the branch and for a fleet file
(:func:`rentaldesk.fleet.put_car`). Applied, it reaches every branch through the fleet service, and
each reservation moved off the car as ``reservation.car-reassigned``; refused, the branches hear
``fleet.car-change-rejected`` with the reason.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..actor import acting_as
from ..permissions import service_actor
from ..errors import RentalError
from ..fleet import put_car, validate_car
from ..models import Driver
from ..reservations import Lock
from ..values import Changes
from ..sync import outbox
from ..sync.envelope import Envelope
from ..sync.events import CarChangeRejected, CarChangeRequested
from ..sync.topics import BOOKING_EVENTS, pool_key

log = logging.getLogger("rentaldesk.hq.fleet")


#: Who applies a branch's car request at head office.
HQ_ACTOR = service_actor("hq")


def apply_car_request(
    s: Session, request: Envelope[CarChangeRequested], now: datetime, *, lock: Lock,
    wake: threading.Event | None = None
) -> tuple[Changes, dict[str, int]]:
    """Apply a branch's car change by the fleet's rules (:func:`rentaldesk.fleet.put_car`); the
    changes and the reservations moved off the car (id -> car id), which the caller publishes.
    Refused, the branches hear ``fleet.car-change-rejected`` with the reason."""
    car = request.payload.car
    car_state = msgspec.structs.asdict(car)
    plate = car.plate_number
    try:
        with s.begin_nested():
            licence = car_state.pop("driver_licence", None)
            fields = validate_car(car_state, source=f"car {plate}")
            fields["driver_id"] = None
            if licence is not None:
                fields["driver_id"] = s.scalar(select(Driver.id).where(Driver.licence_number == licence))
                if fields["driver_id"] is None:
                    raise RentalError(f"driver {licence} is not known to head office", field="driver_id")
            with acting_as(HQ_ACTOR):  # head office's decision, whoever runs the process
                done = put_car(s, fields, now, lock=lock)
    except RentalError as exc:
        log.info("head office: change of car %s from %s refused: %s", plate, request.source, exc.message)
        rejection = Envelope(
            payload=CarChangeRejected(plate_number=plate, reason=exc.message, request_event_id=request.event_id),
            source="hq",
        )
        outbox.add(s, BOOKING_EVENTS, pool_key(car.vehicle_class, car.zip_code), rejection, wake=wake)
        return Changes(), {}
    log.info("head office: car %s changed at the request of %s; %d reservation(s) moved, %d need a car",
             plate, request.source, len(done.moved), len(done.needs_car))
    return Changes(cars=frozenset({done.car_id, *done.moved.values()}), reservations=frozenset(done.moved)), done.moved
