"""`pipeline`: open deals by stage, with count, total and weighted value."""

from __future__ import annotations

from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import DealStatus
from salesfunnel.domain.pipeline import PipelineStage, parse_stages
from salesfunnel.schemas import PipelineStagePublic
from salesfunnel.services import views

TOTALS = """
SELECT stage, count(*) AS deals, sum(value) AS total, sum(value * probability / 100.0) AS weighted
FROM deals WHERE status = :open GROUP BY stage
"""
TOP_OF_STAGE = f"""
SELECT {views.DEAL_COLUMNS} FROM deals AS d
WHERE d.status = :open AND d.stage = :stage ORDER BY d.value DESC, d.id LIMIT :limit
"""


def pipeline(work: Work, *, per_stage: int = 5) -> list[PipelineStagePublic]:
    """Open deals by stage, in pipeline order, with count, total and weighted value.

    A stage that was removed from the settings still shows while deals sit in it.
    """
    stages = parse_stages(work.settings()["pipeline.stages"])
    known = {s.name for s in stages}
    totals = {
        row.stage: (row.deals, row.total or 0.0, row.weighted or 0.0)
        for row in work.rows(TOTALS, {"open": DealStatus.OPEN})
    }
    orphans = [PipelineStage(name, 0) for name in sorted(set(totals) - known)]
    result = []
    for stage in [*stages, *orphans]:
        count, total, weighted_total = totals.get(stage.name, (0, 0.0, 0.0))
        top = work.rows(
            TOP_OF_STAGE, {"open": DealStatus.OPEN, "stage": stage.name, "limit": per_stage}
        )
        result.append(
            PipelineStagePublic(
                stage=stage.name,
                probability=stage.probability,
                count=count,
                total_value=round(total, 2),
                weighted_value=round(weighted_total, 2),
                deals=views.deals(work, top),
            )
        )
    return result
