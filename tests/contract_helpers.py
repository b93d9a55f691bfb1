"""Helpers of the agreement tests (tests/unit/test_contracts.py, test_payments.py, test_documents.py,
tests/cli/test_contracts.py, bench/bench_contracts.py): a signed pad, a renter who may rent, a due
reservation and a check-out/check-in with good values that a test changes one field of."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select

from rentaldesk import contracts, rates
from rentaldesk.charges import ExtraChoice
from rentaldesk.contracts import CheckIn, CheckOut, Deposit
from rentaldesk.damage import DamageMark, Zone
from rentaldesk.db import Database
from rentaldesk.models import Customer
from rentaldesk.rates import RatePlan, Tax


def signature_png(*, blank: bool = False, size: tuple[int, int] = (320, 120)) -> bytes:
    """A signature pad's PNG: a drawn stroke on transparent white, or nothing drawn."""
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    if not blank:
        ImageDraw.Draw(image).line([(20, 90), (80, 30), (140, 95), (200, 40), (290, 80)], fill=(20, 20, 60, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SIGNED = signature_png()
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CHILD_SEAT = ExtraChoice(code="child-seat", label="Child seat", per="day", price=Decimal("8.00"), cap=Decimal("40.00"))
GPS = ExtraChoice(code="gps", label="GPS", per="rental", price=Decimal("15.00"), cap=None)


def may_rent(db: Database, customer_id: str, *, born: date = date(1980, 5, 17),
             licence: str = "D1234567", expiry: date = date(2040, 1, 1), **more: Any) -> None:
    """Give the customer what the renter rules need at check-out (a licence, a date of birth)."""
    with db.write() as s:
        c = s.get_one(Customer, customer_id)
        c.licence_number, c.licence_expiry, c.date_of_birth = licence, expiry, born
        for name, value in more.items():
            setattr(c, name, value)


def check_out_value(reservation_id: str, /, *, odometer: int = 1000, **changes: Any) -> CheckOut:
    """A check-out that passes every rule (the car's recorded odometer is 1000 in the fixtures)."""
    value = CheckOut(
        reservation_id=reservation_id, car_id=None, upgrade_reason="", licence_checked=True, odometer=odometer,
        fuel_eighths=8, damage=(DamageMark(Zone.LEFT_FRONT, 0.1, 0.3, "scratch on the door, 4 cm"),),
        extras=(CHILD_SEAT,), deposit=Deposit(Decimal("300.00"), "card", "PREAUTH-778"), signature_png=SIGNED,
    )
    return replace(value, **changes)


def check_in_value(agreement_id: str, returned_at: datetime, /, *, zip_code: str = "10001", odometer: int = 1400,
                   **changes: Any) -> CheckIn:
    """A check-in that passes every rule."""
    value = CheckIn(agreement_id=agreement_id, returned_at=returned_at, zip_code=zip_code, odometer=odometer,
                    fuel_eighths=8, damage=(), damage_charge=Decimal("0.00"))
    return replace(value, **changes)


def agreement_count(db: Database) -> int:
    from rentaldesk.models import Agreement
    with db.session() as s:
        return len(list(s.scalars(select(Agreement.id))))


def view_of(db: Database, key: str) -> contracts.AgreementView:
    with db.session() as s:
        return contracts.agreement(s, key)



def plan(vehicle_class: str = "SUV", zip_code: str = "10001", **changes: Any) -> RatePlan:
    """The test plan: 80.00 a day, 450.00 a week, 12.00 an hour, 200 mi a day included then 0.25,
    fuel 6.50 an eighth, 29 minutes' grace, a 300.00 deposit, a 6.25% sales tax on all and a 10%
    airport fee on time."""
    value = RatePlan(
        vehicle_class=vehicle_class, zip_code=zip_code, currency="USD", day_rate=Decimal("80.00"),
        week_rate=Decimal("450.00"), month_rate=None, hour_rate=Decimal("12.00"), distance_unit="mi",
        included_distance_per_day=200, extra_distance_price=Decimal("0.25"), fuel_eighth_price=Decimal("6.50"),
        late_grace_minutes=29, deposit=Decimal("300.00"), time_zone="America/New_York",
        taxes=(Tax("sales", "Sales tax", Decimal("0.0625"), "all", "half-up"),
               Tax("airport", "Airport fee", Decimal("0.10"), "time", "half-up")),
    )
    return replace(value, **changes)


def use_plan(db: Database, value: RatePlan) -> None:
    """Store ``value`` as the plan of its class and branch, with its taxes as the branch's (before
    the reservation is booked, so the reservation keeps it)."""
    with db.write() as s:
        rates.save_plan(s, value)
        rates.save_taxes(s, value.zip_code, value.taxes)
