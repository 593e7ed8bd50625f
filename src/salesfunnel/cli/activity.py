"""`salesfunnel next | log | done | snooze`: next steps and the history of what was done.

Plain functions, mounted as top-level commands in ``cli/__init__.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesfunnel.cli import complete
from salesfunnel.cli.options import JsonFlag
from salesfunnel.cli.state import state
from salesfunnel.domain.todo import ActivityKind, StepKind

if TYPE_CHECKING:
    from salesfunnel.schemas import ActivityPublic
    from salesfunnel.services.activities import ActivityOutcome

ContactRef = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Contact id (prospect, lead, customer) or email.",
        autocompletion=complete.contact,
    ),
]
Text = Annotated[str, typer.Argument(metavar="TEXT", help="What to do, or what was done.")]
ActivityId = Annotated[
    int,
    typer.Argument(
        metavar="ACTIVITY_ID", help="Activity id (see todo).", autocompletion=complete.step
    ),
]
DealOption = Annotated[
    int | None,
    typer.Option(
        "--deal",
        metavar="ID",
        help="The contact's deal it is about (default: its only open deal, if it has one).",
        autocompletion=complete.deal,
    ),
]
WHEN_HELP = "tomorrow 14:00, fri 9:30, +3d, 2026-12-01 8am, eow..."


def _said(outcome: ActivityOutcome, message: str) -> list[str]:
    """What the command tells the user (and the undo journal keeps, as one line)."""
    lines = [message]
    if outcome.deal_chosen:
        lines.append(f"For deal {outcome.deal}, the contact's only open deal (see --deal).")
    if outcome.contacted:
        lines.append(f"Lead {outcome.contact} is now contacted.")
    if outcome.following is not None:
        step = outcome.following
        lines.append(f"Next: #{step.id} {step.kind} due {_due(step)} (every {step.every}).")
    return lines


def _due(step: ActivityPublic) -> str:
    from salesfunnel.render.todo import when

    return when(step.due_date, step.due_time)


def _report(ctx: typer.Context, outcome: ActivityOutcome, as_json: bool, lines: list[str]) -> None:
    output = state(ctx).output
    if as_json:
        output.json(outcome.activity)
        return
    for line in lines:
        output.message(line)


def _when(outcome: ActivityOutcome) -> str:
    return _due(outcome.activity)


def activity_next(
    ctx: typer.Context,
    contact: ContactRef,
    kind: Annotated[StepKind, typer.Argument(help="What kind of step.", case_sensitive=False)],
    text: Text,
    due: Annotated[str, typer.Option("--due", metavar="WHEN", help=f"When: {WHEN_HELP}")],
    deal: DealOption = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="INTERVAL",
            help="Recurring: 3d, 2w, 1m or 1y; doing it (or snoozing it past then) plans "
            "the next one.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Plan a next step: a call, email, meeting or task, due on a day (and maybe a time)."""
    from salesfunnel.services.activities import plan_step

    with state(ctx).writing() as work:
        outcome = plan_step(work, contact, kind, text, due, deal_id=deal, every=every)
        step = outcome.activity
        repeat = f", then every {step.every}" if step.every else ""
        said = _said(
            outcome,
            f"Planned #{step.id} {step.kind} with {outcome.contact}, due {_when(outcome)}{repeat}.",
        )
        work.summary = " ".join(said)
    _report(ctx, outcome, as_json, said)


def activity_log(
    ctx: typer.Context,
    contact: ContactRef,
    kind: Annotated[
        ActivityKind, typer.Argument(help="What kind of activity.", case_sensitive=False)
    ],
    text: Text,
    deal: DealOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Log an activity done just now; a new lead's first one makes it contacted."""
    from salesfunnel.services.activities import log_activity

    with state(ctx).writing() as work:
        outcome = log_activity(work, contact, kind, text, deal_id=deal)
        step = outcome.activity
        said = _said(outcome, f"Logged #{step.id} {step.kind} with {outcome.contact}.")
        work.summary = " ".join(said)
    _report(ctx, outcome, as_json, said)


def activity_done(ctx: typer.Context, activity_id: ActivityId, as_json: JsonFlag = False) -> None:
    """Mark a planned step done."""
    from salesfunnel.services.activities import complete

    with state(ctx).writing() as work:
        outcome = complete(work, activity_id)
        step = outcome.activity
        said = _said(outcome, f"Done: #{step.id} {step.kind} with {outcome.contact}: {step.text}.")
        work.summary = " ".join(said)
    _report(ctx, outcome, as_json, said)


def activity_snooze(
    ctx: typer.Context,
    activity_id: ActivityId,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="WHEN",
            help=f"New due date: {WHEN_HELP} (default: setting activity.snooze_days later).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Put a planned step off (by 7 days unless --to says when)."""
    from salesfunnel.services.activities import snooze

    with state(ctx).writing() as work:
        outcome = snooze(work, activity_id, to)
        step = outcome.activity
        said = _said(
            outcome, f"Snoozed #{step.id} {step.kind} with {outcome.contact} to {_when(outcome)}."
        )
        work.summary = " ".join(said)
    _report(ctx, outcome, as_json, said)
