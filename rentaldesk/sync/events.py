"""Every event type, as one class: what head office emits and what a branch applies is the same class.

Each class is a :class:`msgspec.Struct`: decoding a payload validates it in the same step (a wrong
field raises with its path), and the code reads ``event.reservation.customer.email``, never
``payload["reservation"]["customer"]["email"]``. A class names its wire type and its
``schema_version``; :data:`EVENT_TYPES` is the registry :mod:`.envelope` decodes by.

A newer version of a type keeps its older class, whose :meth:`Event.upgrade` gives the current
one, so an event written by an older build is still read (the test of each older version is in
tests/unit/sync/test_events.py). Identifiers that cross databases are global: reservation uuids and
references, customer emails, car plates, driver licence numbers, zip codes, class codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from .. import rates, text
from ..models import LARGEST_MONEY
from ..errors import RentalError

#: A uuid in its canonical text form (what ``str(uuid.uuid4())`` gives).
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UUID_PATTERN = f"^{_UUID.pattern}$"
_TEXT_KIND = Meta(description="a non-empty string")
_UUID_KIND = Meta(description="a uuid")
_PLAN_KIND = Meta(description="a rate plan")

#: A non-empty string (not only spaces).
Text = Annotated[str, _TEXT_KIND]
#: A uuid in its canonical text form.
Uuid = Annotated[str, _UUID_KIND]
#: A rate plan as :meth:`rentaldesk.rates.RatePlan.to_json` writes it, checked by the plan's own rule
#: when the event is read (a bad one goes to the dead letters, not into a price).
PlanText = Annotated[str, _PLAN_KIND]
#: An ISO 8601 / RFC 3339 time with an offset.
Time = Annotated[datetime, Meta(tz=True)]


class _FreeText:
    """The mark of a field of free text (a name, a phone, a model...): held to the one rule of
    :mod:`rentaldesk.text`, so a name with a line break or an escape is refused from the network
    as at the counter; ``required``: not blank."""

    __slots__ = ("kind", "required")

    def __init__(self, kind: text.TextKind, *, required: bool) -> None:
        self.kind = kind
        self.required = required


#: A person's name (a customer's may be blank; a driver's not), a phone, an email, a car's model
#: and colour, a branch's and a class's name.
Name = Annotated[str, _FreeText(text.NAME, required=False)]
DriverName = Annotated[str, _FreeText(text.NAME, required=True)]
Phone = Annotated[str, _FreeText(text.PHONE, required=False)]
Email = Annotated[str, _FreeText(text.EMAIL, required=True)]
Model = Annotated[str, _FreeText(text.MODEL, required=True)]
Colour = Annotated[str, _FreeText(text.COLOUR, required=True)]
BranchName = Annotated[str, _FreeText(text.BRANCH_NAME, required=True)]
ClassName = Annotated[str, _FreeText(text.CLASS_NAME, required=True)]
#: Where a reservation was taken (a branch code, "hq"; blank in rows older than the field).
Source = Annotated[str, _FreeText(text.CODE, required=False)]
#: Words for a clerk: a refusal's reason, a mail's subject, why a mail failed.
Message = Annotated[str, _FreeText(text.MESSAGE, required=True)]
OptionalMessage = Annotated[str, _FreeText(text.MESSAGE, required=False)]
RecipientEmail = Annotated[str, _FreeText(text.EMAIL, required=False)]


def _kind(hint: object) -> Meta | _FreeText | None:
    """The kind (Text, Uuid or a kind of free text) of a field's type hint, optional or not."""
    for arg in (hint, *get_args(hint)):
        if get_origin(arg) is Annotated:
            for meta in get_args(arg)[1:]:
                if meta is _TEXT_KIND or meta is _UUID_KIND or meta is _PLAN_KIND or isinstance(meta, _FreeText):
                    return meta
    return None


def _free_check(name: str, mark: _FreeText) -> Callable[[object], None]:
    """The check of one free-text field: the text rule's words after the field's name."""
    kind, required = mark.kind, mark.required

    def check(v: object) -> None:
        if not isinstance(v, str):
            raise ValueError(f"{name}: expected a string")
        if required and not v.strip():
            raise ValueError(f"{name}: expected a non-empty string")
        why = text.problem(v, kind, typed=False)  # what an older build stored stays readable
        if why is not None:
            raise ValueError(f"{name}: {why}")  # "name: holds a line break at character 4; ..."

    return check


class Record(Struct, forbid_unknown_fields=True):
    """A part of an event: exactly these fields (an optional one may be missing or null, and comes
    last: a subclass's fields follow its base's).

    Text and uuid fields, and amounts, are checked when a record is made or decoded, by a check
    built for each class from its fields (msgspec's ``pattern`` constraint cost more than the rest
    of the decode together: bench/bench_events.py)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check = _check_for(get_type_hints(cls, include_extras=True))
        if check is not None:
            cls.__post_init__ = check  # type: ignore[attr-defined]


#: The largest amount a record carries (a reservation's price is NUMERIC(10, 2) in the database).
MAX_AMOUNT = LARGEST_MONEY


def _check_for(hints: dict[str, object]) -> Callable[[Record], None] | None:
    """The check of a record class's text, uuid and amount fields, and the times put in UTC, written
    out field by field (as dataclasses writes ``__init__``): a loop over the names cost twice as much.
    The type tests matter only for a record made in Python (decoding checked the types already)."""
    lines = []
    namespace: dict[str, object] = {"_UUID": _UUID, "Decimal": Decimal, "_MAX": MAX_AMOUNT, "_UTC": timezone.utc,
                                    "_plan_problem": _plan_problem, "_UNSET": UNSET}
    for name, hint in hints.items():
        if get_origin(hint) is ClassVar:
            continue
        kind = _kind(hint)
        if isinstance(kind, _FreeText):
            namespace[f"_free_{name}"] = _free_check(name, kind)
            lines.append(f"    v = self.{name}")
            lines.append(f"    {'if v is not None: ' if _optional(hint) else ''}_free_{name}(v)")
            continue
        if kind is _TEXT_KIND:
            test, say = "not isinstance(v, str) or not v.strip()", f"'{name}: expected a non-empty string'"
        elif kind is _UUID_KIND:
            test = "not isinstance(v, str) or _UUID.fullmatch(v) is None"
            say = f"f'{name}: expected a uuid, not {{v!r}}'"
        elif kind is _PLAN_KIND:
            test = "(why := _plan_problem(v)) is not None"
            say = f"f'{name}: {{why}}'"
        elif _is(hint, Decimal):
            test = "not isinstance(v, Decimal) or not v.is_finite() or v < 0 or v > _MAX"
            say = f"f'{name}: expected an amount from 0 to {MAX_AMOUNT:,}, not {{v}}'"
        elif _is(hint, datetime):
            # in UTC, as every time this project writes (an offset on the wire is taken, and dropped)
            lines.append(f"    v = self.{name}")
            lines.append("    if v is not None and v.utcoffset():")
            lines.append(f"        self.{name} = v.astimezone(_UTC)")
            continue
        else:
            continue
        lines.append(f"    v = self.{name}")
        if UnsetType in get_args(hint):  # a field never written when not given (UNSET)
            test = f"v is not _UNSET and ({test})"
        lines.append(f"    if {'v is not None and (' + test + ')' if _optional(hint) else test}:")
        lines.append(f"        raise ValueError({say})")
    if not lines:
        return None
    exec("def check(self):\n" + "\n".join(lines), namespace)  # noqa: S102  (built from our own field names)
    return namespace["check"]  # type: ignore[return-value]


def _plan_problem(v: object) -> str | None:
    """Why ``v`` is not a rate plan's JSON (the plan's own rule), or None."""
    if not isinstance(v, str):
        return "expected a rate plan's JSON text"
    try:
        rates.RatePlan.from_json(v)
    except RentalError as exc:
        return exc.message
    return None


def _is(hint: object, kind: type) -> bool:
    """Whether a field's type hint is ``kind``, optional or annotated or not."""
    for arg in (hint, *get_args(hint)):
        if arg is kind or (get_origin(arg) is Annotated and get_args(arg)[0] is kind):
            return True
    return False


def _optional(hint: object) -> bool:
    return type(None) in get_args(hint)


def money(value: Decimal | float | int | str) -> Decimal:
    """An amount as it goes on the wire: two places (``"12.50"``)."""
    return Decimal(value).quantize(Decimal("0.01"))


#: A driving licence number (issue 11).
Licence = Annotated[str, _FreeText(text.LICENCE, required=True)]


class RenterFacts(Record):
    """What the renter rules (:mod:`rentaldesk.renters`) read of a customer, carried by a booking
    request so head office decides as the branch does. The do-not-rent reason never travels: it is
    for the branch's staff."""

    do_not_rent: bool
    date_of_birth: date | None = None
    licence_number: Licence | None = None
    licence_expiry: date | None = None


class Customer(Record, omit_defaults=True):
    """A customer on the wire. ``renter`` (issue 11) is left out when nothing is on file, so such an
    event is the bytes an older build wrote and reads; an older build's event, which has none, is
    read as a customer with nothing on file."""

    email: Email
    name: Name
    phone: Phone
    renter: RenterFacts | None = None


class AgreementExtra(Record, omit_defaults=True):
    """An extra or cover on the agreement (:class:`rentaldesk.charges.ExtraChoice`), ``taxable``
    False when the branch's taxes leave it out (a damage waiver).

    ``taxable`` came after the first agreements went out, so it is written only when False
    (``omit_defaults``): an extra an earlier build wrote (no such key) is read as taxable, as it
    was, and what this build writes for a taxable extra is the bytes an earlier build wrote and
    reads. An earlier build refuses a ``taxable: false`` it does not know (records forbid unknown
    fields: dead-letter): head office is upgraded before the branches (docs/agreement.md)."""

    code: Text
    label: OptionalMessage
    per: Text
    price: Decimal
    quantity: int
    cap: Decimal | None = None
    taxable: bool = True


class ReservationExtra(AgreementExtra):
    """An extra or cover a reservation keeps (:class:`rentaldesk.charges.ExtraChoice`, exactly:
    :func:`rentaldesk.sync.state.extra_choices`), with the item's ``stock`` at the branch when a
    branch's request carries it (None: unlimited, or not said). Head office counts with its own
    catalogue's stock: this figure only for an item that catalogue does not list
    (:func:`rentaldesk.extras.check_stock`). (``taxable`` is its base's; a default is left out of
    the bytes, and read back as the default, as any earlier build wrote it.)"""

    stock: int | None = None


class ReservationState(Record, omit_defaults=True):
    """A reservation's whole state as head office decided it (or as a branch requests it).

    Its optional fields are left out when they are None (``omit_defaults``), so a state without
    extras is the bytes the previous release wrote and reads (its decoder refuses an unknown
    field: docs/upgrading.md)."""

    id: Uuid
    reference: Text
    status: Text
    customer: Customer
    vehicle_class: Text
    zip_code: Text
    pinned: bool
    start: Time
    end: Time
    price: Decimal
    version: int
    source: Source
    reason: OptionalMessage
    car_plate: Text | None = None
    driver_licence: Text | None = None
    #: The rate plan the price was quoted with (rentaldesk.rates.RatePlan.to_json) and the
    #: chauffeur's day rate as quoted: head office prices a request with them, and a branch keeps
    #: them. None from an earlier build (head office then prices by its own plan; a branch keeps
    #: what it has).
    rate_plan: PlanText | None = None
    driver_day_rate: Decimal | None = None
    #: The extras the price includes, as quoted (issue 11, extras; a branch's request gives each
    #: item's stock at the branch, as its catalogue says: head office counts with it). None from an
    #: earlier build (a branch then keeps the extras it has); empty: none.
    extras: tuple[ReservationExtra, ...] | None = None
    #: (issue 11, one-way) where the car is to be returned, another branch's zip code; UNSET (never
    #: written: a round trip's message stays byte for byte as before) for a round trip. Checked by
    #: the booking rule (rentaldesk.reservations.return_location), not here.
    return_zip_code: Text | UnsetType = UNSET
    #: (issue 11, one-way) the drop fee the price includes, as quoted (kept as the plan is); UNSET
    #: with no return location.
    drop_fee: Decimal | UnsetType = UNSET


class CarState(Record):
    """A car's whole state, by plate (the fleet topic's record, and a branch's request to change it)."""

    plate_number: Text
    model: Model
    year: int
    color: Colour
    transmission: Text
    cost_per_day: Decimal
    status: Text
    vehicle_class: Text
    zip_code: Text
    odometer: int
    driver_licence: Text | None = None



class Event(Record):
    """The payload of one event type (a subclass per type and version)."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def upgrade(self) -> Event:
        """This event as the current version of its type (itself, for the current version)."""
        return self


# -- branch -> head office (booking-requests) ------------------------------------------------------

class ReservationRequested(Event):
    TYPE = "reservation.requested"
    reservation: ReservationState
    requested_at: Time


class ChangeRequested(Event, omit_defaults=True):
    """A new period (and the customer's name and phone) for a reservation.

    Version 3: with ``price``, the price the branch's clerk accepted for the new period (None in
    an upgraded earlier version: head office then prices it by the rule alone), and later its
    ``extras`` (a field added at the end, so the version stays). Version 2: the
    name and the phone only. Version 1 sent the whole customer, email included, which a change
    never changes (a reservation's customer is who booked it)."""

    TYPE = "reservation.change-requested"
    VERSION = 3
    # (omit_defaults: no price and no extras are left out, the bytes of the previous release)
    reservation_id: Uuid
    start: Time
    end: Time
    name: Name
    phone: Phone
    requested_at: Time
    price: Decimal | None = None
    #: (issue 11, extras) the reservation's extras with the change, each item's stock at the
    #: branch: head office re-counts them over the new period. None from an earlier build: the
    #: extras head office holds.
    extras: tuple[ReservationExtra, ...] | None = None
    #: (issue 11, one-way) the return location after the change; UNSET (not written): a round trip.
    return_zip_code: Text | UnsetType = UNSET
    #: (issue 11, one-way) the drop fee the changed price includes, as the branch quoted it (head
    #: office keeps it, as it keeps a booking's: ReservationState.drop_fee); UNSET (not written)
    #: for a round trip, and from a build that did not send it (head office's fee in effect then).
    #: A field added at the end and written only for a one-way: the bytes of a round trip's
    #: change are as before, and a build that does not know it reads the change without it.
    drop_fee: Decimal | UnsetType = UNSET


class ChangeRequestedV2(Event):
    TYPE = "reservation.change-requested"
    VERSION = 2
    reservation_id: Uuid
    start: Time
    end: Time
    name: Name
    phone: Phone
    requested_at: Time

    def upgrade(self) -> ChangeRequested:
        return ChangeRequested(reservation_id=self.reservation_id, start=self.start, end=self.end, name=self.name,
                               phone=self.phone, requested_at=self.requested_at)


class ChangeRequestedV1(Event):
    TYPE = "reservation.change-requested"
    reservation_id: Uuid
    start: Time
    end: Time
    customer: Customer
    requested_at: Time

    def upgrade(self) -> ChangeRequested:
        return ChangeRequested(reservation_id=self.reservation_id, start=self.start, end=self.end,
                               name=self.customer.name, phone=self.customer.phone,
                               requested_at=self.requested_at)


class CancelRequested(Event):
    TYPE = "reservation.cancel-requested"
    reservation_id: Uuid
    requested_at: Time


class CarAssignRequested(Event):
    TYPE = "reservation.car-assign-requested"
    reservation_id: Uuid
    car_plate: Text
    requested_at: Time


class CounterFact(Event):
    """Something that happened at the counter (pick-up, return): recorded, not decided."""

    TYPE = ""
    reservation_id: Uuid
    at: Time
    odometer: int | None = None


class PickedUp(CounterFact, omit_defaults=True):
    """The car handed over; ``extras`` (issue 11) are those it left with, booked and added at
    check-out, which head office keeps so its stock counts them (None from an earlier build, and
    left out when None, so the previous release reads a pick-up without extras)."""

    TYPE = "reservation.picked-up"
    extras: tuple[ReservationExtra, ...] | None = None


class Returned(CounterFact):
    """The car back at the counter; ``zip_code`` (issue 11, one-way): the branch it came back at
    when another than its pick-up's (UNSET, not written, otherwise): head office moves the car
    there (rentaldesk.reservations.relocate), as the branch did."""

    TYPE = "reservation.returned"
    zip_code: Text | UnsetType = UNSET


class NoShow(CounterFact):
    """A reservation marked a no-show at the counter (issue 11, manifest; rentaldesk.no_show): it
    holds no car from ``at``; ``fee`` is the fee the branch recorded (``odometer`` stays empty)."""

    TYPE = "reservation.no-show"
    fee: Decimal | None = None


class CarChangeRequested(Event):
    """A car added or edited at a branch."""

    TYPE = "fleet.car-change-requested"
    car: CarState
    requested_at: Time


# -- head office -> everyone (booking-events) ------------------------------------------------------

class Decision(Event):
    """The reservation's state after head office decided; ``request_event_id`` names the request
    it answers (the last event of that decision: docs/reservation-lifecycle.md)."""

    TYPE = ""
    reservation: ReservationState
    request_event_id: Uuid | None = None


class Confirmed(Decision):
    TYPE = "reservation.confirmed"


class Rejected(Decision):
    TYPE = "reservation.rejected"


class Changed(Decision):
    TYPE = "reservation.changed"


class Cancelled(Decision):
    TYPE = "reservation.cancelled"


class CarReassigned(Decision):
    TYPE = "reservation.car-reassigned"


class Updated(Decision):
    TYPE = "reservation.updated"


class RequestRefused(Event):
    """The answer to a request about a reservation head office does not hold (its create was
    rejected, or never came)."""

    TYPE = "reservation.request-refused"
    reservation_id: Uuid
    reason: Message
    request_event_id: Uuid


class CarChangeRejected(Event):
    """A branch's car change head office refused."""

    TYPE = "fleet.car-change-rejected"
    plate_number: Text
    reason: Message
    request_event_id: Uuid | None = None


# -- head office -> everyone (fleet, compacted) ----------------------------------------------------

class FleetBranch(Event, omit_defaults=True):
    TYPE = "fleet.branch"
    code: Text
    name: BranchName
    zip_code: Text
    time_zone: Text
    lead_time_minutes: int
    min_rental_minutes: int
    turnaround_minutes: int
    # the longest rental, the booking horizon and the distance unit: left out when they are the
    # defaults, so a build before them reads the event as it always did (and one after, an old event)
    max_rental_minutes: int = 90 * 24 * 60
    horizon_days: int = 730
    distance_unit: Text = "mi"


class FleetClass(Event):
    TYPE = "fleet.class"
    code: Text
    name: ClassName
    day_rate: Decimal



class FleetDriver(Event):
    TYPE = "fleet.driver"
    name: DriverName
    licence_number: Text
    phone: Phone
    status: Text
    day_rate: Decimal
    zip_code: Text | None = None



class FleetCar(CarState, Event):
    TYPE = "fleet.car"


#: A zip code inside a list (the record's text check reads single fields only).
ZipCode = Annotated[str, Meta(min_length=1, max_length=16)]


class FleetStaff(Event, omit_defaults=True):
    """A staff account as head office keeps it (issue 13), keyed ``staff:<username>``: the Argon2id
    hashes only, never a password, so a branch verifies a sign-in without head office. Never
    deleted: an account ended is sent with ``active`` False."""

    TYPE = "fleet.staff"
    username: Text
    name: Name
    role: Text
    password_hash: Text
    #: The zip codes they work at; empty: every branch (head office's people).
    branches: tuple[ZipCode, ...] = ()
    active: bool = True
    pin_hash: Text | None = None


# -- head office (notifications) -------------------------------------------------------------------

class NotificationSent(Event):
    TYPE = "notification.sent"
    reservation_id: Uuid
    booking_event_id: Uuid
    kind: Text
    to: Email
    subject: Message
    attempts: int


class NotificationFailed(Event):
    TYPE = "notification.failed"
    reservation_id: Uuid
    booking_event_id: Uuid
    kind: Text
    to: RecipientEmail
    subject: OptionalMessage
    attempts: int
    error: Message


# -- issue 11: network -- agreements across the network (branch -> head office, booking-requests) --

class AgreementReadings(Record):
    """A car's readings at check-out or check-in (:class:`rentaldesk.contracts.Readings`)."""

    at: Time
    zip_code: Text
    odometer: int
    fuel_eighths: int


class AgreementDamage(Record):
    """One damage mark (:class:`rentaldesk.damage.DamageMark`): ``zone`` its wire value, the photo
    as its bytes (base64 on the wire)."""

    zone: Text
    x: float
    y: float
    note: OptionalMessage
    stage: Text
    photo: bytes | None = None
    recorded_at: Time | None = None


class AgreementChargeLine(Record):
    """A line of the fixed charges (:class:`rentaldesk.charges.ChargeLine`); amounts may be
    negative (a discount), so they are not held to the 0..max amount check."""

    code: Text
    label: OptionalMessage
    quantity: Text  # a signed amount, as Decimal's text
    unit_price: Text  # a signed amount, as Decimal's text
    amount: Text  # a signed amount, as Decimal's text
    taxable: bool


class AgreementCharges(Record):
    """The charges fixed at check-in (:class:`rentaldesk.charges.Charges`)."""

    lines: tuple[AgreementChargeLine, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    currency: Text


class AgreementLedgerRow(Record):
    """One row of the agreement's ledger, carried generically (whatever ``kind`` the ledger has):
    ``id`` the branch's row id, ``method`` blank for a write-off."""

    id: int
    kind: Text
    method: OptionalMessage
    amount: Decimal
    currency: Text
    reference: OptionalMessage
    note: OptionalMessage
    at: Time
    provider_reference: OptionalMessage = ""


class AgreementSnapshot(Record):
    """An agreement's whole state (:class:`rentaldesk.contracts.AgreementView`) as it crosses the
    network: :func:`rentaldesk.sync.agreement_snapshot.snapshot_of` makes it, ``view_of`` gives the
    view back, exactly."""

    id: Uuid
    number: Text
    reservation_id: Uuid
    reservation_reference: Text
    customer_id: OptionalMessage
    customer_name: Name
    customer_email: RecipientEmail
    licence_number: OptionalMessage
    car_id: int
    plate_number: Text
    car_model: OptionalMessage
    vehicle_class: Text
    booked_class: Text
    upgrade_reason: OptionalMessage
    zip_code: Text
    branch_name: OptionalMessage
    time_zone: Text
    distance_unit: Text
    currency: Text
    status: Text
    booked_start: Time
    booked_end: Time
    out: AgreementReadings
    damage: tuple[AgreementDamage, ...]
    existing_damage: tuple[AgreementDamage, ...]
    extras: tuple[AgreementExtra, ...]
    deposit_amount: Decimal
    deposit_method: Text
    deposit_reference: OptionalMessage
    deposit_state: Text
    deposit_held: Decimal
    quoted: Decimal
    ledger: tuple[AgreementLedgerRow, ...]
    paid: Text  # a signed amount, as Decimal's text
    balance: Text  # a signed amount, as Decimal's text
    signature_png: bytes
    write_off_reason: OptionalMessage
    created_at: Time
    returned: AgreementReadings | None = None
    charges: AgreementCharges | None = None


#: The stages an agreement is recorded at.
AGREEMENT_STAGES = ("checked-out", "checked-in", "payment", "closed")


class AgreementRecorded(Event):
    """A branch's agreement after a change at its counter (check-out, check-in, a ledger row, the
    close): a fact head office records (its ledger and the car's record), never decides. ``version``
    is the agreement's own (it grows with each change): head office keeps the newest only; a stage
    outside :data:`AGREEMENT_STAGES` is refused there (a dead letter)."""

    TYPE = "agreement.recorded"
    stage: Text
    version: int
    agreement: AgreementSnapshot


# -- issue 11: the car's record (head office -> everyone, fleet, compacted) ----------------------------

class CarRecordDamage(Record):
    """One mark of a car's damage history (:class:`rentaldesk.damage.DamageMark` without its photo,
    which stays at the branch that took it): which agreement recorded it (``agreement_id``, its
    ``agreement_number`` for a clerk) at which location (``zip_code``), at check-out or check-in
    (``stage``)."""

    agreement_id: Uuid
    agreement_number: Text
    zip_code: Text
    stage: Text
    zone: Text
    x: float
    y: float
    note: OptionalMessage
    recorded_at: Time | None = None


class FleetCarRecord(Event, omit_defaults=True):
    """A car's record as head office keeps it from every branch's agreements
    (:mod:`rentaldesk.hq.contracts`), keyed ``car-record:<plate>`` on the fleet topic (compaction
    keeps the newest): the last readings (``odometer``, ``fuel_eighths``, taken at ``read_at`` at
    ``zip_code``, at the check-out or check-in, ``stage``, of ``agreement_number``), whether it is
    out on rent, and its whole damage history. ``version`` grows with each change: a branch keeps
    the newest (:func:`rentaldesk.sync.car_record.apply_car_record`)."""

    TYPE = "fleet.car-record"
    plate_number: Text
    version: int
    odometer: int
    fuel_eighths: int
    zip_code: Text
    on_rent: bool
    read_at: Time
    stage: Text
    agreement_number: Text
    damage: tuple[CarRecordDamage, ...] = ()


# -- issue 13: audit trail (branch -> head office, the audit topic) -----------------------------------

#: An audit entry's changes: its JSON as stored (ASCII: rentaldesk.audit escapes the rest), held to
#: the text rule like any free text from the network.
AuditJson = Annotated[str, _FreeText(text.TextKind("audit changes", 100_000), required=False)]


class AuditChange(Record, omit_defaults=True):
    """One entry of a branch's audit trail (a row of its ``audit_log``, see :mod:`rentaldesk.audit`):
    who (``username``, ``role``), where (``branch``, ``workstation``), when and what (``changes``:
    the entry's JSON, as stored)."""

    event_id: Uuid
    at: Time
    username: Text
    role: Text
    record_kind: Text
    record_id: Text
    action: Text
    changes: AuditJson = "{}"
    branch: Source = ""
    workstation: OptionalMessage = ""
    label: OptionalMessage = ""


class AuditRecorded(Event, omit_defaults=True):
    """The entries one write of a branch added to its trail, in that write's transaction; head
    office keeps each once (by its ``event_id``), with the branch as its origin."""

    TYPE = "audit.recorded"
    entries: tuple[AuditChange, ...] = ()


def _registry(*classes: type[Event]) -> dict[tuple[str, int], type[Event]]:
    out: dict[tuple[str, int], type[Event]] = {}
    for cls in classes:
        key = (cls.TYPE, cls.VERSION)
        if not cls.TYPE or key in out:
            raise RuntimeError(f"event class {cls.__name__}: type {key} is empty or taken")
        out[key] = cls
    return out


#: Every (type, schema_version) this build reads, and its class.
EVENT_TYPES = _registry(
    ReservationRequested, ChangeRequested, ChangeRequestedV2, ChangeRequestedV1, CancelRequested, CarAssignRequested,
    PickedUp, Returned, CarChangeRequested,
    NoShow,  # issue 11: manifest
    Confirmed, Rejected, Changed, Cancelled, CarReassigned, Updated, RequestRefused, CarChangeRejected,
    FleetBranch, FleetClass, FleetDriver, FleetCar,
    FleetStaff,  # issue 13: staff
    NotificationSent, NotificationFailed,
    AgreementRecorded,  # issue 11: network
    AuditRecorded,  # issue 13: audit trail
    FleetCarRecord,  # issue 11: the car's record at every branch
)

#: The newest version of each type: what this build writes.
CURRENT = {t: max(v for (tt, v) in EVENT_TYPES if tt == t) for (t, _) in EVENT_TYPES}

#: The classes by wire type of what a branch applies from ``booking-events``: a decision's class.
DECISIONS = {cls.TYPE: cls for cls in (Confirmed, Rejected, Changed, Cancelled, CarReassigned, Updated)}


S = TypeVar("S", bound=Struct)


def replace(event: S, **changes: object) -> S:
    """A copy of ``event`` (or of one of its parts) with these fields changed."""
    return msgspec.structs.replace(event, **changes)
