"""Days as a clerk types them into a date field (rentaldesk.display.parse_typed_date): any text is
a day or None, never an exception; numbers are day first; what lacks a month or a year is the next
such day on or after the reference day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rentaldesk.display import DATE_HELP, parse_typed_date

TODAY = date(2026, 12, 2)  # a Wednesday
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
near_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(("typed", "meant"), [
    ("8", date(2026, 12, 8)),
    ("2", date(2026, 12, 2)),  # today itself
    ("1", date(2027, 1, 1)),
    ("31", date(2026, 12, 31)),
    ("8/12", date(2026, 12, 8)),  # day first
    ("12/8", date(2027, 8, 12)),
    ("8.12.2026", date(2026, 12, 8)),
    ("8/12/27", date(2027, 12, 8)),
    ("8 Dec", date(2026, 12, 8)),
    ("8th december", date(2026, 12, 8)),
    ("Dec 8, 2027", date(2027, 12, 8)),
    ("2026-12-08", date(2026, 12, 8)),
    ("  Tue 08 Dec 2026 ", date(2026, 12, 8)),  # the field's own text
    ("fri", date(2026, 12, 4)),
    ("Wednesday", TODAY),
    ("today", TODAY),
    ("Tomorrow", date(2026, 12, 3)),
    ("+3", date(2026, 12, 5)),
    ("29/2", date(2028, 2, 29)),  # the next 29 February
])
def test_what_a_clerk_types(typed, meant):
    assert parse_typed_date(typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["", "  ", "0", "32", "31/4/2027", "13/13", "2026-12", "2026-13-01",
                                   "Mon 08 Dec 2026", "8 de", "8 Dec 2026 10:00", "eight", "+", "+999999",
                                   "8/12/2026/1", "١٢", "8//12"])
def test_what_is_not_a_day(typed):
    assert parse_typed_date(typed, TODAY) is None


def test_the_help_says_numbers_are_day_first():
    assert "8/12 (day/month)" in DATE_HELP


@given(st.text(), days)
@example("9/12", date(9999, 12, 31))  # no next 9 December
@example("+3", date(9999, 12, 31))
@example("31", date(9999, 12, 31))
@example("tomorrow", date(9999, 12, 31))
@example("Sat", date(9999, 12, 31))
def test_any_text_is_a_day_or_none_never_an_exception(typed, today):
    found = parse_typed_date(typed, today)
    assert found is None or isinstance(found, date)


@given(st.text(alphabet="0123456789/.- +todaymrwDecFrist", max_size=14), near_days)
def test_near_misses_are_a_day_or_none(typed, today):
    found = parse_typed_date(typed, today)
    assert found is None or isinstance(found, date)


@given(near_days, near_days)
def test_every_full_way_of_writing_a_day_reads_back(day, today):
    for typed in (day.isoformat(), f"{day.day}/{day.month}/{day.year}", f"{day.day}.{day.month}.{day.year}",
                  f"{day.day} {_MONTHS[day.month - 1]} {day.year}",
                  f"{_DAYS[day.weekday()]} {day.day:02d} {_MONTHS[day.month - 1]} {day.year}"):
        assert parse_typed_date(typed, today) == day, typed


@given(st.integers(1, 31), near_days)
def test_a_day_number_is_the_next_such_day(number, today):
    found = parse_typed_date(str(number), today)
    assert found is not None and found >= today and found.day == number
    # no earlier day on or after today has that number
    assert all((today + timedelta(days=n)).day != number for n in range((found - today).days))


@given(st.integers(1, 31), st.integers(1, 12), near_days)
def test_a_day_and_month_is_the_next_such_day(number, month, today):
    for typed in (f"{number}/{month}", f"{number} {_MONTHS[month - 1]}", f"{_MONTHS[month - 1]} {number}"):
        found = parse_typed_date(typed, today)
        try:
            date(2028, month, number)  # a leap year: every day that exists at all
        except ValueError:
            assert found is None, typed
            continue
        assert found is not None and found >= today and (found.day, found.month) == (number, month), typed
        assert (found - today).days < (366 if (number, month) != (29, 2) else 366 * 8), typed


@given(st.integers(0, 6), near_days)
def test_a_weekday_is_the_next_one(weekday, today):
    found = parse_typed_date(_DAYS[weekday], today)
    assert found is not None and found.weekday() == weekday and 0 <= (found - today).days < 7
