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
from rentaldesk.models import Staff
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
