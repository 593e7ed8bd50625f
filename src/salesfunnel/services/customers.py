"""Customers: status computed from purchases as of a date; purchases and churn recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from salesfunnel import clock
from salesfunnel.db.records import record_event
from salesfunnel.db.rows import rows_in
from salesfunnel.db.work import Work
from salesfunnel.domain.customers import CustomerStatus, customer_status_as_of
from salesfunnel.domain.lifecycle import Stage, transition
from salesfunnel.domain.money import parse_money
from salesfunnel.domain.settings import thresholds_from
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import CurrencyTotalPublic, CustomerPublic, Page, PurchasePublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    clean_text,
    company_name,
    currency_of,
    find_contact,
    user_date,
    why_not_yet,
)
from salesfunnel.services.deals import become_customer


def _as_of(work: Work, text: str | None) -> date:
    return user_date(work, text) or clock.today()


Summary = tuple[date, list[CurrencyTotalPublic]]  # last purchase, and sums per currency


def _purchase_summaries(
    work: Work, as_of: date, contact_ids: list[int] | None = None
) -> dict[int, Summary]:
    """Per customer: last purchase date, and count and value per currency, counting the
    purchases up to ``as_of``."""
    only = "" if contact_ids is None else " AND contact_id IN {values}"
    sql = (
        "SELECT contact_id, currency, max(purchased_on) AS last_purchase, "
        "count(*) AS purchases, sum(value) AS total "
        f"FROM purchases WHERE purchased_on <= :as_of{only} "
        "GROUP BY contact_id, currency ORDER BY contact_id, currency"
    )
    params = {"as_of": as_of}
    rows = (
        work.rows(sql, params) if contact_ids is None else rows_in(work, sql, contact_ids, params)
    )
    summaries: dict[int, Summary] = {}
    for row in rows:
        last, sums = summaries.get(row.contact_id, (row.last_purchase, []))
        sums.append(
            CurrencyTotalPublic(
                currency=row.currency,
                count=int(row.purchases),
                total_value=round(float(row.total or 0), 2),
                weighted_value=None,
            )
        )
        summaries[row.contact_id] = (max(last, row.last_purchase), sums)
    return summaries


def _public(
    work: Work,
    contact: Any,
    summary: Summary,
    as_of: date,
    company: str | None,
) -> CustomerPublic:
    last, sums = summary
    default = work.settings()["currency.default"]
    status = customer_status_as_of(
        last, as_of, thresholds_from(work.settings()), churned_on=contact.churned_on
    )
    return CustomerPublic(
        id=contact.id,
        name=contact.name,
        email=contact.email,
        company=company,
        status=status,
        as_of=as_of,
        last_purchase=last,
        days_since_purchase=(as_of - last).days,
        purchases=sum(s.count for s in sums),
        currency=default,
        purchases_value=sum(s.total_value for s in sums if s.currency == default),
        purchases_by_currency=sums,
        churned_on=contact.churned_on,
        owner=contact.owner,
    )


def list_customers(
    work: Work,
    *,
    status: str | None = None,
    as_of: str | None = None,
    owner: str | None = None,
    limit: int | None = 50,
) -> Page[CustomerPublic]:
    """Customers who had bought by the date, most recent buyers first; one owner's, or all."""
    day = _as_of(work, as_of)
    summaries = _purchase_summaries(work, day)
    contacts = rows_in(work, "SELECT * FROM contacts WHERE id IN {values}", summaries)
    if owner is not None:
        contacts = [c for c in contacts if c.owner == owner]
    companies = views.company_names(work, (c.company_id for c in contacts))
    rows = [
        _public(work, c, summaries[c.id], day, companies.get(c.company_id or 0)) for c in contacts
    ]
    if status is not None:
        rows = [r for r in rows if r.status == CustomerStatus(status)]
    rows.sort(key=lambda r: (r.days_since_purchase or 0, r.id))
    return Page(rows if limit is None else rows[:limit], len(rows))


def _customer(work: Work, ref: str) -> Any:
    contact = find_contact(work, ref, label="customer")
    if contact.stage != Stage.CUSTOMER:
        raise InvalidTransition(
            f"#{contact.id} {contact.name} is a {contact.stage}, not a customer yet "
            "(win a deal or record a purchase)"
        )
    return contact


def customer_status(work: Work, ref: str, as_of: str | None = None) -> CustomerPublic:
    contact = _customer(work, ref)
    day = _as_of(work, as_of)
    summary = _purchase_summaries(work, day, [contact.id]).get(contact.id)
    if summary is None:
        raise NotFound(f"#{contact.id} {contact.name} had bought nothing by {day.isoformat()}")
    return _public(work, contact, summary, day, company_name(work, contact.company_id))


def record_purchase(
    work: Work, ref: str, value: str, *, on: str | None = None, currency: str | None = None
) -> PurchasePublic:
    """A purchase outside any deal; a lead who buys becomes a customer."""
    contact = find_contact(work, ref, label="customer")
    if contact.stage == Stage.PROSPECT:
        raise InvalidTransition(
            f"can't record a purchase for #{contact.id} {contact.name}: {why_not_yet(contact)}"
        )
    amount = parse_money(value)
    if not amount:
        raise BadValue("a purchase needs a value above zero (--value)")
    code = currency_of(work, currency)
    day = _as_of(work, on)
    purchase_id = work.insert(
        "purchases",
        {
            "contact_id": contact.id,
            "value": amount,
            "currency": code,
            "purchased_on": day,
            "created_at": clock.utcnow(),
        },
    )
    become_customer(work, contact)
    record_event(
        work,
        contact.id,
        "customer",
        "purchase",
        detail=f"{amount:.2f} {code} on {day.isoformat()}",
    )
    return PurchasePublic(
        id=purchase_id,
        contact_id=contact.id,
        deal_id=None,
        value=amount,
        currency=code,
        purchased_on=day,
    )


def churn(work: Work, ref: str, reason: str | None = None) -> CustomerPublic:
    """Contract broken: inactive from today, whatever the purchase dates say."""
    contact = _customer(work, ref)
    today = clock.today()
    summary = _purchase_summaries(work, today, [contact.id]).get(contact.id)
    if summary is None:
        raise InvalidTransition(
            f"can't churn #{contact.id} {contact.name}: no purchase dated on or before "
            f"{today.isoformat()} yet"
        )
    churned = contact.churned_on is not None and contact.churned_on >= summary[0]
    state = "churned" if churned else "active"
    transition("customer", state, "churn", label=f"customer #{contact.id} {contact.name}")
    why = clean_text(reason, "reason")
    work.update("contacts", contact.id, {"churned_on": today, "churn_reason": why})
    record_event(
        work,
        contact.id,
        "customer",
        "churn",
        from_state=state,
        to_state="churned",
        detail=why,
    )
    churned_contact = contact._replace(churned_on=today, churn_reason=why)
    return _public(work, churned_contact, summary, today, company_name(work, contact.company_id))
