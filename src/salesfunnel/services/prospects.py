"""Prospects: cold contacts in prospecting lists, converted to leads or cancelled."""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.records import get_or_create_company, get_or_create_list, record_event
from salesfunnel.db.rows import rows_in, rows_page
from salesfunnel.db.search_index import catch_up
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import email_is_valid, email_key, phone_key, source_key
from salesfunnel.domain.lifecycle import Channel, LeadStatus, ProspectStatus, Stage, transition
from salesfunnel.domain.text import search_key_for
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import LeadPublic, Page, ProspectListPublic, ProspectPublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    clean_text,
    find_contact,
    require_name,
)
from salesfunnel.services.owners import Whose

MANUAL_LIST = "manual"  # where prospects added by hand go when no --list is given


def refuse_duplicate(
    work: Work, email: str | None, phone: str | None, *, other_than: int | None = None
) -> None:
    """One person, one contact: an email or phone already known is refused, whatever its
    state (known on a contact ``other_than`` the one being edited)."""
    keys = (("email_key", email_key(email), "email"), ("phone_key", phone_key(phone), "phone"))
    for column, key, what in keys:
        if key is None:
            continue
        existing = work.row(
            f"SELECT id, name, stage, prospect_status FROM contacts WHERE {column} = :key "
            "AND id != :other_than ORDER BY id LIMIT 1",
            {"key": key, "other_than": -1 if other_than is None else other_than},
        )
        if existing is not None:
            state = existing.prospect_status if existing.stage == Stage.PROSPECT else existing.stage
            raise BadValue(
                f"{what} {email if what == 'email' else phone} already belongs to "
                f"#{existing.id} {existing.name} ({state})"
            )


def new_person(
    work: Work,
    name: str,
    *,
    email: str | None,
    phone: str | None,
    company: str | None,
    title: str | None,
) -> dict[str, Any]:
    """The fields every new contact gets from what was typed, once it is known to be new."""
    clean_text(company, "company")  # refused here when too long, before anything is written
    refuse_duplicate(work, email, phone)
    return {
        "name": require_name(name),
        "email": clean_text(email, "email"),
        "email_key": email_key(email),
        "email_flagged": bool(clean_text(email)) and not email_is_valid(clean_text(email) or ""),
        "phone": clean_text(phone, "phone"),
        "phone_key": phone_key(phone),
        "company_id": get_or_create_company(work, company),
        "search_key": search_key_for(name, email, phone, company),
        "title": clean_text(title, "title"),
    }


def _publics(work: Work, ids: list[int]) -> list[ProspectPublic]:
    rows = rows_in(work, "SELECT * FROM contacts WHERE id IN {values}", ids)
    by_id = {row.id: row for row in rows}
    return views.prospects(work, [by_id[i] for i in ids])


def add_prospect(
    work: Work,
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    list_name: str | None = None,
) -> ProspectPublic:
    person = new_person(work, name, email=email, phone=phone, company=company, title=title)
    prospect_list = get_or_create_list(work, list_name or MANUAL_LIST)
    contact_id = work.insert(
        "contacts",
        {
            **person,
            "stage": Stage.PROSPECT,
            "list_id": prospect_list.id,
            "prospect_status": ProspectStatus.OPEN,
            "source": prospect_list.name,
            "channel": Channel.OUTBOUND,
            "starred": False,
            "created_at": clock.utcnow(),
        },
    )
    record_event(work, contact_id, "prospect", "created", to_state=ProspectStatus.OPEN)
    catch_up(work)
    return _publics(work, [contact_id])[0]


def list_prospects(
    work: Work,
    *,
    list_name: str | None = None,
    status: str | None = None,
    owner: Whose = None,
    limit: int | None = 50,
) -> Page[ProspectPublic]:
    conditions = ["c.prospect_status IS NOT NULL"]
    params: dict[str, Any] = {}
    if list_name is not None:
        list_id = work.value(
            "SELECT id FROM prospect_lists WHERE name = :name", {"name": list_name}
        )
        if list_id is None:
            raise NotFound(f"no prospecting list named {list_name!r} (see: prospect lists)")
        conditions.append("c.list_id = :list_id")
        params["list_id"] = list_id
    if status is not None:
        conditions.append("c.prospect_status = :status")
        params["status"] = str(status)
    if owner is not None:
        conditions.append("c.owner = :owner")
        params["owner"] = owner
    query = f"SELECT c.* FROM contacts AS c WHERE {' AND '.join(conditions)}"
    rows, total = rows_page(work, query, "c.id", params, limit)
    return Page(views.prospects(work, rows), total)


LISTS = """
SELECT l.id, l.name, l.created_at,
       sum(CASE WHEN c.prospect_status = :open THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN c.prospect_status = :converted THEN 1 ELSE 0 END) AS converted,
       sum(CASE WHEN c.prospect_status = :cancelled THEN 1 ELSE 0 END) AS cancelled,
       sum(CASE WHEN c.id IS NOT NULL AND c.prospect_status IS NULL THEN 1 ELSE 0 END) AS leads
FROM prospect_lists AS l LEFT JOIN contacts AS c ON c.list_id = l.id
GROUP BY l.id, l.name, l.created_at
ORDER BY l.created_at, l.id
"""


def list_lists(work: Work) -> list[ProspectListPublic]:
    statuses = {
        "open": ProspectStatus.OPEN,
        "converted": ProspectStatus.CONVERTED,
        "cancelled": ProspectStatus.CANCELLED,
    }
    return [
        ProspectListPublic(
            id=row.id,
            name=row.name,
            open=int(row.open or 0),
            converted=int(row.converted or 0),
            cancelled=int(row.cancelled or 0),
            leads=int(row.leads or 0),
            total=int(
                (row.open or 0) + (row.converted or 0) + (row.cancelled or 0) + (row.leads or 0)
            ),
            created_at=row.created_at,
        )
        for row in work.rows(LISTS, statuses)
    ]


def _prospect(work: Work, ref: str) -> Any:
    contact = find_contact(work, ref, label="prospect")
    if contact.prospect_status is None:
        raise InvalidTransition(
            f"#{contact.id} {contact.name} is not a prospect (it came in as a lead"
            + ("" if contact.stage == Stage.LEAD else f" and is a {contact.stage} now")
            + ")"
        )
    return contact


def _prospects(work: Work, refs: list[str]) -> list[Any]:
    """The prospects named, each once: an id and an email may name the same person."""
    found: dict[int, Any] = {}
    for ref in refs:
        contact = _prospect(work, ref)
        found.setdefault(contact.id, contact)
    return list(found.values())


def convert(work: Work, refs: list[str]) -> list[LeadPublic]:
    """Prospects that showed interest become leads, keeping their id; outbound channel."""
    converted: list[int] = []
    for contact in _prospects(work, refs):
        label = f"prospect #{contact.id} {contact.name}"
        new_status = transition("prospect", contact.prospect_status or "", "convert", label=label)
        work.update(
            "contacts",
            contact.id,
            {
                "prospect_status": new_status,
                "stage": Stage.LEAD,
                "lead_status": LeadStatus.NEW,
                "source": source_key(contact.source),  # as a lead's: `lead list --source`
                "became_lead_at": clock.utcnow(),
            },
        )
        record_event(
            work, contact.id, "prospect", "convert", from_state="open", to_state=new_status
        )
        converted.append(contact.id)
    rows = rows_in(work, "SELECT * FROM contacts WHERE id IN {values}", converted)
    by_id = {row.id: row for row in rows}
    return views.leads(work, [by_id[i] for i in converted])


def named(work: Work, refs: list[str]) -> list[str]:
    """``#1 Ana Silva``: who the ids and emails name, each once (refusing a non-prospect)."""
    return [f"#{contact.id} {contact.name}" for contact in _prospects(work, refs)]


def cancel(work: Work, refs: list[str], reason: str | None = None) -> list[ProspectPublic]:
    """Dead prospects are kept, so a re-import does not bring them back."""
    cancelled: list[int] = []
    why = clean_text(reason, "reason")
    for contact in _prospects(work, refs):
        label = f"prospect #{contact.id} {contact.name}"
        new_status = transition("prospect", contact.prospect_status or "", "cancel", label=label)
        work.update("contacts", contact.id, {"prospect_status": new_status, "cancel_reason": why})
        record_event(
            work,
            contact.id,
            "prospect",
            "cancel",
            from_state="open",
            to_state=new_status,
            detail=why,
        )
        cancelled.append(contact.id)
    return _publics(work, cancelled)
