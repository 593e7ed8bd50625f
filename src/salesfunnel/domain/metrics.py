"""The numbers of the funnel, computed from facts: lifecycle events and deals.

Pure: plain records in, plain numbers out; no storage, no output.  Every
"there is nothing to divide by" is ``None`` (shown as "—"), never an error.
The exact definitions are in docs/reports.md; in short, for a period:

* counts are of things that happened in it (an event's local day, a deal's
  opening day or close date);
* each conversion rate is a share of the decisions taken in the period:
  converted / (converted + cancelled), qualified / (qualified + disqualified),
  won / (won + lost); and qualified -> deal is the share of the leads qualified
  in the period that had a deal opened by its end;
* lead handling time runs from becoming a lead to being qualified or
  disqualified, for the leads decided in the period; the sales cycle from a
  deal's opening to its close date, for the deals won in the period.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class Period:
    """Local calendar days, both ends included; a missing end is open."""

    since: date | None = None
    until: date | None = None

    @staticmethod
    def day_of(moment: datetime) -> date:
        """The user's calendar day of a stored (UTC) instant (as clock.local_date)."""
        return moment.astimezone().date()

    def contains(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def reached_by_end(self, day: date) -> bool:
        return self.until is None or day <= self.until


@dataclass(frozen=True)
class Event:
    """One lifecycle change as recorded (see services/*: record_event)."""

    contact_id: int
    entity: str  # prospect | lead | deal | customer
    action: str  # created | convert | cancel | contact | qualify | disqualify ...
    at: datetime  # aware
    from_state: str | None = None
    detail: str | None = None  # qualify: the level (mql | sql)


@dataclass(frozen=True)
class DealFacts:
    id: int
    contact_id: int
    value: float
    currency: str
    status: str  # open | won | lost
    opened_at: datetime
    closed_on: date | None = None
    lost_reason: str | None = None


@dataclass(frozen=True)
class Funnel:
    """What happened in a period, and how well each step converted."""

    prospects_added: int = 0
    prospects_converted: int = 0
    prospects_cancelled: int = 0
    leads_inbound: int = 0  # leads added directly (not converted prospects)
    leads_contacted: int = 0
    leads_qualified: int = 0  # qualified for the first time in the period
    leads_mql: int = 0  # ... of which still mql at the end of the period
    leads_sql: int = 0  # ... of which sql by the end of the period
    leads_upgraded_to_sql: int = 0  # qualified earlier as mql, upgraded in the period
    leads_qualified_with_deal: int = 0  # ... of the qualified, with a deal opened by the end
    leads_disqualified: int = 0
    deals_opened: int = 0
    deals_won: int = 0
    deals_lost: int = 0
    won_value: float = 0.0  # in the report's currency
    won_other_currency: int = 0  # won deals in another currency: not in won_value
    lead_handling_days: tuple[float, ...] = ()
    sales_cycle_days: tuple[float, ...] = ()
    lost_reasons: tuple[tuple[str, int], ...] = ()  # most frequent first

    @property
    def prospects_worked(self) -> int:
        """Prospects whose outreach ended in the period: converted or cancelled."""
        return self.prospects_converted + self.prospects_cancelled

    @property
    def leads_created(self) -> int:
        """New leads: added directly, or converted from prospects."""
        return self.leads_inbound + self.prospects_converted

    @property
    def leads_decided(self) -> int:
        return self.leads_qualified + self.leads_disqualified

    @property
    def deals_closed(self) -> int:
        return self.deals_won + self.deals_lost

    @property
    def prospect_to_lead_rate(self) -> float | None:
        return ratio(self.prospects_converted, self.prospects_worked)

    @property
    def lead_to_qualified_rate(self) -> float | None:
        return ratio(self.leads_qualified, self.leads_decided)

    @property
    def qualified_to_deal_rate(self) -> float | None:
        return ratio(self.leads_qualified_with_deal, self.leads_qualified)

    @property
    def win_rate(self) -> float | None:
        return ratio(self.deals_won, self.deals_closed)

    @property
    def lead_handling_average(self) -> float | None:
        return average(self.lead_handling_days)

    @property
    def lead_handling_median(self) -> float | None:
        return median(self.lead_handling_days)

    @property
    def sales_cycle_average(self) -> float | None:
        return average(self.sales_cycle_days)

    @property
    def sales_cycle_median(self) -> float | None:
        return median(self.sales_cycle_days)


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return None if not whole else part / whole


def average(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.fmean(values) if values else None


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def roi(won_value: float, cost: float | None) -> float | None:
    """Return on what a source cost: (won value - cost) / cost; None with no cost to divide by."""
    if not cost:
        return None
    return (won_value - cost) / cost


@dataclass
class _Lead:
    """What the events say about one contact as a lead."""

    started: datetime | None = None  # became a lead: created as one, or converted
    decided: Event | None = None  # first qualify or disqualify
    levels: list[tuple[date, str]] = field(default_factory=list)  # (day, level) of qualify events


def funnel(
    events: Iterable[Event], deals: Iterable[DealFacts], period: Period, currency: str
) -> Funnel:
    """The funnel of a period, from every prospect and lead event and every deal."""
    counts: Counter[str] = Counter()
    leads: dict[int, _Lead] = defaultdict(_Lead)
    for event in events:
        _count_event(event, period, counts, leads)
    qualified = {
        contact
        for contact, lead in leads.items()
        if lead.decided is not None
        and lead.decided.action == "qualify"
        and period.contains(period.day_of(lead.decided.at))
    }
    with_deal: set[int] = set()
    won: list[DealFacts] = []
    lost: list[DealFacts] = []
    for deal in deals:
        opened = period.day_of(deal.opened_at)
        if period.contains(opened):
            counts["deals_opened"] += 1
        if deal.contact_id in qualified and period.reached_by_end(opened):
            with_deal.add(deal.contact_id)
        if period.contains(deal.closed_on):
            if deal.status == "won":
                won.append(deal)
            elif deal.status == "lost":
                lost.append(deal)
    sql = {c for c in qualified if _level_by_end(leads[c], period) == "sql"}
    return Funnel(
        prospects_added=counts["prospect created"],
        prospects_converted=counts["prospect convert"],
        prospects_cancelled=counts["prospect cancel"],
        leads_inbound=counts["lead created"],
        leads_contacted=counts["lead contact"],
        leads_qualified=len(qualified),
        leads_mql=len(qualified) - len(sql),
        leads_sql=len(sql),
        leads_upgraded_to_sql=counts["lead upgrade"],
        leads_qualified_with_deal=len(with_deal),
        leads_disqualified=counts["lead disqualify"],
        deals_opened=counts["deals_opened"],
        deals_won=len(won),
        deals_lost=len(lost),
        won_value=round(sum(d.value for d in won if d.currency == currency), 2),
        won_other_currency=sum(1 for d in won if d.currency != currency),
        lead_handling_days=_handling_days(leads.values(), period),
        sales_cycle_days=tuple(_cycle_days(d, period) for d in won),
        lost_reasons=ranked_reasons(d.lost_reason for d in lost),
    )


def _count_event(
    event: Event, period: Period, counts: Counter[str], leads: dict[int, _Lead]
) -> None:
    day = period.day_of(event.at)
    kind = (event.entity, event.action)
    lead = (
        leads[event.contact_id]
        if event.entity == "lead" or kind == ("prospect", "convert")
        else None
    )
    if lead is not None:
        if kind in (("lead", "created"), ("prospect", "convert")):
            if lead.started is None or event.at < lead.started:
                lead.started = event.at
        elif kind == ("lead", "qualify"):
            lead.levels.append((day, event.detail or ""))
            if event.from_state != "qualified":
                _first_decision(lead, event)
        elif kind == ("lead", "disqualify"):
            _first_decision(lead, event)
    if not period.contains(day):
        return
    if kind == ("lead", "qualify"):
        if event.from_state == "qualified" and event.detail == "sql":
            counts["lead upgrade"] += 1
        return  # first qualifications are counted per lead
    counts[f"{event.entity} {event.action}"] += 1


def _first_decision(lead: _Lead, event: Event) -> None:
    if lead.decided is None or event.at < lead.decided.at:
        lead.decided = event


def _level_by_end(lead: _Lead, period: Period) -> str | None:
    levels = {level for day, level in lead.levels if period.reached_by_end(day)}
    return "sql" if "sql" in levels else ("mql" if levels else None)


def _handling_days(leads: Iterable[_Lead], period: Period) -> tuple[float, ...]:
    days = []
    for lead in leads:
        decided = lead.decided
        if (
            decided is None
            or lead.started is None
            or not period.contains(period.day_of(decided.at))
        ):
            continue
        seconds = (decided.at - lead.started).total_seconds()
        days.append(max(0.0, seconds) / SECONDS_PER_DAY)
    return tuple(days)


def _cycle_days(deal: DealFacts, period: Period) -> float:
    """Opening day to close date, in whole days (a close date has no time of day)."""
    assert deal.closed_on is not None
    return float(max(0, (deal.closed_on - period.day_of(deal.opened_at)).days))


def ranked_reasons(reasons: Iterable[str | None]) -> tuple[tuple[str, int], ...]:
    """Reasons by how often they were given (case and spacing ignored), then alphabetically."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for reason in reasons:
        text = " ".join((reason or "no reason given").split())
        key = text.casefold()
        spelling.setdefault(key, text)
        counts[key] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple((spelling[key], count) for key, count in ranked)


def funnel_by(
    events: Iterable[Event],
    deals: Iterable[DealFacts],
    period: Period,
    currency: str,
    group_of: Callable[[int], Hashable],
    deal_group_of: Callable[[DealFacts], Hashable] | None = None,
) -> dict[Hashable, Funnel]:
    """One funnel per group of contacts (source, channel, list): ``group_of(contact_id)``.

    A deal goes with its contact's group, or with ``deal_group_of(deal)`` when given (its
    owner: a deal handed over counts for whoever has it).
    """
    grouped_events: dict[Hashable, list[Event]] = defaultdict(list)
    grouped_deals: dict[Hashable, list[DealFacts]] = defaultdict(list)
    for event in events:
        grouped_events[group_of(event.contact_id)].append(event)
    for deal in deals:
        group = group_of(deal.contact_id) if deal_group_of is None else deal_group_of(deal)
        grouped_deals[group].append(deal)
    return {
        group: funnel(grouped_events.get(group, []), grouped_deals.get(group, []), period, currency)
        for group in {*grouped_events, *grouped_deals}
    }


# --- forecast -------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenDeal:
    id: int
    stage: str
    value: float
    currency: str
    probability: int
    expected_close: date | None


@dataclass(frozen=True)
class Bucket:
    key: str  # "2026-12", "overdue", "no date", or a stage
    count: int = 0
    total: float = 0.0
    weighted: float = 0.0

    def plus(self, deal: OpenDeal) -> Bucket:
        return Bucket(
            self.key,
            self.count + 1,
            self.total + deal.value,
            self.weighted + deal.value * deal.probability / 100,
        )


OVERDUE = "overdue"
UNDATED = "no date"


@dataclass(frozen=True)
class Forecast:
    months: tuple[Bucket, ...]  # overdue, then no date, then each month, in order
    stages: tuple[Bucket, ...]
    total: Bucket
    other_currency: int  # open deals in another currency, left out


def forecast(
    deals: Iterable[OpenDeal],
    today: date,
    period: Period,
    currency: str,
    stage_order: Iterable[str] = (),
) -> Forecast:
    """Open deals by expected close month and by stage, total and weighted by probability.

    A deal whose close date is past is *overdue* and one with none is *undated*:
    both are always counted and called out; the period only limits the months.
    """
    months: dict[str, Bucket] = {}
    stages: dict[str, Bucket] = {name: Bucket(name) for name in stage_order}
    total = Bucket("total")
    other = 0
    for deal in deals:
        if deal.currency != currency:
            other += 1
            continue
        if deal.expected_close is None:
            key = UNDATED
        elif deal.expected_close < today:
            key = OVERDUE
        elif period.contains(deal.expected_close):
            key = deal.expected_close.strftime("%Y-%m")
        else:
            continue
        months[key] = months.get(key, Bucket(key)).plus(deal)
        stages[deal.stage] = stages.get(deal.stage, Bucket(deal.stage)).plus(deal)
        total = total.plus(deal)
    order = {OVERDUE: "0", UNDATED: "1"}
    return Forecast(
        months=tuple(sorted(months.values(), key=lambda b: order.get(b.key, b.key))),
        stages=tuple(stages.values()),
        total=total,
        other_currency=other,
    )
