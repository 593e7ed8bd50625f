"""Rows read through SQLAlchemy Core turned into Public models: the fast read path's views.

``lead`` and ``deal`` build the Public model from anything with the model's attributes,
a Core row or an ORM object, so ``services/views.py`` (the ORM side) builds them here too
and every command shows a lead or a deal the same way.  Nothing here imports SQLModel
or ``sqlalchemy.orm`` (tests/test_fast_path.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from salesfunnel.daily_schemas import DealPublic, LeadPublic
from salesfunnel.db.core import companies, contact_tags, contacts, deals
from salesfunnel.domain.pipeline import weighted

if TYPE_CHECKING:
    from sqlalchemy import Connection

# The columns `lead` and `deal` read, for a Core select.
LEAD_COLUMNS = [
    contacts.c[name]
    for name in (
        "id",
        "name",
        "email",
        "phone",
        "company_id",
        "title",
        "lead_status",
        "qualification_level",
        "source",
        "channel",
        "starred",
        "stage",
        "created_at",
    )
]
DEAL_COLUMNS = [
    deals.c[name]
    for name in (
        "id",
        "title",
        "contact_id",
        "company_id",
        "value",
        "currency",
        "stage",
        "probability",
        "expected_close",
        "status",
        "lost_reason",
        "opened_at",
        "closed_on",
    )
]


def company_names(connection: Connection, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = connection.execute(
        select(companies.c.id, companies.c.name).where(companies.c.id.in_(wanted))
    )
    return {cid: name for cid, name in rows if cid is not None}


def tags_of(connection: Connection, contact_ids: Iterable[int | None]) -> dict[int, list[str]]:
    wanted = {i for i in contact_ids if i is not None}
    tags: dict[int, list[str]] = {i: [] for i in wanted}
    if wanted:
        rows = connection.execute(
            select(contact_tags.c.contact_id, contact_tags.c.tag)
            .where(contact_tags.c.contact_id.in_(wanted))
            .order_by(contact_tags.c.tag)
        )
        for contact_id, tag in rows:
            tags[contact_id].append(tag)
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


def leads(connection: Connection, rows: Sequence[Any]) -> list[LeadPublic]:
    companies_by_id = company_names(connection, (c.company_id for c in rows))
    tags = tags_of(connection, (c.id for c in rows))
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


def deals_of(connection: Connection, rows: Sequence[Any]) -> list[DealPublic]:
    """Deals (rows of DEAL_COLUMNS) with their contact's name and company."""
    contact_ids = {d.contact_id for d in rows}
    names = (
        dict(
            connection.execute(
                select(contacts.c.id, contacts.c.name).where(contacts.c.id.in_(contact_ids))
            ).all()
        )
        if contact_ids
        else {}
    )
    companies_by_id = company_names(connection, (d.company_id for d in rows))
    return [
        deal(d, names.get(d.contact_id, ""), companies_by_id.get(d.company_id or 0)) for d in rows
    ]
