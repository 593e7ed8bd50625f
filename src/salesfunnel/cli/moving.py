"""`salesfunnel copy-to URL`: the database into another, empty one (moving house)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state

BAR_FROM = 20_000  # rows: below this a copy is over before a bar would show

Advance = Callable[[str, int], None]


def copy_to(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL",
            help="Where to: postgresql+psycopg://user:password@host/name, or an SQLite file.",
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Copy this database (--db) into another, empty one: every record with its id,
    the history, settings, undo journal and import lists.

    The target is created, or brought to this version's schema, then filled in one
    transaction; a target that already holds data is refused.  This database is only
    read.
    """
    from salesfunnel.db.location import database_url
    from salesfunnel.services.moving import copy_to as copy_database

    app_state = state(ctx)
    source_url = database_url(app_state.db)
    target_url = database_url(url)
    with _bar() as progress, app_state.reading() as source:
        done = copy_database(
            source, source_url, target_url, notify=app_state.output.message, progress=progress
        )
    if as_json:
        app_state.output.json(done)
        return
    copied = ", ".join(f"{t.rows:,} {t.table.replace('_', ' ')}" for t in done.tables if t.rows)
    app_state.output.message(
        f"Copied {done.rows:,} rows into {done.target} in {done.seconds:.1f} s: "
        f"{copied or 'nothing (the database is empty)'}."
    )


@contextmanager
def _bar() -> Iterator[Callable[[int], Advance | None]]:
    """A progress bar on stderr for a big copy, only when stderr is a terminal."""
    import os

    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield lambda total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as bar:

        def start(total: int) -> Advance | None:
            if total < BAR_FROM:
                return None
            task = bar.add_task("Copying", total=total)

            def advance(table: str, rows: int) -> None:
                bar.update(task, advance=rows, description=f"Copying {table}")
                bar.refresh()

            return advance

        yield start
