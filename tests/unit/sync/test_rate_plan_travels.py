"""The plan a branch quoted travels to head office and back (issue 11, rates): head office prices a
request with the branch's plan through the same engine, in the batch and the one-by-one path, and
both keep it; a change is re-quoted with it on both sides. Real parts, no broker (the in-process
network of test_reservation_lifecycle)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rentaldesk.errors import PriceChanged
from rentaldesk.models import Reservation as Row
from rentaldesk.models import ReservationStatus
from rentaldesk.rates import RatePlan, plan_from_mapping, save_plan
from tests.conftest import day

from .test_reservation_lifecycle import Net

WEEKLY = {"vehicle_class": "SUV", "zip_code": "10001", "currency": "USD", "day_rate": "80.00",
          "week_rate": "300.00", "hour_rate": "20.00", "time_zone": "America/New_York"}


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "one-by-one"])
def test_head_office_prices_a_request_with_the_plan_the_branch_quoted(tmp_path, batched):
    net = Net(tmp_path, cars=2, batched=batched)
    bos = net.branch("BOS")
    with net.branches["BOS"].db.write() as s:  # the branch's plan; head office has none for SUV
        save_plan(s, plan_from_mapping(WEEKLY))
    r = bos.create_reservation(email="ann@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(9))
    # 8 days: a week at $300, a day at $80 (the class rate alone: $640), and an hour at $20: New York's
    # clock goes on an hour on 10 Mar, so 07:00 EST to 08:00 EDT is 8 days and an hour at the branch
    assert r.price == Decimal("400.00")
    net.settle()
    with net.hq.db.session() as s:
        at_hq = s.get_one(Row, r.id)
        assert (at_hq.status, at_hq.price) == (ReservationStatus.CONFIRMED.value, Decimal("400.00"))
        assert RatePlan.from_json(at_hq.rate_plan or "") == plan_from_mapping(WEEKLY)
    here = net.row("BOS", r.id)
    assert (here.status, here.price, here.rate_plan) == (ReservationStatus.CONFIRMED.value, Decimal("400.00"),
                                                         at_hq.rate_plan)
    with pytest.raises(PriceChanged) as change:  # shown to the clerk first, then accepted
        bos.update_reservation(r.id, end=day(10))
    assert (change.value.old, change.value.new) == (Decimal("400.00"), Decimal("480.00"))
    bos.update_reservation(r.id, end=day(10), accept_price=change.value.new)
    net.settle()
    with net.hq.db.session() as s:
        assert s.get_one(Row, r.id).price == Decimal("480.00")
    here = net.row("BOS", r.id)
    assert (here.status, here.price, here.rate_plan) == (ReservationStatus.CONFIRMED.value, Decimal("480.00"),
                                                         at_hq.rate_plan)
