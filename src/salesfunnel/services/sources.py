"""Sources of contacts and what they cost: `source list`, `source cost`.

A source is the lower-cased ``Contact.source`` text (a prospect's is its list's
name).  Costs are recorded on a source by name, on a date, in a currency; the
sources report sets won value against them (ROI).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Contact, Source, SourceCost
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.lifecycle import Channel
from salesfunnel.domain.metrics import Period
from salesfunnel.errors import BadValue
from salesfunnel.schemas import SourceCostPublic, SourcePublic
from salesfunnel.services.common import currency_of, parse_money, user_date


def source_key(name: str | None) -> str | None:
    """The name a source is known by: lower-case, single spaces."""
    key = " ".join((name or "").split()).lower()
    return key or None


def _contact_counts(uow: UnitOfWork) -> dict[str, Counter[str | None]]:
    """Per source: how many contacts came through each channel."""
    counts: dict[str, Counter[str | None]] = defaultdict(Counter)
    rows = uow.session.exec(
        select(Contact.source, Contact.channel, func.count())
        .where(col(Contact.source).is_not(None))
        .group_by(Contact.source, Contact.channel)
    )
    for source, channel, count in rows:
        key = source_key(source)
        if key is not None:
            counts[key][channel] += int(count)
    return counts


def source_channels(uow: UnitOfWork) -> dict[str, str]:
    """Each source's channel: as set with `source cost --channel`, else its contacts' usual one."""
    channels = {
        key: counts.most_common(1)[0][0]
        for key, counts in _contact_counts(uow).items()
        if counts.most_common(1)[0][0] is not None
    }
    for name, channel in uow.session.exec(select(Source.name, Source.channel)):
        if channel:
            channels[name] = channel
    return channels  # type: ignore[return-value]


def costs_in(uow: UnitOfWork, period: Period, currency: str) -> dict[str, float]:
    """What each source cost on days of the period, in ``currency`` (others are left out)."""
    query = (
        select(Source.name, func.sum(SourceCost.amount))
        .join(Source, col(Source.id) == SourceCost.source_id)
        .where(SourceCost.currency == currency)
        .group_by(Source.name)
    )
    if period.since is not None:
        query = query.where(col(SourceCost.spent_on) >= period.since)
    if period.until is not None:
        query = query.where(col(SourceCost.spent_on) <= period.until)
    return {name: round(float(total or 0), 2) for name, total in uow.session.exec(query)}


def list_sources(uow: UnitOfWork) -> list[SourcePublic]:
    """Every source contacts came from or a cost was recorded for, most contacts first."""
    counts = _contact_counts(uow)
    channels = source_channels(uow)
    costs: dict[str, dict[str, float]] = defaultdict(dict)
    entries: Counter[str] = Counter()
    last: dict[str, date] = {}
    rows = uow.session.exec(
        select(
            Source.name,
            SourceCost.currency,
            func.sum(SourceCost.amount),
            func.count(),
            func.max(SourceCost.spent_on),
        )
        .join(Source, col(Source.id) == SourceCost.source_id)
        .group_by(Source.name, SourceCost.currency)
    )
    for name, currency, total, count, latest in rows:
        costs[name][currency] = round(float(total or 0), 2)
        entries[name] += int(count)
        last[name] = max(latest, last.get(name, latest))
    names = set(counts) | set(uow.session.exec(select(Source.name)).all())
    result = [
        SourcePublic(
            name=name,
            channel=channels.get(name),
            contacts=sum(counts.get(name, Counter()).values()),
            costs=costs.get(name, {}),
            cost_entries=entries[name],
            last_cost_on=last.get(name),
        )
        for name in names
    ]
    result.sort(key=lambda s: (-s.contacts, s.name))
    return result


def record_cost(
    uow: UnitOfWork,
    name: str,
    amount: str,
    *,
    on: str | None = None,
    currency: str | None = None,
    channel: str | None = None,
) -> SourceCostPublic:
    """What a source cost (a list bought, a campaign): added to its earlier costs."""
    key = source_key(name)
    if key is None:
        raise BadValue("a source needs a name")
    value = parse_money(amount, what="a cost")
    assert value is not None
    source = uow.session.exec(select(Source).where(Source.name == key)).first()
    if source is None:
        source = Source(name=key, created_at=clock.utcnow())
        uow.session.add(source)
    if channel is not None:
        try:
            source.channel = Channel(channel.strip().lower())
        except ValueError:
            raise BadValue(f"channel {channel!r} is neither inbound nor outbound") from None
    uow.session.flush()
    cost = SourceCost(
        source_id=source.id or 0,
        amount=value,
        currency=currency_of(uow, currency),
        spent_on=user_date(uow, on) or clock.today(),
        created_at=clock.utcnow(),
    )
    uow.session.add(cost)
    uow.session.flush()
    total = next(s for s in list_sources(uow) if s.name == key)
    return SourceCostPublic(
        id=cost.id or 0,
        source=key,
        amount=cost.amount,
        currency=cost.currency,
        spent_on=cost.spent_on,
        total=total,
    )
