"""`salesfunnel customer ...`: status from purchases, purchases, churn."""

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
    YesFlag,
    confirm,
    row_limit,
    team_hint,
    team_total,
)
from salesfunnel.cli.state import state
from salesfunnel.domain.customers import CustomerStatus
from salesfunnel.domain.money import format_money
from salesfunnel.render import columns
from salesfunnel.render.columns import customer_status_text
from salesfunnel.render.listing import show_page

app = typer.Typer(help="Customers: contacts who bought.", no_args_is_help=True)

CustomerId = Annotated[
    str,
    typer.Argument(metavar="ID", help="Customer id or email.", autocompletion=complete.customer),
]
# A lead who buys becomes a customer: a purchase is offered any contact.
BuyerId = Annotated[
    str,
    typer.Argument(metavar="ID", help="Customer id or email.", autocompletion=complete.contact),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Status as of this day (default today)."),
]


@app.command("list")
def customer_list(
    ctx: typer.Context,
    status: Annotated[CustomerStatus | None, typer.Option(help="Only this status.")] = None,
    as_of: AsOf = None,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Customers with their computed status, most recent buyers first (your own; --team)."""
    from salesfunnel.services.customers import list_customers
    from salesfunnel.services.owners import whose

    app_state = state(ctx)
    with app_state.reading() as work:
        listing = partial(list_customers, work, status=status, as_of=as_of)
        mine = whose(work, team=team, owner=owner)
        page = listing(owner=mine, limit=row_limit(limit, every))
        default = not team and owner is None
        others = team_total(len(page.items), default, as_json, lambda: listing(limit=1).total)
    if others:
        app_state.output.message(team_hint("customers", mine, others))
        return
    show_page(app_state.output, page, columns.CUSTOMER, noun="customers", as_json=as_json)


@app.command("status")
def customer_status(
    ctx: typer.Context, customer: CustomerId, as_of: AsOf = None, as_json: JsonFlag = False
) -> None:
    """One customer's status, from the days since the last purchase."""
    from salesfunnel.services.customers import customer_status as status_of

    app_state = state(ctx)
    with app_state.reading() as work:
        found = status_of(work, customer, as_of)
    if as_json:
        app_state.output.json(found)
        return
    app_state.output.line(
        f"#{found.id} {found.name}: {customer_status_text(found)} as of {found.as_of.isoformat()} "
        f"(last purchase {found.last_purchase}, {found.days_since_purchase} days ago)"
    )


@app.command("purchase")
def customer_purchase(
    ctx: typer.Context,
    customer: BuyerId,
    value: Annotated[str, typer.Option(help="Amount.")],
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Default: today.")
    ] = None,
    currency: Annotated[str | None, typer.Option(help="Default: setting currency.default.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a purchase made outside any deal (a lead who buys becomes a customer)."""
    from salesfunnel.services.customers import record_purchase

    app_state = state(ctx)
    with app_state.writing() as work:
        purchase = record_purchase(work, customer, value, on=on, currency=currency)
        work.summary = message = (
            f"Recorded a purchase of {format_money(purchase.value, purchase.currency)} "
            f"by #{purchase.contact_id} on {purchase.purchased_on.isoformat()}."
        )
    if as_json:
        app_state.output.json(purchase)
    else:
        app_state.output.message(message)


@app.command("churn")
def customer_churn(
    ctx: typer.Context,
    customer: CustomerId,
    reason: Annotated[str | None, typer.Option(help="Why the contract ended.")] = None,
    yes: YesFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Mark a customer as churned (contract broken): inactive from today."""
    from salesfunnel.services.customers import churn

    confirm(f"Mark customer {customer} as churned?", yes)
    app_state = state(ctx)
    with app_state.writing() as work:
        found = churn(work, customer, reason)
        work.summary = message = f"#{found.id} {found.name} churned: now {found.status}."
    if as_json:
        app_state.output.json(found)
    else:
        app_state.output.message(message)
