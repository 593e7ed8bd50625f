"""Units of work: one transaction per command, committed once or not at all.

``UnitOfWork`` holds an ORM session (SQLModel) for the commands that change things.
``ReadOnlyWork`` holds a SQLAlchemy Core connection alone, for the daily commands
(``todo``, ``digest``, ``pipeline``, ``lead list``) that must start fast: importing it
imports no SQLModel and no ``sqlalchemy.orm``, which would cost them a third of their
start-up (docs/benchmarks.md).  Services written on Core take either: both have
``.connection`` and ``.settings()``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from salesfunnel.domain.settings import SETTINGS, rotting_stage_of

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session


class UnitOfWork:
    """Opens a session; commits on a clean exit of a write, rolls back on anything else.

    Writes on SQLite begin with BEGIN IMMEDIATE, so a second writer (cron's digest
    during an import) waits on the busy timeout instead of failing half-way.
    """

    def __init__(self, engine: Engine, *, write: bool) -> None:
        from sqlmodel import Session

        self.write = write
        bind = engine
        if write and engine.dialect.name == "sqlite":
            bind = engine.execution_options(sqlite_begin="IMMEDIATE")
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

    def settings(self) -> dict[str, str]:
        """Every setting, stored value over default, read once per unit of work."""
        if self._settings is None:
            self._settings = read_settings(self.connection)
        return self._settings

    def forget_settings(self) -> None:
        self._settings = None


class ReadOnlyWork:
    """A read on SQLAlchemy Core alone: one connection, one transaction, never committed."""

    write = False
    committed = False

    def __init__(self, engine: Engine) -> None:
        self.connection: Connection = engine.connect()
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
            self.connection.rollback()
        finally:
            self.connection.close()

    def settings(self) -> dict[str, str]:
        """Every setting, stored value over default, read once."""
        if self._settings is None:
            self._settings = read_settings(self.connection)
        return self._settings


def read_settings(connection: Connection) -> dict[str, str]:
    """Every setting: the stored value, or the default; plus per-stage rotting limits."""
    from sqlalchemy import select

    from salesfunnel.db.core import settings

    stored = dict(connection.execute(select(settings.c.key, settings.c.value)).all())
    values = {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}
    return values | {k: v for k, v in stored.items() if rotting_stage_of(k)}  # per stage
