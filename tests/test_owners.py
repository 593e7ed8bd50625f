"""Owners: every contact, deal and activity is someone's; listings show one's own.

The current user is SALESFUNNEL_USER, else the `user.name` setting, else the login name
(domain/owners.py).  These tests switch users with SALESFUNNEL_USER, as two people
sharing one database would each have their own.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect

from conftest import on_server
from salesfunnel.db import migrate
from salesfunnel.db.sqlite import configure
from salesfunnel.domain import owners
from salesfunnel.errors import BadValue


@pytest.fixture(autouse=True)
def nobody_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALESFUNNEL_USER", raising=False)


def as_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("SALESFUNNEL_USER", name)


def ids(result) -> list[int]:
    return [item["id"] for item in json.loads(result.stdout)]


@pytest.fixture
def two_people(ok, monkeypatch) -> None:
    """Ana: lead 1 with deal 1 and a step; Bob: lead 2 with deal 2, prospect 3, a step."""
    as_user(monkeypatch, "ana")
    ok("lead", "add", "Ana's lead")
    ok("deal", "open", "1", "--value", "100")
    ok("next", "1", "call", "Ana calls", "--due", "today")
    as_user(monkeypatch, "bob")
    ok("lead", "add", "Bob's lead")
    ok("deal", "open", "2", "--value", "200")
    ok("prospect", "add", "Bob's prospect")
    ok("next", "2", "call", "Bob calls", "--due", "today")


# --- solo: nothing changes ------------------------------------------------------------------


def test_a_new_personal_database_is_its_makers_and_says_so(ok, db) -> None:
    """An SQLite file stores its maker's name; a server's settings are the team's, so
    each person there is their login name and none is stored."""
    ok("lead", "add", "Ana")
    me = owners.login_name()
    stored = [] if on_server() else [(me,)]
    assert db("SELECT value FROM settings WHERE key = 'user.name'") == stored
    assert db("SELECT owner FROM contacts") == [(me,)]
    assert ids(ok("lead", "list", "--json")) == [1]
    assert json.loads(ok("show", "1", "--json").stdout)["owner"] == me


@pytest.mark.sqlite_only("a personal SQLite file remembers its owner")
def test_cron_without_a_login_name_still_sees_the_personal_database(ok, db, monkeypatch) -> None:
    """The file remembers its owner (user.name), so a bare environment changes nothing."""
    ok("lead", "add", "Ana")
    ok("next", "1", "call", "Call Ana", "--due", "today")
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(getpass, "getuser", _no_login)
    assert owners.login_name() == "me"
    assert "Call Ana" in ok("digest").stdout
    assert ids(ok("lead", "list", "--json")) == [1]


def _no_login() -> str:
    raise OSError("No username set in the environment")


def test_the_current_user_environment_then_setting_then_login(monkeypatch) -> None:
    assert owners.current_user(None) == owners.login_name()
    assert owners.current_user("  dora ") == "dora"
    as_user(monkeypatch, "eve")
    assert owners.current_user("dora") == "eve"
    as_user(monkeypatch, "  ")
    assert owners.current_user("dora") == "dora"


def test_renaming_oneself_relabels_what_one_owned(ok, run, db, two_people, monkeypatch) -> None:
    monkeypatch.delenv("SALESFUNNEL_USER")
    if on_server():
        return _a_server_refuses_user_name(run, db)
    ok("config", "set", "user.name", "ana")
    ok("lead", "add", "Made as ana")  # lead 4
    result = ok("config", "set", "user.name", "Ana Lima")
    assert "re-labelled as Ana Lima's" in result.stderr
    assert db("SELECT id, owner FROM contacts ORDER BY id") == [
        (1, "Ana Lima"),
        (2, "bob"),
        (3, "bob"),
        (4, "Ana Lima"),
    ]
    assert db("SELECT owner FROM deals ORDER BY id") == [("Ana Lima",), ("bob",)]
    assert ids(ok("lead", "list", "--json")) == [4, 1]
    refused = run("config", "set", "user.name", "Ana\nLima")
    assert refused.exit_code == 1 and "one line" in refused.stderr
    assert ids(ok("lead", "list", "--json")) == [4, 1]


def _a_server_refuses_user_name(run, db) -> None:
    """On a server the settings are the whole team's: one person's name is refused there,
    in one line, and nothing is set or re-labelled."""
    owned = db("SELECT id, owner FROM contacts UNION ALL SELECT id, owner FROM deals")
    for name in ("ana", "Ana Lima"):
        refused = run("config", "set", "user.name", name)
        assert refused.exit_code == 1 and refused.stdout == ""
        assert refused.stderr == (
            "Error: user.name is one person's and the settings of a server database are the "
            "team's: set SALESFUNNEL_USER in your environment instead (default: your login "
            "name)\n"
        )
    assert db("SELECT value FROM settings WHERE key = 'user.name'") == []
    assert db("SELECT id, owner FROM contacts UNION ALL SELECT id, owner FROM deals") == owned
    assert db("SELECT count(*) FROM undo_commands WHERE command LIKE 'config%'") == [(0,)]


# --- a team: one's own by default, everybody's with --team ------------------------------------


def test_new_records_are_the_current_users(ok, db, two_people) -> None:
    assert db("SELECT id, owner FROM contacts ORDER BY id") == [(1, "ana"), (2, "bob"), (3, "bob")]
    assert db("SELECT id, owner FROM deals ORDER BY id") == [(1, "ana"), (2, "bob")]
    assert db("SELECT text, owner FROM activities ORDER BY id") == [
        ("Ana calls", "ana"),
        ("Bob calls", "bob"),
    ]


@pytest.mark.parametrize(
    ("listing", "own", "everybody"),
    [
        (("lead", "list"), [2], [2, 1]),
        (("deal", "list"), [2], [1, 2]),
        (("prospect", "list"), [3], [3]),
    ],
)
def test_listings_show_ones_own_unless_team_or_owner(
    ok, run, two_people, listing, own, everybody
) -> None:
    assert ids(ok(*listing, "--json")) == own
    assert ids(ok(*listing, "--team", "--json")) == everybody
    assert ids(ok(*listing, "--owner", "ana", "--json")) == [i for i in everybody if i not in own]
    assert ids(ok(*listing, "--owner", "nobody", "--json")) == []
    both = run(*listing, "--team", "--owner", "ana")
    assert both.exit_code == 1 and both.stderr.count("\n") == 1 and "give one" in both.stderr


def test_an_empty_listing_of_ones_own_says_what_the_team_has(ok, two_people, monkeypatch) -> None:
    as_user(monkeypatch, "zoe")
    for listing, noun, total in (
        (("lead", "list"), "leads", 2),
        (("prospect", "list"), "prospects", 1),
        (("deal", "list"), "deals", 2),
    ):
        result = ok(*listing)
        assert (result.stdout, result.stderr) == (
            "",
            f"No {noun} of yours (zoe); {total} of the team's (--team).\n",
        )
        assert ok(*listing, "--json").stdout == "[]\n"
    assert ok("lead", "list", "--owner", "zoe").stderr == "No leads.\n"


def test_customer_list_and_pipeline_are_ones_own(ok, two_people, monkeypatch) -> None:
    ok("deal", "win", "2")
    as_user(monkeypatch, "ana")
    assert ids(ok("customer", "list", "--json")) == []
    assert ids(ok("customer", "list", "--team", "--json")) == [2]
    stages = json.loads(ok("pipeline", "--json").stdout)
    assert [d["id"] for s in stages for d in s["deals"]] == [1]
    stages = json.loads(ok("pipeline", "--owner", "bob", "--json").stdout)
    assert sum(s["count"] for s in stages) == 0  # bob's deal is won, not open


def test_todo_and_digest_are_ones_own(ok, two_people, monkeypatch) -> None:
    as_user(monkeypatch, "ana")
    mine = ok("todo").stdout
    assert "Ana calls" in mine and "Bob calls" not in mine
    team = ok("digest", "--team").stdout
    assert "Ana calls" in team and "Bob calls" in team
    bobs = json.loads(ok("todo", "--owner", "bob", "--json").stdout)
    contacts = {i["contact"] for s in bobs["sections"] for i in s["items"]}
    assert contacts == {"Bob's lead"}


# --- handing a deal over -----------------------------------------------------------------


def test_assign_hands_the_deal_and_its_planned_steps_over(ok, run, db, two_people) -> None:
    ok("next", "1", "email", "Ana's deal step", "--due", "+2d", "--deal", "1")
    ok("done", "1")  # done: history, stays ana's
    result = ok("deal", "assign", "1", "carla")
    assert result.stderr == (
        "Handed deal #1 Ana's lead and 1 planned step over from ana to carla.\n"
    )
    assert db("SELECT owner FROM deals WHERE id = 1") == [("carla",)]
    assert db("SELECT text, deal_id, done_at IS NULL, owner FROM activities ORDER BY id") == [
        ("Ana calls", 1, 0, "ana"),
        ("Bob calls", 2, 1, "bob"),
        ("Ana's deal step", 1, 1, "carla"),
    ]
    assert db("SELECT owner FROM contacts WHERE id = 1") == [("ana",)]
    shown = json.loads(ok("deal", "show", "1", "--json").stdout)
    assert shown["owner"] == "carla"
    assert [(e["action"], e["from_state"], e["to_state"]) for e in shown["history"]][-1] == (
        "assign",
        "ana",
        "carla",
    )
    text = ok("deal", "show", "1").stdout
    assert "  owner        carla\n" in text and "deal assign  ana -> carla" in text
    again = run("deal", "assign", "1", "carla")
    assert again.exit_code == 1 and again.stderr == (
        "Error: deal #1 Ana's lead is carla's already\n"
    )
    missing = run("deal", "assign", "9", "carla")
    assert missing.exit_code == 1 and missing.stderr == "Error: no deal with id 9\n"


def test_assign_is_undone_whole(ok, db, two_people) -> None:
    before = db("SELECT id, owner FROM deals UNION ALL SELECT id, owner FROM activities")
    events = db("SELECT count(*) FROM lifecycle_events")
    ok("deal", "assign", "2", "dora")
    ok("undo", "--yes")
    assert db("SELECT id, owner FROM deals UNION ALL SELECT id, owner FROM activities") == before
    assert db("SELECT count(*) FROM lifecycle_events") == events


# --- reports by owner --------------------------------------------------------------------


def test_reports_group_by_owner(ok, two_people) -> None:
    ok("deal", "win", "2")
    ok("deal", "assign", "1", "carla")
    funnel = json.loads(ok("report", "funnel", "--by", "owner", "--json").stdout)
    rows = {r["name"]: r["funnel"] for r in funnel["by_owner"]}
    assert set(rows) == {"ana", "bob", "carla"}
    assert (rows["bob"]["deals_won"], rows["bob"]["won_value"]) == (1, 200.0)
    assert rows["ana"]["leads_created"] == 1 and rows["ana"]["deals_opened"] == 0
    assert rows["carla"]["deals_opened"] == 1  # the deal counts for whoever has it
    assert json.loads(ok("report", "funnel", "--json").stdout)["by_owner"] is None
    sources = json.loads(ok("report", "sources", "--by", "owner", "--json").stdout)
    assert {r["name"] for r in sources["by_owner"]} == {"ana", "bob", "carla"}
    forecast = json.loads(ok("report", "forecast", "--by", "owner", "--json").stdout)
    assert [(b["key"], b["count"], b["total_value"]) for b in forecast["by_owner"]] == [
        ("carla", 1, 100.0)
    ]
    assert "By owner" in ok("report", "funnel", "--by", "owner").stdout


# --- indexes: one's own listings read their index -------------------------------------------


def plan(db_path: Path, sql: str, params: dict[str, object]) -> str:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(row[-1] for row in rows)


@pytest.mark.sqlite_only("SQLite's query plans")
def test_ones_own_listings_use_the_owner_indexes(ok, db_path, two_people) -> None:
    from salesfunnel.services import views

    leads = plan(
        db_path,
        f"SELECT {views.LEAD_COLUMNS} FROM contacts AS c WHERE c.lead_status IS NOT NULL "
        "AND c.owner = :owner ORDER BY c.starred DESC, c.id DESC LIMIT 50",
        {"owner": "ana"},
    )
    assert "ix_contacts_owner_leads" in leads and "TEMP B-TREE" not in leads
    deals = plan(
        db_path,
        f"SELECT {views.DEAL_COLUMNS} FROM deals AS d WHERE d.status = 'open' AND d.owner = :owner",
        {"owner": "ana"},
    )
    assert "ix_deals_owner_status" in deals
    steps = plan(
        db_path,
        "SELECT a.id FROM activities AS a WHERE a.done_at IS NULL "
        "AND a.due_date <= :end AND a.owner = :owner",
        {"end": "2026-12-01", "owner": "ana"},
    )
    assert "ix_activities_owner_open" in steps


# --- an older database ---------------------------------------------------------------------


def test_an_older_database_becomes_its_users(ok, run, tmp_path, monkeypatch) -> None:
    """Migration 0010 gives every row already there to the user who upgrades it."""
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    configure(connection)
    connection.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0008")
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO contacts (stage, name, lead_status, starred, email_flagged, created_at) "
            "VALUES ('lead', 'Old lead', 'new', 0, 0, '2026-01-01 00:00:00.000000')"
        )
    as_user(monkeypatch, "olga")
    assert ids(ok("--db", str(path), "lead", "list", "--json")) == [1]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT owner FROM contacts").fetchall() == [("olga",)]
        assert connection.execute(
            "SELECT value FROM settings WHERE key = 'user.name'"
        ).fetchall() == [("olga",)]


# --- the schema and the names --------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_migration_makes_the_owners_the_tables_define(tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from salesfunnel.db.engine import open_engine

    engine = open_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), SQLModel.metadata
            )
            columns = {
                table: [c["name"] for c in inspect(connection).get_columns(table)]
                for table in ("contacts", "deals", "activities")
            }
    finally:
        engine.dispose()
    assert [d for d in map(str, differences) if "owner" in d] == []
    assert all("owner" in names for names in columns.values())


@given(st.text(max_size=100))
def test_a_user_name_is_one_trimmed_line_or_refused(typed: str) -> None:
    try:
        name = owners.owner_name(typed)
    except BadValue as refused:
        assert str(refused).startswith("a user name")
        return
    assert name == typed.strip() and name
    assert len(name) <= owners.MAX_NAME and name.isprintable()
    assert owners.owner_name(name) == name
