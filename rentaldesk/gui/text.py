"""How the desk writes values for a clerk: times in a branch's zone, money, statuses and their colours.

Qt-free on purpose: table models, the timeline and the screenshots all read the same words and
colours from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

# The desk's words for money and times are the ones of rentaldesk.display, under the desk's names.
from ..display import CURRENCY, article, money, parse_time  # noqa: F401
from ..display import day_bounds, start_of_day  # noqa: F401
from ..display import NEEDS_A_CAR, STATUS_WORDS, count, duration_words, status_word, zone_name
from ..display import long_time as when_long  # noqa: F401
from ..display import short_time as when
from ..display import shorter_time as when_short  # noqa: F401
from ..charges import rental_days, rental_length


@dataclass(frozen=True, slots=True)
class StatusLook:
    """How a status reads and looks: its words and its colours (text, fill)."""

    label: str
    foreground: str
    background: str


_GREEN = ("#1b6e35", "#dff3e4")
_BLUE = ("#1d4f91", "#dde9f8")
_AMBER = ("#8a4b00", "#fde7c8")
_RED = ("#a61b1b", "#fbdede")
_GREY = ("#55595f", "#e7e8ea")
_PURPLE = ("#5b2b86", "#ebe0f5")

#: Car states (see rentaldesk.queries) and reservation statuses, by the key the core uses: the
#: words are the core's (rentaldesk.display.STATUS_WORDS), the colours the desk's.
_COLOURS: dict[str, tuple[str, str]] = {
    "available": _GREEN,
    "reserved": _BLUE,
    "on rent": _AMBER,
    "maintenance": _RED,
    "retired": _GREY,
    "pending": _PURPLE,
    "confirmed": _BLUE,
    "active": _AMBER,
    "completed": _GREY,
    "cancelled": _GREY,
    "expired": _GREY,
    "rejected": _RED,
    "no-show": _RED,
    "inactive": _GREY,
    "free": _GREEN,
    "busy": _AMBER,
    NEEDS_A_CAR: ("#ffffff", "#c62828"),
}
STATUS_LOOKS: dict[str, StatusLook] = {key: StatusLook(status_word(key), *_COLOURS.get(key, _GREY))
                                       for key in STATUS_WORDS}


def status_look(status: str) -> StatusLook:
    return STATUS_LOOKS.get(status, StatusLook(status_word(status), *_GREY))


def reservation_status(r: Any) -> str:
    """The status key a reservation (or a timeline bar) shows: its status, or NEEDS_A_CAR."""
    return NEEDS_A_CAR if r.needs_car else r.status


def status_label(status: str) -> str:
    """The word a clerk reads for a status ('active' reads 'on rent'): the core's."""
    return status_word(status)


def driver_label(name: str, phone: str) -> str:
    """A driver as a clerk knows them, never by id: 'Ana Ruiz (617-555-0142)', 'Ana Ruiz' with no phone."""
    return f"{name} ({phone})" if phone.strip() else name


def zone_hint(zone: tzinfo, now: datetime) -> str:
    """Above a form's times: 'Times are local to the branch: EST (America/New_York)', the
    abbreviation the desk's clock shows now, then the zone's name."""
    return f"Times are local to the branch: {now.astimezone(zone):%Z} ({zone_name(zone)})"


def period(start: datetime, end: datetime, zone: tzinfo) -> str:
    return f"{when(start, zone)} → {when(end, zone)}"


def duration(start: datetime, end: datetime, zone: tzinfo) -> str:
    """'3 days', '1 day 4 hours (billed 2 days)': on the branch's wall clock (``zone``), as the
    rental is priced (:func:`rentaldesk.charges.rental_length`), so 10:00 to 10:00 over a clock
    change is '1 day'."""
    if end <= start:
        return ""
    total = rental_length(start, end, zone)
    text = duration_words(total)
    billed = rental_days(start, end, zone)
    return text if total == billed * timedelta(days=1) else f"{text} (billed {count(billed, 'day')})"


def local_time(day: date, clock_time: time, zone: tzinfo, *, field: str) -> datetime:
    """The UTC time of a local date and time at a branch; a time the clocks skip is refused with
    :class:`InvalidInput` naming ``field`` (the same rule as the command line)."""
    return parse_time(f"{day.isoformat()}T{clock_time:%H:%M}", zone, option=field)
