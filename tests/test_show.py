"""`show CONTACT`: any contact at any stage, with its lists, steps, deals, purchases, history."""

from __future__ import annotations

import json

from salesfunnel.schemas import ContactDetail
from test_docs import assert_conforms


def test_a_prospect_shows_its_list_and_status(ok) -> None:
    ok("prospect", "add", "Ana", "--email", "ana@example.com", "--list", "Lisbon fair")
    shown = json.loads(ok("show", "ana@example.com", "--json").stdout)
    assert_conforms(ContactDetail, shown, "show")
    assert (shown["stage"], shown["status"], shown["list"]) == ("prospect", "open", "Lisbon fair")
    text = ok("show", "1").stdout
    assert "  stage   prospect, open\n" in text and "  list    Lisbon fair\n" in text


def test_a_cancelled_prospect_shows_why(ok) -> None:
    ok("prospect", "add", "Ana")
    ok("prospect", "cancel", "1", "--reason", "asked not to be contacted", "--yes")
    shown = json.loads(ok("show", "1", "--json").stdout)
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "asked not to be contacted")


def test_a_customer_shows_its_status_deals_purchases_steps_and_history(ok) -> None:
    ok("lead", "add", "Bob", "--source", "webinar", "--star")
    ok("lead", "add", "Lia", "--referred-by", "1")
    ok("lead", "qualify", "2", "--need", "--value", "5000")
    ok("deal", "win", "1")
    ok("customer", "purchase", "2", "--value", "300", "--currency", "EUR")
    ok("next", "2", "call", "Check in", "--due", "+1w")
    shown = json.loads(ok("show", "2", "--json").stdout)
    assert_conforms(ContactDetail, shown, "show")
    assert (shown["stage"], shown["customer"]["status"]) == ("customer", "active")
    assert shown["referred_by"] == 1 and shown["referred_by_name"] == "Bob"
    assert [d["status"] for d in shown["deals"]] == ["won"]
    assert sorted(p["currency"] for p in shown["purchases"]) == ["EUR", "USD"]
    assert [a["text"] for a in shown["planned"]] == ["Check in"]
    assert [e["action"] for e in shown["history"]][:2] == ["created", "qualify"]
    text = ok("show", "2").stdout
    assert "  referred by  Bob (#1)\n" in text
    # its status is the customer's, not the lead status it had ("customer, qualified")
    assert "  stage        customer\n" in text
    assert "  customer     active as of " in text
    assert "Purchases\n" in text and "Planned steps\n" in text


def test_show_names_what_it_cannot_find(run) -> None:
    run("lead", "add", "Ana")
    result = run("show", "nobody@example.com")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no contact with id or email nobody@example.com\n",
    )
