"""SQLAlchemy 2.0 models of a branch's local database.

Times are stored as naive UTC in the database and come back as aware UTC (:class:`UTCDateTime`).
Money is ``Numeric(10, 2)`` and comes back as :class:`decimal.Decimal`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    TypeDecorator,
    Boolean,
    LargeBinary,
    Table,
    Text,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database; a naive value is refused, never guessed."""

    impl = DateTime
    cache_ok = True

    # The dialect may be None: nothing here depends on it (db._utc_text calls this directly).
    def process_bind_param(self, value: datetime | None, dialect: Dialect | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; give a time zone")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


Money = Numeric(10, 2, asdecimal=True)
#: The largest amount a Money column holds (NUMERIC(10, 2)): every amount read or typed is held to it.
LARGEST_MONEY = Decimal("99999999.99")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table(model: type[Base]) -> Table:
    """A model's table, for Core statements (``Model.__table__`` is typed as any ``FromClause``)."""
    found = model.__table__
    assert isinstance(found, Table)
    return found


class CarStatus(str, enum.Enum):
    AVAILABLE = "available"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"


class DriverStatus(str, enum.Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class ReservationStatus(str, enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REJECTED = "rejected"
    #: Not picked up by the branch's no-show grace after its start, and marked so at the counter
    #: (rentaldesk.no_show): it holds no car.
    NO_SHOW = "no-show"


#: The channels a reservation is booked through: at a counter (the desk, the command line, a file
#: import, head office) or by the customer on the web site.
CHANNEL_COUNTER, CHANNEL_WEB = "counter", "web"
CHANNELS: tuple[str, ...] = (CHANNEL_COUNTER, CHANNEL_WEB)


def channel_of_source(source: str) -> str:
    """The channel of a request from ``source`` (a branch's code, or the web's): head office's
    reservation says where it was booked (the web channel's requests come from ``web``)."""
    return CHANNEL_WEB if source == CHANNEL_WEB else CHANNEL_COUNTER

#: Statuses in which a reservation holds a car.
LIVE_STATUSES: tuple[str, ...] = (
    ReservationStatus.PENDING.value,
    ReservationStatus.CONFIRMED.value,
    ReservationStatus.ACTIVE.value,
)


def _values(enum_cls: type[enum.Enum]) -> str:
    return ", ".join(f"'{m.value}'" for m in enum_cls)


class Branch(Base):
    """A location: a zip code with its time zone and booking rules."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    zip_code: Mapped[str] = mapped_column(String(16), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    lead_time_minutes: Mapped[int] = mapped_column(Integer, default=120)
    min_rental_minutes: Mapped[int] = mapped_column(Integer, default=24 * 60)
    turnaround_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: The longest rental (minutes; default 90 days) and how far ahead a pick-up may be booked
    #: (days; default 2 years): see :class:`rentaldesk.rules.BranchRules`.
    max_rental_minutes: Mapped[int] = mapped_column(Integer, default=90 * 24 * 60, server_default="129600")
    horizon_days: Mapped[int] = mapped_column(Integer, default=730, server_default="730")
    #: How odometers and distances are read and shown here: "km" or "mi".
    distance_unit: Mapped[str] = mapped_column(String(2), default="mi", server_default="mi")
    #: How long after its pick-up time a reservation not picked up may be marked a no-show
    #: (minutes; default 2 hours), and the fee a no-show is charged by default (see
    #: :mod:`rentaldesk.no_show`).
    no_show_grace_minutes: Mapped[int] = mapped_column(Integer, default=120, server_default="120")
    no_show_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), server_default="0")
    #: How long the desk may sit unused before it locks (minutes, 1 to 240; default 5): see
    #: :mod:`rentaldesk.gui.sign_in`. Set by an admin in the branches file.
    lock_after_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    __table_args__ = (
        CheckConstraint("lead_time_minutes >= 0", name="lead_time"),
        CheckConstraint("min_rental_minutes > 0", name="min_rental"),
        CheckConstraint("turnaround_minutes >= 0", name="turnaround"),
    )


class VehicleClass(Base):
    __tablename__ = "vehicle_classes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    day_rate: Mapped[Decimal] = mapped_column(Money)


class Driver(Base):
    """A chauffeur; their assignments are the reservations that name them."""

    __tablename__ = "drivers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    licence_number: Mapped[str] = mapped_column(String(32), unique=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default=DriverStatus.ACTIVE.value)
    day_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    zip_code: Mapped[str | None] = mapped_column(ForeignKey("branches.zip_code"), nullable=True)

    __table_args__ = (CheckConstraint(f"status IN ({_values(DriverStatus)})", name="status"),)


class Car(Base):
    """A car of the fleet with the seed's fields; "on rent" is derived from reservations."""

    __tablename__ = "cars"

    car_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plate_number: Mapped[str] = mapped_column(String(16), unique=True)
    model: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    color: Mapped[str] = mapped_column(String(32))
    transmission: Mapped[str] = mapped_column(String(16))
    cost_per_day: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16), default=CarStatus.AVAILABLE.value)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("drivers.id"), nullable=True)
    vehicle_class: Mapped[str] = mapped_column(ForeignKey("vehicle_classes.code"))
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    odometer: Mapped[int] = mapped_column(Integer, default=0)
    # -- issue 11: the car's record (rentaldesk.car_record): its last reading known here, this
    # branch's own check-out or check-in, or another branch's brought by head office's record
    #: The fuel at the last reading (eighths); None: no reading known.
    fuel_eighths: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: When the last reading known here was taken (None: none): a record read earlier never replaces it.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The agreement (its number) and the location of that reading ("" with none).
    read_agreement: Mapped[str] = mapped_column(String(32), default="", server_default="")
    read_zip_code: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: The version of head office's car record applied last (0: none): an older one is skipped.
    record_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        CheckConstraint(f"status IN ({_values(CarStatus)})", name="status"),
        CheckConstraint("cost_per_day >= 0", name="cost_per_day"),
        Index("ix_cars_pool", "vehicle_class", "zip_code"),
    )


class Customer(Base):
    """A customer is their email: stored trimmed and lower-cased, unique."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    licence_number: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # -- issue 11: renter --
    #: Where the driving licence was issued (a country or a state, as the licence says) and the
    #: last day it is valid; the date of birth (the age rules of :mod:`rentaldesk.renters`).
    licence_region: Mapped[str] = mapped_column(String(64), default="", server_default="")
    licence_expiry: Mapped[date | None] = mapped_column(Date, nullable=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    address_line1: Mapped[str] = mapped_column(String(120), default="", server_default="")
    address_line2: Mapped[str] = mapped_column(String(120), default="", server_default="")
    city: Mapped[str] = mapped_column(String(80), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(16), default="", server_default="")
    country: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: Refused at booking and at check-out; the reason is for the staff, never for the customer.
    do_not_rent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    do_not_rent_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")


class Reservation(Base):
    """A reservation of a vehicle class at a zip code; every live one holds a car.

    ``pinned`` is true when the customer asked for that car: the engine never moves it. A picked-up
    (active) or started reservation is never moved either.
    """

    __tablename__ = "reservations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    vehicle_class: Mapped[str] = mapped_column(ForeignKey("vehicle_classes.code"))
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    car_id: Mapped[int] = mapped_column(ForeignKey("cars.car_id"))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("drivers.id"), nullable=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    price: Mapped[Decimal] = mapped_column(Money)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_reason: Mapped[str] = mapped_column(String(200), default="")
    #: The branch (or "hq") where the reservation was taken.
    source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: The channel it was booked through: one of :data:`CHANNELS` (the dashboard counts by it).
    channel: Mapped[str] = mapped_column(String(16), default="counter", server_default="counter")
    #: The newest head-office version applied here (0: head office has not decided yet).
    hq_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: At a branch: the request sent to head office and not answered yet (its event id).
    awaiting_event_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: At a branch: the car head office has the reservation on (a car id of this database; empty
    #: until head office has placed it, and never set from a state that holds no car there). ``car_id`` may differ while a request of this branch in the
    #: pool waits (the local engine moved it to make room); see docs/reservation-lifecycle.md.
    hq_car_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # -- issue 11: rates --
    #: The rate plan the reservation was quoted with (rentaldesk.rates.RatePlan.to_json); None on a
    #: row of an earlier build, whose plan is its booked price per started day.
    rate_plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The chauffeur's day rate as quoted (None: no driver, or a row of an earlier build).
    driver_day_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # -- issue 11: extras --
    #: The extras and cover chosen at booking, as quoted (JSON list of charges.ExtraChoice, see
    #: rentaldesk.extras.extras_to_json); at check-out the ones confirmed there are added.
    extras_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    #: Whether ``extras_json`` says what the reservation's extras are (migration 0021). False on a
    #: row written before extras travelled, and at head office on one a branch of an earlier build
    #: booked (its request said nothing of extras): head office then sends no extras for it, which
    #: a branch reads as "keep yours" (an empty list would wipe the branch's).
    extras_known: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())
    #: Whether the kept plan counts rental days on the branch's wall clock (migration 0021): False
    #: on a row booked before, quoted in 24-hour days from the pick-up, and counted so to the end
    #: (:func:`rentaldesk.pricing.as_quoted`).
    wall_clock_days: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())
    # -- issue 11: manifest --
    #: The fee charged for a no-show (set when it is marked; None on any other reservation).
    no_show_fee: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # -- issue 11: the renter --
    #: The renter rule's young-driver age and fee per day at booking (rentaldesk.renters.check_at_booking),
    #: applied at check-in to the renter's date of birth: a later change of the rule never changes
    #: them. None on a row of an earlier build or one head office's state brought here (the rule
    #: in effect at check-in applies).
    young_driver_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    young_driver_fee_per_day: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    # -- issue 11: one-way returns (0020) --
    #: Where the car is to be returned (a branch's zip code); None: where it is picked up. The car
    #: is expected there from the end of the period (rentaldesk.car_location).
    return_zip_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: The one-way drop fee as quoted (rentaldesk.rates.drop_fee at booking), kept as the plan is;
    #: None: no one-way fee, or a row of an earlier build.
    drop_fee: Mapped[Decimal | None] = mapped_column(Money, nullable=True)

    customer: Mapped[Customer] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(f"status IN ({_values(ReservationStatus)})", name="status"),
        CheckConstraint("end_at > start_at", name="period"),
        # The engine's window query: live reservations of a pool ending after a time.
        Index("ix_reservations_pool_window", "vehicle_class", "zip_code", "status", "end_at"),
        Index("ix_reservations_car_start", "car_id", "start_at"),
        Index("ix_reservations_customer", "customer_id", "start_at"),
        Index("ix_reservations_driver", "driver_id", "start_at"),
        Index("ix_reservations_status_end", "status", "end_at"),
        # The day's manifest (rentaldesk.manifest): a branch's pick-ups of a day, its returns of a
        # day. The time first, so it never looks better to SQLite than the pool's own (0016).
        Index("ix_reservations_start_branch", "start_at", "zip_code", "status"),
        Index("ix_reservations_branch_returned", "zip_code", "returned_at"),
        # Where cars go (rentaldesk.car_location): the live one-way reservations, those returning
        # to a location. The status first: only live rows are read, never the one-way history.
        Index("ix_reservations_one_way", "status", "return_zip_code", "vehicle_class"),
    )


class OutboxEvent(Base):
    """An event written in the same transaction as the change it announces; the relay publishes
    unsent rows in ``seq`` order and stamps ``sent_at``."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    topic: Mapped[str] = mapped_column(String(32))  # logical name: booking-requests, booking-events...
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[bytes] = mapped_column(LargeBinary)  # the encoded envelope, exactly as published
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The relay publishing the row (several head-office processes may share one database).
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "seq"),)


class InboxEvent(Base):
    """An event applied here, written in the same transaction as its effect: a replay is skipped."""

    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(Integer)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """A mail to a customer about a decision of head office, or with a branch's agreement or receipt:
    queued in the same transaction as the event is consumed (so exactly once per event), then sent
    by the notification sender.

    ``booking_event_id``: the event the mail is about (a booking event, or an ``agreement.recorded``).
    ``status``: queued -> sending -> sent, or failed (given up, or interrupted mid-send: never sent
    twice). ``attachment``: the PDF rendered when the mail was queued (an agreement or a receipt),
    dropped once the mail is sent (``attachment_name`` stays, to say what went; a mail given up keeps
    it, to be forwarded by hand); none for a booking mail.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_event_id: Mapped[str] = mapped_column(String(36), unique=True)
    reservation_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    attachment_name: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_reservation_kind", "reservation_id", "kind"),
    )


class PoolVersion(Base):
    """A counter per pool (vehicle class + zip code), bumped by database triggers (migration 0003)
    whenever one of the pool's reservations or cars is inserted, updated or deleted — by any writer,
    in any process; the row ('', '') counts writes to branches and vehicle classes. Head office keeps
    a pool in memory across batches only while its counter is unchanged (:mod:`rentaldesk.hq.batch`). A timestamp would not do: writers stamp with their own
    clocks. The triggers exist on SQLite; elsewhere the table stays empty and nothing is kept."""

    __tablename__ = "pool_versions"

    vehicle_class: Mapped[str] = mapped_column(String(32), primary_key=True)
    zip_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


# -- issue 10: change log --
class ChangeLogEntry(Base):
    """One insert, update or delete of a row the desk's screens show, written by SQLite triggers
    (migration 0010) whoever the writer is: the table (``kind``), the row's primary key as text and
    a sequence that grows with every commit. Bounded by a trigger (the newest 10,000 to 11,000 rows
    are kept); read by :class:`rentaldesk.changelog.ChangeWatcher`. Empty on other databases."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[str] = mapped_column(String(64))


class Meta(Base):
    """Small key/value facts about this database (e.g. whether the sample fleet was loaded)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))


# -- issue 11: renter --
class RenterRule(Base):
    """Who may rent a class at a branch: the minimum age, and the age below which a young-driver
    fee is charged per day. The row with no ``vehicle_class`` is the branch's rule for every class
    without its own row; with no row at all the defaults of :mod:`rentaldesk.renters` apply.
    ``licence_at_booking``: the licence must be on file to book (else only to check out)."""

    __tablename__ = "renter_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    vehicle_class: Mapped[str | None] = mapped_column(ForeignKey("vehicle_classes.code"), nullable=True)
    min_age: Mapped[int] = mapped_column(Integer, default=21)
    young_driver_age: Mapped[int] = mapped_column(Integer, default=25)
    young_driver_fee_per_day: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    licence_at_booking: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint("min_age >= 16 AND min_age <= 99", name="min_age"),
        CheckConstraint("young_driver_age >= min_age AND young_driver_age <= 99", name="young_driver_age"),
        CheckConstraint("young_driver_fee_per_day >= 0", name="young_driver_fee"),
        Index("ix_renter_rules_pool", "zip_code", "vehicle_class", unique=True),
    )


# -- issue 11: contract --
class AgreementSequence(Base):
    """The next agreement number of a branch. Taken and bumped in the transaction that writes the
    agreement (SQLite's ``BEGIN IMMEDIATE`` or the row's lock elsewhere), so numbers are never
    reused and have no gaps: a refused check-out rolls the bump back with everything else."""

    __tablename__ = "agreement_sequences"

    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"), primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (CheckConstraint("next_number >= 1", name="next_number"),)


class Agreement(Base):
    """A rental agreement: a reservation's car on rent (see :mod:`rentaldesk.contracts`).

    ``status``: "on rent" -> "returned" (check-in; the charges fixed in ``charges_json``, so the
    receipt never changes) -> "closed" (zero balance, or written off). Readings "out" at check-out,
    "in" at check-in; ``in_zip_code`` differs from ``zip_code`` on a one-way return.
    """

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id"), unique=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    car_id: Mapped[int] = mapped_column(ForeignKey("cars.car_id"))
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    booked_class: Mapped[str] = mapped_column(ForeignKey("vehicle_classes.code"))
    vehicle_class: Mapped[str] = mapped_column(ForeignKey("vehicle_classes.code"))
    upgrade_reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16))
    licence_checked: Mapped[bool] = mapped_column(Boolean)
    currency: Mapped[str] = mapped_column(String(3))
    quoted: Mapped[Decimal] = mapped_column(Money)
    out_at: Mapped[datetime] = mapped_column(UTCDateTime)
    out_odometer: Mapped[int] = mapped_column(Integer)
    out_fuel_eighths: Mapped[int] = mapped_column(Integer)
    in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    in_zip_code: Mapped[str | None] = mapped_column(ForeignKey("branches.zip_code"), nullable=True)
    in_odometer: Mapped[int | None] = mapped_column(Integer, nullable=True)
    in_fuel_eighths: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: The rate plan the rental is charged by (rates.RatePlan.to_json), fixed at check-out from the
    #: reservation's: check-in settles with it, whatever the branch's rates are then.
    plan_json: Mapped[str] = mapped_column(Text)
    #: The extras and cover confirmed at check-out (JSON list of charges.ExtraChoice fields).
    extras_json: Mapped[str] = mapped_column(Text, default="[]")
    deposit_amount: Mapped[Decimal] = mapped_column(Money)
    deposit_method: Mapped[str] = mapped_column(String(8))
    deposit_reference: Mapped[str] = mapped_column(String(64), default="")
    signature_png: Mapped[bytes] = mapped_column(LargeBinary)
    damage_charge: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    #: The charges fixed at check-in (JSON of charges.Charges): the receipt reads these, never a
    #: recalculation.
    charges_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    total: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    write_off_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("status IN ('on rent', 'returned', 'closed')", name="status"),
        CheckConstraint("out_fuel_eighths BETWEEN 0 AND 8", name="out_fuel"),
        CheckConstraint("in_fuel_eighths IS NULL OR in_fuel_eighths BETWEEN 0 AND 8", name="in_fuel"),
        CheckConstraint("in_odometer IS NULL OR in_odometer >= out_odometer", name="odometer"),
        CheckConstraint("deposit_amount >= 0", name="deposit"),
        CheckConstraint("deposit_method IN ('card', 'cash')", name="deposit_method"),
        Index("ix_agreements_car", "car_id", "out_at"),
        Index("ix_agreements_status", "status", "zip_code"),
    )


class DamageRecord(Base):
    """A damage mark on a car, recorded at an agreement's check-out ("out") or check-in ("in")."""

    __tablename__ = "damage_marks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"))
    car_id: Mapped[int] = mapped_column(ForeignKey("cars.car_id"))
    stage: Mapped[str] = mapped_column(String(3))
    zone: Mapped[str] = mapped_column(String(16))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(200), default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("stage IN ('out', 'in')", name="stage"),
        CheckConstraint("x >= 0 AND x <= 1 AND y >= 0 AND y <= 1", name="position"),
        Index("ix_damage_marks_car", "car_id", "recorded_at"),
        Index("ix_damage_marks_agreement", "agreement_id"),
    )


class KnownDamage(Base):
    """A damage mark on a car that an agreement of another branch recorded, as head office's car
    record brought it (rentaldesk.car_record): the branch's own agreements' marks are
    :class:`DamageRecord` rows, these the rest of the car's history."""

    __tablename__ = "car_known_damage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    car_id: Mapped[int] = mapped_column(ForeignKey("cars.car_id"))
    agreement_id: Mapped[str] = mapped_column(String(36))
    agreement_number: Mapped[str] = mapped_column(String(32))
    zip_code: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(3))
    zone: Mapped[str] = mapped_column(String(16))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_car_known_damage_car", "car_id", "recorded_at"),)


class LedgerRow(Base):
    """A row of the payments ledger, append-only (see :mod:`rentaldesk.payments`). ``zip_code``:
    the branch whose counter took it (the cash-up's); ``provider_reference``: room for a card
    processor's id (none in issue 11)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"))
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    kind: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(64), default="")
    provider_reference: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('payment', 'refund', 'deposit-hold', 'deposit-capture', 'deposit-release', "
                        "'write-off')", name="kind"),
        CheckConstraint("method IN ('card', 'cash', 'voucher', '')", name="method"),
        CheckConstraint("amount >= 0", name="amount"),
        Index("ix_payments_agreement", "agreement_id", "id"),
        Index("ix_payments_branch_day", "zip_code", "at"),
    )


# -- issue 11: rates --
class RatePlanRow(Base):
    """The rates of a vehicle class at a branch (see :class:`rentaldesk.rates.RatePlan`); its
    seasons are :class:`RateSeason` rows, its taxes the branch's :class:`BranchTax` rows."""

    __tablename__ = "rate_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_class: Mapped[str] = mapped_column(ForeignKey("vehicle_classes.code"))
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    day_rate: Mapped[Decimal] = mapped_column(Money)
    week_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    month_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    hour_rate: Mapped[Decimal] = mapped_column(Money)
    included_distance_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    extra_distance_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    fuel_policy: Mapped[str] = mapped_column(String(16), default="full-to-full")
    fuel_eighth_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    late_grace_minutes: Mapped[int] = mapped_column(Integer, default=29)
    deposit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))

    seasons: Mapped[list[RateSeason]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="RateSeason.first_day")

    __table_args__ = (
        Index("ix_rate_plans_pool", "vehicle_class", "zip_code", unique=True),
        CheckConstraint("day_rate >= 0 AND hour_rate >= 0", name="rates"),
    )


class RateSeason(Base):
    """A date range (local dates, both included) of a plan with its own rates."""

    __tablename__ = "rate_seasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rate_plans.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    day_rate: Mapped[Decimal] = mapped_column(Money)
    week_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    month_rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)

    __table_args__ = (CheckConstraint("last_day >= first_day", name="days"),)


class BranchTax(Base):
    """A tax or fee of a branch, charged on every rental there (see :class:`rentaldesk.rates.Tax`)."""

    __tablename__ = "branch_taxes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(80))
    rate: Mapped[Decimal] = mapped_column(Numeric(7, 6, asdecimal=True))
    applies_to: Mapped[str] = mapped_column(String(200), default="all")
    rounding: Mapped[str] = mapped_column(String(16), default="half-up")
    #: The order of the branch's tax lines.
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_branch_taxes_code", "zip_code", "code", unique=True),
        CheckConstraint("rate >= 0 AND rate < 1", name="rate"),
    )


class DropFee(Base):
    """The one-way fee of a rental picked up at ``from_zip`` and returned at ``to_zip``."""

    __tablename__ = "drop_fees"

    from_zip: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"), primary_key=True)
    to_zip: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"), primary_key=True)
    fee: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (CheckConstraint("fee >= 0", name="fee"),)


# -- issue 11: extras --


class ExtraItem(Base):
    """An extra or a cover a branch offers (see :class:`rentaldesk.extras.CatalogueItem`);
    ``stock`` None is unlimited."""

    __tablename__ = "extra_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zip_code: Mapped[str] = mapped_column(ForeignKey("branches.zip_code"))
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(24))
    per: Mapped[str] = mapped_column(String(8))
    price: Mapped[Decimal] = mapped_column(Money)
    cap: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)
    stock: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: The order of the branch's list.
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_extra_items_code", "zip_code", "code", unique=True),
        CheckConstraint("price >= 0 AND (cap IS NULL OR cap >= 0)", name="amounts"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock"),
    )


# -- issue 11: network --

class HqAgreement(Base):
    """Head office's copy of a branch's agreement (rentaldesk.hq.contracts): its newest state as
    the branch recorded it (``snapshot``: the events.AgreementSnapshot's JSON), kept by ``version``."""

    __tablename__ = "hq_agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(32))
    reservation_id: Mapped[str] = mapped_column(String(36), index=True)
    zip_code: Mapped[str] = mapped_column(String(16))
    plate_number: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    balance: Mapped[str] = mapped_column(String(32))
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HqLedgerRow(Base):
    """A row of the company's ledger: an agreement's ledger row as its branch recorded it
    (``row_id``: the branch's id of the row, unique within the agreement)."""

    __tablename__ = "hq_ledger_rows"

    agreement_id: Mapped[str] = mapped_column(ForeignKey("hq_agreements.id"), primary_key=True)
    row_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(200))
    provider_reference: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class HqCarRecord(Base):
    """A car's record at head office, from its agreements: the last readings (odometer, fuel),
    where it is (``on_rent``: out from ``zip_code``; else back there) and how many damage marks it has."""

    __tablename__ = "hq_car_records"

    plate_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    odometer: Mapped[int] = mapped_column(Integer)
    fuel_eighths: Mapped[int] = mapped_column(Integer)
    zip_code: Mapped[str] = mapped_column(String(16))
    on_rent: Mapped[bool] = mapped_column(Boolean)
    damage_count: Mapped[int] = mapped_column(Integer)
    agreement_id: Mapped[str] = mapped_column(String(36))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Grows with each change of the record (issue 11, car record): the branches keep the newest.
    #: (1 on the records of before 0032: above a branch's 0, so they go out and are taken.)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="1")


class HqCarDamage(Base):
    """A damage mark in a car's history at head office (the marks each agreement added)."""

    __tablename__ = "hq_car_damage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plate_number: Mapped[str] = mapped_column(String(32), index=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("hq_agreements.id"), index=True)
    zone: Mapped[str] = mapped_column(String(16))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Where it was marked (the check-in's location for a mark made at check-in); "" in rows made
    #: before 0032: the agreement's check-out location is said then.
    zip_code: Mapped[str] = mapped_column(String(16), default="", server_default="")


# -- issue 13: audit trail --

class AuditEntry(Base):
    """One change to an audited record (a reservation, car, customer, driver, ledger row) or one
    decision that is no row change (a price override accepted, a rule overridden): who, when,
    where and what (``changes``: JSON ``{"field": [before, after]}``, the changed fields only).
    Written by :mod:`rentaldesk.audit` in the change's own transaction; append-only (migration
    0026's triggers refuse an UPDATE or DELETE on SQLite, and the code has no path for either).
    ``origin``: "" for a change made in this database; at head office, the branch an entry came from."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The entry's own uuid: head office stores each entry once, whatever is replayed.
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str] = mapped_column(String(16), default="")
    workstation: Mapped[str] = mapped_column(String(64), default="")
    origin: Mapped[str] = mapped_column(String(16), default="")
    #: reservation, car, customer, driver, payment
    record_kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(64))
    #: What people call the record: a reservation's reference, a car's plate, a customer's email...
    label: Mapped[str] = mapped_column(String(254), default="")
    #: created, changed, deleted, price-override, rule-override
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (
        Index("ix_audit_log_record", "record_kind", "record_id", "at"),
        Index("ix_audit_log_user", "username", "at"),
        Index("ix_audit_log_at", "at"),
    )


# -- issue 13: staff -----------------------------------------------------------------------------

class Staff(Base):
    """A staff account (rentaldesk.staff): head office's, replicated to the branches on the fleet
    topic, or a standalone branch's own. ``branches``: the zip codes they may sign in at, comma
    separated (empty: every branch, head office's people). Only hashes are kept (Argon2id strings,
    their salt and parameters inside). Never deleted: ``active`` False ends an account."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    branches: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("role IN ('clerk', 'manager', 'admin')", name="role"),)


class SignInFailure(Base):
    """Failed sign-ins in a row under one typed username (known or not: the back-off must not tell),
    this database's own; a success clears it."""

    __tablename__ = "sign_in_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
