"""`backup FILE` (a consistent copy while others write) and `check` (integrity, schema,
orphans and impossible states, read-only).

Broken databases are made the way they break in life: by editing the file behind
salesfunnel's back (sqlite3, foreign keys off) or by damaging its bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from salesfunnel.db.sqlite import SCHEMA_HEAD, known_schemas
from salesfunnel.render.maintenance import size_text
from salesfunnel.schemas import BackupPublic, CheckPublic
from test_docs import assert_conforms
from test_storage import make_old_database

# On a server database both refuse, naming the server's own tools (test_storage.py).
pytestmark = pytest.mark.sqlite_only("backup and check work on an SQLite file")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def edit(path: Path, *statements: str) -> None:
    """Change the file behind salesfunnel's back, as a hand or another tool would."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def count(path: Path, sql: str) -> int:
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def funnel(ok) -> None:
    """Something in every state: a prospect, leads, an open and a won deal, a customer."""
    ok("prospect", "add", "Pia Prospect", "--list", "Fair")
    ok("lead", "add", "Leo Lead", "--email", "leo@example.com")
    ok("lead", "add", "Cid Customer", "--company", "Acme")
    ok("lead", "add", "Dora Dropped")
    ok("lead", "qualify", "2", "--value", "1200")  # deal 1, open
    ok("deal", "open", "3", "--value", "900")  # deal 2
    ok("deal", "win", "2")
    ok("next", "2", "call", "Call Leo", "--due", "tomorrow")
    ok("log", "3", "note", "Happy customer")
    ok("lead", "disqualify", "4", "--reason", "student")


# --- backup ----------------------------------------------------------------------------


def test_a_backup_is_a_private_copy_that_salesfunnel_opens(ok, funnel, db_path, tmp_path) -> None:
    target = tmp_path / "copies" / "monday.db"
    target.parent.mkdir()

    result = ok("backup", str(target))

    assert result.stdout == ""
    assert result.stderr == (
        f"Backed up {db_path} to {target} ({size_text(target.stat().st_size)}, "
        f"4 contacts, schema {SCHEMA_HEAD}).\n"
    )
    assert mode(target) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    copy.close()
    original = json.loads(ok("deal", "list", "--all", "--json").stdout)
    copied = json.loads(ok("--db", str(target), "deal", "list", "--all", "--json").stdout)
    assert copied == original
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_backup_json_says_what_it_wrote(ok, funnel, tmp_path) -> None:
    target = tmp_path / "copy.db"
    data = json.loads(ok("backup", str(target), "--json").stdout)
    assert_conforms(BackupPublic, data, "backup")
    assert data["file"] == str(target) and data["size"] == target.stat().st_size
    assert (data["contacts"], data["schema_version"]) == (4, SCHEMA_HEAD)


WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
mode, rows = sys.argv[2], int(sys.argv[3])

def one_contact(n):
    # A contact and its history event, in one transaction: a copy holds both or neither.
    connection.execute(
        "INSERT INTO contacts (stage, name, lead_status, email_flagged, starred, created_at)"
        " VALUES ('lead', ?, 'new', 0, 0, '2026-11-23 09:00:00.000000')", (f"Writer {n}",))
    connection.execute(
        "INSERT INTO lifecycle_events (contact_id, entity, action, to_state, at)"
        " VALUES (last_insert_rowid(), 'lead', 'written', 'new', '2026-11-23 09:00:00.000000')")

if mode == "hold":  # one write transaction, left open until told to end
    connection.execute("BEGIN IMMEDIATE")
    for n in range(rows):
        one_contact(n)
    print("holding", flush=True)
    sys.stdin.readline()
    connection.execute("ROLLBACK")
else:  # commit after commit, as fast as it can
    print("writing", flush=True)
    for n in range(rows):
        connection.execute("BEGIN IMMEDIATE")
        one_contact(n)
        connection.execute("COMMIT")
connection.close()
"""


def consistent_copy(run, copy: Path) -> int:
    """The copy is sound, salesfunnel checks it clean, and each of the other writer's
    contacts came with its event; returns how many there are."""
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()
    report = json.loads(run("--db", str(copy), "check", "--json").stdout)
    assert (report["integrity"], report["schema_status"]) == ("ok", "current")
    assert report["problems"] == []
    written = count(copy, "SELECT count(*) FROM contacts WHERE name LIKE 'Writer %'")
    assert count(copy, "SELECT count(*) FROM lifecycle_events WHERE action = 'written'") == (
        written
    )
    assert report["contacts"]["lead"] == 2 + written  # Leo and Dora, and the writer's
    return written


@pytest.mark.slow
def test_a_backup_while_another_process_holds_a_write_open(ok, run, funnel, db_path, tmp_path):
    """The copy is the last commit: the other writer neither blocks it nor leaks into it."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), "hold", "500"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "holding\n"
        started = time.monotonic()
        result = ok("backup", str(tmp_path / "copy.db"))
        assert time.monotonic() - started < 10  # no waiting on the busy timeout (30 s)
    finally:
        writer.communicate("done\n", timeout=60)
    assert consistent_copy(run, tmp_path / "copy.db") == 0
    assert ", 4 contacts, " in result.stderr


@pytest.mark.slow
def test_a_backup_while_another_process_keeps_writing(ok, run, funnel, db_path, tmp_path):
    """Each copy is one snapshot: every contact with its event, none half-written."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), "commit", "2000"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        copies = []
        for n in range(3):
            copies.append(tmp_path / f"copy-{n}.db")
            ok("backup", str(copies[-1]))
    finally:
        writer.communicate(timeout=120)
    seen = [consistent_copy(run, copy) for copy in copies]
    assert seen == sorted(seen)  # later copies, later snapshots
    assert seen[-1] <= 2000
    assert count(db_path, "SELECT count(*) FROM contacts WHERE name LIKE 'Writer %'") == 2000


# --- check: all is well ---------------------------------------------------------------------


def test_a_sound_database_checks_ok_with_counts(ok, funnel, db_path) -> None:
    before = digest(db_path)

    result = ok("check")

    assert result.stdout.splitlines() == [
        f"{db_path} ({size_text(db_path.stat().st_size)})",
        f"  schema     {SCHEMA_HEAD} (current)",
        "  integrity  ok",
        "  contacts   1 prospect, 2 leads, 1 customer",
        "  deals      1 open, 1 won, 0 lost",
    ]
    assert result.stderr == "No problems found.\n"
    assert digest(db_path) == before


def test_check_json_is_documented(ok, funnel) -> None:
    data = json.loads(ok("check", "--json").stdout)
    assert_conforms(CheckPublic, data, "check")
    assert data["ok"] is True and data["problems"] == []
    assert data["contacts"] == {"prospect": 1, "lead": 2, "customer": 1}
    assert data["deals"] == {"open": 1, "won": 1, "lost": 0}


def test_the_known_schemas_are_the_migrations() -> None:
    from salesfunnel.db import migrate

    assert SCHEMA_HEAD in known_schemas()
    assert known_schemas() == {
        revision.revision
        for revision in migrate.ScriptDirectory.from_config(
            migrate.alembic_config()
        ).walk_revisions()
    }


# --- check: one problem at a time ------------------------------------------------------------


def repair_sql(line: str, db_path: Path) -> str:
    """The SQL a repair suggests (``sqlite3 DB "..."``)."""
    found = re.search(re.escape(f"sqlite3 {shlex.quote(str(db_path))} ") + r'"(.*)"', line)
    assert found, line
    return found.group(1)


# (what breaks, how it is broken, what check says, its kind, how the user repairs it:
#  "sql" runs the SQL the repair line gives, anything else is the command to run)
BROKEN: list[tuple[str, list[str], str, str, list[str] | str]] = [
    (
        "a deal whose contact is gone",
        [
            "UPDATE deals SET contact_id = 999 WHERE id = 1",
            "UPDATE activities SET deal_id = NULL WHERE deal_id = 1",
        ],
        "1 deal names a contact that isn't there, in deals.contact_id (#1)",
        "orphans",
        "sql",
    ),
    (
        "an activity of a missing contact",
        ["UPDATE activities SET contact_id = 998 WHERE id = 2"],
        "1 activity names a contact that isn't there, in activities.contact_id (#2)",
        "orphans",
        "sql",
    ),
    (
        "an activity of a missing deal",
        ["UPDATE activities SET deal_id = 77 WHERE id = 2"],
        "1 activity names a deal that isn't there, in activities.deal_id (#2)",
        "orphans",
        "sql",
    ),
    (
        "a purchase without its contact",
        [
            "INSERT INTO purchases (contact_id, value, currency, purchased_on, created_at) "
            "VALUES (555, 10, 'USD', '2026-11-20', '2026-11-20 10:00:00.000000')"
        ],
        "1 purchase names a contact that isn't there, in purchases.contact_id (#2)",
        "orphans",
        "sql",
    ),
    (
        "a customer with no won deal or purchase",
        ["UPDATE contacts SET stage = 'customer' WHERE id = 2"],
        "1 customer with neither a won deal nor a purchase (#2)",
        "state",
        ["customer", "purchase", "2", "--value", "50"],
    ),
    (
        "a won deal without its purchase",
        ["DELETE FROM purchases WHERE deal_id = 2"],
        "1 won deal without its purchase (#2)",
        "state",
        "sql",
    ),
    (
        "a lead status on a prospect that never converted",
        ["UPDATE contacts SET lead_status = 'contacted' WHERE id = 1"],
        "1 prospect with a lead status, never converted (#1)",
        "state",
        "sql",
    ),
    (
        "an open deal on a disqualified lead",
        [
            "UPDATE deals SET contact_id = 4 WHERE id = 1",
            "UPDATE activities SET deal_id = NULL WHERE deal_id = 1",
        ],
        "1 open deal of a disqualified lead or a prospect (#1)",
        "state",
        ["deal", "lose", "1", "--reason", "lead disqualified"],
    ),
    (
        "a contact in a stage the funnel doesn't have",
        ["UPDATE contacts SET stage = 'suspect' WHERE id = 1"],
        "1 contact in a stage or status the funnel doesn't have (#1)",
        "state",
        ["--", "UPDATE contacts SET stage = 'prospect' WHERE id = 1"],
    ),
    (
        "a purchase of another contact's open deal",
        [
            "INSERT INTO purchases (contact_id, deal_id, value, currency, purchased_on, "
            "created_at) VALUES (3, 1, 10, 'USD', '2026-11-20', '2026-11-20 10:00:00.000000')"
        ],
        "1 purchase of a deal that isn't won, or of another contact's deal (#2)",
        "state",
        "sql",
    ),
    (
        "a lead with a purchase",
        [
            "INSERT INTO purchases (contact_id, value, currency, purchased_on, created_at) "
            "VALUES (2, 10, 'USD', '2026-11-20', '2026-11-20 10:00:00.000000')"
        ],
        "1 prospect or lead with a purchase (a purchase makes a customer) (#2)",
        "state",
        "sql",
    ),
    (
        "an activity on another contact's deal",
        ["UPDATE activities SET deal_id = 1 WHERE id = 2"],
        "1 activity on another contact's deal (#2)",
        "state",
        "sql",
    ),
    (
        "an amount that isn't one",
        ["UPDATE deals SET value = 9e999 WHERE id = 1"],
        "1 deal whose value isn't a possible amount (#1)",
        "amounts",
        ["--", "UPDATE deals SET value = 1200 WHERE id = 1"],
    ),
    (
        "a search index watermark beyond the last row",
        ["UPDATE search_index_state SET indexed_through = 99 WHERE name = 'contacts'"],
        "the search index of contacts counts rows up to #99, but the last is #4: contacts "
        "added next would not be found by search",
        "search-index",
        "sql",
    ),
]


@pytest.mark.parametrize(
    ("broken", "statements", "said", "kind", "repair"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_check_finds_each_problem_says_how_to_repair_it_and_changes_nothing(
    ok, run, funnel, db_path, broken, statements, said, kind, repair
) -> None:
    assert ok("check").stderr == "No problems found.\n"
    edit(db_path, *statements)
    before = digest(db_path)

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == "1 problem found.\n"
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("problem: ")]
    assert line.startswith(f"problem: {said}; repair: "), line
    report = json.loads(run("check", "--json").stdout)
    assert [p["kind"] for p in report["problems"]] == [kind]
    assert report["ok"] is False
    assert digest(db_path) == before  # read-only

    if repair == "sql":
        follow_the_sql_repairs(run, db_path)
    elif repair[0] == "--":
        edit(db_path, repair[1])
    else:
        ok(*repair)
    assert ok("check").stderr == "No problems found.\n"  # the repair repaired it


def follow_the_sql_repairs(run, db_path: Path) -> None:
    """Run the SQL each problem's repair gives, check again, until all is well: removing an
    orphan may orphan what named it in turn (a deal's history), which the next check finds,
    with its own repair."""
    for _ in range(4):
        report = json.loads(run("check", "--json").stdout)
        if report["ok"]:
            return
        for problem in report["problems"]:
            edit(db_path, repair_sql(problem["repair"], db_path))
    raise AssertionError(f"the repairs didn't converge: {report['problems']}")


# --- check: the file and its schema ----------------------------------------------------------


def contacts_enough_for_pages(ok, tmp_path: Path) -> None:
    rows = "".join(f"Person {n},person{n}@example.com,+55 11 9{n:04d}-0000\n" for n in range(600))
    (tmp_path / "many.csv").write_text(f"name,email,phone\n{rows}")
    ok("prospect", "import", str(tmp_path / "many.csv"))


@pytest.mark.parametrize("where", ["a table's page", "the first page"])
def test_a_damaged_copy_is_one_problem_line_not_a_traceback(ok, run, db_path, tmp_path, where):
    contacts_enough_for_pages(ok, tmp_path)
    damaged = tmp_path / "damaged.db"
    ok("backup", str(damaged))
    page_size = count(damaged, "PRAGMA page_size")
    root = count(damaged, "SELECT rootpage FROM sqlite_master WHERE name = 'contacts'")
    offset = (root - 1) * page_size + 8 if where == "a table's page" else 0
    with damaged.open("r+b") as file:
        file.seek(offset)
        file.write(b"\xde\xad\xbe\xef" * 64)
    before = digest(damaged)

    for args in (["check"], ["check", "--json"]):
        result = run("--db", str(damaged), *args)
        assert result.exit_code == 1
        assert "Traceback" not in result.stdout + result.stderr
    result = run("--db", str(damaged), "check")
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("problem: ")]
    assert line.startswith("problem: the file is damaged: ")
    assert "repair: restore a backup" in line and ".recover" in line
    assert result.stderr == "1 problem found.\n"
    report = json.loads(run("--db", str(damaged), "check", "--json").stdout)
    assert (report["integrity"], report["schema_status"]) == ("damaged", "unknown")
    assert [p["kind"] for p in report["problems"]] == ["damaged"]
    assert digest(damaged) == before


def test_a_file_that_is_not_a_database_is_damaged_too(run, tmp_path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("these are my notes\n" * 500)
    result = run("--db", str(notes), "check")
    assert result.exit_code == 1
    assert "problem: the file is damaged: file is not a database; repair: " in result.stdout
    assert notes.read_text() == "these are my notes\n" * 500


def test_an_older_schema_is_reported_not_upgraded(run, db_path) -> None:
    make_old_database(db_path)
    before = digest(db_path)

    result = run("check")

    assert result.exit_code == 1
    assert f"problem: the schema is at 0001, older than this salesfunnel's {SCHEMA_HEAD}" in (
        result.stdout
    )
    assert "the next salesfunnel command upgrades it" in result.stdout
    assert digest(db_path) == before
    assert list(db_path.parent.glob("*.bak")) == []  # no upgrade, so no backup


def test_a_newer_schema_and_a_foreign_file_are_reported(ok, run, db_path, tmp_path) -> None:
    ok("lead", "add", "Ana")
    edit(db_path, "UPDATE alembic_version SET version_num = '9999'")
    newer = json.loads(run("check", "--json").stdout)
    assert newer["schema_status"] == "newer"
    assert "newer than this salesfunnel knows" in newer["problems"][0]["message"]
    foreign = tmp_path / "recipes.db"
    edit(foreign, "CREATE TABLE recipes (name TEXT)")
    result = run("--db", str(foreign), "check")
    assert result.exit_code == 1
    assert "problem: this database was not made by salesfunnel; repair: point --db" in (
        result.stdout
    )


def test_a_server_database_is_checked_with_the_servers_tools(run) -> None:
    result = run("--db", "postgresql://me@127.0.0.1:1/sales", "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: check works on an SQLite file;")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("command", [["check"], ["backup", "{tmp}/copy.db"]])
def test_a_directory_is_no_database_to_check_or_copy(run, tmp_path, command) -> None:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    result = run("--db", str(folder), *(arg.replace("{tmp}", str(tmp_path)) for arg in command))
    assert result.exit_code == 1
    assert result.stderr == f"Error: can't open database {folder}: it is a directory\n"
