"""Leads: people who showed interest, qualified (maybe opening a deal) or disqualified.

`lead list` is one of the daily commands that must start fast (SPEC §6), so it is here,
in plain SQL (db/reader.py), and this module imports no SQLAlchemy.  Adding,
showing, qualifying and disqualifying a lead use the ORM session: they live in
``services/lead_records.py`` and are loaded from there when first asked for by name
(``from salesfunnel.services.leads import add_lead`` works as before).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesfunnel.daily_schemas import LeadPublic
from salesfunnel.services import row_views
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
    conditions = ["c.lead_status IS NOT NULL"]
    params: dict[str, Any] = {}

    def only(condition: str, **values: Any) -> None:
        conditions.append(condition)
        params.update(values)

    if status is not None:
        only("c.lead_status = :status", status=str(status))
    if source is not None:
        only("c.source = :source", source=source.strip().lower())
    if tag is not None:
        tagged = "SELECT contact_id FROM contact_tags WHERE tag = :tag"
        only(f"c.id IN ({tagged})", tag=tag.strip().lower())
    if starred:
        only("c.starred = :starred", starred=True)
    if level is not None:
        only("c.qualification_level = :level", level=str(level))
    if channel is not None:
        only("c.channel = :channel", channel=str(channel))
    query = f"SELECT {row_views.LEAD_COLUMNS} FROM contacts AS c WHERE {' AND '.join(conditions)}"
    rows, total = rows_page(work.reader, query, "c.starred DESC, c.id DESC", params, limit)
    return Page(row_views.leads(work.reader, rows), total)
