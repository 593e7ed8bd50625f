"""`salesfunnel calendar ...`: next steps in a calendar app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from salesfunnel.cli.options import ForceFlag
from salesfunnel.cli.state import state

app = typer.Typer(help="Next steps in a calendar app.", no_args_is_help=True)


@app.command("export")
def calendar_export(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE.ics", help="Where to write (- for standard output).")
    ],
    force: ForceFlag = False,
) -> None:
    """Write every planned step as an iCalendar event (import it again to update)."""
    from pathlib import Path

    from salesfunnel.files import checked_target, private_file
    from salesfunnel.services.calendar import calendar_of_steps

    app_state = state(ctx)
    protected = app_state.own_files()
    if file != "-":  # refused before the database is touched
        checked_target(Path(file), force=force, protected=protected)
    # A read for the user (refused on a database not made yet); the first export stores
    # the database's identity, the events' ids are made from: which must outlive any undo,
    # so it is not in the journal.
    with app_state.writing(create=False, journal=False) as work:
        document, count = calendar_of_steps(work)
    if file == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
    else:
        with private_file(Path(file), force=force, protected=protected, binary=True) as stream:
            stream.write(document)
    steps = "planned step" if count == 1 else "planned steps"
    where = "standard output" if file == "-" else file
    app_state.output.message(f"Wrote {count} {steps} to {where}.")
