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

    def renter_may_rent(customer_id: str) -> None:  # what the renter rules need at check-out
        from rentaldesk.db import open_database

        from ..contract_helpers import may_rent

        database = open_database(f"sqlite:///{db}")
        may_rent(database, customer_id)
        database.close()

    run.renter_may_rent = renter_may_rent  # type: ignore[attr-defined]
    run.signature = tmp_path / "signature.png"  # type: ignore[attr-defined]
    from ..contract_helpers import signature_png

    run.signature.write_bytes(signature_png())  # type: ignore[attr-defined]
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
    status, out, err = rentaldesk("--json", "reservations", "update", r["reference"], "--end", at(6))
    refused = json.loads(err.strip().splitlines()[-1])  # a script reads what to accept
    assert status == 2 and (refused["old"], refused["new"], refused["field"]) == ("237.00", "316.00", "price")
    assert refused["why"] == "1 day more at $79.00 a day"
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
    status, out, err = rentaldesk("reservations", "update", r["reference"], "--end", at(6), "--accept-price", amount)
    assert status == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "--accept-price" in err


def test_pick_up_keeps_the_booked_price_whichever_car(rentaldesk):
    soon = (datetime.now(BOS) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")  # within pick-up's window
    later = (datetime.now(BOS) + timedelta(hours=3, days=2)).strftime("%Y-%m-%dT%H:%M")
    r = reserve(rentaldesk, "ann@example.com", soon, later)
    rentaldesk.renter_may_rent(r["customer_id"])
    status, out, err = rentaldesk("--json", "reservations", "pickup", r["reference"], "--odometer", "900000", "--fuel", "8",
                                  "--licence-checked", "--signature", str(rentaldesk.signature),
                                  "--deposit-method", "cash")
    assert status == 0, err
    assert json.loads(out)["quoted"] == r["price"]
    status, out, err = rentaldesk("--json", "reservations", "show", r["reference"])
    picked = json.loads(out)
    assert (picked["status"], picked["price"]) == ("active", r["price"])  # --json keeps the stored code
    assert Decimal(r["price"]) == 2 * Decimal("79.00")
    # one word per state, the desk's and the command line's alike
    status, out, err = rentaldesk("reservations", "show", r["reference"])
    assert out.splitlines()[0] == f"Reservation {r['reference']}: on rent"
    assert "  price     $158.00" in out
    status, out, err = rentaldesk("reservations", "list")
    assert out.splitlines()[1].split()[:3] == [r["reference"], "on", "rent"]


def test_every_status_has_one_word_for_the_desk_and_the_command_line():
    from rentaldesk.display import STATUS_WORDS, status_word
    from rentaldesk.gui import text
    from rentaldesk.models import ReservationStatus

    for status in ReservationStatus:
        assert status.value in STATUS_WORDS
    for key in [*STATUS_WORDS, "some new code"]:
        assert text.status_label(key) == text.status_look(key).label == status_word(key)
    assert (status_word("active"), status_word("completed"), status_word("busy")) == ("on rent", "returned", "on a job")


def test_durations_are_said_in_words():
    from datetime import datetime, timezone

    from rentaldesk.gui import text
    from rentaldesk.rules import describe

    assert describe(timedelta(days=1)) == "1 day"  # "a rental lasts at least 1 day", not "1 d"
    assert describe(timedelta(days=2, hours=1, minutes=1)) == "2 days 1 hour 1 minute"
    t = datetime(2030, 3, 4, tzinfo=timezone.utc)
    assert text.duration(t, t + timedelta(days=1, hours=4), timezone.utc) == "1 day 4 hours (billed 2 days)"
    assert text.duration(t, t + timedelta(days=3), timezone.utc) == "3 days"
    # on the branch's wall clock: 10:00 to 10:00 over a clock change is a day, not 23 or 25 hours
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")
    for spring_or_fall in (datetime(2030, 3, 9, 10, tzinfo=ny), datetime(2030, 11, 2, 10, tzinfo=ny)):
        assert text.duration(spring_or_fall, spring_or_fall.replace(day=spring_or_fall.day + 1), ny) == "1 day"
    assert text.duration(datetime(2030, 3, 9, 10, tzinfo=ny), datetime(2030, 3, 10, 11, tzinfo=ny), ny) == (
        "1 day 1 hour (billed 2 days)")


# -- room: how many more bookings fit -------------------------------------------------------------


def test_availability_says_how_many_more_bookings_fit_and_on_which_cars(rentaldesk):
    period = ("--class", "suv", "--zip", "02108", "--start", at(3), "--end", at(5))
    for i in range(4):
        reserve(rentaldesk, f"c{i}@example.com", at(3), at(5))
    status, out, _ = rentaldesk("--json", "fleet", "list", "--class", "SUV", "--zip", "02108")
    pinned = json.loads(out)[0]["plate_number"]
    reserve(rentaldesk, "pin@example.com", at(3), at(5), "--car", pinned)  # asked for by car: it cannot move
    status, out, err = rentaldesk("availability", *period)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[1] == "  available     yes: room for 1 more of 6 SUV cars"  # not "6 free"
    assert lines[2].startswith("  on            ") and pinned not in lines[2] and lines[2].count(",") == 4
    assert "  reserved      5 overlapping reservations" in lines
    status, out, _ = rentaldesk("--json", "availability", *period)
    got = json.loads(out)
    assert (got["available"], got["room"], got["cars_in_service"], len(got["free_cars"])) == (True, 1, 6, 5)
    reserve(rentaldesk, "last@example.com", at(3), at(5))
    status, out, _ = rentaldesk("--json", "availability", *period)
    got = json.loads(out)
    assert (got["available"], got["room"], got["free_cars"]) == (False, 0, [])


# -- sold out: the ways out ------------------------------------------------------------------------


def test_a_sold_out_class_offers_the_ways_out_in_availability_and_in_the_refusal(rentaldesk):
    for i in range(3):
        reserve(rentaldesk, f"v{i}@example.com", at(3), at(5), vehicle_class="VAN")
    period = ("--class", "VAN", "--zip", "02108", "--start", at(3), "--end", at(5))
    status, out, err = rentaldesk("availability", *period)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[1] == "  available     no room: all 3 Minivan cars are taken"  # the class as the branch calls it
    ways = [line[16:] for line in lines[4:]]
    assert lines[4].startswith("  instead       ")
    assert ways[0] == "an SUV at 02108: room for 6 more of 6 SUV cars, $79.00 a day"  # the nearest day rate
    # Chicago and San Francisco are not near Boston (NEARBY_ZIP_SPAN): no other location is offered
    assert not any("60666" in way or "94128" in way for way in ways)
    assert ways[-1].startswith("the same Minivan for ")  # the nearest period: when the vans are back
    assert ways[-1].endswith(" EST: room for 3 more of 3 Minivan cars")  # the zone as the desk's clock names it
    assert len(ways) == 3
    status, out, err = rentaldesk("--json", "availability", *period)
    assert [w["kind"] for w in json.loads(out)["ways_out"]] == ["class", "class", "period"]

    status, out, err = rentaldesk("reserve", "--email", "late@example.com", "--name", "Late", *period)
    assert status == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith("rentaldesk: error: all 3 Minivan cars at 02108 are booked for ")
    assert "; instead: an SUV at 02108: room for 6 more of 6 SUV cars, $79.00 a day; or " in line


# -- the --accept-price amount: a property test of its parser --------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["{}", "${}", " {} ", "${:,}"]))
def test_an_amount_reads_back_as_itself_however_it_is_written(amount, form):
    from rentaldesk.cli.parser import _amount

    assert _amount(form.format(amount)) == amount


@given(st.text(max_size=30) | st.sampled_from(["1e999999", "-0", "1E+2", "100000000", "0.001", "$", ",", "1,2,3"]))
def test_any_text_is_an_amount_or_a_clear_refusal(text):
    from rentaldesk.cli.parser import _amount
    from rentaldesk.errors import InvalidInput

    try:
        value = _amount(text)
    except InvalidInput as exc:
        assert "is not an amount of money" in str(exc)
    else:
        assert value.is_finite() and value >= 0 and value == value.quantize(Decimal("0.01"))


@pytest.mark.parametrize("amount", ["1e3", "٣", "９", "-0", "1,00.00", "316.001", "0x10"])
def test_an_accepted_price_is_typed_as_every_amount(rentaldesk, amount):
    """--accept-price takes what the fleet files take (ASCII digits, at most 2 decimals), and its
    refusal names the flag like every other flag's."""
    r = reserve(rentaldesk, "ann@example.com", at(2), at(5))
    status, out, err = rentaldesk("--json", "reservations", "update", r["reference"], "--end", at(6),
                                  "--accept-price", amount)
    assert status == 2 and not out
    refusal = json.loads(err)
    assert refusal["field"] == "--accept-price" and "is not an amount of money" in refusal["error"]


def test_a_sold_out_refusal_names_every_way_out_whole(rentaldesk):
    """The one line of a refused booking is not cut short: the ways out (other classes here, the
    class elsewhere, the nearest period) all reach the clerk, in --json too."""
    for n in range(6):  # the six COMPACT cars at 02108
        reserve(rentaldesk, f"c{n}@example.com", at(10), at(12), vehicle_class="COMPACT")
    status, out, err = rentaldesk("--json", "reserve", "--email", "late@example.com", "--name", "Late Comer",
                                  "--class", "COMPACT", "--zip", "02108", "--start", at(10), "--end", at(12))
    assert status == 2
    error = json.loads(err)["error"]
    assert "…" not in error and "the same Compact for" in error, error


def test_the_listing_refuses_an_empty_time(rentaldesk):
    for flag in ("--from", "--to"):
        status, out, err = rentaldesk("reservations", "list", flag, "")
        assert status == 2 and not out and flag in err


@pytest.mark.parametrize("args", [("fleet", "list", "--class", "NOPE"), ("reservations", "list", "--zip", "99999"),
                                  ("reservations", "list", "--class", "TRUCK")])
def test_a_list_refuses_a_class_or_location_it_does_not_know(rentaldesk, args):
    status, out, err = rentaldesk(*args)
    assert status == 2 and not out and "unknown" in err and "known:" in err


def test_minus_zero_is_no_reading(rentaldesk):
    r = reserve(rentaldesk, "ann@example.com", at(2), at(5))
    status, out, err = rentaldesk("reservations", "pickup", r["reference"], "--odometer", "-0")
    assert status == 2 and "cannot be negative" in err
