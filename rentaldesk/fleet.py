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
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import Database
from .errors import FleetFileError
from .models import Branch, Car, CarStatus, Driver, DriverStatus, Meta, VehicleClass

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


_plate = _pattern(r"[A-Z0-9][A-Z0-9 -]{0,14}", "a plate number (letters, digits, spaces, dashes)", 16, str.upper)
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
        code = re.sub(r"[^A-Z0-9_-]", "", f"Z{zip_code}".upper())[:16]
        while s.scalar(select(Branch.id).where(Branch.code == code)) is not None:
            code = f"{code[:13]}-{len(cache) + 1}"
        branch = Branch(code=code, name=f"Location {zip_code}", zip_code=zip_code, time_zone=DEFAULT_TIME_ZONE,
                        lead_time_minutes=120, min_rental_minutes=24 * 60, turnaround_minutes=0)
        s.add(branch)
        s.flush()
        log.info("new location %s for zip code %s", code, zip_code)
    cache[zip_code] = branch
    return branch


def _import_fleet_rows(s: Session, rows: list[_Row], source: str) -> int:
    """Upsert cars by plate; unknown classes and zip codes are created. Raises FleetFileError for
    references the file cannot satisfy (an unknown driver licence)."""
    class_rates: dict[str, list[Decimal]] = {}
    for row in rows:
        class_rates.setdefault(row.values["vehicle_class"], []).append(row.values["cost_per_day"])
    for code, rates in class_rates.items():
        if s.get(VehicleClass, code) is None:
            s.add(VehicleClass(code=code, name=code.title(), day_rate=Decimal(statistics.median(rates)).quantize(Decimal("0.01"))))
            log.info("new vehicle class %s", code)
    s.flush()  # the classes must exist before cars refer to them
    problems = []
    drivers = {licence: id_ for licence, id_ in s.execute(select(Driver.licence_number, Driver.id))}
    branches: dict[str, Branch] = {}
    existing = {c.plate_number: c for c in s.scalars(select(Car).where(Car.plate_number.in_([r.values["plate_number"] for r in rows])))}
    for row in rows:
        v = dict(row.values)
        licence = v.pop("driver_licence", None)
        if licence is not None:
            if licence not in drivers:
                problems.append((row.line, "driver_licence", f"no driver with licence {licence}"))
                continue
            v["driver_id"] = drivers[licence]
        _ensure_branch(s, v["zip_code"], branches)
        car = existing.get(v["plate_number"])
        if car is None:
            v.setdefault("status", CarStatus.AVAILABLE.value)
            v.setdefault("odometer", 0)
            s.add(Car(**v))
        else:
            for name, value in v.items():
                setattr(car, name, value)
    if problems:
        raise FleetFileError(source, problems)
    s.flush()
    return len(rows)


def _import_driver_rows(s: Session, rows: list[_Row], source: str) -> int:
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


def _import_branch_rows(s: Session, rows: list[_Row], source: str) -> int:
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


def _import_class_rows(s: Session, rows: list[_Row], source: str) -> int:
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


def _import(s: Session, kind: str, source: str | Path | Traversable) -> int:
    spec, key, write = _KINDS[kind]
    rows = _read(source, spec, key)
    count = write(s, rows, str(source))
    log.info("imported %d %s rows from %s", count, kind, source)
    return count


def import_fleet(db: Database, path: str | Path) -> int:
    """Import cars from a fleet CSV; the number of cars imported (added or updated)."""
    with db.write() as s:
        return _import(s, "fleet", path)


def import_drivers(db: Database, path: str | Path) -> int:
    """Import drivers from CSV (name, licence_number[, phone, status, day_rate, zip_code])."""
    with db.write() as s:
        return _import(s, "drivers", path)


def import_branches(db: Database, path: str | Path) -> int:
    """Import branches from CSV (code, name, zip_code, time_zone[, the three rule columns])."""
    with db.write() as s:
        return _import(s, "branches", path)


def import_vehicle_classes(db: Database, path: str | Path) -> int:
    """Import vehicle classes from CSV (code, name, day_rate)."""
    with db.write() as s:
        return _import(s, "classes", path)


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
        counts = {kind: _import(s, kind, sample_file(name)) for kind, name in SAMPLE_FILES}
        s.add(Meta(key=SAMPLE_LOADED, value=date.today().isoformat()))
    return counts

