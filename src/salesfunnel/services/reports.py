"""`report funnel | sources | forecast`: the numbers, read from the lifecycle history.

The facts (events, deals, costs) are read here; every number is computed by
domain.metrics, so the definitions live in one place (docs/reports.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from salesfunnel import clock
from salesfunnel.db.work import Work
from salesfunnel.domain import metrics
from salesfunnel.domain.metrics import DealFacts, Event, Funnel, OpenDeal, Period
from salesfunnel.errors import BadValue
from salesfunnel.schemas import (
    DealPublic,
    ForecastBucketPublic,
    ForecastPublic,
    FunnelPublic,
    FunnelReportPublic,
    LostReasonPublic,
    SourceRowPublic,
    SourcesReportPublic,
)
from salesfunnel.services import views
from salesfunnel.services.common import user_date
from salesfunnel.services.sources import costs_in, source_channels

CALLED_OUT = 20  # overdue and undated deals listed by name in a forecast
NO_SOURCE = None


def period_of(work: Work, since: str | None, until: str | None) -> Period:
    period = Period(user_date(work, since), user_date(work, until))
    if period.since and period.until and period.since > period.until:
        raise BadValue(f"--since {period.since} is after --until {period.until}")
    return period


@dataclass(frozen=True)
class Who:
    """How the sources report groups a contact."""

    source: str | None
    channel: str | None
    list_id: int | None
    owner: str  # the contact's, or for a deal the deal's


def _events(work: Work, period: Period) -> Iterator[tuple[Event, Who]]:
    """Prospect and lead events of the period, plus those older ones the metrics need:
    when a lead started (for handling times) and its qualifications (for its level)."""
    conditions = ["e.entity IN ('prospect', 'lead')"]
    params: dict[str, Any] = {}
    if period.until is not None:
        conditions.append("e.at < :end")
        params["end"] = clock.day_start(period.until + timedelta(days=1))
    if period.since is not None:
        conditions.append(
            "(e.at >= :start"
            " OR (e.entity = 'lead' AND e.action IN ('created', 'qualify'))"
            " OR (e.entity = 'prospect' AND e.action = 'convert'))"
        )
        params["start"] = clock.day_start(period.since)
    rows = work.rows(
        "SELECT e.contact_id, e.entity, e.action, e.at, e.from_state, e.detail, "
        "c.source, c.channel, c.list_id, c.owner "
        "FROM lifecycle_events AS e JOIN contacts AS c ON c.id = e.contact_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY e.id",
        params,
    )
    for row in rows:
        yield (
            Event(row.contact_id, row.entity, row.action, row.at, row.from_state, row.detail),
            Who(_source_name(row.source), row.channel, row.list_id, row.owner),
        )


def _deals(work: Work, period: Period) -> Iterator[tuple[DealFacts, Who]]:
    condition = ""
    params: dict[str, Any] = {}
    if period.until is not None:
        condition = "WHERE d.opened_at < :end OR d.closed_on <= :until"
        params = {"end": clock.day_start(period.until + timedelta(days=1)), "until": period.until}
    rows = work.rows(
        "SELECT d.id, d.contact_id, d.value, d.currency, d.status, d.opened_at, d.closed_on, "
        "d.lost_reason, c.source, c.channel, c.list_id, d.owner "
        f"FROM deals AS d JOIN contacts AS c ON c.id = d.contact_id {condition} ORDER BY d.id",
        params,
    )
    for row in rows:
        *facts, source, channel, list_id, owner = row
        yield DealFacts(*facts), Who(_source_name(source), channel, list_id, owner)


def _source_name(source: str | None) -> str | None:
    name = " ".join((source or "").split()).lower()
    return name or NO_SOURCE


def _currency(work: Work) -> str:
    return work.settings()["currency.default"]


# --- report funnel ---------------------------------------------------------------------------
def funnel_report(
    work: Work, since: str | None, until: str | None, *, by_owner: bool = False
) -> FunnelReportPublic:
    period = period_of(work, since, until)
    currency = _currency(work)
    facts = list(_events(work, period)), list(_deals(work, period))
    events = [event for event, _ in facts[0]]
    deals = [deal for deal, _ in facts[1]]
    result = metrics.funnel(events, deals, period, currency)
    return FunnelReportPublic(
        since=period.since,
        until=period.until,
        currency=currency,
        funnel=funnel_public(result),
        won_other_currency=result.won_other_currency,
        by_owner=_owner_rows(*facts, period, currency) if by_owner else None,
    )


def _owner_rows(
    events: list[tuple[Event, Who]],
    deals: list[tuple[DealFacts, Who]],
    period: Period,
    currency: str,
) -> list[SourceRowPublic]:
    """The funnel per owner: a contact's events count for its owner, a deal for the deal's
    owner (a deal handed over, for whoever has it now)."""
    contact_owner = {event.contact_id: who.owner for event, who in events}
    deal_owner = {deal.id: who.owner for deal, who in deals}
    funnels = metrics.funnel_by(
        [event for event, _ in events],
        [deal for deal, _ in deals],
        period,
        currency,
        lambda contact_id: contact_owner.get(contact_id),
        lambda deal: deal_owner[deal.id],
    )
    rows = [
        SourceRowPublic(
            name=str(owner), channel=None, cost=None, roi=None, funnel=funnel_public(funnel)
        )
        for owner, funnel in funnels.items()
        if owner is not None and _active(funnel)
    ]
    rows.sort(key=lambda r: (-r.funnel.won_value, -r.funnel.leads_created, r.name or "~"))
    return rows


def funnel_public(f: Funnel) -> FunnelPublic:
    return FunnelPublic(
        prospects_added=f.prospects_added,
        prospects_worked=f.prospects_worked,
        prospects_converted=f.prospects_converted,
        prospects_cancelled=f.prospects_cancelled,
        leads_created=f.leads_created,
        leads_inbound=f.leads_inbound,
        leads_contacted=f.leads_contacted,
        leads_qualified=f.leads_qualified,
        leads_mql=f.leads_mql,
        leads_sql=f.leads_sql,
        leads_upgraded_to_sql=f.leads_upgraded_to_sql,
        leads_disqualified=f.leads_disqualified,
        deals_opened=f.deals_opened,
        deals_won=f.deals_won,
        deals_lost=f.deals_lost,
        won_value=f.won_value,
        prospect_to_lead_rate=_rounded(f.prospect_to_lead_rate, 4),
        lead_to_qualified_rate=_rounded(f.lead_to_qualified_rate, 4),
        qualified_to_deal_rate=_rounded(f.qualified_to_deal_rate, 4),
        win_rate=_rounded(f.win_rate, 4),
        lead_handling_avg_days=_rounded(f.lead_handling_average, 4),
        lead_handling_median_days=_rounded(f.lead_handling_median, 4),
        leads_handled=len(f.lead_handling_days),
        sales_cycle_avg_days=_rounded(f.sales_cycle_average, 4),
        sales_cycle_median_days=_rounded(f.sales_cycle_median, 4),
        lost_reasons=[LostReasonPublic(reason=r, count=n) for r, n in f.lost_reasons],
    )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# --- report sources --------------------------------------------------------------------------
LEFT_OUT = "(left out)"  # a group key for contacts a grouping does not show (no list)


@dataclass(frozen=True)
class Grouping:
    """One section of the sources report: how contacts group, and what each group cost."""

    group_of: Callable[[Who], Hashable]
    cost_of: Callable[[Hashable], float | None]
    channel_of: Callable[[Hashable], str | None]
    costed: Iterable[Hashable]  # groups shown even when nothing happened: they cost something


def sources_report(
    work: Work, since: str | None, until: str | None, *, by_owner: bool = False
) -> SourcesReportPublic:
    """The funnel per source, per channel and per prospecting list, with cost and ROI;
    with ``by_owner``, per owner too (no cost: costs are a source's, not a person's)."""
    period = period_of(work, since, until)
    currency = _currency(work)
    who: dict[int, Who] = {}
    facts = list(_events(work, period)), list(_deals(work, period))
    events = []
    for event, person in facts[0]:
        who[event.contact_id] = person
        events.append(event)
    deals = []
    for deal, person in facts[1]:
        who[deal.contact_id] = person
        deals.append(deal)
    costs = costs_in(work, period, currency)  # source name -> its cost dated in the period
    channels = source_channels(work)  # source name -> its channel, when known
    channel_costs: dict[Hashable, float] = defaultdict(float)
    for name, cost in costs.items():
        if channels.get(name):
            channel_costs[channels[name]] += cost
    lists = {row.id: row.name for row in work.rows("SELECT id, name FROM prospect_lists")}

    def rows(grouping: Grouping) -> list[SourceRowPublic]:
        return _rows(events, deals, period, currency, lambda c: grouping.group_of(who[c]), grouping)

    return SourcesReportPublic(
        since=period.since,
        until=period.until,
        currency=currency,
        by_source=rows(
            Grouping(
                lambda w: w.source,
                lambda k: costs.get(str(k)),
                lambda k: channels.get(str(k)),
                costs,
            )
        ),
        by_channel=rows(
            Grouping(
                lambda w: w.channel,
                lambda k: round(channel_costs[k], 2) if k in channel_costs else None,
                lambda k: None,
                channel_costs,
            )
        ),
        by_list=rows(
            Grouping(
                lambda w: lists.get(w.list_id, LEFT_OUT) if w.list_id is not None else LEFT_OUT,
                lambda k: costs.get(_source_name(str(k)) or ""),
                lambda k: None,
                [name for name in lists.values() if _source_name(name) in costs],
            )
        ),
        by_owner=_owner_rows(*facts, period, currency) if by_owner else None,
    )


def _rows(
    events: list[Event],
    deals: list[DealFacts],
    period: Period,
    currency: str,
    group_of: Callable[[int], Hashable],
    grouping: Grouping,
) -> list[SourceRowPublic]:
    """A row per group that did something in the period or cost something; best payers first."""
    funnels = metrics.funnel_by(events, deals, period, currency, group_of)
    result = []
    for key in (set(funnels) | set(grouping.costed)) - {LEFT_OUT}:
        f = funnels.get(key) or Funnel()
        cost = grouping.cost_of(key)
        if not _active(f) and cost is None:
            continue
        result.append(
            SourceRowPublic(
                name=None if key is None else str(key),
                channel=grouping.channel_of(key),
                cost=cost,
                roi=_rounded(metrics.roi(f.won_value, cost), 4),
                funnel=funnel_public(f),
            )
        )
    result.sort(key=lambda r: (-r.funnel.won_value, -r.funnel.leads_created, r.name or "~"))
    return result


def _active(f: Funnel) -> bool:
    return any(
        (
            f.prospects_added,
            f.prospects_worked,
            f.leads_created,
            f.leads_decided,
            f.leads_upgraded_to_sql,
            f.deals_opened,
            f.deals_closed,
        )
    )


# --- report forecast -------------------------------------------------------------------------
def forecast_report(
    work: Work, since: str | None, until: str | None, *, by_owner: bool = False
) -> ForecastPublic:
    """Open deals by expected close month and by stage; overdue and undated called out;
    with ``by_owner``, the same totals per owner."""
    from salesfunnel.services.deals import pipeline_stages

    period = period_of(work, since, until)
    currency = _currency(work)
    today = clock.today()
    rows = work.rows(
        "SELECT id, stage, value, currency, probability, expected_close, owner FROM deals "
        "WHERE status = 'open' ORDER BY id"
    )
    open_deals = [OpenDeal(*row[:-1]) for row in rows]
    stages = [s.name for s in pipeline_stages(work)]
    result = metrics.forecast(open_deals, today, period, currency, stages)
    owners: dict[str, list[OpenDeal]] = defaultdict(list)
    for row, deal in zip(rows, open_deals, strict=True):
        owners[row.owner].append(deal)
    per_owner = [
        ForecastBucketPublic(
            **_bucket(metrics.forecast(deals, today, period, currency).total).values()
            | {"key": owner}
        )
        for owner, deals in sorted(owners.items())
    ]
    return ForecastPublic(
        as_of=today,
        since=period.since,
        until=period.until,
        currency=currency,
        count=result.total.count,
        total_value=round(result.total.total, 2),
        weighted_value=round(result.total.weighted, 2),
        by_month=[_bucket(b) for b in result.months],
        by_stage=[_bucket(b) for b in result.stages],
        overdue=_called_out(work, currency, overdue=True),
        undated=_called_out(work, currency, overdue=False),
        other_currency=result.other_currency,
        by_owner=[b for b in per_owner if b.count] if by_owner else None,
    )


def _bucket(bucket: metrics.Bucket) -> ForecastBucketPublic:
    return ForecastBucketPublic(
        key=bucket.key,
        count=bucket.count,
        total_value=round(bucket.total, 2),
        weighted_value=round(bucket.weighted, 2),
    )


def _called_out(work: Work, currency: str, *, overdue: bool) -> list[DealPublic]:
    """The first overdue deals (oldest close date first), or undated ones (biggest first)."""
    if overdue:
        which = "expected_close < :today ORDER BY expected_close, id"
    else:
        which = "expected_close IS NULL ORDER BY value DESC, id"
    rows = work.rows(
        f"SELECT * FROM deals WHERE status = 'open' AND currency = :currency AND {which} "
        "LIMIT :limit",
        {"currency": currency, "today": clock.today(), "limit": CALLED_OUT},
    )
    return views.deals(work, rows)
