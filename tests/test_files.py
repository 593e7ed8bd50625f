"""SPEC §3 "Files": no command replaces a file unasked, nor ever the database, its side
files or its own input; commands that only read make no database; what is made is private.

The rule for targets is files.checked_target, used by every command that writes a file:
`export --output`, `calendar export`, `prospect import --rejects`, `backup`.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import umask
from salesfunnel.errors import BadValue
from salesfunnel.files import PendingFile, checked_target, database_files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    return lines[0]


@pytest.fixture
def some_data(ok, tmp_path) -> Path:
    """A lead with a step (so exports and the calendar have something), and a CSV to import."""
    ok("lead", "add", "Ana", "--email", "ana@example.com")
    ok("next", "1", "call", "Call Ana", "--due", "tomorrow 10:00")
    csv = tmp_path / "people.csv"
    csv.write_text("name,email\nBia,bia@example.com\n,\nCid,not an email,extra\n")
    return csv


def writing_to(kind: str, target: Path, csv: Path) -> list[str]:
    """The command line that writes ``target``, for each command that writes a file."""
    return {
        "export --output": ["export", "contacts", "--output", str(target)],
        "calendar export": ["calendar", "export", str(target)],
        "prospect import --rejects": ["prospect", "import", str(csv), "--rejects", str(target)],
        "backup": ["backup", str(target)],
    }[kind]


WRITERS = [
    "export --output",
    "calendar export",
    "prospect import --rejects",
    pytest.param("backup", marks=pytest.mark.sqlite_only("backup copies an SQLite file")),
]


# --- an existing file: only with --force ---------------------------------------------------


@pytest.mark.parametrize("kind", WRITERS)
def test_an_existing_file_is_refused_without_force(run, some_data, db, tmp_path, kind) -> None:
    target = tmp_path / "out.file"
    target.write_text("keep me")
    contacts = db("select count(*) from contacts")

    result = run(*writing_to(kind, target, some_data))

    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert f"{target} already exists: add --force to replace it" in line
    assert target.read_text() == "keep me"
    assert db("select count(*) from contacts") == contacts  # the import didn't run either
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


@pytest.mark.parametrize("kind", WRITERS)
def test_force_replaces_it_with_a_private_file(ok, some_data, tmp_path, kind) -> None:
    target = tmp_path / "out.file"
    target.write_text("old")
    target.chmod(0o644)

    ok(*writing_to(kind, target, some_data), "--force")

    assert target.read_bytes() != b"old"
    assert mode(target) == 0o600


@pytest.mark.sqlite_only("the database's own files")
@pytest.mark.parametrize("kind", WRITERS)
@pytest.mark.parametrize("side", ["", "-wal", "-shm", "-journal"])
def test_never_the_database_or_its_side_files_even_with_force(
    run, some_data, db_path, tmp_path, kind, side
) -> None:
    target = Path(f"{db_path}{side}")
    before = digest(db_path)
    existed = target.exists()

    result = run(*writing_to(kind, target, some_data), "--force")

    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    name = "the database" if not side else f"the database's {side} file"
    assert f"won't write over {target}: it is {name}" in line
    assert digest(db_path) == before
    assert target.exists() == existed


@pytest.mark.sqlite_only("a link to the database file")
@pytest.mark.parametrize("kind", WRITERS)
@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_nor_a_link_to_the_database(run, some_data, db_path, tmp_path, kind, link) -> None:
    target = tmp_path / "innocent-looking.csv"
    if link == "symbolic":
        target.symlink_to(db_path)
    else:
        os.link(db_path, target)
    before = digest(db_path)

    result = run(*writing_to(kind, target, some_data), "--force")

    assert result.exit_code == 1
    assert "it is the database" in one_error_line(result.stderr)
    assert digest(db_path) == before


def test_an_import_never_writes_its_rejects_over_its_own_input(
    run, some_data, db, tmp_path, monkeypatch
) -> None:
    before = some_data.read_bytes()
    monkeypatch.chdir(tmp_path)  # the same file, named two ways

    result = run("prospect", "import", "people.csv", "--rejects", str(some_data), "--force")

    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "it is the file being imported" in line
    assert some_data.read_bytes() == before
    assert db("select count(*) from contacts") == [(1,)]  # Ana alone: nothing imported


def test_a_file_that_appears_while_writing_is_left_as_it_is(tmp_path) -> None:
    """Without --force the finished file is put in place only if the name is still free
    (a hard link, which fails on an existing name; a rename would replace it)."""
    target = tmp_path / "export.csv"
    pending = PendingFile(target, what="--output")
    pending.stream.write("new,data\n")
    target.write_text("someone else's")

    with pytest.raises(BadValue, match="appeared while it was being written"):
        pending.keep()

    assert target.read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]  # no temporary left


def test_the_rule_compares_files_not_spellings(tmp_path, monkeypatch) -> None:
    database = tmp_path / "funnel.db"
    database.write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    protected = database_files(database)
    for spelling in ["funnel.db", "./funnel.db", "sub/../funnel.db", "funnel.db-wal"]:
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(BadValue, match="won't write over"):
            checked_target(Path(spelling), force=True, protected=protected)
    assert checked_target(Path("other.db"), protected=protected) == Path("other.db")


# --- commands that only read make no database -------------------------------------------


READERS = [
    ["todo"],
    ["digest", "--quiet-if-empty"],
    ["lead", "list"],
    ["lead", "show", "1"],
    ["deal", "list"],
    ["deal", "show", "1"],
    ["pipeline"],
    ["show", "1"],
    ["customer", "list"],
    ["customer", "status", "1"],
    ["prospect", "list"],
    ["prospect", "lists"],
    ["prospect", "undo-import", "fair", "--yes"],
    ["report", "funnel"],
    ["report", "sources"],
    ["report", "forecast"],
    ["search", "ana"],
    ["source", "list"],
    ["export", "contacts"],
    ["config", "list"],
    ["config", "get", "pipeline.stages"],
    ["check"],
    ["backup", "{tmp}/copy.db"],
    ["calendar", "export", "{tmp}/steps.ics"],
]


@pytest.mark.sqlite_only("a database file not made yet")
@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_command_that_only_reads_refuses_a_database_not_made_yet(run, tmp_path, command) -> None:
    database = tmp_path / "new" / "folder" / "funnel.db"
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]

    result = run("--db", str(database), *args)

    assert result.exit_code == 1
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert line == (
        f"Error: no database at {database} yet: adding something makes it "
        "(salesfunnel lead add NAME), or try salesfunnel demo --db demo.db"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, no folder


@pytest.mark.sqlite_only("a database file not made yet")
def test_cron_hears_about_a_database_that_is_not_there(run, db_path) -> None:
    """`digest --quiet-if-empty` stays quiet on an empty day, not on a wrong path: cron
    mails the error, so a moved or mistyped database is noticed the next morning."""
    result = run("digest", "--quiet-if-empty")
    assert result.exit_code == 1
    assert "no database at" in result.stderr
    assert not db_path.exists()


@pytest.mark.sqlite_only("a database file's permissions")
@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_the_first_write_makes_private_folders_and_file_whatever_the_umask(
    ok, tmp_path, mask
) -> None:
    database = tmp_path / "a" / "b" / "funnel.db"
    with umask(mask):
        ok("--db", str(database), "lead", "add", "Ana")
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700
    assert mode(database) == 0o600


# --- a file salesfunnel didn't make is left exactly as it was -----------------------------


@pytest.mark.sqlite_only("an SQLite file salesfunnel didn't make")
@pytest.mark.parametrize("command", [["lead", "list"], ["lead", "add", "Ana"], ["todo"]])
def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(run, db_path, command) -> None:
    """Not switched to WAL (which rewrites the header) on either path: the direct one
    (db/connect.py) and the engine's (db/engine.py), where the schema is read first."""
    with sqlite3.connect(db_path) as connection:
        connection.execute("create table recipes (name text)")
        connection.execute("insert into recipes values ('feijoada')")
    connection.close()
    assert sqlite3.connect(db_path).execute("pragma journal_mode").fetchone() == ("delete",)
    before = db_path.read_bytes()

    result = run(*command)

    assert result.exit_code == 1
    assert "not made by salesfunnel" in one_error_line(result.stderr)
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()
