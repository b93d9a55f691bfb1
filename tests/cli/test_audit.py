"""``rentaldesk audit search`` through the real command: by user, time and record, as a table,
--json and a CSV file; bad input is one line naming the option."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

from rentaldesk.actor import Actor, acting_as
from rentaldesk.cli import main
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


def test_search_by_user_time_and_record_as_table_json_and_csv(rentaldesk, tmp_path):
    with acting_as(Actor("ann", "clerk", "94128", "sfo-1")):
        status, out, err = rentaldesk("--json", "reserve", "--email", "zed@example.com", "--name", "Zed Ray",
                                      "--class", "ECONOMY", "--zip", "94128", "--start", at(10), "--end", at(12))
    assert status == 0, err
    reference = json.loads(out)["reference"]
    with acting_as(Actor("max", "manager", "94128", "sfo-2")):
        assert rentaldesk("reservations", "cancel", reference)[0] == 0

    status, out, err = rentaldesk("--json", "audit", "search", "--record", reference.lower())
    assert status == 0, err
    found = json.loads(out)
    assert [(e["username"], e["action"]) for e in found] == [("ann", "created"), ("max", "changed")]
    assert found[1]["what"] == "status: confirmed → cancelled" and found[1]["workstation"] == "sfo-2"

    status, out, _ = rentaldesk("audit", "search", "--by", "MAX")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["AT", "(UTC)", "USER", "WHERE"]
    assert len(lines) == 2 and "max" in lines[1] and "status: confirmed → cancelled" in lines[1]

    today = datetime.now(timezone.utc).date()
    status, out, _ = rentaldesk("--json", "audit", "search", "--by", "ann", "--from", str(today),
                                "--to", str(today))
    assert {e["username"] for e in json.loads(out)} == {"ann"} and len(json.loads(out)) == 2  # reservation, customer
    status, out, _ = rentaldesk("--json", "audit", "search", "--by", "ann", "--to", str(today - timedelta(days=1)))
    assert json.loads(out) == []

    target = tmp_path / "trail.csv"
    status, out, err = rentaldesk("audit", "search", "--record", reference, "--csv", str(target))
    assert status == 0, err
    assert out.strip() == f"2 audit entries written to {target}"
    with target.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["username"], r["record_kind"], r["label"], r["action"]) for r in rows] == [
        ("ann", "reservation", reference, "created"), ("max", "reservation", reference, "changed")]
    assert rows[1]["what"] == "status: confirmed → cancelled"
    assert json.loads(rows[1]["changes"]) == {"status": ["confirmed", "cancelled"]}


@pytest.mark.parametrize(("args", "words"), [
    (("--from", "soon"), "--from 'soon' is not a time"),
    (("--from", "2030-03-02", "--to", "2030-03-01"), "--to (2030-03-01) is not after --from (2030-03-02)"),
    (("--csv", "/no/such/folder/x.csv"), "--csv: cannot write /no/such/folder/x.csv"),
    (("--limit", "0"), "--limit"),
])
def test_bad_input_is_one_line_naming_the_option(rentaldesk, args, words):
    status, out, err = rentaldesk("audit", "search", *args)
    assert status == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_staff_changes_through_the_command_line_show_no_secret_in_any_output(rentaldesk, tmp_path, monkeypatch):
    import sqlite3

    passwords = {"root": "root-pass-0", "ann": "ann-first-1", "ann2": "ann-second-2"}
    (tmp_path / "new.txt").write_text(passwords["ann2"] + "\n", encoding="utf-8")
    (tmp_path / "pin.txt").write_text("90817263\n", encoding="utf-8")
    monkeypatch.setenv("RENTALDESK_NEW_PASSWORD", passwords["root"])
    assert rentaldesk("staff", "add", "root", "--name", "Root Admin", "--role", "admin")[0] == 0  # the first admin
    monkeypatch.setenv("RENTALDESK_PASSWORD", passwords["root"])
    monkeypatch.setenv("RENTALDESK_NEW_PASSWORD", passwords["ann"])
    for args in (("staff", "add", "ann", "--name", "Ann Lee", "--role", "clerk", "--works-at", "94128"),
                 ("staff", "password", "ann", "--new-password-file", str(tmp_path / "new.txt"),
                  "--pin-file", str(tmp_path / "pin.txt")),
                 ("staff", "deactivate", "ann")):
        status, _, err = rentaldesk("--user", "root", *args)
        assert status == 0, err

    target = tmp_path / "staff.csv"
    outputs = [rentaldesk("--user", "root", *args) for args in (
        ("audit", "search", "--record", "staff:ann"), ("--json", "audit", "search", "--record", "staff:ann"),
        ("audit", "search", "--record", "staff:ann", "--csv", str(target)))]
    assert all(status == 0 for status, _, _ in outputs), outputs
    found = json.loads(outputs[1][1])
    assert [(e["username"], e["record_kind"], e["label"], e["action"]) for e in found] == [
        ("root", "staff", "Ann Lee", "created"), ("root", "staff", "Ann Lee", "changed"),
        ("root", "staff", "Ann Lee", "changed")]
    assert found[1]["changes"] == {"password": ["(set)", "(changed)"], "pin": [None, "(set)"]}
    assert found[2]["changes"] == {"active": [True, False]}
    assert "staff Ann Lee" in outputs[0][1] and "password: (set) → (changed)" in outputs[0][1]
    with target.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["record_kind"] for r in rows] == ["staff"] * 3 and rows[1]["what"].startswith("password: (set) → (changed)")

    db_path = tmp_path / "desk.sqlite"
    raw = sqlite3.connect(db_path)
    try:
        stored = {h for row in raw.execute("SELECT password_hash, pin_hash FROM staff") for h in row if h}
        trail = "\n".join(str(v) for row in raw.execute("SELECT * FROM audit_log") for v in row)
    finally:
        raw.close()
    assert len(stored) == 3  # root's password, ann's new password and PIN
    written = "\n".join([*(out + err for _, out, err in outputs), target.read_text(encoding="utf-8"), trail])
    for secret in (*stored, *passwords.values(), "90817263"):  # 8 digits: no chance match in an id or a time
        assert secret not in written, secret
        assert secret.rsplit("$", 1)[-1] not in written, secret


def test_an_agreements_steps_are_searched_by_kind_and_exported(rentaldesk, tmp_path):
    from zoneinfo import ZoneInfo

    from tests.cli.test_cli import from_now
    from tests.contract_helpers import may_rent, signature_png

    from rentaldesk.db import open_database

    start = from_now(hours=3).astimezone(ZoneInfo("America/Los_Angeles")).strftime("%Y-%m-%dT%H:%M")
    end = from_now(hours=51).astimezone(ZoneInfo("America/Los_Angeles")).strftime("%Y-%m-%dT%H:%M")
    with acting_as(Actor("ann", "clerk", "94128", "sfo-1")):
        status, out, err = rentaldesk("--json", "reserve", "--email", "zed@example.com", "--name", "Zed Ray",
                                      "--class", "ECONOMY", "--zip", "94128", "--start", start, "--end", end)
        assert status == 0, err
        booked = json.loads(out)
        db = open_database(f"sqlite:///{tmp_path / 'desk.sqlite'}")
        try:
            may_rent(db, booked["customer_id"])
        finally:
            db.close()
        pad = tmp_path / "signature.png"
        pad.write_bytes(signature_png())
        damage = json.dumps([{"zone": "bonnet", "x": 0.5, "y": 0.15, "note": "stone chip"}])
        status, out, err = rentaldesk("--json", "agreements", "check-out", booked["reference"], "--odometer", "999999",
                                      "--fuel", "8", "--licence-checked", "--signature", str(pad), "--deposit", "200",
                                      "--deposit-method", "cash", "--damage", damage)
        assert status == 0, err
        number = json.loads(out)["number"]
    with acting_as(Actor("max", "manager", "94128", "sfo-2")):
        status, out, err = rentaldesk("--json", "agreements", "check-in", number, "--odometer", "1000239", "--fuel", "6")
        assert status == 0, err

    status, out, err = rentaldesk("--json", "audit", "search", "--record", f"agreement:{number.lower()}")
    assert status == 0, err
    steps = json.loads(out)
    assert [(e["record_kind"], e["action"], e["username"], e["workstation"]) for e in steps] == [
        ("agreement", "checked-out", "ann", "sfo-1"), ("agreement", "checked-in", "max", "sfo-2")]
    assert steps[0]["what"].startswith("checked-out: ") and "deposit_method: cash" in steps[0]["what"]
    assert steps[1]["changes"]["in_odometer"] == [None, 1000239]
    status, out, err = rentaldesk("--json", "audit", "search", "--record", f"damage:{number}")
    assert status == 0, err
    (mark,) = json.loads(out)
    assert (mark["username"], mark["changes"]["zone"], mark["changes"]["note"]) == ("ann", [None, "bonnet"],
                                                                                   [None, "stone chip"])
    status, out, _ = rentaldesk("audit", "search", "--record", number)
    assert f"agreement {number}" in out and f"damage {number}" in out
    target = tmp_path / "agreement.csv"
    assert rentaldesk("audit", "search", "--record", number, "--csv", str(target))[0] == 0
    with target.open(newline="", encoding="utf-8") as f:
        assert [(r["record_kind"], r["action"], r["label"]) for r in csv.DictReader(f)] == [
            ("agreement", "checked-out", number), ("damage", "created", number), ("agreement", "checked-in", number)]
