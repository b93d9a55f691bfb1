"""The plain values the services hand out: safe to pass to any thread (the desk's screens get these,
never live ORM rows), and what a committed change announces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Reservation:
    """A reservation as a plain value (safe to hand to any thread)."""

    id: str
    reference: str
    customer_id: str
    customer_email: str
    customer_name: str
    customer_phone: str
    vehicle_class: str
    zip_code: str
    car_id: int
    plate_number: str
    pinned: bool
    driver_id: int | None
    start: datetime
    end: datetime
    status: str
    price: Decimal
    version: int
    created_at: datetime
    updated_at: datetime
    status_reason: str = ""
    #: Live, but its car is out of service or out of its pool (sent to maintenance while it held
    #: the car, with no other car free): a manager must find it a car.
    needs_car: bool = False
    #: Where the car is to be returned: None at the pick-up location, else another branch's zip
    #: code (a one-way reservation, its drop fee in ``price``).
    return_zip_code: str | None = None


@dataclass(frozen=True, slots=True)
class CarChoice:
    """A car a reservation could be given (see :meth:`ReservationService.cars_for`)."""

    car_id: int
    plate_number: str
    vehicle_class: str
    zip_code: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What one committed unit of work changed, by kind of thing (ids)."""

    reservations: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()
    cars: frozenset[int] = frozenset()
    drivers: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.reservations or self.customers or self.cars or self.drivers)
