"""Shared fixtures: a real SQLite file per test, a clock the test moves, and a pool builder."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from rentaldesk.db import Database, open_database
from rentaldesk.models import Branch, Car, Driver, VehicleClass
from rentaldesk.errors import PriceChanged
from rentaldesk.reservations import ReservationService
from rentaldesk.values import Reservation

#: Real-broker fixtures (kafka_broker, topic_prefix...) for tests/kafka and tests/e2e.
pytest_plugins = ["tests.kafka_fixtures"]

#: A Monday noon, UTC: tests speak of days relative to it.
T0 = datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc)


def unavailable(why: str) -> None:
    """A test's outside part (a browser, poppler) is missing: skipped on a developer's machine, a
    failure on CI (``CI`` set), where the test command installs it, so a skip cannot hide it."""
    if os.environ.get("CI"):
        pytest.fail(f"{why} (on CI the test command installs it)")
    pytest.skip(why)


def require_tools(*names: str) -> None:
    """:func:`unavailable` unless every program named is on PATH."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (make test installs it)")


def day(n: float, hours: float = 0) -> datetime:
    """T0 plus n days (and hours)."""
    return T0 + timedelta(days=n, hours=hours)


def change_accepting_the_price(svc: ReservationService, reservation_id: str, **change: Any) -> Reservation:
    """A change as the desk makes it when the clerk accepts the price shown: asked first without a
    price; refused with the new one (:class:`PriceChanged`, old -> new and why), asked again with it."""
    try:
        return svc.update_reservation(reservation_id, **change)
    except PriceChanged as shown:
        return svc.update_reservation(reservation_id, **change, accept_price=shown.new)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def server():
    """A real SMTP server (aiosmtpd) on a free loopback port, recording what it receives."""
    from tests.unit.hq.test_notifications import Server, free_port

    srv = Server(free_port())
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}")
    yield database
    database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def svc(db, clock) -> ReservationService:
    return ReservationService(db, clock=clock)


class PoolBuilder:
    """Adds branches, classes, cars and drivers straight through the ORM."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._plate = 0

    def branch(self, zip_code: str = "10001", *, tz: str = "America/New_York", turnaround: int = 0) -> None:
        with self.db.write() as s:
            if s.scalar(select(Branch).where(Branch.zip_code == zip_code)) is None:
                s.add(Branch(code=f"B{zip_code}", name=f"Branch {zip_code}", zip_code=zip_code, time_zone=tz,
                             lead_time_minutes=120, min_rental_minutes=1440, turnaround_minutes=turnaround))

    def cars(self, n: int, vehicle_class: str = "SUV", zip_code: str = "10001", *,
             rate: str = "80.00", cost: str = "90.00", status: str = "available") -> list[int]:
        self.branch(zip_code)
        ids = []
        with self.db.write() as s:
            if s.get(VehicleClass, vehicle_class) is None:
                # named as a branch would: "Economy", "Van", and "SUV" (an acronym stays in capitals)
                name = vehicle_class if vehicle_class == "SUV" else vehicle_class.title()
                s.add(VehicleClass(code=vehicle_class, name=name, day_rate=Decimal(rate)))
                s.flush()
            for _ in range(n):
                self._plate += 1
                car = Car(plate_number=f"T{self._plate:05d}", model="Test Model", year=2025, color="White",
                          transmission="automatic", cost_per_day=Decimal(cost), status=status,
                          vehicle_class=vehicle_class, zip_code=zip_code, odometer=1000)
                s.add(car)
                s.flush()
                ids.append(car.car_id)
        return ids

    def driver(self, name: str = "Dee Driver", *, status: str = "active", rate: str = "60.00") -> int:
        with self.db.write() as s:
            driver = Driver(name=name, licence_number=f"L{name.upper().replace(' ', '')[:20]}", phone="555",
                            status=status, day_rate=Decimal(rate))
            s.add(driver)
            s.flush()
            return driver.id


@pytest.fixture
def fleet(db) -> PoolBuilder:
    return PoolBuilder(db)
