"""The sample's demo accounts (issue 13 item 2): ``rentaldesk fleet sample --with-staff`` makes
demo-admin, demo-manager and demo-clerk with fresh passwords shown once; never on a database with
staff, never into ``--json``; the plain sample makes no account. Real SQLite files, the real ``main``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sqlalchemy import select

from rentaldesk import staff
from rentaldesk.db import open_database
from rentaldesk.models import Branch, Staff
from tests.cli.test_command_line_rules import Command, assert_refused, isolated  # noqa: F401


@pytest.fixture
def command(tmp_path: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> Command:  # noqa: F811
    return Command(tmp_path / "desk.sqlite", capsys)


def accounts(command: Command) -> list[str]:
    database = open_database(f"sqlite:///{command.db}")
    try:
        with database.session() as s:
            return sorted(s.scalars(select(Staff.username)))
    finally:
        database.close()


def lock_after(command: Command) -> int | None:
    database = open_database(f"sqlite:///{command.db}")
    try:
        with database.session() as s:
            return s.scalar(select(Branch.lock_after_minutes).where(Branch.zip_code == "02108"))
    finally:
        database.close()


def test_the_sample_with_staff_shows_each_demo_password_once_and_they_sign_in(command: Command, tmp_path: Path) -> None:
    done = command("fleet", "sample", "--with-staff")
    assert done.code == 0, done
    shown = dict(re.findall(r"^  (demo-\w+) \(\w+\): (\S+)$", done.out, re.M))
    assert set(shown) == {"demo-admin", "demo-manager", "demo-clerk"}
    assert len(set(shown.values())) == 3  # each its own password, made now
    database = open_database(f"sqlite:///{command.db}")
    try:
        roles = {who: staff.sign_in(database, who, password, branch="02108").role for who, password in shown.items()}
    finally:
        database.close()
    assert roles == {"demo-admin": "admin", "demo-manager": "manager", "demo-clerk": "clerk"}
    # the clerk is held to a clerk's part on the command line
    secret = tmp_path / "clerk.pw"
    secret.write_text(shown["demo-clerk"] + "\n")
    fleet_file = tmp_path / "fleet.csv"
    fleet_file.write_text("plate_number,model\n")
    assert_refused(command("--branch", "BOS-DT", "--user", "demo-clerk", "--password-file", str(secret),
                           "fleet", "import", str(fleet_file)), "permission to import the fleet")


def test_a_second_time_or_on_a_staffed_database_it_is_refused_and_makes_nothing(command: Command) -> None:
    assert command("fleet", "sample", "--with-staff").code == 0
    before = accounts(command)
    assert_refused(command("fleet", "sample", "--with-staff"), "has staff accounts already")
    assert accounts(command) == before


def test_with_json_it_is_refused_before_anything_is_loaded(command: Command) -> None:
    done = command("--json", "fleet", "sample", "--with-staff")
    assert (done.code, done.out) == (2, "")
    assert json.loads(done.err) == {"error": "--with-staff shows the demo passwords once, as text: run it without --json.",
                                    "field": "with_staff", "exit_status": 2}
    assert command("fleet", "sample").code == 0  # the plain sample: data, no account
    assert accounts(command) == []


def test_an_admin_sets_the_branch_s_lock_time_and_a_bad_one_or_a_clerk_is_refused(command: Command,
                                                                                   tmp_path: Path) -> None:
    done = command("fleet", "sample", "--with-staff")
    shown = dict(re.findall(r"^  (demo-\w+) \(\w+\): (\S+)$", done.out, re.M))
    files = {}
    for who, password in shown.items():
        files[who] = tmp_path / f"{who}.pw"
        files[who].write_text(password + "\n")

    def as_user(who: str, *args: str):  # type: ignore[no-untyped-def]
        return command("--branch", "BOS-DT", "--user", who, "--password-file", str(files[who]), *args)

    done = as_user("demo-admin", "branches", "set", "--zip", "02108", "--lock-after", "15")
    assert (done.code, done.out) == (0, "Branch 02108: the desk locks after 15 minutes without use.\n"), done
    assert lock_after(command) == 15
    assert_refused(as_user("demo-admin", "branches", "set", "--zip", "02108", "--lock-after", "241"),
                   "lock after 241 is above 240; the lock after must be between 1 and 240")
    assert_refused(as_user("demo-admin", "branches", "set", "--zip", "02108", "--lock-after", "soon"),
                   "is not a whole number; type minutes such as 5")
    assert_refused(as_user("demo-admin", "branches", "set", "--zip", "99999", "--lock-after", "5"),
                   "Branch '99999' is not known here.")
    assert_refused(as_user("demo-admin", "branches", "set", "--zip", "02108"), "nothing to set")
    assert_refused(as_user("demo-manager", "branches", "set", "--zip", "02108", "--lock-after", "30"),
                   "permission to manage branches; demo-manager (manager) does not have it")
    assert lock_after(command) == 15  # none of the refused ones changed it
