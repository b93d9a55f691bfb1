"""``rentaldesk agreements ...`` and ``reservations pickup|return``, run for real in subprocesses:
a day at the counter from the command line (out, in, paid, printed, cashed up), and refusals."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from ..contract_helpers import may_rent, signature_png
from .test_cli import ZIP, Desk, assert_refused, branch, clean_env, desk, fleet_csv, from_now  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # real processes


@pytest.fixture
def counter(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Desk, str, Path]:
    """The branch with one ECONOMY booked from in 3 hours for 2 days by a renter who may rent, and a
    signed pad's PNG."""
    base: Desk = request.getfixturevalue("branch")
    start = from_now(hours=3)
    r = base.book("ada@example.com", start, start + timedelta(days=2))
    db = base.open()
    try:
        may_rent(db, r.customer_id)
    finally:
        db.close()
    pad = tmp_path / "signature.png"
    pad.write_bytes(signature_png())
    return base, r.reference, pad


def check_out_args(reference: str, pad: Path, *more: str) -> list[str]:
    return ["agreements", "check-out", reference, "--odometer", "0", "--fuel", "8", "--licence-checked",
            "--signature", str(pad), "--deposit", "150", "--deposit-method", "cash", *more]


def test_a_rental_from_the_command_line_out_in_paid_printed_and_cashed_up(counter, tmp_path):
    shop, reference, pad = counter
    pdfs = tmp_path / "pdfs"
    damage = json.dumps([{"zone": "bonnet", "x": 0.5, "y": 0.15, "note": "stone chip"}])
    assert_refused(shop.run(*check_out_args(reference, pad, "--pdf", str(pdfs / "a.pdf"), "--pdf-dir", str(pdfs))),
                   "not allowed with argument")  # one place or the other, and nothing saved
    out = shop.run("--json", *check_out_args(reference, pad, "--damage", damage, "--pdf", str(pdfs / "signed.pdf")))
    assert out.code == 0, out.err
    assert out.err == ""  # the one spelling: no note
    agreement = out.json()
    number = agreement["number"]
    assert number == "ORD-AP-000001" or number.endswith("-000001")
    assert agreement["status"] == "on rent" and agreement["deposit_state"] == "held"
    assert agreement["damage"][0]["zone"] == "bonnet" and Path(agreement["pdf"]) == pdfs / "signed.pdf"
    assert number in " ".join(p.extract_text() for p in PdfReader(agreement["pdf"]).pages)

    back = shop.run("--json", "agreements", "check-in", number, "--odometer", "240", "--fuel", "6", "--pdf-dir",
                    str(pdfs))
    assert back.code == 0, back.err
    assert "--pdf-dir is deprecated: use --pdf FILE" in back.err  # the earlier spelling: still taken
    returned = back.json()
    assert Path(returned["pdf"]) == pdfs / f"receipt-{number}.pdf"
    total = Decimal(returned["charges"]["total"])
    assert returned["status"] == "returned" and Decimal(returned["balance"]) == total > 0
    assert {ln["code"] for ln in returned["charges"]["lines"]} >= {"time", "fuel"}
    assert f"{total:,.2f} USD" in " ".join(p.extract_text() for p in PdfReader(returned["pdf"]).pages)

    half = (total / 2).quantize(Decimal("0.01"))
    paid = shop.run("--json", "agreements", "pay", number, "--method", "card", "--amount", str(half),
                    "--reference", "AUTH-1")
    assert paid.code == 0, paid.err and Decimal(paid.json()["balance"]) == total - half
    assert_refused(shop.run("agreements", "pay", number, "--method", "cash", "--amount", str(total)),
                   "is above the balance")
    rest = shop.run("--json", "agreements", "pay", number, "--method", "cash", "--amount", str(total - half))
    assert rest.code == 0, rest.err and rest.json()["status"] == "returned"  # the cash deposit is still held
    released = shop.run("--json", "agreements", "deposit", number, "--release")
    assert released.code == 0, released.err
    assert released.json()["status"] == "closed" and Decimal(released.json()["balance"]) == 0

    shown = shop.run("agreements", "show", reference)
    assert shown.code == 0 and shown.out.splitlines()[0] == f"Agreement {number}: closed"
    listed = shop.run("agreements", "list", "--status", "closed")
    assert number in listed.out
    receipt = shop.run("--json", "agreements", "pdf", number, "--receipt", "--pdf", str(tmp_path / "again" / "r.PDF"))
    assert receipt.code == 0, receipt.err
    assert receipt.json()["pdf"] == str(tmp_path / "again" / "r.PDF") and receipt.err == ""
    again = " ".join(" ".join(p.extract_text() for p in PdfReader(receipt.json()["pdf"]).pages).split())
    assert f"Total {total:,.2f} USD" in again and "Balance 0.00 USD" in again  # the charges as fixed, then paid

    today = datetime.now().astimezone().date()
    cashed = None
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):  # the branch's day may differ
        result = shop.run("--json", "payments", "cash-up", "--zip", ZIP, "--day", day.isoformat(),
                          "--pdf", str(pdfs / f"till-{day.isoformat()}.pdf"))
        assert result.code == 0, result.err
        if Decimal(result.json()["total"]) > 0:
            cashed, cashed_day = result.json(), day
    assert cashed is not None
    by_method = {ln["method"]: ln for ln in cashed["lines"]}
    assert Decimal(by_method["card"]["net"]) == half and Decimal(by_method["cash"]["net"]) == total - half
    assert Decimal(cashed["cash_deposits_held"]) == Decimal(cashed["cash_deposits_released"]) == Decimal("150.00")
    assert Decimal(cashed["cash_in_drawer"]) == total - half  # the cash paid; the cash deposit came and went
    assert cashed["pdf"] == str(pdfs / f"till-{cashed_day.isoformat()}.pdf")
    assert f"Cash in the drawer {total - half:,.2f} USD" in " ".join(p.extract_text() for p in PdfReader(cashed["pdf"]).pages)
    shown = shop.run("payments", "cash-up", "--day", cashed_day.isoformat())  # the only branch; no PDF asked
    assert shown.code == 0, shown.err
    assert f"cash in the drawer {total - half:,.2f} USD" in shown.out and "pdf" not in shown.out
    old = shop.run("--json", "agreements", "cash-up", "--zip", ZIP, "--day", cashed_day.isoformat(),
                   "--pdf-dir", str(tmp_path / "old"))  # the earlier spelling still works, and says the new one
    assert old.code == 0, old.err
    assert "deprecated: use `rentaldesk payments cash-up" in old.err
    assert old.json()["pdf"] == str(tmp_path / "old" / f"cash-up-{ZIP}-{cashed_day.isoformat()}.pdf")
    assert Path(old.json()["pdf"]).is_file()


def test_reservations_pickup_and_return_are_the_check_out_and_check_in(counter, tmp_path):
    shop, reference, pad = counter
    picked = shop.run("reservations", "pickup", *check_out_args(reference, pad)[2:])
    assert picked.code == 0, picked.err
    assert picked.out.splitlines()[0].endswith(": on rent") and picked.out.splitlines()[0].startswith("Agreement ")
    assert (shop.path.parent / "documents").is_dir()  # beside the database file by default
    assert_refused(shop.run("reservations", "pickup", *check_out_args(reference, pad)[2:]), "checked out already")
    back = shop.run("--json", "reservations", "return", reference, "--odometer", "100", "--fuel", "8")
    assert back.code == 0, back.err
    assert back.json()["status"] in ("returned", "closed") and back.json()["returned"]["odometer"] == 100


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda a: [x for x in a if x != "--licence-checked"], "licence must be checked"),
        (lambda a: [*a[:6], "9", *a[7:]], "fuel is read in eighths, from 0 (empty) to 8 (full), not '9'"),
        (lambda a: [*a, "--damage", "[{\"zone\": \"sunroof\", \"x\": 0.5, \"y\": 0.5}]"], "no zone 'sunroof'"),
        (lambda a: [x if x != "cash" else "cheque" for x in a], "by card (a pre-authorisation) or in cash"),
        (lambda a: [*a, "--car", "NOPE-1"], "no car has the plate or id 'NOPE-1'"),
        (lambda a: [*a, "--damage", "@/dev/zero"], "--damage: /dev/zero is not a file"),
        (lambda a: [x if x != "150" else "1,5,0" for x in a], "--deposit 1,5,0 is not an amount of money"),
        (lambda a: [x if x != "150" else "1e3" for x in a], "--deposit 1e3 is not an amount of money"),
        (lambda a: [x if x != "150" else "9" * 30 for x in a], "is not an amount of money, e.g. 316.00 (at most"),
        (lambda a: [*a[:a.index("--signature") + 1], "/dev/zero", *a[a.index("--signature") + 2:]],
         "--signature: /dev/zero is not a file"),
        (lambda a: [*a[:4], "9223372036854775807", *a[5:]], "--odometer 9223372036854775807 is too large: at most 5,000,000"),
    ],
    ids=["licence not checked", "fuel above full", "unknown zone", "deposit by cheque", "unknown car",
         "damage from an endless file", "commas anywhere", "an exponent", "too large", "signature from an endless file",
         "odometer past any car's"],
)
def test_a_bad_check_out_is_one_line_naming_it_and_saves_nothing(counter, change, words):
    shop, reference, pad = counter
    assert_refused(shop.run(*change(check_out_args(reference, pad))), words)
    shown = shop.run("--json", "reservations", "show", reference)
    assert shown.json()["status"] == "confirmed"


def test_a_blank_signature_is_refused(counter, tmp_path):
    shop, reference, _ = counter
    blank = tmp_path / "blank.png"
    blank.write_bytes(signature_png(blank=True))
    assert_refused(shop.run(*check_out_args(reference, blank)), "the signature is blank")
    result = shop.run("--json", *check_out_args(reference, tmp_path / "missing.png"))
    assert result.code == 2 and json.loads(result.err)["field"] == "signature"


def test_a_check_in_before_the_check_out_is_refused(counter):
    shop, reference, pad = counter
    assert shop.run(*check_out_args(reference, pad)).code == 0
    before = (from_now(hours=-1)).isoformat()
    assert_refused(shop.run("agreements", "check-in", reference, "--odometer", "10", "--fuel", "8", "--at", before),
                   "is not after the check-out")
    assert_refused(shop.run("agreements", "check-in", reference, "--odometer", "10", "--fuel", "8", "--zip", "99999"),
                   "no branch at zip code '99999'")
    preview = shop.run("--json", "agreements", "check-in", reference, "--odometer", "10", "--fuel", "4", "--preview")
    assert preview.code == 0, preview.err and "fuel" in {ln["code"] for ln in preview.json()["lines"]}
    assert shop.run("--json", "agreements", "show", reference).json()["status"] == "on rent"


@pytest.mark.parametrize("spelling", [("payments", "cash-up"), ("agreements", "cash-up")], ids=["new", "deprecated"])
def test_cash_up_refuses_a_bad_day(request, spelling):
    assert_refused(request.getfixturevalue("branch").run(*spelling, "--zip", ZIP, "--day", "yesterday"), "--day 'yesterday'")


def test_cash_up_refuses_a_pdf_file_it_cannot_write(request, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = request.getfixturevalue("branch").run("payments", "cash-up", "--zip", ZIP,
                                                   "--pdf", str(tmp_path / "a-file" / "cash-up.pdf"))
    assert_refused(result, "--pdf: cannot write cash-up.pdf in", "it is a file, not a folder")


@pytest.mark.parametrize(("command", "amount"), [("pay", "1e9"), ("pay", "NaN"), ("refund", "١٢"), ("pay", "12.345"),
                                                 ("refund", "-5"), ("pay", "0x10")])
def test_an_amount_that_is_no_amount_is_one_line_naming_it(request, command, amount):
    # parse_money, the command line's one reader of money: ASCII digits, 2 places, no exponent
    shop = request.getfixturevalue("branch")
    more = ["--reason", "goodwill"] if command == "refund" else []
    result = shop.run("agreements", command, "NO-SUCH-1", "--method", "cash", "--amount", amount, *more)
    assert_refused(result, "--amount", "is not an amount of money")


def test_an_amount_refused_in_json_is_json(request):
    result = request.getfixturevalue("branch").run("--json", "agreements", "pay", "NO-SUCH-1", "--method", "cash",
                                                   "--amount", "1e9")
    assert result.code == 2 and result.out == ""
    said = json.loads(result.err)
    assert said["field"] == "--amount" and "is not an amount of money" in said["error"]
