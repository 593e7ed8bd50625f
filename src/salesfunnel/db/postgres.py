"""A PostgreSQL server through psycopg 3, with no SQLAlchemy on the way.

The same ``:named`` SQL as on SQLite (db/work.py), turned into psycopg's
``%(named)s`` once per statement (db/dialect.py).  Opening checks the schema version
in one query; anything but the current one goes through the engine (db/engine.py,
SQLAlchemy and Alembic) first, as for SQLite.  Every session works in UTC, so that
what SQL makes of an instant (a cast to a date) is what it is on SQLite, whatever
the server's own time zone.

psycopg is an optional extra (``pip install 'salesfunnel[postgres]'``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from salesfunnel.db.dialect import POSTGRES, libpq_url, pyformat, safe_url
from salesfunnel.db.rows import Params, is_utf8, row_maker
from salesfunnel.errors import BadValue, DatabaseError

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_MS = 30_000  # as SQLite's busy timeout: a writer waits this long for another


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection in autocommit (transactions are begun by the driver), in UTC."""
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            f"can't open database {safe_url(url)}: the PostgreSQL driver is not installed "
            "(pip install 'salesfunnel[postgres]')"
        ) from None
    try:
        return psycopg.connect(
            libpq_url(url),
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            options=f"-c TimeZone=UTC -c lock_timeout={LOCK_TIMEOUT_MS}",
        )
    except psycopg.Error as error:
        raise DatabaseError(f"can't open database {safe_url(url)}: {first_line(error)}") from None


def schema_version(connection: psycopg.Connection[Any]) -> str | None:
    """The migration the database is at; None if it has none (new, or not ours)."""
    import psycopg

    try:
        found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.Error as error:
        raise DatabaseError(f"can't read the database: {first_line(error)}") from None
    return None if found is None else str(found[0])


def first_line(error: BaseException) -> str:
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


class PostgresDriver:
    """One psycopg connection for the whole command; one transaction per unit of work.

    A read is one snapshot (REPEATABLE READ), as on SQLite, and is rolled back (not
    READ ONLY: an import's preview fills a temporary table); a write runs at READ
    COMMITTED and waits up to ``LOCK_TIMEOUT_MS`` for a row another holds.
    """

    dialect = POSTGRES

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def run(self, sql: str, params: Params) -> tuple[list[Any], int]:
        import psycopg

        bound = {k: _bound(v) for k, v in params.items()}
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(pyformat(sql), bound)
                if cursor.description is None:
                    return [], cursor.rowcount
                make = row_maker(tuple(d.name for d in cursor.description))
                return [make(raw) for raw in cursor.fetchall()], cursor.rowcount
        except psycopg.Error as error:
            raise refusal(error) from None
        except UnicodeEncodeError:
            shown = next((v for v in params.values() if isinstance(v, str) and not is_utf8(v)), "")
            typed = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise BadValue(f"text that is not valid UTF-8 can't be stored: {typed}") from None

    def run_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """One statement for many rows of parameters (copy-to's bulk copy)."""
        import psycopg

        if not rows:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    pyformat(sql), [{k: _bound(v) for k, v in row.items()} for row in rows]
                )
        except psycopg.Error as error:
            raise refusal(error) from None

    def begin(self, *, write: bool, check_references: bool) -> None:
        statement = "BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ"
        self.run(statement, {})

    def end(self, *, commit: bool) -> None:
        import psycopg
        from psycopg.pq import TransactionStatus

        status = self.connection.info.transaction_status
        if self.connection.closed or status == TransactionStatus.IDLE:
            return
        try:
            self.connection.execute("COMMIT" if commit else "ROLLBACK")
        except psycopg.Error as error:
            raise refusal(error) from None

    def close(self) -> None:
        self.connection.close()


def _bound(value: Any) -> Any:
    """A parameter as psycopg takes it: a JSON document wrapped as one."""
    if isinstance(value, dict | list):
        from psycopg.types.json import Json

        return Json(value)
    return value


def refusal(error: Exception) -> Exception:
    """What the user is told when the server can't do what was asked, in one line."""
    import psycopg

    errors = psycopg.errors
    if isinstance(error, errors.NumericValueOutOfRange):
        return BadValue(f"a number is too large to be an id or a count here (at most {2**31 - 1})")
    if isinstance(error, errors.LockNotAvailable | errors.SerializationFailure):
        return DatabaseError(
            "another salesfunnel command kept the data busy: try again when it is done "
            "(nothing was written)"
        )
    if isinstance(error, errors.CharacterNotInRepertoire | errors.UntranslatableCharacter):
        return BadValue(f"text the database can't store: {first_line(error)}")
    if isinstance(error, psycopg.DataError) and "NUL (0x00)" in str(error):
        return BadValue(
            "text with a NUL character (\\x00) can't be stored in a PostgreSQL database"
        )
    if isinstance(error, psycopg.OperationalError):
        return DatabaseError(f"the database server: {first_line(error)}")
    return error


def next_id(cursor: Any, table: str) -> int:
    """The id the next row of ``table`` gets, for a writer that hands out ids itself (the
    import): past the highest the table holds and any its sequence gave out."""
    (found,) = cursor.execute(
        f"SELECT greatest((SELECT coalesce(max(id), 0) FROM {table}), "
        f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
        f"FROM {table}_id_seq))"
    ).fetchone()
    return int(found) + 1


# --- the importer's cursor ------------------------------------------------------------------
_QMARKS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|(?<!:):([A-Za-z_]\w*)|\?|%")
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)
_IS = re.compile(r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.IGNORECASE)
_TEMP = re.compile(r"\btemp\.(?=\w)")


@cache
def translated(sql: str) -> str:
    """The bulk writers' SQL (written for SQLite's cursor: ``?`` or ``:named``, ``INSERT
    OR IGNORE``, ``IS`` comparing values, ``temp.`` tables) as PostgreSQL takes it."""

    def placeholder(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group(1) is not None:
            return f"%({match.group(1)})s"
        if token == "?":
            return "%s"
        return token.replace("%", "%%")

    ignore = _OR_IGNORE.match(sql) is not None
    sql = _OR_IGNORE.sub("INSERT INTO", sql)
    sql = _TEMP.sub("pg_temp.", sql)
    sql = _IS.sub("IS NOT DISTINCT FROM ", _IS_NOT.sub("IS DISTINCT FROM ", sql))
    sql = _QMARKS.sub(placeholder, sql)
    return sql + " ON CONFLICT DO NOTHING" if ignore else sql


class CompatCursor:
    """A psycopg cursor that takes what the importer gives an ``sqlite3`` cursor: its
    SQL (:func:`translated`), its parameters, and ``execute(...).fetchone()``."""

    dialect = POSTGRES

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection
        self._cursor = connection.cursor()

    def execute(self, sql: str, params: Any = ()) -> CompatCursor:
        self._cursor.execute(translated(sql), _params(params))
        return self

    def executemany(self, sql: str, rows: Any) -> CompatCursor:
        self._cursor.executemany(translated(sql), [_params(row) for row in rows])
        return self

    def copy(self, statement: str) -> Any:
        """``COPY ... FROM STDIN``, rows written with ``write_row`` (psycopg's own)."""
        return self._cursor.copy(statement)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def __iter__(self) -> Any:
        return iter(self._cursor)

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def close(self) -> None:
        self._cursor.close()


def _params(params: Any) -> Any:
    """The parameters as given (JSON comes as its text, a list binds as an array)."""
    return params if isinstance(params, dict) else tuple(params)
