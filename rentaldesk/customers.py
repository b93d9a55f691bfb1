"""Customers: a customer is their email (trimmed, case-insensitive)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .models import Customer

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """The stored form of an email; :class:`InvalidInput` when it is not one."""
    if not isinstance(email, str) or not email.strip():
        raise InvalidInput("an email is needed", field="email")
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidInput(f"'{email.strip()}' is not an email address", field="email")
    return value


def get_or_create_customer(
    session: Session,
    email: str,
    *,
    now: datetime,
    name: str | None = None,
    phone: str | None = None,
) -> Customer:
    """The customer with that email, created when new. A known customer's blank name or phone is
    filled in; a recorded one is only changed explicitly (see ``update_reservation``)."""
    normalized = normalize_email(email)
    customer = session.scalar(select(Customer).where(Customer.email == normalized))
    if customer is None:
        customer = Customer(
            id=str(uuid.uuid4()),
            email=normalized,
            name=(name or "").strip(),
            phone=(phone or "").strip(),
            licence_number="",
            created_at=now,
        )
        session.add(customer)
        session.flush()
        return customer
    if name and name.strip() and not customer.name:
        customer.name = name.strip()
    if phone and phone.strip() and not customer.phone:
        customer.phone = phone.strip()
    return customer
