"""`salesfunnel report funnel | sources | forecast`: what pays off, from the history."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state

app = typer.Typer(
    help="Numbers from the history: the funnel, sources and ROI, the forecast.",
    no_args_is_help=True,
)

Since = Annotated[
    str | None,
    typer.Option(metavar="DATE", help="First day counted (default: from the start)."),
]
Until = Annotated[
    str | None,
    typer.Option(metavar="DATE", help="Last day counted, included (default: up to now)."),
]


class Grouping(StrEnum):
    OWNER = "owner"


By = Annotated[
    Grouping | None, typer.Option("--by", help="Also group by owner (whose contacts and deals).")
]


@app.command("funnel")
def report_funnel(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    by: By = None,
    as_json: JsonFlag = False,
) -> None:
    """Prospects worked, leads qualified, deals won: counts, conversion rates and times."""
    from salesfunnel.render.reports import render_funnel
    from salesfunnel.services.reports import funnel_report

    app_state = state(ctx)
    with app_state.reading() as work:
        report = funnel_report(work, since, until, by_owner=by is Grouping.OWNER)
    if as_json:
        app_state.output.json(report)
    else:
        render_funnel(app_state.output, report)


@app.command("sources")
def report_sources(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    by: By = None,
    as_json: JsonFlag = False,
) -> None:
    """The funnel per source, channel and prospecting list, with won value, cost and ROI."""
    from salesfunnel.render.reports import render_sources
    from salesfunnel.services.reports import sources_report

    app_state = state(ctx)
    with app_state.reading() as work:
        report = sources_report(work, since, until, by_owner=by is Grouping.OWNER)
    if as_json:
        app_state.output.json(report)
    else:
        render_sources(app_state.output, report)


@app.command("forecast")
def report_forecast(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only deals expected to close from then.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only deals expected to close by then.")
    ] = None,
    by: By = None,
    as_json: JsonFlag = False,
) -> None:
    """Open deals by expected close month and by stage, total and weighted by probability."""
    from salesfunnel.render.reports import render_forecast
    from salesfunnel.services.reports import forecast_report

    app_state = state(ctx)
    with app_state.reading() as work:
        report = forecast_report(work, since, until, by_owner=by is Grouping.OWNER)
    if as_json:
        app_state.output.json(report)
    else:
        render_forecast(app_state.output, report)
