"""``rentaldesk rates show`` and ``rentaldesk rates import`` through the real command, on the sample
data's database; a booking priced by its plan, kept when the rates change."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rentaldesk.cli import main

SFO = ZoneInfo("America/Los_Angeles")


def at(days: int, hour: int = 10) -> str:
    """``hour`` o'clock San Francisco time, ``days`` days from today, as a clerk types it."""
    day = datetime.now(SFO).date() + timedelta(days=days)
    return datetime.combine(day, time(hour)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def rentaldesk(tmp_path, capsys):  # noqa: ANN201
    db = str(tmp_path / "desk.sqlite")

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("fleet", "sample")[0] == 0
    return run


def test_the_sample_plans_are_shown(rentaldesk):
    status, out, err = rentaldesk("rates", "show", "--zip", "94128")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["CLASS", "ZIP", "DAY", "WEEK", "MONTH", "EXTRA", "HOUR", "DISTANCE", "FUEL", "1/8",
                                "GRACE", "DEPOSIT", "SEASONS"]
    economy = next(line for line in lines if line.startswith("ECONOMY"))
    assert economy.split()[:6] == ["ECONOMY", "94128", "$42.00", "$239.00", "$799.00", "$14.00"]
    assert "  ECONOMY at 94128: 2027-06-15 to 2027-09-06, $55.00 a day, $319.00 a week" in lines
    assert "  94128 (San Francisco Airport): Sales tax 8.625 % on every charge, rounded half-up" in lines
    assert "  60666 \u2192 94128: $250.00" in lines
    status, out, _ = rentaldesk("--json", "rates", "show", "--class", "VAN", "--zip", "02108")
    [van] = json.loads(out)["plans"]
    assert (van["day_rate"], van["hour_rate"], van["week_rate"], van["set_here"]) == ("95.00", "95.00", None, False)


def test_a_typo_in_a_filter_is_refused(rentaldesk):
    status, _, err = rentaldesk("rates", "show", "--class", "TRUCK")
    assert status == 2 and "TRUCK" in err and len(err.strip().splitlines()) == 1


def test_a_booking_is_priced_by_its_plan_and_keeps_it_when_the_rates_change(rentaldesk, tmp_path):
    status, out, err = rentaldesk("--json", "reserve", "--email", "ann@example.com", "--name", "Ann Lee",
                                  "--class", "ECONOMY", "--zip", "94128", "--start", at(10), "--end", at(19))
    assert status == 0, err
    r = json.loads(out)
    # 9 days: a week at $239 and 2 days at $42 = $323; sales tax 8.625 % half-up $27.86, airport
    # fee 11.1 % of the time rounded up $35.86
    assert r["price"] == "386.72"
    raised = tmp_path / "raised.toml"
    raised.write_text('[[plan]]\nvehicle_class = "ECONOMY"\nzip_code = "94128"\nday_rate = "60.00"\n'
                      'week_rate = "400.00"\n', encoding="utf-8")
    status, out, err = rentaldesk("rates", "import", str(raised))
    assert (status, out.strip()) == (0, f"Imported 1 rate plan, 0 taxes and 0 drop fees from {raised}."), err
    status, out, _ = rentaldesk("--json", "reservations", "show", r["reference"])
    assert json.loads(out)["price"] == "386.72"  # the booked price stays
    # a changed period is re-quoted with the plan it was booked with: 10 days = $239 + 3 x $42 = $365,
    # + $31.48 + $40.52
    status, _, err = rentaldesk("reservations", "update", r["reference"], "--end", at(20))
    assert status == 2
    assert "$386.72 \u2192 $437.00 (1 day more: 1 week at $239.00 a week, 3 days at $42.00 a day)" in err
    status, out, err = rentaldesk("--json", "reservations", "update", r["reference"], "--end", at(20),
                                  "--accept-price", "437.00")
    assert status == 0, err
    assert json.loads(out)["price"] == "437.00"
    status, out, _ = rentaldesk("--json", "reserve", "--email", "bo@example.com", "--name", "Bo",
                                "--class", "ECONOMY", "--zip", "94128", "--start", at(10), "--end", at(12))
    assert json.loads(out)["price"] == "143.67"  # a new booking: the new plan ($120 + $10.35 + $13.32)


BAD = """\
[[plan]]
vehicle_class = "ECONOMY"
zip_code = "94128"
day_rate = "-5.00"
week_rate = "abc"

[[plan]]
vehicle_class = "TRUCK"
zip_code = "94128"
day_rate = "10.00"
seasons = [
    { first_day = 2027-01-01, last_day = 2027-02-01, day_rate = "20.00" },
    { first_day = 2027-02-01, last_day = 2027-03-01, day_rate = "20.00" },
]

[[tax]]
zip_code = "94128"
code = "sales"
label = "Sales tax"
rate = "1.5"

[[drop_fee]]
from_zip = "94128"
to_zip = "94128"
fee = "10.00"
"""


def test_a_bad_rates_file_names_every_problem_by_line_and_field_and_saves_nothing(rentaldesk, tmp_path):
    before = rentaldesk("--json", "rates", "show")[1]
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD, encoding="utf-8")
    status, out, err = rentaldesk("rates", "import", str(bad))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == f"rentaldesk: error: {bad}: 6 problems; nothing was imported"
    problems = lines[1:]
    for line, field in [(4, "day_rate"), (5, "week_rate"), (8, "vehicle_class"), (11, "seasons[1].first_day"),
                        (20, "rate"), (24, "to_zip")]:
        assert any(p.startswith(f"  {bad}, line {line}, field '{field}': ") for p in problems), (line, field, err)
    assert rentaldesk("--json", "rates", "show")[1] == before
    status, _, err = rentaldesk("--json", "rates", "import", str(bad))
    assert status == 2
    assert {p["field"] for p in json.loads(err)["problems"]} >= {"day_rate", "week_rate", "rate", "to_zip"}


def test_a_file_that_is_not_toml_is_one_problem(rentaldesk, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[plan]]\nvehicle_class = "ECONOMY\n', encoding="utf-8")
    status, _, err = rentaldesk("rates", "import", str(bad))
    assert status == 2
    assert f"{bad}, line 2: is not valid TOML" in err
