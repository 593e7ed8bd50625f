"""The to-do list: due steps ranked by priority, and the leads and deals left without one.

Built to stay instant on a million contacts.  Steps due within the week, open deals
without a step ahead and customers turning pre-inactive are few, and are read whole and
ranked here.  Open leads can be many (a list imported as leads): they are read a page
at a time from a small partial index (``ix_contacts_open_leads``), in an order that
agrees with their priority, and counted in that index up to ``COUNT_CAP``: past it a
section says "more than 10,000", so a million open leads cost what ten thousand do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from salesfunnel import clock
from salesfunnel.clock import local_date, local_moment
from salesfunnel.db.rows import rows_in
from salesfunnel.db.work import Work
from salesfunnel.domain.customers import CustomerStatus, customer_status_as_of
from salesfunnel.domain.dates import Interval
from salesfunnel.domain.lifecycle import DealStatus, Stage
from salesfunnel.domain.pipeline import parse_stages
from salesfunnel.domain.settings import cadences, rotting_days_for, thresholds_from
from salesfunnel.domain.todo import (
    LATE_CAP_DAYS,
    SECTION_TITLES,
    DealFacts,
    Priority,
    Section,
    Weights,
    idle_days,
    is_idle_too_long,
    last_fresh_day,
    overdue_detail,
    priority,
    priority_total,
    step_section,
    turned_pre_inactive_window,
    week_end,
    weights_from,
)
from salesfunnel.schemas import (
    PriorityTermPublic,
    TodoItemPublic,
    TodoPublic,
    TodoSectionPublic,
)
from salesfunnel.services.localtime import user_date
from salesfunnel.services.owners import Whose, only
from salesfunnel.services.views import company_names

# An open lead, and when it was last touched, as the partial index ix_contacts_open_leads
# is defined (db/tables.py: OPEN_LEAD, LEAD_TOUCH), so that SQLite reads that index.
OPEN_LEAD = "c.stage = 'lead' AND c.lead_status IN ('new', 'contacted')"
TOUCH = "coalesce(c.last_activity_at, c.became_lead_at, c.created_at)"
# A section of open leads is counted up to here, and past it is "more than 10,000"
# (TodoSectionPublic.total_capped): the count then costs what this many leads cost.
COUNT_CAP = 10_000
# Contacts each keep-in-touch cadence reads at most: a cadence is for the people one keeps
# up with (hundreds); past this the section says "more than 1,000", and what it shows are
# the longest idle of the first thousand read (in the order of the tag's index: by id).
IN_TOUCH_CAP = 1_000

STEPS_DUE = """
SELECT a.id, a.kind, a.text, a.due_date, a.due_time, a.due_at, a.every, a.contact_id, a.deal_id,
       c.name, c.starred, c.company_id,
       d.title, d.value, d.currency, d.probability, d.stage, d.status
FROM activities AS a
JOIN contacts AS c ON c.id = a.contact_id
LEFT JOIN deals AS d ON d.id = a.deal_id
WHERE a.done_at IS NULL AND a.due_date <= :week_end{owner}
"""
DEAL_PLANNED = "SELECT a.id FROM activities AS a WHERE a.deal_id = d.id AND a.done_at IS NULL"
DEALS_WITHOUT_STEP_AHEAD = f"""
SELECT d.id, d.title, d.contact_id, d.value, d.currency, d.probability, d.stage,
       d.stage_changed_at, d.last_activity_at, c.name, c.starred, c.company_id,
       EXISTS ({DEAL_PLANNED}) AS planned
FROM deals AS d JOIN contacts AS c ON c.id = d.contact_id
WHERE d.status = :open AND NOT EXISTS ({DEAL_PLANNED} AND a.due_date >= :today){{owner}}
"""
LEAD_STEPS = "SELECT a.id FROM activities AS a WHERE a.contact_id = c.id AND a.done_at IS NULL"
PRE_INACTIVE_CANDIDATES = """
SELECT p.contact_id, max(p.purchased_on) AS last_purchase, sum(p.value) AS spent,
       max(p.currency) AS currency, c.name, c.starred, c.company_id, c.churned_on, c.stage
FROM purchases AS p JOIN contacts AS c ON c.id = p.contact_id
WHERE p.contact_id IN (
    SELECT DISTINCT contact_id FROM purchases WHERE purchased_on >= :first AND purchased_on <= :last
) AND p.purchased_on <= :today{owner}
GROUP BY p.contact_id, c.name, c.starred, c.company_id, c.churned_on, c.stage
"""

ITEM_FIELDS = [spec.name for spec in TodoItemPublic.fields if spec.name != "breakdown"]


@dataclass(frozen=True)
class _Day:
    """What every rule needs: the moment, the settings, the pipeline."""

    now: datetime  # aware, local
    weights: Weights
    settings: dict[str, str]
    stages: dict[str, tuple[int, int]]  # stage -> (position from 1, number of stages)
    owner: Whose = None  # one user's to-do list, or the team's (None)

    def mine(self, alias: str) -> str:
        """The condition that keeps the owner's rows only (nothing for the team's)."""
        return only(alias, self.owner)

    @property
    def today(self) -> date:
        return self.now.date()

    def deal(self, value: float, currency: str, probability: int, stage: str) -> DealFacts:
        position, count = self.stages.get(stage, (0, len(self.stages)))
        return DealFacts(value, currency, probability, stage, position, count)


@dataclass
class _Item:
    """A shown item: its fields, its priority with every term, its company."""

    fields: dict[str, Any]
    priority: Priority
    company_id: int | None


@dataclass
class _Ranked:
    """A candidate: its priority total, a tie-break, and how to build it if it is shown.

    Every candidate is ranked; only the first ``limit`` of a section are built, with
    their words, so a long section costs little more than a short one.
    """

    total: float
    tiebreak: tuple[Any, ...]
    build: Callable[[], _Item]

    @property
    def key(self) -> tuple[Any, ...]:
        return (-self.total, *self.tiebreak)


@dataclass
class _Found:
    items: list[_Ranked] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # counting stopped: there are more than ``total``


def todo_list(
    work: Work, *, as_of: str | None = None, limit: int | None = 10, owner: Whose = None
) -> TodoPublic:
    """Every section of the to-do list, each with its first ``limit`` items and its total.

    ``owner``: one user's steps, deals and contacts (None: the whole team's).
    """
    settings = work.settings()
    stages = parse_stages(settings["pipeline.stages"])
    day = _Day(
        now=_moment(work, as_of),
        weights=weights_from(settings),
        settings=settings,
        stages={s.name: (i, len(stages)) for i, s in enumerate(stages, start=1)},
        owner=owner,
    )
    found = {section: _Found() for section in Section}
    for section, ranked in _steps(work, day):
        found[section].items.append(ranked)
        found[section].total += 1
    for section, ranked in _deals(work, day):
        found[section].items.append(ranked)
        found[section].total += 1
    for section in (Section.STALE, Section.NO_STEP):
        leads = _open_leads(work, day, stale=section is Section.STALE, limit=limit)
        found[section].items.extend(leads.items)
        found[section].total += leads.total
        found[section].capped |= leads.capped
    for ranked in _customers(work, day):
        found[Section.PRE_INACTIVE].items.append(ranked)
        found[Section.PRE_INACTIVE].total += 1
    found[Section.KEEP_IN_TOUCH] = _keep_in_touch(work, day, limit)
    return _public(work, day, found, limit)


def _moment(work: Work, as_of: str | None) -> datetime:
    """Now; or, for another day, the start of that day (what is on for it)."""
    now = clock.now()
    day = user_date(work, as_of)
    if day is None or day == now.date():
        return now
    return local_moment(day, time.min)


def _steps(work: Work, day: _Day) -> Iterable[tuple[Section, _Ranked]]:
    """Planned steps due up to a week ahead (or late), with their contact and deal."""
    rows = work.rows(
        STEPS_DUE.format(owner=day.mine("a")), {"week_end": week_end(day.today), "owner": day.owner}
    )
    for row in rows:
        section = step_section(row.due_date, row.due_at, day.now)
        if section is None:
            continue
        late = (day.today - row.due_date).days if section is Section.OVERDUE else None
        open_deal = row.deal_id is not None and row.status == DealStatus.OPEN
        deal = day.deal(row.value, row.currency, row.probability, row.stage) if open_deal else None
        terms = {
            "starred": row.starred,
            "days_late": late or 0,
            "days_ahead": (row.due_date - day.today).days,
            "deal": deal,
        }
        tiebreak = (row.due_date, row.due_time or time.min, 0, row.id)
        total = priority_total(day.weights, **terms)
        yield section, _Ranked(total, tiebreak, partial(_step, day, section, row, late, terms))


def _step(day: _Day, section: Section, row: Any, late: int | None, terms: dict[str, Any]) -> _Item:
    fields = {
        "section": section,
        "kind": "step",
        "activity_id": row.id,
        "step_kind": row.kind,
        "text": row.text,
        "contact_id": row.contact_id,
        "contact": row.name,
        "starred": row.starred,
        "due_date": row.due_date,
        "due_time": row.due_time,
        "due_at": row.due_at,
        "every": row.every,
        "days_late": late,
        **_deal_fields(row.deal_id, row.title, row.value, row.currency, row.probability),
        "stage": row.stage,
    }
    return _Item(fields, priority(day.weights, **terms), row.company_id)


def _deal_fields(
    deal_id: int | None, title: str | None, value: float, currency: str, probability: int
) -> dict[str, Any]:
    if deal_id is None:
        return {}
    return {
        "deal_id": deal_id,
        "deal": title,
        "value": value,
        "currency": currency,
        "probability": probability,
    }


def _deals(work: Work, day: _Day) -> Iterable[tuple[Section, _Ranked]]:
    """Open deals with no step from today on: rotting when idle too long, else no next step.

    A deal whose only steps are overdue is not listed here unless it rots: its steps
    are in the overdue section already.
    """
    rows = work.rows(
        DEALS_WITHOUT_STEP_AHEAD.format(owner=day.mine("d")),
        {"open": DealStatus.OPEN, "today": day.today, "owner": day.owner},
    )
    for row in rows:
        touched = max(row.stage_changed_at, row.last_activity_at or row.stage_changed_at)
        touch_day = local_date(touched)
        idle = idle_days(touch_day, day.today)
        limit_days = rotting_days_for(day.settings, row.stage)
        rotting = is_idle_too_long(touch_day, day.today, limit_days)
        if not rotting and row.planned:
            continue
        section = Section.ROTTING if rotting else Section.NO_STEP
        terms = {
            "starred": row.starred,
            "days_late": idle - limit_days if rotting else 0,
            "deal": day.deal(row.value, row.currency, row.probability, row.stage),
        }
        total = priority_total(day.weights, **terms)
        fields = {
            "section": section,
            "kind": "deal",
            "contact_id": row.contact_id,
            "contact": row.name,
            "starred": row.starred,
            **_deal_fields(row.id, row.title, row.value, row.currency, row.probability),
            "stage": row.stage,
            "last_touch": touch_day,
            "idle_days": idle,
            "limit_days": limit_days if rotting else None,
        }
        late = overdue_detail(idle, limit_days)
        build = partial(_item, day, fields, terms, row.company_id, late)
        yield section, _Ranked(total, (touched, 2, row.id), build)


def _item(
    day: _Day,
    fields: dict[str, Any],
    terms: dict[str, Any],
    company_id: int | None,
    late_detail: str | None = None,
) -> _Item:
    return _Item(fields, priority(day.weights, late_detail=late_detail, **terms), company_id)


def _open_leads(work: Work, day: _Day, *, stale: bool, limit: int | None) -> _Found:
    """Stale open leads, or open leads not stale yet with no step planned at all.

    Within starred and within unstarred leads, priority never rises with a later last
    touch, so the first ``limit`` of each, by last touch, hold the first ``limit`` overall.
    Leads that share a last touch (a whole imported list does) are taken in the index's
    order, and shown by id: asking SQLite for ``c.id`` after the touch would make it
    sort them all.  Most leads having no step, the NOT EXISTS probe passes over few.
    """
    limit_days = int(day.settings["lead.stale_days"])
    fresh_from = local_moment(last_fresh_day(day.today, limit_days), time.min).astimezone(UTC)
    in_range = f"{TOUCH} < :fresh_from" if stale else f"{TOUCH} >= :fresh_from"
    in_range += day.mine("c")  # the owner is in ix_contacts_open_leads: no row read for it
    params: dict[str, Any] = {"fresh_from": fresh_from, "owner": day.owner}
    if stale:
        params["today"] = day.today  # only stale leads ask for a step from today on
    steps = f"{LEAD_STEPS} AND a.due_date >= :today" if stale else LEAD_STEPS
    listed = f"{in_range} AND NOT EXISTS ({steps})"
    query = f"""
        SELECT c.id, c.name, c.company_id, c.lead_status, {TOUCH} AS touched
        FROM contacts AS c
        WHERE {OPEN_LEAD} AND c.starred = :starred AND {listed}
        ORDER BY {TOUCH}"""
    page = dict(params)
    if limit is not None:
        query += " LIMIT :limit"
        page["limit"] = limit
    found = _Found()
    for starred in (True, False):
        rows = work.rows(query, {**page, "starred": starred})
        found.items.extend(_lead(day, row, starred, stale, limit_days) for row in rows)
    if limit is None:  # every one of them was read
        found.total = len(found.items)
        return found
    cap = max(COUNT_CAP, limit)
    ahead = " AND a.due_date >= :today" if stale else ""
    counted = _count_open_leads(work, in_range, ahead, params, cap=cap)
    found.total, found.capped = min(counted, cap), counted > cap
    return found


def _lead(day: _Day, row: Any, starred: bool, stale: bool, limit_days: int) -> _Ranked:
    touch_day = local_date(row.touched)
    idle = idle_days(touch_day, day.today)
    terms: dict[str, Any] = {"starred": starred, "days_late": idle - limit_days if stale else 0}
    fields = {
        "section": Section.STALE if stale else Section.NO_STEP,
        "kind": "lead",
        "contact_id": row.id,
        "contact": row.name,
        "starred": starred,
        "status": row.lead_status,
        "last_touch": touch_day,
        "idle_days": idle,
        "limit_days": limit_days if stale else None,
    }
    build = partial(_item, day, fields, terms, row.company_id, overdue_detail(idle, limit_days))
    return _Ranked(priority_total(day.weights, **terms), (row.touched, 1, row.id), build)


def _count_open_leads(
    work: Work, in_range: str, ahead: str, params: dict[str, Any], *, cap: int
) -> int:
    """How many open leads in the range have no step (``ahead``), or ``cap + 1`` if more.

    Those with a step are few (as many as the planned steps) and counted exactly; the
    leads in the range are counted in the partial index of open leads alone, with no
    probe per lead, and no further than the cap plus those: the cost is bounded by the
    cap and the planned steps, however many leads there are.
    """
    # "starred in (false, true)" is always true; it lets SQLite range over the index.
    either = f"{OPEN_LEAD} AND c.starred IN (:no, :yes) AND {in_range}"
    bounds = params | {"no": False, "yes": True}
    with_steps = int(
        work.value(
            # The steps first (a DISTINCT subquery SQLite keeps whole), then their contacts.
            "SELECT count(*) AS n FROM (SELECT DISTINCT a.contact_id FROM activities AS a "
            f"WHERE a.done_at IS NULL{ahead}) AS planned "
            f"JOIN contacts AS c ON c.id = planned.contact_id WHERE {either}",
            bounds,
        )
    )
    enough = cap + 1 + with_steps
    leads = f"SELECT 1 FROM contacts AS c WHERE {either} LIMIT :enough"
    everyone = work.value(
        f"SELECT count(*) AS n FROM ({leads}) AS leads", bounds | {"enough": enough}
    )
    return min(int(everyone) - with_steps, cap + 1)


def _customers(work: Work, day: _Day) -> Iterable[_Ranked]:
    """Customers whose status turned pre-inactive in the last 7 days: time to follow up."""
    thresholds = thresholds_from(day.settings)
    first, last = turned_pre_inactive_window(day.today, thresholds.pre_inactive_days)
    rows = work.rows(
        PRE_INACTIVE_CANDIDATES.format(owner=day.mine("c")),
        {"first": first, "last": last, "today": day.today, "owner": day.owner},
    )
    for row in rows:  # the stage is tested here: in SQL it would lead SQLite to every customer
        if row.stage != Stage.CUSTOMER:
            continue
        status = customer_status_as_of(
            row.last_purchase, day.today, thresholds, churned_on=row.churned_on
        )
        if row.last_purchase > last or status != CustomerStatus.PRE_INACTIVE:
            continue
        spent = float(row.spent or 0)
        terms = {"starred": row.starred, "deal": DealFacts(spent, row.currency, 100, "", 0, 0)}
        fields = {
            "section": Section.PRE_INACTIVE,
            "kind": "customer",
            "contact_id": row.contact_id,
            "contact": row.name,
            "starred": row.starred,
            "status": status,
            "value": round(spent, 2),
            "currency": row.currency,
            "last_purchase": row.last_purchase,
            "idle_days": (day.today - row.last_purchase).days,
        }
        build = partial(_item, day, fields, terms, row.company_id)
        tiebreak = (row.last_purchase, 3, row.contact_id)
        yield _Ranked(priority_total(day.weights, **terms), tiebreak, build)


# Candidates for keep in touch: their ids, star and last touch (left as stored text, which
# sorts as the instants do: thousands of rows cost no date parsing).
KEEP_IN_TOUCH = f"""
SELECT c.id, c.starred, coalesce(c.last_activity_at, c.created_at) AS touch_text
FROM contacts AS c{{join}}
WHERE {{which}}{{owner}} AND coalesce(c.last_activity_at, c.created_at) < :cutoff
  AND NOT (c.stage = 'prospect' AND c.prospect_status = 'cancelled')
  AND NOT EXISTS ({LEAD_STEPS} AND a.due_date >= :today)
LIMIT :cap
"""
IN_TOUCH_COLUMNS = (
    "SELECT c.id, c.name, c.starred, c.company_id, c.stage, c.lead_status, c.prospect_status, "
    "coalesce(c.last_activity_at, c.created_at) AS touched FROM contacts AS c "
    "WHERE c.id IN {values}"
)


@dataclass(frozen=True)
class _Cadence:
    every: Interval
    whose: str  # "tag vip", "this contact"
    limit_days: int  # the cadence in days, as of today


def _keep_in_touch(work: Work, day: _Day, limit: int | None) -> _Found:
    """Contacts with a cadence (``cadence.<tag>``, ``cadence.contact.<id>``) that nothing
    was done with for that long, and that have no step ahead.

    A contact's own cadence overrides its tags'; of several tags the shortest applies
    (flagged by a longer one, a contact is flagged by the shorter too).  Each cadence
    reads at most ``IN_TOUCH_CAP`` + 1 contacts through the tag's index (past it the
    section says "more"), as ids and touches only; then only the first ``limit`` by
    priority are read whole.  A tag on a million contacts costs what a thousand do.
    """
    by_tag, by_contact = cadences(day.settings)
    found = _Found()
    if not by_tag and not by_contact:
        return found
    flagged: dict[int, tuple[bool, str, _Cadence]] = {}

    def read(join: str, which: str, cadence: _Cadence, params: dict[str, Any]) -> None:
        cutoff_day = cadence.every.before(day.today) + timedelta(days=1)
        cutoff = local_moment(cutoff_day, time.min).astimezone(UTC)
        query = KEEP_IN_TOUCH.format(join=join, which=which, owner=day.mine("c"))
        bounds = {**params, "cutoff": cutoff, "today": day.today, "cap": IN_TOUCH_CAP + 1}
        bounds["owner"] = day.owner
        rows = work.rows(query, bounds)
        found.capped |= len(rows) > IN_TOUCH_CAP
        for row in rows[:IN_TOUCH_CAP]:
            if cadence.whose != "this contact" and row.id in by_contact:
                continue  # its own cadence decides
            shown = flagged.get(row.id)
            if shown is None or cadence.limit_days < shown[2].limit_days:
                flagged[row.id] = (row.starred, str(row.touch_text), cadence)

    def cadence_of(every: Interval, whose: str) -> _Cadence:
        return _Cadence(every, whose, (day.today - every.before(day.today)).days)

    join_tag = " JOIN contact_tags AS t ON t.contact_id = c.id"
    for tag, every in sorted(by_tag.items()):
        read(join_tag, "t.tag = :tag", cadence_of(every, f"tag {tag}"), {"tag": tag})
    for contact_id, every in sorted(by_contact.items()):
        read("", "c.id = :id", cadence_of(every, "this contact"), {"id": contact_id})

    def first_guess(item: tuple[int, tuple[bool, str, _Cadence]]) -> tuple[Any, ...]:
        """Priority order, near enough to pick the first ``limit`` (the UTC day of the
        touch for its local day); those are then ranked exactly."""
        contact_id, (starred, touch, cadence) = item
        idle = (day.today - date.fromisoformat(touch[:10])).days
        return (not starred, -min(idle - cadence.limit_days, LATE_CAP_DAYS), touch, contact_id)

    ranked = sorted(flagged.items(), key=first_guess)
    chosen = ranked if limit is None else ranked[: 2 * limit + 10]  # room for the guess's error
    rows = rows_in(work, IN_TOUCH_COLUMNS, [contact_id for contact_id, _ in chosen])
    for row in rows:
        found.items.append(_in_touch(day, row, flagged[row.id][2]))
    found.total = len(flagged)
    return found


def _in_touch(day: _Day, row: Any, cadence: _Cadence) -> _Ranked:
    touch_day = local_date(row.touched)
    idle = idle_days(touch_day, day.today)
    limit_days = cadence.limit_days
    terms: dict[str, Any] = {"starred": row.starred, "days_late": idle - limit_days}
    status = row.prospect_status if row.stage == Stage.PROSPECT else row.lead_status
    fields = {
        "section": Section.KEEP_IN_TOUCH,
        "kind": "contact",
        "contact_id": row.id,
        "contact": row.name,
        "starred": row.starred,
        "status": f"{row.stage}, {status}" if row.stage != Stage.CUSTOMER else row.stage,
        "last_touch": touch_day,
        "idle_days": idle,
        "limit_days": limit_days,
        "cadence": f"{cadence.every} for {cadence.whose}",
    }
    build = partial(_item, day, fields, terms, row.company_id, overdue_detail(idle, limit_days))
    return _Ranked(priority_total(day.weights, **terms), (row.touched, 4, row.id), build)


def _public(work: Work, day: _Day, found: dict[Section, _Found], limit: int | None) -> TodoPublic:
    shown = {
        section: [r.build() for r in sorted(result.items, key=lambda r: r.key)[:limit]]
        for section, result in found.items()
    }
    companies = company_names(work, (i.company_id for items in shown.values() for i in items))
    blank = dict.fromkeys(ITEM_FIELDS)
    return TodoPublic(
        as_of=day.today,
        now=day.now.astimezone(UTC),
        sections=[
            TodoSectionPublic(
                name=section,
                title=SECTION_TITLES[section],
                total=found[section].total,
                total_capped=found[section].capped,
                items=[
                    TodoItemPublic(
                        **{
                            **blank,
                            **item.fields,
                            "company": companies.get(item.company_id or 0),
                            "priority": item.priority.total,
                        },
                        breakdown=[
                            PriorityTermPublic(
                                name=term.name,
                                factor=term.factor,
                                weight=term.weight,
                                points=term.points,
                                detail=term.detail,
                            )
                            for term in item.priority.terms
                        ],
                    )
                    for item in shown[section]
                ],
            )
            for section in Section
        ],
    )
