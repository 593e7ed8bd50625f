"""`source list` and `source cost`: where contacts come from and what that cost."""

from __future__ import annotations

import json


def test_a_cost_is_recorded_on_its_source(ok, db) -> None:
    ok("lead", "add", "Ana", "--source", "Webinar")
    result = ok("source", "cost", "WEBINAR", "1.200,50", "--date", "2026-11-01")
    assert result.stdout == ""
    assert "Recorded 1,200.50 USD for source 'webinar' on 2026-11-01" in result.stderr
    assert db("select name, channel from sources") == [("webinar", None)]
    assert db("select amount, currency, spent_on from source_costs") == [
        (1200.5, "USD", "2026-11-01")
    ]


def test_costs_add_up_per_currency(ok) -> None:
    ok("lead", "add", "Ana", "--source", "webinar")
    ok("source", "cost", "webinar", "100")
    ok("source", "cost", "webinar", "50", "--currency", "eur")
    cost = json.loads(ok("source", "cost", "webinar", "25", "--json").stdout)
    assert (cost["source"], cost["amount"], cost["currency"], cost["spent_on"]) == (
        "webinar",
        25.0,
        "USD",
        "2026-11-23",
    )
    assert cost["total"]["costs"] == {"EUR": 50.0, "USD": 125.0}
    assert cost["total"]["cost_entries"] == 3


def test_a_cost_for_a_source_no_contact_has_yet_is_kept_with_a_note(ok, db) -> None:
    result = ok("source", "cost", "Trade fair 2027", "3000", "--channel", "outbound")
    assert "No contact has the source 'trade fair 2027' yet" in result.stderr
    assert db("select name, channel from sources") == [("trade fair 2027", "outbound")]


def test_bad_costs_are_refused_and_write_nothing(run, db) -> None:
    for args, message in [
        (("webinar", "--", "-5"), "can't be negative"),
        (("webinar", "lots"), "is not an amount"),
        (("webinar", "10", "--channel", "carrier pigeon"), "neither inbound nor outbound"),
        (("webinar", "10", "--currency", "euros"), "three-letter currency code"),
        (("  ", "10"), "a source needs a name"),
        (("webinar", "10", "--date", "someday"), "Error:"),
    ]:
        result = run("source", "cost", *args)
        assert result.exit_code == 1, args
        assert message in result.stderr, (args, result.stderr)
        assert result.stdout == ""
    assert db("select count(*) from source_costs") == [(0,)]
    assert db("select count(*) from sources") == [(0,)]


def test_sources_are_listed_from_contacts_and_costs(ok) -> None:
    ok("lead", "add", "Ana", "--source", "Referral")
    ok("lead", "add", "Bea", "--source", "referral")
    ok("prospect", "add", "Caio", "--list", "Madrid retailers")
    ok("source", "cost", "madrid retailers", "300", "--date", "2026-10-01")
    ok("source", "cost", "Paid ads", "90", "--channel", "inbound")
    sources = json.loads(ok("source", "list", "--json").stdout)
    assert [(s["name"], s["channel"], s["contacts"]) for s in sources] == [
        ("referral", "inbound", 2),
        ("madrid retailers", "outbound", 1),
        ("paid ads", "inbound", 0),
    ]
    madrid = sources[1]
    assert (madrid["costs"], madrid["cost_entries"], madrid["last_cost_on"]) == (
        {"USD": 300.0},
        1,
        "2026-10-01",
    )
    text = ok("source", "list").stdout
    assert "referral" in text and "300.00 USD" in text and "—" in text


def test_an_explicit_channel_wins_over_the_contacts_one(ok) -> None:
    ok("lead", "add", "Ana", "--source", "events")
    ok("source", "cost", "events", "10", "--channel", "outbound")
    (events,) = json.loads(ok("source", "list", "--json").stdout)
    assert events["channel"] == "outbound"


def test_no_sources_is_an_empty_list(empty_db, ok) -> None:
    assert ok("source", "list", "--json").stdout.strip() == "[]"
    result = ok("source", "list")
    assert result.stdout == "" and "No sources yet" in result.stderr
