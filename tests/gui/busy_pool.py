"""A busy pool laid into a real database exactly as given: cars with reservations back to back,
some fixed on their car (asked for by car), most movable (class bookings not yet started), so that
the quick question of the car list (``placement.place(quick=True)``: a few dozen search nodes) can
miss a car the full decision places a booking on.

:func:`busy_book` makes such books from a seed (the same generator found the one in the tests);
:func:`lay` writes one through the ORM, each reservation on the car and for the period it names,
as the engine would have left them.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from rentaldesk.db import Database
from rentaldesk.models import Reservation
from rentaldesk.reservations import ReservationService, new_reservation_row

#: One unit of the generator's time: four hours, so that six units are the shortest rental (a day).
UNIT = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class Held:
    """A reservation of the book: on car number ``car`` (of the pool's cars, in order), for units
    [start, end) from the book's base time; ``fixed``: asked for by car (the engine never moves it)."""

    car: int
    start: int
    end: int
    fixed: bool


def busy_book(seed: int, cars: int) -> list[Held]:
    """Each car's units filled with reservations of 2-12 units, small gaps between; 30% fixed."""
    rng = random.Random(seed)
    book = []
    for car in range(cars):
        t = rng.randint(0, 5)
        while t < 60:
            length = rng.randint(2, 12)
            if rng.random() < 0.85:
                book.append(Held(car, t, t + length, fixed=rng.random() >= 0.7))
            t += length + rng.randint(0, 2)
    return book


def lay(db: Database, svc: ReservationService, car_ids: Sequence[int], book: Sequence[Held], base: datetime, *,
        vehicle_class: str, zip_code: str, now: datetime) -> None:
    """Write ``book`` into ``db`` (confirmed reservations of one customer per reservation)."""
    customers = [svc.customer_id_for(f"held{i}@example.com", f"Held {i}") for i in range(len(book))]
    with db.write() as s:
        for i, (held, customer) in enumerate(zip(book, customers)):
            s.add(Reservation(**new_reservation_row(
                id=str(uuid.uuid4()), reference=f"RB{i:05d}", customer_id=customer, vehicle_class=vehicle_class,
                zip_code=zip_code, car_id=car_ids[held.car], pinned=held.fixed, driver_id=None,
                start=base + held.start * UNIT, end=base + held.end * UNIT, status="confirmed",
                price=Decimal("80.00"), source="", now=now,
            )))
