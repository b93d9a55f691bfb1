"""A realistic counter day on the sample fleet, made through the reservation service with a moving
clock: past rentals picked up and returned, cars on rent now, today's pick-ups and returns, a forward
book for the coming weeks, a few cancellations, drivers and cars in maintenance. Qt-free; used by
the screenshots (docs/render_screenshots.py) and the GUI benchmark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from rentaldesk.cars import update_car
from rentaldesk.db import Database
from rentaldesk.errors import RentalError
from rentaldesk.fleet import load_sample_data
from rentaldesk.models import Car, Driver
from rentaldesk.reservations import ReservationService
from rentaldesk.values import Reservation

#: "Now" of the sample day: Monday 4 March 2030, 9:00 in Boston.
SAMPLE_NOW = datetime(2030, 3, 4, 14, 0, tzinfo=timezone.utc)

FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena",
               "Mateo", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Yusuf")
LAST_NAMES = ("Lee", "Okafor", "Martin", "Novak", "Garcia", "Haddad", "Schmidt", "Tanaka", "Petrov", "Rossi",
              "Mensah", "Berg", "Silva", "Kowalski", "Nguyen", "Brown", "Dubois", "Costa", "Ahmed", "Walsh")


@dataclass
class MovingClock:
    """A clock the sample moves forward as the days of bookings go by."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class SampleDay:
    """What :func:`book_sample_day` made."""

    now: datetime
    reservations: list[Reservation] = field(default_factory=list)
    refused: int = 0


def book_sample_day(db: Database, *, now: datetime = SAMPLE_NOW, count: int = 140, seed: int = 7) -> SampleDay:
    """Load the sample fleet into ``db`` and book about ``count`` reservations around ``now``."""
    load_sample_data(db)
    rng = random.Random(seed)
    clock = MovingClock(now - timedelta(days=9))
    service = ReservationService(db, clock=clock)
    with db.session() as s:
        cars = [(c.car_id, c.plate_number, c.vehicle_class, c.zip_code) for c in s.scalars(select(Car).order_by(Car.car_id))]
        drivers = list(s.scalars(select(Driver.id).where(Driver.status == "active")))
    _send_to_the_shop(db, [cars[5], cars[30], cars[52]], clock.now)
    pools = sorted({(vclass, zip_code) for _id, _plate, vclass, zip_code in cars})
    people = [(f"{first} {last}", f"{first}.{last}@example.com".lower())
              for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(people)
    day = SampleDay(now)
    requests = []
    for n in range(count):
        vclass, zip_code = rng.choice(pools)
        start = now + timedelta(hours=rng.randrange(-7 * 24, 21 * 24, 1))
        start = start.replace(minute=rng.choice((0, 30)), second=0, microsecond=0)
        length = timedelta(days=rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 7)), hours=rng.choice((0, 0, 0, 2, 4)))
        name, email = people[n % len(people)]
        car = rng.choice([c[0] for c in cars if c[2] == vclass and c[3] == zip_code]) if rng.random() < 0.15 else None
        driver = rng.choice(drivers) if rng.random() < 0.12 else None
        requests.append((start, start + length, name, email, vclass, zip_code, car, driver))
    for start, end, name, email, vclass, zip_code, car, driver in sorted(requests):
        try:
            day.reservations.append(service.create_reservation(
                email=email, name=name, phone=f"+1 617 555 {rng.randrange(100, 999):04d}",
                vehicle_class=vclass, zip_code=zip_code, start=start, end=end, car_id=car, driver_id=driver))
        except RentalError:
            day.refused += 1
    _live_the_days(service, clock, day, rng)
    return day


def _send_to_the_shop(db: Database, cars: list[tuple[int, str, str, str]], now: datetime) -> None:
    with db.session() as s:
        rows = {c.car_id: c for c in s.scalars(select(Car).where(Car.car_id.in_([c[0] for c in cars])))}
    for car_id, car in rows.items():
        values = {name: getattr(car, name) for name in ("plate_number", "model", "year", "color", "transmission",
                                                        "cost_per_day", "vehicle_class", "zip_code", "odometer")}
        update_car(db, car_id, {**values, "status": "maintenance", "driver_id": car.driver_id}, now=now)


def _live_the_days(service: ReservationService, clock: MovingClock, day: SampleDay, rng: random.Random) -> None:
    """Move the clock to ``day.now``: customers pick up (most of them) and bring the cars back."""
    events = []
    for r in day.reservations:
        events.append((r.start + timedelta(minutes=rng.choice((-30, 0, 20, 45))), "pick_up", r))
        events.append((r.end + timedelta(minutes=rng.choice((-60, -20, 0, 30))), "return", r))
    for at, action, r in sorted(events, key=lambda e: e[0]):
        if at > day.now:
            break
        clock.now = max(clock.now, at)
        try:
            if action == "pick_up" and rng.random() < 0.93:
                service.pick_up(r.id, odometer=None)
            elif action == "return":
                service.return_car(r.id)
        except RentalError:
            pass  # not picked up, or already expired: as at a real counter
    clock.now = day.now
    service.mark_reservations_expired()
    future = [r for r in day.reservations if r.start > day.now + timedelta(days=2)]
    for r in rng.sample(future, min(4, len(future))):
        service.cancel_reservation(r.id)
    day.reservations = [service.get_reservation(r.id) for r in day.reservations]
