"""`salesfunnel undo [--list] [--yes]`: take back the last write command, as one unit."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from salesfunnel.cli.options import AllFlag, JsonFlag, LimitOption, YesFlag, confirm, row_limit
from salesfunnel.cli.state import AppState, state

if TYPE_CHECKING:
    from salesfunnel.db.work import Work
    from salesfunnel.schemas import UndoImportPublic


def undo(
    ctx: typer.Context,
    listing: Annotated[
        bool, typer.Option("--list", help="Show the commands undo can take back, newest first.")
    ] = False,
    yes: YesFlag = False,
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Take back the last write command as one unit, after saying what that puts back.

    Asks first on a terminal; a script passes --yes.  Undo again to take back the one
    before (the journal keeps the last 50 write commands).
    """
    app_state = state(ctx)
    if listing:
        _show_journal(app_state, row_limit(limit, every), as_json)
        return
    from salesfunnel.errors import NotConfirmed
    from salesfunnel.services.undo import last_command, undo_last

    with app_state.reading() as work:
        entry = last_command(work)
    if not yes:
        if not sys.stdin.isatty():
            raise NotConfirmed(
                f"undo asks before it changes anything: pass --yes to undo `{entry.command}`"
            )
        with app_state.writing(journal=False) as work:  # a rehearsal: says what, or refuses
            rehearsal = undo_last(work, entry, _imports)
            work.discard()
        confirm(f"Undo `{entry.command}`: {rehearsal.undone}?", yes=False)
    with app_state.writing(journal=False) as work:  # undo itself is not journaled: no redo
        result = undo_last(work, entry, _imports)
    if as_json:
        app_state.output.json(result)
    app_state.output.message(f"Undid `{result.command.command}`: {result.undone}.")


def _imports(work: Work, import_id: int, *, apply: bool) -> UndoImportPublic:
    """An import's rows, taken back as undo-import does (importing/undo.py)."""
    from salesfunnel import importing

    if apply:
        return importing.take_back_import(work, import_id)
    return importing.preview_take_back(work, import_id)


def _show_journal(app_state: AppState, limit: int | None, as_json: bool) -> None:
    from salesfunnel.render import columns
    from salesfunnel.render.listing import show_page
    from salesfunnel.services.undo import recent_commands

    with app_state.reading() as work:
        page = recent_commands(work, limit)
    show_page(app_state.output, page, columns.UNDO, noun="commands to undo", as_json=as_json)
