"""One place per rule: money, contact fields, the local day of an instant, date words.

Each rule lives in one module and every command uses it; these tests hold the rule
itself (properties) and that typed and imported values meet the same one.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesfunnel import clock
from salesfunnel.domain import fields
from salesfunnel.domain.money import MAX_AMOUNT, format_money, parse_money, read_amount
from salesfunnel.errors import BadValue

# --- money ------------------------------------------------------------------------------------


def written(number: Decimal, style: str) -> str:
    """An amount as a spreadsheet in some locale writes it."""
    text = f"{number:,.2f}"
    if style == "pt":  # 1.200,50
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if style == "ru":  # 1 200,50 with no-break spaces
        return text.replace(",", "\u00a0").replace(".", ",")
    if style == "ch":  # 1'200.50
        return text.replace(",", "'")
    if style == "brl":
        return "R$ " + text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if style == "eur":
        return text.replace(",", " ").replace(".", ",").replace(" ", ".") + " €"
    return text


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.sampled_from(["en", "pt", "ru", "ch", "brl", "eur"]),
)
def test_an_amount_written_in_any_locale_reads_back(number, style) -> None:
    assert read_amount(written(number, style)) == float(number)
    assert parse_money(written(number, style)) == float(number)


@given(st.text(max_size=30))
def test_typed_and_imported_amounts_follow_one_rule(text) -> None:
    """Whatever the text, `deal open --value` and an imported cell read the same number,
    or the typed one is refused; nothing read is infinite, negative or beyond the bound."""
    imported = read_amount(text)
    try:
        typed = parse_money(text)
    except BadValue:
        typed = None
    assert typed == imported
    if imported is not None:
        assert math.isfinite(imported) and 0 <= imported <= MAX_AMOUNT


@pytest.mark.parametrize(
    "text", ["inf", "-inf", "nan", "1e309", "1e5", "1,5e3", "Infinity", "12 apples 3", "--5"]
)
def test_what_is_not_money_is_refused(text) -> None:
    with pytest.raises(BadValue):
        parse_money(text)


@pytest.mark.parametrize("value", [math.inf, math.nan, MAX_AMOUNT * 10, -1.0])
def test_numbers_from_code_are_checked_too(value) -> None:
    with pytest.raises(BadValue):
        parse_money(value)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("12.500", 12500.0), ("12,500", 12500.0), ("12,5", 12.5), ("12.50", 12.5), ("1.2345", 1.23)],
)
def test_a_lone_separator_before_three_digits_groups_thousands(text, amount) -> None:
    assert read_amount(text) == amount


@given(st.floats(min_value=0, max_value=MAX_AMOUNT), st.sampled_from(["", "USD", "BRL"]))
def test_money_is_shown_as_it_is_read(value, currency) -> None:
    shown = format_money(value, currency or None)
    assert read_amount(shown) == round(value, 2)


def test_a_typed_and_an_imported_amount_store_the_same_value(ok, db, tmp_path) -> None:
    ok("lead", "add", "Ana", "--email", "ana@x.example")
    ok("deal", "open", "1", "--value", "12.500")
    ok("deal", "open", "1", "--value", "R$ 1.200,00")
    source = tmp_path / "list.csv"
    source.write_text(
        'name,email,value\nBia,bia@x.example,12.500\nCai,cai@x.example,"R$ 1.200,00"\n'
    )
    ok("prospect", "import", str(source))
    assert db("select value from deals order by id") == [(12500.0,), (1200.0,)]
    assert db("select value from contacts where value is not null order by id") == [
        (12500.0,),
        (1200.0,),
    ]


@pytest.mark.parametrize("value", ["inf", "1e309", "nan", "2000000000000"])
def test_a_deal_of_no_finite_value_is_refused_and_nothing_stored(ok, run, db, value) -> None:
    ok("lead", "add", "Ana")
    result = run("deal", "open", "1", "--value", value)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "unexpected" not in result.stderr
    assert db("select count(*) from deals") == [(0,)]


# --- contact fields ---------------------------------------------------------------------------


@given(st.text(max_size=40))
def test_an_email_key_is_its_own_key(email) -> None:
    key = fields.email_key(email)
    assert key is None or fields.email_key(key) == key


@given(st.lists(st.text(alphabet="abcAB ,;|", max_size=8), max_size=6))
def test_a_cell_of_tags_and_a_list_of_tags_clean_alike(parts) -> None:
    assert fields.split_tags(",".join(parts)) == fields.split_tags(";".join(parts))
    assert fields.clean_tags(fields.split_tags(",".join(parts))) == fields.split_tags(
        ",".join(parts)
    )


def test_an_email_typed_by_hand_is_flagged_as_an_imported_one_is(ok, db) -> None:
    ok("lead", "add", "Ana", "--email", "bad email@x.com")
    ok("prospect", "add", "Bia", "--email", "bia@example.com")
    assert db("select name, email_flagged from contacts order by id") == [("Ana", 1), ("Bia", 0)]


# --- the local day of an instant -----------------------------------------------------------------


ZONE_IS_FIXED = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@ZONE_IS_FIXED  # the fixture sets one zone for every example
@given(st.dates(min_value=date(1900, 1, 2), max_value=date(2200, 12, 30)))
def test_a_local_day_begins_on_that_day(in_sao_paulo, day) -> None:
    start = clock.day_start(day)
    assert start.tzinfo is UTC
    assert clock.local_date(start) == day
    assert clock.local_date(start - timedelta(microseconds=1)) == day - timedelta(days=1)


@ZONE_IS_FIXED
@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30)))
def test_a_wall_clock_time_names_one_instant_that_reads_back(in_sao_paulo, moment) -> None:
    instant = clock.local_moment(moment.date(), moment.time())
    shown = clock.local(instant.astimezone(UTC))
    # A time skipped when clocks jump forward reads back moved on by the gap (an hour for
    # daylight saving, 6 min 28 s when São Paulo left its local mean time in 1914); any
    # other time reads back as typed.
    assert timedelta(0) <= shown.replace(tzinfo=None) - moment <= timedelta(hours=1)


def test_every_command_dates_one_instant_on_the_same_day(ok, monkeypatch, in_sao_paulo) -> None:
    """22:30 in São Paulo is 01:30 UTC the next day: every command says the 22nd."""
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T01:30:00+00:00")
    ok("lead", "add", "Dana")
    ok("log", "1", "call", "First call")
    assert "  since   2026-11-22\n" in ok("lead", "show", "1").stdout
    funnel = json.loads(
        ok("report", "funnel", "--since", "2026-11-22", "--until", "2026-11-22", "--json").stdout
    )
    assert funnel["funnel"]["leads_created"] == 1
    todo = json.loads(ok("todo", "--json").stdout)
    (item,) = [i for s in todo["sections"] for i in s["items"] if i["contact_id"] == 1]
    assert item["last_touch"] == "2026-11-22"
    assert clock.today() == date(2026, 11, 22)
    assert clock.local_moment(date(2026, 11, 22), time(22, 30)) == clock.now()


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (
            ("lead", "add", "x" * 10_000),
            "a name can be at most 200 characters (this one has 10,000)",
        ),
        (("lead", "add", "Ana", "--company", "c" * 201), "a company can be at most 200"),
        (("lead", "add", "Ana", "--tag", "t" * 51), "a tag can be at most 50"),
        (("prospect", "add", "Ana", "--email", "a" * 250 + "@x.com"), "an email"),
        (("prospect", "add", "Ana", "--list", "l" * 201), "a list can be at most 200"),
    ],
)
def test_text_beyond_its_fields_length_is_refused(run, db, command, what) -> None:
    result = run(*command)
    assert result.exit_code == 1
    assert what.replace("an email", "a email") in result.stderr or what in result.stderr
    assert db("select count(*) from contacts") == [(0,)]


def test_an_activity_longer_than_its_field_is_refused(ok, run, db) -> None:
    ok("lead", "add", "Ana")
    result = run("log", "1", "note", "n" * 2_001)
    assert result.exit_code == 1 and "at most 2,000 characters" in result.stderr
    assert db("select count(*) from activities") == [(0,)]


def test_a_step_at_a_skipped_time_is_due_after_the_gap_not_the_evening_before(
    ok, monkeypatch
) -> None:
    """Santiago springs forward at midnight on 6 Sep 2026 (00:00 becomes 01:00): a step
    for `tomorrow 00:30` typed the evening before is due at 01:30, on the 6th."""
    from conftest import zone

    with zone("America/Santiago"):
        monkeypatch.setenv("SALESFUNNEL_NOW", "2026-09-05T20:00:00-04:00")
        ok("lead", "add", "Ana")
        step = json.loads(
            ok("next", "1", "call", "Call", "--due", "tomorrow 00:30", "--json").stdout
        )
        assert (step["due_date"], step["due_time"]) == ("2026-09-06", "00:30:00")
        assert step["due_at"] == "2026-09-06T04:30:00Z"  # 01:30 at -03
        monkeypatch.setenv("SALESFUNNEL_NOW", "2026-09-05T23:45:00-04:00")
        sections = {s["name"]: s for s in json.loads(ok("todo", "--json").stdout)["sections"]}
        assert sections["overdue"]["total"] == 0


def test_a_time_that_happens_twice_is_the_first(ok, monkeypatch) -> None:
    """New York falls back on 1 Nov 2026: 01:30 happens at -04 and again at -05."""
    from conftest import zone

    with zone("America/New_York"):
        monkeypatch.setenv("SALESFUNNEL_NOW", "2026-10-31T12:00:00-04:00")
        ok("lead", "add", "Ana")
        step = json.loads(
            ok("next", "1", "call", "Call", "--due", "tomorrow 01:30", "--json").stdout
        )
        assert step["due_at"] == "2026-11-01T05:30:00Z"  # the first 01:30, at -04


TRICKY_EMAILS = [
    "ana@example.com",
    "bad email@x.com",
    "line@x.com\nBcc: evil@y.com",
    "no-at-sign.example.com",
    "two@@example.com",
    "josé@exämple.pt",
    "trailing.dot@example.com.",
    "a@b",
    "UPPER@EXAMPLE.COM",
]


def test_emails_are_checked_the_same_way_typed_or_imported(ok, tmp_path) -> None:
    """Issue 14: the importer flagged what `lead add` let through. Each way in its own
    database (an address is someone's once)."""
    import csv

    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["name", "email"])
        writer.writerows([f"Person {n}", email] for n, email in enumerate(TRICKY_EMAILS))
    imported, typed, added = (tmp_path / f"{way}.db" for way in ("imported", "typed", "added"))
    ok("--db", str(imported), "prospect", "import", str(path), "--list", "tricky")
    for n, email in enumerate(TRICKY_EMAILS):
        ok("--db", str(typed), "lead", "add", f"Person {n}", "--email", email)
        ok("--db", str(added), "prospect", "add", f"Person {n}", "--email", email)
    flags = []
    for database in (imported, typed, added):
        with sqlite3.connect(database) as connection:
            flags.append(
                connection.execute(
                    "select email, email_flagged from contacts order by id"
                ).fetchall()
            )
    expected = [(email, int(n in (1, 2, 3, 4, 6, 7))) for n, email in enumerate(TRICKY_EMAILS)]
    assert flags == [expected, expected, expected]
