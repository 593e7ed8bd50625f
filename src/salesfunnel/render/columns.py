"""The columns each listing shows, so every command draws an entity the same way."""

from __future__ import annotations

from salesfunnel.clock import local
from salesfunnel.domain.money import format_money
from salesfunnel.render.output import Column

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
    Column("total", lambda p: p.total, numeric=True),
    Column("created", lambda p: local(p.created_at).date()),
]

LEAD = [
    Column("id", lambda lead: lead.id, numeric=True),
    Column("", lambda lead: STAR if lead.starred else ""),
    Column("name", lambda lead: lead.name),
    Column("email", lambda lead: lead.email),
    Column("company", lambda lead: lead.company),
    Column("status", lambda lead: lead.status + (f" ({lead.level})" if lead.level else "")),
    Column("source", lambda lead: lead.source),
    Column("tags", lambda lead: lead.tags),
    Column("since", lambda lead: local(lead.created_at).date()),
]

DEAL = [
    Column("id", lambda d: d.id, numeric=True),
    Column("title", lambda d: d.title),
    Column("contact", lambda d: f"{d.contact} (#{d.contact_id})"),
    Column("stage", lambda d: d.stage if d.status == "open" else f"{d.status} ({d.stage})"),
    Column("value", lambda d: format_money(d.value, d.currency), numeric=True),
    Column("prob.", lambda d: f"{d.probability}%", numeric=True),
    Column("weighted", lambda d: format_money(d.weighted_value), numeric=True),
    Column("close", lambda d: d.closed_on or d.expected_close),
]

CUSTOMER = [
    Column("id", lambda c: c.id, numeric=True),
    Column("name", lambda c: c.name),
    Column("company", lambda c: c.company),
    Column("status", lambda c: c.status),
    Column("last purchase", lambda c: c.last_purchase),
    Column("days", lambda c: c.days_since_purchase, numeric=True),
    Column("purchases", lambda c: c.purchases, numeric=True),
    Column("value", lambda c: c.purchases_value, numeric=True),
]

SETTING = [
    Column("key", lambda s: s.key),
    Column("value", lambda s: s.value),
    Column("default", lambda s: s.default),
    Column("meaning", lambda s: s.help),
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

UNDO = [
    Column("id", lambda u: u.id, numeric=True),
    Column("when", lambda u: local(u.at).strftime("%Y-%m-%d %H:%M")),
    Column("command", lambda u: u.command),
    Column(
        "what it did",
        lambda u: (u.summary or "") + ("" if u.undoable else " (undo stops here)"),
    ),
]
