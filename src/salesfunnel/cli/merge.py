"""`salesfunnel merge KEEP OTHER... [--yes]` and `merge --suggest`: one person, one contact."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import AllFlag, JsonFlag, LimitOption, YesFlag, confirm, row_limit
from salesfunnel.cli.state import AppState, state

if TYPE_CHECKING:
    from salesfunnel.services.merge import MergeOutcome


def merge(
    ctx: typer.Context,
    contacts: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEEP OTHER...",
            help="The contact that stays, then the one(s) merged into it (ids or emails).",
            show_default=False,
            autocompletion=complete.contact,
        ),
    ] = None,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest", help="List likely duplicates: same phone, or same name and company."
        ),
    ] = False,
    yes: YesFlag = False,
    limit: LimitOption = 50,
    every: AllFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Make contacts that are one person one: OTHER's deals, steps, purchases, tags and
    history move to KEEP, its email and phone are kept, OTHER is removed.

    Asks first on a terminal; off a terminal it refuses without --yes.  `undo` takes it
    back.  `merge --suggest` lists contacts that are likely one person.
    """
    app_state = state(ctx)
    refs = contacts or []
    if suggest:
        if refs:
            raise typer.BadParameter("--suggest takes no contacts", param_hint="--suggest")
        _suggest(app_state, row_limit(limit, every), as_json)
        return
    if len(refs) < 2:
        raise typer.BadParameter("name the contact to keep and at least one to merge into it")
    from salesfunnel.errors import NotConfirmed
    from salesfunnel.services.merge import describe_pair, merge_contacts

    keep, others = refs[0], refs[1:]
    if not yes:
        with app_state.reading() as work:
            pairs = [describe_pair(work, keep, other) for other in others]
        if not sys.stdin.isatty():
            raise NotConfirmed(
                "merge asks before it removes a contact: pass --yes to merge "
                + ", ".join(other for _, other in pairs)
                + f" into {pairs[0][0]}"
            )
        shown = "; ".join(other for _, other in pairs)
        confirm(f"Merge {shown} into {pairs[0][0]}, and remove the former?", yes=False)
    with app_state.writing() as work:
        outcomes = [merge_contacts(work, keep, other) for other in others]
        said = [_said(outcome) for outcome in outcomes]
        work.summary = " ".join(said)
        result = None
        if as_json:
            from salesfunnel.schemas import MergePublic
            from salesfunnel.services.contacts import show_contact

            moved: dict[str, int] = {}
            for outcome in outcomes:
                for table, count in outcome.moved.items():
                    moved[table] = moved.get(table, 0) + count
            result = MergePublic(
                contact=show_contact(work, str(outcomes[0].keep_id)),
                merged=[outcome.other_id for outcome in outcomes],
                moved=moved,
                kept_as_extra=[name for outcome in outcomes for name in outcome.kept_as_extra],
            )
    if result is not None:
        app_state.output.json(result)
    for line in said:
        app_state.output.message(line)


NOUNS = {
    "deals": ("deal", "deals"),
    "activities": ("activity", "activities"),
    "purchases": ("purchase", "purchases"),
    "lifecycle_events": ("history entry", "history entries"),
    "contacts": ("referred contact", "referred contacts"),
}


def _said(outcome: MergeOutcome) -> str:
    moved = [
        f"{count} {NOUNS[table][count != 1]}" for table, count in outcome.moved.items() if count
    ]
    moved_text = f" Moved {', '.join(moved)}." if moved else ""
    kept = f" Kept as extra: {', '.join(outcome.kept_as_extra)}." if outcome.kept_as_extra else ""
    return (
        f"Merged #{outcome.other_id} {outcome.other_name} into #{outcome.keep_id} "
        f"{outcome.keep_name} ({outcome.stage}).{moved_text}{kept}"
    )


def _suggest(app_state: AppState, limit: int | None, as_json: bool) -> None:
    from salesfunnel.services.duplicates import likely_duplicates

    with app_state.reading() as work:
        groups, more = likely_duplicates(work, limit)
    output = app_state.output
    if as_json:
        output.json(groups)
    elif not groups:
        output.message(
            "No likely duplicates: no two contacts share a phone, or a name in one company."
        )
    else:
        from salesfunnel.render.merge import render_suggestions

        render_suggestions(output, groups)
    if more:
        output.message(
            f"Showing the first {len(groups)} groups; there are more: use --limit N or --all."
        )
