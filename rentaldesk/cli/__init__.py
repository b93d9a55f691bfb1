"""The ``rentaldesk`` command: the counter's reservation and fleet tasks from a terminal.

With no command it opens the desk app (:mod:`rentaldesk.gui`) when there is a screen to show it on,
else (or with ``--status`` or ``--json``) it prints a short status of the database and the help:
:func:`run_app` is that path. Every command works on the database of ``--db``, else
``$RENTALDESK_DB``, else the default SQLite file, which is filled with the sample data the first time
it is created (see :func:`open_desk_database`).

Exit status: 0 done; 2 refused (a rule said no, a bad value, an unknown reservation, a usage error:
one line on stderr, as JSON with ``--json``, nothing saved); 1 an unexpected failure (one line on
stderr; ``-v`` logs the traceback); 141 the reader of the output went away (``| head``), silently.

Times are ISO 8601. A time without an offset is the branch's local time (the ``Branch.time_zone`` of
the zip code); a date alone is midnight there. Human output shows times in the branch's time zone
with the offset; ``--json`` output shows them in UTC.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from .. import __version__
from .. import actor as actors
from ..config import Settings, load_settings
from ..display import check_text, count
from ..db import Database
from ..errors import FleetFileError, InvalidInput, PriceChanged, RentalError
from ..permissions import service_actor
from ..logs import setup_logging
from ..text import printable, typed
from .desk import Desk, database_counts, make_service, open_desk_database
from .output import EXIT_FAILED, EXIT_OK, EXIT_PIPE_CLOSED, EXIT_REFUSED, PROG, json_log_lines, notice, to_json
from .parser import build_parser
from .staff import branch_zip, sign_in_from

log = logging.getLogger("rentaldesk.cli")


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
    wants_app = args.gui or args.quit_after_show or not (args.status or args.json)
    db = open_desk_database(settings, notice=sys.stderr, create=wants_app, as_json=args.json)
    if wants_app and (args.gui or args.quit_after_show or display_available()):
        from ..gui.app import run_desk  # Qt only here: the commands and the core never load it

        act_as(db, settings, args)
        service = make_service(db, settings)
        sync = None
        if settings.kafka.enabled:  # a branch of the network: the same sync loop, in worker threads
            from ..sync.branch import BranchSync

            sync = BranchSync(db, service, settings.kafka, settings.branch)
            sync.start()
        from ..hq.branch_mail import BranchMail

        mail = service.mail if isinstance(service.mail, BranchMail) else None
        if mail is not None:  # standalone with a mail server: the customers' mails, in a thread of the desk
            mail.start()
        try:
            return run_desk(db, service, quit_after_show=args.quit_after_show, branch=branch_zip(db, settings))
        finally:
            if sync is not None:
                sync.stop()
            if mail is not None:
                mail.close()
            actors.sign_in(None)
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
    if getattr(args, "settings_handler", None) is not None:
        args.settings_handler(settings, args)
        return EXIT_OK
    db = open_desk_database(settings, notice=sys.stderr, create=args.creates, as_json=args.json)
    try:
        act_as(db, settings, args)
        args.handler(Desk(db, as_json=args.json, settings=settings), args)
    finally:
        actors.sign_in(None)
        db.close()
    return EXIT_OK


#: The commands that run a service process, and the service account each acts as.
SERVICE_COMMANDS = {"sync": "sync", "hq": "hq", "web": "web"}


def act_as(db: Database, settings: Settings, args: argparse.Namespace) -> None:
    """Sign this process in: a service command as its service account, else as ``--user`` (when given).
    Without either, the core refuses everything once the database has staff accounts."""
    account = SERVICE_COMMANDS.get(args.command or "")
    if account is None:
        sign_in_from(db, settings, args)
        return
    if getattr(args, "user", None) is not None:
        raise InvalidInput(f"--user is for people: `{args.command}` acts as its service account '{account}'",
                           field="user")
    actors.sign_in(service_actor(account, settings.branch or None))


def report_refusal(exc: RentalError, stream: TextIO, *, as_json: bool = False) -> None:
    """Why a command was refused: one line (with ``as_json`` a JSON object on one line: ``error``,
    ``field``, and for a bad fleet or drivers file ``problems``); for a bad file, also every problem."""
    problems = exc.problems if isinstance(exc, FleetFileError) else []
    if as_json:
        data: dict[str, object] = {"error": typed(str(exc), limit=MESSAGE_LIMIT), "field": exc.field,
                                   "exit_status": EXIT_REFUSED}
        if isinstance(exc, PriceChanged):  # what a script needs to accept it: --accept-price NEW
            data.update(old=str(exc.old), new=str(exc.new), why=exc.why)
        if problems:
            data["problems"] = [{"line": line, "field": column, "message": message}
                                for line, column, message in problems]
        print(json.dumps(data, ensure_ascii=False), file=stream)
        return
    if isinstance(exc, FleetFileError):
        n = len(exc.problems)
        print(f"{PROG}: error: {printable(exc.path)}: {count(n, 'problem')}; nothing was imported", file=stream)
        for line, column, message in problems:
            where = "".join(
                [f", line {line}" if line else "", f", field '{column}'" if column else ""]
            )
            print(printable(f"  {exc.path}{where}: {message}"), file=stream)
        return
    print(f"{PROG}: error: {typed(str(exc), limit=MESSAGE_LIMIT)}", file=stream)


#: How long a refusal's line may be: what a user typed is quoted in it (cut at its source), and an
#: engine's refusal names its ways out (a few hundred characters), which must not be cut.
MESSAGE_LIMIT = 2_000


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON, read before (or without) a successful parse."""
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def main(argv: Sequence[str] | None = None) -> int:
    """The ``rentaldesk`` command; returns the exit status."""
    given = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(given)
    log_file = None
    try:
        for n, arg in enumerate(given, 1):
            check_text(arg, option=f"argument {n}")
        args = build_parser().parse_args(given)  # a usage error is a RentalError (UsageError)
        log_file = setup_logging(args.verbose)
        if as_json:
            json_log_lines()
        status = run_app(args) if args.command is None else run_command(args)
        sys.stdout.flush()  # here, so a reader gone away is caught below
        return status
    except RentalError as exc:
        log.info("refused: %s", exc)
        report_refusal(exc, sys.stderr, as_json=as_json)
        return EXIT_REFUSED
    except BrokenPipeError:
        # The reader of the output went away (`| head`): nothing to say, no one to say it to.
        # Later writes (the interpreter's last flush) go nowhere instead of failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_PIPE_CLOSED
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            return _unexpected(exc, log_file, as_json=as_json)
        # the output's disk (or a device such as /dev/full) is full: one line, and later writes go nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        report_refusal(RentalError("cannot write the output: the disk is full"), sys.stderr, as_json=as_json)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        notice("interrupted", sys.stderr, as_json=as_json)
        return 130
    except Exception as exc:
        return _unexpected(exc, log_file, as_json=as_json)


def _unexpected(exc: BaseException, log_file: object, *, as_json: bool) -> int:
    """An error nothing foresaw: the traceback goes to the log file (and to stderr only with -v),
    stderr gets one line."""
    log.error("unexpected error", exc_info=exc, extra={"console": False})
    first_line = typed((str(exc).strip().splitlines() or [""])[0], limit=MESSAGE_LIMIT)
    where = f"details in {log_file}" if log_file else "run with -v for details"
    if as_json:
        print(json.dumps({"error": f"unexpected error: {type(exc).__name__}: {first_line}",
                          "field": None, "exit_status": EXIT_FAILED}), file=sys.stderr)
    else:
        print(f"{PROG}: unexpected error: {type(exc).__name__}: {first_line} ({where})", file=sys.stderr)
    return EXIT_FAILED
