"""Random walks through the funnel, at the shell: the real CLI on a real SQLite file.

The machine keeps a small model of every contact and deal, predicts whether each
command is accepted or refused, and after every step checks that the database
agrees with the model and that nothing ever moved backwards:

- a contact never moves back in the funnel (prospect < lead < customer; lead
  status new < contacted < qualified, disqualified final; level never sql -> mql);
- a won or lost deal never changes again;
- a cancelled prospect never becomes a lead;
- a refused command exits 1 with one line "Error: ..." and writes nothing;
- customer status only worsens as the as-of date advances between purchases.

A second machine (:class:`FunnelWithUndo`) also undoes, at random: any command followed
by `undo` leaves the database, every listing, every record's history and search as they
were before it, however many commands are undone in a row.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from typer.testing import Result

from salesfunnel.db.engine import open_engine
from salesfunnel.db.location import database_url

START = date(2026, 11, 23)
STAGES = {"qualification": 10, "meeting": 25, "proposal": 50, "negotiation": 75}
PRE_INACTIVE_DAYS, INACTIVE_DAYS = 90, 180

FUNNEL_ORDER = {"prospect": 0, "lead": 1, "customer": 2}
LEAD_STEPS = {  # lead status -> the statuses it may move on to (itself included)
    None: {None, "new", "contacted", "qualified", "disqualified"},
    "new": {"new", "contacted", "qualified", "disqualified"},
    "contacted": {"contacted", "qualified", "disqualified"},
    "qualified": {"qualified"},
    "disqualified": {"disqualified"},
}
LEVEL_STEPS = {None: {None, "mql", "sql"}, "mql": {"mql", "sql"}, "sql": {"sql"}}
PROSPECT_STEPS = {
    None: {None},
    "open": {"open", "converted", "cancelled"},
    "converted": {"converted"},
    "cancelled": {"cancelled"},
}
STATUS_RANK = {"active": 0, "pre-inactive": 1, "inactive": 2}

# The commands that write (and so are journaled for undo), by their first words.
WRITES: set[tuple[str, ...] | str] = {
    ("prospect", "add"),
    ("prospect", "convert"),
    ("prospect", "cancel"),
    ("lead", "add"),
    ("lead", "qualify"),
    ("lead", "disqualify"),
    ("deal", "open"),
    ("deal", "move"),
    ("deal", "win"),
    ("deal", "lose"),
    ("customer", "purchase"),
    ("customer", "churn"),
    "log",
}

names = st.sampled_from(["Ana Silva", "João Costa", "María López", "Игорь Петров", "Bo Chen"])
emails = st.none() | st.sampled_from(["ana@example.com", "joao@example.com", "maria@example.com"])
stage_names = st.sampled_from([*STAGES, "closing"])  # "closing" is not a stage


@dataclass
class Person:
    """What the model expects of one contact."""

    stage: str
    prospect_status: str | None = None
    lead_status: str | None = None
    level: str | None = None
    churned_on: date | None = None
    purchases: list[date] = field(default_factory=list)

    def last_purchase(self, as_of: date) -> date | None:
        return max((day for day in self.purchases if day <= as_of), default=None)

    def churned(self, as_of: date) -> bool:
        """Churned as of a day: the churn is on or before it, and no purchase came later."""
        last = self.last_purchase(as_of)
        return (
            self.churned_on is not None
            and self.churned_on <= as_of
            and (last is None or self.churned_on >= last)
        )

    def status(self, as_of: date) -> str:
        last = self.last_purchase(as_of)
        assert last is not None
        days = (as_of - last).days
        if self.churned(as_of) or days > INACTIVE_DAYS:
            return "inactive"
        return "active" if days <= PRE_INACTIVE_DAYS else "pre-inactive"


@dataclass
class Opportunity:
    """What the model expects of one deal."""

    contact_id: int
    stage: str = "qualification"
    probability: int = STAGES["qualification"]
    manual: bool = False
    value: float = 0.0
    status: str = "open"
    closed_on: date | None = None


class Funnel(RuleBasedStateMachine):
    """Prospects, leads, deals and customers, driven through the CLI in random order."""

    def __init__(self, run: Callable[..., Result]) -> None:
        super().__init__()
        self.run = run
        self.folder = tempfile.mkdtemp(prefix="funnel-")
        self.db = os.path.join(self.folder, "funnel.db")
        self.today = START
        self.set_clock()
        self.people: dict[int, Person] = {}
        self.deals: dict[int, Opportunity] = {}
        self.emails: set[str] = set()
        self.frozen: dict[int, tuple[Any, ...]] = {}  # closed deals, as first seen closed
        self.seen: dict[int, tuple[Any, ...]] = {}  # contacts, as of the last step
        try:  # the database made, empty, so refusals find one (reads don't make it)
            open_engine(database_url(self.db)).dispose()
        except BaseException:
            self.teardown()  # hypothesis only tears down machines it managed to build
            raise

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- driving the CLI ------------------------------------------------------------------

    def set_clock(self) -> None:
        os.environ["SALESFUNNEL_NOW"] = datetime.combine(self.today, time(9)).isoformat()

    def cli(self, *args: str) -> Result:
        return self.run("--db", self.db, *args)

    def expect(self, allowed: bool, *args: str) -> Result:
        """Run a command the model accepts (exit 0) or refuses (exit 1, one line, no write)."""
        before = None if allowed else self.dump()
        if allowed and (tuple(args[:2]) in WRITES or args[0] in WRITES):
            self.before_write()
        result = self.cli(*args)
        if allowed:
            assert result.exit_code == 0, (args, result.exit_code, result.stderr)
        else:
            assert result.exit_code == 1, (args, result.exit_code, result.stdout, result.stderr)
            assert result.stdout == ""
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert result.stderr.startswith("Error: "), result.stderr
            assert self.dump() == before, f"refused {args} changed the database"
        return result

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: what "nothing was written" is compared on."""
        with closing(sqlite3.connect(self.db)) as db:
            tables = [
                name for (name,) in db.execute("select name from sqlite_master where type='table'")
            ]
            return {t: sorted(db.execute(f'select * from "{t}"'), key=repr) for t in tables}

    def before_write(self) -> None:
        """Called before each write the model accepts (FunnelWithUndo keeps a snapshot)."""

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.db)) as db:
            return db.execute(sql).fetchall()

    def contacts(self, *stages: str) -> list[int]:
        return sorted(i for i, p in self.people.items() if p.stage in stages)

    def prospects(self, *statuses: str) -> list[int]:
        """Contacts that came in as prospects, in any of ``statuses`` (default: all)."""
        return sorted(
            i
            for i, p in self.people.items()
            if p.prospect_status and p.prospect_status in (statuses or PROSPECT_STEPS)
        )

    def deal_ids(self, *statuses: str) -> list[int]:
        return sorted(i for i, d in self.deals.items() if d.status in statuses)

    def pick_contact(self, data: st.DataObject, ids: list[int]) -> tuple[int, Person]:
        contact_id = data.draw(st.sampled_from(ids), label="contact")
        return contact_id, self.people[contact_id]

    def pick_deal(self, data: st.DataObject, *statuses: str) -> tuple[int, Opportunity]:
        deal_id = data.draw(st.sampled_from(self.deal_ids(*statuses)), label="deal")
        return deal_id, self.deals[deal_id]

    def buys(self, person: Person, day: date) -> None:
        person.stage = "customer"
        person.purchases.append(day)

    # -- the starting line: someone at every step, so that short walks reach deep -----------

    @initialize(prospect=names, lead=names)
    def a_prospect_and_a_lead(self, prospect: str, lead: str) -> None:
        self.add_prospect(prospect, None)
        self.add_lead(lead, None)

    @initialize(
        name=names,
        stage=st.sampled_from(list(STAGES)),
        probability=st.none() | st.integers(0, 99),
    )
    def a_deal_in_the_pipeline(self, name: str, stage: str, probability: int | None) -> None:
        self.add_lead(name, None)
        self.open_deal_for(max(self.people), stage, probability)

    @initialize(name=names, days=st.integers(-400, 0))
    def a_customer(self, name: str, days: int) -> None:
        self.add_lead(name, None)
        contact_id = max(self.people)
        day = self.today + timedelta(days=days)
        self.expect(
            True, "customer", "purchase", str(contact_id), "--value", "90", "--date", f"{day}"
        )
        self.buys(self.people[contact_id], day)

    # -- prospects ------------------------------------------------------------------------

    @rule(name=names, email=emails)
    def add_prospect(self, name: str, email: str | None) -> None:
        """A cold contact; an email already known is refused."""
        allowed = email not in self.emails
        args = ["--email", email] if email else []
        result = self.expect(allowed, "prospect", "add", name, *args, "--json")
        if allowed:
            self.people[json.loads(result.stdout)["id"]] = Person("prospect", "open")
            self.emails.update([email] if email else [])

    @precondition(lambda self: self.prospects())
    @rule(data=st.data())
    def convert(self, data: st.DataObject) -> None:
        """Only an open prospect converts; it becomes a new lead with the same id."""
        contact_id, person = self.pick_contact(data, self.prospects())
        allowed = person.prospect_status == "open"
        self.expect(allowed, "prospect", "convert", str(contact_id))
        if allowed:
            person.prospect_status, person.stage, person.lead_status = "converted", "lead", "new"

    @precondition(lambda self: self.prospects())
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        """Only an open prospect can be cancelled: never contact it again."""
        contact_id, person = self.pick_contact(data, self.prospects())
        allowed = person.prospect_status == "open"
        self.expect(allowed, "prospect", "cancel", str(contact_id), "--yes", "--reason", "cold")
        if allowed:
            person.prospect_status = "cancelled"

    @precondition(lambda self: self.prospects("cancelled"))
    @rule(data=st.data())
    def convert_a_cancelled_prospect(self, data: st.DataObject) -> None:
        contact_id, _ = self.pick_contact(data, self.prospects("cancelled"))
        result = self.expect(False, "prospect", "convert", str(contact_id))
        assert "it was cancelled" in result.stderr

    @precondition(lambda self: self.prospects("cancelled"))
    @rule(data=st.data(), level=st.sampled_from(["mql", "sql"]))
    def qualify_a_cancelled_prospect(self, data: st.DataObject, level: str) -> None:
        contact_id, _ = self.pick_contact(data, self.prospects("cancelled"))
        result = self.expect(False, "lead", "qualify", str(contact_id), "--level", level)
        assert "it was cancelled" in result.stderr

    @precondition(lambda self: self.contacts("prospect"))
    @rule(
        data=st.data(),
        command=st.sampled_from(
            [
                ("lead", "qualify"),
                ("lead", "disqualify", "--reason", "cold"),
                ("deal", "open"),
                ("customer", "purchase", "--value", "100"),
                ("customer", "churn", "--yes"),
                ("customer", "status"),
            ]
        ),
    )
    def a_prospect_is_not_a_lead_yet(self, data: st.DataObject, command: tuple[str, ...]) -> None:
        """Open or cancelled, a prospect takes no lead, deal or customer command."""
        contact_id, _ = self.pick_contact(data, self.contacts("prospect"))
        self.expect(False, *command[:2], str(contact_id), *command[2:])

    @precondition(lambda self: self.contacts("lead", "customer"))
    @rule(data=st.data(), command=st.sampled_from([("convert",), ("cancel", "--yes")]))
    def a_lead_is_no_prospect(self, data: st.DataObject, command: tuple[str, ...]) -> None:
        """Prospect commands refuse contacts that are past the prospect stage."""
        contact_id, _ = self.pick_contact(data, self.contacts("lead", "customer"))
        self.expect(False, "prospect", command[0], str(contact_id), *command[1:])

    # -- leads ----------------------------------------------------------------------------

    @rule(name=names, email=emails)
    def add_lead(self, name: str, email: str | None) -> None:
        """An inbound lead starts as new."""
        allowed = email not in self.emails
        args = ["--email", email] if email else []
        result = self.expect(allowed, "lead", "add", name, *args, "--json")
        if allowed:
            self.people[json.loads(result.stdout)["id"]] = Person("lead", lead_status="new")
            self.emails.update([email] if email else [])

    @precondition(lambda self: self.people)
    @rule(data=st.data())
    def log_a_call(self, data: st.DataObject) -> None:
        """Anyone but a cancelled prospect can be called; a new lead's first call: contacted."""
        contact_id, person = self.pick_contact(data, sorted(self.people))
        allowed = person.prospect_status != "cancelled"
        self.expect(allowed, "log", str(contact_id), "call", "Intro call")
        if allowed and (person.stage, person.lead_status) == ("lead", "new"):
            person.lead_status = "contacted"

    @precondition(lambda self: self.contacts("lead", "customer"))
    @rule(
        data=st.data(),
        level=st.sampled_from(["mql", "sql"]),
        no_deal=st.booleans(),
        value=st.none() | st.just("1200"),
    )
    def qualify(self, data: st.DataObject, level: str, no_deal: bool, value: str | None) -> None:
        """new/contacted -> qualified, or mql -> sql; an sql lead opens a deal unless --no-deal."""
        contact_id, person = self.pick_contact(data, self.contacts("lead", "customer"))
        opens_deal = level == "sql" and not no_deal
        allowed = (
            person.lead_status in ("new", "contacted")
            or (person.lead_status, person.level, level) == ("qualified", "mql", "sql")
        ) and (opens_deal or value is None)
        args = ["--level", level, *(["--no-deal"] if no_deal else [])]
        args += ["--value", value] if value else []
        result = self.expect(allowed, "lead", "qualify", str(contact_id), *args, "--json")
        if not allowed:
            return
        person.lead_status, person.level = "qualified", level
        deal_id = json.loads(result.stdout)["deal_id"]
        assert (deal_id is not None) == opens_deal
        if opens_deal:
            self.deals[deal_id] = Opportunity(contact_id, value=float(value or 0))

    @precondition(lambda self: self.contacts("lead", "customer"))
    @rule(data=st.data())
    def disqualify(self, data: st.DataObject) -> None:
        """Only a lead not yet qualified can be disqualified; it is final."""
        contact_id, person = self.pick_contact(data, self.contacts("lead", "customer"))
        allowed = person.lead_status in ("new", "contacted")
        self.expect(allowed, "lead", "disqualify", str(contact_id), "--reason", "no budget")
        if allowed:
            person.lead_status = "disqualified"

    # -- deals ----------------------------------------------------------------------------

    @precondition(lambda self: self.contacts("lead", "customer"))
    @rule(
        data=st.data(),
        stage=st.none() | stage_names,
        probability=st.none() | st.integers(0, 120),
    )
    def open_deal(self, data: st.DataObject, stage: str | None, probability: int | None) -> None:
        """For a lead (not disqualified) or a customer; a known stage; probability 0-99."""
        contact_id, person = self.pick_contact(data, self.contacts("lead", "customer"))
        allowed = (
            (person.stage == "customer" or person.lead_status != "disqualified")
            and (stage is None or stage in STAGES)
            and (probability is None or probability <= 99)
        )
        if allowed:
            self.open_deal_for(contact_id, stage, probability)
        else:
            self.expect(
                False, "deal", "open", str(contact_id), *self.deal_options(stage, probability)
            )

    def deal_options(self, stage: str | None, probability: int | None) -> list[str]:
        args = ["--stage", stage] if stage else []
        return args + (["--probability", str(probability)] if probability is not None else [])

    def open_deal_for(self, contact_id: int, stage: str | None, probability: int | None) -> None:
        """Open a deal the model accepts; a probability given by hand sticks across stages."""
        args = self.deal_options(stage, probability)
        result = self.expect(True, "deal", "open", str(contact_id), *args, "--json")
        stage = stage or "qualification"
        self.deals[json.loads(result.stdout)["id"]] = Opportunity(
            contact_id,
            stage=stage,
            probability=STAGES[stage] if probability is None else probability,
            manual=probability is not None,
        )

    @precondition(lambda self: self.deal_ids("open"))
    @rule(data=st.data(), stage=stage_names)
    def move(self, data: st.DataObject, stage: str) -> None:
        """An open deal moves to another known stage; a hand-set probability sticks."""
        deal_id, deal = self.pick_deal(data, "open")
        allowed = stage in STAGES and stage != deal.stage
        self.expect(allowed, "deal", "move", str(deal_id), stage)
        if allowed:
            deal.stage = stage
            deal.probability = deal.probability if deal.manual else STAGES[stage]

    @precondition(lambda self: self.deal_ids("open"))
    @rule(data=st.data(), value=st.none() | st.just("5000"))
    def win(self, data: st.DataObject, value: str | None) -> None:
        """Won today: a purchase, and its contact becomes (or stays) a customer."""
        deal_id, deal = self.pick_deal(data, "open")
        self.expect(True, "deal", "win", str(deal_id), *(["--value", value] if value else []))
        deal.status, deal.probability, deal.closed_on = "won", 100, self.today
        deal.value = float(value) if value else deal.value
        self.buys(self.people[deal.contact_id], self.today)

    @precondition(lambda self: self.deal_ids("open"))
    @rule(data=st.data())
    def lose(self, data: st.DataObject) -> None:
        """Lost today, with a reason."""
        deal_id, deal = self.pick_deal(data, "open")
        self.expect(True, "deal", "lose", str(deal_id), "--reason", "price")
        deal.status, deal.probability, deal.closed_on = "lost", 0, self.today

    @precondition(lambda self: self.deal_ids("lost"))
    @rule(data=st.data())
    def win_a_lost_deal(self, data: st.DataObject) -> None:
        deal_id, _ = self.pick_deal(data, "lost")
        result = self.expect(False, "deal", "win", str(deal_id))
        assert f"can't win deal #{deal_id}: it was lost" in result.stderr

    @precondition(lambda self: self.deal_ids("won"))
    @rule(data=st.data(), stage=st.sampled_from(list(STAGES)))
    def move_a_won_deal(self, data: st.DataObject, stage: str) -> None:
        deal_id, _ = self.pick_deal(data, "won")
        result = self.expect(False, "deal", "move", str(deal_id), stage)
        assert f"can't move deal #{deal_id}: it was won" in result.stderr

    @precondition(lambda self: self.deal_ids("won", "lost"))
    @rule(
        data=st.data(),
        command=st.sampled_from([("move", "meeting"), ("win",), ("lose", "--reason", "late")]),
    )
    def a_closed_deal_stays_closed(self, data: st.DataObject, command: tuple[str, ...]) -> None:
        """Won or lost, a deal refuses every further move."""
        deal_id, deal = self.pick_deal(data, "won", "lost")
        result = self.expect(False, "deal", command[0], str(deal_id), *command[1:])
        assert f"it was {deal.status}" in result.stderr

    # -- customers ------------------------------------------------------------------------

    @precondition(lambda self: self.contacts("lead", "customer"))
    @rule(
        data=st.data(),
        days=st.integers(-400, 30),
        value=st.sampled_from(["250", "1,200.50", "0"]),
    )
    def purchase(self, data: st.DataObject, days: int, value: str) -> None:
        """A lead or customer buys, on any day (even ahead); a zero amount is refused."""
        contact_id, person = self.pick_contact(data, self.contacts("lead", "customer"))
        day = self.today + timedelta(days=days)
        allowed = value != "0"
        args = ["--value", value, "--date", day.isoformat()]
        self.expect(allowed, "customer", "purchase", str(contact_id), *args)
        if allowed:
            self.buys(person, day)

    @precondition(lambda self: self.contacts("customer"))
    @rule(data=st.data())
    def churn(self, data: st.DataObject) -> None:
        """A customer who has bought by today and is not churned already: inactive from today."""
        contact_id, person = self.pick_contact(data, self.contacts("customer"))
        allowed = person.last_purchase(self.today) is not None and not person.churned(self.today)
        self.expect(allowed, "customer", "churn", str(contact_id), "--yes")
        if allowed:
            person.churned_on = self.today

    @precondition(lambda self: self.contacts("lead"))
    @rule(data=st.data(), command=st.sampled_from([("churn", "--yes"), ("status",)]))
    def a_lead_is_not_a_customer_yet(self, data: st.DataObject, command: tuple[str, ...]) -> None:
        """Until it buys, a lead has no customer status and can't churn."""
        contact_id, _ = self.pick_contact(data, self.contacts("lead"))
        result = self.expect(False, "customer", command[0], str(contact_id), *command[1:])
        assert "not a customer yet" in result.stderr

    @precondition(lambda self: self.contacts("customer"))
    @rule(days=st.integers(1, 120))
    def time_passes(self, days: int) -> None:
        """The clock moves on (only ever forwards), so churns can be followed by purchases."""
        self.today += timedelta(days=days)
        self.set_clock()

    @precondition(lambda self: self.people)
    @rule(
        command=st.sampled_from(
            [
                ("prospect", "convert", "999"),
                ("lead", "qualify", "999"),
                ("deal", "open", "999"),
                ("deal", "win", "999"),
                ("customer", "churn", "999", "--yes"),
                ("customer", "status", "999"),
            ]
        )
    )
    def unknown_ids_are_refused(self, command: tuple[str, ...]) -> None:
        result = self.expect(False, *command)
        assert "999" in result.stderr

    @precondition(lambda self: self.contacts("customer"))
    @rule(data=st.data())
    def status_only_worsens_between_purchases(self, data: st.DataObject) -> None:
        """Between two purchases (or after the last), a later as-of day is never better."""
        contact_id, person = self.pick_contact(data, self.contacts("customer"))
        bought = sorted(set(person.purchases))
        start = data.draw(st.sampled_from(bought), label="from purchase")
        later = [day for day in bought if day > start]
        span = (later[0] - start).days - 1 if later else 400
        offsets = data.draw(st.lists(st.integers(0, span), max_size=3), label="days after")
        edges = [PRE_INACTIVE_DAYS, PRE_INACTIVE_DAYS + 1, INACTIVE_DAYS, INACTIVE_DAYS + 1]
        days = sorted({0, *offsets, *(edge for edge in edges if edge <= span)})
        ranks = []
        for offset in days:
            as_of = start + timedelta(days=offset)
            result = self.expect(
                True, "customer", "status", str(contact_id), "--as-of", as_of.isoformat(), "--json"
            )
            found = json.loads(result.stdout)
            assert (found["as_of"], found["last_purchase"]) == (as_of.isoformat(), str(start))
            assert found["status"] == person.status(as_of), (as_of, found)
            ranks.append(STATUS_RANK[found["status"]])
        assert ranks == sorted(ranks), list(zip(days, ranks, strict=True))

    # -- what must always hold ------------------------------------------------------------

    @invariant()
    def database_agrees_with_the_model(self) -> None:
        contacts = {
            row[0]: row[1:]
            for row in self.query(
                "select id, stage, prospect_status, lead_status, qualification_level, churned_on"
                " from contacts"
            )
        }
        assert contacts == {
            i: (p.stage, p.prospect_status, p.lead_status, p.level, _iso(p.churned_on))
            for i, p in self.people.items()
        }
        deals = {
            row[0]: row[1:]
            for row in self.query(
                "select id, contact_id, status, stage, probability, value, closed_on from deals"
            )
        }
        assert deals == {
            i: (d.contact_id, d.status, d.stage, d.probability, d.value, _iso(d.closed_on))
            for i, d in self.deals.items()
        }
        purchases: dict[int, list[str]] = {}
        for contact_id, day in self.query(
            "select contact_id, purchased_on from purchases order by purchased_on"
        ):
            purchases.setdefault(contact_id, []).append(day)
        assert purchases == {
            i: sorted(map(str, p.purchases)) for i, p in self.people.items() if p.purchases
        }

    @invariant()
    def nothing_moves_backwards(self) -> None:
        """Checked on the database alone, against what it held after the previous step."""
        now = {
            row[0]: row[1:]
            for row in self.query(
                "select id, stage, lead_status, qualification_level, prospect_status from contacts"
            )
        }
        for contact_id, (stage, lead, level, prospect) in now.items():
            if prospect == "cancelled":
                assert (stage, lead) == ("prospect", None), "a cancelled prospect became a lead"
            if contact_id not in self.seen:
                continue
            was_stage, was_lead, was_level, was_prospect = self.seen[contact_id]
            assert FUNNEL_ORDER[stage] >= FUNNEL_ORDER[was_stage], (contact_id, was_stage, stage)
            assert lead in LEAD_STEPS[was_lead], (contact_id, was_lead, lead)
            assert level in LEVEL_STEPS[was_level], (contact_id, was_level, level)
            assert prospect in PROSPECT_STEPS[was_prospect], (contact_id, was_prospect, prospect)
        assert set(self.seen) <= set(now), "a contact disappeared"
        self.seen = now
        for row in self.query(
            "select id, status, value, stage, probability, closed_on, lost_reason from deals"
        ):
            if row[1] != "open":
                self.frozen.setdefault(row[0], row)
            assert self.frozen.get(row[0], row) == row, f"closed deal #{row[0]} changed"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@pytest.mark.slow
def test_the_funnel_only_moves_forward(run) -> None:
    run_state_machine_as_test(
        lambda: Funnel(run),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# --- undo -------------------------------------------------------------------------------

# What a user sees of the whole database (asked of the database and of its copy alike).
LISTINGS = [
    ("export", "contacts", "--format", "json"),
    ("export", "deals", "--format", "json"),
    ("export", "activities", "--format", "json"),
    ("lead", "list", "--all", "--json"),
    ("prospect", "list", "--all", "--json"),
    ("prospect", "lists", "--json"),
    *(
        ("deal", "list", "--status", status, "--all", "--json")
        for status in ("open", "won", "lost")
    ),
    ("customer", "list", "--all", "--json"),
    ("pipeline", "--json"),
    ("todo", "--json"),
    ("report", "funnel", "--json"),
    *(("search", word) for word in ("ana", "costa", "игорь", "chen")),
]
NOT_COMPARED = ("undo_", "contacts_fts", "companies_fts", "deals_fts", "sqlite_")


@dataclass
class Snapshot:
    """The database (a copy of its file) and the model, as they were before a command."""

    path: str
    model: dict[str, Any]


class FunnelWithUndo(Funnel):
    """The funnel machine, plus `undo` at random: each undo must bring back, exactly, what
    the database and the model were before the newest command not undone yet."""

    MODEL = ("people", "deals", "emails", "frozen", "seen")

    def __init__(self, run: Callable[..., Result]) -> None:
        self.snapshots: list[Snapshot] = []
        super().__init__(run)

    def before_write(self) -> None:
        path = os.path.join(self.folder, f"before-{len(self.snapshots)}.db")
        with closing(sqlite3.connect(self.db)) as source, closing(sqlite3.connect(path)) as kept:
            source.backup(kept)
        model = {name: copy.deepcopy(getattr(self, name)) for name in self.MODEL}
        self.snapshots.append(Snapshot(path, model))

    @precondition(lambda self: self.snapshots)
    @rule()
    def undo(self) -> None:
        """The newest command left is taken back: everything is as it was before it."""
        was = self.snapshots.pop()
        result = self.cli("undo", "--yes")
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("Undid `"), result.stderr
        assert self.user_data(self.db) == self.user_data(was.path)
        assert self.seen_by_the_user(self.db) == self.seen_by_the_user(was.path)
        for name, value in was.model.items():
            setattr(self, name, value)
        os.remove(was.path)

    @precondition(lambda self: not self.snapshots)
    @rule()
    def nothing_left_to_undo(self) -> None:
        result = self.expect(False, "undo", "--yes")
        assert "nothing to undo" in result.stderr

    def user_data(self, path: str) -> dict[str, list[tuple[Any, ...]]]:
        """Every row the user's data is made of (not the journal, nor the search index's
        internals: search is compared by what it finds)."""
        with closing(sqlite3.connect(path)) as db:
            tables = [
                name
                for (name,) in db.execute("select name from sqlite_master where type='table'")
                if not name.startswith(NOT_COMPARED)
            ]
            return {t: sorted(db.execute(f'select * from "{t}"'), key=repr) for t in tables}

    def seen_by_the_user(self, path: str) -> dict[tuple[str, ...], tuple[int, str, str]]:
        """The listings, and each contact's and deal's record with its history."""
        with closing(sqlite3.connect(path)) as db:
            contacts = [row[0] for row in db.execute("select id from contacts")]
            deals = [row[0] for row in db.execute("select id from deals")]
        commands = [
            *LISTINGS,
            *(("lead", "show", str(i), "--json") for i in contacts),
            *(("customer", "status", str(i), "--json") for i in contacts),
            *(("deal", "show", str(i), "--json") for i in deals),
        ]
        seen = {}
        for command in commands:
            result = self.run("--db", path, *command)
            seen[command] = (result.exit_code, result.stdout, result.stderr)
        return seen


@pytest.mark.slow
def test_any_command_followed_by_undo_leaves_everything_as_before(run) -> None:
    run_state_machine_as_test(
        lambda: FunnelWithUndo(run),
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
