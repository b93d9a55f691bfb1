"""The command line's rule for any input, hostile or not: a refusal is one line on stderr (a JSON
object with ``--json``), exit status 2, nothing on stdout and nothing saved; never a traceback.

Run in-process through :func:`rentaldesk.cli.main` (the real parser, commands and database; fast),
and as a subprocess where the process itself matters (a closed pipe).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rentaldesk import cli
from rentaldesk.db import open_database
from rentaldesk.models import Reservation as ReservationRow
from tests.cli.test_cli import Result

ZIP = "02108"  # the sample's Boston branch


@dataclass
class Command:
    db: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *args: str, db: bool = True) -> Result:
        code = cli.main([*(["--db", str(self.db)] if db else []), *args])
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def reservations(self) -> int:
        database = open_database(f"sqlite:///{self.db}")
        try:
            with database.session() as s:
                return s.scalar(select(func.count()).select_from(ReservationRow)) or 0
        finally:
            database.close()


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No RENTALDESK_* settings from outside; the user folders inside tmp_path; no log handlers
    (they would hold on to one test's captured stderr)."""
    for name in list(os.environ):
        if name.startswith("RENTALDESK_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    for name, sub in (("HOME", ""), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setattr(cli, "setup_logging", lambda verbosity: None)
    return home


@pytest.fixture
def run(tmp_path: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> Command:
    command = Command(tmp_path / "desk.sqlite", capsys)
    assert command("fleet", "sample").code == 0
    return command


def assert_refused(result: Result, *phrases: str) -> None:
    assert (result.code, result.out) == (2, ""), result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("rentaldesk: error: "), result.err
    assert "Traceback" not in result.err
    for phrase in phrases:
        assert phrase in result.err, result.err


def ahead(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).replace(second=0, microsecond=0).isoformat()


def reserve(*extra: str, start: str | None = None, end: str | None = None) -> list[str]:
    return ["reserve", "--email", "ann@example.com", "--name", "Ann Lee", "--class", "SUV", "--zip", ZIP,
            "--start", start or ahead(3), "--end", end or ahead(5), *extra]


# -- flags given twice, usage errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["reservations", "list", "--class", "SUV", "--class", "ECONOMY"], "--class"),
        (["reservations", "list", "--search", "a", "--search", "b"], "--search"),
        (["reservations", "list", "--needs-car", "--needs-car"], "--needs-car"),
        (["--branch", "BOS-DT", "reservations", "list", "--branch", "ORD-AP"], "--branch"),
        (["fleet", "list", "--db", "other.sqlite"], "--db"),
        (reserve("--end", ahead(6)), "--end"),
        (reserve("--car", "1", "--car", "2"), "--car"),
    ],
)
def test_a_flag_given_twice_is_refused_not_the_last_taken(run: Command, args: list[str], flag: str) -> None:
    result = run(*args)
    assert_refused(result, f"{flag} is given more than once", "--help")
    assert run.reservations() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["reserve", "--email", "ann@example.com"],  # required flags missing
        ["bogus"],
        ["reservations", "list", "--colour", "red"],
        ["reservations", "list", "--status", "lost"],
        ["reservations"],
        ["--status", "--gui"],
        ["fleet", "import", "/no/such/file.csv"],
    ],
)
def test_a_usage_error_is_one_line_and_points_to_help(run: Command, args: list[str]) -> None:
    result = run(*args)
    assert_refused(result, "; see rentaldesk")
    assert result.err_lines[0].endswith("--help")


def test_with_json_a_refusal_is_json(run: Command) -> None:
    for args, phrase, field in [
        (["--json", "reservations", "show", "RKNOSUCH"], "no reservation 'RKNOSUCH'", "reservation"),
        (["--json", "reservations", "list", "--class", "A", "--class", "B"], "--class is given more than once", None),
        (["reservations", "list", "--limit", "99999999999999999999999", "--json"], "--limit", "--limit"),
        (["--json", "bogus"], "invalid choice", None),
    ]:
        result = run(*args)
        assert (result.code, result.out) == (2, "")
        assert len(result.err_lines) == 1, result.err
        error = json.loads(result.err)
        assert phrase in error["error"] and error["field"] == field and error["exit_status"] == 2


# -- numbers and times ------------------------------------------------------------------------------

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (reserve("--driver", HUGE), f"--driver {HUGE} is too large"),
        (reserve("--driver", "-" + HUGE), "--driver"),
        (reserve("--driver", "1.5"), "--driver '1.5' is not a whole number"),
        (reserve("--car", HUGE), f"no car has the plate or id '{HUGE}'"),
        (["reservations", "assign", "RKNOSUCH", "--car", HUGE], f"no car has the plate or id '{HUGE}'"),
        (["reservations", "list", "--limit", HUGE], "--limit"),
        (["reservations", "pickup", "RKNOSUCH", "--odometer", HUGE], "--odometer"),
        (["reservations", "return", "RKNOSUCH", "--odometer", "-1"], "--odometer -1 cannot be negative"),
        (["reservations", "show", HUGE], f"no reservation '{HUGE}'"),
        (reserve(start="9999-12-30T10:00"), "--start '9999-12-30T10:00' is out of range"),
        (reserve(end="0001-01-01T00:00+14:00"), "--end '0001-01-01T00:00+14:00' is out of range"),
        (["reservations", "list", "--to", "9999-12-31"], "--to '9999-12-31' is out of range"),
        (["reservations", "list", "--from", "0001-01-01", "--zip", ZIP], "--from '0001-01-01' is out of range"),
        (["availability", "--class", "SUV", "--zip", ZIP, "--start", "9999-12-30T10:00", "--end", "9999-12-31"],
         "out of range"),
        (reserve(start="9998-06-01T10:00", end="9998-06-03T10:00"), "at most 730 days ahead"),
        (reserve(start=ahead(3), end=ahead(3 + 3653)), "a rental lasts at most 90 days"),
    ],
)
def test_a_number_or_time_out_of_range_is_a_clean_refusal(run: Command, args: list[str], phrase: str) -> None:
    assert_refused(run(*args), phrase)
    assert run.reservations() == 0


def test_a_rental_at_the_limits_is_taken(run: Command) -> None:
    result = run(*reserve(start=ahead(700), end=ahead(790)))
    assert result.code == 0, result
    assert run.reservations() == 1


# -- search -----------------------------------------------------------------------------------------


def test_wildcards_in_a_search_are_plain_characters(run: Command) -> None:
    assert run(*reserve()).code == 0
    assert run("reservations", "list", "--search", "Ann").out.count("Ann Lee") == 1
    for wildcard in ("%", "_", "A%", "%n", "\\"):
        result = run("reservations", "list", "--search", wildcard)
        assert (result.code, result.out.strip()) == (0, "No reservations match."), wildcard


# -- output to a pipe that closes -----------------------------------------------------------------


def test_a_reader_going_away_ends_the_command_quietly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), PYTHONWARNINGS="error")
    db = str(tmp_path / "desk.sqlite")
    subprocess.run([sys.executable, "-m", "rentaldesk", "--db", db, "fleet", "sample"], env=env, check=True,
                   capture_output=True, timeout=120)
    proc = subprocess.Popen([sys.executable, "-m", "rentaldesk", "--db", db, "fleet", "list"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head` that has read enough before the command writes
    _, err = proc.communicate(timeout=120)
    assert err.decode() == ""
    assert proc.returncode == 141
    log = tmp_path / "state" / "rentaldesk" / "log" / "rentaldesk.log"
    assert not log.exists() or "Traceback" not in log.read_text()


# -- settings ---------------------------------------------------------------------------------------


def test_bad_settings_are_refused_before_anything_is_opened(run: Command, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b'branch = "BOS-DT"  # caf\xe9\n')
    assert_refused(run("--config", str(latin1), "reservations", "list"), "is not UTF-8 text")
    assert_refused(run("--branch", "XYZ", "reservations", "list"),
                   "branch 'XYZ' is not one of this database's branches: BOS-DT, ORD-AP, SFO-AP")
    for variable, value, phrase in [("RENTALDESK_SMTP_PORT", "-99999", "RENTALDESK_SMTP_PORT -99999"),
                                    ("RENTALDESK_KAFKA", "!!!", "RENTALDESK_KAFKA"),
                                    ("RENTALDESK_TOPIC_PREFIX", "my topics", "RENTALDESK_TOPIC_PREFIX")]:
        with monkeypatch.context() as env:
            env.setenv(variable, value)
            assert_refused(run("reservations", "list"), phrase)
    fresh = tmp_path / "fresh.sqlite"
    assert_refused(run("--db", str(fresh), "--branch", "no way", "reservations", "list", db=False),
                   "--branch 'no way' is not a branch code")
    assert not fresh.exists()


def test_an_unexpected_failure_exits_1_with_one_line(run: Command, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(desk: object, args: object) -> None:
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr(cli, "build_parser", _parser_with(broken))
    result = run("reservations", "show", "X")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == ["rentaldesk: unexpected error: RuntimeError: a bug (run with -v for details)"]


def _parser_with(handler: object) -> object:
    from rentaldesk.cli.parser import build_parser

    def build() -> object:
        parser = build_parser()
        parser.set_defaults()
        for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
            reservations = action.choices["reservations"]
            for sub in reservations._subparsers._group_actions:
                sub.choices["show"].set_defaults(handler=handler)
        return parser

    return build


# -- the distance unit of a branch -----------------------------------------------------------------


def test_odometers_are_shown_in_the_branch_s_unit(run: Command) -> None:
    from sqlalchemy import update

    from rentaldesk.models import Branch, Car

    database = open_database(f"sqlite:///{run.db}")
    with database.write() as s:
        s.execute(update(Branch).where(Branch.zip_code == "60666").values(distance_unit="km"))
        s.execute(update(Car).values(odometer=12345))
    database.close()
    boston = run("fleet", "list", "--zip", ZIP).out.splitlines()
    chicago = run("fleet", "list", "--zip", "60666").out.splitlines()
    assert boston[0].endswith("ODOMETER") and all(line.endswith("12,345 mi") for line in boston[1:])
    assert all(line.endswith("12,345 km") for line in chicago[1:])
    cars = json.loads(run("--json", "fleet", "list", "--zip", "60666").out)
    assert {(c["odometer"], c["distance_unit"]) for c in cars} == {(12345, "km")}
    booked = json.loads(run("--json", *reserve(start=ahead(0.2), end=ahead(2))).out)
    from ..contract_helpers import may_rent, signature_png

    database = open_database(f"sqlite:///{run.db}")
    may_rent(database, booked["customer_id"])
    database.close()
    pad = run.db.parent / "signature.png"
    pad.write_bytes(signature_png())
    result = run("reservations", "pickup", booked["reference"], "--odometer", "12400", "--fuel", "8",
                 "--licence-checked", "--signature", str(pad), "--deposit-method", "cash")
    assert result.code == 0, result
    assert ", 12,400 mi, fuel full" in result.out


def test_arguments_and_settings_that_are_not_utf8_are_refused(run: Command, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = b"\xff".decode("utf-8", "surrogateescape")  # what Python makes of the byte 0xff in argv
    for args in (["reservations", "show", bad], ["reservations", "list", "--search", bad],
                 reserve("--phone", bad), ["fleet", "list", "--zip", bad]):
        assert_refused(run(*args), "is not UTF-8 text", "\\xff")
    assert_refused(run("--db", f"{bad}.sqlite", "fleet", "sample", db=False), "argument 2 '\\xff.sqlite' is not UTF-8")
    monkeypatch.setenv("RENTALDESK_BRANCH", bad)
    assert_refused(run("reservations", "list"), "RENTALDESK_BRANCH '\\xff' is not UTF-8 text")
    assert run.reservations() == 0


def test_huge_text_is_a_short_refusal_or_no_match(run: Command) -> None:
    huge = "a" * 100_000
    assert run("reservations", "list", "--search", huge).out.strip() == "No reservations match."
    for args in (["reservations", "show", huge], ["availability", "--class", huge, "--zip", ZIP, "--start", ahead(3), "--end", ahead(4)],
                 ["--json", "reservations", "show", huge]):
        result = run(*args)
        assert (result.code, result.out) == (2, "") and len(result.err_lines) == 1
        assert len(result.err) < 500


# -- any command line ---------------------------------------------------------------------------------

FLAGS = ["--class", "--zip", "--start", "--end", "--from", "--to", "--search", "--status", "--limit", "--car",
         "--driver", "--odometer", "--email", "--name", "--phone", "--json", "--needs-car", "--branch", "-v"]
WORDS = ["SUV", ZIP, "2030-01-01", "9999-12-31", "0001-01-01T00:00+14:00", "-1", "0", "1", HUGE, "%", "",
         "confirmed", "a@example.com", "RK", "--", "-", "2030-03-10T02:30"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([["reservations", "list"], ["reservations", "show"], ["reservations", "update"],
                        ["reservations", "cancel"], ["reservations", "pickup"], ["reservations", "assign"],
                        ["availability"], ["reserve"], ["fleet", "list"], ["reservations"], ["fleet"], ["bogus"]]),
       st.lists(st.one_of(st.sampled_from(FLAGS), st.sampled_from(WORDS),
                          st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)),
                max_size=8))
def test_any_command_line_is_done_or_refused_in_one_line(run: Command, command: list[str], rest: list[str]) -> None:
    result = run(*command, *rest)
    assert result.code in (0, 2), result
    if result.code == 2:
        assert result.out == "" and len(result.err_lines) == 1, result


def test_with_json_a_bad_fleet_file_is_one_json_object_with_every_problem(run: Command, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("plate_number,model,year,color,transmission,cost_per_day,vehicle_class,zip_code\n"
                   "X1,M,20x4,Red,automatic,-1,SUV,02108\n", encoding="utf-8")
    result = run("--json", "fleet", "import", str(bad))
    assert (result.code, result.out) == (2, "") and len(result.err_lines) == 1
    error = json.loads(result.err)
    assert {(p["line"], p["field"]) for p in error["problems"]} == {(2, "year"), (2, "cost_per_day")}


def test_a_default_database_that_cannot_be_made_is_a_clean_refusal(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "data").write_text("a file where the data folder should be")
    result = Command(isolated / "unused.sqlite", capsys)("reservations", "list", db=False)
    assert_refused(result, "cannot make the database", "name another with --db")
