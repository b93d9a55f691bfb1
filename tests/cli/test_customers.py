"""``rentaldesk customers list|show|edit``, and the renter rule on the command line's booking.

Most runs call the command's ``main()`` in-process (quick); two run the real ``python -m
rentaldesk`` in a subprocess. Each test has its own SQLite file with one branch (10001, New York).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rentaldesk.cli import main
from rentaldesk.db import open_database
from rentaldesk.fleet import import_fleet
from rentaldesk.models import Customer
from rentaldesk.models import Reservation as ReservationRow

HEADER = "plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code"
START = (date.today() + timedelta(days=3)).isoformat() + "T10:00"
END = (date.today() + timedelta(days=5)).isoformat() + "T10:00"
RETURN_DAY = date.today() + timedelta(days=5)


@pytest.fixture
def dbfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("RENTALDESK_DB", "RENTALDESK_KAFKA", "RENTALDESK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):  # no user's config or database
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))
    path = tmp_path / "desk.sqlite"
    fleet = tmp_path / "seed.csv"
    fleet.write_text(f"{HEADER}\nNY-101,Toyota Yaris,2024,White,automatic,40.00,ECONOMY,10001\n"
                     "NY-102,Kia Rio,2024,Red,automatic,40.00,ECONOMY,10001\n", encoding="utf-8")
    db = open_database(f"sqlite:///{path}")
    try:
        import_fleet(db, fleet, allow_new=True)
    finally:
        db.close()
    return path


def run(capsys: pytest.CaptureFixture[str], dbfile: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(dbfile), *args])
    out, err = capsys.readouterr()
    return code, out, err


def reserve(capsys, dbfile, email="ann@example.com", *extra: str):  # noqa: ANN001, ANN201
    return run(capsys, dbfile, "reserve", "--email", email, "--name", "Ann Lee", "--class", "ECONOMY",
               "--zip", "10001", "--start", START, "--end", END, *extra)


def stored(dbfile: Path, email: str = "ann@example.com") -> dict:
    db = open_database(f"sqlite:///{dbfile}")
    try:
        with db.session() as s:
            c = s.scalar(select(Customer).where(Customer.email == email))
            assert c is not None
            return {k: getattr(c, k) for k in ("name", "phone", "date_of_birth", "licence_number", "licence_region",
                                               "licence_expiry", "address_line1", "city", "postcode", "country",
                                               "do_not_rent", "do_not_rent_reason")}
    finally:
        db.close()


def reservations(dbfile: Path) -> int:
    db = open_database(f"sqlite:///{dbfile}")
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(ReservationRow)) or 0
    finally:
        db.close()


@pytest.fixture
def ann(capsys, dbfile) -> Path:  # noqa: ANN001
    code, _, err = reserve(capsys, dbfile)
    assert code == 0, err
    return dbfile


def test_edit_then_show_a_customer(capsys, ann):
    code, out, err = run(capsys, ann, "customers", "edit", "ANN@example.com", "--date-of-birth", "17 May 1990",
                         "--licence-number", "d123-456", "--licence-region", "NY", "--licence-expiry", "2031-01-31",
                         "--address", "1 Main St", "--city", "New York", "--postcode", "10001", "--country", "US")
    assert (code, err) == (0, "")
    assert "  licence   D123-456 (NY), valid to 2031-01-31" in out
    assert stored(ann) == {
        "name": "Ann Lee", "phone": "", "date_of_birth": date(1990, 5, 17), "licence_number": "D123-456",
        "licence_region": "NY", "licence_expiry": date(2031, 1, 31), "address_line1": "1 Main St",
        "city": "New York", "postcode": "10001", "country": "US", "do_not_rent": False, "do_not_rent_reason": "",
    }
    code, out, _ = run(capsys, ann, "customers", "show", "ann@example.com")
    assert code == 0
    assert "  born      1990-05-17" in out
    assert "  address   1 Main St, New York, 10001, US" in out
    assert "History" in out and "ECONOMY" in out and "$80.00" in out


def test_show_json_has_the_record_and_the_history(capsys, ann):
    run(capsys, ann, "customers", "edit", "ann@example.com", "--date-of-birth", "1990-05-17")
    code, out, _ = run(capsys, ann, "customers", "show", "ann@example.com", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["date_of_birth"] == "1990-05-17" and data["licence_expiry"] is None
    assert [(h["kind"], h["status"], h["amount"], h["vehicle_class"]) for h in data["history"]] == [
        ("reservation", "confirmed", "80.00", "ECONOMY")]


def test_list_searches_by_name_email_phone_and_licence(capsys, ann):
    reserve(capsys, ann, "bob@example.com")
    run(capsys, ann, "customers", "edit", "bob@example.com", "--licence-number", "CA777", "--name", "Bob Ray")
    capsys.readouterr()
    code, out, _ = run(capsys, ann, "customers", "list")
    assert code == 0 and out.splitlines()[0].split() == ["EMAIL", "NAME", "PHONE", "LICENCE", "EXPIRES", "BORN",
                                                          "DO", "NOT", "RENT"]
    assert len(out.splitlines()) == 3
    code, out, _ = run(capsys, ann, "customers", "list", "--search", "ca7", "--json")
    assert [c["email"] for c in json.loads(out)] == ["bob@example.com"]
    code, out, _ = run(capsys, ann, "customers", "list", "--search", "nobody")
    assert out.strip() == "No customers match."


@pytest.mark.parametrize(("args", "words"), [
    (["--date-of-birth", "31/2/1990"], "--date-of-birth: '31/2/1990' is not a date"),
    (["--date-of-birth", "17/5/90"], "--date-of-birth: the date of birth 2090-05-17 is in the future"),
    (["--date-of-birth", "1880-01-01"], "--date-of-birth: the date of birth 1880-01-01 is more than 120 years ago"),
    (["--licence-expiry", "2001-01-01"], "--licence-expiry: the licence expiry 2001-01-01 is in the past"),
    (["--licence-number", "D1\x1b[2J"], "--licence-number: the licence number holds an escape character"),
    (["--postcode", "x" * 17], "--postcode: the postcode is 17 characters long; at most 16"),
    (["--do-not-rent", " "], "--do-not-rent: a do-not-rent flag needs its reason"),
    (["--name", ""], "--name: the customer's name is needed"),
    ([], "nothing to change"),
])
def test_a_bad_edit_is_one_line_on_stderr_exit_2_and_nothing_saved(capsys, ann, args, words):
    before = stored(ann)
    code, out, err = run(capsys, ann, "customers", "edit", "ann@example.com", "--city", "Boston", *args)
    if not args:  # --city alone is a change: ask for nothing at all
        code, out, err = run(capsys, ann, "customers", "edit", "ann@example.com")
    else:
        assert stored(ann) == before
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "\x1b" not in err, err
    assert words in err, err


def test_a_bad_edit_as_json(capsys, ann):
    code, _, err = run(capsys, ann, "customers", "edit", "ann@example.com", "--licence-expiry", "soon", "--json")
    assert code == 2
    assert json.loads(err)["field"] == "licence_expiry"


def test_an_unknown_customer_is_refused(capsys, ann):
    code, _, err = run(capsys, ann, "customers", "show", "nobody@example.com")
    assert code == 2 and err.strip() == "rentaldesk: error: no customer 'nobody@example.com' (give their email or id)"


def test_do_not_rent_then_may_rent(capsys, ann):
    code, out, _ = run(capsys, ann, "customers", "edit", "ann@example.com", "--do-not-rent", "unpaid damage")
    assert code == 0 and "DO NOT RENT" in out and "  reason    unpaid damage" in out
    code, out, _ = run(capsys, ann, "customers", "edit", "ann@example.com", "--may-rent")
    assert code == 0 and "DO NOT RENT" not in out
    assert stored(ann)["do_not_rent_reason"] == ""


# -- the renter rule at the command line's booking --------------------------------------------------


def test_reserve_refuses_a_do_not_rent_customer_without_saying_the_reason(capsys, ann):
    run(capsys, ann, "customers", "edit", "ann@example.com", "--do-not-rent", "unpaid damage")
    n = reservations(ann)
    code, out, err = reserve(capsys, ann)
    assert code == 2 and out == ""
    assert err == "rentaldesk: error: Ann Lee is on the do-not-rent list; the reason is on the customer's record\n"
    assert reservations(ann) == n


def test_reserve_refuses_a_licence_expiring_before_the_return(capsys, ann):
    run(capsys, ann, "customers", "edit", "ann@example.com", "--licence-expiry",
        (RETURN_DAY - timedelta(days=1)).isoformat())
    code, _, err = reserve(capsys, ann, "ann@example.com", "--json")
    assert code == 2
    assert json.loads(err)["field"] == "licence_expiry"


def test_update_refuses_a_period_past_the_licence(capsys, ann):
    run(capsys, ann, "customers", "edit", "ann@example.com", "--licence-expiry", RETURN_DAY.isoformat())
    code, out, _ = run(capsys, ann, "reservations", "list", "--json")
    reference = json.loads(out)[0]["reference"]
    later = (RETURN_DAY + timedelta(days=1)).isoformat() + "T10:00"
    code, _, err = run(capsys, ann, "reservations", "update", reference, "--end", later, "--accept-price", "120.00")
    assert code == 2 and "before the return on" in err, err


# -- the real command ---------------------------------------------------------------------------------


def real(dbfile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rentaldesk", "--db", str(dbfile), *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_real_command_edits_and_refuses(ann):
    done = real(ann, "customers", "edit", "ann@example.com", "--date-of-birth", "2010-01-01")
    assert done.returncode == 0, done.stderr
    refused = real(ann, "reserve", "--email", "ann@example.com", "--name", "Ann Lee", "--class", "ECONOMY",
                   "--zip", "10001", "--start", START, "--end", END)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "on the pick-up day" in refused.stderr and "needs a renter of at least 21" in refused.stderr
    bad = real(ann, "customers", "edit", "ann@example.com", "--date-of-birth", "tomorrow")
    assert bad.returncode == 2 and bad.stderr.startswith("rentaldesk: error: --date-of-birth: the date of birth ")


# -- the branch's renter rules ------------------------------------------------------------------------


def test_set_and_list_the_renter_rules(capsys, dbfile):
    code, out, _ = run(capsys, dbfile, "customers", "rules")
    assert (code, out.strip()) == (0, "No rules set: every branch asks 21 years and charges no young-driver fee.")
    code, _, err = run(capsys, dbfile, "customers", "rule", "--zip", "10001", "--young-driver-fee", "$12.50",
                       "--licence-at-booking")
    assert code == 0, err
    code, _, err = run(capsys, dbfile, "customers", "rule", "--zip", "10001", "--min-age", "22")  # the rest kept
    assert code == 0, err
    code, _, _ = run(capsys, dbfile, "customers", "rule", "--zip", "10001", "--class", "economy", "--min-age", "25")
    code, out, _ = run(capsys, dbfile, "customers", "rules", "--json")
    assert json.loads(out) == [
        {"zip_code": "10001", "vehicle_class": None, "min_age": 22, "young_driver_age": 25,
         "young_driver_fee_per_day": "12.50", "licence_at_booking": True},
        {"zip_code": "10001", "vehicle_class": "ECONOMY", "min_age": 25, "young_driver_age": 25,
         "young_driver_fee_per_day": "0.00", "licence_at_booking": False},
    ]
    # the class's rule holds at the booking: 24 on file is too young for an ECONOMY here now
    run(capsys, dbfile, "customers", "rule", "--zip", "10001", "--licence-at-check-out")
    reserve(capsys, dbfile, "kid@example.com")
    run(capsys, dbfile, "customers", "edit", "kid@example.com", "--date-of-birth",
        date(date.today().year - 24, 1, 1).isoformat())
    capsys.readouterr()
    code, _, err = run(capsys, dbfile, "reserve", "--email", "kid@example.com", "--name", "Kid", "--class", "ECONOMY",
                       "--zip", "10001", "--start", START.replace("T10", "T09"), "--end", END, "--json")
    assert code == 2 and json.loads(err)["field"] == "date_of_birth", err


@pytest.mark.parametrize(("args", "words"), [
    (["--min-age", "15"], "--min-age: a minimum age is from 16 to 99, not 15"),
    (["--min-age", "30", "--young-driver-age", "26"], "--young-driver-age: the young-driver age (26) is from the minimum age (30) to 99"),
    (["--young-driver-fee", "-3"], "--young-driver-fee -3 is not an amount of money"),
    (["--min-age", "twenty"], "--min-age"),
    (["--class", "BUS", "--min-age", "30"], "unknown vehicle class 'BUS'"),
])
def test_a_bad_rule_is_refused_in_one_line(capsys, dbfile, args, words):
    code, out, err = run(capsys, dbfile, "customers", "rule", "--zip", "10001", *args)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert words in err
    code, out, _ = run(capsys, dbfile, "customers", "rules", "--json")
    assert json.loads(out) == []


def test_the_licence_at_booking_rule_refuses_a_booking_without_one(capsys, dbfile):
    run(capsys, dbfile, "customers", "rule", "--zip", "10001", "--licence-at-booking")
    code, _, err = reserve(capsys, dbfile)
    assert code == 2
    assert err == ("rentaldesk: error: no driving licence number on file for Ann Lee; it is needed to book here\n")
