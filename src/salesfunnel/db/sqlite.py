"""How every connection to an SQLite file is set up, and the schema it must be at.

Light on purpose (standard library only): the engine (db/engine.py) and every
command's own connection (db/connect.py) are set up from here.
"""

from __future__ import annotations

import sqlite3

SCHEMA_HEAD = "0006"  # the newest migration; a test holds it to the migrations folder
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
