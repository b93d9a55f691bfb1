"""Render the agreement, receipt and cash-up PDFs of a sample rental into docs/screenshots/pdf/
(PDF and one PNG per page, drawn by poppler's pdftoppm), to look at them.

    .venv/bin/python -m tools.pdf_screenshots
"""

from __future__ import annotations

import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

from rentaldesk import documents, payments, rates
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.db import open_database
from rentaldesk.reservations import ReservationService
from tests.conftest import Clock, PoolBuilder, day
from tests.contract_helpers import PHOTO, check_in_value, check_out_value, may_rent, plan, use_plan

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "pdf"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{Path(tempfile.mkdtemp()) / 'branch.sqlite'}")
    fleet = PoolBuilder(db)
    fleet.cars(1, "SUV")
    fleet.branch("60666", tz="America/Chicago")
    use_plan(db, plan())
    with db.write() as s:
        rates.save_drop_fee(s, "10001", "60666", Decimal("50.00"))
    clock = Clock()
    svc = ReservationService(db, clock=clock)
    r = svc.create_reservation(email="ann.lee@example.com", name="Ann Lee", vehicle_class="SUV", zip_code="10001",
                               start=day(1), end=day(4))
    may_rent(db, r.customer_id)
    clock.now = day(1, -1)
    marks = (DamageMark(Zone.LEFT_FRONT, 0.1, 0.3, "scratch on the door, 4 cm"),
             DamageMark(Zone.BONNET, 0.55, 0.15, "stone chip", photo=PHOTO),
             DamageMark(Zone.WHEELS, 0.05, 0.2, "kerbed rim"))
    view = svc.check_out(check_out_value(r.id, damage=marks))
    written = [documents.save(documents.agreement_pdf(view), OUT, "agreement.pdf")]
    clock.now = day(4, 2)
    view = svc.check_in(check_in_value(view.id, clock.now, zip_code="60666", odometer=2100, fuel_eighths=6,
                                       damage=(DamageMark(Zone.REAR, 0.5, 0.97, "bumper cracked"),),
                                       damage_charge=Decimal("150.00")))
    with db.write() as s:
        payments.take_payment(s, view.id, "card", Decimal("200.00"), "AUTH-55", clock.now)
        payments.capture_deposit(s, view.id, Decimal("100.00"), clock.now)
        view = payments.take_payment(s, view.id, "cash", view.balance - Decimal("300.00"), "", clock.now)
        view = payments.release_deposit(s, view.id, clock.now)
    written.append(documents.save(documents.receipt_pdf(view), OUT, "receipt.pdf"))
    with db.session() as s:
        c = payments.cash_up(s, "60666", clock.now.astimezone(documents.ZoneInfo("America/Chicago")).date())
    written.append(documents.save(documents.cash_up_pdf(c), OUT, "cash-up.pdf"))
    db.close()
    for pdf in written:
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(pdf.with_suffix(""))], check=True)
    print("\n".join(str(p) for p in sorted(OUT.iterdir())))


if __name__ == "__main__":
    main()
