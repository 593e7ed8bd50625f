"""`salesfunnel calendar ...`: next steps in a calendar app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from salesfunnel.cli.state import state

app = typer.Typer(help="Next steps in a calendar app.", no_args_is_help=True)


@app.command("export")
def calendar_export(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE.ics", help="Where to write (- for standard output).")
    ],
) -> None:
    """Write every planned step as an iCalendar event (import it again to update)."""
    from pathlib import Path

    from salesfunnel.files import PendingFile
    from salesfunnel.services.calendar import calendar_of_steps

    app_state = state(ctx)
    # The file is opened first: a name that can't be written is refused before anything
    # is stored.
    pending = PendingFile(Path(file), binary=True) if file != "-" else None
    try:
        # The first export stores the database's identity, which must outlive any undo
        # (the events' UIDs): not a change the user undoes, so not in the journal.
        with app_state.writing(journal=False) as work:
            document, count = calendar_of_steps(work)
        if pending is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(document)
            sys.stdout.buffer.flush()
        else:
            pending.stream.write(document)
            pending.keep()
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    steps = "planned step" if count == 1 else "planned steps"
    where = "standard output" if file == "-" else file
    app_state.output.message(f"Wrote {count} {steps} to {where}.")
