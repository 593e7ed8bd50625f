"""`edit CONTACT` and `edit deal ID`: a record as a text form, and the form saved back.

The form holds what a user types about a record (domain/forms.py); where the record
stands in the funnel (a contact's stage and status, a deal's status) moves with its
own commands, and a deal's stage follows the rule of `deal move`.  What was saved is
checked with the rules every command uses and written as one command, so `undo` takes
the whole edit back.  A record that changed while its form was open is not written
over: the edit is refused (:class:`ChangedMeanwhile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesfunnel.db.records import get_or_create_company
from salesfunnel.db.search_index import catch_up
from salesfunnel.db.work import Work
from salesfunnel.domain.fields import (
    bounded,
    clean_tags,
    email_is_valid,
    email_key,
    phone_key,
    source_key,
    split_tags,
)
from salesfunnel.domain.forms import form_text, yes_no, yes_or_no
from salesfunnel.domain.lifecycle import DealStatus, Stage
from salesfunnel.domain.money import currency_code, parse_money
from salesfunnel.domain.pipeline import find_stage, validate_probability
from salesfunnel.domain.text import deal_search_key, search_key_for
from salesfunnel.errors import BadValue, ChangedMeanwhile, InvalidTransition, NotFound
from salesfunnel.services import views
from salesfunnel.services.common import company_name, find_contact, find_deal, user_date
from salesfunnel.services.deals import pipeline_stages, stage_move
from salesfunnel.services.prospects import refuse_duplicate

CONTACT = "contact"
DEAL = "deal"
CONTACT_FIELDS = (
    "Name",
    "Email",
    "Phone",
    "Company",
    "Title",
    "Website",
    "City",
    "Country",
    "Source",
    "Tags",
    "Notes",
    "Starred",
)
DEAL_FIELDS = ("Title", "Value", "Currency", "Stage", "Probability", "Close")
_HOW = (
    "Change the values after the colons and save; an empty value clears the field.",
    "A value of several lines goes on lines indented by two spaces under its field.",
    "Lines starting with # are left out. Save an empty file to call the edit off.",
)


@dataclass(frozen=True)
class Form:
    """A record as its form shows it, and where it stood when the form was made."""

    kind: str  # contact | deal
    record_id: int
    label: str  # "lead #3 Ana Silva", "deal #2 Acme renewal"
    heading: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    state: str  # where it stands in the funnel: a change there is a change meanwhile

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.fields)

    @property
    def values(self) -> dict[str, str]:
        return dict(self.fields)

    @property
    def text(self) -> str:
        return form_text(self.heading, self.fields)


# --- contacts ----------------------------------------------------------------------------


def contact_form(work: Work, ref: str) -> Form:
    return _contact_form(work, find_contact(work, ref))


def _contact_form(work: Work, contact: Any) -> Form:
    tags = views.tags_of(work, [contact.id])[contact.id]
    fields = (
        ("Name", contact.name),
        ("Email", contact.email or ""),
        ("Phone", contact.phone or ""),
        ("Company", company_name(work, contact.company_id) or ""),
        ("Title", contact.title or ""),
        ("Website", contact.website or ""),
        ("City", contact.city or ""),
        ("Country", contact.country or ""),
        ("Source", contact.source or ""),
        ("Tags", ", ".join(tags)),
        ("Notes", contact.notes or ""),
        ("Starred", yes_no(bool(contact.starred))),
    )
    state = _contact_state(contact)
    label = f"{contact.stage} #{contact.id} {contact.name}"
    heading = (
        f"Editing #{contact.id} {contact.name} ({state}).",
        *_HOW,
        "Tags: separated by commas. Starred: yes or no.",
        "Where the contact stands in the funnel changes with its commands, not here.",
    )
    return Form(CONTACT, contact.id, label, heading, fields, state)


def _contact_state(contact: Any) -> str:
    """``lead, qualified``; ``prospect, open``; ``customer`` (``customer, churned``)."""
    if contact.stage == Stage.CUSTOMER:
        return "customer, churned" if contact.churned_on is not None else "customer"
    status = contact.prospect_status if contact.stage == Stage.PROSPECT else contact.lead_status
    return f"{contact.stage}, {status}"


def _apply_contact(work: Work, form: Form, edited: dict[str, str]) -> list[str]:
    try:
        contact = find_contact(work, str(form.record_id))
    except NotFound:
        raise ChangedMeanwhile(f"{form.label} was removed while its form was open") from None
    _same_as_when_opened(form, _contact_form(work, contact))
    new = {**form.values, **edited}
    changed = [label for label in form.labels if new[label] != form.values[label]]
    values: dict[str, Any] = {}
    for label in changed:
        values.update(_contact_value(work, contact, label, new[label]))
    tags = _tags(new["Tags"]) if "Tags" in changed else None
    values = {name: value for name, value in values.items() if value != getattr(contact, name)}
    if values.keys() & {"name", "email", "phone", "company_id"}:
        merged = {**contact._asdict(), **values}
        values["search_key"] = search_key_for(
            merged["name"],
            merged["email"],
            merged["phone"],
            company_name(work, merged["company_id"]),
        )
    work.update("contacts", contact.id, values)
    written = _written_labels(values, CONTACT_COLUMNS)
    if tags is not None and _set_tags(work, contact.id, tags):
        written.append("Tags")
    catch_up(work)
    return [label for label in form.labels if label in written]


CONTACT_COLUMNS = {
    "name": "Name",
    "email": "Email",
    "phone": "Phone",
    "company_id": "Company",
    "title": "Title",
    "website": "Website",
    "city": "City",
    "country": "Country",
    "source": "Source",
    "notes": "Notes",
    "starred": "Starred",
}


def _contact_value(work: Work, contact: Any, label: str, value: str) -> dict[str, Any]:
    """The columns a field's new value writes, checked as every command checks them."""
    try:
        if label == "Name":
            name = bounded(value, "name")
            if name is None:
                raise BadValue("a contact needs a name")
            return {"name": name}
        if label == "Email":
            email = bounded(value, "email")
            if email is not None and not email_is_valid(email):
                raise BadValue(f"{email!r} is not an email address")
            refuse_duplicate(work, email, None, other_than=contact.id)
            return {"email": email, "email_key": email_key(email), "email_flagged": False}
        if label == "Phone":
            phone = bounded(value, "phone")
            refuse_duplicate(work, None, phone, other_than=contact.id)
            return {"phone": phone, "phone_key": phone_key(phone)}
        if label == "Company":
            return {"company_id": get_or_create_company(work, bounded(value, "company"))}
        if label == "Source":
            return {"source": source_key(bounded(value, "source"))}
        if label == "Starred":
            return {"starred": yes_or_no(value)}
        if label == "Tags":
            return {}
        column = label.lower()
        return {column: bounded(value, column)}
    except BadValue as error:
        raise BadValue(f"{label}: {error}") from None


def _tags(value: str) -> list[str]:
    tags = split_tags(value)
    for tag in tags:
        try:
            bounded(tag, "tag")
        except BadValue as error:
            raise BadValue(f"Tags: {error}") from None
    return clean_tags(tags)


def _set_tags(work: Work, contact_id: int, tags: list[str]) -> bool:
    """The contact's tags become ``tags``; whether any changed."""
    had = set(views.tags_of(work, [contact_id])[contact_id])
    for tag in sorted(had - set(tags)):
        work.delete("contact_tags", {"contact_id": contact_id, "tag": tag})
    for tag in sorted(set(tags) - had):
        work.insert_keyed("contact_tags", {"contact_id": contact_id, "tag": tag})
    return had != set(tags)


# --- deals -------------------------------------------------------------------------------


def deal_form(work: Work, deal_id: int) -> Form:
    return _deal_form(work, find_deal(work, deal_id))


def _deal_form(work: Work, deal: Any) -> Form:
    fields = (
        ("Title", deal.title),
        ("Value", f"{deal.value:.2f}"),
        ("Currency", deal.currency),
        ("Stage", deal.stage),
        ("Probability", str(deal.probability)),
        ("Close", deal.expected_close.isoformat() if deal.expected_close else ""),
    )
    contact = views.contact_names(work, [deal.contact_id]).get(deal.contact_id, "")
    label = f"deal #{deal.id} {deal.title}"
    stages = ", ".join(stage.name for stage in pipeline_stages(work))
    if deal.status == DealStatus.OPEN:
        manual = "set by hand" if deal.probability_manual else "the stage's"
        rules: tuple[str, ...] = (
            f"Stage: one of {stages}; moved as `deal move` moves it.",
            f"Probability: 0 to 99 ({manual} now); empty for the stage's own.",
        )
    else:
        kept = (
            "stage, probability, value and currency"
            if deal.status == DealStatus.WON
            else ("stage and probability")
        )
        rules = (f"The deal is {deal.status}: its {kept} stay as they are.",)
    heading = (
        f"Editing {label}, of #{deal.contact_id} {contact} ({deal.status}).",
        *_HOW,
        *rules,
        "Close: the expected close date (2026-12-31, eom, +2w); empty for none.",
        "Winning or losing the deal is `deal win` / `deal lose`, not an edit.",
    )
    return Form(DEAL, deal.id, label, heading, fields, str(deal.status))


def _apply_deal(work: Work, form: Form, edited: dict[str, str]) -> list[str]:
    try:
        deal = find_deal(work, form.record_id)
    except NotFound:
        raise ChangedMeanwhile(f"{form.label} was removed while its form was open") from None
    _same_as_when_opened(form, _deal_form(work, deal))
    new = {**form.values, **edited}
    changed = {label for label in form.labels if new[label] != form.values[label]}
    values: dict[str, Any] = {}
    if "Title" in changed:
        title = _field(lambda text: bounded(text, "title"), new["Title"], "Title")
        if title is None:
            raise BadValue("Title: a deal needs a title")
        values.update(title=title, search_key=deal_search_key(title))
    if "Value" in changed:
        values["value"] = _field(parse_money, new["Value"], "Value")
    if "Currency" in changed:
        values["currency"] = _field(currency_code, new["Currency"], "Currency")
    if deal.status == DealStatus.WON and values.keys() & {"value", "currency"}:
        raise InvalidTransition(
            f"{form.label} was won: its value is that of its purchase, kept as it is"
        )
    if "Close" in changed:
        values["expected_close"] = _field(
            lambda text: user_date(work, text.strip() or None), new["Close"], "Close"
        )
    if "Stage" in changed and find_stage_name(work, new["Stage"]) != deal.stage:
        values.update(stage_move(work, deal, new["Stage"]))
    if "Probability" in changed:
        values.update(_probability(work, deal, new, values))
    values = {name: value for name, value in values.items() if value != getattr(deal, name)}
    work.update("deals", deal.id, values)
    catch_up(work)
    return [label for label in form.labels if label in _written_labels(values, DEAL_COLUMNS)]


DEAL_COLUMNS = {
    "title": "Title",
    "value": "Value",
    "currency": "Currency",
    "stage": "Stage",
    "probability": "Probability",
    "probability_manual": "Probability",
    "expected_close": "Close",
}


def find_stage_name(work: Work, text: str) -> str:
    """The stage a form names, or the refusal `deal move` gives."""
    try:
        return find_stage(pipeline_stages(work), text).name
    except BadValue as error:
        raise BadValue(f"Stage: {error}") from None


def _probability(
    work: Work, deal: Any, new: dict[str, str], values: dict[str, Any]
) -> dict[str, Any]:
    """A probability typed sticks (as `deal open --probability`); empty: the stage's own."""
    if deal.status != DealStatus.OPEN:
        raise InvalidTransition(f"{form_label(deal)} is {deal.status}: its probability is fixed")
    text = new["Probability"].strip()
    if not text:
        stage = find_stage(pipeline_stages(work), values.get("stage", deal.stage))
        return {"probability": stage.probability, "probability_manual": False}
    number = _field(validate_probability, text, "Probability")
    return {"probability": number, "probability_manual": True}


def form_label(deal: Any) -> str:
    return f"deal #{deal.id} {deal.title}"


def _field(read: Any, text: str, label: str) -> Any:
    try:
        return read(text)
    except BadValue as error:
        raise BadValue(f"{label}: {error}") from None


# --- both --------------------------------------------------------------------------------


def _same_as_when_opened(form: Form, now: Form) -> None:
    if (now.fields, now.state) != (form.fields, form.state):
        what = [
            label
            for (label, was), (_, is_) in zip(form.fields, now.fields, strict=True)
            if was != is_
        ]
        if now.state != form.state:
            what.append(f"now {now.state}")
        raise ChangedMeanwhile(f"{form.label} changed while its form was open ({', '.join(what)})")


def _written_labels(values: dict[str, Any], columns: dict[str, str]) -> list[str]:
    return [columns[name] for name in values if name in columns]


def apply_form(work: Work, form: Form, edited: dict[str, str]) -> list[str]:
    """Write what the saved form changed, checked; the labels of the fields it changed
    ([] when what was saved comes to what is stored).  Refuses a record that changed
    since the form was made."""
    if form.kind == DEAL:
        return _apply_deal(work, form, edited)
    return _apply_contact(work, form, edited)
