"""`copy-to URL`: the whole database into another, empty one (moving house).

SQLite into SQLite here: a server is written by the same code, through the same SQL
(db/copy.py), so a copy into PostgreSQL and back takes the same path.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

LISTINGS = [
    ("lead", "list", "--team", "--all"),
    ("prospect", "list", "--team", "--all"),
    ("prospect", "lists"),
    ("deal", "list", "--status", "all", "--team", "--all"),
    ("customer", "list", "--team", "--all"),
    ("pipeline", "--team"),
    ("todo", "--team", "--all"),
    ("report", "funnel", "--by", "owner"),
    ("report", "sources"),
    ("report", "forecast"),
    ("source", "list"),
    ("config", "list"),
    ("undo", "--list"),
    ("search", "acme"),
    ("search", "leo"),
    ("show", "1"),
    ("show", "2"),
    ("show", "3"),
    ("show", "5"),
    ("deal", "show", "1"),
    ("deal", "show", "2"),
    ("lead", "show", "2"),
]


@pytest.fixture
def funnel(ok, tmp_path) -> None:
    """Something in every table: lists, leads, deals won and open, steps, tags, costs,
    a referral, an import, settings, a deal handed over, a contact undone (id 4: never again)."""
    ok("prospect", "add", "Pia Prospect", "--list", "Fair", "--company", "Acme")
    ok("lead", "add", "Leo Lead", "--email", "leo@example.com", "--tag", "vip", "--star")
    ok("lead", "qualify", "2", "--need", "--value", "1200")  # deal 1
    ok("lead", "add", "Cid Customer", "--company", "Acme", "--referred-by", "2")
    ok("deal", "open", "3", "--value", "900")  # deal 2
    ok("deal", "win", "2")
    ok("next", "2", "call", "Call Leo", "--due", "tomorrow", "--every", "1w")
    ok("log", "3", "note", "Happy customer")
    ok("source", "cost", "webinar", "250")
    ok("config", "set", "currency.default", "EUR")
    ok("deal", "assign", "1", "carla")
    ok("prospect", "add", "Tim Temp")
    ok("undo", "--yes")  # contact 4 goes: ids above it are never given out again
    csv = tmp_path / "prospects.csv"
    csv.write_text("name,email\nIra Import,ira@example.com\nJo Import,jo@example.com\n")
    ok("prospect", "import", str(csv), "--list", "Spring")


def seen(run, database: Path) -> list[tuple[int, str]]:
    return [
        (r.exit_code, r.stdout + r.stderr)
        for r in (run("--db", str(database), *command) for command in LISTINGS)
    ]


def test_a_copy_shows_everything_the_original_shows(
    ok, run, db_path, tmp_path, funnel, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "moved" / "team.db"
    before = seen(run, db_path)
    result = ok("copy-to", str(target))
    assert result.stderr.startswith("Copied ") and f" rows into {target} in " in result.stderr
    assert "5 contacts" in result.stderr and "2 deals" in result.stderr
    assert seen(run, target) == before
    assert seen(run, db_path) == before  # the original was only read
    assert run("--db", str(target), "check").exit_code == 0


def test_a_copy_gives_out_no_id_the_original_gave(ok, db_path, tmp_path, funnel) -> None:
    target = tmp_path / "team.db"
    ok("copy-to", str(target))
    with sqlite3.connect(db_path) as original:
        (highest,) = original.execute("SELECT max(id) FROM contacts").fetchone()
    added = json.loads(ok("--db", str(target), "lead", "add", "New", "--json").stdout)
    ours = json.loads(ok("lead", "add", "New", "--json").stdout)
    assert added["id"] == ours["id"] > highest


def test_the_copy_is_undone_where_the_original_would_be(ok, db_path, tmp_path, funnel) -> None:
    target = tmp_path / "team.db"
    ok("copy-to", str(target))
    assert ok("--db", str(target), "undo", "--yes").stderr == ok("undo", "--yes").stderr


def test_a_target_holding_data_is_refused_and_left_alone(run, ok, tmp_path, funnel) -> None:
    target = tmp_path / "other.db"
    ok("--db", str(target), "lead", "add", "Someone else")
    size = target.stat().st_size
    result = run("copy-to", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target} already holds data (contacts: 1): copy-to fills an empty database only\n"
    )
    assert (
        json.loads(ok("--db", str(target), "lead", "list", "--team", "--json").stdout)[0]["name"]
        == "Someone else"
    )
    assert target.stat().st_size == size


def test_the_database_itself_is_refused(run, db_path, funnel, monkeypatch) -> None:
    monkeypatch.chdir(db_path.parent)
    for same in (str(db_path), db_path.name, f"sqlite:///{db_path}"):
        result = run("copy-to", same)
        assert result.exit_code == 1, same
        assert result.stderr == (
            f"Error: {db_path} is the database being copied: copy it to another one\n"
        )


def test_a_copy_of_a_copy_comes_back_the_same(ok, run, db_path, tmp_path, funnel) -> None:
    """Both ways: into a new file, and from that file into another."""
    there, back = tmp_path / "there.db", tmp_path / "back.db"
    ok("copy-to", str(there))
    ok("--db", str(there), "copy-to", str(back))
    assert seen(run, back) == seen(run, db_path)


def test_copy_to_json_says_what_was_copied(ok, tmp_path, funnel) -> None:
    done = json.loads(ok("copy-to", str(tmp_path / "team.db"), "--json").stdout)
    tables = {t["table"]: t["rows"] for t in done["tables"]}
    assert (done["contacts"], done["deals"]) == (5, 2)
    assert tables["contacts"] == 5 and tables["settings"] >= 2
    assert tables["undo_commands"] >= 10 and tables["import_batches"] == 1
    assert done["rows"] == sum(tables.values())
    assert "search_index_state" not in tables


def test_nothing_to_copy_is_refused_and_makes_nothing(run, db_path, tmp_path) -> None:
    target = tmp_path / "team.db"
    result = run("copy-to", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no database at {db_path} yet")
    assert not target.exists() and not db_path.exists()


def test_an_empty_database_copies_as_empty(ok, empty_db, tmp_path) -> None:
    target = tmp_path / "team.db"
    done = json.loads(ok("copy-to", str(target), "--json").stdout)
    assert (done["rows"], done["contacts"]) == (1, 0)  # its one setting: whose it is
    assert [t["table"] for t in done["tables"] if t["rows"]] == ["settings"]
    assert json.loads(ok("--db", str(target), "lead", "list", "--team", "--json").stdout) == []
