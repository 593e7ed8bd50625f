"""`prospect add / list / lists / convert / cancel`, driven through the real CLI."""

from __future__ import annotations

import json

import pytest

from salesfunnel.db.connect import database
from salesfunnel.db.location import database_url
from salesfunnel.db.work import Work
from salesfunnel.services.prospects import add_prospect


def seed_prospects(count: int, list_name: str = "bulk") -> None:
    """Many prospects in one transaction, through the same use case `prospect add` calls,
    in the test's database (SALESFUNNEL_DB)."""
    with database(database_url(None)) as driver, Work(driver, write=True) as work:
        for number in range(1, count + 1):
            add_prospect(work, f"Prospect {number:03}", list_name=list_name)


def contact_row(db, contact_id: int) -> tuple[object, ...]:
    return db(
        "select stage, prospect_status, lead_status, cancel_reason, became_lead_at "
        "from contacts where id = ?",
        (contact_id,),
    )[0]


def test_add_stores_the_prospect_in_the_manual_list(ok, db) -> None:
    result = ok(
        "prospect",
        "add",
        "Ana Silva",
        "--email",
        "Ana@Example.com",
        "--phone",
        "011 2345-678",
        "--company",
        "Atlântico",
        "--title",
        "CFO",
    )
    assert result.stdout == ""
    assert result.stderr == "Added prospect #1 Ana Silva to manual.\n"
    assert db(
        "select c.stage, c.prospect_status, c.email, c.email_key, c.phone, c.phone_key, "
        "co.name, c.title, l.name, c.channel from contacts c "
        "join companies co on co.id = c.company_id join prospect_lists l on l.id = c.list_id"
    ) == [
        (
            "prospect",
            "open",
            "Ana@Example.com",
            "ana@example.com",
            "011 2345-678",
            "0112345678",
            "Atlântico",
            "CFO",
            "manual",
            "outbound",
        )
    ]
    assert db("select entity, action, to_state, at from lifecycle_events") == [
        ("prospect", "created", "open", "2026-11-23 09:00:00.000000")
    ]


def test_add_into_a_named_list_with_json(ok, db) -> None:
    result = ok("prospect", "add", "Bo Li", "--list", "Fair 2026", "--json")
    prospect = json.loads(result.stdout)
    assert prospect["id"] == 1
    assert prospect["list"] == "Fair 2026"
    assert prospect["status"] == "open"
    assert prospect["phone"] is None
    assert result.stderr == ""
    assert db("select name from prospect_lists") == [("Fair 2026",)]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--email", " ANA@example.COM ", "email  ANA@example.COM  already belongs to #1"),
        ("--phone", "(011) 2345 678", "phone (011) 2345 678 already belongs to #1"),
    ],
)
def test_a_known_email_or_phone_is_refused(ok, run, db, option, value, message) -> None:
    ok("prospect", "add", "Ana Silva", "--email", "ana@example.com", "--phone", "0112345678")
    result = run("prospect", "add", "Someone Else", option, value)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith("Error: ")
    assert db("select count(*) from contacts") == [(1,)]


def test_a_cancelled_prospect_still_blocks_its_email(ok, run, db) -> None:
    ok("prospect", "add", "Ana Silva", "--email", "ana@example.com")
    ok("prospect", "cancel", "1", "--reason", "asked not to be contacted")
    result = run("lead", "add", "Ana S.", "--email", "ana@example.com")
    assert result.exit_code == 1
    assert "already belongs to #1 Ana Silva (cancelled)" in result.stderr
    assert db("select count(*) from contacts") == [(1,)]


def test_an_empty_name_is_refused(run, db) -> None:
    result = run("prospect", "add", "   ")
    assert result.exit_code == 1
    assert result.stderr == "Error: a name can't be empty\n"
    assert db("select count(*) from contacts") == [(0,)]


def test_list_filters_by_list_and_status(ok, run) -> None:
    ok("prospect", "add", "Ana", "--list", "Lisbon")
    ok("prospect", "add", "Bea", "--list", "Lisbon")
    ok("prospect", "add", "Cid", "--list", "Madrid")
    ok("prospect", "add", "Dan")
    ok("prospect", "convert", "2")
    ok("prospect", "cancel", "3")

    everyone = ok("prospect", "list")
    assert [line.split()[1] for line in everyone.stdout.splitlines()[1:]] == [
        "Ana",
        "Bea",
        "Cid",
        "Dan",
    ]
    assert everyone.stdout.splitlines()[0].split() == [
        "id",
        "name",
        "email",
        "phone",
        "company",
        "title",
        "list",
        "status",
    ]
    assert "\x1b" not in everyone.stdout

    lisbon = json.loads(ok("prospect", "list", "--list", "Lisbon", "--json").stdout)
    assert [(p["name"], p["status"]) for p in lisbon] == [("Ana", "open"), ("Bea", "converted")]
    open_ones = json.loads(ok("prospect", "list", "--status", "open", "--json").stdout)
    assert [p["name"] for p in open_ones] == ["Ana", "Dan"]
    cancelled = json.loads(ok("prospect", "list", "--status", "cancelled", "--json").stdout)
    assert [p["name"] for p in cancelled] == ["Cid"]
    both = ok("prospect", "list", "--list", "Lisbon", "--status", "converted", "--json")
    assert [p["name"] for p in json.loads(both.stdout)] == ["Bea"]

    unknown = run("prospect", "list", "--list", "Porto")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no prospecting list named 'Porto' (see: prospect lists)\n"
    bad_status = run("prospect", "list", "--status", "dead")
    assert bad_status.exit_code == 2


def test_an_empty_listing_is_an_empty_json_array(empty_db, ok) -> None:
    result = ok("prospect", "list", "--json")
    assert json.loads(result.stdout) == []
    assert result.stderr == ""
    text = ok("prospect", "list")
    assert text.stdout == ""
    assert text.stderr == "No prospects.\n"


def test_list_shows_50_rows_by_default_and_says_how_many_more(ok) -> None:
    seed_prospects(60)
    default = ok("prospect", "list")
    rows = default.stdout.splitlines()[1:]
    assert len(rows) == 50
    assert rows[0].split()[:3] == ["1", "Prospect", "001"]
    assert rows[-1].split()[:3] == ["50", "Prospect", "050"]
    assert default.stderr == ("Showing 50 of 60 prospects; use --limit N or --all to see more.\n")

    as_json = ok("prospect", "list", "--json")
    assert len(json.loads(as_json.stdout)) == 50
    assert "Showing 50 of 60" in as_json.stderr

    limited = ok("prospect", "list", "--limit", "7", "--json")
    assert [p["id"] for p in json.loads(limited.stdout)] == [1, 2, 3, 4, 5, 6, 7]
    assert "Showing 7 of 60" in limited.stderr

    every = ok("prospect", "list", "--all", "--json")
    assert len(json.loads(every.stdout)) == 60
    assert every.stderr == ""


def test_a_limit_below_one_is_a_usage_error(run) -> None:
    result = run("prospect", "list", "--limit", "0")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_lists_counts_open_converted_and_cancelled(ok) -> None:
    for name in ("Ana", "Bea", "Cid", "Dan"):
        ok("prospect", "add", name, "--list", "Lisbon")
    ok("prospect", "add", "Eva", "--list", "Madrid")
    ok("prospect", "convert", "1", "2")
    ok("prospect", "cancel", "3")

    lists = json.loads(ok("prospect", "lists", "--json").stdout)
    assert [
        (item["name"], item["open"], item["converted"], item["cancelled"], item["total"])
        for item in lists
    ] == [("Lisbon", 1, 2, 1, 4), ("Madrid", 1, 0, 0, 1)]

    text = ok("prospect", "lists").stdout.splitlines()
    assert text[0].split() == [
        "id", "list", "open", "converted", "cancelled", "as", "leads", "total", "created"
    ]  # fmt: skip
    assert text[1].split() == ["1", "Lisbon", "1", "2", "1", "0", "4", "2026-11-23"]


def test_lists_on_an_empty_database(empty_db, ok) -> None:
    result = ok("prospect", "lists")
    assert result.stdout == ""
    assert result.stderr == "No prospecting lists yet.\n"
    assert json.loads(ok("prospect", "lists", "--json").stdout) == []


def test_convert_several_prospects_at_once_by_id_and_email(ok, db) -> None:
    ok("prospect", "add", "Ana", "--email", "ana@example.com", "--list", "Lisbon")
    ok("prospect", "add", "Bea")
    ok("prospect", "add", "Cid")
    result = ok("prospect", "convert", "ANA@example.com", "2")
    assert result.stdout == ""
    assert result.stderr == "Converted #1 Ana to a lead.\nConverted #2 Bea to a lead.\n"
    assert contact_row(db, 1) == ("lead", "converted", "new", None, "2026-11-23 09:00:00.000000")
    assert contact_row(db, 2)[:3] == ("lead", "converted", "new")
    assert contact_row(db, 3)[:3] == ("prospect", "open", None)
    assert db(
        "select contact_id, from_state, to_state from lifecycle_events where action = 'convert'"
    ) == [(1, "open", "converted"), (2, "open", "converted")]
    # the converted prospect is a lead now: outbound, its source is the list it came from
    lead = json.loads(ok("lead", "show", "1", "--json").stdout)
    assert (lead["status"], lead["channel"], lead["source"]) == ("new", "outbound", "lisbon")


def test_convert_with_json_prints_the_leads(ok) -> None:
    ok("prospect", "add", "Ana")
    result = ok("prospect", "convert", "1", "--json")
    assert [(lead["id"], lead["status"]) for lead in json.loads(result.stdout)] == [(1, "new")]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("99", "Error: no prospect with id or email 99\n"),
        ("nobody@example.com", "Error: no prospect with id or email nobody@example.com\n"),
        ("3", "Error: can't convert prospect #3 Cid: it was cancelled (do not contact)\n"),
        ("4", "Error: #4 Dee is not a prospect (it came in as a lead)\n"),
        ("x1", "Error: 'x1' is neither an id nor an email\n"),
    ],
)
def test_convert_is_all_or_nothing(ok, run, db, bad, message) -> None:
    ok("prospect", "add", "Ana")
    ok("prospect", "add", "Bea")
    ok("prospect", "add", "Cid")
    ok("prospect", "cancel", "3")
    ok("lead", "add", "Dee")
    before = db("select * from contacts order by id")
    events = db("select count(*) from lifecycle_events")

    result = run("prospect", "convert", "1", "2", bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message
    assert db("select * from contacts order by id") == before
    assert db("select count(*) from lifecycle_events") == events


def test_convert_the_same_prospect_named_twice_converts_it_once(ok, db) -> None:
    ok("prospect", "add", "Ana", "--email", "ana@example.com")
    result = ok("prospect", "convert", "1", "ana@example.com", "1")
    assert result.stderr == "Converted #1 Ana to a lead.\n"
    assert contact_row(db, 1)[:3] == ("lead", "converted", "new")
    assert db("select count(*) from lifecycle_events where action = 'convert'") == [(1,)]


def test_convert_twice_is_refused(ok, run, db) -> None:
    ok("prospect", "add", "Ana")
    ok("prospect", "convert", "1")
    result = run("prospect", "convert", "1")
    assert result.exit_code == 1
    assert result.stderr == "Error: can't convert prospect #1 Ana: it is already a lead\n"
    assert db("select count(*) from lifecycle_events where action = 'convert'") == [(1,)]


def test_cancel_keeps_the_reason_and_the_contact(ok, db) -> None:
    ok("prospect", "add", "Ana")
    ok("prospect", "add", "Bea")
    result = ok("prospect", "cancel", "1", "2", "--reason", "  not our market  ")
    assert result.stdout == ""
    assert result.stderr == "Cancelled prospect #1 Ana.\nCancelled prospect #2 Bea.\n"
    assert contact_row(db, 1) == ("prospect", "cancelled", None, "not our market", None)
    assert db(
        "select contact_id, action, from_state, to_state, detail from lifecycle_events "
        "where action = 'cancel' order by contact_id"
    ) == [
        (1, "cancel", "open", "cancelled", "not our market"),
        (2, "cancel", "open", "cancelled", "not our market"),
    ]


def test_cancel_is_all_or_nothing(ok, run, db) -> None:
    ok("prospect", "add", "Ana")
    result = run("prospect", "cancel", "1", "7", "--yes")
    assert result.exit_code == 1
    assert result.stderr == "Error: no prospect with id or email 7\n"
    assert contact_row(db, 1)[:2] == ("prospect", "open")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("prospect", "convert", "1"), "can't convert prospect #1 Ana: it was cancelled"),
        (("prospect", "cancel", "1"), "can't cancel prospect #1 Ana: it was cancelled"),
        (("lead", "qualify", "1"), "#1 Ana is a prospect, not a lead (it was cancelled)"),
        (("lead", "disqualify", "1", "--reason", "x"), "not a lead (it was cancelled)"),
        (("deal", "open", "1"), "can't open a deal for #1 Ana: it was cancelled"),
        (
            ("customer", "purchase", "1", "--value", "10"),
            "can't record a purchase for #1 Ana: it was cancelled",
        ),
    ],
)
def test_a_cancelled_prospect_goes_nowhere(ok, run, db, command, message) -> None:
    ok("prospect", "add", "Ana", "--email", "ana@example.com")
    ok("prospect", "cancel", "1", "--reason", "dead")
    before = db("select * from contacts")
    events = db("select count(*) from lifecycle_events")

    result = run(*command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert db("select * from contacts") == before
    assert db("select count(*) from lifecycle_events") == events
    assert db("select count(*) from deals") == [(0,)]
    assert db("select count(*) from purchases") == [(0,)]
