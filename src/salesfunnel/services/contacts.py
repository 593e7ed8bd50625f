"""`show CONTACT`: any contact, whatever its stage, with everything it has."""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import Stage
from salesfunnel.schemas import ContactDetail, PurchasePublic, QualificationPublic
from salesfunnel.services import views
from salesfunnel.services.common import company_name, find_contact


def show_contact(work: Work, ref: str) -> ContactDetail:
    """A prospect, lead or customer by id or email: lists, steps, deals, purchases, history."""
    contact = find_contact(work, ref)
    owner = {"id": contact.id}
    deals = work.rows("SELECT * FROM deals WHERE contact_id = :id ORDER BY id DESC", owner)
    purchases = work.rows(
        "SELECT * FROM purchases WHERE contact_id = :id ORDER BY purchased_on DESC, id DESC", owner
    )
    planned = work.rows(
        "SELECT * FROM activities WHERE contact_id = :id AND done_at IS NULL "
        "ORDER BY due_date IS NULL, due_date, due_time IS NOT NULL, due_time, id",
        owner,
    )
    _, activities, history = views.next_step_and_history(work, contact_id=contact.id)
    referrer = views.contact_names(work, [contact.referred_by_id]).get(contact.referred_by_id or 0)
    list_name = (
        work.value("SELECT name FROM prospect_lists WHERE id = :id", {"id": contact.list_id})
        if contact.list_id is not None
        else None
    )
    return ContactDetail(
        id=contact.id,
        name=contact.name,
        stage=contact.stage,
        status=_status(contact),
        email=contact.email,
        email_flagged=contact.email_flagged,
        phone=contact.phone,
        company=company_name(work, contact.company_id),
        title=contact.title,
        website=contact.website,
        city=contact.city,
        country=contact.country,
        notes=contact.notes,
        source=contact.source,
        channel=contact.channel,
        tags=views.tags_of(work, [contact.id])[contact.id],
        starred=contact.starred,
        list=list_name,
        cancel_reason=contact.cancel_reason,
        qualification=QualificationPublic(
            need=contact.need,
            budget=contact.budget,
            authority=contact.authority,
            timing=contact.timing,
            level=contact.qualification_level,
        ),
        disqualify_reason=contact.disqualify_reason,
        referred_by=contact.referred_by_id,
        referred_by_name=referrer,
        customer=_customer(work, contact),
        created_at=contact.created_at,
        owner=contact.owner,
        extra=contact.extra or {},
        deals=views.deals(work, deals),
        purchases=[
            PurchasePublic(
                id=p.id,
                contact_id=p.contact_id,
                deal_id=p.deal_id,
                value=p.value,
                currency=p.currency,
                purchased_on=p.purchased_on,
            )
            for p in purchases
        ],
        planned=[views.activity(a) for a in planned],
        activities=activities,
        history=history,
    )


def _status(contact: Any) -> str:
    if contact.stage == Stage.PROSPECT:
        return str(contact.prospect_status or "")
    if contact.stage == Stage.CUSTOMER and contact.churned_on is not None:
        return "churned"
    return str(contact.lead_status or contact.stage)


def _customer(work: Work, contact: Any) -> Any:
    """The customer's status as of today, when it had bought by then."""
    if contact.stage != Stage.CUSTOMER:
        return None
    from salesfunnel.errors import NotFound
    from salesfunnel.services.customers import customer_status

    try:
        return customer_status(work, str(contact.id), clock.today().isoformat())
    except NotFound:  # its purchases are all dated after today
        return None
