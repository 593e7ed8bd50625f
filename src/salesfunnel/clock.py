"""The one clock: every "now" and "today" comes from here.

``SALESFUNNEL_NOW`` (an ISO date or date-time) fixes the time for a whole
command, so tests and replays of a past day are deterministic.  Times without
an offset are read as local time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

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
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise BadValue(
            f"{NOW_VARIABLE}={fixed!r} is not an ISO date-time (try 2026-11-23T09:00)"
        ) from None
    return moment.astimezone() if moment.tzinfo is None else moment


def today() -> date:
    """The local calendar date of :func:`now`."""
    return now().date()


def utcnow() -> datetime:
    """:func:`now` in UTC: the form every stored timestamp takes."""
    return now().astimezone(UTC)


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
