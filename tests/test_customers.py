"""`customer list / status / purchase / churn`, driven through the real CLI.

The clock is fixed at 2026-11-23 (conftest).  A purchase on that day is 90 days old on
2027-02-21, 91 on 2027-02-22, 180 on 2027-05-22 and 181 on 2027-05-23.
"""

from __future__ import annotations

import json

import pytest

EDGES = [
    ("2026-11-23", 0, "active"),
    ("2027-02-21", 90, "active"),
    ("2027-02-22", 91, "pre-inactive"),
    ("2027-05-22", 180, "pre-inactive"),
    ("2027-05-23", 181, "inactive"),
]


def status_of(ok, ref: str, *args: str) -> dict:
    return json.loads(ok("customer", "status", ref, *args, "--json").stdout)


@pytest.fixture
def customer(ok) -> None:
    """Customer #1 Ana, who bought for 500 today."""
    ok("lead", "add", "Ana", "--email", "ana@example.com", "--company", "Atlântico")
    ok("customer", "purchase", "1", "--value", "500")


def test_status_at_the_exact_edges_of_the_spec_thresholds(ok, customer) -> None:
    for as_of, days, expected in EDGES:
        found = status_of(ok, "1", "--as-of", as_of)
        assert (found["as_of"], found["days_since_purchase"], found["status"]) == (
            as_of,
            days,
            expected,
        )
    text = ok("customer", "status", "ana@example.com", "--as-of", "2027-02-22")
    assert text.stdout == (
        "#1 Ana: pre-inactive as of 2027-02-22 (last purchase 2026-11-23, 91 days ago)\n"
    )
    assert text.stderr == ""


def test_list_filters_by_status_at_the_edges(ok, db) -> None:
    # one customer per edge, each bought the given number of days before today
    for number, (_, days, _) in enumerate(EDGES, start=1):
        ok("lead", "add", f"C{days:03}")
        ok("customer", "purchase", str(number), "--value", "100", "--date", f"-{days}d")
    assert db("select contact_id, purchased_on from purchases order by contact_id") == [
        (1, "2026-11-23"),
        (2, "2026-08-25"),
        (3, "2026-08-24"),
        (4, "2026-05-27"),
        (5, "2026-05-26"),
    ]

    def names(*args: str) -> list[str]:
        result = ok("customer", "list", *args, "--json")
        return [c["name"] for c in json.loads(result.stdout)]

    assert names() == ["C000", "C090", "C091", "C180", "C181"]
    assert names("--status", "active") == ["C000", "C090"]
    assert names("--status", "pre-inactive") == ["C091", "C180"]
    assert names("--status", "inactive") == ["C181"]
    # as of a past day, purchases made after it don't count yet
    assert names("--as-of", "2026-08-24") == ["C091", "C180", "C181"]
    assert names("--as-of", "2026-08-24", "--status", "active") == ["C091", "C180", "C181"]
    assert names("--as-of", "2026-05-26") == ["C181"]

    text = ok("customer", "list", "--status", "pre-inactive")
    lines = text.stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "name",
        "company",
        "status",
        "last",
        "purchase",
        "days",
        "purchases",
        "value",
    ]
    assert [line.split()[:4] for line in lines[1:]] == [
        ["3", "C091", "pre-inactive", "2026-08-24"],
        ["4", "C180", "pre-inactive", "2026-05-27"],
    ]
    limited = ok("customer", "list", "--limit", "2", "--json")
    assert [c["name"] for c in json.loads(limited.stdout)] == ["C000", "C090"]
    assert limited.stderr == "Showing 2 of 5 customers; use --limit N or --all to see more.\n"
    empty = ok("customer", "list", "--as-of", "2020-01-01", "--json")
    assert json.loads(empty.stdout) == []


def test_the_settings_move_the_thresholds(ok, run, customer) -> None:
    ok("config", "set", "customer.pre_inactive_days", "30")
    ok("config", "set", "customer.inactive_days", "60")
    assert status_of(ok, "1", "--as-of", "+30d")["status"] == "active"
    assert status_of(ok, "1", "--as-of", "+31d")["status"] == "pre-inactive"
    assert status_of(ok, "1", "--as-of", "+60d")["status"] == "pre-inactive"
    assert status_of(ok, "1", "--as-of", "+61d")["status"] == "inactive"
    listed = json.loads(ok("customer", "list", "--as-of", "+45d", "--json").stdout)
    assert [(c["id"], c["status"]) for c in listed] == [(1, "pre-inactive")]


def test_status_refuses_what_is_not_a_customer(ok, run) -> None:
    ok("lead", "add", "Bea")
    result = run("customer", "status", "1")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: #1 Bea is a lead, not a customer yet (win a deal or record a purchase)\n"
    )
    ok("customer", "purchase", "1", "--value", "10", "--date", "2026-11-01")
    too_early = run("customer", "status", "1", "--as-of", "2026-10-31")
    assert too_early.exit_code == 1
    assert too_early.stderr == "Error: #1 Bea had bought nothing by 2026-10-31\n"
    missing = run("customer", "status", "5")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: no customer with id or email 5\n"
    bad_date = run("customer", "list", "--as-of", "the other day")
    assert bad_date.exit_code == 1
    assert "can't read 'the other day' as a date" in bad_date.stderr


def test_a_purchase_makes_a_lead_a_customer(ok, db) -> None:
    ok("lead", "add", "Ana", "--email", "ana@example.com")
    result = ok("customer", "purchase", "ana@example.com", "--value", "1.250,00", "--date", "-3d")
    assert result.stdout == ""
    assert result.stderr == "Recorded a purchase of 1,250.00 USD by #1 on 2026-11-20.\n"
    assert db("select stage, lead_status from contacts") == [("customer", "new")]
    assert db("select contact_id, deal_id, value, currency, purchased_on from purchases") == [
        (1, None, 1250.0, "USD", "2026-11-20")
    ]
    assert db("select entity, action, from_state, to_state, detail from lifecycle_events") == [
        ("lead", "created", None, "new", None),
        ("customer", "become", "lead", "active", None),
        ("customer", "purchase", None, None, "1250.00 USD on 2026-11-20"),
    ]
    found = status_of(ok, "1")
    assert (found["status"], found["last_purchase"], found["purchases"]) == (
        "active",
        "2026-11-20",
        1,
    )
    assert found["purchases_value"] == 1250.0


def test_purchase_json_and_currency(ok) -> None:
    ok("lead", "add", "Ana")
    result = ok("customer", "purchase", "1", "--value", "80", "--currency", "eur", "--json")
    assert json.loads(result.stdout) == {
        "id": 1,
        "contact_id": 1,
        "deal_id": None,
        "value": 80.0,
        "currency": "EUR",
        "purchased_on": "2026-11-23",
    }


def test_purchases_add_up_and_the_last_one_counts(ok, customer) -> None:
    ok("customer", "purchase", "1", "--value", "250", "--date", "2026-10-01")
    ok("customer", "purchase", "1", "--value", "100", "--date", "2026-12-01")
    today = status_of(ok, "1")
    assert (today["purchases"], today["purchases_value"], today["last_purchase"]) == (
        2,
        750.0,
        "2026-11-23",
    )
    later = status_of(ok, "1", "--as-of", "2026-12-02")
    assert (later["purchases"], later["last_purchase"]) == (3, "2026-12-01")


PURCHASE_REFUSALS = [
    ("2", "100", "can't record a purchase for #2 Pia: it is a prospect (prospect convert"),
    ("1", "0", "a purchase needs a value above zero (--value)"),
    ("1", "-5", "value can't be negative: -5"),
    ("1", "cheap", "'cheap' is not an amount"),
    ("9", "100", "no customer with id or email 9"),
    ("1", "100 --currency reais", "'reais' is not a three-letter currency code"),
]


def test_purchase_refusals_store_nothing(ok, run, db) -> None:
    ok("lead", "add", "Ana")
    ok("prospect", "add", "Pia")
    for who, value, message in PURCHASE_REFUSALS:
        result = run("customer", "purchase", who, "--value", *value.split(" "))
        assert (result.exit_code, result.stdout) == (1, ""), value
        assert message in result.stderr
    assert db("select count(*) from purchases") == [(0,)]
    assert db("select stage from contacts order by id") == [("lead",), ("prospect",)]


def test_churn_makes_a_customer_inactive_from_then(ok, run, db, customer) -> None:
    ok("customer", "purchase", "1", "--value", "50", "--date", "2026-09-01")
    result = ok("customer", "churn", "1", "--reason", "contract broken", "--yes")
    assert result.stdout == ""
    assert result.stderr == "#1 Ana churned: now inactive.\n"
    assert db("select churned_on, churn_reason from contacts") == [
        ("2026-11-23", "contract broken")
    ]
    assert db(
        "select from_state, to_state, detail from lifecycle_events where action = ?", ("churn",)
    ) == [("active", "churned", "contract broken")]
    assert status_of(ok, "1")["status"] == "inactive"
    assert status_of(ok, "1")["churned_on"] == "2026-11-23"
    # before the churn, the customer was what the purchases said
    assert status_of(ok, "1", "--as-of", "2026-11-22")["status"] == "active"
    assert status_of(ok, "1", "--as-of", "2026-11-01")["status"] == "active"
    inactive = json.loads(ok("customer", "list", "--status", "inactive", "--json").stdout)
    assert [c["id"] for c in inactive] == [1]

    again = run("customer", "churn", "1", "--yes")
    assert again.exit_code == 1
    assert again.stderr == "Error: can't churn customer #1 Ana: it has already churned\n"
    assert db("select count(*) from lifecycle_events where action = 'churn'") == [(1,)]


def test_a_purchase_after_churn_makes_them_active_again(ok, monkeypatch, customer) -> None:
    ok("customer", "churn", "1", "--yes")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-12-10T09:00:00+00:00")
    assert status_of(ok, "1")["status"] == "inactive"
    ok("customer", "purchase", "1", "--value", "75")
    back = status_of(ok, "1")
    assert (back["status"], back["last_purchase"], back["churned_on"]) == (
        "active",
        "2026-12-10",
        "2026-11-23",
    )
    # and they can churn again
    monkeypatch.setenv("SALESFUNNEL_NOW", "2027-01-05T09:00:00+00:00")
    ok("customer", "churn", "1", "--yes")
    assert status_of(ok, "1")["status"] == "inactive"


def test_churn_refuses_a_lead(ok, run, db) -> None:
    ok("lead", "add", "Bea")
    result = run("customer", "churn", "1", "--yes")
    assert result.exit_code == 1
    assert "#1 Bea is a lead, not a customer yet" in result.stderr
    assert db("select churned_on from contacts") == [(None,)]
