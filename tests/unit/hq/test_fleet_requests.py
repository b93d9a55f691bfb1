"""Head office applying a branch's car change: checked again, applied, or refused with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from rentaldesk.hq.fleet_requests import apply_car_request
from rentaldesk.models import Car, OutboxEvent
from rentaldesk.reservations import Changes
from rentaldesk.sync import events as ev
from rentaldesk.sync.envelope import Envelope, decode

from tests.conftest import day


def request(car: dict) -> Envelope:
    car = {**car, "cost_per_day": Decimal(car["cost_per_day"])}
    return Envelope(payload=ev.CarChangeRequested(car=ev.CarState(**car), requested_at=day(0)), source="BOS-DT")


CAR = {"plate_number": "NEW1", "model": "Kia Niro", "year": 2026, "color": "Blue", "transmission": "automatic",
       "cost_per_day": "52.00", "status": "available", "vehicle_class": "SUV", "zip_code": "10001",
       "odometer": 10, "driver_licence": None}


def test_a_new_car_is_added_and_an_edit_applied(db, fleet):
    fleet.cars(1)
    with db.write() as s:
        changes, _moved = apply_car_request(s, request(CAR), day(0), lock=db.lock_pool)
    assert changes.cars
    with db.write() as s:
        apply_car_request(s, request({**CAR, "color": "Red", "odometer": 500}), day(0), lock=db.lock_pool)
    with db.session() as s:
        car = s.scalar(select(Car).where(Car.plate_number == "NEW1"))
        assert (car.color, car.odometer) == ("Red", 500)
        assert s.scalar(select(OutboxEvent)) is None


def test_a_refused_change_writes_nothing_but_the_rejection(db, fleet, svc):
    (car_id,) = fleet.cars(1)
    with db.session() as s:
        plate = s.get(Car, car_id).plate_number
    svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                           start=day(1), end=day(2))
    held = {**CAR, "plate_number": plate, "status": "retired", "odometer": 1000}
    with db.write() as s:
        assert apply_car_request(s, request(held), day(0), lock=db.lock_pool) == (Changes(), {})
    with db.session() as s:
        assert s.get(Car, car_id).status == "available"
        rejection = decode(s.scalar(select(OutboxEvent.value)))
    assert rejection.type == "fleet.car-change-rejected"
    assert "cannot be retired" in rejection.payload.reason
    with db.write() as s:
        assert apply_car_request(s, request({**CAR, "year": 1800}), day(0), lock=db.lock_pool) == (Changes(), {})
    with db.session() as s:
        assert s.scalar(select(Car).where(Car.plate_number == "NEW1")) is None


def test_a_fleet_file_at_a_branch_of_a_network_goes_to_head_office(db, fleet, svc, tmp_path):
    """Head office owns the fleet: a branch's file is checked here, then each car is a request."""
    from rentaldesk.errors import FleetFileError
    from rentaldesk.fleet import import_fleet
    from rentaldesk.sync.branch import BranchOutbox

    (car_id,) = fleet.cars(1)
    with db.session() as s:
        plate = s.get(Car, car_id).plate_number
    svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                           start=day(1), end=day(2))
    header = "plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code,status,odometer"
    good = tmp_path / "good.csv"
    good.write_text(f"{header}\nnew-2,Kia Niro,2026,Blue,automatic,52.00,SUV,10001,available,0\n"
                    f"{plate},Test Model,2025,Red,automatic,90.00,SUV,10001,available,1000\n")
    link = BranchOutbox("BOS-DT")
    assert import_fleet(db, good, link=link).count == 2
    with db.session() as s:
        assert s.scalar(select(Car).where(Car.plate_number == "NEW2")) is None  # nothing here yet
        assert s.get(Car, car_id).color == "White"
        sent = [decode(v) for v in s.scalars(select(OutboxEvent.value).order_by(OutboxEvent.seq))]
    assert [(e.type, e.payload.car.plate_number) for e in sent] == [
        ("fleet.car-change-requested", "NEW2"), ("fleet.car-change-requested", plate)]
    # the same rules refuse here first: the held car's retirement is refused, nothing is sent
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\n{plate},Test Model,2025,Red,automatic,90.00,SUV,10001,retired,1000\n")
    with pytest.raises(FleetFileError, match="cannot be retired"):
        import_fleet(db, bad, link=link)
    with db.session() as s:
        assert len(list(s.scalars(select(OutboxEvent.seq)))) == 2


def test_head_office_gives_a_reservation_needing_a_car_the_car_a_branch_asks_for(db, fleet, svc, clock):
    """The way out travels as a request: head office applies it by the same engine function, and
    publishes the changed reservation; a refused one comes back with head office's state."""
    from rentaldesk.cars import update_car
    from rentaldesk.hq.authority import BookingAuthority
    from rentaldesk.sync.inbox import Delivery

    (suv,) = fleet.cars(1, "SUV", rate="80.00")
    (lux,) = fleet.cars(1, "LUXURY", rate="150.00")
    (eco,) = fleet.cars(1, "ECONOMY", rate="40.00")
    r = svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    with db.session() as s:
        car = s.get(Car, suv)
        values = {k: getattr(car, k) for k in ("plate_number", "model", "year", "color", "transmission",
                                                "cost_per_day", "vehicle_class", "zip_code", "odometer")}
        plates = {c.car_id: c.plate_number for c in s.scalars(select(Car))}
    update_car(db, suv, {**values, "status": "maintenance"}, now=clock())
    authority = BookingAuthority(db, clock=clock)
    where = Delivery("booking-requests", 0, 0, None)

    def ask(car_id):
        envelope = Envelope(source="BOS-DT", payload=ev.CarAssignRequested(
            reservation_id=r.id, car_plate=plates[car_id], requested_at=clock()))
        with db.write() as s:
            authority(s, envelope, where)
        with db.session() as s:
            return decode(s.scalars(select(OutboxEvent.value).order_by(OutboxEvent.seq.desc())).first())

    refused = ask(eco)
    assert refused.type == "reservation.rejected" and "below the SUV booked" in refused.payload.reservation.reason
    assert refused.payload.reservation.car_plate == plates[suv]
    done = ask(lux)
    assert done.type == "reservation.changed"
    state = done.payload.reservation
    assert (state.car_plate, state.vehicle_class, state.pinned, state.price) == (plates[lux], "LUXURY", True, r.price)
    assert not svc.get_reservation(r.id).needs_car


def test_a_car_added_at_a_branch_is_a_whole_request_head_office_applies(db, fleet, tmp_path):
    """The dialog's add at a branch of a network: the request carries every field (status and
    odometer defaulted as for a local add), and head office applies it by the same rules."""
    from rentaldesk.cars import add_car
    from rentaldesk.db import open_database
    from rentaldesk.sync.branch import BranchOutbox

    fleet.cars(1)
    values = {"plate_number": "new 9", "model": "Kia Niro", "year": "2026", "color": "Blue",
              "transmission": "automatic", "cost_per_day": "52.00", "vehicle_class": "SUV", "zip_code": "10001"}
    assert add_car(db, values, link=BranchOutbox("BOS-DT")) is None
    with db.session() as s:
        sent = decode(s.scalar(select(OutboxEvent.value)))  # decoding checks the schema
        assert s.scalar(select(Car).where(Car.plate_number == "NEW9")) is None
    assert (sent.payload.car.plate_number, sent.payload.car.status, sent.payload.car.odometer) == ("NEW9", "available", 0)
    hq = open_database(f"sqlite:///{tmp_path / 'hq.sqlite'}")
    try:
        from tests.conftest import PoolBuilder

        PoolBuilder(hq).cars(1)
        with hq.write() as s:
            changes, moved = apply_car_request(s, sent, day(0), lock=hq.lock_pool)
        assert changes.cars and moved == {}
        with hq.session() as s:
            assert s.scalar(select(Car.status).where(Car.plate_number == "NEW9")) == "available"
    finally:
        hq.close()
