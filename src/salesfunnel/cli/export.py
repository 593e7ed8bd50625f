"""`salesfunnel export contacts | deals | activities`: everything out, as CSV or JSON
(contacts also as vCard)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from salesfunnel.cli.options import ForceFlag
from salesfunnel.cli.state import state


class What(StrEnum):
    CONTACTS = "contacts"
    DEALS = "deals"
    ACTIVITIES = "activities"


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"
    VCARD = "vcard"


def export(
    ctx: typer.Context,
    what: Annotated[What, typer.Argument(metavar="WHAT", help="contacts, deals or activities.")],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="csv, json, or vcard (contacts, vCard 3.0).")
    ] = Format.CSV,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (mode 0600), not stdout."
        ),
    ] = None,
    force: ForceFlag = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV for Excel: UTF-8 with a byte-order mark.")
    ] = False,
) -> None:
    """Export every contact, deal or activity, streamed: extra fields included, and
    spreadsheet formulas neutralised (a leading ' on text that starts with = + - @)."""
    from salesfunnel.files import checked_target, private_file
    from salesfunnel.services.export import export as export_rows

    app_state = state(ctx)
    protected = app_state.own_files()
    if output is not None:  # refused before anything is read
        checked_target(output, "--output", force=force, protected=protected)
    with app_state.reading() as work:
        if output is None:
            count = export_rows(work, what, fmt, app_state.output.stdout, excel=excel)
        else:
            with private_file(output, what="--output", force=force, protected=protected) as stream:
                count = export_rows(work, what, fmt, stream, excel=excel)
    where = f" to {output}" if output is not None else ""
    app_state.output.message(f"Exported {count} {what}{where}.")
