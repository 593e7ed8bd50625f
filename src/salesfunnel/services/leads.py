"""Leads: people who showed interest, qualified (maybe opening a deal) or disqualified."""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.records import record_event
from salesfunnel.db.rows import rows_page
from salesfunnel.db.search_index import catch_up
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import clean_tags, source_key
from salesfunnel.domain.lifecycle import (
    Channel,
    LeadStatus,
    QualificationLevel,
    Stage,
    check_level_upgrade,
    transition,
)
from salesfunnel.domain.settings import as_bool
from salesfunnel.errors import BadValue, InvalidTransition
from salesfunnel.schemas import LeadDetail, LeadPublic, Page, QualificationPublic
from salesfunnel.services import views
from salesfunnel.services.common import clean_text, company_name, find_contact
from salesfunnel.services.owners import Whose
from salesfunnel.services.prospects import new_person


def list_leads(
    work: Work,
    *,
    status: str | None = None,
    source: str | None = None,
    tag: str | None = None,
    starred: bool = False,
    level: str | None = None,
    channel: str | None = None,
    owner: Whose = None,
    limit: int | None = 50,
) -> Page[LeadPublic]:
    """Open and closed leads alike; starred first, then newest; one owner's, or all."""
    conditions = ["c.lead_status IS NOT NULL"]
    params: dict[str, Any] = {}

    def only(condition: str, **values: Any) -> None:
        conditions.append(condition)
        params.update(values)

    if status is not None:
        only("c.lead_status = :status", status=str(status))
    if source is not None:  # a lead converted before sources were kept lower-case: as typed
        only("c.source IN (:source, :typed)", source=source_key(source), typed=source.strip())
    if tag is not None:
        tagged = "SELECT contact_id FROM contact_tags WHERE tag = :tag"
        only(f"c.id IN ({tagged})", tag=tag.strip().lower())
    if starred:
        only("c.starred = :starred", starred=True)
    if level is not None:
        only("c.qualification_level = :level", level=str(level))
    if channel is not None:
        only("c.channel = :channel", channel=str(channel))
    if owner is not None:  # ix_contacts_owner_leads, in the listing's order
        only("c.owner = :owner", owner=owner)
    query = f"SELECT {views.LEAD_COLUMNS} FROM contacts AS c WHERE {' AND '.join(conditions)}"
    rows, total = rows_page(work, query, "c.starred DESC, c.id DESC", params, limit)
    return Page(views.leads(work, rows), total)


def _public(work: Work, contact_id: int) -> LeadPublic:
    row = work.row("SELECT * FROM contacts WHERE id = :id", {"id": contact_id})
    return views.leads(work, [row])[0]


def add_lead(
    work: Work,
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    source: str | None = None,
    channel: str = Channel.INBOUND,
    tags: list[str] | tuple[str, ...] = (),
    referred_by: str | None = None,
    starred: bool = False,
) -> LeadPublic:
    person = new_person(work, name, email=email, phone=phone, company=company, title=title)
    referrer = find_contact(work, referred_by) if referred_by else None
    now = clock.utcnow()
    lead_source = source_key(clean_text(source, "source"))
    contact_id = work.insert(
        "contacts",
        {
            **person,
            "stage": Stage.LEAD,
            "lead_status": LeadStatus.NEW,
            "source": lead_source,
            "channel": Channel(channel).value,
            "starred": starred,
            "referred_by_id": referrer.id if referrer else None,
            "created_at": now,
            "became_lead_at": now,
        },
    )
    for tag in clean_tags(clean_text(tag, "tag") or "" for tag in tags):
        work.insert_keyed("contact_tags", {"contact_id": contact_id, "tag": tag})
    record_event(work, contact_id, "lead", "created", to_state=LeadStatus.NEW, detail=lead_source)
    catch_up(work)
    return _public(work, contact_id)


def _lead(work: Work, ref: str) -> Any:
    contact = find_contact(work, ref, label="lead")
    if contact.lead_status is None:
        hint = (
            "it was cancelled"
            if contact.prospect_status == "cancelled"
            else "convert it first: prospect convert"
        )
        raise InvalidTransition(f"#{contact.id} {contact.name} is a prospect, not a lead ({hint})")
    return contact


def show_lead(work: Work, ref: str) -> LeadDetail:
    contact = _lead(work, ref)
    summary = views.lead(
        contact,
        company_name(work, contact.company_id),
        views.tags_of(work, [contact.id])[contact.id],
    )
    deals = work.rows(
        "SELECT * FROM deals WHERE contact_id = :id ORDER BY id DESC", {"id": contact.id}
    )
    next_step, activities, history = views.next_step_and_history(work, contact_id=contact.id)
    return LeadDetail(
        **summary.values(),
        website=contact.website,
        city=contact.city,
        country=contact.country,
        notes=contact.notes,
        referred_by=contact.referred_by_id,
        referred_by_name=views.contact_names(work, [contact.referred_by_id]).get(
            contact.referred_by_id or 0
        ),
        qualification=QualificationPublic(
            need=contact.need,
            budget=contact.budget,
            authority=contact.authority,
            timing=contact.timing,
            level=contact.qualification_level,
        ),
        disqualify_reason=contact.disqualify_reason,
        extra=contact.extra or {},
        deals=views.deals(work, deals),
        next_step=next_step,
        activities=activities,
        history=history,
    )


def qualify(
    work: Work,
    ref: str,
    *,
    need: bool | None = None,
    budget: bool | None = None,
    authority: bool | None = None,
    timing: bool | None = None,
    level: str = QualificationLevel.SQL,
    value: str | float | None = None,
    open_deal: bool = True,
) -> tuple[LeadPublic, int | None]:
    """Record why the lead qualifies; an sql lead opens a deal when the setting says so.

    Returns the lead and the id of the deal it opened, if any.
    """
    contact = _lead(work, ref)
    before = contact.lead_status or ""
    label = f"lead #{contact.id} {contact.name}"
    after = transition("lead", before, "qualify", label=label)
    if before == LeadStatus.QUALIFIED:
        check_level_upgrade(contact.qualification_level, level)
    answers = {"need": need, "budget": budget, "authority": authority, "timing": timing}
    work.update(
        "contacts",
        contact.id,
        {
            "lead_status": after,
            "qualification_level": QualificationLevel(level).value,
            **{criterion: answer for criterion, answer in answers.items() if answer is not None},
        },
    )
    record_event(
        work, contact.id, "lead", "qualify", from_state=before, to_state=after, detail=level
    )
    deal_id = None
    wants_deal = as_bool(work.settings()["automation.open_deal_on_qualify"])
    if level == QualificationLevel.SQL and open_deal and wants_deal:
        from salesfunnel.services.deals import open_deal as open_new_deal

        deal_id = open_new_deal(work, str(contact.id), value=value).id
    elif value is not None:
        raise BadValue("--value sets the value of the deal qualifying opens; no deal was opened")
    return _public(work, contact.id), deal_id


def disqualify(work: Work, ref: str, reason: str) -> LeadPublic:
    reason_text = clean_text(reason, "reason")
    if reason_text is None:
        raise BadValue("a disqualified lead needs a reason (--reason)")
    contact = _lead(work, ref)
    before = contact.lead_status or ""
    label = f"lead #{contact.id} {contact.name}"
    after = transition("lead", before, "disqualify", label=label)
    work.update("contacts", contact.id, {"lead_status": after, "disqualify_reason": reason_text})
    record_event(
        work,
        contact.id,
        "lead",
        "disqualify",
        from_state=before,
        to_state=after,
        detail=reason_text,
    )
    return _public(work, contact.id)
