"""Issue 10's near-copies folded into one function each: every path asks the same one, so they
agree on every input (hypothesis), and the one function is tested once here."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentaldesk import fleet, text
from rentaldesk.config import check_setting
from rentaldesk.display import day_text, long_time, parse_whole_number, short_time, whole_number
from rentaldesk.errors import InvalidInput, UnknownPool
from rentaldesk.reservations import class_code_of

_TYPED = st.text(st.sampled_from(string.digits + "+- \t,.e" + "٣"), max_size=30) | st.integers().map(str)


@settings(max_examples=300)
@given(_TYPED)
def test_the_fleet_file_and_the_command_line_read_the_same_whole_numbers(raw):
    """One grammar (display.whole_number): a fleet file's number column and a flag agree on what is
    a whole number, and on its value when it is in range."""
    column = fleet._Column("odometer", "odometer", "a reading such as 12000", fleet._integer(0, 5_000_000))
    try:
        from_file: int | None = column.parse(raw.strip(), column)
        file_says = "ok"
    except fleet._Bad as exc:
        from_file, file_says = None, str(exc)
    try:
        from_flag: int | None = parse_whole_number(raw, option="--odometer", most=5_000_000)
        flag_says = "ok"
    except InvalidInput as exc:
        from_flag, flag_says = None, exc.message
    assert ("is not a whole number" in file_says) == ("is not a whole number" in flag_says) == (whole_number(raw) is None)
    if from_file is not None or from_flag is not None:
        assert from_file == from_flag


def test_a_huge_number_is_out_of_range_not_read():
    assert whole_number("9" * 100_000, most=10) == 11  # never int() of 100,000 digits
    assert whole_number("-" + "9" * 5000, least=0) == -1
    assert whole_number("  +42 ") == 42 and whole_number("4 2") is None and whole_number("٤٢") is None
    column = fleet._Column("year", "year", "a year such as 2024", fleet._integer(1950, 2027, words=("before", "after"), sep=""))
    with pytest.raises(fleet._Bad, match="year 1800 is before 1950"):
        column.parse("1800", column)
    with pytest.raises(fleet._Bad, match="is after 2027"):
        column.parse("9" * 40, column)


@settings(max_examples=300)
@given(st.text(st.sampled_from(string.ascii_letters + string.digits + "-_ .é/ß"), max_size=20))
def test_settings_and_the_branches_file_take_the_same_branch_codes(raw):
    """One rule (text.branch_code): ``branch = ...`` in the settings and a branches file's code."""
    column = fleet._Column("code", "branch code", "a branch code such as BOS-DT", fleet._branch_code)
    try:
        from_file: str | None = column.parse(raw.strip(), column)
    except fleet._Bad:
        from_file = None
    try:
        from_settings: str | None = check_setting("", "branch", raw, "branch", from_text=True)
    except InvalidInput:
        from_settings = None
    if raw.strip():
        assert from_file == from_settings == text.branch_code(raw)


def test_the_branch_code_rule():
    assert text.branch_code(" bos-dt ") == "BOS-DT"
    assert text.branch_code("-BOS") is None and text.branch_code("B" * 17) is None and text.branch_code("BÖS") is None


def test_one_day_text_for_the_date_fields_and_the_grids():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert day_text(date(2026, 12, 8)) == "Tue 08 Dec 2026"
    assert day_text(date(2026, 12, 8), year=False) == "Tue 08 Dec"
    at = datetime(2030, 3, 5, 14, tzinfo=ZoneInfo("UTC"))
    ny = ZoneInfo("America/New_York")
    assert short_time(at, ny) == "Tue 05 Mar 09:00" and long_time(at, ny) == "Tue 05 Mar 2030 09:00 EST"


def test_the_one_class_lookup_takes_a_code_or_a_name_and_quotes_a_typo_as_typed():
    names = {"VAN": "Minivan", "SUV": "SUV", "ECONOMY": "Economy"}
    for typed in ("VAN", "van", " Minivan ", "MINIVAN"):
        assert class_code_of(typed, names) == "VAN"
    with pytest.raises(UnknownPool, match=r"unknown vehicle class 'truck' \(known: Economy, Minivan \(VAN\), SUV\)") as refused:
        class_code_of("truck", names)
    assert refused.value.field == "vehicle_class"
    with pytest.raises(UnknownPool):
        class_code_of("   ", names)
