"""Dates as a salesperson types them: examples for every form, then properties over many days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.domain.dates import (
    WEEKDAYS,
    end_of_month,
    parse_date,
    parse_when,
    weekstart_from_name,
)
from salesfunnel.errors import BadValue

FRIDAY = date(2026, 11, 27)
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
weekstarts = st.integers(min_value=0, max_value=6)
weekday_names = st.sampled_from(sorted(WEEKDAYS))


# --- examples -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("  2026-12-01 ", date(2026, 12, 1)),
        ("2026/12/01", date(2026, 12, 1)),
        ("today", MONDAY),
        ("TODAY", MONDAY),
        ("tomorrow", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 22)),
        ("+3d", date(2026, 11, 26)),
        ("-3d", date(2026, 11, 20)),
        ("+2w", date(2026, 12, 7)),
        ("+1m", date(2026, 12, 23)),
        ("+1y", date(2027, 11, 23)),
        ("1 dec 2026", date(2026, 12, 1)),
        ("Dec 1", date(2026, 12, 1)),
        ("eom", date(2026, 11, 30)),
    ],
)
def test_reads_each_form(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


def test_month_arithmetic_clips_to_the_end_of_a_short_month() -> None:
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)
    assert parse_date("+1m", date(2028, 1, 31)) == date(2028, 2, 29)
    assert parse_date("+1y", date(2028, 2, 29)) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday", date(2026, 12, 4)),  # a Friday typed on a Friday means next week's
        ("fri", date(2026, 12, 4)),
        ("next friday", date(2026, 12, 4)),
        ("this friday", FRIDAY),
        ("monday", date(2026, 11, 30)),
        ("this monday", date(2026, 11, 30)),
        ("saturday", date(2026, 11, 28)),
        ("Thurs", date(2026, 12, 3)),
    ],
)
def test_weekday_names_look_forward(text: str, expected: date) -> None:
    assert parse_date(text, FRIDAY) == expected


@pytest.mark.parametrize(
    ("today", "weekstart", "expected"),
    [
        (MONDAY, 0, date(2026, 11, 29)),  # week Monday..Sunday
        (date(2026, 11, 29), 0, date(2026, 11, 29)),  # Sunday is its own end of week
        (MONDAY, 6, date(2026, 11, 28)),  # week Sunday..Saturday
        (date(2026, 11, 28), 6, date(2026, 11, 28)),
        (date(2026, 11, 29), 6, date(2026, 12, 5)),  # Sunday starts a new week
    ],
)
def test_eow_examples(today: date, weekstart: int, expected: date) -> None:
    assert parse_date("eow", today, weekstart=weekstart) == expected


def test_eom_in_a_leap_february() -> None:
    assert parse_date("eom", date(2028, 2, 3)) == date(2028, 2, 29)
    assert parse_date("eom", date(2027, 2, 3)) == date(2027, 2, 28)


def test_dayfirst_decides_how_a_numeric_date_reads() -> None:
    assert parse_date("03/04/2026", MONDAY) == date(2026, 3, 4)
    assert parse_date("03/04/2026", MONDAY, dayfirst=True) == date(2026, 4, 3)
    assert parse_date("03.04.2026", MONDAY, dayfirst=True) == date(2026, 4, 3)
    assert parse_date("03-04-2026", MONDAY, dayfirst=True) == date(2026, 4, 3)


def test_year_first_is_never_read_day_first() -> None:
    assert parse_date("2026/12/01", MONDAY, dayfirst=True) == date(2026, 12, 1)
    assert parse_date("2026-12-01", MONDAY, dayfirst=True) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 14:00", (date(2026, 11, 24), time(14, 0))),
        ("fri 9:30", (date(2026, 11, 27), time(9, 30))),
        ("2026-12-01 8am", (date(2026, 12, 1), time(8, 0))),
        ("2026-12-01T08:15", (date(2026, 12, 1), time(8, 15))),
        ("+2d 17:30", (date(2026, 11, 25), time(17, 30))),
        ("dec 1 2:30pm", (date(2026, 12, 1), time(14, 30))),
        ("today 14h", (MONDAY, time(14, 0))),
        ("today 14h30", (MONDAY, time(14, 30))),
        ("today 12am", (MONDAY, time(0, 0))),
        ("today 12pm", (MONDAY, time(12, 0))),
        ("14:00", (MONDAY, time(14, 0))),
        ("tomorrow", (date(2026, 11, 24), None)),
    ],
)
def test_parse_when_reads_a_date_and_an_optional_time(
    text: str, expected: tuple[date, time | None]
) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("", "''"),
        ("someday", "'someday'"),
        ("fooday", "'fooday'"),
        ("32/13/2026", "'32/13/2026'"),
        ("2026-02-30", "'2026-02-30'"),
        ("5", "'5'"),
        ("2026", "'2026'"),
        ("dec", "'dec'"),  # a month without a day
        ("5th", "'5th'"),  # a day without a month
        ("10am", "'10am'"),  # a time is not a date
        ("next", "'next'"),
        ("this someday", "'this someday'"),
        ("1 dec 2026 EST", "'1 dec 2026 EST'"),
        ("line\nbreak", "'line\\nbreak'"),
    ],
)
def test_unreadable_dates_are_refused_on_one_line(text: str, quoted: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_date(text, MONDAY)
    message = str(caught.value)
    assert quoted in message
    assert "\n" not in message
    assert "tomorrow" in message  # says what is accepted


@pytest.mark.parametrize("text", ["+99999y", "-3000y", "+99999999999999999999d"])
def test_offsets_beyond_the_calendar_are_refused(text: str) -> None:
    with pytest.raises(BadValue, match="outside the years 1 to 9999") as caught:
        parse_date(text, MONDAY)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("25:00", "'25:00'"),
        ("tomorrow 9:60", "'9:60'"),
        ("tomorrow 13pm", "'13pm'"),
        ("tomorrow 0am", "'0am'"),
        ("tomorrow 24h", "'24h'"),
        ("someday 14:00", "'someday'"),
        ("", "''"),
    ],
)
def test_unreadable_times_are_refused_on_one_line(text: str, quoted: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_when(text, NOW)
    assert quoted in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "index"), [("monday", 0), ("Sunday", 6), ("sun", 6), (" wed ", 2), ("thurs", 3)]
)
def test_weekstart_from_name(name: str, index: int) -> None:
    assert weekstart_from_name(name) == index


def test_weekstart_from_an_unknown_name_is_refused() -> None:
    with pytest.raises(BadValue, match="'someday'"):
        weekstart_from_name("someday")


# --- properties -----------------------------------------------------------------------------


@st.composite
def expressions(draw: st.DrawFn) -> str:
    """Any expression from the accepted vocabulary."""
    count = draw(st.integers(min_value=0, max_value=400))
    name = draw(weekday_names)
    some_day = draw(days)
    return draw(
        st.sampled_from(
            [
                "today",
                "tomorrow",
                "yesterday",
                f"+{count}d",
                f"+{count}w",
                f"+{count}m",
                f"-{count}d",
                name,
                name.upper(),
                f"next {name}",
                f"this {name}",
                "eow",
                "eom",
                some_day.isoformat(),
                some_day.strftime("%d/%m/%Y"),
            ]
        )
    )


@given(expressions(), days, weekstarts)
def test_every_accepted_expression_reads_as_a_date(expr: str, today: date, start: int) -> None:
    assert isinstance(parse_date(expr, today, dayfirst=True, weekstart=start), date)


@given(st.integers(min_value=0, max_value=3650), days)
def test_plus_days_is_exact(count: int, today: date) -> None:
    assert parse_date(f"+{count}d", today) == today + timedelta(days=count)


@given(weekday_names, days, st.booleans())
def test_a_weekday_name_lands_on_that_day_within_a_week(
    name: str, today: date, with_next: bool
) -> None:
    found = parse_date(f"next {name}" if with_next else name, today)
    assert found.weekday() == WEEKDAYS[name]
    assert 1 <= (found - today).days <= 7


@given(weekday_names, days)
def test_this_weekday_is_today_or_the_same_as_the_bare_name(name: str, today: date) -> None:
    found = parse_date(f"this {name}", today)
    assert found.weekday() == WEEKDAYS[name]
    assert found in (today, parse_date(name, today))


@given(days, weekstarts)
def test_eow_is_the_last_day_of_the_week_within_six_days(today: date, start: int) -> None:
    found = parse_date("eow", today, weekstart=start)
    assert 0 <= (found - today).days <= 6
    assert found.weekday() == (start - 1) % 7


@given(days)
def test_eom_is_the_last_day_of_the_month(today: date) -> None:
    found = parse_date("eom", today)
    assert found >= today
    assert (found.year, found.month) == (today.year, today.month)
    assert (found + timedelta(days=1)).day == 1
    assert found == end_of_month(today)


@given(days, days, st.booleans())
def test_iso_round_trips(some_day: date, today: date, dayfirst: bool) -> None:
    assert parse_date(some_day.isoformat(), today, dayfirst=dayfirst) == some_day


@given(days, days)
def test_dayfirst_numeric_round_trips(some_day: date, today: date) -> None:
    assert parse_date(some_day.strftime("%d/%m/%Y"), today, dayfirst=True) == some_day
    assert parse_date(some_day.strftime("%m/%d/%Y"), today, dayfirst=False) == some_day


@given(
    expressions(),
    days,
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=0, max_value=59),
)
def test_a_trailing_time_does_not_change_the_date(
    expr: str, today: date, hour: int, minute: int
) -> None:
    now = datetime.combine(today, time(8, 0))
    expected = parse_date(expr, today, dayfirst=True)
    assert parse_when(f"{expr} {hour}:{minute:02d}", now, dayfirst=True) == (
        expected,
        time(hour, minute),
    )
