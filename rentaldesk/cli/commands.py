"""One function per command: ``cmd_<name>(desk, args)``, each a thin call of the core's service."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..display import count, distance, iso_local, money, parse_time, status_word
from ..errors import InvalidInput, NotAvailable, PriceChanged
from ..models import Branch, Car
from ..placement_exact import warm_up
from ..rates import drop_fee_rule
from ..values import Reservation
from .desk import Desk
from .extras import chosen
from .output import UTC, notice, car_json, format_reservation, format_table, reservation_json

log = logging.getLogger("rentaldesk.cli")


# The fleet files' reader is imported by the commands that read one: the others start without it.


def cmd_fleet_import(desk: Desk, args: argparse.Namespace) -> None:
    from ..fleet import import_fleet

    link = desk.service.link
    done = import_fleet(desk.db, args.file, link=link, allow_new=args.allow_new)
    n, news = done.count, f" ({done.news})" if done.news else ""
    new = {"new_classes": list(done.new_classes), "new_locations": list(done.new_locations)}
    if link is not None:
        desk.emit({"file": args.file, "cars_sent_to_head_office": n, **new},
                  f"Sent {count(n, 'car')}{news} from {args.file} to head office; they arrive here once it has applied them.")
    else:
        stranded = [r.reference for r in desk.service.list_reservations(needs_car=True)]
        text = f"Imported {count(n, 'car')} from {args.file}{news}."
        if stranded:
            text += (f"\n{count(len(stranded), 'reservation needs', 'reservations need')} a car: {', '.join(stranded)} "
                     "(see: reservations list --needs-car; give one a car: reservations assign REFERENCE --car PLATE)")
        desk.emit({"file": args.file, "cars_imported": n, "reservations_needing_a_car": stranded, **new}, text)


def cmd_fleet_sample(desk: Desk, args: argparse.Namespace) -> None:
    from ..fleet import load_sample_data
    from ..staff import add_demo_staff, refuse_demo_staff

    with_staff = getattr(args, "with_staff", False)
    if with_staff:  # refused before anything is loaded: nothing half-done
        if desk.as_json:  # a password never goes into --json output
            raise InvalidInput("--with-staff shows the demo passwords once, as text: run it without --json.",
                               field="with_staff")
        refuse_demo_staff(desk.db)
    counts = load_sample_data(desk.db)
    loaded = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    text = f"Loaded the sample data ({loaded})." if any(counts.values()) else "The sample data is already loaded."
    if with_staff:
        made = add_demo_staff(desk.db)
        text += "\nDemo accounts (the passwords are shown this once; change one with: rentaldesk staff password NAME):"
        text += "".join(f"\n  {view.username} ({view.role}): {password}" for view, password in made)
    desk.emit(counts, text)


def cmd_branches_set(desk: Desk, args: argparse.Namespace) -> None:
    from ..fleet import set_branch

    given = {"lock_after_minutes": args.lock_after}
    done = set_branch(desk.db, args.zip, **{name: value for name, value in given.items() if value is not None})
    words = {"lock_after_minutes": lambda v: f"the desk locks after {count(v, 'minute')} without use"}
    desk.emit({"zip_code": args.zip.strip(), **done},
              f"Branch {args.zip.strip()}: " + "; ".join(words[name](value) for name, value in done.items()) + ".")


def cmd_drivers_import(desk: Desk, args: argparse.Namespace) -> None:
    from ..fleet import import_drivers

    done = import_drivers(desk.db, args.file, allow_new=args.allow_new)
    news = f" ({done.news})" if done.news else ""
    desk.emit({"file": args.file, "drivers_imported": done.count}, f"Imported {count(done.count, 'driver')} from {args.file}{news}.")


def cmd_fleet_list(desk: Desk, args: argparse.Namespace) -> None:
    code = desk.check_filters(args.vehicle_class, args.zip)
    q = (select(Car, Branch.distance_unit).join(Branch, Branch.zip_code == Car.zip_code)
         .order_by(Car.zip_code, Car.vehicle_class, Car.plate_number))
    if code:
        q = q.where(Car.vehicle_class == code)
    if args.zip:
        q = q.where(Car.zip_code == args.zip.strip())
    with desk.db.session() as s:
        cars = [{**car_json(c), "distance_unit": unit} for c, unit in s.execute(q)]
    columns = {"CAR": "car_id", "PLATE": "plate_number", "CLASS": "vehicle_class", "ZIP": "zip_code",
               "STATUS": "status", "MODEL": "model", "YEAR": "year", "PER DAY": "cost_per_day"}
    def row(c: dict[str, Any]) -> list[object]:  # the desk's words: a class's name, a status's word
        shown = {**c, "vehicle_class": desk.class_name(c["vehicle_class"]), "status": status_word(c["status"]),
                 "cost_per_day": money(c["cost_per_day"])}
        return [*(shown[key] for key in columns.values()), distance(c["odometer"], c["distance_unit"])]

    text = (
        format_table([*columns, "ODOMETER"], (row(c) for c in cars))
        if cars
        else "No cars match."
    )
    desk.emit(cars, text)


def cmd_reserve(desk: Desk, args: argparse.Namespace) -> None:
    vehicle_class = desk.class_code(args.vehicle_class)
    zone = desk.zone(args.zip)
    start = parse_time(args.start, zone, option="--start")
    end = parse_time(args.end, zone, option="--end")
    car_id = desk.resolve_car(args.car) if args.car is not None else None
    try:
        r = desk.service.create_reservation(
            email=args.email,
            name=args.name,
            phone=args.phone,
            vehicle_class=vehicle_class,
            zip_code=args.zip,
            start=start,
            end=end,
            car_id=car_id,
            driver_id=args.driver,
            extras=chosen(desk, args.zip, args.extra),
            return_zip_code=args.return_zip,
        )
    except NotAvailable as exc:
        if exc.field == "extras":  # an extra out of stock: another car would not help
            raise
        ways = [] if car_id is not None else desk.service.ways_out(
            vehicle_class=vehicle_class, zip_code=args.zip, start=start, end=end)
        if not ways:
            raise
        raise NotAvailable(f"{exc.message}; instead: {'; or '.join(w.text for w in ways)}", field=exc.field) from None
    desk.show_reservation(r)


def cmd_availability(desk: Desk, args: argparse.Namespace) -> None:
    vehicle_class = desk.class_code(args.vehicle_class)
    zone = desk.zone(args.zip)
    pool = {
        "vehicle_class": vehicle_class,
        "zip_code": args.zip,
        "start": parse_time(args.start, zone, option="--start"),
        "end": parse_time(args.end, zone, option="--end"),
    }
    svc = desk.service
    svc.is_rental_available(**pool)  # the period's rules, refused with their words
    room = svc.room(**pool)
    ways = svc.ways_out(**pool) if not room.more else []
    reserved = svc.reserved_count(**pool)
    plates = desk.plates(room.cars)
    quote = svc.quote(**pool)
    free = [{"car_id": car_id, "plate_number": plates[car_id]} for car_id in room.cars]
    data = {
        "vehicle_class": room.vehicle_class,
        "zip_code": room.zip_code,
        "start": pool["start"],
        "end": pool["end"],
        "available": room.more > 0,
        "room": room.more,
        "cars_in_service": room.of,
        "reserved_count": reserved,
        "free_cars": free,
        "price": quote,
        "ways_out": [{"kind": w.kind, "vehicle_class": w.vehicle_class, "zip_code": w.zip_code, "start": w.start,
                      "end": w.end, "room": w.room, "text": w.text} for w in ways],
    }
    lines = [
        f"{desk.class_name(room.vehicle_class)} at {room.zip_code}, {iso_local(pool['start'], zone)} to {iso_local(pool['end'], zone)}",
        f"  available     {'yes: ' + room.text() if room.more else room.text()}",
        f"  reserved      {count(reserved, 'overlapping reservation')}",
        f"  price         {money(quote)}",
    ]
    if room.cars:
        on = "any of them" if len(room.cars) == room.of else ", ".join(plates[c] for c in room.cars)
        lines.insert(2, f"  on            {on} (the cars one more booking could go on)")
    for i, w in enumerate(ways):
        lines.append(f"  {'instead' if i == 0 else '':<12}  {w.text}")
    desk.emit(data, "\n".join(lines))


def cmd_list(desk: Desk, args: argparse.Namespace) -> None:
    vehicle_class = desk.check_filters(args.vehicle_class, args.zip)
    zone = desk.zone(args.zip) if args.zip else UTC
    found = desk.service.list_reservations(
        status=args.status,
        zip_code=args.zip,
        vehicle_class=vehicle_class,
        search=args.search,
        starts_from=parse_time(args.starts_from, zone, option="--from") if args.starts_from is not None else None,
        starts_before=(
            parse_time(args.starts_before, zone, option="--to", end_of_day=True)
            if args.starts_before is not None
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
    if not args.round_trip and all(v is None for v in (args.start, args.end, args.name, args.phone, args.return_zip)):
        raise InvalidInput("nothing to change: give --start, --end, --return-zip, --round-trip, --name or --phone")
    current = desk.service.get_reservation(args.reservation)
    zone = desk.zone(current.zip_code)
    start = parse_time(args.start, zone, option="--start") if args.start is not None else None
    end = parse_time(args.end, zone, option="--end") if args.end is not None else None
    back = _return_asked(args, current)
    try:
        r = desk.service.update_reservation(
            current.id, start=start, end=end, name=args.name, phone=args.phone, accept_price=args.accept_price,
            return_zip_code=back,
        )
    except PriceChanged as exc:
        raise PriceChanged(f"{exc.message} (add --accept-price {exc.new})",
                           old=exc.old, new=exc.new, why=exc.why) from None
    if back is not None and r.return_zip_code is not None and r.return_zip_code != current.return_zip_code:
        with desk.db.session() as s:
            unset = drop_fee_rule(s, r.zip_code, r.return_zip_code) is None
        if unset:  # the rule charges none then (rates.drop_fee): the clerk is told, not left to guess
            notice(f"no drop fee is set from {r.zip_code} to {r.return_zip_code}: {r.reference}'s one-way is "
                   "charged none (rentaldesk rates import sets one)", sys.stderr, as_json=desk.as_json)
    if r.price != current.price:
        desk.emit(reservation_json(r), format_reservation(r, zone, desk.class_name(r.vehicle_class)) + f"\n  price was {money(current.price)}, "
                  f"now {money(r.price)}")
        return
    desk.show_reservation(r)


def _return_asked(args: argparse.Namespace, current: Reservation) -> str | None:
    """The return location ``update`` asks for: None (unchanged), the pick-up's zip code (back to a
    round trip: ``--round-trip``), or the zip code typed, which the engine checks
    (:func:`rentaldesk.reservations.return_location`: an unknown one names the branches)."""
    if args.round_trip:
        return current.zip_code
    if args.return_zip is None:
        return None
    typed_zip = str(args.return_zip).strip()
    if not typed_zip:
        raise InvalidInput("--return-zip is empty: give the zip code of the branch the car is to be returned at, "
                           "or --round-trip", field="return_zip_code")
    if typed_zip == current.zip_code:
        raise InvalidInput(f"--return-zip {typed_zip} is where {current.reference} is picked up: for a round trip, "
                           "give --round-trip", field="return_zip_code")
    return typed_zip


def cmd_cancel(desk: Desk, args: argparse.Namespace) -> None:
    desk.show_reservation(desk.service.cancel_reservation(args.reservation))


def cmd_expire(desk: Desk, args: argparse.Namespace) -> None:
    expired = desk.service.mark_reservations_expired()
    desk.emit({"expired": expired}, f"{count(expired, 'reservation')} marked expired.")


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
    from ..sync.branch import BranchSync

    settings = desk.settings
    if settings is None or not settings.kafka.enabled:
        raise InvalidInput("sync needs a broker: --kafka HOST:PORT or RENTALDESK_KAFKA", field="kafka")

    def start() -> Callable[[], None]:
        sync = BranchSync(desk.db, desk.service, settings.kafka, settings.branch)
        sync.start()  # at once: it connects in the background, the counter goes on meanwhile
        warm_up()
        notice(f"branch {settings.branch} syncing with {settings.kafka.bootstrap} "
               f"(topics {settings.kafka.topic_prefix}.*); Ctrl-C stops", sys.stderr, as_json=desk.as_json)
        return sync.stop

    _until_signalled(start)


def cmd_hq(desk: Desk, args: argparse.Namespace) -> None:
    """Run head office (booking authority, fleet service, notifications) until stopped."""
    import threading

    from ..hq.service import HeadOffice
    from ..sync.topics import connect_when_reachable

    settings = desk.settings
    if settings is None or not settings.kafka.enabled:
        raise InvalidInput("head office needs a broker: --kafka HOST:PORT or RENTALDESK_KAFKA", field="kafka")

    def start() -> Callable[[], None] | None:
        notice(f"head office starting on {settings.kafka.bootstrap} (topics {settings.kafka.topic_prefix}.*); "
               "Ctrl-C stops", sys.stderr, as_json=desk.as_json)
        warm_up()
        office = connect_when_reachable(
            lambda: HeadOffice(desk.db, settings, notifications=not args.no_mail),
            threading.Event(),  # never set: a signal interrupts the wait
            "head office", settings.kafka.bootstrap,
        )
        if office is None:  # given up once its stop is set, which this Event never is
            return None
        office.start()
        return office.stop

    _until_signalled(start)
