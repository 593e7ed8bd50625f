"""Leads: people who showed interest, qualified (maybe opening a deal) or disqualified.

`lead list` is one of the daily commands that must start fast (SPEC §6), so it is here,
on SQLAlchemy Core alone (db/core.py), and this module imports no SQLModel.  Adding,
showing, qualifying and disqualifying a lead use the ORM session: they live in
``services/lead_records.py`` and are loaded from there when first asked for by name
(``from salesfunnel.services.leads import add_lead`` works as before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from salesfunnel.daily_schemas import LeadPublic
from salesfunnel.db.core import contact_tags, contacts
from salesfunnel.services import core_views
from salesfunnel.services.paging import Page, rows_page

if TYPE_CHECKING:
    from salesfunnel.db.uow import ReadOnlyWork, UnitOfWork

# What services/lead_records.py provides, loaded on first use (PEP 562).
_ON_THE_SESSION = ("add_lead", "show_lead", "qualify", "disqualify")


def __getattr__(name: str) -> Any:
    if name in _ON_THE_SESSION:
        from salesfunnel.services import lead_records

        return getattr(lead_records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def list_leads(
    work: ReadOnlyWork | UnitOfWork,
    *,
    status: str | None = None,
    source: str | None = None,
    tag: str | None = None,
    starred: bool = False,
    level: str | None = None,
    channel: str | None = None,
    limit: int | None = 50,
) -> Page[LeadPublic]:
    """Open and closed leads alike; starred first, then newest."""
    c = contacts.c
    query = select(*core_views.LEAD_COLUMNS).where(c.lead_status.is_not(None))
    if status is not None:
        query = query.where(c.lead_status == status)
    if source is not None:
        query = query.where(c.source == source.strip().lower())
    if tag is not None:
        tagged = select(contact_tags.c.contact_id).where(contact_tags.c.tag == tag.strip().lower())
        query = query.where(c.id.in_(tagged))
    if starred:
        query = query.where(c.starred.is_(True))
    if level is not None:
        query = query.where(c.qualification_level == level)
    if channel is not None:
        query = query.where(c.channel == channel)
    query = query.order_by(c.starred.desc(), c.id.desc())
    rows, total = rows_page(work.connection, query, limit)
    return Page(core_views.leads(work.connection, rows), total)
