"""What a week of real use turned up (issue 14): each fails on the code before its fix."""

from __future__ import annotations

import json


def test_deal_list_status_all_lists_every_deal(ok, run) -> None:
    ok("lead", "add", "Ana")
    ok("deal", "open", "1", "--title", "Won one")
    ok("deal", "open", "1", "--title", "Open one")
    ok("deal", "win", "1")
    every = json.loads(ok("deal", "list", "--status", "all", "--json").stdout)
    assert sorted(d["title"] for d in every) == ["Open one", "Won one"]
    assert run("deal", "list", "--status", "lost").stderr == "No lost deals.\n"


def test_digest_json_is_the_format_json(ok) -> None:
    ok("lead", "add", "Ana")
    assert ok("digest", "--json").stdout == ok("digest", "--format", "json").stdout


def test_a_lead_is_not_a_prospect_because_it_came_in_as_a_lead(ok, run) -> None:
    ok("lead", "add", "Ana")
    assert run("prospect", "convert", "1").stderr == (
        "Error: #1 Ana is not a prospect (it came in as a lead)\n"
    )
    ok("customer", "purchase", "1", "--value", "10")
    assert run("prospect", "cancel", "1", "--yes").stderr == (
        "Error: #1 Ana is not a prospect (it came in as a lead and is a customer now)\n"
    )


def test_json_instants_end_in_z_everywhere(ok, monkeypatch, in_sao_paulo) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T09:00:00-03:00")
    ok("lead", "add", "Ana")
    exported = json.loads(ok("export", "contacts", "--format", "json").stdout)
    assert exported[0]["created_at"] == "2026-11-23T12:00:00Z"
    assert json.loads(ok("todo", "--json").stdout)["now"] == "2026-11-23T12:00:00Z"
    assert json.loads(ok("lead", "show", "1", "--json").stdout)["created_at"].endswith("Z")
