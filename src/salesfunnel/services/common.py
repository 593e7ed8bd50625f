"""What every use case needs: finding contacts, companies, recording history, paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from salesfunnel import clock
from salesfunnel.db.tables import Company, Contact, LifecycleEvent
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.settings import SETTINGS
from salesfunnel.domain.text import company_search_key
from salesfunnel.errors import BadValue, NotFound
from salesfunnel.services.localtime import user_date, user_when  # noqa: F401  (shared)
from salesfunnel.services.paging import Page  # noqa: F401  (shared)


def page_of(session: Session, query: Any, limit: int | None) -> tuple[list[Any], int]:
    """Run ``query`` for at most ``limit`` rows and count every match."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = session.exec(query if limit is None else query.limit(limit)).all()
    return list(rows), int(total)


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def require_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BadValue("a name can't be empty")
    return name


def find_contact(session: Session, ref: str, *, label: str = "contact") -> Contact:
    """A contact by numeric id, or by exact email (case-insensitive)."""
    ref = ref.strip()
    if ref.isdigit():
        contact = session.get(Contact, int(ref))
    elif "@" in ref:
        contact = session.exec(
            select(Contact).where(Contact.email_key == normalize_email(ref)).order_by(Contact.id)
        ).first()
    else:
        raise BadValue(f"{ref!r} is neither an id nor an email")
    if contact is None:
        raise NotFound(f"no {label} with id or email {ref}")
    return contact


def why_not_yet(contact: Contact) -> str:
    """Why a prospect can't be dealt with yet: convert it first, or never (cancelled)."""
    if contact.prospect_status == "cancelled":
        return "it was cancelled (do not contact)"
    return "it is a prospect (prospect convert it first)"


def get_or_create_company(session: Session, name: str | None) -> Company | None:
    name = clean_text(name)
    if name is None:
        return None
    company = session.exec(select(Company).where(Company.name == name)).first()
    if company is None:
        company = Company(name=name, search_key=company_search_key(name), created_at=clock.utcnow())
        session.add(company)
        session.flush()
    return company


def company_name(session: Session, company_id: int | None) -> str | None:
    if company_id is None:
        return None
    company = session.get(Company, company_id)
    return company.name if company else None


def record_event(
    uow: UnitOfWork,
    contact_id: int,
    entity: str,
    action: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: str | None = None,
    deal_id: int | None = None,
) -> None:
    """Every lifecycle change is kept, with its time, for the reports."""
    uow.session.add(
        LifecycleEvent(
            contact_id=contact_id,
            deal_id=deal_id,
            entity=entity,
            action=action,
            from_state=from_state,
            to_state=to_state,
            detail=detail,
            at=clock.utcnow(),
        )
    )


def parse_money(value: str | float | None, *, what: str = "value") -> float | None:
    """Amounts as a salesperson types them: 1200, 1200.50, 1,200.50 or 1.200,50."""
    if value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = _read_amount(value.strip())
    if number < 0:
        raise BadValue(f"{what} can't be negative: {value}")
    return round(number, 2)


def _read_amount(text: str) -> float:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        cleaned = cleaned.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    try:
        return float(cleaned)
    except ValueError:
        raise BadValue(f"{text!r} is not an amount (e.g. 1200 or 1200.50)") from None


def currency_of(uow: UnitOfWork, code: str | None) -> str:
    """A three-letter code checked like the deal.currency setting, which is the default."""
    if code is None:
        return uow.settings()["deal.currency"]
    return SETTINGS["deal.currency"].normalize(code)
