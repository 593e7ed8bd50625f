"""Keeping SQLite's full-text search index up to date (the FTS5 tables of migration 0002).

Every searched row carries a folded ``search_key`` (domain.text).  New rows reach the
index in bulk: one ``INSERT ... SELECT`` per table for the rows above its watermark,
many times faster than row by row.  Writers call :func:`catch_up` after writing
contacts, companies or deals; a big import leaves its rows to the first search
(:func:`index_if_far_behind`), and until then search reads their keys.  Other
databases have no such index.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesfunnel.db.work import Driver, Work

Connection = sqlite3.Connection | sqlite3.Cursor  # a cursor, for the importer's own
SEARCHED = ("contacts", "companies", "deals")
FAR_BEHIND = 20_000  # rows not indexed yet that a search indexes before reading


def catch_up(work: Work) -> None:
    """Index the rows written since the last catch-up (cheap when there is nothing new),
    unless a big import left so many that the next search should: a `lead add` after an
    import of a million rows stays instant."""
    connection = work.sqlite
    if connection is not None:
        index_new_rows_unless_far_behind(connection)


def index_new_rows_unless_far_behind(connection: Connection) -> int:
    """See :func:`catch_up`; returns how many rows it indexed."""
    if rows_not_indexed(connection) >= FAR_BEHIND:
        return 0
    return index_new_rows(connection)


def index_new_rows(connection: Connection) -> int:
    """Index every row above the watermarks, in this transaction; returns how many."""
    indexed = 0
    for table in SEARCHED:
        row = connection.execute(
            "SELECT indexed_through FROM search_index_state WHERE name = ?", (table,)
        ).fetchone()
        if row is None:
            continue  # a database without the search index
        (highest,) = connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        if highest <= row[0]:
            continue
        cursor = connection.execute(
            f"INSERT INTO {table}_fts (rowid, search_key) "
            f"SELECT id, search_key FROM {table} WHERE id > ? AND id <= ?",
            (row[0], highest),
        )
        indexed += max(cursor.rowcount, 0)
        connection.execute(
            "UPDATE search_index_state SET indexed_through = ? WHERE name = ?", (highest, table)
        )
    return indexed


def rows_not_indexed(connection: Connection) -> int:
    """How many rows lie above the search index's watermarks (0 without the index)."""
    behind = 0
    for table in SEARCHED:
        row = connection.execute(
            f"SELECT (SELECT coalesce(max(id), 0) FROM {table}) - indexed_through "
            "FROM search_index_state WHERE name = ?",
            (table,),
        ).fetchone()
        behind += max(row[0], 0) if row else 0
    return behind


def index_if_far_behind(driver: Driver) -> int:
    """Before a search: index the rows a big import left unindexed; returns how many.

    A big `prospect import` doesn't build the search index for its rows (a third of
    a million-row import's time went there); until they are indexed, each search
    reads their keys one by one.  The first search after it indexes them, in a
    short write of its own.  It doesn't wait for another writer: while an import
    or another command writes, the search goes on reading the keys.
    """
    connection = getattr(driver, "connection", None)
    if not isinstance(connection, sqlite3.Connection):
        return 0
    try:
        behind = rows_not_indexed(connection)
    except sqlite3.Error as error:  # a damaged file: said as every command says it
        from salesfunnel.db.work import refusal

        raise refusal(error, {}) from None
    if behind < FAR_BEHIND:
        return 0
    (waits,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return 0  # someone is writing: search reads the keys this time
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(waits)}")
    try:
        indexed = index_new_rows(connection)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return indexed
