"""Local times a calendar app would understand, on nights the clocks change, in any zone.

A wall-clock time that happens twice (clocks go back) is its first occurrence; one that
never happens (clocks go forward) moves forward by the gap (clock.local_moment).  The
system zone (``TZ``) is set per example and put back after; ``zoneinfo``, reading the
same tz database, is the oracle.  The command-line cases (Santiago's skipped midnight,
New York's repeated 01:30) are in test_rules.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import zone
from salesfunnel import clock
from salesfunnel.domain.todo import Section, step_section

ZONES = ["America/Santiago", "America/Sao_Paulo", "Europe/Lisbon", "America/New_York"]


@contextmanager
def system_zone(name: str) -> Iterator[ZoneInfo]:
    """The process's local time zone is ``name`` for the block, and its zoneinfo."""
    with zone(name):
        yield ZoneInfo(name)


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether a clock in ``zone`` ever shows ``wall`` (naive)."""
    there = wall.replace(tzinfo=zone)
    return there.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def oracle(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant a calendar app gives ``wall``: zoneinfo's ``fold=0`` is the first
    occurrence of a repeated time, and in a gap reads with the offset before it (so the
    time moves forward by the gap).  In UTC: Python never calls an instant in a gap or
    fold equal to one of another zone (PEP 495)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


# São Paulo had daylight saving time until 2019 (starting at midnight, like Santiago);
# the others still do.  Times to the microsecond, days far into both directions.
walls = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31))


@settings(max_examples=400)
@given(zone_name=st.sampled_from(ZONES), wall=walls)
def test_a_typed_time_reads_back_as_typed_or_after_the_gap(zone_name, wall) -> None:
    with system_zone(zone_name) as zone:
        instant = clock.local_moment(wall.date(), wall.time())
        shown = clock.local(instant.astimezone(UTC)).replace(tzinfo=None)
    # zoneinfo's fold=0 is the first occurrence, and in a gap the offset before it.
    assert instant.astimezone(UTC) == oracle(wall, zone)
    if exists(wall, zone):
        assert shown == wall
    else:
        before = zone.utcoffset(wall.replace(fold=0))
        after = zone.utcoffset(wall.replace(fold=1))
        assert before is not None and after is not None
        assert shown == wall + (after - before) > wall


def change_nights(zone: ZoneInfo, year: int) -> list[datetime]:
    """The local wall-clock moments a zone's offset changed in a year, hour by hour."""
    moments = []
    at = datetime(year, 1, 1, tzinfo=UTC)
    while at.year == year:
        following = at + timedelta(hours=1)
        if at.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            moments.append(following.astimezone(zone).replace(tzinfo=None))
        at = following
    return moments


@pytest.mark.parametrize(
    ("zone_name", "year"),
    [("America/Santiago", 2026), ("America/Sao_Paulo", 2018), ("Europe/Lisbon", 2026)]
    + [("America/New_York", 2026)],
)
def test_every_change_night_of_a_year_is_resolved_as_a_calendar_would(zone_name, year) -> None:
    """Around each change: the skipped hour forward, the repeated one first."""
    with system_zone(zone_name) as zone:
        nights = change_nights(zone, year)
        assert len(nights) == 2
        for night in nights:
            for minutes in range(-90, 91, 15):
                wall = night + timedelta(minutes=minutes)
                instant = clock.local_moment(wall.date(), wall.time())
                assert instant.astimezone(UTC) == oracle(wall, zone), wall


@settings(max_examples=300)
@given(
    zone_name=st.sampled_from(ZONES),
    day=st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)),
    at=st.times(),
)
def test_a_step_is_never_overdue_before_its_local_day_starts(zone_name, day, at) -> None:
    with system_zone(zone_name):
        start = clock.day_start(day)
        due_at = clock.local_moment(day, at).astimezone(UTC)
        assert clock.local_date(start) == day
        assert clock.local_date(start - timedelta(microseconds=1)) == day - timedelta(days=1)
        assert due_at >= start
        assert clock.local_date(due_at) == day
        just_before = clock.local(start - timedelta(microseconds=1))
        assert step_section(day, due_at, just_before) is not Section.OVERDUE
