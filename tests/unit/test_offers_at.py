"""``ReservationService.offers_at``: every class of a location answered from one read, by the rule
``is_rental_available`` applies, with ``quote_charges``' price (a real SQLite file, a busy pool)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from rentaldesk.db import open_database
from rentaldesk.errors import InvalidPeriod, NotAvailable, UnknownPool
from rentaldesk.fleet import load_sample_data
from rentaldesk.models import Branch, Car
from rentaldesk.reservations import ReservationService

from ..conftest import Clock, day

BOSTON = "02108"


@pytest.fixture
def busy(tmp_path):
    """The sample's branches, Boston with a turnaround of 90 minutes and a crowded month ahead."""
    db = open_database(f"sqlite:///{tmp_path / 'branch.sqlite'}")
    load_sample_data(db)
    with db.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == BOSTON).values(turnaround_minutes=90))
    clock = Clock()
    svc = ReservationService(db, clock=clock)
    rng = random.Random(12)
    with db.session() as s:
        classes = sorted(set(s.scalars(select(Car.vehicle_class).where(Car.zip_code == BOSTON))))
    for n in range(160):
        start = day(1 + rng.randrange(0, 28), rng.choice((0, 3, 7, 22)))
        try:
            svc.create_reservation(email=f"c{n}@example.com", name=f"Customer {n}", vehicle_class=rng.choice(classes),
                                   zip_code=BOSTON, start=start, end=start + timedelta(days=rng.randrange(1, 6),
                                                                                        hours=rng.choice((0, 5))))
        except NotAvailable:
            pass
    yield svc, classes
    db.close()


def test_every_class_answers_as_is_rental_available_and_quote_charges(busy):
    svc, classes = busy
    rng = random.Random(5)
    free_seen = full_seen = 0
    for _ in range(60):
        start = day(1 + rng.randrange(0, 30), rng.choice((0, 2, 9)))
        end = start + timedelta(days=rng.choice((1, 2, 4, 9)), hours=rng.choice((0, 6)))
        offered = svc.offers_at(zip_code=BOSTON, start=start, end=end)
        for code in classes:
            available = svc.is_rental_available(vehicle_class=code, zip_code=BOSTON, start=start, end=end)
            assert (code in offered) == available, (code, start, end)
            if available:
                free_seen += 1
                assert offered[code] == svc.quote_charges(vehicle_class=code, zip_code=BOSTON, start=start, end=end)
            else:
                full_seen += 1
        one = svc.offers_at(zip_code=BOSTON, start=start, end=end, vehicle_class=classes[0])
        assert set(one) == ({classes[0]} & set(offered))
    assert free_seen and full_seen  # the month is busy enough for both answers


def test_a_class_with_no_car_in_service_there_is_left_out_and_the_rules_still_refuse(busy):
    svc, _ = busy
    with svc.db.write() as s:
        s.execute(update(Car).where(Car.zip_code == BOSTON, Car.vehicle_class == "VAN").values(status="maintenance"))
    assert "VAN" not in svc.offers_at(zip_code=BOSTON, start=day(40), end=day(42))
    with pytest.raises(InvalidPeriod):  # the period's rules, as is_rental_available says them
        svc.offers_at(zip_code=BOSTON, start=day(40), end=day(40, 3))
    with pytest.raises(UnknownPool):
        svc.offers_at(zip_code="99999", start=day(40), end=day(42))
