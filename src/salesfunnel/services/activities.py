"""Next steps and history: plan a step, log what was done, complete or snooze a step.

Local time: a WHEN is read on the clock's local wall clock: the offset in
``SALESFUNNEL_NOW`` when it has one, else the system's time zone (with its daylight
saving rules for the day in question).  A step keeps the local date and time as typed
(``due_date``, ``due_time``) and, when timed, the moment they name (``due_at``, UTC), so
"overdue" and the calendar export mean one instant wherever they are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from salesfunnel import clock
from salesfunnel.db.records import record_event
from salesfunnel.db.work import Work
from salesfunnel.domain.dates import next_occurrence, parse_interval
from salesfunnel.domain.lifecycle import DealStatus, LeadStatus, Stage, transition
from salesfunnel.domain.todo import ActivityKind, StepKind, snoozed_until
from salesfunnel.errors import BadValue, InvalidTransition, NotFound
from salesfunnel.schemas import ActivityPublic
from salesfunnel.services import views
from salesfunnel.services.common import (
    MAX_ID,
    clean_text,
    contact_by_id,
    find_contact,
    find_deal,
    user_when,
)
from salesfunnel.services.localtime import due_instant


@dataclass(frozen=True)
class ActivityOutcome:
    """What a command did, for its message: the activity and who and what it concerns."""

    activity: ActivityPublic
    contact: str  # "Ana Silva (#1)"
    deal: str | None = None  # "#3 Acme renewal"
    deal_chosen: bool = False  # attached to the contact's only open deal, unasked
    contacted: bool = False  # a new lead moved to contacted
    following: ActivityPublic | None = None  # a recurring step's next one, planned now


def plan_step(
    work: Work,
    contact_ref: str,
    kind: str,
    text: str,
    due: str,
    *,
    deal_id: int | None = None,
    every: str | None = None,
) -> ActivityOutcome:
    """A next step on a contact, or on one of its deals (the only open one by default);
    ``every`` (``2w``) makes it recur: doing it plans the next one."""
    interval = parse_interval(every) if every is not None else None
    contact = _reachable(work, contact_ref, "plan a step for")
    deal, chosen = _deal_for(work, contact, deal_id, planning=True)
    day, at = user_when(work, due)
    if _in_the_past(day, at):
        raise BadValue(
            f"--due {due.strip()} is {_when(day, at)}, in the past; "
            "to record what was done, use log"
        )
    step_id = work.insert(
        "activities",
        {
            "contact_id": contact.id,
            "deal_id": deal.id if deal else None,
            "kind": _kind(StepKind, kind),
            "text": _text(text),
            "due_date": day,
            "due_time": at,
            "due_at": due_instant(day, at),
            "every": str(interval) if interval is not None else None,
            "series_on": day if interval is not None else None,
            "created_at": clock.utcnow(),
        },
    )
    return _outcome(contact, _activity(work, step_id), deal, chosen=chosen)


def log_activity(
    work: Work,
    contact_ref: str,
    kind: str,
    text: str,
    *,
    deal_id: int | None = None,
) -> ActivityOutcome:
    """Something done just now; a new lead's first activity makes it contacted."""
    contact = _reachable(work, contact_ref, "log an activity for")
    deal, chosen = _deal_for(work, contact, deal_id, planning=False)
    now = clock.utcnow()
    activity_kind = _kind(ActivityKind, kind)
    done_id = work.insert(
        "activities",
        {
            "contact_id": contact.id,
            "deal_id": deal.id if deal else None,
            "kind": activity_kind,
            "text": _text(text),
            "done_at": now,
            "created_at": now,
        },
    )
    contacted = touch(work, contact, deal, now, activity_kind)
    return _outcome(contact, _activity(work, done_id), deal, chosen=chosen, contacted=contacted)


def complete(work: Work, activity_id: int) -> ActivityOutcome:
    """Mark a planned step done: it joins the history and counts as activity."""
    step = _activity(work, activity_id)
    if step.done_at is not None:
        when = clock.local(step.done_at).strftime("%Y-%m-%d %H:%M")
        raise InvalidTransition(f"activity #{step.id} is already done ({when})")
    now = clock.utcnow()
    work.update("activities", step.id, {"done_at": now})
    contact, deal = _owners(work, step)
    contacted = touch(work, contact, deal, now, step.kind)
    following = _plan_following(work, step, deal) if step.every else None
    return _outcome(
        contact, _activity(work, step.id), deal, contacted=contacted, following=following
    )


def snooze(work: Work, activity_id: int, to: str | None = None) -> ActivityOutcome:
    """Put a planned step off: to WHEN, or by ``activity.snooze_days`` (default 7).

    Without --to it moves that many days past its due date, or past today if it is late.
    A WHEN with no time keeps the step's time of day.
    """
    step = _activity(work, activity_id)
    if step.done_at is not None:
        raise InvalidTransition(f"can't snooze activity #{step.id}: it is already done")
    if step.due_date is None:
        raise InvalidTransition(f"can't snooze activity #{step.id}: it has no due date")
    today = clock.today()
    if to is None:
        day = snoozed_until(step.due_date, today, int(work.settings()["activity.snooze_days"]))
        at = step.due_time
    else:
        day, typed_time = user_when(work, to)
        at = typed_time or step.due_time
        if _in_the_past(day, typed_time):
            raise BadValue(f"--to {to.strip()} is {_when(day, typed_time)}, in the past")
    # Snoozed past the day it comes round again, a recurring step leaves its series: the
    # next one is planned on its own day, and this one is done once, when it is done.
    # Snoozed less, it stays in its series, whose days don't move with it.
    past_next = step.every is not None and day > parse_interval(step.every).after(_series_day(step))
    work.update(
        "activities",
        step.id,
        {
            "due_date": day,
            "due_time": at,
            "due_at": due_instant(day, at),
            "snoozed": step.snoozed + 1,
            **({"every": None, "series_on": None} if past_next else {}),
        },
    )
    contact, deal = _owners(work, step)
    following = _plan_following(work, step, deal) if past_next else None
    return _outcome(contact, _activity(work, step.id), deal, following=following)


def _plan_following(work: Work, step: Any, deal: Any | None) -> ActivityPublic:
    """The next step of a recurring one (``step`` as it was before this command): on the
    first day of its series after today, at the same time, on its deal while it is open."""
    every = parse_interval(step.every)
    day = next_occurrence(_series_day(step), every, clock.today())
    following_id = work.insert(
        "activities",
        {
            "contact_id": step.contact_id,
            "deal_id": deal.id if deal is not None and deal.status == DealStatus.OPEN else None,
            "kind": step.kind,
            "text": step.text,
            "due_date": day,
            "due_time": step.due_time,
            "due_at": due_instant(day, step.due_time),
            "every": str(every),
            "series_on": day,
            "created_at": clock.utcnow(),
        },
    )
    return views.activity(_activity(work, following_id))


def _series_day(step: Any) -> date:
    """The day a recurring step falls on in its series (its due date, unless snoozed)."""
    day: date = step.series_on or step.due_date
    return day


def _in_the_past(day: date, at: time | None) -> bool:
    """One rule however the date was written: a day before today, or a time already gone
    today (`today 11:00` at noon, as `03/12/2026` the day after)."""
    if at is None:
        return day < clock.today()
    return clock.local_moment(day, at) < clock.now()


def _when(day: date, at: time | None) -> str:
    return day.isoformat() + (f" {at.strftime('%H:%M')}" if at is not None else "")


def _reachable(work: Work, ref: str, doing: str) -> Any:
    contact = find_contact(work, ref)
    if contact.prospect_status == "cancelled" and contact.stage == Stage.PROSPECT:
        raise InvalidTransition(
            f"can't {doing} #{contact.id} {contact.name}: it was cancelled (do not contact)"
        )
    return contact


def _deal_for(
    work: Work, contact: Any, deal_id: int | None, *, planning: bool
) -> tuple[Any | None, bool]:
    """The deal named by --deal (it must be the contact's), or the contact's only open one."""
    if deal_id is None:
        open_deals = work.rows(
            "SELECT * FROM deals WHERE contact_id = :contact AND status = :open LIMIT 2",
            {"contact": contact.id, "open": DealStatus.OPEN},
        )
        return (open_deals[0], True) if len(open_deals) == 1 else (None, False)
    deal = find_deal(work, deal_id)
    if deal.contact_id != contact.id:
        raise BadValue(
            f"deal #{deal.id} belongs to contact #{deal.contact_id}, not #{contact.id} "
            f"{contact.name}"
        )
    if planning and deal.status != DealStatus.OPEN:
        raise InvalidTransition(f"can't plan a step for deal #{deal.id}: it was {deal.status}")
    return deal, False


def touch(work: Work, contact: Any, deal: Any | None, now: datetime, kind: str) -> bool:
    """Activity keeps a lead from going stale and a deal from rotting; a new lead is contacted.

    Returns True when a new lead moved to contacted.
    """
    for table, owner in (("contacts", contact), ("deals", deal)):
        if owner is not None and (owner.last_activity_at is None or owner.last_activity_at < now):
            work.update(table, owner.id, {"last_activity_at": now})
    if contact.stage != Stage.LEAD or contact.lead_status != LeadStatus.NEW:
        return False
    label = f"lead #{contact.id} {contact.name}"
    status = transition("lead", LeadStatus.NEW, "contact", label=label)
    work.update("contacts", contact.id, {"lead_status": status})
    record_event(
        work,
        contact.id,
        "lead",
        "contact",
        from_state=LeadStatus.NEW,
        to_state=status,
        detail=kind,
    )
    return True


def _activity(work: Work, activity_id: int) -> Any:
    step = (
        work.row("SELECT * FROM activities WHERE id = :id", {"id": activity_id})
        if 0 < activity_id <= MAX_ID
        else None
    )
    if step is None:
        raise NotFound(f"no activity with id {activity_id}")
    return step


def _owners(work: Work, step: Any) -> tuple[Any, Any | None]:
    contact = contact_by_id(work, step.contact_id)
    deal = find_deal(work, step.deal_id) if step.deal_id is not None else None
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
    contact: Any,
    row: Any,
    deal: Any | None,
    *,
    chosen: bool = False,
    contacted: bool = False,
    following: ActivityPublic | None = None,
) -> ActivityOutcome:
    return ActivityOutcome(
        activity=views.activity(row),
        contact=f"{contact.name} (#{contact.id})",
        deal=f"#{deal.id} {deal.title}" if deal else None,
        deal_chosen=chosen,
        contacted=contacted,
        following=following,
    )
