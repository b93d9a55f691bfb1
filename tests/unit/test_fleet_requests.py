"""Head office applying a branch's car change: checked again, applied, or refused with a reason."""

from __future__ import annotations

from sqlalchemy import select

from rentaldesk.hq.fleet_requests import apply_car_request
from rentaldesk.models import Car, OutboxEvent
from rentaldesk.sync.envelope import Envelope, decode, time_text

from ..conftest import day


def request(car: dict) -> Envelope:
    return Envelope(type="fleet.car-change-requested", payload={"car": car, "requested_at": time_text(day(0))},
                    source="BOS-DT")


CAR = {"plate_number": "NEW1", "model": "Kia Niro", "year": 2026, "color": "Blue", "transmission": "automatic",
       "cost_per_day": "52.00", "status": "available", "vehicle_class": "SUV", "zip_code": "10001",
       "odometer": 10, "driver_licence": None}


def test_a_new_car_is_added_and_an_edit_applied(db, fleet):
    fleet.cars(1)
    with db.write() as s:
        changes = apply_car_request(s, request(CAR), day(0))
    assert changes.cars
    with db.write() as s:
        apply_car_request(s, request({**CAR, "color": "Red", "odometer": 500}), day(0))
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
    held = {**CAR, "plate_number": plate, "status": "maintenance"}
    with db.write() as s:
        assert not apply_car_request(s, request(held), day(0))
    with db.session() as s:
        assert s.get(Car, car_id).status == "available"
        rejection = decode(s.scalar(select(OutboxEvent.value)))
    assert rejection.type == "fleet.car-change-rejected"
    assert "is held by reservation" in rejection.payload["reason"]
    with db.write() as s:
        assert not apply_car_request(s, request({**CAR, "year": 1800}), day(0))
    with db.session() as s:
        assert s.scalar(select(Car).where(Car.plate_number == "NEW1")) is None
