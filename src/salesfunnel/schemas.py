"""Public models: exactly what ``--json`` prints, field for field.

docs/json.md is generated from these classes (``make docs``) and a test holds
the two together, so the documented schema cannot drift from the output.
Values are numbers, dates ISO strings, timestamps ISO with their UTC offset.
Every model is built on first use (``defer_build``), so a command pays only for
the models it prints.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Generic, TypeVar

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
    """One section of the to-do list, with its first items and how many there are.

    Open leads can be a million (imported lists): a section counts them up to 10,000
    only, and then says there are more (`total_capped`).
    """

    name: str = Field(
        description="overdue, today, next-7-days, no-next-step, stale-leads, rotting-deals "
        "or pre-inactive"
    )
    title: str
    total: int = Field(
        description="items in the section; `items` holds the first --limit. When "
        "`total_capped` is true, counting stopped there and there are more"
    )
    total_capped: bool = Field(
        description="true when the section has more than `total` items: open leads are "
        "counted up to 10,000 (or --limit, if larger), unless --all"
    )
    items: list[TodoItemPublic] = Field(description="highest priority first")


class TodoPublic(Public):
    """`todo --json` and `digest --format json`: the to-do list as of a moment."""

    as_of: date = Field(description="the local date the list is for")
    now: datetime = Field(description="the moment it was computed for, with its UTC offset")
    sections: list[TodoSectionPublic] = Field(description="always all seven, in order")


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
    due_at: datetime | None = Field(description="timed steps: the moment it is due (UTC)")
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


class QualificationPublic(Public):
    need: bool | None
    budget: bool | None
    authority: bool | None
    timing: bool | None
    level: str | None


class QualifiedPublic(Public):
    """`lead qualify`: the lead, and the deal the qualification opened."""

    lead: LeadPublic
    deal_id: int | None = Field(description="the deal it opened, or null when none was")


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


class ImportSummaryPublic(Public):
    """`prospect import --json`: what one import did."""

    import_id: int = Field(description="the import, as undo-import knows it")
    list: str = Field(description="prospecting list the rows went into")
    list_id: int
    file: str = Field(description="path as given, or 'standard input'")
    encoding: str
    delimiter: str
    stage: str = Field(description="what the rows became: prospect or lead")
    rows: int = Field(description="data rows read (blank lines not counted)")
    imported: int = Field(description="new contacts")
    duplicates: int = Field(description="rows of people already known, not imported again")
    duplicates_in_file: int = Field(description="repeats of an earlier row of the same file")
    duplicates_in_database: int = Field(description="people the database already had")
    updated: int = Field(description="existing contacts given the file's values (update)")
    rejected: int = Field(description="rows that can't be a contact (see the rejects file)")
    flagged: int = Field(description="imported with a malformed email, kept and flagged")
    blank: int = Field(description="blank lines skipped")
    seconds: float = Field(description="time taken")
    rejects_file: str | None = Field(description="the --rejects CSV, if one was written")


class ImportColumnPublic(Public):
    """How `prospect import` reads one column."""

    position: int = Field(description="column number, from 1")
    header: str
    field: str = Field(description="contact field, 'extra' (kept under the header) or 'skip'")
    how: str = Field(description="guessed, --map, or unknown: kept as extra")


class ImportPreviewRowPublic(Public):
    """One row of the file as `prospect import` would store it."""

    line: int = Field(description="line of the file where the row starts")
    rejected: str | None = Field(description="why the row would be rejected, if it would")
    name: str | None
    email: str | None
    email_flagged: bool
    phone: str | None
    company: str | None
    title: str | None
    city: str | None
    country: str | None
    source: str | None
    value: float | None
    tags: list[str]
    extra: dict[str, Any] = Field(description="columns with no field of their own")


class ImportPlanPublic(Public):
    """`prospect import --dry-run --json`: what an import would read, writing nothing."""

    file: str
    encoding: str
    encoding_how: str = Field(description="byte-order mark, detected or forced")
    delimiter: str
    delimiter_how: str
    # The list the rows would go into. In the class body below it, `list` names this field
    # (to mypy, and to pydantic were it given a default), hence `builtins.list`.
    list: str
    columns: builtins.list[ImportColumnPublic]
    rows: builtins.list[ImportPreviewRowPublic] = Field(
        description="the first rows, as they'd be stored"
    )


class UndoImportPublic(Public):
    """`prospect undo-import --json`: what taking an import back did."""

    list: str  # the list taken back; below it `list` names this field: `builtins.list`
    imports: builtins.list[int] = Field(description="the imports taken back")
    removed: int = Field(description="contacts removed")
    kept: int = Field(description="contacts kept because they moved on")
    kept_reasons: dict[str, int] = Field(description="kept contacts by reason")
    list_removed: bool = Field(description="the list was left empty and removed")
    restored: int = Field(
        0, description="contacts that were there before, given back the values an import wrote"
    )


class LostReasonPublic(Public):
    reason: str
    count: int = Field(description="deals lost for it in the period")


class FunnelPublic(Public):
    """The funnel of a period: counts, conversion rates and times (docs/reports.md)."""

    prospects_added: int = Field(description="prospects created in the period")
    prospects_worked: int = Field(description="prospects converted or cancelled in the period")
    prospects_converted: int = Field(description="prospects converted to leads")
    prospects_cancelled: int
    leads_created: int = Field(description="new leads: added as leads + converted prospects")
    leads_inbound: int = Field(description="leads added as leads (not converted prospects)")
    leads_contacted: int = Field(description="new leads moved to contacted (first activity)")
    leads_qualified: int = Field(description="leads qualified for the first time")
    leads_mql: int = Field(description="of those, mql at the end of the period")
    leads_sql: int = Field(description="of those, sql by the end of the period")
    leads_upgraded_to_sql: int = Field(description="leads qualified earlier, moved mql -> sql")
    leads_disqualified: int
    deals_opened: int
    deals_won: int = Field(description="deals whose close date (won) is in the period")
    deals_lost: int = Field(description="deals whose close date (lost) is in the period")
    won_value: float = Field(description="value of the deals won, in the report's currency")
    prospect_to_lead_rate: float | None = Field(
        description="converted / (converted + cancelled), 0-1; null: none of either"
    )
    lead_to_qualified_rate: float | None = Field(
        description="qualified / (qualified + disqualified), 0-1"
    )
    qualified_to_deal_rate: float | None = Field(
        description="share of the leads qualified that had a deal opened by the period's end"
    )
    win_rate: float | None = Field(description="won / (won + lost), 0-1")
    lead_handling_avg_days: float | None = Field(
        description="became a lead -> qualified or disqualified, for the leads decided"
    )
    lead_handling_median_days: float | None
    leads_handled: int = Field(description="leads the handling times are computed over")
    sales_cycle_avg_days: float | None = Field(
        description="deal opened -> close date, for the deals won, in whole days"
    )
    sales_cycle_median_days: float | None
    lost_reasons: list[LostReasonPublic] = Field(description="most frequent first")


class FunnelReportPublic(Public):
    """`report funnel`."""

    since: date | None = Field(description="first day counted (local); null: from the start")
    until: date | None = Field(description="last day counted, included; null: up to now")
    currency: str = Field(description="values are in this currency (setting deal.currency)")
    funnel: FunnelPublic
    won_other_currency: int = Field(description="won deals in other currencies, left out")


class SourceRowPublic(Public):
    """One source, channel or prospecting list of `report sources`."""

    name: str | None = Field(description="source (lower-case), channel or list; null: none")
    channel: str | None = Field(description="sources: inbound or outbound, when known")
    cost: float | None = Field(description="cost dated in the period; null: no cost recorded")
    roi: float | None = Field(description="(won value - cost) / cost; null without a cost")
    funnel: FunnelPublic


class SourcesReportPublic(Public):
    """`report sources`: the funnel per source, per channel and per prospecting list."""

    since: date | None
    until: date | None
    currency: str
    by_source: list[SourceRowPublic]
    by_channel: list[SourceRowPublic]
    by_list: list[SourceRowPublic]


class ForecastBucketPublic(Public):
    """Open deals of one expected close month (or overdue / no date), or of one stage."""

    key: str = Field(description="month as 2026-12, 'overdue', 'no date', or a stage name")
    count: int
    total_value: float
    weighted_value: float = Field(description="sum of value x probability")


class ForecastPublic(Public):
    """`report forecast`: the open pipeline by expected close month and by stage."""

    as_of: date = Field(description="today: close dates before it are overdue")
    since: date | None = Field(description="first month's day shown (dated deals)")
    until: date | None
    currency: str
    count: int
    total_value: float
    weighted_value: float
    by_month: list[ForecastBucketPublic] = Field(description="overdue, no date, then months")
    by_stage: list[ForecastBucketPublic] = Field(description="in pipeline order")
    overdue: list[DealPublic] = Field(description="deals whose expected close is past (20 max)")
    undated: list[DealPublic] = Field(description="deals with no expected close (20 max)")
    other_currency: int = Field(description="open deals in other currencies, left out")


class SourcePublic(Public):
    """A row of `source list`."""

    name: str = Field(description="lower-case, as contacts' source")
    channel: str | None = Field(description="set with source cost --channel, else the most common")
    contacts: int = Field(description="contacts with this source")
    costs: dict[str, float] = Field(description="total cost per currency")
    cost_entries: int
    last_cost_on: date | None


class SourceCostPublic(Public):
    """`source cost`: the cost recorded, and the source's totals."""

    id: int
    source: str
    amount: float
    currency: str
    spent_on: date
    total: SourcePublic


class ContactHitPublic(Public):
    """A contact found by `search`."""

    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    stage: str = Field(description="prospect, lead or customer")
    status: str = Field(description="prospect or lead status")
    source: str | None
    starred: bool


class CompanyHitPublic(Public):
    """A company found by `search`."""

    id: int
    name: str
    contacts: int
    open_deals: int


class SearchResultPublic(Public):
    """`search`: newest first, at most --limit of each kind."""

    query: str
    contacts: list[ContactHitPublic]
    contacts_total: int = Field(description="how many contacts match in all")
    companies: list[CompanyHitPublic]
    companies_total: int
    deals: list[DealPublic]
    deals_total: int


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
    "next / log / done / snooze; (part of show) activity": ActivityPublic,
    "(part of show) event": EventPublic,
    "(part of lead show) qualification": QualificationPublic,
    "todo / digest --format json": TodoPublic,
    "(part of todo) section": TodoSectionPublic,
    "(part of todo) item": TodoItemPublic,
    "(part of todo) priority term": PriorityTermPublic,
    "prospect import": ImportSummaryPublic,
    "prospect import --dry-run": ImportPlanPublic,
    "prospect undo-import": UndoImportPublic,
    "report funnel": FunnelReportPublic,
    "(part of report funnel and report sources) funnel": FunnelPublic,
    "(part of funnel) lost reason": LostReasonPublic,
    "report sources": SourcesReportPublic,
    "(part of report sources) row": SourceRowPublic,
    "report forecast": ForecastPublic,
    "(part of report forecast) bucket": ForecastBucketPublic,
    "source list": SourcePublic,
    "source cost": SourceCostPublic,
    "search": SearchResultPublic,
    "(part of search) contact": ContactHitPublic,
    "(part of search) company": CompanyHitPublic,
}


# What the commands that change something print under --json: (model, printed as an
# array).  docs/json.md lists them and tests/test_docs.py runs each one against it.
CHANGES: dict[str, tuple[type[Public], bool]] = {
    "prospect add": (ProspectPublic, False),
    "prospect convert": (LeadPublic, True),
    "prospect cancel": (ProspectPublic, True),
    "lead add": (LeadPublic, False),
    "lead qualify": (QualifiedPublic, False),
    "lead disqualify": (LeadPublic, False),
    "deal open": (DealPublic, False),
    "deal move": (DealPublic, False),
    "deal win": (DealPublic, False),
    "deal lose": (DealPublic, False),
    "customer churn": (CustomerPublic, False),
    "config set": (SettingPublic, False),
}


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows a listing shows, and how many matched in all (``--json`` prints the rows)."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))
