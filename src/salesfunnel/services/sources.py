"""Sources of contacts and what they cost: `source list`, `source cost`.

A source is the lower-cased ``Contact.source`` text (a prospect's is its list's
name).  Costs are recorded on a source by name, on a date, in a currency; the
sources report sets won value against them (ROI).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from salesfunnel import clock
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import source_key
from salesfunnel.domain.lifecycle import Channel
from salesfunnel.domain.metrics import Period
from salesfunnel.domain.money import parse_money
from salesfunnel.errors import BadValue
from salesfunnel.schemas import SourceCostPublic, SourcePublic
from salesfunnel.services.common import currency_of, user_date


def _contact_counts(work: Work) -> dict[str, Counter[str | None]]:
    """Per source: how many contacts came through each channel."""
    counts: dict[str, Counter[str | None]] = defaultdict(Counter)
    rows = work.rows(
        "SELECT source, channel, count(*) AS contacts FROM contacts "
        "WHERE source IS NOT NULL GROUP BY source, channel"
    )
    for source, channel, count in rows:
        key = source_key(source)
        if key is not None:
            counts[key][channel] += int(count)
    return counts


def source_channels(work: Work) -> dict[str, str]:
    """Each source's channel: as set with `source cost --channel`, else its contacts' usual one."""
    channels: dict[str, str] = {}
    for key, counts in _contact_counts(work).items():
        usual = counts.most_common(1)[0][0]
        if usual is not None:
            channels[key] = usual
    for name, channel in work.rows("SELECT name, channel FROM sources"):
        if channel:
            channels[name] = channel
    return channels


def costs_in(work: Work, period: Period, currency: str) -> dict[str, float]:
    """What each source cost on days of the period, in ``currency`` (others are left out)."""
    conditions = ["c.currency = :currency"]
    params: dict[str, Any] = {"currency": currency}
    if period.since is not None:
        conditions.append("c.spent_on >= :since")
        params["since"] = period.since
    if period.until is not None:
        conditions.append("c.spent_on <= :until")
        params["until"] = period.until
    rows = work.rows(
        "SELECT s.name, sum(c.amount) AS total FROM source_costs AS c "
        f"JOIN sources AS s ON s.id = c.source_id WHERE {' AND '.join(conditions)} "
        "GROUP BY s.name",
        params,
    )
    return {name: round(float(total or 0), 2) for name, total in rows}


def list_sources(work: Work) -> list[SourcePublic]:
    """Every source contacts came from or a cost was recorded for, most contacts first."""
    counts = _contact_counts(work)
    channels = source_channels(work)
    costs: dict[str, dict[str, float]] = defaultdict(dict)
    entries: Counter[str] = Counter()
    last: dict[str, date] = {}
    rows = work.rows(
        "SELECT s.name, c.currency, sum(c.amount) AS total, count(*) AS entries, "
        "max(c.spent_on) AS spent_on FROM source_costs AS c "
        "JOIN sources AS s ON s.id = c.source_id GROUP BY s.name, c.currency"
    )
    for name, currency, total, count, latest in rows:
        costs[name][currency] = round(float(total or 0), 2)
        entries[name] += int(count)
        last[name] = max(latest, last.get(name, latest))
    names = set(counts) | {row.name for row in work.rows("SELECT name FROM sources")}
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
    work: Work,
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
    chosen_channel = None
    if channel is not None:
        try:
            chosen_channel = Channel(channel.strip().lower())
        except ValueError:
            raise BadValue(f"channel {channel!r} is neither inbound nor outbound") from None
    source_id = work.value("SELECT id FROM sources WHERE name = :name", {"name": key})
    if source_id is None:
        source_id = work.insert("sources", {"name": key, "created_at": clock.utcnow()})
    if chosen_channel is not None:
        work.update("sources", source_id, {"channel": chosen_channel})
    code = currency_of(work, currency)
    spent_on = user_date(work, on) or clock.today()
    cost_id = work.insert(
        "source_costs",
        {
            "source_id": source_id,
            "amount": value,
            "currency": code,
            "spent_on": spent_on,
            "created_at": clock.utcnow(),
        },
    )
    total = next(s for s in list_sources(work) if s.name == key)
    return SourceCostPublic(
        id=cost_id,
        source=key,
        amount=value,
        currency=code,
        spent_on=spent_on,
        total=total,
    )
