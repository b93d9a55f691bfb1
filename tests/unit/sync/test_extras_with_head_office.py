"""Extras at branches linked to head office (issue 11, extras): the request carries them with each
item's stock at the branch (as it carries its rate plan), head office decides with the same stock
rule over its own database, a refusal comes back as a rejection naming the item, and the branch
applies head office's state extras included. Real parts, no broker (the in-process network of
test_reservation_lifecycle: real SQLite files, the real inbox, head office's batch and one-by-one
paths)."""

from __future__ import annotations

import json
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select

from rentaldesk import extras
from rentaldesk.errors import PriceChanged, RentalError
from rentaldesk.extras import CatalogueItem, choose, extras_from_json
from rentaldesk.models import Car
from rentaldesk.models import Reservation as Row
from rentaldesk.sync.envelope import decode
from rentaldesk.sync.state import apply_reservation_state, reservation_state
from tests.conftest import change_accepting_the_price, day
from tests.contract_helpers import check_out_value, may_rent

from .test_reservation_lifecycle import Net, quiet_and_equal

SEAT = CatalogueItem("seat", "Child seat", "extra", "rental", Decimal("10.00"), stock=1)
GPS = CatalogueItem("gps", "GPS navigation", "extra", "day", Decimal("5.00"), stock=3)


@pytest.fixture(params=[True, False], ids=["batched", "one-by-one"])
def net(request, tmp_path):  # noqa: ANN001, ANN201
    n = Net(tmp_path, cars=3, batched=request.param)
    yield n
    n.close()


def linked(net: Net, code: str):  # noqa: ANN201
    """A branch of the network offering the seat and the GPS (head office's database offers nothing:
    it learns each item's stock from the requests)."""
    svc = net.branch(code)
    with net.branches[code].db.write() as s:
        extras.save_catalogue(s, "10001", [SEAT, GPS])
    return svc


def pick(svc, *picks: tuple[str, int]):  # noqa: ANN001, ANN201
    with svc.db.session() as s:
        return choose(s, "10001", list(picks))


def book(svc, email: str, *picks: tuple[str, int], start: float = 1, end: float = 3):  # noqa: ANN001, ANN201
    return svc.create_reservation(email=email, name=email.split("@")[0].title(), vehicle_class="SUV",
                                  zip_code="10001", start=day(start), end=day(end), extras=pick(svc, *picks))


def kept(net: Net, where: str, rid: str) -> list[tuple[str, int]]:
    with (net.hq.db if where == "hq" else net.branches[where].db).session() as s:
        return [(e.code, e.quantity) for e in extras_from_json(s.get_one(Row, rid).extras_json)]


def test_a_linked_branch_books_a_seat_and_head_office_keeps_it_with_the_price(net):
    bos = linked(net, "BOS")
    bare = bos.create_reservation(email="b@example.com", name="Bo", vehicle_class="SUV", zip_code="10001",
                                  start=day(12), end=day(14))  # off the clock change of 10 Mar
    r = book(bos, "ann@example.com", ("seat", 1), ("gps", 2), start=12, end=14)
    assert r.status == "pending" and r.price == bare.price + Decimal("10.00") + 2 * 2 * Decimal("5.00")
    sent = net.send("BOS")
    request = decode(sent[-1]).payload
    assert [(e.code, e.quantity, e.stock) for e in request.reservation.extras] == [("seat", 1, 1), ("gps", 2, 3)]
    net.decide(sent)
    quiet_and_equal(net)
    assert net.row("BOS", r.id).status == "confirmed"
    assert kept(net, "hq", r.id) == kept(net, "BOS", r.id) == [("seat", 1), ("gps", 2)]
    with net.hq.db.session() as s:
        assert s.get_one(Row, r.id).price == r.price  # priced by head office with the extras as quoted


def test_two_branches_after_the_last_seat_head_office_rejects_the_second_naming_it(net):
    bos, nyc = linked(net, "BOS"), linked(net, "NYC")
    first = book(bos, "ann@example.com", ("seat", 1))
    second = book(nyc, "olga@example.com", ("seat", 1), start=2, end=4)  # NYC has not heard of BOS's yet
    assert first.status == second.status == "pending"
    net.decide(net.send("BOS"))
    answers = net.decide(net.send("NYC"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.rejected"]
    quiet_and_equal(net)
    refused = net.row("NYC", second.id)
    assert refused.status == "rejected"
    assert refused.status_reason.startswith("no child seat is free at Branch 10001 ")
    assert refused.status_reason.endswith(": the only one is booked")
    # the first keeps its seat everywhere; NYC now counts it too and refuses at its own counter
    assert net.row("NYC", first.id).status == "confirmed" and kept(net, "NYC", first.id) == [("seat", 1)]
    with pytest.raises(RentalError, match="no child seat is free"):
        book(nyc, "pat@example.com", ("seat", 1), start=2, end=4)


def test_a_change_of_extras_goes_to_head_office_and_a_refusal_puts_the_branch_back(net):
    bos, nyc = linked(net, "BOS"), linked(net, "NYC")
    mine = book(bos, "ann@example.com", ("gps", 1))
    quiet_and_equal(net)
    # NYC books two GPS units for the same days; BOS, not told yet, asks for a third and a seat
    book(nyc, "olga@example.com", ("gps", 2))
    net.decide(net.send("NYC"))
    more = (*pick(bos, ("gps", 2)), *pick(bos, ("seat", 1)))
    with pytest.raises(PriceChanged) as shown:  # the new price shown first, as the desk shows it
        bos.update_reservation(mine.id, extras=more)
    price = shown.value
    assert price.new != price.old and "with 2 \u00d7 GPS navigation, Child seat" in price.why
    changed = bos.update_reservation(mine.id, extras=more, accept_price=price.new)
    assert changed.status == "pending" and kept(net, "BOS", mine.id) == [("gps", 2), ("seat", 1)]
    answers = net.decide(net.send("BOS"))
    assert [json.loads(a)["type"] for a in answers] == ["reservation.rejected"]
    quiet_and_equal(net)
    back = net.row("BOS", mine.id)
    assert back.status == "confirmed" and kept(net, "BOS", mine.id) == [("gps", 1)]  # head office's state
    assert back.price == mine.price
    # one GPS less fits: changed at head office, and the branch takes it
    fewer = pick(bos, ("seat", 1))
    change_accepting_the_price(bos, mine.id, extras=fewer)
    quiet_and_equal(net)
    assert kept(net, "hq", mine.id) == kept(net, "BOS", mine.id) == [("seat", 1)]
    assert net.row("BOS", mine.id).status == "confirmed"


def test_extras_added_at_check_out_reach_head_office_and_stay_counted(net):
    bos = linked(net, "BOS")
    r = book(bos, "ann@example.com", ("seat", 1))
    quiet_and_equal(net)
    db = net.branches["BOS"].db
    may_rent(db, r.customer_id)
    bos.clock = lambda: day(1, -1)
    bos.check_out(check_out_value(r.id, extras=pick(bos, ("gps", 3))))
    net.settle()
    assert kept(net, "hq", r.id) == kept(net, "BOS", r.id) == [("seat", 1), ("gps", 3)]
    # head office counts the units out on rent: another branch's request for a GPS is refused there
    nyc = linked(net, "NYC")
    other = book(nyc, "olga@example.com", ("gps", 1), start=1.5, end=2.5)
    net.settle()
    assert net.row("NYC", other.id).status == "rejected"
    assert "no GPS navigation is free" in net.row("NYC", other.id).status_reason


def test_a_state_of_an_earlier_build_leaves_the_branch_its_extras(net):
    bos = linked(net, "BOS")
    r = book(bos, "ann@example.com", ("seat", 1))
    quiet_and_equal(net)
    db = net.branches["BOS"].db
    with db.write() as s:
        state = reservation_state(s, s.get_one(Row, r.id))
    older = msgspec.structs.replace(state, extras=None, version=state.version + 1, reason="renamed")
    with db.write() as s:
        apply_reservation_state(s, older, day(0))
    assert kept(net, "BOS", r.id) == [("seat", 1)]
    with db.session() as s:
        assert s.scalar(select(Row.status_reason).where(Row.id == r.id)) == "renamed"


def _forget_extras_at_head_office(net: Net, rid: str) -> None:
    """Head office's row as the upgrade leaves one written before extras travelled: ``[]`` there,
    not known (migration 0021), while the branch keeps the extras booked at its counter."""
    with net.hq.db.write() as s:
        row = s.get_one(Row, rid)
        row.extras_json, row.extras_known = "[]", False


def test_head_office_re_sending_a_row_of_before_the_upgrade_leaves_the_branch_its_extras(net):
    bos = linked(net, "BOS")
    r = book(bos, "ann@example.com", ("seat", 1))
    quiet_and_equal(net)
    _forget_extras_at_head_office(net, r.id)
    with net.hq.db.session() as s:
        assert reservation_state(s, s.get_one(Row, r.id)).extras is None  # none said, not "none"
    held = net.row("BOS", r.id).car_id
    with net.branches["BOS"].db.session() as s:
        free = next(c for c in s.scalars(select(Car.car_id)) if c != held)
    bos.assign_car(r.id, free)  # head office answers with its whole state (reservation.changed)
    net.settle()
    assert net.row("BOS", r.id).car_id == free
    assert kept(net, "BOS", r.id) == [("seat", 1)]  # was wiped to [] before the marker
    # and the next request that says them makes them known at head office again
    bos.cancel_reservation(r.id)
    net.settle()
    with net.hq.db.session() as s:
        assert s.get_one(Row, r.id).extras_known is False  # a cancel says nothing of extras
    assert kept(net, "BOS", r.id) == [("seat", 1)]


def test_a_request_of_an_earlier_build_books_a_row_whose_extras_head_office_does_not_know(net):
    bos = linked(net, "BOS")
    r = book(bos, "ann@example.com")
    raw = net.send("BOS")
    # the request as an earlier build wrote it: no extras field
    data = [json.loads(v) for v in raw]
    for d in data:
        d["payload"]["reservation"].pop("extras", None)
    answers = net.decide([json.dumps(d).encode() for d in data])
    # head office's answer (the batch's state or the one-by-one path's) says nothing of extras either
    assert [decode(a).payload.reservation.extras for a in answers] == [None]
    net.deliver("BOS", answers)
    with net.hq.db.session() as s:
        assert s.get_one(Row, r.id).extras_known is False
        assert reservation_state(s, s.get_one(Row, r.id)).extras is None
    assert net.row("BOS", r.id).status == "confirmed"
