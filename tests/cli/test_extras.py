"""``rentaldesk extras list`` and ``reserve --extra`` through the real command, on the sample data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from rentaldesk.cli import main
from rentaldesk.db import open_database
from tests.contract_helpers import may_rent, signature_png
from tests.cli.test_rates import at


@pytest.fixture
def rentaldesk(tmp_path, capsys):  # noqa: ANN201
    db = str(tmp_path / "desk.sqlite")

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["--db", db, *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("fleet", "sample")[0] == 0
    return run


def test_the_sample_catalogue_is_listed(rentaldesk):
    status, out, err = rentaldesk("extras", "list", "--zip", "94128")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["ZIP", "CODE", "EXTRA", "KIND", "PRICE", "CAP", "TAXED", "STOCK"]
    seat = next(line for line in lines if " child-seat " in line)
    assert seat.split()[-4:] == ["day", "$72.00", "yes", "4"]
    status, out, _ = rentaldesk("--json", "extras", "list")
    codes = {(e["zip_code"], e["code"]) for e in json.loads(out)}
    assert {("02108", "cdw"), ("60666", "snow-chains"), ("94128", "theft")} <= codes
    assert ("94128", "snow-chains") not in codes
    status, _, err = rentaldesk("extras", "list", "--zip", "99999")
    assert status == 2 and "99999" in err and len(err.strip().splitlines()) == 1


def test_reserve_with_extras_keeps_them_and_refuses_the_fifth_seat(rentaldesk):
    def reserve(n: int, *extra: str) -> tuple[int, str, str]:
        flags = [f for e in extra for f in ("--extra", e)]
        return rentaldesk("--json", "reserve", "--email", f"r{n}@example.com", "--name", f"Renter {n}",
                          "--class", "ECONOMY", "--zip", "94128", "--start", at(10), "--end", at(12), *flags)

    status, bare, err = reserve(0)
    assert status == 0, err
    status, out, err = reserve(1, "child-seat:3", "gps")
    assert status == 0, err
    # 2 days: 3 seats at $12 and a GPS at $10 a day, taxed 8.625 % and the airport fee
    assert Decimal(json.loads(out)["price"]) > Decimal(json.loads(bare)["price"]) + Decimal("92.00")
    status, _, err = reserve(2, "child-seat:2")
    assert status != 0 and "only 1 of 4 child seats is free at San Francisco Airport" in err
    assert len(err.strip().splitlines()) == 1
    status, _, err = reserve(3, "sunroof")
    assert status != 0 and "'sunroof' is not an extra offered at San Francisco Airport" in err
    status, _, err = reserve(4, "gps:zero")
    assert status != 0 and "--extra" in err




def test_check_out_adds_an_extra_from_the_list_beside_the_booked_ones(tmp_path, capsys):
    db_path = str(tmp_path / "desk.sqlite")

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["--db", db_path, *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("fleet", "sample")[0] == 0
    start = datetime.now(timezone.utc) + timedelta(hours=3)
    status, out, err = run("--json", "reserve", "--email", "ada@example.com", "--name", "Ada Byron", "--class",
                           "ECONOMY", "--zip", "02108", "--start", start.isoformat(timespec="minutes"),
                           "--end", (start + timedelta(days=2)).isoformat(timespec="minutes"), "--extra", "cdw")
    assert status == 0, err
    booked = json.loads(out)
    db = open_database(f"sqlite:///{db_path}")
    try:
        may_rent(db, booked["customer_id"])
    finally:
        db.close()
    pad = tmp_path / "pad.png"
    pad.write_bytes(signature_png())
    out_args = ["agreements", "check-out", booked["reference"], "--odometer", "999999", "--fuel", "8",
                "--licence-checked", "--signature", str(pad), "--deposit", "150", "--deposit-method", "cash",
                "--pdf-dir", str(tmp_path)]
    status, _, err = run(*out_args, "--extra", "cdw")
    assert status == 2 and "Collision damage waiver (cdw) is booked with the reservation already" in err
    status, out, err = run("--json", *out_args, "--extra", "child-seat:2")
    assert status == 0, err
    assert [(e["code"], e["quantity"]) for e in json.loads(out)["extras"]] == [("cdw", 1), ("child-seat", 2)]
