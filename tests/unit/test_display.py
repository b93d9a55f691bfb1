"""How values are written for people (rentaldesk.display): money, local times, periods, times typed in."""

from __future__ import annotations

import re

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rentaldesk import display
from rentaldesk.display import LARGEST_WHOLE_NUMBER, parse_whole_number, article, iso_local, long_time, mail_time, money, parse_time, period_text, short_time
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
    assert period_text(T, T.replace(day=7), TZ) == "Tue 5 Mar 2030, 09:00 to Thu 7 Mar 2030, 09:00 EST"
    # over the clock change each end says its own zone name, as the desk's clock does (T is 14:00 UTC)
    assert period_text(T, T.replace(day=11), TZ) == "Tue 5 Mar 2030, 09:00 EST to Mon 11 Mar 2030, 10:00 EDT"
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




@pytest.mark.parametrize(
    "text",
    ["9999-12-30T10:00", "9999-12-31", "0001-01-01T00:00+14:00", "0001-01-01", "1899-12-31T23:59Z",
     "9999-01-01T00:00Z", "9999-12-31T23:59:59.999999-14:00", "1899-12-31T23:00-14:00"],
)
def test_parse_time_refuses_the_ends_of_the_calendar(text: str) -> None:
    for end_of_day in (False, True):
        with pytest.raises(InvalidInput, match=re.escape(f"--to '{text}' is out of range: use a year from 1900 to 9998")):
            parse_time(text, TZ, option="--to", end_of_day=end_of_day)


@given(st.text())
@example("9999-12-31")
@example("0001-01-01T00:00+14:00")
@example("2030-03-10T02:30")
def test_parse_time_of_any_text_is_a_time_in_range_or_a_refusal(text: str) -> None:
    for end_of_day in (False, True):
        try:
            value = parse_time(text, TZ, option="--start", end_of_day=end_of_day)
        except InvalidInput as exc:
            assert exc.field == "--start" and "\n" not in str(exc)
        else:
            assert value.utcoffset() is not None and display.EARLIEST_TIME <= value < display.LATEST_TIME
            value + timedelta(days=7)  # room for a turnaround after the latest return  # noqa: B018


@given(st.datetimes(), st.integers(-14 * 60, 14 * 60), st.booleans())
def test_parse_time_of_any_written_time_is_that_time_or_a_refusal(moment: datetime, minutes: int, with_offset: bool) -> None:
    zone = timezone(timedelta(minutes=minutes))
    text = moment.replace(tzinfo=zone).isoformat() if with_offset else moment.isoformat()
    try:
        value = parse_time(text, TZ, option="--end")
    except InvalidInput as exc:
        assert "is out of range" in str(exc) or "does not exist" in str(exc)
    else:
        assert value.astimezone(zone if with_offset else TZ).replace(tzinfo=None) == moment


@given(st.text())
@example("99999999999999999999999")
@example("-9" * 3000)
def test_parse_whole_number_of_any_text_is_a_number_in_range_or_a_refusal(text: str) -> None:
    try:
        value = parse_whole_number(text, option="--driver", least=1)
    except InvalidInput as exc:
        assert exc.field == "--driver" and str(exc).startswith("--driver ") and len(str(exc)) < 120
    else:
        assert 1 <= value <= LARGEST_WHOLE_NUMBER and value == int(text)


@given(st.integers(), st.integers(min_value=0, max_value=40))
def test_parse_whole_number_reads_every_number_it_allows(n: int, zeros: int) -> None:
    typed_in = f"-{'0' * zeros}{-n}" if n < 0 else f"{'0' * zeros}{n}"  # leading zeros change nothing
    try:
        assert parse_whole_number(f" {typed_in} ", option="port", least=1, most=65535) == n
    except InvalidInput as exc:
        assert not 1 <= n <= 65535
        assert "too large: at most 65,535" in str(exc) if n > 65535 else "must be 1 or more" in str(exc)


def test_parse_whole_number_refuses_what_is_not_a_whole_number() -> None:
    for text in ("3.7", "1e3", "", " ", "٣", "0x10", "1_000"):
        with pytest.raises(InvalidInput, match="is not a whole number"):
            parse_whole_number(text, option="port")


def test_parse_time_takes_the_first_and_last_years_whole() -> None:
    for text in ("9998-12-31T23:59-14:00", "9998-12-31", "1900-01-01T00:00+14:00", "1900-01-01"):
        for end_of_day in (False, True):
            assert parse_time(text, TZ, option="--to", end_of_day=end_of_day).year in (1899, 1900, 9998, 9999)


def test_text_that_is_not_utf8_is_refused() -> None:
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")  # as Python keeps such an argument
    with pytest.raises(InvalidInput, match=r"^argument 3 'caf\\xe9' is not UTF-8 text$"):
        display.check_text(bad, option="argument 3")
    assert display.check_text("café", option="x") == "café"


# -- statuses typed in -----------------------------------------------------------------------------

_RESERVATION_CODES = ("pending", "confirmed", "active", "completed", "cancelled", "expired", "rejected")


def _respelt(draw: st.DrawFn, word: str) -> str:
    """``word`` as someone may type it: any case, runs of spaces, dashes or underscores between words."""
    parts = word.split()
    seps = [draw(st.sampled_from([" ", "  ", "-", "_", " - "])) for _ in parts[1:]]
    text = parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:]))
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in text)
    return draw(st.sampled_from(["", " "])) + cased + draw(st.sampled_from(["", "  "]))


@given(st.data(), st.sampled_from(_RESERVATION_CODES), st.booleans())
def test_a_status_typed_as_the_desk_says_it_or_as_stored_is_its_code(data: st.DataObject, code: str, as_word: bool) -> None:
    word = display.status_word(code) if as_word else code
    assert display.status_code(word, _RESERVATION_CODES, option="--status") == code
    typed_text = data.draw(st.composite(lambda draw: _respelt(draw, word))())
    assert display.status_code(typed_text, _RESERVATION_CODES, option="--status") == code


@given(st.text(max_size=20))
def test_any_other_text_is_no_status_and_the_refusal_names_the_words(text: str) -> None:
    def key(t: str) -> str:  # the test's own reading: case, spaces, '-' and '_' do not matter
        return " ".join(t.replace("-", " ").replace("_", " ").split()).casefold()

    known = {key(c) for c in _RESERVATION_CODES} | {key(display.status_word(c)) for c in _RESERVATION_CODES}
    try:
        code = display.status_code(text, _RESERVATION_CODES, option="--status")
    except InvalidInput as exc:
        assert key(text) not in known
        assert str(exc).startswith("--status '") and "on rent, returned" in str(exc) and "\n" not in str(exc)
    else:
        assert code in _RESERVATION_CODES and key(text) in known


@given(st.text() | st.from_regex(r"\$?[0-9,]{1,14}(\.[0-9]{0,3})?", fullmatch=True))
def test_parse_money_of_any_text_is_an_amount_in_range_or_a_refusal(text: str) -> None:
    from rentaldesk.display import parse_money
    from rentaldesk.models import LARGEST_MONEY

    try:
        value = parse_money(text, option="--amount")
    except InvalidInput as exc:
        assert exc.field == "--amount" and str(exc).startswith("--amount ")
    else:
        assert Decimal(0) <= value <= LARGEST_MONEY and value == value.quantize(Decimal("0.01"))
        digits = text.strip().removeprefix("$")
        assert "," not in digits or all(len(g) == 3 for g in digits.split(".")[0].split(",")[1:])


def test_parse_money_reads_what_a_receipt_shows() -> None:
    from rentaldesk.display import parse_money

    for text, value in [("316", "316.00"), ("$1,316.50", "1316.50"), (" 0.5 ", "0.50"), ("99,999,999.99", "99999999.99")]:
        assert parse_money(text, option="--amount") == Decimal(value)
    for text in ("1,0,0", "12,50", "1e3", "-5", "+5", "100000000", "1.005", "", "٣"):
        with pytest.raises(InvalidInput, match="is not an amount of money"):
            parse_money(text, option="--amount")
