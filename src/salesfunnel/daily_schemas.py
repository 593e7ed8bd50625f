"""The Public models the daily commands print: `todo`, `digest`, `pipeline`, `lead list`.

Part of the ``--json`` contract like every model in ``salesfunnel.schemas``, which
re-exports them: look there.  They are apart so that those commands, which must start
fast (SPEC §6), define these few models only, not the forty others.  Every model is
built on first use (``defer_build``), so a command pays only for the models it prints.
"""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field


class Public(BaseModel):
    """Base of every JSON document salesfunnel prints."""

    model_config = ConfigDict(defer_build=True)


class LeadPublic(Public):
    """A row of `lead list`."""

    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    title: str | None
    status: str = Field(description="new, contacted, qualified or disqualified")
    level: str | None = Field(description="mql or sql once qualified")
    source: str | None
    channel: str | None = Field(description="inbound or outbound")
    tags: list[str]
    starred: bool
    stage: str = Field(description="funnel stage: lead, or customer once a deal is won")
    created_at: datetime


class DealPublic(Public):
    """A row of `deal list`."""

    id: int
    title: str
    contact_id: int
    contact: str = Field(description="contact name")
    company: str | None
    value: float
    currency: str
    stage: str = Field(description="pipeline stage (the last one, once closed)")
    probability: int = Field(description="percent: 0-99 while open, 100 won, 0 lost")
    weighted_value: float = Field(description="value x probability")
    expected_close: date | None
    status: str = Field(description="open, won or lost")
    lost_reason: str | None
    opened_at: datetime
    closed_on: date | None


class PipelineStagePublic(Public):
    """One column of `pipeline`."""

    stage: str
    probability: int
    count: int
    total_value: float
    weighted_value: float
    deals: list[DealPublic] = Field(description="open deals in the stage, by value")


class PriorityTermPublic(Public):
    """One term of a to-do item's priority: factor x weight = points."""

    name: str = Field(description="starred, overdue, due, value or stage")
    factor: float
    weight: float = Field(description="the setting todo.weight.<name>")
    points: float
    detail: str = Field(description="why, in words: '3 days late', '12,000.00 x 50% = ...'")


class TodoItemPublic(Public):
    """One entry of the to-do list: a planned step, a lead or deal without one, a customer."""

    section: str = Field(description="the section it is listed in (see TodoSectionPublic)")
    kind: str = Field(description="step, lead, deal or customer")
    activity_id: int | None = Field(description="steps: the activity, for done and snooze")
    step_kind: str | None = Field(description="steps: call, email, meeting or task")
    text: str | None = Field(description="steps: what to do")
    contact_id: int
    contact: str = Field(description="contact name")
    company: str | None
    starred: bool
    status: str | None = Field(description="leads: new or contacted; customers: pre-inactive")
    deal_id: int | None
    deal: str | None = Field(description="deal title")
    stage: str | None = Field(description="deal stage")
    value: float | None = Field(description="deal value (customers: value of purchases)")
    currency: str | None
    probability: int | None = Field(description="deal probability, percent")
    due_date: date | None = Field(description="steps: local date due")
    due_time: time | None = Field(description="steps: local time, if one was given")
    due_at: datetime | None = Field(description="timed steps: the moment due (UTC)")
    days_late: int | None = Field(description="overdue steps: whole days late (0: earlier today)")
    last_touch: date | None = Field(
        description="leads, deals: local date of the last activity or stage change"
    )
    idle_days: int | None = Field(description="leads, deals: days since last_touch")
    limit_days: int | None = Field(description="stale or rotting limit that applied")
    last_purchase: date | None = Field(description="customers: date of the last purchase")
    priority: float = Field(description="sum of the breakdown's points; higher comes first")
    breakdown: list[PriorityTermPublic]


class TodoSectionPublic(Public):
    """One section of the to-do list, with its first items and how many there are."""

    name: str = Field(
        description="overdue, today, next-7-days, no-next-step, stale-leads, rotting-deals "
        "or pre-inactive"
    )
    title: str
    total: int = Field(description="items in the section; `items` holds the first --limit")
    items: list[TodoItemPublic] = Field(description="highest priority first")


class TodoPublic(Public):
    """`todo --json` and `digest --format json`: the to-do list as of a moment."""

    as_of: date = Field(description="the local date the list is for")
    now: datetime = Field(description="the moment it was computed for, with its UTC offset")
    sections: list[TodoSectionPublic] = Field(description="always all seven, in order")
