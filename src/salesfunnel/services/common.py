"""What every use case needs: finding contacts and deals, companies, recording history."""

from __future__ import annotations

from typing import Any

from salesfunnel.db.work import Work
from salesfunnel.domain.fields import bounded, email_key
from salesfunnel.domain.money import currency_code
from salesfunnel.errors import BadValue, NotFound
from salesfunnel.services.localtime import user_date as user_date  # shared: re-exported
from salesfunnel.services.localtime import user_when as user_when  # shared: re-exported

MAX_ID = 2**63 - 1  # ids are SQLite's 64-bit integers: beyond, nothing can be found


def clean_text(value: str | None, what: str = "text") -> str | None:
    """Typed text as stored: trimmed, None when empty, within its field's length."""
    return bounded(value, what)


def require_name(name: str) -> str:
    checked = bounded(name, "name")
    if checked is None:
        raise BadValue("a name can't be empty")
    return checked


def find_contact(work: Work, ref: str, *, label: str = "contact") -> Any:
    """A contact row by numeric id, or by exact email (case-insensitive).

    In a write, the row is held until the command ends (``Work.locked``): a lifecycle
    transition decided on the state read here is never raced by another command.
    """
    ref = ref.strip()
    if ref.isdigit():
        contact = (
            work.row(work.locked("SELECT * FROM contacts WHERE id = :id"), {"id": int(ref)})
            if int(ref) <= MAX_ID
            else None
        )
    elif "@" in ref:
        contact = work.row(
            work.locked("SELECT * FROM contacts WHERE email_key = :key ORDER BY id LIMIT 1"),
            {"key": email_key(ref)},
        )
    else:
        raise BadValue(f"{ref!r} is neither an id nor an email")
    if contact is None:
        raise NotFound(f"no {label} with id or email {ref}")
    return contact


def contact_by_id(work: Work, contact_id: int) -> Any:
    """A contact row that must be there (a deal's or an activity's); in a write, held until
    the command ends, as :func:`find_contact` holds it (two deals of one contact won at
    once make it a customer once)."""
    return work.row(work.locked("SELECT * FROM contacts WHERE id = :id"), {"id": contact_id})


def find_deal(work: Work, deal_id: int) -> Any:
    """A deal row by id; in a write, held until the command ends (``Work.locked``)."""
    deal = (
        work.row(work.locked("SELECT * FROM deals WHERE id = :id"), {"id": deal_id})
        if 0 < deal_id <= MAX_ID
        else None
    )
    if deal is None:
        raise NotFound(f"no deal with id {deal_id}")
    return deal


def why_not_yet(contact: Any) -> str:
    """Why a prospect can't be dealt with yet: convert it first, or never (cancelled)."""
    if contact.prospect_status == "cancelled":
        return "it was cancelled (do not contact)"
    return "it is a prospect (prospect convert it first)"


def company_name(work: Work, company_id: int | None) -> str | None:
    if company_id is None:
        return None
    name = work.value("SELECT name FROM companies WHERE id = :id", {"id": company_id})
    return str(name) if name is not None else None


def currency_of(work: Work, code: str | None) -> str:
    """A three-letter code checked like the currency.default setting, which is the default."""
    if code is None:
        return work.settings()["currency.default"]
    return currency_code(code)
