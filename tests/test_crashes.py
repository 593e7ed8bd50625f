"""Real processes killed part way, and real processes writing at once (SPEC §3 "Nothing
lost").

A process killed with SIGKILL runs no handler, so what is left is what SQLite's
transactions promise: the command's one transaction landed whole or not at all, and the
file passes `PRAGMA integrity_check` and salesfunnel's own `check`. Each command is
killed at a spread of moments (start-up, reading, writing, committing), because where a
kill lands depends on the machine: the assertions hold wherever it lands.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from salesfunnel.db.sqlite import SCHEMA_HEAD
from test_storage import make_old_database

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")
ROWS = 100_000  # an import of about 1.5 s here, writing a WAL of ~50 MB
# Real processes, each started and killed several times.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only("an SQLite file under crashes and concurrent writers"),
]


def start(db_path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(SALESFUNNEL), "--db", str(db_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def killed_after(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL ``process`` ``seconds`` after it started; False if it had already ended."""
    time.sleep(seconds)
    finished = process.poll() is not None
    if not finished:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    return not finished


def killed_once_written(process: subprocess.Popen[bytes], wal: Path, size: int) -> bool:
    """SIGKILL ``process`` once its write-ahead log holds ``size`` bytes: a point part way
    through its transaction, wherever the machine's speed puts it in time."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size >= size:
            break
        time.sleep(0.005)
    return killed_after(process, 0)


def query(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def assert_sound(run, db_path: Path) -> None:
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    checked = run("check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


@pytest.fixture(scope="module")
def prospect_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("name,email,phone,company\r\n")
        for i in range(ROWS):
            out.write(f"Person {i},p{i}@example.com,+55 11 9{i:08},Company {i % 500}\r\n")
    return path


MiB = 1024 * 1024


@pytest.mark.parametrize("wal_size", [1, 256 * 1024, 4 * MiB, 16 * MiB, 32 * MiB, 44 * MiB])
def test_an_import_killed_at_any_moment_lands_whole_or_not_at_all(
    run, ok, db_path, prospect_file, wal_size
) -> None:
    ok("prospect", "add", "Before", "--email", "before@example.com")
    wal = db_path.with_name(db_path.name + "-wal")
    process = start(db_path, "prospect", "import", str(prospect_file), "--list", "big")

    was_killed = killed_once_written(process, wal, wal_size)

    contacts = query(db_path, "SELECT count(*) FROM contacts")[0][0]
    lists = [name for (name,) in query(db_path, "SELECT name FROM prospect_lists ORDER BY id")]
    landed = not (was_killed and contacts == 1)
    if not landed:  # nothing of it: no list, no batch, no journal entry
        assert lists == ["manual"]
        assert query(db_path, "SELECT count(*) FROM import_batches") == [(0,)]
    else:  # the whole of it
        assert (contacts, lists) == (ROWS + 1, ["manual", "big"])
    assert_sound(run, db_path)
    # and the database takes the same import afterwards, as if nothing had happened
    again = ok("prospect", "import", str(prospect_file), "--list", "big")
    assert query(db_path, "SELECT count(*) FROM contacts") == [(ROWS + 1,)]
    imported = 0 if landed else ROWS
    assert again.stderr.startswith(f"Imported    {imported:,} prospects")


@pytest.fixture
def open_deal(ok) -> str:
    ok("lead", "add", "Ana Souza", "--email", "ana@example.com")
    ok("next", "1", "call", "Ask about the budget", "--due", "tomorrow")
    ok("lead", "qualify", "1", "--level", "sql", "--value", "1200")
    deals = json.loads(ok("deal", "list", "--json").stdout)
    return str(deals[0]["id"])


@pytest.mark.parametrize("seconds", [0.02, 0.05, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3])
def test_a_win_killed_at_any_moment_is_all_or_nothing(run, ok, db_path, open_deal, seconds):
    process = start(db_path, "deal", "win", open_deal)

    killed_after(process, seconds)

    (status,) = query(db_path, f"SELECT status FROM deals WHERE id = {open_deal}")[0]
    (stage,) = query(db_path, "SELECT stage FROM contacts WHERE id = 1")[0]
    won_events = query(db_path, "SELECT count(*) FROM lifecycle_events WHERE action = 'win'")[0][0]
    journaled = query(db_path, "SELECT count(*) FROM undo_commands WHERE command LIKE 'deal win%'")
    if status == "won":
        assert (stage, won_events, journaled) == ("customer", 1, [(1,)])
    else:
        assert (status, stage, won_events, journaled) == ("open", "lead", 0, [(0,)])
    assert_sound(run, db_path)


@pytest.mark.parametrize("seconds", [0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.1])
def test_a_migration_killed_at_any_moment_keeps_the_data_and_finishes_next_time(
    run, ok, db_path, seconds
) -> None:
    make_old_database(db_path)

    killed_after(start(db_path, "lead", "add", "Bia"), seconds)

    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    (version,) = query(db_path, "SELECT version_num FROM alembic_version")[0]
    assert version <= SCHEMA_HEAD  # a migration is one transaction: one step or none
    names = [name for (name,) in query(db_path, "SELECT name FROM contacts ORDER BY id")]
    assert names[0] == "Olga Old" and names[1:] in ([], ["Bia"])
    # the next command finishes the upgrade and finds the data whole
    leads = json.loads(ok("lead", "list", "--json").stdout)
    assert [lead["name"] for lead in leads] == list(reversed(names)) or sorted(
        lead["name"] for lead in leads
    ) == sorted(names)
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert_sound(run, db_path)


WRITERS = 4
COMMANDS_EACH = 6


def test_four_writers_at_once_lose_nothing(run, ok, db_path) -> None:
    """Four shells adding leads and logging calls at the same moment: each write waits
    for the one before it (BEGIN IMMEDIATE and the busy timeout), and every one lands."""
    ok("lead", "add", "Shared", "--email", "shared@example.com")
    script = "\n".join(
        [
            'db="$1"; who="$2"',
            f"for n in $(seq 1 {COMMANDS_EACH}); do",
            f'  "{SALESFUNNEL}" --db "$db" lead add "Writer $who lead $n" '
            '--email "w$who-$n@example.com" || exit 1',
            f'  "{SALESFUNNEL}" --db "$db" log 1 call "writer $who call $n" || exit 1',
            "done",
        ]
    )
    writers = [
        subprocess.Popen(
            ["bash", "-c", script, "writer", str(db_path), str(who)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for who in range(WRITERS)
    ]
    results = [writer.communicate(timeout=300) for writer in writers]

    assert [writer.returncode for writer in writers] == [0] * WRITERS, results
    leads = json.loads(ok("lead", "list", "--all", "--json").stdout)
    assert len(leads) == 1 + WRITERS * COMMANDS_EACH
    emails = {lead["email"] for lead in leads}
    assert all(
        f"w{who}-{n}@example.com" in emails
        for who in range(WRITERS)
        for n in range(1, COMMANDS_EACH + 1)
    )
    calls = query(db_path, "SELECT text FROM activities WHERE contact_id = 1 ORDER BY text")
    assert len(calls) == WRITERS * COMMANDS_EACH
    assert len(query(db_path, "SELECT id FROM undo_commands")) == min(
        50, 1 + 2 * WRITERS * COMMANDS_EACH
    )
    assert_sound(run, db_path)


def test_a_writer_waits_for_a_long_write_and_then_lands(ok, db_path) -> None:
    """Another process holds the write lock for two seconds, well inside the busy
    timeout: the second writer waits, then writes, and says nothing about the wait."""
    ok("lead", "add", "Ana")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    process = start(db_path, "lead", "add", "Bia")
    time.sleep(2)
    assert process.poll() is None  # still waiting
    other.execute("ROLLBACK")
    other.close()
    out, err = process.communicate(timeout=60)

    assert process.returncode == 0, err
    assert time.monotonic() - started >= 2
    assert b"busy" not in err and b"Traceback" not in err
    assert [name for (name,) in query(db_path, "SELECT name FROM contacts ORDER BY id")] == [
        "Ana",
        "Bia",
    ]


def test_an_import_stopped_and_continued_again_and_again_lands_whole(tmp_path, ok, db_path) -> None:
    """Ctrl-Z then `fg` (SIGSTOP, SIGCONT) in the middle of a big import: the process
    reading the file ahead was part way through writing a batch into the pipe, and a
    write a signal cut short once left the batch without its end."""
    path = tmp_path / "big.csv"  # past importing/ahead.py's 8 MB: read in a second process
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("nome;e-mail;telefone;empresa\r\n")
        for i in range(150_000):
            out.write(
                f"Conceição Araújo {i};c{i}@exemplo.com.br;+55 11 9{i:08};Padaria Ñ {i % 90}\r\n"
            )
    assert path.stat().st_size > 8 * MiB
    ok("prospect", "add", "Before", "--email", "before@example.com")  # the database exists
    process = subprocess.Popen(
        [str(SALESFUNNEL), "--db", str(db_path), "prospect", "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    stops = 0
    while process.poll() is None:
        time.sleep(0.003)
        try:
            os.killpg(process.pid, signal.SIGSTOP)
            os.killpg(process.pid, signal.SIGCONT)
        except ProcessLookupError:
            break
        stops += 1
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert stops > 50
    assert query(db_path, "SELECT count(*) FROM contacts") == [(150_001,)]
