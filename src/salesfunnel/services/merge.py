"""`merge KEEP OTHER`: two contacts that are one person become one, KEEP.

Everything OTHER has moves to KEEP: its deals, steps and history, purchases, tags and
the contacts it referred.  KEEP's empty fields are filled from OTHER's; where both have
an email or a phone and they differ, OTHER's is kept as an extra field (``other email``),
so nobody's address is lost.  The merged contact stands where the further of the two
stood in the funnel (domain/merging.py).  OTHER is then removed, and KEEP's history says
"merged #OTHER".  Every row is written through the unit of work, so `undo` puts both
contacts back as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesfunnel.db.records import record_event
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import email_key, phone_key
from salesfunnel.domain.lifecycle import DealStatus, LeadStatus
from salesfunnel.domain.merging import LIFECYCLE_COLUMNS, FunnelPlace, extra_name, funnel_rank
from salesfunnel.domain.text import search_key_for
from salesfunnel.errors import BadValue, InvalidTransition
from salesfunnel.services.common import company_name, find_contact

# Fields KEEP takes from OTHER when it has none, alone or as a group that goes together.
FILLED = (
    ("email", "email_key", "email_flagged"),
    ("phone", "phone_key"),
    ("company_id",),
    ("title",),
    ("website",),
    ("city",),
    ("country",),
    ("notes",),
    ("value",),
    ("list_id",),  # not its import: undo-import must never take KEEP away
    ("source", "channel"),
    ("became_lead_at",),
)
# What points at a contact and moves with the person: (table, column).
MOVED = (
    ("deals", "contact_id"),
    ("activities", "contact_id"),
    ("purchases", "contact_id"),
    ("lifecycle_events", "contact_id"),
    ("contacts", "referred_by_id"),
)


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did, for its message."""

    keep_id: int
    keep_name: str
    other_id: int
    other_name: str
    moved: dict[str, int]  # table -> rows moved to KEEP
    kept_as_extra: list[str]  # the extra fields that keep OTHER's differing values
    stage: str  # where the merged contact stands: "lead, qualified (sql)"


def describe_pair(work: Work, keep_ref: str, other_ref: str) -> tuple[str, str]:
    """Both contacts in words, for the question asked before merging."""
    keep, other = _pair(work, keep_ref, other_ref)
    return _who(work, keep), _who(work, other)


def merge_contacts(work: Work, keep_ref: str, other_ref: str) -> MergeOutcome:
    """Make OTHER part of KEEP, then remove OTHER; refuses a merge the funnel can't hold."""
    keep, other = _pair(work, keep_ref, other_ref)
    further = funnel_rank(FunnelPlace.of(other)) > funnel_rank(FunnelPlace.of(keep))
    lifecycle_from = other if further else keep
    _refuse_open_deals_of_the_disqualified(work, keep, other, lifecycle_from)
    changes = {name: getattr(lifecycle_from, name) for name in LIFECYCLE_COLUMNS}
    for group in FILLED:
        if getattr(keep, group[0]) is None and getattr(other, group[0]) is not None:
            changes.update({name: getattr(other, name) for name in group})
    changes["starred"] = keep.starred or other.starred
    if keep.referred_by_id is None and other.referred_by_id not in (None, keep.id):
        changes["referred_by_id"] = other.referred_by_id
    elif keep.referred_by_id == other.id:
        changes["referred_by_id"] = None
    touched = [t for t in (keep.last_activity_at, other.last_activity_at) if t is not None]
    changes["last_activity_at"] = max(touched) if touched else None
    extra, kept = _extra(work, keep, other, changes)
    changes["extra"] = extra or None

    merged = {**keep._asdict(), **changes}
    changes["search_key"] = search_key_for(
        merged["name"], merged["email"], merged["phone"], company_name(work, merged["company_id"])
    )
    work.update("contacts", keep.id, {k: v for k, v in changes.items() if v != getattr(keep, k)})
    moved = _move(work, keep, other)
    _merge_tags(work, keep.id, other.id)
    for row in work.rows(
        "SELECT import_id FROM import_updates WHERE contact_id = :id", {"id": other.id}
    ):  # what an import once wrote on OTHER: nothing to put back once it is gone
        work.delete("import_updates", {"import_id": row.import_id, "contact_id": other.id})
    work.delete("contacts", {"id": other.id})
    record_event(
        work,
        keep.id,
        merged["stage"],
        "merge",
        detail=f"merged #{other.id} {other.name}",
    )
    return MergeOutcome(
        keep_id=keep.id,
        keep_name=keep.name,
        other_id=other.id,
        other_name=other.name,
        moved=moved,
        kept_as_extra=kept,
        stage=_stage_words(merged),
    )


def _pair(work: Work, keep_ref: str, other_ref: str) -> tuple[Any, Any]:
    keep = find_contact(work, keep_ref)
    other = find_contact(work, other_ref)
    if keep.id == other.id:
        raise BadValue(f"#{keep.id} {keep.name} is one contact already: name two to merge")
    return keep, other


def _who(work: Work, contact: Any) -> str:
    details = [d for d in (contact.email, company_name(work, contact.company_id)) if d]
    shown = f" ({', '.join(details)})" if details else ""
    return f"#{contact.id} {contact.name}{shown}, {_stage_words(contact._asdict())}"


def _stage_words(contact: dict[str, Any]) -> str:
    """``lead, qualified (sql)``; ``prospect, cancelled``; ``customer``."""
    stage = contact["stage"]
    if stage == "prospect":
        return f"prospect, {contact['prospect_status']}"
    if stage == "lead":
        level = f" ({contact['qualification_level']})" if contact["qualification_level"] else ""
        return f"lead, {contact['lead_status']}{level}"
    return "customer, churned" if contact["churned_on"] else "customer"


def _refuse_open_deals_of_the_disqualified(
    work: Work, keep: Any, other: Any, lifecycle_from: Any
) -> None:
    """A disqualified lead has no open deal (`check` would call it impossible): merging one
    into a person with an open deal waits until that deal is closed."""
    if lifecycle_from.stage != "lead" or lifecycle_from.lead_status != LeadStatus.DISQUALIFIED:
        return
    open_deal = work.value(
        "SELECT min(id) FROM deals WHERE contact_id IN (:keep, :other) AND status = :open",
        {"keep": keep.id, "other": other.id, "open": DealStatus.OPEN},
    )
    if open_deal is not None:
        raise InvalidTransition(
            f"can't merge #{other.id} into #{keep.id}: #{lifecycle_from.id} was disqualified "
            f"and deal #{open_deal} is open; close it first (salesfunnel deal lose "
            f"{open_deal} --reason ...)"
        )


def _extra(
    work: Work, keep: Any, other: Any, changes: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """KEEP's extra fields, with OTHER's added, and OTHER's email, phone and list where
    they differ from KEEP's; returns them and the names given to OTHER's own values."""
    extra = dict(keep.extra or {})
    kept: list[str] = []

    def keep_value(base: str, value: Any) -> None:
        name = extra_name(extra, base, value)
        if name is not None:
            extra[name] = value
            kept.append(name)

    for name, value in (other.extra or {}).items():
        if name not in extra:
            extra[name] = value
        elif extra[name] != value:
            keep_value(name, value)
    email = changes.get("email", keep.email)
    if other.email and email_key(other.email) != email_key(email):
        keep_value("other email", other.email)
    phone = changes.get("phone", keep.phone)
    if other.phone and (phone_key(other.phone) or other.phone) != (phone_key(phone) or phone):
        keep_value("other phone", other.phone)
    list_id = changes.get("list_id", keep.list_id)
    if other.list_id is not None and other.list_id != list_id:
        name = work.value("SELECT name FROM prospect_lists WHERE id = :id", {"id": other.list_id})
        keep_value("other list", name)
    return extra, kept


def _move(work: Work, keep: Any, other: Any) -> dict[str, int]:
    """Every row of OTHER's moved to KEEP, one by one so that `undo` can move it back."""
    moved: dict[str, int] = {}
    for table, column in MOVED:
        ids = [
            row.id
            for row in work.rows(f"SELECT id FROM {table} WHERE {column} = :id", {"id": other.id})
            if (table, row.id) != ("contacts", keep.id)  # KEEP's own referrer: set above
        ]
        for row_id in ids:
            work.update(table, row_id, {column: keep.id})
        moved[table] = len(ids)
    return moved


def _merge_tags(work: Work, keep_id: int, other_id: int) -> None:
    owned = {
        row.tag
        for row in work.rows("SELECT tag FROM contact_tags WHERE contact_id = :id", {"id": keep_id})
    }
    for row in work.rows("SELECT tag FROM contact_tags WHERE contact_id = :id", {"id": other_id}):
        work.delete("contact_tags", {"contact_id": other_id, "tag": row.tag})
        if row.tag not in owned:
            work.insert_keyed("contact_tags", {"contact_id": keep_id, "tag": row.tag})
