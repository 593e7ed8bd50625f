"""The to-do list's rules: which section a step, lead or deal falls in, and how it ranks.

Pure functions of dates, numbers and weights; the services fetch the facts. Every
"today" and "now" is an argument, so an edge (a step due at midnight, a lead idle for
exactly 14 days) always gives the same answer.

Priority, like taskwarrior's urgency, is a sum of named terms, each a factor times a
weight (settings ``todo.weight.*``), so that ``todo --explain`` can show every term:

========  ===========================================================  =======
term      factor                                                       weight
========  ===========================================================  =======
starred   1 when the contact is starred                                100
overdue   days late (a step) or past the limit (stale, rotting), <=30  2
due       1 due today or late, falling to 0 for a step 7 days off      5
value     log10(1 + value x probability / 1000) of the deal            5
stage     position of the deal's stage in the pipeline (last = 1)      4
========  ===========================================================  =======

The starred weight outweighs everything else can add up to (60 + 15 + 4 + 5 for a
million-dollar deal), so starred items come first in every section unless it is lowered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from salesfunnel.domain.money import format_money

WEEK_DAYS = 7  # "the next 7 days" section, and how far ahead the due term reaches
FOLLOW_UP_DAYS = 7  # customers who turned pre-inactive this many days ago or less
LATE_CAP_DAYS = 30  # lateness stops adding points after a month: it is late, full stop
VALUE_UNIT = 1000.0  # the value term counts thousands of weighted value


class Section(StrEnum):
    """The to-do list's sections, in the order they are shown."""

    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "next-7-days"
    NO_STEP = "no-next-step"
    STALE = "stale-leads"
    ROTTING = "rotting-deals"
    PRE_INACTIVE = "pre-inactive"
    KEEP_IN_TOUCH = "keep-in-touch"


SECTION_TITLES: dict[Section, str] = {
    Section.OVERDUE: "Overdue",
    Section.TODAY: "Today",
    Section.WEEK: "Next 7 days",
    Section.NO_STEP: "No next step",
    Section.STALE: "Stale leads",
    Section.ROTTING: "Rotting deals",
    Section.PRE_INACTIVE: "Customers turning pre-inactive",
    Section.KEEP_IN_TOUCH: "Keep in touch",
}


class StepKind(StrEnum):
    """What a planned next step is."""

    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TASK = "task"


class ActivityKind(StrEnum):
    """What a logged activity was: a step kind, or a note."""

    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TASK = "task"
    NOTE = "note"


@dataclass(frozen=True)
class Weights:
    starred: float = 100.0
    overdue: float = 2.0
    value: float = 5.0
    stage: float = 4.0
    due: float = 5.0


def weights_from(values: Mapping[str, str]) -> Weights:
    """The weights from the settings (``todo.weight.<term>``)."""
    return Weights(
        **{term: float(values[f"todo.weight.{term}"]) for term in Weights.__dataclass_fields__}
    )


@dataclass(frozen=True)
class Term:
    """One part of a priority: ``factor`` x ``weight`` points, and why."""

    name: str
    factor: float
    weight: float
    detail: str

    @property
    def points(self) -> float:
        return round(self.factor * self.weight, 2)


@dataclass(frozen=True)
class Priority:
    terms: tuple[Term, ...]

    @property
    def total(self) -> float:
        return round(sum(term.points for term in self.terms), 2)


@dataclass(frozen=True)
class DealFacts:
    """What ranks a deal: its weighted value and how far along the pipeline it is."""

    value: float
    currency: str
    probability: int
    stage: str
    stage_position: int  # 1 for the first stage
    stage_count: int


def priority(
    weights: Weights,
    *,
    starred: bool,
    days_late: int = 0,
    late_detail: str | None = None,
    days_ahead: int | None = None,
    deal: DealFacts | None = None,
) -> Priority:
    """The priority of one to-do item, as its terms (only those that add points).

    ``days_late``: days a step is late, or a lead or deal is past its limit;
    ``days_ahead``: for a step, days until it is due (0 today, negative when late).
    """
    terms = []
    for name, factor, weight in _factors(weights, starred, days_late, days_ahead, deal):
        detail = _detail(name, days_late, late_detail, days_ahead, deal)
        terms.append(Term(name, factor, weight, detail))
    return Priority(tuple(terms))


def priority_total(
    weights: Weights,
    *,
    starred: bool,
    days_late: int = 0,
    days_ahead: int | None = None,
    deal: DealFacts | None = None,
) -> float:
    """``priority(...).total`` without the words: cheap enough for every candidate item."""
    factors = _factors(weights, starred, days_late, days_ahead, deal)
    return round(sum(round(factor * weight, 2) for _, factor, weight in factors), 2)


def _factors(
    weights: Weights,
    starred: bool,
    days_late: int,
    days_ahead: int | None,
    deal: DealFacts | None,
) -> list[tuple[str, float, float]]:
    """(term, factor, weight) for every term that adds points."""
    found: list[tuple[str, float, float]] = []
    if starred:
        found.append(("starred", 1, weights.starred))
    if days_late > 0:
        found.append(("overdue", min(days_late, LATE_CAP_DAYS), weights.overdue))
    if days_ahead is not None and days_ahead < WEEK_DAYS:
        soon = 1.0 if days_ahead <= 0 else round((WEEK_DAYS - days_ahead) / WEEK_DAYS, 3)
        found.append(("due", soon, weights.due))
    if deal is not None:
        weighted = deal.value * deal.probability / 100
        if weighted > 0:
            found.append(("value", round(math.log10(1 + weighted / VALUE_UNIT), 3), weights.value))
        if deal.stage_count > 0 and deal.stage_position > 0:
            found.append(("stage", round(deal.stage_position / deal.stage_count, 3), weights.stage))
    return [term for term in found if round(term[1] * term[2], 2)]


def _detail(
    name: str,
    days_late: int,
    late_detail: str | None,
    days_ahead: int | None,
    deal: DealFacts | None,
) -> str:
    """Why a term applies, in words."""
    if name == "overdue":
        detail = late_detail or f"{_days(days_late)} late"
        return detail + (f", counted as {LATE_CAP_DAYS}" if days_late > LATE_CAP_DAYS else "")
    if name == "due":
        if days_ahead == 0:
            return "due today"
        return "late" if (days_ahead or 0) < 0 else f"due in {_days(days_ahead or 0)}"
    if name == "value" and deal is not None:
        weighted = deal.value * deal.probability / 100
        return (
            f"{format_money(deal.value)} x {deal.probability}% = "
            f"{format_money(weighted, deal.currency)}"
        )
    if name == "stage" and deal is not None:
        return f"{deal.stage}, stage {deal.stage_position} of {deal.stage_count}"
    return name


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


# --- steps ---------------------------------------------------------------------------


def step_section(due_date: date, due_at: datetime | None, now: datetime) -> Section | None:
    """Where a planned step belongs as of ``now`` (aware, local), or None: further off.

    A step due on a date (no time) is due all that day and overdue from the next;
    a timed step is overdue once its moment has passed.
    """
    today = now.date()
    if due_date < today or (due_at is not None and due_at < now):
        return Section.OVERDUE
    if due_date == today:
        return Section.TODAY
    if due_date <= today + timedelta(days=WEEK_DAYS):
        return Section.WEEK
    return None


def week_end(today: date) -> date:
    """The last day the "next 7 days" section reaches."""
    return today + timedelta(days=WEEK_DAYS)


def snoozed_until(due_date: date, today: date, days: int) -> date:
    """Where snooze puts a step: ``days`` after its due date, or after today if it is late."""
    return max(due_date, today) + timedelta(days=days)


# --- stale leads and rotting deals -----------------------------------------------------


def idle_days(last_touch: date, today: date) -> int:
    """Whole days since the last activity (or stage change), by local calendar date."""
    return (today - last_touch).days


def is_idle_too_long(last_touch: date, today: date, limit_days: int) -> bool:
    """Stale (a lead) or rotting (a deal): idle for ``limit_days`` or more.

    Touched on the 9th with a 14-day limit: stale from the 23rd, exactly day 14.
    The caller also checks that no step is planned from today on.
    """
    return idle_days(last_touch, today) >= limit_days


def last_fresh_day(today: date, limit_days: int) -> date:
    """The earliest last-touch date that is not yet stale: touched before it, it is."""
    return today - timedelta(days=limit_days - 1)


def overdue_detail(idle: int, limit_days: int) -> str:
    return f"idle {_days(idle)}, limit {limit_days}"


# --- customers --------------------------------------------------------------------------


def turned_pre_inactive_window(today: date, pre_inactive_days: int) -> tuple[date, date]:
    """Last-purchase dates of customers who turned pre-inactive in the last 7 days.

    A customer turns pre-inactive on day ``pre_inactive_days + 1`` after the purchase;
    that day falls in today-6 .. today when the purchase is in the returned range.
    """
    first = today - timedelta(days=pre_inactive_days + FOLLOW_UP_DAYS)
    last = today - timedelta(days=pre_inactive_days + 1)
    return first, last
