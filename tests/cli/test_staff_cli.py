"""The command line as a user (issue 13 item 5): ``--user`` with the password from a file, the
environment or a missing source; ``rentaldesk staff add|list|deactivate|password``; the service
commands acting as their service account. Real SQLite files, the real ``main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rentaldesk import actor
from tests.cli.test_command_line_rules import Command, assert_refused, isolated, reserve  # noqa: F401


@pytest.fixture
def command(tmp_path: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> Command:  # noqa: F811
    return Command(tmp_path / "desk.sqlite", capsys)


def secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n")
    return str(path)


@pytest.fixture
def staffed(command: Command, tmp_path: Path) -> dict[str, str]:
    """The sample data, a first admin made unsigned (the first start), then a clerk and a manager at BOS-DT."""
    assert command("fleet", "sample").code == 0
    files = {who: secret(tmp_path, who, f"{who}-pass-1") for who in ("root", "ann", "max")}
    done = command("staff", "add", "root", "--name", "Ada Admin", "--role", "admin",
                   "--new-password-file", files["root"])
    assert done.code == 0, done
    for who, role in (("ann", "clerk"), ("max", "manager")):
        done = command("--user", "root", "--password-file", files["root"], "staff", "add", who, "--name", who.title(),
                       "--role", role, "--works-at", "02108", "--new-password-file", files[who])
        assert done.code == 0, done
    return files


def as_user(command: Command, files: dict[str, str], who: str, *args: str):  # type: ignore[no-untyped-def]
    return command("--branch", "BOS-DT", "--user", who, "--password-file", files[who], *args)


def test_once_staff_exist_a_command_needs_a_user(command: Command, staffed: dict[str, str]) -> None:
    assert_refused(command("reservations", "list"), "Sign in first: this needs the permission to view")
    assert_refused(command("staff", "add", "eve", "--name", "Eve", "--role", "admin",
                           "--new-password-file", staffed["root"]), "Sign in first")
    # nothing stays signed in after a command (main runs in this process)
    assert actor.current_actor() is actor.SYSTEM


def test_a_clerk_books_and_a_manager_imports_and_each_is_held_to_their_part(
        command: Command, staffed: dict[str, str], tmp_path: Path) -> None:
    done = as_user(command, staffed, "ann", "--json", *reserve())
    assert done.code == 0, done
    assert json.loads(done.out)["status"] in ("confirmed", "pending")
    fleet_file = tmp_path / "fleet.csv"
    fleet_file.write_text("plate_number,model\n")
    refused = as_user(command, staffed, "ann", "fleet", "import", str(fleet_file))
    assert_refused(refused, "Not allowed: this needs the permission to import the fleet; ann (clerk) does not have it.")
    # the manager gets past the permission to the file's own problems
    by_manager = as_user(command, staffed, "max", "fleet", "import", str(fleet_file))
    assert by_manager.code == 2 and "permission" not in by_manager.err
    assert_refused(as_user(command, staffed, "max", "staff", "list"), "manage staff", "max (manager)")


def test_the_password_from_the_environment_and_refusals_in_one_line(
        command: Command, staffed: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RENTALDESK_PASSWORD", "ann-pass-1")
    assert command("--branch", "BOS-DT", "--user", "ann", "reservations", "list").code == 0
    monkeypatch.setenv("RENTALDESK_PASSWORD", "wrong-one")
    assert_refused(command("--branch", "BOS-DT", "--user", "ann", "reservations", "list"), "Wrong username or password.")
    assert_refused(command("--branch", "BOS-DT", "--user", "nobody", "reservations", "list"),
                   "Wrong username or password.")
    monkeypatch.delenv("RENTALDESK_PASSWORD")
    # not a terminal (pytest's stdin), no file, no variable: refused, never waiting on a prompt
    assert_refused(command("--user", "ann", "reservations", "list"), "no password: give it in a file")
    assert_refused(command("--user", "ann", "--password-file", str(tmp_path / "none"), "reservations", "list"),
                   "cannot read the password file")
    assert_refused(command("--password-file", staffed["ann"], "reservations", "list"), "--password-file needs --user")
    # a database of three branches and no --branch: the clerk is asked which
    assert_refused(command("--user", "ann", "--password-file", staffed["ann"], "reservations", "list"),
                   "signs in at its branches only (02108)")
    assert_refused(command("--branch", "ORD-AP", "--user", "ann", "--password-file", staffed["ann"],
                           "reservations", "list"), "does not work at branch 60666")


def test_staff_list_deactivate_and_password(command: Command, staffed: dict[str, str], tmp_path: Path) -> None:
    listed = as_user(command, staffed, "root", "--json", "staff", "list")
    assert listed.code == 0, listed
    assert [(p["username"], p["role"], p["branches"], p["active"]) for p in json.loads(listed.out)] == [
        ("ann", "clerk", ["02108"], True), ("max", "manager", ["02108"], True), ("root", "admin", [], True)]
    assert "pass" not in listed.out  # no password nor hash in the output
    new = secret(tmp_path, "new", "ann-new-pass")
    pin = secret(tmp_path, "pin", "2468")
    assert as_user(command, staffed, "root", "staff", "password", "ann", "--new-password-file", new,
                   "--pin-file", pin).code == 0
    assert_refused(as_user(command, staffed, "ann", "reservations", "list"), "Wrong username or password.")
    assert command("--branch", "BOS-DT", "--user", "ann", "--password-file", new, "reservations", "list").code == 0
    assert as_user(command, staffed, "root", "staff", "deactivate", "ann").code == 0
    assert_refused(command("--branch", "BOS-DT", "--user", "ann", "--password-file", new, "reservations", "list"),
                   "'ann' is not active")
    assert_refused(as_user(command, staffed, "root", "staff", "deactivate", "zed"), "No staff account 'zed'")


def test_a_service_command_acts_as_its_service_account(command: Command, staffed: dict[str, str]) -> None:
    assert_refused(command("--user", "ann", "--password-file", staffed["ann"], "sync"),
                   "--user is for people: `sync` acts as its service account 'sync'")
    # without a broker the sync is refused for that, not for a permission: it got past the sign-in
    assert_refused(command("sync"), "sync needs a broker")
