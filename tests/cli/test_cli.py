"""The ``rentaldesk`` command, run for real (``python -m rentaldesk``) in subprocesses.

Each test has its own SQLite file, passed with ``--db`` (one test uses ``$RENTALDESK_DB``). Data a
test only needs as a starting point (a branch, earlier reservations) is set up in-process, which is
fast; what the test is about goes through the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text, update

from rentaldesk.config import DB_ENV, load_settings
from rentaldesk.db import Database, open_database, sqlite_url
from rentaldesk.fleet import import_fleet
from rentaldesk.models import Branch, Car
from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.reservations import Reservation, ReservationService

pytestmark = pytest.mark.slow  # real processes (all but the few quick in-process tests first)

#: The test branch: its zip code and time zone (set after the import, which creates it with UTC).
ZIP = "10001"
TZ = ZoneInfo("America/New_York")

FLEET_CSV = """\
plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code
NY-101,Toyota Yaris,2024,White,automatic,40.00,ECONOMY,10001
NY-102,Kia Rio,2023,Silver,manual,44.00,ECONOMY,10001
NY-201,Honda CR-V,2025,Black,automatic,80.00,SUV,10001
"""

#: The day rate the import gives the new class ECONOMY: the median of its cars' rates.
ECONOMY_RATE = 42


# -- times -----------------------------------------------------------------------------------------


def local_day(days: int, hour: int = 10) -> datetime:
    """``hour`` o'clock branch time, ``days`` days from today (a whole local hour is never ambiguous)."""
    today = datetime.now(TZ).date()
    return datetime.combine(today + timedelta(days=days), time(hour), tzinfo=TZ)


def from_now(**delta: float) -> datetime:
    """Now (UTC, to the minute) plus ``delta``."""
    return datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(**delta)


def naive(value: datetime) -> str:
    """``value`` in branch time without an offset, as a clerk types it."""
    return value.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


def shown(value: datetime) -> str:
    """``value`` as the human output shows it: branch time with its offset."""
    return value.astimezone(TZ).isoformat(sep=" ", timespec="minutes")


def utc_iso(value: datetime) -> str:
    """``value`` as the JSON output writes it: ISO 8601 in UTC."""
    return value.astimezone(timezone.utc).isoformat()


# -- the command and the test's database -----------------------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.strip().splitlines()

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Desk:
    """One test's database file, and the command run on it."""

    path: Path
    env: dict[str, str]

    def run(self, *args: str, db: bool = True, env: dict[str, str] | None = None) -> Result:
        """``python -m rentaldesk --db FILE ARGS`` (``db=False``: without ``--db FILE``)."""
        argv = [sys.executable, "-m", "rentaldesk", *(["--db", str(self.path)] if db else []), *args]
        env = {**self.env, **(env or {})}
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def open(self) -> Database:
        return open_database(f"sqlite:///{self.path}")

    def count(self, model: type) -> int:
        db = self.open()
        try:
            with db.session() as s:
                return s.scalar(select(func.count()).select_from(model)) or 0
        finally:
            db.close()

    def stored_period(self, reference: str) -> tuple[datetime, datetime]:
        db = self.open()
        try:
            with db.session() as s:
                row = s.execute(
                    select(ReservationRow.start_at, ReservationRow.end_at).where(
                        ReservationRow.reference == reference
                    )
                ).one()
                return row.start_at, row.end_at
        finally:
            db.close()

    def book(self, email: str, start: datetime, end: datetime, vehicle_class: str = "ECONOMY") -> Reservation:
        """A reservation made in-process, as a starting point."""
        db = self.open()
        try:
            return ReservationService(db).create_reservation(
                email=email, name=email.split("@")[0].title(), vehicle_class=vehicle_class, zip_code=ZIP,
                start=start, end=end,
            )
        finally:
            db.close()


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """The subprocesses' environment: no $RENTALDESK_DB, every per-user data folder inside tmp_path
    (so no test touches the real default database), and warnings as errors."""
    env = {k: v for k, v in os.environ.items() if k != "RENTALDESK_DB"}
    home = tmp_path / "home"
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        APPDATA=str(home / "appdata"),
        LOCALAPPDATA=str(home / "appdata"),
        PYTHONWARNINGS="error",
    )
    return env


@pytest.fixture
def desk(tmp_path: Path, clean_env: dict[str, str]) -> Desk:
    """This test's database file (not created yet)."""
    return Desk(tmp_path / "desk.sqlite", clean_env)


@pytest.fixture
def fleet_csv(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.csv"
    path.write_text(FLEET_CSV, encoding="utf-8")
    return path


@pytest.fixture
def branch(desk: Desk, fleet_csv: Path) -> Desk:
    """The test database holding a New York branch at 10001 with two ECONOMY cars and one SUV."""
    db = desk.open()
    try:
        import_fleet(db, fleet_csv, allow_new=True)
        with db.write() as s:
            s.execute(update(Branch).where(Branch.zip_code == ZIP).values(time_zone=TZ.key))
    finally:
        db.close()
    return desk


def assert_refused(result: Result, *phrases: str) -> None:
    """Exit 2, nothing on stdout, one ``rentaldesk: error:`` line on stderr naming the phrases."""
    assert result.code == 2, result
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("rentaldesk: error: ")
    for phrase in phrases:
        assert phrase in result.err


# -- in-process: times and settings --------------------------------------------------------------


def test_settings_precedence(tmp_path: Path) -> None:
    env = {DB_ENV: str(tmp_path / "env.sqlite")}
    given = load_settings(str(tmp_path / "opt.sqlite"), environ=env)
    assert (given.db_url, given.db_source, given.uses_default_db) == (
        sqlite_url(tmp_path / "opt.sqlite"), "--db", False
    )
    from_env = load_settings(None, environ=env)
    assert (from_env.db_url, from_env.db_source) == (sqlite_url(tmp_path / "env.sqlite"), DB_ENV)
    url = "postgresql://hq/rentals"
    assert load_settings(None, environ={DB_ENV: url}).db_url == url  # a URL is taken as it is
    default = load_settings(None, environ={DB_ENV: "  "})  # empty counts as not given
    assert default.db_source == "default" and default.default_db_path is not None
    assert default.default_db_path.name == "rentaldesk.sqlite"
    assert default.db_url == sqlite_url(default.default_db_path)


# -- help and options ------------------------------------------------------------------------------


def test_help(desk: Desk) -> None:
    result = desk.run("--help", db=False)
    assert result.code == 0
    for command in ("fleet", "drivers", "reserve", "availability", "reservations"):
        assert command in result.out


def test_a_usage_error_exits_2(desk: Desk) -> None:
    result = desk.run("reserve", "--email", "ada@example.com")
    assert result.code == 2
    assert "required" in result.err
    assert not desk.path.exists()


def test_an_unusable_database_url_is_refused(desk: Desk) -> None:
    result = desk.run("--db", "nosuch://nowhere", "reservations", "list", db=False)
    assert_refused(result, "cannot open the database 'nosuch://nowhere'")


def test_a_database_of_a_newer_version_is_refused(desk: Desk) -> None:
    db = desk.open()
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.close()
    result = desk.run("reservations", "list")
    assert_refused(result, "newer version of rentaldesk")


# -- fleet -----------------------------------------------------------------------------------------


def test_fleet_import_then_list(desk: Desk, fleet_csv: Path) -> None:
    result = desk.run("fleet", "import", str(fleet_csv), "--allow-new")
    assert result.code == 0, result.err
    assert "Imported 3 cars" in result.out

    # --db after the subcommand works as well
    listed = desk.run("fleet", "list", "--class", "economy", "--db", str(desk.path), "--json", db=False)
    assert listed.code == 0, listed.err
    cars = listed.json()
    assert {c["plate_number"] for c in cars} == {"NY101", "NY102"}
    assert {(c["vehicle_class"], c["zip_code"], c["status"]) for c in cars} == {("ECONOMY", ZIP, "available")}
    assert {c["cost_per_day"] for c in cars} == {"40.00", "44.00"}


def test_a_bad_fleet_file_imports_nothing(desk: Desk, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        FLEET_CSV.splitlines()[0] + "\n"
        "NY-101,Toyota Yaris,2024,White,automatic,40.00,ECONOMY,10001\n"
        "NY-102,Kia Rio,20x3,Silver,manual,44.00,ECONOMY,10001\n"
        "NY-103,Kia Rio,2023,Silver,manual,-5,ECONOMY,10001\n",
        encoding="utf-8",
    )
    result = desk.run("fleet", "import", str(bad), "--allow-new")
    assert result.code == 2
    assert result.out == ""
    assert result.err_lines[0] == f"rentaldesk: error: {bad}: 2 problems; nothing was imported"
    assert "line 3, field 'year'" in result.err_lines[1]
    assert "line 4, field 'cost_per_day'" in result.err_lines[2]
    assert desk.count(Car) == 0


# -- reserve ---------------------------------------------------------------------------------------


def test_reserve_reads_a_time_without_offset_in_the_branch_time_zone(branch: Desk) -> None:
    start, end = local_day(3), local_day(5)
    result = branch.run(
        "--json", "reserve", "--email", "Ada@Example.com", "--name", "Ada Lovelace", "--phone", "+1 555 0100",
        "--class", "economy", "--zip", ZIP, "--start", naive(start), "--end", naive(end),
    )
    assert result.code == 0, result.err
    assert result.err == ""
    data = result.json()
    assert data["status"] == "confirmed"
    assert data["reference"].startswith("R") and data["id"]
    assert data["price"] == f"{2 * ECONOMY_RATE}.00"
    assert data["customer_email"] == "ada@example.com"
    assert (data["vehicle_class"], data["zip_code"]) == ("ECONOMY", ZIP)
    assert (data["start"], data["end"]) == (utc_iso(start), utc_iso(end))
    # 10:00 in New York is 14:00 or 15:00 UTC, and that is what the database holds
    stored = branch.stored_period(data["reference"])
    assert stored == (start.astimezone(timezone.utc), end.astimezone(timezone.utc))


def test_reserve_a_car_by_plate_shows_branch_time(branch: Desk) -> None:
    start, end = local_day(3), local_day(5)
    result = branch.run(
        "reserve", "--email", "ada@example.com", "--name", "Ada", "--class", "ECONOMY", "--zip", ZIP,
        "--start", start.astimezone(timezone.utc).isoformat(), "--end", end.isoformat(), "--car", "ny 102",
    )
    assert result.code == 0, result.err
    assert "confirmed" in result.out.splitlines()[0]
    assert "NY102" in result.out
    assert f"pick-up   {shown(start)}" in result.out
    assert f"return    {shown(end)}" in result.out
    assert "88.00" in result.out  # the asked-for car's own rate, 2 days


REFUSALS = {
    "lead time": (
        {"--start": from_now(hours=1).isoformat(), "--end": from_now(days=2).isoformat()},
        "pick-up must be at least 2 hours from now",
    ),
    "too short": ({"--start": naive(local_day(3)), "--end": naive(local_day(3, 20))}, "too short"),
    "no capacity": ({}, "are booked"),
    "duplicate": ({"--email": "ada@example.com"}, "already holds"),
    "unknown class": ({"--class": "LIMO"}, "unknown vehicle class 'LIMO'"),
    "bad time": ({"--start": "next tuesday"}, "--start 'next tuesday' is not a time"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_reservation_saves_nothing(branch: Desk, case: str) -> None:
    start, end = local_day(3), local_day(5)
    branch.book("ada@example.com", start, end)
    if case == "no capacity":
        branch.book("bob@example.com", start, end)
    before = branch.count(ReservationRow)
    changes, message = REFUSALS[case]
    options = {
        "--email": "cy@example.com", "--name": "Cy", "--class": "ECONOMY", "--zip": ZIP,
        "--start": naive(start), "--end": naive(end), **changes,
    }
    result = branch.run("reserve", *[part for pair in options.items() for part in pair])
    assert_refused(result, message)
    assert branch.count(ReservationRow) == before


# -- availability ----------------------------------------------------------------------------------


def test_availability_yes_then_no(branch: Desk) -> None:
    start, end = local_day(3), local_day(5)
    period = ("--class", "economy", "--zip", ZIP, "--start", naive(start), "--end", naive(end))

    yes = branch.run("availability", *period)
    assert yes.code == 0, yes.err
    assert "available     yes: room for 2 more of 2 Economy cars" in yes.out
    assert "on            any of them" in yes.out
    assert f"{2 * ECONOMY_RATE}.00" in yes.out

    branch.book("ada@example.com", start, end)
    branch.book("bob@example.com", start, end)
    no = branch.run("availability", "--json", *period)
    assert no.code == 0, no.err
    assert no.json() == {
        "vehicle_class": "ECONOMY",
        "zip_code": ZIP,
        "start": utc_iso(start),
        "end": utc_iso(end),
        "available": False,
        "room": 0,
        "cars_in_service": 2,
        "reserved_count": 2,
        "free_cars": [],
        "price": f"{2 * ECONOMY_RATE}.00",
        "ways_out": no.json()["ways_out"],  # their words: tests/cli/test_engine_words.py
    }


# -- reservations ----------------------------------------------------------------------------------


@pytest.fixture
def booked(branch: Desk) -> tuple[Desk, Reservation, Reservation]:
    """The branch with Ada's ECONOMY (day 3 to 5) and Bob's SUV (day 4 to 6)."""
    ada = branch.book("ada@example.com", local_day(3), local_day(5))
    bob = branch.book("bob@example.com", local_day(4), local_day(6), vehicle_class="SUV")
    return branch, ada, bob


def test_list_reservations(booked: tuple[Desk, Reservation, Reservation]) -> None:
    desk, ada, bob = booked
    table = desk.run("reservations", "list")
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[0].split()[:2] == ["REFERENCE", "STATUS"]
    assert [line.split()[0] for line in lines[1:]] == [ada.reference, bob.reference]  # by pick-up time

    # --from is branch time with --zip; a date alone is midnight there
    found = desk.run(
        "reservations", "list", "--json", "--zip", ZIP, "--status", "confirmed", "--search", "EXAMPLE.COM",
        "--from", local_day(4).date().isoformat(), "--limit", "5",
    )
    assert found.code == 0, found.err
    assert [r["reference"] for r in found.json()] == [bob.reference]


def test_show_and_update_a_reservation(booked: tuple[Desk, Reservation, Reservation]) -> None:
    desk, ada, _ = booked
    shown_ = desk.run("reservations", "show", ada.reference.lower())
    assert shown_.code == 0, shown_.err
    assert shown_.out.splitlines()[0] == f"Reservation {ada.reference}: confirmed"
    assert f"pick-up   {shown(local_day(3))}" in shown_.out

    new_end = local_day(6)
    updated = desk.run(
        "reservations", "update", ada.id, "--end", naive(new_end), "--phone", "+1 555 0199", "--json",
        "--accept-price", f"{3 * ECONOMY_RATE}.00",  # the price kept: a longer period is confirmed
    )
    assert updated.code == 0, updated.err
    data = updated.json()
    assert (data["end"], data["customer_phone"], data["version"]) == (utc_iso(new_end), "+1 555 0199", 2)
    assert data["price"] == f"{3 * ECONOMY_RATE}.00"
    assert desk.stored_period(ada.reference)[1] == new_end.astimezone(timezone.utc)


def test_cancel_a_reservation_once(booked: tuple[Desk, Reservation, Reservation]) -> None:
    desk, ada, _ = booked
    cancelled = desk.run("--json", "reservations", "cancel", ada.reference)
    assert cancelled.code == 0, cancelled.err
    assert cancelled.json()["status"] == "cancelled"
    assert_refused(desk.run("reservations", "cancel", ada.reference), "already cancelled")


def test_an_unknown_reference_is_refused(branch: Desk) -> None:
    assert_refused(branch.run("reservations", "show", "RNOSUCH0"), "no reservation 'RNOSUCH0'")


def test_pick_up_and_return(branch: Desk, tmp_path: Path) -> None:
    """``reservations pickup|return`` are the agreement's check-out and check-in (tests/cli/test_contracts.py)."""
    from ..contract_helpers import may_rent, signature_png

    start = from_now(hours=3)
    ada = branch.book("ada@example.com", start, start + timedelta(days=1))
    db = branch.open()
    try:
        may_rent(db, ada.customer_id)
    finally:
        db.close()
    pad = tmp_path / "signature.png"
    pad.write_bytes(signature_png())
    picked = branch.run("reservations", "pickup", ada.reference, "--odometer", "1000", "--fuel", "8",
                        "--licence-checked", "--signature", str(pad))
    assert picked.code == 0, picked.err
    assert picked.out.splitlines()[0].endswith(": on rent")  # the desk's word
    assert branch.run("reservations", "show", ada.reference).out.splitlines()[0] == f"Reservation {ada.reference}: on rent"
    returned = branch.run("--json", "reservations", "return", ada.reference, "--odometer", "1250", "--fuel", "8")
    assert returned.code == 0, returned.err
    assert returned.json()["status"] in ("returned", "closed") and returned.json()["returned"]["odometer"] == 1250
    assert branch.run("--json", "reservations", "show", ada.reference).json()["status"] == "completed"


# -- which database ----------------------------------------------------------------------------------


def test_rentaldesk_db_names_the_database_and_it_is_not_seeded(branch: Desk) -> None:
    result = branch.run("--json", db=False, env={"RENTALDESK_DB": str(branch.path)})
    assert result.code == 0, result.err
    status = result.json()
    assert status["database_source"] == "RENTALDESK_DB"
    assert status["database"].endswith(branch.path.name)
    assert (status["branches"], status["cars"]) == (1, 3)  # the test's fleet, no sample data


def test_the_default_database_is_seeded_on_first_start_only(desk: Desk, tmp_path: Path) -> None:
    first = desk.run("--json", db=False)
    assert first.code == 0, first.err
    assert "first start" in first.err
    status = first.json()
    assert status["database_source"] == "default"
    assert str(tmp_path / "home") in status["database"]
    assert status["cars"] > 0 and status["branches"] > 0

    again = desk.run("--json", db=False)
    assert again.code == 0, again.err
    assert again.err == ""
    assert again.json() == status  # nothing loaded twice

    desk.open().close()  # an empty database
    given = desk.run("--json")  # a database named by --db is never seeded
    assert given.code == 0, given.err
    assert (given.json()["cars"], given.json()["database_source"]) == (0, "--db")


def test_without_a_display_no_command_shows_the_status(desk: Desk) -> None:
    """`rentaldesk` opens the desk app where there is a screen (tests/gui starts it); where there is
    none, and with --status anywhere, it prints the database's status and the help."""
    headless = {k: v for k, v in desk.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "rentaldesk", "--db", str(desk.path)], capture_output=True,
                            text=True, env=headless, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no display found" in result.stdout and "cars: 0" in result.stdout
    status = desk.run("--status", env={"QT_QPA_PLATFORM": "offscreen"})
    assert status.code == 0, status.err
    assert status.out.startswith("rentaldesk ") and "no display found" not in status.out
    assert "open reservations: 0" in status.out


def test_fleet_sample_loads_once(desk: Desk) -> None:
    first = desk.run("--json", "fleet", "sample")
    assert first.code == 0, first.err
    assert first.json() == {"branches": 3, "classes": 5, "drivers": 9, "fleet": 72}
    again = desk.run("fleet", "sample")
    assert again.code == 0 and "already loaded" in again.out
    assert desk.count(Car) == 72


def test_a_branch_with_a_broker_needs_its_code(desk: Desk, fleet_csv: Path) -> None:
    desk.run("fleet", "import", str(fleet_csv), "--allow-new")
    start = local_day(3)
    result = desk.run("--kafka", "127.0.0.1:9", "reserve", "--email", "a@example.com", "--name", "A",
                      "--class", "ECONOMY", "--zip", "10001", "--start", naive(start),
                      "--end", naive(start + timedelta(days=1)))
    assert_refused(result, "--branch")
    assert desk.count(ReservationRow) == 0


def test_a_car_sent_to_maintenance_leaves_its_reservation_needing_a_car_and_a_way_out(
    branch: Desk, tmp_path: Path
) -> None:
    start, end = local_day(3), local_day(5)
    booked = branch.run("reserve", "--email", "ada@example.com", "--name", "Ada", "--class", "SUV", "--zip", ZIP,
                        "--start", start.isoformat(), "--end", end.isoformat(), "--json")
    assert booked.code == 0, booked.err
    reference = booked.json()["reference"]
    broken = tmp_path / "broken.csv"
    broken.write_text("plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code,status\n"
                      "ny 201,Honda CR-V,2025,Black,automatic,80.00,SUV,10001,maintenance\n", encoding="utf-8")
    imported = branch.run("fleet", "import", str(broken))
    assert imported.code == 0, imported.err
    assert f"1 reservation needs a car: {reference}" in imported.out
    listed = branch.run("reservations", "list", "--needs-car", "--json")
    assert [(r["reference"], r["needs_car"]) for r in listed.json()] == [(reference, True)]
    assert "NEEDS A CAR" in branch.run("reservations", "show", reference).out
    # a lower class is refused with the reason, nothing changes
    assert_refused(branch.run("reservations", "assign", reference, "--car", "NY-101"), "below the SUV booked")
    # the manager adds an SUV and gives it to the reservation, at its price
    spare = tmp_path / "spare.csv"
    spare.write_text("plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code\n"
                     "NY-202,Honda CR-V,2025,Blue,automatic,95.00,SUV,10001\n", encoding="utf-8")
    assert branch.run("fleet", "import", str(spare)).code == 0
    assigned = branch.run("reservations", "assign", reference, "--car", "ny202", "--json")
    assert assigned.code == 0, assigned.err
    got = assigned.json()
    assert (got["plate_number"], got["pinned"], got["needs_car"], got["price"]) == (
        "NY202", True, False, booked.json()["price"])
    assert branch.run("reservations", "list", "--needs-car", "--json").json() == []


def test_output_to_a_full_disk_is_one_line(tmp_path):
    """`rentaldesk fleet list > /dev/full`: the output cannot be written; one line, exit 2."""
    import subprocess
    import sys

    db = str(tmp_path / "desk.sqlite")
    subprocess.run([sys.executable, "-m", "rentaldesk", "--db", db, "fleet", "sample"], check=True,
                   capture_output=True)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "rentaldesk", "--db", db, "fleet", "list"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == ["rentaldesk: error: cannot write the output: the disk is full"]
