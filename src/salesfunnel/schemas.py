"""Public models: exactly what ``--json`` prints, field for field.

docs/json.md is generated from these classes (``make docs``) and a test holds
the two together, so the documented schema cannot drift from the output.
Values are numbers, dates ISO strings, timestamps ISO with their UTC offset.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, Field


class Public(BaseModel):
    """Base of every JSON document salesfunnel prints."""


class EventPublic(Public):
    """One lifecycle change, as recorded."""

    at: datetime = Field(description="when it happened (UTC)")
    entity: str = Field(description="prospect, lead, deal or customer")
    action: str = Field(description="created, convert, cancel, qualify, win, churn...")
    from_state: str | None = Field(description="state before")
    to_state: str | None = Field(description="state after")
    detail: str | None = Field(description="reason, stage, level or value, as text")
    deal_id: int | None = Field(description="the deal it concerns, if any")


class ActivityPublic(Public):
    """A planned next step or a done activity."""

    id: int
    contact_id: int
    deal_id: int | None
    kind: str = Field(description="call, email, meeting, task or note")
    text: str
    due_date: date | None = Field(description="planned steps: the day it is due")
    due_time: time | None = Field(description="planned steps: the time, if one was given")
    done_at: datetime | None = Field(description="done activities: when (UTC)")


class ProspectPublic(Public):
    """A row of `prospect list`."""

    id: int
    name: str
    email: str | None
    phone: str | None = Field(description="as typed, leading zeros kept")
    company: str | None
    title: str | None
    list: str | None = Field(description="prospecting list name")
    status: str = Field(description="open, converted or cancelled")
    email_flagged: bool = Field(description="the email looks malformed")
    created_at: datetime


class ProspectListPublic(Public):
    """A row of `prospect lists`."""

    id: int
    name: str
    open: int
    converted: int
    cancelled: int
    total: int
    created_at: datetime


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


class QualificationPublic(Public):
    need: bool | None
    budget: bool | None
    authority: bool | None
    timing: bool | None
    level: str | None


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


class LeadDetail(LeadPublic):
    """`lead show`: the lead with its qualification, deals, next step and history."""

    title: str | None
    website: str | None
    city: str | None
    country: str | None
    notes: str | None
    referred_by: int | None = Field(description="id of the contact who referred them")
    qualification: QualificationPublic
    disqualify_reason: str | None
    extra: dict[str, Any] = Field(description="imported columns with no field of their own")
    deals: list[DealPublic]
    next_step: ActivityPublic | None = Field(description="the earliest planned activity")
    activities: list[ActivityPublic] = Field(description="done activities, newest first")
    history: list[EventPublic] = Field(description="lifecycle changes, oldest first")


class DealDetail(DealPublic):
    """`deal show`: the deal with its next step and history."""

    next_step: ActivityPublic | None
    activities: list[ActivityPublic]
    history: list[EventPublic]


class PipelineStagePublic(Public):
    """One column of `pipeline`."""

    stage: str
    probability: int
    count: int
    total_value: float
    weighted_value: float
    deals: list[DealPublic] = Field(description="open deals in the stage, by value")


class CustomerPublic(Public):
    """A row of `customer list`, and `customer status`."""

    id: int
    name: str
    email: str | None
    company: str | None
    status: str = Field(description="active, pre-inactive or inactive, as of the date")
    as_of: date
    last_purchase: date | None
    days_since_purchase: int | None
    purchases: int
    purchases_value: float
    churned_on: date | None


class PurchasePublic(Public):
    id: int
    contact_id: int
    deal_id: int | None
    value: float
    currency: str
    purchased_on: date


class SettingPublic(Public):
    """A row of `config list`."""

    key: str
    value: str
    default: str
    help: str


DOCUMENTED: dict[str, type[Public]] = {
    "prospect list": ProspectPublic,
    "prospect lists": ProspectListPublic,
    "lead list": LeadPublic,
    "lead show": LeadDetail,
    "deal list": DealPublic,
    "deal show": DealDetail,
    "pipeline": PipelineStagePublic,
    "customer list / customer status": CustomerPublic,
    "customer purchase": PurchasePublic,
    "config list / config get": SettingPublic,
    "(part of show) activity": ActivityPublic,
    "(part of show) event": EventPublic,
    "(part of lead show) qualification": QualificationPublic,
}
