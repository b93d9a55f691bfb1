"""The web site's one door into the engine: :class:`Storefront`.

Every page asks the storefront, and the storefront asks the branch's
:class:`rentaldesk.reservations.ReservationService`, the same service the desk and the command line
use: its rules decide (lead time, minimum length, duplicate, capacity, renter age), its quote is
the price, and its refusals are the words the customer reads, next to the field they name. The
storefront only reads what the customer types into the values the service takes, and reads the
catalogue (locations, class names, example models) for the pages, kept between requests until the
database changes (:meth:`rentaldesk.db.Database.kept`).

Standalone (no broker) the service books on this database directly; in a network a later part gives
the storefront a service whose link writes the requests to head office (the seam is
:attr:`Storefront.service`).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..charges import Charges, ExtraChoice, money_in
from ..extras import CatalogueItem, choose
from ..customers import KEEP, CustomerEdit, normalize_email, typed_date
from ..display import parse_money, parse_time, period_text
from ..errors import InvalidInput, InvalidPeriod, ReservationNotFound
from ..models import CHANNEL_WEB, Branch, Car, CarStatus, VehicleClass
from ..rates import plan_for
from ..renters import RenterRules
from ..reservations import ReservationService, unknown_class, unknown_location
from ..text import shown
from ..values import Reservation

#: A reference as the engine writes them ('R' and 7 letters or digits); longer input is not looked up.
REFERENCE_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Location:
    """A branch the customer can pick up at."""

    code: str
    name: str
    zip_code: str
    zone: tzinfo


@dataclass(frozen=True, slots=True)
class Search:
    """What the customer searched for: a location, a period (aware UTC) and perhaps a class."""

    location: Location
    start: datetime
    end: datetime
    vehicle_class: str | None = None

    @property
    def period(self) -> str:
        return period_text(self.start, self.end, self.location.zone)

    def form(self) -> dict[str, str]:
        """The search as the form's fields (local date and time at the branch)."""
        start, end = self.start.astimezone(self.location.zone), self.end.astimezone(self.location.zone)
        return {"zip_code": self.location.zip_code, "start_date": f"{start:%Y-%m-%d}", "start_time": f"{start:%H:%M}",
                "end_date": f"{end:%Y-%m-%d}", "end_time": f"{end:%H:%M}", "vehicle_class": self.vehicle_class or ""}


@dataclass(frozen=True, slots=True)
class Offer:
    """A class the customer can book for the search's period, with the engine's quote."""

    vehicle_class: str
    class_name: str
    price: str
    lines: tuple[tuple[str, str], ...]
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Booking:
    """A reservation as the customer's pages show it."""

    reservation: Reservation
    class_name: str
    location: Location
    price: str

    @property
    def period(self) -> str:
        return period_text(self.reservation.start, self.reservation.end, self.location.zone)

    @property
    def live(self) -> bool:
        return self.reservation.status in ("pending", "confirmed")


class Storefront:
    """The web's service object: the search, the booking and the manage pages go through it alone.

    ``branch``: only that branch's location is offered (the command line's ``--branch``); else every
    branch of the database."""

    def __init__(self, service: ReservationService, *, branch: str | None = None) -> None:
        self.service = service
        self.branch = branch

    # -- the catalogue ---------------------------------------------------------------------------

    def locations(self) -> list[Location]:
        return list(self.service.db.kept(("web.locations", self.branch), self._read_locations))

    def _read_locations(self, s: Session) -> tuple[Location, ...]:
        q = select(Branch).order_by(Branch.name)
        if self.branch:
            q = q.where(Branch.code == self.branch)
        return tuple(Location(b.code, b.name, b.zip_code, ZoneInfo(b.time_zone)) for b in s.scalars(q))

    def class_names(self) -> dict[str, str]:
        """Class code -> the name the branch calls it ('VAN' -> 'Minivan'), cheapest first."""
        return dict(self.service.db.kept("web.class_names", _read_class_names))

    def location(self, zip_code: str) -> Location:
        offered = self.locations()
        for found in offered:
            if found.zip_code == zip_code.strip():
                return found
        if not zip_code.strip():
            raise InvalidInput("choose a pick-up location", field="zip_code")
        raise unknown_location(zip_code.strip(), (x.zip_code for x in offered))

    def _examples(self, zip_code: str) -> Mapping[str, tuple[str, ...]]:
        """Class -> up to three models of the location's cars in service (one query for all)."""
        return self.service.db.kept(("web.examples", zip_code), lambda s: _read_examples(s, zip_code))

    def currency(self, vehicle_class: str, zip_code: str) -> str:
        with self.service.db.session() as s:
            return plan_for(s, vehicle_class, zip_code).currency

    # -- the search ------------------------------------------------------------------------------

    def search(self, form: dict[str, str]) -> Search:
        """The search a form asks for: :class:`InvalidInput` naming the field (``zip_code``,
        ``start``, ``end``, ``vehicle_class``) when a value is missing or malformed."""
        location = self.location(form.get("zip_code", ""))
        start = _local_time(form.get("start_date", ""), form.get("start_time", ""), location.zone, "pick-up", "start")
        end = _local_time(form.get("end_date", ""), form.get("end_time", ""), location.zone, "return", "end")
        wanted = form.get("vehicle_class", "").strip()
        names = self.class_names()
        if wanted and wanted not in names:
            raise unknown_class(wanted, names)
        return Search(location, start, end, wanted or None)

    def offers(self, search: Search) -> list[Offer]:
        """The classes free for the search's period, cheapest first, each with the engine's quote
        (one engine read for all the location's classes: :meth:`ReservationService.offers_at`).
        A period the branch refuses raises the engine's :class:`InvalidPeriod`, and a class asked
        for that has no room the engine's :class:`NotAvailable` (their words)."""
        zip_code = search.location.zip_code
        quotes = self.service.offers_at(zip_code=zip_code, start=search.start, end=search.end,
                                        vehicle_class=search.vehicle_class)
        examples = self._examples(zip_code)
        wanted = search.vehicle_class
        if wanted and wanted in examples and wanted not in quotes:  # the counter's words for why not
            raise self.service.sold_out(vehicle_class=wanted, zip_code=zip_code, start=search.start, end=search.end)
        return [Offer(code, name, money_in(quotes[code].total, quotes[code].currency), _lines(quotes[code]),
                      examples.get(code, ()))
                for code, name in self.class_names().items() if code in quotes]

    # -- extras ---------------------------------------------------------------------------------

    def extras_offered(self, zip_code: str) -> tuple[CatalogueItem, ...]:
        """The branch's extras and cover, as the desk's picker lists them."""
        return self.service.extras_offered(zip_code)

    def chosen_extras(self, zip_code: str, form: Mapping[str, str]) -> tuple[ExtraChoice, ...]:
        """The extras the booking form asks for (``extra_<code>``: how many, 0 or empty for none),
        priced from the branch's catalogue now (:func:`rentaldesk.extras.choose`, the command line's
        rule); a quantity that is not one of the form's is refused (field ``extras``)."""
        picks: list[tuple[str, int]] = []
        for item in self.extras_offered(zip_code):
            raw = form.get(f"{EXTRA_FIELD}{item.code}", "").strip()
            if raw in ("", "0"):
                continue
            most = most_of(item)
            if not raw.isdigit() or not 1 <= int(raw) <= most:
                raise InvalidInput(f"{item.label}: choose {'it or not' if most == 1 else f'0 to {most}'}",
                                   field="extras")
            picks.append((item.code, int(raw)))
        if not picks:
            return ()
        with self.service.db.session() as s:
            return choose(s, zip_code, picks)

    def quote(self, search: Search, extras: tuple[ExtraChoice, ...]) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The price of the search's class with ``extras`` and its lines (the engine's quote)."""
        assert search.vehicle_class is not None
        charges = self.service.quote_charges(vehicle_class=search.vehicle_class, zip_code=search.location.zip_code,
                                             start=search.start, end=search.end, extras=extras)
        return money_in(charges.total, charges.currency), _lines(charges)

    def renter_rules(self, vehicle_class: str, zip_code: str) -> RenterRules:
        return self.service.renter_rules(vehicle_class=vehicle_class, zip_code=zip_code)

    # -- the booking -----------------------------------------------------------------------------

    def book(self, search: Search, form: dict[str, str]) -> Booking:
        """Book the search's class for its period with what the customer typed; the engine's
        refusals pass through (their ``field`` names the form's field)."""
        if search.vehicle_class is None:
            raise InvalidInput("choose a class of car", field="vehicle_class")
        today = self.service.clock().astimezone(search.location.zone).date()
        born = typed_date(form.get("date_of_birth", ""), today, field="date_of_birth")
        if born is None:
            raise InvalidInput("your date of birth is needed", field="date_of_birth")
        rules = self.renter_rules(search.vehicle_class, search.location.zip_code)
        licence_number: str | object = KEEP
        licence_expiry: date | None | object = KEEP
        if rules.licence_at_booking:
            licence_number = form.get("licence_number", "")
            licence_expiry = typed_date(form.get("licence_expiry", ""), today, field="licence_expiry")
        if form.get("terms") != "yes":
            raise InvalidInput("please read and accept the rental terms", field="terms")
        extras = self.chosen_extras(search.location.zip_code, form)
        record = CustomerEdit(date_of_birth=born, licence_number=licence_number,  # type: ignore[arg-type]
                              licence_expiry=licence_expiry)  # type: ignore[arg-type]
        r = self.service.create_reservation(
            email=form.get("email", ""), name=form.get("name", ""), phone=form.get("phone") or None,
            vehicle_class=search.vehicle_class, zip_code=search.location.zip_code, start=search.start,
            end=search.end, record=record, channel=CHANNEL_WEB, extras=extras,
        )
        return self.booking(r)

    def booking(self, r: Reservation) -> Booking:
        location = self.location(r.zip_code)
        currency = self.currency(r.vehicle_class, r.zip_code)
        return Booking(r, self.class_names().get(r.vehicle_class, r.vehicle_class), location,
                       money_in(r.price, currency))

    def find(self, reference: str, email: str) -> Booking | None:
        """The booking with that reference whose customer has that email; None when either is
        wrong (the same answer for both, so neither can be guessed one at a time)."""
        key = reference.strip().upper()
        if not key or len(key) > REFERENCE_LENGTH * 2:
            return None
        try:
            r = self.service.get_reservation(key)
            wanted = normalize_email(email)
        except (ReservationNotFound, InvalidInput):
            return None
        if r.reference != key or not hmac.compare_digest(r.customer_email.encode(), wanted.encode()):
            return None
        try:
            return self.booking(r)
        except InvalidInput:  # a branch this site does not offer (--branch)
            return None

    def get(self, reservation_id: str) -> Booking:
        return self.booking(self.service.get_reservation(reservation_id))

    def cancel(self, reservation_id: str) -> Booking:
        """Cancel with the branch's rule (:meth:`ReservationService.cancel_reservation`)."""
        return self.booking(self.service.cancel_reservation(reservation_id))

    def change(self, reservation_id: str, form: dict[str, str]) -> Booking:
        """A new period, re-checked by the engine; a new price is refused with
        :class:`rentaldesk.errors.PriceChanged` until the form sends it back as ``accept_price``."""
        current = self.get(reservation_id)
        zone = current.location.zone
        start = _local_time(form.get("start_date", ""), form.get("start_time", ""), zone, "pick-up", "start")
        end = _local_time(form.get("end_date", ""), form.get("end_time", ""), zone, "return", "end")
        accepted = form.get("accept_price", "").strip()
        price = parse_money(accepted, option="accept_price") if accepted else None
        r = self.service.update_reservation(
            reservation_id, start=None if start == current.reservation.start else start,
            end=None if end == current.reservation.end else end, accept_price=price)
        return self.booking(r)


# The catalogue's reads, kept by :meth:`rentaldesk.db.Database.kept` until the database changes
# (what they return is shared by every request: the methods above hand out copies).

def _read_class_names(s: Session) -> tuple[tuple[str, str], ...]:
    return tuple((code, name) for code, name in
                 s.execute(select(VehicleClass.code, VehicleClass.name).order_by(VehicleClass.day_rate)))


def _read_examples(s: Session, zip_code: str) -> Mapping[str, tuple[str, ...]]:
    rows = s.execute(select(Car.vehicle_class, Car.model).distinct().where(
        Car.zip_code == zip_code, Car.status == CarStatus.AVAILABLE.value).order_by(Car.vehicle_class, Car.model))
    found: dict[str, list[str]] = {}
    for vehicle_class, model in rows:
        models = found.setdefault(vehicle_class, [])
        if len(models) < 3:
            models.append(model)
    return MappingProxyType({code: tuple(models) for code, models in found.items()})


#: The booking form's field of an extra: ``extra_<code>``, how many.
EXTRA_FIELD = "extra_"
#: The most units of one extra the web books (more: call the branch); cover and an additional
#: driver come once.
MOST_PER_EXTRA = 3


def most_of(item: CatalogueItem) -> int:
    """How many of ``item`` the booking form offers."""
    if item.kind != "extra":
        return 1
    return max(1, min(MOST_PER_EXTRA, item.stock if item.stock is not None else MOST_PER_EXTRA))


def _lines(charges: Charges) -> tuple[tuple[str, str], ...]:
    return tuple((line.label, money_in(line.amount, charges.currency)) for line in charges.lines)


def _local_time(day: str, clock: str, zone: tzinfo, what: str, field: str) -> datetime:
    """A date and a time typed at the branch (``2030-03-05``, ``09:00``), as aware UTC; the
    messages name ``what`` and the error names ``field``."""
    day, clock = day.strip(), clock.strip()
    if not day:
        raise InvalidPeriod(f"the {what} date is needed", field=field)
    if not clock:
        raise InvalidPeriod(f"the {what} time is needed", field=field)
    try:
        date.fromisoformat(day)
    except ValueError:
        raise InvalidPeriod(f"the {what} date {shown(day)} is not a date (e.g. 2030-03-05)", field=field) from None
    try:
        time.fromisoformat(clock)
    except ValueError:
        raise InvalidPeriod(f"the {what} time {shown(clock)} is not a time (e.g. 09:30)", field=field) from None
    try:
        return parse_time(f"{day}T{clock}", zone, option=f"the {what}")
    except InvalidInput as exc:
        raise InvalidPeriod(exc.message, field=field) from None
