"""What a reservation's row says of itself survives head office's answers (the review of the merged
work): how its days were quoted (a row of before the wall-clock rule keeps counting 24-hour days),
and the channel it was booked through, which head office records for a web booking. Real parts, no
broker (the in-process network of test_reservation_lifecycle)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from rentaldesk.models import Reservation as Row
from tests.conftest import day

from .test_reservation_lifecycle import Net


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "one-by-one"])
def test_a_row_quoted_in_24_hour_days_keeps_it_after_head_office_answers(tmp_path, batched):
    net = Net(tmp_path, cars=2, batched=batched)
    bos = net.branch("BOS")
    r = bos.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    net.settle()
    for db in (net.branches["BOS"].db, net.hq.db):  # as migration 0021 leaves a row of the previous release
        with db.write() as s:
            s.execute(update(Row).where(Row.id == r.id).values(wall_clock_days=False))
    bos.update_reservation(r.id, name="Ann B. Lee")
    net.settle()
    assert net.row("BOS", r.id).wall_clock_days is False
    with net.hq.db.session() as s:
        assert s.get_one(Row, r.id).wall_clock_days is False
    net.close()


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "one-by-one"])
def test_head_office_records_a_web_booking_s_channel(tmp_path, batched):
    net = Net(tmp_path, cars=2, batched=batched)
    web, counter = net.branch("web"), net.branch("BOS")
    w = web.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3), channel="web")
    c = counter.create_reservation(email="bo@example.com", name="Bo", vehicle_class="SUV", zip_code="10001",
                                   start=day(1), end=day(3))
    net.settle()
    assert (net.row("web", w.id).channel, net.row("web", w.id).status) == ("web", "confirmed")
    with net.hq.db.session() as s:
        assert (s.get_one(Row, w.id).channel, s.get_one(Row, c.id).channel) == ("web", "counter")
    net.close()
