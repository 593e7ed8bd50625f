"""Prospects: cold contacts in prospecting lists, converted to leads or cancelled."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Contact, ProspectList
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.lifecycle import Channel, LeadStatus, ProspectStatus, Stage, transition
from salesfunnel.domain.text import phone_key, search_key_for
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import LeadPublic, ProspectListPublic, ProspectPublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    Page,
    clean_text,
    find_contact,
    get_or_create_company,
    normalize_email,
    page_of,
    record_event,
    require_name,
)
from salesfunnel.services.search import catch_up_search_index

MANUAL_LIST = "manual"  # where prospects added by hand go when no --list is given


def get_or_create_list(uow: UnitOfWork, name: str, source_file: str | None = None) -> ProspectList:
    name = require_name(name)
    found = uow.session.exec(select(ProspectList).where(ProspectList.name == name)).first()
    if found is not None:
        return found
    created = ProspectList(name=name, source_file=source_file, created_at=clock.utcnow())
    uow.session.add(created)
    uow.session.flush()
    return created


def refuse_duplicate(uow: UnitOfWork, email: str | None, phone: str | None) -> None:
    """One person, one contact: an email or phone already known is refused, whatever its state."""
    email_key, digits = normalize_email(email), phone_key(phone)
    for column, key, what in (
        (Contact.email_key, email_key, "email"),
        (Contact.phone_key, digits, "phone"),
    ):
        if key is None:
            continue
        existing = uow.session.exec(select(Contact).where(column == key)).first()
        if existing is not None:
            state = existing.prospect_status if existing.stage == Stage.PROSPECT else existing.stage
            raise BadValue(
                f"{what} {email if what == 'email' else phone} already belongs to "
                f"#{existing.id} {existing.name} ({state})"
            )


def new_person(
    uow: UnitOfWork,
    name: str,
    *,
    email: str | None,
    phone: str | None,
    company: str | None,
    title: str | None,
) -> dict[str, Any]:
    """The fields every new contact gets from what was typed, once it is known to be new."""
    refuse_duplicate(uow, email, phone)
    found = get_or_create_company(uow.session, company)
    return {
        "name": require_name(name),
        "email": clean_text(email),
        "email_key": normalize_email(email),
        "phone": clean_text(phone),
        "phone_key": phone_key(phone),
        "company_id": found.id if found else None,
        "search_key": search_key_for(name, email, phone, company),
        "title": clean_text(title),
    }


def add_prospect(
    uow: UnitOfWork,
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    list_name: str | None = None,
) -> ProspectPublic:
    person = new_person(uow, name, email=email, phone=phone, company=company, title=title)
    prospect_list = get_or_create_list(uow, list_name or MANUAL_LIST)
    contact = Contact(
        **person,
        stage=Stage.PROSPECT,
        list_id=prospect_list.id,
        prospect_status=ProspectStatus.OPEN,
        source=prospect_list.name,
        channel=Channel.OUTBOUND,
        created_at=clock.utcnow(),
    )
    uow.session.add(contact)
    uow.session.flush()
    assert contact.id is not None
    record_event(uow, contact.id, "prospect", "created", to_state=ProspectStatus.OPEN)
    catch_up_search_index(uow.session)
    return views.prospects(uow.session, [contact])[0]


def list_prospects(
    uow: UnitOfWork,
    *,
    list_name: str | None = None,
    status: str | None = None,
    limit: int | None = 50,
) -> Page[ProspectPublic]:
    query = select(Contact).where(col(Contact.prospect_status).is_not(None))
    if list_name is not None:
        found = uow.session.exec(select(ProspectList).where(ProspectList.name == list_name)).first()
        if found is None:
            raise NotFound(f"no prospecting list named {list_name!r} (see: prospect lists)")
        query = query.where(Contact.list_id == found.id)
    if status is not None:
        query = query.where(Contact.prospect_status == status)
    rows, total = page_of(uow.session, query.order_by(Contact.id), limit)
    return Page(views.prospects(uow.session, rows), total)


def list_lists(uow: UnitOfWork) -> list[ProspectListPublic]:
    def counting(status: str):  # type: ignore[no-untyped-def]
        return func.sum(case((Contact.prospect_status == status, 1), else_=0))

    rows = uow.session.exec(
        select(
            ProspectList,
            counting(ProspectStatus.OPEN),
            counting(ProspectStatus.CONVERTED),
            counting(ProspectStatus.CANCELLED),
        )
        .join(Contact, col(Contact.list_id) == ProspectList.id, isouter=True)
        .group_by(col(ProspectList.id))
        .order_by(ProspectList.created_at, ProspectList.id)
    ).all()
    return [
        ProspectListPublic(
            id=plist.id or 0,
            name=plist.name,
            open=int(o or 0),
            converted=int(v or 0),
            cancelled=int(c or 0),
            total=int((o or 0) + (v or 0) + (c or 0)),
            created_at=plist.created_at,
        )
        for plist, o, v, c in rows
    ]


def _prospect(uow: UnitOfWork, ref: str) -> Contact:
    contact = find_contact(uow.session, ref, label="prospect")
    if contact.prospect_status is None:
        raise InvalidTransition(
            f"#{contact.id} {contact.name} is not a prospect (it came in as a {contact.stage})"
        )
    return contact


def _prospects(uow: UnitOfWork, refs: list[str]) -> list[Contact]:
    """The prospects named, each once: an id and an email may name the same person."""
    found: dict[int | None, Contact] = {}
    for ref in refs:
        contact = _prospect(uow, ref)
        found.setdefault(contact.id, contact)
    return list(found.values())


def convert(uow: UnitOfWork, refs: list[str]) -> list[LeadPublic]:
    """Prospects that showed interest become leads, keeping their id; outbound channel."""
    converted: list[Contact] = []
    for contact in _prospects(uow, refs):
        label = f"prospect #{contact.id} {contact.name}"
        new_status = transition("prospect", contact.prospect_status or "", "convert", label=label)
        contact.prospect_status = new_status
        contact.stage = Stage.LEAD
        contact.lead_status = LeadStatus.NEW
        contact.became_lead_at = clock.utcnow()
        assert contact.id is not None
        record_event(uow, contact.id, "prospect", "convert", from_state="open", to_state=new_status)
        converted.append(contact)
    uow.session.flush()
    return views.leads(uow.session, converted)


def cancel(uow: UnitOfWork, refs: list[str], reason: str | None = None) -> list[ProspectPublic]:
    """Dead prospects are kept, so a re-import does not bring them back."""
    cancelled: list[Contact] = []
    for contact in _prospects(uow, refs):
        label = f"prospect #{contact.id} {contact.name}"
        new_status = transition("prospect", contact.prospect_status or "", "cancel", label=label)
        contact.prospect_status = new_status
        contact.cancel_reason = clean_text(reason)
        assert contact.id is not None
        record_event(
            uow,
            contact.id,
            "prospect",
            "cancel",
            from_state="open",
            to_state=new_status,
            detail=contact.cancel_reason,
        )
        cancelled.append(contact)
    uow.session.flush()
    return views.prospects(uow.session, cancelled)
