"""The checks of what a clerk types at check-out, check-in and at the till: readings, amounts,
reasons, references, the deposit, the extras confirmed and the signature.

One rule each, used by :mod:`rentaldesk.contracts` and :mod:`rentaldesk.payments` whatever path the
input came by; every refusal is :class:`~rentaldesk.errors.InvalidInput` naming the field.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from PIL import Image

from rentaldesk import text
from rentaldesk.charges import ExtraChoice
from rentaldesk.errors import InvalidInput
from rentaldesk.models import LARGEST_MONEY
from rentaldesk.rules import odometer_reading

CENT = Decimal("0.01")
#: The fuel gauge is read in eighths: 0 (empty) to 8 (full).
FUEL_FULL = 8
#: How a deposit is taken.
DEPOSIT_METHODS = ("card", "cash")
#: A reason (an upgrade's, a refund's, a write-off's): one line, needed.
REASON = text.TextKind("reason", 200)
#: A card pre-authorisation's, a voucher's or a card payment's reference.
REFERENCE = text.TextKind("reference", 64)
#: The largest signature image kept (bytes).
MAX_SIGNATURE_BYTES = 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"


def reading(value: object, field: str) -> int:
    """An odometer reading (:func:`rentaldesk.rules.odometer_reading`, the one range)."""
    return odometer_reading(value, field)


#: The most a car can sensibly cover per day out (km or mi, the branch's unit): 2,000 is far past a
#: day's non-stop driving, so a larger figure is a mistyped odometer (a digit too many), not a trip.
MAX_DISTANCE_PER_DAY = 2000


def distance(odometer_in: int, odometer_out: int, seconds_out: float) -> int:
    """The distance covered from the two readings, refused (field ``odometer``) when it is more than
    :data:`MAX_DISTANCE_PER_DAY` per day out (a part day counts as a whole one)."""
    covered = odometer_in - odometer_out
    days = max(1, -(-int(seconds_out) // 86400))
    if covered > MAX_DISTANCE_PER_DAY * days:
        raise InvalidInput(f"the odometer in ({odometer_in:,}) means {covered:,} driven in {days} day"
                           f"{'' if days == 1 else 's'} out, more than {MAX_DISTANCE_PER_DAY:,} a day: "
                           f"check the reading", field="odometer")
    return covered


def fuel(value: object) -> int:
    """A fuel reading in eighths (field ``fuel_eighths``)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FUEL_FULL:
        raise InvalidInput(f"the fuel is read in eighths, from 0 (empty) to 8 (full), not {text.shown(value)}",
                           field="fuel_eighths")
    return value


def amount(value: object, field: str, words: str, currency: str = "") -> Decimal:
    """Money typed in: a Decimal of 0 or more with at most 2 places (``words`` names it; the
    refusal of a third place names the ``currency`` when given). Every currency is kept to the
    cent (the ledger's and the charges' columns hold 2 places)."""
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{words} must be an amount, not {text.shown(value)}", field=field)
    if value < 0:
        raise InvalidInput(f"{words} cannot be negative ({value})", field=field)
    if value > LARGEST_MONEY:  # before quantize, which fails past the context's precision
        raise InvalidInput(f"{words} is too large: at most {LARGEST_MONEY:,}", field=field)
    if value != value.quantize(CENT):
        kept = f": {currency} is kept to 2" if currency else ""
        raise InvalidInput(f"{words} has more than 2 decimal places ({value}){kept}", field=field)
    return value.quantize(CENT)


def reason(value: object, field: str) -> str:
    """A reason (an upgrade's, a refund's, a write-off's): one line of free text, needed."""
    words = field.replace("_", " ")
    try:
        cleaned = text.clean(value, REASON) if isinstance(value, str) else ""
    except text.TextRefused as exc:
        raise InvalidInput(f"the {words}: {exc}", field=field) from None
    if not cleaned:
        raise InvalidInput(f"the {words} is needed", field=field)
    return cleaned


def reference(value: object, field: str, *, needed: bool, what: str) -> str:
    """A reference typed by the clerk (a card pre-authorisation's, a voucher's), checked as free
    text; ``needed``: blank is refused, naming ``what``."""
    try:
        cleaned = text.clean(value, REFERENCE) if isinstance(value, str) else ""
    except text.TextRefused as exc:
        raise InvalidInput(f"{what}: {exc}", field=field) from None
    if needed and not cleaned:
        raise InvalidInput(f"{what} is needed", field=field)
    return cleaned


def deposit(value: Decimal, method: str, ref: str, asked: Decimal, currency: str) -> tuple[Decimal, str, str]:
    """The deposit's amount (not below the ``asked`` amount of the plan), method (card or cash)
    and reference (a card's pre-authorisation reference is needed), checked."""
    taken = amount(value, "deposit", "the deposit")
    if taken < asked:
        raise InvalidInput(f"the deposit ({taken} {currency}) is below the {asked} {currency} asked for this class "
                           f"here", field="deposit")
    if method not in DEPOSIT_METHODS:
        raise InvalidInput(f"the deposit is taken by card (a pre-authorisation) or in cash, not "
                           f"{text.shown(method)}", field="deposit_method")
    cleaned = reference(ref, "deposit_reference", needed=method == "card" and taken > 0,
                        what="the card pre-authorisation's reference")
    return taken, method, cleaned


def extras(chosen: Sequence[ExtraChoice]) -> tuple[ExtraChoice, ...]:
    """The extras confirmed: each an :class:`~rentaldesk.charges.ExtraChoice` (which checks its own
    price, cap and quantity when made), each code once (field ``extras``, naming the extra)."""
    seen: set[str] = set()
    for number, extra in enumerate(chosen, 1):
        if not isinstance(extra, ExtraChoice):
            raise InvalidInput(f"extra {number} is not an extra", field="extras")
        if extra.code in seen:
            raise InvalidInput(f"extra {number}: {text.printable(extra.label)} ({text.printable(extra.code)}) is "
                               f"chosen twice", field="extras")
        seen.add(extra.code)
    return tuple(chosen)


def signature(png: bytes) -> None:
    """The renter's signature: a readable PNG of at most 1 MB that is not blank (one colour)."""
    if not isinstance(png, bytes) or not png:
        raise InvalidInput("the renter's signature is missing", field="signature")
    if not png.startswith(_PNG):
        raise InvalidInput("the signature is not a PNG image", field="signature")
    if len(png) > MAX_SIGNATURE_BYTES:
        raise InvalidInput("the signature image is over 1 MB", field="signature")
    try:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            canvas = Image.new("RGBA", image.size, "white")
            canvas.alpha_composite(image.convert("RGBA"))
            extrema = canvas.convert("L").getextrema()  # one band: (low, high)
            low, high = int(extrema[0]), int(extrema[1])  # type: ignore[arg-type]
    except (OSError, ValueError, Image.DecompressionBombError):
        raise InvalidInput("the signature is not a readable PNG image", field="signature") from None
    if high - low < 32:  # one colour: a pad nobody signed
        raise InvalidInput("the signature is blank: the renter must sign", field="signature")


