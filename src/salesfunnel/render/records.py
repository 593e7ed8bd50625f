"""One record at a time: `lead show` and `deal show`, as fields, next step, deals, history."""

from __future__ import annotations

from salesfunnel.clock import local_date
from salesfunnel.domain.money import format_money
from salesfunnel.render import columns
from salesfunnel.render.output import Output
from salesfunnel.render.todo import step_summary
from salesfunnel.schemas import (
    ActivityPublic,
    ContactDetail,
    DealDetail,
    EventPublic,
    LeadDetail,
)


def render_lead(out: Output, lead: LeadDetail) -> None:
    q = lead.qualification
    criteria = ", ".join(
        name
        for name, met in (
            ("need", q.need),
            ("budget", q.budget),
            ("authority", q.authority),
            ("timing", q.timing),
        )
        if met
    )
    star = f" {columns.STAR}" if lead.starred else ""
    fields: list[tuple[str, object]] = [
        ("status", lead.status + (f" ({lead.level})" if lead.level else "")),
        ("stage", lead.stage),
        ("email", lead.email),
        ("phone", lead.phone),
        ("company", lead.company),
        ("title", lead.title),
        ("source", _source(lead.source, lead.channel)),
        ("tags", lead.tags),
        ("criteria", criteria or None),
        ("disqualified", lead.disqualify_reason),
        ("referred by", _referrer(lead.referred_by, lead.referred_by_name)),
        ("city", lead.city),
        ("country", lead.country),
        ("website", lead.website),
        ("notes", lead.notes),
        ("since", local_date(lead.created_at)),
        ("owner", lead.owner),
        *((key, value) for key, value in lead.extra.items()),
    ]
    out.record(
        f"#{lead.id} {lead.name}{star}", [(k, v) for k, v in fields if v not in (None, [], "")]
    )
    _next_step(out, lead.next_step)
    if lead.deals:
        out.heading("Deals")
        out.table(lead.deals, columns.DEAL)
    _activities_and_history(out, lead.activities, lead.history)


def render_contact(out: Output, contact: ContactDetail) -> None:
    q = contact.qualification
    criteria = ", ".join(
        name
        for name, met in (
            ("need", q.need),
            ("budget", q.budget),
            ("authority", q.authority),
            ("timing", q.timing),
        )
        if met
    )
    star = f" {columns.STAR}" if contact.starred else ""
    customer = contact.customer
    referrer = _referrer(contact.referred_by, contact.referred_by_name)
    fields: list[tuple[str, object]] = [
        # a customer's status is the computed one, on the next line, not its old lead status
        (
            "stage",
            f"{contact.stage}, {contact.status}"
            if contact.status and not customer
            else contact.stage,
        ),
        ("customer", f"{customer.status} as of {customer.as_of}" if customer else None),
        ("email", (contact.email or "") + (" (?)" if contact.email_flagged else "") or None),
        ("phone", contact.phone),
        ("company", contact.company),
        ("title", contact.title),
        ("website", contact.website),
        ("city", contact.city),
        ("country", contact.country),
        ("list", contact.list),
        ("source", _source(contact.source, contact.channel)),
        ("tags", contact.tags),
        ("level", q.level),
        ("criteria", criteria or None),
        ("cancelled", contact.cancel_reason),
        ("disqualified", contact.disqualify_reason),
        ("referred by", referrer),
        ("notes", contact.notes),
        ("since", local_date(contact.created_at)),
        ("owner", contact.owner),
        *((key, value) for key, value in contact.extra.items()),
    ]
    out.record(
        f"#{contact.id} {contact.name}{star}",
        [(k, v) for k, v in fields if v not in (None, [], "")],
    )
    out.heading("Planned steps")
    if contact.planned:
        out.table(contact.planned, columns.PLANNED)
    else:
        out.line("  none planned")
    if contact.deals:
        out.heading("Deals")
        out.table(contact.deals, columns.DEAL)
    if contact.purchases:
        out.heading("Purchases")
        out.table(contact.purchases, columns.PURCHASE)
    _activities_and_history(out, contact.activities, contact.history)


def render_deal(out: Output, deal: DealDetail) -> None:
    fields: list[tuple[str, object]] = [
        ("contact", f"{deal.contact} (#{deal.contact_id})"),
        ("company", deal.company),
        ("status", deal.status),
        ("stage", deal.stage),
        ("value", format_money(deal.value, deal.currency)),
        ("probability", f"{deal.probability}%"),
        ("weighted", format_money(deal.weighted_value, deal.currency)),
        ("expected close", deal.expected_close),
        ("closed", deal.closed_on),
        ("lost because", deal.lost_reason),
        ("opened", local_date(deal.opened_at)),
        ("owner", deal.owner),
    ]
    out.record(f"Deal #{deal.id} {deal.title}", [(k, v) for k, v in fields if v is not None])
    _next_step(out, deal.next_step)
    _activities_and_history(out, deal.activities, deal.history)


def _source(source: str | None, channel: str | None) -> str | None:
    """``webinar (inbound)``; ``(inbound)`` when the source isn't known."""
    return " ".join(filter(None, (source, f"({channel})" if channel else None))) or None


def _referrer(contact_id: int | None, name: str | None) -> str | None:
    """``Rita (#1)``: who referred the contact, by name, with the id to look them up."""
    if contact_id is None:
        return None
    return f"{name} (#{contact_id})" if name else f"#{contact_id}"


def _next_step(out: Output, step: ActivityPublic | None) -> None:
    out.heading("Next step")
    out.line(f"  {step_summary(step)}")


def _activities_and_history(
    out: Output, activities: list[ActivityPublic], history: list[EventPublic]
) -> None:
    if activities:
        out.heading("Activities")
        out.table(activities, columns.ACTIVITY)
    out.heading("History")
    out.table(history, columns.EVENT)
