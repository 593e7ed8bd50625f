"""Rows turned into Public models, in one place so every command shows the same thing.

Each function takes rows read in plain SQL (a ``SELECT *`` of the table, or the
``*_COLUMNS`` below) and reads what else the model needs (company names, tags,
contact names) in one query per kind, however many rows there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from salesfunnel.db.rows import Reader, rows_in
from salesfunnel.domain.pipeline import weighted
from salesfunnel.schemas import (
    ActivityPublic,
    DealPublic,
    EventPublic,
    LeadPublic,
    ProspectPublic,
)

# The columns `lead` and `deal` read, for a SELECT on contacts (c) or deals (d).
LEAD_COLUMNS = (
    "c.id, c.name, c.email, c.phone, c.company_id, c.title, c.lead_status, "
    "c.qualification_level, c.source, c.channel, c.starred, c.stage, c.created_at, c.owner"
)
DEAL_COLUMNS = (
    "d.id, d.title, d.contact_id, d.company_id, d.value, d.currency, d.stage, "
    "d.probability, d.expected_close, d.status, d.lost_reason, d.opened_at, d.closed_on, "
    "d.owner"
)


def company_names(reader: Reader, ids: Iterable[int | None]) -> dict[int, str]:
    rows = rows_in(
        reader,
        "SELECT id, name FROM companies WHERE id IN {values}",
        (i for i in ids if i is not None),
    )
    return {row.id: row.name for row in rows}


def contact_names(reader: Reader, ids: Iterable[int | None]) -> dict[int, str]:
    rows = rows_in(
        reader,
        "SELECT id, name FROM contacts WHERE id IN {values}",
        (i for i in ids if i is not None),
    )
    return {row.id: row.name for row in rows}


def tags_of(reader: Reader, contact_ids: Iterable[int | None]) -> dict[int, list[str]]:
    wanted = {i for i in contact_ids if i is not None}
    tags: dict[int, list[str]] = {i: [] for i in wanted}
    rows = rows_in(
        reader, "SELECT contact_id, tag FROM contact_tags WHERE contact_id IN {values}", wanted
    )
    for row in sorted(rows, key=lambda row: row.tag):
        tags[row.contact_id].append(row.tag)
    return tags


def lead(contact: Any, company: str | None, tags: list[str]) -> LeadPublic:
    """A lead from a contact row (``SELECT *`` or LEAD_COLUMNS)."""
    return LeadPublic(
        id=contact.id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        company=company,
        title=contact.title,
        status=contact.lead_status or "",
        level=contact.qualification_level,
        source=contact.source,
        channel=contact.channel,
        tags=tags,
        starred=contact.starred,
        stage=contact.stage,
        created_at=contact.created_at,
        owner=contact.owner,
    )


def leads(reader: Reader, rows: Sequence[Any]) -> list[LeadPublic]:
    companies = company_names(reader, (c.company_id for c in rows))
    tags = tags_of(reader, (c.id for c in rows))
    return [lead(c, companies.get(c.company_id or 0), tags.get(c.id, [])) for c in rows]


def prospects(reader: Reader, rows: Sequence[Any]) -> list[ProspectPublic]:
    companies = company_names(reader, (c.company_id for c in rows))
    lists = {
        row.id: row.name
        for row in rows_in(
            reader,
            "SELECT id, name FROM prospect_lists WHERE id IN {values}",
            (c.list_id for c in rows if c.list_id is not None),
        )
    }
    return [
        ProspectPublic(
            id=c.id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            company=companies.get(c.company_id or 0),
            title=c.title,
            list=lists.get(c.list_id or 0),
            status=c.prospect_status or "",
            email_flagged=c.email_flagged,
            created_at=c.created_at,
            owner=c.owner,
        )
        for c in rows
    ]


def deal(row: Any, contact: str, company: str | None) -> DealPublic:
    """A deal from a deal row (``SELECT *`` or DEAL_COLUMNS)."""
    return DealPublic(
        id=row.id,
        title=row.title,
        contact_id=row.contact_id,
        contact=contact,
        company=company,
        value=row.value,
        currency=row.currency,
        stage=row.stage,
        probability=row.probability,
        weighted_value=weighted(row.value, row.probability),
        expected_close=row.expected_close,
        status=row.status,
        lost_reason=row.lost_reason,
        opened_at=row.opened_at,
        closed_on=row.closed_on,
        owner=row.owner,
    )


def deals(reader: Reader, rows: Sequence[Any]) -> list[DealPublic]:
    """Deals with their contact's name and company."""
    names = contact_names(reader, (d.contact_id for d in rows))
    companies = company_names(reader, (d.company_id for d in rows))
    return [deal(d, names.get(d.contact_id, ""), companies.get(d.company_id or 0)) for d in rows]


def activity(row: Any) -> ActivityPublic:
    return ActivityPublic(
        id=row.id,
        contact_id=row.contact_id,
        deal_id=row.deal_id,
        kind=row.kind,
        text=row.text,
        due_date=row.due_date,
        due_time=row.due_time,
        due_at=row.due_at,
        done_at=row.done_at,
        every=row.every,
        owner=row.owner,
    )


def event(row: Any) -> EventPublic:
    return EventPublic(
        at=row.at,
        entity=row.entity,
        action=row.action,
        from_state=row.from_state,
        to_state=row.to_state,
        detail=row.detail,
        deal_id=row.deal_id,
    )


def next_step_and_history(
    reader: Reader, *, contact_id: int | None = None, deal_id: int | None = None
) -> tuple[ActivityPublic | None, list[ActivityPublic], list[EventPublic]]:
    """The earliest planned step, done activities newest first, lifecycle oldest first."""
    owner = "deal_id = :owner" if deal_id is not None else "contact_id = :owner"
    params = {"owner": deal_id if deal_id is not None else contact_id}
    planned = reader.rows(
        f"SELECT * FROM activities WHERE {owner} AND done_at IS NULL "
        "ORDER BY due_date IS NULL, due_date, due_time IS NOT NULL, due_time, id LIMIT 1",
        params,
    )
    done = reader.rows(
        f"SELECT * FROM activities WHERE {owner} AND done_at IS NOT NULL "
        "ORDER BY done_at DESC, id DESC",
        params,
    )
    history = reader.rows(f"SELECT * FROM lifecycle_events WHERE {owner} ORDER BY at, id", params)
    return (
        activity(planned[0]) if planned else None,
        [activity(a) for a in done],
        [event(e) for e in history],
    )
