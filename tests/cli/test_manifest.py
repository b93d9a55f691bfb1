"""``rentaldesk manifest`` and ``rentaldesk reservations no-show``, run for real in subprocesses (issue
11, manifest): the lists as JSON and text, the PDF, the no-show and its refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from rentaldesk.models import Reservation as ReservationRow
from rentaldesk.reservations import ReservationService

from .test_cli import ZIP, Desk, assert_refused, branch, clean_env, desk, fleet_csv, from_now  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # real processes


@pytest.fixture
def shop(request: pytest.FixtureRequest) -> Desk:
    """The branch of tests/cli/test_cli.py (New York, 10001: two ECONOMY cars and one SUV)."""
    return request.getfixturevalue("branch")


def booked_before(shop: Desk, email: str, start_ago: timedelta, length: timedelta) -> str:
    """A reservation whose pick-up time was ``start_ago`` ago (booked by a clock set back); its reference."""
    start = from_now() - start_ago
    db = shop.open()
    try:
        svc = ReservationService(db, clock=lambda: start - timedelta(hours=3))
        return svc.create_reservation(email=email, name=email.split("@")[0].title(), phone="555-0199",
                                      vehicle_class="ECONOMY", zip_code=ZIP, start=start, end=start + length).reference
    finally:
        db.close()


def status_of(shop: Desk, reference: str) -> tuple[str, Decimal | None]:
    db = shop.open()
    try:
        with db.session() as s:
            row = s.query(ReservationRow).filter_by(reference=reference).one()
            return row.status, row.no_show_fee
    finally:
        db.close()


def test_the_manifest_and_a_no_show_from_the_command_line(shop, tmp_path):
    gone = booked_before(shop, "gone@example.com", timedelta(hours=3), timedelta(days=2))   # past the 2 h grace
    soon = booked_before(shop, "soon@example.com", timedelta(hours=1), timedelta(days=2))   # not yet
    out = shop.run("--json", "manifest", "--pdf", str(tmp_path / "pdfs"))  # the only branch: no --zip needed
    assert out.code == 0, out.err
    m = out.json()
    assert (m["zip_code"], m["time_zone"], m["no_show_grace_minutes"]) == (ZIP, "America/New_York", 120)
    listed = {r["reference"]: r for r in m["no_shows"]}
    assert list(listed) == [gone] and listed[gone]["can_mark_no_show"] is True
    assert listed[gone]["state"] == "may be marked a no-show" and listed[gone]["customer_phone"] == "555-0199"
    pdf = Path(m["pdf"])
    assert pdf.parent == tmp_path / "pdfs" and pdf.name.startswith(f"manifest-{ZIP}-")
    assert gone in " ".join(p.extract_text() for p in PdfReader(pdf).pages)

    refused = shop.run("reservations", "no-show", soon)
    assert_refused(refused, f"reservation {soon} cannot be marked a no-show yet", "2 hours after the pick-up time")
    assert status_of(shop, soon) == ("confirmed", None)
    assert_refused(shop.run("reservations", "no-show", gone, "--fee", "a lot"), "--fee a lot is not an amount of money")
    wrong = shop.run("--json", "reservations", "no-show", "RNOTHERE")
    assert wrong.code == 2 and wrong.out == "" and json.loads(wrong.err)["error"] == "no reservation 'RNOTHERE'"
    assert status_of(shop, gone) == ("confirmed", None)

    marked = shop.run("reservations", "no-show", gone.lower(), "--fee", "25")
    assert marked.code == 0, marked.err
    assert marked.out.splitlines()[0].startswith(f"Reservation {gone}: no-show (no-show: not picked up by ")
    assert status_of(shop, gone) == ("no-show", Decimal("25.00"))
    assert_refused(shop.run("reservations", "no-show", gone), "is already marked a no-show")

    text = shop.run("manifest", "--zip", ZIP)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert lines[1] == "Due out 1, due in 0, overdue 0, no-shows 1"  # soon is due out today; gone a no-show
    assert any(gone in ln and "no-show, fee $25.00" in ln and "555-0199" in ln for ln in lines), text.out


def test_the_manifest_refuses_a_bad_day_or_branch(shop):
    assert_refused(shop.run("manifest", "--day", "2030-02-30"), "--day '2030-02-30' is not a date: use YYYY-MM-DD")
    assert_refused(shop.run("manifest", "--zip", "99999"), "unknown zip code '99999' (known: 10001)")
    out = shop.run("--json", "manifest", "--day", "2030-03-05")
    assert out.code == 0, out.err
    assert out.json()["day"] == "2030-03-05" and out.json()["due_out"] == [] and "pdf" not in out.json()


@pytest.mark.parametrize(("args", "words"), [
    (("manifest", "--zip", ZIP, "--day", "9999-12-31"), "--day 9999-12-31 is outside 2000-2199"),
    (("agreements", "cash-up", "--zip", ZIP, "--day", "0001-01-01"), "--day 0001-01-01 is outside 2000-2199"),
    (("manifest", "--zip", ZIP, "--pdf", "{file}"), "--pdf: cannot write manifest-"),
    (("agreements", "cash-up", "--zip", ZIP, "--pdf-dir", "{file}"), "it is a file, not a folder"),
])
def test_a_report_s_bad_day_or_folder_is_one_line(shop: Desk, tmp_path: Path, args, words) -> None:
    file = tmp_path / "a-file"
    file.write_text("not a folder")
    done = shop.run(*(a.replace("{file}", str(file)) for a in args))
    assert_refused(done, words)
    assert file.read_text() == "not a folder"
