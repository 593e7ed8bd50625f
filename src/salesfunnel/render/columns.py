"""The columns each listing shows, so every command draws an entity the same way."""

from __future__ import annotations

from salesfunnel.clock import local
from salesfunnel.domain.money import format_money
from salesfunnel.render.output import Column
from salesfunnel.schemas import CustomerPublic

STAR = "*"


PROSPECT = [
    Column("id", lambda p: p.id, numeric=True),
    Column("name", lambda p: p.name),
    Column("email", lambda p: (p.email or "") + (" (?)" if p.email_flagged else "")),
    Column("phone", lambda p: p.phone),
    Column("company", lambda p: p.company),
    Column("title", lambda p: p.title),
    Column("list", lambda p: p.list),
    Column("status", lambda p: p.status),
]

PROSPECT_LIST = [
    Column("id", lambda p: p.id, numeric=True),
    Column("list", lambda p: p.name),
    Column("open", lambda p: p.open, numeric=True),
    Column("converted", lambda p: p.converted, numeric=True),
    Column("cancelled", lambda p: p.cancelled, numeric=True),
    Column("as leads", lambda p: p.leads, numeric=True),
    Column("total", lambda p: p.total, numeric=True),
    Column("created", lambda p: local(p.created_at).date()),
]

LEAD = [
    Column("id", lambda lead: lead.id, numeric=True),
    Column("", lambda lead: STAR if lead.starred else ""),
    Column("name", lambda lead: lead.name, shrink=True),
    Column("email", lambda lead: lead.email),
    Column("company", lambda lead: lead.company, shrink=True, drop=2),
    Column("status", lambda lead: lead.status + (f" ({lead.level})" if lead.level else "")),
    Column("source", lambda lead: lead.source, shrink=True, drop=3),
    Column("tags", lambda lead: lead.tags, shrink=True, drop=4),
    Column("since", lambda lead: local(lead.created_at).date(), drop=1),
]

DEAL = [
    Column("id", lambda d: d.id, numeric=True),
    Column("title", lambda d: d.title, shrink=True),
    Column("contact", lambda d: f"{d.contact} (#{d.contact_id})", shrink=True),
    Column("stage", lambda d: d.stage if d.status == "open" else f"{d.status} ({d.stage})"),
    Column("value", lambda d: format_money(d.value, d.currency), numeric=True),
    Column("prob.", lambda d: f"{d.probability}%", numeric=True),
    Column("weighted", lambda d: format_money(d.weighted_value), numeric=True, drop=2),
    Column("close", lambda d: d.closed_on or d.expected_close, drop=1),
]

CUSTOMER = [
    Column("id", lambda c: c.id, numeric=True),
    Column("name", lambda c: c.name),
    Column("company", lambda c: c.company),
    Column("status", lambda c: customer_status_text(c)),
    Column("last purchase", lambda c: c.last_purchase),
    Column("days", lambda c: c.days_since_purchase, numeric=True),
    Column("purchases", lambda c: c.purchases, numeric=True),
    Column("value", lambda c: purchases_value(c), numeric=True),
]


def customer_status_text(customer: CustomerPublic) -> str:
    """``inactive (churned 2026-11-20)``: a churned customer says so."""
    churned = customer.churned_on
    if churned is not None and churned <= customer.as_of and customer.status == "inactive":
        return f"{customer.status} (churned {churned.isoformat()})"
    return customer.status


def purchases_value(customer: CustomerPublic) -> object:
    """The value bought: a number in the default currency, else a sum per currency."""
    sums = customer.purchases_by_currency
    if all(s.currency == customer.currency for s in sums):
        return customer.purchases_value
    return " + ".join(format_money(s.total_value, s.currency) for s in sums)


SETTING = [
    Column("key", lambda s: s.key),
    Column("value", lambda s: s.value),
    Column("default", lambda s: s.default),
    Column("meaning", lambda s: s.help),
]

VIEW = [
    Column("name", lambda v: v.name),
    Column("command", lambda v: v.command),
]

ACTIVITY = [
    Column("id", lambda a: a.id, numeric=True),
    Column("kind", lambda a: a.kind),
    Column("text", lambda a: a.text),
    Column(
        "when",
        lambda a: (
            local(a.done_at).date()
            if a.done_at
            else " ".join(str(x) for x in (a.due_date, a.due_time) if x is not None)
        ),
    ),
]

EVENT = [
    Column("at", lambda e: local(e.at).strftime("%Y-%m-%d %H:%M")),
    Column("what", lambda e: f"{e.entity} {e.action}"),
    Column(
        "change",
        lambda e: " -> ".join(s for s in (e.from_state, e.to_state) if s),
    ),
    Column("detail", lambda e: e.detail),
]

PLANNED = [
    Column("id", lambda a: a.id, numeric=True),
    Column("kind", lambda a: a.kind),
    Column("text", lambda a: a.text),
    Column(
        "due",
        lambda a: " ".join(
            str(x)[:5] if x == a.due_time else str(x)
            for x in (a.due_date, a.due_time)
            if x is not None
        ),
    ),
    Column("deal", lambda a: f"#{a.deal_id}" if a.deal_id else ""),
    Column("every", lambda a: a.every or ""),
]

PURCHASE = [
    Column("id", lambda p: p.id, numeric=True),
    Column("on", lambda p: p.purchased_on),
    Column("value", lambda p: format_money(p.value, p.currency), numeric=True),
    Column("deal", lambda p: f"#{p.deal_id}" if p.deal_id else ""),
]

UNDO = [
    Column("id", lambda u: u.id, numeric=True),
    Column("when", lambda u: local(u.at).strftime("%Y-%m-%d %H:%M")),
    Column("command", lambda u: u.command),
    Column(
        "what it did",
        lambda u: (u.summary or "") + ("" if u.undoable else " (undo stops here)"),
    ),
]
