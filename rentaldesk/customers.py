"""Customers: a customer is their email (trimmed, case-insensitive), with a name and a phone held
to the free-text rule (:mod:`rentaldesk.text`) on every path that writes them; and (issue 11) the
renter's record: licence, date of birth, address and the do-not-rent flag, written by
:func:`update_customer` alone, read by :func:`search_customers`, :func:`customer_view` and
:func:`history`."""

from __future__ import annotations

import dataclasses
import enum
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .permissions import Permission, require
from . import text
from .display import parse_typed_date
from .errors import InvalidInput
from .models import Customer, Reservation

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


# -- issue 11: the renter's record -------------------------------------------------------------------
#
# One service function writes a customer's record (update_customer): the desk's Customers screen
# and `rentaldesk customers edit` both call it, with what the clerk typed read by edit_from_text.


#: The oldest date of birth taken, in years before today; a licence expiry is never in the past.
OLDEST_AGE_YEARS = 120


@dataclass(frozen=True, slots=True)
class CustomerView:
    """A customer as a plain value (safe to hand to any thread)."""

    id: str
    email: str
    name: str
    phone: str
    licence_number: str
    licence_region: str
    licence_expiry: date | None
    date_of_birth: date | None
    address_line1: str
    address_line2: str
    city: str
    postcode: str
    country: str
    do_not_rent: bool
    do_not_rent_reason: str
    created_at: datetime

    @classmethod
    def of(cls, c: Customer) -> CustomerView:
        return cls(
            id=c.id, email=c.email, name=c.name or "", phone=c.phone or "", licence_number=c.licence_number or "",
            licence_region=c.licence_region or "", licence_expiry=c.licence_expiry, date_of_birth=c.date_of_birth,
            address_line1=c.address_line1 or "", address_line2=c.address_line2 or "", city=c.city or "",
            postcode=c.postcode or "", country=c.country or "", do_not_rent=bool(c.do_not_rent),
            do_not_rent_reason=c.do_not_rent_reason or "", created_at=c.created_at,
        )


class Keep(enum.Enum):
    """The mark of a field an edit leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP

#: The text fields of a customer's record an edit may set: field -> (its kind of text, whether it
#: may be blank). The email is not among them: it is who the customer is, here and on the wire.
TEXT_FIELDS: dict[str, tuple[text.TextKind, bool]] = {
    "name": (text.NAME, False),
    "phone": (text.PHONE, True),
    "licence_number": (text.LICENCE, True),
    "licence_region": (text.LICENCE_REGION, True),
    "address_line1": (text.ADDRESS, True),
    "address_line2": (text.ADDRESS, True),
    "city": (text.CITY, True),
    "postcode": (text.POSTCODE, True),
    "country": (text.COUNTRY, True),
    "do_not_rent_reason": (text.REASON, True),
}
DATE_FIELDS = ("date_of_birth", "licence_expiry")
#: Every field an edit may set, in the order a form shows them.
EDIT_FIELDS = ("name", "phone", "date_of_birth", "licence_number", "licence_region", "licence_expiry",
               "address_line1", "address_line2", "city", "postcode", "country", "do_not_rent",
               "do_not_rent_reason")


@dataclass(frozen=True, slots=True)
class CustomerEdit:
    """What an edit changes (:data:`KEEP`: left as it is; a date None: cleared)."""

    name: str | Keep = KEEP
    phone: str | Keep = KEEP
    date_of_birth: date | None | Keep = KEEP
    licence_number: str | Keep = KEEP
    licence_region: str | Keep = KEEP
    licence_expiry: date | None | Keep = KEEP
    address_line1: str | Keep = KEEP
    address_line2: str | Keep = KEEP
    city: str | Keep = KEEP
    postcode: str | Keep = KEEP
    country: str | Keep = KEEP
    do_not_rent: bool | Keep = KEEP
    do_not_rent_reason: str | Keep = KEEP


def typed_date(value: str, today: date, *, field: str) -> date | None:
    """A date as a clerk types it (:func:`rentaldesk.display.parse_typed_date`: ``1990-05-17``,
    ``17/5/1990``, ``17 May 1990``); blank is None (no date); :class:`InvalidInput` naming the field
    otherwise."""
    if not value.strip():
        return None
    found = parse_typed_date(value, today)
    if found is None:
        raise InvalidInput(f"{text.shown(value)} is not a date (e.g. 1990-05-17 or 17 May 1990)", field=field)
    return found


def edit_from_text(values: Mapping[str, str | bool], today: date) -> CustomerEdit:
    """The edit a form or a command line asks for: field -> what was typed (``do_not_rent``: a bool).
    Dates are read by :func:`typed_date`; the rules are :func:`update_customer`'s. An unknown field is
    :class:`InvalidInput`."""
    changes: dict[str, object] = {}
    for field, value in values.items():
        if field not in EDIT_FIELDS:
            raise InvalidInput(f"a customer has no field {text.shown(field)}", field=field)
        if field == "do_not_rent":
            if not isinstance(value, bool):
                raise InvalidInput("do-not-rent is yes or no", field=field)
            changes[field] = value
        elif not isinstance(value, str):
            raise InvalidInput(f"the {field.replace('_', ' ')} must be text", field=field)
        elif field in DATE_FIELDS:
            changes[field] = typed_date(value, today, field=field)
        else:
            changes[field] = value
    return CustomerEdit(**changes)  # type: ignore[arg-type]


def blanks_only(edit: CustomerEdit, customer: Customer) -> CustomerEdit:
    """``edit`` without the fields ``customer`` already has on file: what a customer tells of
    themselves at booking fills their record in, never overwrites it (only a clerk changes it)."""
    keep = {name: KEEP for name in ("date_of_birth", "licence_expiry", *TEXT_FIELDS)
            if getattr(edit, name) is not KEEP and getattr(customer, name) not in (None, "")}
    return dataclasses.replace(edit, **keep)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _touches_do_not_rent(edit: CustomerEdit, customer: Customer) -> bool:
    """Whether ``edit`` changes the do-not-rent flag or its reason (a manager's call)."""
    flag = edit.do_not_rent is not KEEP and edit.do_not_rent != customer.do_not_rent
    reason = (edit.do_not_rent_reason is not KEEP
              and (edit.do_not_rent_reason or "").strip() != (customer.do_not_rent_reason or "").strip())
    return flag or reason


def update_customer(s: Session, customer_id: str, edit: CustomerEdit, *, today: date) -> CustomerView:
    """Change a customer's record: the one write of it. Every field is checked before any is set,
    so a refusal (:class:`InvalidInput`, ``field`` naming the first bad one) changes nothing.

    The rules: text fields by their kind (:data:`TEXT_FIELDS`; the licence number upper-cased); a
    date of birth not after ``today`` nor more than :data:`OLDEST_AGE_YEARS` years before it; a
    licence expiry set now not before ``today`` (one already on file stays, and the renter rule
    refuses it at booking); do-not-rent needs a reason, and clearing the flag clears the reason."""
    require(Permission.EDIT_CUSTOMER, s)
    customer = s.get(Customer, customer_id)
    if customer is None:
        raise InvalidInput(f"no customer has the id {text.shown(customer_id)}", field="customer")
    if _touches_do_not_rent(edit, customer):
        require(Permission.DO_NOT_RENT, s)
    new: dict[str, object] = {}
    for field, (kind, blank_ok) in TEXT_FIELDS.items():
        value = getattr(edit, field)
        if value is KEEP:
            continue
        cleaned = _clean(value, kind, field)
        if not cleaned and not blank_ok:
            raise InvalidInput(f"the customer's {kind.label} is needed", field=field)
        new[field] = cleaned.upper() if field == "licence_number" else cleaned
    born = edit.date_of_birth
    if isinstance(born, date):
        if born > today:
            raise InvalidInput(f"the date of birth {born.isoformat()} is in the future (write the year in full: 1990)",
                               field="date_of_birth")
        if born < _years_before(today, OLDEST_AGE_YEARS):
            raise InvalidInput(f"the date of birth {born.isoformat()} is more than {OLDEST_AGE_YEARS} years ago",
                               field="date_of_birth")
    if born is not KEEP:
        new["date_of_birth"] = born
    expiry = edit.licence_expiry
    if isinstance(expiry, date) and expiry != customer.licence_expiry and expiry < today:
        raise InvalidInput(f"the licence expiry {expiry.isoformat()} is in the past", field="licence_expiry")
    if expiry is not KEEP:
        new["licence_expiry"] = expiry
    flagged = customer.do_not_rent if edit.do_not_rent is KEEP else edit.do_not_rent
    reason = new.get("do_not_rent_reason", customer.do_not_rent_reason or "")
    if flagged and not reason:
        raise InvalidInput("a do-not-rent flag needs its reason", field="do_not_rent_reason")
    new["do_not_rent"] = bool(flagged)
    new["do_not_rent_reason"] = reason if flagged else ""
    for field, value in new.items():
        setattr(customer, field, value)
    s.flush()
    return CustomerView.of(customer)


def customer_view(s: Session, id_or_email: str) -> CustomerView:
    """One customer by id or email; :class:`InvalidInput` (field ``customer``) when none."""
    require(Permission.VIEW, s)
    key = id_or_email.strip()
    customer = s.get(Customer, key) if key else None
    if customer is None and "@" in key:
        customer = s.scalar(select(Customer).where(Customer.email == key.lower()))
    if customer is None:
        raise InvalidInput(f"no customer {text.shown(id_or_email)} (give their email or id)", field="customer")
    return CustomerView.of(customer)


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_customers(s: Session, search: str = "", *, limit: int = 500) -> list[CustomerView]:
    """Customers whose name, email, phone or licence number contains ``search`` (any case; ``%`` and
    ``_`` are plain characters), by name then email; every customer for a blank search."""
    require(Permission.VIEW, s)
    q = select(Customer).order_by(func.lower(Customer.name), Customer.email).limit(limit)
    needle = search.strip().lower()
    if len(needle) > 254:
        return []
    if needle:
        like = _like(needle)
        q = q.where(or_(
            func.lower(Customer.name).like(like, escape="\\"),
            func.lower(Customer.email).like(like, escape="\\"),
            func.lower(Customer.phone).like(like, escape="\\"),
            func.lower(Customer.licence_number).like(like, escape="\\"),
        ))
    return [CustomerView.of(c) for c in s.scalars(q)]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One line of a customer's history. ``kind`` is "reservation" here; the agreements and the
    payments (issue 11's contract part) add rows of their own kinds to :func:`history`."""

    kind: str
    id: str
    reference: str
    at: datetime  # the order of the history: newest first
    start: datetime | None
    end: datetime | None
    vehicle_class: str
    zip_code: str
    status: str
    amount: Decimal | None
    detail: str = ""


def history(s: Session, customer_id: str) -> list[HistoryRow]:
    """The customer's history, newest first: their reservations (reference, period, class, status,
    price)."""
    require(Permission.VIEW, s)
    rows = [
        HistoryRow(kind="reservation", id=r.id, reference=r.reference, at=r.start_at, start=r.start_at,
                   end=r.end_at, vehicle_class=r.vehicle_class, zip_code=r.zip_code, status=r.status,
                   amount=r.price, detail=r.status_reason or "")
        for r in s.scalars(select(Reservation).where(Reservation.customer_id == customer_id))
    ]
    return sorted(rows, key=lambda h: (h.at, h.reference), reverse=True)
