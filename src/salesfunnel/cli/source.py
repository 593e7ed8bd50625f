"""`salesfunnel source list | cost`: where contacts come from, and what that cost."""

from __future__ import annotations

from typing import Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state

app = typer.Typer(help="Sources of contacts and what they cost.", no_args_is_help=True)


@app.command("list")
def source_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every source: its channel, how many contacts came from it, what it cost."""
    from salesfunnel.render.reports import render_source_list
    from salesfunnel.services.sources import list_sources

    app_state = state(ctx)
    with app_state.reading() as work:
        sources = list_sources(work)
    if as_json:
        app_state.output.json(sources)
    else:
        render_source_list(app_state.output, sources)


# A negative AMOUNT (`-10`) reaches the command, to be refused as an amount, rather than
# be taken for an unknown option.
@app.command("cost", context_settings={"ignore_unknown_options": True})
def source_cost(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="Source, or prospecting list name.",
            autocompletion=complete.source_or_list,
        ),
    ],
    amount: Annotated[
        str, typer.Argument(metavar="AMOUNT", help="What it cost, e.g. 1200 or 1.200,50.")
    ],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="When (default: today).")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(metavar="CODE", help="Default: the currency.default setting.")
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(metavar="CHANNEL", help="inbound or outbound (default: its contacts' one)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record what a source cost (a bought list, a campaign); reports set won value against it."""
    from salesfunnel.render.reports import cost_message
    from salesfunnel.services.sources import record_cost

    app_state = state(ctx)
    with app_state.writing() as work:
        cost = record_cost(work, name, amount, on=on, currency=currency, channel=channel)
        work.summary = message = cost_message(cost)
    output = app_state.output
    if as_json:
        output.json(cost)
    else:
        output.message(message)
    if not cost.total.contacts:
        output.message(
            f"No contact has the source {cost.source!r} yet (see: source list); "
            "the cost counts once some do."
        )
