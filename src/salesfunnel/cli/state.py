"""What every command shares: where the database is, and where output goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

from salesfunnel.render.output import Output

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from salesfunnel.db.uow import ReadOnlyWork, UnitOfWork


@dataclass
class AppState:
    db: str | None = None
    output: Output = field(default_factory=Output)
    _engine: Engine | None = None
    _writes: list[UnitOfWork] = field(default_factory=list)

    def engine(self) -> Engine:
        """Opened on first use, so --help and usage errors never touch the database."""
        if self._engine is None:
            from salesfunnel.db.engine import open_engine
            from salesfunnel.db.location import database_url

            self._engine = open_engine(database_url(self.db), notify=self.output.message)
        return self._engine

    def close(self) -> None:
        """Let go of the database when the command ends (SQLite then tidies its WAL)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def reading(self) -> UnitOfWork:
        from salesfunnel.db.uow import UnitOfWork

        return UnitOfWork(self.engine(), write=False)

    def reading_plain(self) -> ReadOnlyWork:
        """A read in plain SQL, for the daily commands that must start fast.

        On an SQLite file at the current schema it goes straight to the file, without
        SQLAlchemy; anything else (a new file, an older schema, PostgreSQL) is opened
        by the engine first.
        """
        from salesfunnel.db.location import database_url, sqlite_path
        from salesfunnel.db.reader import open_sqlite_reader
        from salesfunnel.db.uow import ReadOnlyWork

        if self._engine is None:
            reader = open_sqlite_reader(sqlite_path(database_url(self.db)))
            if reader is not None:
                return ReadOnlyWork(reader, reader.close)
        return ReadOnlyWork.on_engine(self.engine())

    def writing(self, *, check_references: bool = True) -> UnitOfWork:
        from salesfunnel.db.uow import UnitOfWork

        unit = UnitOfWork(self.engine(), write=True, check_references=check_references)
        self._writes.append(unit)
        return unit

    @property
    def saved(self) -> bool:
        """Whether this command has already committed a change (so Ctrl-C can't undo it)."""
        return any(unit.committed for unit in self._writes)


def state(ctx: typer.Context) -> AppState:
    root: Any = ctx.find_root().obj
    if not isinstance(root, AppState):
        root = AppState()
        ctx.find_root().obj = root
    return root
