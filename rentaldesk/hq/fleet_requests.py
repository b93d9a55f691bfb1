"""Head office applying a car added or edited at a branch (``fleet.car-change-requested``).

The change is checked again here, by the same rules as at the branch (a fleet file row's fields, a
known class and location, a unique plate, no class, location or service change while a reservation
holds the car). Applied, it reaches every branch through the fleet service; refused, the branches
hear ``fleet.car-change-rejected`` with the reason.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cars import _check_not_held, _check_references
from ..errors import RentalError
from ..fleet import validate_car
from ..models import Car, CarStatus, Driver
from ..reservations import Changes
from ..sync import outbox
from ..sync.envelope import Envelope
from ..sync.topics import BOOKING_EVENTS, pool_key

log = logging.getLogger("rentaldesk.hq.fleet")


def apply_car_request(
    s: Session, request: Envelope, now: datetime, *, wake: threading.Event | None = None
) -> Changes:
    car_state = dict(request.payload["car"])
    plate = car_state["plate_number"]
    try:
        with s.begin_nested():
            licence = car_state.pop("driver_licence", None)
            fields = validate_car(car_state, source=f"car {plate}")
            fields["driver_id"] = None
            if licence is not None:
                fields["driver_id"] = s.scalar(select(Driver.id).where(Driver.licence_number == licence))
                if fields["driver_id"] is None:
                    raise RentalError(f"driver {licence} is not known to head office", field="driver_id")
            _check_references(s, fields)
            car = s.scalar(select(Car).where(Car.plate_number == fields["plate_number"]))
            if car is None:
                fields.setdefault("status", CarStatus.AVAILABLE.value)
                fields.setdefault("odometer", 0)
                car = Car(**fields)
                s.add(car)
            else:
                for name in ("vehicle_class", "zip_code", "status"):
                    if fields.get(name, getattr(car, name)) != getattr(car, name):
                        _check_not_held(s, car, name, now)
                if fields.get("odometer", car.odometer) < car.odometer:
                    raise RentalError(f"odometer {fields['odometer']} is below the recorded {car.odometer}",
                                      field="odometer")
                for name, value in fields.items():
                    setattr(car, name, value)
            s.flush()
    except RentalError as exc:
        log.info("head office: change of car %s from %s refused: %s", plate, request.source, exc.message)
        rejection = Envelope(
            type="fleet.car-change-rejected",
            payload={"plate_number": plate, "reason": exc.message, "request_event_id": request.event_id},
            source="hq",
        )
        outbox.add(s, BOOKING_EVENTS, pool_key(car_state["vehicle_class"], car_state["zip_code"]), rejection,
                   wake=wake)
        return Changes()
    log.info("head office: car %s changed at the request of %s", plate, request.source)
    return Changes(cars=frozenset({car.car_id}))
