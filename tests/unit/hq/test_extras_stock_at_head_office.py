"""Head office counts extras with its own stock (rentaldesk.extras.check_stock, the one rule), for a
branch's booking request, a change and an extension on rent: the stock a branch's request reports
counts only for an item head office's catalogue does not list. Real SQLite files, the real inbox,
head office's authority on both of its paths (the in-process network of test_reservation_lifecycle).
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest

from rentaldesk import extras
from rentaldesk.extras import CatalogueItem
from rentaldesk.models import Reservation as Row
from tests.conftest import change_accepting_the_price, day
from tests.contract_helpers import check_out_value, may_rent
from tests.unit.sync.test_extras_with_head_office import book, kept
from tests.unit.sync.test_reservation_lifecycle import Net, quiet_and_equal

#: One child seat at the branch, as head office's catalogue (the company's rates file) lists it.
SEAT = CatalogueItem("seat", "Child seat", "extra", "rental", Decimal("10.00"), stock=1)


@pytest.fixture(params=[True, False], ids=["batched", "one-by-one"])
def net(request, tmp_path):  # noqa: ANN001, ANN201
    n = Net(tmp_path, cars=3, batched=request.param)
    yield n
    n.close()


def offering(net: Net, code: str, seats: int):  # noqa: ANN201
    """A branch whose own catalogue says it has ``seats`` child seats."""
    svc = net.branch(code)
    with net.branches[code].db.write() as s:
        extras.save_catalogue(s, "10001", [CatalogueItem("seat", "Child seat", "extra", "rental", Decimal("10.00"),
                                                         stock=seats)])
    return svc


def at_hq(net: Net, rid: str) -> Row:
    with net.hq.db.session() as s:
        return s.get_one(Row, rid)


def head_office_lists_the_seat(net: Net) -> None:
    with net.hq.db.write() as s:
        extras.save_catalogue(s, "10001", [SEAT])


def test_a_branch_reporting_more_stock_than_head_office_records_is_refused_by_head_office_s(net):
    head_office_lists_the_seat(net)
    bos, nyc = offering(net, "BOS", 1), offering(net, "NYC", 5)  # NYC's catalogue is wrong: 5 seats
    first = book(bos, "ann@example.com", ("seat", 1))
    quiet_and_equal(net)
    second = book(nyc, "olga@example.com", ("seat", 2), start=2, end=4)  # NYC counts 5 - 1 = 4 free
    assert second.status == "pending"
    request = json.loads(net.send("NYC")[0])
    assert request["payload"]["reservation"]["extras"][0]["stock"] == 5  # what NYC claims
    answers = net.decide([json.dumps(request).encode()])
    assert [json.loads(a)["type"] for a in answers] == ["reservation.rejected"]  # was confirmed on NYC's 5
    net.deliver("NYC", answers)
    quiet_and_equal(net)
    refused = net.row("NYC", second.id)
    assert refused.status == "rejected"
    assert refused.status_reason.startswith("no child seat is free at Branch 10001 ")
    assert at_hq(net, first.id).status == "confirmed"


def test_an_item_head_office_does_not_list_is_counted_with_the_branch_s_report_and_said(net, caplog):
    bos, nyc = offering(net, "BOS", 1), offering(net, "NYC", 1)
    book(bos, "ann@example.com", ("seat", 1))
    second = book(nyc, "olga@example.com", ("seat", 1), start=2, end=4)
    net.decide(net.send("BOS"))
    with caplog.at_level(logging.WARNING, logger="rentaldesk.extras"):
        answers = net.decide(net.send("NYC"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.rejected"]
    assert "seat not in this database's catalogue" in caplog.text
    net.deliver("NYC", answers)
    assert net.row("NYC", second.id).status == "rejected"


@pytest.mark.parametrize("listed", [True, False], ids=["head-office-lists-it", "reported-only"])
def test_an_extension_on_rent_is_counted_at_head_office(net, listed):
    if listed:
        head_office_lists_the_seat(net)
    bos, nyc = offering(net, "BOS", 1), offering(net, "NYC", 1)
    r = book(bos, "ann@example.com", ("seat", 1), start=1, end=3)
    quiet_and_equal(net)
    may_rent(net.branches["BOS"].db, r.customer_id)
    bos.clock = lambda: day(1, -1)
    bos.check_out(check_out_value(r.id, extras=()))  # the seat booked leaves with the car
    net.settle()
    assert at_hq(net, r.id).status == "active" and kept(net, "hq", r.id) == [("seat", 1)]
    # NYC takes the seat from the day after the return; BOS has not heard of it yet
    later = book(nyc, "olga@example.com", ("seat", 1), start=3.5, end=5)
    answers = net.decide(net.send("NYC"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.confirmed"]
    net.deliver("NYC", answers)
    # BOS extends the rental over it: its own count passes (it does not know NYC's), head office's not
    change_accepting_the_price(bos, r.id, end=day(4))
    answers = net.decide(net.send("BOS"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.rejected"]  # was changed
    assert "no child seat is free" in json.loads(answers[0])["payload"]["reservation"]["reason"]
    net.deliver("BOS", answers)
    net.settle()  # (the agreement's facts are recorded, not answered: no quiet_and_equal here)
    assert net.row("BOS", r.id).end_at == day(3) and at_hq(net, r.id).end_at == day(3)
    assert at_hq(net, later.id).status == "confirmed"
