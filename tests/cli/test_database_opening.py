"""``--db`` naming what is not a usable database, and a database another program holds: one line,
exit status 2, nothing written (and reading from a read-only database works)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from rentaldesk import db as db_module
from tests.cli.test_command_line_rules import Command, assert_refused, isolated, reserve  # noqa: F401

BOOKING = reserve()


@pytest.fixture
def command(tmp_path: Path, isolated: Path, capsys: pytest.CaptureFixture[str]) -> Command:  # noqa: F811
    return Command(tmp_path / "desk.sqlite", capsys)


def sample_db(command: Command, path: Path) -> None:
    assert command("--db", str(path), "fleet", "sample", db=False).code == 0


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - {"home"}


def test_what_is_not_a_database_is_refused(command: Command, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(5000))
    before = {p: p.read_bytes() for p in (text, noise)}
    for db, phrase in [(str(tmp_path), "is a folder, not a file"),
                       (str(text), "is not an SQLite database"),
                       (str(noise), "is not an SQLite database"),
                       ("/dev/null", "is not a regular file")]:
        for args in (["reservations", "list"], ["fleet", "sample"], BOOKING):
            assert_refused(command("--db", db, *args, db=False), phrase)
    assert {p: p.read_bytes() for p in before} == before
    assert files_in(tmp_path) == {"notes.txt", "noise.bin"}


def test_a_database_that_does_not_exist_is_not_made_by_a_mistyped_name(command: Command, tmp_path: Path) -> None:
    sample_db(command, tmp_path / "real.sqlite")
    assert_refused(command("--db", str(tmp_path / "raal.sqlite"), "reservations", "list", db=False),
                   f"no database {tmp_path / 'raal.sqlite'} (from --db)")
    assert_refused(command("--db", str(tmp_path / "no" / "such" / "x.sqlite"), "fleet", "sample", db=False),
                   f"no folder {tmp_path / 'no' / 'such'}")
    assert files_in(tmp_path) == {"real.sqlite"}
    assert command("--db", str(tmp_path / "new.sqlite"), "fleet", "sample", db=False).code == 0  # made on purpose


def test_a_database_driver_that_is_not_installed_names_what_to_install(command: Command) -> None:
    assert_refused(command("--db", "postgresql://clerk:secret@localhost/rentals", "reservations", "list", db=False),
                   "its driver is not installed", "pip install 'rentaldesk[postgres]'")
    assert_refused(command("--db", "mysql://clerk@localhost/rentals", "reservations", "list", db=False),
                   "its driver is not installed", "install the Python module 'MySQLdb'")
    assert "secret" not in command("--db", "postgresql://clerk:secret@localhost/rentals", "fleet", "list",
                                   db=False).err


def test_a_read_only_uri_reads_and_refuses_writes_leaving_no_stray_folders(command: Command, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sample_db(command, tmp_path / "b.sqlite")
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///file:{tmp_path / 'b.sqlite'}?mode=ro&uri=true"
    result = command("--db", uri, "fleet", "list", db=False)
    assert result.code == 0 and "PLATE" in result.out
    assert_refused(command("--db", uri, *BOOKING, db=False), f"the database {tmp_path / 'b.sqlite'} is read-only here",
                   "nothing was saved")
    assert files_in(tmp_path) <= {"b.sqlite", "b.sqlite-wal", "b.sqlite-shm"}


def test_an_immutable_database_is_read_and_not_written(command: Command, tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    sample_db(command, path)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here (not root, or the filesystem has no immutable flag)")
    try:
        result = command("--db", str(path), "fleet", "list", db=False)
        assert result.code == 0 and "PLATE" in result.out
        assert_refused(command("--db", str(path), *BOOKING, db=False), "is read-only here")
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs mounted in tmp_path (root only). (The sample's database and its WAL before the
    checkpoint at close took just under 1 MB until migration 0032's pages tipped them over: a disk
    full while the sample loads is not what these tests are about.)"""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip() or 'not root'}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_disk_is_read_and_not_written(command: Command, small_disk: Path) -> None:
    path = small_disk / "b.sqlite"
    sample_db(command, path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = command("--db", str(path), "reservations", "list", db=False)
    assert (result.code, result.out.strip()) == (0, "No reservations match.")
    assert_refused(command("--db", str(path), *BOOKING, db=False), "is read-only here")
    assert_refused(command("--db", str(small_disk / "other.sqlite"), "fleet", "sample", db=False))


def test_a_full_disk_says_the_disk_is_full_and_saves_nothing(command: Command, small_disk: Path) -> None:
    path = small_disk / "b.sqlite"
    sample_db(command, path)
    with open(small_disk / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    assert_refused(command("--db", str(path), *BOOKING, db=False), "is full; nothing was saved")
    assert_refused(command("--db", str(small_disk / "new.sqlite"), "fleet", "sample", db=False), "is full")
    assert not (small_disk / "new.sqlite").exists()
    (small_disk / "filler").unlink()
    assert command("--db", str(path), "reservations", "list", db=False).out.strip() == "No reservations match."


# -- another program holding the write lock ------------------------------------------------------


def test_a_write_waiting_for_another_program_says_so_and_goes_on_when_it_is_done(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), PYTHONWARNINGS="error")
    path = tmp_path / "b.sqlite"
    command = [sys.executable, "-m", "rentaldesk", "--db", str(path)]
    subprocess.run([*command, "fleet", "sample"], env=env, check=True, capture_output=True, timeout=120)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program's change, not finished
    proc = subprocess.Popen([*command, *BOOKING], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # blocks until the command says it waits
        assert first.startswith(f"rentaldesk: waiting for another program's change to {path} to finish"), first
    finally:
        other.execute("ROLLBACK")
        other.close()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Reservation " in out and err == ""


def test_a_write_kept_waiting_too_long_gives_up_with_one_clear_line(command: Command, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "b.sqlite"
    sample_db(command, path)
    monkeypatch.setattr(db_module, "SQLITE_WAIT_NOTICE_MS", 100)
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = command("--db", str(path), *BOOKING, db=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (result.code, result.out) == (2, "")
    waiting, refusal = result.err_lines
    assert waiting.startswith(f"rentaldesk: waiting for another program's change to {path}")
    assert refusal.startswith(f"rentaldesk: error: the database {path} is busy") and "nothing was saved" in refusal
    assert Command(path, command.capsys).reservations() == 0


def test_a_path_the_system_cannot_use_is_one_line_naming_it(command: Command, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The kind: an OSError from looking at a path (a name too long, a folder that cannot be
    searched) is a refusal naming the path and where it came from, never a traceback."""
    too_long = tmp_path / ("a" * 300 + ".sqlite")
    for args in (["reservations", "list"], ["fleet", "sample"], BOOKING):
        assert_refused(command("--db", str(too_long), *args, db=False),
                       f"cannot use the database {too_long} (from --db): File name too long")
    monkeypatch.setenv("RENTALDESK_CONFIG", str(tmp_path / ("c" * 300 + ".toml")))
    assert_refused(command("reservations", "list"), "cannot be read: File name too long")
    assert files_in(tmp_path) == set()


# -- start-up: what a command does not need is not loaded -------------------------------------------


def test_a_command_on_an_up_to_date_database_loads_no_alembic_fleet_reader_kafka_or_qt(command: Command,
                                                                                       tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    sample_db(command, path)
    script = ("import json, sys\nfrom rentaldesk.cli import main\n"
              f"status = main(['--db', {str(path)!r}, 'reservations', 'list'])\n"
              "print(json.dumps([status, sorted(sys.modules)]))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTALDESK_")}
    env.update(HOME=str(tmp_path / "home"), XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    status, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0, done.stderr
    loaded = {m.split(".")[0] for m in modules} | {m for m in modules if m.startswith("rentaldesk.")}
    assert not loaded & {"alembic", "mako", "kafka", "msgspec", "ortools", "PySide6", "smtplib",
                         "rentaldesk.migrations", "rentaldesk.fleet", "rentaldesk.sync", "rentaldesk.hq", "rentaldesk.gui"}


def test_the_newest_schema_read_from_the_files_is_alembic_s_and_an_older_one_is_still_migrated(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from rentaldesk.migrations import current_revision, head_revision, upgrade

    assert db_module.migration_head() == head_revision() is not None
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0005")  # a database an older build made
    engine.dispose()
    database = db_module.open_database(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        assert current_revision(database.engine) == head_revision()
    finally:
        database.close()
