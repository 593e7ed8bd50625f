"""`salesfunnel demo`: a realistic sample database, then the pipeline and the to-do list."""

from __future__ import annotations

from typing import Annotated

import typer

from salesfunnel.cli import deal, todo
from salesfunnel.cli.state import state

DEMO_SECTION_ROWS = 5  # per to-do section after `demo`: a taste, not the whole list


def demo(
    ctx: typer.Context,
    contacts: Annotated[int, typer.Option(min=20, max=5000, help="How many contacts.")] = 300,
) -> None:
    """Build a realistic sample database, then show the pipeline and the to-do list."""
    from salesfunnel.services.demo import build_demo

    app_state = state(ctx)
    with app_state.writing() as work:
        summary, notes = build_demo(work, contacts=contacts)
        work.summary = summary
    app_state.output.message(summary)
    for note in notes:
        app_state.output.message(note)
    deal.pipeline(ctx)
    app_state.output.heading("To do")
    todo.todo(ctx, limit=DEMO_SECTION_ROWS)
