"""The agreement, receipt and cash-up PDFs (rentaldesk/documents.py), read back with pypdf and
pdftotext, and drawn by pdftoppm: their numbers and totals are those of the agreement."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from rentaldesk import contracts, documents, payments, rates
from rentaldesk.damage import DamageMark, Zone

from ..conftest import day, require_tools
from ..contract_helpers import check_in_value, check_out_value, may_rent, plan, use_plan

D = Decimal

@pytest.fixture
def rental(svc, fleet, db):
    """An agreement checked out with a mark, checked in late at another branch, paid in two parts."""
    fleet.cars(1, "SUV")
    fleet.branch("60666", tz="America/Chicago")
    use_plan(db, plan())
    with db.write() as s:
        rates.save_drop_fee(s, "10001", "60666", D("50.00"))
    r = svc.create_reservation(email="zoe@example.com", name="Zoë Åkesson-Ngũgĩ", vehicle_class="SUV",
                               zip_code="10001", start=day(1), end=day(4))
    may_rent(db, r.customer_id, licence="S-9981-22")
    with db.write() as s:
        a = contracts.check_out(s, check_out_value(r.id), day(1, -1))
    with db.write() as s:
        contracts.check_in(s, check_in_value(a.id, day(4, 2), zip_code="60666", odometer=2100, fuel_eighths=6,
                                             damage=(DamageMark(Zone.REAR, 0.5, 0.97, "bumper cracked"),),
                                             damage_charge=D("150.00")), day(4, 2))
    with db.write() as s:
        balance = contracts.agreement(s, a.id).balance
        payments.take_payment(s, a.id, "card", D("200.00"), "AUTH-55", day(4, 2))
        payments.take_payment(s, a.id, "cash", balance - 200, "", day(4, 2))
        return payments.release_deposit(s, a.id, day(4, 2))


def text_of(pdf: bytes) -> str:
    """The document's words, each run of spaces and line breaks one space."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_agreement_pdf_holds_the_agreement(rental):
    out = text_of(documents.agreement_pdf(rental))
    for fact in ("Rental agreement B10001-000001", "Zoë Åkesson-Ngũgĩ", "S-9981-22", rental.plate_number,
                 rental.reservation_reference, "1,000 mi", "full", "1. Left front door and wing: scratch on the door, 4 cm (new)",
                 "Child seat day 1 8.00 USD 40.00 USD", f"{rental.quoted:,.2f} USD", "300.00 USD",
                 "PREAUTH-778", "Terms of this rental agreement", "Branch 10001", "America/New_York",
                 "Checked out Tue 05 Mar 2030 06:00 EST"):  # 11:00 UTC, in the branch's zone
        assert fact in out, fact
    pages = PdfReader(io.BytesIO(documents.agreement_pdf(rental))).pages
    assert sum(len(page.images) for page in pages) == 1  # the signature


def test_the_receipt_pdf_lists_every_charge_payment_and_the_balance(rental):
    assert rental.charges is not None and rental.status == "closed"
    pdf = documents.receipt_pdf(rental)
    out = text_of(pdf)
    for line in rental.charges.lines:
        assert f"{line.amount:,.2f} USD" in out, line
        assert line.label.split(" ")[0] in out
    assert f"Total {rental.charges.total:,.2f} USD" in out
    assert f"Subtotal {rental.charges.subtotal:,.2f} USD" in out
    assert "200.00 USD" in out and "AUTH-55" in out and f"{rental.charges.total - 200:,.2f} USD" in out
    assert "Balance 0.00 USD" in out
    assert "at 60666 (a one-way return)" in out and "Distance 1,100 mi" in out and "fuel 6/8" in out


def test_the_receipt_is_refused_before_check_in(svc, fleet, db):
    fleet.cars(1, "SUV")
    use_plan(db, plan())
    r = svc.create_reservation(email="a@example.com", name="A", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(2))
    may_rent(db, r.customer_id)
    with db.write() as s:
        view = contracts.check_out(s, check_out_value(r.id), day(1))
    with pytest.raises(ValueError, match="is not checked in"):
        documents.receipt_pdf(view)


def test_the_cash_up_pdf_adds_up(rental, db):
    with db.session() as s:
        c = payments.cash_up(s, "60666", day(4, 2).astimezone(documents.ZoneInfo("America/Chicago")).date())
    out = text_of(documents.cash_up_pdf(c))
    assert c.total == rental.charges.total
    assert f"Total {c.total:,.2f} USD" in out
    assert "card 200.00 USD" in out and rental.number in out
    assert f"Cash in the drawer {c.cash_in_drawer:,.2f} USD" in out


def test_a_document_is_the_same_bytes_each_time(rental):
    assert documents.agreement_pdf(rental) == documents.agreement_pdf(rental)


def test_latin_1_text_is_set_in_helvetica_and_other_letters_in_the_shipped_font(rental):
    other = documents.agreement_pdf(rental)  # "Zoë Åkesson-Ngũgĩ": ũ and ĩ are not Latin-1
    assert b"/FontFile2" in other and b"DejaVu" in other
    latin = documents.agreement_pdf(replace(rental, customer_name="Zoë Åkesson"))
    assert b"/FontFile2" not in latin and b"/Helvetica" in latin
    assert "Renter Zoë Åkesson <zoe@example.com>" in text_of(latin)


def test_poppler_reads_and_draws_the_documents(rental, tmp_path):
    require_tools("pdftotext", "pdftoppm")
    receipt = documents.save(documents.receipt_pdf(rental), tmp_path, documents.receipt_file_name(rental))
    agreement = documents.save(documents.agreement_pdf(rental), tmp_path, documents.agreement_file_name(rental))
    assert receipt.name == "receipt-B10001-000001.pdf" and not list(tmp_path.glob(".*.part"))
    words = subprocess.run(["pdftotext", "-layout", str(receipt), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{rental.charges.total:,.2f} USD" in words and "Balance" in words
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(agreement), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_cash_up_of_a_day_without_rows(db, fleet):
    fleet.branch("10001")
    with db.session() as s:
        c = payments.cash_up(s, "10001", date(2030, 1, 1))
    assert c.total == 0 and c.entries == ()
    assert "None." in text_of(documents.cash_up_pdf(c))
