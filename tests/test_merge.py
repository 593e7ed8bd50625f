"""`merge KEEP OTHER`: two contacts that are one person become one; `merge --suggest`."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import on_server
from salesfunnel.domain.lifecycle import TRANSITIONS
from salesfunnel.domain.merging import FunnelPlace, funnel_rank, furthest


@pytest.fixture
def two_anas(ok) -> None:
    """#1 a new lead with a tag; #2 the same person as a prospect, converted, with a call,
    qualified as sql (deal #1), with a phone and another address."""
    ok(
        "lead",
        "add",
        "Ana Silva",
        "--email",
        "ana@acme.example",
        "--company",
        "Acme",
        "--tag",
        "vip",
    )
    ok(
        "prospect",
        "add",
        "ana  silva",
        "--email",
        "ana.silva@gmail.example",
        "--phone",
        "+351 912 345 678",
        "--company",
        "Acme",
        "--list",
        "Lisbon fair",
    )
    ok("prospect", "convert", "2")
    ok("log", "2", "call", "Intro call")
    ok("lead", "qualify", "2", "--value", "900")
    ok("lead", "add", "Bruno", "--referred-by", "2", "--tag", "smb")


def test_merge_moves_everything_to_keep_and_removes_other(two_anas, ok, run, db) -> None:
    result = ok("merge", "1", "2", "--yes")
    assert result.stdout == ""
    assert result.stderr == (
        "Merged #2 ana  silva into #1 Ana Silva (lead, qualified (sql)). Moved 1 deal, "
        "1 activity, 5 history entries, 1 referred contact. Kept as extra: other email.\n"
    )
    assert db("select count(*) from contacts where id = 2") == [(0,)]
    assert db("select contact_id from deals") == [(1,)]
    assert db("select contact_id from activities") == [(1,)]
    assert db("select referred_by_id from contacts where id = 3") == [(1,)]
    shown = json.loads(ok("show", "1", "--json").stdout)
    # KEEP's email stays, OTHER's is kept as extra; its phone and list fill KEEP's blanks
    assert shown["email"] == "ana@acme.example"
    assert shown["extra"] == {"other email": "ana.silva@gmail.example"}
    assert shown["phone"] == "+351 912 345 678" and shown["list"] == "Lisbon fair"
    # the furthest lifecycle: OTHER was qualified (sql), KEEP new
    assert (shown["stage"], shown["status"], shown["qualification"]["level"]) == (
        "lead",
        "qualified",
        "sql",
    )
    assert shown["tags"] == ["vip"]
    actions = [(e["entity"], e["action"], e["detail"]) for e in shown["history"]]
    assert actions[-1] == ("lead", "merge", "merged #2 ana  silva")
    assert ("prospect", "convert", None) in actions  # OTHER's history came along
    # both addresses and the phone find the one contact
    found = json.loads(ok("search", "912345678", "--json").stdout)
    assert [c["id"] for c in found["contacts"]] == [1]
    assert json.loads(ok("search", "ana silva", "--json").stdout)["contacts_total"] == 1
    assert run("show", "2").exit_code == 1


def test_merge_is_undone_as_one_command(two_anas, ok, db) -> None:
    tables = ("contacts", "deals", "activities", "lifecycle_events", "contact_tags")
    before = {t: db(f"select * from {t} order by 1, 2") for t in tables}
    ok("merge", "2", "1", "--yes")
    assert db("select count(*) from contacts") == [(2,)]
    undone = ok("undo", "--yes")
    assert undone.stderr.startswith("Undid `merge 2 1 --yes`: ")
    assert {t: db(f"select * from {t} order by 1, 2") for t in tables} == before
    assert json.loads(ok("search", "ana", "--json").stdout)["contacts_total"] == 2


def test_merge_refuses_off_a_terminal_without_yes_and_changes_nothing(two_anas, run, db) -> None:
    before = db("select * from contacts")
    result = run("merge", "1", "2")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: merge asks before it removes a contact: pass --yes")
    assert "#2 ana  silva (ana.silva@gmail.example, Acme), lead, qualified (sql)" in result.stderr
    assert db("select * from contacts") == before


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("merge", "1", "1", "--yes"), 1, "Error: #1 Ana Silva is one contact already"),
        (("merge", "1", "99", "--yes"), 1, "Error: no contact with id or email 99"),
        (("merge", "1"), 2, "name the contact to keep and at least one"),
        (("merge", "1", "2", "--suggest"), 2, "--suggest takes no contacts"),
    ],
)
def test_merge_refusals_change_nothing(two_anas, run, db, args, status, message) -> None:
    before = db("select * from contacts")
    result = run(*args)
    assert result.exit_code == status, result.output
    assert message in result.stderr
    assert db("select * from contacts") == before


def test_a_disqualified_lead_is_not_merged_onto_an_open_deal(ok, run, db) -> None:
    ok("lead", "add", "Eva", "--email", "eva@new.example")
    ok("deal", "open", "1", "--value", "100")
    ok("lead", "add", "Eva", "--email", "eva@old.example")
    ok("lead", "disqualify", "2", "--reason", "no budget")
    result = run("merge", "1", "2", "--yes")
    assert result.exit_code == 1
    assert "#2 was disqualified and deal #1 is open; close it first" in result.stderr
    assert db("select count(*) from contacts") == [(2,)]


def test_merging_a_customer_keeps_its_purchases_and_stage(ok) -> None:
    ok("lead", "add", "Cid", "--email", "cid@x.example")
    ok("customer", "purchase", "1", "--value", "300")
    ok("prospect", "add", "Cid", "--email", "cid@y.example")
    ok("merge", "2", "1", "--yes")
    shown = json.loads(ok("show", "2", "--json").stdout)
    assert shown["stage"] == "customer"
    assert [p["value"] for p in shown["purchases"]] == [300.0]
    if not on_server():  # `check` works on SQLite files (docs/postgres.md)
        assert ok("check").exit_code == 0


def test_merge_json_prints_the_merged_contact(two_anas, ok) -> None:
    printed = json.loads(ok("merge", "1", "2", "--yes", "--json").stdout)
    assert printed["merged"] == [2]
    assert printed["contact"]["id"] == 1
    assert printed["moved"]["deals"] == 1
    assert printed["kept_as_extra"] == ["other email"]


def test_suggest_lists_same_phone_and_same_name_in_a_company(two_anas, ok) -> None:
    # an import that updates a contact found by its email can give it a phone another has
    ok("prospect", "add", "Rui C.", "--email", "rui@gmail.example", "--list", "Fair")
    ok("lead", "add", "Rui Costa", "--email", "rui@costa.example", "--phone", "+44 20 7946 0000")
    rows = "name,email,phone\nRui C.,rui@gmail.example,44 (20) 7946-0000\n"
    ok("prospect", "import", "-", "--list", "Fair", "--on-duplicate", "update", input=rows)
    result = ok("merge", "--suggest")
    assert result.stdout.splitlines()[0] == "1. same phone"
    assert "salesfunnel merge 5 4" in result.stdout  # the furthest in the funnel first
    assert "2. same name and company" in result.stdout
    assert "salesfunnel merge 2 1" in result.stdout
    groups = json.loads(ok("merge", "--suggest", "--json").stdout)
    assert [(g["reason"], [c["id"] for c in g["contacts"]]) for g in groups] == [
        ("same phone", [5, 4]),
        ("same name and company", [2, 1]),
    ]
    limited = ok("merge", "--suggest", "--limit", "1")
    assert "Showing the first 1 groups; there are more" in limited.stderr
    if not on_server():  # `check` works on SQLite files (docs/postgres.md)
        assert "duplicates  2 likely (salesfunnel merge --suggest)" in ok("check").stdout
    ok("merge", "2", "1", "--yes")
    ok("merge", "5", "4", "--yes")
    assert ok("merge", "--suggest").stderr.startswith("No likely duplicates")
    if not on_server():
        assert json.loads(ok("check", "--json").stdout)["likely_duplicates"] == 0


def test_suggest_on_an_empty_database_is_empty_json(empty_db, ok) -> None:
    assert json.loads(ok("merge", "--suggest", "--json").stdout) == []


# --- the rule: "furthest" in the funnel --------------------------------------------------

PLACES = st.builds(
    FunnelPlace,
    stage=st.sampled_from(["prospect", "lead", "customer"]),
    prospect_status=st.sampled_from([None, "open", "converted", "cancelled"]),
    lead_status=st.sampled_from([None, "new", "contacted", "qualified", "disqualified"]),
    level=st.sampled_from([None, "mql", "sql"]),
)


@given(PLACES, PLACES, PLACES)
def test_furthest_is_one_of_the_two_and_an_order(a, b, c) -> None:
    chosen = furthest(a, b)
    assert chosen in (a, b)
    assert funnel_rank(chosen) >= max(funnel_rank(a), funnel_rank(b))
    assert funnel_rank(furthest(a, b)) == funnel_rank(furthest(b, a))
    assert furthest(a, a) == a
    assert funnel_rank(furthest(furthest(a, b), c)) == funnel_rank(furthest(a, furthest(b, c)))
    if funnel_rank(a) == funnel_rank(b):
        assert chosen == a  # a tie keeps KEEP's


def _place(entity: str, state: str) -> FunnelPlace:
    if entity == "prospect":
        return FunnelPlace("lead" if state == "converted" else "prospect", state, None, None)
    if entity == "lead":
        return FunnelPlace("lead", None, state, "sql" if state == "qualified" else None)
    return FunnelPlace("customer", None, "qualified", "sql")


@given(st.sampled_from(sorted(k for k in TRANSITIONS if k[0] in ("prospect", "lead"))))
def test_no_transition_moves_back_in_the_merge_order(key) -> None:
    entity, state, _ = key
    before, after = _place(entity, state), _place(entity, TRANSITIONS[key])
    assert funnel_rank(after) >= funnel_rank(before)
