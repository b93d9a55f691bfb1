"""The ``rentaldesk`` command: the counter's reservation and fleet tasks from a terminal.

With no command it opens the desk app (:mod:`rentaldesk.gui`) when there is a screen to show it on,
else (or with ``--status`` or ``--json``) it prints a short status of the database and the help:
:func:`run_app` is that path. Every command works on the database of ``--db``, else
``$RENTALDESK_DB``, else the default SQLite file, which is filled with the sample data the first time
it is created (see :func:`open_desk_database`).

Exit status: 0 done; 2 refused (a rule said no, a bad value, an unknown reservation: one line on
stderr, nothing saved); 1 an unexpected failure (one line on stderr; ``-v`` logs the traceback).

Times are ISO 8601. A time without an offset is the branch's local time (the ``Branch.time_zone`` of
the zip code); a date alone is midnight there. Human output shows times in the branch's time zone
with the offset; ``--json`` output shows them in UTC.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from . import __version__
from .config import Settings, load_settings
from .display import TIME_HELP, iso_local, parse_time, zone_name
from .db import Database, open_database
from .errors import FleetFileError, InvalidInput, RentalError
from .fleet import import_drivers, import_fleet, load_sample_data
from .logs import setup_logging
from .models import LIVE_STATUSES, Branch, Car, Driver, ReservationStatus, VehicleClass
from .models import Reservation as ReservationRow
from .reservations import ReservationService
from .values import Reservation
from .rules import normalize_plate

log = logging.getLogger("rentaldesk.cli")

PROG = "rentaldesk"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2

UTC = timezone.utc


# -- time ------------------------------------------------------------------------------------------


# -- output ----------------------------------------------------------------------------------------


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: object) -> str:
    """JSON text: times as ISO 8601 in UTC, money as a string (exact), indented for reading."""
    return json.dumps(data, default=_json_default, indent=2, ensure_ascii=False)


def reservation_json(r: Reservation) -> dict[str, Any]:
    """A reservation as a JSON object (:func:`to_json` writes its times as ISO 8601 in UTC)."""
    return dataclasses.asdict(r)


def car_json(car: Car) -> dict[str, Any]:
    """A car row as a JSON object: every column."""
    return {attr.key: getattr(car, attr.key) for attr in inspect(Car).column_attrs}


def format_reservation(r: Reservation, zone: tzinfo) -> str:
    """A reservation for a clerk: one labelled line per fact, times in the branch's time zone."""
    contact = " ".join(p for p in (r.customer_name, f"<{r.customer_email}>", r.customer_phone) if p)
    car = f"{r.plate_number} (car {r.car_id}{', asked for by the customer' if r.pinned else ''})"
    lines = [
        f"Reservation {r.reference}: {r.status}" + (f" ({r.status_reason})" if r.status_reason else "")
        + (" - NEEDS A CAR: its car is out of service" if r.needs_car else ""),
        f"  customer  {contact}",
        f"  class     {r.vehicle_class} at {r.zip_code} ({zone_name(zone)})",
        f"  car       {car}",
        f"  pick-up   {iso_local(r.start, zone)}",
        f"  return    {iso_local(r.end, zone)}",
        f"  price     {r.price}",
    ]
    if r.driver_id is not None:
        lines.insert(4, f"  driver    {r.driver_id}")
    lines.append(f"  id        {r.id}")
    return "\n".join(lines)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as left-aligned columns under a header line."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip()
        for line in [list(headers), *cells]
    )


RESERVATION_COLUMNS = ("REFERENCE", "STATUS", "PICK-UP", "RETURN", "CLASS", "ZIP", "CAR", "CUSTOMER", "PRICE")


def reservation_row(r: Reservation, zone: tzinfo) -> tuple[object, ...]:
    """A reservation as one row under :data:`RESERVATION_COLUMNS`."""
    return (
        r.reference,
        f"{r.status}, NEEDS A CAR" if r.needs_car else r.status,
        iso_local(r.start, zone),
        iso_local(r.end, zone),
        r.vehicle_class,
        r.zip_code,
        r.plate_number,
        r.customer_name or r.customer_email,
        r.price,
    )


# -- the database a command works on ---------------------------------------------------------------


def display_url(url: str) -> str:
    """A database URL safe to print (password hidden)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_desk_database(settings: Settings, *, notice: TextIO | None = None) -> Database:
    """Open the settings' database and bring its schema up to date.

    On the first start of the *default* database (its file did not exist before this call) the
    sample data is loaded and ``notice`` hears what was loaded. A database named by ``--db`` or
    ``$RENTALDESK_DB`` is never filled. A URL SQLAlchemy cannot use is refused (:class:`InvalidInput`).
    """
    path = settings.default_db_path
    first_start = path is not None and _create_new_file(path)
    db: Database | None = None
    try:
        db = _open(settings.db_url)
        if path is not None and first_start:
            counts = load_sample_data(db)
            loaded = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
            log.info("first start: sample data loaded into %s (%s)", path, loaded)
            if notice is not None:
                print(f"{PROG}: first start: created {path} with the sample data ({loaded})", file=notice)
    except BaseException:
        if db is not None:
            db.close()
        if path is not None and first_start:
            # Leave no half-made default database behind, so the next start tries again.
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    return db


def _open(url: str) -> Database:
    try:
        return open_database(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise InvalidInput(f"cannot open the database '{display_url(url)}': {exc}", field="db") from None


def _create_new_file(path: Path) -> bool:
    """Create ``path`` (empty) if it does not exist; True when this call created it.

    Exclusive creation, so of two first starts at once only one loads the sample data. An empty
    file is a valid empty SQLite database.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.open("xb").close()
    except FileExistsError:
        return False
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
    network (requests go to head office through the outbox, new reservations are pending)."""
    if settings is not None and settings.kafka.enabled:
        from .sync.branch import BranchOutbox

        if not settings.branch:
            raise InvalidInput("with a broker configured, give this branch's code: --branch or RENTALDESK_BRANCH",
                               field="branch")
        return ReservationService(db, link=BranchOutbox(settings.branch))
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

    def resolve_car(self, text: str) -> int:
        """The car id of a plate number (spaces, dashes and case ignored) or of a car id."""
        key = text.strip()
        with self.db.session() as s:
            car_id = s.scalar(select(Car.car_id).where(Car.plate_number == normalize_plate(key)))
            if car_id is None and key.isdigit():
                car_id = s.scalar(select(Car.car_id).where(Car.car_id == int(key)))
        if car_id is None:
            raise InvalidInput(f"no car has the plate or id '{key}'", field="car_id")
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

    def show_reservation(self, r: Reservation) -> None:
        self.emit(reservation_json(r), format_reservation(r, self.zone(r.zip_code)))

    def show_reservations(self, found: Sequence[Reservation]) -> None:
        text = (
            format_table(RESERVATION_COLUMNS, (reservation_row(r, self.zone(r.zip_code)) for r in found))
            if found
            else "No reservations match."
        )
        self.emit([reservation_json(r) for r in found], text)


# -- commands --------------------------------------------------------------------------------------


def cmd_fleet_import(desk: Desk, args: argparse.Namespace) -> None:
    link = desk.service.link
    count = import_fleet(desk.db, args.file, link=link)
    if link is not None:
        desk.emit({"file": args.file, "cars_sent_to_head_office": count},
                  f"Sent {count} car(s) from {args.file} to head office; they arrive here once it has applied them.")
    else:
        stranded = [r.reference for r in desk.service.list_reservations(needs_car=True)]
        text = f"Imported {count} car(s) from {args.file}."
        if stranded:
            text += (f"\n{len(stranded)} reservation(s) need a car: {', '.join(stranded)} "
                     "(see: reservations list --needs-car; give one a car: reservations assign REFERENCE --car PLATE)")
        desk.emit({"file": args.file, "cars_imported": count, "reservations_needing_a_car": stranded}, text)


def cmd_fleet_sample(desk: Desk, args: argparse.Namespace) -> None:
    counts = load_sample_data(desk.db)
    loaded = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    text = f"Loaded the sample data ({loaded})." if any(counts.values()) else "The sample data is already loaded."
    desk.emit(counts, text)


def cmd_drivers_import(desk: Desk, args: argparse.Namespace) -> None:
    count = import_drivers(desk.db, args.file)
    desk.emit({"file": args.file, "drivers_imported": count}, f"Imported {count} driver(s) from {args.file}.")


def cmd_fleet_list(desk: Desk, args: argparse.Namespace) -> None:
    q = select(Car).order_by(Car.zip_code, Car.vehicle_class, Car.plate_number)
    if args.vehicle_class:
        q = q.where(Car.vehicle_class == args.vehicle_class.strip().upper())
    if args.zip:
        q = q.where(Car.zip_code == args.zip.strip())
    with desk.db.session() as s:
        cars = [car_json(c) for c in s.scalars(q)]
    columns = {"CAR": "car_id", "PLATE": "plate_number", "CLASS": "vehicle_class", "ZIP": "zip_code",
               "STATUS": "status", "MODEL": "model", "YEAR": "year", "PER DAY": "cost_per_day"}
    text = (
        format_table(list(columns), ([c[key] for key in columns.values()] for c in cars))
        if cars
        else "No cars match."
    )
    desk.emit(cars, text)


def cmd_reserve(desk: Desk, args: argparse.Namespace) -> None:
    zone = desk.zone(args.zip)
    start = parse_time(args.start, zone, option="--start")
    end = parse_time(args.end, zone, option="--end")
    car_id = desk.resolve_car(args.car) if args.car is not None else None
    r = desk.service.create_reservation(
        email=args.email,
        name=args.name,
        phone=args.phone,
        vehicle_class=args.vehicle_class,
        zip_code=args.zip,
        start=start,
        end=end,
        car_id=car_id,
        driver_id=args.driver,
    )
    desk.show_reservation(r)


def cmd_availability(desk: Desk, args: argparse.Namespace) -> None:
    zone = desk.zone(args.zip)
    pool = {
        "vehicle_class": args.vehicle_class,
        "zip_code": args.zip,
        "start": parse_time(args.start, zone, option="--start"),
        "end": parse_time(args.end, zone, option="--end"),
    }
    svc = desk.service
    available = svc.is_rental_available(**pool)
    reserved = svc.reserved_count(**pool)
    plates = desk.plates(svc.free_cars(**pool))
    quote = svc.quote(**pool)
    free = [{"car_id": car_id, "plate_number": plate} for car_id, plate in sorted(plates.items())]
    data = {
        "vehicle_class": pool["vehicle_class"].strip().upper(),
        "zip_code": pool["zip_code"].strip(),
        "start": pool["start"],
        "end": pool["end"],
        "available": available,
        "reserved_count": reserved,
        "free_cars": free,
        "price": quote,
    }
    text = "\n".join(
        [
            f"{data['vehicle_class']} at {data['zip_code']}, "
            f"{iso_local(pool['start'], zone)} to {iso_local(pool['end'], zone)}",
            f"  available     {'yes' if available else 'no'}",
            f"  reserved      {reserved} overlapping reservation(s)",
            f"  free cars     {len(free)}"
            + (f" ({', '.join(c['plate_number'] for c in free)})" if free else ""),
            f"  price         {quote}",
        ]
    )
    desk.emit(data, text)


def cmd_list(desk: Desk, args: argparse.Namespace) -> None:
    zone = desk.zone(args.zip) if args.zip else UTC
    found = desk.service.list_reservations(
        status=args.status,
        zip_code=args.zip,
        vehicle_class=args.vehicle_class,
        search=args.search,
        starts_from=parse_time(args.starts_from, zone, option="--from") if args.starts_from else None,
        starts_before=(
            parse_time(args.starts_before, zone, option="--to", end_of_day=True)
            if args.starts_before
            else None
        ),
        needs_car=args.needs_car,
        limit=args.limit,
    )
    desk.show_reservations(found)


def cmd_assign(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.assign_car(args.reservation, desk.resolve_car(args.car)))


def cmd_show(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.get_reservation(args.reservation))


def cmd_update(desk: Desk, args: argparse.Namespace) -> None:
    if all(v is None for v in (args.start, args.end, args.name, args.phone)):
        raise InvalidInput("nothing to change: give --start, --end, --name or --phone")
    current = desk.service.get_reservation(args.reservation)
    zone = desk.zone(current.zip_code)
    r = desk.service.update_reservation(
        current.id,
        start=parse_time(args.start, zone, option="--start") if args.start is not None else None,
        end=parse_time(args.end, zone, option="--end") if args.end is not None else None,
        name=args.name,
        phone=args.phone,
    )
    desk.show_reservation(r)


def cmd_cancel(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.cancel_reservation(args.reservation))


def cmd_pickup(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.pick_up(args.reservation, odometer=args.odometer))


def cmd_return(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.return_car(args.reservation, odometer=args.odometer))


def cmd_expire(desk: Desk, args: argparse.Namespace) -> None:
    count = desk.service.mark_reservations_expired()
    desk.emit({"expired": count}, f"{count} reservation(s) marked expired.")


# -- the parser ------------------------------------------------------------------------------------


def _until_signalled(start: Callable[[], Callable[[], None] | None]) -> None:
    """Run ``start`` (it returns the stop of what it started, or None), block until Ctrl-C or
    SIGTERM, then stop. Either signal also interrupts ``start`` itself, e.g. while it waits for a
    broker: a service manager's stop is never kept waiting on the network."""
    import signal
    import threading

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    stop: Callable[[], None] | None = None
    try:
        stop = start()
        if stop is not None:
            threading.Event().wait()  # a signal raises out of it
    except KeyboardInterrupt:
        pass
    finally:
        # Stopping is bounded (about a second); a second signal must not cut it short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if stop is not None:
            stop()


def cmd_sync(desk: Desk, args: argparse.Namespace) -> None:
    """Run this branch's sync with head office until stopped."""
    from .sync.branch import BranchSync

    settings = desk.settings
    if settings is None or not settings.kafka.enabled:
        raise InvalidInput("sync needs a broker: --kafka HOST:PORT or RENTALDESK_KAFKA", field="kafka")

    def start() -> Callable[[], None]:
        sync = BranchSync(desk.db, desk.service, settings.kafka, settings.branch)
        sync.start()  # at once: it connects in the background, the counter goes on meanwhile
        print(f"{PROG}: branch {settings.branch} syncing with {settings.kafka.bootstrap} "
              f"(topics {settings.kafka.topic_prefix}.*); Ctrl-C stops", file=sys.stderr, flush=True)
        return sync.stop

    _until_signalled(start)


def cmd_hq(desk: Desk, args: argparse.Namespace) -> None:
    """Run head office (booking authority, fleet service, notifications) until stopped."""
    import threading

    from .hq.service import HeadOffice
    from .sync.topics import connect_when_reachable

    settings = desk.settings
    if settings is None or not settings.kafka.enabled:
        raise InvalidInput("head office needs a broker: --kafka HOST:PORT or RENTALDESK_KAFKA", field="kafka")

    def start() -> Callable[[], None] | None:
        print(f"{PROG}: head office starting on {settings.kafka.bootstrap} (topics {settings.kafka.topic_prefix}.*); "
              "Ctrl-C stops", file=sys.stderr, flush=True)
        office = connect_when_reachable(
            lambda: HeadOffice(desk.db, settings, notifications=not args.no_mail),
            threading.Event(),  # never set: a signal interrupts the wait
            "head office", settings.kafka.bootstrap,
        )
        office.start()
        return office.stop

    _until_signalled(start)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} cannot be negative")
    return value


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no file '{text}'")
    return path


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options every command takes. On subcommands their defaults are suppressed, so a value
    given before the subcommand is not overwritten by the subcommand's default."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--db",
        metavar="URL",
        default=default(None),
        help="database: an SQLAlchemy URL or an SQLite file path "
        "(default: $RENTALDESK_DB, else rentaldesk.sqlite in your data folder)",
    )
    parser.add_argument(
        "--config", metavar="FILE", default=default(None),
        help="settings file (TOML; default: $RENTALDESK_CONFIG, else rentaldesk.toml in your config folder)",
    )
    parser.add_argument(
        "--branch", metavar="CODE", default=default(None), help="this branch's code (default: $RENTALDESK_BRANCH)"
    )
    parser.add_argument(
        "--kafka", metavar="HOST:PORT", default=default(None),
        help="Kafka bootstrap servers of head office (default: $RENTALDESK_KAFKA; empty: a standalone branch)",
    )
    parser.add_argument(
        "--json", action="store_true", default=default(False), help="print machine-readable JSON"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=default(0), help="log what happens (-vv: more)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``rentaldesk`` command."""
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, suppress=True)

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Counter system of a car-rental branch. Without a command: the desk app "
        "(with --status, or when there is no display: the database's status and this help).",
        epilog=f"Times: {TIME_HELP}; without an offset they are the branch's local time, "
        "a date alone is midnight there.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser, suppress=False)
    app = parser.add_mutually_exclusive_group()
    app.add_argument("--status", action="store_true", help="print the database's status instead of opening the desk app")
    app.add_argument("--gui", action="store_true", help="open the desk app even when no display is detected")
    app.add_argument("--quit-after-show", action="store_true",
                     help="open the desk app and quit once its window is shown (a start-up check)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(
        group: argparse._SubParsersAction,  # type: ignore[type-arg]
        name: str,
        handler: Callable[[Desk, argparse.Namespace], None],
        help_text: str,
    ) -> argparse.ArgumentParser:
        sub = group.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def period(sub: argparse.ArgumentParser, *, required: bool) -> None:
        sub.add_argument("--start", required=required, metavar="TIME", help=f"pick-up time ({TIME_HELP})")
        sub.add_argument("--end", required=required, metavar="TIME", help="return time")

    def pool(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--class", dest="vehicle_class", required=True, metavar="CLASS", help="vehicle class"
        )
        sub.add_argument("--zip", required=True, metavar="ZIP", help="zip code of the branch")

    fleet = commands.add_parser(
        "fleet", help="import and list the cars", description="The cars of the fleet."
    )
    fleet_actions = fleet.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(fleet_actions, "import", cmd_fleet_import, "import cars from a CSV file (all rows or none)")
    sub.add_argument("file", type=_existing_file, metavar="FILE")
    command(fleet_actions, "sample", cmd_fleet_sample,
            "load the sample branches, classes, drivers and cars (e.g. into a new head-office database)")
    sub = command(fleet_actions, "list", cmd_fleet_list, "list the cars")
    sub.add_argument("--class", dest="vehicle_class", metavar="CLASS", help="only this vehicle class")
    sub.add_argument("--zip", metavar="ZIP", help="only this branch")

    drivers = commands.add_parser("drivers", help="import drivers", description="The chauffeurs.")
    driver_actions = drivers.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(
        driver_actions, "import", cmd_drivers_import, "import drivers from a CSV file (all rows or none)"
    )
    sub.add_argument("file", type=_existing_file, metavar="FILE")

    sub = command(commands, "reserve", cmd_reserve, "book a car of a class at a branch")
    sub.add_argument("--email", required=True, help="the customer's email (identifies the customer)")
    sub.add_argument("--name", required=True, help="the customer's name")
    sub.add_argument("--phone", help="the customer's phone number")
    pool(sub)
    period(sub, required=True)
    sub.add_argument(
        "--car", metavar="CAR", help="this car (plate number or car id) instead of any of the class"
    )
    sub.add_argument("--driver", type=_positive_int, metavar="DRIVER_ID", help="with this chauffeur")

    sub = command(
        commands, "availability", cmd_availability, "can a class be booked at a branch for a period?"
    )
    pool(sub)
    period(sub, required=True)

    reservations = commands.add_parser(
        "reservations", help="find and change reservations", description="Find and change reservations."
    )
    actions = reservations.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(actions, "list", cmd_list, "list reservations by pick-up time")
    sub.add_argument(
        "--status",
        action="append",
        choices=[s.value for s in ReservationStatus],
        help="only this status (repeat for several)",
    )
    sub.add_argument("--zip", metavar="ZIP", help="only this branch")
    sub.add_argument("--class", dest="vehicle_class", metavar="CLASS", help="only this vehicle class")
    sub.add_argument(
        "--search", metavar="TEXT", help="reference, customer name, email or plate contains TEXT"
    )
    sub.add_argument("--needs-car", action="store_true",
                     help="only live reservations whose car went out of service (they need another car)")
    sub.add_argument(
        "--from",
        dest="starts_from",
        metavar="TIME",
        help="pick-up at or after (branch time with --zip, else UTC)",
    )
    sub.add_argument(
        "--to", dest="starts_before", metavar="TIME", help="pick-up before (a date alone includes that day)"
    )
    sub.add_argument("--limit", type=_positive_int, metavar="N", help="at most N reservations")

    reservation_help = "reservation id or reference"
    sub = command(actions, "show", cmd_show, "show one reservation")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub = command(actions, "update", cmd_update, "change the period or the customer's name or phone")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    period(sub, required=False)
    sub.add_argument("--name", help="the customer's name")
    sub.add_argument("--phone", help="the customer's phone number")
    sub = command(actions, "cancel", cmd_cancel, "cancel a reservation (its car is free at once)")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub = command(actions, "assign", cmd_assign,
                  "give a reservation another car at its booked price: of its pool, a higher class, or "
                  "another location (the way out for one that needs a car)")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub.add_argument("--car", required=True, metavar="CAR", help="the car (plate number or car id)")
    sub = command(actions, "pickup", cmd_pickup, "the customer takes the car")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub.add_argument("--odometer", type=_count, metavar="KM", help="odometer reading at pick-up")
    sub = command(actions, "return", cmd_return, "the car is back")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub.add_argument("--odometer", type=_count, metavar="KM", help="odometer reading at return")
    command(actions, "expire", cmd_expire, "mark reservations not picked up before their end as expired")

    command(commands, "sync", cmd_sync, "run this branch's sync with head office (needs --kafka and --branch)")
    sub = command(commands, "hq", cmd_hq, "run head office: booking authority, fleet and notification services")
    sub.add_argument("--no-mail", action="store_true", help="do not run the notification service")
    return parser


# -- running ---------------------------------------------------------------------------------------


def display_available(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Is there a screen for the desk app? Windows and macOS have one; elsewhere an X11 or Wayland
    display, or a Qt platform chosen explicitly (``QT_QPA_PLATFORM``, e.g. offscreen)."""
    if platform in ("win32", "darwin"):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run_app(args: argparse.Namespace) -> int:
    """The path of ``rentaldesk`` with no command: open (first time: fill) the database, then start
    the desk app; or print a status and the help when asked to (``--status``, ``--json``) or when
    there is no screen (``--gui`` insists on the app)."""
    settings = settings_from(args)
    db = open_desk_database(settings, notice=sys.stderr)
    wants_app = args.gui or args.quit_after_show or not (args.status or args.json)
    if wants_app and (args.gui or args.quit_after_show or display_available()):
        from .gui.app import run_desk  # Qt only here: the commands and the core never load it

        service = make_service(db, settings)
        sync = None
        if settings.kafka.enabled:  # a branch of the network: the same sync loop, in worker threads
            from .sync.branch import BranchSync

            sync = BranchSync(db, service, settings.kafka, settings.branch)
            sync.start()
        try:
            return run_desk(db, service, quit_after_show=args.quit_after_show)
        finally:
            if sync is not None:
                sync.stop()
            db.close()
    try:
        counts = database_counts(db)
    finally:
        db.close()
    if args.json:
        print(to_json({"database": db.url, "database_source": settings.db_source, **counts}))
        return EXIT_OK
    print(f"{PROG} {__version__}")
    print(f"database: {db.url} ({settings.db_source})")
    if wants_app:
        print("no display found, so here is the status; `rentaldesk --gui` starts the desk app anyway")
    print(", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in counts.items()))
    print()
    build_parser().print_help()
    return EXIT_OK


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings of this run: the command line over the environment over the config file."""
    return load_settings(
        args.db, branch=getattr(args, "branch", None), kafka=getattr(args, "kafka", None),
        config=getattr(args, "config", None),
    )


def run_command(args: argparse.Namespace) -> int:
    """Run the command ``args`` names on the settings' database."""
    settings = settings_from(args)
    db = open_desk_database(settings, notice=sys.stderr)
    try:
        args.handler(Desk(db, as_json=args.json, settings=settings), args)
    finally:
        db.close()
    return EXIT_OK


def report_refusal(exc: RentalError, stream: TextIO) -> None:
    """Why a command was refused: one line; for a bad fleet or drivers file, also every problem."""
    if isinstance(exc, FleetFileError):
        n = len(exc.problems)
        problems = f"{n} problem{'s' if n > 1 else ''}"
        print(f"{PROG}: error: {exc.path}: {problems}; nothing was imported", file=stream)
        for line, column, message in exc.problems:
            where = "".join(
                [f", line {line}" if line else "", f", field '{column}'" if column else ""]
            )
            print(f"  {exc.path}{where}: {message}", file=stream)
        return
    print(f"{PROG}: error: {exc}", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``rentaldesk`` command; returns the exit status."""
    args = build_parser().parse_args(argv)  # a usage error exits with 2 here
    log_file = setup_logging(args.verbose)
    try:
        return run_app(args) if args.command is None else run_command(args)
    except RentalError as exc:
        log.info("refused: %s", exc)
        report_refusal(exc, sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # The traceback goes to the log file, and to stderr only with -v: stderr gets one line.
        log.error("unexpected error", exc_info=True, extra={"console": False})
        first_line = (str(exc).strip().splitlines() or [""])[0]
        where = f"details in {log_file}" if log_file else "run with -v for details"
        print(f"{PROG}: unexpected error: {type(exc).__name__}: {first_line} ({where})", file=sys.stderr)
        return EXIT_FAILED
