"""Local dates and times: stored moments on the user's clock, and DATE/WHEN options read
with the user's locale settings.

A WHEN is read on the clock's local wall clock: the offset in ``SALESFUNNEL_NOW`` when it
has one, else the system's time zone (with its daylight saving rules for the day in
question).  Light on purpose (standard library only): the fast read path uses it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, tzinfo
from typing import Protocol

from salesfunnel import clock
from salesfunnel.domain.settings import weekday_index


class HasSettings(Protocol):
    """A unit of work, or anything else that knows the settings."""

    def settings(self) -> dict[str, str]: ...


def local_zone() -> tzinfo | None:
    """The fixed offset ``SALESFUNNEL_NOW`` gives, or None: the system's zone and its rules."""
    fixed = os.environ.get(clock.NOW_VARIABLE, "").strip()
    if not fixed:
        return None
    try:
        return datetime.fromisoformat(fixed).tzinfo
    except ValueError:
        return None


def local_moment(day: date, at: time) -> datetime:
    """The aware local moment a wall-clock date and time name."""
    naive = datetime.combine(day, at)
    zone = local_zone()
    return naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()


def local_moment_of(moment: datetime) -> datetime:
    """A stored (UTC) timestamp on the local clock."""
    zone = local_zone()
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def local_date(moment: datetime) -> date:
    """The local calendar date of a stored (UTC) timestamp."""
    return local_moment_of(moment).date()


def due_instant(day: date, at: time | None) -> datetime | None:
    return local_moment(day, at).astimezone(UTC) if at is not None else None


def user_date(work: HasSettings, text: str | None) -> date | None:
    """A DATE option read with the user's locale settings (day-first, week start)."""
    if text is None:
        return None
    from salesfunnel.domain.dates import parse_date

    settings = work.settings()
    return parse_date(
        text,
        clock.today(),
        dayfirst=settings["locale.dayfirst"] == "true",
        weekstart=weekday_index(settings["locale.weekstart"]),
    )


def user_when(work: HasSettings, text: str) -> tuple[date, time | None]:
    """A WHEN option (``tomorrow 14:00``, ``fri 9:30``): a local date and maybe a time."""
    from salesfunnel.domain.dates import parse_when

    settings = work.settings()
    return parse_when(
        text,
        clock.now(),
        dayfirst=settings["locale.dayfirst"] == "true",
        weekstart=weekday_index(settings["locale.weekstart"]),
    )
