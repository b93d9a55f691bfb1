"""Opening databases, migrations, and the Qt-free core."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from rentaldesk.db import POOL_VERSION_TRIGGERS, make_engine, open_database
from rentaldesk.migrations import alembic_config, current_revision, head_revision, upgrade
from rentaldesk.models import Base, Branch, Car, Customer, PoolVersion, Reservation, VehicleClass


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_open_database_migrates_and_adds_no_data(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'new' / 'dir' / 'b.sqlite'}")
    assert current_revision(db.engine) == head_revision()
    with db.session() as s:
        for model in (Car, Customer, Reservation, VehicleClass):
            assert s.scalar(select(func.count()).select_from(model)) == 0
    db.close()


def test_reopening_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    db = open_database(url)
    with db.write() as s:
        s.add(VehicleClass(code="SUV", name="SUV", day_rate=79))
    db.close()
    db = open_database(url)
    with db.session() as s:
        assert s.scalar(select(VehicleClass.code)) == "SUV"
    db.close()


@pytest.mark.parametrize("start", [None, *revisions()])
def test_upgrade_from_every_earlier_schema_matches_the_models(tmp_path, start):
    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    if start is not None:
        upgrade(engine, start)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"the migrations and the models disagree: {diff}"
    tables = set(inspect(engine).get_table_names())
    assert {"cars", "reservations", "customers", "drivers", "branches", "vehicle_classes"} <= tables
    engine.dispose()


def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    with db.session() as s:
        assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert s.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()


def test_write_rolls_back_whole_on_error(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    with pytest.raises(RuntimeError):
        with db.write() as s:
            s.add(VehicleClass(code="VAN", name="Van", day_rate=90))
            s.flush()
            raise RuntimeError("boom")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(VehicleClass)) == 0
    db.close()


def test_core_never_imports_qt():
    code = (
        "import sys\n"
        "import rentaldesk, rentaldesk.db, rentaldesk.models, rentaldesk.reservations, rentaldesk.fleet,"
        " rentaldesk.placement, rentaldesk.rules, rentaldesk.customers, rentaldesk.errors\n"
        "import rentaldesk.cli\n"
        "loaded = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_writer_kept_waiting_too_long_is_a_clean_refusal(tmp_path, monkeypatch):
    import threading
    from decimal import Decimal

    from rentaldesk import db as db_module
    from rentaldesk.errors import RentalError

    db = open_database(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holding, release = threading.Event(), threading.Event()

    def long_change() -> None:
        with db.write():
            holding.set()
            release.wait(10)

    other = threading.Thread(target=long_change)
    other.start()
    try:
        holding.wait(10)
        with pytest.raises(db_module.DatabaseBusy, match="busy.*nothing was saved") as refused:
            with db.write() as s:
                s.add(VehicleClass(code="SUV", name="SUV", day_rate=Decimal("80")))
        assert isinstance(refused.value, RentalError)
    finally:
        release.set()
        other.join()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(VehicleClass)) == 0
    db.close()


def test_every_write_to_a_pool_bumps_its_counter(tmp_path):
    """The pool_versions triggers (head office keeps pools in memory while their counter holds)."""
    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert db.tracks_pool_versions
    with db.write() as s:
        s.add(VehicleClass(code="SUV", name="Suv", day_rate=Decimal("70")))
        s.add(VehicleClass(code="VAN", name="Van", day_rate=Decimal("70")))
        s.add(Branch(code="B1", name="B1", zip_code="10001", time_zone="UTC"))
        s.flush()

    def versions() -> dict:
        with db.session() as s:
            return {(v.vehicle_class, v.zip_code): v.version for v in s.scalars(select(PoolVersion))
                    if v.vehicle_class}

    def fleet_version() -> int:  # branches and classes, counted together
        with db.session() as s:
            return s.scalar(select(PoolVersion.version).where(PoolVersion.vehicle_class == ""))

    def car(**values) -> None:  # noqa: ANN003
        with db.write() as s:
            s.execute(text("UPDATE cars SET " + ", ".join(f"{k} = :{k}" for k in values)), values)

    with db.write() as s:
        s.add(Car(plate_number="P1", model="M", year=2025, color="W", transmission="auto",
                  cost_per_day=Decimal("90"), status="available", vehicle_class="SUV", zip_code="10001", odometer=0))
    assert versions() == {("SUV", "10001"): 1}
    car(status="maintenance")
    assert versions() == {("SUV", "10001"): 3}  # an update bumps the pool it was in and the one it is in
    car(vehicle_class="VAN")
    assert versions() == {("SUV", "10001"): 4, ("VAN", "10001"): 1}
    with db.write() as s:
        s.execute(text("DELETE FROM cars"))
    assert versions() == {("SUV", "10001"): 4, ("VAN", "10001"): 2}
    assert fleet_version() == 3  # two classes and a branch added
    with db.write() as s:
        s.execute(text("UPDATE branches SET turnaround_minutes = 30"))
        s.execute(text("DELETE FROM vehicle_classes WHERE code = 'VAN'"))
    assert fleet_version() == 5
    db.close()


def test_checkpoints_can_be_left_to_another_process(tmp_path):
    """Head office's decisions leave WAL checkpoints to its publisher process, which checkpoints."""
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    deciding, publishing = open_database(url), open_database(url)
    deciding.defer_checkpoints()

    def wal_frames(db) -> int:  # noqa: ANN001
        with db.engine.connect() as conn:  # a checkpoint that copies nothing: (busy, frames in the WAL, copied)
            return conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()[1]

    with deciding.write() as s:
        s.execute(text("CREATE TABLE filler (x TEXT)"))
    for _ in range(30):  # about 1,500 pages: past the 1,000 at which a commit would checkpoint
        with deciding.write() as s:
            s.execute(text("INSERT INTO filler VALUES (:x)"), [{"x": "x" * 4000}] * 50)
    with deciding.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    with publishing.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    assert wal_frames(publishing) > 1000  # nothing was checkpointed by the deciding side's commits
    publishing.checkpoint()
    with publishing.write() as s:  # the WAL starts over once everything is in the database file
        s.execute(text("INSERT INTO filler VALUES ('y')"))
    assert wal_frames(publishing) < 10
    deciding.close()
    publishing.close()


def test_insert_many_stores_exactly_what_core_stores(tmp_path):
    """The bulk insert head office uses hands the driver what SQLAlchemy's own processing would."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import insert

    from rentaldesk.db import insert_many
    from rentaldesk.models import OutboxEvent

    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    times = [datetime(2030, 3, 4, 12, 0, tzinfo=timezone.utc),
             datetime(2030, 3, 4, 7, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
             datetime(1999, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=5, minutes=30)))]

    def rows(prefix: str) -> list[dict]:
        return [{"event_id": f"{prefix}{i}", "topic": "t", "key": "k", "value": b"\x00\xff" * i, "created_at": t}
                for i, t in enumerate(times)]

    with db.write() as s:
        s.execute(insert(OutboxEvent.__table__), rows("core"))
        insert_many(s, OutboxEvent.__table__, rows("fast"))
    with db.session() as s:
        stored = s.execute(text("SELECT event_id, value, created_at, typeof(created_at), sent_at FROM outbox "
                                "ORDER BY seq")).all()
        read = s.execute(select(OutboxEvent.event_id, OutboxEvent.created_at).order_by(OutboxEvent.seq)).all()
    core, fast = stored[:3], stored[3:]
    assert [r[1:] for r in core] == [r[1:] for r in fast]
    assert [r.created_at for r in read[3:]] == [t.astimezone(timezone.utc) for t in times]
    with pytest.raises(ValueError, match="naive datetime"), db.write() as s:
        insert_many(s, OutboxEvent.__table__, [{**rows("naive")[0], "created_at": datetime(2030, 1, 1)}])
    db.close()


def test_upgrading_normalises_the_plates_typed_before(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branches (code, name, zip_code, time_zone, lead_time_minutes, "
                          "min_rental_minutes, turnaround_minutes) VALUES ('B', 'B', '10001', 'UTC', 120, 1440, 0)"))
        conn.execute(text("INSERT INTO vehicle_classes (code, name, day_rate) VALUES ('SUV', 'Suv', 80)"))
        for car_id, plate in ((1, "AB 123"), (2, "ab-123"), (3, "CD-9"), (4, "EF1")):
            conn.execute(text(
                "INSERT INTO cars (car_id, plate_number, model, year, color, transmission, cost_per_day, status, "
                "vehicle_class, zip_code, odometer) VALUES (:id, :plate, 'M', 2024, 'Red', 'manual', 50, "
                "'available', 'SUV', '10001', 0)"), {"id": car_id, "plate": plate})
    upgrade(engine)
    with engine.connect() as conn:
        plates = dict(conn.execute(text("SELECT car_id, plate_number FROM cars")).all())
    # the second spelling of AB123 keeps its plate (a manager corrects it): nothing merged, nothing lost
    assert plates == {1: "AB123", 2: "ab-123", 3: "CD9", 4: "EF1"}
    engine.dispose()


def test_0005_takes_head_office_car_for_decided_reservations_and_keeps_the_pool_triggers(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO vehicle_classes (code, name, day_rate) VALUES ('SUV', 'Suv', 70)"))
        conn.execute(text("INSERT INTO branches (code, name, zip_code, time_zone, lead_time_minutes, "
                          "min_rental_minutes, turnaround_minutes) VALUES ('B1', 'B1', '10001', 'UTC', 0, 60, 0)"))
        conn.execute(text("INSERT INTO cars (car_id, plate_number, model, year, color, transmission, cost_per_day, "
                          "status, vehicle_class, zip_code, odometer) "
                          "VALUES (7, 'P7', 'M', 2025, 'W', 'auto', 90, 'available', 'SUV', '10001', 0)"))
        conn.execute(text("INSERT INTO customers (id, email, name, phone, licence_number, created_at) "
                          "VALUES ('c', 'c@example.com', 'C', '', '', '2030-01-01 00:00:00')"))
        for rid, hq_version in (("decided", 2), ("pending", 0)):
            conn.execute(text(
                "INSERT INTO reservations (id, reference, customer_id, vehicle_class, zip_code, car_id, pinned, "
                "start_at, end_at, status, price, version, created_at, updated_at, status_reason, source, "
                "hq_version) VALUES (:id, :id, 'c', 'SUV', '10001', 7, 0, '2030-01-02 00:00:00', "
                "'2030-01-03 00:00:00', 'confirmed', 90, 2, '2030-01-01 00:00:00', '2030-01-01 00:00:00', '', "
                "'B1', :hq)"), {"id": rid, "hq": hq_version})
        before = conn.scalar(text("SELECT version FROM pool_versions WHERE vehicle_class = 'SUV'"))
    upgrade(engine)
    with engine.begin() as conn:
        assert dict(conn.execute(text("SELECT id, hq_car_id FROM reservations")).all()) == {
            "decided": 7, "pending": None}
        after = conn.scalar(text("SELECT version FROM pool_versions WHERE vehicle_class = 'SUV'"))
        conn.execute(text("UPDATE reservations SET version = 3"))
        assert conn.scalar(text("SELECT version FROM pool_versions WHERE vehicle_class = 'SUV'")) > after > before
    engine.dispose()


def test_0006_gives_branches_the_default_limits_and_unit_and_keeps_the_pool_triggers(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branches (code, name, zip_code, time_zone, lead_time_minutes, "
                          "min_rental_minutes, turnaround_minutes) VALUES ('B1', 'B1', '10001', 'UTC', 0, 60, 0)"))
    upgrade(engine)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT max_rental_minutes, horizon_days, distance_unit FROM branches")).one() == (
            90 * 24 * 60, 730, "mi")
        triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert POOL_VERSION_TRIGGERS <= triggers
    engine.dispose()


def test_0021_marks_the_rows_of_before_it_as_not_knowing_their_extras_nor_wall_clock_days(tmp_path):
    """A reservation of before 0021 has ``[]`` for extras without knowing (extras had not travelled),
    and was quoted in 24-hour days: 0 and 0; one written after says both (1, the model's defaults)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}")
    upgrade(engine, "0019")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branches (code, name, zip_code, time_zone, lead_time_minutes, "
                          "min_rental_minutes, turnaround_minutes) VALUES ('B1', 'B1', '10001', 'UTC', 0, 60, 0)"))
        conn.execute(text("INSERT INTO vehicle_classes (code, name, day_rate) VALUES ('SUV', 'SUV', 80)"))
        conn.execute(text("INSERT INTO cars (plate_number, model, year, color, transmission, cost_per_day, status, "
                          "vehicle_class, zip_code, odometer) VALUES ('P1', 'M', 2025, 'W', 'auto', 80, "
                          "'available', 'SUV', '10001', 0)"))
        conn.execute(text("INSERT INTO customers (id, email, name, phone, licence_number, created_at) "
                          "VALUES ('c1', 'a@example.com', 'A', '', '', '2030-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO reservations (id, reference, customer_id, vehicle_class, zip_code, car_id, "
                          "pinned, start_at, end_at, status, price, version, created_at, updated_at, status_reason) "
                          "VALUES ('r1', 'R1', 'c1', 'SUV', '10001', 1, 0, '2030-01-02 00:00:00', "
                          "'2030-01-03 00:00:00', 'confirmed', 80, 1, '2030-01-01 00:00:00', "
                          "'2030-01-01 00:00:00', '')"))
        triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    upgrade(engine)
    with engine.begin() as conn:
        # every trigger kept (later migrations add their own, e.g. the audit log's)
        assert set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()) >= triggers
        assert conn.execute(text("SELECT extras_json, extras_known, wall_clock_days FROM reservations")).one() == (
            "[]", 0, 0)
    engine.dispose()
    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    with db.write() as s:
        old = s.get_one(Reservation, "r1")
        assert old.extras_known is False and old.wall_clock_days is False
        new = Reservation(id="r2", reference="R2", customer_id="c1", vehicle_class="SUV", zip_code="10001", car_id=1,
                          start_at=old.start_at, end_at=old.end_at, status="cancelled", price=Decimal(80),
                          created_at=old.created_at, updated_at=old.updated_at)
        s.add(new)
        s.flush()
        assert new.extras_known is True and new.wall_clock_days is True
    db.close()


def test_0032_puts_head_office_s_earlier_car_records_above_every_branch_s_so_they_go_out(tmp_path):
    """A car record head office kept before 0032 is version 1 (a branch's cars start at 0: it is
    taken), and a mark of before says the agreement's check-out location; a car has no reading yet."""
    from rentaldesk.sync.car_record import car_records

    a1 = "00000000-0000-4000-8000-0000000000a1"  # the agreement's id
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite'}")
    upgrade(engine, "0028")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branches (code, name, zip_code, time_zone, lead_time_minutes, "
                          "min_rental_minutes, turnaround_minutes) VALUES ('B1', 'B1', '10001', 'UTC', 0, 60, 0)"))
        conn.execute(text("INSERT INTO vehicle_classes (code, name, day_rate) VALUES ('SUV', 'SUV', 80)"))
        conn.execute(text("INSERT INTO cars (plate_number, model, year, color, transmission, cost_per_day, status, "
                          "vehicle_class, zip_code, odometer) VALUES ('P1', 'M', 2025, 'W', 'auto', 80, "
                          "'available', 'SUV', '10001', 900)"))
        conn.execute(text("INSERT INTO hq_agreements (id, number, reservation_id, zip_code, plate_number, status, "
                          f"stage, version, source, balance, snapshot, updated_at) VALUES ('{a1}', 'B1-000001', 'r1', "
                          "'10001', 'P1', 'returned', 'checked-in', 2, 'B1', '0.00', x'7b7d', '2030-01-03 00:00:00')"))
        conn.execute(text("INSERT INTO hq_car_records (plate_number, odometer, fuel_eighths, zip_code, on_rent, "
                          f"damage_count, agreement_id, read_at) VALUES ('P1', 1200, 7, '10001', 0, 1, '{a1}', "
                          "'2030-01-03 00:00:00')"))
        conn.execute(text("INSERT INTO hq_car_damage (plate_number, agreement_id, zone, x, y, note, stage, "
                          f"recorded_at) VALUES ('P1', '{a1}', 'roof', 0.5, 0.5, 'hail', 'in', '2030-01-03 00:00:00')"))
    upgrade(engine)
    engine.dispose()
    db = open_database(f"sqlite:///{tmp_path / 'hq.sqlite'}")
    with db.session() as s:
        (record,) = car_records(s).values()
        car = s.scalars(select(Car)).one()
    assert (record.version, record.odometer, record.stage, record.agreement_number) == (1, 1200, "in", "B1-000001")
    assert [(m.zone, m.note, m.zip_code) for m in record.damage] == [("roof", "hail", "10001")]
    assert (car.record_version, car.read_at, car.fuel_eighths, car.read_agreement) == (0, None, None, "")
    db.close()
