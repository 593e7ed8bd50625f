"""DATE and WHEN options read with the user's locale settings (day-first, week start).

A WHEN is read on the user's wall clock (clock.py says which): a step keeps the local
date and time as typed and, when timed, the instant they name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Protocol

from salesfunnel import clock
from salesfunnel.domain.settings import as_bool, weekday_index


class HasSettings(Protocol):
    """A unit of work, or anything else that knows the settings."""

    def settings(self) -> dict[str, str]: ...


def due_instant(day: date, at: time | None) -> datetime | None:
    return clock.local_moment(day, at).astimezone(UTC) if at is not None else None


def user_date(work: HasSettings, text: str | None) -> date | None:
    """A DATE option read with the user's locale settings (day-first, week start)."""
    if text is None:
        return None
    from salesfunnel.domain.dates import parse_date, within_range

    settings = work.settings()
    day = parse_date(
        text,
        clock.today(),
        dayfirst=as_bool(settings["locale.dayfirst"]),
        weekstart=weekday_index(settings["locale.weekstart"]),
    )
    return within_range(day, text)


def user_when(work: HasSettings, text: str) -> tuple[date, time | None]:
    """A WHEN option (``tomorrow 14:00``, ``fri 9:30``): a local date and maybe a time."""
    from salesfunnel.domain.dates import parse_when, within_range

    settings = work.settings()
    day, at = parse_when(
        text,
        clock.now(),
        dayfirst=as_bool(settings["locale.dayfirst"]),
        weekstart=weekday_index(settings["locale.weekstart"]),
    )
    return within_range(day, text), at
