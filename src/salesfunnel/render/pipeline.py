"""The pipeline view: one section per stage, with its biggest deals and a bar for its weight."""

from __future__ import annotations

from collections.abc import Sequence

from salesfunnel.domain.money import format_money
from salesfunnel.render.output import Column, Output
from salesfunnel.schemas import CurrencyTotalPublic, PipelineStagePublic

BAR_WIDTH = 24


def bar(value: float, biggest: float, width: int = BAR_WIDTH) -> str:
    if biggest <= 0 or value <= 0:
        return ""
    return "#" * max(1, round(width * value / biggest))


def render_pipeline(output: Output, stages: Sequence[PipelineStagePublic]) -> None:
    default = stages[0].currency if stages else ""
    currencies = sorted({t.currency for s in stages for t in s.totals})
    if set(currencies) <= {default}:
        _one_currency(output, stages)
    else:
        _per_currency(output, stages, default, currencies)
    _biggest_deals(output, stages)


def _one_currency(output: Output, stages: Sequence[PipelineStagePublic]) -> None:
    biggest = max((s.weighted_value for s in stages), default=0.0)
    summary = [
        Column("stage", lambda s: s.stage),
        Column("prob.", lambda s: f"{s.probability}%", numeric=True),
        Column("deals", lambda s: s.count, numeric=True),
        Column("total", lambda s: s.total_value, numeric=True),
        Column("weighted", lambda s: s.weighted_value, numeric=True),
        Column("", lambda s: bar(s.weighted_value, biggest), style="green", drop=1),
    ]
    output.table(list(stages), summary, title="Pipeline (open deals)")
    total = sum(s.total_value for s in stages)
    weighted_total = sum(s.weighted_value for s in stages)
    count = sum(s.count for s in stages)
    in_all, weighted_in_all = format_money(total), format_money(weighted_total)
    output.line(f"{_deals(count)}, {in_all} in all, {weighted_in_all} weighted.")


def _per_currency(
    output: Output, stages: Sequence[PipelineStagePublic], default: str, currencies: list[str]
) -> None:
    """A row per stage and currency, and a total per currency: never one sum of both."""
    rows = [
        (stage, total)
        for stage in stages
        for total in stage.totals
        or [CurrencyTotalPublic(currency=default, count=0, total_value=0.0, weighted_value=0.0)]
    ]
    biggest = {
        currency: max((t.weighted_value or 0.0 for _, t in rows if t.currency == currency))
        for currency in {t.currency for _, t in rows}
    }
    summary = [
        Column("stage", lambda r: r[0].stage),
        Column("prob.", lambda r: f"{r[0].probability}%", numeric=True),
        Column("currency", lambda r: r[1].currency),
        Column("deals", lambda r: r[1].count, numeric=True),
        Column("total", lambda r: r[1].total_value, numeric=True),
        Column("weighted", lambda r: r[1].weighted_value, numeric=True),
        Column(
            "", lambda r: bar(r[1].weighted_value or 0.0, biggest[r[1].currency]), style="green"
        ),
    ]
    output.table(rows, summary, title="Pipeline (open deals)")
    for currency in currencies:
        totals = [t for s in stages for t in s.totals if t.currency == currency]
        count = sum(t.count for t in totals)
        in_all = format_money(sum(t.total_value for t in totals), currency)
        weighted = format_money(sum(t.weighted_value or 0.0 for t in totals), currency)
        output.line(f"{_deals(count)} in {currency}, {in_all} in all, {weighted} weighted.")


def _deals(count: int) -> str:
    return "1 open deal" if count == 1 else f"{count} open deals"


def _biggest_deals(output: Output, stages: Sequence[PipelineStagePublic]) -> None:
    for stage in stages:
        if not stage.deals:
            continue
        more = stage.count - len(stage.deals)
        title = f"{stage.stage}: biggest deals" + (f" (and {more} more)" if more > 0 else "")
        output.heading(title)
        output.table(
            stage.deals,
            [
                Column("id", lambda d: d.id, numeric=True),
                Column("title", lambda d: d.title),
                Column("contact", lambda d: d.contact),
                Column("value", lambda d: format_money(d.value, d.currency), numeric=True),
                Column("prob.", lambda d: f"{d.probability}%", numeric=True),
                Column("close", lambda d: d.expected_close),
            ],
        )
