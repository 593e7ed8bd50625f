"""`deal open / move / win / lose / list / show` and `pipeline`, driven through the real CLI.

The clock is fixed at Monday 2026-11-23, 09:00 UTC (conftest).
"""

from __future__ import annotations

import json

import pytest


def deal_row(db, deal_id: int = 1) -> tuple[object, ...]:
    return db(
        "select status, stage, probability, probability_manual, value, currency, "
        "expected_close, closed_on, lost_reason from deals where id = ?",
        (deal_id,),
    )[0]


@pytest.fixture
def lead(ok) -> None:
    """Lead #1 Dana at Northwind."""
    ok("lead", "add", "Dana", "--email", "dana@example.com", "--company", "Northwind")


def test_open_on_a_lead_takes_the_first_stage_and_its_probability(ok, db, lead) -> None:
    result = ok("deal", "open", "1")
    assert result.stdout == ""
    assert result.stderr == "Opened deal #1 Northwind in qualification.\n"
    assert db(
        "select contact_id, company_id, title, value, currency, stage, probability, "
        "probability_manual, status, expected_close, opened_at from deals"
    ) == [
        (
            1,
            1,
            "Northwind",
            0.0,
            "USD",
            "qualification",
            10,
            0,
            "open",
            None,
            "2026-11-23 09:00:00.000000",
        )
    ]
    assert db(
        "select entity, action, to_state, deal_id from lifecycle_events where entity = ?", ("deal",)
    ) == [("deal", "open", "qualification", 1)]


def test_open_with_every_option(ok, db, lead) -> None:
    result = ok(
        "deal",
        "open",
        "dana@example.com",
        "--title",
        "Fleet renewal",
        "--value",
        "1.200,50",
        "--currency",
        "eur",
        "--stage",
        "Proposal",
        "--probability",
        "40",
        "--close",
        "eom",
        "--json",
    )
    deal = json.loads(result.stdout)
    assert {k: deal[k] for k in ("id", "title", "contact", "company", "stage", "status")} == {
        "id": 1,
        "title": "Fleet renewal",
        "contact": "Dana",
        "company": "Northwind",
        "stage": "proposal",
        "status": "open",
    }
    assert (deal["value"], deal["probability"], deal["weighted_value"]) == (1200.5, 40, 480.2)
    assert deal["expected_close"] == "2026-11-30"
    assert result.stderr == ""
    assert deal_row(db) == ("open", "proposal", 40, 1, 1200.5, "EUR", "2026-11-30", None, None)


@pytest.mark.parametrize(
    ("words", "day"),
    [
        ("+2w", "2026-12-07"),
        ("eom", "2026-11-30"),
        ("2027-01-15", "2027-01-15"),
        ("+3d", "2026-11-26"),
    ],
)
def test_the_close_date_takes_words(ok, db, lead, words, day) -> None:
    ok("deal", "open", "1", "--close", words)
    assert db("select expected_close from deals") == [(day,)]


def test_a_deal_without_a_company_is_titled_after_the_contact(ok, db) -> None:
    ok("lead", "add", "Solo Person")
    ok("config", "set", "currency.default", "brl")
    ok("deal", "open", "1")
    assert db("select title, currency from deals") == [("Solo Person", "BRL")]


def test_open_on_a_customer(ok, db, lead) -> None:
    ok("deal", "open", "1", "--value", "100")
    ok("deal", "win", "1")
    result = ok("deal", "open", "1", "--title", "Upsell")
    assert result.stderr == "Opened deal #2 Upsell in qualification.\n"
    assert db("select id, status from deals order by id") == [(1, "won"), (2, "open")]


OPEN_REFUSALS = [
    (("2",), 1, "can't open a deal for #2 Pia: it is a prospect (prospect convert it first)"),
    (("3",), 1, "can't open a deal for #3 Dis: the lead was disqualified"),
    (("9",), 1, "no contact with id or email 9"),
    (("1", "--probability", "100"), 1, "probability 100 is out of range: use 0 to 99"),
    (("1", "--probability", "-1"), 1, "probability -1 is out of range: use 0 to 99"),
    (("1", "--probability", "high"), 2, "Invalid value for '--probability'"),
    (("1", "--stage", "closing"), 1, "unknown stage 'closing'; the stages are: qualification"),
    (("1", "--close", "someday"), 1, "can't read 'someday' as a date"),
    (("1", "--value", "-5"), 1, "value can't be negative: -5"),
    (("1", "--currency", "euro"), 1, "'euro' is not a three-letter currency code"),
    (("1", "--currency", "€"), 1, "'€' is not a three-letter currency code"),
]


def test_open_refusals_store_nothing(ok, run, db, lead) -> None:
    ok("prospect", "add", "Pia")
    ok("lead", "add", "Dis")
    ok("lead", "disqualify", "3", "--reason", "wrong fit")
    events = db("select count(*) from lifecycle_events")

    for args, status, message in OPEN_REFUSALS:
        result = run("deal", "open", *args)
        assert (result.exit_code, result.stdout) == (status, ""), args
        assert message in result.stderr, args
    assert db("select count(*) from deals") == [(0,)]
    assert db("select count(*) from lifecycle_events") == events


def test_probability_follows_the_stage_default(ok, db, lead) -> None:
    ok("deal", "open", "1")
    result = ok("deal", "move", "1", "meeting")
    assert result.stderr == "Moved deal #1 to meeting (25%).\n"
    ok("deal", "move", "1", "NEGOTIATION")
    assert deal_row(db)[:4] == ("open", "negotiation", 75, 0)
    ok("deal", "move", "1", "proposal")  # moving back a stage is allowed for a deal
    assert deal_row(db)[:4] == ("open", "proposal", 50, 0)
    assert db(
        "select from_state, to_state from lifecycle_events where action = 'move' order by id"
    ) == [("qualification", "meeting"), ("meeting", "negotiation"), ("negotiation", "proposal")]


def test_a_probability_set_by_hand_sticks(ok, db, lead) -> None:
    ok("deal", "open", "1", "--probability", "33")
    result = ok("deal", "move", "1", "negotiation", "--json")
    assert json.loads(result.stdout)["probability"] == 33
    assert deal_row(db)[:4] == ("open", "negotiation", 33, 1)


def test_move_refuses_an_unknown_or_the_same_stage(ok, run, db, lead) -> None:
    ok("deal", "open", "1")
    unknown = run("deal", "move", "1", "closing")
    assert unknown.exit_code == 1
    assert unknown.stderr == (
        "Error: unknown stage 'closing'; the stages are: qualification, meeting, proposal, "
        "negotiation\n"
    )
    same = run("deal", "move", "1", "qualification")
    assert same.exit_code == 1
    assert same.stderr == "Error: deal #1 is already in qualification\n"
    missing = run("deal", "move", "7", "meeting")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: no deal with id 7\n"
    assert deal_row(db)[:3] == ("open", "qualification", 10)


def test_win_makes_the_contact_a_customer_and_records_a_purchase(ok, db, lead) -> None:
    ok("deal", "open", "1", "--value", "12000", "--stage", "proposal")
    result = ok("deal", "win", "1")
    assert result.stdout == ""
    assert result.stderr == "Won deal #1 Northwind: 12,000.00 USD.\n"
    assert deal_row(db) == ("won", "proposal", 100, 0, 12000.0, "USD", None, "2026-11-23", None)
    assert db("select stage, lead_status from contacts") == [("customer", "new")]
    assert db("select contact_id, deal_id, value, currency, purchased_on from purchases") == [
        (1, 1, 12000.0, "USD", "2026-11-23")
    ]
    assert db("select entity, action, from_state, to_state from lifecycle_events where id > 2") == [
        ("deal", "win", "proposal", "won"),
        ("customer", "become", "lead", "active"),
    ]
    status = json.loads(ok("customer", "status", "1", "--json").stdout)
    assert (status["status"], status["purchases"]) == ("active", 1)


def test_win_with_a_final_value_and_date(ok, db, lead) -> None:
    ok("deal", "open", "1", "--value", "12000")
    ok("deal", "win", "1", "--value", "11500.5", "--date", "yesterday")
    assert deal_row(db)[4] == 11500.5
    assert deal_row(db)[7] == "2026-11-22"
    assert db("select value, purchased_on from purchases") == [(11500.5, "2026-11-22")]


def test_lose_needs_a_reason_and_keeps_it(ok, run, db, lead) -> None:
    ok("deal", "open", "1", "--stage", "meeting")
    missing = run("deal", "lose", "1")
    assert missing.exit_code == 2
    assert "Missing option '--reason'" in missing.stderr
    blank = run("deal", "lose", "1", "--reason", " ")
    assert blank.exit_code == 1
    assert blank.stderr == "Error: a lost deal needs a reason (--reason)\n"
    assert deal_row(db)[0] == "open"

    result = ok("deal", "lose", "1", "--reason", "went with a competitor", "--date", "2026-11-20")
    assert result.stderr == "Lost deal #1 Northwind: went with a competitor.\n"
    assert deal_row(db) == (
        "lost",
        "meeting",
        0,
        0,
        0.0,
        "USD",
        None,
        "2026-11-20",
        "went with a competitor",
    )
    assert db("select stage from contacts") == [("lead",)]
    assert db("select count(*) from purchases") == [(0,)]


@pytest.mark.parametrize("outcome", ["win", "lose"])
def test_a_closed_deal_never_changes_again(ok, run, db, lead, outcome) -> None:
    ok("deal", "open", "1", "--value", "500")
    ok("deal", "win", "1") if outcome == "win" else ok("deal", "lose", "1", "--reason", "price")
    deals = db("select * from deals")
    purchases = db("select * from purchases")
    events = db("select count(*) from lifecycle_events")

    word = "won" if outcome == "win" else "lost"
    for command in [("move", "1", "meeting"), ("win", "1"), ("lose", "1", "--reason", "again")]:
        result = run("deal", *command)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == f"Error: can't {command[0]} deal #1: it was {word}\n"
    assert db("select * from deals") == deals
    assert db("select * from purchases") == purchases
    assert db("select count(*) from lifecycle_events") == events


@pytest.fixture
def book(ok) -> None:
    """Three contacts, five deals: open in several stages and close dates, one won, one lost."""
    ok("lead", "add", "Ana", "--email", "ana@example.com")
    ok("lead", "add", "Bea")
    ok("lead", "add", "Cid")
    ok("deal", "open", "1", "--title", "A-proposal", "--stage", "proposal", "--close", "+1w")
    ok("deal", "open", "2", "--title", "B-meeting", "--stage", "meeting", "--close", "2026-11-25")
    ok("deal", "open", "3", "--title", "C-late", "--stage", "proposal", "--close", "2027-02-01")
    ok("deal", "open", "1", "--title", "D-won", "--value", "10")
    ok("deal", "win", "4")
    ok("deal", "open", "2", "--title", "E-lost")
    ok("deal", "lose", "5", "--reason", "price")
    ok("deal", "open", "3", "--title", "F-undated", "--stage", "negotiation")


def titles(result) -> list[str]:
    return [deal["title"] for deal in json.loads(result.stdout)]


def test_list_open_deals_soonest_close_first_with_filters(ok, run, book) -> None:
    result = ok("deal", "list")
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "title",
        "contact",
        "stage",
        "value",
        "prob.",
        "weighted",
        "close",
    ]
    assert [line.split()[1] for line in lines[1:]] == [
        "B-meeting",
        "A-proposal",
        "C-late",
        "F-undated",
    ]
    assert result.stderr == ""
    assert titles(ok("deal", "list", "--json")) == [
        "B-meeting",
        "A-proposal",
        "C-late",
        "F-undated",
    ]
    paged = ok("deal", "list", "--limit", "1", "--json")
    assert titles(paged) == ["B-meeting"]
    assert paged.stderr == "Showing 1 of 4 open deals; use --limit N or --all to see more.\n"

    assert titles(ok("deal", "list", "--status", "won", "--json")) == ["D-won"]
    assert titles(ok("deal", "list", "--status", "lost", "--json")) == ["E-lost"]
    assert titles(ok("deal", "list", "--stage", "proposal", "--json")) == ["A-proposal", "C-late"]
    assert titles(ok("deal", "list", "--closing-before", "eom", "--json")) == [
        "B-meeting",
        "A-proposal",
    ]
    assert titles(ok("deal", "list", "--closing-before", "2026-11-25", "--json")) == ["B-meeting"]
    assert titles(ok("deal", "list", "--closing-after", "+1w", "--json")) == [
        "A-proposal",
        "C-late",
    ]
    assert titles(ok("deal", "list", "--contact", "ana@example.com", "--json")) == ["A-proposal"]
    assert titles(ok("deal", "list", "--contact", "1", "--status", "won", "--json")) == ["D-won"]
    assert titles(
        ok("deal", "list", "--stage", "proposal", "--closing-before", "eom", "--json")
    ) == ["A-proposal"]
    nothing = ok("deal", "list", "--stage", "meeting", "--status", "won")
    assert nothing.stdout == ""
    assert nothing.stderr == "No won deals.\n"
    assert (
        json.loads(ok("deal", "list", "--contact", "2", "--status", "won", "--json").stdout) == []
    )

    unknown_stage = run("deal", "list", "--stage", "closing")
    assert unknown_stage.exit_code == 1
    assert "unknown stage 'closing'" in unknown_stage.stderr
    bad_date = run("deal", "list", "--closing-before", "soonish")
    assert bad_date.exit_code == 1
    assert "can't read 'soonish' as a date" in bad_date.stderr


def test_show_a_deal_with_its_history(ok, run, book) -> None:
    deal = json.loads(ok("deal", "show", "4", "--json").stdout)
    assert (deal["title"], deal["status"], deal["probability"], deal["closed_on"]) == (
        "D-won",
        "won",
        100,
        "2026-11-23",
    )
    assert deal["next_step"] is None
    assert [(e["action"], e["from_state"], e["to_state"]) for e in deal["history"]] == [
        ("open", None, "qualification"),
        ("win", "qualification", "won"),
    ]

    text = ok("deal", "show", "5")
    assert text.stderr == ""
    lines = text.stdout.splitlines()
    assert lines[0] == "Deal #5 E-lost"
    assert "  contact       Bea (#2)" in lines
    assert "  lost because  price" in lines
    assert "Next step" in lines
    assert "  none planned" in lines
    assert any(line.startswith("2026-11-23 09:00  deal lose") for line in lines)

    missing = run("deal", "show", "99")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: no deal with id 99\n"
    not_a_number = run("deal", "show", "abc")
    assert not_a_number.exit_code == 2


def test_pipeline_shows_stages_in_order_with_count_total_and_weighted(ok, lead) -> None:
    ok("deal", "open", "1", "--value", "1000")
    ok("deal", "open", "1", "--value", "3000", "--stage", "qualification")
    ok("deal", "open", "1", "--value", "2000", "--stage", "negotiation")
    ok("deal", "open", "1", "--value", "4000", "--stage", "negotiation", "--probability", "50")
    ok("deal", "open", "1", "--value", "999", "--stage", "proposal")
    ok("deal", "lose", "5", "--reason", "price")

    stages = json.loads(ok("pipeline", "--json").stdout)
    assert [
        (s["stage"], s["probability"], s["count"], s["total_value"], s["weighted_value"])
        for s in stages
    ] == [
        ("qualification", 10, 2, 4000.0, 400.0),
        ("meeting", 25, 0, 0.0, 0.0),
        ("proposal", 50, 0, 0.0, 0.0),
        ("negotiation", 75, 2, 6000.0, 3500.0),
    ]
    assert [d["id"] for d in stages[0]["deals"]] == [2, 1]  # biggest first

    text = ok("pipeline")
    assert text.stderr == ""
    lines = text.stdout.splitlines()
    assert lines[0] == "Pipeline (open deals)"
    assert lines[1].split() == ["stage", "prob.", "deals", "total", "weighted"]
    assert [line.split()[:5] for line in lines[2:6]] == [
        ["qualification", "10%", "2", "4,000.00", "400.00"],
        ["meeting", "25%", "0", "0.00", "0.00"],
        ["proposal", "50%", "0", "0.00", "0.00"],
        ["negotiation", "75%", "2", "6,000.00", "3,500.00"],
    ]
    assert "4 open deals, 10,000.00 in all, 3,900.00 weighted." in lines
    assert "\x1b" not in text.stdout


def test_pipeline_on_an_empty_database(empty_db, ok) -> None:
    stages = json.loads(ok("pipeline", "--json").stdout)
    assert [(s["stage"], s["count"], s["deals"]) for s in stages] == [
        ("qualification", 0, []),
        ("meeting", 0, []),
        ("proposal", 0, []),
        ("negotiation", 0, []),
    ]
    assert "0 open deals, 0.00 in all, 0.00 weighted." in ok("pipeline").stdout


def test_a_deal_in_a_stage_removed_from_settings_still_shows(ok, db, lead) -> None:
    ok("deal", "open", "1", "--value", "1000", "--stage", "meeting")
    ok("deal", "open", "1", "--value", "500", "--stage", "proposal")
    ok("config", "set", "pipeline.stages", "qualification:10,proposal:60,negotiation:80")

    stages = json.loads(ok("pipeline", "--json").stdout)
    assert [(s["stage"], s["count"], s["total_value"], s["weighted_value"]) for s in stages] == [
        ("qualification", 0, 0.0, 0.0),
        ("proposal", 1, 500.0, 250.0),
        ("negotiation", 0, 0.0, 0.0),
        ("meeting", 1, 1000.0, 250.0),
    ]
    assert "meeting" in ok("pipeline").stdout
    # the salesperson can still find it, and move it on
    assert titles(ok("deal", "list", "--stage", "meeting", "--json")) == ["Northwind"]
    moved = ok("deal", "move", "1", "proposal")
    assert moved.stderr == "Moved deal #1 to proposal (60%).\n"
    assert deal_row(db)[:3] == ("open", "proposal", 60)
    assert [s["stage"] for s in json.loads(ok("pipeline", "--json").stdout)] == [
        "qualification",
        "proposal",
        "negotiation",
    ]


def test_a_step_booked_before_the_deal_opens_is_its_next_step(ok, db, lead) -> None:
    """Plan a demo with a lead, then qualify it as sql: the deal it opens has that step."""
    ok("next", "1", "meeting", "Product demo", "--due", "thu 10:30")
    ok("log", "1", "call", "Intro call")
    ok("lead", "qualify", "1", "--need", "--budget")
    shown = json.loads(ok("deal", "show", "1", "--json").stdout)
    assert shown["next_step"]["text"] == "Product demo"
    assert db("select deal_id from activities where text = 'Product demo'") == [(1,)]
    assert db("select deal_id from activities where text = 'Intro call'") == [(None,)]  # done
    todo = json.loads(ok("todo", "--json").stdout)
    no_step = next(s for s in todo["sections"] if s["name"] == "no-next-step")
    assert [i for i in no_step["items"] if i["deal_id"] == 1] == []


def test_steps_stay_the_contacts_when_another_deal_is_open(ok, db, lead) -> None:
    ok("deal", "open", "1", "--title", "First")
    ok("next", "1", "call", "Call about both", "--due", "tomorrow", "--deal", "1")
    ok("next", "1", "email", "General follow-up", "--due", "tomorrow")  # attaches to deal 1
    ok("deal", "open", "1", "--title", "Second")
    assert db("select deal_id from activities order by id") == [(1,), (1,)]


def test_pipeline_never_adds_two_currencies(ok, lead) -> None:
    """A 100,000 RUB deal and a 1,000 USD deal: a total per currency, never 101,000."""
    ok("deal", "open", "1", "--title", "Moscow", "--value", "100000", "--currency", "RUB")
    ok("deal", "open", "1", "--title", "Boston", "--value", "1000")
    stages = json.loads(ok("pipeline", "--json").stdout)
    first = stages[0]
    assert (first["currency"], first["total_value"], first["count"]) == ("USD", 1000.0, 2)
    assert first["totals"] == [
        {"currency": "RUB", "count": 1, "total_value": 100000.0, "weighted_value": 10000.0},
        {"currency": "USD", "count": 1, "total_value": 1000.0, "weighted_value": 100.0},
    ]
    text = ok("pipeline").stdout
    assert "101,000" not in text
    assert "1 open deal in RUB, 100,000.00 RUB in all, 10,000.00 RUB weighted." in text
    assert "1 open deal in USD, 1,000.00 USD in all, 100.00 USD weighted." in text


def test_customers_never_add_two_currencies(ok, lead) -> None:
    ok("customer", "purchase", "1", "--value", "500", "--currency", "EUR")
    ok("customer", "purchase", "1", "--value", "1000")
    (customer,) = json.loads(ok("customer", "list", "--json").stdout)
    assert (customer["currency"], customer["purchases_value"], customer["purchases"]) == (
        "USD",
        1000.0,
        2,
    )
    assert [(s["currency"], s["total_value"]) for s in customer["purchases_by_currency"]] == [
        ("EUR", 500.0),
        ("USD", 1000.0),
    ]
    assert "500.00 EUR + 1,000.00 USD" in ok("customer", "list").stdout
    status = json.loads(ok("customer", "status", "1", "--json").stdout)
    assert status["purchases_value"] == 1000.0
