"""The fleet and its files: import of cars, drivers, branches and vehicle classes from CSV.

Every row of a file is checked before anything is written; a file with a bad row raises
:class:`FleetFileError` listing each bad field by line, and nothing from it is saved. Importing a
plate (or a driver's licence number, a branch's zip code, a class code) that exists updates it.
"""

from __future__ import annotations

import csv
import tomllib
import difflib
import io
import logging
import re
import statistics
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from .permissions import Permission, require
from . import text
from .db import Database
from .display import count as counted
from .display import whole_number
from .errors import FleetFileError, InvalidInput
from .models import LARGEST_MONEY, Branch, Car, CarStatus, Driver, DriverStatus, Meta, VehicleClass
from .rates_file import check_rates, save_rates
from .reservations import Lock, rehouse, utc_now
from .renters import add_sample_rules
from .rules import LARGEST_ODOMETER, normalize_plate

if TYPE_CHECKING:
    from .sync.events import CarState

log = logging.getLogger("rentaldesk.fleet")

FLEET_COLUMNS = ("plate_number", "model", "year", "color", "transmission", "cost_per_day", "vehicle_class", "zip_code")
TRANSMISSIONS = ("automatic", "manual")
DEFAULT_TIME_ZONE = "UTC"


# -- parsing one field ---------------------------------------------------------------------------
#
# Every message is said as a clerk reads it, naming the field as the car dialog does ("the day
# rate is empty; type an amount such as 49.00"): the file report, the car dialog, head office and
# the command line all show these same words. What was typed is echoed by ``text.shown`` (escaped
# and cut short), so a message never carries a control character or a 100,000-character value.

class _Bad(ValueError):
    """A field's value is wrong; the message says how, whole ("the year 'x' is not a whole number")."""


@dataclass(frozen=True)
class _Column:
    name: str
    #: what a clerk calls it ("day rate"), and what to type ("an amount such as 49.00")
    label: str
    example: str
    #: the value of the stripped, non-blank text, or :class:`_Bad`; given the column for its words
    parse: Callable[[str, _Column], Any]
    required: bool = True


def _free_text(kind: text.TextKind) -> Callable[[str, _Column], str]:
    def parse(raw: str, _column: _Column) -> str:
        try:
            return text.clean(raw, kind)
        except text.TextRefused as exc:
            raise _Bad(str(exc)) from None

    return parse


def _pattern(regex: str, rule: str, max_len: int, transform: Callable[[str], str] = str) -> Callable[[str, _Column], str]:
    compiled = re.compile(regex)

    def parse(raw: str, column: _Column) -> str:
        if len(raw) > max_len:
            raise _Bad(f"the {column.label} is {len(raw):,} characters long; {rule}")
        value = transform(raw)
        if not compiled.fullmatch(value):
            raise _Bad(f"the {column.label} {text.shown(raw)} is not valid; {rule}")
        return value

    return parse


def _integer(low: int, high: int, *, words: tuple[str, str] = ("below", "above"), sep: str = ",") -> Callable[[str, _Column], int]:
    def parse(raw: str, column: _Column) -> int:
        value = whole_number(raw, least=low, most=high)  # the one grammar (the command line's, the desk's)
        if value is None:
            raise _Bad(f"the {column.label} {text.shown(raw)} is not a whole number; type {column.example}")
        if not low <= value <= high:
            side, bound = (words[0], low) if value < low else (words[1], high)
            said = f"{int(raw):{sep}}" if len(raw) <= 20 else text.shown(raw.strip())
            raise _Bad(f"{column.label} {said} is {side} {bound:{sep}}; "
                       f"the {column.label} must be between {low:{sep}} and {high:{sep}}")
        return value

    return parse


#: The largest amount (a day rate is NUMERIC(10, 2) in the database).
MAX_AMOUNT = LARGEST_MONEY
_AMOUNT = re.compile(r"(-?)([0-9]*)(?:\.([0-9]*))?")


def _money(raw: str, column: _Column) -> Decimal:
    """An amount as a clerk types it: digits with at most 2 decimals (``49``, ``49.5``, ``49.00``);
    never an exponent, so ``1e308`` is refused in words, not by the decimal module."""
    match = _AMOUNT.fullmatch(raw)
    if match is None or not (match.group(2) or match.group(3)):
        raise _Bad(f"the {column.label} {text.shown(raw)} is not an amount; type {column.example}")
    sign, whole, cents = match.group(1), match.group(2).lstrip("0"), (match.group(3) or "").rstrip("0")
    if len(cents) > 2:
        raise _Bad(f"the {column.label} {text.shown(raw)} has more than 2 decimals; type {column.example}")
    if len(whole) > len(str(int(MAX_AMOUNT))):
        raise _Bad(f"the {column.label} {text.shown(raw)} is too large; the most is {MAX_AMOUNT:,}")
    value = Decimal(f"{sign}{whole or '0'}.{cents or '0'}").quantize(Decimal("0.01"))
    if value <= 0:
        raise _Bad(f"the {column.label} {raw} must be more than 0; type {column.example}")
    return value


def _money_or_zero(raw: str, column: _Column) -> Decimal:
    """An amount as :func:`_money` reads it, or 0 (a fee a branch does not charge)."""
    if re.fullmatch(r"0+(\.0{0,2})?", raw):
        return Decimal("0.00")
    return _money(raw, column)


def _choice(options: tuple[str, ...]) -> Callable[[str, _Column], str]:
    def parse(raw: str, column: _Column) -> str:
        value = raw.lower()
        if value not in options:
            raise _Bad(f"the {column.label} {text.shown(raw)} is not one of: {', '.join(options)}")
        return value

    return parse


def _time_zone(raw: str, column: _Column) -> str:
    try:
        if not re.fullmatch(r"[A-Za-z0-9_+/-]{1,64}", raw):
            raise ValueError(raw)
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Bad(f"the {column.label} {text.shown(raw)} is not an IANA time zone; type {column.example}") from None
    return raw


_plate = _pattern(r"[A-Z0-9]{1,16}", "a plate is up to 16 letters and digits (spaces and dashes are ignored)",
                  32, normalize_plate)
_class_code = _pattern(r"[A-Z][A-Z0-9_]{0,31}", "a class code is a letter, then up to 31 letters, digits or _",
                       32, str.upper)
_zip = _pattern(r"[A-Za-z0-9][A-Za-z0-9 -]{1,14}", "a zip code is 2 to 15 letters, digits, spaces or dashes", 16)
_branch_code = _pattern(text.BRANCH_CODE.pattern, text.BRANCH_CODE_RULE, 16, str.upper)  # the one rule (text.branch_code)
_licence = _pattern(r"[A-Z0-9][A-Z0-9 -]{2,31}", "a licence number is 3 to 32 letters, digits, spaces or dashes",
                    32, str.upper)
_AN_AMOUNT = "an amount such as 49.00"
_A_ZIP = "a zip code such as 02108"
_STATES = (tuple(s.value for s in CarStatus), tuple(s.value for s in DriverStatus))

FLEET_SPEC = (
    _Column("plate_number", "plate", "a plate number such as AB-123", _plate),
    _Column("model", "model", "the model, such as Toyota Corolla", _free_text(text.MODEL)),
    _Column("year", "year", "a year such as 2024",
            _integer(1950, date.today().year + 1, words=("before", "after"), sep="")),
    _Column("color", "colour", "a colour such as Blue", _free_text(text.COLOUR)),
    _Column("transmission", "gearbox", "automatic or manual", _choice(TRANSMISSIONS)),
    _Column("cost_per_day", "day rate", _AN_AMOUNT, _money),
    _Column("vehicle_class", "class", "a vehicle class such as SUV", _class_code),
    _Column("zip_code", "zip code", _A_ZIP, _zip),
    _Column("status", "status", " or ".join(_STATES[0]), _choice(_STATES[0]), required=False),
    _Column("odometer", "odometer", "a reading (in the branch's unit) such as 12000", _integer(0, LARGEST_ODOMETER), required=False),
    _Column("driver_licence", "driver's licence", "a driver's licence number", _licence, required=False),
)
DRIVER_SPEC = (
    _Column("name", "name", "the driver's name", _free_text(text.NAME)),
    _Column("licence_number", "licence number", "a licence number such as D123-456", _licence),
    _Column("phone", "phone", "a phone number such as +1 617 555 0142", _free_text(text.PHONE), required=False),
    _Column("status", "status", " or ".join(_STATES[1]), _choice(_STATES[1]), required=False),
    # required: a chauffeur is priced by it, so an empty one is an error on its line, never $0
    _Column("day_rate", "day rate", _AN_AMOUNT, _money),
    _Column("zip_code", "zip code", _A_ZIP, _zip, required=False),
)
BRANCH_SPEC = (
    _Column("code", "branch code", "a branch code such as BOS-DT", _branch_code),
    _Column("name", "branch name", "the branch's name", _free_text(text.BRANCH_NAME)),
    _Column("zip_code", "zip code", _A_ZIP, _zip),
    _Column("time_zone", "time zone", "a time zone such as Europe/Berlin", _time_zone),
    _Column("lead_time_minutes", "lead time", "minutes such as 120", _integer(0, 60 * 24 * 30), required=False),
    _Column("min_rental_minutes", "minimum rental", "minutes such as 1440", _integer(1, 60 * 24 * 365), required=False),
    _Column("turnaround_minutes", "turnaround", "minutes such as 30", _integer(0, 60 * 24 * 7), required=False),
    _Column("max_rental_minutes", "longest rental", "minutes such as 129600", _integer(1, 60 * 24 * 365 * 2),
            required=False),
    _Column("horizon_days", "booking horizon", "days such as 730", _integer(1, 3650), required=False),
    _Column("distance_unit", "distance unit", "km or mi", _choice(("km", "mi")), required=False),
    # issue 11, manifest: a pick-up this late may be marked a no-show, and what that costs (rentaldesk.no_show)
    _Column("no_show_grace_minutes", "no-show grace", "minutes such as 120", _integer(0, 60 * 24), required=False),
    _Column("no_show_fee", "no-show fee", "an amount such as 50.00, or 0", _money_or_zero, required=False),
    # issue 13: the desk locks after this many idle minutes (rentaldesk.gui.sign_in)
    _Column("lock_after_minutes", "lock after", "minutes such as 5", _integer(1, 240), required=False),
)
CLASS_SPEC = (
    _Column("code", "class", "a class code such as SUV", _class_code),
    _Column("name", "class name", "the class's name, such as Compact SUV", _free_text(text.CLASS_NAME)),
    _Column("day_rate", "day rate", _AN_AMOUNT, _money),
)


# -- reading a whole file ------------------------------------------------------------------------

Problem = tuple[int, str | None, str]


def _parse_fields(
    spec: tuple[_Column, ...], raw: Mapping[str, str], line: int, problems: list[Problem]
) -> dict[str, Any]:
    """The parsed values of the columns of ``spec`` present in ``raw``; each bad field is added to
    ``problems`` as ``(line, column, message)``. A blank optional field is left out."""
    values: dict[str, Any] = {}
    for column in spec:
        if column.name not in raw:
            continue
        stripped = raw[column.name].strip()
        try:
            if not stripped:
                if column.required:
                    raise _Bad(f"the {column.label} is empty; type {column.example}")
                continue
            values[column.name] = column.parse(stripped, column)
        except _Bad as exc:
            problems.append((line, column.name, str(exc)))
    return values


def _unknown_column(name: str, spec: tuple[_Column, ...], what: str, position: int = 0) -> str:
    """The words for a column a file (its ``position``, from 1) or a caller names that ``spec``
    does not know: a misspelt column is never ignored (a car meant to be retired would come in
    available)."""
    known = [c.name for c in spec]
    if not name:
        return f"column {position} has no name in the header; name it ({', '.join(known)}) or remove it"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"column {text.shown(name)} is not a column of {what}{hint}; the columns are {', '.join(known)}"


def validate_car(values: Mapping[str, object], *, source: str = "car") -> dict[str, Any]:
    """One car's fields checked by the rules of a fleet file row; the parsed values.

    ``values`` maps fleet columns (see :data:`FLEET_SPEC`) to what a user typed (anything whose
    ``str()`` is the text; ``None`` counts as blank). A required column missing or blank, a name
    that is not a fleet column, or any bad field, raises :class:`FleetFileError` listing every
    problem as ``(0, column, message)``.
    """
    raw = {name: "" if value is None else str(value) for name, value in values.items()}
    known = {c.name for c in FLEET_SPEC}
    problems: list[Problem] = [(0, name, _unknown_column(name, FLEET_SPEC, "a car")) for name in raw if name not in known]
    for column in FLEET_SPEC:
        if column.required and column.name not in raw:
            raw[column.name] = ""
    parsed = _parse_fields(FLEET_SPEC, raw, 0, problems)
    if problems:
        raise FleetFileError(source, problems)
    return parsed


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, Any]


def _read(
    source: str | Path | Traversable, spec: tuple[_Column, ...], key: str, what: str, check: _NewNames | None = None
) -> list[_Row]:
    """Parse every row of a ``what`` ("a fleet file"); raise FleetFileError listing every bad field,
    every column the spec does not know, repeated keys, and what ``check`` finds in each row (the
    classes and locations it names). A row's line is the one it starts on."""
    name = str(source)
    try:
        readable = source if isinstance(source, Traversable) else Path(source)
        content = readable.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise FleetFileError(name, [(0, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise FleetFileError(name, [(0, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise FleetFileError(name, [(0, None, f"cannot be read: {exc.strerror}")]) from None
    reader = csv.reader(io.StringIO(content, newline=""))
    problems: list[Problem] = []
    records = _records(reader, problems)
    first = next(records, None)
    if first is None or problems:
        raise FleetFileError(name, problems or [(1, None, "the file is empty; it needs a header line")])
    header = [h.strip().lower() for h in first[1]]
    known = {c.name for c in spec}
    problems += [(1, text.printable(h)[:40] or None, _unknown_column(h, spec, what, i))
                 for i, h in enumerate(header, 1) if h not in known]
    missing = [c.name for c in spec if c.required and c.name not in header]
    if missing:
        problems.append((1, None, f"the header lacks {', '.join(missing)} (expected: {', '.join(c.name for c in spec if c.required)})"))
    duplicated = sorted({h for h in header if header.count(h) > 1 and h in known})
    if duplicated:
        problems.append((1, None, f"the header repeats {', '.join(duplicated)}"))
    if problems:
        raise FleetFileError(name, problems)
    index = {h: i for i, h in enumerate(header)}
    rows: list[_Row] = []
    first_line_of: dict[Any, int] = {}
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            problems.append((line, None, _column_count(len(header), len(record))))
            continue
        raw = {h: record[i] for h, i in index.items()}
        values = _parse_fields(spec, raw, line, problems)
        if check is not None:
            problems += check(line, values, raw)
        if key in values:
            if values[key] in first_line_of:
                problems.append((line, key, f"{values[key]} is already on line {first_line_of[values[key]]}"))
            else:
                first_line_of[values[key]] = line
        rows.append(_Row(line, values))
    if not rows and not problems:
        problems.append((2, None, "the file has a header but no rows"))
    if problems:
        raise check.refuse(name, problems) if check is not None else FleetFileError(name, problems)
    return rows


def _column_count(expected: int, found: int) -> str:
    """A row with more or fewer values than the header names columns, in a clerk's words."""
    return (f"this line has {counted(found, 'value')} where the header line names {counted(expected, 'column')}: "
            f"{'a comma too many' if found > expected else 'a value or a comma missing'}? "
            "(a value that holds a comma goes in double quotes)")


def _records(reader: Any, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """The CSV records with the line each starts on; a record the csv module cannot read (a field
    over its limit of 131,072 characters: an unclosed quote, most often) is a problem on its line."""
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append((line, None, f"a field on this line is longer than {csv.field_size_limit():,} characters "
                                         "(a quote left open?); no field may be that long" if "field limit" in str(exc)
                             else f"this line cannot be read as CSV ({exc})"))
            continue
        yield line, record


# -- writing -------------------------------------------------------------------------------------

def _ensure_branch(s: Session, zip_code: str, cache: dict[str, Branch]) -> Branch:
    branch = cache.get(zip_code) or s.scalar(select(Branch).where(Branch.zip_code == zip_code))
    if branch is None:
        code = _free_location_code(s, zip_code)
        branch = Branch(code=code, name=f"Location {zip_code}", zip_code=zip_code, time_zone=DEFAULT_TIME_ZONE,
                        lead_time_minutes=120, min_rental_minutes=24 * 60, turnaround_minutes=0)
        s.add(branch)
        s.flush()
        log.info("new location %s for zip code %s", code, zip_code)
    cache[zip_code] = branch
    return branch


def _free_location_code(s: Session, zip_code: str) -> str:
    """A branch code for a new location: ``Z`` and its zip code, made unique with ``-2``, ``-3``...
    (zip codes that differ only in case or in what a code cannot hold get distinct codes)."""
    base = re.sub(r"[^A-Z0-9_-]", "", f"Z{zip_code}".upper())[:16]
    taken = set(s.scalars(select(Branch.code)))
    if base not in taken:
        return base
    for n in range(2, len(taken) + 3):  # one of these is free: there are only len(taken) codes
        suffix = f"-{n}"
        code = base[: 16 - len(suffix)] + suffix
        if code not in taken:
            return code
    raise AssertionError("unreachable: more candidate codes than branches")


class FleetLink(Protocol):
    """Sends a checked car change to head office, in the caller's transaction."""

    def car_change_requested(self, s: Session, car: CarState, now: datetime) -> None: ...


def car_state(s: Session, fields: Mapping[str, Any]) -> CarState:
    """A car's fields as the fleet topic carries them (driver by licence number)."""
    from .sync.events import CarState
    from .sync.state import car_record

    driver_id = fields.get("driver_id")
    licences: dict[int, str] = {}
    if driver_id is not None:
        licence = s.scalar(select(Driver.licence_number).where(Driver.id == driver_id))
        if licence is not None:
            licences[driver_id] = licence
    return car_record(Car(**dict(fields)), licences, CarState)


@dataclass(frozen=True, slots=True)
class CarWrite:
    """What :func:`put_car` did: the car's id, whether it is new, the reservations moved off it to
    other cars of its pool (id -> car id), and those left on it while it is in maintenance: they
    need a car (their references)."""

    car_id: int
    created: bool
    moved: dict[str, int]
    needs_car: tuple[str, ...] = ()


def _no_lock(_s: Session, _zip_code: str) -> None:
    return None


def put_car(
    s: Session,
    fields: Mapping[str, Any],
    now: datetime,
    *,
    car_id: int | None = None,
    lock: Callable[[Session, str], None] = _no_lock,
    fact: bool = False,
) -> CarWrite:
    """Add or change one car: the one write path of the fleet, whatever the change comes from (a
    fleet file, the sample data, the car dialog, a branch's request at head office, head office's
    fleet topic at a branch).

    ``fields`` are a fleet row's parsed values (see :func:`validate_car`), with ``driver_id``
    optionally. The car is the one of ``car_id``, else the one with that plate, else a new one.
    The rules:

    - plates are compared normalised (:func:`normalize_plate`) and stay unique;
    - the class, the location and the driver must exist; the odometer never goes back;
    - a car leaving its pool (class or location) or going out of service first has its movable
      reservations re-placed on other cars of the pool (see :func:`~rentaldesk.reservations.rehouse`).
      What cannot move (pinned, picked up, or no room) refuses a class, location or ``retired``
      change, naming the reservations; a change to ``maintenance`` (a car broke down: a fact) is
      taken, and those reservations need a car (:attr:`CarWrite.needs_car`).

    ``fact``: head office's state of the car applied at a branch, taken as it is (head office
    applied the rules; the moves it made arrive as their own events). ``lock`` serialises the
    pool's decisions (``Database.lock_pool``). Raises :class:`InvalidInput` naming the field.
    """
    require(Permission.EDIT_FLEET, s)
    fields = {**fields, "plate_number": normalize_plate(fields["plate_number"])}
    plate = fields["plate_number"]
    _check_references(s, fields)
    by_plate = s.scalar(select(Car).where(Car.plate_number == plate))
    car = by_plate
    if car_id is not None:
        car = s.get(Car, car_id)
        if car is None:
            raise InvalidInput(f"no car with id {car_id}", field="car_id")
        if by_plate is not None and by_plate is not car:
            raise InvalidInput(f"plate {plate} belongs to another car", field="plate_number")
    if car is None:
        fields.setdefault("status", CarStatus.AVAILABLE.value)
        fields.setdefault("odometer", 0)
        car = Car(**fields)
        s.add(car)
        s.flush()
        return CarWrite(car.car_id, True, {})
    if fields.get("odometer", car.odometer) < car.odometer:
        if not fact:
            raise InvalidInput(f"odometer {fields['odometer']} of {plate} is below the recorded {car.odometer}",
                               field="odometer")
        # head office's copy can predate this branch's own last reading (a check-in head office has
        # not heard of yet): the odometer still never goes back (car_record.note_reading's rule)
        fields["odometer"] = car.odometer
    leaving = [name for name in ("vehicle_class", "zip_code") if fields.get(name, getattr(car, name)) != getattr(car, name)]
    status = fields.get("status", car.status)
    moved: dict[str, int] = {}
    needs_car: tuple[str, ...] = ()
    if not fact and (leaving or status != CarStatus.AVAILABLE.value):
        rehoused = rehouse(s, lock, now, car)
        moved = rehoused.moved
        if rehoused.stuck and (leaving or status != CarStatus.MAINTENANCE.value):
            field = leaving[0] if leaving else "status"
            change = {"vehicle_class": f"become {fields['vehicle_class']}",
                      "zip_code": f"move to {fields['zip_code']}",
                      "status": f"be {status}"}[field]
            refs = ", ".join(rehoused.stuck[:5]) + (f" and {len(rehoused.stuck) - 5} more" if len(rehoused.stuck) > 5 else "")
            raise InvalidInput(
                f"{plate} cannot {change}: reservation{'s' if len(rehoused.stuck) > 1 else ''} {refs} "
                f"cannot move to another {car.vehicle_class} car at {car.zip_code} (asked for by car, picked up, "
                "or no room); cancel or change them first",
                field=field,
            )
        needs_car = rehoused.stuck
        if needs_car:
            log.warning("car %s in maintenance: reservations %s need a car", plate, ", ".join(needs_car))
    for name, value in fields.items():
        setattr(car, name, value)
    s.flush()
    return CarWrite(car.car_id, False, moved, needs_car)


def _check_references(s: Session, fields: Mapping[str, Any]) -> None:
    if s.get(VehicleClass, fields["vehicle_class"]) is None:
        raise InvalidInput(f"unknown vehicle class {fields['vehicle_class']}", field="vehicle_class")
    if s.scalar(select(Branch.id).where(Branch.zip_code == fields["zip_code"])) is None:
        raise InvalidInput(f"unknown location {fields['zip_code']}", field="zip_code")
    driver_id = fields.get("driver_id")
    if driver_id is not None and s.get(Driver, driver_id) is None:
        raise InvalidInput(f"no driver with id {driver_id}", field="driver_id")


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did: how many rows it added or updated (for a branch of a network: sent to
    head office), and the vehicle classes and locations (zip codes) it added, which a file brings
    only when they are allowed (``allow_new``)."""

    count: int
    new_classes: tuple[str, ...] = ()
    new_locations: tuple[str, ...] = ()

    @property
    def news(self) -> str:
        """The added classes and locations in words (``"new class TRUCK; new location at zip 021"``),
        or ``""``."""
        parts = []
        if self.new_classes:
            parts.append(f"new class{'es' if len(self.new_classes) > 1 else ''} {', '.join(self.new_classes)}")
        if self.new_locations:
            parts.append(f"new location{'s' if len(self.new_locations) > 1 else ''} at zip "
                         f"{', '.join(self.new_locations)}")
        return "; ".join(parts)


class NewInFile(FleetFileError):
    """A file refused (perhaps among other problems) for bringing vehicle classes or locations the
    database lacks; ``new`` names them. Importing it again allowing new ones adds them."""

    def __init__(self, path: str, problems: list[Problem], new: tuple[str, ...]) -> None:
        super().__init__(path, problems)
        self.new = new


class _NewNames:
    """The check of the classes and locations a file names, per row: one the database lacks is a
    problem on its line and field, unless new ones are allowed; then it is noted, and made."""

    def __init__(self, s: Session, columns: tuple[str, ...], allowed: bool) -> None:
        self.columns = columns
        self.allowed = allowed
        self.known = {
            "vehicle_class": set(s.scalars(select(VehicleClass.code))) if "vehicle_class" in columns else set(),
            "zip_code": set(s.scalars(select(Branch.zip_code))) if "zip_code" in columns else set(),
        }
        self.new: dict[str, dict[str, None]] = {"vehicle_class": {}, "zip_code": {}}

    def __call__(self, line: int, values: Mapping[str, Any], raw: Mapping[str, str]) -> list[Problem]:
        """The problems of one row: ``values`` parsed, ``raw`` as the file holds them (quoted in the
        words as typed: 'truck', not the code TRUCK it would become)."""
        problems: list[Problem] = []
        for column in self.columns:
            value = values.get(column)
            if value is None or value in self.known[column]:
                continue
            self.new[column][value] = None
            if not self.allowed:
                problems.append((line, column, self._words(column, raw.get(column, value).strip())))
        return problems

    def _words(self, column: str, value: str) -> str:
        known = sorted(self.known[column])
        listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        if column == "vehicle_class":
            return f"{text.typed(value)} is not a known class ({listed or 'none yet'}); fix the typo or allow new classes"
        return f"zip code {text.typed(value)} is not a known location ({listed or 'none yet'}); fix the typo or allow new locations"

    def refuse(self, path: str, problems: list[Problem]) -> FleetFileError:
        """The error for a file with ``problems``: a :class:`NewInFile` when new names are among them."""
        new = () if self.allowed else self.names()
        return NewInFile(path, problems, new) if new else FleetFileError(path, problems)

    def names(self) -> tuple[str, ...]:
        return (*(f"class {c}" for c in self.new["vehicle_class"]), *(f"location at zip {z}" for z in self.new["zip_code"]))

    def imported(self, count: int) -> Imported:
        return Imported(count, tuple(self.new["vehicle_class"]), tuple(self.new["zip_code"]))


def _import_fleet_rows(s: Session, rows: list[_Row], source: str, now: datetime, lock: Lock) -> int:
    """Upsert cars by plate through :func:`put_car`; the classes and zip codes :class:`_NewNames`
    let through are created. Raises FleetFileError for every row the rules refuse (an unknown
    driver licence, a held car that cannot leave its pool)."""
    class_rates: dict[str, list[Decimal]] = {}
    for row in rows:
        class_rates.setdefault(row.values["vehicle_class"], []).append(row.values["cost_per_day"])
    for code, rates in class_rates.items():
        if s.get(VehicleClass, code) is None:
            s.add(VehicleClass(code=code, name=code.title(), day_rate=Decimal(statistics.median(rates)).quantize(Decimal("0.01"))))
            log.info("new vehicle class %s", code)
    s.flush()  # the classes must exist before cars refer to them
    problems: list[Problem] = []
    drivers = {licence: id_ for licence, id_ in s.execute(select(Driver.licence_number, Driver.id))}
    branches: dict[str, Branch] = {}
    for row in rows:
        v = dict(row.values)
        licence = v.pop("driver_licence", None)
        if licence is not None:
            if licence not in drivers:
                problems.append((row.line, "driver_licence", f"no driver with licence {licence}"))
                continue
            v["driver_id"] = drivers[licence]
        _ensure_branch(s, v["zip_code"], branches)
        try:
            put_car(s, v, now, lock=lock)
        except InvalidInput as exc:
            problems.append((row.line, exc.field, exc.message))
    if problems:
        raise FleetFileError(source, problems)
    return len(rows)


def _import_driver_rows(s: Session, rows: list[_Row], source: str, _now: datetime, _lock: Lock) -> int:
    branches: dict[str, Branch] = {}
    existing = {d.licence_number: d for d in s.scalars(select(Driver))}
    for row in rows:
        v = dict(row.values)
        if "zip_code" in v:
            _ensure_branch(s, v["zip_code"], branches)
        driver = existing.get(v["licence_number"])
        if driver is None:
            v.setdefault("status", DriverStatus.ACTIVE.value)
            v.setdefault("day_rate", Decimal("0.00"))
            v.setdefault("phone", "")
            s.add(Driver(**v))
        else:
            for name, value in v.items():
                setattr(driver, name, value)
    s.flush()
    return len(rows)


def _import_branch_rows(s: Session, rows: list[_Row], source: str, _now: datetime, _lock: Lock) -> int:
    problems = []
    for row in rows:
        v = row.values
        branch = s.scalar(select(Branch).where(Branch.zip_code == v["zip_code"]))
        clash = s.scalar(select(Branch).where(Branch.code == v["code"]))
        if clash is not None and clash is not branch:
            problems.append((row.line, "code", f"code {v['code']} already belongs to zip code {clash.zip_code}"))
            continue
        if branch is None:
            branch = Branch(lead_time_minutes=120, min_rental_minutes=24 * 60, turnaround_minutes=0)
            s.add(branch)
        for name, value in v.items():
            setattr(branch, name, value)
        s.flush()
    if problems:
        raise FleetFileError(source, problems)
    return len(rows)


def _import_class_rows(s: Session, rows: list[_Row], source: str, _now: datetime, _lock: Lock) -> int:
    for row in rows:
        v = row.values
        vclass = s.get(VehicleClass, v["code"])
        if vclass is None:
            s.add(VehicleClass(**v))
        else:
            vclass.name, vclass.day_rate = v["name"], v["day_rate"]
    s.flush()
    return len(rows)


#: Each kind of file: its columns, the column that names a row, what it is called, the columns
#: naming classes and locations that must exist unless new ones are allowed, and its writer.
_KINDS = {
    "fleet": (FLEET_SPEC, "plate_number", "a fleet file", ("vehicle_class", "zip_code"), _import_fleet_rows),
    "drivers": (DRIVER_SPEC, "licence_number", "a drivers file", ("zip_code",), _import_driver_rows),
    "branches": (BRANCH_SPEC, "zip_code", "a branches file", (), _import_branch_rows),
    "classes": (CLASS_SPEC, "code", "a vehicle classes file", (), _import_class_rows),
}


def _checked_rows(s: Session, kind: str, source: str | Path | Traversable, allow_new: bool) -> tuple[list[_Row], _NewNames]:
    spec, key, what, names, _write = _KINDS[kind]
    check = _NewNames(s, names, allow_new)
    return _read(source, spec, key, what, check), check


def _import(s: Session, kind: str, source: str | Path | Traversable, lock: Lock, *, allow_new: bool = False) -> Imported:
    rows, check = _checked_rows(s, kind, source, allow_new)
    count = _KINDS[kind][-1](s, rows, str(source), utc_now(), lock)
    done = check.imported(count)
    log.info("imported %d %s rows from %s%s", count, kind, source, f" ({done.news})" if done.news else "")
    return done


def import_fleet(db: Database, path: str | Path, *, link: FleetLink | None = None, allow_new: bool = False) -> Imported:
    """Import cars from a fleet CSV: the number of cars imported (added or updated), and the
    classes and locations added.

    A class or a zip code the database lacks is a problem on its line (a typo must not create
    data) unless ``allow_new``: then it is added (a class at the median of its cars' day rates, a
    location with the default rules). At a branch of a network (``link``) head office owns the
    fleet: the file is checked and tried here by the same rules, undone, and each car travels to
    head office as a change request (the number of cars sent); the cars come back on the fleet
    topic once head office applied them.
    """
    require(Permission.IMPORT_FLEET, db)
    with db.write() as s:
        if link is None:
            return _import(s, "fleet", path, db.lock_pool, allow_new=allow_new)
        now = utc_now()
        rows, check = _checked_rows(s, "fleet", path, allow_new)
        with s.begin_nested() as trial:
            _import_fleet_rows(s, rows, str(path), now, db.lock_pool)
            cars = s.scalars(select(Car).where(Car.plate_number.in_([r.values["plate_number"] for r in rows])))
            states = [car_state(s, {c.key: getattr(car, c.key) for c in Car.__table__.columns if c.key != "car_id"})
                      for car in cars]
            trial.rollback()
        for state in states:
            link.car_change_requested(s, state, now)
        log.info("%d car(s) of %s sent to head office", len(states), path)
        return check.imported(len(states))


def import_drivers(db: Database, path: str | Path, *, allow_new: bool = False) -> Imported:
    """Import drivers from CSV (name, licence_number, day_rate[, phone, status, zip_code]); a zip
    code the database lacks is a problem on its line unless ``allow_new``; an empty day rate is a
    problem on its line (a driver is never priced at $0 by a blank)."""
    require(Permission.MANAGE_DRIVERS, db)
    with db.write() as s:
        return _import(s, "drivers", path, db.lock_pool, allow_new=allow_new)


def set_branch(db: Database, zip_code: str, **settings: str) -> dict[str, Any]:
    """Set settings of the branch at ``zip_code`` (admin), each named and read as its column of the
    branches file (:data:`BRANCH_SPEC`: the same grammar and bounds, e.g. ``lock_after_minutes``
    1 to 240); the values set, by name. A bad value or an unknown branch is one
    :class:`InvalidInput` naming it, and nothing is set."""
    require(Permission.MANAGE_BRANCHES, db)
    columns = {c.name: c for c in BRANCH_SPEC if not c.required}
    values: dict[str, Any] = {}
    for name, raw in settings.items():
        column = columns.get(name)
        if column is None:
            raise InvalidInput(f"{name} is not a branch setting; one of: {', '.join(columns)}", field=name)
        try:
            values[name] = column.parse(raw.strip(), column)
        except _Bad as exc:
            raise InvalidInput(str(exc), field=name) from None
    if not values:
        raise InvalidInput("nothing to set: give a setting", field="settings")
    with db.write() as s:
        branch = s.scalar(select(Branch).where(Branch.zip_code == zip_code.strip()))
        if branch is None:
            raise InvalidInput(f"Branch {text.shown(zip_code.strip())} is not known here.", field="zip")
        for name, value in values.items():
            setattr(branch, name, value)
    return values


def import_branches(db: Database, path: str | Path) -> Imported:
    """Import branches from CSV (code, name, zip_code, time_zone[, the rule columns, distance_unit])."""
    require(Permission.MANAGE_BRANCHES, db)
    with db.write() as s:
        return _import(s, "branches", path, db.lock_pool)


# -- the sample data shipped in resources/ -------------------------------------------------------

SAMPLE_FILES = (
    ("branches", "branches.csv"),
    ("classes", "vehicle_classes.csv"),
    ("drivers", "sample_drivers.csv"),
    ("fleet", "sample_fleet.csv"),
)
SAMPLE_LOADED = "sample_data_loaded"
#: The sample rate plans: weekly and monthly rates, a summer season, a sales tax and an airport fee
#: at San Francisco Airport, and one-way drop fees (Boston keeps its classes' day rates alone).
SAMPLE_RATES = "sample_rates.toml"


def sample_file(name: str) -> Traversable:
    """A file shipped in resources/ (inside the wheel: the package rentaldesk.resources)."""
    return files("rentaldesk.resources").joinpath(name)


def load_sample_data(db: Database) -> dict[str, int]:
    """Load the sample branches, classes, drivers and fleet in one transaction; counts by kind.

    Marks the database so a second call loads nothing (returns all zeros).
    """
    require(Permission.MANAGE_SETTINGS, db)
    with db.write() as s:
        if s.get(Meta, SAMPLE_LOADED) is not None:
            return {kind: 0 for kind, _ in SAMPLE_FILES}
        counts = {kind: _import(s, kind, sample_file(name), db.lock_pool).count for kind, name in SAMPLE_FILES}
        # the sample rate plans, taxes and drop fees (rentaldesk.rates_file), with the fleet they price
        rates_text = sample_file(SAMPLE_RATES).read_text(encoding="utf-8")
        save_rates(s, check_rates(s, rates_text, tomllib.loads(rates_text), SAMPLE_RATES))
        add_sample_rules(s)  # the renters' minimum ages and young-driver fee (issue 11)
        s.add(Meta(key=SAMPLE_LOADED, value=date.today().isoformat()))
    return counts

