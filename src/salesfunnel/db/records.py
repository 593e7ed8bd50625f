"""Rows every write finds or makes: companies and lists by name, and history events.

Shared by the use cases (services/) and the bulk import (importing/), in the command's
one unit of work.
"""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import bounded
from salesfunnel.domain.text import company_search_key
from salesfunnel.errors import BadValue


def get_or_create_company(work: Work, name: str | None) -> int | None:
    """The id of the company of that name, made if new."""
    name = (name or "").strip()
    if not name:
        return None
    found = work.value("SELECT id FROM companies WHERE name = :name", {"name": name})
    if found is not None:
        return int(found)
    return work.insert(
        "companies",
        {"name": name, "search_key": company_search_key(name), "created_at": clock.utcnow()},
    )


def get_or_create_list(work: Work, name: str, source_file: str | None = None) -> Any:
    """The prospecting list of that name (a row), made if new."""
    name = bounded(name, "list") or ""
    if not name:
        raise BadValue("a list needs a name")
    found = work.row("SELECT * FROM prospect_lists WHERE name = :name", {"name": name})
    if found is not None:
        return found
    list_id = work.insert(
        "prospect_lists",
        {"name": name, "source_file": source_file, "created_at": clock.utcnow()},
    )
    return work.row("SELECT * FROM prospect_lists WHERE id = :id", {"id": list_id})


def record_event(
    work: Work,
    contact_id: int,
    entity: str,
    action: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: str | None = None,
    deal_id: int | None = None,
) -> None:
    """Every lifecycle change is kept, with its time, for the reports."""
    work.insert(
        "lifecycle_events",
        {
            "contact_id": contact_id,
            "deal_id": deal_id,
            "entity": entity,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "detail": detail,
            "at": clock.utcnow(),
        },
    )
