"""The funnel's rulebook: which action moves which entity from which state.

The table is data, so the docs (docs/lifecycle.md) are generated from it and
every refusal can say why.  Nothing here knows about storage or the CLI.
"""

from __future__ import annotations

from enum import StrEnum

from salesfunnel.errors import InvalidTransition


class Stage(StrEnum):
    """Where a contact stands in the funnel; it only ever moves right."""

    PROSPECT = "prospect"
    LEAD = "lead"
    CUSTOMER = "customer"


class ProspectStatus(StrEnum):
    OPEN = "open"
    CONVERTED = "converted"
    CANCELLED = "cancelled"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


class QualificationLevel(StrEnum):
    MQL = "mql"
    SQL = "sql"


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Channel(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


# (entity, current state, action) -> new state.  A missing key is a refusal.
TRANSITIONS: dict[tuple[str, str, str], str] = {
    ("prospect", "open", "convert"): "converted",
    ("prospect", "open", "cancel"): "cancelled",
    ("lead", "new", "contact"): "contacted",
    ("lead", "new", "qualify"): "qualified",
    ("lead", "contacted", "qualify"): "qualified",
    ("lead", "qualified", "qualify"): "qualified",  # mql -> sql; never down
    ("lead", "new", "disqualify"): "disqualified",
    ("lead", "contacted", "disqualify"): "disqualified",
    ("deal", "open", "move"): "open",
    ("deal", "open", "win"): "won",
    ("deal", "open", "lose"): "lost",
    ("customer", "active", "churn"): "churned",
}

# Why an action is refused from a state, when the table has no entry for it.
_FINAL_STATES = {
    ("prospect", "converted"): "it is already a lead",
    ("prospect", "cancelled"): "it was cancelled (do not contact)",
    ("lead", "qualified"): "it is already qualified",
    ("lead", "disqualified"): "it was disqualified",
    ("deal", "won"): "it was won",
    ("deal", "lost"): "it was lost",
    ("customer", "churned"): "it has already churned",
}


def transition(entity: str, state: str, action: str, *, label: str | None = None) -> str:
    """The state after ``action``, or :class:`InvalidTransition` saying why not."""
    try:
        return TRANSITIONS[(entity, state, action)]
    except KeyError:
        pass
    who = label or entity
    reason = _FINAL_STATES.get((entity, state), f"it is {state}")
    allowed = sorted(a for (e, s, a) in TRANSITIONS if e == entity and s == state)
    hint = f"; from {state} you can: {', '.join(allowed)}" if allowed else ""
    raise InvalidTransition(f"can't {action} {who}: {reason}{hint}")


def check_level_upgrade(current: str | None, requested: str) -> None:
    """A qualified lead may go from mql to sql, never back down."""
    order = [QualificationLevel.MQL, QualificationLevel.SQL]
    if current is not None and order.index(QualificationLevel(requested)) < order.index(
        QualificationLevel(current)
    ):
        raise InvalidTransition(f"can't qualify as {requested}: already qualified as {current}")
    if current == requested:
        raise InvalidTransition(f"can't qualify: already qualified as {current}")


def transitions_markdown() -> str:
    """The rulebook as a Markdown table, for docs/lifecycle.md."""
    lines = ["| entity | from | action | to |", "| --- | --- | --- | --- |"]
    for (entity, state, action), new in TRANSITIONS.items():
        lines.append(f"| {entity} | {state} | `{action}` | {new} |")
    return "\n".join(lines)
