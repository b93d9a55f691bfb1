"""The channel a reservation is booked through (migration 0025): the counter for every path but the
web, kept through a change; an unknown one refused with nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rentaldesk.errors import InvalidInput
from rentaldesk.models import Reservation as Row
from tests.conftest import day


def channel_of(svc, reservation_id: str) -> str:
    with svc.db.session() as s:
        return s.scalar(select(Row.channel).where(Row.id == reservation_id)) or ""


def test_the_counter_by_default_and_the_web_when_it_says_so(svc, fleet):
    fleet.cars(2)
    counter = svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                                     start=day(1), end=day(2))
    web = svc.create_reservation(email="b@example.com", name="B", vehicle_class="SUV", zip_code="10001",
                                 start=day(1), end=day(2), channel="web")
    assert (channel_of(svc, counter.id), channel_of(svc, web.id)) == ("counter", "web")
    svc.update_reservation(web.id, end=day(2, 2), accept_price=svc.quote(
        vehicle_class="SUV", zip_code="10001", start=day(1), end=day(2, 2)))
    assert channel_of(svc, web.id) == "web"


def test_an_unknown_channel_is_refused_and_nothing_saved(svc, fleet):
    fleet.cars(1)
    with pytest.raises(InvalidInput) as caught:
        svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(2), channel="fax")
    assert caught.value.field == "channel" and "'fax'" in caught.value.message
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Row)) == 0


def test_a_branch_applying_head_offices_state_keeps_its_channel(db, fleet):
    """Head office's state does not carry the channel: a web booking stays 'web' at the branch when
    head office's confirmation (or a later version) is applied; a reservation new to the branch
    from head office is 'counter'."""
    import uuid

    from sqlalchemy import update

    from tests.unit.sync.test_state import apply, row, state

    from rentaldesk.models import Car

    a, _b = fleet.cars(2)
    with db.session() as s:
        plate = s.scalar(select(Car.plate_number).where(Car.car_id == a))
    rid = str(uuid.uuid4())
    apply(db, state(rid, plate))
    assert row(db, rid).channel == "counter"
    with db.write() as s:
        s.execute(update(Row).where(Row.id == rid).values(channel="web"))
    apply(db, state(rid, plate, version=2, phone="555"))
    assert (row(db, rid).version, row(db, rid).channel) == (2, "web")
