"""`salesfunnel prospect ...`: cold contacts in prospecting lists."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from salesfunnel.cli import complete, prospect_import
from salesfunnel.cli.options import (
    AllFlag,
    JsonFlag,
    LimitOption,
    OwnerOption,
    TeamFlag,
    YesFlag,
    confirm,
    row_limit,
    team_hint,
    team_total,
)
from salesfunnel.cli.state import state
from salesfunnel.domain.lifecycle import ProspectStatus
from salesfunnel.render import columns
from salesfunnel.render.listing import show_page

app = typer.Typer(help="Prospects: cold contacts you reach out to first.", no_args_is_help=True)

ProspectIds = Annotated[
    list[str], typer.Argument(help="Prospect ids or emails.", autocompletion=complete.prospect)
]


@app.command("add")
def prospect_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone, kept as typed.")] = None,
    company: Annotated[str | None, typer.Option(help="Company name.")] = None,
    title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    list_name: Annotated[
        str | None,
        typer.Option(
            "--list", help="Prospecting list (default: manual).", autocompletion=complete.list_name
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add one prospect by hand."""
    from salesfunnel.services.prospects import add_prospect

    app_state = state(ctx)
    with app_state.writing() as work:
        prospect = add_prospect(
            work, name, email=email, phone=phone, company=company, title=title, list_name=list_name
        )
        work.summary = message = (
            f"Added prospect #{prospect.id} {prospect.name} to {prospect.list}."
        )
    if as_json:
        app_state.output.json(prospect)
    else:
        app_state.output.message(message)


@app.command("list")
def prospect_list(
    ctx: typer.Context,
    list_name: Annotated[
        str | None,
        typer.Option("--list", help="Only this list.", autocompletion=complete.list_name),
    ] = None,
    status: Annotated[ProspectStatus | None, typer.Option(help="Only this status.")] = None,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """List prospects, oldest first (your own; --team for everybody's)."""
    from salesfunnel.services.owners import whose
    from salesfunnel.services.prospects import list_prospects

    app_state = state(ctx)
    with app_state.reading() as work:
        listing = partial(list_prospects, work, list_name=list_name, status=status)
        mine = whose(work, team=team, owner=owner)
        page = listing(owner=mine, limit=row_limit(limit, every))
        default = not team and owner is None
        others = team_total(len(page.items), default, as_json, lambda: listing(limit=1).total)
    if others:
        app_state.output.message(team_hint("prospects", mine, others))
        return
    show_page(app_state.output, page, columns.PROSPECT, noun="prospects", as_json=as_json)


@app.command("lists")
def prospect_lists(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Prospecting lists with their counts: open, converted, cancelled, and the
    contacts imported into them as leads (--as-leads)."""
    from salesfunnel.services.prospects import list_lists

    app_state = state(ctx)
    with app_state.reading() as work:
        lists = list_lists(work)
    if as_json:
        app_state.output.json(lists)
    elif lists:
        app_state.output.table(lists, columns.PROSPECT_LIST)
    else:
        app_state.output.message("No prospecting lists yet.")


@app.command("convert")
def prospect_convert(
    ctx: typer.Context,
    ids: ProspectIds,
    as_json: JsonFlag = False,
) -> None:
    """Prospects who showed interest become leads (same id). All or none."""
    from salesfunnel.services.prospects import convert

    app_state = state(ctx)
    with app_state.writing() as work:
        leads = convert(work, ids)
        said = [f"Converted #{lead.id} {lead.name} to a lead." for lead in leads]
        work.summary = " ".join(said)
    if as_json:
        app_state.output.json(leads)
    for line in said:
        app_state.output.message(line)


@app.command("cancel")
def prospect_cancel(
    ctx: typer.Context,
    ids: ProspectIds,
    reason: Annotated[str | None, typer.Option(help="Why (kept with the prospect).")] = None,
    yes: YesFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Never contact these again; they are kept so a re-import won't bring them back."""
    from salesfunnel.services.prospects import cancel, named

    app_state = state(ctx)
    if not yes:
        with app_state.reading() as work:
            who = named(work, ids)
        shown = ", ".join(who[:5]) + (f" and {len(who) - 5} more" if len(who) > 5 else "")
        confirm(f"Cancel {shown} for good (never to be contacted)?", yes)
    with app_state.writing() as work:
        cancelled = cancel(work, ids, reason)
        said = [f"Cancelled prospect #{p.id} {p.name}." for p in cancelled]
        work.summary = " ".join(said)
    if as_json:
        app_state.output.json(cancelled)
    for line in said:
        app_state.output.message(line)


app.command("import")(prospect_import.prospect_import)
app.command("undo-import")(prospect_import.prospect_undo_import)
