"""Saved views: `config set view.NAME "lead list --tag vip"`, checked as the listing it
runs; `view NAME [options]` runs it; `view` lists them; `config unset` removes one."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import schemas
from salesfunnel.domain.settings import LISTINGS, listing_words, normalize_setting
from salesfunnel.errors import BadValue
from test_docs import assert_conforms
from test_fast_path import HEAVY, HEAVY_PREFIXES, SCRIPT
from test_undo import state_of


@pytest.fixture
def leads(ok) -> None:
    """Three leads: #1 webinar + vip, #2 webinar, #3 fair + vip; deal #1 open on #1."""
    ok("lead", "add", "Ana Silva", "--source", "webinar", "--tag", "vip")
    ok("lead", "add", "Bruno Costa", "--source", "webinar")
    ok("lead", "add", "Cid Moura", "--source", "fair", "--tag", "vip")
    ok("deal", "open", "1", "--value", "900")


def test_a_view_runs_its_listing_as_typed(leads, ok, db) -> None:
    result = ok("config", "set", "view.hot", "lead list --source webinar --tag VIP")
    assert result.stderr == "view.hot = lead list --source webinar --tag VIP\n"
    assert db("SELECT value FROM settings WHERE key = 'view.hot'") == [
        ("lead list --source webinar --tag VIP",)
    ]
    shown = ok("view", "hot")
    assert shown.stdout == ok("lead", "list", "--source", "webinar", "--tag", "vip").stdout
    assert "Ana Silva" in shown.stdout and "Bruno" not in shown.stdout


def test_options_after_the_name_are_added_to_the_listing(leads, ok) -> None:
    ok("config", "set", "view.vip", "lead list --tag vip")
    every = json.loads(ok("view", "vip", "--json").stdout)
    assert [lead["name"] for lead in every] == ["Cid Moura", "Ana Silva"]
    for lead in every:
        assert_conforms(schemas.LeadPublic, lead, "view vip --json")
    first = ok("view", "vip", "--limit", "1", "--json")
    assert [lead["name"] for lead in json.loads(first.stdout)] == ["Cid Moura"]
    assert first.stderr == "Showing 1 of 2 leads; use --limit N or --all to see more.\n"
    assert json.loads(ok("view", "vip", "--all", "--source", "fair", "--json").stdout)[0]["id"] == 3


@pytest.mark.parametrize(
    ("command", "argument"),
    [
        ("deal list --status open", None),
        ("search 'ana silva'", None),
        ("todo --explain", None),
        ("pipeline", None),
        ("customer list --status active", None),
        ("prospect lists", None),
        ("report funnel --since 2026-01-01", None),
    ],
)
def test_any_listing_can_be_a_view_and_prints_its_own_json(leads, ok, command, argument) -> None:
    ok("config", "set", "view.mine", command)
    words = shlex.split(command)
    assert ok("view", "mine", "--json").stdout == ok(*words, "--json").stdout


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("deal win 1", "Error: view.bad: a view runs a listing, not 'deal win'; the listings:"),
        ("lead add Zed", "Error: view.bad: a view runs a listing, not 'lead add'"),
        ("view hot", "Error: view.bad: a view runs a listing, not 'view hot'"),
        ("", "Error: view.bad: a view needs a listing command"),
        (
            "lead list --nosuch",
            "Error: view.bad: the view would not run: lead list: No such option",
        ),
        ("lead list --status bogus", "Error: view.bad: the view would not run: lead list: Invalid"),
        ("lead list --limit 0", "Error: view.bad: the view would not run: lead list: Invalid"),
        ("search", "Error: view.bad: the view would not run: search: Missing argument 'TEXT'"),
        ("lead list --db other.db", "Error: view.bad: a view can't hold --db"),
        ("lead list --help", "Error: view.bad: a view can't hold --help"),
        ("lead list --tag 'vip", 'Error: view.bad: "lead list --tag \'vip" is not a command line'),
    ],
)
def test_only_a_listing_that_would_run_can_be_saved(leads, run, db, command, error) -> None:
    before = state_of(db)
    result = run("config", "set", "view.bad", command)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(error), result.stderr
    assert result.stderr.count("\n") == 1
    assert state_of(db) == before


def test_view_names(leads, run) -> None:
    assert (
        "unknown setting 'view.no such'" in run("config", "set", "view.no such", "pipeline").stderr
    )
    assert run("config", "set", "view.", "pipeline").exit_code == 1


def test_view_alone_lists_the_saved_views(leads, ok, run) -> None:
    assert ok("view").stderr == (
        'No saved views: `config set view.NAME "lead list --tag vip"` saves one.\n'
    )
    assert json.loads(ok("view", "--json").stdout) == []
    ok("config", "set", "view.VIP", "lead list --tag vip")
    ok("config", "set", "view.late", "todo")
    listed_plain = ok("view").stdout
    assert listed_plain == ok("view", "--list").stdout
    assert [line.split(None, 1) for line in listed_plain.splitlines()] == [
        ["name", "command"],
        ["late", "todo"],
        ["vip", "lead list --tag vip"],
    ]
    listed = json.loads(ok("view", "--list", "--json").stdout)
    assert listed == [
        {"name": "late", "command": "todo"},
        {"name": "vip", "command": "lead list --tag vip"},
    ]
    for view in listed:
        assert_conforms(schemas.ViewPublic, view, "view --list --json")
    assert run("view", "--list", "extra").exit_code == 2


def test_views_are_settings_config_shows(leads, ok) -> None:
    ok("config", "set", "view.vip", "lead list --tag vip")
    assert ok("config", "get", "view.vip").stdout == "lead list --tag vip\n"
    got = json.loads(ok("config", "get", "VIEW.VIP", "--json").stdout)
    assert got == {
        "key": "view.vip",
        "value": "lead list --tag vip",
        "default": "",
        "help": "saved view: `salesfunnel view vip` runs this listing",
    }
    listed = json.loads(ok("config", "list", "--json").stdout)
    assert got in listed
    assert "view.vip" in ok("config", "list").stdout


def test_an_unknown_view_is_refused(leads, ok, run) -> None:
    ok("config", "set", "view.vip", "lead list --tag vip")
    result = run("view", "vips")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no view named 'vips'; the saved views: vip\n",
    )
    assert run("config", "get", "view.vips").stderr == (
        "Error: no view named 'vips'; see salesfunnel view --list\n"
    )
    assert run("view", "vip", "--nosuch").exit_code == 2  # the listing's own usage error


def test_config_unset_removes_a_view_and_undo_puts_it_back(leads, ok, run, db) -> None:
    ok("config", "set", "view.vip", "lead list --tag vip")
    assert ok("config", "unset", "view.vip").stderr == "Removed view.vip.\n"
    assert db("SELECT count(*) FROM settings WHERE key = 'view.vip'") == [(0,)]
    assert run("view", "vip").exit_code == 1
    assert ok("undo", "--yes").stderr == (
        "Undid `config unset view.vip`: view vip put back (lead list --tag vip).\n"
    )
    assert "Ana Silva" in ok("view", "vip").stdout
    assert ok("undo", "--yes").stderr == (
        "Undid `config set view.vip 'lead list --tag vip'`: view vip removed.\n"
    )
    result = run("config", "unset", "view.vip")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no view named 'vip'; see salesfunnel view --list\n",
    )


def test_config_unset_puts_any_setting_back_to_its_default(leads, ok, db) -> None:
    ok("config", "set", "lead.stale_days", "20")
    assert ok("config", "unset", "lead.stale_days").stderr == (
        "lead.stale_days back to its default: 14\n"
    )
    assert ok("config", "get", "lead.stale_days").stdout == "14\n"
    journaled = db("SELECT count(*) FROM undo_commands")
    assert ok("config", "unset", "lead.stale_days").stderr == (
        "lead.stale_days was not set: it stays at its default, 14\n"
    )
    assert db("SELECT count(*) FROM undo_commands") == journaled  # nothing to undo
    assert ok("undo", "--yes").stderr == (
        "Undid `config unset lead.stale_days`: setting lead.stale_days back to 20.\n"
    )


def test_a_view_runs_on_the_database_named_by_db(leads, ok, tmp_path, monkeypatch) -> None:
    other = tmp_path / "other.db"
    ok("--db", str(other), "lead", "add", "Zoe Other", "--tag", "vip")
    ok("--db", str(other), "config", "set", "view.vip", "lead list --tag vip")
    shown = ok("--db", str(other), "view", "vip")
    assert "Zoe Other" in shown.stdout and "Ana" not in shown.stdout


# --- the rule, alone -----------------------------------------------------------------------


@given(st.sampled_from(LISTINGS), st.lists(st.sampled_from(["--all", "x y", "--tag", "é'\""])))
def test_a_listing_saved_reads_back_as_the_same_words(listing, rest) -> None:
    words = [*listing, *rest]
    stored = normalize_setting("view.v", shlex.join(words))
    assert listing_words(stored) == words


@given(st.text(max_size=60))
def test_any_text_is_a_listing_or_refused_with_a_reason(text) -> None:
    try:
        words = listing_words(text)
    except BadValue as error:
        assert str(error)
    else:
        assert any(tuple(words[: len(names)]) == names for names in LISTINGS)


@pytest.mark.slow  # a process of its own, to see what it imports
def test_a_view_imports_no_orm_no_tables_and_no_rich(leads, ok, tmp_path) -> None:
    ok("config", "set", "view.vip", "lead list --tag vip")
    modules_file = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "view", "vip"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MODULES_FILE": str(modules_file)},
    )
    assert done.returncode == 0, done.stderr
    assert "Ana Silva" in done.stdout and "Cid Moura" in done.stdout
    modules = set(json.loads(modules_file.read_text()))
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(HEAVY_PREFIXES))
    assert heavy == []
