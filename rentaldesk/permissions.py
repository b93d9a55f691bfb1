"""Who may do what: the one permission table, and the one check every service makes.

Each service function that reads or changes the business starts with ``require(Permission.X, db)``
(``db`` a :class:`~rentaldesk.db.Database` or an open ``Session``): the check reads
:func:`rentaldesk.actor.current_actor` and raises :class:`~rentaldesk.errors.PermissionDenied`, so
the desk, the command line, a file import, head office and the web site are held to the same rule
(the desk also disables the buttons a role lacks, but that is only a courtesy).

The roles (:data:`GRANTS`): a clerk books, changes, cancels, checks out and in and takes payments; a
manager also edits and imports the fleet, overrides prices, writes off, refunds, manages the drivers
and the do-not-rent list, cancels without a fee, reads the audit trail and head office's dashboard on
the web site; an admin also manages the staff, the branches, the rates and the settings. A service process acts as its service account (``sync``, ``hq``,
``web``: role ``service``) and gets what that process needs, nothing else.

Nobody signed in (:data:`~rentaldesk.actor.SYSTEM`) may do everything **only while the database has
no staff account** (a new database, the sample data, a test of one piece): there is nobody to
protect yet, and the first admin is made in that state. From the first account on, an unsigned
call is refused like any other missing permission. (Accounts are deactivated, never deleted, so
that state never comes back; it is remembered per database once seen.)
"""

from __future__ import annotations

import enum
import threading
import weakref
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .actor import SYSTEM, Actor, current_actor
from .db import Database
from .errors import PermissionDenied
from .models import Staff


class Permission(str, enum.Enum):
    """One thing a role may do; the value is the word an error names."""

    VIEW = "view"
    BOOK = "book"
    CHANGE = "change"
    CANCEL = "cancel"
    CANCEL_WITHOUT_FEE = "cancel without a fee"
    CHECK_OUT = "check out"
    CHECK_IN = "check in"
    TAKE_PAYMENT = "take payments"
    EDIT_CUSTOMER = "edit customers"
    #: Expire reservations, mark no-shows: the day's housekeeping.
    HOUSEKEEPING = "housekeeping"
    OVERRIDE_PRICE = "override prices"
    WRITE_OFF = "write off"
    REFUND = "refund"
    EDIT_FLEET = "edit the fleet"
    IMPORT_FLEET = "import the fleet"
    MANAGE_DRIVERS = "manage drivers"
    DO_NOT_RENT = "manage the do-not-rent list"
    MANAGE_STAFF = "manage staff"
    MANAGE_BRANCHES = "manage branches"
    MANAGE_RATES = "manage rates"
    MANAGE_SETTINGS = "manage settings"
    #: Search and export the audit trail (a record's own History needs only VIEW).
    READ_AUDIT = "read the audit trail"
    #: Head office's dashboard on the web site (rentaldesk/web/dashboard.py): every branch's
    #: bookings, pending and rejected ones with the customers' references, and the pools' use.
    READ_DASHBOARD = "read the dashboard"


P = Permission
_CLERK = frozenset({P.VIEW, P.BOOK, P.CHANGE, P.CANCEL, P.CHECK_OUT, P.CHECK_IN, P.TAKE_PAYMENT, P.EDIT_CUSTOMER,
                    P.HOUSEKEEPING})
_MANAGER = _CLERK | {P.EDIT_FLEET, P.IMPORT_FLEET, P.OVERRIDE_PRICE, P.WRITE_OFF, P.REFUND, P.MANAGE_DRIVERS,
                     P.DO_NOT_RENT, P.CANCEL_WITHOUT_FEE, P.READ_AUDIT, P.READ_DASHBOARD}
_ADMIN = frozenset(Permission)

#: Staff roles, in rising order.
ROLES = ("clerk", "manager", "admin")
#: The service accounts a process may act as (role ``service``).
SERVICE_ACCOUNTS = ("sync", "hq", "web")

#: The one table: a grant (a staff role, or ``service:<account>``) and what it may do.
GRANTS: dict[str, frozenset[Permission]] = {
    "clerk": _CLERK,
    "manager": _MANAGER,
    "admin": _ADMIN,
    # a branch's sync applies head office's fleet (cars through the fleet's one write path) and
    # expires the reservations nobody picked up
    "service:sync": frozenset({P.VIEW, P.EDIT_FLEET, P.HOUSEKEEPING}),
    # head office applies branches' car requests and runs the day's housekeeping
    "service:hq": frozenset({P.VIEW, P.EDIT_FLEET, P.HOUSEKEEPING}),
    # the web site books, changes and cancels for a signed-in customer and edits their own details
    "service:web": frozenset({P.VIEW, P.BOOK, P.CHANGE, P.CANCEL, P.EDIT_CUSTOMER}),
}


def grant_of(actor: Actor) -> str:
    """The :data:`GRANTS` key of ``actor``: its role, or ``service:<username>`` for a service."""
    return f"service:{actor.username}" if actor.role == "service" else actor.role


def service_actor(account: str, branch: str | None = None) -> Actor:
    """The actor of a service process (``sync``, ``hq``, ``web``)."""
    if account not in SERVICE_ACCOUNTS:
        raise ValueError(f"unknown service account {account!r}")
    return Actor(account, "service", branch, SYSTEM.workstation)


def allowed(actor: Actor, permission: Permission) -> bool:
    """Whether ``actor``'s grant holds ``permission`` (SYSTEM's first-start freedom aside)."""
    return permission in GRANTS.get(grant_of(actor), frozenset())


# Engines known to hold a staff account: staff rows are never deleted, so once true it stays true
# and the query is made only until then.
_staffed: weakref.WeakSet[Engine] = weakref.WeakSet()
_staffed_lock = threading.Lock()


def _has_staff(where: Database | Session) -> bool:
    engine: Any = where.engine if isinstance(where, Database) else where.get_bind()
    with _staffed_lock:
        if engine in _staffed:
            return True
    if isinstance(where, Database):
        with where.session() as s:
            found = s.scalar(select(Staff.id).limit(1)) is not None
    else:
        found = where.scalar(select(Staff.id).limit(1)) is not None
    if found:
        with _staffed_lock:
            _staffed.add(engine)
    return found


def require(permission: Permission, where: Database | Session) -> Actor:
    """The acting person, when they may do ``permission`` on the database of ``where``; else
    :class:`PermissionDenied` naming the permission and who is signed in."""
    actor = current_actor()
    if allowed(actor, permission):
        return actor
    if actor == SYSTEM and not _has_staff(where):
        return actor
    if actor == SYSTEM:
        message = f"Sign in first: this needs the permission to {permission.value}, and nobody is signed in."
    else:
        who = f"{actor.username} ({actor.role})"
        message = f"Not allowed: this needs the permission to {permission.value}; {who} does not have it."
    raise PermissionDenied(message, permission=permission.value, username=actor.username)
