"""What the engine tells the clerk on the command line: capacity, price and refusals (issue 10).

The real command's ``main()`` in this process on a real SQLite file with the sample fleet (fast);
what a test is about goes through the command, its setup (earlier bookings) too.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rentaldesk.cli import main

BOS = ZoneInfo("America/New_York")


def at(days: int, hour: int = 10) -> str:
    """``hour`` o'clock Boston time, ``days`` days from today, as a clerk types it."""
    day = datetime.now(BOS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def rentaldesk(tmp_path, capsys):  # noqa: ANN201
    """``rentaldesk(*args)`` -> (status, stdout, stderr) on this test's database (the sample fleet)."""
    db = str(tmp_path / "desk.sqlite")

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("fleet", "sample")[0] == 0
    return run


def reserve(rentaldesk, email: str, start: str, end: str, *more: str, vehicle_class: str = "SUV") -> dict:  # noqa: ANN001
    status, out, err = rentaldesk("--json", "reserve", "--email", email, "--name", "Ann Lee", "--class",
                                  vehicle_class, "--zip", "02108", "--start", start, "--end", end, *more)
    assert status == 0, err
    return json.loads(out)


# -- the price kept --------------------------------------------------------------------------------


def test_a_change_that_alters_the_price_shows_old_and_new_and_waits_for_the_clerk(rentaldesk):
    r = reserve(rentaldesk, "ann@example.com", at(2), at(5))
    assert r["price"] == "237.00"  # 3 days at the SUV's $79
    status, out, err = rentaldesk("reservations", "update", r["reference"], "--end", at(6))
    assert status == 2 and out == ""
    assert err.strip().splitlines() == [
        "rentaldesk: error: the price would change: $237.00 → $316.00 (1 day more at $79.00 a day); nothing is "
        "changed until the new price is accepted (add --accept-price 316.00)"]
    status, out, err = rentaldesk("--json", "reservations", "show", r["reference"])
    assert json.loads(out)["end"] == r["end"] and json.loads(out)["price"] == "237.00"  # nothing saved
    status, out, err = rentaldesk("reservations", "update", r["reference"], "--end", at(6), "--accept-price", "$300")
    assert status == 2 and "(not the $300.00 accepted)" in err
    status, out, err = rentaldesk("reservations", "update", r["reference"], "--end", at(6), "--accept-price", "316")
    assert status == 0, err
    assert "  price was $237.00, now $316.00" in out


@pytest.mark.parametrize("amount", ["abc", "-5", "1.234", "NaN", "inf", ""])
def test_a_bad_accepted_price_is_refused_by_its_flag(rentaldesk, amount):
    r = reserve(rentaldesk, "ann@example.com", at(2), at(5))
    with pytest.raises(SystemExit) as exited:
        rentaldesk("reservations", "update", r["reference"], "--end", at(6), "--accept-price", amount)
    assert exited.value.code == 2


def test_pick_up_keeps_the_booked_price_whichever_car(rentaldesk):
    soon = (datetime.now(BOS) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")  # within pick-up's window
    later = (datetime.now(BOS) + timedelta(hours=3, days=2)).strftime("%Y-%m-%dT%H:%M")
    r = reserve(rentaldesk, "ann@example.com", soon, later)
    status, out, err = rentaldesk("--json", "reservations", "pickup", r["reference"])
    assert status == 0, err
    picked = json.loads(out)
    assert (picked["status"], picked["price"]) == ("active", r["price"])
    assert Decimal(r["price"]) == 2 * Decimal("79.00")
