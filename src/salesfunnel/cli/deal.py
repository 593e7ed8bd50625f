"""`salesfunnel deal ...` and `salesfunnel pipeline`: opportunities through the stages."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

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
from salesfunnel.domain.money import format_money
from salesfunnel.render import columns
from salesfunnel.render.listing import show_page

if TYPE_CHECKING:
    from salesfunnel.schemas import DealPublic

app = typer.Typer(help="Deals: opportunities moving through the pipeline.", no_args_is_help=True)


class DealListStatus(StrEnum):
    """What `deal list --status` takes: a deal status, or all of them."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    ALL = "all"


DealId = Annotated[int, typer.Argument(metavar="ID", help="Deal id.", autocompletion=complete.deal)]
OpenDealId = Annotated[
    int, typer.Argument(metavar="ID", help="Deal id.", autocompletion=complete.open_deal)
]


def _report(ctx: typer.Context, deal: DealPublic, as_json: bool, message: str) -> None:
    output = state(ctx).output
    if as_json:
        output.json(deal)
    else:
        output.message(message)


@app.command("open")
def deal_open(
    ctx: typer.Context,
    contact: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT_ID", help="Contact id or email.", autocompletion=complete.contact
        ),
    ],
    title: Annotated[str | None, typer.Option(help="Default: the company or contact name.")] = None,
    value: Annotated[str | None, typer.Option(help="Expected value, e.g. 12000.")] = None,
    currency: Annotated[str | None, typer.Option(help="Default: setting currency.default.")] = None,
    stage: Annotated[
        str | None, typer.Option(help="Default: the first stage.", autocompletion=complete.stage)
    ] = None,
    probability: Annotated[
        int | None, typer.Option(help="0-99 %; set by hand, it sticks across stages.")
    ] = None,
    close: Annotated[str | None, typer.Option(metavar="DATE", help="Expected close date.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a deal for a lead or customer."""
    from salesfunnel.services.deals import open_deal

    with state(ctx).writing() as work:
        deal = open_deal(
            work,
            contact,
            title=title,
            value=value,
            currency=currency,
            stage=stage,
            probability=probability,
            close=close,
        )
        work.summary = message = f"Opened deal #{deal.id} {deal.title} in {deal.stage}."
    _report(ctx, deal, as_json, message)


@app.command("move")
def deal_move(
    ctx: typer.Context,
    deal_id: OpenDealId,
    stage: Annotated[str, typer.Argument(help="Pipeline stage.", autocompletion=complete.stage)],
    as_json: JsonFlag = False,
) -> None:
    """Move an open deal to another stage."""
    from salesfunnel.services.deals import move

    with state(ctx).writing() as work:
        deal = move(work, deal_id, stage)
        work.summary = message = f"Moved deal #{deal.id} to {deal.stage} ({deal.probability}%)."
    _report(ctx, deal, as_json, message)


@app.command("win")
def deal_win(
    ctx: typer.Context,
    deal_id: OpenDealId,
    value: Annotated[str | None, typer.Option(help="Final value, if it changed.")] = None,
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Default: today.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Win a deal: its contact becomes a customer."""
    from salesfunnel.services.deals import win

    with state(ctx).writing() as work:
        deal = win(work, deal_id, value=value, on=on)
        money = format_money(deal.value, deal.currency)
        work.summary = message = f"Won deal #{deal.id} {deal.title}: {money}."
    _report(ctx, deal, as_json, message)


@app.command("lose")
def deal_lose(
    ctx: typer.Context,
    deal_id: OpenDealId,
    reason: Annotated[str, typer.Option(help="Why: price, competitor, timing...")],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Default: today.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Lose a deal, with the reason."""
    from salesfunnel.services.deals import lose

    with state(ctx).writing() as work:
        deal = lose(work, deal_id, reason, on=on)
        work.summary = message = f"Lost deal #{deal.id} {deal.title}: {reason}."
    _report(ctx, deal, as_json, message)


@app.command("assign")
def deal_assign(
    ctx: typer.Context,
    deal_id: DealId,
    user: Annotated[str, typer.Argument(metavar="USER", help="Whose the deal is from now on.")],
    as_json: JsonFlag = False,
) -> None:
    """Hand a deal over to someone else, with its planned steps."""
    from salesfunnel.services.deals import assign

    with state(ctx).writing() as work:
        deal, before, steps = assign(work, deal_id, user)
        moved = f" and {steps} planned step{'s' if steps != 1 else ''}" if steps else ""
        work.summary = message = (
            f"Handed deal #{deal.id} {deal.title}{moved} over from {before} to {deal.owner}."
        )
    _report(ctx, deal, as_json, message)


@app.command("list")
def deal_list(
    ctx: typer.Context,
    status: Annotated[
        DealListStatus, typer.Option(help="open, won, lost or all.")
    ] = DealListStatus.OPEN,
    stage: Annotated[
        str | None, typer.Option(help="Only this stage.", autocompletion=complete.stage)
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option(help="Only this contact (id or email).", autocompletion=complete.contact),
    ] = None,
    closing_before: Annotated[
        str | None, typer.Option(metavar="DATE", help="Expected to close on or before.")
    ] = None,
    closing_after: Annotated[
        str | None, typer.Option(metavar="DATE", help="Expected to close on or after.")
    ] = None,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """List deals (open ones by default), soonest expected close first (your own; --team)."""
    from salesfunnel.services.deals import list_deals
    from salesfunnel.services.owners import whose

    app_state = state(ctx)
    with app_state.reading() as work:
        owned = whose(work, team=team, owner=owner)
        page = list_deals(
            work,
            owner=owned,
            status=None if status is DealListStatus.ALL else status.value,
            stage=stage,
            contact=contact,
            closing_before=closing_before,
            closing_after=closing_after,
            limit=row_limit(limit, every),
        )
        default = not team and owner is None
        theirs = team_total(
            len(page.items),
            default,
            as_json,
            lambda: (
                list_deals(
                    work,
                    status=None if status is DealListStatus.ALL else status.value,
                    stage=stage,
                    contact=contact,
                    closing_before=closing_before,
                    closing_after=closing_after,
                    limit=1,
                ).total
            ),
        )
        others = 0
        if not page.items and status is DealListStatus.OPEN and not as_json:
            others = list_deals(
                work,
                owner=owned,
                status=None,
                stage=stage,
                contact=contact,
                closing_before=closing_before,
                closing_after=closing_after,
                limit=1,
            ).total
    if theirs and not others:
        app_state.output.message(team_hint("deals", owned, theirs))
        return
    if others:  # `deal list --all` once said only this while closed deals were there
        app_state.output.message(
            f"No open deals; {others} closed (won or lost): deal list --status all."
        )
        return
    noun = "deals" if status is DealListStatus.ALL else f"{status.value} deals"
    show_page(app_state.output, page, columns.DEAL, noun=noun, as_json=as_json)


@app.command("show")
def deal_show(ctx: typer.Context, deal_id: DealId, as_json: JsonFlag = False) -> None:
    """A deal with its next step and history."""
    from salesfunnel.services.deals import show_deal

    app_state = state(ctx)
    with app_state.reading() as work:
        deal = show_deal(work, deal_id)
    out = app_state.output
    if as_json:
        out.json(deal)
        return
    from salesfunnel.render.records import render_deal

    render_deal(out, deal)


def pipeline(
    ctx: typer.Context,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Open deals by stage: count, total and weighted value (your own; --team)."""
    from salesfunnel.render.pipeline import render_pipeline
    from salesfunnel.services.owners import whose
    from salesfunnel.services.pipeline import pipeline as pipeline_of

    app_state = state(ctx)
    with app_state.reading() as work:
        stages = pipeline_of(work, owner=whose(work, team=team, owner=owner))
    if as_json:
        app_state.output.json(stages)
    else:
        render_pipeline(app_state.output, stages)
