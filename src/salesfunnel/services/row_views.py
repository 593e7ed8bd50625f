"""Rows read in plain SQL turned into Public models: the daily commands' views.

``lead`` and ``deal`` build the Public model from anything with the model's attributes,
a row of ``LEAD_COLUMNS`` / ``DEAL_COLUMNS`` or an ORM object, so ``services/views.py``
(the ORM side) builds them here too and every command shows a lead or a deal the same
way.  Nothing here imports SQLAlchemy (tests/test_fast_path.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from salesfunnel.daily_schemas import DealPublic, LeadPublic
from salesfunnel.db.reader import Reader, rows_in
from salesfunnel.domain.pipeline import weighted

# The columns `lead` and `deal` read, for a SELECT on contacts (c) or deals (d).
LEAD_COLUMNS = (
    "c.id, c.name, c.email, c.phone, c.company_id, c.title, c.lead_status, "
    "c.qualification_level, c.source, c.channel, c.starred, c.stage, c.created_at"
)
DEAL_COLUMNS = (
    "d.id, d.title, d.contact_id, d.company_id, d.value, d.currency, d.stage, "
    "d.probability, d.expected_close, d.status, d.lost_reason, d.opened_at, d.closed_on"
)


def company_names(reader: Reader, ids: Iterable[int | None]) -> dict[int, str]:
    rows = rows_in(
        reader,
        "SELECT id, name FROM companies WHERE id IN {values}",
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
    """A lead from a contact (a row of LEAD_COLUMNS, or the ORM's Contact)."""
    return LeadPublic(
        id=contact.id or 0,
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
    )


def leads(reader: Reader, rows: Sequence[Any]) -> list[LeadPublic]:
    companies_by_id = company_names(reader, (c.company_id for c in rows))
    tags = tags_of(reader, (c.id for c in rows))
    return [lead(c, companies_by_id.get(c.company_id or 0), tags.get(c.id or 0, [])) for c in rows]


def deal(row: Any, contact: str, company: str | None) -> DealPublic:
    """A deal from a row of DEAL_COLUMNS, or the ORM's Deal."""
    return DealPublic(
        id=row.id or 0,
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
    )


def deals_of(reader: Reader, rows: Sequence[Any]) -> list[DealPublic]:
    """Deals (rows of DEAL_COLUMNS) with their contact's name and company."""
    names = {
        row.id: row.name
        for row in rows_in(
            reader,
            "SELECT id, name FROM contacts WHERE id IN {values}",
            (d.contact_id for d in rows),
        )
    }
    companies_by_id = company_names(reader, (d.company_id for d in rows))
    return [
        deal(d, names.get(d.contact_id, ""), companies_by_id.get(d.company_id or 0)) for d in rows
    ]
