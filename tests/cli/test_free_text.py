"""Names, phones, emails and models on the command line (its ``main()``, in-process): hostile text
is refused with one line naming the field and nothing saved, and text an older build stored is
printed escaped, so it cannot forge a line of output. Fleet files: typos create nothing without
``--allow-new``; huge amounts and fields are problems on their lines."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from rentaldesk.cli import main
from rentaldesk.db import open_database
from rentaldesk.fleet import import_fleet
from rentaldesk.models import Car, Customer, VehicleClass
from rentaldesk.models import Reservation as ReservationRow

HEADER = "plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code"
START = (date.today() + timedelta(days=3)).isoformat() + "T10:00"
END = (date.today() + timedelta(days=5)).isoformat() + "T10:00"
FORGED = "Ann\nrentaldesk: error: forged line\x1b[2J\x1b]0;owned\x07\u202eevil"


@pytest.fixture
def dbfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("RENTALDESK_DB", raising=False)
    monkeypatch.delenv("RENTALDESK_KAFKA", raising=False)
    monkeypatch.delenv("RENTALDESK_CONFIG", raising=False)
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):  # no user's config or database
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))
    path = tmp_path / "desk.sqlite"
    fleet = tmp_path / "seed.csv"
    fleet.write_text(f"{HEADER}\nNY-101,Toyota Yaris,2024,White,automatic,40.00,ECONOMY,10001\n", encoding="utf-8")
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


def count(dbfile: Path, model: type) -> int:
    db = open_database(f"sqlite:///{dbfile}")
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0
    finally:
        db.close()


def reserve(capsys, dbfile, *, name="Ann Lee", email="ann@example.com", phone=None):  # noqa: ANN001
    extra = ["--phone", phone] if phone is not None else []
    return run(capsys, dbfile, "reserve", "--email", email, "--name", name, *extra, "--class", "ECONOMY",
               "--zip", "10001", "--start", START, "--end", END)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("name", "Ann\nLee", "the name holds a line break at character 4"),
    ("name", "Ann\x1b[31mLee", "the name holds an escape character (ESC) at character 4"),
    ("name", "\x1b]0;owned\x07Ann", "the name holds an escape character (ESC) at character 1"),
    ("name", "Ann\u202eeeL", "the name holds a right-to-left override at character 4"),
    ("name", "Ann\x00", "the name holds a NUL character at character 4"),
    ("name", "A" * 100_000, "the name is 100,000 characters long; at most 120 are allowed"),
    ("phone", "555\n0100", "the phone holds a line break at character 4"),
    ("phone", "call me", "the phone holds 'c'; a phone holds only digits"),
    ("phone", "5" * 33, "the phone is 33 characters long; at most 32"),
    ("email", "ann\x1b@example.com", "the email holds an escape character (ESC) at character 4"),
])
def test_hostile_customer_text_is_refused_in_one_line_and_nothing_is_saved(capsys, dbfile, field, value, words):
    code, out, err = reserve(capsys, dbfile, **{field: value})
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "\x1b" not in err and "\u202e" not in err, err
    assert err.startswith(f"rentaldesk: error: {words}")
    assert count(dbfile, ReservationRow) == 0 and count(dbfile, Customer) == 0


def test_a_name_change_is_held_to_the_same_rule(capsys, dbfile):
    code, out, _ = reserve(capsys, dbfile, name="  Ann Lee ", phone=" +1 555 0100 ")
    assert code == 0
    reference = next(line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("Reservation"))
    code, _out, err = run(capsys, dbfile, "reservations", "update", reference, "--name", "Ann\r\nFORGED")
    assert code == 2 and err.startswith("rentaldesk: error: the name holds a line break")
    code, _out, err = run(capsys, dbfile, "reservations", "update", reference, "--phone", "555\x1b[8m")
    assert code == 2 and "the phone holds an escape character" in err
    db = open_database(f"sqlite:///{dbfile}")
    try:
        with db.session() as s:
            assert s.execute(select(Customer.name, Customer.phone)).one() == ("Ann Lee", "+1 555 0100")
    finally:
        db.close()


def test_text_an_older_build_stored_is_printed_escaped(capsys, dbfile):
    code, out, _ = reserve(capsys, dbfile)
    reference = next(line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("Reservation"))
    db = open_database(f"sqlite:///{dbfile}")
    try:
        with db.write() as s:  # what a build before the rule let through
            s.execute(update(Customer).values(name=FORGED))
            s.execute(update(Car).values(model="Yaris\n  price     0.00"))
    finally:
        db.close()
    for args in (("reservations", "show", reference), ("reservations", "list"), ("fleet", "list")):
        code, out, _ = run(capsys, dbfile, *args)
        assert code == 0
        assert not any(c in out for c in "\x1b\x07\u202e\r"), (args, out)
        assert not any(line.startswith(("rentaldesk: error", "  price     0.00")) for line in out.splitlines())
    _, shown, _ = run(capsys, dbfile, "reservations", "show", reference)
    assert "Ann\\nrentaldesk: error: forged line\\x1b[2J\\x1b]0;owned\\x07\\u202eevil" in shown


# -- fleet files -------------------------------------------------------------------------------------


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "fleet.csv"
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def test_a_typo_creates_nothing_without_allow_new(capsys, dbfile, tmp_path):
    """Item 17: class TRUCK and zip 021 became a class and a location, with only a log line."""
    path = write(tmp_path, "NY-102,Kia Rio,2023,Red,manual,44.00,ECONOMY,10001",
                 "NY-103,Ford F-150,2023,Red,manual,90.00,TRUCK,10001",
                 "NY-104,Kia Rio,2023,Red,manual,44.00,ECONOMY,021",
                 "NY-105,Kia Rio,20x3,Red,manual,44.00,ECONOMY,10001")
    code, out, err = run(capsys, dbfile, "fleet", "import", str(path))
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert lines[0] == f"rentaldesk: error: {path}: 3 problems; nothing was imported"
    assert lines[1].startswith(f"  {path}, line 3, field 'vehicle_class': TRUCK is not a known class (ECONOMY); fix the typo or allow new classes")
    assert lines[2].startswith(f"  {path}, line 4, field 'zip_code': zip code 021 is not a known location (10001); fix the typo or allow new locations")
    assert lines[3].startswith(f"  {path}, line 5, field 'year': the year '20x3' is not a whole number")
    assert count(dbfile, Car) == 1 and count(dbfile, VehicleClass) == 1
    path = write(tmp_path, "NY-102,Kia Rio,2023,Red,manual,44.00,ECONOMY,10001",
                 "NY-103,Ford F-150,2023,Red,manual,90.00,TRUCK,10001",
                 "NY-104,Kia Rio,2023,Red,manual,44.00,ECONOMY,021")
    code, out, err = run(capsys, dbfile, "fleet", "import", str(path), "--allow-new")
    assert code == 0, err
    assert out.startswith(f"Imported 3 cars from {path} (new class TRUCK; new location at zip 021).")
    assert count(dbfile, Car) == 4 and count(dbfile, VehicleClass) == 2


@pytest.mark.parametrize("column", ["statuss", "driver_license", "Odometre", ""])
def test_a_misspelt_column_is_an_error_naming_it(capsys, dbfile, tmp_path, column):
    """Item 17: a car meant to be retired came in as available (the column `statuss` was ignored)."""
    path = write(tmp_path, "NY-101,Toyota Yaris,2024,White,automatic,40.00,ECONOMY,10001,retired",
                 header=f"{HEADER},{column}")
    code, _out, err = run(capsys, dbfile, "fleet", "import", str(path))
    assert code == 2
    assert f"{path}, line 1" in err
    if column:
        assert f"column '{column.lower()}' is not a column of a fleet file (did you mean " in err
    else:
        assert "column 9 has no name in the header; name it (plate_number, model" in err
    assert count(dbfile, Car) == 1


@pytest.mark.parametrize(("rate", "words"), [
    ("1e30", "the day rate '1e30' is not an amount; type an amount such as 49.00"),
    ("1e308", "the day rate '1e308' is not an amount"),
    ("123456789", "the day rate '123456789' is too large; the most is 99,999,999.99"),
    ("NaN", "the day rate 'NaN' is not an amount"),
    ("Infinity", "the day rate 'Infinity' is not an amount"),
    ("٤٩", "the day rate '٤٩' is not an amount"),
    ("1_000", "the day rate '1_000' is not an amount"),
])
def test_huge_and_strange_amounts_are_problems_on_their_line(capsys, dbfile, tmp_path, rate, words):
    """Item 18: 1e30 and 1e308 ended in InvalidOperation."""
    path = write(tmp_path, f"NY-102,Kia Rio,2023,Red,manual,{rate},ECONOMY,10001")
    code, _out, err = run(capsys, dbfile, "fleet", "import", str(path))
    assert code == 2, err
    assert f"{path}, line 2, field 'cost_per_day': {words}" in err
    assert "InvalidOperation" not in err and "unexpected" not in err


def test_a_drivers_day_rate_of_1e40_and_a_huge_field_are_problems_on_their_line(capsys, dbfile, tmp_path):
    """Item 18: a driver's day_rate of 1e40 ended in InvalidOperation, a 131,073-character field in a csv error."""
    drivers = tmp_path / "drivers.csv"
    drivers.write_text("name,licence_number,day_rate\nDee,D123-456,1e40\n", encoding="utf-8")
    code, _out, err = run(capsys, dbfile, "drivers", "import", str(drivers))
    assert code == 2 and f"{drivers}, line 2, field 'day_rate': the day rate '1e40' is not an amount" in err
    path = write(tmp_path, "NY-102,Kia Rio,2023,Red,manual,44.00,ECONOMY,10001",
                 f"NY-103,\"{'K' * 131_073}\",2023,Red,manual,44.00,ECONOMY,10001",
                 "NY-104,Kia Rio,2023,Red,manual,44.00,ECONOMY,10001",
                 f"NY-105,{'K' * 5000},2023,Red,manual,44.00,ECONOMY,10001")
    code, _out, err = run(capsys, dbfile, "fleet", "import", str(path))
    assert code == 2, err
    assert f"{path}, line 3: a field on this line is longer than 131,072 characters" in err
    assert f"{path}, line 5, field 'model': the model is 5,000 characters long; at most 80 are allowed" in err
    assert "unexpected" not in err and len(err) < 2000
    assert count(dbfile, Car) == 1


def test_a_hostile_model_in_a_file_is_refused_and_echoed_escaped(capsys, dbfile, tmp_path):
    path = write(tmp_path, 'NY-102,"Kia\nrentaldesk: error: forged",2023,Red,manual,44.00,ECONOMY,10001',
                 "NY-103,Kia \x1b[31mRio,2023,Red,manual,44.00,ECONOMY,10001",
                 "N\x1b[2JY,Kia Rio,2023,Red,manual,44.00,ECONOMY,10001")
    code, _out, err = run(capsys, dbfile, "fleet", "import", str(path))
    assert code == 2
    assert "\x1b" not in err and not any(line.startswith("rentaldesk: error: forged") for line in err.splitlines())
    assert f"{path}, line 2, field 'model': the model holds a line break at character 4" in err
    assert f"{path}, line 4, field 'model': the model holds an escape character (ESC) at character 5" in err
    assert f"{path}, line 5, field 'plate_number': the plate 'N\\x1b[2JY' is not valid" in err
