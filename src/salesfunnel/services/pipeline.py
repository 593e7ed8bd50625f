"""`pipeline`: open deals by stage, on the fast read path (SQLAlchemy Core alone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from salesfunnel.daily_schemas import PipelineStagePublic
from salesfunnel.db.core import deals
from salesfunnel.domain.lifecycle import DealStatus
from salesfunnel.domain.pipeline import PipelineStage, parse_stages
from salesfunnel.services import core_views

if TYPE_CHECKING:
    from salesfunnel.db.uow import ReadOnlyWork, UnitOfWork


def pipeline(work: ReadOnlyWork | UnitOfWork, *, per_stage: int = 5) -> list[PipelineStagePublic]:
    """Open deals by stage, in pipeline order, with count, total and weighted value.

    A stage that was removed from the settings still shows while deals sit in it.
    """
    d = deals.c
    stages = parse_stages(work.settings()["pipeline.stages"])
    known = {s.name for s in stages}
    totals = {
        stage: (count, total or 0.0, weighted_total or 0.0)
        for stage, count, total, weighted_total in work.connection.execute(
            select(
                d.stage,
                func.count(),
                func.sum(d.value),
                func.sum(d.value * d.probability / 100.0),
            )
            .where(d.status == DealStatus.OPEN)
            .group_by(d.stage)
        )
    }
    orphans = [PipelineStage(name, 0) for name in sorted(set(totals) - known)]
    result = []
    for stage in [*stages, *orphans]:
        count, total, weighted_total = totals.get(stage.name, (0, 0.0, 0.0))
        top = work.connection.execute(
            select(*core_views.DEAL_COLUMNS)
            .where(d.status == DealStatus.OPEN, d.stage == stage.name)
            .order_by(d.value.desc(), d.id)
            .limit(per_stage)
        ).all()
        result.append(
            PipelineStagePublic(
                stage=stage.name,
                probability=stage.probability,
                count=count,
                total_value=round(total, 2),
                weighted_value=round(weighted_total, 2),
                deals=core_views.deals_of(work.connection, top),
            )
        )
    return result
