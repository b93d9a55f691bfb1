"""The renter rules: who may take a car of a class at a branch, and the young-driver fee.

One rule, :func:`decide_renter`, over plain values (:class:`Renter`, :class:`RenterRules`), so every
path decides the same: a branch's booking and change (:mod:`rentaldesk.reservations`), the
check-out (:mod:`rentaldesk.contracts` calls :func:`check_renter`) and head office's batch, which
reads the renter from the request instead of its database (:mod:`rentaldesk.hq.batch`).

In order:

1. **Do not rent.** A customer flagged do-not-rent is refused at booking and at check-out. The
   message says so and that the reason is on the customer's record, never the reason itself: a
   refusal's words may reach the customer (head office's rejection mail carries them). The clerk
   reads the reason on the Customers screen; :class:`DoNotRent` carries it for a staff-only view.
2. **Age.** The renter's age on the pick-up day, that day taken in the branch's time zone, must be
   at least the class's minimum age at that branch (default 21). Someone born on 29 February has
   their birthday on 1 March in a year without one (they are 18 on 1 March, not on 28 February).
   With no date of birth on file: refused at check-out (field ``date_of_birth``); at booking the age
   is checked when known, else left to the check-out.
3. **Licence.** A licence whose expiry date (the last day it is valid) is before the return day (the
   rental's end in the branch's time zone) is refused, at booking too whenever it is on file. No
   licence number or no expiry on file: refused at check-out (fields ``licence_number``,
   ``licence_expiry``); at booking only where the branch's rule says ``licence_at_booking``.

The young-driver fee (:func:`young_driver_fee`) is the rule's fee per day for a renter younger
than its young-driver age (default 25) on the pick-up day; None when it does not apply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .permissions import Permission, require
from . import text
from .errors import InvalidInput, RentalError, UnknownPool
from .models import Branch, Customer, RenterRule, VehicleClass
from .rules import require_aware

#: The rule where a branch has set none.
DEFAULT_MIN_AGE = 21
DEFAULT_YOUNG_DRIVER_AGE = 25


class Stage(str, enum.Enum):
    """When the rule is applied: what must be on file differs."""

    BOOKING = "booking"
    CHECK_OUT = "check-out"


@dataclass(frozen=True, slots=True)
class Renter:
    """What the rules read of a customer."""

    name: str = ""
    email: str = ""
    do_not_rent: bool = False
    do_not_rent_reason: str = ""
    date_of_birth: date | None = None
    licence_number: str = ""
    licence_expiry: date | None = None

    @classmethod
    def of(cls, customer: Customer) -> Renter:
        """The renter of a stored customer."""
        return cls(
            name=customer.name or "", email=customer.email, do_not_rent=bool(customer.do_not_rent),
            do_not_rent_reason=customer.do_not_rent_reason or "", date_of_birth=customer.date_of_birth,
            licence_number=customer.licence_number or "", licence_expiry=customer.licence_expiry,
        )

    @property
    def who(self) -> str:
        return self.name or self.email or "the customer"


@dataclass(frozen=True, slots=True)
class RenterRules:
    """The rule of a class at a branch (:class:`rentaldesk.models.RenterRule`, or the defaults)."""

    min_age: int = DEFAULT_MIN_AGE
    young_driver_age: int = DEFAULT_YOUNG_DRIVER_AGE
    young_driver_fee_per_day: Decimal = Decimal("0.00")
    licence_at_booking: bool = False


class RenterRefused(RentalError):
    """The renter rule refuses the rental by what is on the customer's record (:func:`decide_renter`):
    the message names the customer and the facts on file, for the staff; a public channel (the web)
    says it without them (:mod:`rentaldesk.web.app`)."""


class DoNotRent(RenterRefused):
    """The customer is flagged do-not-rent. ``reason`` is for the staff only: it is not in the message."""

    default_field = "do_not_rent"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``. Comparing (month, day) pairs makes a 29 February
    birthday fall on 1 March in a year without one."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def decide_renter(
    renter: Renter, rules: RenterRules, zone: tzinfo, start: datetime, end: datetime, *,
    stage: Stage, what: str = "this class",
) -> None:
    """The one renter rule (see the module's words); raises :class:`RentalError` with ``field`` naming
    the customer's field that refuses the rental, or returns. ``what`` names the class and branch in
    the age refusal ("LUXURY at 10001"). Pure: no database, no clock."""
    require_aware(start, "start")
    require_aware(end, "end")
    checking_out = stage is Stage.CHECK_OUT
    if renter.do_not_rent:
        raise DoNotRent(
            f"{renter.who} is on the do-not-rent list; the reason is on the customer's record",
            reason=renter.do_not_rent_reason,
        )
    pick_up_day = start.astimezone(zone).date()
    return_day = end.astimezone(zone).date()
    if renter.date_of_birth is None:
        if checking_out:
            raise RenterRefused(f"no date of birth on file for {renter.who}; it is needed to check out",
                              field="date_of_birth")
    else:
        age = age_on(renter.date_of_birth, pick_up_day)
        if age < rules.min_age:
            raise RenterRefused(
                f"{renter.who} is {age} on the pick-up day ({_day(pick_up_day)}); {what} needs a renter "
                f"of at least {rules.min_age}", field="date_of_birth")
    needed = checking_out or rules.licence_at_booking
    when = "to check out" if checking_out else "to book here"
    if not renter.licence_number.strip() and needed:
        raise RenterRefused(f"no driving licence number on file for {renter.who}; it is needed {when}",
                          field="licence_number")
    if renter.licence_expiry is None:
        if needed:
            raise RenterRefused(f"no licence expiry date on file for {renter.who}; it is needed {when}",
                              field="licence_expiry")
    elif renter.licence_expiry < return_day:
        said = "expired" if renter.licence_expiry < pick_up_day else "expires"
        raise RenterRefused(
            f"the driving licence of {renter.who} {said} on {_day(renter.licence_expiry)}, before the "
            f"return on {_day(return_day)}", field="licence_expiry")


def fee_for(renter: Renter, rules: RenterRules, zone: tzinfo, start: datetime) -> Decimal | None:
    """The young-driver fee per day for this renter (None: it does not apply or is not set, or the
    date of birth is not on file). Pure."""
    if renter.date_of_birth is None or rules.young_driver_fee_per_day <= 0:
        return None
    if age_on(renter.date_of_birth, start.astimezone(zone).date()) >= rules.young_driver_age:
        return None
    return rules.young_driver_fee_per_day.quantize(Decimal("0.01"))


# -- the database as the source -------------------------------------------------------------------


def rules_for(s: Session, vehicle_class: str, zip_code: str) -> RenterRules:
    """The rule of a class at a branch: its own row, else the branch's row for every class, else
    the defaults."""
    rows = s.execute(_RULES, {"zip": zip_code.strip(), "code": vehicle_class.strip().upper()}).all()
    row = next((r for r in rows if r.vehicle_class is not None), None) or next(iter(rows), None)
    if row is None:
        return RenterRules()
    return RenterRules(row.min_age, row.young_driver_age, Decimal(row.young_driver_fee_per_day),
                       bool(row.licence_at_booking))


# Built once: building the statement cost more than running it (every booking reads it).
_RULES = select(RenterRule.vehicle_class, RenterRule.min_age, RenterRule.young_driver_age,
                RenterRule.young_driver_fee_per_day, RenterRule.licence_at_booking).where(
    RenterRule.zip_code == bindparam("zip"),
    (RenterRule.vehicle_class == bindparam("code")) | RenterRule.vehicle_class.is_(None))


def pool_words(vehicle_class: str, zip_code: str) -> str:
    """How the age refusal names a pool: 'LUXURY at 10001'."""
    return f"{vehicle_class} at {zip_code}"


def _known_branch(s: Session, zip_code: str) -> Branch:
    branch = s.scalar(select(Branch).where(Branch.zip_code == zip_code.strip()))
    if branch is None:
        raise UnknownPool(f"unknown location {text.shown(zip_code)}", field="zip_code")
    return branch


def _known_class(s: Session, vehicle_class: str) -> str:
    code = vehicle_class.strip().upper()
    if s.get(VehicleClass, code) is None:
        raise UnknownPool(f"unknown vehicle class {text.shown(vehicle_class)}")
    return code


def _branch(s: Session, vehicle_class: str, zip_code: str) -> tuple[ZoneInfo, str]:
    branch = _known_branch(s, zip_code)
    return ZoneInfo(branch.time_zone), pool_words(_known_class(s, vehicle_class), branch.zip_code)


def _renter(s: Session, customer_id: str) -> Renter:
    customer = s.get(Customer, customer_id)
    if customer is None:
        raise RentalError(f"no customer has the id {text.shown(customer_id)}", field="customer")
    return Renter.of(customer)


def check_renter(
    s: Session, customer_id: str, vehicle_class: str, zip_code: str, start: datetime, end: datetime, *,
    stage: Stage = Stage.CHECK_OUT,
) -> None:
    """Whether the customer may rent the class at the branch for [start, end): raises
    :class:`RentalError` (``field`` names the customer's field: ``do_not_rent``, ``date_of_birth``,
    ``licence_number``, ``licence_expiry``) or returns. The check-out's rule by default; the
    booking paths pass ``stage=Stage.BOOKING``."""
    zone, what = _branch(s, vehicle_class, zip_code)
    decide_renter(_renter(s, customer_id), rules_for(s, vehicle_class, zip_code), zone, start, end,
                  stage=stage, what=what)


def young_driver_fee(s: Session, customer_id: str, vehicle_class: str, zip_code: str, start: datetime, *,
                     kept: tuple[int, Decimal] | None = None) -> Decimal | None:
    """The young-driver fee per day the customer pays for the class at the branch from ``start``,
    or None when none applies (old enough, no fee set, or no date of birth on file). ``kept``: the
    young-driver age and fee the reservation was booked with (:func:`check_at_booking`), which
    stand for the rule's today; None (a reservation that kept none) reads the rule in effect."""
    require_aware(start, "start")
    zone, _ = _branch(s, vehicle_class, zip_code)
    rules = rules_for(s, vehicle_class, zip_code)
    if kept is not None:
        rules = replace(rules, young_driver_age=kept[0], young_driver_fee_per_day=kept[1])
    return fee_for(_renter(s, customer_id), rules, zone, start)


def check_at_booking(
    s: Session, vehicle_class: str, zip_code: str, time_zone: str, start: datetime, end: datetime, *,
    customer_id: str | None, renter: Renter | None = None, name: str = "", email: str = "",
) -> RenterRules:
    """The rule at booking (:data:`Stage.BOOKING`), for :func:`rentaldesk.reservations.book`, on a
    pool it has read (its class code, zip code and branch time zone): ``renter`` when the request
    carries it (head office reads it from the request's customer part), else the stored customer
    ``customer_id``, else (a customer new here) one with nothing on file but ``name`` and ``email``.

    Returns the rule it applied, whose young-driver age and fee the reservation keeps (the renter's
    date of birth may only be taken at check-out): a later change of the rule never changes what
    the reservation is charged (:func:`young_driver_fee` with ``kept``)."""
    if renter is None:
        customer = s.get(Customer, customer_id) if customer_id is not None else None
        renter = Renter.of(customer) if customer is not None else Renter(name=name, email=email)
    rules = rules_for(s, vehicle_class, zip_code)
    decide_renter(renter, rules, ZoneInfo(time_zone), start, end, stage=Stage.BOOKING,
                  what=pool_words(vehicle_class, zip_code))
    return rules


#: The sample branches' renter rules (:func:`rentaldesk.fleet.load_sample_data`): 21 to rent, a
#: young-driver fee under 25, and 25 for LUXURY (class code, min age, young-driver age, fee a day).
SAMPLE_RULES: tuple[tuple[str | None, int, int, Decimal], ...] = (
    (None, DEFAULT_MIN_AGE, DEFAULT_YOUNG_DRIVER_AGE, Decimal("15.00")),
    ("LUXURY", 25, 25, Decimal("0.00")),
)


def add_sample_rules(s: Session) -> int:
    """The :data:`SAMPLE_RULES` at every branch that has none yet (a class named that the
    database does not hold is skipped); how many rows were added."""
    classes = set(s.scalars(select(VehicleClass.code)))
    taken = {(r.zip_code, r.vehicle_class) for r in s.execute(select(RenterRule.zip_code, RenterRule.vehicle_class))}
    added = 0
    for zip_code in s.scalars(select(Branch.zip_code)):
        for code, min_age, young_age, fee in SAMPLE_RULES:
            if (code is None or code in classes) and (zip_code, code) not in taken:
                s.add(RenterRule(zip_code=zip_code, vehicle_class=code, min_age=min_age, young_driver_age=young_age,
                                 young_driver_fee_per_day=fee, licence_at_booking=False))
                added += 1
    s.flush()
    return added


# -- the branch's setting ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleView:
    """A stored rule: the branch, the class (None: every class without its own) and the rule."""

    zip_code: str
    vehicle_class: str | None
    rules: RenterRules


def list_rules(s: Session) -> list[RuleView]:
    """Every stored rule, by branch, the branch's own first."""
    rows = s.scalars(select(RenterRule)).all()
    found = [RuleView(r.zip_code, r.vehicle_class, RenterRules(r.min_age, r.young_driver_age,
                                                               Decimal(r.young_driver_fee_per_day),
                                                               bool(r.licence_at_booking))) for r in rows]
    return sorted(found, key=lambda v: (v.zip_code, v.vehicle_class or ""))


def set_rule(
    s: Session, zip_code: str, vehicle_class: str | None, *, min_age: int | None = None,
    young_driver_age: int | None = None, young_driver_fee_per_day: Decimal | None = None,
    licence_at_booking: bool | None = None,
) -> RuleView:
    """Set the rule of a class at a branch (``vehicle_class`` None: the branch's rule for every
    class without its own); what is not given stays as stored (or as the defaults, for a new rule).
    :class:`InvalidInput` (field ``min_age``, ``young_driver_age``, ``young_driver_fee``) for an age
    outside 16-99, a young-driver age below the minimum, or a fee that is not an amount >= 0."""
    require(Permission.MANAGE_SETTINGS, s)
    _known_branch(s, zip_code)
    code = _known_class(s, vehicle_class) if vehicle_class else None
    where = RenterRule.vehicle_class.is_(None) if code is None else RenterRule.vehicle_class == code
    row = s.scalar(select(RenterRule).where(RenterRule.zip_code == zip_code.strip(), where))
    now = RenterRules() if row is None else RenterRules(row.min_age, row.young_driver_age,
                                                         Decimal(row.young_driver_fee_per_day),
                                                         bool(row.licence_at_booking))
    least = now.min_age if min_age is None else min_age
    young = now.young_driver_age if young_driver_age is None else young_driver_age
    fee = now.young_driver_fee_per_day if young_driver_fee_per_day is None else young_driver_fee_per_day
    if not 16 <= least <= 99:
        raise InvalidInput(f"a minimum age is from 16 to 99, not {least}", field="min_age")
    if not least <= young <= 99:
        raise InvalidInput(f"the young-driver age ({young}) is from the minimum age ({least}) to 99",
                           field="young_driver_age")
    if not fee.is_finite() or fee < 0 or fee > Decimal("99999.99"):
        raise InvalidInput(f"a young-driver fee is an amount of 0 or more, not {fee}", field="young_driver_fee")
    value = RenterRules(least, young, fee.quantize(Decimal("0.01")),
                        now.licence_at_booking if licence_at_booking is None else licence_at_booking)
    if row is None:
        row = RenterRule(zip_code=zip_code.strip(), vehicle_class=code)
        s.add(row)
    row.min_age, row.young_driver_age = value.min_age, value.young_driver_age
    row.young_driver_fee_per_day, row.licence_at_booking = value.young_driver_fee_per_day, value.licence_at_booking
    s.flush()
    return RuleView(zip_code.strip(), code, value)
