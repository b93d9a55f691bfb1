"""Extras at a branch linked to head office (issue 11, extras): head office's state does not carry
them yet, so a booking with extras is refused there with a clear message, and the extras added at
check-out stay on the branch's row (counted in its stock) when head office's state comes back.
Real parts, no broker (the in-process network of test_reservation_lifecycle)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rentaldesk import extras
from rentaldesk.errors import InvalidInput
from rentaldesk.extras import CatalogueItem, choose
from tests.conftest import day
from tests.contract_helpers import check_out_value, may_rent

from .test_reservation_lifecycle import Net

SEAT = CatalogueItem("seat", "Child seat", "extra", "rental", Decimal("10.00"), stock=1)


def test_extras_wait_for_check_out_and_stay_on_the_branch_row(tmp_path):
    net = Net(tmp_path, cars=2, batched=False)
    bos = net.branch("BOS")
    db = net.branches["BOS"].db
    with db.write() as s:
        extras.save_catalogue(s, "10001", [SEAT])
    with db.session() as s:
        seat = choose(s, "10001", [("seat", 1)])
    with pytest.raises(InvalidInput, match="extras cannot be booked yet at a branch linked to head office"):
        bos.create_reservation(email="a@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3), extras=seat)
    r = bos.create_reservation(email="a@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(3))
    net.settle()
    may_rent(db, r.customer_id)
    bos.clock = lambda: day(1, -1)
    bos.check_out(check_out_value(r.id, extras=seat))
    net.settle()
    kept = extras.extras_from_json(net.row("BOS", r.id).extras_json)
    assert [(e.code, e.price) for e in kept] == [("seat", Decimal("10.00"))]
