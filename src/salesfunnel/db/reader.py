"""Plain SQL for the daily commands, on SQLite without SQLAlchemy.

`todo`, `digest`, `pipeline` and `lead list` must run in well under half a second
(SPEC §6), and importing SQLAlchemy alone takes about half of that on the reference
machine.  So their services read with a few SQL statements written out in full, with
``:named`` parameters, through a :class:`Reader`:

* :class:`SqliteReader` runs them on a bare ``sqlite3`` connection — opened here, by
  :func:`open_sqlite_reader`, when the file exists and its schema is at head (so nothing
  needs creating or migrating), or borrowed from SQLAlchemy inside a unit of work;
* :class:`AlchemyReader` runs them through SQLAlchemy's ``text()`` on other databases
  (PostgreSQL).

Either way values come back typed, as the models type them: dates, aware UTC instants,
times, booleans.  Which column names hold which is in ``DATES``, ``MOMENTS``, ``TIMES``
and ``FLAGS``, held to the models by tests/test_fast_path.py.
"""

from __future__ import annotations

import os
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from salesfunnel.db.sqlite import SCHEMA_HEAD, configure

if TYPE_CHECKING:
    from sqlalchemy import Connection

Params = Mapping[str, Any]

# Column names (and labels of computed columns) by the type of what they hold.
DATES = frozenset(
    {
        "churned_on",
        "closed_on",
        "due_date",
        "expected_close",
        "last_purchase",
        "purchased_on",
        "spent_on",
    }
)
MOMENTS = frozenset(
    {
        "at",
        "became_lead_at",
        "created_at",
        "done_at",
        "due_at",
        "last_activity_at",
        "opened_at",
        "stage_changed_at",
        "started_at",
        "touched",
        "undone_at",
    }
)
TIMES = frozenset({"due_time"})
FLAGS = frozenset(
    {
        "authority",
        "budget",
        "email_flagged",
        "need",
        "planned",
        "probability_manual",
        "starred",
        "timing",
    }
)
IN_CHUNK = 500  # values per IN (...) list: far below SQLite's limit on parameters


class Reader(Protocol):
    """Runs a SELECT and returns its rows, each a named tuple of typed values."""

    def rows(self, sql: str, params: Params | None = None) -> list[Any]: ...

    def value(self, sql: str, params: Params | None = None) -> Any: ...


def in_list(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:p0, :p1, ...)`` and its parameters, for ``column IN`` a list of values."""
    names = [f"{prefix}{i}" for i in range(len(values))]
    return "(" + ", ".join(f":{name}" for name in names) + ")", dict(
        zip(names, values, strict=True)
    )


def rows_in(
    reader: Reader, sql: str, values: Iterable[Any], params: Params | None = None
) -> list[Any]:
    """Rows of ``sql`` whose ``{values}`` placeholder stands for ``IN (...)`` the values,
    asked for a chunk at a time."""
    wanted = sorted(set(values))
    found: list[Any] = []
    for start in range(0, len(wanted), IN_CHUNK):
        placeholders, bound = in_list("v", wanted[start : start + IN_CHUNK])
        found.extend(reader.rows(sql.format(values=placeholders), {**(params or {}), **bound}))
    return found


# --- SQLite -------------------------------------------------------------------------------
def _sqlite_value(value: Any) -> Any:
    """A parameter as SQLAlchemy stores it in SQLite, so comparisons with stored text hold."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("datetime values must have timezone information")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S.%f")
    return value


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _as_moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.utcoffset() is None:  # stored in UTC, without an offset
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _as_time(value: Any) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(value)


def _as_flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _converter(name: str) -> Callable[[Any], Any] | None:
    if name in DATES:
        return _as_date
    if name in MOMENTS:
        return _as_moment
    if name in TIMES:
        return _as_time
    if name in FLAGS:
        return _as_flag
    return None


@cache
def _row_maker(names: tuple[str, ...]) -> Callable[[Sequence[Any]], Any]:
    """Builds a named tuple of typed values from a raw row with these column names."""
    row_type = namedtuple("Row", names)  # type: ignore[misc]  # noqa: PYI024
    converters = [(i, c) for i, c in enumerate(map(_converter, names)) if c is not None]

    def make(raw: Sequence[Any]) -> Any:
        values = list(raw)
        for i, convert in converters:
            values[i] = convert(values[i])
        return row_type._make(values)

    return make


class SqliteReader:
    """Reads on an ``sqlite3`` connection: its own (closed with it), or SQLAlchemy's."""

    def __init__(self, connection: sqlite3.Connection, *, owned: bool = False) -> None:
        self.connection = connection
        self.owned = owned

    def rows(self, sql: str, params: Params | None = None) -> list[Any]:
        bound = {k: _sqlite_value(v) for k, v in (params or {}).items()}
        cursor = self.connection.execute(sql, bound)
        try:
            make = _row_maker(tuple(d[0] for d in cursor.description))
            return [make(raw) for raw in cursor.fetchall()]
        finally:
            cursor.close()

    def value(self, sql: str, params: Params | None = None) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def close(self) -> None:
        """Ends the read (a snapshot of the file) and, if it is ours, the connection."""
        if not self.owned:
            return
        try:
            if self.connection.in_transaction:
                self.connection.rollback()
        finally:
            self.connection.close()


def open_sqlite_reader(path: Path | None) -> SqliteReader | None:
    """A reader on an SQLite file ready for use, or None when the engine must open it.

    None for a file that doesn't exist yet or can't be read and written (the engine
    creates it, or says why not), and for a schema not at head (the engine upgrades it
    first, or refuses it).  The reader's statements share one snapshot of the file.
    """
    if path is None or not path.is_file() or not os.access(path, os.R_OK | os.W_OK):
        return None
    try:
        connection = sqlite3.connect(path, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        configure(connection)
        connection.execute("BEGIN")
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        version = None
    if version is None or version[0] != SCHEMA_HEAD:
        connection.close()
        return None
    return SqliteReader(connection, owned=True)


# --- other databases, and inside SQLAlchemy's transactions ---------------------------------
class AlchemyReader:
    """Reads through SQLAlchemy's ``text()``: the same SQL on any database it speaks to."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: Params | None = None) -> list[Any]:
        from sqlalchemy import text

        result = self.connection.execute(text(sql), dict(params or {}))
        make = _row_maker(tuple(result.keys()))
        return [make(raw) for raw in result]

    def value(self, sql: str, params: Params | None = None) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None


def reader_over(connection: Connection) -> Reader:
    """A reader in the transaction of a SQLAlchemy connection."""
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return SqliteReader(driver)
    return AlchemyReader(connection)
