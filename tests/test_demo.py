"""`demo`: a realistic sample database, built through the real use cases."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

SUMMARY = re.compile(
    r"Built a demo database: (?P<contacts>\d+) contacts — (?P<prospects>\d+) came in as "
    r"prospects, (?P<leads>\d+) as leads; (?P<deals>\d+) deals; (?P<customers>\d+) customers\.\n"
)
DEFAULT_STAGES = ["qualification", "meeting", "proposal", "negotiation"]


def counted(db, sql: str) -> dict[object, int]:
    return {key: int(count) for key, count in db(sql)}


@pytest.mark.slow
def test_the_default_demo_covers_every_stage_and_status(ok, db) -> None:
    result = ok("demo")

    # the summary first on stderr, and it tells the truth about the database
    summary = SUMMARY.fullmatch(result.stderr.splitlines(keepends=True)[0])
    assert summary, result.stderr
    numbers = {key: int(value) for key, value in summary.groupdict().items()}
    assert numbers["contacts"] == 300
    assert db("select count(*) from contacts") == [(300,)]
    assert numbers["prospects"] + numbers["leads"] == 300
    assert db("select count(*) from contacts where list_id is not null") == [
        (numbers["prospects"],)
    ]
    assert db("select count(*) from deals") == [(numbers["deals"],)]
    assert db("select count(*) from contacts where stage = 'customer'") == [(numbers["customers"],)]

    prospects = counted(db, "select prospect_status, count(*) from contacts group by 1")
    assert all(prospects.get(status, 0) > 0 for status in ("open", "converted", "cancelled"))
    leads = counted(db, "select lead_status, count(*) from contacts group by 1")
    assert all(leads.get(status, 0) > 0 for status in ("new", "qualified", "disqualified"))
    levels = counted(db, "select qualification_level, count(*) from contacts group by 1")
    assert levels.get("mql", 0) > 0 and levels.get("sql", 0) > 0
    deals = counted(db, "select status, count(*) from deals group by 1")
    assert all(deals.get(status, 0) > 0 for status in ("open", "won", "lost"))
    open_stages = counted(db, "select stage, count(*) from deals where status = 'open' group by 1")
    assert all(open_stages.get(stage, 0) > 0 for stage in DEFAULT_STAGES)
    assert db("select count(*) from deals where status = 'lost' and lost_reason is null") == [(0,)]
    assert db("select count(*) from purchases where deal_id is null") != [(0,)]

    # customers in every computed status under the fixed clock, some of them churned
    customers = json.loads(ok("customer", "list", "--all", "--json").stdout)
    assert len(customers) == numbers["customers"]
    statuses = Counter(c["status"] for c in customers)
    assert all(statuses[s] > 0 for s in ("active", "pre-inactive", "inactive"))
    assert any(c["churned_on"] for c in customers)

    # calls logged and next steps planned around today: the to-do list has every section
    assert db("select count(*) from activities where done_at is not null")[0][0] > 0
    assert db("select count(*) from activities where done_at is null")[0][0] > 0
    for section in ("Pipeline", "Overdue", "Today", "Next 7 days", "No next step", "Stale leads"):
        assert section in result.stdout

    # names in four languages; a company holds several contacts
    names = [name for (name,) in db("select name from contacts")]
    assert any(re.search("[а-яА-Я]", name) for name in names)
    assert any(re.search("[À-ÿ]", name) for name in names)
    assert (
        db("select max(n) from (select count(*) n from contacts group by company_id) as counts")[0][
            0
        ]
        > 1
    )

    # history dated over the past year, nothing in the future
    first, last = db("select min(at), max(at) from lifecycle_events")[0]
    assert first < "2026-03-01" and last <= "2026-11-23 09:00:00.000000"

    # the pipeline on stdout, plain text in a pipe
    lines = result.stdout.splitlines()
    assert lines[0] == "Pipeline (open deals)"
    assert [line.split()[0] for line in lines[2:6]] == DEFAULT_STAGES
    assert f"{sum(open_stages.values())} open deals," in result.stdout
    assert "\x1b" not in result.stdout


def test_russian_first_names_and_surnames_agree_in_gender(ok, db) -> None:
    ok("demo", "--contacts", "120")
    russian = [
        name.split() for (name,) in db("select name from contacts") if re.search("[а-я]", name)
    ]
    assert len(russian) > 10
    for first, last in russian:
        she = first.endswith(("а", "я"))
        assert last.endswith("а") == she, f"{first} {last}"
    assert any(last.endswith("а") for _, last in russian)
    assert any(not last.endswith("а") for _, last in russian)


def test_the_same_day_gives_the_same_demo(ok, tmp_path: Path) -> None:
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    ok("--db", str(first), "demo", "--contacts", "40")
    ok("--db", str(second), "demo", "--contacts", "40")
    query = "select id, name, email, stage, lead_status, prospect_status from contacts order by id"
    rows = []
    for path in (first, second):
        connection = sqlite3.connect(path)
        try:
            rows.append(connection.execute(query).fetchall())
        finally:
            connection.close()
    assert len(rows[0]) == 40
    assert rows[0] == rows[1]


def test_demo_refuses_a_database_that_holds_contacts(ok, run, db) -> None:
    ok("lead", "add", "Ana", "--email", "ana@example.com")
    before = db("select * from contacts")
    result = run("demo", "--contacts", "20")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: the database already holds 1 contacts; give demo a new file with --db\n"
    )
    assert db("select * from contacts") == before
    assert db("select count(*) from deals") == [(0,)]
    assert db("select count(*) from lifecycle_events") == [(1,)]


def test_demo_takes_its_size_within_bounds(run) -> None:
    result = run("demo", "--contacts", "5")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--contacts" in result.stderr


def test_the_demo_shows_a_merge_a_recurring_step_and_a_cadence(ok, db) -> None:
    result = ok("demo", "--contacts", "120")
    notes = result.stderr.splitlines()[1:4]
    merged = r"Merged #121, .+ entered twice, into #(\d+): salesfunnel show \1"
    assert re.fullmatch(merged, notes[0])
    assert re.fullmatch(
        r"A weekly call with .+ recurs: done on 2026-11-21, the next is #\d+ due 2026-11-28: "
        r"salesfunnel show \d+",
        notes[1],
    )
    assert notes[2].startswith("Contacts tagged vip are kept in touch with every 30 days")
    kept = int(re.search(r"into #(\d+)", notes[0]).group(1))
    assert db("select count(*) from contacts") == [(120,)]  # the twin is gone
    assert db(
        "select detail from lifecycle_events where contact_id = ? and action = 'merge'", (kept,)
    ) == [("merged #121 " + db("select name from contacts where id = ?", (kept,))[0][0].upper(),)]
    assert db("select count(*) from activities where every = '1w' and done_at is null") == [(1,)]
    assert db("select value from settings where key = 'cadence.vip'") == [("30d",)]
    todo = json.loads(ok("todo", "--json").stdout)
    in_touch = next(s for s in todo["sections"] if s["name"] == "keep-in-touch")
    assert in_touch["total"] > 0
    assert "Keep in touch (" in result.stdout
