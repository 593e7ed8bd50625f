"""`salesfunnel lead ...`: people who showed interest."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import (
    AllFlag,
    JsonFlag,
    LimitOption,
    OwnerOption,
    TeamFlag,
    row_limit,
    team_hint,
    team_total,
)
from salesfunnel.cli.state import state
from salesfunnel.domain.lifecycle import Channel, LeadStatus, QualificationLevel
from salesfunnel.render import columns
from salesfunnel.render.listing import show_page

app = typer.Typer(help="Leads: people who showed interest.", no_args_is_help=True)

LeadId = Annotated[
    str, typer.Argument(metavar="ID", help="Lead id or email.", autocompletion=complete.lead)
]


@app.command("add")
def lead_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.")],
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone, kept as typed.")] = None,
    company: Annotated[str | None, typer.Option(help="Company name.")] = None,
    title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help="Where they came from: webinar, referral, form...",
            autocompletion=complete.source,
        ),
    ] = None,
    channel: Annotated[Channel, typer.Option(help="Who reached out first.")] = Channel.INBOUND,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="A tag (repeatable).", autocompletion=complete.tag),
    ] = None,
    referred_by: Annotated[
        str | None,
        typer.Option(
            help="Id or email of the contact who referred them.", autocompletion=complete.contact
        ),
    ] = None,
    star: Annotated[bool, typer.Option("--star", help="Highlight everywhere.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add an inbound lead."""
    from salesfunnel.services.leads import add_lead

    app_state = state(ctx)
    with app_state.writing() as work:
        lead = add_lead(
            work,
            name,
            email=email,
            phone=phone,
            company=company,
            title=title,
            source=source,
            channel=channel,
            tags=tag or [],
            referred_by=referred_by,
            starred=star,
        )
        work.summary = message = f"Added lead #{lead.id} {lead.name}."
    if as_json:
        app_state.output.json(lead)
    else:
        app_state.output.message(message)


@app.command("list")
def lead_list(
    ctx: typer.Context,
    status: Annotated[LeadStatus | None, typer.Option(help="Only this status.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Only this source.", autocompletion=complete.source)
    ] = None,
    tag: Annotated[
        str | None, typer.Option(help="Only leads with this tag.", autocompletion=complete.tag)
    ] = None,
    starred: Annotated[bool, typer.Option("--starred", help="Only starred leads.")] = False,
    level: Annotated[QualificationLevel | None, typer.Option(help="Only mql or sql.")] = None,
    channel: Annotated[Channel | None, typer.Option(help="Only inbound or outbound.")] = None,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """List leads: starred first, then newest (your own; --team for everybody's)."""
    from salesfunnel.services.leads import list_leads
    from salesfunnel.services.owners import whose

    app_state = state(ctx)
    with app_state.reading() as work:
        listing = partial(
            list_leads,
            work,
            status=status,
            source=source,
            tag=tag,
            starred=starred,
            level=level,
            channel=channel,
        )
        mine = whose(work, team=team, owner=owner)
        page = listing(owner=mine, limit=row_limit(limit, every))
        default = not team and owner is None
        others = team_total(len(page.items), default, as_json, lambda: listing(limit=1).total)
    if others:
        app_state.output.message(team_hint("leads", mine, others))
        return
    show_page(
        app_state.output,
        page,
        columns.LEAD,
        noun="leads",
        as_json=as_json,
        highlight=lambda lead: lead.starred,
    )


@app.command("show")
def lead_show(
    ctx: typer.Context,
    lead_id: LeadId,
    as_json: JsonFlag = False,
) -> None:
    """A lead with its qualification, deals, next step and history."""
    from salesfunnel.services.leads import show_lead

    app_state = state(ctx)
    with app_state.reading() as work:
        lead = show_lead(work, lead_id)
    out = app_state.output
    if as_json:
        out.json(lead)
        return
    from salesfunnel.render.records import render_lead

    render_lead(out, lead)


@app.command("qualify")
def lead_qualify(
    ctx: typer.Context,
    lead_id: LeadId,
    need: Annotated[bool | None, typer.Option("--need/--no-need", help="Has a need.")] = None,
    budget: Annotated[
        bool | None, typer.Option("--budget/--no-budget", help="Has budget / ability.")
    ] = None,
    authority: Annotated[
        bool | None, typer.Option("--authority/--no-authority", help="Can decide.")
    ] = None,
    timing: Annotated[
        bool | None, typer.Option("--timing/--no-timing", help="Wants it soon.")
    ] = None,
    level: Annotated[
        QualificationLevel, typer.Option(help="mql: engaged, not ready; sql: wants to talk.")
    ] = QualificationLevel.SQL,
    value: Annotated[str | None, typer.Option(help="Value of the deal it opens.")] = None,
    no_deal: Annotated[bool, typer.Option("--no-deal", help="Don't open a deal.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Qualify a lead (BANT); an sql lead opens a deal unless --no-deal."""
    from salesfunnel.services.leads import qualify

    app_state = state(ctx)
    with app_state.writing() as work:
        lead, deal_id = qualify(
            work,
            lead_id,
            need=need,
            budget=budget,
            authority=authority,
            timing=timing,
            level=level,
            value=value,
            open_deal=not no_deal,
        )
        said = [f"Qualified #{lead.id} {lead.name} as {lead.level}."]
        said += [f"Opened deal #{deal_id}."] if deal_id is not None else []
        work.summary = " ".join(said)
    if as_json:
        from salesfunnel.schemas import QualifiedPublic

        app_state.output.json(QualifiedPublic(lead=lead, deal_id=deal_id))
        return
    for line in said:
        app_state.output.message(line)


@app.command("disqualify")
def lead_disqualify(
    ctx: typer.Context,
    lead_id: LeadId,
    reason: Annotated[str, typer.Option(help="Why: no budget, wrong fit...")],
    as_json: JsonFlag = False,
) -> None:
    """Disqualify a lead, with the reason."""
    from salesfunnel.services.leads import disqualify

    app_state = state(ctx)
    with app_state.writing() as work:
        lead = disqualify(work, lead_id, reason)
        work.summary = message = f"Disqualified #{lead.id} {lead.name}: {reason.strip()}."
    if as_json:
        app_state.output.json(lead)
    else:
        app_state.output.message(message)
