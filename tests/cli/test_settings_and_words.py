"""Issue 10's last command-line defects, through the real command (:func:`rentaldesk.cli.main` in this
process on a real SQLite file with the sample data, and a real second process where one matters):
every setting checked where it came from, JSON on stderr under ``--json``, the desk's words for
statuses and classes, what was typed quoted as typed, SQLite URIs, and the drivers and fleet files'
words."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import update

from rentaldesk import db as db_module
from rentaldesk.db import open_database
from rentaldesk.models import Reservation as ReservationRow
from tests.cli.test_command_line_rules import Command, assert_refused, isolated, reserve, run  # noqa: F401

ZIP = "02108"


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - {"home"}


# -- item 1: every setting, from the file or the environment, by its kind and range -----------------


@pytest.mark.parametrize(
    ("toml", "phrase"),
    [
        ('[smtp]\nport = "25"\n', "[smtp]: 'port' must be a whole number from 1 to 65535, not '25'"),
        ('[smtp]\nsender = "reservations"\n', "[smtp]: 'sender' 'reservations' is not a mail sender"),
        ('[smtp]\nhost = "mail example com"\n', "[smtp]: 'host' 'mail example com' is not a host name"),
        ('[smtp]\nusername = "desk\\u001b[31m"\n', "[smtp]: 'username' holds an escape character (ESC) at character 5"),
        ('[smtp]\nstarttls = "yes"\n', "[smtp]: 'starttls' must be true or false, not 'yes'"),
        ('[kafka]\nssl_certfile = "/no/cert.pem"\n', "[kafka]: 'ssl_certfile' '/no/cert.pem' is not a file"),
    ],
)
def test_a_bad_setting_in_the_file_is_refused_naming_the_file_and_key(run: Command, tmp_path: Path,  # noqa: F811
                                                                       toml: str, phrase: str) -> None:
    config = tmp_path / "rentaldesk.toml"
    config.write_text(toml, encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    assert_refused(run("--config", str(config), "--db", str(fresh), "fleet", "sample", db=False), f"{config} {phrase}")
    assert not fresh.exists()  # refused before anything is opened


@pytest.mark.parametrize(
    ("variable", "value", "phrase"),
    [
        ("RENTALDESK_SMTP_PORT", "", "RENTALDESK_SMTP_PORT is empty; set it to a whole number from 1 to 65535, or unset it"),
        ("RENTALDESK_SMTP_HOST", " ", "RENTALDESK_SMTP_HOST is empty"),
        ("RENTALDESK_SMTP_SENDER", "<desk@example.com", "RENTALDESK_SMTP_SENDER '<desk@example.com' is not a mail sender"),
        ("RENTALDESK_SMTP_USERNAME", "desk\u202eresu", "RENTALDESK_SMTP_USERNAME holds a right-to-left override"),
        ("RENTALDESK_SMTP_STARTTLS", "", "RENTALDESK_SMTP_STARTTLS is empty"),
    ],
)
def test_a_bad_or_empty_variable_is_refused_naming_it(run: Command, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                      variable: str, value: str, phrase: str) -> None:
    monkeypatch.setenv(variable, value)
    assert_refused(run("reservations", "list"), phrase)
    result = run("--json", "reservations", "list")
    assert result.code == 2 and json.loads(result.err)["error"].startswith(phrase[:20])


# -- items 4 and 5: what was typed, quoted as typed; a branch named where it came from -------------


def test_an_unknown_branch_names_where_it_came_from_as_typed(run: Command, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    known = "is not one of this database's branches: BOS-DT, ORD-AP, SFO-AP"
    config = tmp_path / "rentaldesk.toml"
    config.write_text('branch = "bos-dx"\n', encoding="utf-8")
    assert_refused(run("--config", str(config), "reservations", "list"), f"{config}: 'branch' 'bos-dx' {known}")
    monkeypatch.setenv("RENTALDESK_BRANCH", "Ord-Xp")
    assert_refused(run("reservations", "list"), f"RENTALDESK_BRANCH 'Ord-Xp' {known}")
    assert_refused(run("--branch", "sfo-ab", "reservations", "list"), f"--branch 'sfo-ab' {known}")
    monkeypatch.setenv("RENTALDESK_BRANCH", "bos-dt")  # a known one, typed in any case
    assert run("reservations", "list").code == 0


@pytest.mark.parametrize(
    "args",
    [
        reserve(),
        ["availability", *reserve()[5:]],
        ["reservations", "list", "--class", "suvv"],
        ["fleet", "list", "--class", "suvv"],
    ],
)
def test_a_class_typo_is_quoted_as_typed(run: Command, args: list[str]) -> None:  # noqa: F811
    args = [("suvv" if before == "--class" else arg) for before, arg in zip(["", *args], args)]
    assert_refused(run(*args), "unknown vehicle class 'suvv' (known: Compact, Economy, Luxury, Minivan (VAN), SUV)")
    assert run.reservations() == 0


# -- item 3: the desk's words for statuses and classes ---------------------------------------------


def _booked_and_on_rent(run: Command) -> str:  # noqa: F811
    """Two Minivan bookings: one put on rent (as a pick-up would), one confirmed; the first's reference."""
    refs = []
    for email, days in (("ann@example.com", 3), ("bo@example.com", 10)):
        args = reserve(start=_ahead(days), end=_ahead(days + 2))
        args[args.index("--email") + 1], args[args.index("--class") + 1] = email, "VAN"
        result = run("--json", *args)
        assert result.code == 0, result.err
        refs.append(json.loads(result.out)["reference"])
    database = open_database(f"sqlite:///{run.db}")
    try:
        with database.write() as s:
            s.execute(update(ReservationRow).where(ReservationRow.reference == refs[0]).values(status="active"))
    finally:
        database.close()
    return refs[0]


def _ahead(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).replace(second=0, microsecond=0).isoformat()


@pytest.mark.parametrize("typed", ["on rent", "On Rent", "on-rent", "active", "ACTIVE"])
def test_a_status_is_typed_as_the_desk_says_it_or_as_stored(run: Command, typed: str) -> None:  # noqa: F811
    on_rent = _booked_and_on_rent(run)
    result = run("reservations", "list", "--status", typed)
    assert result.code == 0, result.err
    (header, row) = result.out.strip().splitlines()
    cells = re.split(r"\s{2,}", row)
    assert (cells[0], cells[1], cells[4]) == (on_rent, "on rent", "Minivan") and cells[-1].startswith("$")
    data = json.loads(run("--json", "reservations", "list", "--status", typed).out)
    assert [(r["reference"], r["status"], r["vehicle_class"]) for r in data] == [(on_rent, "active", "VAN")]


def test_the_human_output_shows_the_desk_s_words_and_json_keeps_the_codes(run: Command) -> None:  # noqa: F811
    on_rent = _booked_and_on_rent(run)
    shown = run("reservations", "show", on_rent).out
    assert f"Reservation {on_rent}: on rent" in shown and "  class     Minivan at 02108" in shown
    listing = run("reservations", "list", "--class", "minivan").out  # a class typed by its name
    assert listing.count("Minivan") == 2 and "VAN  " not in listing
    fleet = run("fleet", "list", "--class", "Minivan", "--zip", ZIP).out.splitlines()
    assert fleet[1].split()[2:5] == ["Minivan", "02108", "available"] and "$" in fleet[1]
    availability = run("availability", "--class", "van", "--zip", ZIP, "--start", _ahead(20), "--end", _ahead(22))
    assert availability.out.startswith("Minivan at 02108, ")
    data = json.loads(run("--json", "reservations", "show", on_rent).out)
    assert (data["status"], data["vehicle_class"]) == ("active", "VAN")


@pytest.mark.parametrize(("typed", "words"), [
    ("lost", "argument --status: 'lost' is not a status; use one of pending, confirmed, on rent, returned, cancelled, "
             "expired, rejected, no-show; see rentaldesk reservations list --help"),
    ("needs a car", "a reservation that needs a car: --needs-car"),
    ("", "'' is not a status"),
])
def test_a_status_the_desk_does_not_say_is_refused_naming_the_words(run: Command, typed: str, words: str) -> None:  # noqa: F811
    assert_refused(run("reservations", "list", "--status", typed), words)


# -- item 2: under --json every line on stderr is JSON ---------------------------------------------


def test_with_json_the_wait_and_the_giving_up_are_json_lines(run: Command, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "SQLITE_WAIT_NOTICE_MS", 100)
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(run.db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = run("--json", *reserve())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (result.code, result.out) == (2, "")
    waiting, refusal = (json.loads(line) for line in result.err_lines)
    assert list(waiting) == ["notice"]
    assert waiting["notice"].startswith(f"waiting for another program's change to {run.db} to finish (up to ")
    assert refusal["error"].startswith(f"the database {run.db} is busy") and refusal["exit_status"] == 2
    assert run.reservations() == 0


def test_with_json_a_write_that_waits_then_goes_on_says_so_in_json(tmp_path: Path) -> None:
    """A real second process holds the lock; the command's first stderr line is a JSON notice."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), PYTHONWARNINGS="error")
    path = tmp_path / "b.sqlite"
    command = [sys.executable, "-m", "rentaldesk", "--db", str(path)]
    subprocess.run([*command, "fleet", "sample"], env=env, check=True, capture_output=True, timeout=120)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    proc = subprocess.Popen([*command, "--json", *reserve()], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        first = json.loads(proc.stderr.readline())  # blocks until the command says it waits
    finally:
        other.execute("ROLLBACK")
        other.close()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert first["notice"].startswith(f"waiting for another program's change to {path} to finish")
    assert err == "" and json.loads(out)["status"] == "confirmed"


def test_with_json_the_first_start_notice_is_json(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    from rentaldesk import cli

    assert cli.main(["--json", "--status"]) == 0
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert json.loads(line)["notice"].startswith("first start: created ")
    assert json.loads(out)["cars"] > 0


# -- item 6: SQLite URIs as SQLite writes them -----------------------------------------------------


def test_a_bare_sqlite_uri_reads_read_only_and_leaves_no_stray_folders(run: Command, tmp_path: Path,  # noqa: F811
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for uri in (f"file:{run.db.name}?mode=ro", f"file:{run.db}?mode=ro", f"file://{run.db}?mode=ro",
                f"sqlite:///file:{run.db.name}?mode=ro&uri=true"):
        listing = run("--db", uri, "fleet", "list", "--zip", ZIP, db=False)
        assert listing.code == 0 and "PLATE" in listing.out, (uri, listing.err)
        assert_refused(run("--db", uri, *reserve(), db=False), f"the database {run.db} is read-only here",
                       "nothing was saved")
    assert files_in(tmp_path) <= {run.db.name, f"{run.db.name}-wal", f"{run.db.name}-shm"}
    assert run.reservations() == 0


@pytest.mark.parametrize(("uri", "words"), [
    ("file:?mode=ro", "the database URI 'file:?mode=ro' names no file"),
    ("file:desk.sqlite?mode=bogus", "its URI asks SQLite for what it does not know (no such access mode: bogus)"),
    ("file:desk.sqlite?vfs=nothing", "(no such vfs: nothing)"),
    ("file:elsewhere.sqlite?mode=ro", "no database elsewhere.sqlite (from --db)"),
])
def test_a_sqlite_uri_that_cannot_be_opened_is_one_clear_line(run: Command, tmp_path: Path, uri: str, words: str,  # noqa: F811
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(run("--db", uri, "reservations", "list", db=False), words)
    assert files_in(tmp_path) <= {run.db.name, f"{run.db.name}-wal", f"{run.db.name}-shm"}


# -- items 7 and 8: the drivers and fleet files' words ---------------------------------------------


def test_an_empty_day_rate_of_a_driver_is_an_error_on_its_line(run: Command, tmp_path: Path) -> None:  # noqa: F811
    drivers = tmp_path / "drivers.csv"
    drivers.write_text("name,licence_number,day_rate\nDee Driver,D123-456,\nEve Driver,E123-456,70\n", encoding="utf-8")
    result = run("drivers", "import", str(drivers))
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [f"rentaldesk: error: {drivers}: 1 problem; nothing was imported",
                                f"  {drivers}, line 2, field 'day_rate': the day rate is empty; type an amount such as 49.00"]
    drivers.write_text("name,licence_number\nDee Driver,D123-456\n", encoding="utf-8")
    assert "the header lacks day_rate" in run("drivers", "import", str(drivers)).err


def test_a_fleet_row_with_too_few_or_many_values_says_so_in_words(run: Command, tmp_path: Path) -> None:  # noqa: F811
    fleet = tmp_path / "fleet.csv"
    fleet.write_text("plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code\n"
                     "NY1,Kia Rio,2023,Red,manual,44.00,ECONOMY\n"
                     "NY2,Kia Rio,2023,Red,manual,44,00,ECONOMY,02108\n", encoding="utf-8")
    result = run("--json", "fleet", "import", str(fleet))
    problems = json.loads(result.err)["problems"]
    assert [(p["line"], p["message"]) for p in problems] == [
        (2, "this line has 7 values where the header line names 8 columns: a value or a comma missing? "
            "(a value that holds a comma goes in double quotes)"),
        (3, "this line has 9 values where the header line names 8 columns: a comma too many? "
            "(a value that holds a comma goes in double quotes)"),
    ]
