"""One-way rentals on the command line (issue 11 item 6): ``reserve --return-zip`` books one with
the drop fee in its price, ``reservations update --return-zip`` changes it (old and new price first),
an unknown return location is one line and nothing is saved; ``--round-trip`` clears it. The real command, the sample data."""

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
    status, _, err = rentaldesk("reservations", "update", one_way["reference"], "--round-trip")
    assert status == 2 and "no one-way drop fee" in err and f"--accept-price {round_trip}" in err
    status, out, err = rentaldesk("--json", "reservations", "update", one_way["reference"], "--round-trip",
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


def _saved(rentaldesk, reference: str) -> dict:
    status, out, err = rentaldesk("--json", "reservations", "show", reference)
    assert status == 0, err
    return json.loads(out)


@pytest.mark.parametrize(("typed", "says"), [
    (("--return-zip", "99999"), "unknown return location '99999' (the branches are at 02108, 60666, 94128"),
    (("--return-zip", "9 4 1 2 8"), "unknown return location '9 4 1 2 8'"),
    (("--return-zip", "  "), "--return-zip is empty: give the zip code of the branch"),
    (("--return-zip", "60666"), "--return-zip 60666 is where {ref} is picked up: for a round trip, give --round-trip"),
    (("--return-zip", "94128", "--round-trip"), "not allowed with argument"),
], ids=["unknown branch", "bad zip", "empty", "same as pick-up", "both"])
def test_a_bad_return_location_in_a_change_is_one_line_naming_it_and_nothing_is_saved(rentaldesk, typed, says):
    status, out, err = reserve(rentaldesk, "ann@example.com", "--return-zip", "94128")
    assert status == 0, err
    booked = json.loads(out)
    status, _, err = rentaldesk("reservations", "update", booked["reference"], "--end", at(14), *typed,
                                "--accept-price", "999.00")
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert says.format(ref=booked["reference"]) in err
    assert _saved(rentaldesk, booked["reference"]) == booked  # the period neither: nothing half-saved


def test_a_one_way_to_a_branch_with_no_drop_fee_set_says_so(rentaldesk):
    status, out, err = reserve(rentaldesk, "ann@example.com")
    assert status == 0, err
    booked = json.loads(out)
    status, out, err = rentaldesk("--json", "reservations", "update", booked["reference"], "--return-zip", "02108")
    assert status == 0, err  # the rule (rates.drop_fee): none set, none charged; the clerk is told
    assert json.loads(out)["return_zip_code"] == "02108" and json.loads(out)["price"] == booked["price"]
    assert json.loads(err.strip()) == {"notice": f"no drop fee is set from 60666 to 02108: {booked['reference']}'s "
                                                 "one-way is charged none (rentaldesk rates import sets one)"}


def test_round_trip_on_a_round_trip_changes_nothing(rentaldesk):
    status, out, err = reserve(rentaldesk, "ann@example.com")
    booked = json.loads(out)
    status, out, err = rentaldesk("--json", "reservations", "update", booked["reference"], "--round-trip")
    assert status == 0, err
    assert json.loads(out) == booked


def test_a_one_way_change_refused_for_the_booking_at_the_old_return_branch(rentaldesk):
    """The engine's refusal (the other branch's booking on the arriving car has nowhere to go)
    is the command's one line, and nothing is saved."""
    status, out, err = reserve(rentaldesk, "ann@example.com", "--return-zip", "94128")
    booked = json.loads(out)
    status, out, err = rentaldesk("--json", "fleet", "list")
    cars_there = [c for c in json.loads(out) if c["zip_code"] == "94128" and c["vehicle_class"] == "ECONOMY"]
    for n, _ in enumerate(cars_there):  # every ECONOMY car of 94128 taken from day 13 on
        status, _, err = rentaldesk("reserve", "--email", f"t{n}@example.com", "--name", "Taken", "--class", "ECONOMY",
                                    "--zip", "94128", "--start", at(12), "--end", at(16))
        assert status == 0, err
    status, out, err = rentaldesk("--json", "reserve", "--email", "bo@example.com", "--name", "Bo", "--class",
                                  "ECONOMY", "--zip", "94128", "--start", at(13, 12), "--end", at(16))
    assert status == 0, err  # the arriving car: the only one free
    bo = json.loads(out)
    assert bo["car_id"] == booked["car_id"]
    status, _, err = rentaldesk("reservations", "update", booked["reference"], "--round-trip")
    accept = err.split("--accept-price ")[1].split(")")[0]  # the price shown first
    status, _, err = rentaldesk("reservations", "update", booked["reference"], "--round-trip", "--accept-price", accept)
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert bo["reference"] in err and "no other Economy car there is free" in err
    assert _saved(rentaldesk, booked["reference"]) == booked
