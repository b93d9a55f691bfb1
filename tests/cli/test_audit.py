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
