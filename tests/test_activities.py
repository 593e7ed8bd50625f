"""`next`, `log`, `done`, `snooze`, and the next step in `lead show` / `deal show`.

The clock is fixed at Monday 2026-11-23, 09:00 UTC (conftest) unless a test moves it.
"""

from __future__ import annotations

import json

import pytest

from salesfunnel.domain.owners import login_name


@pytest.fixture
def ana(ok) -> None:
    """Lead #1 Ana (new), lead #2 Bruno qualified as sql with deal #1 at 12,000."""
    ok("lead", "add", "Ana Souza", "--email", "ana@example.com", "--company", "Atlântico")
    ok("lead", "add", "Bruno Lima", "--company", "Northwind")
    ok("lead", "qualify", "2", "--value", "12000")


def step(db, activity_id: int = 1) -> tuple[object, ...]:
    return db(
        "select contact_id, deal_id, kind, text, due_date, due_time, due_at, done_at, snoozed "
        "from activities where id = ?",
        (activity_id,),
    )[0]


# --- next ----------------------------------------------------------------------------------


def test_next_plans_a_timed_step_stored_as_typed_and_as_an_instant(ok, db, ana) -> None:
    result = ok("next", "1", "call", "Send the proposal", "--due", "tomorrow 14:00")
    assert result.stdout == ""
    assert result.stderr == "Planned #1 call with Ana Souza (#1), due Tue 2026-11-24 14:00.\n"
    assert step(db) == (
        1,
        None,
        "call",
        "Send the proposal",
        "2026-11-24",
        "14:00:00.000000",
        "2026-11-24 14:00:00.000000",
        None,
        0,
    )
    assert db("select lead_status, last_activity_at from contacts where id = 1") == [("new", None)]


def test_a_time_is_local_to_the_clock_and_due_at_is_utc(
    ok, db, ana, monkeypatch, in_sao_paulo
) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T12:00:00+00:00")  # 09:00 in São Paulo
    ok("next", "ana@example.com", "meeting", "Demo", "--due", "fri 9:30")
    assert step(db)[4:7] == ("2026-11-27", "09:30:00.000000", "2026-11-27 12:30:00.000000")


def test_a_date_only_step_has_no_time_and_no_instant(ok, db, ana) -> None:
    result = ok("next", "1", "task", "Prepare the quote", "--due", "+3d", "--json")
    payload = json.loads(result.stdout)
    assert payload == {
        "id": 1,
        "contact_id": 1,
        "deal_id": None,
        "kind": "task",
        "text": "Prepare the quote",
        "due_date": "2026-11-26",
        "due_time": None,
        "due_at": None,
        "done_at": None,
        "every": None,
        "owner": login_name(),  # the one user of a new database (domain/owners.py)
    }
    assert result.stderr == ""


def test_next_on_the_only_open_deal_attaches_to_it_and_says_so(ok, db, ana) -> None:
    result = ok("next", "2", "meeting", "Kick-off", "--due", "wed")
    assert result.stderr == (
        "Planned #1 meeting with Bruno Lima (#2), due Wed 2026-11-25.\n"
        "For deal #1 Northwind, the contact's only open deal (see --deal).\n"
    )
    assert step(db)[:2] == (2, 1)


def test_next_with_deal_of_another_contact_is_refused(ok, run, db, ana) -> None:
    result = run("next", "1", "call", "Hi", "--due", "tomorrow", "--deal", "1")
    assert result.exit_code == 1
    assert result.stderr == "Error: deal #1 belongs to contact #2, not #1 Ana Souza\n"
    assert db("select count(*) from activities") == [(0,)]


def test_next_on_a_closed_deal_is_refused(ok, run, db, ana) -> None:
    ok("deal", "lose", "1", "--reason", "price")
    result = run("next", "2", "call", "Hi", "--due", "tomorrow", "--deal", "1")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: can't plan a step for deal #1: it was lost\n",
    )
    ok("next", "2", "call", "Win them back later", "--due", "+1m")
    assert step(db)[:2] == (2, None)  # no open deal left: the step is the contact's


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("9", "call", "x", "--due", "tomorrow"), "Error: no contact with id or email 9\n"),
        (("1", "call", "x", "--due", "someday"), "Error: can't read 'someday' as a date; use"),
        (("1", "call", "x", "--due", "yesterday"), "Error: --due yesterday is 2026-11-22, in the"),
        (("1", "call", "x", "--due", "tomorrow 25:00"), "Error: can't read '25:00' as a time"),
        (("1", "call", "  ", "--due", "tomorrow"), "Error: say what the activity is: TEXT can't"),
    ],
)
def test_next_refuses_what_it_cannot_use_and_writes_nothing(run, db, ana, args, message) -> None:
    result = run("next", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert db("select count(*) from activities") == [(0,)]


def test_next_takes_only_step_kinds_and_wants_a_due_date(run, ana) -> None:
    note = run("next", "1", "note", "x", "--due", "tomorrow")
    assert note.exit_code == 2
    assert "'note' is not one of" in note.stderr
    assert run("next", "1", "call", "x").exit_code == 2


def test_a_cancelled_prospect_is_not_contacted_again(ok, run, db) -> None:
    ok("prospect", "add", "Carla Ruiz")
    ok("prospect", "cancel", "1", "--reason", "asked us not to call")
    for command in (("next", "1", "call", "x", "--due", "tomorrow"), ("log", "1", "call", "x")):
        result = run(*command)
        assert result.exit_code == 1
        assert "it was cancelled (do not contact)" in result.stderr
    assert db("select count(*) from activities") == [(0,)]


# --- log -----------------------------------------------------------------------------------


def test_the_first_activity_makes_a_new_lead_contacted(ok, db, ana) -> None:
    result = ok("log", "ana@example.com", "email", "Sent the brochure")
    assert result.stderr == (
        "Logged #1 email with Ana Souza (#1).\nLead Ana Souza (#1) is now contacted.\n"
    )
    assert db("select lead_status, last_activity_at from contacts where id = 1") == [
        ("contacted", "2026-11-23 09:00:00.000000")
    ]
    assert step(db)[2:] == (
        "email",
        "Sent the brochure",
        None,
        None,
        None,
        "2026-11-23 09:00:00.000000",
        0,
    )
    events = "select action, from_state, to_state, detail from lifecycle_events where entity='lead'"
    assert db(events + " and action = 'contact'") == [("contact", "new", "contacted", "email")]

    again = ok("log", "1", "call", "Talked for 10 minutes")
    assert again.stderr == "Logged #2 call with Ana Souza (#1).\n"
    assert db(events + " and action = 'contact'") == [("contact", "new", "contacted", "email")]


def test_log_on_a_deal_touches_the_deal_and_keeps_a_qualified_lead_qualified(
    ok, db, ana, monkeypatch
) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-24T10:30:00+00:00")
    ok("log", "2", "note", "Budget confirmed", "--deal", "1")
    assert db("select lead_status, last_activity_at from contacts where id = 2") == [
        ("qualified", "2026-11-24 10:30:00.000000")
    ]
    assert db("select last_activity_at, stage_changed_at from deals where id = 1") == [
        ("2026-11-24 10:30:00.000000", "2026-11-23 09:00:00.000000")
    ]


def test_log_json_prints_the_done_activity(ok, ana) -> None:
    payload = json.loads(ok("log", "1", "meeting", "Coffee", "--json").stdout)
    assert payload["done_at"] == "2026-11-23T09:00:00Z"
    assert (payload["kind"], payload["due_date"]) == ("meeting", None)


# --- done ----------------------------------------------------------------------------------


def test_done_completes_a_step_once(ok, run, db, ana, monkeypatch) -> None:
    ok("next", "1", "call", "Follow up", "--due", "tomorrow 10:00")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-24T10:05:00+00:00")
    result = ok("done", "1")
    assert result.stderr == (
        "Done: #1 call with Ana Souza (#1): Follow up.\nLead Ana Souza (#1) is now contacted.\n"
    )
    assert step(db)[7] == "2026-11-24 10:05:00.000000"
    assert db("select lead_status, last_activity_at from contacts where id = 1") == [
        ("contacted", "2026-11-24 10:05:00.000000")
    ]

    again = run("done", "1")
    assert again.exit_code == 1
    assert again.stdout == ""
    assert again.stderr == "Error: activity #1 is already done (2026-11-24 10:05)\n"
    assert step(db)[7] == "2026-11-24 10:05:00.000000"
    missing = run("done", "7")
    assert (missing.exit_code, missing.stderr) == (1, "Error: no activity with id 7\n")


def test_done_on_a_deal_step_touches_the_deal(ok, db, ana) -> None:
    ok("next", "2", "call", "Negotiate", "--due", "today")
    ok("done", "1")
    assert db("select last_activity_at from deals") == [("2026-11-23 09:00:00.000000",)]


# --- snooze --------------------------------------------------------------------------------


def test_snooze_puts_a_step_off_seven_days_keeping_its_time(ok, db, ana) -> None:
    ok("next", "1", "call", "Follow up", "--due", "wed 15:00")
    result = ok("snooze", "1")
    assert result.stderr == "Snoozed #1 call with Ana Souza (#1) to Wed 2026-12-02 15:00.\n"
    assert step(db)[4:] == (
        "2026-12-02",
        "15:00:00.000000",
        "2026-12-02 15:00:00.000000",
        None,
        1,
    )


def test_a_late_step_is_snoozed_from_today(ok, db, ana, monkeypatch) -> None:
    ok("next", "1", "email", "Send the case study", "--due", "today")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-27T08:00:00+00:00")
    ok("snooze", "1")
    assert step(db)[4] == "2026-12-04"


def test_snooze_days_is_a_setting(ok, db, ana) -> None:
    ok("config", "set", "activity.snooze_days", "3")
    ok("next", "1", "task", "Check the contract", "--due", "today")
    ok("snooze", "1")
    assert step(db)[4] == "2026-11-26"


def test_snooze_to_a_day_keeps_the_time_and_to_a_time_sets_it(ok, db, ana) -> None:
    ok("next", "1", "call", "Follow up", "--due", "tomorrow 14:00")
    ok("snooze", "1", "--to", "fri")
    assert step(db)[4:7] == ("2026-11-27", "14:00:00.000000", "2026-11-27 14:00:00.000000")
    ok("snooze", "1", "--to", "next monday 9am")
    assert step(db)[4:] == (
        "2026-11-30",
        "09:00:00.000000",
        "2026-11-30 09:00:00.000000",
        None,
        2,
    )


def test_snooze_refuses_the_past_and_done_steps(ok, run, db, ana) -> None:
    ok("next", "1", "call", "Follow up", "--due", "tomorrow")
    past = run("snooze", "1", "--to", "yesterday")
    assert (past.exit_code, past.stderr) == (
        1,
        "Error: --to yesterday is 2026-11-22, in the past\n",
    )
    ok("done", "1")
    done = run("snooze", "1")
    assert (done.exit_code, done.stderr) == (
        1,
        "Error: can't snooze activity #1: it is already done\n",
    )
    assert step(db)[4] == "2026-11-24"


# --- show ----------------------------------------------------------------------------------


def test_lead_show_lists_the_next_step_and_the_history(ok, ana) -> None:
    ok("log", "1", "call", "First call")
    ok("next", "1", "meeting", "Demo", "--due", "thu 16:00")
    ok("next", "1", "email", "Later", "--due", "+2w")
    shown = ok("lead", "show", "1").stdout
    assert "Next step\n  #2 meeting: Demo, due Thu 2026-11-26 16:00\n" in shown
    assert "First call" in shown
    assert "lead contact" in shown  # the lifecycle change the call caused
    detail = json.loads(ok("lead", "show", "1", "--json").stdout)
    assert detail["next_step"]["id"] == 2
    assert [a["text"] for a in detail["activities"]] == ["First call"]


def test_deal_show_lists_its_next_step(ok, ana) -> None:
    assert "Next step\n  none planned\n" in ok("deal", "show", "1").stdout
    ok("next", "2", "meeting", "Proposal review", "--due", "2026-12-01")
    assert "Next step\n  #1 meeting: Proposal review, due Tue 2026-12-01\n" in (
        ok("deal", "show", "1").stdout
    )
