"""The pipeline view: one section per stage, with its biggest deals and a bar for its weight."""

from __future__ import annotations

from collections.abc import Sequence

from salesfunnel.domain.money import format_money
from salesfunnel.render.output import Column, Output
from salesfunnel.schemas import PipelineStagePublic

BAR_WIDTH = 24


def bar(value: float, biggest: float, width: int = BAR_WIDTH) -> str:
    if biggest <= 0 or value <= 0:
        return ""
    return "#" * max(1, round(width * value / biggest))


def render_pipeline(output: Output, stages: Sequence[PipelineStagePublic]) -> None:
    biggest = max((s.weighted_value for s in stages), default=0.0)
    summary = [
        Column("stage", lambda s: s.stage),
        Column("prob.", lambda s: f"{s.probability}%", numeric=True),
        Column("deals", lambda s: s.count, numeric=True),
        Column("total", lambda s: s.total_value, numeric=True),
        Column("weighted", lambda s: s.weighted_value, numeric=True),
        Column("", lambda s: bar(s.weighted_value, biggest), style="green"),
    ]
    output.table(list(stages), summary, title="Pipeline (open deals)")
    total = sum(s.total_value for s in stages)
    weighted_total = sum(s.weighted_value for s in stages)
    count = sum(s.count for s in stages)
    in_all, weighted_in_all = format_money(total), format_money(weighted_total)
    output.line(f"{count} open deals, {in_all} in all, {weighted_in_all} weighted.")
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
