"""How every connection to an SQLite file is set up, and the schema it must be at.

Light on purpose (standard library only): the engine (db/engine.py) and every
command's own connection (db/connect.py) are set up from here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_HEAD = "0009"  # the newest migration; a test holds it to the migrations folder
MIGRATIONS = Path(__file__).with_name("migrations") / "versions"
BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another before giving up
# A new database's page size (an existing one keeps its own): a million-row import
# reads and writes a 650 MB file through an 8 MiB cache, page by page; with 16 KiB
# pages instead of SQLite's 4 KiB it took 29.4 s instead of 32.5 s, and searches and
# listings were no slower (docs/importing.md).
PAGE_SIZE = 16_384


def configure(connection: sqlite3.Connection) -> None:
    """WAL, foreign keys, a busy timeout; transactions we begin ourselves.

    The page size only takes for a file with nothing in it yet, so it is set before
    WAL mode (which writes the file's first page).

    The driver's own transaction handling is turned off so that a write can start
    with BEGIN IMMEDIATE and wait for another writer instead of failing later.
    """
    connection.isolation_level = None
    cursor = connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can't change the file (``mode=ro``): for ``check``, ``backup``
    and a first look at a file before anything is set up on it.

    On a file in WAL mode SQLite may make the ``-wal`` and ``-shm`` files beside it, as
    any reader does; the database file itself is never written.
    """
    uri = f"{path.absolute().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def user_tables(connection: sqlite3.Connection) -> set[str]:
    """The tables of a database, SQLite's own left out."""
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {name for (name,) in rows}


def online_copy(source: Path, destination: Path) -> None:
    """A consistent copy of the database at ``source`` in the (empty) file
    ``destination``, with SQLite's online backup API, safe while others write.

    The whole copy is one step on a read-only connection: one snapshot of the last
    commit, taken while writers go on (WAL), never restarted by their commits.  The
    copy leaves WAL mode, so it is one self-contained file.
    """
    reader = open_read_only(source)
    try:
        writer = sqlite3.connect(destination, isolation_level=None)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
    finally:
        reader.close()


def next_id(connection: sqlite3.Connection | sqlite3.Cursor, table: str) -> int:
    """The id SQLite will give the next row of ``table``, for a writer that hands out ids
    itself (the import): past the highest the table holds and, for a table made with
    AUTOINCREMENT (migration 0007), past the highest it ever held."""
    (highest,) = connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    sequence = connection.execute(
        "SELECT max(seq) FROM sqlite_master AS m JOIN sqlite_sequence AS s ON s.name = m.name "
        "WHERE m.type = 'table' AND m.name = ? AND m.sql LIKE '%AUTOINCREMENT%'",
        (table,),
    ).fetchone()
    return max(int(highest), int(sequence[0] or 0)) + 1


def known_schemas() -> set[str]:
    """Every migration this salesfunnel ships (their files are named ``NNNN_what.py``),
    read without Alembic: ``check`` tells an older schema from a newer one."""
    return {path.name.split("_", 1)[0] for path in MIGRATIONS.glob("[0-9]*_*.py")}
