"""Units of work: one transaction per command, committed once or not at all.

``UnitOfWork`` holds an ORM session (SQLModel) for the commands that change things.
``ReadOnlyWork`` holds a plain-SQL reader alone (db/reader.py), for the daily commands
(``todo``, ``digest``, ``pipeline``, ``lead list``) that must start fast: on an SQLite
file it imports no SQLAlchemy at all, which would cost them half their start-up
(docs/benchmarks.md).  Services written in plain SQL take either: both have
``.reader`` and ``.settings()``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from salesfunnel.domain.settings import SETTINGS, rotting_stage_of

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

    from salesfunnel.db.reader import Reader


class UnitOfWork:
    """Opens a session; commits on a clean exit of a write, rolls back on anything else.

    Writes on SQLite begin with BEGIN IMMEDIATE, so a second writer (cron's digest
    during an import) waits on the busy timeout instead of failing half-way.
    """

    def __init__(self, engine: Engine, *, write: bool, check_references: bool = True) -> None:
        """``check_references=False``: SQLite doesn't check foreign keys in this unit.

        For a bulk writer whose every reference is one it made itself (``prospect
        import``: ~2 µs a row); the check is back on for the connection's next use.
        """
        from sqlmodel import Session

        self.write = write
        bind = engine
        if write and engine.dialect.name == "sqlite":
            bind = engine.execution_options(sqlite_begin="IMMEDIATE")
            if not check_references:
                bind = bind.execution_options(sqlite_foreign_keys=False)
        self.session: Session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        self.committed = False
        self._settings: dict[str, str] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and self.write:
                self.session.commit()
                self.committed = True
            else:
                self.session.rollback()
        finally:
            self.session.close()

    @property
    def connection(self) -> Connection:
        """The session's connection, for a Core query in this transaction.

        Changes the session still holds are flushed first, so the query sees them.
        """
        self.session.flush()
        return self.session.connection()

    @property
    def reader(self) -> Reader:
        """Plain SQL in this transaction (flushed first, like ``connection``)."""
        from salesfunnel.db.reader import reader_over

        return reader_over(self.connection)

    def settings(self) -> dict[str, str]:
        """Every setting, stored value over default, read once per unit of work."""
        if self._settings is None:
            self._settings = read_settings(self.reader)
        return self._settings

    def forget_settings(self) -> None:
        self._settings = None


class ReadOnlyWork:
    """A read in plain SQL: one reader, one snapshot, never committed."""

    write = False
    committed = False

    def __init__(self, reader: Reader, close: Callable[[], None]) -> None:
        self.reader = reader
        self._close = close
        self._settings: dict[str, str] | None = None

    @classmethod
    def on_engine(cls, engine: Engine) -> ReadOnlyWork:
        """On a connection of the engine: for databases the bare reader can't open."""
        from salesfunnel.db.reader import reader_over

        connection = engine.connect()
        connection.begin()

        def close() -> None:
            try:
                connection.rollback()
            finally:
                connection.close()

        return cls(reader_over(connection), close)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()

    def settings(self) -> dict[str, str]:
        """Every setting, stored value over default, read once."""
        if self._settings is None:
            self._settings = read_settings(self.reader)
        return self._settings


def read_settings(reader: Reader) -> dict[str, str]:
    """Every setting: the stored value, or the default; plus per-stage rotting limits."""
    stored = {row.key: row.value for row in reader.rows('SELECT "key", value FROM settings')}
    values = {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}
    return values | {k: v for k, v in stored.items() if rotting_stage_of(k)}  # per stage
