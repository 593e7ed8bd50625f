"""Public models: exactly what ``--json`` prints, field for field.

docs/json.md is generated from these classes (``make docs``) and a test holds
the two together, so the documented schema cannot drift from the output.
Values are numbers, dates ISO strings, timestamps ISO 8601 in UTC ending in ``Z``.

They are small records (``Public``), each field's meaning given by ``doc``: a
pydantic model or a dataclass costs a millisecond or more to define, and every
command defines them all on start-up (docs/decisions.md).  ``to_json`` turns them
into JSON values; tests/test_docs.py validates every printed document against them.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, dataclass_transform

_MISSING: Any = object()


class FieldSpec(NamedTuple):
    """One field of a Public model: its name, type (as written) and meaning."""

    name: str
    annotation: str
    description: str | None
    default: Any


class _Doc(NamedTuple):
    description: str
    default: Any


def doc(description: str, default: Any = _MISSING) -> Any:
    """A field and what it means (docs/json.md says it)."""
    return _Doc(description, default)


@dataclass_transform(kw_only_default=True, field_specifiers=(doc,))
class Public:
    """Base of every JSON document salesfunnel prints: built from keywords, fields in order.

    A record this small, rather than a dataclass or a pydantic model, because every
    command defines all forty at start-up, and each of those costs a millisecond.
    """

    fields: ClassVar[tuple[FieldSpec, ...]] = ()

    def __init_subclass__(cls) -> None:
        own = cls.__dict__.get("__annotations__", {})
        specs = {spec.name: spec for spec in cls.fields}
        for name, annotation in own.items():
            if str(annotation).startswith("ClassVar"):
                continue
            marker = cls.__dict__.get(name, _MISSING)
            if isinstance(marker, _Doc):
                specs[name] = FieldSpec(name, str(annotation), marker.description, marker.default)
            else:
                specs[name] = FieldSpec(name, str(annotation), None, marker)
            if name in cls.__dict__:
                delattr(cls, name)
        cls.fields = tuple(specs.values())

    def __init__(self, **values: Any) -> None:
        for spec in self.fields:
            if spec.name in values:
                value = values.pop(spec.name)
            elif spec.default is not _MISSING:
                value = spec.default
            else:
                raise TypeError(f"{type(self).__name__} needs {spec.name}")
            setattr(self, spec.name, value)
        if values:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(values))}")

    def values(self) -> dict[str, Any]:
        """The fields and their values (not converted): ``Detail(**summary.values(), ...)``."""
        return {spec.name: getattr(self, spec.name) for spec in self.fields}

    def replace(self, **changes: Any) -> Any:
        return type(self)(**(self.values() | changes))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.values() == other.values()

    def __repr__(self) -> str:
        inside = ", ".join(f"{name}={value!r}" for name, value in self.values().items())
        return f"{type(self).__name__}({inside})"


def to_json(data: Any) -> Any:
    """A Public model (or a list or dict of them) as JSON values: dates ISO, instants ISO
    with their offset (``Z`` for UTC), a whole number in a float field as a float."""
    if isinstance(data, Public):
        return {
            spec.name: _json_value(getattr(data, spec.name), spec.annotation)
            for spec in data.fields
        }
    if isinstance(data, list | tuple):
        return [to_json(item) for item in data]
    if isinstance(data, dict):
        return {key: to_json(value) for key, value in data.items()}
    return _json_value(data, "")


def _json_value(value: Any, annotation: Any) -> Any:
    if isinstance(value, Public | list | tuple | dict):
        return to_json(value)
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if value.utcoffset() == UTC.utcoffset(None) else text
    if isinstance(value, date | time):
        return value.isoformat()
    if type(value) is int and str(annotation).startswith("float"):
        return float(value)
    return value


class LeadPublic(Public):
    """A row of `lead list`."""

    id: int
    name: str
    email: str | None
    phone: str | None
    company: str | None
    title: str | None
    status: str = doc("new, contacted, qualified or disqualified")
    level: str | None = doc("mql or sql once qualified")
    source: str | None
    channel: str | None = doc("inbound or outbound")
    tags: list[str]
    starred: bool
    stage: str = doc("funnel stage: lead, or customer once a deal is won")
    created_at: datetime
    owner: str = doc("whose it is: the user who added it, or was handed it")


class DealPublic(Public):
    """A row of `deal list`."""

    id: int
    title: str
    contact_id: int
    contact: str = doc("contact name")
    company: str | None
    value: float
    currency: str
    stage: str = doc("pipeline stage (the last one, once closed)")
    probability: int = doc("percent: 0-99 while open, 100 won, 0 lost")
    weighted_value: float = doc("value x probability")
    expected_close: date | None
    status: str = doc("open, won or lost")
    lost_reason: str | None
    opened_at: datetime
    closed_on: date | None
    owner: str = doc("whose it is: the user who added it, or was handed it")


class CurrencyTotalPublic(Public):
    """A sum in one currency: amounts in different currencies are never added together."""

    currency: str
    count: int = doc("deals (or purchases) in this currency")
    total_value: float
    weighted_value: float | None = doc("open deals: value x probability; purchases: null")


class PipelineStagePublic(Public):
    """One column of `pipeline`."""

    stage: str
    probability: int
    count: int = doc("open deals in the stage, in every currency")
    currency: str = doc("the currency of total_value and weighted_value (currency.default)")
    total_value: float = doc("the stage's deals in `currency`; the others are in `totals`")
    weighted_value: float = doc("value x probability, in `currency`")
    totals: list[CurrencyTotalPublic] = doc("one per currency the stage's deals are in")
    deals: list[DealPublic] = doc("open deals in the stage, by value")


class PriorityTermPublic(Public):
    """One term of a to-do item's priority: factor x weight = points."""

    name: str = doc("starred, overdue, due, value or stage")
    factor: float
    weight: float = doc("the setting todo.weight.<name>")
    points: float
    detail: str = doc("why, in words: '3 days late', '12,000.00 x 50% = ...'")


class TodoItemPublic(Public):
    """One entry of the to-do list: a planned step, a lead or deal without one, a customer."""

    section: str = doc("the section it is listed in (see TodoSectionPublic)")
    kind: str = doc("step, lead, deal, customer, or contact (keep in touch)")
    activity_id: int | None = doc("steps: the activity, for done and snooze")
    step_kind: str | None = doc("steps: call, email, meeting or task")
    text: str | None = doc("steps: what to do")
    contact_id: int
    contact: str = doc("contact name")
    company: str | None
    starred: bool
    status: str | None = doc("leads: new or contacted; customers: pre-inactive")
    deal_id: int | None
    deal: str | None = doc("deal title")
    stage: str | None = doc("deal stage")
    value: float | None = doc("deal value (customers: value of purchases)")
    currency: str | None
    probability: int | None = doc("deal probability, percent")
    due_date: date | None = doc("steps: local date due")
    due_time: time | None = doc("steps: local time, if one was given")
    due_at: datetime | None = doc("timed steps: the moment due (UTC)")
    every: str | None = doc("recurring steps: the interval (2w); doing it plans the next one")
    days_late: int | None = doc("overdue steps: whole days late (0: earlier today)")
    last_touch: date | None = doc(
        "leads, deals, keep in touch: local date of the last activity or stage change"
    )
    idle_days: int | None = doc("leads, deals, keep in touch: days since last_touch")
    limit_days: int | None = doc("stale or rotting limit that applied")
    last_purchase: date | None = doc("customers: date of the last purchase")
    cadence: str | None = doc(
        "keep in touch: the cadence that applies, and whose: '30d for tag vip', "
        "'2w for this contact'"
    )
    priority: float = doc("sum of the breakdown's points; higher comes first")
    breakdown: list[PriorityTermPublic]


class TodoSectionPublic(Public):
    """One section of the to-do list, with its first items and how many there are.

    Open leads can be a million (imported lists): a section counts them up to 10,000
    only, and then says there are more (`total_capped`).
    """

    name: str = doc(
        "overdue, today, next-7-days, no-next-step, stale-leads, rotting-deals, pre-inactive "
        "or keep-in-touch"
    )
    title: str
    total: int = doc(
        "items in the section; `items` holds the first --limit. When "
        "`total_capped` is true, counting stopped there and there are more"
    )
    total_capped: bool = doc(
        "true when the section has more than `total` items: open leads are "
        "counted up to 10,000 (or --limit, if larger), unless --all; keep in touch reads "
        "1,000 contacts a cadence"
    )
    items: list[TodoItemPublic] = doc("highest priority first")


class TodoPublic(Public):
    """`todo --json` and `digest --format json`: the to-do list as of a moment."""

    as_of: date = doc("the local date the list is for")
    now: datetime = doc("the moment it was computed for (UTC, as every timestamp)")
    sections: list[TodoSectionPublic] = doc("always all eight, in order")


class EventPublic(Public):
    """One lifecycle change, as recorded."""

    at: datetime = doc("when it happened (UTC)")
    entity: str = doc("prospect, lead, deal or customer")
    action: str = doc("created, convert, cancel, qualify, win, churn...")
    from_state: str | None = doc("state before (deal assign: the owner before)")
    to_state: str | None = doc("state after (deal assign: the owner after)")
    detail: str | None = doc("reason, stage, level or value, as text")
    deal_id: int | None = doc("the deal it concerns, if any")


class ActivityPublic(Public):
    """A planned next step or a done activity."""

    id: int
    contact_id: int
    deal_id: int | None
    kind: str = doc("call, email, meeting, task or note")
    text: str
    due_date: date | None = doc("planned steps: the day it is due")
    due_time: time | None = doc("planned steps: the time, if one was given")
    due_at: datetime | None = doc("timed steps: the moment it is due (UTC)")
    done_at: datetime | None = doc("done activities: when (UTC)")
    every: str | None = doc(
        "recurring steps: the interval (3d, 2w, 1m, 1y); doing it plans the next one"
    )
    owner: str = doc("whose step it is: the user who planned or logged it")


class ProspectPublic(Public):
    """A row of `prospect list`."""

    id: int
    name: str
    email: str | None
    phone: str | None = doc("as typed, leading zeros kept")
    company: str | None
    title: str | None
    list: str | None = doc("prospecting list name")
    status: str = doc("open, converted or cancelled")
    email_flagged: bool = doc("the email looks malformed")
    created_at: datetime
    owner: str = doc("whose it is: the user who added it, or was handed it")


class ProspectListPublic(Public):
    """A row of `prospect lists`."""

    id: int
    name: str
    open: int
    converted: int
    cancelled: int
    leads: int = doc(
        "contacts that came into it as leads (`prospect import --as-leads`), never prospects"
    )
    total: int = doc("every contact in it: open, converted, cancelled and leads")
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
    deal_id: int | None = doc("the deal it opened, or null when none was")


class LeadDetail(LeadPublic):
    """`lead show`: the lead with its qualification, deals, next step and history."""

    title: str | None
    website: str | None
    city: str | None
    country: str | None
    notes: str | None
    referred_by: int | None = doc("id of the contact who referred them")
    referred_by_name: str | None = doc("that contact's name")
    qualification: QualificationPublic
    disqualify_reason: str | None
    extra: dict[str, Any] = doc("imported columns with no field of their own")
    deals: list[DealPublic]
    next_step: ActivityPublic | None = doc("the earliest planned activity")
    activities: list[ActivityPublic] = doc("done activities, newest first")
    history: list[EventPublic] = doc("lifecycle changes, oldest first")


class ContactDetail(Public):
    """`show CONTACT`: any contact, at any stage, with all it has."""

    id: int
    name: str
    stage: str = doc("prospect, lead or customer")
    status: str = doc("the stage's status: open, converted, cancelled; new ... disqualified")
    email: str | None
    email_flagged: bool = doc("the email looks malformed")
    phone: str | None
    company: str | None
    title: str | None
    website: str | None
    city: str | None
    country: str | None
    notes: str | None
    source: str | None
    channel: str | None = doc("inbound or outbound")
    tags: list[str]
    starred: bool
    list: str | None = doc("the prospecting list it came in with")
    cancel_reason: str | None
    qualification: QualificationPublic
    disqualify_reason: str | None
    referred_by: int | None = doc("id of the contact who referred them")
    referred_by_name: str | None
    customer: CustomerPublic | None = doc("customers: status as of today and purchases")
    created_at: datetime
    owner: str = doc("whose it is: the user who added it, or was handed it")
    extra: dict[str, Any] = doc("imported columns with no field of their own")
    deals: builtins.list[DealPublic] = doc("newest first")
    purchases: builtins.list[PurchasePublic] = doc("newest first")
    planned: builtins.list[ActivityPublic] = doc("planned steps, soonest first")
    activities: builtins.list[ActivityPublic] = doc("done activities, newest first")
    history: builtins.list[EventPublic] = doc("lifecycle changes, oldest first")


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
    status: str = doc("active, pre-inactive or inactive, as of the date")
    as_of: date
    last_purchase: date | None
    days_since_purchase: int | None
    purchases: int
    currency: str = doc("the currency of purchases_value (currency.default)")
    purchases_value: float = doc("what the purchases in `currency` add up to")
    purchases_by_currency: list[CurrencyTotalPublic] = doc("one per currency bought in")
    churned_on: date | None
    owner: str = doc("whose it is: the user who added it, or was handed it")


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


class ViewPublic(Public):
    """A row of `view --list`: a saved listing (`config set view.NAME "lead list --tag vip"`)."""

    name: str = doc("what `salesfunnel view NAME` calls it")
    command: str = doc("the listing it runs, as a command line")


class ImportSummaryPublic(Public):
    """`prospect import --json`: what one import did."""

    import_id: int = doc("the import, as undo-import knows it")
    list: str = doc("prospecting list the rows went into")
    list_id: int
    file: str = doc("path as given, or 'standard input'")
    encoding: str
    delimiter: str
    stage: str = doc("what the rows became: prospect or lead")
    rows: int = doc(
        "data rows read (blank lines not counted): imported + duplicates + rejected + conflicts"
    )
    imported: int = doc("new contacts")
    duplicates: int = doc("rows of people already known, not imported again")
    duplicates_in_file: int = doc("repeats of an earlier row of the same file")
    duplicates_in_database: int = doc("people the database already had")
    duplicates_by_phone: int = doc(
        "of the duplicates, those merged by a shared phone (no email in common)"
    )
    conflicts: int = doc(
        "rows with a known email and a clearly different name: not imported, listed in "
        "the rejects file for the user to decide"
    )
    updated: int = doc("existing contacts given the file's values (update)")
    rejected: int = doc("rows that can't be a contact (see the rejects file)")
    flagged: int = doc("imported with a malformed email, kept and flagged")
    blank: int = doc("blank lines skipped")
    seconds: float = doc("time taken")
    rejects_file: str | None = doc("the --rejects CSV, if one was written")


class ImportColumnPublic(Public):
    """How `prospect import` reads one column."""

    position: int = doc("column number, from 1")
    header: str
    field: str = doc("contact field, 'extra' (kept under the header) or 'skip'")
    how: str = doc("guessed, --map, or unknown: kept as extra")


class ImportPreviewRowPublic(Public):
    """One row of the file as `prospect import` would store it."""

    line: int = doc("line of the file where the row starts")
    rejected: str | None = doc("why the row would be rejected, if it would")
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
    extra: dict[str, Any] = doc("columns with no field of their own")


class ImportPlanPublic(Public):
    """`prospect import --dry-run --json`: what an import would read, writing nothing."""

    file: str
    encoding: str
    encoding_how: str = doc("byte-order mark, detected or forced")
    delimiter: str
    delimiter_how: str
    header_line: int = doc("line of the header row")
    notes_above: int = doc("lines of notes above the header, skipped (LinkedIn's 'Notes:')")
    # The list the rows would go into. In the class body below it, `list` names this field
    # (to mypy), hence `builtins.list`.
    list: str
    columns: builtins.list[ImportColumnPublic]
    rows: builtins.list[ImportPreviewRowPublic] = doc("the first rows, as they'd be stored")


class UndoImportPublic(Public):
    """`prospect undo-import --json`: what taking an import back did."""

    list: str  # the list taken back; below it `list` names this field: `builtins.list`
    imports: builtins.list[int] = doc("the imports taken back")
    removed: int = doc("contacts removed")
    kept: int = doc("contacts kept because they moved on")
    kept_reasons: dict[str, int] = doc("kept contacts by reason")
    list_removed: bool = doc("the list was left empty and removed")
    restored: int = doc(
        "contacts that were there before, given back the values an import wrote", default=0
    )


class UndoCommandPublic(Public):
    """A row of `undo --list`: a write command, newest first, as the undo journal keeps it."""

    id: int = doc("its place in the journal: `undo` takes back the highest first")
    at: datetime = doc("when it was done (UTC)")
    command: str = doc("the command line, as typed (without --db)")
    summary: str | None = doc("what it said it did")
    import_id: int | None = doc("a prospect import: the import whose rows undo takes back")
    undoable: bool = doc(
        "false for a command undo doesn't take back (prospect undo-import): undo stops there"
    )


class UndoResultPublic(Public):
    """`undo --json`: the command taken back, and what undoing it did."""

    command: UndoCommandPublic = doc("the command undone, as `undo --list` showed it")
    undone: str = doc("what was put back, in words: 'deal #12 Acme back to open in ...'")


class LostReasonPublic(Public):
    reason: str
    count: int = doc("deals lost for it in the period")


class FunnelPublic(Public):
    """The funnel of a period: counts, conversion rates and times (docs/reports.md)."""

    prospects_added: int = doc("prospects created in the period")
    prospects_worked: int = doc("prospects converted or cancelled in the period")
    prospects_converted: int = doc("prospects converted to leads")
    prospects_cancelled: int
    leads_created: int = doc("new leads: added as leads + converted prospects")
    leads_inbound: int = doc("leads added as leads (not converted prospects)")
    leads_contacted: int = doc("new leads moved to contacted (first activity)")
    leads_qualified: int = doc("leads qualified for the first time")
    leads_mql: int = doc("of those, mql at the end of the period")
    leads_sql: int = doc("of those, sql by the end of the period")
    leads_upgraded_to_sql: int = doc("leads qualified earlier, moved mql -> sql")
    leads_disqualified: int
    deals_opened: int
    deals_won: int = doc("deals whose close date (won) is in the period")
    deals_lost: int = doc("deals whose close date (lost) is in the period")
    won_value: float = doc("value of the deals won, in the report's currency")
    prospect_to_lead_rate: float | None = doc(
        "converted / (converted + cancelled), 0-1; null: none of either"
    )
    lead_to_qualified_rate: float | None = doc("qualified / (qualified + disqualified), 0-1")
    qualified_to_deal_rate: float | None = doc(
        "share of the leads qualified that had a deal opened by the period's end"
    )
    win_rate: float | None = doc("won / (won + lost), 0-1")
    lead_handling_avg_days: float | None = doc(
        "became a lead -> qualified or disqualified, for the leads decided"
    )
    lead_handling_median_days: float | None
    leads_handled: int = doc("leads the handling times are computed over")
    sales_cycle_avg_days: float | None = doc(
        "deal opened -> close date, for the deals won, in whole days"
    )
    sales_cycle_median_days: float | None
    lost_reasons: list[LostReasonPublic] = doc("most frequent first")


class FunnelReportPublic(Public):
    """`report funnel`."""

    since: date | None = doc("first day counted (local); null: from the start")
    until: date | None = doc("last day counted, included; null: up to now")
    currency: str = doc("values are in this currency (setting currency.default)")
    funnel: FunnelPublic
    won_other_currency: int = doc("won deals in other currencies, left out")
    by_owner: list[SourceRowPublic] | None = doc(
        "--by owner: the funnel per owner (name: the owner; a deal counts for the deal's "
        "owner); null without it",
        None,
    )


class SourceRowPublic(Public):
    """One source, channel or prospecting list of `report sources`."""

    name: str | None = doc("source (lower-case), channel or list; null: none")
    channel: str | None = doc("sources: inbound or outbound, when known")
    cost: float | None = doc("cost dated in the period; null: no cost recorded")
    roi: float | None = doc("(won value - cost) / cost; null without a cost")
    funnel: FunnelPublic


class SourcesReportPublic(Public):
    """`report sources`: the funnel per source, per channel and per prospecting list."""

    since: date | None
    until: date | None
    currency: str
    by_source: list[SourceRowPublic]
    by_channel: list[SourceRowPublic]
    by_list: list[SourceRowPublic]
    by_owner: list[SourceRowPublic] | None = doc(
        "--by owner: the funnel per owner (name: the owner; no cost); null without it", None
    )


class ForecastBucketPublic(Public):
    """Open deals of one expected close month (or overdue / no date), or of one stage."""

    key: str = doc("month as 2026-12, 'overdue', 'no date', or a stage name")
    count: int
    total_value: float
    weighted_value: float = doc("sum of value x probability")


class ForecastPublic(Public):
    """`report forecast`: the open pipeline by expected close month and by stage."""

    as_of: date = doc("today: close dates before it are overdue")
    since: date | None = doc("first month's day shown (dated deals)")
    until: date | None
    currency: str
    count: int
    total_value: float
    weighted_value: float
    by_month: list[ForecastBucketPublic] = doc("overdue, no date, then months")
    by_stage: list[ForecastBucketPublic] = doc("in pipeline order")
    overdue: list[DealPublic] = doc("deals whose expected close is past (20 max)")
    undated: list[DealPublic] = doc("deals with no expected close (20 max)")
    other_currency: int = doc("open deals in other currencies, left out")
    by_owner: list[ForecastBucketPublic] | None = doc(
        "--by owner: open deals per owner (key: the owner); null without it", None
    )


class SourcePublic(Public):
    """A row of `source list`."""

    name: str = doc("lower-case, as contacts' source")
    channel: str | None = doc("set with source cost --channel, else the most common")
    contacts: int = doc("contacts with this source")
    costs: dict[str, float] = doc("total cost per currency")
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
    stage: str = doc("prospect, lead or customer")
    status: str = doc("prospect or lead status")
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
    contacts_total: int = doc("how many contacts match in all")
    companies: list[CompanyHitPublic]
    companies_total: int
    deals: list[DealPublic]
    deals_total: int


class DuplicatePublic(Public):
    """`merge --suggest`: contacts that are likely one person."""

    reason: str = doc("same phone, or same name and company (name folded: case and accents aside)")
    contacts: list[ContactHitPublic] = doc("the one to keep first (furthest in the funnel)")
    merge: str = doc("the command that merges them: salesfunnel merge KEEP OTHER...")


class MergePublic(Public):
    """`merge`: the contact that remains, and what was moved onto it."""

    contact: ContactDetail = doc("the merged contact, as `show` prints it")
    merged: list[int] = doc("the ids of the contacts merged into it (no more)")
    moved: dict[str, int] = doc("rows moved to it, by table: deals, activities, purchases...")
    kept_as_extra: list[str] = doc("extra fields that keep the others' differing emails, phones")


class UnmatchedAddressPublic(Public):
    """An address `mail import` found in From, To or Cc that no contact has."""

    address: str = doc("lower-case, as matched")
    messages: int = doc("how many messages named it")


class MailImportPublic(Public):
    """`mail import`: what was logged, and the addresses no contact has."""

    messages: int = doc("messages read from the file")
    logged: int = doc("email activities logged (one per message and contact it names)")
    already_logged: int = doc("messages already logged on a contact (same Message-ID), skipped")
    contacts: int = doc("contacts that got an email logged")
    skipped_cancelled: int = doc("messages not logged on cancelled prospects (do not contact)")
    contacted_leads: int = doc("new leads that became contacted")
    activity_ids: list[int] = doc("the activities logged, in the file's order")
    unmatched: list[UnmatchedAddressPublic] = doc("addresses no contact has, most frequent first")


class BackupPublic(Public):
    """What `backup` wrote: one SQLite file, readable by its owner alone."""

    database: str = doc("the database file copied")
    file: str = doc("the copy")
    size: int = doc("the copy's size in bytes")
    schema_version: str | None = doc(
        "the migration the copy is at (null: not a salesfunnel database)"
    )
    contacts: int | None = doc("contacts in the copy (null: it has no contacts table)")


class ProblemPublic(Public):
    """One thing `check` found wrong, and how to set it right."""

    kind: str = doc(
        "damaged (the file itself), schema (older, newer or not salesfunnel's), orphans "
        "(rows naming a row that isn't there), state (a record the funnel can't produce), "
        "amounts, or search-index"
    )
    message: str = doc("what is wrong, in one sentence")
    count: int = doc("how many rows it concerns (1 for the file or its schema)")
    ids: list[int] = doc("the ids of the first 20 such rows; empty when rows have no id")
    repair: str = doc("how to set it right: a command to run, a backup to restore, or SQL")


class CheckPublic(Public):
    """What `check` found: the file, its schema, its records' consistency and counts."""

    database: str = doc("the database file checked (opened read-only: never changed)")
    size: int = doc("its size in bytes")
    ok: bool = doc("true when nothing is wrong (exit 0); false when problems lists something")
    integrity: str = doc("ok, or damaged (PRAGMA integrity_check found faults, or no SQLite)")
    schema_version: str | None = doc("the migration the database is at; null: none (yet)")
    schema_head: str = doc("the newest migration this salesfunnel knows")
    schema_status: str = doc(
        "current, older, newer, foreign (not salesfunnel's), none (an empty file) or unknown "
        "(a damaged file)"
    )
    contacts: dict[str, int] = doc("contacts by stage: prospect, lead, customer")
    deals: dict[str, int] = doc("deals by status: open, won, lost")
    likely_duplicates: int | None = doc(
        "groups of contacts that are likely one person (see merge --suggest): not a problem; "
        "null when the file could not be read that far"
    )
    problems: list[ProblemPublic] = doc("what is wrong, each with its repair; [] when ok")


class CopyTablePublic(Public):
    """One table `copy-to` copied."""

    table: str
    rows: int


class CopyPublic(Public):
    """`copy-to URL`: what was copied, and where."""

    target: str = doc("the database copied into: its path, or its URL without the password")
    tables: list[CopyTablePublic] = doc("every table, in the order copied (parents first)")
    rows: int = doc("rows copied in all")
    contacts: int
    deals: int
    seconds: float


DOCUMENTED: dict[str, type[Public]] = {
    "prospect list": ProspectPublic,
    "prospect lists": ProspectListPublic,
    "lead list": LeadPublic,
    "lead show": LeadDetail,
    "show": ContactDetail,
    "deal list": DealPublic,
    "deal show": DealDetail,
    "pipeline": PipelineStagePublic,
    "customer list / customer status": CustomerPublic,
    "customer purchase": PurchasePublic,
    "config list / config get": SettingPublic,
    "view --list": ViewPublic,
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
    "undo --list": UndoCommandPublic,
    "check": CheckPublic,
    "merge --suggest": DuplicatePublic,
    "(part of check) problem": ProblemPublic,
    "(part of copy-to) table": CopyTablePublic,
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
    "deal assign": (DealPublic, False),
    "customer churn": (CustomerPublic, False),
    "config set": (SettingPublic, False),
    "undo": (UndoResultPublic, False),
    "merge": (MergePublic, False),
    "mail import": (MailImportPublic, False),
    "backup": (BackupPublic, False),
    "copy-to": (CopyPublic, False),
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
