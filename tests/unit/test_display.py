"""How values are written for people (rentaldesk.display): money, local times, periods, times typed in."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rentaldesk import display
from rentaldesk.display import article, iso_local, long_time, mail_time, money, parse_time, period_text, short_time
from rentaldesk.errors import InvalidInput

TZ = ZoneInfo("America/New_York")
T = datetime(2030, 3, 5, 14, 0, tzinfo=timezone.utc)  # 09:00 in New York (EST)


def test_count_says_one_and_many() -> None:
    assert display.count(1, "reservation") == "1 reservation"
    assert display.count(0, "car") == "0 cars"
    assert display.count(1200, "car") == "1,200 cars"
    assert display.count(2, "pick-up or return", "pick-ups and returns") == "2 pick-ups and returns"


def test_money_and_articles():
    assert (money(Decimal("1234.5")), money("80"), money(None)) == ("$1,234.50", "$80.00", "")
    assert (article("SUV"), article("ECONOMY"), article("van"), article("LUXURY")) == ("an", "an", "a", "a")  # as said


def test_one_form_for_each_reader_whatever_the_locale():
    assert period_text(T, T.replace(day=7), TZ) == "Tue 5 Mar 2030, 09:00 to Thu 7 Mar 2030, 09:00 (America/New_York)"
    assert iso_local(T, TZ) == "2030-03-05 09:00-05:00"
    assert mail_time(T, TZ) == "Tue 5 Mar 2030, 09:00 (America/New_York)"
    assert (short_time(T, TZ), short_time(None, TZ)) == ("Tue 05 Mar 09:00", "")
    assert long_time(T, TZ) == "Tue 05 Mar 2030 09:00 EST"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-07-01T10:00", "2030-07-01T14:00:00+00:00"),  # branch time (EDT, -04:00)
        ("2030-07-01T10:00+02:00", "2030-07-01T08:00:00+00:00"),  # an offset wins
        ("2030-07-01T10:00Z", "2030-07-01T10:00:00+00:00"),
        ("2030-01-15", "2030-01-15T05:00:00+00:00"),  # a date is local midnight (EST, -05:00)
        ("2030-11-03T01:30", "2030-11-03T05:30:00+00:00"),  # twice that night: the first (EDT)
    ],
)
def test_parse_time(text: str, expected: str) -> None:
    assert parse_time(text, TZ, option="--start").isoformat() == expected


def test_parse_time_end_of_day_takes_in_the_whole_date() -> None:
    def to(text: str) -> str:
        return parse_time(text, TZ, option="--to", end_of_day=True).isoformat()

    assert to("2030-01-15") == "2030-01-16T05:00:00+00:00"
    assert to("2030-01-15T09:00") == "2030-01-15T14:00:00+00:00"  # a time stays as it is


@pytest.mark.parametrize(
    ("text", "message"),
    [("soon", "is not a time"), ("2030-03-10T02:30", "does not exist")],  # the clocks jump 2:00 -> 3:00
)
def test_parse_time_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_time(text, TZ, option="--start")


