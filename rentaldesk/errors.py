"""The errors the core raises for a refused request.

Every refusal is a :class:`RentalError`, with a message a clerk can read and ``field`` naming the
input it concerns (``"start"``, ``"end"``, ``"vehicle_class"``, ``"zip_code"``, ``"email"``,
``"driver_id"``, ``"car_id"``...), so a form can show it next to that field.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


class RentalError(Exception):
    """A request the counter refuses; nothing was saved."""

    default_field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field if field is not None else self.default_field

    def __str__(self) -> str:
        return self.message


class InvalidPeriod(RentalError):
    """The period breaks a rule: lead time, minimum length, order, time zone, or it lies in the past."""

    default_field = "start"


class NotAvailable(RentalError):
    """No car of the pool (vehicle class at a zip code) can take the period, or the asked car is busy."""

    default_field = "vehicle_class"


class DuplicateReservation(RentalError):
    """The customer already holds an overlapping live reservation of that class at that zip code."""

    default_field = "email"


class ReservationNotFound(RentalError):
    """No reservation has that id (or reference)."""

    default_field = "reservation"


class UnknownPool(RentalError):
    """The vehicle class or the zip code is not known to this branch."""

    default_field = "vehicle_class"


class DriverUnavailable(RentalError):
    """The asked driver is unknown, inactive, or already on an overlapping reservation."""

    default_field = "driver_id"


class InvalidInput(RentalError):
    """A value that is malformed: an email, a time, a number."""


class PriceChanged(RentalError):
    """A change would alter the reservation's price and the clerk has not accepted the new one.

    ``old`` and ``new`` are the prices, ``why`` says what makes the difference ("2 days more at
    $78.00 a day"); the change goes through once it is asked again with ``accept_price=new``.
    """

    default_field = "price"

    def __init__(self, message: str, *, old: Decimal, new: Decimal, why: str) -> None:
        super().__init__(message)
        self.old = old
        self.new = new
        self.why = why


class FleetFileError(RentalError):
    """Rows of a fleet or drivers file are bad; nothing from that file was saved.

    ``problems`` lists every bad field found as ``(line, column, message)``; the message names the
    first one and counts the rest.
    """

    def __init__(self, path: str, problems: Sequence[tuple[int, str | None, str]]) -> None:
        self.path = path
        self.problems = list(problems)
        line, column, message = self.problems[0]
        where = path + (f", line {line}" if line else "") + (f", field '{column}'" if column else "")
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{where}: {message}{tail}", field=column)


class PermissionDenied(RentalError):
    """The signed-in person's role lacks the permission a request needs (or nobody is signed in on
    a database that has staff accounts); the message names the permission and who is signed in."""

    default_field = "user"

    def __init__(self, message: str, *, permission: str, username: str) -> None:
        super().__init__(message)
        self.permission = permission
        self.username = username


class SignInFailed(RentalError):
    """A sign-in refused: a wrong username or password (never saying which), an account not active
    or not of this branch, or too many failures in a row (``wait`` seconds before the next try)."""

    default_field = "password"

    def __init__(self, message: str, *, wait: float = 0.0) -> None:
        super().__init__(message)
        self.wait = wait
