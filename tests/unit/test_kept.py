"""What a search keeps between requests (``Database.kept``: the location's pools and plans, the web's
catalogue) and that every change reaches the next search: a write of this process, of another
process on the same file, and head office's events applied on the web's replica as its sync loop
applies them. Real SQLite files throughout."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta

import msgspec
import pytest
from sqlalchemy import func, select

from rentaldesk import reservations
from rentaldesk.db import open_database
from rentaldesk.fleet import load_sample_data
from rentaldesk.models import Car, CarStatus, VehicleClass
from rentaldesk.models import Reservation as Row
from rentaldesk.reservations import ReservationService
from rentaldesk.sync.branch import apply_head_office_event_at_the_web
from rentaldesk.sync.envelope import Envelope
from rentaldesk.sync.events import Confirmed, FleetCar
from rentaldesk.sync.state import fleet_snapshot, reservation_state
from rentaldesk.web.storefront import Storefront

from ..conftest import Clock, day

BOSTON = "02108"
START, END = day(5), day(8)


@pytest.fixture
def loads(monkeypatch):
    """How many times the location's pools were read from the database."""
    seen = {"n": 0}
    read = reservations._location_pools

    def counted(s, zip_code):  # noqa: ANN001, ANN202
        seen["n"] += 1
        return read(s, zip_code)

    monkeypatch.setattr(reservations, "_location_pools", counted)
    return seen


def suvs(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Car).where(
            Car.zip_code == BOSTON, Car.vehicle_class == "SUV", Car.status == CarStatus.AVAILABLE.value))


# -- the store itself -----------------------------------------------------------------------------


def test_what_is_kept_is_read_again_after_any_commit_and_only_then(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    load_sample_data(db)
    reads = []

    def names(s):  # noqa: ANN001, ANN202
        reads.append(1)
        return tuple(s.scalars(select(VehicleClass.name).order_by(VehicleClass.code)))

    try:
        first = db.kept("names", names)
        assert db.kept("names", names) is first and len(reads) == 1
        with pytest.raises(RuntimeError), db.write() as s:  # rolled back: nothing committed
            s.get_one(VehicleClass, "SUV").name = "Big car"
            raise RuntimeError
        assert db.kept("names", names) is first and len(reads) == 1
        with db.write() as s:
            s.get_one(VehicleClass, "SUV").name = "Big car"
        assert "Big car" in db.kept("names", names) and len(reads) == 2
        # another process writes the file (the desk on the web's database): seen too
        subprocess.run([sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                        "c.execute(\"UPDATE vehicle_classes SET name = 'Huge car' WHERE code = 'SUV'\"); c.commit()",
                        str(tmp_path / "b.sqlite")], check=True)
        assert "Huge car" in db.kept("names", names) and len(reads) == 3
    finally:
        db.close()


def test_a_database_whose_changes_cannot_be_told_keeps_nothing():
    db = open_database("sqlite://")
    try:
        assert db.generation() is None
        reads = []
        for _ in range(3):
            db.kept("x", lambda s: reads.append(1))
        assert len(reads) == 3
    finally:
        db.close()


# -- the search -----------------------------------------------------------------------------------


@pytest.fixture
def branch(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}")
    load_sample_data(db)
    yield db
    db.close()


def test_a_booking_that_takes_the_last_car_is_never_answered_from_what_was_kept(branch, loads, tmp_path):
    clock = Clock()
    svc = ReservationService(branch, clock=clock)
    store = Storefront(svc)
    search = store.search({"zip_code": BOSTON, "start_date": "2030-03-09", "start_time": "10:00",
                           "end_date": "2030-03-12", "end_time": "10:00"})
    for n in range(suvs(branch) - 1):
        svc.create_reservation(email=f"c{n}@example.com", name=f"C {n}", vehicle_class="SUV", zip_code=BOSTON,
                               start=search.start, end=search.end)
    before = loads["n"]
    assert "SUV" in {o.vehicle_class for o in store.offers(search)}
    assert "SUV" in {o.vehicle_class for o in store.offers(search)}
    assert loads["n"] == before + 1  # the second search read no pool again
    last = svc.create_reservation(email="last@example.com", name="Last", vehicle_class="SUV", zip_code=BOSTON,
                                  start=search.start, end=search.end)
    assert "SUV" not in {o.vehicle_class for o in store.offers(search)}
    assert svc.is_rental_available(vehicle_class="SUV", zip_code=BOSTON, start=search.start, end=search.end) is False

    # the desk in another process cancels one on the same file: the next search has the car again
    desk = ReservationService(open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}"), clock=clock)
    desk.cancel_reservation(last.id)
    desk.db.close()
    assert "SUV" in {o.vehicle_class for o in store.offers(search)}
    # and a car put out of service by a plain SQL write from elsewhere (no service at all)
    with sqlite3.connect(tmp_path / "branch.sqlite") as raw:
        raw.execute("UPDATE cars SET status = 'maintenance' WHERE zip_code = ? AND vehicle_class = 'SUV'", (BOSTON,))
    assert "SUV" not in {o.vehicle_class for o in store.offers(search)}
    assert "SUV" not in store._examples(BOSTON)


def test_head_office_s_events_applied_on_the_web_s_replica_show_in_the_next_search(tmp_path, loads):
    """The web's replica fills from head office's events (the sync loop applies each in one write,
    by ``apply_head_office_event_at_the_web``): a booking head office confirmed, a car it put out of
    service or brought back, each changes the next search."""
    hq = open_database(f"sqlite:///{tmp_path / 'hq.sqlite'}")
    load_sample_data(hq)
    web = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    clock = Clock()

    def applied(event) -> None:  # noqa: ANN001
        with web.write() as s:
            apply_head_office_event_at_the_web(s, Envelope(payload=event, source="hq"), None)  # type: ignore[arg-type]

    try:
        with hq.session() as s:
            for record in fleet_snapshot(s).values():
                applied(record)
        head_office = ReservationService(hq, clock=clock)
        site = ReservationService(web, clock=clock)
        offered = lambda: set(site.offers_at(zip_code=BOSTON, start=START, end=END))  # noqa: E731
        for n in range(suvs(web)):
            assert "SUV" in offered()
            r = head_office.create_reservation(email=f"c{n}@example.com", name=f"C {n}", vehicle_class="SUV",
                                               zip_code=BOSTON, start=START, end=END)
            with hq.session() as s:
                applied(Confirmed(reservation=reservation_state(s, s.get_one(Row, r.id))))
        assert "SUV" not in offered()

        # the fleet: head office adds an SUV at Boston (room again), then sends it to the workshop
        with hq.session() as s:
            car = s.scalars(select(Car).where(Car.zip_code == BOSTON, Car.vehicle_class == "SUV")).first()
            assert car is not None
            record = fleet_snapshot(s)[f"car:{car.plate_number}"]
        assert isinstance(record, FleetCar)
        extra = msgspec.structs.replace(record, plate_number="NEW SUV 1", status=CarStatus.AVAILABLE.value)
        before = loads["n"]
        applied(extra)
        assert "SUV" in offered() and loads["n"] == before + 1
        assert "SUV" in offered() and loads["n"] == before + 1  # kept while nothing changes
        applied(msgspec.structs.replace(extra, status="maintenance"))
        assert "SUV" not in offered()
    finally:
        hq.close()
        web.close()


def test_every_class_still_answers_as_is_rental_available_across_writes(branch):
    """The kept pools and the one rule: after each of a run of bookings, the search's answer for
    every class is :meth:`is_rental_available`'s and its price :meth:`quote_charges`'."""
    clock = Clock()
    svc = ReservationService(branch, clock=clock)
    with branch.session() as s:
        classes = sorted(set(s.scalars(select(Car.vehicle_class).where(Car.zip_code == BOSTON))))
    for n in range(12):
        start = day(3 + n % 4, 2)
        end = start + timedelta(days=2)
        offered = svc.offers_at(zip_code=BOSTON, start=start, end=end)
        for code in classes:
            free = svc.is_rental_available(vehicle_class=code, zip_code=BOSTON, start=start, end=end)
            assert (code in offered) == free
            if free:
                assert offered[code] == svc.quote_charges(vehicle_class=code, zip_code=BOSTON, start=start, end=end)
        if offered:
            svc.create_reservation(email=f"c{n}@example.com", name=f"C {n}", vehicle_class=sorted(offered)[0],
                                   zip_code=BOSTON, start=start, end=end)


# (SQLAlchemy warns that it picks the singleton pool for mode=memory from the query string)
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")
@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///file:kept-mm?mode=memory&cache=shared&uri=true"])
def test_a_database_in_memory_keeps_nothing(url):
    """In memory a thread's writes and reads share one connection (SQLAlchemy's singleton pool),
    so no watch could see a commit: nothing is kept, and a change shows at once."""
    db = open_database(url)
    try:
        load_sample_data(db)

        def names(s):
            return tuple(s.scalars(select(VehicleClass.name).order_by(VehicleClass.code)))

        assert db.generation() is None
        assert "SUV" in db.kept("names", names)
        with db.write() as s:
            s.get_one(VehicleClass, "SUV").name = "Big car"
        assert "Big car" in db.kept("names", names)
    finally:
        db.close()


def test_a_watch_connection_replaced_forgets_what_was_kept(tmp_path):
    """The data version counts per connection: a new watch starts afresh, so a count equal to the
    old one must not pass for "nothing changed"."""
    db = open_database(f"sqlite:///{tmp_path / 'replica.sqlite'}")
    try:
        load_sample_data(db)

        def names(s):
            return tuple(s.scalars(select(VehicleClass.name).order_by(VehicleClass.code)))

        assert "SUV" in db.kept("names", names)
        with db.write() as s:
            s.get_one(VehicleClass, "SUV").name = "Big car"
        with db._watch_lock:
            db._drop_watch()  # as a failed read of the version does
        db._kept_at = db.generation()  # the worst case: the new count equals the one kept at
        assert "Big car" in db.kept("names", names)
    finally:
        db.close()
