"""The one clock: every "now" and "today", and the user's local time, come from here.

``SALESFUNNEL_NOW`` (an ISO date or date-time) fixes the time for a whole
command, so tests and replays of a past day are deterministic.  Times without
an offset are read as local time.

Local time is the system's time zone (``TZ``), with its daylight saving rules for
the day in question; ``SALESFUNNEL_NOW`` fixes the instant, not the zone (an offset
in it only says which instant).  Instants are stored in UTC; :func:`local` and
:func:`local_date` say when and on which day one happened for the user, everywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

from salesfunnel.domain.dates import within_range
from salesfunnel.errors import BadValue

NOW_VARIABLE = "SALESFUNNEL_NOW"
_travelled_to: datetime | None = None


def now() -> datetime:
    """The current local time, aware of its offset."""
    if _travelled_to is not None:
        return _travelled_to
    fixed = os.environ.get(NOW_VARIABLE, "").strip()
    if not fixed:
        return datetime.now().astimezone()
    try:
        moment = datetime.fromisoformat(fixed).astimezone()  # aware, on the local clock
    except (ValueError, OverflowError, OSError):
        raise BadValue(
            f"{NOW_VARIABLE}={fixed!r} is not an ISO date-time this clock can show "
            "(try 2026-11-23T09:00)"
        ) from None
    within_range(moment.date(), f"{NOW_VARIABLE}={fixed}")
    return moment


def today() -> date:
    """The local calendar date of :func:`now`."""
    return now().date()


def utcnow() -> datetime:
    """:func:`now` in UTC: the form every stored timestamp takes."""
    return now().astimezone(UTC)


def local(moment: datetime) -> datetime:
    """A stored (UTC) instant on the user's clock."""
    return moment.astimezone()


def local_date(moment: datetime) -> date:
    """The user's calendar day of a stored (UTC) instant."""
    return local(moment).date()


def local_moment(day: date, at: time) -> datetime:
    """The aware instant a wall-clock date and time name on the user's clock.

    As a calendar does: a time skipped when clocks spring forward is moved on by the
    gap (00:30 on a night that jumps from 00:00 to 01:00 is 01:30); a time that happens
    twice when they fall back is the first of the two.
    """
    naive = datetime.combine(day, at)
    candidates = [naive.replace(fold=fold).astimezone() for fold in (0, 1)]
    exact = [c for c in candidates if c.replace(tzinfo=None) == naive]
    return min(exact) if exact else max(candidates)


def day_start(day: date) -> datetime:
    """The UTC instant a local day begins: what stored instants are compared with."""
    return local_moment(day, time.min).astimezone(UTC)


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    """Make "now" a past moment for a block: the demo writes a believable history."""
    global _travelled_to
    previous = _travelled_to
    _travelled_to = moment if moment.tzinfo else moment.astimezone()
    try:
        yield
    finally:
        _travelled_to = previous
