"""Customers: a customer is their email (trimmed, case-insensitive), with a name and a phone held
to the free-text rule (:mod:`rentaldesk.text`) on every path that writes them."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import text
from .errors import InvalidInput
from .models import Customer

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """The stored form of an email; :class:`InvalidInput` when it is not one."""
    if not isinstance(email, str) or not email.strip():
        raise InvalidInput("an email is needed", field="email")
    value = _clean(email, text.EMAIL, "email").lower()
    if not _EMAIL.match(value):
        raise InvalidInput(f"{text.shown(value)} is not an email address", field="email")
    return value


def customer_name(name: str, *, needed: bool = True) -> str:
    """A customer's name as it is stored: trimmed, one line of visible characters, at most
    :data:`rentaldesk.text.NAME`'s length; :class:`InvalidInput` (field ``name``) otherwise, and
    when it is blank but ``needed``."""
    value = _clean(name, text.NAME, "name")
    if needed and not value:
        raise InvalidInput("the customer's name is needed", field="name")
    return value


def customer_phone(phone: str | None) -> str:
    """A customer's phone as it is stored (``""`` for none): digits, spaces and ``+ - ( ) . /``."""
    return "" if phone is None else _clean(phone, text.PHONE, "phone")


def _clean(value: str, kind: text.TextKind, field: str) -> str:
    try:
        return text.clean(value, kind)
    except text.TextRefused as exc:
        raise InvalidInput(str(exc), field=field) from None


def get_or_create_customer(
    session: Session,
    email: str,
    *,
    now: datetime,
    name: str | None = None,
    phone: str | None = None,
) -> Customer:
    """The customer with that email, created when new. A known customer's blank name or phone is
    filled in, and one an older build stored against the text rule is replaced; a recorded one is
    only changed explicitly (see ``update_reservation``). :class:`InvalidInput` for a name or a
    phone that breaks the rule."""
    normalized = normalize_email(email)
    name = customer_name(name or "", needed=False)
    phone = customer_phone(phone)
    customer = session.scalar(select(Customer).where(Customer.email == normalized))
    if customer is None:
        customer = Customer(
            id=str(uuid.uuid4()),
            email=normalized,
            name=name,
            phone=phone,
            licence_number="",
            created_at=now,
        )
        session.add(customer)
        session.flush()
        return customer
    # a blank, or what a build before the text rule stored (a line break, an escape), is replaced
    if name and (not customer.name or text.problem(customer.name, text.NAME) is not None):
        customer.name = name
    if phone and (not customer.phone or text.problem(customer.phone, text.PHONE) is not None):
        customer.phone = phone
    return customer
