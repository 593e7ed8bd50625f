"""The schema, as SQLModel tables: the one definition migrations and bulk paths share.

Timestamps (``*_at``) are aware, stored in UTC; calendar dates (``*_on``, due and close
dates) are the user's local dates.  Ids, phones and zip codes are text where a
human typed them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


class Company(SQLModel, table=True):
    __tablename__ = "companies"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: datetime


class ProspectList(SQLModel, table=True):
    """One prospecting list per imported file or campaign."""

    __tablename__ = "prospect_lists"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    source_file: str | None = None
    created_at: datetime


class Contact(SQLModel, table=True):
    """One person, from prospect to customer; the id never changes."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_stage_status", "stage", "lead_status"),
        Index("ix_contacts_list_status", "list_id", "prospect_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    stage: str  # prospect | lead | customer
    name: str = Field(index=True)
    email: str | None = None
    email_key: str | None = Field(default=None, index=True)  # lower-cased, for matching
    email_flagged: bool = False  # kept, but the address looks malformed
    phone: str | None = None
    phone_key: str | None = Field(default=None, index=True)  # digits only, for matching
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True)
    title: str | None = None
    website: str | None = None
    city: str | None = None
    country: str | None = None
    notes: str | None = None
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    list_id: int | None = Field(default=None, foreign_key="prospect_lists.id")
    prospect_status: str | None = None  # open | converted | cancelled
    cancel_reason: str | None = None
    lead_status: str | None = None  # new | contacted | qualified | disqualified
    source: str | None = Field(default=None, index=True)
    channel: str | None = None  # inbound | outbound
    starred: bool = False
    referred_by_id: int | None = Field(default=None, foreign_key="contacts.id")
    need: bool | None = None
    budget: bool | None = None
    authority: bool | None = None
    timing: bool | None = None
    qualification_level: str | None = None  # mql | sql
    disqualify_reason: str | None = None
    churned_on: date | None = None
    churn_reason: str | None = None
    created_at: datetime
    became_lead_at: datetime | None = None
    last_activity_at: datetime | None = None


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tags"

    contact_id: int = Field(foreign_key="contacts.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class Deal(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (Index("ix_deals_status_stage", "status", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="companies.id")
    title: str
    value: float = 0.0
    currency: str
    stage: str  # the last pipeline stage it was in, kept when won or lost
    probability: int
    probability_manual: bool = False  # set by hand: sticks when the stage moves
    expected_close: date | None = None
    status: str = "open"  # open | won | lost
    lost_reason: str | None = None
    opened_at: datetime
    stage_changed_at: datetime
    closed_on: date | None = None
    last_activity_at: datetime | None = None


class Activity(SQLModel, table=True):
    """A call, email, meeting, task or note: planned (a next step) or done (history)."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_open_due", "done_at", "due_date"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True)
    kind: str  # call | email | meeting | task | note
    text: str
    due_date: date | None = None
    due_time: time | None = None
    done_at: datetime | None = None
    created_at: datetime


class Purchase(SQLModel, table=True):
    """What a customer bought: every won deal, plus purchases recorded directly."""

    __tablename__ = "purchases"
    __table_args__ = (Index("ix_purchases_contact_date", "contact_id", "purchased_on"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id")
    deal_id: int | None = Field(default=None, foreign_key="deals.id")
    value: float
    currency: str
    purchased_on: date
    created_at: datetime


class LifecycleEvent(SQLModel, table=True):
    """Every lifecycle change, with its time: the facts the reports are computed from."""

    __tablename__ = "lifecycle_events"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id", index=True)
    entity: str  # prospect | lead | deal | customer
    action: str  # created | convert | cancel | qualify | disqualify | open | move | win ...
    from_state: str | None = None
    to_state: str | None = None
    detail: str | None = None
    at: datetime = Field(index=True)


class Setting(SQLModel, table=True):
    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: str
