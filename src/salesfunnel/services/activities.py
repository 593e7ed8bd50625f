"""Next steps and history: plan a step, log what was done, complete or snooze a step.

Local time: a WHEN is read on the clock's local wall clock: the offset in
``SALESFUNNEL_NOW`` when it has one, else the system's time zone (with its daylight
saving rules for the day in question).  A step keeps the local date and time as typed
(``due_date``, ``due_time``) and, when timed, the moment they name (``due_at``, UTC), so
"overdue" and the calendar export mean one instant wherever they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from salesfunnel import clock
from salesfunnel.db.tables import Activity, Contact, Deal
from salesfunnel.db.uow import UnitOfWork
from salesfunnel.domain.lifecycle import DealStatus, LeadStatus, Stage, transition
from salesfunnel.domain.todo import ActivityKind, StepKind, snoozed_until
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import ActivityPublic
from salesfunnel.services import views
from salesfunnel.services.common import clean_text, find_contact, record_event, user_when
from salesfunnel.services.localtime import due_instant, local_moment_of


@dataclass(frozen=True)
class ActivityOutcome:
    """What a command did, for its message: the activity and who and what it concerns."""

    activity: ActivityPublic
    contact: str  # "Ana Silva (#1)"
    deal: str | None = None  # "#3 Acme renewal"
    deal_chosen: bool = False  # attached to the contact's only open deal, unasked
    contacted: bool = False  # a new lead moved to contacted


def plan_step(
    uow: UnitOfWork,
    contact_ref: str,
    kind: str,
    text: str,
    due: str,
    *,
    deal_id: int | None = None,
) -> ActivityOutcome:
    """A next step on a contact, or on one of its deals (the only open one by default)."""
    contact = _reachable(uow, contact_ref, "plan a step for")
    deal, chosen = _deal_for(uow, contact, deal_id, planning=True)
    day, at = user_when(uow, due)
    if day < clock.today():
        raise BadValue(
            f"--due {due.strip()} is {day.isoformat()}, in the past; "
            "to record what was done, use log"
        )
    step = Activity(
        contact_id=contact.id or 0,
        deal_id=deal.id if deal else None,
        kind=_kind(StepKind, kind),
        text=_text(text),
        due_date=day,
        due_time=at,
        due_at=due_instant(day, at),
        created_at=clock.utcnow(),
    )
    uow.session.add(step)
    uow.session.flush()
    return _outcome(contact, step, deal, chosen=chosen)


def log_activity(
    uow: UnitOfWork,
    contact_ref: str,
    kind: str,
    text: str,
    *,
    deal_id: int | None = None,
) -> ActivityOutcome:
    """Something done just now; a new lead's first activity makes it contacted."""
    contact = _reachable(uow, contact_ref, "log an activity for")
    deal, chosen = _deal_for(uow, contact, deal_id, planning=False)
    now = clock.utcnow()
    done = Activity(
        contact_id=contact.id or 0,
        deal_id=deal.id if deal else None,
        kind=_kind(ActivityKind, kind),
        text=_text(text),
        done_at=now,
        created_at=now,
    )
    uow.session.add(done)
    uow.session.flush()
    contacted = _touch(uow, contact, deal, now, done.kind)
    return _outcome(contact, done, deal, chosen=chosen, contacted=contacted)


def complete(uow: UnitOfWork, activity_id: int) -> ActivityOutcome:
    """Mark a planned step done: it joins the history and counts as activity."""
    step = _activity(uow, activity_id)
    if step.done_at is not None:
        when = local_moment_of(step.done_at).strftime("%Y-%m-%d %H:%M")
        raise InvalidTransition(f"activity #{step.id} is already done ({when})")
    now = clock.utcnow()
    step.done_at = now
    contact, deal = _owners(uow, step)
    contacted = _touch(uow, contact, deal, now, step.kind)
    uow.session.flush()
    return _outcome(contact, step, deal, contacted=contacted)


def snooze(uow: UnitOfWork, activity_id: int, to: str | None = None) -> ActivityOutcome:
    """Put a planned step off: to WHEN, or by ``activity.snooze_days`` (default 7).

    Without --to it moves that many days past its due date, or past today if it is late.
    A WHEN with no time keeps the step's time of day.
    """
    step = _activity(uow, activity_id)
    if step.done_at is not None:
        raise InvalidTransition(f"can't snooze activity #{step.id}: it is already done")
    if step.due_date is None:
        raise InvalidTransition(f"can't snooze activity #{step.id}: it has no due date")
    today = clock.today()
    if to is None:
        day = snoozed_until(step.due_date, today, int(uow.settings()["activity.snooze_days"]))
        at = step.due_time
    else:
        day, typed_time = user_when(uow, to)
        at = typed_time or step.due_time
        if day < today:
            raise BadValue(f"--to {to.strip()} is {day.isoformat()}, in the past")
    step.due_date, step.due_time, step.due_at = day, at, due_instant(day, at)
    step.snoozed += 1
    contact, deal = _owners(uow, step)
    uow.session.flush()
    return _outcome(contact, step, deal)


def _reachable(uow: UnitOfWork, ref: str, doing: str) -> Contact:
    contact = find_contact(uow.session, ref)
    if contact.prospect_status == "cancelled" and contact.stage == Stage.PROSPECT:
        raise InvalidTransition(
            f"can't {doing} #{contact.id} {contact.name}: it was cancelled (do not contact)"
        )
    return contact


def _deal_for(
    uow: UnitOfWork, contact: Contact, deal_id: int | None, *, planning: bool
) -> tuple[Deal | None, bool]:
    """The deal named by --deal (it must be the contact's), or the contact's only open one."""
    if deal_id is None:
        open_deals = uow.session.exec(
            select(Deal)
            .where(Deal.contact_id == contact.id, Deal.status == DealStatus.OPEN)
            .limit(2)
        ).all()
        return (open_deals[0], True) if len(open_deals) == 1 else (None, False)
    deal = uow.session.get(Deal, deal_id)
    if deal is None:
        raise NotFound(f"no deal with id {deal_id}")
    if deal.contact_id != contact.id:
        raise BadValue(
            f"deal #{deal.id} belongs to contact #{deal.contact_id}, not #{contact.id} "
            f"{contact.name}"
        )
    if planning and deal.status != DealStatus.OPEN:
        raise InvalidTransition(f"can't plan a step for deal #{deal.id}: it was {deal.status}")
    return deal, False


def _touch(uow: UnitOfWork, contact: Contact, deal: Deal | None, now: datetime, kind: str) -> bool:
    """Activity keeps a lead from going stale and a deal from rotting; a new lead is contacted.

    Returns True when a new lead moved to contacted.
    """
    for owner in (contact, deal):
        if owner is not None and (owner.last_activity_at is None or owner.last_activity_at < now):
            owner.last_activity_at = now
    if contact.stage != Stage.LEAD or contact.lead_status != LeadStatus.NEW:
        return False
    label = f"lead #{contact.id} {contact.name}"
    contact.lead_status = transition("lead", LeadStatus.NEW, "contact", label=label)
    record_event(
        uow,
        contact.id or 0,
        "lead",
        "contact",
        from_state=LeadStatus.NEW,
        to_state=contact.lead_status,
        detail=kind,
    )
    return True


def _activity(uow: UnitOfWork, activity_id: int) -> Activity:
    step = uow.session.get(Activity, activity_id)
    if step is None:
        raise NotFound(f"no activity with id {activity_id}")
    return step


def _owners(uow: UnitOfWork, step: Activity) -> tuple[Contact, Deal | None]:
    contact = uow.session.get(Contact, step.contact_id)
    assert contact is not None
    deal = uow.session.get(Deal, step.deal_id) if step.deal_id is not None else None
    return contact, deal


def _kind(kinds: type[StepKind] | type[ActivityKind], kind: str) -> str:
    try:
        return kinds(kind.strip().lower()).value
    except ValueError:
        names = ", ".join(k.value for k in kinds)
        raise BadValue(f"{kind!r} is not a kind of activity here; use {names}") from None


def _text(text: str) -> str:
    cleaned = clean_text(text)
    if cleaned is None:
        raise BadValue("say what the activity is: TEXT can't be empty")
    return cleaned


def _outcome(
    contact: Contact,
    row: Activity,
    deal: Deal | None,
    *,
    chosen: bool = False,
    contacted: bool = False,
) -> ActivityOutcome:
    return ActivityOutcome(
        activity=views.activity(row),
        contact=f"{contact.name} (#{contact.id})",
        deal=f"#{deal.id} {deal.title}" if deal else None,
        deal_chosen=chosen,
        contacted=contacted,
    )
