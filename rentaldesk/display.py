"""How values are written for people: money, local times and periods at a branch, and times typed in.

The one place for these forms, whoever writes them: the engine's refusals, the command line, the desk
app (through :mod:`rentaldesk.gui.text`) and head office's mails. English names whatever the
process's locale (``strftime``'s ``%a`` and ``%b`` follow the locale, so they are not used).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal

import re

from .errors import InvalidInput
from .models import LARGEST_MONEY
from .text import typed

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


def ledger_reference(reference: str, provider_reference: str) -> str:
    """A ledger row's references as shown: the clerk's ('AUTH-1'), and a card processor's after
    it when there is one ('AUTH-1 · ch_3PqZ'; the processor's alone when the clerk typed none)."""
    return " · ".join(part for part in (reference, provider_reference) if part)


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
    "no-show": "no-show",
    "inactive": "inactive",
    "free": "free",
    "busy": "on a job",
    NEEDS_A_CAR: "needs a car",
}


def status_word(status: str) -> str:
    """The word a clerk reads for a stored status ('active' reads 'on rent', 'completed' 'returned')."""
    return STATUS_WORDS.get(status, status)


def status_code(text: str, codes: Iterable[str], *, option: str) -> str:
    """The stored code among ``codes`` that ``text`` names: the word a clerk reads for it
    (:data:`STATUS_WORDS`: 'on rent', 'returned') or the code itself ('active'), in any case and
    spacing ('On  Rent', 'on-rent'); else :class:`InvalidInput` naming ``option`` (if any) and the words."""
    known = list(codes)
    wanted = _status_key(text)
    for code in known:
        if wanted in (_status_key(code), _status_key(status_word(code))):
            return code
    hint = "; a reservation that needs a car: --needs-car" if wanted == _status_key(NEEDS_A_CAR) else ""
    message = f"'{typed(text)}' is not a status; use one of {', '.join(status_word(c) for c in known)}{hint}"
    raise InvalidInput(f"{option} {message}" if option else message, field=option or None)


def _status_key(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


# -- times at a branch -----------------------------------------------------------------------------


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """Local midnight of ``day`` at a branch, as an aware time."""
    return datetime.combine(day, time(0), tzinfo=zone)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of a local day (23 or 25 hours on a clock change): a branch's day
    for the desk, the cash-up and the day's manifest."""
    return start_of_day(day, zone), start_of_day(day + timedelta(days=1), zone)


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def period_text(start: datetime, end: datetime, zone: tzinfo) -> str:
    """A period as the engine's refusals say it to a clerk, with the zone as the desk's clock and
    :func:`long_time` name it: 'Tue 5 Mar 2030, 09:00 to Thu 7 Mar 2030, 09:00 EST'; over a clock
    change each end with its own: 'Sat 9 Mar 2030, 10:00 EST to Mon 11 Mar 2030, 10:00 EDT'."""
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.tzname() == last.tzname():
        return f"{_day_time(start, zone)} to {_day_time(end, zone)} {last:%Z}"
    return f"{_day_time(start, zone)} {first:%Z} to {_day_time(end, zone)} {last:%Z}"


def _day_time(value: datetime, zone: tzinfo) -> str:
    t = value.astimezone(zone)
    return f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t.year}, {t:%H:%M}"


def iso_local(value: datetime, zone: tzinfo) -> str:
    """A time for the command line: local, to the minute, with its offset ('2030-03-05 09:00-05:00')."""
    return value.astimezone(zone).isoformat(sep=" ", timespec="minutes")


def mail_time(value: datetime, zone: tzinfo) -> str:
    """A time for a customer's mail: 'Tue 5 Mar 2030, 09:00 (America/New_York)'."""
    return f"{_day_time(value, zone)} ({zone_name(zone)})"


def day_text(day: date, *, year: bool = True) -> str:
    """A day as the desk's date fields and grids show it: 'Tue 05 Mar 2030' ('Tue 05 Mar' without
    the year)."""
    text = f"{_DAYS[day.weekday()]} {day.day:02d} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def short_time(value: datetime | None, zone: tzinfo) -> str:
    """A time for a grid: 'Tue 05 Mar 10:00' ('' for none)."""
    if value is None:
        return ""
    t = value.astimezone(zone)
    return f"{day_text(t.date(), year=False)} {t:%H:%M}"


def shorter_time(value: datetime | None, zone: tzinfo) -> str:
    """Shorter still: '05 Mar 10:00' ('' for none)."""
    if value is None:
        return ""
    t = value.astimezone(zone)
    return f"{t.day:02d} {_MONTHS[t.month - 1]} {t:%H:%M}"


def long_time(value: datetime, zone: tzinfo) -> str:
    """With the year and the zone's abbreviation: 'Tue 05 Mar 2030 10:00 EST'."""
    t = value.astimezone(zone)
    return f"{day_text(t.date())} {t:%H:%M %Z}"


# -- distances ----------------------------------------------------------------------------------

#: The units a branch reads odometers in (``Branch.distance_unit``).
DISTANCE_UNITS = ("km", "mi")


def distance(value: int, unit: str) -> str:
    """An odometer reading or a distance with the branch's unit: '12,345 mi'."""
    return f"{value:,} {unit}"


# -- values typed in ------------------------------------------------------------------------------


def check_text(text: str, *, option: str) -> str:
    """``text`` as given, if it is text: a command-line argument or an environment variable in
    bytes that are not UTF-8 (Python keeps them as surrogates) is refused, naming ``option``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(text).decode("utf-8", "backslashreplace")
        raise InvalidInput(f"{option} '{typed(shown)}' is not UTF-8 text", field=option) from None
    return text


# -- times typed in --------------------------------------------------------------------------------


#: The times anyone may type: years 1900 to 9998 (in any offset, and a date's end of day), so days
#: added to one (a turnaround) stay a time.
EARLIEST_YEAR, LATEST_YEAR = 1900, 9998
EARLIEST_TIME = datetime(EARLIEST_YEAR - 1, 12, 31, tzinfo=UTC)
LATEST_TIME = datetime(LATEST_YEAR + 1, 1, 3, tzinfo=UTC)


def parse_time(text: str, zone: tzinfo, *, option: str, end_of_day: bool = False) -> datetime:
    """The UTC time of ISO 8601 ``text``; without an offset ``text`` is local time in ``zone``.

    A date alone is midnight, or with ``end_of_day`` the midnight after it (so ``--to 2025-06-05``
    takes in all of 5 June). A local time that does not exist (clocks jump forward) is refused; one
    that occurs twice (clocks go back) is the first of the two. A year before 1900 or after 9998 is
    refused. ``option`` names the field or flag in messages; every refusal is :class:`InvalidInput`.
    """
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} '{typed(text)}' is not a time; use {TIME_HELP}", field=option) from None
    typed_year = parsed.year
    try:
        if end_of_day and _is_date_only(value):
            parsed += timedelta(days=1)
        if parsed.tzinfo is not None:
            result = parsed.astimezone(UTC)
        else:
            local = parsed.replace(tzinfo=zone)
            result = local.astimezone(UTC)
            if result.astimezone(zone).replace(tzinfo=None) != parsed:
                raise InvalidInput(
                    f"{option} {parsed:%Y-%m-%d %H:%M} does not exist in {zone_name(zone)} "
                    "(the clocks jump forward then); pick another time",
                    field=option,
                )
    except OverflowError:
        result = None
    if result is None or not EARLIEST_YEAR <= typed_year <= LATEST_YEAR or not EARLIEST_TIME <= result < LATEST_TIME:
        raise InvalidInput(f"{option} '{typed(text)}' is out of range: use a year from {EARLIEST_YEAR} to "
                           f"{LATEST_YEAR}", field=option)
    return result


def _is_date_only(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# -- numbers typed in ------------------------------------------------------------------------------

#: The largest id or count anyone may type: what a database's 64-bit integer holds.
LARGEST_WHOLE_NUMBER = 2**63 - 1


def parse_money(text: str, *, option: str) -> Decimal:
    """An amount of money as a clerk types it, or copies it from a refusal or a receipt: '316',
    '316.5', '$1,316.00' (ASCII digits, thousands grouped by commas or not at all, at most 2
    decimals, at most the largest amount stored; no exponent or sign); else :class:`InvalidInput`
    naming ``option``. The one way money is typed on the command line."""
    stripped = text.strip().removeprefix(CURRENCY)
    cleaned = stripped.replace(",", "")
    if not _MONEY_TYPED.fullmatch(stripped) or Decimal(cleaned) > LARGEST_MONEY:
        raise InvalidInput(f"{option} {typed(text)} is not an amount of money, e.g. 316.00 "
                           f"(at most {LARGEST_MONEY:,})", field=option)
    return Decimal(cleaned).quantize(Decimal("0.01"))


_MONEY_TYPED = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,8})(?:\.[0-9]{1,2})?")


def whole_number(text: str, *, least: int = 0, most: int = LARGEST_WHOLE_NUMBER) -> int | None:
    """The one grammar of a typed whole number: ASCII digits, an optional sign, spaces around; None
    when ``text`` is not one. A number far past the range comes back as ``most + 1`` (``least - 1``)
    without reading it (Python limits int() of a huge string, and it is slow). The range itself is
    the caller's to refuse in its own words (:func:`parse_whole_number`, the fleet file's columns)."""
    value = text.strip()
    digits = value[1:] if value[:1] in "+-" else value
    if not (digits.isascii() and digits.isdigit()):
        return None
    # leading zeros do not count
    if len(digits.lstrip("0")) > max(len(str(most)), len(str(least))) + 1:
        return most + 1 if value[:1] != "-" else least - 1
    return int(value)


def parse_whole_number(text: str, *, option: str, least: int = 0, most: int = LARGEST_WHOLE_NUMBER) -> int:
    """The whole number ``text`` (:func:`whole_number`), from ``least`` to ``most``; else
    :class:`InvalidInput` naming ``option`` (a flag, a setting, a field)."""
    value = text.strip()
    number = whole_number(value, least=least, most=most)
    if number is None:
        raise InvalidInput(f"{option} '{typed(text)}' is not a whole number", field=option)
    if number < least or (least >= 0 and value[:1] == "-"):  # '-0' is no count or reading either
        below = "cannot be negative" if least == 0 else f"must be {least:,} or more"
        raise InvalidInput(f"{option} {typed(value)} {below}", field=option)
    if number > most:
        raise InvalidInput(f"{option} {typed(value)} is too large: at most {most:,}", field=option)
    return number


# -- days typed in ---------------------------------------------------------------------------------

#: How a day may be typed into a date field (its placeholder, and the words of a refusal). Numbers are
#: day first: 8/12 is 8 December.
DATE_HELP = "8, 8/12 (day/month), 8 Dec or 2026-12-08"
#: The other ways a day may be typed (a date field's tooltip).
DATE_HELP_MORE = "a weekday (Fri), today, tomorrow, or +3 (days on)"

_DAY_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_WORDS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")


def _word_number(word: str, names: tuple[str, ...]) -> int | None:
    """1-based position of ``word`` among ``names``, by a prefix of at least three letters."""
    if len(word) < 3:
        return None
    found = [n for n, name in enumerate(names, 1) if name.startswith(word)]
    return found[0] if len(found) == 1 else None


def _next_date(today: date, day: int, month: int | None = None, horizon: int = 9) -> date | None:
    """The first date on or after ``today`` with this day (and month), looking ``horizon`` years on."""
    for year in range(today.year, min(today.year + horizon, 9999) + 1):
        for m in ([month] if month else range(1, 13)):
            try:
                found = date(year, m, day)
            except ValueError:  # 31 April, 29 February of a common year
                continue
            if found >= today:
                return found
    return None


def parse_typed_date(text: str, today: date) -> date | None:
    """The day a clerk typed, or None when ``text`` is not one (see :data:`DATE_HELP`).

    Numbers are day first (``8/12`` is 8 December, ``8/12/26`` and ``8.12.2026`` too); a day
    without a month (``8``) or a month without a year (``8 Dec``, ``Dec 8``, ``8/12``) is the next
    such day on or after ``today``, as is a weekday alone (``Fri``). ``2026-12-08``, the field's own
    ``Tue 08 Dec 2026`` (its weekday must be that date's), ``today``, ``tomorrow`` and ``+3`` (days
    after ``today``) are read too. Never raises.
    """
    words = text.strip().lower().replace(",", " ").split()
    try:
        return _parse_words(words, today)
    except (ValueError, OverflowError):  # a date past 9999, or no such day
        return None


def _parse_words(words: list[str], today: date) -> date | None:
    if len(words) == 1 and words[0] in ("today", "tomorrow"):
        return today + timedelta(days=words[0] == "tomorrow")
    if len(words) == 1 and words[0][:1] == "+" and words[0][1:].isdigit() and len(words[0]) <= 5:
        return today + timedelta(days=int(words[0][1:]))
    weekday = _word_number(words[0], _DAY_WORDS) if words else None
    if weekday is not None:
        words = words[1:]
        if not words:
            return today + timedelta(days=(weekday - 1 - today.weekday()) % 7)
    found = _parse_day(words, today)
    if found is None or (weekday is not None and found.weekday() != weekday - 1):
        return None
    return found


def _parse_day(words: list[str], today: date) -> date | None:
    if len(words) == 1:
        parts = words[0].replace(".", "/").split("/") if "-" not in words[0] else words[0].split("-")
        if not all(p.isdigit() and p.isascii() and len(p) <= 4 for p in parts):
            return None
        numbers = [int(p) for p in parts]
        if "-" in words[0]:  # ISO: year first
            return date(*numbers) if len(numbers) == 3 and len(parts[0]) == 4 else None
        return _day_month_year(numbers, today, len(parts[-1]))
    # '8 Dec [2026]' or 'Dec 8 [2026]'; '8th' reads as 8
    if len(words) not in (2, 3):
        return None
    first, second = (w.rstrip("stndrh") if w[:1].isdigit() else w for w in words[:2])
    month = _word_number(second, _MONTH_WORDS) if first.isdigit() else _word_number(first, _MONTH_WORDS)
    day_text = first if first.isdigit() else second
    if month is None or not (day_text.isdigit() and day_text.isascii() and len(day_text) <= 2):
        return None
    numbers = [int(day_text), month]
    if len(words) == 3:
        if not (words[2].isdigit() and words[2].isascii() and len(words[2]) in (2, 4)):
            return None
        numbers.append(int(words[2]))
    return _day_month_year(numbers, today, len(words[2]) if len(words) == 3 else 0)


def _day_month_year(numbers: list[int], today: date, year_digits: int) -> date | None:
    if len(numbers) == 1:
        return _next_date(today, numbers[0]) if 1 <= numbers[0] <= 31 else None
    if len(numbers) == 2:
        day, month = numbers
        return _next_date(today, day, month) if 1 <= month <= 12 and 1 <= day <= 31 else None
    if len(numbers) == 3 and year_digits in (2, 4):
        day, month, year = numbers
        return date(2000 + year if year_digits == 2 else year, month, day)
    return None
