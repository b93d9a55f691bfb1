"""Every branch sees the same car record, through the real broker (issue 11, item 10): a car booked
one-way at Boston and checked in at Chicago with new damage; head office records it from the
agreement and publishes the car's record on the fleet topic; the Chicago counter, another
database, shows that damage and the reading at its check-out, and refuses an odometer below it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from rentaldesk import contracts, rates
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.errors import RentalError
from rentaldesk.models import Car
from rentaldesk.models import Reservation as Row

from tests.contract_helpers import check_in_value, check_out_value, may_rent

from .network import Network, statuses, wait_for

DENT = DamageMark(Zone.REAR, 0.5, 0.97, "dent in the rear bumper, 6 cm")


@pytest.fixture
def network(kafka_broker, topic_prefix, tmp_path):
    net = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    yield net
    net.close()


def _car(db, plate: str) -> Car:  # noqa: ANN001
    with db.session() as s:
        car = s.scalars(select(Car).where(Car.plate_number == plate)).one()
        s.expunge(car)
        return car


def _damage(db, plate: str) -> list[tuple[str, str]]:  # noqa: ANN001
    with db.session() as s:
        car_id = s.scalar(select(Car.car_id).where(Car.plate_number == plate))
        assert car_id is not None
        return [(m.stage, m.note) for m in contracts.existing_damage(s, car_id)]


def test_damage_marked_at_a_one_way_check_in_shows_at_the_other_branch(network):
    network.start_hq()
    bos = network.add_branch("BOS-DT")
    ord_ = network.add_branch("ORD-AP")
    with bos.db.write() as s:  # the branch's rates, as head office's sample has them
        rates.save_drop_fee(s, "02108", "60666", Decimal("150.00"))
    soon = datetime.now(timezone.utc) + timedelta(hours=3)
    r = bos.service.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV",
                                       zip_code="02108", start=soon, end=soon + timedelta(days=1),
                                       return_zip_code="60666")
    wait_for(lambda: statuses(bos.db).get(r.id, ("",))[0] == "confirmed", what="the one-way confirmed")
    assert network.hq_db is not None
    with network.hq_db.session() as s:
        plate = s.get_one(Car, s.get_one(Row, r.id).car_id).plate_number
    may_rent(bos.db, r.customer_id)
    view = bos.service.check_out(check_out_value(r.id, odometer=_car(bos.db, plate).odometer))
    back = bos.service.check_in(check_in_value(view.id, datetime.now(timezone.utc), zip_code="60666",
                                               odometer=view.out.odometer + 900, fuel_eighths=5, damage=(DENT,),
                                               damage_charge=Decimal("120.00")))
    assert back.returned is not None

    # Chicago's counter: the car's record from head office, with Boston's marks and the reading
    wait_for(lambda: _car(ord_.db, plate).read_agreement == view.number and ("in", DENT.note) in _damage(ord_.db, plate),
             what="the car's record from Boston's check-in at Chicago")
    car = _car(ord_.db, plate)
    assert (car.zip_code, car.odometer, car.fuel_eighths, car.read_zip_code) == (
        "60666", view.out.odometer + 900, 5, "60666")
    assert _damage(ord_.db, plate) == [("out", "scratch on the door, 4 cm"), ("in", DENT.note)]

    # it rents the car out at Chicago: below Boston's reading is refused, naming it
    later = datetime.now(timezone.utc) + timedelta(hours=3)
    r2 = ord_.service.create_reservation(email="bo@example.com", name="Bo Chen", vehicle_class="SUV",
                                         zip_code="60666", start=later, end=later + timedelta(days=1),
                                         car_id=car.car_id)
    wait_for(lambda: statuses(ord_.db).get(r2.id, ("",))[0] == "confirmed", what="Chicago's booking confirmed")
    may_rent(ord_.db, r2.customer_id)
    with pytest.raises(RentalError) as refused:
        ord_.service.check_out(check_out_value(r2.id, odometer=car.odometer - 100, damage=()))
    assert refused.value.field == "odometer"
    assert f"below the {car.odometer:,} recorded for {plate} (its last reading, agreement {view.number}" \
        in refused.value.message
    out = ord_.service.check_out(check_out_value(r2.id, odometer=car.odometer, damage=()))
    assert [m.note for m in out.existing_damage] == ["scratch on the door, 4 cm", DENT.note]
