"""Deals: opened on a contact, moved through the pipeline stages, won or lost."""

from __future__ import annotations

from sqlmodel import col, select

from salesfunnel import clock
from salesfunnel.db.tables import Contact, Deal, Purchase
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.lifecycle import DealStatus, LeadStatus, Stage, transition
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
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import DealDetail, DealPublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    Page,
    clean_text,
    company_name,
    currency_of,
    find_contact,
    page_of,
    parse_money,
    record_event,
    user_date,
    why_not_yet,
)
from salesfunnel.services.search import catch_up_search_index


def pipeline_stages(uow: UnitOfWork) -> list[PipelineStage]:
    return parse_stages(uow.settings()["pipeline.stages"])


def _deal(uow: UnitOfWork, deal_id: int) -> Deal:
    deal = uow.session.get(Deal, deal_id)
    if deal is None:
        raise NotFound(f"no deal with id {deal_id}")
    return deal


def _public(uow: UnitOfWork, deal: Deal) -> DealPublic:
    return views.deals(uow.session, [deal])[0]


def open_deal(
    uow: UnitOfWork,
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
    contact = find_contact(uow.session, contact_ref)
    if contact.stage == Stage.PROSPECT:
        raise InvalidTransition(
            f"can't open a deal for #{contact.id} {contact.name}: {why_not_yet(contact)}"
        )
    if contact.lead_status == LeadStatus.DISQUALIFIED and contact.stage == Stage.LEAD:
        raise InvalidTransition(
            f"can't open a deal for #{contact.id} {contact.name}: the lead was disqualified"
        )
    stages = pipeline_stages(uow)
    chosen = find_stage(stages, stage) if stage else stages[0]
    now = clock.utcnow()
    deal = Deal(
        contact_id=contact.id or 0,
        company_id=contact.company_id,
        title=clean_text(title) or _default_title(uow, contact),
        value=parse_money(value) or 0.0,
        currency=currency_of(uow, currency),
        stage=chosen.name,
        probability=chosen.probability
        if probability is None
        else validate_probability(probability),
        probability_manual=probability is not None,
        expected_close=user_date(uow, close),
        status=DealStatus.OPEN,
        opened_at=now,
        stage_changed_at=now,
    )
    deal.search_key = deal_search_key(deal.title)
    uow.session.add(deal)
    uow.session.flush()
    record_event(
        uow, deal.contact_id, "deal", "open", to_state=chosen.name, deal_id=deal.id, detail=None
    )
    catch_up_search_index(uow.session)
    return _public(uow, deal)


def _default_title(uow: UnitOfWork, contact: Contact) -> str:
    return company_name(uow.session, contact.company_id) or contact.name


def move(uow: UnitOfWork, deal_id: int, stage: str) -> DealPublic:
    deal = _deal(uow, deal_id)
    transition("deal", deal.status, "move", label=f"deal #{deal.id}")
    target = find_stage(pipeline_stages(uow), stage)
    if target.name == deal.stage:
        raise BadValue(f"deal #{deal.id} is already in {target.name}")
    before = deal.stage
    deal.stage = target.name
    deal.probability = probability_after_move(deal.probability, deal.probability_manual, target)
    deal.stage_changed_at = clock.utcnow()
    record_event(
        uow,
        deal.contact_id,
        "deal",
        "move",
        from_state=before,
        to_state=target.name,
        deal_id=deal.id,
    )
    uow.session.flush()
    return _public(uow, deal)


def win(
    uow: UnitOfWork, deal_id: int, *, value: str | None = None, on: str | None = None
) -> DealPublic:
    """A won deal is a purchase: its contact becomes (or stays) a customer."""
    deal = _deal(uow, deal_id)
    deal.status = transition("deal", deal.status, "win", label=f"deal #{deal.id}")
    if value is not None:
        deal.value = parse_money(value) or 0.0
    deal.closed_on = user_date(uow, on) or clock.today()
    deal.probability = WON_PROBABILITY
    record_event(
        uow,
        deal.contact_id,
        "deal",
        "win",
        from_state=deal.stage,
        to_state=DealStatus.WON,
        detail=f"{deal.value:.2f} {deal.currency}",
        deal_id=deal.id,
    )
    contact = uow.session.get(Contact, deal.contact_id)
    assert contact is not None
    uow.session.add(
        Purchase(
            contact_id=deal.contact_id,
            deal_id=deal.id,
            value=deal.value,
            currency=deal.currency,
            purchased_on=deal.closed_on,
            created_at=clock.utcnow(),
        )
    )
    become_customer(uow, contact)
    uow.session.flush()
    return _public(uow, deal)


def become_customer(uow: UnitOfWork, contact: Contact) -> None:
    if contact.stage == Stage.CUSTOMER:
        return
    before = contact.stage
    contact.stage = Stage.CUSTOMER
    assert contact.id is not None
    record_event(uow, contact.id, "customer", "become", from_state=before, to_state="active")


def lose(uow: UnitOfWork, deal_id: int, reason: str, *, on: str | None = None) -> DealPublic:
    reason_text = clean_text(reason)
    if reason_text is None:
        raise BadValue("a lost deal needs a reason (--reason)")
    deal = _deal(uow, deal_id)
    deal.status = transition("deal", deal.status, "lose", label=f"deal #{deal.id}")
    deal.lost_reason = reason_text
    deal.closed_on = user_date(uow, on) or clock.today()
    deal.probability = LOST_PROBABILITY
    record_event(
        uow,
        deal.contact_id,
        "deal",
        "lose",
        from_state=deal.stage,
        to_state=DealStatus.LOST,
        detail=reason_text,
        deal_id=deal.id,
    )
    uow.session.flush()
    return _public(uow, deal)


def list_deals(
    uow: UnitOfWork,
    *,
    status: str | None = DealStatus.OPEN,
    stage: str | None = None,
    contact: str | None = None,
    closing_before: str | None = None,
    closing_after: str | None = None,
    limit: int | None = 50,
) -> Page[DealPublic]:
    """Open deals by default, soonest expected close first."""
    query = select(Deal)
    if status is not None:
        query = query.where(Deal.status == status)
    if stage is not None:
        query = query.where(Deal.stage == _listed_stage(uow, stage))
    if contact is not None:
        query = query.where(Deal.contact_id == find_contact(uow.session, contact).id)
    if (before := user_date(uow, closing_before)) is not None:
        query = query.where(col(Deal.expected_close) <= before)
    if (after := user_date(uow, closing_after)) is not None:
        query = query.where(col(Deal.expected_close) >= after)
    query = query.order_by(col(Deal.expected_close).asc().nulls_last(), col(Deal.id))
    rows, total = page_of(uow.session, query, limit)
    return Page(views.deals(uow.session, rows), total)


def _listed_stage(uow: UnitOfWork, name: str) -> str:
    """A configured stage, or one removed from the settings that deals still sit in."""
    try:
        return find_stage(pipeline_stages(uow), name).name
    except BadValue:
        wanted = name.strip().lower()
        if uow.session.exec(select(Deal.id).where(Deal.stage == wanted).limit(1)).first() is None:
            raise
        return wanted


def show_deal(uow: UnitOfWork, deal_id: int) -> DealDetail:
    deal = _deal(uow, deal_id)
    next_step, activities, history = views.next_step_and_history(uow.session, deal_id=deal.id)
    return DealDetail(
        **_public(uow, deal).model_dump(),
        next_step=next_step,
        activities=activities,
        history=history,
    )
