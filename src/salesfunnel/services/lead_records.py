"""Leads one at a time: add, show, qualify (maybe opening a deal), disqualify.

On the ORM session.  Reach these through ``salesfunnel.services.leads`` (which loads this
module when one of them is first asked for); `lead list` is there, on the fast read path.
"""

from __future__ import annotations

from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Contact, ContactTag, Deal
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.lifecycle import (
    Channel,
    LeadStatus,
    QualificationLevel,
    Stage,
    check_level_upgrade,
    transition,
)
from salesfunnel.errors import BadValue, InvalidTransition
from salesfunnel.schemas import LeadDetail, LeadPublic, QualificationPublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    clean_text,
    company_name,
    find_contact,
    record_event,
)
from salesfunnel.services.prospects import new_person
from salesfunnel.services.search import catch_up_search_index


def _tags(tags: list[str]) -> list[str]:
    return sorted({t.strip().lower() for t in tags if t.strip()})


def add_lead(
    uow: UnitOfWork,
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    source: str | None = None,
    channel: str = Channel.INBOUND,
    tags: list[str] = (),  # type: ignore[assignment]
    referred_by: str | None = None,
    starred: bool = False,
) -> LeadPublic:
    person = new_person(uow, name, email=email, phone=phone, company=company, title=title)
    referrer = find_contact(uow.session, referred_by) if referred_by else None
    now = clock.utcnow()
    contact = Contact(
        **person,
        stage=Stage.LEAD,
        lead_status=LeadStatus.NEW,
        source=clean_text(source.lower() if source else None),
        channel=Channel(channel),
        starred=starred,
        referred_by_id=referrer.id if referrer else None,
        created_at=now,
        became_lead_at=now,
    )
    uow.session.add(contact)
    uow.session.flush()
    assert contact.id is not None
    for tag in _tags(list(tags)):
        uow.session.add(ContactTag(contact_id=contact.id, tag=tag))
    record_event(uow, contact.id, "lead", "created", to_state=LeadStatus.NEW, detail=contact.source)
    catch_up_search_index(uow.session)
    return views.leads(uow.session, [contact])[0]


def _lead(uow: UnitOfWork, ref: str) -> Contact:
    contact = find_contact(uow.session, ref, label="lead")
    if contact.lead_status is None:
        hint = (
            "it was cancelled"
            if contact.prospect_status == "cancelled"
            else "convert it first: prospect convert"
        )
        raise InvalidTransition(f"#{contact.id} {contact.name} is a prospect, not a lead ({hint})")
    return contact


def show_lead(uow: UnitOfWork, ref: str) -> LeadDetail:
    contact = _lead(uow, ref)
    assert contact.id is not None
    summary = views.lead(
        contact,
        company_name(uow.session, contact.company_id),
        views.tags_of(uow.session, [contact.id])[contact.id],
    )
    deals = uow.session.exec(
        select(Deal).where(Deal.contact_id == contact.id).order_by(col(Deal.id).desc())
    ).all()
    next_step, activities, history = views.next_step_and_history(uow.session, contact_id=contact.id)
    return LeadDetail(
        **summary.model_dump(),
        website=contact.website,
        city=contact.city,
        country=contact.country,
        notes=contact.notes,
        referred_by=contact.referred_by_id,
        qualification=QualificationPublic(
            need=contact.need,
            budget=contact.budget,
            authority=contact.authority,
            timing=contact.timing,
            level=contact.qualification_level,
        ),
        disqualify_reason=contact.disqualify_reason,
        extra=contact.extra or {},
        deals=views.deals(uow.session, list(deals)),
        next_step=next_step,
        activities=activities,
        history=history,
    )


def qualify(
    uow: UnitOfWork,
    ref: str,
    *,
    need: bool | None = None,
    budget: bool | None = None,
    authority: bool | None = None,
    timing: bool | None = None,
    level: str = QualificationLevel.SQL,
    value: float | None = None,
    open_deal: bool = True,
) -> tuple[LeadPublic, int | None]:
    """Record why the lead qualifies; an sql lead opens a deal when the setting says so.

    Returns the lead and the id of the deal it opened, if any.
    """
    contact = _lead(uow, ref)
    before = contact.lead_status or ""
    label = f"lead #{contact.id} {contact.name}"
    after = transition("lead", before, "qualify", label=label)
    if before == LeadStatus.QUALIFIED:
        check_level_upgrade(contact.qualification_level, level)
    contact.lead_status = after
    contact.qualification_level = QualificationLevel(level)
    answers = {"need": need, "budget": budget, "authority": authority, "timing": timing}
    for criterion, answer in answers.items():
        if answer is not None:
            setattr(contact, criterion, answer)
    assert contact.id is not None
    record_event(
        uow, contact.id, "lead", "qualify", from_state=before, to_state=after, detail=level
    )
    deal_id = None
    wants_deal = uow.settings()["automation.open_deal_on_qualify"] == "true"
    if level == QualificationLevel.SQL and open_deal and wants_deal:
        from salesfunnel.services.deals import open_deal as open_new_deal

        deal_id = open_new_deal(uow, str(contact.id), value=value).id
    elif value is not None:
        raise BadValue("--value sets the value of the deal qualifying opens; no deal was opened")
    uow.session.flush()
    return views.leads(uow.session, [contact])[0], deal_id


def disqualify(uow: UnitOfWork, ref: str, reason: str) -> LeadPublic:
    reason_text = clean_text(reason)
    if reason_text is None:
        raise BadValue("a disqualified lead needs a reason (--reason)")
    contact = _lead(uow, ref)
    before = contact.lead_status or ""
    label = f"lead #{contact.id} {contact.name}"
    after = transition("lead", before, "disqualify", label=label)
    contact.lead_status = after
    contact.disqualify_reason = reason_text
    assert contact.id is not None
    record_event(
        uow, contact.id, "lead", "disqualify", from_state=before, to_state=after, detail=reason_text
    )
    uow.session.flush()
    return views.leads(uow.session, [contact])[0]
