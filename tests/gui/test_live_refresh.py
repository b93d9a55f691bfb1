"""Changes made by another process show on every screen without a click: the desk reads the change
log's new rows (migration 0010, rentaldesk.changelog) when PRAGMA data_version moved, and announces
what changed the way a local edit is announced."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from rentaldesk.cars import update_car
from rentaldesk.db import open_database
from rentaldesk.changelog import ChangeWatcher
from rentaldesk.models import Car, Driver, VehicleClass
from rentaldesk.queries import STATE_AVAILABLE
from rentaldesk.reservations import ReservationService
from rentaldesk.values import Changes
from tests.gui.conftest import ZIP

#: The desk waits at most this long for a change (generous: the machine is shared; the desk looks
#: every 500 ms).
PATIENCE_MS = 15_000


def rows_of(screen) -> list:  # noqa: ANN001
    return screen.model.rows()


def test_a_booking_made_with_the_command_line_shows_in_upcoming_without_a_click(desk, db, qtbot):
    desk.show_screen(1)
    desk.reservations.ui.upcomingButton.click()
    qtbot.waitUntil(desk.is_settled)
    assert rows_of(desk.reservations) == []
    start = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    made = subprocess.run(
        [sys.executable, "-m", "rentaldesk", "--db", str(db.engine.url.database), "reserve",
         "--class", "SUV", "--zip", ZIP, "--email", "cli.customer@example.com", "--name", "Cli Customer",
         "--start", start.isoformat(), "--end", (start + timedelta(days=2)).isoformat()],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert made.returncode == 0, made.stderr
    qtbot.waitUntil(lambda: [r.customer_email for r in rows_of(desk.reservations)] == ["cli.customer@example.com"],
                    timeout=PATIENCE_MS)


def test_a_car_changed_by_another_connection_shows_on_the_fleet_grid(desk, db, qtbot, clock):
    desk.show_screen(2)
    qtbot.waitUntil(desk.is_settled)
    car = rows_of(desk.fleet)[0]
    assert car.state == STATE_AVAILABLE
    other = open_database(str(db.engine.url))  # a second workstation on the same file
    try:
        with other.session() as s:
            row = s.get(Car, car.car_id)
            values = {name: getattr(row, name) for name in ("plate_number", "model", "year", "color", "transmission",
                                                            "cost_per_day", "vehicle_class", "zip_code", "odometer",
                                                            "driver_id")}
        update_car(other, car.car_id, {**values, "status": "maintenance"}, now=clock())
    finally:
        other.close()
    qtbot.waitUntil(lambda: desk.fleet.model.row_at(desk.fleet.model.position_of(car.car_id)).state == "maintenance",
                    timeout=PATIENCE_MS)


def test_the_watcher_names_what_changed_and_is_quiet_otherwise(db, counter, clock):
    watcher = ChangeWatcher(db)
    try:
        assert watcher.look() is None  # the first look remembers
        assert watcher.look() is None  # nothing changed
        made = ReservationService(open_database(str(db.engine.url)), clock=clock).create_reservation(
            email="w@example.com", name="W", vehicle_class="SUV", zip_code=ZIP,
            start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2))
        found = watcher.look()
        assert found.changes.reservations == {made.id} and found.changes.customers == {made.customer_id}
        assert found.changes.cars == frozenset() and not found.reference
        assert watcher.look() is None
        counter.cars(1, "VAN", "60601")  # a new class at a new location
        found = watcher.look()
        assert found.reference and len(found.changes.cars) == 1 and isinstance(found.changes, Changes)
    finally:
        watcher.close()


def test_a_change_made_here_is_announced_once(db, counter, clock):
    watcher = ChangeWatcher(db)
    service = ReservationService(db, clock=clock)
    service.subscribe(watcher.absorb)
    try:
        assert watcher.look() is None
        service.create_reservation(email="here@example.com", name="Here", vehicle_class="SUV", zip_code=ZIP,
                                   start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2))
        assert watcher.look() is None  # the service announced it; the watcher does not again
        elsewhere = ReservationService(open_database(str(db.engine.url)), clock=clock).create_reservation(
            email="there@example.com", name="There", vehicle_class="SUV", zip_code=ZIP,
            start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2))
        assert watcher.look().changes.reservations == {elsewhere.id}
    finally:
        watcher.close()


def test_a_driver_and_a_class_changed_elsewhere_show_without_a_click(desk, db, qtbot):
    desk.show_screen(3)
    qtbot.waitUntil(desk.is_settled)
    names = {row.name for row in rows_of(desk.drivers)}
    other = open_database(str(db.engine.url))
    try:
        with other.write() as s:
            s.add(Driver(name="Elsewhere Driver", licence_number="LELSE1", phone="1", status="active",
                         day_rate=Decimal("55.00")))
            s.get(VehicleClass, "SUV").name = "Sport utility"
    finally:
        other.close()
    qtbot.waitUntil(lambda: {row.name for row in rows_of(desk.drivers)} == names | {"Elsewhere Driver"},
                    timeout=PATIENCE_MS)
    qtbot.waitUntil(lambda: desk.desk.class_name("SUV") == "Sport utility", timeout=PATIENCE_MS)


def test_a_booking_made_at_this_desk_is_announced_once(desk, qtbot, clock):
    announced: list[Changes] = []
    desk.desk.changed.connect(announced.append)
    made: list = []
    desk.desk.run(lambda: desk.desk.service.create_reservation(
        email="once@example.com", name="Once", vehicle_class="SUV", zip_code=ZIP,
        start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2)), made.append)
    qtbot.waitUntil(lambda: bool(made))
    qtbot.wait(4 * 500 + 500)  # several of the watcher's looks
    qtbot.waitUntil(desk.is_settled)
    (once,) = [c for c in announced if made[0].id in c.reservations]  # the service's, not the watcher's too
    assert once.customers == {made[0].customer_id} and once.cars == {made[0].car_id}
