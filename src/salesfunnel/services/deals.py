"""Deals: opened on a contact, moved through the pipeline stages, won or lost."""

from __future__ import annotations

from typing import Any

from salesfunnel import clock
from salesfunnel.db.records import record_event
from salesfunnel.db.rows import rows_page
from salesfunnel.db.search_index import catch_up
from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import DealStatus, LeadStatus, Stage, transition
from salesfunnel.domain.money import parse_money
from salesfunnel.domain.owners import owner_name
from salesfunnel.domain.pipeline import (
    LOST_PROBABILITY,
    WON_PROBABILITY,
    PipelineStage,
    find_stage,
    parse_stages,
    probability_after_move,
    validate_probability,
)
from salesfunnel.domain.text import deal_search_key
from salesfunnel.errors import BadValue, InvalidTransition
from salesfunnel.schemas import DealDetail, DealPublic, Page
from salesfunnel.services import views
from salesfunnel.services.common import (
    clean_text,
    company_name,
    contact_by_id,
    currency_of,
    find_contact,
    find_deal,
    user_date,
    why_not_yet,
)


def pipeline_stages(work: Work) -> list[PipelineStage]:
    return parse_stages(work.settings()["pipeline.stages"])


def _public(work: Work, deal_id: int) -> DealPublic:
    return views.deals(work, [find_deal(work, deal_id)])[0]


def open_deal(
    work: Work,
    contact_ref: str,
    *,
    title: str | None = None,
    value: str | float | None = None,
    currency: str | None = None,
    stage: str | None = None,
    probability: int | None = None,
    close: str | None = None,
) -> DealPublic:
    """A deal belongs to a lead or customer (and its company); a prospect converts first."""
    contact = find_contact(work, contact_ref)
    if contact.stage == Stage.PROSPECT:
        raise InvalidTransition(
            f"can't open a deal for #{contact.id} {contact.name}: {why_not_yet(contact)}"
        )
    if contact.lead_status == LeadStatus.DISQUALIFIED and contact.stage == Stage.LEAD:
        raise InvalidTransition(
            f"can't open a deal for #{contact.id} {contact.name}: the lead was disqualified"
        )
    stages = pipeline_stages(work)
    chosen = find_stage(stages, stage) if stage else stages[0]
    now = clock.utcnow()
    deal_title = (
        clean_text(title, "title") or company_name(work, contact.company_id) or contact.name
    )
    deal_id = work.insert(
        "deals",
        {
            "contact_id": contact.id,
            "company_id": contact.company_id,
            "title": deal_title,
            "value": parse_money(value) or 0.0,
            "currency": currency_of(work, currency),
            "stage": chosen.name,
            "probability": chosen.probability
            if probability is None
            else validate_probability(probability),
            "probability_manual": probability is not None,
            "expected_close": user_date(work, close),
            "status": DealStatus.OPEN,
            "opened_at": now,
            "stage_changed_at": now,
            "search_key": deal_search_key(deal_title),
        },
    )
    record_event(work, contact.id, "deal", "open", to_state=chosen.name, deal_id=deal_id)
    _adopt_planned_steps(work, contact.id, deal_id)
    catch_up(work)
    return _public(work, deal_id)


def _adopt_planned_steps(work: Work, contact_id: int, deal_id: int) -> None:
    """The contact's planned steps become the deal's, when it is the contact's only open
    deal: the demo booked before qualifying is the deal's next step (as `next` on a
    contact with one open deal attaches to it)."""
    open_deals = work.value(
        "SELECT count(*) FROM deals WHERE contact_id = :contact AND status = :open",
        {"contact": contact_id, "open": DealStatus.OPEN},
    )
    if open_deals != 1:
        return
    steps = work.rows(
        "SELECT id FROM activities "
        "WHERE contact_id = :contact AND deal_id IS NULL AND done_at IS NULL",
        {"contact": contact_id},
    )
    for step in steps:
        work.update("activities", step.id, {"deal_id": deal_id})


def move(work: Work, deal_id: int, stage: str) -> DealPublic:
    deal = find_deal(work, deal_id)
    work.update("deals", deal.id, stage_move(work, deal, stage))
    return _public(work, deal.id)


def stage_move(work: Work, deal: Any, stage: str) -> dict[str, Any]:
    """What moving an open deal to ``stage`` writes on it, its history recorded: the rule
    of `deal move`, which `edit deal` follows too."""
    transition("deal", deal.status, "move", label=f"deal #{deal.id}")
    target = find_stage(pipeline_stages(work), stage)
    if target.name == deal.stage:
        raise BadValue(f"deal #{deal.id} is already in {target.name}")
    record_event(
        work,
        deal.contact_id,
        "deal",
        "move",
        from_state=deal.stage,
        to_state=target.name,
        deal_id=deal.id,
    )
    return {
        "stage": target.name,
        "probability": probability_after_move(deal.probability, deal.probability_manual, target),
        "stage_changed_at": clock.utcnow(),
    }


def win(work: Work, deal_id: int, *, value: str | None = None, on: str | None = None) -> DealPublic:
    """A won deal is a purchase: its contact becomes (or stays) a customer."""
    deal = find_deal(work, deal_id)
    status = transition("deal", deal.status, "win", label=f"deal #{deal.id}")
    final_value = deal.value if value is None else parse_money(value) or 0.0
    closed_on = user_date(work, on) or clock.today()
    work.update(
        "deals",
        deal.id,
        {
            "status": status,
            "value": final_value,
            "closed_on": closed_on,
            "probability": WON_PROBABILITY,
        },
    )
    record_event(
        work,
        deal.contact_id,
        "deal",
        "win",
        from_state=deal.stage,
        to_state=DealStatus.WON,
        detail=f"{final_value:.2f} {deal.currency}",
        deal_id=deal.id,
    )
    work.insert(
        "purchases",
        {
            "contact_id": deal.contact_id,
            "deal_id": deal.id,
            "value": final_value,
            "currency": deal.currency,
            "purchased_on": closed_on,
            "created_at": clock.utcnow(),
        },
    )
    become_customer(work, contact_by_id(work, deal.contact_id))
    return _public(work, deal.id)


def become_customer(work: Work, contact: Any) -> None:
    if contact.stage == Stage.CUSTOMER:
        return
    work.update("contacts", contact.id, {"stage": Stage.CUSTOMER})
    record_event(
        work, contact.id, "customer", "become", from_state=contact.stage, to_state="active"
    )


def lose(work: Work, deal_id: int, reason: str, *, on: str | None = None) -> DealPublic:
    reason_text = clean_text(reason, "reason")
    if reason_text is None:
        raise BadValue("a lost deal needs a reason (--reason)")
    deal = find_deal(work, deal_id)
    status = transition("deal", deal.status, "lose", label=f"deal #{deal.id}")
    work.update(
        "deals",
        deal.id,
        {
            "status": status,
            "lost_reason": reason_text,
            "closed_on": user_date(work, on) or clock.today(),
            "probability": LOST_PROBABILITY,
        },
    )
    record_event(
        work,
        deal.contact_id,
        "deal",
        "lose",
        from_state=deal.stage,
        to_state=DealStatus.LOST,
        detail=reason_text,
        deal_id=deal.id,
    )
    return _public(work, deal.id)


def list_deals(
    work: Work,
    *,
    status: str | None = DealStatus.OPEN,
    stage: str | None = None,
    contact: str | None = None,
    closing_before: str | None = None,
    closing_after: str | None = None,
    owner: str | None = None,
    limit: int | None = 50,
) -> Page[DealPublic]:
    """Open deals by default, soonest expected close first."""
    conditions = ["1 = 1"]
    params: dict[str, Any] = {}
    if status is not None:
        conditions.append("d.status = :status")
        params["status"] = str(status)
    if stage is not None:
        conditions.append("d.stage = :stage")
        params["stage"] = _listed_stage(work, stage)
    if contact is not None:
        conditions.append("d.contact_id = :contact_id")
        params["contact_id"] = find_contact(work, contact).id
    if (before := user_date(work, closing_before)) is not None:
        conditions.append("d.expected_close <= :before")
        params["before"] = before
    if (after := user_date(work, closing_after)) is not None:
        conditions.append("d.expected_close >= :after")
        params["after"] = after
    if owner is not None:  # ix_deals_owner_status
        conditions.append("d.owner = :owner")
        params["owner"] = owner
    query = f"SELECT {views.DEAL_COLUMNS} FROM deals AS d WHERE {' AND '.join(conditions)}"
    order = "d.expected_close IS NULL, d.expected_close, d.id"
    rows, total = rows_page(work, query, order, params, limit)
    return Page(views.deals(work, rows), total)


def _listed_stage(work: Work, name: str) -> str:
    """A configured stage, or one removed from the settings that deals still sit in."""
    try:
        return find_stage(pipeline_stages(work), name).name
    except BadValue:
        wanted = name.strip().lower()
        if (
            work.value("SELECT id FROM deals WHERE stage = :stage LIMIT 1", {"stage": wanted})
            is None
        ):
            raise
        return wanted


def show_deal(work: Work, deal_id: int) -> DealDetail:
    public = _public(work, deal_id)
    next_step, activities, history = views.next_step_and_history(work, deal_id=deal_id)
    return DealDetail(
        **public.values(),
        next_step=next_step,
        activities=activities,
        history=history,
    )


def assign(work: Work, deal_id: int, user: str) -> tuple[DealPublic, str, int]:
    """Hand a deal over to ``user``, with its planned steps: the deal is theirs from now on.

    The contact stays whose it was (one contact may have deals with two people).
    Returns the deal, whose it was, and how many planned steps went with it.  Handing a
    deal to whoever has it already is refused: nothing would change.
    """
    new_owner = owner_name(user)
    deal = find_deal(work, deal_id)
    if deal.owner == new_owner:
        raise BadValue(f"deal #{deal.id} {deal.title} is {new_owner}'s already")
    work.update("deals", deal.id, {"owner": new_owner})
    planned = work.rows(
        "SELECT id FROM activities WHERE deal_id = :id AND done_at IS NULL ORDER BY id",
        {"id": deal.id},
    )
    for step in planned:
        work.update("activities", step.id, {"owner": new_owner})
    record_event(
        work,
        deal.contact_id,
        "deal",
        "assign",
        from_state=deal.owner,  # whose it was, and whose it is now: the history's columns
        to_state=new_owner,
        deal_id=deal.id,
    )
    return _public(work, deal.id), deal.owner, len(planned)
