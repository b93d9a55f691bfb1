"""A branch's longest rental and booking horizon: read from the branches file, carried on the fleet
topic, and applied by every path that decides a booking (a branch's service, head office's batch
and one-by-one decisions) through rules.check_period."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from zoneinfo import ZoneInfo
from sqlalchemy import select, update

from rentaldesk.errors import FleetFileError, InvalidPeriod
from rentaldesk.fleet import import_branches
from rentaldesk.hq.authority import BookingAuthority
from rentaldesk.models import Branch
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.inbox import EventConsumer
from rentaldesk.sync.state import apply_fleet_record, branch_record
from rentaldesk.sync.topics import Topics
from tests.conftest import T0
from tests.fakes import Record
from tests.unit.hq.test_batch_authority import TOPIC, ZIPS, FakeKafka, make_hq, requested, snapshot

DAY = timedelta(days=1)


def test_the_defaults_are_90_days_long_and_2_years_ahead(db, fleet, svc):  # noqa: ANN001
    fleet.cars(1)
    # on the branch's clock (New York): 90 days from 7 Mar are 90 days and an hour in UTC steps, over
    # the clock change of 10 Mar; an aware time of the branch's zone plus days keeps its wall time
    start = (svc.clock() + 3 * DAY).astimezone(ZoneInfo("America/New_York"))
    with pytest.raises(InvalidPeriod, match="at most 90 days;"):
        svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=start, end=start + 91 * DAY)
    with pytest.raises(InvalidPeriod, match="at most 730 days ahead"):
        svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=start + 730 * DAY, end=start + 732 * DAY)
    svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                           start=start, end=start + 90 * DAY)


def test_a_branch_s_own_limits_apply_to_booking_and_changing(db, fleet, svc):  # noqa: ANN001
    fleet.cars(2)
    with db.write() as s:
        s.execute(update(Branch).values(max_rental_minutes=3 * 24 * 60, horizon_days=10))
    start = svc.clock() + 1 * DAY  # the 4 days asked end before the clock change of 10 Mar
    r = svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=start, end=start + 3 * DAY)
    with pytest.raises(InvalidPeriod, match="at most 3 days; this one is 1 day too long"):
        svc.update_reservation(r.id, end=start + 4 * DAY)
    with pytest.raises(InvalidPeriod, match="at most 10 days ahead"):
        svc.update_reservation(r.id, start=svc.clock() + 11 * DAY, end=svc.clock() + 12 * DAY)
    with pytest.raises(InvalidPeriod, match="at most 10 days ahead"):
        svc.is_rental_available(vehicle_class="SUV", zip_code="10001", start=svc.clock() + 11 * DAY,
                                end=svc.clock() + 12 * DAY)


@pytest.mark.parametrize("batched", [True, False])
def test_head_office_applies_the_branch_s_limits(tmp_path, batched):  # noqa: ANN001
    db = make_hq(tmp_path / "hq.sqlite")
    with db.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == ZIPS[0]).values(max_rental_minutes=3 * 24 * 60,
                                                                          horizon_days=10))
    start = T0 + 2 * DAY
    events = [
        requested(str(uuid.uuid4()), "OK", "a@example.com", "A", "SUV", ZIPS[0], start, start + 3 * DAY),
        requested(str(uuid.uuid4()), "LONG", "b@example.com", "B", "SUV", ZIPS[0], start, start + 4 * DAY),
        requested(str(uuid.uuid4()), "FAR", "c@example.com", "C", "SUV", ZIPS[0], T0 + 11 * DAY, T0 + 12 * DAY),
        # the other branch keeps the defaults
        requested(str(uuid.uuid4()), "OTHER", "d@example.com", "D", "SUV", ZIPS[1], start, start + 80 * DAY),
    ]
    kafka = FakeKafka([{(TOPIC, 0): [Record(TOPIC, 0, i, b"k", e.encode()) for i, e in enumerate(events)]}])
    authority = BookingAuthority(db, clock=lambda: T0, wake=threading.Event())
    consumer = EventConsumer(db, kafka, authority, topics=Topics(), dead_letter=kafka, name="hq", batched=batched)
    while kafka.batches:
        consumer.poll_once()
    with db.session() as s:
        confirmed = set(s.scalars(select(Row.reference).where(Row.status == "confirmed")))
    outbox = snapshot(db)["outbox"]
    db.close()
    assert confirmed == {"OK", "OTHER"}
    rejected = {o[4]["reservation"]["reference"]: o[4]["reservation"]["reason"] for o in outbox
                if o[2] == "reservation.rejected"}
    assert set(rejected) == {"LONG", "FAR"}
    assert "at most 3 days" in rejected["LONG"] and "at most 10 days ahead" in rejected["FAR"]


def test_the_branches_file_sets_the_limits_and_the_fleet_topic_carries_them(db, tmp_path):  # noqa: ANN001
    path = tmp_path / "branches.csv"
    path.write_text("code,name,zip_code,time_zone,max_rental_minutes,horizon_days,distance_unit\n"
                    "PAR,Paris,75001,Europe/Paris,20160,365,km\n"
                    "BOS,Boston,02108,America/New_York,,,\n", encoding="utf-8")
    assert import_branches(db, path).count == 2
    with db.session() as s:
        paris, boston = (s.scalar(select(Branch).where(Branch.code == c)) for c in ("PAR", "BOS"))
        assert (paris.max_rental_minutes, paris.horizon_days, paris.distance_unit) == (20160, 365, "km")
        assert (boston.max_rental_minutes, boston.horizon_days, boston.distance_unit) == (129600, 730, "mi")
        record = branch_record(paris)
    assert (record.max_rental_minutes, record.horizon_days, record.distance_unit) == (20160, 365, "km")
    with db.write() as s:
        s.execute(update(Branch).where(Branch.code == "PAR").values(horizon_days=1, distance_unit="mi"))
    with db.write() as s:
        apply_fleet_record(s, record, T0)
    with db.session() as s:
        paris = s.scalar(select(Branch).where(Branch.code == "PAR"))
        assert (paris.horizon_days, paris.distance_unit) == (365, "km")


@pytest.mark.parametrize(("column", "value"), [("max_rental_minutes", "0"), ("horizon_days", "99999999999"),
                                               ("horizon_days", "2.5"), ("distance_unit", "miles")])
def test_a_bad_limit_in_the_branches_file_names_its_line_and_field(db, tmp_path, column, value):  # noqa: ANN001
    path = tmp_path / "branches.csv"
    path.write_text(f"code,name,zip_code,time_zone,{column}\nPAR,Paris,75001,Europe/Paris,{value}\n", encoding="utf-8")
    with pytest.raises(FleetFileError) as exc:
        import_branches(db, path)
    assert [(line, field) for line, field, _ in exc.value.problems] == [(2, column)]
    with db.session() as s:
        assert s.scalar(select(Branch)) is None


