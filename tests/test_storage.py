"""Where the data lives and how it is kept: private files, WAL, migrations, waiting, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from conftest import umask
from salesfunnel.db import migrate
from salesfunnel.db.engine import open_engine
from salesfunnel.db.location import database_url
from salesfunnel.db.sqlite import BUSY_TIMEOUT_MS, SCHEMA_HEAD

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command in a real process: main(), argv handling and exit codes included."""
    return subprocess.run(
        [str(SALESFUNNEL), *args],
        capture_output=True,
        text=True,
        env=env if env is not None else dict(os.environ),
        timeout=60,
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- a private file, the right pragmas --------------------------------------------------


@pytest.mark.sqlite_only("a database file's permissions")
def test_a_new_database_file_is_readable_by_its_owner_alone(run, db_path) -> None:
    with umask(0o022):
        result = run("lead", "add", "Ana")
    assert result.exit_code == 0, result.stderr
    assert mode(db_path) == 0o600


def test_its_wal_and_shared_memory_files_are_private_too(tmp_path) -> None:
    path = tmp_path / "private.db"
    with umask(0o022):
        engine = open_engine(database_url(str(path)))
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM contacts")).scalar()
                wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
                assert wal.exists() and shm.exists()
                assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        finally:
            engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path) -> None:
    engine = open_engine(database_url(str(tmp_path / "pragmas.db")))
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == BUSY_TIMEOUT_MS > 0
    finally:
        engine.dispose()


@pytest.mark.sqlite_only("SQLite's WAL mode")
def test_wal_mode_is_recorded_in_the_file(ok, db) -> None:
    ok("lead", "add", "Ana")
    assert db("PRAGMA journal_mode") == [("wal",)]


def test_foreign_keys_are_enforced(tmp_path) -> None:
    engine = open_engine(database_url(str(tmp_path / "fk.db")))
    try:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as connection:
            connection.execute(
                text("INSERT INTO contact_tags (contact_id, tag) VALUES (4242, 'orphan')")
            )
    finally:
        engine.dispose()


# --- where the data lives ---------------------------------------------------------------


@pytest.mark.sqlite_only("the database file the variable names")
def test_db_option_wins_over_the_variable(ok, tmp_path, db_path) -> None:
    other = tmp_path / "other.db"
    ok("--db", str(other), "lead", "add", "Ana")
    assert other.exists()
    assert not db_path.exists()
    leads = json.loads(ok("--db", str(other), "lead", "list", "--json").stdout)
    assert [lead["name"] for lead in leads] == ["Ana"]


def test_the_variable_names_the_database(ok, db) -> None:
    ok("lead", "add", "Ana")
    assert db("select name from contacts") == [("Ana",)]


def test_db_takes_an_sqlalchemy_url(ok, tmp_path) -> None:
    path = tmp_path / "by-url.db"
    ok("--db", f"sqlite:///{path}", "lead", "add", "Ana")
    with sqlite3.connect(path) as connection:
        assert connection.execute("select name from contacts").fetchall() == [("Ana",)]
    assert mode(path) == 0o600


@pytest.mark.slow
def test_db_may_follow_the_subcommand(tmp_path) -> None:
    path = tmp_path / "after.db"
    added = cli("lead", "add", "Ana", "--db", str(path), "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["name"] == "Ana"
    with sqlite3.connect(path) as connection:
        assert connection.execute("select name from contacts").fetchall() == [("Ana",)]
    assert not Path(os.environ["SALESFUNNEL_DB"]).exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["lead", "list", "--db", "x.db"], ["--db", "x.db", "lead", "list"]),
        (["lead", "list", "--db=x.db", "--json"], ["--db=x.db", "lead", "list", "--json"]),
        (["--db", "x.db", "lead", "list"], ["--db", "x.db", "lead", "list"]),
        (["lead", "add", "--", "--db"], ["lead", "add", "--", "--db"]),
        (["lead", "list", "--db"], ["lead", "list", "--db"]),
    ],
)
def test_hoisting_db_in_front_of_the_subcommand(argv, expected) -> None:
    from salesfunnel.cli import hoist_db_option

    assert hoist_db_option(argv) == expected


@pytest.mark.slow
def test_default_location_is_the_platform_data_directory(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SALESFUNNEL_DB"}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path / "home"))
    result = cli("lead", "add", "Ana", env=env)
    assert result.returncode == 0, result.stderr
    expected = tmp_path / "xdg" / "salesfunnel" / "salesfunnel.db"
    assert expected.exists()
    assert mode(expected) == 0o600
    with sqlite3.connect(expected) as connection:
        assert connection.execute("select name from contacts").fetchall() == [("Ana",)]


# --- the schema and its migrations ----------------------------------------------------


def test_schema_head_is_the_newest_migration() -> None:
    assert SCHEMA_HEAD == migrate.head_revision()


def test_a_new_database_is_at_the_schema_head(ok, db) -> None:
    ok("lead", "add", "Ana")
    assert db("select version_num from alembic_version") == [(SCHEMA_HEAD,)]


@pytest.mark.sqlite_only("SQLite's page size")
def test_a_new_database_has_16_kib_pages_and_an_old_one_keeps_its_own(ok, db_path, db) -> None:
    ok("lead", "add", "Ana")
    assert db("pragma page_size") == [(16384,)]
    older = db_path.with_name("older.db")
    make_old_database(older)
    ok("--db", str(older), "lead", "list")
    with sqlite3.connect(older) as connection:
        assert connection.execute("pragma page_size").fetchone() == (4096,)
        assert connection.execute("select name from contacts").fetchall() == [("Olga Old",)]


@pytest.mark.sqlite_only("SQLite's query plans")
def test_contacts_names_are_not_indexed(ok, db_path, db) -> None:
    """Migration 0005: no query reads contacts by name; the index only cost every write."""
    make_old_database(db_path)
    ok("config", "list")
    indexes = {name for (name,) in db("select name from sqlite_master where type = 'index'")}
    assert "ix_contacts_name" not in indexes
    assert {"ix_contacts_email_key", "ix_contacts_phone_key"} <= indexes
    assert db("select name from contacts") == [("Olga Old",)]


def make_old_database(path: Path) -> None:
    """A database as the first release left it, holding one lead."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO contacts (stage, name, lead_status, email_flagged, starred, "
                    "created_at) VALUES ('lead', 'Olga Old', 'new', 0, 0, "
                    "'2026-01-05 10:00:00.000000')"
                )
            )
    finally:
        engine.dispose()


@pytest.mark.sqlite_only("the backup of an SQLite file before an upgrade")
def test_an_older_database_is_backed_up_then_upgraded_keeping_its_data(run, db_path, db) -> None:
    make_old_database(db_path)
    assert db("select version_num from alembic_version") == [("0001",)]

    result = run("lead", "list", "--json")

    assert result.exit_code == 0, result.stderr
    assert [lead["name"] for lead in json.loads(result.stdout)] == ["Olga Old"]
    assert db("select version_num from alembic_version") == [(SCHEMA_HEAD,)]
    backups = sorted(db_path.parent.glob(f"{db_path.name}.*.bak"))
    assert len(backups) == 1
    backup = backups[0]
    assert "Backed up the database to" in result.stderr and str(backup) in result.stderr
    assert f"from 0001 to {SCHEMA_HEAD}" in result.stderr
    assert mode(backup) == 0o600
    with sqlite3.connect(backup) as copy:
        assert copy.execute("select version_num from alembic_version").fetchall() == [("0001",)]
        assert copy.execute("select name from contacts").fetchall() == [("Olga Old",)]


@pytest.mark.sqlite_only("the backup of an SQLite file before an upgrade")
def test_an_up_to_date_database_is_not_backed_up_again(ok, db_path) -> None:
    make_old_database(db_path)
    ok("config", "list")
    second = ok("config", "list")
    assert "Backed up" not in second.stderr
    assert len(list(db_path.parent.glob("*.bak"))) == 1


@pytest.mark.sqlite_only("an SQLite file left byte for byte")
def test_a_database_from_a_newer_salesfunnel_is_refused_untouched(ok, run, db_path) -> None:
    ok("lead", "add", "Ana")
    with sqlite3.connect(db_path) as connection:
        connection.execute("update alembic_version set version_num = '9999'")
    before = digest(db_path)

    result = run("lead", "list")

    assert result.exit_code == 1
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert "9999" in line and "newer" in line
    assert digest(db_path) == before
    assert list(db_path.parent.glob("*.bak")) == []


@pytest.mark.sqlite_only("an SQLite file salesfunnel didn't make")
def test_a_database_made_by_something_else_is_refused(run, db_path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("create table recipes (name text)")
    result = run("lead", "list")
    assert result.exit_code == 1
    assert "not made by salesfunnel" in one_error_line(result.stderr)


# --- unusable paths: one line, exit 1, nothing touched ---------------------------------


def unusable(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """A --db that can't be used, and a word the error must contain."""
    if kind == "not a database":
        path = tmp_path / "notes.db"
        path.write_text("these are my notes, not a database\n")
        return path, "not a database"
    if kind == "directory":
        path = tmp_path / "folder.db"
        path.mkdir()
        return path, "directory"
    if kind == "under a file":
        (tmp_path / "plain.txt").write_text("x")
        return tmp_path / "plain.txt" / "funnel.db", "not a directory"
    # unreadable: chmod 000 stops everyone but root, who reads anything
    if os.geteuid() == 0:
        (tmp_path / "blocker").write_text("x")
        return tmp_path / "blocker" / "sub" / "funnel.db", "not a directory"
    path = tmp_path / "locked.db"
    path.write_bytes(b"")
    path.chmod(0)
    return path, "permission denied"


@pytest.mark.parametrize("kind", ["not a database", "directory", "under a file", "unreadable"])
def test_an_unusable_db_is_one_line_and_exit_1(run, tmp_path, kind) -> None:
    path, word = unusable(kind, tmp_path)
    before = path.read_bytes() if path.is_file() and os.access(path, os.R_OK) else None

    result = run("--db", str(path), "lead", "list")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert word in one_error_line(result.stderr)
    if before is not None:
        assert path.read_bytes() == before
    assert not path.with_name(f"{path.name}-wal").exists()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+nosuchdriver://me:s3cret@127.0.0.1:1/sales",  # no such dialect
        "postgresql://me:s3cret@127.0.0.1:1/sales",  # no driver installed, or nobody listening
    ],
)
def test_a_server_url_that_fails_is_one_line_that_hides_the_password(run, url) -> None:
    result = run("--db", url, "lead", "list")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "127.0.0.1" in line
    assert "s3cret" not in line


# --- concurrency and atomicity ---------------------------------------------------------


@contextmanager
def write_lock_held(path: Path, seconds: float) -> Iterator[threading.Event]:
    """Another connection's write transaction, held in a thread for ``seconds`` at most.

    Setting the yielded event ends it sooner; it is set once the lock is gone.
    """
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("insert into settings (key, value) values ('held.by', 'other')")
            locked.set()
            release.wait(seconds)
            connection.execute("ROLLBACK")
        finally:
            connection.close()
            release.set()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(10)
        yield release
    finally:
        release.set()
        thread.join()


@pytest.mark.sqlite_only("SQLite's busy timeout")
@pytest.mark.slow
def test_a_writer_waits_for_another_writer_instead_of_failing(empty_db, ok, db_path, db) -> None:
    with write_lock_held(db_path, 1.0) as released:
        started = time.monotonic()
        result = ok("lead", "add", "Ana")
        waited = time.monotonic() - started
        assert released.is_set()
    assert waited >= 0.8
    assert "Added lead #1 Ana" in result.stderr
    assert db("select name from contacts") == [("Ana",)]


@pytest.mark.sqlite_only("SQLite's WAL readers")
def test_a_reader_does_not_wait_for_a_writer(ok, db_path) -> None:
    ok("lead", "add", "Ana")
    with write_lock_held(db_path, 30.0) as released:
        result = ok("lead", "list", "--json")
        assert not released.is_set()  # read while the other write was still under way
    assert [lead["name"] for lead in json.loads(result.stdout)] == ["Ana"]


def test_a_command_that_fails_half_way_writes_nothing(ok, run, db) -> None:
    ok("prospect", "add", "Pia")
    ok("prospect", "add", "Paz")
    events = db("select count(*) from lifecycle_events")

    result = run("prospect", "convert", "1", "2", "999")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "999" in one_error_line(result.stderr)
    assert db("select id, stage, prospect_status from contacts order by id") == [
        (1, "prospect", "open"),
        (2, "prospect", "open"),
    ]
    assert db("select count(*) from lifecycle_events") == events


def test_a_refused_cancel_writes_nothing_either(ok, run, db) -> None:
    ok("prospect", "add", "Pia")
    ok("lead", "add", "Leo")

    result = run("prospect", "cancel", "1", "2", "--reason", "gone")

    assert result.exit_code == 1
    one_error_line(result.stderr)
    assert db("select prospect_status, cancel_reason from contacts where id = 1") == [
        ("open", None)
    ]


def test_a_server_database_is_backed_up_with_the_servers_tools(run, tmp_path) -> None:
    target = tmp_path / "copy.db"
    result = run("--db", "postgresql://me:s3cret@127.0.0.1:1/sales", "backup", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: backup works on an SQLite file; a server database (postgresql) has its own "
        "tools: pg_dump\n"
    )
    assert not target.exists()
    result = run("--db", "postgresql://me:s3cret@127.0.0.1:1/sales", "check")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: check works on an SQLite file; a server database (postgresql) has its own "
        "tools: amcheck, pg_dump --schema-only\n"
    )
