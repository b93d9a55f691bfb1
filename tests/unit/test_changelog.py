"""The change log (migration 0010) and its watcher: what another process commits is found by kind
and id from the log's new rows alone; this process's own announced commits are not found again; a
watcher that fell behind the log's bound finds everything once."""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text, update

from rentaldesk.changelog import CHANGE_LOG_TRIGGERS, ChangeWatcher, Found, has_change_log
from rentaldesk.db import Database, open_database
from rentaldesk.models import Branch, Car, ChangeLogEntry, Customer, Driver, Reservation, VehicleClass
from rentaldesk.reservations import ReservationService
from rentaldesk.values import Changes
from tests.conftest import Clock, PoolBuilder

ZIP = "10001"


@pytest.fixture
def counter(fleet: PoolBuilder) -> PoolBuilder:
    """A New York branch (10001) with 2 SUVs and a driver."""
    fleet.cars(2, "SUV")
    fleet.driver("Dee Driver")
    return fleet


@pytest.fixture
def other(db: Database):
    """A second workstation on the same file."""
    database = open_database(str(db.engine.url))
    yield database
    database.close()


@pytest.fixture
def watcher(db: Database):
    found = ChangeWatcher(db)
    assert found.uses_log
    assert found.look() is None  # the first look only remembers where the log is
    yield found
    found.close()


def book(db: Database, clock: Clock, email: str = "c@example.com"):
    return ReservationService(db, clock=clock).create_reservation(
        email=email, name="C", vehicle_class="SUV", zip_code=ZIP,
        start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2))


def only(found: Found | None, **kinds: frozenset) -> None:
    """``found`` names exactly ``kinds`` (the others empty) and no location or class."""
    assert found is not None and not found.reference and not found.everything
    assert found.changes == Changes(**kinds)


def test_the_migration_installs_every_trigger_and_the_models_match(db: Database):
    with db.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert {n for n in names if "_changes_" in n or n == "trg_change_log_trim"} == CHANGE_LOG_TRIGGERS
    assert len(CHANGE_LOG_TRIGGERS) == 6 * 4 + 1 + 1  # and the ledger's (0019)
    assert has_change_log(db)


def test_the_core_module_never_imports_qt():
    code = "import sys, rentaldesk.changelog\nassert not [m for m in sys.modules if m.startswith('PySide6')]\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_reservation_made_elsewhere_names_it_and_its_customer(db, other, counter, watcher, clock):
    made = book(other, clock)
    only(watcher.look(), reservations=frozenset({made.id}), customers=frozenset({made.customer_id}))
    assert watcher.look() is None  # nothing since


def test_a_payment_taken_elsewhere_names_its_reservation(db, other, counter, watcher, clock):
    # migration 0019: the ledger is none of 0010's tables, its rows log their agreement's reservation
    from tests.contract_helpers import check_in_value, check_out_value, may_rent

    from rentaldesk.agreement_service import AgreementService

    there = ReservationService(other, clock=clock)
    made = book(other, clock)
    may_rent(other, made.customer_id)
    clock.now = made.start
    a = there.check_out(check_out_value(made.id))
    clock.now = made.end
    a = there.check_in(check_in_value(a.id, made.end))
    watcher.look()
    AgreementService(there).take_payment(a.id, "cash", Decimal("10.00"), "")
    only(watcher.look(), reservations=frozenset({made.id}))
    assert watcher.look() is None


def test_cars_customers_and_drivers_changed_elsewhere_are_named(db, other, counter, watcher, clock):
    made = book(other, clock)
    watcher.look()
    with other.write() as s:
        car = s.scalars(select(Car).order_by(Car.car_id)).first()
        car.color = "Blue"
        car_id = car.car_id
    only(watcher.look(), cars=frozenset({car_id}))
    with other.write() as s:
        s.get(Customer, made.customer_id).phone = "555 0100"
    only(watcher.look(), customers=frozenset({made.customer_id}))
    with other.write() as s:
        driver = Driver(name="New Driver", licence_number="LNEW1", phone="1", status="active",
                        day_rate=Decimal("50.00"))
        s.add(driver)
        s.flush()
        driver_id = driver.id
    only(watcher.look(), drivers=frozenset({driver_id}))


def test_a_branch_or_class_changed_elsewhere_reloads_the_reference_data(db, other, counter, watcher):
    with other.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == ZIP).values(name="Midtown"))
    found = watcher.look()
    assert found is not None and found.reference and not found.changes
    with other.write() as s:
        s.add(VehicleClass(code="LUXURY", name="Luxury", day_rate=Decimal("150.00")))
    found = watcher.look()
    assert found is not None and found.reference
    assert watcher.look() is None


def test_deletes_are_seen(db, other, counter, watcher, clock):
    made = book(other, clock)
    watcher.look()
    with other.write() as s:
        s.execute(delete(Reservation).where(Reservation.id == made.id))
        s.execute(delete(Customer).where(Customer.id == made.customer_id))
    only(watcher.look(), reservations=frozenset({made.id}), customers=frozenset({made.customer_id}))
    with other.write() as s:
        car_id = s.scalar(select(func.max(Car.car_id)))
        s.execute(delete(Car).where(Car.car_id == car_id))
    only(watcher.look(), cars=frozenset({car_id}))


def test_a_class_renamed_in_its_key_names_the_old_key_too(db, other, watcher):
    with other.write() as s:
        s.add(VehicleClass(code="VAN", name="Van", day_rate=Decimal("90.00")))
    watcher.look()
    with other.write() as s:
        s.execute(update(VehicleClass).where(VehicleClass.code == "VAN").values(code="MINIVAN"))
    with db.session() as s:
        kinds = s.execute(select(ChangeLogEntry.kind, ChangeLogEntry.row_id).order_by(ChangeLogEntry.seq.desc())
                          .limit(2)).all()
    assert set(kinds) == {("vehicle_classes", "MINIVAN"), ("vehicle_classes", "VAN")}
    assert watcher.look().reference


def test_a_writer_in_another_process_with_another_driver_is_seen(db, counter, watcher):
    path = db.engine.url.database
    code = ("import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1])\n"
            "c.execute(\"UPDATE cars SET color = 'Red' WHERE car_id = (SELECT min(car_id) FROM cars)\")\n"
            "c.commit()\n")
    subprocess.run([sys.executable, "-c", code, path], check=True, timeout=60)
    with db.session() as s:
        car_id = s.scalar(select(func.min(Car.car_id)))
    only(watcher.look(), cars=frozenset({car_id}))


def test_a_change_made_here_is_not_found_again_but_a_later_one_elsewhere_is(db, other, counter, watcher, clock):
    here = ReservationService(db, clock=clock)
    here.subscribe(watcher.absorb)
    made = here.create_reservation(email="here@example.com", name="Here", vehicle_class="SUV", zip_code=ZIP,
                                   start=clock() + timedelta(hours=3), end=clock() + timedelta(days=2))
    assert watcher.look() is None  # announced by the service; not by the watcher again
    ReservationService(other, clock=clock).cancel_reservation(made.id)  # the same row, elsewhere
    found = watcher.look()
    assert found is not None and made.id in found.changes.reservations


def test_a_watcher_further_behind_than_the_bound_finds_everything_once(db, other, counter, watcher):
    with db.session() as s:
        cars = set(s.scalars(select(Car.car_id)))
    with other.write() as s:  # 12,000 drivers: 12,000 log rows, more than the log keeps
        s.execute(text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) "
                       "INSERT INTO drivers (name, licence_number, phone, status, day_rate) "
                       "SELECT 'D' || i, 'BULK' || i, '', 'active', 10 FROM n"))
    with db.session() as s:
        oldest = s.scalar(select(func.min(ChangeLogEntry.seq)))
        drivers = set(s.scalars(select(Driver.id)))
    assert oldest > 1, "the log was trimmed"
    found = watcher.look()
    assert found is not None and found.everything and found.reference
    assert found.changes.drivers == drivers and len(drivers) == 12_001
    assert found.changes.cars == cars
    assert watcher.look() is None  # once
    with other.write() as s:
        s.execute(update(Driver).where(Driver.licence_number == "BULK7").values(phone="7"))
        bulk7 = s.scalar(select(Driver.id).where(Driver.licence_number == "BULK7"))
    only(watcher.look(), drivers=frozenset({bulk7}))


def test_the_log_keeps_between_10_000_and_11_000_rows(db, other):
    with other.write() as s:
        s.execute(text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25500) "
                       "INSERT INTO drivers (name, licence_number, phone, status, day_rate) "
                       "SELECT 'D' || i, 'BULK' || i, '', 'active', 10 FROM n"))
    with db.session() as s:
        kept = s.scalar(select(func.count()).select_from(ChangeLogEntry))
        newest = s.scalar(select(func.max(ChangeLogEntry.seq)))
    assert newest == 25_500 and 10_000 <= kept <= 11_000


def test_a_log_emptied_behind_the_watcher_means_everything(db, other, counter, watcher):
    with other.write() as s:
        s.execute(delete(ChangeLogEntry))
    with other.write() as s:
        s.execute(update(Branch).values(name="Again"))
    # the log restarts at 1, behind what the watcher saw (a restored copy of the file does the same)
    found = watcher.look()
    assert found is not None and found.everything


def test_an_in_memory_database_has_nothing_to_watch():
    db = open_database("sqlite://")
    try:
        watcher = ChangeWatcher(db)
        assert watcher.look() is None and watcher.look() is None
    finally:
        db.close()


def test_without_the_triggers_snapshots_are_compared_at_a_slower_pace(db, other, counter, caplog):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER trg_cars_changes_update")  # as a batch copy of the table would
    now = [0.0]
    with caplog.at_level(logging.WARNING, "rentaldesk.db"):
        watcher = ChangeWatcher(db, snapshot_every_s=10, monotonic=lambda: now[0])
    assert not watcher.uses_log and "triggers are missing" in caplog.text
    try:
        assert watcher.look() is None  # the first snapshot
        with other.write() as s:
            car = s.scalars(select(Car).order_by(Car.car_id)).first()
            car.color = "Green"
            car_id = car.car_id
        now[0] = 9.0
        assert watcher.look() is None  # not read again before 10 s
        now[0] = 10.0
        only(watcher.look(), cars=frozenset({car_id}))
        with db.write() as s:  # a change here, absorbed: not found again
            s.get(Car, car_id).color = "Black"
        watcher.absorb(Changes(cars=frozenset({car_id})))
        now[0] = 20.0
        assert watcher.look() is None
    finally:
        watcher.close()


# -- a property: whoever changed a row last since the previous look decides whether it is found ----

_step = st.tuples(st.sampled_from(["here", "there"]), st.sampled_from(["add", "edit", "drop"]),
                  st.integers(0, 4), st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(_step, min_size=1, max_size=12))
def test_found_is_what_another_process_changed_last(steps):
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'b.sqlite'}"
        here, there = open_database(url), open_database(url)
        PoolBuilder(here).cars(5, "SUV")
        with here.session() as s:
            cars = sorted(s.scalars(select(Car.car_id)))
        watcher = ChangeWatcher(here)
        try:
            assert watcher.look() is None
            last: dict[int, str] = {}  # car -> who changed it last since the previous look
            alive = set(cars)
            for who, action, index, look_after in steps:
                db = here if who == "here" else there
                car_id = cars[index]
                if action == "add" and car_id in alive or action != "add" and car_id not in alive:
                    action = "edit" if car_id in alive else "add"
                with db.write() as s:
                    if action == "add":
                        s.add(Car(car_id=car_id, plate_number=f"P{car_id}", model="M", year=2025, color="White",
                                  transmission="automatic", cost_per_day=Decimal("90.00"), vehicle_class="SUV",
                                  zip_code=ZIP, odometer=0))
                        alive.add(car_id)
                    elif action == "edit":
                        s.execute(update(Car).where(Car.car_id == car_id).values(odometer=Car.odometer + 1))
                    else:
                        s.execute(delete(Car).where(Car.car_id == car_id))
                        alive.discard(car_id)
                if who == "here":
                    watcher.absorb(Changes(cars=frozenset({car_id})))
                last[car_id] = who
                if look_after:
                    found = watcher.look()
                    expected = {car for car, writer in last.items() if writer == "there"}
                    assert (found.changes.cars if found else set()) == expected
                    last = {}
        finally:
            watcher.close()
            here.close()
            there.close()


def test_the_migration_downgrades_to_no_log_and_up_again(tmp_path):
    from alembic import command

    from rentaldesk.migrations import alembic_config, upgrade

    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    try:
        config = alembic_config()
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
        assert not has_change_log(db)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'change_log'")).scalar() == 0
        upgrade(db.engine)
        assert has_change_log(db)
    finally:
        db.close()
