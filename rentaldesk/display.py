"""How values are written for people: money, local times and periods at a branch, and times typed in.

The one place for these forms, whoever writes them: the engine's refusals, the command line, the desk
app (through :mod:`rentaldesk.gui.text`) and head office's mails. English names whatever the
process's locale (``strftime``'s ``%a`` and ``%b`` follow the locale, so they are not used).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

from .errors import InvalidInput

UTC = timezone.utc
#: Money is shown with this sign; the sample branches are in the US.
CURRENCY = "$"
#: How a time may be typed (command line flags, and the words of a refusal).
TIME_HELP = "ISO 8601, e.g. 2025-06-01T10:00 (branch time) or 2025-06-01T10:00+02:00"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- money -----------------------------------------------------------------------------------------


def money(amount: Decimal | str | None) -> str:
    """'$1,234.50' ('' for no amount)."""
    return "" if amount is None else f"{CURRENCY}{Decimal(amount):,.2f}"


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 reservation', '3 reservations', '0 cars' ("2 pick-ups and returns" needs ``plural``)."""
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def duration_words(delta: timedelta) -> str:
    """A duration as a clerk says it: '1 day 2 hours', '45 minutes', '0 minutes', '20 seconds'."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [count(days, "day") if days else "", count(hours, "hour") if hours else "",
             count(mins, "minute") if mins else ""]
    text = " ".join(p for p in parts if p)
    return text or count(int(abs(delta).total_seconds()), "second")


def article(word: str) -> str:
    """'a' or 'an' before a class code, as it is said: 'an ECONOMY', 'a VAN', and for a code
    spelt out letter by letter (three letters or fewer) the letter's sound: 'an SUV', 'a UV'."""
    first = word[:1].upper()
    if len(word) <= 3 and word.isupper():
        return "an" if first in "AEFHILMNORSX" else "a"
    return "an" if first in "AEIOU" else "a"


# -- statuses --------------------------------------------------------------------------------------

#: A live reservation whose car went out of service with no other car free: it reads so wherever
#: its status shows (the desk's screens, the fleet board, the command line).
NEEDS_A_CAR = "needs a car"

#: The one word a clerk reads for each state, by the code the core stores (car states of
#: rentaldesk.queries, reservation and driver statuses); ``--json`` keeps the codes.
STATUS_WORDS: dict[str, str] = {
    "available": "available",
    "reserved": "reserved",
    "on rent": "on rent",
    "maintenance": "maintenance",
    "retired": "retired",
    "pending": "pending",
    "confirmed": "confirmed",
    "active": "on rent",
    "completed": "returned",
    "cancelled": "cancelled",
    "expired": "expired",
    "rejected": "rejected",
    "inactive": "inactive",
    "free": "free",
    "busy": "on a job",
    NEEDS_A_CAR: "needs a car",
}


def status_word(status: str) -> str:
    """The word a clerk reads for a stored status ('active' reads 'on rent', 'completed' 'returned')."""
    return STATUS_WORDS.get(status, status)


# -- times at a branch -----------------------------------------------------------------------------


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def period_text(start: datetime, end: datetime, zone: tzinfo) -> str:
    """A period as the engine's refusals say it to a clerk:
    'Tue 5 Mar 2030, 09:00 to Thu 7 Mar 2030, 09:00 (America/New_York)'."""
    return f"{_day_time(start, zone)} to {_day_time(end, zone)} ({zone_name(zone)})"


def _day_time(value: datetime, zone: tzinfo) -> str:
    t = value.astimezone(zone)
    return f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t.year}, {t:%H:%M}"


def iso_local(value: datetime, zone: tzinfo) -> str:
    """A time for the command line: local, to the minute, with its offset ('2030-03-05 09:00-05:00')."""
    return value.astimezone(zone).isoformat(sep=" ", timespec="minutes")


def mail_time(value: datetime, zone: tzinfo) -> str:
    """A time for a customer's mail: 'Tue 5 Mar 2030, 09:00 (America/New_York)'."""
    return f"{_day_time(value, zone)} ({zone_name(zone)})"


def short_time(value: datetime | None, zone: tzinfo) -> str:
    """A time for a grid: 'Tue 05 Mar 10:00' ('' for none)."""
    if value is None:
        return ""
    t = value.astimezone(zone)
    return f"{_DAYS[t.weekday()]} {t.day:02d} {_MONTHS[t.month - 1]} {t:%H:%M}"


def shorter_time(value: datetime | None, zone: tzinfo) -> str:
    """Shorter still: '05 Mar 10:00' ('' for none)."""
    if value is None:
        return ""
    t = value.astimezone(zone)
    return f"{t.day:02d} {_MONTHS[t.month - 1]} {t:%H:%M}"


def long_time(value: datetime, zone: tzinfo) -> str:
    """With the year and the zone's abbreviation: 'Tue 05 Mar 2030 10:00 EST'."""
    t = value.astimezone(zone)
    return f"{short_time(t, zone)[:10]} {t.year} {t:%H:%M %Z}"


# -- times typed in --------------------------------------------------------------------------------


def parse_time(text: str, zone: tzinfo, *, option: str, end_of_day: bool = False) -> datetime:
    """The UTC time of ISO 8601 ``text``; without an offset ``text`` is local time in ``zone``.

    A date alone is midnight, or with ``end_of_day`` the midnight after it (so ``--to 2025-06-05``
    takes in all of 5 June). A local time that does not exist (clocks jump forward) is refused; one
    that occurs twice (clocks go back) is the first of the two. ``option`` names the field or flag
    in messages.
    """
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} '{text}' is not a time; use {TIME_HELP}", field=option) from None
    if end_of_day and _is_date_only(value):
        parsed += timedelta(days=1)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    local = parsed.replace(tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != parsed:
        raise InvalidInput(
            f"{option} {parsed:%Y-%m-%d %H:%M} does not exist in {zone_name(zone)} "
            "(the clocks jump forward then); pick another time",
            field=option,
        )
    return local.astimezone(UTC)


def _is_date_only(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
