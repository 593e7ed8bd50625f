"""Dates and times the way a salesperson types them: ``tomorrow``, ``fri 9:30``, ``+2w``, ``eom``.

Every function takes ``today`` or ``now`` as an argument and never reads the clock, so the
same words always give the same answer in tests and in replays of a past day.

Weekday rules (one rule, no "this week or next?" guessing):

* ``friday`` and ``next friday`` are the same day: the first Friday strictly after today,
  1 to 7 days ahead.  Typing "friday" on a Friday means a week from now.
* ``this friday`` is the first Friday on or after today, 0 to 6 days ahead: today when today
  is a Friday, otherwise the same day as ``friday``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from salesfunnel.errors import BadValue

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS: dict[str, int] = {
    **{name: index for index, name in enumerate(DAY_NAMES)},
    **{name[:3]: index for index, name in enumerate(DAY_NAMES)},
    **{"tues": 1, "thur": 3, "thurs": 3},
}

# The dates a command takes (and "now" may be): wide enough for any sale, far enough from
# the calendar's ends (year 1, year 9999) that a week or a quarter after one still is one.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def within_range(day: date, typed: str) -> date:
    """The day, or a refusal naming what was typed when it falls outside the range."""
    if not EARLIEST <= day <= LATEST:
        said = typed.strip()
        what = said if said.endswith(day.isoformat()) else f"{said} ({day.isoformat()})"
        raise BadValue(f"{what} is out of range: dates run from {EARLIEST.year} to {LATEST.year}")
    return day


DATE_HELP = (
    "use 2026-12-01, today, tomorrow, yesterday, +3d, +2w, +1m, "
    "a weekday (friday, next friday), eow or eom"
)
TIME_HELP = "use 14:00, 9:30, 9am, 2:30pm, 14h or 14h30"

_DAY_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<count>\d+)(?P<unit>[dwmy])")
_OFFSET_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
_WEEKDAY_PHRASE = re.compile(r"(?:(?P<which>next|this)\s+)?(?P<name>[a-z]+)")
_YEAR_FIRST = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_BARE_NUMBER = re.compile(r"[+-]?\d+")
_ISO_WITH_TIME = re.compile(r"(?P<date>\d{4}-\d{1,2}-\d{1,2})t(?P<time>\S+)")

_CLOCK_24H = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?")
_CLOCK_12H = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?P<half>am|pm)")
_CLOCK_H = re.compile(r"(?P<h>\d{1,2})h(?P<m>\d{2})?")

# Two defaults that differ in every field: a field dateutil leaves at its default was not typed.
_PROBE_A = datetime(2000, 1, 1, 0, 0, 0, 0)
_PROBE_B = datetime(2000, 2, 2, 1, 1, 1, 1)


def parse_date(text: str, today: date, *, dayfirst: bool = False, weekstart: int = 0) -> date:
    """Read a DATE the way a salesperson types it.

    Accepted (case-insensitive): ISO ``2026-12-01``; ``today``/``tomorrow``/``yesterday``;
    ``+3d``/``-3d``/``+2w``/``+1m``/``+1y``; weekday names (see the module docstring);
    ``eow`` (last day of the week starting on ``weekstart``, 0 = Monday) and ``eom``;
    numeric dates (``03/04/2026`` is read day-first only when ``dayfirst``) and spelled
    ones (``1 dec 2026``, ``Dec 1``, this year when the year is left out).  A bare number
    is refused: "5" could be a day, a count or a year.
    """
    word = _normalize(text)
    if not word or _BARE_NUMBER.fullmatch(word):
        raise _bad_date(text)
    try:
        for reader in (_day_word, _offset, _weekday_phrase, _period_end, _year_first):
            found = reader(word, today, weekstart)
            if found is not None:
                return found
        return _spelled_date(word, today, dayfirst)
    except _Unreadable as why:
        raise _bad_date(text, str(why)) from None


def parse_when(
    text: str, now: datetime, *, dayfirst: bool = False, weekstart: int = 0
) -> tuple[date, time | None]:
    """A DATE optionally followed by a time of day.

    ``tomorrow 14:00``, ``fri 9:30``, ``2026-12-01 8am``, ``2026-12-01T14:00``, ``+2d 17:30``.
    The time, if any, is the last word; a time alone means today.  Relative words are
    relative to ``now.date()``.  Returns ``(date, time or None)``.
    """
    date_part, time_part = _split_when(" ".join(text.split()))
    at = parse_time(time_part) if time_part else None
    if not date_part:
        if at is None:
            raise _bad_date(text)
        return now.date(), at
    return parse_date(date_part, now.date(), dayfirst=dayfirst, weekstart=weekstart), at


def parse_time(text: str) -> time:
    """Read a time of day: ``14:00``, ``9:30``, ``9am``, ``2:30pm``, ``14h``, ``14h30``."""
    word = _normalize(text)
    if match := _CLOCK_24H.fullmatch(word):
        hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    elif match := _CLOCK_12H.fullmatch(word):
        hour, minute, second = _from_12h(match["h"], match["half"], text), int(match["m"] or 0), 0
    elif match := _CLOCK_H.fullmatch(word):
        hour, minute, second = int(match["h"]), int(match["m"] or 0), 0
    else:
        raise _bad_time(text)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise _bad_time(text)
    return time(hour, minute, second)


def weekstart_from_name(name: str) -> int:
    """The weekday index (Monday = 0) of a name, for the ``locale.weekstart`` setting."""
    try:
        return WEEKDAYS[_normalize(name)]
    except KeyError:
        raise BadValue(
            f"can't read {name.strip()!r} as a weekday; use monday ... sunday (or mon ... sun)"
        ) from None


def end_of_week(today: date, weekstart: int = 0) -> date:
    """The last day of the week that holds ``today``; today itself when it is that day."""
    if not 0 <= weekstart <= 6:
        raise ValueError(f"weekstart must be 0 (Monday) to 6 (Sunday), not {weekstart}")
    last_day = (weekstart - 1) % 7
    return today + timedelta(days=(last_day - today.weekday()) % 7)


def end_of_month(today: date) -> date:
    """The last day of ``today``'s month (the 29th of a leap February)."""
    if today.month == 12:
        return today.replace(day=31)
    return today.replace(month=today.month + 1, day=1) - timedelta(days=1)


def _normalize(text: str) -> str:
    return " ".join(text.split()).lower()


class _Unreadable(Exception):
    """Raised by a reader; ``parse_date`` turns it into a BadValue that quotes the input."""


def _bad_date(text: str, reason: str = "") -> BadValue:
    return BadValue(f"can't read {text.strip()!r} as a date; {reason or DATE_HELP}")


def _bad_time(text: str) -> BadValue:
    return BadValue(f"can't read {text.strip()!r} as a time of day; {TIME_HELP}")


def _looks_like_time(word: str) -> bool:
    return any(p.fullmatch(word.lower()) for p in (_CLOCK_24H, _CLOCK_12H, _CLOCK_H))


def _split_when(text: str) -> tuple[str, str]:
    """Cut ``tomorrow 14:00`` or ``2026-12-01T14:00`` into its date and time words."""
    iso = _ISO_WITH_TIME.fullmatch(text.lower())
    if iso and _looks_like_time(iso["time"]):
        return text[: iso.end("date")], text[iso.start("time") :]
    date_part, _, last = text.rpartition(" ")
    if _looks_like_time(last):
        return date_part, last
    return text, ""


def _from_12h(digits: str, half: str, text: str) -> int:
    """12am is midnight and 12pm is noon; 0am or 13pm mean nothing."""
    hour = int(digits)
    if not 1 <= hour <= 12:
        raise _bad_time(text)
    return hour % 12 + (12 if half == "pm" else 0)


def _day_word(word: str, today: date, weekstart: int) -> date | None:
    if word not in _DAY_WORDS:
        return None
    return today + timedelta(days=_DAY_WORDS[word])


def _offset(word: str, today: date, weekstart: int) -> date | None:
    """``+3d`` and friends; months and years go through relativedelta so Jan 31 +1m is Feb 28."""
    match = _OFFSET.fullmatch(word)
    if not match:
        return None
    from dateutil.relativedelta import relativedelta  # only for the words that need it

    count = int(match["count"]) * (-1 if match["sign"] == "-" else 1)
    try:
        moved: date = today + relativedelta(**{_OFFSET_UNITS[match["unit"]]: count})
    except (ValueError, OverflowError):
        raise _Unreadable("it falls outside the years 1 to 9999") from None
    return moved


def _weekday_phrase(word: str, today: date, weekstart: int) -> date | None:
    match = _WEEKDAY_PHRASE.fullmatch(word)
    if not match or match["name"] not in WEEKDAYS:
        return None
    ahead = (WEEKDAYS[match["name"]] - today.weekday()) % 7
    if ahead == 0 and match["which"] != "this":
        ahead = 7
    return today + timedelta(days=ahead)


def _period_end(word: str, today: date, weekstart: int) -> date | None:
    if word == "eow":
        return end_of_week(today, weekstart)
    if word == "eom":
        return end_of_month(today)
    return None


def _year_first(word: str, today: date, weekstart: int) -> date | None:
    """``2026-12-01``, ``2026/12/01``: year first is always year-month-day, whatever dayfirst."""
    match = _YEAR_FIRST.fullmatch(word)
    if not match:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise _Unreadable() from None


def _spelled_date(word: str, today: date, dayfirst: bool) -> date:
    """Let dateutil read ``03/04/2026`` or ``1 dec 2026``, but only a whole date and no more.

    dateutil quietly fills what is missing from a default ("dec" is Dec <today's day>,
    "10am" is today), so the text is read twice with defaults that differ in every
    field: any field that changes was not typed, and the text is refused.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            first = _dateutil(word, dayfirst, _PROBE_A.replace(year=today.year))
            second = _dateutil(word, dayfirst, _PROBE_B.replace(year=today.year))
    except (ValueError, OverflowError, Warning):  # dateutil's ParserError is a ValueError
        raise _Unreadable() from None
    typed_date_only = first.date() == second.date() and (first.time(), second.time()) == (
        _PROBE_A.time(),
        _PROBE_B.time(),
    )
    if not typed_date_only or first.tzinfo is not None:
        raise _Unreadable()
    return first.date()


def _dateutil(word: str, dayfirst: bool, default: datetime) -> datetime:
    from dateutil.parser import parse  # only for the dates typed out in full

    parsed: datetime = parse(word, dayfirst=dayfirst, default=default)  # dateutil has no types
    return parsed


# --- intervals: how often a step recurs, how long a cadence lasts ---------------------------

INTERVAL_HELP = "use a count and a unit: 3d, 2w, 1m or 1y (days, weeks, months, years)"
_INTERVAL = re.compile(r"(?P<count>\d{1,4})\s*(?P<unit>[a-z]+)")
_INTERVAL_UNITS = {
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "week", "weeks"), "w"),
    **dict.fromkeys(("m", "mo", "month", "months"), "m"),
    **dict.fromkeys(("y", "yr", "year", "years"), "y"),
}
MAX_INTERVAL_DAYS = 3660  # ten years: a longer interval is a typo, not a cadence


@dataclass(frozen=True)
class Interval:
    """A count of days, weeks, months or years: ``2w``.  Months and years keep the day of
    the month where it exists (Jan 31 + 1m is Feb 28), as ``+1m`` does."""

    count: int
    unit: str  # d | w | m | y

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def after(self, day: date, times: int = 1) -> date:
        """The day ``times`` intervals after ``day`` (before it, for a negative ``times``)."""
        steps = self.count * times
        if self.unit == "d":
            return day + timedelta(days=steps)
        if self.unit == "w":
            return day + timedelta(weeks=steps)
        months = steps * (12 if self.unit == "y" else 1)
        month_index = day.year * 12 + day.month - 1 + months
        year, month = divmod(month_index, 12)
        first = date(year, month + 1, 1)
        return first.replace(day=min(day.day, end_of_month(first).day))

    def before(self, day: date) -> date:
        return self.after(day, -1)


def parse_interval(text: str) -> Interval:
    """Read an interval the way it is typed: ``3d``, ``2w``, ``1m``, ``1y`` (also ``2 weeks``).

    Zero, and more than ten years, are refused: a step that recurs every 0 days would
    never end, and a cadence of decades is a typo.
    """
    match = _INTERVAL.fullmatch(_normalize(text))
    unit = _INTERVAL_UNITS.get(match["unit"]) if match else None
    if match is None or unit is None:
        raise BadValue(f"can't read {text.strip()!r} as an interval; {INTERVAL_HELP}")
    interval = Interval(int(match["count"]), unit)
    if interval.count == 0 or interval.after(date(2000, 1, 1)) > date(2000, 1, 1) + timedelta(
        days=MAX_INTERVAL_DAYS
    ):
        raise BadValue(f"{text.strip()!r} is out of range: from 1d to 10y")
    return interval


def next_occurrence(due: date, every: Interval, today: date) -> date:
    """When a recurring step comes round again: the first date of its series (``due``
    plus whole intervals) after today, so a late step done today is not followed by
    steps already overdue."""
    times = 1
    if due < today and every.unit in "dw":  # straight to the last one on or before today
        length = every.count * (7 if every.unit == "w" else 1)
        times = max(1, (today - due).days // length)
    following = every.after(due, times)
    while following <= today:
        times += 1
        following = every.after(due, times)
    return following
