"""One-way rentals on the command line (issue 11 item 6): ``reserve --return-zip`` books one with
the drop fee in its price, ``reservations update --return-zip`` changes it (old and new price first),
an unknown return location is one line and nothing is saved. The real command, the sample data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from rentaldesk.cli import main

from .test_rates import at


@pytest.fixture
def rentaldesk(tmp_path, capsys):  # noqa: ANN201
    db = str(tmp_path / "desk.sqlite")

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("fleet", "sample")[0] == 0
    return run


def reserve(rentaldesk, email: str, *more: str):  # noqa: ANN001, ANN201
    return rentaldesk("--json", "reserve", "--email", email, "--name", "Ann Lee", "--class", "ECONOMY",
                      "--zip", "60666", "--start", at(10), "--end", at(13), *more)


def test_a_one_way_is_booked_with_its_drop_fee_and_changed_back(rentaldesk):
    status, out, err = reserve(rentaldesk, "bo@example.com")
    assert status == 0, err
    round_trip = Decimal(json.loads(out)["price"])
    status, out, err = reserve(rentaldesk, "ann@example.com", "--return-zip", "94128")
    assert status == 0, err
    one_way = json.loads(out)
    assert one_way["return_zip_code"] == "94128"
    assert Decimal(one_way["price"]) >= round_trip + Decimal("250.00")  # the sample's 60666 -> 94128 fee (taxed)
    status, out, _ = rentaldesk("reservations", "show", one_way["reference"])
    assert "at 94128 (one-way)" in out
    # back to a round trip: the price change is shown first, and saved once accepted
    status, _, err = rentaldesk("reservations", "update", one_way["reference"], "--return-zip", "60666")
    assert status == 2 and "no one-way drop fee" in err and f"--accept-price {round_trip}" in err
    status, out, err = rentaldesk("--json", "reservations", "update", one_way["reference"], "--return-zip", "60666",
                                  "--accept-price", str(round_trip))
    assert status == 0, err
    changed = json.loads(out)
    assert (changed["return_zip_code"], Decimal(changed["price"])) == (None, round_trip)


def test_an_unknown_return_location_is_one_line_and_nothing_is_saved(rentaldesk):
    status, _, err = reserve(rentaldesk, "ann@example.com", "--return-zip", "99999")
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "unknown return location '99999'" in err and "94128" in err
    status, out, _ = rentaldesk("--json", "reservations", "list", "--search", "ann@example.com")
    assert json.loads(out) == []
