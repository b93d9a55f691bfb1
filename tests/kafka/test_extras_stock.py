"""Head office counts extras with its own stock on a real broker: a branch whose catalogue claims
more child seats than head office's records is refused by head office (rentaldesk.extras.check_stock)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from rentaldesk import extras
from rentaldesk.extras import CatalogueItem, choose
from rentaldesk.models import Reservation as Row

from .network import Network, wait_for
from .test_sync import book


def _seat(stock: int) -> CatalogueItem:
    return CatalogueItem("seat", "Child seat", "extra", "rental", Decimal("10.00"), stock=stock)


def _status(db, rid: str) -> tuple[str, str]:  # noqa: ANN001
    with db.session() as s:
        row = s.scalars(select(Row).where(Row.id == rid)).one()
        return row.status, row.status_reason


@pytest.fixture
def network(kafka_broker, topic_prefix, tmp_path):  # noqa: ANN001, ANN201
    net = Network(kafka_broker.bootstrap, topic_prefix, tmp_path)
    yield net
    net.close()


def test_a_branch_claiming_more_seats_than_head_office_records_is_refused_there(network):
    network.start_hq()
    with network.hq_db.write() as s:  # the company's rates file, imported at head office: one seat
        extras.save_catalogue(s, "02108", [_seat(1)])
    first, second = network.add_branch("BOS-DT"), network.add_branch("BOS-KIOSK")
    for branch, stock in ((first, 1), (second, 5)):  # the kiosk's catalogue is wrong: five seats
        with branch.db.write() as s:
            extras.save_catalogue(s, "02108", [_seat(stock)])

    def seat(branch):  # noqa: ANN001, ANN202
        with branch.db.session() as s:
            return choose(s, "02108", [("seat", 1)])

    mine = book(first, "ann@example.com", extras=seat(first))
    wait_for(lambda: _status(first.db, mine.id)[0] == "confirmed", what="the first seat confirmed")
    other = book(second, "olga@example.com", extras=seat(second))  # the kiosk counts 5 - 1 free
    assert other.status == "pending"
    wait_for(lambda: _status(second.db, other.id)[0] == "rejected", what="head office's refusal at the kiosk")
    assert _status(second.db, other.id)[1].startswith("no child seat is free at ")
    assert _status(first.db, mine.id)[0] == "confirmed"
