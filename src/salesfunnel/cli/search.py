"""`salesfunnel search TEXT`: contacts, companies and deals, whatever the case or accents."""

from __future__ import annotations

from typing import Annotated

import typer

from salesfunnel.cli.options import AllFlag, JsonFlag, LimitOption, row_limit
from salesfunnel.cli.state import state


def search(
    ctx: typer.Context,
    words: Annotated[
        list[str], typer.Argument(metavar="TEXT", help="Name, email, phone or company (words).")
    ],
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Find contacts, companies and deals: `joao` finds João, `912 345 678` a phone."""
    from salesfunnel.db.search_index import index_if_far_behind
    from salesfunnel.render.reports import render_search, search_more
    from salesfunnel.services.search import search as search_for

    app_state = state(ctx)
    index_if_far_behind(app_state.driver())  # after a big import: once, then fast
    with app_state.reading() as work:
        result = search_for(work, " ".join(words), limit=row_limit(limit, every))
    if as_json:
        app_state.output.json(result)
    else:
        render_search(app_state.output, result)
    if more := search_more(result):
        app_state.output.message(more)
