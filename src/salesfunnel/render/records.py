"""One record at a time: `lead show` and `deal show`, as fields, next step, deals, history."""

from __future__ import annotations

from salesfunnel.clock import local_date
from salesfunnel.domain.money import format_money
from salesfunnel.render import columns
from salesfunnel.render.output import Output
from salesfunnel.render.todo import step_summary
from salesfunnel.schemas import ActivityPublic, DealDetail, EventPublic, LeadDetail


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
        ("source", f"{lead.source or ''} ({lead.channel})" if lead.channel else lead.source),
        ("tags", lead.tags),
        ("criteria", criteria or None),
        ("disqualified", lead.disqualify_reason),
        ("referred by", f"#{lead.referred_by}" if lead.referred_by else None),
        ("since", local_date(lead.created_at)),
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
    ]
    out.record(f"Deal #{deal.id} {deal.title}", [(k, v) for k, v in fields if v is not None])
    _next_step(out, deal.next_step)
    _activities_and_history(out, deal.activities, deal.history)


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
