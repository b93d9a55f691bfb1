"""The fleet and its files: import of cars, drivers, branches and vehicle classes from CSV.

Every row of a file is checked before anything is written; a file with a bad row raises
:class:`FleetFileError` listing each bad field by line, and nothing from it is saved. Importing a
plate (or a driver's licence number, a branch's zip code, a class code) that exists updates it.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Database
from .errors import FleetFileError, InvalidInput
from .models import Branch, Car, CarStatus, Driver, DriverStatus, Meta, VehicleClass
from .reservations import Lock, rehouse, utc_now
from .rules import normalize_plate

if TYPE_CHECKING:
    from .sync.events import CarState

log = logging.getLogger("rentaldesk.fleet")

FLEET_COLUMNS = ("plate_number", "model", "year", "color", "transmission", "cost_per_day", "vehicle_class", "zip_code")
TRANSMISSIONS = ("automatic", "manual")
DEFAULT_TIME_ZONE = "UTC"


# -- parsing one field ---------------------------------------------------------------------------

class _Bad(ValueError):
    """A field's value is wrong; the message says how."""


def _text(max_len: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip()
        if not value:
            raise _Bad("is empty")
        if len(value) > max_len:
            raise _Bad(f"is longer than {max_len} characters")
        return value

    return parse


def _pattern(regex: str, what: str, max_len: int, transform: Callable[[str], str] = str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def parse(raw: str) -> str:
        value = transform(_text(max_len)(raw))
        if not compiled.fullmatch(value):
            raise _Bad(f"'{raw.strip()}' is not {what}")
        return value

    return parse


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise _Bad(f"'{raw.strip()}' is not a whole number") from None
        if not low <= value <= high:
            raise _Bad(f"{value} is outside {low}..{high}")
        return value

    return parse


def _money(raw: str) -> Decimal:
    text = raw.strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad(f"'{text}' is not an amount") from None
    if not value.is_finite() or value <= 0:
        raise _Bad(f"{text} must be more than 0")
    if value != value.quantize(Decimal("0.01")):
        raise _Bad(f"{text} has more than 2 decimals")
    if value >= Decimal("100000000"):
        raise _Bad(f"{text} is too large")
    return value.quantize(Decimal("0.01"))


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise _Bad(f"'{raw.strip()}' is not one of {', '.join(options)}")
        return value

    return parse


def _time_zone(raw: str) -> str:
    value = raw.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Bad(f"'{value}' is not an IANA time zone (e.g. Europe/Berlin)") from None
    return value


_plate = _pattern(r"[A-Z0-9]{1,16}", "a plate number (up to 16 letters and digits; spaces and dashes are ignored)",
                  32, normalize_plate)
_class_code = _pattern(r"[A-Z][A-Z0-9_]{0,31}", "a class code (letters, digits, _)", 32, str.upper)
_zip = _pattern(r"[A-Za-z0-9][A-Za-z0-9 -]{1,14}", "a zip code", 16)
_branch_code = _pattern(r"[A-Z0-9][A-Z0-9_-]{0,15}", "a branch code", 16, str.upper)
_licence = _pattern(r"[A-Z0-9][A-Z0-9 -]{2,31}", "a licence number", 32, str.upper)


@dataclass(frozen=True)
class _Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = True


FLEET_SPEC = (
    _Column("plate_number", _plate),
    _Column("model", _text(80)),
    _Column("year", _integer(1950, date.today().year + 1)),
    _Column("color", _text(32)),
    _Column("transmission", _choice(TRANSMISSIONS)),
    _Column("cost_per_day", _money),
    _Column("vehicle_class", _class_code),
    _Column("zip_code", _zip),
    _Column("status", _choice(tuple(s.value for s in CarStatus)), required=False),
    _Column("odometer", _integer(0, 5_000_000), required=False),
    _Column("driver_licence", _licence, required=False),
)
DRIVER_SPEC = (
    _Column("name", _text(120)),
    _Column("licence_number", _licence),
    _Column("phone", _text(32), required=False),
    _Column("status", _choice(tuple(s.value for s in DriverStatus)), required=False),
    _Column("day_rate", _money, required=False),
    _Column("zip_code", _zip, required=False),
)
BRANCH_SPEC = (
    _Column("code", _branch_code),
    _Column("name", _text(120)),
    _Column("zip_code", _zip),
    _Column("time_zone", _time_zone),
    _Column("lead_time_minutes", _integer(0, 60 * 24 * 30), required=False),
    _Column("min_rental_minutes", _integer(1, 60 * 24 * 365), required=False),
    _Column("turnaround_minutes", _integer(0, 60 * 24 * 7), required=False),
    _Column("max_rental_minutes", _integer(1, 60 * 24 * 365 * 2), required=False),
    _Column("horizon_days", _integer(1, 3650), required=False),
    _Column("distance_unit", _choice(("km", "mi")), required=False),
)
CLASS_SPEC = (
    _Column("code", _class_code),
    _Column("name", _text(80)),
    _Column("day_rate", _money),
)


# -- reading a whole file ------------------------------------------------------------------------

Problem = tuple[int, str | None, str]


def _parse_fields(
    spec: tuple[_Column, ...], raw: dict[str, str], line: int, problems: list[Problem]
) -> dict[str, Any]:
    """The parsed values of the columns of ``spec`` present in ``raw``; each bad field is added to
    ``problems`` as ``(line, column, message)``. A blank optional field is left out."""
    values: dict[str, Any] = {}
    for column in spec:
        if column.name not in raw:
            continue
        text = raw[column.name]
        if not text.strip() and not column.required:
            continue
        try:
            values[column.name] = column.parse(text)
        except _Bad as exc:
            message = str(exc)
            if message.startswith(("is ", "has ")):  # "is empty" -> "model is empty"
                message = f"{column.name} {message}"
            problems.append((line, column.name, message))
    return values


def validate_car(values: Mapping[str, object], *, source: str = "car") -> dict[str, Any]:
    """One car's fields checked by the rules of a fleet file row; the parsed values.

    ``values`` maps fleet columns (see :data:`FLEET_SPEC`) to what a user typed (anything whose
    ``str()`` is the text; ``None`` counts as blank). A required column missing or blank, or any bad
    field, raises :class:`FleetFileError` listing every problem as ``(0, column, message)``.
    """
    raw = {name: "" if value is None else str(value) for name, value in values.items()}
    problems: list[Problem] = []
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


def _read(source: str | Path | Traversable, spec: tuple[_Column, ...], key: str) -> list[_Row]:
    """Parse every row; raise FleetFileError listing every bad field (and repeated keys)."""
    name = str(source)
    try:
        readable = source if isinstance(source, Traversable) else Path(source)
        text = readable.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise FleetFileError(name, [(0, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise FleetFileError(name, [(0, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise FleetFileError(name, [(0, None, f"cannot be read: {exc.strerror}")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise FleetFileError(name, [(1, None, "the file is empty; it needs a header line")])
    header = [h.strip().lower() for h in header]
    known = {c.name for c in spec}
    problems: list[Problem] = []
    missing = [c.name for c in spec if c.required and c.name not in header]
    if missing:
        problems.append((1, None, f"the header lacks {', '.join(missing)} (expected: {', '.join(c.name for c in spec if c.required)})"))
    duplicated = sorted({h for h in header if header.count(h) > 1 and h in known})
    if duplicated:
        problems.append((1, None, f"the header repeats {', '.join(duplicated)}"))
    if problems:
        raise FleetFileError(name, problems)
    index = {h: i for i, h in enumerate(header) if h in known}
    rows: list[_Row] = []
    first_line_of: dict[Any, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            problems.append((line, None, f"has {len(record)} fields, the header has {len(header)}"))
            continue
        raw_values = {name: record[i] for name, i in index.items()}
        values = _parse_fields(spec, raw_values, line, problems)
        if key in values:
            if values[key] in first_line_of:
                problems.append((line, key, f"{values[key]} is already on line {first_line_of[values[key]]}"))
            else:
                first_line_of[values[key]] = line
        rows.append(_Row(line, values))
    if not rows and not problems:
        problems.append((2, None, "the file has a header but no rows"))
    if problems:
        raise FleetFileError(name, problems)
    return rows


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
    if not fact and fields.get("odometer", car.odometer) < car.odometer:
        raise InvalidInput(f"odometer {fields['odometer']} of {plate} is below the recorded {car.odometer}",
                           field="odometer")
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


def _import_fleet_rows(s: Session, rows: list[_Row], source: str, now: datetime, lock: Lock) -> int:
    """Upsert cars by plate through :func:`put_car`; unknown classes and zip codes are created.
    Raises FleetFileError for every row the rules refuse (an unknown driver licence, a held car
    that cannot leave its pool)."""
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


_KINDS = {
    "fleet": (FLEET_SPEC, "plate_number", _import_fleet_rows),
    "drivers": (DRIVER_SPEC, "licence_number", _import_driver_rows),
    "branches": (BRANCH_SPEC, "zip_code", _import_branch_rows),
    "classes": (CLASS_SPEC, "code", _import_class_rows),
}


def _import(s: Session, kind: str, source: str | Path | Traversable, lock: Lock) -> int:
    spec, key, write = _KINDS[kind]
    rows = _read(source, spec, key)
    count = write(s, rows, str(source), utc_now(), lock)
    log.info("imported %d %s rows from %s", count, kind, source)
    return count


def import_fleet(db: Database, path: str | Path, *, link: FleetLink | None = None) -> int:
    """Import cars from a fleet CSV; the number of cars imported (added or updated).

    At a branch of a network (``link``) head office owns the fleet: the file is checked and tried
    here by the same rules, undone, and each car travels to head office as a change request (the
    number of cars sent); the cars come back on the fleet topic once head office applied them.
    """
    with db.write() as s:
        if link is None:
            return _import(s, "fleet", path, db.lock_pool)
        now = utc_now()
        rows = _read(path, FLEET_SPEC, "plate_number")
        with s.begin_nested() as trial:
            _import_fleet_rows(s, rows, str(path), now, db.lock_pool)
            cars = s.scalars(select(Car).where(Car.plate_number.in_([r.values["plate_number"] for r in rows])))
            states = [car_state(s, {c.key: getattr(car, c.key) for c in Car.__table__.columns if c.key != "car_id"})
                      for car in cars]
            trial.rollback()
        for state in states:
            link.car_change_requested(s, state, now)
        log.info("%d car(s) of %s sent to head office", len(states), path)
        return len(states)


def import_drivers(db: Database, path: str | Path) -> int:
    """Import drivers from CSV (name, licence_number[, phone, status, day_rate, zip_code])."""
    with db.write() as s:
        return _import(s, "drivers", path, db.lock_pool)


def import_branches(db: Database, path: str | Path) -> int:
    """Import branches from CSV (code, name, zip_code, time_zone[, the rule columns, distance_unit])."""
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


def sample_file(name: str) -> Traversable:
    """A file shipped in resources/ (inside the wheel: the package rentaldesk.resources)."""
    return files("rentaldesk.resources").joinpath(name)


def load_sample_data(db: Database) -> dict[str, int]:
    """Load the sample branches, classes, drivers and fleet in one transaction; counts by kind.

    Marks the database so a second call loads nothing (returns all zeros).
    """
    with db.write() as s:
        if s.get(Meta, SAMPLE_LOADED) is not None:
            return {kind: 0 for kind, _ in SAMPLE_FILES}
        counts = {kind: _import(s, kind, sample_file(name), db.lock_pool) for kind, name in SAMPLE_FILES}
        s.add(Meta(key=SAMPLE_LOADED, value=date.today().isoformat()))
    return counts

