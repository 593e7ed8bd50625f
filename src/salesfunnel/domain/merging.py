"""Two contacts that are one person: which of their two places in the funnel the merged
contact takes, and how the other's own email and phone are kept.

"Furthest" follows the funnel's own order (domain/lifecycle.py): a prospect, then a
lead, then a customer; within a stage, the order its transitions move in.  An outcome
counts as further than the state it ends: a cancelled prospect is further than an open
one (someone decided), a disqualified lead further than a contacted one, a qualified
lead further than both (the person went on), sql further than mql.  Every transition
of ``TRANSITIONS`` moves up this order or stays (a property test holds it so), so
merging never takes a contact back to where it has already been.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from salesfunnel.domain.lifecycle import LeadStatus, ProspectStatus, QualificationLevel, Stage

STAGE_ORDER = (Stage.PROSPECT, Stage.LEAD, Stage.CUSTOMER)
PROSPECT_ORDER = (ProspectStatus.OPEN, ProspectStatus.CANCELLED, ProspectStatus.CONVERTED)
LEAD_ORDER = (
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.DISQUALIFIED,
    LeadStatus.QUALIFIED,
)
LEVEL_ORDER = (None, QualificationLevel.MQL, QualificationLevel.SQL)
# The columns that say where a contact stands: the merged contact takes them together,
# from the furthest of the two, so that they never contradict one another.
LIFECYCLE_COLUMNS = (
    "stage",
    "prospect_status",
    "cancel_reason",
    "lead_status",
    "need",
    "budget",
    "authority",
    "timing",
    "qualification_level",
    "disqualify_reason",
    "churned_on",
    "churn_reason",
)


@dataclass(frozen=True)
class FunnelPlace:
    """Where a contact stands: its stage, and the statuses that stage has."""

    stage: str
    prospect_status: str | None = None
    lead_status: str | None = None
    level: str | None = None

    @classmethod
    def of(cls, contact: Any) -> FunnelPlace:
        return cls(
            contact.stage, contact.prospect_status, contact.lead_status, contact.qualification_level
        )


def funnel_rank(place: FunnelPlace) -> tuple[int, int, int, int]:
    """A place's position in the funnel's order: compare two with ``<``."""
    return (
        _position(STAGE_ORDER, place.stage),
        _position(LEAD_ORDER, place.lead_status),
        _position(LEVEL_ORDER, place.level),
        _position(PROSPECT_ORDER, place.prospect_status),
    )


def furthest(keep: FunnelPlace, other: FunnelPlace) -> FunnelPlace:
    """The further of two places; ``keep`` when neither is further."""
    return other if funnel_rank(other) > funnel_rank(keep) else keep


def _position(order: tuple[Any, ...], value: Any) -> int:
    """Where ``value`` stands in ``order``; an unknown or missing one before them all."""
    return order.index(value) + 1 if value in order else 0


def extra_name(existing: Mapping[str, Any], base: str, value: str) -> str | None:
    """The extra field that keeps ``value`` (``other email``, ``other email 2``...), or
    None when ``existing`` already holds it under such a name."""
    name, number = base, 1
    while name in existing:
        if existing[name] == value:
            return None
        number += 1
        name = f"{base} {number}"
    return name
