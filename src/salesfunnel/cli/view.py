"""`salesfunnel view NAME`: run a saved listing; `view` alone lists them.

A view is a setting, ``view.NAME``, whose value is a listing's command line
(``lead list --source webinar --tag vip``).  It is checked when it is saved, as the
command line itself would be, and run here as if it had been typed, with the options
that follow NAME added to it.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import AppState, state
from salesfunnel.errors import BadValue

LIST_FLAG = "--list"


def view(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="The saved view (config set view.NAME ...).",
            autocompletion=complete.view,
        ),
    ] = None,
    extra: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[OPTIONS]...",
            help="Added to the view's command line: --limit N, --all, or its own options.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Run a saved listing: `config set view.vip "lead list --tag vip"`, then `view vip`.

    Options after NAME are added to the listing (`view vip --limit 5 --json`); its
    --json is the listing's own.  `view` alone, or `view --list`, lists the saved views.
    """
    app_state = state(ctx)
    if name is None or name == LIST_FLAG:
        if extra:
            raise typer.BadParameter("listing the views takes no other options")
        _list_views(app_state, as_json)
        return
    from salesfunnel.services.settings import view_command

    with app_state.reading() as work:
        words = view_command(work, name)
    app_state.close()
    run_listing(app_state.db, [*words, *(extra or []), *(["--json"] if as_json else [])])


view.context_settings = {"ignore_unknown_options": True}  # type: ignore[attr-defined]


def _list_views(app_state: AppState, as_json: bool) -> None:
    from salesfunnel.render import columns
    from salesfunnel.services.settings import list_views

    with app_state.reading() as work:
        views = list_views(work)
    if as_json:
        app_state.output.json(views)
    elif not views:
        app_state.output.message(
            'No saved views: `config set view.NAME "lead list --tag vip"` saves one.'
        )
    else:
        app_state.output.table(views, columns.VIEW)


def run_listing(db: str | None, words: list[str]) -> None:
    """Run the listing as if typed (its own errors, exit status and output); never returns."""
    from salesfunnel.cli import app_for

    args = [*(["--db", db] if db else []), *words]
    app_for(words)(args=args, prog_name="salesfunnel")


def check_listing(key: str, value: str) -> None:
    """Refuse a view that would not run: it must name a listing (domain/settings.py) and
    parse with that listing's options, as typed at the shell."""
    import typer.main

    from salesfunnel.cli import app_for
    from salesfunnel.domain.settings import LISTINGS, listing_words, normalize_setting

    words = listing_words(normalize_setting(key, value))
    path = next(names for names in LISTINGS if tuple(words[: len(names)]) == names)
    command: Any = typer.main.get_command(app_for(words))
    for word in path:
        command = command.commands[word]
    try:
        command.make_context(" ".join(path), words[len(path) :])
    except Exception as error:  # Click's usage errors, from either copy of Click
        message = getattr(error, "format_message", None)
        if message is None:
            raise
        raise BadValue(f"{key}: the view would not run: {' '.join(path)}: {message()}") from None
