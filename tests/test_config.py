"""`config list / get / set`: settings stored in the database, checked before they are."""

from __future__ import annotations

import json

import pytest

from conftest import on_server
from salesfunnel.domain.owners import USER_SETTING, login_name
from salesfunnel.domain.settings import SETTINGS

# the settings of the funnel itself; other features add theirs to the registry
DEFAULTS = {
    "automation.open_deal_on_qualify": "true",
    "customer.pre_inactive_days": "90",
    "customer.inactive_days": "180",
    "currency.default": "USD",
    "pipeline.stages": "qualification:10,meeting:25,proposal:50,negotiation:75",
    "locale.dayfirst": "false",
    "locale.weekstart": "monday",
}
KEYS = ", ".join(SETTINGS)
# What a new SQLite database stores of its own: whose it is (migration 0010).
OWN = f"key <> '{USER_SETTING}'"


def test_list_shows_every_setting_with_its_default(empty_db, ok, db) -> None:
    settings = json.loads(ok("config", "list", "--json").stdout)
    assert [s["key"] for s in settings] == list(SETTINGS)
    assert {s["key"]: s["value"] for s in settings}.items() >= DEFAULTS.items()
    assert all(s["help"] for s in settings)
    assert all(s["value"] == s["default"] for s in settings if s["key"] != USER_SETTING)
    # a personal database is its maker's; a server's settings are the team's, and each
    # person is their SALESFUNNEL_USER or login name
    mine = "" if on_server() else login_name()
    assert {s["key"]: s["value"] for s in settings}[USER_SETTING] == mine

    text = ok("config", "list")
    assert text.stderr == ""
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["key", "value", "default", "meaning"]
    assert [line.split()[0] for line in lines[1:]] == list(SETTINGS)
    assert db(f"select count(*) from settings where {OWN}") == [(0,)]  # defaults aren't stored


def test_set_stores_the_canonical_value_and_get_reads_it(ok, db) -> None:
    result = ok("config", "set", "currency.default", " eur ")
    assert result.stdout == ""
    assert result.stderr == "currency.default = EUR\n"
    assert db("select key, value from settings where key like '%currency%'") == [
        ("currency.default", "EUR")
    ]

    got = ok("config", "get", "currency.default")
    assert (got.stdout, got.stderr) == ("EUR\n", "")
    assert json.loads(ok("config", "get", "currency.default", "--json").stdout) == {
        "key": "currency.default",
        "value": "EUR",
        "default": "USD",
        "help": "currency of new deals, purchases and costs when none is given, and of totals",
    }
    listed = json.loads(ok("config", "list", "--json").stdout)
    assert {s["key"]: s["value"] for s in listed}["currency.default"] == "EUR"

    ok("config", "set", "currency.default", "brl")
    assert db(f"select key, value from settings where {OWN}") == [("currency.default", "BRL")]


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("automation.open_deal_on_qualify", "OFF", "false"),
        ("automation.open_deal_on_qualify", "yes", "true"),
        ("locale.dayfirst", "1", "true"),
        ("locale.weekstart", "Sunday", "sunday"),
        ("customer.inactive_days", "365", "365"),
        (
            "pipeline.stages",
            " Discovery : 5 , Demo:30,Contract:90 ",
            "discovery:5,demo:30,contract:90",
        ),
    ],
)
def test_set_reads_values_the_way_people_type_them(ok, db, key, typed, stored) -> None:
    result = ok("config", "set", key, typed, "--json")
    assert json.loads(result.stdout)["value"] == stored
    assert db("select value from settings where key = ?", (key,)) == [(stored,)]


def test_unknown_keys_are_refused_listing_the_keys(empty_db, ok, run, db) -> None:
    for command in (("get", "nope"), ("set", "nope", "1"), ("set", "deal.currencies", "EUR")):
        result = run("config", *command)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(
            f"Error: unknown setting {command[1]!r}; the settings are: {KEYS}"
        )
        assert result.stderr.count("\n") == 1
    assert db(f"select count(*) from settings where {OWN}") == [(0,)]


BAD_VALUES = [
    (
        ("customer.pre_inactive_days", "200"),
        "customer.pre_inactive_days must be positive and below customer.inactive_days "
        "(now 200 and 180)",
    ),
    (
        ("customer.inactive_days", "90"),
        "customer.pre_inactive_days must be positive and below customer.inactive_days "
        "(now 90 and 90)",
    ),
    (("customer.pre_inactive_days", "abc"), "customer.pre_inactive_days: 'abc' is not a whole"),
    (("customer.inactive_days", "0"), "customer.inactive_days: 0 must be above zero"),
    (("customer.inactive_days", "-3"), "customer.inactive_days: -3 must be above zero"),
    (("automation.open_deal_on_qualify", "maybe"), "'maybe' is not true or false"),
    (("locale.dayfirst", ""), "'' is not true or false"),
    (("locale.weekstart", "funday"), "can't read 'funday' as a weekday"),
    (("currency.default", "euro"), "'euro' is not a three-letter currency code"),
    (("currency.default", "U$D"), "'U$D' is not a three-letter currency code"),
    (("pipeline.stages", "a:10,b"), "'b' is not name:probability"),
    (("pipeline.stages", "a:10,A:20"), "a stage name appears twice"),
    (("pipeline.stages", "a:100"), "probability 100 is out of range: use 0 to 99"),
    (("pipeline.stages", "a:ten"), "probability 'ten' is not a whole number from 0 to 99"),
    (("pipeline.stages", ""), "'' is not name:probability"),
    (("pipeline.stages", ":10"), "':10' is not name:probability"),
]


def test_bad_values_are_refused_and_nothing_is_stored(ok, run, db) -> None:
    ok("config", "set", "currency.default", "EUR")
    for (key, value), message in BAD_VALUES:
        result = run("config", "set", "--", key, value)
        assert (result.exit_code, result.stdout) == (1, ""), (key, value)
        assert result.stderr.startswith("Error: ")
        assert message in result.stderr, (key, value, result.stderr)
        assert result.stderr.count("\n") == 1
    assert db("select key, value from settings where key like '%currency%'") == [
        ("currency.default", "EUR")
    ]


def test_thresholds_can_move_together_in_the_right_order(ok, run, db) -> None:
    refused = run("config", "set", "customer.pre_inactive_days", "200")
    assert refused.exit_code == 1
    ok("config", "set", "customer.inactive_days", "365")
    ok("config", "set", "customer.pre_inactive_days", "200")
    assert dict(db(f"select key, value from settings where {OWN}")) == {
        "customer.inactive_days": "365",
        "customer.pre_inactive_days": "200",
    }


def test_dayfirst_changes_how_a_slashed_date_reads(ok, db) -> None:
    ok("lead", "add", "Ana")
    ok("deal", "open", "1", "--close", "03/04/2026")
    result = ok("config", "set", "locale.dayfirst", "true")
    assert result.stderr == "locale.dayfirst = true\n"
    ok("deal", "open", "1", "--close", "03/04/2026")
    assert db("select id, expected_close from deals order by id") == [
        (1, "2026-03-04"),
        (2, "2026-04-03"),
    ]


def test_the_stages_setting_drives_new_deals(ok, run, db) -> None:
    ok("config", "set", "pipeline.stages", "discovery:5,demo:30,contract:90")
    ok("lead", "add", "Ana")
    ok("deal", "open", "1")
    ok("deal", "move", "1", "contract")
    assert db("select stage, probability from deals") == [("contract", 90)]
    old_stage = run("deal", "open", "1", "--stage", "proposal")
    assert old_stage.exit_code == 1
    assert old_stage.stderr == (
        "Error: unknown stage 'proposal'; the stages are: discovery, demo, contract\n"
    )
    assert [s["stage"] for s in json.loads(ok("pipeline", "--json").stdout)] == [
        "discovery",
        "demo",
        "contract",
    ]


def test_the_old_name_of_the_default_currency_still_works(ok, db) -> None:
    """deal.currency was renamed currency.default: scripts using the old name keep working,
    and a database that stored it keeps its value."""
    ok("config", "set", "lead.stale_days", "14")  # creates the database
    db("INSERT INTO settings (key, value) VALUES ('deal.currency', 'BRL')")
    assert ok("config", "get", "currency.default").stdout == "BRL\n"
    assert ok("config", "get", "deal.currency").stdout == "BRL\n"
    ok("lead", "add", "Ana")
    assert json.loads(ok("deal", "open", "1", "--json").stdout)["currency"] == "BRL"
    assert ok("config", "set", "deal.currency", "eur").stderr == "currency.default = EUR\n"
    assert db("select key, value from settings where key like '%currency%'") == [
        ("currency.default", "EUR")
    ]


def test_the_default_currency_is_that_of_new_deals_purchases_costs_and_totals(ok, db) -> None:
    """Issue 14: one `currency.default` setting, for what is typed without a currency and
    for the total a listing gives in one currency (the others are beside it)."""
    ok("lead", "add", "Ana")
    ok("config", "set", "currency.default", "eur")
    ok("deal", "open", "1", "--title", "Lisbon", "--value", "100")
    ok("deal", "open", "1", "--title", "Boston", "--value", "50", "--currency", "USD")
    ok("customer", "purchase", "1", "--value", "30")
    ok("source", "cost", "fair", "10")
    assert db("select currency from deals order by id") == [("EUR",), ("USD",)]
    assert db("select currency from purchases") == [("EUR",)]
    assert db("select currency from source_costs") == [("EUR",)]
    stage = json.loads(ok("pipeline", "--json").stdout)[0]
    assert (stage["currency"], stage["total_value"]) == ("EUR", 100.0)
    (customer,) = json.loads(ok("customer", "list", "--json").stdout)
    assert (customer["currency"], customer["purchases_value"]) == ("EUR", 30.0)
