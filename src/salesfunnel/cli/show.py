"""`salesfunnel show CONTACT`: any contact at any stage, with all it has."""

from __future__ import annotations

from typing import Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state


def show(
    ctx: typer.Context,
    contact: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT", help="Contact id or email.", autocompletion=complete.contact
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """A prospect, lead or customer: lists, steps, deals, purchases and history."""
    from salesfunnel.services.contacts import show_contact

    app_state = state(ctx)
    with app_state.reading() as work:
        found = show_contact(work, contact)
    if as_json:
        app_state.output.json(found)
        return
    from salesfunnel.render.records import render_contact

    render_contact(app_state.output, found)
