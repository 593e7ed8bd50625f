"""`salesfunnel todo` and `salesfunnel digest`: what to do, on screen and for cron.

Plain functions, mounted as top-level commands in ``cli/__init__.py``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from salesfunnel.cli.options import AllFlag, JsonFlag, OwnerOption, TeamFlag, row_limit
from salesfunnel.cli.state import state

SECTION_ROWS = 10  # per section: the sections fit a screen, or a morning e-mail

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="The list for another day, from its start (default: now)."
    ),
]
SectionLimit = Annotated[
    int,
    typer.Option(
        "--limit", "-L", min=1, help=f"Show at most N items per section (default {SECTION_ROWS})."
    ),
]


class DigestFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def todo(
    ctx: typer.Context,
    as_of: AsOf = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how each item's priority adds up.")
    ] = False,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    limit: SectionLimit = SECTION_ROWS,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Due and overdue next steps by priority; leads and deals that need one.

    Sections: overdue, today, the next 7 days, open leads and deals with no next step,
    stale leads, rotting deals, customers who turned pre-inactive in the last 7 days.
    Starred contacts come first; --explain shows why each item ranks where it does.
    Your own steps, deals and contacts; --team for everybody's.
    """
    from salesfunnel.render.todo import render_todo
    from salesfunnel.services.owners import whose
    from salesfunnel.services.todo import todo_list

    app_state = state(ctx)
    with app_state.reading() as work:
        owned = whose(work, team=team, owner=owner)
        result = todo_list(work, as_of=as_of, limit=row_limit(limit, every), owner=owned)
    if as_json:
        app_state.output.json(result)
    else:
        render_todo(app_state.output, result, explain=explain)


def digest(
    ctx: typer.Context,
    as_of: AsOf = None,
    output_format: Annotated[
        DigestFormat, typer.Option("--format", help="text, markdown or json.")
    ] = DigestFormat.TEXT,
    quiet_if_empty: Annotated[
        bool,
        typer.Option("--quiet-if-empty", help="Print nothing on a day with nothing to do."),
    ] = False,
    team: TeamFlag = False,
    owner: OwnerOption = None,
    limit: SectionLimit = SECTION_ROWS,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """The to-do list for cron: plain text (or Markdown, JSON), never colour.

    Exits 0 whether or not there is anything to do; non-zero only on a real failure.
    """
    from salesfunnel.render.todo import digest_markdown, digest_text, is_empty
    from salesfunnel.services.owners import whose
    from salesfunnel.services.todo import todo_list

    app_state = state(ctx)
    with app_state.reading() as work:
        owned = whose(work, team=team, owner=owner)
        result = todo_list(work, as_of=as_of, limit=row_limit(limit, every), owner=owned)
    if quiet_if_empty and is_empty(result):
        return
    if as_json or output_format is DigestFormat.JSON:
        app_state.output.json(result)
    elif output_format is DigestFormat.MARKDOWN:
        app_state.output.text(digest_markdown(result))
    else:
        app_state.output.text(digest_text(result))
