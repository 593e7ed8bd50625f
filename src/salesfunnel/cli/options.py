"""Options many commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

DEFAULT_LIMIT = 50  # rows a listing shows unless told otherwise


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (schema: docs/json.md).")]
LimitOption = Annotated[
    int,
    typer.Option("--limit", "-L", min=1, help=f"Show at most N rows (default {DEFAULT_LIMIT})."),
]
AllFlag = Annotated[bool, typer.Option("--all", help="Show every row, however many.")]
YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]
ForceFlag = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace the file if it exists (never the database or the command's input).",
    ),
]


def row_limit(limit: int, every: bool) -> int | None:
    return None if every else limit


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; never in a script (stdin not a terminal) or with --yes.

    The question goes to stderr, so redirected output holds data only; anything but
    y/yes stops the command (exit 1, "Aborted!"), and Ctrl-C at the prompt exits 130.
    """
    import sys

    if yes or not sys.stdin.isatty():
        return
    print(f"{question} [y/N]: ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:  # end of input: nobody said yes
        print(file=sys.stderr)
    if answer.strip().lower() not in ("y", "yes"):
        raise typer.Abort()


TeamFlag = Annotated[
    bool, typer.Option("--team", help="Everybody's records, not only your own (see: --owner).")
]
OwnerOption = Annotated[
    str | None,
    typer.Option("--owner", metavar="NAME", help="Only the records of this user (see: --team)."),
]


def team_total(shown: int, mine: bool, as_json: bool, count: Callable[[], int]) -> int:
    """How many the team has where a listing of one's own has nothing (0: no hint needed).

    Asked only then (``count``: the same listing for everybody), so that someone who
    sees "No leads." on a shared database learns that the others have some.
    """
    return count() if shown == 0 and mine and not as_json else 0


def team_hint(noun: str, user: str | None, total: int) -> str:
    return f"No {noun} of yours ({user}); {total:,} of the team's (--team)."
