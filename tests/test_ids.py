"""Ids of contacts, prospecting lists and imports are never given out twice (issue 14,
migration 0007): not after `undo`, not after `prospect undo-import`, not after an older
database is upgraded."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from salesfunnel.db import migrate
from salesfunnel.db.engine import open_engine
from salesfunnel.db.sqlite import SCHEMA_HEAD, configure

REBUILT = ("prospect_lists", "import_batches", "contacts")
NOT_DATA = ("sqlite_", "alembic_version", "contacts_fts", "companies_fts", "deals_fts")


def _csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(ok: Any, path: str, *options: str) -> tuple[int, int]:
    """(list id, import id) of an import."""
    summary = json.loads(ok("prospect", "import", path, *options, "--json").stdout)
    return summary["list_id"], summary["import_id"]


def test_a_lead_added_after_an_undo_gets_a_new_id(ok, db) -> None:
    ok("lead", "add", "Ana")
    assert ok("lead", "add", "Bob").stderr == "Added lead #2 Bob.\n"
    ok("undo", "--yes")
    assert ok("lead", "add", "Cid").stderr == "Added lead #3 Cid.\n"
    assert db("SELECT id, name FROM contacts ORDER BY id") == [(1, "Ana"), (3, "Cid")]


def test_an_import_after_an_undone_import_gets_new_ids(ok, tmp_path, db) -> None:
    ok("lead", "add", "Ana")
    first = _csv(tmp_path, "fair.csv", "name,email\nJo,jo@x.com\nMo,mo@x.com\n")
    assert _import(ok, first, "--list", "Fair") == (1, 1)
    ok("undo", "--yes")
    assert db("SELECT count(*) FROM prospect_lists") == [(0,)]

    assert _import(ok, first, "--list", "Fair") == (2, 2)
    assert db("SELECT id FROM contacts ORDER BY id") == [(1,), (4,), (5,)]


def test_an_import_after_undo_import_gets_new_ids(ok, tmp_path, db) -> None:
    path = _csv(tmp_path, "fair.csv", "name,email\nJo,jo@x.com\n")
    assert _import(ok, path, "--list", "Fair") == (1, 1)
    ok("prospect", "undo-import", "Fair", "--yes")
    assert db("SELECT count(*) FROM prospect_lists") == [(0,)]

    assert _import(ok, path, "--list", "Fair") == (2, 2)
    assert db("SELECT id FROM contacts") == [(2,)]
    assert ok("lead", "add", "Ana").stderr == "Added lead #3 Ana.\n"


# --- an older database -----------------------------------------------------------------


def _table_sql(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as connection:
        return dict(
            connection.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE sql IS NOT NULL AND name <> 'sqlite_sequence'"
            ).fetchall()
        )


def _columns(path: Path) -> dict[str, list[str]]:
    """Each table of the user's data and its columns."""
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(NOT_DATA)
        ]
        return {
            t: [row[1] for row in connection.execute(f'PRAGMA table_info("{t}")')] for t in tables
        }


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _data(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[Any]]:
    """Every row of the user's data, with its id, in id order: of ``columns`` alone when
    given (the columns a table had before later migrations added some)."""
    columns = columns or _columns(path)
    with closing(sqlite3.connect(path)) as connection:
        return {
            t: connection.execute(
                f"SELECT {', '.join(map(_quoted, names))} FROM {_quoted(t)} ORDER BY 1, 2"
            ).fetchall()
            for t, names in columns.items()
        }


def _new_at_schema_0006(path: Path) -> None:
    """An empty database as salesfunnel made it at schema 0006 (its pages, WAL)."""
    connection = sqlite3.connect(path)
    configure(connection)
    connection.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0006")
    engine.dispose()


def _at_schema_0006(source: Path, target: Path) -> None:
    """``target``: a database made by the migrations up to 0006, as salesfunnel made it
    then, holding every row of ``source`` (ids and all) and a search index of them."""
    _new_at_schema_0006(target)
    with closing(sqlite3.connect(target, isolation_level=None)) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("ATTACH DATABASE ? AS head", (str(source),))
        connection.execute("BEGIN")
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table'"
            )
            if not name.startswith(NOT_DATA) and name != "search_index_state"
        ]
        for table in tables:
            names = [row[1] for row in connection.execute(f"PRAGMA main.table_info({table})")]
            columns = ", ".join(f'"{name}"' for name in names)
            connection.execute(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM head.{table}"
            )
        for table in ("contacts", "companies", "deals"):
            connection.execute(f"INSERT INTO main.{table}_fts ({table}_fts) VALUES ('rebuild')")
        connection.execute("DELETE FROM main.search_index_state")
        connection.execute(
            "INSERT INTO main.search_index_state SELECT * FROM head.search_index_state"
        )
        connection.execute("COMMIT")
        assert connection.execute("PRAGMA main.foreign_key_check").fetchall() == []


@pytest.mark.sqlite_only("an SQLite file made at an older schema")
def test_an_older_database_keeps_every_row_index_and_search_and_reuses_no_id(
    ok, run, tmp_path, db_path
) -> None:
    """A database at 0006 holding a bit of everything (the demo: tags, deals, steps,
    purchases; a referral; three imports, one updating a contact, one taken back by
    undo-import, which the journal still remembers) is upgraded keeping every row with
    its id, every index (the partial ones too), the search index and its triggers; then
    it gives out no id twice."""
    head = tmp_path / "head.db"
    ok("--db", str(head), "demo", "--contacts", "40")
    kept = _csv(tmp_path, "kept.csv", "name,email,company,tags\nJoão Núñez,jn@x.com,Ibérica,vip\n")
    gone = _csv(tmp_path, "gone.csv", "name,email\nGone One,g1@x.com\nGone Two,g2@x.com\n")
    ok("--db", str(head), "prospect", "import", kept, "--list", "Kept")
    update = _csv(tmp_path, "update.csv", "name,email,city\nJoão Núñez,jn@x.com,Porto\n")
    ok(
        "--db",
        str(head),
        "prospect",
        "import",
        update,
        "--list",
        "Kept",
        "--on-duplicate",
        "update",
    )
    ok("--db", str(head), "lead", "add", "Rui Referred", "--referred-by", "jn@x.com")
    ok("--db", str(head), "prospect", "import", gone, "--list", "Gone")
    ok("--db", str(head), "prospect", "undo-import", "Gone", "--yes")
    _at_schema_0006(head, db_path)
    old_sql, old_columns = _table_sql(db_path), _columns(db_path)
    old_data = _data(db_path, old_columns)
    with closing(sqlite3.connect(db_path)) as connection:
        (lists, imports, highest_contact), *_ = connection.execute(
            "SELECT (SELECT max(id) FROM prospect_lists), (SELECT max(id) FROM import_batches), "
            "(SELECT max(id) FROM contacts)"
        ).fetchall()
        remembered = connection.execute(
            "SELECT table_name, row_key FROM undo_changes "
            "WHERE table_name IN ('prospect_lists', 'import_batches') ORDER BY 1, 2"
        ).fetchall()
    assert imports == 2  # Gone's list and import #3 are gone, but the journal remembers them:
    assert ("import_batches", f'{{"id": {imports + 1}}}') in remembered
    assert ("prospect_lists", f'{{"id": {lists + 1}}}') in remembered

    result = run("search", "nunez")

    assert result.exit_code == 0, result.stderr
    assert f"from 0006 to {SCHEMA_HEAD}" in result.stderr
    assert "João Núñez" in result.stdout
    assert _data(db_path, old_columns) == old_data
    assert old_data["import_updates"] and any(row[24] for row in old_data["contacts"])  # referred
    new_sql = _table_sql(db_path)
    for table in REBUILT:
        assert "PRIMARY KEY AUTOINCREMENT" in new_sql.pop(table)
        del old_sql[table]
    # every index and trigger as it was, the partial ones too (later migrations add to
    # activities, and 0010 owners to deals and the open leads' index: those are their
    # tests' to check)
    changed_later = {"activities", "deals", "ix_contacts_open_leads"}
    assert {k: v for k, v in new_sql.items() if k in old_sql and k not in changed_later} == {
        k: v for k, v in old_sql.items() if k not in changed_later
    }
    with closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("contacts", "companies", "deals"):  # the index matches its table
            connection.execute(
                f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)"
            )
    # the schema is the one a new database gets
    fresh = tmp_path / "fresh.db"
    ok("--db", str(fresh), "lead", "add", "Someone")
    assert _table_sql(fresh) == _table_sql(db_path)

    assert ok("lead", "add", "Ana").stderr == f"Added lead #{highest_contact + 1} Ana.\n"
    again = _csv(tmp_path, "again.csv", "name,email\nNew One,n1@x.com\n")
    assert _import(ok, again, "--list", "Again") == (lists + 2, imports + 2)
    found = json.loads(ok("search", "ana", "--json").stdout)["contacts"]
    assert [c["id"] for c in found] == [highest_contact + 1]


def test_an_upgrade_leaves_foreign_keys_enforced(tmp_path) -> None:
    """The rebuild runs with them off (SQLite's way); the command that upgraded goes on
    with them on, on the same pooled connection."""
    path = tmp_path / "old.db"
    _new_at_schema_0006(path)
    engine = open_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (
                connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                == SCHEMA_HEAD
            )
    finally:
        engine.dispose()


@pytest.mark.sqlite_only("an SQLite file made at an older schema")
def test_a_row_that_pointed_at_nothing_before_stays_for_check_to_report(run, ok, db_path) -> None:
    """The rebuild adds no broken reference; one made by hand before doesn't stop it."""
    _new_at_schema_0006(db_path)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute(
            "INSERT INTO contacts (stage, name, lead_status, email_flagged, starred, created_at) "
            "VALUES ('lead', 'Olga Old', 'new', 0, 0, '2026-01-05 10:00:00.000000')"
        )
        connection.execute(
            "INSERT INTO lifecycle_events (contact_id, entity, action, at) "
            "VALUES (99, 'lead', 'created', '2026-01-05 10:00:00.000000')"
        )
        connection.commit()

    assert [lead["name"] for lead in json.loads(ok("lead", "list", "--json").stdout)] == [
        "Olga Old"
    ]

    checked = run("check")
    assert checked.exit_code == 1
    assert "lifecycle_events" in checked.stdout + checked.stderr
    assert ok("lead", "add", "Ana").stderr == "Added lead #2 Ana.\n"
