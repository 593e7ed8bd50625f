"""`undo`: the last write command taken back as one unit, or refused with nothing changed."""

from __future__ import annotations

import json
import os
import pty
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import table_names
from salesfunnel.db import journal

# Tables compared before a command and after its undo: all but the journal's own and the
# search index's internals (compared through `search` instead).
NOT_COMPARED = ("undo_", "contacts_fts", "companies_fts", "deals_fts", "sqlite_")


def state_of(db) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that holds the user's data, in a stable order (``db``
    the fixture: on either database)."""
    tables = [name for name in table_names(db) if not name.startswith(NOT_COMPARED)]
    return {t: sorted(db(f'SELECT * FROM "{t}"'), key=repr) for t in tables}


def listings(ok) -> dict[str, str]:
    """What the user sees: exports, listings, the to-do list, history and search."""
    commands = [
        ("export", "contacts", "--format", "json"),
        ("export", "deals", "--format", "json"),
        ("export", "activities", "--format", "json"),
        ("lead", "list", "--all", "--json"),
        ("deal", "list", "--status", "open", "--all", "--json"),
        ("deal", "list", "--status", "won", "--all", "--json"),
        ("customer", "list", "--all", "--json"),
        ("prospect", "lists", "--json"),
        ("todo", "--json"),
        ("lead", "show", "1", "--json"),
        ("search", "ana"),
        ("search", "acme"),
        ("config", "list", "--json"),
        ("source", "list", "--json"),
    ]
    return {" ".join(c): ok(*c).stdout for c in commands}


@pytest.fixture
def funnel(ok) -> None:
    """A lead with a company, a tag and a deal in the pipeline, a planned step, a customer."""
    ok("lead", "add", "Ana Silva", "--company", "Acme", "--tag", "vip", "--email", "ana@x.com")
    ok("lead", "qualify", "1", "--value", "5000")  # deal 1
    ok("deal", "move", "1", "negotiation")
    ok("next", "1", "call", "Send the proposal", "--due", "tomorrow 14:00")  # step 1
    ok("lead", "add", "Bruno Costa", "--source", "webinar")
    ok("prospect", "add", "Pia Prospect", "--list", "Fair", "--email", "pia@x.com")
    ok("lead", "add", "Cid Customer")
    ok("customer", "purchase", "4", "--value", "300")


COMMANDS = [
    ("lead", "add", "Dora", "--company", "Nova", "--tag", "hot", "--referred-by", "1"),
    ("lead", "qualify", "2", "--need", "--level", "sql"),
    ("lead", "qualify", "2", "--level", "mql"),
    ("lead", "disqualify", "2", "--reason", "no budget"),
    ("prospect", "add", "Rui", "--list", "Autumn", "--company", "Acme"),
    ("prospect", "convert", "3"),
    ("prospect", "cancel", "3", "--yes", "--reason", "cold"),
    ("deal", "open", "2", "--value", "900", "--title", "Acme renewal"),
    ("deal", "move", "1", "proposal"),
    ("deal", "win", "1", "--value", "5500"),
    ("deal", "lose", "1", "--reason", "price"),
    ("customer", "purchase", "2", "--value", "120"),
    ("customer", "churn", "4", "--yes", "--reason", "closed"),
    ("log", "2", "call", "Intro call"),
    ("next", "2", "email", "Send the deck", "--due", "+3d"),
    ("done", "1"),
    ("snooze", "1"),
    ("source", "cost", "webinar", "250"),
    ("source", "cost", "radio", "80", "--channel", "outbound"),
    ("config", "set", "deal.currency", "EUR"),
    ("config", "set", "customer.inactive_days", "200"),
    ("merge", "1", "4", "--yes"),
    ("merge", "2", "3", "--yes"),
    ("next", "2", "call", "Weekly check-in", "--due", "+2d", "--every", "1w"),
    ("config", "set", "cadence.vip", "30d"),
    ("config", "set", "view.vip", "lead list --tag vip"),
    ("deal", "assign", "1", "bob"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_any_command_then_undo_leaves_everything_as_before(funnel, ok, db, command) -> None:
    """The database, every listing and search are back where they were; the journal too."""
    stored, shown = state_of(db), listings(ok)
    journaled = db("SELECT id FROM undo_commands ORDER BY id")
    ok(*command)
    assert state_of(db) != stored, "the command changed nothing: the test proves nothing"
    entry = db("SELECT command, summary FROM undo_commands ORDER BY id DESC LIMIT 1")[0]
    assert entry[0] == shlex.join(command) and entry[1], entry  # as typed, with what it did
    result = ok("undo", "--yes")
    assert result.stderr.startswith(f"Undid `{shlex.join(command)}`: "), result.stderr
    assert state_of(db) == stored
    assert listings(ok) == shown
    assert db("SELECT id FROM undo_commands ORDER BY id") == journaled


def test_undo_says_in_business_terms_what_it_puts_back(funnel, ok) -> None:
    ok("deal", "win", "1")
    result = ok("undo", "--yes")
    assert result.stderr == (
        "Undid `deal win 1`: deal #1 Acme back to open in negotiation, purchase of "
        "5,000.00 USD on 2026-11-23 removed, Ana Silva (#1) back to qualified lead (sql).\n"
    )
    ok("lead", "add", "Dora", "--company", "Nova")
    assert ok("undo", "--yes").stderr == (
        "Undid `lead add Dora --company Nova`: company Nova removed, lead Dora (#5) removed.\n"
    )


def test_undo_is_a_stack_and_each_undo_leaves_the_journal(funnel, ok, db) -> None:
    before_move = state_of(db)
    ok("deal", "move", "1", "proposal")
    after_move = state_of(db)
    ok("deal", "win", "1")
    ok("undo", "--yes")
    assert state_of(db) == after_move
    ok("undo", "--yes")
    assert state_of(db) == before_move
    assert db("SELECT command FROM undo_commands ORDER BY id DESC LIMIT 1") == [
        ("customer purchase 4 --value 300",)
    ]


def test_undo_refuses_off_a_terminal_without_yes_and_changes_nothing(funnel, run, db) -> None:
    ok_state = state_of(db)
    result = run("undo")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: undo asks before it changes anything: pass --yes to undo "
        "`customer purchase 4 --value 300`\n"
    )
    assert state_of(db) == ok_state


def test_nothing_to_undo_is_a_refusal(empty_db, run) -> None:
    result = run("undo", "--yes")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: nothing to undo: the journal is empty (it keeps the last 50 write commands)\n"
    )


def test_refused_and_reading_commands_are_not_journaled(funnel, ok, run, db) -> None:
    journaled = db("SELECT * FROM undo_commands")
    assert run("deal", "win", "99").exit_code == 1
    assert run("lead", "disqualify", "1", "--reason", "x").exit_code == 1  # qualified already
    ok("lead", "list")
    ok("todo")
    assert db("SELECT * FROM undo_commands") == journaled


def _terminal_undo(answer: bytes, read_terminal, db_url: str) -> tuple[int, str]:
    main_fd, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("salesfunnel")), "undo"],
        stdin=terminal, stdout=terminal, stderr=terminal,
        env={**os.environ, "SALESFUNNEL_DB": db_url},
    )  # fmt: skip
    os.close(terminal)
    os.write(main_fd, answer)
    shown = read_terminal(main_fd).decode(errors="replace")
    return process.wait(timeout=60), shown


@pytest.mark.slow
def test_on_a_terminal_it_says_what_it_will_undo_and_asks(
    funnel, ok, db_url, read_terminal, db
) -> None:
    before = state_of(db)
    ok("deal", "lose", "1", "--reason", "price")
    lost = state_of(db)
    status, shown = _terminal_undo(b"n\n", read_terminal, db_url)
    assert "Undo `deal lose 1 --reason price`: deal #1 Acme back to open in negotiation?" in shown
    assert status == 1 and "Aborted" in shown
    assert state_of(db) == lost  # refused: nothing changed
    status, shown = _terminal_undo(b"y\n", read_terminal, db_url)
    assert status == 0, shown
    assert "Undid `deal lose 1 --reason price`" in shown
    assert state_of(db) == before


def test_undo_list_shows_the_journal_newest_first(funnel, ok, db_url) -> None:
    ok("--db", db_url, "deal", "win", "1")
    shown = ok("undo", "--list").stdout.splitlines()
    assert shown[0].split() == ["id", "when", "command", "what", "it", "did"]
    assert shown[1].split()[:6] == ["9", "2026-11-23", "09:00", "deal", "win", "1"]
    assert shown[1].endswith("Won deal #1 Acme: 5,000.00 USD.")
    assert db_url not in ok("undo", "--list").stdout  # --db is not part of it
    data = json.loads(ok("undo", "--list", "--json", "--limit", "2").stdout)
    assert [(d["id"], d["command"]) for d in data] == [
        (9, "deal win 1"),
        (8, "customer purchase 4 --value 300"),
    ]
    assert data[0]["at"] == "2026-11-23T09:00:00Z" and data[0]["undoable"] is True


def test_the_journal_keeps_the_last_commands_only(ok, db) -> None:
    for n in range(journal.KEEP + 5):
        ok("config", "set", "activity.snooze_days", str(n + 1))
    assert db("SELECT min(id), max(id), count(*) FROM undo_commands") == [
        (6, journal.KEEP + 5, journal.KEEP)
    ]
    assert db("SELECT min(command_id) FROM undo_changes") == [(6,)]


def test_calendar_export_is_not_undone_and_keeps_its_identity(funnel, ok, tmp_path, db) -> None:
    ok("calendar", "export", str(tmp_path / "steps.ics"))
    identity = db("SELECT value FROM settings WHERE key = 'database.id'")
    assert identity
    result = ok("undo", "--yes")
    assert "Undid `customer purchase 4 --value 300`" in result.stderr
    assert db("SELECT value FROM settings WHERE key = 'database.id'") == identity


# --- what undo refuses -------------------------------------------------------------------


def _touch(db, sql: str) -> None:
    """A change made outside salesfunnel: nothing journals it (``db`` commits it)."""
    db(sql)


def test_a_row_changed_since_outside_the_journal_refuses_the_whole_undo(
    funnel, ok, run, db
) -> None:
    ok("deal", "win", "1")
    _touch(db, "UPDATE deals SET value = 1 WHERE id = 1")
    before = state_of(db)
    result = run("undo", "--yes")
    assert result.exit_code == 1
    assert result.stderr == ("Error: can't undo `deal win 1`: deals #1 was changed since (value)\n")
    assert state_of(db) == before
    assert db("SELECT count(*) FROM undo_commands WHERE command = 'deal win 1'") == [(1,)]


def test_a_row_used_since_outside_the_journal_is_not_deleted(funnel, ok, run, db) -> None:
    ok("lead", "add", "Dora")
    _touch(
        db,
        "INSERT INTO activities (contact_id, kind, text, created_at, snoozed) "
        "VALUES (5, 'note', 'by hand', '2026-11-23 09:00:00.000000', 0)",
    )
    before = state_of(db)
    result = run("undo", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: can't undo `lead add Dora`: contacts #5 is used by activities written "
        "since outside the journal\n"
    )
    assert state_of(db) == before


def test_a_row_gone_since_refuses(funnel, ok, run, db) -> None:
    ok("source", "cost", "webinar", "250")
    _touch(db, "DELETE FROM source_costs")
    result = run("undo", "--yes")
    assert result.exit_code == 1
    assert result.stderr == "Error: can't undo `source cost webinar 250`: source_costs #1 is gone\n"


# --- search ------------------------------------------------------------------------------


def test_undone_contacts_deals_and_companies_are_not_found_any_more(funnel, ok) -> None:
    ok("lead", "add", "Zélia Quintana", "--company", "Zebra Corp")
    ok("deal", "open", "5", "--title", "Zeppelin upgrade")
    assert "Zeppelin" in ok("search", "zeppelin").stdout
    ok("undo", "--yes")
    assert ok("search", "zeppelin").stderr == "Nothing matches 'zeppelin'.\n"
    assert "Zélia" in ok("search", "zelia").stdout
    ok("undo", "--yes")
    for word in ("zelia", "zebra"):
        assert ok("search", word).stderr == f"Nothing matches {word!r}.\n"
    ok("lead", "add", "Zélia Again", "--company", "Zebra Again")  # a new contact id (0007)
    assert "Zélia Again" in ok("search", "zelia").stdout
    assert "Zebra Again" in ok("search", "zebra").stdout  # the company takes the id back


# --- imports -----------------------------------------------------------------------------


def _csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_import_is_undone_as_one_unit_and_only_that_import(funnel, ok, tmp_path, db) -> None:
    first = _csv(tmp_path, "fair.csv", "name,email,company\nJo,jo@x.com,Beta\n")
    ok("prospect", "import", first, "--list", "Fair")  # Fair: Pia's list, by hand
    before = state_of(db)
    second = _csv(
        tmp_path,
        "more.csv",
        "name,email,company,tags\nMo,mo@x.com,Gamma,vip\nAna Again,ANA@x.com,,\n",
    )
    ok("prospect", "import", second, "--list", "Fair", "--on-duplicate", "update")
    assert db("SELECT company_id IS NOT NULL FROM contacts WHERE id = 1") == [(1,)]
    result = ok("undo", "--yes")
    assert result.stderr == (
        f"Undid `prospect import {second} --list Fair --on-duplicate update`: import #2 into "
        "list 'Fair' taken back: its 1 contact(s) removed, 1 contact(s) it updated put back "
        "as they were.\n"
    )
    assert state_of(db) == before
    ok("undo", "--yes")
    assert db("SELECT name FROM contacts WHERE list_id IS NOT NULL") == [("Pia Prospect",)]


def test_a_new_list_goes_with_the_import_that_made_it(ok, tmp_path, db) -> None:
    ok("lead", "add", "Ana")
    before = state_of(db)
    ok("prospect", "import", _csv(tmp_path, "new.csv", "name,company\nJo,Beta\nMo,Beta\n"))
    result = ok("undo", "--yes")
    assert "its 2 contact(s) removed, list 'new' removed" in result.stderr
    assert state_of(db) == before


def test_undo_import_is_not_undone_and_undo_goes_no_further(funnel, ok, run, tmp_path, db) -> None:
    ok("prospect", "import", _csv(tmp_path, "p.csv", "name\nJo\n"))
    ok("prospect", "undo-import", "p", "--yes")
    shown = ok("undo", "--list").stdout.splitlines()
    assert shown[1].endswith(
        "Removed 1 contact(s) that import #1 added to list 'p'. (undo stops here)"
    )
    before = state_of(db)
    result = run("undo", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: can't undo `prospect undo-import p --yes`: what it removed isn't kept "
        "(import the file again to bring it back); undo goes no further back\n"
    )
    assert state_of(db) == before
    ok("lead", "add", "Dora")  # what comes after it is undone as usual
    ok("undo", "--yes")
    assert state_of(db) == before


def test_an_import_some_of_whose_contacts_moved_on_outside_the_journal_is_refused(
    ok, run, tmp_path, db
) -> None:
    ok("prospect", "import", _csv(tmp_path, "p.csv", "name\nJo\nMo\n"))
    _touch(db, "UPDATE contacts SET prospect_status = 'cancelled' WHERE id = 1")
    before = state_of(db)
    result = run("undo", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: can't undo import #1: some of its contacts moved on (1 cancelled)\n"
    )
    assert state_of(db) == before


# --- the journal itself ------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_is_undone_whole(empty_db, ok, db) -> None:
    before = state_of(db)
    ok("demo", "--contacts", "20")
    result = ok("undo", "--yes")
    assert " contacts removed" in result.stderr
    assert state_of(db) == before


def test_a_raw_write_in_a_journaled_unit_is_refused(ok, db_url) -> None:
    from salesfunnel.db.connect import database
    from salesfunnel.db.journal import Journal
    from salesfunnel.db.work import UnjournaledWrite, Work

    ok("lead", "add", "Ana")
    with database(db_url) as driver:
        with pytest.raises(UnjournaledWrite), Work(driver, write=True, journal=Journal("x")) as w:
            w.execute("UPDATE contacts SET name = 'Bia'")
        with Work(driver, write=True, journal=Journal("x")) as work:
            work.covered_by_import(1)  # an import's raw rows are undo-import's
            assert work.execute("UPDATE contacts SET name = 'Bia'") == 1


def test_a_deleted_row_is_put_back_whole(ok, db_url, db) -> None:
    """`Work.delete` (no command deletes yet; merge will) journals the whole row."""
    from salesfunnel.db.connect import database
    from salesfunnel.db.journal import Journal
    from salesfunnel.db.work import Work

    ok("lead", "add", "Ana", "--tag", "vip", "--email", "ana@x.com", "--star")
    before = state_of(db)
    with database(db_url) as driver:
        with Work(driver, write=True, journal=Journal("forget ana")) as work:
            work.delete("contact_tags", {"contact_id": 1, "tag": "vip"})
            work.delete("lifecycle_events", {"id": 1})
            assert work.delete("contacts", {"id": 1}) == 1
            assert work.delete("contacts", {"id": 1}) == 0
            work.summary = "Forgot Ana."
    assert db("SELECT count(*) FROM contacts") == [(0,)]
    assert "Nothing matches" in ok("search", "ana").stderr
    assert ok("undo", "--yes").stderr == (
        "Undid `forget ana`: tag vip put back on Ana (#1), lead Ana (#1) put back.\n"
    )
    assert state_of(db) == before
    assert "Ana" in ok("search", "ana").stdout


def test_the_journal_knows_every_key_and_reference_of_the_tables() -> None:
    from sqlmodel import SQLModel

    import salesfunnel.db.tables  # noqa: F401  (registers the tables)

    references: dict[str, set[tuple[str, str]]] = {}
    for table in SQLModel.metadata.tables.values():
        key = tuple(c.name for c in table.primary_key.columns)
        if key != ("id",) and not table.name.startswith("undo_"):
            assert journal.KEYS[table.name] == key, table.name
        for fk in table.foreign_keys:
            if table.name != "undo_changes":
                target = fk.column.table.name
                references.setdefault(target, set()).add((table.name, fk.parent.name))
    assert {t: set(r) for t, r in journal.REFERENCES.items()} == references


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_migration_makes_the_journal_the_tables_define(tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from salesfunnel.db.engine import open_engine

    engine = open_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), SQLModel.metadata
            )
    finally:
        engine.dispose()
    assert [d for d in map(str, differences) if "undo_" in d] == []
