"""The command line's grammar: every command, its flags and their checks (argparse)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from .. import __version__
from ..display import TIME_HELP, parse_money, parse_whole_number, status_code, status_word
from ..errors import InvalidInput
from ..models import ReservationStatus
from .customers import add_commands as add_customer_commands
from .audit import cmd_audit_search
from .mail import cmd_mail_list, cmd_mail_retry, cmd_mail_send
from .desk import Desk
from .output import PROG
from . import contracts as agreements
from . import manifest as day_manifest
from . import payments as cash_up
from . import staff as staff_commands
from .staff import add_user_options
from .commands import (
    cmd_assign,
    cmd_availability,
    cmd_branches_set,
    cmd_cancel,
    cmd_drivers_import,
    cmd_expire,
    cmd_fleet_import,
    cmd_fleet_list,
    cmd_fleet_sample,
    cmd_hq,
    cmd_list,
    cmd_reserve,
    cmd_show,
    cmd_sync,
    cmd_update,
)
from .extras import cmd_extras_list
from .web import add_command as add_web_flags, cmd_web
from .kafka import register as add_kafka_commands
from ..config import Settings
from .rates import cmd_rates_import, cmd_rates_show


ALLOW_NEW_HELP = ("allow new classes and locations: add the vehicle classes and zip codes the file names that "
                  "are not known yet (without it each is a problem on its line, so a typo creates nothing)")


class _Once(argparse._StoreAction):
    """A flag's value, given once: a second ``--class`` is an error, not the one that wins."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        _seen_once(parser, self, option_string)
        super().__call__(parser, namespace, values, option_string)


class _OnceTrue(argparse._StoreTrueAction):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        _seen_once(parser, self, option_string)
        super().__call__(parser, namespace, values, option_string)


#: The flags given so far in this parse of the command line (global ones and the subcommand's).
_GIVEN: ContextVar[set[str] | None] = ContextVar("rentaldesk_flags_given", default=None)


def _seen_once(parser: argparse.ArgumentParser, action: argparse.Action, option_string: str | None) -> None:
    given = _GIVEN.get()
    if given is None or action.dest == argparse.SUPPRESS:
        return
    if action.dest in given:
        flag = "/".join(action.option_strings) or option_string or action.dest
        parser.error(f"{flag} is given more than once")
    given.add(action.dest)


class CommandParser(argparse.ArgumentParser):
    """argparse with the command line's rules: a flag is given once; a usage error is one line
    (what is wrong, then "see --help"), as JSON on stderr with ``--json``, exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)
        self.register("action", "store_true", _OnceTrue)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        if _GIVEN.get() is not None:  # a subcommand's parser, inside the whole command line's parse
            return super().parse_known_args(args, namespace)
        token = _GIVEN.set(set())
        try:
            return super().parse_known_args(args, namespace)
        finally:
            _GIVEN.reset(token)

    def error(self, message: str) -> NoReturn:
        first = (message.strip().splitlines() or ["bad usage"])[0]
        raise UsageError(f"{first}; see {self.prog} --help")


class UsageError(InvalidInput):
    """The command line itself is wrong (an unknown flag, a missing one, one given twice)."""


def _whole_number(option: str, *, least: int) -> Callable[[str], int]:
    """A flag's whole number, checked by :func:`rentaldesk.display.parse_whole_number`."""
    def parse(text: str) -> int:
        return parse_whole_number(text, option=option, least=least)

    return parse


def _amount(text: str, option: str = "--accept-price") -> Decimal:
    """An amount of money as a clerk types it (:func:`rentaldesk.display.parse_money`)."""
    return parse_money(text, option=option)


def _status(text: str) -> str:
    """A reservation status as the desk says it ('on rent') or as it is stored ('active'); another
    is a usage error ("argument --status: 'lost' is not a status; use one of ...; see --help")."""
    try:
        return status_code(text, (s.value for s in ReservationStatus), option="")
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(str(exc).strip()) from None


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
    add_user_options(parser, default)  # issue 13: the command line as a user


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``rentaldesk`` command."""
    common = CommandParser(add_help=False)
    _add_global_options(common, suppress=True)

    parser = CommandParser(
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
        group: argparse._SubParsersAction[CommandParser],
        name: str,
        handler: Callable[[Desk, argparse.Namespace], None],
        help_text: str,
        *,
        creates: bool = False,
    ) -> argparse.ArgumentParser:
        sub = group.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler, creates=creates)
        return sub

    def period(sub: argparse.ArgumentParser, *, required: bool) -> None:
        sub.add_argument("--start", required=required, metavar="TIME", help=f"pick-up time ({TIME_HELP})")
        sub.add_argument("--end", required=required, metavar="TIME", help="return time")

    def pool(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--class", dest="vehicle_class", required=True, metavar="CLASS", help="vehicle class: its code or its name (SUV, Minivan)"
        )
        sub.add_argument("--zip", required=True, metavar="ZIP", help="zip code of the branch")

    fleet = commands.add_parser(
        "fleet", help="import and list the cars", description="The cars of the fleet."
    )
    fleet_actions = fleet.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(fleet_actions, "import", cmd_fleet_import, "import cars from a CSV file (all rows or none)",
                  creates=True)
    sub.add_argument("file", type=_existing_file, metavar="FILE")
    sub.add_argument("--allow-new", action="store_true", help=ALLOW_NEW_HELP)
    sub = command(fleet_actions, "sample", cmd_fleet_sample,
                  "load the sample branches, classes, drivers and cars (e.g. into a new head-office database)",
                  creates=True)
    sub.add_argument("--with-staff", action="store_true",
                     help="also make the demo accounts demo-admin, demo-manager and demo-clerk (only on a database "
                          "without accounts), each with a fresh password shown this once")
    sub = command(fleet_actions, "list", cmd_fleet_list, "list the cars")
    sub.add_argument("--class", dest="vehicle_class", metavar="CLASS", help="only this vehicle class (its code or name)")
    sub.add_argument("--zip", metavar="ZIP", help="only this branch")

    branches = commands.add_parser("branches", help="set a branch's settings",
                                   description="A branch's settings (an admin's; the branches file holds them too).")
    branch_actions = branches.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(branch_actions, "set", cmd_branches_set, "set settings of a branch (the others stay)")
    sub.add_argument("--zip", required=True, metavar="ZIP", help="the branch's zip code")
    sub.add_argument("--lock-after", metavar="MINUTES",
                     help="lock the desk after this many minutes without use (1 to 240; default 5)")

    rates = commands.add_parser("rates", help="show and import the rate plans",
                                description="The rate plans, taxes and one-way fees of the branches.")
    rate_actions = rates.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(rate_actions, "show", cmd_rates_show, "show the rate plans, taxes and drop fees")
    sub.add_argument("--class", dest="vehicle_class", metavar="CLASS", help="only this vehicle class")
    sub.add_argument("--zip", metavar="ZIP", help="only this branch")
    sub = command(rate_actions, "import", cmd_rates_import,
                  "import rate plans, taxes and drop fees from a TOML file (all or nothing)", creates=True)
    sub.add_argument("file", type=_existing_file, metavar="FILE")

    drivers = commands.add_parser("drivers", help="import drivers", description="The chauffeurs.")
    driver_actions = drivers.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(
        driver_actions, "import", cmd_drivers_import, "import drivers from a CSV file (all rows or none)",
        creates=True,
    )
    sub.add_argument("file", type=_existing_file, metavar="FILE")
    sub.add_argument("--allow-new", action="store_true", help=ALLOW_NEW_HELP)

    sub = command(commands, "reserve", cmd_reserve, "book a car of a class at a branch")
    sub.add_argument("--email", required=True, help="the customer's email (identifies the customer)")
    sub.add_argument("--name", required=True, help="the customer's name")
    sub.add_argument("--phone", help="the customer's phone number")
    pool(sub)
    period(sub, required=True)
    sub.add_argument(
        "--car", metavar="CAR", help="this car (plate number or car id) instead of any of the class"
    )
    sub.add_argument("--driver", type=_whole_number("--driver", least=1), metavar="DRIVER_ID", help="with this chauffeur")
    sub.add_argument("--extra", action="append", metavar="CODE[:QTY]",
                     help="an extra or cover from the branch's list (`rentaldesk extras list`); repeat for several")
    sub.add_argument("--return-zip", metavar="ZIP",
                     help="return the car at this branch (a one-way rental, with its drop fee); default: --zip")

    extras = commands.add_parser("extras", help="list the extras and cover of the branches",
                                 description="The extras and cover each branch offers (issue 11).")
    extra_actions = extras.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(extra_actions, "list", cmd_extras_list, "list the extras, their prices and stock")
    sub.add_argument("--zip", metavar="ZIP", help="only this branch")

    sub = command(
        commands, "availability", cmd_availability, "can a class be booked at a branch for a period?"
    )
    pool(sub)
    period(sub, required=True)

    mails = commands.add_parser("mail", help="send a standalone branch's customer mails",
                                description="The agreement and receipt mails of a standalone branch with a mail "
                                            "server (in a network head office sends them).")
    mail_actions = mails.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    command(mail_actions, "send", cmd_mail_send,
            "send the mails due, each once, retrying later a server that is down (run it from cron)")
    command(mail_actions, "list", cmd_mail_list, "list the mails that could not be sent")
    sub = command(mail_actions, "retry", cmd_mail_retry, "queue mails that could not be sent again")
    sub.add_argument("ids", nargs="*", type=_whole_number("ID", least=1), metavar="ID", help="the mails' ids")
    sub.add_argument("--all", action="store_true", help="every mail not sent")

    trail = commands.add_parser("audit", help="search the audit trail",
                                description="Who changed what, when and where (at head office: every branch's too).")
    trail_actions = trail.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(trail_actions, "search", cmd_audit_search,
                  "the audit entries by user, time and record (all when no filter is given), oldest first")
    # (--by: --user is who runs the command, on every command)
    sub.add_argument("--by", dest="by_user", metavar="USERNAME", help="only this user's changes (any case)")
    sub.add_argument("--from", dest="since", metavar="TIME", help=f"at or after this time (UTC; {TIME_HELP})")
    sub.add_argument("--to", dest="until", metavar="TIME", help="before this time (a date alone includes that day)")
    sub.add_argument("--record", metavar="RECORD",
                     help="one record: a reference, plate, email, licence or id, or KIND:ID "
                          "(reservation, car, customer, driver, payment, staff, agreement, damage)")
    sub.add_argument("--csv", metavar="FILE", help="also write the entries to FILE as CSV")
    sub.add_argument("--limit", type=_whole_number("--limit", least=1), metavar="N", help="at most N entries")

    reservations = commands.add_parser(
        "reservations", help="find and change reservations", description="Find and change reservations."
    )
    actions = reservations.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)
    sub = command(actions, "list", cmd_list, "list reservations by pick-up time")
    sub.add_argument(
        "--status",
        action="append",
        type=_status,
        metavar="STATUS",
        help=f"only this status, as the desk says it ({', '.join(status_word(s.value) for s in ReservationStatus)}) "
             "or as --json writes it (active, completed); repeat for several",
    )
    sub.add_argument("--zip", metavar="ZIP", help="only this branch")
    sub.add_argument("--class", dest="vehicle_class", metavar="CLASS", help="only this vehicle class (its code or name)")
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
    sub.add_argument("--limit", type=_whole_number("--limit", least=1), metavar="N", help="at most N reservations")

    reservation_help = "reservation id or reference"
    sub = command(actions, "show", cmd_show, "show one reservation")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub = command(actions, "update", cmd_update,
                  "change the period, the return location or the customer's name or phone")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    period(sub, required=False)
    sub.add_argument("--name", help="the customer's name")
    sub.add_argument("--phone", help="the customer's phone number")
    back = sub.add_mutually_exclusive_group()
    back.add_argument("--return-zip", metavar="ZIP",
                      help="return the car at this branch (one-way, with its drop fee)")
    back.add_argument("--round-trip", action="store_true",
                      help="return the car where it is picked up (no drop fee): a one-way no more")
    sub.add_argument("--accept-price", type=_amount, metavar="AMOUNT",
                     help="the new price the customer accepted; a new period that changes the price is refused "
                          "without it, naming the old and new price and why")
    sub = command(actions, "cancel", cmd_cancel, "cancel a reservation (its car is free at once)")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    day_manifest.add_no_show(actions, command)
    sub = command(actions, "assign", cmd_assign,
                  "give a reservation another car at its booked price: of its pool, a higher class, or "
                  "another location (the way out for one that needs a car)")
    sub.add_argument("reservation", metavar="ID_OR_REFERENCE", help=reservation_help)
    sub.add_argument("--car", required=True, metavar="CAR", help="the car (plate number or car id)")
    # the customer takes the car, and brings it back: the check-out and check-in of the agreement
    agreements.add_check_out_flags(command(actions, "pickup", agreements.cmd_check_out,
                                           "the customer takes the car: its check-out (as agreements check-out)"))
    agreements.add_check_in_flags(command(actions, "return", agreements.cmd_reservation_return,
                                          "the car is back: its check-in (as agreements check-in)"), key="reservation")
    command(actions, "expire", cmd_expire, "mark reservations not picked up before their end as expired")

    agreements.register(commands, command)
    day_manifest.register(commands, command)  # issue 11: the day's manifest
    cash_up.register(commands, command)  # issue 11: the cash-up
    staff_commands.register(commands, command)  # issue 13: staff accounts
    add_customer_commands(commands, command, whole=lambda flag: _whole_number(flag, least=0),
                          amount=lambda text: _amount(text, "--young-driver-fee"))

    sub = command(commands, "web", cmd_web, "serve the customers' web site on this database (needs the web extra)")
    add_web_flags(sub)

    command(commands, "sync", cmd_sync, "run this branch's sync with head office (needs --kafka and --branch)",
            creates=True)
    def settings_command(group: argparse._SubParsersAction[CommandParser], name: str,
                         handler: Callable[[Settings, argparse.Namespace], None], help_text: str) -> argparse.ArgumentParser:
        """A command that reads the settings only (it opens no database)."""
        sub = group.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(settings_handler=handler, creates=False)
        return sub

    add_kafka_commands(commands, settings_command)
    sub = command(commands, "hq", cmd_hq, "run head office: booking authority, fleet and notification services",
                  creates=True)
    sub.add_argument("--no-mail", action="store_true", help="do not run the notification service")
    return parser
