"""Nothing lost: an import is one transaction.  Killed part way, it leaves nothing; while it
runs, another process still reads the database (WAL) and sees what was there before."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import index_names, on_server

SALESFUNNEL = Path(sys.executable).with_name("salesfunnel")
ROWS = 200_000
# A big file is read in a second process where there is a second core to run it on.
READING_PROCESSES = 1 if len(os.sched_getaffinity(0)) > 1 else 0
# Each test imports a 200,000-row file in real processes, and signals them part way.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A list big enough to take a few seconds to import (written fast, not generated)."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("name,email,phone,company,notes\r\n")
        for i in range(ROWS):
            out.write(
                f"Person {i},person{i}@example.com,+55 11 9{i:08d},Company {i % 5000},"
                f'"notes for {i}, with a comma"\r\n'
            )
    return path


def start_import(path: Path, *, own_group: bool = False) -> subprocess.Popen[bytes]:
    """``own_group``: in a process group of its own, as a terminal's foreground job is."""
    return subprocess.Popen(
        [str(SALESFUNNEL), "prospect", "import", str(path), "--list", "big"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # a shell may start background jobs with SIGINT ignored; a terminal would not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        process_group=0 if own_group else None,
    )


def wait_until_writing(db_path: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the import has written a few MiB to the WAL (it is part way through); on a
    server, until its transaction holds its lock on `contacts`, and half a second more
    (the server shows no other transaction's rows: the lock says it is under way)."""
    wal = db_path.with_name(db_path.name + "-wal")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if on_server() and _import_under_way():
            time.sleep(0.5)
            assert process.poll() is None, "the import ended before it could be observed"
            return
        if not on_server() and wal.exists() and wal.stat().st_size > 4 * 1024 * 1024:
            return
        assert process.poll() is None, "the import ended before it could be observed"
        time.sleep(0.02)
    raise AssertionError("the import never started writing")


def _import_under_way() -> bool:
    """An import's transaction holds its lock on `contacts` (server)."""
    import psycopg

    with psycopg.connect(os.environ["SALESFUNNEL_DB"], autocommit=True) as connection:
        found = connection.execute(
            "SELECT count(*) FROM pg_locks AS l JOIN pg_class AS c ON c.oid = l.relation "
            "WHERE c.relname = 'contacts' AND l.mode = 'ShareRowExclusiveLock' AND l.granted"
        ).fetchone()
    return bool(found and found[0])


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SALESFUNNEL), *args], capture_output=True, text=True, timeout=60, check=False
    )


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (a big import reads its file in one)."""
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def ended(pid: int, within: float) -> bool:
    """Gone, or a zombie nobody reaped yet (in a container, PID 1 may not)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_a_killed_import_leaves_no_partial_list(big_file, db_path, ok, db) -> None:
    ok("prospect", "add", "Before", "--email", "before@example.com")
    process = start_import(big_file)
    wait_until_writing(db_path, process)
    reading = children(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert len(reading) == READING_PROCESSES  # the file was read in a second process...
    assert all(ended(pid, within=10) for pid in reading)  # ...which ends with the first

    lists = cli("prospect", "lists", "--json")
    assert lists.returncode == 0, lists.stderr
    assert [x["name"] for x in json.loads(lists.stdout)] == ["manual"]
    assert db("select count(*) from contacts") == [(1,)]
    assert db("select count(*) from import_batches") == [(0,)]
    if not on_server():
        assert db("pragma integrity_check") == [("ok",)]
    indexes = index_names(db)
    assert "ix_contacts_email_key" in indexes  # the indexes dropped for speed are back


def test_ctrl_c_part_way_rolls_back_and_says_so(big_file, db_path, db) -> None:
    process = start_import(big_file)
    wait_until_writing(db_path, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode() == "Interrupted: nothing was written.\n"
    assert out == b""
    assert db("select count(*) from contacts") == [(0,)]
    assert db("select count(*) from prospect_lists") == [(0,)]


def test_ctrl_c_at_a_terminal_reaches_both_processes_and_only_one_answers(
    big_file, db_path, db
) -> None:
    """A terminal sends Ctrl-C to the whole foreground job: the reading process ignores
    it, the writing one rolls back and says so, once, with no traceback."""
    process = start_import(big_file, own_group=True)
    wait_until_writing(db_path, process)
    reading = children(process.pid)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode() == "Interrupted: nothing was written.\n"
    assert out == b""
    assert len(reading) == READING_PROCESSES
    assert all(ended(pid, within=10) for pid in reading)
    assert db("select count(*) from contacts") == [(0,)]


def test_a_reader_is_not_refused_while_an_import_runs(big_file, db_path, ok, db) -> None:
    ok("prospect", "add", "Before", "--email", "before@example.com")
    process = start_import(big_file)
    wait_until_writing(db_path, process)
    reader = cli("prospect", "list", "--json")
    still_running = process.poll() is None
    out, err = process.communicate(timeout=120)

    assert reader.returncode == 0, reader.stderr
    assert [p["name"] for p in json.loads(reader.stdout)] == ["Before"]  # the snapshot before
    assert still_running
    assert process.returncode == 0, err
    assert f"Imported    {ROWS:,} prospects into list 'big'" in err.decode()
    assert db("select count(*) from contacts") == [(ROWS + 1,)]
