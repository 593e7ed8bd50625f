"""Turning rows into Public models, in one place so every command shows the same thing."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from salesfunnel.db.tables import (
    Activity,
    Company,
    Contact,
    ContactTag,
    Deal,
    LifecycleEvent,
    ProspectList,
)
from salesfunnel.schemas import (
    ActivityPublic,
    DealPublic,
    EventPublic,
    LeadPublic,
    ProspectPublic,
)
from salesfunnel.services.row_views import deal, lead


def company_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Company.id, Company.name).where(col(Company.id).in_(wanted)))
    return {cid: name for cid, name in rows if cid is not None}


def tags_of(session: Session, contact_ids: Iterable[int | None]) -> dict[int, list[str]]:
    wanted = {i for i in contact_ids if i is not None}
    tags: dict[int, list[str]] = {i: [] for i in wanted}
    if wanted:
        rows = session.exec(
            select(ContactTag.contact_id, ContactTag.tag)
            .where(col(ContactTag.contact_id).in_(wanted))
            .order_by(ContactTag.tag)
        )
        for contact_id, tag in rows:
            tags[contact_id].append(tag)
    return tags


def prospects(session: Session, contacts: list[Contact]) -> list[ProspectPublic]:
    companies = company_names(session, (c.company_id for c in contacts))
    list_ids = {c.list_id for c in contacts if c.list_id is not None}
    lists = (
        dict(
            session.exec(
                select(ProspectList.id, ProspectList.name).where(col(ProspectList.id).in_(list_ids))
            ).all()
        )
        if list_ids
        else {}
    )
    return [
        ProspectPublic(
            id=c.id or 0,
            name=c.name,
            email=c.email,
            phone=c.phone,
            company=companies.get(c.company_id or 0),
            title=c.title,
            list=lists.get(c.list_id or 0),
            status=c.prospect_status or "",
            email_flagged=c.email_flagged,
            created_at=c.created_at,
        )
        for c in contacts
    ]


def leads(session: Session, contacts: list[Contact]) -> list[LeadPublic]:
    companies = company_names(session, (c.company_id for c in contacts))
    tags = tags_of(session, (c.id for c in contacts))
    return [lead(c, companies.get(c.company_id or 0), tags.get(c.id or 0, [])) for c in contacts]


def deals(session: Session, rows: list[Deal]) -> list[DealPublic]:
    contact_ids = {d.contact_id for d in rows}
    names = (
        dict(
            session.exec(
                select(Contact.id, Contact.name).where(col(Contact.id).in_(contact_ids))
            ).all()
        )
        if contact_ids
        else {}
    )
    companies = company_names(session, (d.company_id for d in rows))
    return [deal(d, names.get(d.contact_id, ""), companies.get(d.company_id or 0)) for d in rows]


def activity(row: Activity) -> ActivityPublic:
    return ActivityPublic(
        id=row.id or 0,
        contact_id=row.contact_id,
        deal_id=row.deal_id,
        kind=row.kind,
        text=row.text,
        due_date=row.due_date,
        due_time=row.due_time,
        due_at=row.due_at,
        done_at=row.done_at,
    )


def event(row: LifecycleEvent) -> EventPublic:
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
    session: Session, *, contact_id: int | None = None, deal_id: int | None = None
) -> tuple[ActivityPublic | None, list[ActivityPublic], list[EventPublic]]:
    """The earliest planned step, done activities newest first, lifecycle oldest first."""
    acts = select(Activity)
    events = select(LifecycleEvent)
    if deal_id is not None:
        acts = acts.where(Activity.deal_id == deal_id)
        events = events.where(LifecycleEvent.deal_id == deal_id)
    else:
        acts = acts.where(Activity.contact_id == contact_id)
        events = events.where(LifecycleEvent.contact_id == contact_id)
    planned = session.exec(
        acts.where(col(Activity.done_at).is_(None)).order_by(
            col(Activity.due_date).asc().nulls_last(), col(Activity.due_time).asc().nulls_first()
        )
    ).first()
    done = session.exec(
        acts.where(col(Activity.done_at).is_not(None)).order_by(col(Activity.done_at).desc())
    ).all()
    history = session.exec(events.order_by(LifecycleEvent.at, LifecycleEvent.id)).all()
    return (
        activity(planned) if planned else None,
        [activity(a) for a in done],
        [event(e) for e in history],
    )
