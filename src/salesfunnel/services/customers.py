"""Customers: status computed from purchases as of a date; purchases and churn recorded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Contact, Purchase
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.customers import CustomerStatus, customer_status_as_of
from salesfunnel.domain.lifecycle import Stage, transition
from salesfunnel.domain.settings import thresholds_from
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import CustomerPublic, PurchasePublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    Page,
    clean_text,
    currency_of,
    find_contact,
    parse_money,
    record_event,
    user_date,
    why_not_yet,
)
from salesfunnel.services.deals import become_customer


def _as_of(uow: UnitOfWork, text: str | None) -> date:
    return user_date(uow, text) or clock.today()


def _purchase_summaries(
    uow: UnitOfWork, as_of: date, contact_ids: list[int] | None = None
) -> dict[int, tuple[date, int, float]]:
    """Per customer: last purchase date, count and value, counting purchases up to ``as_of``."""
    query = (
        select(
            Purchase.contact_id,
            func.max(Purchase.purchased_on),
            func.count(),
            func.sum(Purchase.value),
        )
        .where(col(Purchase.purchased_on) <= as_of)
        .group_by(Purchase.contact_id)
    )
    if contact_ids is not None:
        query = query.where(col(Purchase.contact_id).in_(contact_ids))
    return {
        cid: (last, int(count), float(total or 0))
        for cid, last, count, total in uow.session.exec(query)
    }


def _public(
    uow: UnitOfWork,
    contact: Contact,
    summary: tuple[date, int, float],
    as_of: date,
    company: str | None,
) -> CustomerPublic:
    last, count, total = summary
    status = customer_status_as_of(
        last, as_of, thresholds_from(uow.settings()), churned_on=contact.churned_on
    )
    return CustomerPublic(
        id=contact.id or 0,
        name=contact.name,
        email=contact.email,
        company=company,
        status=status,
        as_of=as_of,
        last_purchase=last,
        days_since_purchase=(as_of - last).days,
        purchases=count,
        purchases_value=round(total, 2),
        churned_on=contact.churned_on,
    )


def list_customers(
    uow: UnitOfWork,
    *,
    status: str | None = None,
    as_of: str | None = None,
    limit: int | None = 50,
) -> Page[CustomerPublic]:
    """Customers who had bought by the date, most recent buyers first."""
    day = _as_of(uow, as_of)
    summaries = _purchase_summaries(uow, day)
    contacts = uow.session.exec(select(Contact).where(col(Contact.id).in_(list(summaries)))).all()
    companies = views.company_names(uow.session, (c.company_id for c in contacts))
    rows = [
        _public(uow, c, summaries[c.id or 0], day, companies.get(c.company_id or 0))
        for c in contacts
    ]
    if status is not None:
        rows = [r for r in rows if r.status == CustomerStatus(status)]
    rows.sort(key=lambda r: (r.days_since_purchase or 0, r.id))
    return Page(rows if limit is None else rows[:limit], len(rows))


def _customer(uow: UnitOfWork, ref: str) -> Contact:
    contact = find_contact(uow.session, ref, label="customer")
    if contact.stage != Stage.CUSTOMER:
        raise InvalidTransition(
            f"#{contact.id} {contact.name} is a {contact.stage}, not a customer yet "
            "(win a deal or record a purchase)"
        )
    return contact


def customer_status(uow: UnitOfWork, ref: str, as_of: str | None = None) -> CustomerPublic:
    contact = _customer(uow, ref)
    day = _as_of(uow, as_of)
    summary = _purchase_summaries(uow, day, [contact.id or 0]).get(contact.id or 0)
    if summary is None:
        raise NotFound(f"#{contact.id} {contact.name} had bought nothing by {day.isoformat()}")
    company = views.company_names(uow.session, [contact.company_id]).get(contact.company_id or 0)
    return _public(uow, contact, summary, day, company)


def record_purchase(
    uow: UnitOfWork, ref: str, value: str, *, on: str | None = None, currency: str | None = None
) -> PurchasePublic:
    """A purchase outside any deal; a lead who buys becomes a customer."""
    contact = find_contact(uow.session, ref, label="customer")
    if contact.stage == Stage.PROSPECT:
        raise InvalidTransition(
            f"can't record a purchase for #{contact.id} {contact.name}: {why_not_yet(contact)}"
        )
    amount = parse_money(value)
    if not amount:
        raise BadValue("a purchase needs a value above zero (--value)")
    purchase = Purchase(
        contact_id=contact.id or 0,
        value=amount,
        currency=currency_of(uow, currency),
        purchased_on=_as_of(uow, on),
        created_at=clock.utcnow(),
    )
    uow.session.add(purchase)
    become_customer(uow, contact)
    uow.session.flush()
    record_event(
        uow,
        purchase.contact_id,
        "customer",
        "purchase",
        detail=f"{amount:.2f} {purchase.currency} on {purchase.purchased_on.isoformat()}",
    )
    return PurchasePublic(
        id=purchase.id or 0,
        contact_id=purchase.contact_id,
        deal_id=None,
        value=purchase.value,
        currency=purchase.currency,
        purchased_on=purchase.purchased_on,
    )


def churn(uow: UnitOfWork, ref: str, reason: str | None = None) -> CustomerPublic:
    """Contract broken: inactive from today, whatever the purchase dates say."""
    contact = _customer(uow, ref)
    today = clock.today()
    summary = _purchase_summaries(uow, today, [contact.id or 0]).get(contact.id or 0)
    if summary is None:
        raise InvalidTransition(
            f"can't churn #{contact.id} {contact.name}: no purchase dated on or before "
            f"{today.isoformat()} yet"
        )
    churned = contact.churned_on is not None and contact.churned_on >= summary[0]
    state = "churned" if churned else "active"
    transition("customer", state, "churn", label=f"customer #{contact.id} {contact.name}")
    contact.churned_on = today
    contact.churn_reason = clean_text(reason)
    record_event(
        uow,
        contact.id or 0,
        "customer",
        "churn",
        from_state=state,
        to_state="churned",
        detail=contact.churn_reason,
    )
    uow.session.flush()
    company = views.company_names(uow.session, [contact.company_id]).get(contact.company_id or 0)
    return _public(uow, contact, summary, today, company)
