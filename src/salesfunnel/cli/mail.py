"""`salesfunnel mail import FILE|-`: emails from an .eml or mbox file, logged on contacts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Emails a mail client saved, logged on contacts.")
SHOWN_UNMATCHED = 10  # addresses the summary names; the rest are counted


@app.command("import")
def mail_import(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-", help="An .eml file or an mbox (Thunderbird, procmail); - reads stdin."
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Log each email on the contacts its From, To and Cc name (by email address).

    The activity holds the subject, the date sent and the first lines; a message already
    logged (its Message-ID) is skipped; addresses no contact has are listed on stderr.
    One transaction; `undo` takes it back.
    """
    from salesfunnel.services.mail import import_mail

    app_state = state(ctx)
    with app_state.writing() as work:
        result = import_mail(work, target, stdin=getattr(sys.stdin, "buffer", None))
        said = (
            f"Logged {result.logged} email(s) on {result.contacts} contact(s) from "
            f"{result.messages} message(s)"
        )
        skipped = []
        if result.already_logged:
            skipped.append(f"{result.already_logged} already logged")
        if result.skipped_cancelled:
            skipped.append(f"{result.skipped_cancelled} on cancelled prospects")
        said += f" ({', '.join(skipped)})." if skipped else "."
        work.summary = said
    output = app_state.output
    if as_json:
        output.json(result)
    output.message(said)
    if result.contacted_leads:
        output.message(f"{result.contacted_leads} new lead(s) now contacted.")
    if result.unmatched:
        shown = ", ".join(f"{a.address} ({a.messages})" for a in result.unmatched[:SHOWN_UNMATCHED])
        more = len(result.unmatched) - SHOWN_UNMATCHED
        shown += f" and {more} more (see --json)" if more > 0 else ""
        output.message(f"Not matched to any contact: {len(result.unmatched)} address(es): {shown}.")
