"""`report funnel | sources | forecast`: the numbers, read from the lifecycle history.

The facts (events, deals, costs) are read here; every number is computed by
domain.metrics, so the definitions live in one place (docs/reports.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_
from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Contact, Deal, LifecycleEvent, ProspectList
from salesfunnel.db.uow import UnitOfWork
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


def period_of(uow: UnitOfWork, since: str | None, until: str | None) -> Period:
    period = Period(user_date(uow, since), user_date(uow, until))
    if period.since and period.until and period.since > period.until:
        raise BadValue(f"--since {period.since} is after --until {period.until}")
    return period


def _utc_start(day: date) -> datetime:
    """Midnight at the start of a local day, as the UTC instant stored timestamps compare to."""
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


@dataclass(frozen=True)
class Who:
    """How the sources report groups a contact."""

    source: str | None
    channel: str | None
    list_id: int | None


def _events(uow: UnitOfWork, period: Period) -> Iterator[tuple[Event, Who]]:
    """Prospect and lead events of the period, plus those older ones the metrics need:
    when a lead started (for handling times) and its qualifications (for its level)."""
    event = LifecycleEvent
    query = (
        select(
            event.contact_id,
            event.entity,
            event.action,
            event.at,
            event.from_state,
            event.detail,
            Contact.source,
            Contact.channel,
            Contact.list_id,
        )
        .join(Contact, col(Contact.id) == event.contact_id)
        .where(col(event.entity).in_(("prospect", "lead")))
    )
    if period.until is not None:
        query = query.where(col(event.at) < _utc_start(period.until + timedelta(days=1)))
    if period.since is not None:
        query = query.where(
            or_(
                col(event.at) >= _utc_start(period.since),
                and_(col(event.entity) == "lead", col(event.action).in_(("created", "qualify"))),
                and_(col(event.entity) == "prospect", col(event.action) == "convert"),
            )
        )
    for (
        contact_id,
        entity,
        action,
        at,
        from_state,
        detail,
        source,
        channel,
        list_id,
    ) in uow.session.exec(query):
        yield (
            Event(contact_id, entity, action, at, from_state, detail),
            Who(_source_name(source), channel, list_id),
        )


def _deals(uow: UnitOfWork, period: Period) -> Iterator[tuple[DealFacts, Who]]:
    query = select(
        Deal.id,
        Deal.contact_id,
        Deal.value,
        Deal.currency,
        Deal.status,
        Deal.opened_at,
        Deal.closed_on,
        Deal.lost_reason,
        Contact.source,
        Contact.channel,
        Contact.list_id,
    ).join(Contact, col(Contact.id) == Deal.contact_id)
    if period.until is not None:
        end = _utc_start(period.until + timedelta(days=1))
        query = query.where(or_(col(Deal.opened_at) < end, col(Deal.closed_on) <= period.until))
    for row in uow.session.exec(query):
        *facts, source, channel, list_id = row
        yield DealFacts(*facts), Who(_source_name(source), channel, list_id)


def _source_name(source: str | None) -> str | None:
    name = " ".join((source or "").split()).lower()
    return name or NO_SOURCE


def _currency(uow: UnitOfWork) -> str:
    return uow.settings()["deal.currency"]


# --- report funnel ---------------------------------------------------------------------------
def funnel_report(uow: UnitOfWork, since: str | None, until: str | None) -> FunnelReportPublic:
    period = period_of(uow, since, until)
    currency = _currency(uow)
    events = [event for event, _ in _events(uow, period)]
    deals = [deal for deal, _ in _deals(uow, period)]
    result = metrics.funnel(events, deals, period, currency)
    return FunnelReportPublic(
        since=period.since,
        until=period.until,
        currency=currency,
        funnel=funnel_public(result),
        won_other_currency=result.won_other_currency,
    )


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


def sources_report(uow: UnitOfWork, since: str | None, until: str | None) -> SourcesReportPublic:
    """The funnel per source, per channel and per prospecting list, with cost and ROI."""
    period = period_of(uow, since, until)
    currency = _currency(uow)
    who: dict[int, Who] = {}
    events = []
    for event, person in _events(uow, period):
        who[event.contact_id] = person
        events.append(event)
    deals = []
    for deal, person in _deals(uow, period):
        who[deal.contact_id] = person
        deals.append(deal)
    costs = costs_in(uow, period, currency)  # source name -> its cost dated in the period
    channels = source_channels(uow)  # source name -> its channel, when known
    channel_costs: dict[Hashable, float] = defaultdict(float)
    for name, cost in costs.items():
        if channels.get(name):
            channel_costs[channels[name]] += cost
    lists = dict(uow.session.exec(select(ProspectList.id, ProspectList.name)).all())

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
def forecast_report(uow: UnitOfWork, since: str | None, until: str | None) -> ForecastPublic:
    """Open deals by expected close month and by stage; overdue and undated called out."""
    from salesfunnel.services.deals import pipeline_stages

    period = period_of(uow, since, until)
    currency = _currency(uow)
    today = clock.today()
    open_deals = [
        OpenDeal(*row)
        for row in uow.session.exec(
            select(
                Deal.id,
                Deal.stage,
                Deal.value,
                Deal.currency,
                Deal.probability,
                Deal.expected_close,
            ).where(Deal.status == "open")
        )
    ]
    result = metrics.forecast(
        open_deals, today, period, currency, [s.name for s in pipeline_stages(uow)]
    )
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
        overdue=_called_out(uow, currency, overdue=True),
        undated=_called_out(uow, currency, overdue=False),
        other_currency=result.other_currency,
    )


def _bucket(bucket: metrics.Bucket) -> ForecastBucketPublic:
    return ForecastBucketPublic(
        key=bucket.key,
        count=bucket.count,
        total_value=round(bucket.total, 2),
        weighted_value=round(bucket.weighted, 2),
    )


def _called_out(uow: UnitOfWork, currency: str, *, overdue: bool) -> list[DealPublic]:
    """The first overdue deals (oldest close date first), or undated ones (biggest first)."""
    query = select(Deal).where(Deal.status == "open", Deal.currency == currency)
    if overdue:
        query = query.where(col(Deal.expected_close) < clock.today()).order_by(
            col(Deal.expected_close), col(Deal.id)
        )
    else:
        query = query.where(col(Deal.expected_close).is_(None)).order_by(
            col(Deal.value).desc(), col(Deal.id)
        )
    return views.deals(uow.session, list(uow.session.exec(query.limit(CALLED_OUT)).all()))
