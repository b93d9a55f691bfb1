"""The command line as a user (issue 13): ``--user NAME`` signs a command in, and ``rentaldesk staff``
manages the accounts (an admin; or anyone on a database with no account yet, to make the first admin).

The password comes from ``--password-file FILE`` (its first line), else ``$RENTALDESK_PASSWORD``,
else a prompt when there is a terminal (never echoed); without any of them the command is refused.
A new account's password comes the same way from ``--new-password-file`` / ``$RENTALDESK_NEW_PASSWORD``
/ a prompt asked twice. The service processes (``sync``, ``hq``, ``web``) act as their service
account (:func:`rentaldesk.permissions.service_actor`), which may do what that process needs only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .. import actor as actors
from .. import staff
from ..permissions import ROLES
from ..config import Settings
from ..db import Database
from ..errors import InvalidInput
from ..models import Branch
from .desk import Desk
from .output import format_table, to_json

PASSWORD_ENV = "RENTALDESK_PASSWORD"
NEW_PASSWORD_ENV = "RENTALDESK_NEW_PASSWORD"


def add_user_options(parser: argparse.ArgumentParser, default: Callable[[object], object]) -> None:
    """``--user`` and ``--password-file``: options every command takes."""
    parser.add_argument("--user", metavar="NAME", default=default(None),
                        help="act as this staff member (password: --password-file, $RENTALDESK_PASSWORD "
                             "or a prompt)")
    parser.add_argument("--password-file", metavar="FILE", default=default(None),
                        help="read the --user password from the first line of FILE")


def _secret(path: str | None, env: str, prompt: str, *, field: str, twice: bool = False) -> str:
    if path is not None:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not readable text"
            raise InvalidInput(f"cannot read the password file {path}: {reason}", field=field) from exc
        if not lines or not lines[0]:
            raise InvalidInput(f"the password file {path} is empty", field=field)
        return lines[0]
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise InvalidInput(f"no password: give it in a file (--{field.replace('_', '-')}-file), "
                           f"in ${env}, or run the command in a terminal", field=field)
    first = getpass.getpass(prompt)
    if twice and getpass.getpass("again: ") != first:
        raise InvalidInput("the two passwords differ; nothing was changed", field=field)
    return first


def branch_zip(db: Database, settings: Settings | None) -> str | None:
    """Where this command acts: the zip code of ``--branch``, else of the database's only branch,
    else None (head office, or a database of several branches)."""
    with db.session() as s:
        if settings is not None and settings.branch:
            found = s.scalar(select(Branch.zip_code).where(Branch.code == settings.branch))
            if found is not None:
                return found
        zips = list(s.scalars(select(Branch.zip_code).limit(2)))
    return zips[0] if len(zips) == 1 else None


def sign_in_from(db: Database, settings: Settings | None, args: argparse.Namespace) -> actors.Actor | None:
    """Sign the process in as ``--user`` (the password asked for as the module says); None without it."""
    user = getattr(args, "user", None)
    if user is None:
        if getattr(args, "password_file", None) is not None:
            raise InvalidInput("--password-file needs --user NAME", field="user")
        return None
    password = _secret(getattr(args, "password_file", None), PASSWORD_ENV, f"password for {user}: ",
                       field="password")
    who = staff.sign_in(db, user, password, branch=branch_zip(db, settings))
    actors.sign_in(who)
    return who


def register(commands: argparse._SubParsersAction[Any], command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``rentaldesk staff add|list|deactivate|password``."""
    group = commands.add_parser("staff", help="the staff accounts (an admin)",
                                description="Who signs in: name, username, role, branches. An admin's task; "
                                            "on a database without accounts, `staff add` makes the first admin.")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub = command(actions, "add", cmd_add, "add an account")
    sub.add_argument("username", metavar="USERNAME")
    sub.add_argument("--name", required=True, help="the person's name")
    sub.add_argument("--role", required=True, choices=ROLES, help="what they may do")
    sub.add_argument("--works-at", action="append", default=[], metavar="ZIP",
                     help="a branch they sign in at (repeat; none: every branch)")
    _new_secret_options(sub)
    command(actions, "list", cmd_list, "list the accounts")
    sub = command(actions, "deactivate", cmd_deactivate, "end an account (it is kept, and cannot sign in)")
    sub.add_argument("username", metavar="USERNAME")
    sub = command(actions, "password", cmd_password, "set an account's password (and PIN)")
    sub.add_argument("username", metavar="USERNAME")
    _new_secret_options(sub)


def _new_secret_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--new-password-file", metavar="FILE",
                     help=f"the account's password, first line of FILE (else ${NEW_PASSWORD_ENV} or a prompt)")
    sub.add_argument("--pin-file", metavar="FILE", help="also a PIN (4-8 digits) to unlock the desk, from FILE")


def _new_password(args: argparse.Namespace) -> tuple[str, str | None]:
    password = _secret(args.new_password_file, NEW_PASSWORD_ENV, f"new password for {args.username}: ",
                       field="new_password", twice=True)
    pin = None
    if args.pin_file is not None:
        pin = _secret(args.pin_file, "", "", field="pin")
    return password, pin


def _show(desk: Desk, people: list[staff.StaffView]) -> None:
    if desk.as_json:
        print(to_json([{"username": p.username, "name": p.name, "role": p.role, "branches": list(p.branches),
                        "active": p.active, "pin": p.has_pin} for p in people]), file=desk.out)
        return
    rows = [[p.username, p.name, p.role, ", ".join(p.branches) or "all", "yes" if p.active else "no",
             "yes" if p.has_pin else "no"] for p in people]
    print(format_table(["username", "name", "role", "branches", "active", "PIN"], rows), file=desk.out)


def cmd_add(desk: Desk, args: argparse.Namespace) -> None:
    password, pin = _new_password(args)
    _show(desk, [staff.add_staff(desk.db, username=args.username, name=args.name, role=args.role,
                                 password=password, branches=args.works_at, pin=pin)])


def cmd_list(desk: Desk, args: argparse.Namespace) -> None:
    _show(desk, staff.list_staff(desk.db))


def cmd_deactivate(desk: Desk, args: argparse.Namespace) -> None:
    _show(desk, [staff.update_staff(desk.db, args.username, active=False)])


def cmd_password(desk: Desk, args: argparse.Namespace) -> None:
    password, pin = _new_password(args)
    _show(desk, [staff.update_staff(desk.db, args.username, password=password, pin=pin)])
