"""A unit of work: one command's transaction, in plain SQL, committed once or not at all.

Every read and write of every command goes through :class:`Work`: SQL written out with
``:named`` parameters, rows back as named tuples of typed values (db/rows.py).  On an
SQLite file it runs on the standard library's ``sqlite3``, so a command imports neither
SQLAlchemy nor SQLModel, which would cost more than the rest of its start-up
(docs/benchmarks.md).  On PostgreSQL the same SQL runs on psycopg 3 (db/postgres.py),
with no SQLAlchemy either; on any other database, through SQLAlchemy's connection.
The tables themselves are defined once, in db/tables.py, and made by the migrations.

Writes on SQLite begin with BEGIN IMMEDIATE, so a second writer (cron's digest during an
import) waits on the busy timeout instead of failing half-way.

A command's write unit keeps an undo journal (db/journal.py): ``insert``, ``update`` and
``delete`` record how to put each row back, and the journal is stored with the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from salesfunnel.db.journal import Journal, key_of, where
from salesfunnel.db.rows import Params, document_value, is_utf8, row_maker, sqlite_value
from salesfunnel.db.sqlite import BUSY_TIMEOUT_MS
from salesfunnel.domain.owners import USER_SETTING, current_user
from salesfunnel.domain.settings import (
    SETTINGS,
    canonical_key,
    is_cadence_key,
    is_view_key,
    rotting_stage_of,
)
from salesfunnel.errors import BadValue, DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# Tables whose rows belong to someone: a new row's owner is the current user unless given.
OWNED = frozenset({"contacts", "deals", "activities"})


class Driver(Protocol):
    """One connection to the database, for the whole command."""

    dialect: str

    def run(self, sql: str, params: Params) -> tuple[list[Any], int]:
        """Rows (typed) and the count of rows changed."""
        ...

    def run_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """One statement for many rows of parameters (a bulk copy)."""
        ...

    def begin(self, *, write: bool, check_references: bool) -> None: ...

    def end(self, *, commit: bool) -> None: ...

    def close(self) -> None: ...


class SqliteDriver:
    """A ``sqlite3`` connection set up by db/sqlite.py; transactions begun here."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._references_off = False

    def run(self, sql: str, params: Params) -> tuple[list[Any], int]:
        bound = {k: sqlite_value(v) for k, v in params.items()}
        try:
            cursor = self.connection.execute(sql, bound)
            try:
                if cursor.description is None:
                    return [], cursor.rowcount
                make = row_maker(tuple(d[0] for d in cursor.description))
                return [make(raw) for raw in cursor.fetchall()], cursor.rowcount
            finally:
                cursor.close()
        except (sqlite3.Error, OverflowError, UnicodeEncodeError) as error:
            raise refusal(error, bound) from None

    def run_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        plain = _PLAIN  # text, numbers and NULL go as they are: most values of a bulk copy
        bound = [
            {k: v if type(v) in plain else sqlite_value(v) for k, v in row.items()} for row in rows
        ]
        try:
            self.connection.executemany(sql, bound)
        except (sqlite3.Error, OverflowError, UnicodeEncodeError) as error:
            raise refusal(error, bound[0] if bound else {}) from None

    def begin(self, *, write: bool, check_references: bool) -> None:
        if not check_references:  # only outside a transaction does SQLite take this
            self.connection.execute("PRAGMA foreign_keys = OFF")
            self._references_off = True
        try:
            self.connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as error:
            raise refusal(error, {}) from None

    def end(self, *, commit: bool) -> None:
        try:
            if self.connection.in_transaction:
                self.connection.execute("COMMIT" if commit else "ROLLBACK")
        except sqlite3.Error as error:
            raise refusal(error, {}) from None
        finally:
            if self._references_off:
                self.connection.execute("PRAGMA foreign_keys = ON")
                self._references_off = False

    def close(self) -> None:
        self.connection.close()


_PLAIN = frozenset({str, int, float, type(None)})


def refusal(error: Exception, bound: Params) -> Exception:
    """What the user is told when SQLite can't do what was asked, in one line.

    A value SQLite can't store (an id beyond 64 bits, text that isn't UTF-8), another
    writer that held the database past the busy timeout, a damaged file.  Anything
    else is a bug: it goes on as it was, for the error boundary to report.
    """
    message = str(error)
    if isinstance(error, OverflowError):
        return BadValue(f"a number is too large to be an id or a count here (at most {2**63 - 1})")
    if isinstance(error, UnicodeEncodeError):
        shown = next((v for v in bound.values() if isinstance(v, str) and not is_utf8(v)), "")
        typed = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return BadValue(f"text that is not valid UTF-8 can't be stored: {typed}")
    if "database is locked" in message or "database is busy" in message:
        return DatabaseError(
            f"another salesfunnel command kept the database busy for over "
            f"{BUSY_TIMEOUT_MS // 1000} s: try again when it is done (nothing was written)"
        )
    if isinstance(error, sqlite3.DatabaseError) and (
        "malformed" in message or "not a database" in message or "corrupt" in message
    ):
        return DatabaseError(
            f"the database file is damaged ({message}): see salesfunnel check, or restore a backup"
        )
    return error


class AlchemyDriver:
    """The same SQL through SQLAlchemy's ``text()``, on databases other than SQLite and
    PostgreSQL (which have drivers of their own)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.connection: Connection | None = None

    def run(self, sql: str, params: Params) -> tuple[list[Any], int]:
        from sqlalchemy import text

        assert self.connection is not None, "run inside a unit of work"
        bound = {k: document_value(v) for k, v in params.items()}
        result = self.connection.execute(text(sql), bound)
        if not result.returns_rows:
            return [], result.rowcount
        make = row_maker(tuple(result.keys()))
        return [make(raw) for raw in result], result.rowcount

    def run_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        from sqlalchemy import text

        assert self.connection is not None, "run inside a unit of work"
        self.connection.execute(
            text(sql), [{k: document_value(v) for k, v in row.items()} for row in rows]
        )

    def begin(self, *, write: bool, check_references: bool) -> None:
        self.connection = self.engine.connect()
        self.connection.begin()

    def end(self, *, commit: bool) -> None:
        if self.connection is None:
            return
        try:
            if commit:
                self.connection.commit()
            else:
                self.connection.rollback()
        finally:
            self.connection.close()
            self.connection = None

    def close(self) -> None:
        self.engine.dispose()


class UnjournaledWrite(RuntimeError):
    """Raw SQL writing in a journaled unit: `undo` could not take it back (a bug)."""


class Work:
    """One transaction: reads see one snapshot; a write commits on a clean exit, else
    rolls back, so a refused or interrupted command has changed nothing."""

    def __init__(
        self,
        driver: Driver,
        *,
        write: bool,
        check_references: bool = True,
        on_commit: Callable[[], None] = lambda: None,
        journal: Journal | None = None,
    ) -> None:
        """``check_references=False``: SQLite doesn't check foreign keys in this unit.

        For a bulk writer whose every reference is one it made itself (``prospect
        import``: ~2 µs a row); the check is back on for the connection's next use.

        ``journal``: record what this unit writes, for `undo`, and store it (with
        :attr:`summary`, what the command says it did) in the same transaction.
        """
        self.driver = driver
        self.dialect = driver.dialect
        self.write = write
        self.committed = False
        self._check_references = check_references
        self._on_commit = on_commit
        self._settings: dict[str, str] | None = None
        self.journal = journal
        self.summary: str | None = None  # what the command did, in its own words
        self._discard = False

    def __enter__(self) -> Self:
        self.driver.begin(write=self.write, check_references=self._check_references)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        commit = exc_type is None and self.write and not self._discard
        if commit and self.journal is not None:
            try:
                self.journal.save(self, self.summary)
            except BaseException:
                self.driver.end(commit=False)
                raise
        self.driver.end(commit=commit)
        if commit:
            self.committed = True
            self._on_commit()

    # --- reading ----------------------------------------------------------------------
    def rows(self, sql: str, params: Params | None = None) -> list[Any]:
        """Every row of a SELECT, each a named tuple of typed values."""
        return self.driver.run(sql, params or {})[0]

    def row(self, sql: str, params: Params | None = None) -> Any | None:
        """The first row of a SELECT, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def locked(self, select: str) -> str:
        """A SELECT of rows this write is about to change, made to hold them until it ends.

        Every lifecycle transition reads a state and writes the next one (a deal open,
        then won).  On SQLite a write unit holds the whole database from its start (BEGIN
        IMMEDIATE), so a second command reads what the first left.  On PostgreSQL (READ
        COMMITTED) two commands could read the same state at once and both write; ``FOR
        UPDATE`` makes the second wait for the first to end, then read the row as the first
        left it, and refuse (services/common.py: ``find_contact``, ``find_deal``).
        """
        if self.write and self.dialect != "sqlite":
            return f"{select} FOR UPDATE"
        return select

    # --- writing ----------------------------------------------------------------------
    def execute(self, sql: str, params: Params | None = None) -> int:
        """An INSERT, UPDATE or DELETE in raw SQL; returns how many rows it changed.

        Not in a journaled unit, whose writes `undo` must be able to take back: there,
        ``insert``, ``update`` and ``delete`` record each row; only a command whose
        journal entry covers raw writes (an import, an undo-import) may use it.
        """
        if self.journal is not None and not self.journal.covers_raw_writes:
            raise UnjournaledWrite(f"raw SQL escapes the undo journal: {sql.split()[:3]}")
        return self.driver.run(sql, params or {})[1]

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """A new row; returns its id.  A contact, deal or activity is the current user's
        unless ``owner`` is given."""
        if table in OWNED and "owner" not in values:
            values = {**values, "owner": self.user}
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING id"
        row_id = int(self.driver.run(sql, values)[0][0][0])
        if self.journal is not None:
            self.journal.inserted(table, {"id": row_id}, values)
        return row_id

    def insert_keyed(self, table: str, values: Mapping[str, Any]) -> None:
        """A new row of a table keyed by its columns (tags, settings): no id to return."""
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        self.driver.run(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
        if self.journal is not None:
            self.journal.inserted(table, key_of(table, values), values)

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        """Some columns of one row, by id."""
        self.update_keyed(table, {"id": row_id}, values)

    def update_keyed(self, table: str, key: Mapping[str, Any], values: Mapping[str, Any]) -> int:
        """Some columns of the row of this key (``{"key": "deal.currency"}``); returns
        how many rows changed (0: there is no such row)."""
        if not values:
            return 0
        clause, params = where(key)
        before = None
        if self.journal is not None:  # one read of what is about to change
            before = self.row(f"SELECT {', '.join(values)} FROM {table} WHERE {clause}", params)
            if before is None:
                return 0
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        sql = f"UPDATE {table} SET {assignments} WHERE {clause}"
        changed = self.driver.run(sql, {**values, **params})[1]
        if self.journal is not None and before is not None:
            self.journal.updated(table, key, before._asdict(), values)
        return changed

    def delete(self, table: str, key: Mapping[str, Any]) -> int:
        """The row of this key; returns how many rows went (0 or 1).

        Cascades are not followed: delete the rows that point at it first (a contact's
        tags), so that the journal holds them too.
        """
        clause, params = where(key)
        before = None
        if self.journal is not None:  # the whole row, to put it back
            before = self.row(f"SELECT * FROM {table} WHERE {clause}", params)
            if before is None:
                return 0
        gone = self.driver.run(f"DELETE FROM {table} WHERE {clause}", params)[1]
        if self.journal is not None and before is not None:
            self.journal.deleted(table, key, before._asdict())
        return gone

    def covered_by_import(self, import_id: int) -> None:
        """This command is an import: `undo` takes its bulk rows back as undo-import does
        (with the rows it wrote through ``insert`` and ``update``, from the journal)."""
        if self.journal is not None:
            self.journal.import_id = import_id

    def not_undoable(self) -> None:
        """`undo` can't take this command back (what it removes is not kept): the journal
        marks it, and undo stops there."""
        if self.journal is not None:
            self.journal.undoable = False

    def discard(self) -> None:
        """Roll back at the end of the block even if it ends well: a rehearsal."""
        self._discard = True

    def bulk_cursor(self) -> Any:
        """A cursor for the bulk writers (`prospect import`, undo-import) on this unit's
        connection: ``sqlite3``'s own, or on PostgreSQL one that takes the same SQL
        (db/postgres.py ``CompatCursor``)."""
        driver = self.driver
        if isinstance(driver, SqliteDriver):
            return driver.connection.cursor()
        from salesfunnel.db.postgres import CompatCursor, PostgresDriver

        if not isinstance(driver, PostgresDriver):
            raise DatabaseError(f"prospect import doesn't write to {driver.dialect} databases")
        return CompatCursor(driver.connection)

    @property
    def sqlite(self) -> sqlite3.Connection | None:
        """The bare ``sqlite3`` connection, for bulk writers and SQLite-only indexes."""
        driver = self.driver
        return driver.connection if isinstance(driver, SqliteDriver) else None

    # --- settings ---------------------------------------------------------------------
    @property
    def user(self) -> str:
        """Who is using salesfunnel (domain/owners.py): the owner of what they add."""
        return current_user(self.settings().get(USER_SETTING))

    def settings(self) -> dict[str, str]:
        """Every setting, stored value over default, read once per unit of work."""
        if self._settings is None:
            self._settings = read_settings(self)
        return self._settings

    def forget_settings(self) -> None:
        self._settings = None


def read_settings(work: Work) -> dict[str, str]:
    """Every setting: the stored value, or the default; plus the settings with a name of
    the user's (per-stage rotting limits, cadences, saved views) that are stored."""
    rows = work.rows('SELECT "key", value FROM settings')
    stored = {canonical_key(row.key): row.value for row in rows}
    values = {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}
    named = {
        k: v
        for k, v in stored.items()
        if rotting_stage_of(k) or is_cadence_key(k) or is_view_key(k)
    }
    return values | named
