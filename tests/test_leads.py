"""`lead add / list / show / qualify / disqualify`, driven through the real CLI."""

from __future__ import annotations

import json

import pytest

from salesfunnel.domain.owners import login_name


def lead_json(ok, ref: str) -> dict:
    return json.loads(ok("lead", "show", ref, "--json").stdout)


def test_add_with_source_channel_tags_star_and_referrer(ok, db) -> None:
    ok("lead", "add", "Rita Lobo", "--email", "rita@example.com")
    result = ok(
        "lead",
        "add",
        "Dana Brook",
        "--email",
        "dana@example.com",
        "--phone",
        "+351 912 000 111",
        "--company",
        "Northwind",
        "--title",
        "CEO",
        "--source",
        "Webinar",
        "--channel",
        "outbound",
        "--tag",
        "VIP",
        "--tag",
        "smb",
        "--tag",
        "vip",
        "--star",
        "--referred-by",
        "RITA@example.com",
    )
    assert result.stdout == ""
    assert result.stderr == "Added lead #2 Dana Brook.\n"
    assert db(
        "select stage, lead_status, source, channel, starred, referred_by_id, phone, title, "
        "prospect_status, list_id from contacts where id = 2"
    ) == [("lead", "new", "webinar", "outbound", 1, 1, "+351 912 000 111", "CEO", None, None)]
    assert db("select tag from contact_tags where contact_id = 2 order by tag") == [
        ("smb",),
        ("vip",),
    ]
    assert db("select name from companies") == [("Northwind",)]
    assert db("select action, to_state, detail from lifecycle_events where contact_id = 2") == [
        ("created", "new", "webinar")
    ]


def test_add_defaults_and_json(ok, db) -> None:
    result = ok("lead", "add", "Ana", "--json")
    lead = json.loads(result.stdout)
    assert lead == {
        "id": 1,
        "name": "Ana",
        "email": None,
        "phone": None,
        "company": None,
        "title": None,
        "status": "new",
        "level": None,
        "source": None,
        "channel": "inbound",
        "tags": [],
        "starred": False,
        "stage": "lead",
        "created_at": "2026-11-23T09:00:00Z",
        "owner": login_name(),  # the one user of a new database (domain/owners.py)
    }
    assert result.stderr == ""
    assert db("select starred, channel from contacts") == [(0, "inbound")]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--referred-by", "9"), 1, "Error: no contact with id or email 9\n"),
        (("--referred-by", "who@example.com"), 1, "no contact with id or email who@example.com"),
    ],
)
def test_add_refuses_an_unknown_referrer(empty_db, ok, run, db, args, status, message) -> None:
    result = run("lead", "add", "Ana", *args)
    assert result.exit_code == status
    assert message in result.stderr
    assert result.stdout == ""
    assert db("select count(*) from contacts") == [(0,)]
    assert db("select count(*) from lifecycle_events") == [(0,)]


def test_add_refuses_an_unknown_channel_as_a_usage_error(run) -> None:
    result = run("lead", "add", "Ana", "--channel", "carrier-pigeon")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "carrier-pigeon" in result.stderr


@pytest.fixture
def salesfloor(ok):
    """Leads a salesperson would filter: sources, tags, stars, statuses, levels, channels."""
    ok("lead", "add", "A-match", "--source", "webinar", "--tag", "vip", "--star")
    ok("lead", "add", "B-unstarred", "--source", "webinar", "--tag", "vip")
    ok("lead", "add", "C-untagged", "--source", "webinar", "--star")
    ok("lead", "add", "D-fair", "--source", "fair", "--tag", "vip", "--star")
    ok("lead", "add", "E-disq", "--source", "webinar", "--tag", "vip", "--star")
    ok("lead", "disqualify", "5", "--reason", "no budget")
    ok("lead", "add", "F-mql", "--source", "webinar", "--channel", "outbound")
    ok("lead", "qualify", "6", "--level", "mql")
    ok("lead", "add", "G-sql", "--source", "referral", "--tag", "vip", "--channel", "outbound")
    ok("lead", "qualify", "7", "--level", "sql", "--no-deal")
    ok("prospect", "add", "H-prospect")


def names(result) -> list[str]:
    return [lead["name"] for lead in json.loads(result.stdout)]


def test_list_filters_the_way_a_salesperson_thinks(ok, salesfloor) -> None:
    combined = ok(
        "lead", "list", "--status", "new", "--source", "webinar", "--tag", "vip", "--starred"
    )
    lines = combined.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].split()[:3] == ["1", "*", "A-match"]
    assert combined.stderr == ""

    assert names(ok("lead", "list", "--source", "WEBINAR", "--json")) == [
        "E-disq",
        "C-untagged",
        "A-match",
        "F-mql",
        "B-unstarred",
    ]
    assert names(ok("lead", "list", "--tag", "VIP", "--json")) == [
        "E-disq",
        "D-fair",
        "A-match",
        "G-sql",
        "B-unstarred",
    ]
    assert names(ok("lead", "list", "--status", "disqualified", "--json")) == ["E-disq"]
    assert names(ok("lead", "list", "--status", "qualified", "--json")) == ["G-sql", "F-mql"]
    assert names(ok("lead", "list", "--level", "mql", "--json")) == ["F-mql"]
    assert names(ok("lead", "list", "--level", "sql", "--json")) == ["G-sql"]
    assert names(ok("lead", "list", "--channel", "outbound", "--json")) == ["G-sql", "F-mql"]
    assert names(ok("lead", "list", "--channel", "inbound", "--starred", "--json")) == [
        "E-disq",
        "D-fair",
        "C-untagged",
        "A-match",
    ]
    nothing = ok("lead", "list", "--tag", "vip", "--source", "fair", "--status", "qualified")
    assert nothing.stdout == ""
    assert nothing.stderr == "No leads.\n"
    assert json.loads(ok("lead", "list", "--source", "nowhere", "--json").stdout) == []


def test_list_puts_starred_first_then_newest_and_leaves_prospects_out(ok, salesfloor) -> None:
    everyone = ok("lead", "list")
    rows = everyone.stdout.splitlines()
    assert rows[0].split() == [
        "id",
        "name",
        "email",
        "company",
        "status",
        "source",
        "tags",
        "since",
    ]
    ids = [int(row.split()[0]) for row in rows[1:]]
    assert ids == [5, 4, 3, 1, 7, 6, 2]
    assert "H-prospect" not in everyone.stdout
    assert "qualified (mql)" in everyone.stdout
    assert "\x1b" not in everyone.stdout


def test_list_pages_with_limit_and_all(ok) -> None:
    for name in ("Ana", "Bea", "Cid"):
        ok("lead", "add", name)
    limited = ok("lead", "list", "--limit", "2", "--json")
    assert names(limited) == ["Cid", "Bea"]
    assert limited.stderr == "Showing 2 of 3 leads; use --limit N or --all to see more.\n"
    assert names(ok("lead", "list", "--all", "--json")) == ["Cid", "Bea", "Ana"]


@pytest.mark.parametrize(
    ("option", "value"), [("--status", "hot"), ("--level", "bql"), ("--channel", "x")]
)
def test_list_refuses_unknown_choices_as_usage_errors(run, option, value) -> None:
    result = run("lead", "list", option, value)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert value in result.stderr


def test_show_a_new_lead_by_id_and_by_email(ok, monkeypatch) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-20T10:15:00+00:00")
    ok("lead", "add", "Rita", "--email", "rita@example.com")
    ok(
        "lead",
        "add",
        "Dana",
        "--email",
        "Dana@Example.com",
        "--company",
        "Northwind",
        "--source",
        "webinar",
        "--tag",
        "vip",
        "--star",
        "--referred-by",
        "1",
    )
    by_id = lead_json(ok, "2")
    by_email = lead_json(ok, "dana@EXAMPLE.com")
    assert by_id == by_email
    assert by_id["next_step"] is None
    assert by_id["deals"] == []
    assert by_id["activities"] == []
    assert by_id["referred_by"] == 1
    assert by_id["qualification"] == {
        "need": None,
        "budget": None,
        "authority": None,
        "timing": None,
        "level": None,
    }
    assert by_id["history"] == [
        {
            "at": "2026-11-20T10:15:00Z",
            "entity": "lead",
            "action": "created",
            "from_state": None,
            "to_state": "new",
            "detail": "webinar",
            "deal_id": None,
        }
    ]

    text = ok("lead", "show", "2")
    assert text.stderr == ""
    lines = text.stdout.splitlines()
    assert lines[0] == "#2 Dana *"
    fields = {line.split()[0]: line.split(None, 1)[1] for line in lines[1:8]}
    assert fields["status"] == "new"
    assert fields["email"] == "Dana@Example.com"
    assert fields["company"] == "Northwind"
    assert fields["source"] == "webinar (inbound)"
    assert "  referred by  Rita (#1)\n" in text.stdout
    assert "Next step\n  none planned\n" in text.stdout
    assert "History\n" in text.stdout
    assert "2026-11-20 10:15  lead created  new     webinar" in text.stdout


def test_show_after_qualifying_lists_criteria_deal_and_full_history(ok, monkeypatch) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-20T10:15:00+00:00")
    ok("lead", "add", "Dana", "--company", "Northwind")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-21T08:00:00+00:00")
    ok("lead", "qualify", "1", "--level", "mql", "--need")
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T09:00:00+00:00")
    ok("lead", "qualify", "1", "--level", "sql", "--budget", "--no-timing", "--value", "12000")

    lead = lead_json(ok, "1")
    assert (lead["status"], lead["level"]) == ("qualified", "sql")
    assert lead["qualification"] == {
        "need": True,
        "budget": True,
        "authority": None,
        "timing": False,
        "level": "sql",
    }
    assert [(d["id"], d["title"], d["value"], d["stage"]) for d in lead["deals"]] == [
        (1, "Northwind", 12000.0, "qualification")
    ]
    assert [(e["at"], e["entity"], e["action"], e["to_state"]) for e in lead["history"]] == [
        ("2026-11-20T10:15:00Z", "lead", "created", "new"),
        ("2026-11-21T08:00:00Z", "lead", "qualify", "qualified"),
        ("2026-11-23T09:00:00Z", "lead", "qualify", "qualified"),
        ("2026-11-23T09:00:00Z", "deal", "open", "qualification"),
    ]

    text = ok("lead", "show", "1").stdout
    assert "  status    qualified (sql)\n" in text
    assert "  criteria  need, budget\n" in text
    assert "\nDeals\n" in text
    assert "Northwind" in text
    assert "2026-11-21 08:00  lead qualify  new -> qualified" in text


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("42", "Error: no lead with id or email 42\n"),
        ("who@example.com", "Error: no lead with id or email who@example.com\n"),
        ("1", "Error: #1 Pia is a prospect, not a lead (convert it first: prospect convert)\n"),
    ],
)
def test_show_refuses_what_is_not_a_lead(ok, run, ref, message) -> None:
    ok("prospect", "add", "Pia")
    result = run("lead", "show", ref)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message


def qualification_row(db, contact_id: int = 1) -> tuple[object, ...]:
    return db(
        "select lead_status, qualification_level, need, budget, authority, timing "
        "from contacts where id = ?",
        (contact_id,),
    )[0]


def test_qualify_sql_records_bant_and_opens_a_deal(ok, db) -> None:
    ok("lead", "add", "Dana", "--company", "Northwind")
    result = ok(
        "lead",
        "qualify",
        "1",
        "--need",
        "--budget",
        "--authority",
        "--no-timing",
        "--value",
        "9900",
    )
    assert result.stdout == ""
    assert result.stderr == "Qualified #1 Dana as sql.\nOpened deal #1.\n"
    assert qualification_row(db) == ("qualified", "sql", 1, 1, 1, 0)
    assert db("select contact_id, title, value, stage, probability, status from deals") == [
        (1, "Northwind", 9900.0, "qualification", 10, "open")
    ]
    assert db("select entity, action, from_state, to_state, detail from lifecycle_events") == [
        ("lead", "created", None, "new", None),
        ("lead", "qualify", "new", "qualified", "sql"),
        ("deal", "open", None, "qualification", None),
    ]


def test_qualify_is_sql_by_default_and_json_names_the_deal(ok, db) -> None:
    ok("lead", "add", "Dana")
    result = ok("lead", "qualify", "1", "--json")
    answer = json.loads(result.stdout)
    assert answer["deal_id"] == 1
    assert (answer["lead"]["status"], answer["lead"]["level"]) == ("qualified", "sql")
    assert db("select value from deals") == [(0.0,)]


def test_qualify_with_no_deal_opens_none(ok, db) -> None:
    ok("lead", "add", "Dana")
    result = ok("lead", "qualify", "1", "--level", "sql", "--no-deal")
    assert result.stderr == "Qualified #1 Dana as sql.\n"
    assert qualification_row(db)[:2] == ("qualified", "sql")
    assert db("select count(*) from deals") == [(0,)]


def test_the_setting_stops_qualify_from_opening_a_deal(ok, db) -> None:
    ok("config", "set", "automation.open_deal_on_qualify", "false")
    ok("lead", "add", "Dana")
    result = ok("lead", "qualify", "1")
    assert result.stderr == "Qualified #1 Dana as sql.\n"
    assert qualification_row(db)[:2] == ("qualified", "sql")
    assert db("select count(*) from deals") == [(0,)]


def test_qualify_as_mql_then_upgrade_to_sql(ok, db) -> None:
    ok("lead", "add", "Dana")
    mql = ok("lead", "qualify", "1", "--level", "mql", "--need")
    assert mql.stderr == "Qualified #1 Dana as mql.\n"
    assert db("select count(*) from deals") == [(0,)]
    sql = ok("lead", "qualify", "1", "--level", "sql", "--budget", "--value", "500")
    assert sql.stderr == "Qualified #1 Dana as sql.\nOpened deal #1.\n"
    # the earlier answer is kept, the new one added
    assert qualification_row(db) == ("qualified", "sql", 1, 1, None, None)
    assert db("select value from deals") == [(500.0,)]


@pytest.mark.parametrize(
    ("setup", "command", "message"),
    [
        (
            [("lead", "qualify", "1", "--no-deal")],
            ("lead", "qualify", "1", "--level", "mql"),
            "Error: can't qualify as mql: already qualified as sql\n",
        ),
        (
            [("lead", "qualify", "1", "--level", "mql")],
            ("lead", "qualify", "1", "--level", "mql", "--budget"),
            "Error: can't qualify: already qualified as mql\n",
        ),
        (
            [("lead", "disqualify", "1", "--reason", "no budget")],
            ("lead", "qualify", "1"),
            "Error: can't qualify lead #1 Dana: it was disqualified\n",
        ),
        (
            [("lead", "qualify", "1", "--no-deal")],
            ("lead", "disqualify", "1", "--reason", "changed mind"),
            "Error: can't disqualify lead #1 Dana: it is already qualified;",
        ),
        (
            [("lead", "disqualify", "1", "--reason", "no budget")],
            ("lead", "disqualify", "1", "--reason", "again"),
            "Error: can't disqualify lead #1 Dana: it was disqualified\n",
        ),
        (
            [],
            ("lead", "qualify", "1", "--no-deal", "--value", "100"),
            "Error: --value sets the value of the deal qualifying opens; no deal was opened\n",
        ),
        (
            [],
            ("lead", "qualify", "1", "--value", "lots"),
            "Error: 'lots' is not an amount (e.g. 1200, 1,200.50 or 1.200,50)\n",
        ),
    ],
)
def test_refused_qualifications_change_nothing(ok, run, db, setup, command, message) -> None:
    ok("lead", "add", "Dana")
    for step in setup:
        ok(*step)
    contacts = db("select * from contacts")
    events = db("select count(*) from lifecycle_events")
    deals = db("select count(*) from deals")

    result = run(*command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert db("select * from contacts") == contacts
    assert db("select count(*) from lifecycle_events") == events
    assert db("select count(*) from deals") == deals


def test_disqualify_keeps_the_reason(ok, db) -> None:
    ok("lead", "add", "Dana", "--email", "dana@example.com")
    result = ok("lead", "disqualify", "dana@example.com", "--reason", " wrong fit ")
    assert result.stdout == ""
    assert result.stderr == "Disqualified #1 Dana: wrong fit.\n"
    assert db("select lead_status, disqualify_reason from contacts") == [
        ("disqualified", "wrong fit")
    ]
    assert db(
        "select from_state, to_state, detail from lifecycle_events where action = ?",
        ("disqualify",),
    ) == [("new", "disqualified", "wrong fit")]
    assert lead_json(ok, "1")["disqualify_reason"] == "wrong fit"


def test_disqualify_needs_a_reason(ok, run, db) -> None:
    ok("lead", "add", "Dana")
    missing = run("lead", "disqualify", "1")
    assert missing.exit_code == 2
    assert "Missing option '--reason'" in missing.stderr
    blank = run("lead", "disqualify", "1", "--reason", "  ")
    assert blank.exit_code == 1
    assert blank.stderr == "Error: a disqualified lead needs a reason (--reason)\n"
    assert db("select lead_status, disqualify_reason from contacts") == [("new", None)]


def test_text_shows_times_in_local_time_and_json_in_utc(ok, monkeypatch, in_sao_paulo) -> None:
    monkeypatch.setenv("SALESFUNNEL_NOW", "2026-11-23T01:30:00+00:00")  # 22:30 the day before
    ok("lead", "add", "Dana")
    text = ok("lead", "show", "1").stdout
    assert "  since   2026-11-22\n" in text
    assert "2026-11-22 22:30  lead created  new" in text
    assert ok("lead", "list").stdout.splitlines()[1].split()[-1] == "2026-11-22"
    assert lead_json(ok, "1")["history"][0]["at"] == "2026-11-23T01:30:00Z"


def test_a_converted_prospect_is_found_by_the_source_it_shows(ok) -> None:
    """The lead's source is its list's name; `lead list --source` finds it by that name."""
    ok("prospect", "add", "Ana", "--list", "Lisbon  Fair")
    ok("prospect", "convert", "1")
    (shown,) = json.loads(ok("lead", "list", "--json").stdout)
    for typed in (shown["source"], "Lisbon Fair", "lisbon fair"):
        found = json.loads(ok("lead", "list", "--source", typed, "--json").stdout)
        assert [lead["name"] for lead in found] == ["Ana"], typed
