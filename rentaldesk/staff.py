"""Staff accounts: who may sign in where, with what role, and the sign-in itself.

Head office keeps the staff; every account travels to the branches on the compacted fleet topic
(:class:`rentaldesk.sync.events.FleetStaff`, the hashes only), so a clerk signs in at any of their
branches from the branch's own database, also while the broker is down. A standalone branch keeps
its own accounts with the same functions.

Passwords and PINs are kept as Argon2id hashes (argon2-cffi). The parameters, :data:`HASHER`:
19 MiB of memory, two passes, one lane: OWASP's second Argon2id recommendation (as strong as its
first, 46 MiB and one pass, by their reckoning). Why: a sign-in must verify in <= 300 ms on the
2-core box the counter runs on, which other work shares. In one run there at load 13
(bench/bench_signin.py) a verify took 0.32 s with these, 0.74 s with 46 MiB and one pass (the
bigger block thrashes the shared caches), 3.1 s with RFC 9106's second choice (64 MiB, three
passes, four lanes); at load 7 these took 50 ms. One lane, as the box has two cores and a desk
has other work. At load 3 a whole sign-in took 41 ms with these. The memory is what makes a stolen hash costly to guess on a GPU.
Each hash carries its salt and parameters, so changing them later still verifies the old ones.

A failed sign-in says only that the username or password is wrong (never which); after
:data:`FREE_TRIES` failures in a row under one typed username (an unknown one too, so the back-off
tells nothing either) each next try waits a little longer, up to :data:`LONGEST_WAIT`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .actor import SYSTEM, Actor, acting_as
from .db import Database
from .errors import InvalidInput, SignInFailed
from .models import Branch, SignInFailure, Staff
from .permissions import ROLES, Permission, require

HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

#: Failures in a row before the back-off starts, and its longest wait.
FREE_TRIES = 3
LONGEST_WAIT = timedelta(seconds=30)
#: The shortest password, and a PIN's digits.
MIN_PASSWORD = 8
PIN_DIGITS = (4, 8)

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")
WRONG = "Wrong username or password."

# A hash of nothing anyone types: an unknown username is verified against it, so a sign-in takes
# as long whether the name exists or not.
_DUMMY_HASH = HASHER.hash("rentaldesk: no such account")


@dataclass(frozen=True, slots=True)
class StaffView:
    """A staff account as the screens and the command line show it (no hashes)."""

    username: str
    name: str
    role: str
    branches: tuple[str, ...]
    active: bool
    has_pin: bool

    @classmethod
    def of(cls, row: Staff) -> StaffView:
        return cls(row.username, row.name, row.role, split_branches(row.branches), row.active, row.pin_hash is not None)


def normalize_username(typed: str) -> str:
    """A username as stored: trimmed, lower case; 2-32 of letters, digits, ``.``, ``_``, ``-``,
    starting with a letter (:class:`InvalidInput` otherwise)."""
    name = typed.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(f"Username '{typed.strip()[:40]}' is not valid: 2-32 letters, digits, '.', '_' or '-', "
                           "starting with a letter.", field="username")
    return name


def split_branches(text: str) -> tuple[str, ...]:
    return tuple(z for z in (part.strip() for part in text.split(",")) if z)


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"Role '{role[:20]}' is not known: one of {', '.join(ROLES)}.", field="role")
    return role


def _password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"The password is too short: at least {MIN_PASSWORD} characters.", field="password")
    return HASHER.hash(password)


def _pin(pin: str | None) -> str | None:
    if pin is None:
        return None
    if not (pin.isdigit() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
        raise InvalidInput(f"A PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits.", field="pin")
    return HASHER.hash(pin)


def _branches(s: Session, zips: Iterable[str]) -> str:
    wanted = sorted({z.strip() for z in zips if z.strip()})
    known = set(s.scalars(select(Branch.zip_code)))
    unknown = [z for z in wanted if z not in known]
    if unknown:
        raise InvalidInput(f"Branch {', '.join(unknown)} is not known here.", field="branches")
    return ",".join(wanted)


def _find(s: Session, username: str) -> Staff:
    row = s.scalar(select(Staff).where(Staff.username == normalize_username(username)))
    if row is None:
        raise InvalidInput(f"No staff account '{username.strip()[:40]}'.", field="username")
    return row


def add_staff(db: Database, *, username: str, name: str, role: str, password: str,
              branches: Iterable[str] = (), pin: str | None = None, now: datetime | None = None) -> StaffView:
    """A new account (admin; or anyone while the database has none: the first admin)."""
    require(Permission.MANAGE_STAFF, db)
    user = normalize_username(username)
    if not name.strip():
        raise InvalidInput("The staff member's name is missing.", field="name")
    row = Staff(username=user, name=name.strip()[:120], role=_role(role), active=True,
                password_hash=_password(password), pin_hash=_pin(pin), updated_at=_now(now))
    with db.write() as s:
        row.branches = _branches(s, branches)
        if s.scalar(select(Staff.id).where(Staff.username == user)) is not None:
            raise InvalidInput(f"Username '{user}' is taken.", field="username")
        s.add(row)
        s.flush()
        return StaffView.of(row)


def update_staff(db: Database, username: str, *, name: str | None = None, role: str | None = None,
                 branches: Iterable[str] | None = None, active: bool | None = None,
                 password: str | None = None, pin: str | None = None, clear_pin: bool = False,
                 now: datetime | None = None) -> StaffView:
    """Change an account (admin): what is given changes, the rest stays."""
    require(Permission.MANAGE_STAFF, db)
    hashed = _password(password) if password is not None else None
    pin_hash = _pin(pin)
    with db.write() as s:
        row = _find(s, username)
        was_admin = row.active and row.role == "admin"
        if name is not None:
            if not name.strip():
                raise InvalidInput("The staff member's name is missing.", field="name")
            row.name = name.strip()[:120]
        if role is not None:
            row.role = _role(role)
        if branches is not None:
            row.branches = _branches(s, branches)
        if active is not None:
            row.active = active
        if hashed is not None:
            row.password_hash = hashed
        if pin_hash is not None or clear_pin:
            row.pin_hash = pin_hash
        if was_admin and not (row.active and row.role == "admin") and s.scalar(
                select(Staff.id).where(Staff.active.is_(True), Staff.role == "admin").limit(1)) is None:
            # nobody could manage staff again (and the first-start state never comes back)
            raise InvalidInput(f"'{row.username}' is the last active admin: make another admin first.",
                               field="active" if active is False else "role")
        row.updated_at = _now(now)
        s.flush()
        return StaffView.of(row)


def list_staff(db: Database) -> list[StaffView]:
    """Every account, by username (admin)."""
    require(Permission.MANAGE_STAFF, db)
    with db.session() as s:
        return [StaffView.of(r) for r in s.scalars(select(Staff).order_by(Staff.username))]


#: The sample data's demo accounts (``rentaldesk fleet sample --with-staff``): username, name, role.
DEMO_STAFF = (("demo-admin", "Dana Demo", "admin"), ("demo-manager", "Max Demo", "manager"),
              ("demo-clerk", "Cleo Demo", "clerk"))


def refuse_demo_staff(db: Database) -> None:
    """:class:`InvalidInput` when ``db`` has any account: demo accounts are made only on a database
    without staff (asked first by a command that would load more before them)."""
    if has_staff(db):
        raise InvalidInput("This database has staff accounts already; demo accounts are made only on one without "
                           "any (add real ones with: rentaldesk staff add).", field="staff")


def add_demo_staff(db: Database) -> list[tuple[StaffView, str]]:
    """The demo accounts of :data:`DEMO_STAFF` (working at every branch), each with its password.

    Only on a database without any account (else :class:`InvalidInput`, nothing made): demo
    accounts never join a real install's staff. Each password is made fresh here (random, never
    the same twice) and returned only this once; the database keeps its hash alone, so no install
    ever has a known default password."""
    require(Permission.MANAGE_STAFF, db)
    refuse_demo_staff(db)
    with db.session() as s:
        zips = list(s.scalars(select(Branch.zip_code).order_by(Branch.zip_code)))
    made: list[tuple[StaffView, str]] = []
    first_admin = Actor(DEMO_STAFF[0][0], "admin")
    for username, name, role in DEMO_STAFF:
        password = secrets.token_urlsafe(12)  # 16 characters, 96 random bits
        # the first account ends the first-start freedom: the others are made by the demo admin
        with acting_as(first_admin if made else SYSTEM):
            made.append((add_staff(db, username=username, name=name, role=role, password=password,
                                   branches=zips), password))
    return made


def has_staff(db: Database) -> bool:
    """Whether the database has any account (else it is in the first-start state)."""
    with db.session() as s:
        return s.scalar(select(Staff.id).limit(1)) is not None


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def back_off(failures: int) -> timedelta:
    """How long to wait after ``failures`` failed sign-ins in a row: nothing for the first
    :data:`FREE_TRIES`, then 1, 2, 4... seconds, at most :data:`LONGEST_WAIT`."""
    if failures < FREE_TRIES:
        return timedelta(0)
    # capped before the power grows past what a timedelta holds (a name tried all night)
    return timedelta(seconds=min(2 ** min(failures - FREE_TRIES, 16), LONGEST_WAIT.total_seconds()))


def sign_in(db: Database, username: str, secret: str, *, branch: str | None, workstation: str = "",
            pin: bool = False, now: datetime | None = None) -> Actor:
    """The :class:`Actor` of a staff member whose password (or with ``pin`` their PIN) matches, at
    ``branch`` (a zip code; None at head office). An account with no branches (head office's people)
    signs in anywhere; one with branches only at those. Refused with :class:`SignInFailed`: one message for a wrong name or secret, and a wait
    after repeated failures. Does not make the actor current (see :func:`rentaldesk.actor.sign_in`)."""
    return sign_in_session(db, username, secret, branch=branch, workstation=workstation, pin=pin, now=now)[0]


def sign_in_session(db: Database, username: str, secret: str, *, branch: str | None, workstation: str = "",
                    pin: bool = False, now: datetime | None = None) -> tuple[Actor, str]:
    """:func:`sign_in`, and the account's :func:`session_stamp` as the sign-in read it: a session
    that outlives the request (the web's dashboard) keeps it and asks :func:`session_actor` on
    each request, so it ends when the password changes or the account is made inactive."""
    at = _now(now)
    key = username.strip().lower()[:64]
    with db.session() as s:
        failed = s.get(SignInFailure, key)
        if failed is not None:
            wait = failed.last_failed_at + back_off(failed.failures) - at
            if wait > timedelta(0):
                seconds = max(1, round(wait.total_seconds()))
                raise SignInFailed(f"Too many failed sign-ins: wait {seconds} s and try again.",
                                   wait=wait.total_seconds())
        row = s.scalar(select(Staff).where(Staff.username == key))
        stored = (row.pin_hash if pin else row.password_hash) if row is not None else None
        good = _verify(stored or _DUMMY_HASH, secret) and stored is not None
        if not good and pin and row is not None and len(secret) >= MIN_PASSWORD:
            # a password of digits only, typed where a PIN may go: one try, the password's
            good = _verify(row.password_hash, secret)
    if not good or row is None:
        _failed(db, key, at)
        raise SignInFailed(WRONG)
    refused = _refused_at(row, branch)
    if refused:
        raise SignInFailed(refused)
    _succeeded(db, key)
    return Actor(row.username, row.role, branch, workstation or SYSTEM.workstation), _stamp(row)


def _stamp(row: Staff) -> str:
    # A digest of the password's hash (a fresh salt each change, so a new password, even the same
    # one again, gives a new stamp); it says nothing of the password, and a cookie may carry it.
    return hashlib.sha256(f"rentaldesk.staff.session\0{row.username}\0{row.password_hash}".encode()).hexdigest()[:32]


def session_actor(db: Database, username: str, stamp: str, *, branch: str | None = None,
                  workstation: str = "") -> Actor | None:
    """The :class:`Actor` of a session signed in as ``username`` with ``stamp`` (from
    :func:`sign_in_session`) while it still stands: the account is there, may still sign in at
    ``branch`` (active; its branches, as :func:`sign_in` asks) and its password is the one the
    session signed in with; None once it does not (the session is over).
    The role is the account's as it is now, so a permission check on the result follows a change
    of role at once."""
    if not isinstance(username, str) or not isinstance(stamp, str) or not stamp:
        return None
    with db.session() as s:
        row = s.scalar(select(Staff).where(Staff.username == username.strip().lower()[:64]))
        if row is None or _refused_at(row, branch) or not hmac.compare_digest(_stamp(row), stamp):
            return None
        return Actor(row.username, row.role, branch, workstation or SYSTEM.workstation)


def _refused_at(row: Staff, branch: str | None) -> str:
    """Why the account of ``row`` may not be signed in at ``branch`` (None: head office); "" when
    it may. The one rule of a sign-in and of a session still standing."""
    zips = split_branches(row.branches)
    if not row.active:
        return f"The account '{row.username}' is not active; ask an admin."
    if zips and branch is None:
        return (f"The account '{row.username}' signs in at its branches only ({', '.join(zips)}): "
                "say which branch this is.")
    if zips and branch not in zips:
        return f"The account '{row.username}' does not work at branch {branch}."
    return ""


def _verify(stored: str, secret: str) -> bool:
    try:
        return HASHER.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def _failed(db: Database, key: str, at: datetime) -> None:
    with db.write() as s:
        row = s.get(SignInFailure, key) or SignInFailure(username=key, failures=0)
        row.failures += 1
        row.last_failed_at = at
        s.add(row)


def _succeeded(db: Database, key: str) -> None:
    with db.session() as s:
        known = s.get(SignInFailure, key) is not None
    if known:
        with db.write() as s:
            found = s.get(SignInFailure, key)
            if found is not None:
                s.delete(found)
