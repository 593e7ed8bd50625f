"""`todo`: sections at their edges, ranking by an explainable priority, per-stage rotting.

Each test sets SALESFUNNEL_NOW where its edge is; conftest's default is Monday
2026-11-23 09:00 UTC.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.domain.todo import (
    Section,
    Weights,
    is_idle_too_long,
    priority,
    priority_total,
    snoozed_until,
    step_section,
)
from salesfunnel.services import todo as todo_service

SECTIONS = [
    "overdue",
    "today",
    "next-7-days",
    "no-next-step",
    "stale-leads",
    "rotting-deals",
    "pre-inactive",
    "keep-in-touch",
]


@pytest.fixture
def at(monkeypatch):
    """Move the clock: ``at("2026-11-09T10:00")`` (UTC)."""

    def move(moment: str) -> None:
        monkeypatch.setenv("SALESFUNNEL_NOW", f"{moment}:00+00:00")

    return move


def todo(ok, *args: str) -> dict[str, list[dict]]:
    """Section name -> items, from `todo --json`."""
    payload = json.loads(ok("todo", "--json", *args).stdout)
    assert [s["name"] for s in payload["sections"]] == SECTIONS
    return {s["name"]: s["items"] for s in payload["sections"]}


def where(sections: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Section -> short labels of its items, only for sections with items."""
    labels = {}
    for name, items in sections.items():
        if items:
            labels[name] = [
                f"step {i['activity_id']}"
                if i["kind"] == "step"
                else f"deal {i['deal_id']}"
                if i["kind"] == "deal"
                else f"{i['kind']} {i['contact_id']}"
                for i in items
            ]
    return labels


# --- steps: overdue, today, next 7 days -------------------------------------------------------


@pytest.fixture
def steps(ok, at) -> None:
    """On Sunday 22 Nov: lead #1 with a step due that day (no time), and steps at midnight."""
    at("2026-11-22T12:00")
    ok("lead", "add", "Ana Souza")
    ok("next", "1", "call", "Due on the 22nd", "--due", "today")  # step 1
    ok("next", "1", "call", "At midnight", "--due", "2026-11-23 00:00")  # step 2
    ok("next", "1", "task", "A week on", "--due", "2026-11-30")  # step 3
    ok("next", "1", "task", "Eight days on", "--due", "2026-12-01")  # step 4


def test_a_date_only_step_is_due_all_day_and_overdue_from_midnight(ok, at, steps) -> None:
    at("2026-11-22T23:59")
    assert where(todo(ok)) == {"today": ["step 1"], "next-7-days": ["step 2"]}
    at("2026-11-23T00:00")
    got = todo(ok)
    assert where(got) == {
        "overdue": ["step 1"],
        "today": ["step 2"],  # due exactly now: not late yet
        "next-7-days": ["step 3"],  # the 30th is 7 days on; the 1st, 8 days, is not listed
    }
    assert got["overdue"][0]["days_late"] == 1


def test_a_timed_step_is_overdue_once_its_moment_has_passed(ok, at, steps) -> None:
    at("2026-11-23T00:01")
    got = todo(ok)
    assert where(got)["overdue"] == ["step 1", "step 2"]
    assert [i["days_late"] for i in got["overdue"]] == [1, 0]


def test_a_step_done_today_leaves_the_list_and_keeps_its_lead_fresh(ok, at) -> None:
    at("2026-11-01T09:00")
    ok("lead", "add", "Ana Souza")
    ok("next", "1", "call", "Follow up", "--due", "2026-11-10")
    at("2026-11-23T09:00")
    assert where(todo(ok)) == {"overdue": ["step 1"], "stale-leads": ["lead 1"]}
    ok("done", "1")
    assert where(todo(ok)) == {"no-next-step": ["lead 1"]}


def test_text_output_has_a_table_per_section_and_no_escape_codes(ok, at, steps) -> None:
    at("2026-11-23T09:00")
    result = ok("todo")
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Overdue (2)"
    assert lines[1].split() == ["id", "due", "kind", "step", "contact", "deal", "priority"]
    assert lines[2].split()[:4] == ["1", "Sun", "2026-11-22", "(1"]
    assert "Today" not in result.stdout
    assert "Next 7 days (1)" in result.stdout
    assert result.stderr == ""


# --- stale leads ----------------------------------------------------------------------------


@pytest.fixture
def idle_lead(ok, at) -> None:
    at("2026-11-09T10:00")
    ok("lead", "add", "Ana Souza", "--email", "ana@example.com")


def test_a_lead_is_stale_on_exactly_day_fourteen(ok, at, idle_lead) -> None:
    at("2026-11-22T23:59")
    assert where(todo(ok)) == {"no-next-step": ["lead 1"]}
    at("2026-11-23T00:00")
    got = todo(ok)
    assert where(got) == {"stale-leads": ["lead 1"]}
    item = got["stale-leads"][0]
    assert (item["idle_days"], item["limit_days"], item["status"]) == (14, 14, "new")
    assert item["last_touch"] == "2026-11-09"


def test_a_step_ahead_keeps_a_lead_from_being_stale_but_a_late_one_does_not(
    ok, at, idle_lead
) -> None:
    at("2026-11-20T10:00")
    ok("next", "1", "call", "Try again", "--due", "2026-11-23")
    at("2026-11-23T09:00")
    assert where(todo(ok)) == {"today": ["step 1"]}
    at("2026-11-24T09:00")
    assert where(todo(ok)) == {"overdue": ["step 1"], "stale-leads": ["lead 1"]}


def test_stale_days_is_a_setting_and_activity_resets_it(ok, at, idle_lead) -> None:
    at("2026-11-19T10:00")
    assert where(todo(ok)) == {"no-next-step": ["lead 1"]}
    ok("config", "set", "lead.stale_days", "10")
    assert where(todo(ok)) == {"stale-leads": ["lead 1"]}
    ok("log", "ana@example.com", "call", "No answer")
    assert where(todo(ok)) == {"no-next-step": ["lead 1"]}


def test_only_open_leads_are_asked_for_a_next_step(ok, at) -> None:
    at("2026-10-01T09:00")
    ok("lead", "add", "Ana Souza")
    ok("lead", "add", "Bruno Lima")
    ok("lead", "add", "Carla Ruiz")
    ok("prospect", "add", "Diego Paz")
    ok("lead", "disqualify", "2", "--reason", "student")
    ok("lead", "qualify", "3", "--level", "mql")
    at("2026-11-23T09:00")
    assert where(todo(ok)) == {"stale-leads": ["lead 1"]}


# --- deals: no next step, rotting ---------------------------------------------------------


@pytest.fixture
def deal(ok, at) -> None:
    """Deal #1 for lead #1, opened on 1 October, 20,000 in qualification."""
    at("2026-10-01T09:00")
    ok("lead", "add", "Ana Souza")
    ok("lead", "qualify", "1", "--value", "20000")


def test_a_deal_rots_after_thirty_days_without_activity_or_stage_change(ok, at, deal) -> None:
    at("2026-10-30T23:59")
    assert where(todo(ok)) == {"no-next-step": ["deal 1"]}
    at("2026-10-31T00:00")
    got = todo(ok)
    assert where(got) == {"rotting-deals": ["deal 1"]}
    assert (got["rotting-deals"][0]["idle_days"], got["rotting-deals"][0]["limit_days"]) == (30, 30)


def test_a_deal_whose_stage_moved_yesterday_is_not_rotting(ok, at, deal) -> None:
    at("2026-11-22T17:00")
    ok("deal", "move", "1", "proposal")
    at("2026-11-23T09:00")
    got = todo(ok)
    assert where(got) == {"no-next-step": ["deal 1"]}
    assert (got["no-next-step"][0]["idle_days"], got["no-next-step"][0]["stage"]) == (
        1,
        "proposal",
    )


def test_a_deal_waiting_on_a_booked_meeting_is_not_rotting(ok, at, deal) -> None:
    at("2026-10-02T09:00")
    ok("next", "1", "meeting", "Decision meeting", "--due", "2026-11-30 10:00")
    at("2026-11-23T09:00")
    assert where(todo(ok)) == {"next-7-days": ["step 1"]}


def test_rotting_days_can_be_set_per_stage(ok, run, at, deal) -> None:
    at("2026-11-10T09:00")
    ok("deal", "move", "1", "negotiation")
    at("2026-11-23T09:00")
    assert where(todo(ok)) == {"no-next-step": ["deal 1"]}
    ok("config", "set", "deal.rotting_days.negotiation", "10")
    assert where(todo(ok)) == {"rotting-deals": ["deal 1"]}
    assert ok("config", "get", "deal.rotting_days.proposal").stdout == "30\n"
    assert ok("config", "get", "deal.rotting_days.negotiation").stdout == "10\n"
    listed = json.loads(ok("config", "list", "--json").stdout)
    assert {"key": "deal.rotting_days.negotiation", "value": "10"}.items() <= listed[-1].items()


def test_a_per_stage_key_must_name_a_pipeline_stage(ok, run, db) -> None:
    result = run("config", "set", "deal.rotting_days.negociation", "10")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: deal.rotting_days.negociation: 'negociation' is not a pipeline stage; "
        "the stages are: qualification, meeting, proposal, negotiation\n"
    )
    bad = run("config", "set", "deal.rotting_days.proposal", "0")
    assert (bad.exit_code, bad.stderr) == (
        1,
        "Error: deal.rotting_days.proposal: 0 must be above zero\n",
    )
    assert db("select count(*) from settings where key <> 'user.name'") == [(0,)]


# --- customers turning pre-inactive ---------------------------------------------------------


def test_customers_who_turned_pre_inactive_in_the_last_seven_days(ok, at) -> None:
    at("2026-01-01T09:00")
    for name in ("Ninety", "NinetyOne", "NinetySeven", "NinetyEight"):
        ok("lead", "add", name)
    today = date(2026, 11, 23)
    for contact, days_ago in ((1, 90), (2, 91), (3, 97), (4, 98)):
        bought = (today - timedelta(days=days_ago)).isoformat()
        ok("customer", "purchase", str(contact), "--value", "1000", "--date", bought)
    at("2026-11-23T09:00")
    got = todo(ok)
    assert where(got) == {"pre-inactive": ["customer 3", "customer 2"]}
    assert [i["idle_days"] for i in got["pre-inactive"]] == [97, 91]


# --- ranking --------------------------------------------------------------------------------


@pytest.fixture
def ranked(ok, at) -> None:
    """Five overdue steps that differ in one thing each."""
    at("2026-11-01T09:00")
    ok("lead", "add", "Plain")  # 1
    ok("lead", "add", "Starred", "--star")  # 2
    ok("lead", "add", "Small deal")  # 3
    ok("lead", "add", "Big deal")  # 4
    ok("lead", "qualify", "3", "--value", "1000")  # deal 1
    ok("lead", "qualify", "4", "--value", "90000")  # deal 2
    ok("deal", "move", "2", "negotiation")
    ok("next", "1", "call", "Plain, 2 days late", "--due", "2026-11-21")  # step 1
    ok("next", "1", "call", "Plain, 10 days late", "--due", "2026-11-13")  # step 2
    ok("next", "2", "call", "Starred, 1 day late", "--due", "2026-11-22")  # step 3
    ok("next", "3", "call", "Small deal, 2 days late", "--due", "2026-11-21")  # step 4
    ok("next", "4", "call", "Big deal, 2 days late", "--due", "2026-11-21")  # step 5
    at("2026-11-23T09:00")


def test_starred_first_then_by_priority(ok, ranked) -> None:
    overdue = todo(ok)["overdue"]
    assert [i["activity_id"] for i in overdue] == [3, 2, 5, 4, 1]
    assert [i["priority"] for i in overdue] == sorted(
        (i["priority"] for i in overdue), reverse=True
    )


def test_the_breakdown_adds_up_to_the_priority(ok, ranked) -> None:
    overdue = {i["activity_id"]: i for i in todo(ok)["overdue"]}
    big = overdue[5]
    assert [(t["name"], t["factor"], t["weight"], t["points"]) for t in big["breakdown"]] == [
        ("overdue", 2, 2, 4),
        ("due", 1, 5, 5),
        ("value", 1.836, 5, 9.18),
        ("stage", 1, 4, 4),
    ]
    assert big["priority"] == 22.18
    assert big["breakdown"][2]["detail"] == "90,000.00 x 75% = 67,500.00 USD"
    for item in overdue.values():
        assert item["priority"] == pytest.approx(sum(t["points"] for t in item["breakdown"]))


def test_explain_shows_each_term(ok, ranked) -> None:
    lines = ok("todo", "--explain").stdout.splitlines()
    assert lines[1].split()[-2:] == ["priority", "why"]
    starred = next(line for line in lines if "Starred, 1 day late" in line)
    assert starred.endswith(
        "107  starred 1 x 100 = 100 + overdue 1 x 2 = 2 (1 day late) + due 1 x 5 = 5 (late)"
    )
    big = next(line for line in lines if "Big deal" in line)
    assert (
        "value 1.836 x 5 = 9.18 (90,000.00 x 75% = 67,500.00 USD) + "
        "stage 1 x 4 = 4 (negotiation, stage 4 of 4)" in big
    )
    assert "why" not in ok("todo").stdout


def test_the_weights_are_settings(ok, ranked) -> None:
    ok("config", "set", "todo.weight.starred", "0")
    ok("config", "set", "todo.weight.value", "0")
    overdue = todo(ok)["overdue"]
    assert [i["activity_id"] for i in overdue] == [2, 5, 4, 1, 3]
    assert [t["name"] for t in overdue[-1]["breakdown"]] == ["overdue", "due"]


def test_a_weight_must_be_a_number(run) -> None:
    result = run("config", "set", "todo.weight.due", "lots")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: todo.weight.due: 'lots' is not a number (e.g. 2 or 0.5)\n",
    )


def test_starred_leads_come_first_among_stale_ones_then_the_longest_idle(ok, at) -> None:
    for day, name, star in (
        ("01", "Oldest", ()),
        ("03", "Starred", ("--star",)),
        ("05", "Middle", ()),
        ("07", "Newest", ()),
    ):
        at(f"2026-10-{day}T09:00")
        ok("lead", "add", name, *star)
    at("2026-11-23T09:00")
    assert where(todo(ok, "--limit", "3"))["stale-leads"] == ["lead 2", "lead 1", "lead 3"]
    result = ok("todo", "--limit", "2")
    assert result.stderr == ""
    assert result.stdout.endswith("\n... and 2 more (use --limit N or --all)\n")  # under it
    assert len(todo(ok, "--all")["stale-leads"]) == 4


# --- totals, empty, as-of ----------------------------------------------------------------------


def test_totals_count_every_item_beyond_the_limit(ok, at) -> None:
    at("2026-10-01T09:00")
    for n in range(5):
        ok("lead", "add", f"Old {n}")
    at("2026-11-20T09:00")
    for n in range(3):
        ok("lead", "add", f"New {n}")
    ok("next", "6", "call", "Welcome call", "--due", "tomorrow")
    at("2026-11-23T09:00")
    payload = json.loads(ok("todo", "--json", "--limit", "1").stdout)
    totals = {s["name"]: (s["total"], len(s["items"])) for s in payload["sections"]}
    assert totals["stale-leads"] == (5, 1)
    assert totals["no-next-step"] == (2, 1)
    assert totals["overdue"] == (1, 1)


# --- big sections: counted up to a cap, then "more than" ---------------------------------------


def import_leads(ok, tmp_path, name: str, count: int) -> None:
    """A list imported with --as-leads: every lead touched at the same moment."""
    path = tmp_path / f"{name}.csv"
    rows = "".join(f"{name} {n},{name.lower()}{n}@example.com\n" for n in range(count))
    path.write_text(f"name,email\n{rows}")
    ok("prospect", "import", str(path), "--as-leads", "--list", name)


@pytest.fixture
def imported_leads(ok, at, tmp_path, monkeypatch) -> None:
    """With the cap lowered to 10: a list of 10 stale leads (as many as the cap), a list
    of 21 leads with no next step yet, and a starred lead (more than the cap)."""
    monkeypatch.setattr(todo_service, "COUNT_CAP", 10)
    at("2026-10-01T09:00")
    import_leads(ok, tmp_path, "Old", 10)
    at("2026-11-23T08:00")
    import_leads(ok, tmp_path, "New", 21)
    at("2026-11-23T08:30")
    ok("lead", "add", "Starred", "--star")
    at("2026-11-23T09:00")


def test_a_section_past_the_cap_says_more_than_the_cap_in_json(ok, imported_leads) -> None:
    payload = json.loads(ok("todo", "--json", "--limit", "3").stdout)
    sections = {s["name"]: s for s in payload["sections"]}
    counted = {
        name: (s["total"], s["total_capped"], len(s["items"])) for name, s in sections.items()
    }
    assert counted == {
        "overdue": (0, False, 0),
        "today": (0, False, 0),
        "next-7-days": (0, False, 0),
        "no-next-step": (10, True, 3),
        "stale-leads": (10, False, 3),  # exactly the cap: an exact count
        "rotting-deals": (0, False, 0),
        "pre-inactive": (0, False, 0),
        "keep-in-touch": (0, False, 0),
    }
    names = [item["contact"] for item in sections["no-next-step"]["items"]]
    assert names == ["Starred", "New 0", "New 1"]  # still the first by priority
    assert [item["contact"] for item in sections["stale-leads"]["items"]] == [
        "Old 0",
        "Old 1",
        "Old 2",
    ]
    assert json.loads(ok("digest", "--format", "json", "--limit", "3").stdout) == payload


def test_a_section_past_the_cap_says_more_than_the_cap_in_text(ok, imported_leads) -> None:
    result = ok("todo", "--limit", "3")
    titles = [line for line in result.stdout.splitlines() if line.endswith("0)")]
    assert titles == ["No next step (more than 10)", "Stale leads (10)"]
    assert result.stderr == ""
    notes = [line for line in result.stdout.splitlines() if line.startswith("...")]
    assert notes == [
        "... and over 7 more (use --limit N or --all)",
        "... and 7 more (use --limit N or --all)",
    ]
    digest = ok("digest", "--limit", "3").stdout
    assert "\nNO NEXT STEP (more than 10)\n  - lead Starred * (#32), new: " in digest
    assert "lead New 1 (#12), new: no next step planned (last touched today)\n" in digest
    assert "  ... and over 7 more (salesfunnel todo --all)\n\nSTALE LEADS (10)\n" in digest
    assert "  ... and 7 more (salesfunnel todo --all)\n" in digest
    markdown = ok("digest", "--format", "markdown", "--limit", "3").stdout
    assert "\n## No next step (more than 10)\n\n- lead Starred \\* (#32)" in markdown
    assert "\n- ... and over 7 more (salesfunnel todo --all)\n" in markdown


def test_all_counts_exactly_and_a_limit_past_the_cap_raises_it(ok, imported_leads) -> None:
    every = json.loads(ok("todo", "--json", "--all").stdout)
    no_step = every["sections"][3]
    assert (no_step["total"], no_step["total_capped"], len(no_step["items"])) == (22, False, 22)
    for section in json.loads(ok("todo", "--json", "--limit", "3").stdout)["sections"]:
        found = every["sections"][[s["name"] for s in every["sections"]].index(section["name"])]
        assert section["items"] == found["items"][:3]  # the first of all, by priority
    wide = json.loads(ok("todo", "--json", "--limit", "15").stdout)["sections"][3]
    assert (wide["total"], wide["total_capped"], len(wide["items"])) == (15, True, 15)
    result = ok("digest", "--limit", "15")
    assert "NO NEXT STEP (more than 15)\n" in result.stdout
    assert "  ... and more (salesfunnel todo --all)\n" in result.stdout


def test_an_empty_day_says_so_on_stderr(empty_db, ok) -> None:
    result = ok("todo")
    assert result.stdout == ""
    assert result.stderr.startswith("Nothing to do")
    payload = json.loads(ok("todo", "--json").stdout)
    assert payload["as_of"] == "2026-11-23"
    assert all(s["total"] == 0 and s["items"] == [] for s in payload["sections"])


def test_as_of_shows_another_day_from_its_start(ok, at, steps) -> None:
    at("2026-11-22T12:00")
    assert where(todo(ok, "--as-of", "tomorrow")) == {
        "overdue": ["step 1"],
        "today": ["step 2"],
        "next-7-days": ["step 3"],
    }
    assert json.loads(ok("todo", "--json", "--as-of", "2026-11-30").stdout)["as_of"] == "2026-11-30"


# --- the rules themselves ----------------------------------------------------------------------

MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.astimezone()
)


@given(
    due=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    now=MOMENTS,
    later=st.timedeltas(timedelta(0), timedelta(days=30)),
)
def test_a_step_only_ever_moves_towards_overdue(due, now, later) -> None:
    order = [None, Section.WEEK, Section.TODAY, Section.OVERDUE]
    first = step_section(due, None, now)
    if (due - now.date()).days > 7:
        assert first is None
    assert order.index(step_section(due, None, now + later)) >= order.index(first)


@given(
    starred=st.booleans(),
    late=st.integers(0, 400),
    ahead=st.integers(-400, 30),
    value=st.floats(0, 10**9),
    probability=st.integers(0, 99),
)
def test_priority_is_the_sum_of_its_terms_and_starred_outweighs_the_rest(
    starred, late, ahead, value, probability
) -> None:
    from salesfunnel.domain.todo import DealFacts

    deal = DealFacts(value, "USD", probability, "proposal", 3, 4)
    weights = Weights()
    got = priority(weights, starred=starred, days_late=late, days_ahead=ahead, deal=deal)
    assert got.total == pytest.approx(sum(t.points for t in got.terms))
    cheap = priority_total(weights, starred=starred, days_late=late, days_ahead=ahead, deal=deal)
    assert cheap == got.total  # the ranking and the breakdown never disagree
    plain = priority(weights, starred=False, days_late=late, days_ahead=ahead, deal=deal)
    assert plain.total < weights.starred


@given(
    due=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    today=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    days=st.integers(1, 60),
)
def test_snooze_always_lands_in_the_future(due, today, days) -> None:
    assert snoozed_until(due, today, days) >= today + timedelta(days=days)


def test_idle_limit_is_inclusive() -> None:
    assert is_idle_too_long(date(2026, 11, 9), date(2026, 11, 23), 14)
    assert not is_idle_too_long(date(2026, 11, 10), date(2026, 11, 23), 14)


def test_leads_with_a_step_are_left_out_of_a_capped_count(ok, imported_leads) -> None:
    """12 of the 22 leads with no next step get one: 10 left, exactly the cap; the stale
    leads with a step due today or later leave the stale count too."""
    for contact_id in range(11, 23):  # the "New" list and none of the starred one
        ok("next", str(contact_id), "call", "Call back", "--due", "tomorrow")
    for contact_id in (1, 2, 3):  # three of the "Old" (stale) list
        ok("next", str(contact_id), "call", "Call back", "--due", "friday")
    sections = {s["name"]: s for s in json.loads(ok("todo", "--json").stdout)["sections"]}
    assert (sections["no-next-step"]["total"], sections["no-next-step"]["total_capped"]) == (
        10,
        False,
    )
    assert (sections["stale-leads"]["total"], sections["stale-leads"]["total_capped"]) == (7, False)
