"""`pipeline`: open deals by stage, with count, total and weighted value."""

from __future__ import annotations

from collections import defaultdict

from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import DealStatus
from salesfunnel.domain.pipeline import PipelineStage, parse_stages
from salesfunnel.schemas import CurrencyTotalPublic, PipelineStagePublic
from salesfunnel.services import views
from salesfunnel.services.owners import Whose, only

TOTALS = """
SELECT stage, currency, count(*) AS deals, sum(value) AS total,
       sum(value * probability / 100.0) AS weighted
FROM deals AS d WHERE status = :open{owner} GROUP BY stage, currency ORDER BY stage, currency
"""
TOP_OF_STAGE = f"""
SELECT {views.DEAL_COLUMNS} FROM deals AS d
WHERE d.status = :open AND d.stage = :stage{{owner}} ORDER BY d.value DESC, d.id LIMIT :limit
"""


def pipeline(work: Work, *, per_stage: int = 5, owner: Whose = None) -> list[PipelineStagePublic]:
    """Open deals by stage, in pipeline order, with count, total and weighted value: a
    total per currency, and the default currency's in `total_value`.

    A stage that was removed from the settings still shows while deals sit in it.
    ``owner``: one user's deals (None: everybody's).
    """
    mine = only("d", owner)
    stages = parse_stages(work.settings()["pipeline.stages"])
    default = work.settings()["currency.default"]
    known = {s.name for s in stages}
    totals: dict[str, list[CurrencyTotalPublic]] = defaultdict(list)
    totals_sql = TOTALS.format(owner=mine)
    for row in work.rows(totals_sql, {"open": DealStatus.OPEN, "owner": owner}):
        totals[row.stage].append(
            CurrencyTotalPublic(
                currency=row.currency,
                count=row.deals,
                total_value=round(row.total or 0.0, 2),
                weighted_value=round(row.weighted or 0.0, 2),
            )
        )
    orphans = [PipelineStage(name, 0) for name in sorted(set(totals) - known)]
    result = []
    for stage in [*stages, *orphans]:
        in_default = next((t for t in totals[stage.name] if t.currency == default), None)
        top = work.rows(
            TOP_OF_STAGE.format(owner=mine),
            {"open": DealStatus.OPEN, "stage": stage.name, "limit": per_stage, "owner": owner},
        )
        result.append(
            PipelineStagePublic(
                stage=stage.name,
                probability=stage.probability,
                count=sum(t.count for t in totals[stage.name]),
                currency=default,
                total_value=in_default.total_value if in_default else 0.0,
                weighted_value=in_default.weighted_value or 0.0 if in_default else 0.0,
                totals=totals[stage.name],
                deals=views.deals(work, top),
            )
        )
    return result
