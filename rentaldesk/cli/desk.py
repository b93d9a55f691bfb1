"""The database a command works on (created and filled with the sample data on a first start) and
what a command works with: :class:`Desk`."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ..config import Settings, check_branch_known
from ..db import SQLITE_BUSY_TIMEOUT_MS, SQLITE_WAIT_NOTICE_MS, Database, open_database, sqlite_path
from ..display import distance, parse_whole_number
from ..text import typed
from ..errors import InvalidInput, RentalError
from ..models import LIVE_STATUSES, Branch, Car, Driver, VehicleClass
from ..models import Reservation as ReservationRow
from ..reservations import ReservationService, class_code_of, find_location
from ..values import Reservation
from ..rules import normalize_plate
from .output import UTC, format_reservation, format_table, reservation_json, reservation_row, to_json, RESERVATION_COLUMNS
from .output import notice as say

log = logging.getLogger("rentaldesk.cli")


def display_url(url: str) -> str:
    """A database URL safe to print (password hidden)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_desk_database(settings: Settings, *, notice: TextIO | None = None, create: bool = True,
                       as_json: bool = False) -> Database:
    """Open the settings' database and bring its schema up to date.

    On the first start of the *default* database (its file did not exist before this call) the
    sample data is loaded and ``notice`` hears what was loaded. A database named by ``--db`` or
    ``$RENTALDESK_DB`` is never filled, and a new SQLite file is made only with ``create`` (the
    commands that fill a database) and only in a folder that exists: a mistyped name is refused,
    not opened empty. A URL SQLAlchemy cannot use is refused (:class:`InvalidInput`); ``notice``
    also hears when a write waits for another program (each a JSON object with ``as_json``, see
    :func:`rentaldesk.cli.output.notice`).
    """
    path = settings.default_db_path
    if path is None:
        _check_named_file(settings, create=create)
    first_start = path is not None and _create_new_file(path)
    db: Database | None = None
    try:
        db = _open(settings.db_url, notice, as_json)
        if path is not None and first_start:
            from ..fleet import load_sample_data  # only on a first start

            counts = load_sample_data(db)
            loaded = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
            log.info("first start: sample data loaded into %s (%s)", path, loaded)
            if notice is not None:
                say(f"first start: created {path} with the sample data ({loaded})", notice, as_json=as_json)
        with db.session() as s:
            check_branch_known(settings.branch, set(s.scalars(select(Branch.code))), settings.branch_given)
    except BaseException:
        if db is not None:
            db.close()
        if path is not None and first_start:
            # Leave no half-made default database behind, so the next start tries again.
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    return db


def _check_named_file(settings: Settings, *, create: bool) -> None:
    file = sqlite_path(settings.db_url)
    if file is None:
        return
    where = f"{file} (from {settings.db_source})"
    try:
        if file.exists():
            return
        folder = file.parent.is_dir()
    except OSError as exc:  # a name too long, a folder that cannot be searched...
        raise InvalidInput(f"cannot use the database {where}: {exc.strerror or exc}", field="db") from None
    if not folder:
        raise InvalidInput(f"no folder {file.parent} for the database {where}; create the folder first",
                           field="db")
    if not create:
        raise InvalidInput(f"no database {where}; a new one is made by fleet sample, fleet import, "
                           "drivers import, sync, hq or the desk app", field="db")


def _open(url: str, notice: TextIO | None, as_json: bool) -> Database:
    def waiting(where: str) -> None:
        log.info("waiting for another program's change to %s", where)
        if notice is not None:
            say(f"waiting for another program's change to {where} to finish "
                f"(up to {(SQLITE_BUSY_TIMEOUT_MS - SQLITE_WAIT_NOTICE_MS) // 1000} s more)...", notice, as_json=as_json)

    try:
        return open_database(url, waiting=waiting)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise InvalidInput(f"cannot open the database '{display_url(url)}': {exc}", field="db") from None


def _create_new_file(path: Path) -> bool:
    """Create ``path`` (empty) if it does not exist; True when this call created it.

    Exclusive creation, so of two first starts at once only one loads the sample data. An empty
    file is a valid empty SQLite database.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.open("xb").close()
    except FileExistsError:
        return False
    except OSError as exc:  # a read-only home, a full disk, a file where the folder should be
        raise InvalidInput(f"cannot make the database {path}: {exc.strerror or exc}; "
                           "name another with --db or RENTALDESK_DB", field="db") from None
    return True


def database_counts(db: Database) -> dict[str, int]:
    """How much the database holds: branches, vehicle classes, cars, drivers, open reservations."""

    def count(model: type, *where: Any) -> int:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

    with db.session() as s:
        return {
            "branches": count(Branch),
            "vehicle_classes": count(VehicleClass),
            "cars": count(Car),
            "drivers": count(Driver),
            "open_reservations": count(ReservationRow, ReservationRow.status.in_(LIVE_STATUSES)),
        }


def make_service(db: Database, settings: Settings | None) -> ReservationService:
    """The reservation service of this workstation: with a broker configured, a branch of the
    network (requests go to head office through the outbox, new reservations are pending, and head
    office mails the customers); else standalone, and with SMTP settings it mails the customers
    their agreement and receipt itself (:class:`rentaldesk.hq.branch_mail.BranchMail`)."""
    if settings is not None and settings.kafka.enabled:
        from ..sync.branch import BranchOutbox

        if not settings.branch:
            raise InvalidInput("with a broker configured, give this branch's code: --branch or RENTALDESK_BRANCH",
                               field="branch")
        link = BranchOutbox(settings.branch)
        link.forward_audit(db)  # the trail travels to head office beside the requests (issue 13)
        return ReservationService(db, link=link)
    if settings is not None and settings.smtp_given:
        from ..hq.branch_mail import BranchMail

        return ReservationService(db, mail=BranchMail(db, settings.smtp))
    return ReservationService(db)


@dataclasses.dataclass
class Desk:
    """What a command works with: the open database, its reservation service, and the output."""

    db: Database
    as_json: bool = False
    out: TextIO = dataclasses.field(default_factory=lambda: sys.stdout)
    settings: Settings | None = None
    _zones: dict[str, tzinfo] = dataclasses.field(default_factory=dict, init=False, repr=False)
    _service: ReservationService | None = dataclasses.field(default=None, init=False, repr=False)
    _class_names: dict[str, str] | None = dataclasses.field(default=None, init=False, repr=False)

    @property
    def service(self) -> ReservationService:
        if self._service is None:
            self._service = make_service(self.db, self.settings)
        return self._service

    def zone(self, zip_code: str) -> tzinfo:
        """The time zone of the branch at ``zip_code``.

        An unknown zip code gives UTC: every command using it is then refused by the service, which
        names the known zip codes.
        """
        key = (zip_code or "").strip()
        if key not in self._zones:
            with self.db.session() as s:
                name = s.scalar(select(Branch.time_zone).where(Branch.zip_code == key))
            try:
                self._zones[key] = ZoneInfo(name) if name else UTC
            except (ZoneInfoNotFoundError, ValueError):
                raise RentalError(
                    f"branch {key} has an unknown time zone '{name}'; correct the branch first",
                    field="zip_code",
                ) from None
        return self._zones[key]

    def class_code(self, typed_class: str) -> str:
        """The code of the vehicle class a clerk typed: its code or its name as the desk shows it
        ('VAN', 'van', 'Minivan'), in any case. A class the database does not know (or none) is
        refused quoting what was typed and naming the known ones."""
        return class_code_of(typed_class, self._names())

    def class_name(self, code: str) -> str:
        """A class as the desk shows it: its name ('Minivan'), else its code."""
        return self._names().get(code) or code

    def _names(self) -> dict[str, str]:
        if self._class_names is None:
            with self.db.session() as s:
                self._class_names = {code: name for code, name in s.execute(select(VehicleClass.code, VehicleClass.name))}
        return self._class_names

    def check_filters(self, vehicle_class: str | None, zip_code: str | None) -> str | None:
        """A list's --class and --zip name a class and a location the database knows (a typo is
        refused naming the known ones, as a booking's is, not answered "no match"); the class's code."""
        code = self.class_code(vehicle_class) if vehicle_class is not None else None
        if zip_code is not None:
            with self.db.session() as s:
                find_location(s, zip_code)  # the engine's own lookup and refusal
        return code

    def resolve_car(self, text: str) -> int:
        """The car id of a plate number (spaces, dashes and case ignored) or of a car id."""
        key = text.strip()
        try:
            as_id: int | None = parse_whole_number(key, option="--car", least=1)
        except InvalidInput:
            as_id = None  # not a car id: a plate only
        with self.db.session() as s:
            car_id = s.scalar(select(Car.car_id).where(Car.plate_number == normalize_plate(key)))
            if car_id is None and as_id is not None:
                car_id = s.scalar(select(Car.car_id).where(Car.car_id == as_id))
        if car_id is None:
            raise InvalidInput(f"no car has the plate or id '{typed(key)}'", field="car_id")
        return car_id

    def plates(self, car_ids: Iterable[int]) -> dict[int, str]:
        """Plate numbers by car id."""
        ids = list(car_ids)
        with self.db.session() as s:
            rows = s.execute(select(Car.car_id, Car.plate_number).where(Car.car_id.in_(ids)))
            return {car_id: plate for car_id, plate in rows}

    def emit(self, data: object, text: str) -> None:
        """Print ``data`` as JSON with ``--json``, else ``text``."""
        print(to_json(data) if self.as_json else text, file=self.out)

    def show_reservation(self, r: Reservation, *, odometer: int | None = None) -> None:
        """The reservation; with ``odometer``, the reading just taken, in the branch's unit."""
        data, text = reservation_json(r), format_reservation(r, self.zone(r.zip_code), self.class_name(r.vehicle_class))
        if odometer is not None:
            unit = self.distance_unit(r.zip_code)
            data = {**data, "odometer": odometer, "distance_unit": unit}
            text += f"\n  odometer  {distance(odometer, unit)}"
        self.emit(data, text)

    def distance_unit(self, zip_code: str) -> str:
        """How the branch at ``zip_code`` reads odometers ("km" or "mi")."""
        with self.db.session() as s:
            return s.scalar(select(Branch.distance_unit).where(Branch.zip_code == zip_code)) or "mi"

    def show_reservations(self, found: Sequence[Reservation]) -> None:
        text = (
            format_table(RESERVATION_COLUMNS, (reservation_row(r, self.zone(r.zip_code), self.class_name(r.vehicle_class)) for r in found))
            if found
            else "No reservations match."
        )
        self.emit([reservation_json(r) for r in found], text)
